"""Python's `%(levelname)s: %(message)s` (and java.util.logging's `LEVEL: msg` printed
without its header line): each such line starts a record with that level, with no time.
After a java.util.logging header (`Jan 2, 2019 3:04:05 PM pkg.Class method`) the same line
is still the header's second line, which gives the record its level and message."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

# (`CRITICAL: ` with one space is also uvicorn's padded level prefix, a record start of its own kind)
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
_MSG = st.from_regex(r"[A-Za-z][a-z ]{0,30}[a-z]", fullmatch=True)


def events(text: str) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return asm.feed(text.encode(), 0, 0) + asm.finish(0)


@given(st.lists(st.tuples(_LEVEL, _MSG), min_size=1, max_size=8))
def test_each_line_is_a_record_with_its_level(records):
    got = events("".join(f"{level}: {msg}\n" for level, msg in records))
    assert [(e.level, e.message) for e in got] == [(level, msg) for level, msg in records]


def test_a_traceback_joins_its_error_line():
    got = events("INFO: started\n"
                 "ERROR: Internal Server Error: /api/pay/notify\n"
                 "Traceback (most recent call last):\n"
                 '  File "/srv/app/pay/views.py", line 44, in notify\n'
                 '    raise Http404("x")\n'
                 "django.http.response.Http404: x\n"
                 "INFO: done\n")
    assert [(e.level, e.kind) for e in got] == [("INFO", "line"), ("ERROR", "exception"), ("INFO", "line")]
    assert got[1].error_type == "django.http.response.Http404"


def test_java_util_logging_second_line_stays_with_its_header():
    got = events("Nov 30, 2026 2:07:03 PM org.apache.catalina.startup.Catalina start\n"
                 "INFO: Server startup in 1234 ms\n"
                 "Nov 30, 2026 2:07:04 PM org.apache.coyote.AbstractProtocol start\n"
                 "SEVERE: Failed to start end point\n")
    assert [(e.level, e.message) for e in got] == [("INFO", "Server startup in 1234 ms"),
                                                   ("SEVERE", "Failed to start end point")]


def test_a_message_over_several_lines_without_a_header():
    got = events("INFO: Creating new argline\nCONFIG: filter=.*\nmode=FULL\nseed=933178\nINFO: done\n")
    assert [(e.level, e.message) for e in got] == [("INFO", "Creating new argline"),
                                                   ("CONFIG", "filter=.*\nmode=FULL\nseed=933178"), ("INFO", "done")]


@given(st.sampled_from([("WARN", "WARN"), ("ERROR", "ERROR"), ("DEBUG", "DEBUG"), ("TRACE", "TRACE"), ("FATAL", "FATAL"),
                        ("WARNING", "WARN"), ("SEVERE", "SEVERE")]), _MSG)
def test_jboss_loggings_level_names_on_the_second_line_of_a_jul_record(level, msg):
    # Hibernate logs through jboss-logging, whose JDK backend names its levels WARN, ERROR, DEBUG,
    # TRACE, FATAL: java.util.logging's two-line layout prints them as its own
    written, want = level
    got = events("Aug 23, 2018 5:55:54 AM org.hibernate.engine.jdbc.spi.SqlExceptionHelper logExceptions\n"
                 f"{written}: {msg}\n"
                 "Aug 23, 2018 5:55:55 AM org.apache.catalina.startup.Catalina start\n"
                 "INFO: Server startup in 104051 ms\n")
    assert [(e.level, e.message) for e in got] == [(want, msg), ("INFO", "Server startup in 104051 ms")]
    assert got[0].logger == "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.logExceptions"
