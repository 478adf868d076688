"""loguru's default format, `{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <8} | {name}:{function}:{line} - {message}`:
the module is the logger, the function and line its position, the message after ` - `."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.prefix.auto import AutoParser

_NAME = st.from_regex(r"__main__|[a-z_]{1,10}(?:\.[a-z_]{1,10}){0,3}", fullmatch=True)
_FUNCTION = st.from_regex(r"<module>|[a-z_][a-z0-9_]{0,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z\u4e00-\u9fa5][ -~]{0,40}", fullmatch=True).map(str.rstrip)


@given(st.sampled_from(["TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"]), _NAME, _FUNCTION,
       st.integers(1, 99999), _MSG)
def test_default_format(level, name, function, line, msg):
    got = AutoParser().parse(f"2024-01-01 10:00:00.123 | {level:<8} | {name}:{function}:{line} - {msg}")
    want = {"SUCCESS": "INFO", "WARNING": "WARN"}.get(level, level)
    assert (got.level, got.logger, got.extra, got.message) == (want, name, {"method": function, "line": str(line)}, msg)
    assert got.timestamp == "2024-01-01T10:00:00.123+00:00"
