"""The source position a layout writes right after the logger: logback's manual layout
`%date %level [%thread] %logger{10} [%file:%line] %msg`, log4j's `%c (%F:%L) %m`, log4j2's
manual `%-5level %d [%t] %c:%M(%L): %m`. It goes to the record's position, not the message."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_FILE = st.from_regex(r"[A-Z][A-Za-z]{1,20}\.(?:java|kt|scala)", fullmatch=True)
_METHOD = st.from_regex(r"[a-z][A-Za-z0-9]{0,20}", fullmatch=True) | st.just("<init>")
_LINE = st.integers(1, 99999).map(str)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True).map(str.rstrip)


@given(_LOGGER, _FILE, _LINE, _MSG, st.sampled_from("[("))
def test_file_and_line_after_the_logger(logger, file, line, msg, bracket):
    close = "]" if bracket == "[" else ")"
    got = AutoParser().parse(f"2026-11-30 14:07:03,125 INFO [main] {logger} {bracket}{file}:{line}{close} {msg}")
    assert (got.logger, got.message, got.extra) == (logger, msg, {"source": f"{file}:{line}"})


@given(_LOGGER, _METHOD, _LINE, _MSG)
def test_method_and_line_glued_to_the_logger(logger, method, line, msg):
    got = AutoParser().parse(f"INFO  2026-11-30 14:07:03,125 [main] {logger}:{method}({line}): {msg}")
    assert (got.logger, got.message, got.extra) == (logger, msg, {"method": method, "line": line})


def test_a_bracket_of_words_after_the_logger_stays_message():
    got = AutoParser().parse("2026-11-30 14:07:03,125 INFO [main] c.p.Foo [DUBBO] Serialize failed")
    assert (got.logger, got.message) == ("c.p.Foo", "[DUBBO] Serialize failed")


@given(_LOGGER, _METHOD, _FILE, _LINE, _MSG)
def test_location_is_class_method_and_source(logger, method, file, line, msg):
    got = AutoParser().parse(f"[15:48:49:153] [ERROR] - {logger}.{method}({file}:{line}) - {msg}")
    assert (got.logger, got.message, got.extra) == (logger, msg, {"method": method, "source": f"{file}:{line}"})


def test_location_of_a_class_without_a_package():
    got = AutoParser().parse("[15:48:49:153] [ERROR] - MailServiceImpl.send(MailServiceImpl.java:40) - 发送失败")
    assert (got.logger, got.message) == ("MailServiceImpl", "发送失败")


def test_mdc_brackets_after_a_bracketed_logger():
    got = AutoParser().parse("2026-11-30 14:07:03,125 [INFO] -- [main] [c.p.Foo] [] [5f3a1b2c6d7e8f90] - started")
    assert (got.thread, got.logger, got.message) == ("main", "c.p.Foo", "started")
    got = AutoParser().parse("2026-11-30 14:07:03,125 [INFO] -- [main] [c.p.Foo] [a b,c] started")
    assert got.message == "[a b,c] started"


def test_a_query_time_in_parentheses_is_message():
    got = AutoParser().parse("[2026-11-30 14:07:03] DEBUG [django.db.backends:151] (0.003) SELECT 1; args=()")
    assert (got.logger, got.thread, got.message) == ("django.db.backends", None, "(0.003) SELECT 1; args=()")


@given(_LOGGER, _LINE, _MSG, st.sampled_from([":{}", ":  {}", ":[{}]", "({})", " [{}]"]), st.sampled_from([" - ", ": "]))
def test_line_number_forms_after_the_logger(logger, line, msg, form, sep):
    # `%c:%L - `, `%c:%4L - `, `%c:[%L] - `, `%c(%L) - `, `%logger [%line]: `
    got = AutoParser().parse(f"2026-11-30 14:07:03,125 INFO [main] {logger}{form.format(line)}{sep}{msg}")
    assert (got.logger, got.message, got.extra) == (logger, msg, {"line": line})


@given(_FILE, _LINE, _MSG)
def test_xxl_job_file_and_line_with_spaces(file, line, msg):
    got = AutoParser().parse(f"2026-11-30 14:07:03 INFO [main] c.x.j.a.XxlJobAdminApplication [{file} : {line}] {msg}")
    assert (got.logger, got.message, got.extra) == ("c.x.j.a.XxlJobAdminApplication", msg, {"source": f"{file}:{line}"})


@given(_LOGGER, st.from_regex(r"[A-Za-z][A-Za-z ]{0,30}", fullmatch=True).map(str.rstrip))
def test_a_dash_against_the_message(logger, msg):
    got = AutoParser().parse(f"14:07:03.125[main] INFO  {logger} -{msg}")
    assert (got.logger, got.message) == (logger, msg)


@given(_LOGGER, st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), _MSG)
def test_the_thread_bracket_right_after_the_logger(logger, thread, msg):
    got = AutoParser().parse(f"2026-11-30 14:07:03,125 INFO {logger} [{thread}] {msg}")
    assert (got.logger, got.thread, got.message) == (logger, thread, msg)


def test_a_capitals_bracket_after_the_logger_stays_message():
    got = AutoParser().parse("2026-11-30 14:07:03,125 INFO c.p.Foo [DUBBO] Serialize failed")
    assert (got.thread, got.message) == (None, "[DUBBO] Serialize failed")


@given(_LOGGER, _LINE, _MSG)
def test_line_after_a_padded_logger(logger, line, msg):
    # mall's `%-40.40logger{39} [%line]: %m` after Spring Boot's fields
    got = AutoParser().parse(f"2026-11-30 14:07:03.125  INFO 24816 --- [main] {logger:<40} [{line}]: {msg}")
    assert (got.logger, got.message, got.extra) == (logger, msg, {"line": line})


@given(_LOGGER, _MSG)
def test_the_logger_in_its_own_bracket_after_level_and_thread(logger, msg):
    got = AutoParser().parse(f"2026-11-30 14:07:03,125 [main] INFO  [{logger}] - {msg}")
    assert (got.thread, got.logger, got.message) == ("main", logger, msg)


def test_a_simple_class_name_before_a_spaced_colon():
    got = AutoParser().parse("2026-11-30 14:07:03,125 [nioEventLoop-2-1] INFO  PayServer : bound to 8080")
    assert (got.logger, got.message) == ("PayServer", "bound to 8080")
    got = AutoParser().parse("[2026-11-30 14:07:03,125] INFO Snapshotting: 0x391 to /tmp (org.apache.zookeeper.Snap)")
    assert (got.logger, got.message) == ("org.apache.zookeeper.Snap", "Snapshotting: 0x391 to /tmp")


def test_an_id_bracket_after_the_separator_is_the_message():
    got = AutoParser().parse("2026-11-30 14:07:03,125 INFO [c.p.Foo] - [5f3a1b2c6d7e8f90] traced")
    assert (got.logger, got.message) == ("c.p.Foo", "[5f3a1b2c6d7e8f90] traced")
