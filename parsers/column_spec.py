"""The table column spec language (`[[tables]] columns = [...]`), as a pyparsing grammar:
one spec text in, a `ColumnSpec` out, or a `ColumnSpecError` naming the column of the
first problem.

    spec    := name [ ":" type ]          "order_no"  "amount:decimal"  "cost: duration"
    name    := any text but ":"           (surrounding spaces dropped; not blank)
    type    := string | int | decimal | duration | timestamp | enum "(" choice ("," choice)* ")"
    choice  := any text but "(", ")" and ","   (surrounding spaces dropped; not blank)

Read when the configuration is loaded; the table parser only sees the result.
"""

from __future__ import annotations

import pyparsing as pp

from parsers.options import ColumnSpec
from parsers.spec_error import SpecError, quote

TYPES = ("string", "int", "decimal", "duration", "timestamp")  # and enum(A,B,...)
_EXPECTED = f"expected {', '.join(TYPES)} or enum(A,B,...)"


class ColumnSpecError(SpecError):
    """A column spec that cannot be read; `column` is 1-based in `text`."""

    def __init__(self, text: str, column: int, reason: str) -> None:
        super().__init__("column spec", text, column, reason)


def _not_blank(reason: str):
    """A parse action that stops the parse with `reason` when the text matched is blank."""
    def check(text: str, loc: int, toks: pp.ParseResults) -> None:
        if not toks[0].strip():
            raise pp.ParseFatalException(text, loc, reason)
    return check


def _known_type(text: str, loc: int, toks: pp.ParseResults) -> str:
    kind = toks[0].strip()
    if kind not in TYPES:
        raise pp.ParseFatalException(text, loc + len(toks[0]) - len(toks[0].lstrip()),
                                     f"unknown type {quote(kind)}; {_EXPECTED}")
    return kind


_NAME = pp.Regex(r"[^:]*").add_parse_action(_not_blank("the column needs a name before the type"))
_CHOICE = pp.Regex(r"[^(),]*").add_parse_action(_not_blank("an enum choice is empty"))
_ENUM = (pp.Regex(r"\s*enum\s*\(").suppress()
         - pp.Group(pp.DelimitedList(_CHOICE, ",", allow_trailing_delim=False))("choices")
         - pp.Regex(r"\)\s*").set_name('")" closing the choices').suppress())
_PLAIN = pp.Regex(r"[^()]*").add_parse_action(_known_type)("kind")
SPEC = _NAME("name") + pp.Opt(pp.Suppress(":") + (_ENUM | _PLAIN)) + pp.StringEnd()
SPEC = SPEC.leave_whitespace().parse_with_tabs()  # every character is the spec's own


def parse_column(text: str) -> ColumnSpec:
    """`"amount:decimal"`, `"status:enum(SUCCESS, FAIL)"`, `"order_no"` as a ColumnSpec."""
    try:
        res = SPEC.parse_string(text, parse_all=True)
    except pp.ParseBaseException as exc:
        raise ColumnSpecError(text, exc.loc + 1, _reason(exc)) from None
    name = res["name"].strip()
    if "choices" in res:
        return ColumnSpec(name, "enum", tuple(c.strip() for c in res["choices"]))
    return ColumnSpec(name, res.get("kind", "string"))


def _reason(exc: pp.ParseBaseException) -> str:
    """pyparsing's message, in the sentence case of the config's other errors."""
    if exc.msg.startswith("Expected end of text"):
        return f"unexpected text after the type; {_EXPECTED}"
    return "expected " + exc.msg[len("Expected "):] if exc.msg.startswith("Expected ") else exc.msg
