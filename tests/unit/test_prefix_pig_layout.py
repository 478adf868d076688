"""pig's file layout `:%d{yyyy-MM-dd HH:mm:ss.SSS} %5p %t %c{1}: %m`: a colon before the time,
the thread without brackets (spaces allowed), the abbreviated logger before `: `; and log4j's
`%-5p %d %t %c - %m`: a one-word thread before the logger and ` - `."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.prefix.auto import AutoParser
from tests.unit.tiled_events import tiled_events

_THREAD = st.one_of(st.sampled_from(["main", "http-nio-9999-exec-1", "HikariPool-1 connection adder",
                                     "RMI TCP Connection(2)-10.0.0.7", "nacos.client.config.listener.task-0"]),
                    st.from_regex(r"[a-z]{2,8}-[0-9]{1,3}", fullmatch=True))
_LOGGER = st.from_regex(r"(?:[a-z]\.){1,5}[A-Z][a-z]{2,12}(?:Service|Loader|Pool)", fullmatch=True)


@given(_THREAD, _LOGGER, st.sampled_from(["DEBUG", " INFO", " WARN", "ERROR"]),
       st.from_regex(r"[A-Z][a-z]{1,10}(?: [a-z0-9]{1,8}){0,6}", fullmatch=True))
def test_pig_line_gives_time_level_thread_logger_and_message(thread, logger, level, msg):
    got = AutoParser().parse(f":2025-08-13 00:08:14.056 {level} {thread} {logger}: {msg}")
    assert got.timestamp == "2025-08-13T00:08:14.056+00:00"
    assert (got.level, got.thread, got.logger, got.message) == (level.strip(), thread, logger, msg)


@pytest.mark.parametrize("line, message", [
    ("2025-08-13 00:08:14.056 ERROR Exception in com.foo.Bar: boom", "Exception in com.foo.Bar: boom"),
    ("2025-08-13 00:08:14.056 ERROR main java.io.FileNotFoundException: /x", "main java.io.FileNotFoundException: /x"),
    ("15:54:46,153 ERROR [ImageProcessorImpl:181] com.x.NoSuchFileException: /data/1.0",
     "com.x.NoSuchFileException: /data/1.0"),
])
def test_a_message_that_names_a_class_stays_the_message(line, message):
    got = AutoParser(date_hint="2025-08-13").parse(line)
    assert got.message == message and got.level == "ERROR"


def test_a_colon_before_anything_but_a_time_is_no_record_start():
    assert AutoParser().parse(":12 is no time").format == "raw"


def test_pig_error_record_keeps_its_trace_and_level():
    log = (":2025-08-12 11:22:56.214 ERROR nacos.client.config.listener.task-0 c.a.c.n.c.NacosConfigDataLoader: "
           "Error getting properties from nacos\n"
           "org.yaml.snakeyaml.constructor.DuplicateKeyException: while constructing a mapping\n"
           " in 'reader', line 2, column 1:\n"
           "\tat org.yaml.snakeyaml.constructor.SafeConstructor.processDuplicateKeys(SafeConstructor.java:126)\n"
           ":2025-08-13 00:08:14.056 DEBUG HikariPool-1 connection adder c.z.h.p.HikariPool: HikariPool-1 - Added connection\n"
           ).encode()
    exc, debug = tiled_events(log)
    assert (exc.kind, exc.level, exc.thread, exc.logger) == ("exception", "ERROR", "nacos.client.config.listener.task-0",
                                                             "c.a.c.n.c.NacosConfigDataLoader")
    assert exc.error_type == "org.yaml.snakeyaml.constructor.DuplicateKeyException"
    assert (debug.level, debug.thread, debug.message) == ("DEBUG", "HikariPool-1 connection adder",
                                                          "HikariPool-1 - Added connection")


@pytest.mark.parametrize("line, thread, logger, message", [
    ("INFO 2013-12-30 15:35:26,003 qtp896693169-16 ru.nic.httpfop.transform.FopTransformer - XSL stream source",
     "qtp896693169-16", "ru.nic.httpfop.transform.FopTransformer", "XSL stream source"),  # log4j `%-5p %d %t %c - %m`
    ("2013-12-30 15:35:26,003 WARN pool-2-thread-1 com.foo.Settle - late", "pool-2-thread-1", "com.foo.Settle", "late"),
    ("2013-12-30 15:35:26,003 ERROR Calling com.foo.Bar - boom", None, None, "Calling com.foo.Bar - boom"),
    ("2013-12-30 15:35:26,003 INFO Loaded 3 com.foo.Bar - ok", None, None, "Loaded 3 com.foo.Bar - ok"),
])
def test_a_bare_thread_before_a_logger_and_a_dash(line, thread, logger, message):
    got = AutoParser().parse(line)
    assert (got.thread, got.logger, got.message) == (thread, logger, message)
