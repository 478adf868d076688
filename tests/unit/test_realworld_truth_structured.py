"""The real-world truth's reading of JSON lines: traces in stack fields and in messages,
and Hibernate's statements, each the line's own, found without the parser."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RW = Path(__file__).resolve().parents[2] / "bench" / "realworld"
sys.path.insert(0, str(RW))

import truth_structured  # noqa: E402

JAVA = ("org.postgresql.util.PSQLException: FATAL: no database\r\n\tat org.postgresql.Driver.connect(Driver.java:298)"
        "\r\nCaused by: java.net.ConnectException: refused\r\n\tat java.net.Socket.connect(Socket.java:1)\r\n")
PYTHON = ("failed:\nTraceback (most recent call last):\n  File \"/app/db.py\", line 3, in q\n    run()\n"
          "psycopg2.OperationalError: gone\n\nThe above exception was the direct cause of the following exception:\n\n"
          "Traceback (most recent call last):\n  File \"/app/x.py\", line 9, in f\n    q()\n"
          "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) gone")


def test_a_stack_field_and_a_message_with_a_traceback_are_the_lines_traces() -> None:
    lines = [json.dumps({"timestamp": "t", "message": "x", "stack_trace": JAVA}),
             json.dumps({"timestamp": "t", "message": "plain"}),
             json.dumps({"timestamp": "t", "message": PYTHON}),
             "{not json", "\tat c.x.A.b(A.java:1)"]
    got = truth_structured.json_traces(lines)
    assert got == [
        {"language": "java", "header_line": 1, "first_line": 1, "last_line": 1,
         "outer": "org.postgresql.util.PSQLException", "root": "java.net.ConnectException"},
        {"language": "python", "header_line": 3, "first_line": 3, "last_line": 3,
         "outer": "sqlalchemy.exc.OperationalError", "root": "psycopg2.OperationalError"}]


def test_hibernate_statements_in_json_lines_with_or_without_a_comment() -> None:
    lines = [json.dumps({"logger": "org.hibernate.SQL", "message": "\r\n    /* <criteria> */ select\r\n  a from b"}),
             json.dumps({"logger_name": "org.hibernate.SQL", "message": "\n    insert into t (a) values (?)"}),
             json.dumps({"logger": "org.hibernate.SQL", "message": "HHH000117: not a statement"}),
             json.dumps({"logger": "com.x.Y", "message": "select the cheapest route"})]
    assert [(e["lines"], e["statement"].split()[0]) for e in truth_structured.json_sql(lines)] == [
        ([1], "/*"), ([2], "insert")]
