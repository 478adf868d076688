"""JBoss LogManager's layouts (WildFly's `server.log`, Quarkus, Keycloak): the thread in
parentheses after the bracketed category, `%-5p [%c] (%t) %s%e`, and Quarkus's file layout
with the host and the process name and pid before the level,
`%d{yyyy-MM-dd HH:mm:ss,SSS} %h %N[%i] %-5p [%c{3.}] (%t) %s%e`."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
# categories as `%c` and `%c{3.}` print them: `org.jboss.as`, `io.qua.run.boo.StartupActionImpl`
# (a one-word category, `[stdout]`, reads as a thread bracket: nothing tells them apart)
_CATEGORY = st.from_regex(r"[a-z]{2,6}(?:\.[a-z]{1,6}){1,4}(?:\.[A-Z][A-Za-z]{1,14})?", fullmatch=True)
# thread names hold spaces, dashes, digits and a pipe (`kafka-producer-network-thread | producer-1`)
# (a lone ` - ` inside is left out: `[%t] %c - %m` would read the text before it as a logger)
_THREAD = st.from_regex(r"[A-Za-z][\w-]{0,14}(?: (?:[\w-]{1,10}|\||--))*", fullmatch=True).filter(
    lambda t: len(t) <= 100 and " - " not in t)
_MSG = st.from_regex(r"[A-Za-z0-9\[][ -~]{0,40}", fullmatch=True).map(str.rstrip)
_HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(?:\.[a-z]{2,6}){0,2}", fullmatch=True)
_PROC = st.from_regex(r"[a-z][a-z0-9-]{0,20}(?:-dev)?\.jar|java", fullmatch=True)


@given(_LEVEL, _CATEGORY, _THREAD, _MSG)
def test_the_thread_in_parentheses_after_the_category(level, category, thread, msg):
    got = AutoParser().parse(f"2020-11-24 10:00:00,123 {level:<5} [{category}] ({thread}) {msg}")
    assert (got.level, got.logger, got.thread, got.message) == (level, category, thread, msg)


@given(_HOST, _PROC, st.integers(1, 4_000_000), _LEVEL, _CATEGORY, _THREAD, _MSG)
def test_host_and_process_before_the_level(host, proc, pid, level, category, thread, msg):
    line = f"2023-10-06 23:54:46,616 {host} {proc}[{pid}] {level:<5} [{category}] ({thread}) {msg}"
    got = AutoParser().parse(line)
    assert got.raw_time == "2023-10-06 23:54:46,616"
    assert (got.pid, got.level, got.logger, got.thread, got.message) == (str(pid), level, category, thread, msg)


@given(_LEVEL, _THREAD, _MSG)
def test_a_parenthesis_after_a_thread_bracket_stays_message(level, thread, msg):
    """logback's `%-5p [%t] %m`: a message that starts with a parenthesis keeps it."""
    got = AutoParser().parse(f"2020-11-24 10:00:00,123 {level:<5} [{thread.replace(' ', '-')}] (cached) {msg}")
    assert got.message == f"(cached) {msg}".rstrip()


def test_a_parenthesis_without_a_category_before_it_stays_message():
    got = AutoParser().parse("2020-11-24 10:00:00,123 INFO (note) starting")
    assert (got.level, got.thread, got.message) == ("INFO", None, "(note) starting")


def test_a_host_and_process_need_a_level_after_them():
    got = AutoParser().parse("2023-10-06 23:54:46,616 user app[42] logged in")
    assert got.pid is None and got.message == "user app[42] logged in"
