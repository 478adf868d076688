"""Keywords and response codes: one alert per keyword, service and window, with the URL hit."""

from __future__ import annotations

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.rules.engine import RuleEngine
from pipeline.alert.rules.keyword import excerpt
from pipeline.config.schema import AlertsConfig

T0 = 1_767_225_600.0
KEYWORDS = ("订单不存在", "ORDER_NOT_EXIST", "IOException")


def line(ts_s: float, message: str, service: str = "gateway", **kw) -> dict:
    return Event(message=message, timestamp=iso(ts_s), level="WARN", service=service, host="gw-1", **kw).to_ecs()


def engine(window_s: int = 300) -> RuleEngine:
    return RuleEngine(AlertsConfig(keywords=KEYWORDS, dedup_window_s=window_s, error_rate_min_count=10**6),
                      SqlOptions())


def test_a_third_party_response_code_alerts_with_an_excerpt():
    e = engine()
    alerts = e.feed(line(T0, 'channel reply {"code":"ORDER_NOT_EXIST","msg":"订单不存在"} order=20260101'), T0)
    assert sorted(a.body["keyword"] for a in alerts) == ["ORDER_NOT_EXIST", "订单不存在"]
    for a in alerts:
        assert a.rule == "keyword" and a.body["keyword"] in a.body["excerpt"]


def test_an_io_exception_alert_carries_the_url_it_hit():
    e = engine()
    doc = line(T0, "call failed", kind="exception", error_type="java.io.IOException",
               error_message="Connection reset calling https://api.bank.example/v2/pay?x=1, giving up",
               signature="s1", signature_version="v1")
    alerts = [a for a in e.feed(doc, T0) if a.rule == "keyword"]
    assert len(alerts) == 1
    assert alerts[0].body["urls"] == ["https://api.bank.example/v2/pay?x=1"]


def test_keyword_alerts_are_throttled_per_keyword_service_and_window():
    e = engine(window_s=300)
    assert len(e.feed(line(T0 + 1, "x IOException y"), T0 + 1)) == 1
    assert e.feed(line(T0 + 2, "x IOException y"), T0 + 2) == []
    assert len(e.feed(line(T0 + 3, "x IOException y", service="payments"), T0 + 3)) == 1
    assert len(e.feed(line(T0 + 301, "x IOException y"), T0 + 301)) == 1


def test_no_keyword_no_alert():
    assert engine().feed(line(T0, "payment 42 settled"), T0) == []


def test_excerpt_is_the_matching_line_cut_around_the_keyword():
    text = "first line\n" + "a" * 500 + " ORDER_NOT_EXIST " + "b" * 500 + "\nlast"
    got = excerpt(text, "ORDER_NOT_EXIST")
    assert "ORDER_NOT_EXIST" in got and "\n" not in got and len(got) <= 200
