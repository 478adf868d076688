"""The `%` layout language: every valid layout compiles, and a line written with it reads
back to the fields it was written from; any other text is a LayoutError with a column."""

from __future__ import annotations

import pyparsing as pp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.prefix.layout_grammar import LayoutError, parse_layout
from parsers.prefix.layouts import compile_format

NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_-", min_size=1, max_size=16)
DOTTED = st.lists(NAME, min_size=1, max_size=4).map(".".join)
# A message starting with a space would lose it to the separator's space run (padding varies).
MESSAGE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
                  ).filter(lambda m: not m.startswith(" "))
# (the %d option, the text of 2026-11-26 10:15:30.123 in it, its ISO 8601 form in UTC or None without a date)
DATES = [
    ("", "2026-11-26 10:15:30,123", "2026-11-26T10:15:30.123+00:00"),
    ("{yyyy-MM-dd HH:mm:ss.SSS}", "2026-11-26 10:15:30.123", "2026-11-26T10:15:30.123+00:00"),
    ('{"yyyy-MM-dd\'T\'HH:mm:ss,SSS"}', "2026-11-26T10:15:30,123", "2026-11-26T10:15:30.123+00:00"),
    ("{yyyyMMdd HHmmss}{Asia/Shanghai}", "20261126 101530", "2026-11-26T10:15:30+00:00"),
    ("{HH:mm:ss.SSS}", "10:15:30.123", None),
]
# Text between two conversions: never a letter or digit, never starting with "-" or ".".
SEPARATORS = [" ", "  ", " - ", " [", "] ", "] [", " | ", "|", ":", " : ", " --- ", " %% ", "\t"]


@st.composite
def layouts(draw):
    """(layout, line written with it, the fields the line must read back to)."""
    kinds = draw(st.lists(st.sampled_from(["date", "level", "thread", "logger", "pid", "line", "method", "mdc",
                                           "mdc2"]), unique=True, max_size=6))
    if draw(st.booleans()) or not kinds:
        kinds.append("message")
    layout, line = [], []
    expected: dict = {"mdc": {}, "extra": {}}
    lead = draw(st.sampled_from(["", "[", "> "]))
    layout.append(lead)
    line.append(lead)
    for i, kind in enumerate(kinds):
        last = i == len(kinds) - 1  # a last field runs to the end of the line: no padding after it
        pad = draw(st.sampled_from(["", "", "-5", "5", "-20", "12"])) if kind in ("level", "thread", "logger") else ""
        pad = "" if last and pad.startswith("-") and kind != "level" else pad
        if kind == "date":
            opt, text, iso = draw(st.sampled_from(DATES))
            spec, value = f"%{draw(st.sampled_from(['d', 'date']))}{opt}", text
            expected.update(raw_time=text, timestamp=iso)
        elif kind == "level":
            value = draw(st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]))
            spec = f"%{pad}{draw(st.sampled_from(['p', 'le', 'level']))}"
            expected["level"] = value
        elif kind == "thread":
            value, spec = draw(NAME), f"%{pad}{draw(st.sampled_from(['t', 'thread']))}"
            expected["thread"] = value
        elif kind == "logger":
            value = draw(DOTTED)
            spec = f"%{pad}{draw(st.sampled_from(['c', 'lo', 'logger']))}{draw(st.sampled_from(['', '{36}']))}"
            expected["logger"] = value
        elif kind == "pid":
            value, spec = str(draw(st.integers(1, 99999))), "%pid"
            expected["pid"] = value
        elif kind == "line":
            value, spec = str(draw(st.integers(1, 9999))), "%L"
            expected["extra"]["line"] = value
        elif kind == "method":
            value, spec = draw(NAME), "%M"
            expected["extra"]["method"] = value
        elif kind.startswith("mdc"):
            key = f"k{len(expected['mdc'])}"
            value, spec = draw(NAME), f"%X{{{key}}}"
            expected["mdc"][key] = value
        else:
            value, spec = draw(MESSAGE), draw(st.sampled_from(["%m", "%msg", "%message"]))
            expected["message"] = value
        if pad:
            value = value.rjust(int(pad)) if not pad.startswith("-") else value.ljust(int(pad[1:]))
        layout.append(spec)
        line.append(value)
        if not last:
            sep = draw(st.sampled_from(SEPARATORS))
            layout.append(sep)
            line.append(sep.replace("%%", "%"))
    layout.append(draw(st.sampled_from(["", "%n", "%ex%n"])))
    return "".join(layout), "".join(line), expected


