"""pipeline.config.load: defaults, line-precise errors, environment overrides, adapters."""

from __future__ import annotations

import glob
import importlib.util
import os
import textwrap

import pytest

from parsers.options import ColumnSpec, ParseOptions
from pipeline.config.load import ConfigError, load_config, parse_config, resolve_config_path, to_parse_options, to_tail_inputs

SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "samples")


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(textwrap.dedent(text), source="logpipe.toml")
    return info.value


def test_built_in_defaults_match_the_design():
    cfg = load_config(None, {}, hostname="pay-01")
    assert cfg.host.name == "pay-01" and cfg.host.service == "payments"
    assert cfg.inputs == () and cfg.source is None
    assert cfg.sql.slow_ms == 1000
    assert (cfg.masking.cards, cfg.masking.cn_id, cfg.masking.phones) == (True, True, True)
    assert cfg.kafka.bootstrap == "127.0.0.1:9092" and cfg.kafka.compression == "zstd"
    assert (cfg.kafka.topic_events, cfg.kafka.topic_alerts) == ("logpipe.events", "logpipe.alerts")
    assert (cfg.kafka.topic_signatures, cfg.kafka.topic_deadletter) == ("logpipe.signatures", "logpipe.deadletter")
    assert cfg.elasticsearch.hosts == ("http://127.0.0.1:9200",)
    assert cfg.elasticsearch.index_prefix == "logpipe-events"
    assert cfg.alerts.outputs == ("kafka", "console") and cfg.alerts.webhook_url == ""
    assert cfg.state.dir == ".logpipe/state" and cfg.metrics.port is None


def test_input_defaults_and_table_columns_become_column_specs():
    cfg = parse_config(textwrap.dedent("""\
        [[inputs]]
        paths = ["/var/log/pay/*.log"]
        [[tables]]
        name = "order"
        match = "|ORDER|"
        columns = ["kind", "amount:decimal", "status:enum(SUCCESS, FAIL)", "cost:duration"]
        trace_ids = ["kind"]
        """))
    (inp,) = cfg.inputs
    assert (inp.format, inp.multiline, inp.start_at, inp.service, inp.exclude) == ("auto", "auto", "beginning", None, ())
    assert cfg.tables[0].columns == (
        ColumnSpec("kind"), ColumnSpec("amount", "decimal"),
        ColumnSpec("status", "enum", ("SUCCESS", "FAIL")), ColumnSpec("cost", "duration"),
    )


@pytest.mark.parametrize("text, expected", [
    ('[host]\nname = "a"\n\n[[inputs]]\npaths = ["a"]\n[[inputs]]\npaths = ["b"]\nstart_at = "middle"\n',
     'logpipe.toml:8: inputs[1].start_at: expected "beginning" or "end", got "middle"'),
    ('[kafka]\nbootstrap = "k:9092"\ntopic_event = "x"\n',
     'logpipe.toml:3: kafka.topic_event: unknown key; did you mean "topic_events"?'),
    ('[sql]\n\nslow_ms = "fast"\n', 'logpipe.toml:3: sql.slow_ms: expected a number, got string "fast"'),
    ('[masking]\ncards = 1\n', "logpipe.toml:2: masking.cards: expected true or false, got integer 1"),
    ('[[tables]]\nname = "o"\nmatch = "|O|"\ncolumns = [\n  "kind",\n  "amount:money",\n]\n',
     'logpipe.toml:6: tables[0].columns[1]: invalid column spec at column 8 ("money"): unknown type "money"; '
     "expected string, int, decimal, duration, timestamp or enum(A,B,...)"),
    ('[methods]\npatterns = ["(?P<method>\\\\w+"]\n',
     "logpipe.toml:2: methods.patterns[0]: invalid regex: missing ), unterminated subpattern at position 0"),
    ('[host]\ntimezone = "Asia/Shang_hai"\n', 'logpipe.toml:2: host.timezone: unknown time zone "Asia/Shang_hai"'),
    ('[[tables]]\nname = "o"\n', "logpipe.toml:1: tables[0].match: missing required key"),
    ('inputs = [{ paths = ["a"] },\n  { paths = ["b"], format = "xml" }]\n', 'logpipe.toml:2: inputs[1].format: expected "auto"'),
    ('bounds.max_line_bytes = 0\n', "logpipe.toml:1: bounds.max_line_bytes: expected an integer above 0, got integer 0"),
    ('[sql.slow_ms_by_fingerprint]\n"a1b2" = 10\n"c3 d4" = -5\n', 'logpipe.toml:3: sql.slow_ms_by_fingerprint."c3 d4": expected a non-negative'),
    ('[[inputs]]\npaths = []\n', "logpipe.toml:2: inputs[0].paths: expected at least one entry, got an empty array"),
    ('[alerts]\noutputs = ["kafka", "pager"]\n', 'logpipe.toml:2: alerts.outputs[1]: expected "kafka", "console", "webhook" or "file", got "pager"'),
])
def test_each_error_names_the_file_line_and_key_path(text, expected):
    assert str(error_of(text)).startswith(expected)


