"""printStackTrace output captured by an application server's stdout/stderr logger: each
trace line is a record of its own (`date ERROR [STDERR] \tat ...` in JBoss 5,
`time ERROR [stderr] (thread) at ...` in WildFly). Consecutive records of the same logger
and thread whose texts are the trace's frames, causes and `... N more` join the record of
its exception line: one exception event, every byte in exactly one event, in order, and
records of another thread or logger, or plain messages, stay records of their own."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

NOW = 1_764_547_200_000
_CLS = st.from_regex(r"(?:[a-z]{2,6}\.){1,3}[A-Z][a-z]{2,8}(?:Exception|Error)", fullmatch=True)
_FRAME = st.from_regex(r"(?:[a-z]{2,6}\.){1,3}[A-Z][a-z]{2,6}\.[a-z]{2,6}\([A-Z][a-z]{2,6}\.java:[1-9][0-9]{0,3}\)",
                       fullmatch=True)


def _events(text: str) -> list:
    data = text.encode()
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    out = asm.feed(data, 0, NOW)
    out += asm.finish(NOW)
    return out


def _covers_exactly_once(events: list, size: int) -> None:
    pos = 0
    for e in events:
        assert e.offset == pos
        pos = e.end_offset
    assert pos == size


@settings(max_examples=60, deadline=None)
@given(_CLS, st.lists(_FRAME, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_jboss5_stderr_records_form_one_exception(cls, frames, tab, cause):
    rec = "2024-07-29 12:36:46,{ms:03d} ERROR [STDERR] "
    lines = ["2024-07-29 12:36:46,000 INFO  [org.jboss.web.WebService] Using RMI server codebase",
             rec.format(ms=1) + cls]
    lines += [rec.format(ms=2) + ("\tat " if tab else "at ") + f for f in frames]
    if cause:
        lines += [rec.format(ms=3) + "Caused by: java.lang.IllegalStateException: inner",
                  rec.format(ms=3) + ("\tat " if tab else "at ") + frames[0], rec.format(ms=3) + "\t... 4 more"]
    lines += [rec.format(ms=4) + "SEVERE: a plain message on stderr",
              "2024-07-29 12:36:47,000 INFO  [com.x.Main] done"]
    text = "\n".join(lines) + "\n"
    evs = _events(text)
    _covers_exactly_once(evs, len(text.encode()))
    assert len(evs) == 4
    exc = evs[1]
    assert exc.kind == "exception" and exc.error_type == cls
    assert exc.root_cause_type == ("java.lang.IllegalStateException" if cause else cls) or not cause
    assert evs[2].kind != "exception"


@settings(max_examples=60, deadline=None)
@given(_CLS, st.lists(_FRAME, min_size=1, max_size=6))
def test_wildfly_stderr_records_of_one_thread_join_and_another_threads_do_not(cls, frames):
    rec = "11:12:58,{ms:03d} ERROR [stderr] ({t}) "
    lines = [rec.format(ms=1, t="default task-88") + cls + ": host unknown"]
    lines += [rec.format(ms=2, t="default task-88") + "at " + f for f in frames]
    lines += [rec.format(ms=3, t="default task-7") + "at " + frames[0],
              "11:12:58,227 WARN  [com.x.Client] (default task-88) connection failed"]
    text = "\n".join(lines) + "\n"
    evs = _events(text)
    _covers_exactly_once(evs, len(text.encode()))
    assert len(evs) == 3
    assert evs[0].kind == "exception" and evs[0].error_type == cls
    assert len(evs[0].frames) == len(frames) if hasattr(evs[0], "frames") else True


def test_a_lone_class_record_without_frames_after_it_stays_a_record():
    text = ("2024-07-29 12:36:46,001 ERROR [STDERR] java.lang.NullPointerException\n"
            "2024-07-29 12:36:46,002 ERROR [STDERR] some text\n")
    evs = _events(text)
    assert len(evs) == 2
    _covers_exactly_once(evs, len(text.encode()))


@settings(max_examples=40, deadline=None)
@given(_CLS, st.lists(_FRAME, min_size=1, max_size=4),
       st.lists(st.from_regex(r"[A-Z][a-z]{2,8}: [a-z0-9 ]{1,12}", fullmatch=True), min_size=1, max_size=3))
def test_an_exception_message_over_indented_records_joins_before_its_frames(cls, frames, more):
    """A driver's multi-line message (`  Position: 48`) printed one record per line between
    the exception line and its frames."""
    rec = "2020-11-24 21:01:18,989 ERROR [stderr] (default task-1) "
    lines = [rec + cls + ": syntax error", *[rec + "  " + m for m in more], *[rec + "\tat " + f for f in frames],
             "2020-11-24 21:01:19,000 INFO  [org.jboss.as.server] (management-handler-thread - 4) next"]
    text = "\n".join(lines) + "\n"
    evs = _events(text)
    _covers_exactly_once(evs, len(text.encode()))
    assert len(evs) == 2 and evs[0].kind == "exception" and evs[0].error_type == cls


def test_indented_records_after_a_plain_message_stay_records():
    rec = "2020-11-24 21:01:18,989 ERROR [stderr] (default task-1) "
    text = rec + "a plain message\n" + rec + "  an indented one\n"
    evs = _events(text)
    assert len(evs) == 2
