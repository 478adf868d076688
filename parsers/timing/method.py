"""Method timing lines: which method ran and for how long.

`MethodTimingParser(options).parse(message)` understands
    method=OrderService.pay cost=35ms        (the AOP timer's key=value form)
    OrderService.pay took 35 ms
    [OrderService.pay] 耗时 35ms
    方法 OrderService.pay 耗时: 35 ms
    execute OrderService.pay cost 35ms
    StopWatch 'settle': 1.234 seconds        (Spring 6.1's StopWatch summary; before it,
                                             `running time = 138590 ns` is read as free text)
plus the regexes of `MethodOptions.patterns` (named groups `method` and `ms` or `s`),
tried first, and last any other timing written in free text (`free.py`:
`结束请求 => URL[GET /pay],耗时:[35]毫秒`, `Indexing took 1.2 s`; `in_sentence.py`:
`initialization completed in 110 ms`; `zh_within.py`: `服务器在[577]毫秒内初始化`;
`request_line.py`: an access line's
`200 POST /api/login (127.0.0.1) 22.00ms`), named by what it timed (`subject.py`: a
method, a request, or the normalised text before it).

In the forms above a method name is always qualified (`Class.method`, `Class#method`,
optionally with `()`). Each form is one regex built from named fragments; a cheap
substring test rejects the ordinary message first. SQL timing lines never get here:
the classifier tries the SQL recognisers first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.options import MethodOptions
from parsers.timing.free import FRAGMENTS, MAX_TIMING_NS, find_timing_unfiltered
from parsers.timing.in_sentence import WORDS, find_in_timing, may_have_in_timing
from parsers.timing.request_line import TRIGGERS as REQUEST_TRIGGERS
from parsers.timing.request_line import find_request_timing, may_be_request_line
from parsers.timing.subject import may_name_a_method, request, subject
from parsers.timing.zh_within import TRIGGERS as ZH_TRIGGERS
from parsers.timing.zh_within import find_zh_timing, may_have_zh_timing
from parsers.units import NUMBER, UNIT, duration_ns, groups_duration_ns


@dataclass(frozen=True, slots=True)
class MethodTiming:
    name: str  # e.g. "OrderService.pay"
    duration_ns: int


_IDENT = r"[A-Za-z_$][\w$]*"
_METHOD = rf"(?P<method>{_IDENT}(?:\.{_IDENT})*[.#]{_IDENT})(?:\(\))?"
_DUR = rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT})?"  # bare number: milliseconds
_DUR_UNIT = rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT})"
_COST_WORD = r"(?:cost|took|elapsed|耗时|用时)"

# Each form with the words one of which it cannot match without (none: no such word): a
# message without them skips the form's search, which tries every position of the message.
# Every form names a qualified method (`may_name_a_method`).
_FORMS = (
    # method=OrderService.pay cost=35ms
    (("method",),
     re.compile(rf"(?<![\w.])method\s*[=:]\s*{_METHOD}[\s,;]+{_COST_WORD}\s*[=:]\s*{_DUR}(?![\w.])")),
    # [OrderService.pay] 耗时 35ms / [OrderService.pay] cost=35ms
    (("[",), re.compile(rf"\[{_METHOD}\]\s*{_COST_WORD}\s*[=:：]?\s*{_DUR_UNIT}")),
    # 方法 OrderService.pay 耗时: 35 ms
    (("方法",), re.compile(rf"方法\s*[:：]?\s*{_METHOD}\s*(?:执行)?{_COST_WORD}\s*[=:：]?\s*{_DUR_UNIT}")),
    # execute OrderService.pay cost 35ms
    (("execute", "invoke"),
     re.compile(rf"(?<![\w.])(?:execute|executed|invoke|invoked)\s+{_METHOD}\s+{_COST_WORD}\s*[=:]?\s*{_DUR_UNIT}")),
    # OrderService.pay took 35 ms (searched by `_search_before_word`: the method just before the word)
    (None, re.compile(rf"(?<![\w.$#]){_METHOD}\s+(?:took|cost|耗时)\s*[=:：]?\s*{_DUR_UNIT}")),
)
_BEFORE_WORDS = ("took", "cost", "耗时")
_NAME_CHARS = frozenset("_$.#")


def _search_before_word(rx: re.Pattern[str], message: str) -> re.Match[str] | None:
    """`rx.search(message)` for the form `<method> took|cost|耗时 ...`, tried only where such a
    match can start. A match's method is the run of name characters (a word's, `$`, `.`, `#`)
    that ends, `()` and spaces after it aside, right before one of the words, and it starts where
    the run does (inside a run the look-behind fails): so each word gives one start to try, and the
    word nearest the message's start that gives a match gives the leftmost one. A search of
    every position cost ~0.07 µs a character on every timing line naming a method."""
    words: list[int] = []
    for word in _BEFORE_WORDS:
        pos = message.find(word, 1)
        while pos != -1:
            words.append(pos)
            pos = message.find(word, pos + 1)
    for pos in sorted(words):
        end = pos
        while end > 0 and message[end - 1].isspace():
            end -= 1
        if end == pos:
            continue  # `\s+` before the word
        if message.endswith("()", 0, end):
            end -= 2
        start = end
        while start > 0 and (message[start - 1].isalnum() or message[start - 1] in _NAME_CHARS):
            start -= 1
        if start < end and (m := rx.match(message, start)) is not None:
            return m
    return None


# Spring's StopWatch since 6.1: `shortSummary()` (and the first line of `prettyPrint()`) is
# `StopWatch '<id>': <seconds> seconds`; the id may be empty, the seconds are Java's
# `Double.toString` (below 0.001, `1.0E-4`)
_STOPWATCH = re.compile(rf"StopWatch '(?P<id>[^'\n]{{0,200}})': (?P<num>{NUMBER})(?:E(?P<exp>-?[0-9]{{1,2}}))? seconds\b")

# Every message `parse` recognises without `patterns` holds one of these: the timing
# words' fragments of `free.py` (`时` for the Chinese ones), the words of `in_sentence.py`,
# a number of milliseconds or microseconds (`request_line.py`), or 毫秒内/毫秒后 (`zh_within.py`);
# the `_FORMS` hold a timing word too (`cost`, `took`, `elapsed`, `耗时`, `用时`).
TRIGGERS = (*FRAGMENTS, "时", *WORDS, "StopWatch '", *REQUEST_TRIGGERS, *ZH_TRIGGERS)


class MethodTimingParser:
    """Recognises method timing lines; `parse(message)` returns a `MethodTiming` or None."""

    __slots__ = ("_custom",)

    @property
    def triggers(self) -> tuple[str, ...] | None:
        """Words one of which every message `parse` recognises holds; None: any message
        may match (a regex of `patterns`)."""
        return None if self._custom else TRIGGERS

    def __init__(self, options: MethodOptions = MethodOptions()) -> None:
        custom = []
        for source in options.patterns:
            try:
                rx = re.compile(source)
            except re.error as e:
                raise ValueError(f"methods.patterns: {source!r} is not a regex: {e}") from None
            names = rx.groupindex
            if "method" not in names or not ("ms" in names or "s" in names):
                raise ValueError(f"methods.patterns: {source!r} needs named groups 'method' and 'ms' or 's'")
            custom.append(rx)
        self._custom = tuple(custom)

    def parse(self, message: str) -> MethodTiming | None:
        for rx in self._custom:
            if (m := rx.search(message)) is not None and (t := _custom_timing(m)) is not None:
                return t
        found = None
        # free.may_have_timing, inline (this runs on every message): every form but
        # `... in 12 ms` holds a timing word
        if ("ime" in message or "ost" in message or "ook" in message or "lapsed" in message or "pent" in message
                or "uration" in message or "atency" in message or (not message.isascii() and "时" in message)):
            if ("cost" in message or "took" in message or "耗时" in message
                    or "elapsed" in message or "用时" in message) and may_name_a_method(message):
                for words, rx in _FORMS:
                    if words is None:
                        m = _search_before_word(rx, message)
                    elif words[0] not in message and words[-1] not in message:
                        continue
                    else:
                        m = rx.search(message)
                    if m is not None:
                        ns = duration_ns(m.group("num"), m.group("unit"))
                        if ns is not None:
                            return MethodTiming(m.group("method"), ns)
            found = find_timing_unfiltered(message)
        if found is None and may_have_in_timing(message):
            found = find_in_timing(message)
        if found is None and may_have_zh_timing(message):
            found = find_zh_timing(message)
        if found is None and may_be_request_line(message) and (found := find_request_timing(message)) is not None:
            return MethodTiming(request(message) or subject(message, *found[:2]), found[2])
        if found is None and "StopWatch '" in message and (m := _STOPWATCH.search(message)) is not None:
            ns = duration_ns(m.group("num"), "s")
            if ns is not None and m.group("exp"):
                exp = int(m.group("exp"))
                ns = ns * 10 ** exp if exp >= 0 else ns // 10 ** -exp
            return None if ns is None or ns > MAX_TIMING_NS else MethodTiming(f"StopWatch '{m.group('id')}'", ns)
        if found is None:
            return None
        start, end, ns = found
        return MethodTiming(subject(message, start, end), ns)


def _custom_timing(m: re.Match[str]) -> MethodTiming | None:
    groups = m.groupdict()
    name = (groups.get("method") or "").strip()
    ns = groups_duration_ns(groups)
    if ns is None or not name:
        return None
    return MethodTiming(name, ns)
