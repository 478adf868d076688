"""log4j's `%5p` pads the level on the left, so INFO and WARN records start with a space
(` WARN 2015-11-25 09:20:02,537: msg` in a `%5p %d: %m` layout): such a line is a record
start, like ERROR's, and heads the trace below it. An indented line whose text only
begins with a level word stays a continuation."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.prefix.auto import AutoParser

# a sentence: a lone dotted word (`A.A`) is as much a logger name as a message, and a
# one-letter word before `tag:` a logcat level (`I tag: msg`); both are read as such
_MSG = st.from_regex(r"[A-Za-z][a-z]{1,10} [ -{}~]{0,40}", fullmatch=True).map(str.strip).filter(bool)


@given(st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]), _MSG)
def test_a_level_padded_to_five_starts_a_record(level, msg):
    got = AutoParser().parse(f"{level:>5} 2015-11-25 09:20:02,537: {msg}")
    assert (got.level, got.message) == (level, msg)


def test_the_padded_record_heads_its_trace():
    lines = [" WARN 2015-11-25 09:20:02,537: Unhandled exception caught by the default exception handler.",
             "java.lang.IllegalStateException: x", "\tat a.b.C.d(C.java:1)",
             " INFO 2015-11-25 09:20:03,001: next"]
    asm = Assembler(ParseOptions(), Source("h", "s", "/x.log", "f"))
    evs = asm.feed("".join(x + "\n" for x in lines).encode(), 0, 0) + asm.finish(0)
    assert [(e.kind, e.level) for e in evs] == [("exception", "WARN"), ("line", "INFO")]


def test_an_indented_level_word_without_a_date_continues():
    assert AutoParser().parse(" INFO some text") is None


_THREAD = st.one_of(st.sampled_from(["main", "Executor task launch worker-0", "Spark Context Cleaner",
                                     "dag-scheduler-event-loop", "pool-2-thread-1"]),
                    st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True))
_LOGGER = st.sampled_from(["org.apache.spark.SparkContext", "org.apache.hadoop.conf.Configuration.deprecation",
                           "org.spark-project.jetty.server.Server", "Remoting", ""])


@given(st.lists(st.tuples(st.sampled_from(["INFO", "WARN", "ERROR", "DEBUG"]), _THREAD, _LOGGER, _MSG),
                min_size=2, max_size=6))
def test_undated_thread_and_logger_records_are_one_a_line(records):
    # `%5p %t %c - %m` (Spark's and Hadoop's console layouts): INFO and WARN lines open with a space
    lines = [f"{level:>5} {thread} {logger} - {msg}" for level, thread, logger, msg in records]
    asm = Assembler(ParseOptions(), Source("h", "s", "/x.log", "f"))
    evs = asm.feed("".join(x + "\n" for x in lines).encode(), 0, 0) + asm.finish(0)
    assert [(e.level, e.thread, e.logger or "", e.message) for e in evs] == [
        (level, thread, logger, msg) for level, thread, logger, msg in records]
