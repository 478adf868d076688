"""Message templates: the variable parts of an exception message become placeholders.

An ordered list of named patterns folded into one combined regex at import (as Sentry's
message parameterizer does); the first alternative that matches at a position wins.
Boundaries are ASCII-only lookarounds, not `\\b`, because in mixed Chinese/English text
`\\w` also matches Chinese characters (`金额100元` must still give `金额<num>元`).
"""

from __future__ import annotations

import re

_L = r"(?<![A-Za-z0-9_])"  # left boundary
_R = r"(?![A-Za-z0-9_])"  # right boundary
PARAMETERS: tuple[tuple[str, str], ...] = (
    ("uuid", rf"{_L}[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}{_R}"),
    ("ts", rf"{_L}\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?{_R}"),
    ("ip", rf"{_L}\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d{{1,5}})?{_R}"),
    ("str", r"\"[^\"\n]*\"|(?<![A-Za-z0-9])'[^'\n]*'(?![A-Za-z0-9])|`[^`\n]*`"),
    ("hex", rf"{_L}0[xX][0-9a-fA-F]+{_R}|{_L}(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{{8,}}{_R}"),
    ("unit", rf"{_L}-?\d+(?:[.,]\d+)*(?=(?:ns|us|ms|s|m|h|d|[kKmMgG]?[bB]|%)(?![A-Za-z0-9_]))"),  # 30000ms
    ("id", rf"{_L}(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*{_R}"),
    ("num", rf"{_L}-?\d+(?:[.,]\d+)*{_R}"),
)
_SHOWN = {"unit": "<num>"}
_COMBINED = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in PARAMETERS))


def _placeholder(m: re.Match[str]) -> str:
    return _SHOWN.get(m.lastgroup, f"<{m.lastgroup}>")


def message_template(msg: str) -> str:
    """`Order ord_20261126_001001 not found, amount=12.50` -> `Order <id> not found, amount=<num>`."""
    return _COMBINED.sub(_placeholder, msg)
