"""p6spy's statement log, in whatever layout its `logMessageFormat` gave it.

p6spy writes its fields joined by `|`: the default single-line format
    1700000000000|35|statement|connection 7|url jdbc:mysql://db/pay|SELECT ... ?|SELECT ... 'x'
and the custom ones teams configure all keep the same core,
`<elapsed>|<category>|connection<id>|` followed by the statement(s):
    2026-11-26 10:15:30|35ms|statement|connection0|SELECT ...
    autocommit(true)|readonly(false)|REPEATABLE_READ|12ms|statement|connection5|UPDATE ...
    #1700000000000 | took 35ms | statement | connection 7| url jdbc:...      (multi-line: SQL below)
The core may sit anywhere in a message (after a logback prefix, after other fields).
p6spy 1.x wrote `now|elapsed|connection id|category|prepared|sql`, without the word.

After the core come, optionally, `url ...|`, then either the prepared and the
effective statement (`prepared|effective`, or on two lines), or one statement. A
statement may itself contain `|` inside a quoted literal, so the two are split
only at a `|` outside quotes whose right side starts a statement.

`find_p6spy(message)` returns `(elapsed ns, statement or None)` for the timed
categories (`statement`, `batch`), None for anything else (commits, rollbacks,
result sets, other text). Pure and total.
"""

from __future__ import annotations

import re

_CORE = re.compile(
    r"(?<![\w.:\-])(?:took\s*)?(?P<num>[0-9]{1,15})\s*(?:ms)?\s*\|\s*"
    r"(?P<cat>statement|batch|query|update|commit|rollback|resultset|result)\s*\|\s*"
    r"connection\s*-?[0-9]{0,19}[ \t]*(?:\||(?=\n)|\Z)(?P<rest>.*)",
    re.DOTALL | re.IGNORECASE)
# p6spy 1.x: `now|elapsed|connection id|category|prepared|sql` (no `connection` word)
_CORE_1X = re.compile(
    r"(?<![\w.:\-])[0-9]{10,13}\|(?P<num>[0-9]{1,15})\|-?[0-9]{0,19}\|"
    r"(?P<cat>statement|batch|query|update|commit|rollback|resultset|result)\|(?P<rest>.*)", re.DOTALL)
_URL = re.compile(r"\s*url[ =:][^|\n]*(?:\||(?=\n)|\Z)", re.IGNORECASE)
_VERB = re.compile(  # maybe after a comment (Hibernate's `use_sql_comments`: `/* <HQL> */ select ...`)
    r"\s*(?:/\*.*?\*/\s*)?\(?\s*(?:select|insert|update|delete|replace|merge|with|call|exec|create|alter|drop|truncate|"
    r"show|set|begin|declare|upsert|\{\s*call)\b", re.IGNORECASE)
_TIMED = frozenset({"statement", "batch", "query", "update"})
MS = 1_000_000


def may_be_p6spy(message: str) -> bool:
    """Cheap test: the core holds `|` and the word `connection`, or (1.x) `|statement|`."""
    return "|" in message and ("connection" in message or "CONNECTION" in message or "|statement|" in message
                               or "|batch|" in message)


def find_p6spy(message: str) -> tuple[int, str | None] | None:
    m = _CORE.search(message)
    if m is None:
        m = _CORE_1X.search(message)
    if m is None or m.group("cat").lower() not in _TIMED:
        return None
    rest = m.group("rest")
    if (u := _URL.match(rest)) is not None:
        rest = rest[u.end():]
    return int(m.group("num")) * MS, _statement(rest)


def _statement(rest: str) -> str | None:
    """The effective statement of `prepared|effective`, `prepared\neffective`, or the one
    statement there is; None when there is none. A one-line statement is kept as logged,
    trailing spaces included: pt-fingerprint keeps them, and so must its fingerprint."""
    text = rest.strip()
    if not text.strip("|;"):
        return None
    if "\n" in text:
        return _effective_of_block(text.strip("|;").strip().split("\n"))
    text = rest.lstrip().rstrip("\r\n")
    split = _split_at(text)
    if split is None:
        return _verbatim(text)
    prepared, effective = text[:split], text[split + 1:]
    return _verbatim(effective) or _clean(prepared)


def _effective_of_block(lines: list[str]) -> str | None:
    """MultiLineFormat writes the prepared statement, then the effective one, each over as
    many lines as it has: the effective one is the second half when both halves start a
    statement or are the same text (a statement with no parameters, `commit` included),
    else from the last line starting with the first line's verb."""
    n = len(lines)
    half = n // 2
    if n % 2 == 0 and (_VERB.match(lines[half]) and _VERB.match(lines[0]) or lines[:half] == lines[half:]):
        return _clean("\n".join(lines[half:]))
    first = _VERB.match(lines[0])
    if first is not None:
        verb = first.group().strip().lower()
        for k in range(n - 1, 0, -1):
            m = _VERB.match(lines[k])
            if m is not None and m.group().strip().lower() == verb:
                return _clean("\n".join(lines[k:]))
    return _clean("\n".join(lines))


def _split_at(text: str) -> int | None:
    """Index of the `|` between prepared and effective statement, if there is one: outside
    single quotes, with a statement starting on its right (or nothing on its right)."""
    pos = text.find("|")
    while pos != -1:
        if text.count("'", 0, pos) % 2 == 0:
            right = text[pos + 1:]
            if not right.strip() or _VERB.match(right):
                return pos
        pos = text.find("|", pos + 1)
    return None


def _clean(statement: str) -> str | None:
    return statement.strip().rstrip(";|").strip() or None


def _verbatim(statement: str) -> str | None:
    statement = statement.lstrip()
    return statement if statement.strip() else None
