"""The logback/log4j `%` layout language, as a pyparsing grammar: a layout text in, a
list of `Token`s out, or a `LayoutError` naming the column of the first problem.

    layout      := ( "%%" | conversion | literal )*
    conversion  := "%" [pad] ["." trunc] word option*      e.g. %-5level  %.30t  %d{HH:mm:ss}{UTC}
    pad, trunc  := ["-"] digits
    word        := letters                                one of `WORDS` (%n, %ex ... are skipped)
    option      := "{" any text but "}" "}"
    literal     := any text but "%"

Used when a configuration is loaded, never per line: `pattern.compile_pattern` turns the
tokens into the one regex that reads every line.
"""

from __future__ import annotations

from typing import NamedTuple

import pyparsing as pp

from parsers.spec_error import SpecError

WORDS = {
    "d": "date", "date": "date",
    "t": "thread", "thread": "thread",
    "p": "level", "le": "level", "level": "level",
    "c": "logger", "lo": "logger", "logger": "logger",
    "m": "message", "msg": "message", "message": "message",
    "X": "mdc", "mdc": "mdc",
    "L": "line", "line": "line", "M": "method", "method": "method",
    "C": "class", "class": "class", "F": "file", "file": "file",
    "pid": "pid", "PID": "pid", "r": "relative", "relative": "relative",
    "n": "skip", "ex": "skip", "exception": "skip", "throwable": "skip", "wEx": "skip", "xEx": "skip",
    "nopex": "skip", "nopexception": "skip",
}


class Token(NamedTuple):
    """`kind` is "lit" (value: the text) or a field ("date", "thread", ...; value: the word
    as written). `opts` is the `{...}` options as written; `column` is 1-based."""

    kind: str
    value: str
    pad: str | None
    opts: str
    column: int


class LayoutError(SpecError):
    """A layout that cannot be read; `column` is 1-based in `layout`."""

    def __init__(self, layout: str, column: int, reason: str) -> None:
        super().__init__("layout", layout, column, reason)
        self.layout = layout


def _check_word(text: str, loc: int, toks: pp.ParseResults) -> None:
    word = toks["word"]
    if word not in WORDS:
        raise pp.ParseFatalException(text, loc, f"unknown conversion word %{word}")


_NUMBER = pp.Regex(r"-?\d+")
_WORD = pp.Regex(r"[A-Za-z]+").set_name("a conversion word (write %% for a literal %)")
_OPTION = pp.Regex(r"\{[^}]*").set_name("an option {...}") - pp.Literal("}").set_name('"}" closing the option')
_CONVERSION = (pp.Suppress("%") - pp.Opt(_NUMBER("pad")) + pp.Opt(pp.Suppress(".") + _NUMBER("trunc"))
               + _WORD("word") + pp.Combine(pp.ZeroOrMore(_OPTION))("opts")).add_parse_action(_check_word)
_ESCAPE = pp.Literal("%%")("escape")
_LITERAL = pp.Regex(r"[^%]+")("literal")
LAYOUT = pp.ZeroOrMore(pp.Group(pp.Located(_ESCAPE | _CONVERSION | _LITERAL))) + pp.StringEnd()
LAYOUT = LAYOUT.leave_whitespace().parse_with_tabs()  # every character is the layout's own


def parse_layout(layout: str) -> list[Token]:
    """The layout's tokens, in order. Adjacent literal text (and %%) is one literal token;
    a skipped word (%n, %ex ...) ends a literal but gives no token."""
    try:
        located = LAYOUT.parse_string(layout, parse_all=True)
    except pp.ParseBaseException as exc:
        raise LayoutError(layout, exc.loc + 1, _reason(exc)) from None
    out: list[Token] = []
    lit: list[str] = []
    lit_at = 0
    for start, part, _end in located:
        if "word" not in part:
            lit_at = lit_at if lit else start
            lit.append("%" if "escape" in part else part["literal"])
            continue
        if lit:
            out.append(Token("lit", "".join(lit), None, "", lit_at + 1))
            lit = []
        word = part["word"]
        out.append(Token(WORDS[word], word, part.get("pad"), part.get("opts", ""), start + 1))
    if lit:
        out.append(Token("lit", "".join(lit), None, "", lit_at + 1))
    return [t for t in out if t.kind != "skip"]


def _reason(exc: pp.ParseBaseException) -> str:
    """pyparsing's message, in the sentence case of the config's other errors."""
    return "expected " + exc.msg[len("Expected "):] if exc.msg.startswith("Expected ") else exc.msg
