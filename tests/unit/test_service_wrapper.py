"""The Java Service Wrapper's `wrapper.log`: the JVM's lines behind the wrapper's prefix are
read as if the application had written the file, its traces join their records through the
prefix, and the wrapper's own lines stay records of their own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.container import is_envelope, unwrap
from parsers.service_wrapper import is_wrapper_line, jvm_line
from tests.unit.test_container_logs import CORPUS, events, meaning

WRAPPER_TIME = "2024/01/01 12:00:00"


def jvm(line: str, level: str = "INFO", n: int = 1, time: str = WRAPPER_TIME) -> str:
    return f"{level:<6} | {f'jvm {n}':<8} | {time} | {line}" if line else f"{level:<6} | {f'jvm {n}':<8} | {time} |"


def own(message: str, level: str = "STATUS") -> str:
    return f"{level:<6} | wrapper  | {WRAPPER_TIME} | {message}"


def test_jvm_line_reads_the_jvm_text_its_time_and_run() -> None:
    assert jvm_line(jvm("java.lang.IllegalStateException: 订单不存在")) == (
        "java.lang.IllegalStateException: 订单不存在", "2024-01-01T12:00:00", "jvm 1")
    assert jvm_line(jvm("\tat a.B.c(B.java:1)", n=12, time="2019/09/21 16:30:47.114")) == (
        "\tat a.B.c(B.java:1)", "2019-09-21T16:30:47.114", "jvm 12")
    assert jvm_line(jvm("")) == ("", "2024-01-01T12:00:00", "jvm 1")
    assert jvm_line(own("<-- Wrapper Stopped")) is None and is_wrapper_line(own("<-- Wrapper Stopped"))
    for text in ("INFO  | a pipe layout", " WARN | /api/message", "INFO | jvm 1 | 2024-01-01 12:00:00 | x",
                 "2024/01/01 12:00:00 | INFO | x", "pay-1  | x"):
        assert jvm_line(text) is None and not is_wrapper_line(text), text


def test_a_file_starting_with_a_wrapper_line_is_one_of_envelopes() -> None:
    assert is_envelope(own("--> Wrapper Started as Daemon")) and is_envelope(jvm("x"))
    assert unwrap(own("Launching a JVM...")) is None  # its own line is read as it is
    assert not is_envelope("2024-01-01 12:00:00 INFO x | jvm 1")


def test_an_error_record_and_its_trace_through_the_wrapper_are_one_exception_event() -> None:
    lines = [own("Launching a JVM..."),
             jvm("2024-01-01 12:00:01.436 ERROR [main] c.e.Pay - 支付失败"),
             jvm("java.lang.IllegalStateException: 订单不存在"), jvm("\tat c.e.Pay.run(Pay.java:42)"),
             jvm("Caused by: java.net.ConnectException: refused"), jvm("\t... 1 more"),
             jvm("2024-01-01 12:00:02.001 INFO  [main] c.e.Pay - done"), own("<-- Wrapper Stopped")]
    _, evs = events("".join(x + "\n" for x in lines))
    assert [(e.kind, e.level, e.error_type, e.root_cause_type) for e in evs[1:3]] == [
        ("exception", "ERROR", "java.lang.IllegalStateException", "java.net.ConnectException"),
        ("line", "INFO", None, None)]
    assert evs[1].message.endswith("支付失败") and "STATUS" in evs[0].message and "Stopped" in evs[-1].message


def test_activemqs_padded_level_and_bar_layout_through_the_wrapper_is_a_record_a_line() -> None:
    # ActiveMQ 5's console layout `%5p | %m`: INFO and WARN lines open with a space
    lines = [own("--> Wrapper Started as Console"), jvm("Loading message broker from: xbean:activemq.xml"),
             jvm(" INFO | Refreshing context"), jvm(" WARN | deprecated parameter"),
             jvm("ERROR | Could not accept connection : java.net.SocketException: reset"), jvm(" INFO | done")]
    _, evs = events("".join(x + "\n" for x in lines))
    assert [(e.level, e.message) for e in evs[2:]] == [
        ("INFO", "Refreshing context"), ("WARN", "deprecated parameter"),
        ("ERROR", "Could not accept connection : java.net.SocketException: reset"), ("INFO", "done")]


def test_a_trace_without_a_record_takes_the_wrappers_time() -> None:
    lines = [jvm("java.io.FileNotFoundException: logs/app.log (No such file or directory)", time="2012/01/24 19:09:59"),
             jvm("\tat java.io.FileOutputStream.open(Native Method)", time="2012/01/24 19:09:59")]
    _, evs = events("".join(x + "\n" for x in lines))
    assert [(e.kind, e.error_type, e.timestamp) for e in evs] == [
        ("exception", "java.io.FileNotFoundException", "2012-01-24T19:09:59+00:00")]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(range(len(CORPUS))), st.sampled_from(["INFO", "ERROR", "STATUS"]),
       st.integers(min_value=1, max_value=20), st.booleans(),
       st.lists(st.integers(min_value=0, max_value=20_000), max_size=8))
def test_a_log_printed_through_the_wrapper_gives_the_events_of_the_log_itself(
        which: int, level: str, run: int, millis: bool, cuts: list[int]) -> None:
    text = CORPUS[which].rstrip("\n")
    time = WRAPPER_TIME + (".123" if millis else "")
    wrapped = "".join(jvm(x, level, run, time) + "\n" for x in text.split("\n"))
    data, got = events(wrapped, cuts)
    plain = events(text + "\n")[1]
    assert meaning(got) == meaning(plain)
    assert [e.offset for e in got][:1] == [0] and got[-1].end_offset == len(data)
    assert all(a.end_offset == b.offset for a, b in zip(got, got[1:]))  # every byte in exactly one event
