"""A bad layout (`inputs.format`) or column spec (`tables.columns`) stops the config load
with one line naming the key and the column of the problem; `logpipe` exits 2 with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config.load import ConfigError, parse_config

REPO = Path(__file__).resolve().parents[2]


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly."""
    return '"' + "".join(c if c not in '"\\' and " " <= c != "\x7f" else f"\\u{ord(c):04x}" for c in text) + '"'


def with_format(layout: str) -> str:
    return f'[[inputs]]\npaths = ["a.log"]\n\n[[inputs]]\npaths = ["b.log"]\nformat = {toml_string(layout)}\n'


@pytest.mark.parametrize("text, expected", [
    (with_format("%d [%t] %foo - %m"),
     'logpipe.toml:6: inputs[1].format: invalid layout at column 9 ("%foo - %m"): unknown conversion word %foo'),
    (with_format("%d{yyyy-MM-dd HH:mm:ss [%t] %m"),
     'logpipe.toml:6: inputs[1].format: invalid layout at column 31 (the end): expected "}" closing the option'),
    (with_format("%d [%t] 50% %m"),
     'logpipe.toml:6: inputs[1].format: invalid layout at column 12 (" %m"): expected'),
    (with_format("%d{yyyy-QQ} %m"),
     """logpipe.toml:6: inputs[1].format: invalid layout at column 1 ("%d{yyyy-QQ} %m"): """
     "date pattern 'yyyy-QQ': unsupported field 'QQ'"),
    ('[[tables]]\nname = "o"\nmatch = "|O|"\ncolumns = ["kind",\n  "status:enum(A,,B)"]\n',
     'logpipe.toml:5: tables[0].columns[1]: invalid column spec at column 15 (",B)"): an enum choice is empty'),
    ('[[tables]]\nname = "o"\nmatch = "|O|"\ncolumns = [":int"]\n',
     'logpipe.toml:4: tables[0].columns[0]: invalid column spec at column 1 (":int"): the column needs a name'),
])
def test_a_bad_layout_or_spec_is_a_config_error_with_key_and_column(text, expected):
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert str(info.value).startswith(expected)


def test_a_good_layout_and_specs_load():
    tables = '[[tables]]\nname = "o"\nmatch = "|O|"\ncolumns = ["kind", "amount : decimal", "s:enum(A, B)"]\n'
    cfg = parse_config(with_format("%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n") + tables)
    assert cfg.inputs[1].format.startswith("%d{")
    assert [(c.name, c.type, c.choices) for c in cfg.tables[0].columns] == [
        ("kind", "string", ()), ("amount", "decimal", ()), ("s", "enum", ("A", "B"))]


LAYOUT_PIECES = st.sampled_from(["%d", "%d{HH:mm:ss}", "%-5p", "[%t]", "%logger{36}", "%X{k}", "%m", "%n", "%%", "%",
                                 "{", "}", "%d{", "%q", "%5", " ", "\t", "\n", '"', "\\", "%d{QQ}", "é"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(LAYOUT_PIECES, min_size=1, max_size=10).map("".join))
       .filter(lambda t: "%" in t))
def test_any_layout_text_loads_or_is_a_config_error_with_a_position(layout):
    try:
        cfg = parse_config(with_format(layout))
    except ConfigError as exc:
        message = str(exc)
        assert exc.key == "inputs[1].format" and exc.line == 6
        assert " at column " in message and "\n" not in message
        return
    assert cfg.inputs[1].format == layout


def test_logpipe_exits_2_with_one_line_naming_key_and_column(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(with_format("%d [%t] %-5lvl %c - %m"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "scan", "--config", str(config)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0] == (f"logpipe: {config}:6: inputs[1].format: invalid layout at column 9 "
                        '("%-5lvl %c - %m"): unknown conversion word %lvl')