@settings(max_examples=400, deadline=None)
@given(layouts())
def test_a_line_written_with_any_valid_layout_reads_back_to_its_fields(case):
    layout, line, expected = case
    prefix = compile_format(layout).parse(line)
    assert prefix is not None, (layout, line)
    got = {"mdc": prefix.mdc or {}, "extra": prefix.extra or {}}
    for name in ("raw_time", "timestamp", "level", "thread", "logger", "pid", "message"):
        if name in expected:
            got[name] = getattr(prefix, name)
    assert got == expected, (layout, line)


LAYOUT_PIECES = st.sampled_from(["%d", "%d{HH:mm:ss}", "%-5p", "%t", "[%thread]", "%logger{36}", "%X{k}", "%m", "%n",
                                 "%%", "%", "{", "}", "%d{", "%q", "%5", "%.", "%-", " ", "-", "x", "\n", "%d{QQ}"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(LAYOUT_PIECES, max_size=10).map("".join)))
def test_any_text_compiles_or_is_a_layout_error_with_a_column(text):
    try:
        compile_format(text)
    except LayoutError as exc:
        assert 1 <= exc.column <= len(text) + 1
        assert f"at column {exc.column} " in str(exc) and "\n" not in str(exc)


@pytest.mark.parametrize("layout, column, needle", [
    ("%d [%t] %foo - %m", 9, 'at column 9 ("%foo - %m"): unknown conversion word %foo'),
    ("%d %clr(%5p) %m", 4, "unknown conversion word %clr"),
    ("%d [%t] 100% %m", 13, "expected a conversion word (write %% for a literal %)"),
    ("%d{yyyy-MM-dd [%t] %m", 22, 'at column 22 (the end): expected "}" closing the option'),
    ("%d [%t] %-5(%p) %m", 12, 'at column 12 ("(%p) %m")'),
    ("[%t] %d{yyyy-QQ-dd} %m", 6, "date pattern 'yyyy-QQ-dd': unsupported field 'QQ'"),
    ("plain text %%", 1, "no conversion word"),
])
def test_a_bad_layout_names_the_column_and_the_text_there(layout, column, needle):
    with pytest.raises(LayoutError) as info:
        compile_format(layout)
    assert info.value.column == column and needle in str(info.value)


def test_literals_escapes_and_skipped_words_become_tokens_in_order():
    tokens = parse_layout("[%-5.10level] %%%n%d{a}{UTC} %X{k:-none}%ex")
    assert [(t.kind, t.value, t.pad, t.opts, t.column) for t in tokens] == [
        ("lit", "[", None, "", 1), ("level", "level", "-5", "", 2), ("lit", "] %", None, "", 13),
        ("date", "d", None, "{a}{UTC}", 19), ("lit", " ", None, "", 29), ("mdc", "X", None, "{k:-none}", 30)]


def test_reading_lines_never_runs_pyparsing(monkeypatch):
    parser = compile_format("%d{yyyy-MM-dd HH:mm:ss.SSS} [%t] %-5p %c - %m")

    def refuse(*args, **kwargs):
        raise AssertionError("pyparsing ran while reading a line")

    monkeypatch.setattr(pp.ParserElement, "_parse", refuse)
    monkeypatch.setattr(pp.ParserElement, "parse_string", refuse)
    assert parser.parse("2026-11-26 10:15:30.123 [main] INFO  a.B - ok").message == "ok"
    assert parser.parse("2026-11-26 10:15:30.123 main INFO a.B ok") is None  # passes the pre-filter, no match
    assert parser.parse("\tat a.B.c(B.java:1)") is None
