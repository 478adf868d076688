"""Traces inside structured lines (JSON lines), for the real-world ground truth.

Apart from `parsers/` on purpose, like the other truth rules: a line that is a JSON
object is read with `json.loads`; the trace is the text of its stack field (the names
the libraries of the corpus write: logstash-logback-encoder's `stack_trace`,
python-json-logger's `exc_info`, a free `exception`, ECS's `error.stack_trace`, zap's
`stacktrace`), or a message that holds a trace after its first line (`failed:\n
Traceback ...`). That text, split into lines, goes through the same Java and Python rules
as a file's lines; the trace found is the line's own: header, first and last line are
that line. A JSON line of the `org.hibernate.SQL` logger whose message starts with a
statement keyword (after the comment `use_sql_comments` puts first) is an SQL entry (no duration), as its text-layout record is in
`truth_sql.hibernate`. logfmt lines carry no traces in the corpus; their timings are
found by the plain timing rules on the line's text, like any other line.
"""

from __future__ import annotations

import json
import re

import truth_rules
import truth_sql

COMMENT = re.compile(r"^/\*.*?\*/", re.S)  # Hibernate's use_sql_comments: `/* <criteria> */ select ...`
STACK_FIELDS = ("stack_trace", "stacktrace", "exc_info", "exception")


def _stack_text(obj: dict) -> str | None:
    parts = []
    message = obj.get("message") or obj.get("msg")
    if isinstance(message, str) and "\n" in message:
        parts.append(message)
    for name in STACK_FIELDS:
        if isinstance(obj.get(name), str) and obj[name].strip():
            parts.append(obj[name])
            break
    else:
        error = obj.get("error")
        if isinstance(error, dict) and isinstance(error.get("stack_trace"), str):
            parts.append(error["stack_trace"])
    return "\n".join(parts) if parts else None


def _objects(lines: list[str]):
    for i, line in enumerate(lines):
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            yield i, obj


def json_sql(lines: list[str]) -> list[dict]:
    out = []
    for i, obj in _objects(lines):
        logger = obj.get("logger_name") or obj.get("logger")
        message = obj.get("message")
        if logger != "org.hibernate.SQL" or not isinstance(message, str):
            continue
        text = message.strip()
        if truth_sql.RX["sql_start"].match(COMMENT.sub("", text, count=1).lstrip()):  # use_sql_comments
            out.append({"lines": [i + 1], "duration_ms": None, "statement": text, "source": "hibernate"})
    return out


def json_traces(lines: list[str]) -> list[dict]:
    out = []
    for i, obj in _objects(lines):
        text = _stack_text(obj)
        if text is None:
            continue
        inner = text.replace("\r\n", "\n").split("\n")
        found = truth_rules.java_traces(inner) + truth_rules.python_traces(inner)
        if not found:
            continue
        t = found[0]  # one record, one trace: the first the rules see
        out.append({"language": t["language"], "header_line": i + 1, "first_line": i + 1, "last_line": i + 1,
                    "outer": t["outer"], "root": t["root"]})
    return out
