"""The line layouts and the field tokens after a timestamp are matched by PCRE2
(`parsers._native.Layout`) from patterns written for Python's `re`: the two must read every
line the same, classes and odd characters included (`parsers/prefix/pcre_syntax.py`)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers._native import Layout
from parsers.prefix import auto, fields
from parsers.prefix.engine import prefix_regex
from parsers.prefix.grammar import Alternative
from parsers.prefix.layouts import BUILTINS, compile_format
from parsers.prefix.pcre_syntax import pcre_pattern

USER_PATTERNS = (
    "%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n",
    "%d %-5p [%t] %c{1}:%L - %m%n",
    "%d{HH:mm:ss.SSS} [%X{traceId}] %-5level %logger.%M:%L - %msg%n",
    "[%d{yyyy-MM-dd HH:mm:ss}] [%p] [%t] %C.%M(%F:%L) | %m%n",
    "%date %level [%thread] %logger{10} [%file:%line] %msg%n",
)


def _alternatives() -> list[Alternative]:
    alts = [a for alts in BUILTINS.values() for a in alts]
    for pattern in USER_PATTERNS:
        alts.extend(compile_format(pattern)._alts)
    return alts


ALTERNATIVES = _alternatives()

# what separates the two engines' classes: Python's spaces U+001C-U+001F, combining marks
# and connector punctuation (word characters in PCRE2 10.43+, not in Python), other
# numbers, CJK, lone surrogates (undecodable bytes read with surrogateescape), `\r`
ODD = "\x1c\x1f\u0301\u203f\uff3f\u00b2\u2167\u4e00订单\udcff\r\t \u3000\xa0\x85:[]()-"
_piece = st.sampled_from([
    "2026-11-26 10:15:30.123", "2026-11-26T10:15:30,5+08:00", "10:15:30.123", "[2026-11-26 10:15:30 +0800] ",
    " ", "  ", " - ", " : ", " --- ", "[main]", "[ main ]", "[app] ", "[traceId=abc] ", "12345",
    "INFO", "WARN", "error", "Warning", "INFO-x", "com.fpay.OrderService", "c.f.p.Order:42", "Order(Foo.java:42)",
    "%", "|", "Order.pay", "x", ":",
])
_odd = st.text(alphabet=ODD, min_size=1, max_size=3)
# any character Python's Unicode database knows: one assigned since (Unicode 15 and later, which
# PCRE2 10.45 knows) is no letter or digit to Python 3.11, and the engines may read it differently
_known = st.text(st.characters(exclude_categories=("Cn",)), max_size=4)
LINES = st.lists(st.one_of(_piece, _odd, _known), max_size=14).map("".join)


def test_the_builtin_layouts_are_all_matched_by_the_compiled_core():
    for alts in BUILTINS.values():
        for alt in alts:
            assert alt.read != alt._read_re, alt.fast.pattern  # a bound `Layout.fields`, not the re fallback
            assert pcre_pattern(alt.fast.pattern) is not None


@settings(max_examples=400)
@given(LINES, st.sampled_from(range(len(ALTERNATIVES))))
def test_the_compiled_core_reads_a_line_as_python_re_does(line, index):
    alt = ALTERNATIVES[index]
    assert alt.read(line) == alt._read_re(line)


@pytest.mark.parametrize("line", [
    "2026-11-26 10:15:30.123 [main] INFO  com.fpay.Order\x1cService - x",  # Python's space: no logger
    "2026-11-26 10:15:30.123  INFO 1 --- [app] [k\u0301=v] Order : x",  # a mark: no MDC key in Python
    "2026-11-26 10:15:30.123 [main] INFO  com.fpay.订单 - 耗时 35ms\r",
    "2026-11-26 10:15:30.123 [m\udcffin] INFO  com.fpay.Order - bad \udcfe bytes",
])
def test_lines_where_the_engines_classes_differ(line):
    for alt in ALTERNATIVES:
        assert alt.read(line) == alt._read_re(line), alt.fast.pattern


@pytest.mark.parametrize("python, pcre", [
    (r"[^\s:]+", r"[^\s\x1c-\x1f:]+"),
    (r"(?![\w-])", r"(?![\p{L}\p{N}_-])"),
    (r"\S+\s", r"[^\s\x1c-\x1f]+[\s\x1c-\x1f]"),
    (r"a\Z", r"a\z"),
    (r"\u4e00\v", r"\x{4e00}\x0b"),
    (r"[]a[]", r"[]a\[]"),
    (r"[^\W\d_][\w.-]", r"[\p{L}\p{Nl}\p{No}][\p{L}\p{N}_.-]"),
    (r"(?i:info)(?P<x>a)(?P=x)", r"(?i:info)(?P<x>a)(?P=x)"),
])
def test_pattern_translation(python, pcre):
    assert pcre_pattern(python) == pcre


@pytest.mark.parametrize("python", [r"[^\S]", r"[\W]", r"\bword", r"(?x) a", r"(?a)\w", r"\N{BULLET}", "[abc"])
def test_patterns_that_stay_with_python_re(python):
    assert pcre_pattern(python) is None


def test_a_layout_pcre2_refuses_stays_with_python_re():
    alt = Alternative([r"(?P<message>a{0,70000})"], "")  # PCRE2 counts to 65,535; Python further
    assert alt.read == alt._read_re
    assert alt.read("aa")[8] == "aa"
    with pytest.raises(ValueError):
        Layout("(", ["message"])


def test_fields_are_the_named_groups_in_order():
    layout = Layout(r"(?P<a>\d+)-(?P<b>x)?(?P<c>\w+)", ["c", "missing", "a", "b"])
    assert layout.fields("12-abc") == ("abc", None, "12", None)
    assert layout.fields(" 12-abc") is None  # anchored at the line's start, as `re.match`
    assert re.match(r"(?P<a>\d+)", " 12") is None


TOKEN_SOURCES = (fields._TOKEN_SOURCE.replace("{NAME_LEVEL}", fields._NAME_LEVEL),
                 fields._TOKEN_SOURCE.replace("{NAME_LEVEL}", ""))
_field_piece = st.sampled_from([
    "ERROR", "INFO ", "ERROR/MainProcess]", "[main]", "[ERROR ]", "[1234]", "[Foo.java: 42]", "信息", "(Foo.java:42)",
    "main (Foo.java:42)", "views 1234 5678 ", "app/x.py[line:42]", "x.py:42", "c.f.Order.pay(Order.java:42)",
    "django.request", "c.f.p.OrderService", ".s.d.Repo", "o.a.c.c.C.[.[.[/]", "Logger:42", "Order", "main",
    "E AndroidRuntime: ", '"tasks:setUp:153"', "12345", "xxl-job", "|main|", "---", "===", "|", ":", "(MSC thread 1-2)",
    "from play.api.Play in main - ", " ", "  ", "\t", " - ", "[traceId=abc]", "[method,42]",
])
FIELD_LINES = st.lists(st.one_of(_field_piece, _odd, _known), max_size=10).map("".join)


def _seen(m, names):
    return None if m is None else (m.lastgroup, m.end(), m.group(), {n: m.group(n) for n in names})


def test_the_field_tokens_are_matched_by_the_compiled_core():
    assert isinstance(fields._TOKEN, Layout) and isinstance(fields._TOKEN_NO_NAME_LEVEL, Layout)


@settings(max_examples=400)
@given(FIELD_LINES, st.integers(0, 12), st.sampled_from((0, 1)))
def test_a_field_token_is_read_as_python_re_reads_it(text, pos, which):
    """Kind (`lastgroup`), end and every group at any position, odd characters included."""
    source = TOKEN_SOURCES[which]
    rx = re.compile(source)
    assert _seen(prefix_regex(source).match(text, pos), rx.groupindex) == _seen(rx.match(text, pos), rx.groupindex)


def test_a_match_object_reads_as_re_s():
    layout = prefix_regex(r"(?P<a>\d+)(?P<k_num>)|(?P<w>[a-z]+)(?P<k_word>)")
    m = layout.match("订单 42 x", 3)
    assert (m.lastgroup, m.end(), m.group(), m.group(0), m.group("a"), m.group("w"), m.group(1)) == \
        ("k_num", 5, "42", "42", "42", None, "42")
    assert layout.match("订单 42 x", 2) is None  # anchored at `pos`, as `re`'s match
    assert layout.match("ab\udcff", 0).group("w") == "ab"
    with pytest.raises(IndexError):
        m.group("nope")
    assert (m.start(), m.start("a"), m.end("a"), m.start("w"), m.end("w")) == (3, 3, 5, -1, -1)
    assert m.groupdict() == re.match(r"(?P<a>\d+)(?P<k_num>)|(?P<w>[a-z]+)(?P<k_word>)", "42").groupdict()
    assert list(m.groupdict()) == ["a", "k_num", "w", "k_word"]  # the pattern's order


FORM_SOURCES = tuple(auto._LEAD + frag + auto._CLOSE for _, frag, _ in auto.FORMS)
_form_piece = st.sampled_from([
    "2019-01-02 03:04:05,678", "2019-01-02T03:04:05.6+08:00", "03:04:05", "Nov 26 10:15:30", "26/Nov/2019:10:15:30 +0800",
    "2019/01/02 03:04:05", "Tue Dec  2 15:41:57 2019", "[", "]", "(", "<", "ERROR ", "[WARN] ", "[app] ", "控制台- ", "x²-",
    "Ⅷ-", "²x-", "\u0301x-", "app_1-", "1-", " ", "INFO: ", "十一月 26, 2019",
])
FORM_LINES = st.lists(st.one_of(_form_piece, _odd, _known), max_size=8).map("".join)


def test_the_timestamp_forms_are_matched_by_the_compiled_core():
    assert all(isinstance(rx, Layout) for _, rx, *_ in auto._STARTS)


@settings(max_examples=300)
@given(FORM_LINES, st.sampled_from(range(len(FORM_SOURCES))))
def test_a_timestamp_form_is_read_as_python_re_reads_it(text, index):
    source = FORM_SOURCES[index]
    rx = re.compile(source)
    ours, theirs = auto._STARTS[index][1].match(text), rx.match(text)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert (ours.end(), ours.groupdict(), ours.start("lead_tag"), ours.end("lead_tag")) == \
            (theirs.end(), theirs.groupdict(), theirs.start("lead_tag"), theirs.end("lead_tag"))


@pytest.mark.parametrize("tag", ["控制台- ", "²x-", "Ⅷ-", "\u0301x-", "x\u0301-", "_x-"])
def test_a_tag_before_the_timestamp_where_the_engines_classes_differ(tag):
    """`[^\\W\\d_]` (the tag's first character): letters and numbers that are no digits."""
    line = f"{tag}2019-01-02 03:04:05,678 INFO x"
    for (_, ours, *_), source in zip(auto._STARTS, FORM_SOURCES):
        theirs = re.compile(source).match(line)
        got = ours.match(line)
        assert (got and got.groupdict()) == (theirs and theirs.groupdict()), source
