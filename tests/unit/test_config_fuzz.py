"""pipeline.config.load is total: any text, any value for any known key, gives a Config
or a ConfigError with a line number, never another exception."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config.load import ConfigError, parse_config

KEYS = [
    ("host", "name"), ("host", "service"), ("host", "timezone"),
    ("inputs", "paths"), ("inputs", "service"), ("inputs", "format"), ("inputs", "multiline"),
    ("inputs", "start_at"), ("inputs", "exclude"), ("inputs", "unknown"),
    ("parse", "in_app"), ("parse", "trace_keys"),
    ("tables", "name"), ("tables", "match"), ("tables", "delimiter"), ("tables", "columns"), ("tables", "trace_ids"),
    ("sql", "slow_ms"), ("sql", "patterns"), ("sql", "slow_ms_by_fingerprint"), ("methods", "patterns"),
    ("masking", "cards"), ("masking", "patterns"), ("kafka", "bootstrap"), ("kafka", "compression"),
    ("kafka", "security_protocol"), ("kafka", "sasl_mechanism"), ("kafka", "linger_ms"),
    ("elasticsearch", "hosts"), ("elasticsearch", "bulk_max_docs"), ("elasticsearch", "request_timeout_s"),
    ("alerts", "outputs"), ("alerts", "webhook_url"), ("alerts", "keywords"), ("alerts", "error_rate_factor"),
    ("state", "dir"), ("metrics", "port"), ("bounds", "max_line_bytes"), ("bounds", "flush_after_ms"),
]
ARRAY_TABLES = {"inputs": 'paths = ["a.log"]', "tables": 'name = "t"\nmatch = "|T|"'}
PLAUSIBLE = [
    "end", "beginning", "Asia/Shanghai", "+08:00", "Etc/../../x", "UTC", "java", "none", "logback",
    "%d [%t] %-5p %c - %m", "amount:decimal", "s:enum(A,B)", "x:enum()", ":int", "(?P<sql>.+) (?P<ms>\\d+)",
    "(?P<method>\\w+) took (?P<s>[\\d.]+)", "(", "a{99999999999}", "", "zstd", "SASL_SSL", "PLAIN",
    "http://es:9200", "k:9092", "webhook", "file", "订单号",
]
text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
scalars = st.one_of(
    st.sampled_from(PLAUSIBLE), text_values, st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1, 1, 1)), st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["a", "b c", "name", "ms"]), inner, max_size=3)),
    max_leaves=8,
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, (int, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def check(text: str) -> ConfigError | None:
    try:
        parse_config(text, source="fuzz.toml", base_dir="/cfg")
    except ConfigError as err:
        assert err.line is not None, str(err)
        assert str(err).startswith(f"fuzz.toml:{err.line}")
        return err
    return None


def document(assignments: list) -> str:
    """Dotted top-level keys first, then one header per table (TOML forbids re-opening one)."""
    top, tables = [], []
    for (table, key), value, dotted in assignments:
        if table in ARRAY_TABLES:
            prelude = [line for line in ARRAY_TABLES[table].splitlines() if not line.startswith(key + " ")]
            tables.append("\n".join([f"[[{table}]]", *prelude, f"{key} = {toml_value(value)}"]))
        elif dotted:
            top.append(f"{table}.{key} = {toml_value(value)}")
        else:
            tables.append(f"[{table}]\n{key} = {toml_value(value)}")
    return "\n".join(top + tables) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), values, st.booleans()), min_size=1, max_size=4, unique_by=lambda a: a[0][0]))
def test_any_value_for_a_known_key_gives_a_config_or_a_config_error(assignments):
    text = document(assignments)
    err = check(text)
    if err is not None and err.column is None:  # a validation error: its line holds the key or its table
        line = text.split("\n")[err.line - 1]
        last_key = [p for p in err.key.replace("[", ".").replace("]", "").split(".") if p and not p.isdigit()][-1]
        assert last_key in line or line.startswith("["), (str(err), line)


FRAGMENTS = [
    "[host]", "[[inputs]]", "[[tables]]", "[sql.slow_ms_by_fingerprint]", 'paths = ["a"]', 'name = "x"', "=", '"',
    "'", '"""', "'''", "[", "]", "{", "}", ",", ".", "#", "\n", "\\", 'a.b."c d" = 1', "start_at = ", "x = {y = [1, {z = 2}]}",
    "columns = [\n\"a:int\",\n\"b:money\"]", "1979-05-27T07:32:00Z", "inf", "-0x1F", "true",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), text_values), max_size=25))
def test_arbitrary_toml_ish_text_gives_a_config_or_a_config_error(pieces):
    check(" ".join(pieces))
