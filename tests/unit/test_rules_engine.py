"""The engine as a whole: deterministic ids, state that survives a save/load, schema-valid
alerts of every kind, and no exception whatever the document looks like."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.rules.engine import RuleEngine
from pipeline.config.schema import AlertsConfig

T0 = 1_767_225_600.0
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "alert.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
CFG = AlertsConfig(keywords=("IOException", "订单不存在"), error_rate_min_count=5, regression_days=7)


def stream() -> list[tuple[dict, float]]:
    """Events that raise every kind of alert."""
    docs = []
    for i in range(40):
        ts = T0 + i
        docs.append(Event(message=f"pay {i} failed 订单不存在", kind="exception", timestamp=iso(ts), host="h1",
                          service="payments", id=f"e{i}", level="ERROR", error_type="java.io.IOException",
                          error_message="reset by https://bank.example/pay", stack_trace="at x.y(Z.java:1)",
                          signature=f"sig-{i % 3}", signature_version="v1", root_cause_type="java.net.SocketException",
                          root_cause_message="reset").to_ecs())
        docs.append(Event(message="sql", kind="sql", timestamp=iso(ts), duration_ns=2_000_000_000,
                          sql_fingerprint="select ?", sql_fingerprint_id="fp1", sql_statement="select 1",
                          service="payments").to_ecs())
    back = T0 + 10 * 86_400
    docs.append(Event(message="again", kind="exception", timestamp=iso(back), error_type="java.io.IOException",
                      signature="sig-0", signature_version="v1", service="payments").to_ecs())
    return [(d, T0 + 100) for d in docs]


def run(engine: RuleEngine, events) -> list:
    out = []
    for doc, now in events:
        out += engine.feed(doc, now)
    return out


def test_every_kind_of_alert_is_raised_by_the_stream_and_valid_against_the_schema():
    alerts = run(RuleEngine(CFG, SqlOptions()), stream())
    assert {a.rule for a in alerts} == {"new_signature", "regression", "slow_sql", "slow_sql_p95",
                                        "error_rate", "keyword"}
    for a in alerts:
        body = orjson.loads(orjson.dumps(a.body))
        errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(body)]
        assert errors == [], (a.rule, errors)
        assert body["id"] == a.id and body["rule"] == a.rule and body["key"] == a.key


def test_the_same_events_give_the_same_alert_ids_and_bodies():
    first = run(RuleEngine(CFG, SqlOptions()), stream())
    again = run(RuleEngine(CFG, SqlOptions()), stream())
    assert [a.body for a in first] == [a.body for a in again]
    assert len({a.id for a in first}) == len(first)


def test_an_engine_restored_from_a_snapshot_raises_nothing_again_on_a_replay():
    engine = RuleEngine(CFG, SqlOptions())
    events = stream()
    assert run(engine, events)
    saved = orjson.loads(orjson.dumps(engine.snapshot()))
    fresh = RuleEngine(CFG, SqlOptions())
    fresh.restore(saved)
    assert orjson.loads(orjson.dumps(fresh.snapshot())) == saved
    assert run(fresh, events) == []


def test_take_dirty_returns_changes_once_and_replaying_them_rebuilds_the_state():
    engine = RuleEngine(CFG, SqlOptions())
    events = stream()
    records: dict = {}
    for doc, now in events:
        engine.feed(doc, now)
        records.update(orjson.loads(orjson.dumps(engine.take_dirty())))
    assert engine.take_dirty() == {}
    rebuilt = RuleEngine(CFG, SqlOptions())
    rebuilt.restore(records)
    assert orjson.loads(orjson.dumps(rebuilt.snapshot())) == orjson.loads(orjson.dumps(engine.snapshot()))


def test_an_alert_id_is_never_returned_twice_even_from_a_second_window_of_the_same_rule():
    engine = RuleEngine(CFG, SqlOptions())
    ids = [a.id for a in run(engine, stream() + stream())]
    assert len(ids) == len(set(ids))


def test_expire_forgets_expired_ids_and_idle_windows_with_tombstones():
    engine = RuleEngine(CFG, SqlOptions())
    run(engine, stream())
    engine.take_dirty()
    engine.expire(T0 + 30 * 86_400)
    dirty = engine.take_dirty()
    assert dirty and all(v is None for v in dirty.values())
    assert not any(k.startswith("sig/") for k in dirty)  # signatures are the long memory
    assert engine.emitted == {}


def test_a_live_merge_applies_signatures_and_ids_but_not_window_state():
    other = RuleEngine(CFG, SqlOptions())
    run(other, stream())
    mine = RuleEngine(CFG, SqlOptions())
    mine.restore(other.snapshot(), mergeable_only=True)
    keys = mine.snapshot().keys()
    assert any(k.startswith("sig/") for k in keys) and any(k.startswith("alert/") for k in keys)
    assert not any(k.startswith(("sql/", "p95/", "rate/", "kw/")) for k in keys)


json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
field_names = st.sampled_from(["@timestamp", "event", "error", "logpipe", "service", "host", "log", "message"])
nested = st.dictionaries(st.sampled_from(["duration", "type", "message", "signature", "sql", "fingerprint_id",
                                          "name", "level", "root_cause", "stack_trace", "id"]), json_value, max_size=5)
docs = st.dictionaries(field_names, json_value | nested | st.text(max_size=40), max_size=8) | json_value


@settings(max_examples=400, deadline=None)
@given(st.lists(docs, max_size=6), st.floats(allow_nan=True, allow_infinity=True))
def test_the_engine_never_raises_on_arbitrary_documents(batch, now_s):
    engine = RuleEngine(CFG, SqlOptions(slow_ms=0))
    now = now_s if now_s == now_s and abs(now_s) < 1e11 else T0
    for doc in batch:
        for alert in engine.feed(doc, now):
            assert not list(VALIDATOR.iter_errors(orjson.loads(orjson.dumps(alert.body))))
    engine.expire(now)
    orjson.dumps(engine.take_dirty())
    assert engine.unreadable == 0  # shapes are checked, not left to the engine's fallback
