"""Timings written in free text, wherever they sit in a message:

    [127.0.0.1]结束请求 => URL[GET /pay/query],耗时:[35]毫秒
    重连耗时:12 ms        Indexing took 1.2 s
    任务执行成功，任务名称：settle, 执行时间：812毫秒
    loaded config, elapsed=35ms        EXIT :: save | executionTime=12ms | status=OK
    sync done, took 1m2.5s             took PT0.035S        elapsed 00:01:02.500

`find_timing(message)` returns `(start, end, duration_ns)` of the first timing in the
message, or None; `subject.subject()` names what was timed.

A timing is a timing word, then separators (`=`, `:`, `：`, brackets, `is`, `为`), then a
number and a unit (or the unit in brackets before the number: `elapsed time(ms) 35`,
`cost[ms]=35`, `耗时(毫秒)：35`). The words: `took`, `cost`, `elapsed`, `耗时`, `用时`, `执行时间` (and
their compounds such as `costTime`, `timeCost`, `elapsed_ms`); `time`, `duration`,
`latency`, their compounds (`responseTime`, `exec_time`) and `处理时长`, `响应时长` ... only
with a unit, since a bare number after them is as often a timestamp or a setting; `spent` (`Time spent: 35 ms`)
only with a unit too. Digits grouped in thousands
(`took [5,368] milliseconds`) count only with a unit. Without a unit, a whole
number is milliseconds, and only when nothing word-like follows it (`took 3 attempts`,
`cost 12 CNY`, `执行时间：2019-01-02` are not timings). Minutes count with their unit spelled
out (`耗时5分钟`, `took 2.5 minutes`), not as `5m` or `5min` (see `units`).

Not timings: settings and waits (`timeout=30s`, `sleep 5 s`, `retry in 2s`,
`expires in 3600s`, `wait time: 5s`, `maxTime=3000ms`), dates, versions, sizes,
percentages. A duration longer than `MAX_TIMING_NS` is taken for something else.
"""

from __future__ import annotations

import re

from parsers.units import COMPOUND, NUMBER, UNIT, compound_duration_ns, duration_ns

MAX_TIMING_NS = 7 * 24 * 3600 * 1_000_000_000  # a week: longer "timings" are ids or dates

# Thousands grouped with commas (`took [5,368] milliseconds`: Java's MessageFormat and `%,d`
# write longs so), taken only with a written unit: `cost 12,500 CNY` is an amount. A JVM in a
# French, Russian or Polish locale groups them with a no-break space (U+00A0; U+202F since JDK 13:
# Tomcat's `has finished in 118 821 ms`).
GROUP_SEPARATORS = ",\u00a0\u202f"
GROUPED = rf"[0-9]{{1,3}}(?:[{GROUP_SEPARATORS}][0-9]{{3}})+(?![0-9])"


def ungrouped(num: str) -> str:
    """`5,368` or `118 821` without its group separators."""
    return num.replace(",", "").replace("\u00a0", "").replace("\u202f", "")


# Lower case or capitalised (`Time elapsed`), spelled out: faster than `(?i:...)`; `_candidates`
# finds them by their lower-case tails.
_WORD = (r"(?P<word>took|Took|cost|Cost|elapsed|Elapsed|spent|Spent|time|Time|duration|Duration|latency|Latency"
         r"|耗时|用时|执行时间|执行时长|响应时间|处理时间|运行时间|花费时间|处理时长|运行时长|请求时长|响应时长|调用时长)")
_TIMING = re.compile(
    rf"{_WORD}(?P<tail>[A-Za-z_]{{0,12}})[\"']?"  # a JSON key's closing quote: `"cost": 35`
    rf"(?:[ \t]?[(\[（](?P<bunit>{UNIT})[)\]）])?"  # the unit in brackets before the number: `time(ms) 35`
    r"(?P<sep>[ \t]*(?:[=:：]|\b(?:is|was|of)\b|为|了)?[ \t]*(?P<open>[\[(（【{<\"'])?[ \t]*)"
    rf"(?:(?P<compound>{COMPOUND})|(?P<num>{GROUPED}|{NUMBER}))(?P<close>[ \t]*[\])）】}}>\"'])?"
    rf"(?:[ \t]*(?P<unit>{UNIT}))?")
