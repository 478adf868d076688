"""New exception signatures alert once; a signature silent for `regression_days` alerts again."""

from __future__ import annotations

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.rules.engine import RuleEngine
from pipeline.config.schema import AlertsConfig

DAY_S = 86_400
T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def exception(ts_s: float, sig: str = "sig-npe", host: str = "pay-01", offset: int = 0) -> dict:
    return Event(
        message="order failed", kind="exception", timestamp=iso(ts_s), host=host, service="payments",
        id=f"ev-{offset}", level="ERROR", error_type="com.pay.OrderException", error_message="order 42 failed",
        stack_trace="com.pay.OrderException: order 42 failed\n\tat com.pay.Svc.pay(Svc.java:10)\n" * 500,
        signature=sig, signature_version="v1", root_cause_type="java.net.SocketTimeoutException",
        root_cause_message="Read timed out",
    ).to_ecs()


def engine(**over) -> RuleEngine:
    return RuleEngine(AlertsConfig(keywords=(), **over), SqlOptions())


def test_a_new_signature_alerts_once_with_types_message_trace_host_and_first_seen():
    e = engine()
    first = e.feed(exception(T0), T0)
    assert [a.rule for a in first] == ["new_signature"]
    body = first[0].body
    assert body["error"]["type"] == "com.pay.OrderException"
    assert body["root_cause"] == {"type": "java.net.SocketTimeoutException", "message": "Read timed out"}
    assert body["error"]["message"] == "order 42 failed"
    assert 0 < len(body["error"]["stack_trace"]) <= 4000
    assert (body["host"], body["service"], body["first_seen"]) == ("pay-01", "payments", iso(T0))
    assert body["signature"] == "sig-npe" and body["sample_event_id"] == "ev-0"
    assert e.feed(exception(T0 + 1, host="pay-02"), T0 + 1) == []
    assert e.feed(exception(T0 + 3 * DAY_S), T0 + 3 * DAY_S) == []


def test_the_new_signature_id_does_not_depend_on_which_event_came_first():
    a = engine().feed(exception(T0, host="pay-01"), T0)[0]
    b = engine().feed(exception(T0 + 50, host="pay-02"), T0 + 50)[0]
    assert a.id == b.id


def test_a_signature_silent_for_regression_days_alerts_as_a_regression():
    e = engine(regression_days=7)
    e.feed(exception(T0), T0)
    assert e.feed(exception(T0 + 6 * DAY_S), T0 + 6 * DAY_S) == []
    back = T0 + 6 * DAY_S + 7 * DAY_S
    alerts = e.feed(exception(back), back)
    assert [a.rule for a in alerts] == ["regression"]
    assert alerts[0].body["last_seen"] == iso(T0 + 6 * DAY_S)
    assert alerts[0].body["first_seen"] == iso(T0)
    assert alerts[0].body["count"] == 3
    assert e.feed(exception(back + 60), back + 60) == []


def test_regression_days_zero_turns_regressions_off():
    e = engine(regression_days=0)
    e.feed(exception(T0), T0)
    assert e.feed(exception(T0 + 400 * DAY_S), T0 + 400 * DAY_S) == []


def test_new_signature_false_still_records_the_signature_without_alerting():
    e = engine(new_signature=False)
    assert e.feed(exception(T0), T0) == []
    assert "sig/sig-npe" in e.snapshot()


def test_an_event_without_a_signature_is_not_an_exception_alert():
    doc = Event(message="all fine", timestamp=iso(T0), level="INFO").to_ecs()
    assert engine().feed(doc, T0) == []


def test_signature_records_from_another_alerter_merge():
    a, b = engine(), engine()
    a.feed(exception(T0 + 100), T0 + 100)
    b.feed(exception(T0), T0)
    b.feed(exception(T0 + 10), T0 + 10)
    a.restore(b.snapshot(), mergeable_only=True)
    rec = a.snapshot()["sig/sig-npe"]
    assert rec == {"first_seen_s": T0, "seen_s": T0 + 100, "count": 2}
