"""Render log lines from a logback, log4j2 or log4j 1.x pattern, as those libraries write them.

Written from the libraries' documentation, not from logpipe's own layout reader (it
imports nothing from `parsers/`): the renderer is the truth, the parser is measured.

    render(pattern, kind, record) -> str      # the record's text, trace included

Supported: literals and `%%`, format modifiers (`%-5p`, `%.30c`, `%-40.40logger{39}`),
options (`{...}`, several), composite keywords (`%clr(...){c}`, `%highlight(...)`,
`%replace(...){'rx','to'}`, `%style{...}{c}` of log4j2, `%black(...)`…), Spring Boot's
`${NAME:-default}`. An unknown keyword or an unresolved `${NAME}` raises `Unsupported`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.layouts.java_dates import format_date
from bench.layouts.record import Record, Unsupported

ANSI = {"black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36,
        "white": 37, "gray": 90, "boldred": 31, "boldgreen": 32, "boldyellow": 33, "boldblue": 34,
        "boldmagenta": 35, "boldcyan": 36, "boldwhite": 37, "faint": 2}
LEVEL_ANSI = {"ERROR": 31, "WARN": 33, "INFO": 34, "DEBUG": 0, "TRACE": 0}
# Spring Boot's %clr: files get no colour (ANSI output "detect" sees no terminal).
FIELD_OF = {"p": "level", "le": "level", "level": "level", "t": "thread", "thread": "thread",
            "threadName": "thread", "tn": "thread", "c": "logger", "lo": "logger", "logger": "logger",
            "C": "logger", "class": "logger", "m": "message", "msg": "message", "message": "message",
            "mm": "message"}
LOG4J2_BRACED = {"style", "highlight", "notEmpty", "varsNotEmpty", "equals", "equalsIgnoreCase", "maxLen", "maxLength",
                 "enc", "encode"}
PLAIN_WRAPPERS = {"clr", "notEmpty", "varsNotEmpty", "equals", "equalsIgnoreCase", "maxLen", "maxLength",
                  "enc", "encode", "boldRed", "boldGreen"}


@dataclass
class Node:
    word: str | None  # None: literal text in `text`
    text: str = ""
    left: bool = False
    min: int = 0
    max: int = 0
    cut_end: bool = False  # `%.-N`: keep the first N characters
    options: list[str] | None = None
    children: list["Node"] | None = None


_SPRING_VAR = re.compile(r"\$\{([A-Za-z0-9_.]+)(?::-([^{}]*(?:\{[^{}]*\}[^{}]*)*))?\}")
_MOD = re.compile(r"(-)?(\d+)?(?:\.(-?\d+))?")


# properties the libraries or Spring Boot define at run time
KNOWN_VARS = {"PID": "24816", "HOSTNAME": "pay-app-01", "APPLICATION_NAME": "", "spring.application.name": "payment-service",
              "LOG_CORRELATION_PATTERN": "", "LOG_LEVEL_PATTERN": "%5p", "hostName": "pay-app-01"}


def resolve_vars(pattern: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) in ("PID", "HOSTNAME"):  # set at run time (Spring Boot, logback): the default is not used
            return KNOWN_VARS[m.group(1)]
        if m.group(2) is None:
            if m.group(1) in KNOWN_VARS:
                return KNOWN_VARS[m.group(1)]
            raise Unsupported(f"unresolved ${{{m.group(1)}}}")
        return m.group(2)
    for _ in range(5):
        new = _SPRING_VAR.sub(sub, pattern)
        if new == pattern:
            break
        pattern = new
    return pattern


def parse(pattern: str) -> list[Node]:
    nodes, i = _parse(pattern, 0, False)
    return nodes


def _options(p: str, i: int) -> tuple[list[str], int]:
    opts = []
    while i < len(p) and p[i] == "{":
        depth, j = 0, i
        while j < len(p):
            if p[j] == "{":
                depth += 1
            elif p[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        opts.append(p[i + 1:j])
        i = j + 1
    return opts, i


def _parse(p: str, i: int, inner: bool) -> tuple[list[Node], int]:
    out: list[Node] = []
    lit: list[str] = []

    def flush():
        if lit:
            out.append(Node(None, "".join(lit)))
            lit.clear()
    while i < len(p):
        ch = p[i]
        if inner and ch == ")":
            flush()
            return out, i + 1
        if ch == "\\" and i + 1 < len(p) and p[i + 1] in "()%{}":
            lit.append(p[i + 1])
            i += 2
            continue
        if ch != "%":
            lit.append(ch)
            i += 1
            continue
        if p.startswith("%%", i):
            lit.append("%")
            i += 2
            continue
        flush()
        m = _MOD.match(p, i + 1)
        i = m.end()
        node = Node(None, left=bool(m.group(1)), min=int(m.group(2) or 0), max=abs(int(m.group(3) or 0)),
                    cut_end=(m.group(3) or "").startswith("-"))
        if i < len(p) and p[i] == "(":  # %-30(...) grouping
            node.word, (node.children, i) = "group", _parse(p, i + 1, True)
        else:
            w = re.match(r"[A-Za-z]+", p[i:])
            if not w:
                raise Unsupported(f"bad conversion at {i}: {p[i:i + 10]!r}")
            node.word = w.group(0)
            i += len(node.word)
            if i < len(p) and p[i] == "(" and _composite(node.word):
                node.children, i = _parse(p, i + 1, True)
        if i < len(p) and p[i] == "{" and node.word not in ("n",):
            node.options, i = _options(p, i)
        out.append(node)
    flush()
    return out, i


def _composite(word: str) -> bool:
    """Keywords that take a sub-pattern in parentheses; after any other, `(` is text (`%M(%L)`)."""
    return word in PLAIN_WRAPPERS or word.lower() in ANSI or word in ("replace", "highlight", "clr", "style")


def abbreviate(name: str, length: int) -> str:
    """logback's TargetLengthBasedClassNameAbbreviator: `{0}` the simple name; else shorten
    packages to their first letter, leftmost first, until the name fits."""
    if length == 0:
        return name.rsplit(".", 1)[-1]
    if len(name) <= length:
        return name
    parts = name.split(".")
    total = len(name)
    for k in range(len(parts) - 1):
        if total <= length:
            break
        total -= len(parts[k]) - 1
        parts[k] = parts[k][:1]
    return ".".join(parts)


def precision(name: str, option: str, kind: str) -> str:
    """`%c{N}`: logback and log4j2 shorten to N characters (logback) or keep N components
    (log4j 1.x, and log4j2 for an integer); log4j2 `{1.}` keeps the first letters."""
    option = option.strip()
    if kind == "logback":
        return abbreviate(name, int(option)) if option.isdigit() else name
    if option.isdigit():
        return ".".join(name.split(".")[-int(option):]) if int(option) else name
    if option.startswith("1."):
        parts = name.split(".")
        return ".".join([p[:1] for p in parts[:-1]] + parts[-1:])
    return name


def _pad(text: str, n: Node) -> str:
    if n.max and len(text) > n.max:
        text = text[:n.max] if n.cut_end else text[len(text) - n.max:]  # by default the left is cut
    if n.min and len(text) < n.min:
        text = text.ljust(n.min) if n.left else text.rjust(n.min)
    return text


def render(pattern: str, kind: str, rec: Record, fields: dict | None = None) -> str:
    """The text the library writes for `rec`; the trace (if any) after the message's line.
    `fields` receives the level, thread, logger and message as written (stripped)."""
    nodes = parse(resolve_vars(pattern))
    state = {"trace_written": False, "fields": {}}
    text = _render(nodes, kind, rec, state)
    if rec.trace and not state["trace_written"]:
        if not text.endswith("\n"):
            text += "\n"  # a pattern without %n: the library adds nothing; keep records apart
        text += rec.trace
    if not text.endswith("\n"):
        text += "\n"
    if fields is not None:
        fields.update(state["fields"])
    return text


_SPACE_IF_NEEDED = "\x00"  # log4j2 writes a space before the trace when the text before it does not end in one


def _render(nodes: list[Node], kind: str, rec: Record, state: dict) -> str:
    text = "".join(_one(n, kind, rec, state) for n in nodes)
    while (i := text.find(_SPACE_IF_NEEDED)) >= 0:
        text = text[:i] + (" " if i and not text[i - 1].isspace() else "") + text[i + 1:]
    return text


def _one(n: Node, kind: str, rec: Record, state: dict) -> str:
    if n.word is None:
        return n.text
    w, opts = n.word, n.options or []
    if n.children is None and kind == "log4j2" and opts and (w in LOG4J2_BRACED or w.lower() in ANSI):
        # log4j2 writes the sub-pattern in braces: `%style{%d}{red}`, `%highlight{%-5level}{...}`
        n.children, opts = parse(opts[0]), opts[1:]
        n.options = opts
    if n.children is not None:
        inner = _render(n.children, kind, rec, state)
        if w == "group" or w in PLAIN_WRAPPERS or w.lower() in ("clr",):
            return _pad(inner, n)
        if w == "replace":
            if len(opts) >= 2:
                return _pad(re.sub(_java_rx(opts[0].strip("'\"")), opts[1].strip("'\""), inner), n)
            if len(opts) == 1 and "," in opts[0]:
                rx, to = opts[0].split(",", 1)
                return _pad(re.sub(_java_rx(rx.strip().strip("'\"")), to.strip().strip("'\""), inner), n)
            return _pad(inner, n)
        if w == "highlight":  # both libraries write the escapes, to files too
            return _pad(f"\x1b[{LEVEL_ANSI.get(rec.level, 0)}m{inner}\x1b[0;39m", n)
        if w.lower() in ANSI or w == "style":
            return _pad(f"\x1b[{ANSI.get(w.lower(), 36)}m{inner}\x1b[0;39m", n)
        raise Unsupported(f"composite %{w}")
    value = _pad(_value(w, opts, kind, rec, state), n)
    field = FIELD_OF.get(w)
    if field and field not in state["fields"]:
        state["fields"][field] = value.strip()
    return value


def _java_rx(rx: str) -> str:
    return rx.replace("\\\\", "\\")


def _value(w: str, opts: list[str], kind: str, rec: Record, state: dict) -> str:
    if w == "n":
        return "\n"
    if w in ("d", "date"):
        return format_date(rec.time, opts[0] if opts else None, kind)
    if w in ("p", "le", "level"):
        return rec.level
    if w in ("t", "thread", "threadName", "tn"):
        return rec.thread
    if w in ("T", "tid", "threadId") and kind == "log4j2":
        return "37"
    if w == "tid":
        return "TID: N/A"
    if w in ("c", "lo", "logger"):
        return precision(rec.logger, opts[0], kind) if opts else rec.logger
    if w in ("C", "class"):
        return precision(rec.logger, opts[0], kind) if opts else rec.logger
    if w in ("M", "method"):
        return rec.method
    if w in ("L", "line"):
        return str(rec.line)
    if w in ("F", "file"):
        return rec.logger.rsplit(".", 1)[-1] + ".java"
    if w in ("l", "location"):
        return f"{rec.logger}.{rec.method}({rec.logger.rsplit('.', 1)[-1]}.java:{rec.line})"
    if w in ("m", "msg", "message", "mm"):
        return rec.message
    if w in ("X", "mdc", "MDC"):
        return rec.mdc.get(opts[0].split(":-")[0], "") if opts else ",".join(f"{k}={v}" for k, v in rec.mdc.items())
    if w in ("pid", "PID", "pi", "processId"):
        return "24816"
    if w in ("r", "relative"):
        return "183472"
    if w == "coloredLevel":  # Play's converter: `[info]`, coloured
        return f"[\x1b[{LEVEL_ANSI.get(rec.level, 0)}m{rec.level.lower()}\x1b[0m]"
    if w in ("ex", "exception", "throwable", "wEx", "xEx", "xException", "xThrowable", "rEx", "rootException", "xwEx", "wex"):
        state["trace_written"] = True
        if not rec.trace:
            return ""
        if w in ("wEx", "wex", "xwEx"):
            return "\n" + rec.trace  # Spring Boot's: a blank line first
        return _SPACE_IF_NEEDED + rec.trace if kind == "log4j2" else rec.trace
    if w in ("nopex", "nopexception"):
        state["trace_written"] = True
        return ""
    if w in ("contextName", "cn"):
        return "payment-service"
    if w in ("sn", "sequenceNumber"):
        return "1042"
    if w in ("marker", "x", "ndc", "NDC"):
        return ""
    if w in ("u", "uuid"):
        return "6f1c2e1a-3b7d-4c1e-9a55-0d2b8f9e4c11"
    if w in ("hostName", "HOSTNAME", "host"):
        return "pay-app-01"
    if w in ("property",):
        return "payment-service"
    if w in ("N", "nano"):
        return "812345678901234"
    raise Unsupported(f"conversion %{w}")