def test_an_error_inside_a_sub_table_of_the_second_input_points_at_its_line():
    err = error_of('[[inputs]]\npaths = ["a"]\n[[inputs]]\npaths = ["b"]\n"exclude" = [1]\n')
    assert (err.line, err.key) == (5, "inputs[1].exclude[0]")


def test_a_toml_syntax_error_keeps_tomllib_line_and_column():
    err = error_of('[host]\nname = "pay-01"\nservice = = "x"\n')
    assert (err.line, err.column) == (3, 11)
    assert str(err).startswith("logpipe.toml:3:11: invalid TOML:")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_config(str(tmp_path / "nope.toml"), {})


def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "logpipe.toml"
    path.write_bytes(b'[host]\nname = "\xff"\n')
    with pytest.raises(ConfigError) as info:
        load_config(str(path), {})
    assert info.value.line == 2


def test_environment_overrides_connection_settings():
    cfg = load_config(None, {"LOGPIPE_KAFKA": "kafka-1:9092,kafka-2:9092", "LOGPIPE_ES": " http://es1:9200, https://es2:9200 ,"})
    assert cfg.kafka.bootstrap == "kafka-1:9092,kafka-2:9092"
    assert cfg.elasticsearch.hosts == ("http://es1:9200", "https://es2:9200")


@pytest.mark.parametrize("env, expected", [
    ({"LOGPIPE_ES": "http://es1:9200,es2:9200"}, r"environment: LOGPIPE_ES\[1\]: expected an http"),
    ({"LOGPIPE_ES": " , "}, r"environment: LOGPIPE_ES: expected comma-separated"),
    ({"LOGPIPE_KAFKA": "kafka-1"}, r"environment: LOGPIPE_KAFKA: expected host:port"),
])
def test_a_bad_environment_value_names_the_variable(env, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(None, env)


def test_the_config_path_is_the_cli_value_else_logpipe_toml_in_cwd_else_none(tmp_path):
    assert resolve_config_path(None, str(tmp_path)) is None
    (tmp_path / "logpipe.toml").write_text("")
    assert resolve_config_path(None, str(tmp_path)) == str(tmp_path / "logpipe.toml")
    assert resolve_config_path("other.toml", str(tmp_path)) == str(tmp_path / "other.toml")


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    path = tmp_path / "conf" / "logpipe.toml"
    path.parent.mkdir()
    path.write_text('[[inputs]]\npaths = ["logs/*.log", "/abs/*.log"]\nexclude = ["*.gz", "logs/old/*"]\n')
    cfg = load_config(str(path), {})
    assert cfg.inputs[0].paths == (str(tmp_path / "conf" / "logs" / "*.log"), "/abs/*.log")
    assert cfg.inputs[0].exclude == ("*.gz", str(tmp_path / "conf" / "logs" / "old" / "*"))
    assert cfg.state.dir == str(tmp_path / "conf" / ".logpipe" / "state")


def test_the_sample_config_loads_and_builds_parse_options():
    cfg = load_config(os.path.join(SAMPLES, "logpipe.toml"), {}, hostname="laptop")
    assert cfg.host.timezone == "Asia/Shanghai" and cfg.sql.slow_ms == 1000
    assert {t.name for t in cfg.tables} >= {"order", "notify", "refund", "settle"}
    assert len(cfg.inputs) >= 3
    for inp in cfg.inputs:
        opts = to_parse_options(cfg, inp)
        assert isinstance(opts, ParseOptions) and opts.in_app == ("com.fpay",)
        assert opts.format == inp.format and opts.timezone == "Asia/Shanghai"
        assert all(os.path.isabs(p) and glob.glob(p) for p in inp.paths)


@pytest.mark.skipif(importlib.util.find_spec("pipeline.tail.discovery") is None, reason="pipeline.tail.discovery not there")
def test_tail_inputs_carry_paths_service_start_and_excludes():
    cfg = parse_config('[host]\nservice = "pay"\n[[inputs]]\npaths = ["/a/*.log"]\nstart_at = "end"\nexclude = ["*.gz"]\n')
    (tail,) = to_tail_inputs(cfg)
    assert (tuple(tail.paths), tail.service, tail.start_at, tuple(tail.exclude)) == (("/a/*.log",), "pay", "end", ("*.gz",))
