"""What a free-text timing timed, named so that the timings of one thing aggregate.

`subject(message, start, end)`: `start`/`end` bound the timing (`耗时:[35]毫秒`) in the
message. In order of preference, from the text before the timing:

0. a log line's own prefix still in the message (`2026-11-26 10:15:30 [main] INFO  x.Y - `) is
   left out;
1. a qualified method: `OrderService.pay`, `c.f.pay.OrderService#pay()`;
2. a request: `GET /pay/*` from `URL[GET /pay/123]`, `POST /pay` from `POST http://h/pay?x=1`,
   or a bare path `/pay/notify`; path segments that are ids (digits, hex, long mixed tokens)
   become `*`;
3. the text itself: the `|` cell it sits in, a leading `[method,line] - ` left out, values of
   `key=value` pairs and every token holding a digit replaced by `*`, filler words before the
   timing word (`总`, `共`, `total`) and trailing punctuation dropped, at most `MAX_CHARS`;
   when nothing precedes the timing, the text after it (`took 3 ms to warm the cache`).

Ids, card and phone numbers never reach a subject: digits survive only inside a method name
or a short path segment (`v1`), never five in a row.
"""

from __future__ import annotations

import re

MAX_CHARS = 120
MAX_BEFORE_CHARS = 400  # of the text before the timing, what is read for its subject

# A dotted identifier chain starting at a token boundary; `_last_method()` decides whether
# it names a method (a class segment, then a lower-case method segment).
_CHAIN = re.compile(r"(?<![\w$.#/])[A-Za-z_$][\w$]*(?:[.#][A-Za-z_$][\w$]*)+")
# What every qualified name holds (`Class.method`, `Class#method`): a `.` or `#` and an
# identifier's first character (`may_name_a_method`).
_QUALIFIER = re.compile(r"[.#][A-Za-z_$]")
_FILE_EXT = frozenset({"java", "kt", "scala", "groovy", "py", "go", "js", "ts", "xml", "json", "yml", "yaml",
                       "properties", "log", "txt", "html", "htm", "class", "jar", "war", "sql", "csv", "conf",
                       "png", "jpg", "gif", "pdf", "zip", "gz", "sh", "do", "action", "jsp", "php", "com", "cn",
                       "net", "org", "io"})
_VERB_PATH = re.compile(
    r"\b(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+\"?(?:https?://[^/\s\]\"]*)?(/[^\s\],，;；|?#\"')]*)?")
_PATH = re.compile(r"(?:https?://[^/\s\]]+)?(/[A-Za-z_][^\s\],，;；|?#\"')]*)")
_VERBS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_PATH_AFTER = frozenset(" \t=:：[(（【<>\"'")
_ID_SEGMENT = re.compile(r"\d+|[0-9a-fA-F-]{8,}|(?=[A-Za-z_\-]*\d)[\w\-]{6,}|.*[=,].*")
# A log line's own prefix left in the message (its layout was not recognised): a time or a
# bracket first, a level, then the separator before the message.
_LAYOUT = re.compile(r"[\d\[][^\n]{0,160}?\b(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b[^\n]{0,200}?(?: - | : |\]: )")
_LAYOUT_FIRST = frozenset("0123456789[")
_RUOYI = re.compile(r"^\s*\[([\w$]+),\d+\]\s*-?\s*")
# `key=value`: the value (quoted, bracketed, or up to a separator); `=` first, for speed.
_KEY_VALUE = re.compile(r"=(?<=[A-Za-z_\]]=)[ \t]*(?:\"[^\"]*\"|'[^']*'|\[[^\]]*\]|\{[^}]*\}|[^\s,，;；|)\]}]+)")
# A token holding a digit, from its start (the look-behind keeps the scan linear).
_DIGITS = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z_.\-]*\d[A-Za-z0-9_.\-]*")
_TRAIL = " \t,，;；:：=-|>[(（【{<\"'"
_LEAD = " \t,，;；:：=-|>])）】}{\"'"
_FILLERS = ("总共", "共计", "一共", "全部", "总", "共")
_FILLER_WORDS = frozenset({"total", "and", "it", "which", "time", "the", "in", "after"})
_WORD_ONLY = re.compile(r"[^\s=:：\[(（【{<\d\"']*")
_LONG_DIGITS = re.compile(r"\d{5}")
_LEVELS = frozenset({"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL"})


