"""A PostgreSQL error raised through a Python driver keeps libpq's fields in the exception's
message (`LINE 1: ...` with its caret line, `DETAIL:  `, `HINT:  `, ...), and the driver
adds a newline of its own, so Python prints two blank lines before a chain marker. In a log
with no prefix (Django's default `{message}` format) each of those lines looks like a record
start; they stay in the traceback, and so does the chain after them."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions

SOURCE = Source("h", "shop", "/srv/shop/logs/django.log", "f1")
STAMP = "2026-12-02 07:00:01,436 ERROR django.request "

IDENT = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)


def events(lines: list[str]) -> list[Event]:
    data = "".join(x + "\n" for x in lines).encode()
    asm = Assembler(ParseOptions(), SOURCE)
    return asm.feed(data, 0, 0) + asm.finish(0)


def tb(exc_line: str, fn: str) -> list[str]:
    return ["Traceback (most recent call last):",
            f'  File "/srv/shop/venv/lib/python3.12/site-packages/django/{fn}.py", line 105, in {fn}',
            "    return self.cursor.execute(sql, params)",
            "           ~~~~~~~~~~~~~~~~~~~^^^^^^^^^^^^^", exc_line]


def pg_fields(table: str, column: str, n_fields: list[str]) -> list[str]:
    sql = f'SELECT "{table}"."id", "{table}"."{column}" FROM "{table}"'
    out = [f"LINE 1: {sql}", " " * (8 + sql.index(column) - 1) + "^"]
    for name in n_fields:
        out.append(f"{name}:  {'Perhaps you meant' if name == 'HINT' else 'while reading'} {table}.{column}.")
    return out


def chained_trace(table: str, column: str, fields: list[str], blanks: int) -> list[str]:
    msg = f"column {table}.{column} does not exist"
    return [*tb(f"psycopg2.errors.UndefinedColumn: {msg}", "db/backends/utils"),
            *pg_fields(table, column, fields), *[""] * blanks,
            "The above exception was the direct cause of the following exception:", "",
            *tb(f"django.db.utils.ProgrammingError: {msg}", "core/handlers/exception"),
            *pg_fields(table, column, fields)]


FIELDS = st.lists(st.sampled_from(["DETAIL", "HINT", "QUERY", "CONTEXT", "WHERE"]), max_size=3)


@settings(max_examples=60, deadline=None)
@given(IDENT, IDENT, FIELDS, st.integers(1, 2), st.booleans())
def test_a_postgres_error_chain_is_one_exception_with_the_driver_error_as_root(table, column, fields, blanks,
                                                                             prefixed):
    head = "Internal Server Error: /api/orders/7/"
    nxt = "Not Found: /favicon.ico"
    lines = [STAMP + head if prefixed else head, *chained_trace(table, column, fields, blanks),
             STAMP.replace("ERROR", "WARNING") + nxt if prefixed else nxt]
    evs = events(lines)
    # with no prefix too, the message Django's logger wrote before the traceback is the record's
    assert [e.kind for e in evs] == ["exception", "line"]
    exc = evs[-2]
    assert exc.message.endswith(head)
    assert exc.error_type == "django.db.utils.ProgrammingError"
    assert exc.root_cause_type == "psycopg2.errors.UndefinedColumn"
    assert evs[-1].message.endswith(nxt)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["Internal Server Error: /help/", "Invalid HTTP_HOST header: 'x.test'.",
                        "LINEAR scan done", "DETAIL: one space is no libpq field", "Line 1: text"]))
def test_an_unprefixed_line_after_the_exception_line_that_is_no_field_starts_a_record(line):
    evs = events([*tb("ValueError: bad amount", "views"), line])
    assert [e.kind for e in evs] == ["exception", "line"]
    assert evs[1].message == line
