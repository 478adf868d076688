"""SQL fingerprints, as Percona's `pt-fingerprint` (3.2.1) prints them.

`fingerprint(sql)` abstracts literals away so that statements differing only in
values group together: `SELECT * FROM t WHERE id = 12` -> `select * from t where id = ?`.
The result must equal pt-fingerprint's, byte for byte, because analysts compare
our `logpipe.sql.fingerprint` with pt-query-digest reports of the same database.

pt-fingerprint is not a parser but an ordered list of deliberately crude regex
substitutions (quirks included: `db3.t` becomes `d?t`, `ORDER BY x ASC` loses
every later ` asc`). Re-stating it as a grammar would be more "correct" and
therefore different, so this module is a precompiled list of regexes applied in
the same order, each guarded by a cheap substring test that skips it when it
cannot apply. Perl reads the statement as bytes, so every class here is ASCII
(`re.ASCII`) and lower-casing touches A-Z only.

The timing recognisers live in `timing.py` and MyBatis record joining in
`mybatis.py`; the package (`parsers.sql`) re-exports all three, the one entry for SQL.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

_A = re.ASCII
_AI = re.ASCII | re.IGNORECASE
_AIS = re.ASCII | re.IGNORECASE | re.DOTALL

# Whole-statement special cases, tried first.
_MYSQLDUMP = re.compile(r"SELECT /\*!40001 SQL_NO_CACHE \*/ \* FROM `", _A)
_TOOLKIT = re.compile(r"/\*\w+\.\w+:[0-9]/[0-9]\*/", _A)
_CALL = re.compile(r"\s*(call\s+\S+)\(", _AI)
_MULTI_INSERT = re.compile(r"((?:INSERT|REPLACE)(?: IGNORE)?\s+INTO.+?VALUES\s*\(.*?\))\s*,\s*\(", _AIS)
_USE = re.compile(r"use \S+(?=\n?\Z)", _AI)

# Comments: /* ... */ (not /*! version comments */), then -- and # to end of line.
_MULTI_LINE_COMMENT = re.compile(r"/\*[^!].*?\*/", re.ASCII | re.DOTALL)
_ONE_LINE_COMMENT = re.compile(r"(?:--|#)[^'\"\r\n]*(?=[\r\n]|\Z)", _A)

# Literals: escaped quotes go first, then quoted strings, then anything that
# looks like a number (the class is Percona's: broad on purpose, for speed).
_ESCAPED_QUOTE = re.compile(r"\\[\"']")
_DOUBLE_QUOTED = re.compile(r'".*?"', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'.*?'", re.DOTALL)
_NUMBER_LIKE = re.compile(r"[0-9+-][0-9a-f.xb+-]*")
_NUMBER_LEFTOVER = re.compile(r"[xb.+-]\?")

# Layout, then the list collapses.
_LEADING_SPACE = re.compile(r"\A\s+", _A)
_SPACE_RUN = re.compile(r"[\n\t\r\f][ \n\t\r\f]*| [ \n\t\r\f]+")  # runs that are not already " "
_NULL = re.compile(r"\bnull\b", _A)
_IN_OR_VALUES_LIST = re.compile(r"\b(in|values?)(?:[\s,]*\([\s?,]*\))+", _A)
_REPEATED_UNION = re.compile(r"\b(select\s.*?)(?:(\sunion(?:\sall)?)\s\1)+", _A)
_LIMIT_TAIL = re.compile(r"limit \?(?:, ?\?| offset \?)?", _A)
_ASC_AFTER = re.compile(r"(.+?)\s+asc", _AI)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _find_word(query: str, word: str) -> int:
    """Index of the first `word` in `query` that starts at a word boundary, or -1.
    (str.find plus a look back is several times faster than a `\\b` regex search.)"""
    i = query.find(word)
    while i > 0 and (query[i - 1].isalnum() and query[i - 1].isascii() or query[i - 1] == "_"):
        i = query.find(word, i + 1)
    return i


def _collapse_limit(query: str) -> str:
    """The first `limit ?, ?` / `limit ? offset ?` becomes `limit ?`."""
    i = _find_word(query, "limit ?")
    if i < 0:
        return query
    m = _LIMIT_TAIL.match(query, i)
    assert m is not None  # _find_word found "limit ?" at i
    return query[:i] + "limit ?" + query[m.end():]


def _drop_asc_after_order_by(query: str) -> str:
    """Remove each ` asc` after the first `order by `, in one left-to-right chain
    of adjacent matches (Perl's `\\G` loop in pt-fingerprint)."""
    i = _find_word(query, "order by ")
    if i < 0:
        return query
    pos = i + len("order by ")
    if " asc" not in query[pos:]:
        return query
    parts = [query[:pos]]
    while (a := _ASC_AFTER.match(query, pos)) is not None:
        parts.append(a.group(1))
        pos = a.end()
    parts.append(query[pos:])
    return "".join(parts)


def fingerprint(sql: str) -> str:
    """`sql` with literals replaced by `?`, whitespace collapsed, lower-cased, IN and
    VALUES lists collapsed to `(?+)`, as `pt-fingerprint` 3.2.1 prints it."""
    q = sql
    if q.startswith("SELECT /*!40001") and _MYSQLDUMP.match(q):
        return "mysqldump"
    if "*/" in q and _TOOLKIT.search(q):
        return "percona-toolkit"
    if q.startswith("administrator command: "):
        return q
    if (m := _CALL.match(q)) is not None:
        return _ascii_lower(m.group(1))
    if (m := _MULTI_INSERT.match(q)) is not None:
        q = m.group(1)
    if "/*" in q:
        q = _MULTI_LINE_COMMENT.sub("", q)
    if "--" in q or "#" in q:
        q = _ONE_LINE_COMMENT.sub("", q)
    if q[:4].lower() == "use ":
        q, n = _USE.subn("use ?", q, count=1)
        if n:
            return q
    if "\\" in q:
        q = _ESCAPED_QUOTE.sub("", q)
    if '"' in q:
        q = _DOUBLE_QUOTED.sub("?", q)
    if "'" in q:
        q = _SINGLE_QUOTED.sub("?", q)
    q = _NUMBER_LIKE.sub("?", q)
    if "x?" in q or "b?" in q or ".?" in q or "+?" in q or "-?" in q:
        q = _NUMBER_LEFTOVER.sub("?", q)
    q = _LEADING_SPACE.sub("", q)
    if q.endswith("\n"):
        q = q[:-1]
    if "\n" in q or "\t" in q or "\r" in q or "\f" in q or "  " in q:
        q = _SPACE_RUN.sub(" ", q)
    q = _ascii_lower(q)
    if "null" in q:
        q = _NULL.sub("?", q)
    if "in(" in q or "in " in q or "in," in q or "value" in q:
        q = _IN_OR_VALUES_LIST.sub(r"\1(?+)", q)
    if "union" in q:
        q = _REPEATED_UNION.sub(r"\1 /*repeat\2*/", q)
    if "limit ?" in q:
        q = _collapse_limit(q)
    if "order by " in q:
        q = _drop_asc_after_order_by(q)
    return q


def fingerprint_id(fp: str) -> str:
    """16 hex chars identifying fingerprint `fp` (blake2b, stable across runs and hosts)."""
    return hashlib.blake2b(fp.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


# Statements repeat (a mapper's prepared statement, with `?` for its parameters, on every
# call): their fingerprints are kept, for statements up to CACHED_CHARS characters, in a
# bounded cache (at most CACHE_SIZE of them: about 4 MiB of text at worst). Statements with
# their values written in differ every time, and their fingerprints repeat: ids are kept by
# fingerprint the same way.
CACHE_SIZE = 1024
CACHED_CHARS = 2048


@lru_cache(maxsize=CACHE_SIZE)
def _cached_id(fp: str) -> str:
    return fingerprint_id(fp)


def _id(fp: str) -> str:
    return _cached_id(fp) if len(fp) <= CACHED_CHARS else fingerprint_id(fp)


@lru_cache(maxsize=CACHE_SIZE)
def _cached(sql: str) -> tuple[str, str]:
    fp = fingerprint(sql)
    return fp, _id(fp)


def fingerprint_with_id(sql: str) -> tuple[str, str]:
    """`(fingerprint(sql), fingerprint_id(...))`, from the cache when `sql` was seen lately."""
    if len(sql) <= CACHED_CHARS:
        return _cached(sql)
    fp = fingerprint(sql)
    return fp, _id(fp)
