"""SQL in log records: statement fingerprints as pt-fingerprint prints them
(`pt_fingerprint`), timing lines of Druid, p6spy, MyBatis-Plus, GORM, log4jdbc and
Hibernate (`timing`, `p6spy`), and MyBatis statements joined across records (`mybatis`).

`parsers.sql.fingerprint(text) -> str` is the public entry of the fingerprint.
"""

from parsers.sql.mybatis import CONSUMED, COPY, Consumed, MybatisJoiner, is_mybatis, substitute_params
from parsers.sql.pt_fingerprint import fingerprint, fingerprint_id, fingerprint_with_id
from parsers.sql.timing import SqlTiming, SqlTimingParser

__all__ = [
    "CONSUMED", "COPY", "Consumed", "MybatisJoiner", "SqlTiming", "SqlTimingParser",
    "fingerprint", "fingerprint_id", "fingerprint_with_id", "is_mybatis", "substitute_params",
]
