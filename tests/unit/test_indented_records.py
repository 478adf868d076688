"""Record starts behind a layout's own decoration, with no configuration: a literal tag in
brackets before the date (`[app] %d ...`), log4j's TTCC fields after the ones read
(`%r [%t] %-5p %c %x - %m`), and a layout that writes spaces before each record (the
spaces after a line end begin the next line); and Jackson's ` at [Source: ...]` message
line, which is no stack frame."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.prefix.auto import AutoParser

NOW_MS = 1_764_547_200_000
LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
tags = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
threads = st.from_regex(r"[A-Za-z][A-Za-z0-9 _:.-]{0,20}[A-Za-z0-9]", fullmatch=True)
loggers = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{0,12}", fullmatch=True)
messages = st.from_regex(r"[A-Za-z][A-Za-z0-9 ,=]{0,40}", fullmatch=True)


def events_of(text: str) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    data = text.encode()
    return [*asm.feed(data, 0, NOW_MS), *asm.finish(NOW_MS)]


def ttcc(tag: str, thread: str, level: str, logger: str, msg: str, ms: int = 1234) -> str:
    return f"[{tag}] 2019-06-30 10:19:30,373 - {logger} -{ms} [{thread}] {level:<5} {logger}  - {msg}"


@settings(max_examples=60, deadline=None)
@given(tags, threads, st.sampled_from(LEVELS), loggers, messages)
def test_a_tag_in_brackets_before_the_date_and_ttcc_fields_give_level_thread_and_logger(tag, thread, level, logger, msg):
    p = AutoParser().parse(ttcc(tag, thread, level, logger, msg))
    assert p is not None and p.format == "auto"
    assert (p.level, p.thread, p.logger, p.message) == (level, thread, logger, msg)
    assert p.raw_time == "2019-06-30 10:19:30,373"


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), tags, st.lists(st.tuples(threads, st.sampled_from(LEVELS), loggers, messages),
                                          min_size=2, max_size=6))
def test_records_that_start_indented_are_records_not_continuations(indent, tag, rows):
    lines = [" " * (indent if i else 0) + ttcc(tag, *row) for i, row in enumerate(rows)]
    evs = events_of("\n".join(lines) + "\n")
    assert [e.message for e in evs] == [row[3] for row in rows]
    assert [e.level for e in evs] == [row[1] for row in rows]


def test_the_trace_after_an_indented_record_is_its_own_and_the_next_record_starts_after_it():
    text = ("    [app] 2019-06-30 10:19:30,294 - o.s.j.Listener -2155759 [Task-1] WARN  o.s.j.Listener  - listener failed\n"
            "    javax.jms.JMSException: java.io.EOFException\n"
            "\tat org.apache.activemq.util.JMSExceptionSupport.create(JMSExceptionSupport.java:49)\n"
            "Caused by: java.io.EOFException\n"
            "\tat java.io.DataInputStream.readInt(DataInputStream.java:392)\n"
            "\t... 1 more\n"
            "[app] 2019-06-30 10:19:30,373 - c.a.d.DruidDataSource -2155838 [Task-1] ERROR c.a.d.DruidDataSource  - discard\n")
    evs = events_of(text)
    assert len(evs) == 2
    assert evs[0].kind == "exception" and evs[0].level == "WARN"
    assert evs[0].error_type == "javax.jms.JMSException" and evs[0].root_cause_type == "java.io.EOFException"
    assert evs[1].level == "ERROR" and evs[1].message == "discard"


def test_an_indented_line_with_a_date_but_no_level_stays_in_the_message():
    text = ("2019-06-30 10:19:30,373 [main] INFO  c.f.Report - rows:\n"
            "    2019-06-29 00:00:00 opened 3\n"
            "    2019-06-30 00:00:00 opened 5\n"
            "2019-06-30 10:19:31,000 [main] INFO  c.f.Report - done\n")
    evs = events_of(text)
    assert len(evs) == 2 and evs[0].message.count("\n") == 2


def test_jacksons_source_line_between_the_record_and_its_trace_is_part_of_the_message():
    text = ("18:16:14 [exec-8] ERROR c.w.GlobalExceptionHandler  - JSON parse error: Cannot deserialize\n"
            " at [Source: (PushbackInputStream); line: 1, column: 14]\n"
            "org.springframework.http.converter.HttpMessageNotReadableException: JSON parse error\n"
            "\tat org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.readJavaType(A.java:245)\n"
            "18:16:15 [exec-8] INFO  c.w.GlobalExceptionHandler  - next\n")
    evs = events_of(text)
    assert len(evs) == 2
    assert evs[0].kind == "exception"
    assert evs[0].error_type == "org.springframework.http.converter.HttpMessageNotReadableException"
