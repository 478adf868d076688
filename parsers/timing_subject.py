"""What a free-text timing timed, named so that the timings of one thing aggregate.

`subject(message, start, end)`: `start`/`end` bound the timing (`耗时:[35]毫秒`) in the
message. In order of preference, from the text before the timing:

1. a qualified method: `OrderService.pay`, `c.f.pay.OrderService#pay()`;
2. a request: `GET /pay/{id}` from `URL[GET /pay/123]`, `POST http://h/pay?x=1`, or a bare
   path `/pay/notify`; path segments that are ids (digits, hex, long mixed tokens) become `*`;
3. the text itself: the `|` cell it sits in, a leading `[method,line] - ` left out, values of
   `key=value` pairs and every token holding a digit replaced by `*`, filler words before the
   timing word (`总`, `共`, `total`) and trailing punctuation dropped, at most `MAX_CHARS`;
   when nothing precedes the timing, the text after it (`took 3 ms to warm the cache`).

Digits never survive in a subject, so neither ids nor card or phone numbers reach it.
"""

from __future__ import annotations

import re

MAX_CHARS = 120

_METHOD = re.compile(
    r"(?<![\w$.#/])(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:\.[A-Z][\w$]*)*[.#][a-z_$][\w$]*(?:\(\))?(?![\w$.(])")
_FILE_EXT = frozenset({"java", "kt", "scala", "groovy", "py", "go", "js", "ts", "xml", "json", "yml", "yaml",
                       "properties", "log", "txt", "html", "htm", "class", "jar", "war", "sql", "csv", "conf",
                       "png", "jpg", "gif", "pdf", "zip", "gz", "sh", "do", "action", "jsp", "php", "com", "cn",
                       "net", "org", "io"})
_VERB_PATH = re.compile(r"\b(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+(?:https?://[^/\s\]]*)?(/[^\s\],，;；|?#\"')]*)?")
_PATH = re.compile(r"(?:(?<=[\s=:：\[(（【<>\"'])|^)(?:https?://[^/\s\]]+)?(/[A-Za-z_][^\s\],，;；|?#\"')]*)")
_ID_SEGMENT = re.compile(r"\d+|[0-9a-fA-F-]{8,}|(?=[A-Za-z_\-]*\d)[\w\-]{6,}|.*[=,].*")
_RUOYI = re.compile(r"^\s*\[([\w$]+),\d+\]\s*-?\s*")
_KEY_VALUE = re.compile(r"(?<=[A-Za-z_\]])(\s*=\s*)(?:\"[^\"]*\"|'[^']*'|\[[^\]]*\]|\{[^}]*\}|[^\s,，;；|)\]}]+)")
_DIGITS = re.compile(r"[A-Za-z0-9_.\-]*\d[A-Za-z0-9_.\-]*")
_FILLER = re.compile(r"(?:[\s,，;；:：=\-|>\[(（【{<]|总共|共计|一共|总|共|全部|\btotal|\band|\bit|\bwhich)+$", re.IGNORECASE)
_LEAD = re.compile(r"^[\s,，;；:：=\-|>\])）】}]+")
_WORD_ONLY = re.compile(r"[^\s=:：\[(（【{<\d]*")
_LEVELS = frozenset({"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL"})


def subject(message: str, start: int, end: int) -> str:
    before = message[:start]
    method = _last_method(before)
    if method is not None:
        return method
    request = _request(before)
    if request is not None:
        return request
    ruoyi = _RUOYI.match(before)
    if ruoyi is not None:
        before = before[ruoyi.end():]
    text = _text(_cell(before))
    if not text:
        text = _text(_LEAD.sub("", message[end:]).split("|", 1)[0])
    if not text:
        text = ruoyi.group(1) if ruoyi is not None else _WORD_ONLY.match(message, start, end).group()
    return text[:MAX_CHARS].rstrip()


def _last_method(text: str) -> str | None:
    found = None
    for m in _METHOD.finditer(text):
        name = m.group()
        if name.endswith("()"):
            name = name[:-2]
        if name.rsplit(".", 1)[-1].lower() not in _FILE_EXT:
            found = name
    return found


def _request(text: str) -> str | None:
    found = None
    for m in _VERB_PATH.finditer(text):
        found = m.group(1) + (" " + _path(m.group(2)) if m.group(2) else "")
    if found is not None:
        return found
    for m in _PATH.finditer(text):
        found = _path(m.group(1))
    return found


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
    text = _KEY_VALUE.sub(r"\1*", text)
    text = _DIGITS.sub("*", text)
    text = " ".join(text.split())
    return _LEAD.sub("", _FILLER.sub("", text))