def subject(message: str, start: int, end: int) -> str:
    before = message[max(0, start - MAX_BEFORE_CHARS):start]  # bounded work on a huge message
    if before[:1] in _LAYOUT_FIRST and (layout := _LAYOUT.match(before)) is not None:
        before = before[layout.end():]
    method = _last_method(before)
    if method is not None:
        return method
    named = request(before) if "/" in before else None
    if named is not None:
        return named
    ruoyi = _RUOYI.match(before) if before[:1] == "[" else None
    if ruoyi is not None:
        before = before[ruoyi.end():]
    text = _text(_cell(before))
    if not text:
        text = _text(message[end:end + MAX_BEFORE_CHARS].lstrip(_LEAD).split("|", 1)[0])
    if not text:
        word = _WORD_ONLY.match(message, start, end)
        assert word is not None  # a character class repeated from zero: it matches anywhere
        text = _text(ruoyi.group(1)) if ruoyi is not None else word.group()
    return text[:MAX_CHARS].rstrip()


def may_name_a_method(text: str) -> bool:
    """False when `text` cannot hold a qualified method name: a scan for two characters,
    which spares a text without one the searches that try every position of it."""
    return _QUALIFIER.search(text) is not None


def _last_method(text: str) -> str | None:
    if not may_name_a_method(text):
        return None
    found = None
    for m in _CHAIN.finditer(text):
        parts = re.split(r"[.#]", m.group())
        last = parts[-1]
        if (last[:1].islower() or last[:1] in "_$") and last.lower() not in _FILE_EXT \
                and any(p[:1].isupper() for p in parts[:-1]) and not _LONG_DIGITS.search(m.group()):
            found = m.group()
    return found


def request(text: str) -> str | None:
    """The last request `text` names (`GET /pay/*`, a bare path `/pay/notify`), else None."""
    found = None
    if any(verb in text for verb in _VERBS):  # the regex tries every position: only if a verb is there
        for m in _VERB_PATH.finditer(text):
            found = m.group(1) + (" " + _path(m.group(2)) if m.group(2) else "")
        if found is not None:
            return found
    for m in _path_matches(text):
        if m.start() == 0 or text[m.start() - 1] in _PATH_AFTER:
            found = _path(m.group(1))
    return found


def _path_matches(text: str) -> list[re.Match[str]]:
    """`_PATH.finditer(text)`, tried only where a match can start (a `/`, or `http`): the
    pattern opens with an optional group, so the regex engine itself tries every position."""
    out: list[re.Match[str]] = []
    match, find = _PATH.match, text.find
    pos, end = find("/"), 0
    web = find("http")
    while pos != -1 or web != -1:
        at = web if web != -1 and (pos == -1 or web < pos) else pos
        if at >= end and (m := match(text, at)) is not None:
            out.append(m)
            end = m.end()
        if at == web:
            web = find("http", at + 1)
        else:
            pos = find("/", at + 1)
    return out


def _path(path: str) -> str:
    segments = path.split("/")
    return "/".join("*" if seg and _ID_SEGMENT.fullmatch(seg) else seg for seg in segments)


def _cell(text: str) -> str:
    """The `|` cell the timing sits in; for a timing in a cell of its own, the first cell
    that names something (not a level, not only digits)."""
    if "|" not in text:
        return text
    cells = text.split("|")
    if cells[-1].strip():
        return cells[-1]
    for cell in cells:
        name = _DIGITS.sub("", cell).strip(" []-:.,")
        if name and name.upper() not in _LEVELS:
            return cell
    return ""


def _text(text: str) -> str:
    if '"' in text:  # JSON: `{"event":"settle",` reads `event:settle`
        text = text.replace('"', "")
    if "=" in text:
        text = _KEY_VALUE.sub("=*", text)
    text = _DIGITS.sub("*", text)
    text = " ".join(text.split())
    while True:  # drop the filler and punctuation between the subject and the timing word
        text = text.rstrip(_TRAIL)
        for filler in _FILLERS:
            if text.endswith(filler):
                text = text[:-len(filler)]
                break
        else:
            head, _, last = text.rpartition(" ")
            if last.lower() in _FILLER_WORDS:
                text = head
                continue
            break
    return text.lstrip(_LEAD)
