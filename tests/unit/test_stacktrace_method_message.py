"""A record whose message starts `Class.method: ...` (Tomcat's `StandardServer.await:
create[localhost:8005]: `, any `log.error("Service.run: failed", e)`) names a method, not an
exception: when the exception is printed indented below it (Tomcat's one-line layout), the
trace starts at that exception. An outer exception whose message introduces an indented one
(javax.mail's `nested exception is:`) still starts the trace."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.stacktrace.dispatch import find_stack_start

_CLASS = st.from_regex(r"[A-Z][a-z]{2,9}(?:[A-Z][a-z]{2,9}){0,2}", fullmatch=True)
_METHOD = st.from_regex(r"[a-z]{2,9}(?:[A-Z][a-z]{2,9}){0,2}", fullmatch=True)
_TEXT = st.sampled_from(["create[localhost:8005]: ", "failed", "could not bind"])
_INDENT = st.sampled_from([" ", "\t"])
_FRAMES = ["\tat java.net.PlainSocketImpl.socketBind(Native Method)",
           "\tat org.apache.catalina.startup.Bootstrap.main(Bootstrap.java:490)"]


@given(_CLASS, _METHOD, _TEXT, _INDENT)
def test_a_method_named_before_an_indented_exception_is_message(cls, method, text, indent):
    lines = [f"{cls}.{method}: {text}", f"{indent}java.net.BindException: Address already in use", *_FRAMES]
    assert find_stack_start(lines) == 1


def test_an_outer_exception_introducing_an_indented_one_starts_the_trace():
    lines = ["javax.mail.MessagingException: Could not connect to SMTP host: smtp.x, port: 25;",
             "  nested exception is:", "\tjava.net.ConnectException: Connection refused", *_FRAMES]
    assert find_stack_start(lines) == 0


def test_tomcat_one_line_record_names_the_printed_exception():
    data = ("08-Nov-2017 14:18:38.885 SEVERE [main] org.apache.catalina.core.StandardServer.await "
            "StandardServer.await: create[localhost:8005]: \n java.net.BindException: Address already in use\n"
            + "\n".join(_FRAMES) + "\n08-Nov-2017 14:18:38.886 INFO [main] org.apache.coyote.AbstractProtocol.pause x\n")
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    events = asm.feed(data.encode(), 0, 1) + asm.finish(1)
    exc = [e for e in events if e.kind == "exception"]
    assert [(e.error_type, e.root_cause_type) for e in exc] == [("java.net.BindException", "java.net.BindException")]
