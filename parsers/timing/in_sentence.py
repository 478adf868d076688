"""English timings told by `in` or `after`, the duration closing a sentence:

    Root WebApplicationContext: initialization completed in 1303 ms
    Completed initialization in 110 ms          Finished Spring Data repository scanning in 29ms.
    Started PayApplication in 6.476 seconds (process running for 6.879)
    Cache warmed in 294 ms                       Response received after 1,204 ms
    sync finished in 1m2.5s                      job done in PT1M2S

`find_in_timing(message)` returns `(start of in/after, end of the duration, duration ns)`
or None. `in` is an ordinary word, so these are held to more than the timing words of
`free.py`:
  * the unit is written (`ms`, `milliseconds`, `µs`, `ns`; seconds only after a verb in the
    past tense or `done`: `Started X in 6.4 seconds`, not `expires in 3600s`);
  * no wait, retry or setting is near before it: `retry in 2000 ms`, `expires in 3600s`,
    `timed out after 3000 ms`, `scheduled to run in 500 ms`, `sleep for ... in 5 s` are no timings;
    `expired` before a noun is a state, not a wait: `Removed 3 expired offsets in 12 milliseconds.`;
    such a word inside a path or URL is no word of the sentence: uWSGI's
    `GET /login/?next=/admin/ => generated 1679 bytes in 89 msecs` is a timing.
"""

from __future__ import annotations

import re

from parsers.timing.free import GROUPED, MAX_TIMING_NS, ungrouped
from parsers.units import GO_OR_ISO, compound_duration_ns, duration_ns

_IN = re.compile(
    rf"(?P<word>in|after)[ \t]+(?:(?P<compound>{GO_OR_ISO})|"
    rf"\[?[ \t]*(?P<num>(?:{GROUPED}|[0-9]{{1,15}})(?:\.[0-9]{{1,20}})?)[ \t]*\]?"
    r"[ \t]*(?P<unit>milliseconds?|millis|msecs?|ms|µs|μs|us|ns|seconds?|secs?|s)(?![A-Za-z0-9]))")
_SECONDS = frozenset({"s", "sec", "secs", "second", "seconds"})
# Before `in`/`after` within this window, these make the duration a wait or a setting.
_NOT_NEAR = re.compile(
    r"(?<![A-Za-z])(?i:retr(?:y|ies|ying|ied)|again|sleep|expir(?!ed[ \t]+(?!in\b|after\b|at\b)[A-Za-z])|"
    r"wait|timeout|timed out|time out|delay|schedul|"
    r"poll|backoff|interval|idle|refresh|reconnect|ttl\b|every\b|keepalive|heartbeat|valid|will\b|next\b)")
_NEAR_CHARS = 40
# the last two words before `in`: a name is one word (`Completed compute_rmsd in 2.97s`)
_LAST_WORDS = re.compile(r"([A-Za-z][\w.$]*)[^\w.$]*(?:([A-Za-z][\w.$]*)[^\w.$]*)?$")
_WORD_AFTER = re.compile(r"[ \t]*([A-Za-z]+)")
# Words that may follow the duration: anything else makes it a measure (`in 5 ms buckets`).
_AFTER_OK = frozenset({"and", "with", "for", "at", "on", "to", "from", "by", "total", "overall", "while", "when",
                       "via", "using", "of", "status", "result"})


# every timing found here starts after one of them; a bracket may open before it (Spring Surf's
# `Initialised Repository Web Script Container (in 16850.33ms)`)
WORDS = (" in ", " after ", "(in ", "[in ", "(after ")


def may_have_in_timing(message: str) -> bool:
    """Cheap test: one of `WORDS` is in `message`."""
    return " in " in message or " after " in message or "(in " in message or "[in " in message or "(after " in message


def find_in_timing(message: str) -> tuple[int, int, int] | None:
    for word in WORDS:
        pos = message.find(word)
        while pos != -1:
            m = _IN.match(message, pos + 1)
            if m is not None and (ns := _duration(message, m)) is not None:
                return m.start(), m.end(), ns
            pos = message.find(word, pos + 1)
    return None


def _in_path(message: str, at: int) -> bool:
    """The word at `at` is part of a path or URL (`/login/?next=/admin/`, `/api/retry/3`): the
    token around it, up to white space, holds a slash."""
    a = max(message.rfind(" ", 0, at), message.rfind("\t", 0, at)) + 1
    b = len(message)
    for ws in (" ", "\t"):
        e = message.find(ws, at)
        if e != -1 and e < b:
            b = e
    return message.find("/", a, b) != -1


def _duration(message: str, m: re.Match[str]) -> int | None:
    start = m.start()
    lo = max(0, start - _NEAR_CHARS)
    near = message[lo:start]
    if any(not _in_path(message, lo + w.start()) for w in _NOT_NEAR.finditer(near)):
        return None
    compound = m.group("compound")
    unit = "s" if compound is not None else m.group("unit").lower()  # `done in 1m2.5s` is told in seconds
    if (a := _WORD_AFTER.match(message, m.end())) is not None and a.group(1).lower() not in _AFTER_OK:
        return None  # `in 5 ms buckets`
    if unit in _SECONDS:
        w = _LAST_WORDS.search(near)
        words = [g.lower() for g in w.groups() if g] if w is not None else []
        if not any(v.endswith("ed") or v == "done" for v in words):
            return None  # `expires in 3600s`, `in 5 s` of a plan; `Started App in 6.4 seconds` is one
    ns = compound_duration_ns(compound) if compound is not None else duration_ns(ungrouped(m.group("num")), unit)
    if ns is None or ns > MAX_TIMING_NS:
        return None
    return ns
