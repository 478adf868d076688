"""Entry points not covered by the other property tests, fuzzed with hypothesis:

* `load_config` on any file bytes, and any `LOGPIPE_KAFKA` / `LOGPIPE_ES`: a Config or a
  ConfigError, nothing else (the other config fuzz tests start from text);
* `compile_format` on any pattern and time zone: a parser or a ValueError, and a parser
  it returns is total on any line;
* any config that loads gives parse options on which the assembler is total: user
  tables, trace keys, SQL, method and masking patterns, bounds, over noisy input.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.assemble import Assembler, Source
from parsers.prefix.layouts import compile_format
from pipeline.config.load import ConfigError, load_config, parse_config, to_parse_options

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
env_value = st.one_of(text, st.sampled_from(["k:9092", "a:1,b:2", " , ", "http://es:9200", "https://a,  ,http://b",
                                             "ftp://x", "k:99999", "[::1]:9092", "localhost", ":9092"]))


def check_load(raw: bytes, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "logpipe.toml")
        with open(path, "wb") as f:
            f.write(raw)
        try:
            load_config(path, env, hostname="fuzz")
        except ConfigError as err:  # names the file, or the variable for an environment override
            assert str(err).startswith((path, "environment: LOGPIPE_")), str(err)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200),
                 st.lists(st.sampled_from([b"[kafka]\n", b'bootstrap = "k:9092"\n', b"\xef\xbb\xbf", b"\x00",
                                           b"\xff", b"[[inputs]]\n", b'paths = ["a"]\n', b"= \n", b'"\xc3\x28"']),
                          max_size=10).map(b"".join)))
def test_load_config_on_any_file_bytes_gives_a_config_or_a_config_error(raw):
    check_load(raw, {})


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["LOGPIPE_KAFKA", "LOGPIPE_ES"]), env_value))
def test_load_config_with_any_environment_gives_a_config_or_a_config_error(env):
    check_load(b'[kafka]\nbootstrap = "k:9092"\n', env)


def test_load_config_on_a_directory_or_a_missing_file_is_a_config_error(tmp_path):
    for path in (str(tmp_path), str(tmp_path / "missing.toml")):
        try:
            load_config(path, {})
        except ConfigError as err:
            assert path in str(err)
        else:
            raise AssertionError(f"{path} loaded")


PATTERN_PIECES = ["%d", "%d{yyyy-MM-dd HH:mm:ss.SSS}", "%d{ISO8601}", "%d{", "}", "%t", "%thread", "%-5p", "%5level",
                  "%c", "%logger{36}", "%m", "%msg", "%n", "%X{traceId}", "%%", "%", "[", "]", " ", " - ", "|", "{",
                  "%-", "%.-1", "%r", "%L", "%M", "%C{1}", ":", "(", ")", "\\", "%d{yyyy}%d{MM}"]
LINES = st.one_of(text, st.sampled_from([
    "2026-11-26 10:15:30.112 [main] INFO  c.f.pay.App - ok", "2026-11-26 10:15:30,112 ERROR [t] x.Y: m",
    "[main] WARN c.f - m", "", " ", "%d [%t]", "2026-13-45 99:99:99.999 [x] INFO a - b"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PATTERN_PIECES), text), min_size=1, max_size=8).map("".join),
       st.one_of(st.sampled_from(["UTC", "Asia/Shanghai", "+08:00", "-23:59", "+99:99", "Z", "../etc", "\x00"]), text),
       st.lists(LINES, max_size=5))
def test_compile_format_gives_a_parser_or_a_value_error_and_its_parser_is_total(fmt, tz, lines):
    try:
        parser = compile_format(fmt, tz)
    except ValueError:
        return
    for line in lines:
        parser.parse(line)


KEYS = {
    "tables": ["name", "match", "delimiter", "columns", "trace_ids"],
    "parse": ["trace_keys", "in_app"],
    "sql": ["patterns", "slow_ms"],
    "methods": ["patterns"],
    "masking": ["patterns", "cards", "phones"],
    "bounds": ["max_line_bytes", "max_event_lines", "max_event_bytes"],
}
REGEXES = ["(?P<sql>.+) took (?P<ms>\\d+)", "(?P<method>\\w+) cost (?P<ms>\\d+)", "\\d{6}", "(?P<sql>.*)(?P<s>[.\\d]+)s",
           "a|b", "x*y", "(a+)+$", "[", "(?P<method>.)(?P<ms>.)"]
VALUES = {
    "name": st.sampled_from(["order", "t", ""]),
    "match": st.one_of(st.sampled_from(["|ORDER|", "|", "ORDER", " ", "\\"]), text),
    "delimiter": st.one_of(st.sampled_from(["|", ",", " ", "||", "="]), text),
    "columns": st.lists(st.one_of(st.sampled_from(["kind", "order_no", "amount:decimal", "cost:duration", "n:int",
                                                   "s:enum(A,B)", "ts:timestamp", "x:string"]), text), max_size=7),
    "trace_ids": st.lists(st.sampled_from(["order_no", "kind", "nope"]), max_size=2),
    "trace_keys": st.lists(st.one_of(st.sampled_from(["orderNo", "订单号", "=", "("]), text), min_size=1, max_size=3),
    "in_app": st.lists(st.sampled_from(["com.fpay", "c", "", "."]), max_size=2),
    "patterns": st.lists(st.sampled_from(REGEXES), max_size=2),
    "slow_ms": st.one_of(st.integers(-5, 5000), st.floats(allow_nan=False, allow_infinity=False)),
    "cards": st.booleans(), "phones": st.booleans(),
    "max_line_bytes": st.integers(-1, 300), "max_event_lines": st.integers(-1, 10),
    "max_event_bytes": st.integers(-1, 2000),
}


def toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value) + '"'


@st.composite
def configs(draw) -> str:
    parts = ['[[inputs]]\npaths = ["a.log"]\nformat = "logback"\nmultiline = "java"']
    for table, keys in KEYS.items():
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
        if table == "tables":
            chosen = ["name", "match", *[k for k in chosen if k not in ("name", "match")]]
        if chosen:
            header = f"[[{table}]]" if table == "tables" else f"[{table}]"
            parts.append("\n".join([header, *(f"{k} = {toml(draw(VALUES[k]))}" for k in chosen)]))
    return "\n".join(parts) + "\n"


NOISE = st.lists(st.sampled_from([
    b"2026-11-26 10:15:30.112 [main] INFO  c.f.pay.App - orderNo=ord_1 |ORDER|o1|m|1.50|A|S|5ms|\n",
    b"2026-11-26 10:15:30.112 [main] ERROR c.f.pay.App - x took 5 y cost 7 4111111111111111 13800138000\n",
    b"java.lang.IllegalStateException: y\n", b"\tat com.fpay.A.b(A.java:1)\n", b"Caused by: java.io.IOException: x\n",
    b"2026-11-26 10:15:30.112 [main] DEBUG c.f.m.M - ==>  Preparing: SELECT a FROM t WHERE id = ?\n",
    b"2026-11-26 10:15:30.112 [main] DEBUG c.f.m.M - ==> Parameters: 1(Integer)\n",
    b"2026-11-26 10:15:30.112 [main] DEBUG c.f.m.M - <==      Total: 1\n",
    b"|ORDER|||||\n", b"=|=|=\n", b"\x00\xff\n", "订单号=订单 中文\n".encode(), b"x" * 400 + b"\n", b"\n",
]), max_size=25).map(b"".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), NOISE, st.lists(st.integers(0, 3000), max_size=5))
def test_any_config_that_loads_gives_options_on_which_the_assembler_is_total(cfg_text, data, cuts):
    try:
        cfg = parse_config(cfg_text, source="fuzz.toml")
    except ConfigError:
        return
    asm = Assembler(to_parse_options(cfg, cfg.inputs[0]), Source("h", "s", "/p", "f"), 0)
    bounds = [0, *sorted(c for c in set(cuts) if 0 < c < len(data)), len(data)]
    events = []
    for a, b in zip(bounds, bounds[1:]):
        events += asm.feed(data[a:b], a, 0)
    events += asm.poll(10**9) + asm.finish(10**9)
    position = 0
    for ev in events:
        assert ev.offset == position and ev.end_offset > ev.offset
        position = ev.end_offset
        ev.to_ecs()
    assert position == len(data)
    errors = [f for ev in events for f in ev.flags if f.startswith("parse_error")]
    assert not errors, (errors, cfg_text)