# Words that can be used with a bare number (milliseconds).
_BARE_OK = frozenset({"took", "cost", "elapsed", "耗时", "用时", "执行时间"})
# Compound tails: `costTime`, `elapsed_ms`, `timeCost`; the unit a tail names.
_TAILS = {"": None, "time": None, "_time": None, "ms": "ms", "_ms": "ms", "millis": "ms", "_millis": "ms",
          "inms": "ms", "_in_ms": "ms", "s": None, "secs": "s", "_s": "s", "_secs": "s", "seconds": "s",
          "_seconds": "s", "cost": None, "_cost": None, "elapsed": None, "_elapsed": None, "used": None,
          "_used": None, "taken": None, "_taken": None, "spent": None, "_spent": None, "timems": "ms",
          "_time_ms": "ms"}
# Compound heads (`responseTime`) allowed before `time` and `duration`.
_TIME_HEADS = frozenset({
    "", "exec", "execute", "execution", "executed", "response", "resp", "elapsed", "cost", "spend", "spent",
    "use", "used", "total", "run", "running", "process", "processing", "handle", "handling", "query", "request",
    "req", "call", "invoke", "invocation", "sql", "db", "rt", "avg", "average", "consume", "consumed", "took",
    "render", "load", "loading", "parse", "parsing", "task", "job", "method", "api", "http", "rpc", "step"})
# A word just before the timing word (or its compound head) that makes it a setting or a wait.
_NOT_TIMING_HEADS = frozenset({
    "sleep", "sleeping", "wait", "waiting", "retry", "retrying", "timeout", "expire", "expires", "expiry", "delay",
    "interval", "idle", "ttl", "keepalive", "max", "min", "limit", "threshold", "slow", "warn", "default", "next",
    "lock", "hold", "poll", "backoff"})
# Nouns that make a following `time`/`duration` a setting or a point in time (`lease duration 30s`).
_NOT_TIME_NOUNS = frozenset({
    "lease", "session", "cache", "token", "window", "period", "retention", "grace", "heartbeat", "refresh",
    "expiration", "validity", "valid", "life", "lifetime", "cooldown", "block", "ban", "schedule", "scheduled",
    "cron", "trigger", "fire", "start", "end", "create", "created", "update", "updated", "login", "logout", "last",
    "first", "server", "local", "current", "system", "wall", "up", "boot", "sync", "offset", "zone", "keep"})
_NOT_TIMING_CJK = ("等待", "超时", "间隔", "延迟", "过期", "重试", "最大", "最小", "阈值", "下次")
_NEVER_AFTER = ("out", "Out", "stamp", "Stamp", "zone", "Zone", "r ", "rs")  # `time`+these is no timing word
FRAGMENTS = ("ime", "ost", "ook", "lapsed", "pent", "uration", "atency")  # each word less its first character
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_GAP = " \t_-=:"
_AFTER_BARE = re.compile(r"[ \t]*[\w%.:/\-]|,\d")


def may_have_timing(message: str) -> bool:
    """Cheap test: a timing word may be in `message`."""
    return ("ime" in message or "ost" in message or "ook" in message or "lapsed" in message or "pent" in message
            or "uration" in message or "atency" in message or (not message.isascii() and "时" in message))


def find_timing(message: str) -> tuple[int, int, int] | None:
    """(start of the timing word, end of the duration, duration in ns) of the first
    timing in `message`, or None.

    Most messages hold no timing word: a few substring tests (`may_have_timing`; `isascii()`
    is a flag read, so ASCII messages skip the CJK test) reject them. Else `str.find` (a C
    loop) locates the words and the timing regex runs anchored at each: a regex scan of
    every position costs ~0.1 µs a character, milliseconds on a 64 KiB line."""
    return find_timing_unfiltered(message) if may_have_timing(message) else None


