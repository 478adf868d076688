"""Exception signatures: same bug same hash, other throw site other hash, reasons, workload."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from parsers.signature import compute_signature, infer_in_app, message_template
from parsers.stacktrace import parse_stack
from tests.unit.workload import sample

DATA = Path(__file__).parent / "data" / "signature"


def signature_of(name: str, in_app: tuple[str, ...] = ()):
    return compute_signature(parse_stack((DATA / name).read_text(encoding="utf-8").splitlines()), in_app)


def test_the_golden_trace_gives_its_recorded_hash_components_and_reasons():
    expected = json.loads((DATA / "npe-in-order-service.expected.json").read_text(encoding="utf-8"))
    sig = signature_of("npe-in-order-service.txt")
    assert (sig.hash, sig.version, sig.title, sig.reasons) == \
        (expected["hash"], expected["version"], expected["title"], expected["reasons"])
    assert {c.name: c.values for c in sig.components if c.contributed} == expected["contributing"]


def test_the_same_bug_in_another_build_keeps_its_hash():
    """Other line numbers, CGLIB suffixes, accessor and lambda numbers."""
    assert signature_of("npe-in-order-service-other-build.txt").hash == signature_of("npe-in-order-service.txt").hash


def test_another_throw_site_gives_another_hash():
    assert signature_of("npe-in-order-service-other-throw-site.txt").hash != signature_of("npe-in-order-service.txt").hash


def test_configured_in_app_packages_equal_to_the_inferred_ones_give_the_same_hash():
    assert signature_of("npe-in-order-service.txt", ("com.fpay.",)).hash == signature_of("npe-in-order-service.txt").hash


def test_in_app_is_inferred_as_the_most_common_non_library_top_level_package():
    trace = parse_stack((DATA / "npe-in-order-service.txt").read_text(encoding="utf-8").splitlines())
    assert infer_in_app(trace) == ("com.fpay.",)


def test_a_trace_without_in_app_frames_falls_back_to_system_frames_and_says_so():
    trace = parse_stack(["com.fasterxml.jackson.core.JsonParseException: Unexpected character",
                         "\tat com.fasterxml.jackson.core.JsonParser._constructError(JsonParser.java:2337)",
                         "\tat sun.reflect.GeneratedMethodAccessor3.invoke(Unknown Source)",
                         "\tat org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1067)"])
    sig = compute_signature(trace, ("com.fpay.",))
    system = next(c for c in sig.components if c.name == "system.frames")
    assert system.contributed and system.hint.startswith("no in-app frames")
    assert system.values == ["com.fasterxml.jackson.core.JsonParser._constructError",
                             "org.springframework.web.servlet.DispatcherServlet.doDispatch"]
    assert "outermost.frames: ignored: no in-app frames (2 ignored: not in-app, 1 ignored: reflection/proxy frame)" \
        in sig.reasons


def test_an_exception_without_frames_groups_by_type_and_message_template():
    a = compute_signature(parse_stack(["com.fpay.pay.exception.BizException: ORDER_NOT_FOUND: orderNo=ord_20261126_001001"]))
    b = compute_signature(parse_stack(["com.fpay.pay.exception.BizException: ORDER_NOT_FOUND: orderNo=ord_20261127_000042"]))
    c = compute_signature(parse_stack(["com.fpay.pay.exception.BizException: INSUFFICIENT_BALANCE: accountId=42"]))
    assert a.hash == b.hash != c.hash
    assert "message: contributed (no frames: message template)" in a.reasons


def test_a_cause_chain_adds_the_root_cause_type_and_its_frames():
    trace = parse_stack(["com.fpay.pay.channel.ChannelException: failed",
                         "\tat com.fpay.pay.channel.AlipayClient.query(AlipayClient.java:218)",
                         "Caused by: java.net.SocketTimeoutException: Read timed out",
                         "\tat java.net.SocketInputStream.socketRead0(Native Method)",
                         "\tat com.fpay.pay.channel.AlipayClient.doPost(AlipayClient.java:301)",
                         "\t... 1 more"])
    sig = compute_signature(trace)
    contributing = {c.name: c.values for c in sig.components if c.contributed}
    assert contributing["root_cause.type"] == ["java.net.SocketTimeoutException"]
    assert contributing["root_cause.frames"] == ["com.fpay.pay.channel.AlipayClient.doPost"]
    assert sig.title == "ChannelException caused by SocketTimeoutException at AlipayClient.doPost"


def test_a_python_traceback_groups_on_application_frames_outside_site_packages():
    lines = (Path(__file__).parent / "data" / "stacktrace" / "python-chained-cause-and-context.txt") \
        .read_text(encoding="utf-8").splitlines()
    sig = compute_signature(parse_stack(lines))
    contributing = {c.name: c.values for c in sig.components if c.contributed}
    assert contributing["outermost.frames"] == ["app.pay.api.handle"]
    assert contributing["root_cause.frames"] == ["app.pay.channel.charge"]


@pytest.mark.parametrize("message, template", [
    ("ORDER_NOT_FOUND: orderNo=ord_20261126_001001, merchant=M1392", "ORDER_NOT_FOUND: orderNo=<id>, merchant=<id>"),
    ("金额100元 订单号ord_20261126_000001 支付失败", "金额<num>元 订单号<id> 支付失败"),
    ("Connection refused: /10.0.3.17:6379", "Connection refused: /<ip>"),
    ('Invalid amount: "12.5x"', "Invalid amount: <str>"),
    ("trace 550e8400-e29b-41d4-a716-446655440000 at 2026-11-26 10:15:30,123", "trace <uuid> at <ts>"),
    ("obj@1a2b3c4d ptr 0x7ffe timed out after 30000ms", "obj@<hex> ptr <hex> timed out after <num>ms"),
])
def test_message_templates_replace_the_variable_parts(message, template):
    assert message_template(message) == template


def test_the_thirty_workload_signatures_give_thirty_hashes_with_their_counts(tmp_path):
    records, truth = sample(tmp_path, events=20000, seed=1)
    by_site = {s["throw_site"]: s["id"] for s in truth["error_signatures"]}
    hashes_of: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for rec in records:
        if not rec.continuation:
            continue
        trace = parse_stack([rec.first.message, *rec.continuation])
        top = trace.outermost.frames[0]
        sig_id = by_site[f"{top.module}.{top.function}({top.file}:{top.line})"]
        sig = compute_signature(trace, ())
        assert re.fullmatch(r"[0-9a-f]{16}", sig.hash) and sig.version == "v1"
        hashes_of[sig_id].add(sig.hash)
        counts[sig.hash] += 1
    assert all(len(h) == 1 for h in hashes_of.values())  # other hosts, accessor numbers: one hash
    assert len({next(iter(h)) for h in hashes_of.values()}) == 30  # 30 signatures: 30 hashes
    expected = {s["id"]: s["count"] for s in truth["error_signatures"]}
    assert {sig_id: counts[next(iter(h))] for sig_id, h in hashes_of.items()} == expected


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.one_of(st.text(max_size=60), st.sampled_from([
    "java.lang.IllegalStateException: x", "\tat a.B.c(B.java:1)", "\tat $Proxy1.x(Unknown Source)",
    "Caused by: q.W: e", "\t... 2 more", "Traceback (most recent call last):", '  File "a.py", line 1, in f',
    "KeyError: 1"])), max_size=20), in_app=st.sampled_from([(), ("a.",), ("",)]))
def test_compute_signature_is_total_on_any_parsed_trace(lines, in_app):
    trace = parse_stack(lines)
    if trace is not None:
        sig = compute_signature(trace, in_app)
        assert len(sig.hash) == 16 and sig.reasons


@settings(max_examples=200, deadline=None)
@given(text=st.text(), blob=st.binary())
def test_message_template_is_total(text, blob):
    for msg in (text, blob.decode("utf-8", errors="replace")):
        assert isinstance(message_template(msg), str)
