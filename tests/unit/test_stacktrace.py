"""Stack traces: golden traces, where a trace starts, partial input, totality."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from parsers.stacktrace import ExceptionInfo, find_stack_start, parse_stack
from parsers.stacktrace.java import HEADER as HEADER_RX
from parsers.stacktrace.python import PY_EXC
from tests.unit.workload import sample

DATA = Path(__file__).parent / "data" / "stacktrace"
TRACES = sorted(DATA.glob("*.txt"))


def as_data(exc: ExceptionInfo) -> dict:
    return {"type": exc.type, "message": exc.message,
            "frames": [[f.module, f.function, f.file, f.line] + ([f.java_module] if f.java_module else [])
                       for f in exc.frames],
            "frames_omitted": exc.frames_omitted, "suppressed": [chain(s) for s in exc.suppressed]}


def chain(exc: ExceptionInfo | None) -> list[dict]:
    out = []
    while exc is not None:
        out.append(as_data(exc))
        exc = exc.cause
    return out


@pytest.mark.parametrize("path", TRACES, ids=[p.stem for p in TRACES])
def test_each_golden_trace_parses_to_its_expected_exceptions(path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    trace = parse_stack(path.read_text(encoding="utf-8").splitlines())
    assert trace.language == expected["language"]
    assert chain(trace.exceptions[0]) == expected["exceptions"]
    assert [e.type for e in trace.exceptions] == [e["type"] for e in expected["exceptions"]]


HEADER = "java.lang.IllegalStateException: Order ord_1 in unexpected state"
FRAME = "\tat com.fpay.pay.domain.OrderStateMachine.transit(OrderStateMachine.java:77)"


def test_the_trace_starts_on_the_line_after_a_log_message():
    assert find_stack_start(["Confirm payment failed, orderNo=ord_1", HEADER, FRAME]) == 1


def test_the_trace_starts_at_the_message_when_the_header_is_the_message():
    assert find_stack_start([HEADER, FRAME]) == 0


def test_a_trace_with_frames_but_no_header_starts_at_its_first_frame():
    trace = parse_stack(["something odd happened", FRAME])
    assert find_stack_start(["something odd happened", FRAME]) == 1
    assert trace.outermost.type == "<unknown>" and len(trace.outermost.frames) == 1


def test_a_header_without_frames_is_a_trace_only_when_it_is_unmistakable():
    assert parse_stack(["java.util.ConcurrentModificationException"]).outermost.type == \
        "java.util.ConcurrentModificationException"
    assert parse_stack(["Result: OK"]) is None
    assert parse_stack(["Order created: ord_1"]) is None


def test_a_python_traceback_after_a_log_message_is_found():
    lines = ["charge failed", "Traceback (most recent call last):", '  File "/app/a.py", line 3, in f', "KeyError: 'x'"]
    trace = parse_stack(lines)
    assert trace.language == "python" and trace.outermost.type == "KeyError" and trace.outermost.message == "'x'"


def test_a_truncated_java_trace_keeps_what_it_has():
    trace = parse_stack([HEADER, FRAME, "Caused by: java.net.SocketTimeoutException: Read ti"])
    assert [e.type for e in trace.exceptions] == ["java.lang.IllegalStateException", "java.net.SocketTimeoutException"]
    assert len(trace.outermost.frames) == 1 and trace.root_cause.frames == []


def test_a_python_traceback_cut_before_its_exception_line_keeps_its_frames():
    trace = parse_stack(["Traceback (most recent call last):", '  File "/app/a.py", line 3, in f'])
    assert trace.outermost.type == "<unknown>" and trace.outermost.frames[0].function == "f"


def test_every_workload_error_parses_with_all_its_frames(tmp_path):
    records, truth = sample(tmp_path, events=6000)
    frames_by_site = {s["throw_site"]: s["frames"] for s in truth["error_signatures"]}
    errors = [r for r in records if r.continuation]
    assert len(errors) == truth["categories"]["error"]
    for rec in errors:
        trace = parse_stack([rec.first.message, *rec.continuation])
        top = trace.outermost.frames[0]
        site = f"{top.module}.{top.function}({top.file}:{top.line})"
        assert sum(len(e.frames) for e in trace.exceptions) == frames_by_site[site]


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.one_of(st.text(max_size=80), st.sampled_from([HEADER, FRAME, "\t... 3 more",
       "Caused by: a.b.C: d", "\tSuppressed: x.Y", "Traceback (most recent call last):",
       '  File "a.py", line 1, in f', "ValueError: v", "During handling of the above exception"])), max_size=30),
       blob=st.binary(max_size=200))
def test_parse_stack_is_total_on_arbitrary_text(lines, blob):
    for candidate in (lines, blob.decode("utf-8", errors="replace").splitlines()):
        trace = parse_stack(candidate)
        assert trace is None or trace.exceptions


def test_causes_suppressed_at_depth_circular_references_and_jar_suffixes_are_read():
    lines = ["Exception in thread \"main\" java.lang.RuntimeException: outer",
             "\tat com.acme.A.run(A.java:10) ~[app.jar:?]",
             "\tat com.acme.B.run(B.java:20) [app-1.0.jar:1.0]",
             "\tSuppressed: java.io.IOException: close failed",
             "\t\tat com.acme.C.close(C.java:5)",
             "\t\tCaused by: java.io.EOFException: eof",
             "\t\t\tat com.acme.D.read(D.java:7)",
             "\t\t\t... 3 more",
             "Caused by: java.lang.IllegalStateException: middle",
             "\tat com.acme.E.go(E.java:1)",
             "\t[CIRCULAR REFERENCE: java.lang.RuntimeException: outer]",
             "Caused by: org.xml.sax.SAXParseException; lineNumber: 3; columnNumber: 7; bad markup",
             "\tat com.sun.X.parse(X.java:1)",
             "\t... 12 common frames omitted"]
    trace = parse_stack(lines)
    assert [(e.type, len(e.frames)) for e in trace.exceptions] == [
        ("java.lang.RuntimeException", 2), ("java.lang.IllegalStateException", 1), ("org.xml.sax.SAXParseException", 1)]
    assert trace.root_cause.message == "lineNumber: 3; columnNumber: 7; bad markup"
    suppressed = trace.outermost.suppressed[0]
    assert (suppressed.type, suppressed.cause.type) == ("java.io.IOException", "java.io.EOFException")
    assert trace.outermost.frames[0].file == "A.java" and trace.outermost.frames[1].line == 20


@pytest.mark.parametrize("wrapped", ["Wrapped by", "Causing"])
def test_a_trace_written_root_cause_first_is_read_outermost_first(wrapped):
    # logback's %rEx prints the root cause first and each wrapper after it (Dropwizard: `Causing:`)
    lines = ["java.net.ConnectException: refused",
             "\tat sun.nio.ch.Net.connect(Net.java:1)",
             "\t... 2 common frames omitted",
             f"{wrapped}: java.io.IOException: no route",
             "\tat com.acme.Http.get(Http.java:3)",
             f"{wrapped}: com.acme.PayException: gateway down",
             "\tat com.acme.Pay.charge(Pay.java:9)"]
    trace = parse_stack(lines)
    assert trace.root_first
    assert [e.type for e in trace.exceptions] == ["com.acme.PayException", "java.io.IOException",
                                                  "java.net.ConnectException"]
    assert [e["type"] for e in chain(trace.outermost)] == [e.type for e in trace.exceptions]
    assert trace.outermost.frames[0].function == "charge" and trace.root_cause.message == "refused"


def test_an_indented_exception_line_heads_its_frames_and_its_message_may_span_lines():
    lines = ["Failed to start connector",
             " org.apache.catalina.LifecycleException: Failed to start component",
             "\tat org.apache.catalina.util.LifecycleBase.start(LifecycleBase.java:167)"]
    assert parse_stack(lines).outermost.type == "org.apache.catalina.LifecycleException"
    lines = ["org.junit.ComparisonFailure: expected:<[PAID", "order 1]> but was:<[NEW", "order 1]>",
             "\tat org.junit.Assert.assertEquals(Assert.java:115)"]
    trace = parse_stack(lines)
    assert trace.outermost.type == "org.junit.ComparisonFailure"
    assert trace.outermost.message == "expected:<[PAID\norder 1]> but was:<[NEW\norder 1]>"


@pytest.mark.parametrize("nested", [
    ["  nested exception is:", "\tjava.net.ConnectException: Connection timed out: connect"],
    ["  nested exception is:", "\tjavax.mail.MessagingException: 554 rejected;", "  nested exception is:",
     "\tcom.sun.mail.smtp.SMTPSendFailedException: 554 DT:SPM"],
])
def test_indented_exception_lines_inside_the_outer_message_do_not_head_the_trace(nested):
    # javax.mail's MessagingException prints its nested exceptions inside its message,
    # one tab in: the trace is still the unindented exception's
    lines = ["Failed to send mail",
             "org.springframework.mail.MailSendException: Mail server connection failed;",
             *nested,
             "\tat org.springframework.mail.javamail.JavaMailSenderImpl.doSend(JavaMailSenderImpl.java:447)",
             "Caused by: java.net.ConnectException: Connection timed out: connect",
             "\tat java.net.Socket.connect(Socket.java:589)"]
    trace = parse_stack(lines)
    assert (trace.outermost.type, trace.root_cause.type) == (
        "org.springframework.mail.MailSendException", "java.net.ConnectException")
    assert trace.outermost.message.endswith(nested[-1])


# The header regexes as first written (a lazy message): the faster ones must match the same.
LAZY_HEADER = re.compile(r"^[\t ]*(?:Exception in thread \"[^\"]*\" )?(?P<type>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)"
                         r"(?:[:;]\s?(?P<msg>.*?))?\s*$")
LAZY_PY_EXC = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<msg>.*?))?\s*$")
header_like = st.builds(lambda *parts: "".join(parts),
                        st.sampled_from(["", " ", "\t", "Exception in thread \"main\" "]),
                        st.sampled_from(["java.lang.IllegalStateException", "ValueError", "a.B", "x"]),
                        st.sampled_from(["", ":", ";", ": ", ":\t", ":\n"]),
                        st.text(alphabet=st.sampled_from("ab :;\t\r\n\u00a0\u3000é."), max_size=10),
                        st.sampled_from(["", " ", "  ", "\t", "\r", "\n", " \n", "\u3000"]))
header_lines = st.one_of(header_like, st.lists(st.one_of(
    st.sampled_from(["java.lang.IllegalStateException", "ValueError", "a.B", "Exception in thread \"main\" ", ":", ";", " ", "\t",
                     "\n", "\r", "\u00a0", "\u3000", "x", "é", "msg with words", "$", "."]),
    st.text(max_size=8)), max_size=8).map("".join))


@settings(max_examples=500, deadline=None)
@given(header_lines)
def test_the_header_regexes_read_what_the_lazy_ones_read(line: str) -> None:
    for lazy, rx in ((LAZY_HEADER, HEADER_RX), (LAZY_PY_EXC, PY_EXC)):
        old, new = lazy.match(line), rx.match(line)
        assert (old is None) == (new is None)
        if old is not None and new is not None:
            assert (old.span(), old.groupdict()) == (new.span(), new.groupdict())
