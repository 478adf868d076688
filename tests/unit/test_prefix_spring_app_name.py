"""Spring Boot 3's default layouts with `spring.application.name` set: `--- [app] [thread]
logger : msg` (the name in brackets after `---`, then the thread, padded `%15.15t` on the
console), with or without the correlation bracket of Micrometer Tracing after the thread."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_APP = st.from_regex(r"[a-z][a-z0-9-]{0,24}", fullmatch=True)
_THREAD = st.from_regex(r"[a-z][\w-]{0,14}", fullmatch=True)
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True).map(str.rstrip)
_STAMP = "2026-11-30T14:07:03.125+08:00"


@given(_APP, _THREAD, _LEVEL, _LOGGER, _MSG, st.booleans())
def test_the_second_bracket_is_the_thread(app, thread, level, logger, msg, console):
    t = f"{thread:>15}" if console else thread
    got = AutoParser().parse(f"{_STAMP} {level:>5} 24816 --- [{app}] [{t}] {logger:<40} : {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


def test_with_the_correlation_bracket():
    got = AutoParser().parse(f"{_STAMP}  INFO 24816 --- [pay] [main] [66f1c2a3b4d5e6f7a8b9c0d1e2f3a4b5-a8b9c0d1e2f3a4b5] "
                             "c.p.PaymentApplication : Started")
    assert (got.thread, got.logger, got.message) == ("main", "c.p.PaymentApplication", "Started")


def test_without_the_name_the_bracket_after_the_dashes_is_the_thread():
    got = AutoParser().parse(f"{_STAMP}  INFO 24816 --- [main] c.p.PaymentApplication : Started")
    assert (got.thread, got.logger, got.mdc) == ("main", "c.p.PaymentApplication", None)


def test_a_bracket_in_the_message_stays_message():
    got = AutoParser().parse(f"{_STAMP}  INFO 24816 --- [main] c.p.Foo : [a] [b] x")
    assert (got.thread, got.logger, got.message) == ("main", "c.p.Foo", "[a] [b] x")


def test_an_mdc_bracket_after_the_thread_is_not_the_thread():
    got = AutoParser().parse(f"{_STAMP}  INFO 24816 --- [           main] [userId=42] c.p.PaymentApplication : Started")
    assert (got.thread, got.logger, got.message) == ("main", "c.p.PaymentApplication", "Started")


def test_the_auto_reader_also_takes_the_second_bracket_as_the_thread():
    # no pid (Spring Boot's `${PID:- }` unset): no built-in layout matches, the fields are read one by one
    got = AutoParser().parse(f"{_STAMP}  INFO   --- [pay] [           main] c.p.PaymentApplication  : Started")
    assert (got.thread, got.logger, got.message, got.mdc) == ("main", "c.p.PaymentApplication", "Started",
                                                              {"application": "pay"})
    got = AutoParser().parse(f"{_STAMP}  WARN 9 --- [pay] [HikariPool-1:housekeeper] c.z.h.p.HikariPool : x")
    assert (got.thread, got.logger) == ("HikariPool-1:housekeeper", "c.z.h.p.HikariPool")
