"""SQL fingerprints, as Percona's `pt-fingerprint` (3.2.1) prints them.

`fingerprint(sql)` abstracts literals away so that statements differing only in
values group together: `SELECT * FROM t WHERE id = 12` -> `select * from t where id = ?`.
The result must equal pt-fingerprint's, byte for byte, because analysts compare
our `logpipe.sql.fingerprint` with pt-query-digest reports of the same database.

pt-fingerprint is not a parser but an ordered list of deliberately crude regex
substitutions (quirks included: `db3.t` becomes `d?t`, `ORDER BY x ASC` loses
every later ` asc`). Re-stating it as a grammar would be more "correct" and
therefore different, so the compiled core (`parsers/native/src/fingerprint.rs`)
applies the same regexes (PCRE2) in the same order, each guarded by a cheap
substring test that skips it when it cannot apply. Perl reads the statement as
bytes, and so does the core: every class is ASCII and lower-casing touches A-Z
only. This module keeps the ids and the caches.

The timing recognisers live in `timing.py` and MyBatis record joining in
`mybatis.py`; the package (`parsers.sql`) re-exports all three, the one entry for SQL.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

# fingerprint(sql): the compiled core's (parsers/native/src/fingerprint.rs)
from parsers._native import sql_fingerprint as fingerprint


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
