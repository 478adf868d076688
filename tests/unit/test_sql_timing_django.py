"""Django's django.db.backends debug record, `(%.3f) %s; args=%s` (Django 4 adds
`; alias=%s`): the time is in seconds, the statement is what comes before `; args=`,
wherever a layout puts the record in the line."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.options import SqlOptions
from parsers.sql import SqlTimingParser

PARSER = SqlTimingParser(SqlOptions())
STATEMENTS = st.sampled_from([
    "SELECT VERSION()", "SELECT `t`.`id` FROM `t` WHERE `t`.`id` = %s LIMIT 21",
    'UPDATE "app_user" SET "name" = %s WHERE "app_user"."id" = %s', "SAVEPOINT \"s1_x1\"",
    "INSERT INTO t (a, b) VALUES (%s, %s) RETURNING t.id", "SHOW FULL TABLES"])
PREFIXES = st.sampled_from(["", "[2018-12-14 16:19:10,744] [6219] [139791] [        utils.py:  90] [DEBUG ] ",
                            "DEBUG 2024-01-01 10:00:00,000 utils ", "django.db.backends: "])
ARGS = st.sampled_from(["None", "()", "(1,)", "('a', 2)", "[]"])


@given(PREFIXES, st.integers(0, 99_999), STATEMENTS, ARGS, st.booleans())
def test_seconds_and_the_statement_before_its_args(prefix, millis, sql, args, alias):
    seconds = f"{millis // 1000}.{millis % 1000:03d}"
    message = f"{prefix}({seconds}) {sql}; args={args}" + ("; alias=default" if alias else "")
    t = PARSER.parse(message)
    assert (t.duration_ns, t.statement, t.source) == (millis * 1_000_000, sql, "django")


@pytest.mark.parametrize("message", [
    '"GET / HTTP/1.1" 200 (0.003)',                    # a number in parentheses, no statement
    "retrying (0.500) seconds later; args=none given", # no SQL word after the time
    "(0.5) SELECT 1; args=()",                         # Django prints three decimals
    "f(0.25) SELECT 1; args=()",                       # the time glued to a word is not Django's
])
def test_near_misses_are_not_django_statements(message):
    t = PARSER.parse(message)
    assert t is None or t.source != "django"


@given(st.integers(0, 99_999), st.sampled_from(["\n", "\r\n", " \n", ""]), st.sampled_from(["            ", "\t", " "]),
       ARGS)
def test_a_statement_over_lines_may_start_on_the_line_after_the_time(millis, eol, indent, args):
    # the introspection queries: `(0.001) ` then the statement indented on the lines below
    seconds = f"{millis // 1000}.{millis % 1000:03d}"
    body = [f"{indent}SELECT", f"{indent}    c.relname", f"{indent}FROM pg_catalog.pg_class c"]
    message = f"({seconds}) {eol}" + eol.join(body) + f"{eol}        ; args={args}; alias=default"
    if not eol:
        message = f"({seconds}) " + "\n".join(body) + f"\n        ; args={args}"
    t = PARSER.parse(message)
    assert (t.duration_ns, t.source) == (millis * 1_000_000, "django")
    assert t.statement.startswith("SELECT") and t.statement.endswith("pg_class c")


@given(st.sampled_from(["", "[21/Jan/2016 09:57:56] [django.db.backends:89] "]), st.integers(0, 99_999), STATEMENTS,
       ARGS)
def test_django_1_on_sqlite_quotes_the_query_and_its_params(prefix, millis, sql, args):
    """Django 1.x's SQLite backend: `(0.229) QUERY = '<sql>' - PARAMS = <params>; args=<params>`,
    the statement a Python repr (a quote inside it escaped)."""
    seconds = f"{millis // 1000}.{millis % 1000:03d}"
    message = f"{prefix}({seconds}) QUERY = {sql!r} - PARAMS = {args}; args={args}"
    t = PARSER.parse(message)
    assert (t.duration_ns, t.statement, t.params, t.source) == (millis * 1_000_000, sql, args, "django")


def test_django_1_query_with_both_quotes_is_unescaped():
    sql = """SELECT "t"."id" FROM "t" WHERE "t"."name" = 'O\\'Brien'"""
    t = PARSER.parse(f"(0.001) QUERY = {sql!r} - PARAMS = (); args=()")
    assert t.statement == sql
