"""`SpecError`: a text of one of the configuration's small languages (a line layout, a
table column spec) that cannot be read, with the column of the first problem.

    invalid layout at column 4 ("%q [%t] %m"): unknown conversion word %q

The message is one line whatever the text holds: the text from the column on is
quoted, cut after a few characters, with control characters escaped.
"""

from __future__ import annotations

_SHOWN = 24  # characters quoted from the error's column on


class SpecError(ValueError):
    """`what` could not be read: `column` (1-based) in `text`, and `reason`."""

    def __init__(self, what: str, text: str, column: int, reason: str) -> None:
        rest = text[column - 1:]
        shown = quote(rest[:_SHOWN] + ("..." if len(rest) > _SHOWN else "")) if rest else "the end"
        super().__init__(f"invalid {what} at column {column} ({shown}): {reason}")
        self.what, self.text, self.column, self.reason = what, text, column, reason


def quote(text: str) -> str:
    """Double-quoted, with quotes, backslashes and control characters escaped."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out.append(repr(c)[1:-1] if c != "'" else c)
    return '"' + "".join(out) + '"'