def find_timing_unfiltered(message: str) -> tuple[int, int, int] | None:
    """`find_timing` for a caller that ran the `may_have_timing` test itself."""
    match = _TIMING.match
    for pos in _candidates(message):
        m = match(message, pos)
        if m is not None and (found := _duration(message, m)) is not None:
            return found[0], m.end(), found[1]
    return None


def _candidates(message: str) -> list[int]:
    """Where a timing word may start, in order: one character before each `ime`, `ost`, ...;
    one and two before each `时` (`耗时`, `执行时间`)."""
    out: list[int] = []
    find = message.find
    startswith = message.startswith
    for fragment in FRAGMENTS:
        pos = find(fragment, 1)
        while pos != -1:
            if not startswith(_NEVER_AFTER, pos + len(fragment)):  # `timeout`, `timestamp`: no match call
                out.append(pos - 1)
            pos = find(fragment, pos + 1)
    if not message.isascii():
        pos = find("时", 1)
        while pos != -1:
            out.append(pos - 1)
            if pos >= 2:
                out.append(pos - 2)
            pos = find("时", pos + 1)
    out.sort()
    return out


def _duration(message: str, m: re.Match[str]) -> tuple[int, int] | None:
    """(start of the timing word with its compound head, duration ns) if `m` is a timing."""
    word, tail = m.group("word"), m.group("tail")
    lower = word.lower()
    tail_unit = _TAILS.get(tail.lower(), "?")
    if tail_unit == "?":
        return None  # `timeout`, `timestamp`, `costs`, `Timer`
    start = m.start()
    head = ""
    if start:
        if message[start - 1].isdigit():
            return None
        before = message[max(0, start - 24):start]
        rest = before.rstrip(_LETTERS)
        if lower.isascii():
            head = before[len(rest):]
            head_key = head.lower().rstrip("_")
            if head and (lower == "took" or head_key in _NOT_TIMING_HEADS):
                return None  # `overtook`, `maxCost`, `waitTime`
            if lower in ("time", "duration") and head_key not in _TIME_HEADS:
                return None  # `uptime`, `datetime`, `sessionDuration`
        else:
            rest = before
        gap = rest.rstrip(_GAP)
        word = gap[len(gap.rstrip(_LETTERS)):].lower() if gap else ""
        # `wait time: 5s`, `max cost=3000ms`, `超时耗时`; but what `took` a time is what the words
        # before it name, a wait or a lock too (`Setup of domain lock took 0.1 seconds`)
        if lower != "took" and (word in _NOT_TIMING_HEADS or gap.endswith(_NOT_TIMING_CJK)):
            return None
        if not head and word in _NOT_TIME_NOUNS and lower in ("time", "duration"):
            return None  # `lease duration 30s`, `session time: 30 s`
    unit = m.group("unit") or m.group("bunit")
    compound = m.group("compound")
    if compound is not None:  # `took 1m2.5s`, `took PT0.035S`; a clock only after took/cost/elapsed
        # (or told in seconds: Flyway's `execution time 00:00.021s`)
        if unit is not None or (":" in compound and lower not in _BARE_OK and compound[-1] != "s"):
            return None
        ns = compound_duration_ns(compound)
        return None if ns is None or ns > MAX_TIMING_NS else (start - len(head), ns)
    num = m.group("num")
    if "." not in num and not num.isdigit():  # grouped: `5,368`, `118 821`
        if unit is None:
            return None  # grouped digits without a unit: an amount or a list
        num = ungrouped(num)
    if unit is None:
        unit = tail_unit
        if unit is None:
            if lower not in _BARE_OK or "." in num:
                return None  # a bare `time=1700000000` or `cost=12.50` (an amount)
            if m.group("close") is None and _AFTER_BARE.match(message, m.end()):
                return None  # `took 3 attempts`, `cost 12 CNY`, `执行时间：2019-01-02`
            unit = "ms"
    ns = duration_ns(num, unit)
    if ns is None or ns > MAX_TIMING_NS:
        return None
    return start - len(head), ns
