"""Line rules for the real-world ground truth, written apart from `parsers/` on purpose.

Nothing here imports the parser: the truth must not share its mistakes. The rules are
simple and local (one line, or a short look-ahead); where they are wrong on a source,
`truth/<source>.overrides.json` corrects them, after reading the file by hand.

Every function takes `lines` (the file's text lines, without line ends) and returns
entries with 1-based line numbers.
"""

from __future__ import annotations

import re

# A record's first line: a timestamp at (or near) the start of the line.
HEADER_RE = re.compile(
    r"^(?: {1,4}(?=(?:DEBUG|INFO|WARN|TRACE) ))?"  # log4j's %5p pads the level on the left: " WARN 2015-..."
    r"\[?(?:(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL|TRACE|SEVERE)(?:\]\s*\[?|\s+\[?))?"
    r"(?:\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}:\d{2}"    # 2024-09-13 14:21:33; JUL's 2015-11-25 9:16:30 (zh_CN)
    r"|\d{8} \d{2}:\d{2}:\d{2}[.,]\d{3}"                # [ERROR][20160203 10:28:07,585] (log4j %d{yyyyMMdd HH:mm:ss,SSS})
    r"|\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}"           # 28.02.2016 12:57:06 (log4j %d{dd.MM.yyyy HH:mm:ss})
    r"|\d{2}:\d{2}:\d{2}[.,:]\d{3}"                     # 14:39:38.397 (logback short; log4j2 %d{HH:mm:ss:SSS})
    r"|\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}"     # 23-Mar-2016 18:12:11 (Tomcat 8)
    r"|\d{2}-[A-Z][a-z]{2} \d{2}:\d{2}:\d{2} "          # 20-Sep 19:18:43 (log4j %d{dd-MMM HH:mm:ss}, no year)
    r"|\d{2}/[A-Z][a-z]{2}/\d{4} \d{2}:\d{2}:\d{2}\]"  # [15/Mar/2015 14:24:00] (Django's datefmt '%d/%b/%Y %H:%M:%S', runserver)
    r"|[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M"  # Jan 12, 2012 3:53:59 PM (JUL)
    r"|[一二三四五六七八九十]{1,3}月 \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [上下]午"  # 八月 20, 2013 7:33:01 下午 (JUL, zh)
    r"|#?\d{13}\s*\|)"                                  # p6spy epoch millis
)
# JUL's level names, and their Chinese-locale names (严重 = SEVERE, 警告 = WARNING, 信息 = INFO, ...)
JUL_LEVEL_RE = re.compile(r"^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST"
                          r"|严重|警告|信息|配置|详细|较详细|非常详细):\s")
SEVERE_RE = re.compile(r"\b(WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL)\b")
MS_TIME_RE = re.compile(r"(?:^|[ T\[])(\d{2}):(\d{2}):(\d{2})[.,:](\d{3})\b")
THREAD_RE = re.compile(r"\[([^\]]+)\]")
# a bracket that holds only a time or a level is not a thread (`[19:48:46:008] [DEBUG] - ...`)
NOT_THREAD_RE = re.compile(r"^(?:[\d\-:., T]+|DEBUG|INFO|WARN|WARNING|ERROR|TRACE|FATAL)$")

# Java
# BoneCP prints the nested exception's stack trace inside its own message, ended by a line
# "------" and a blank line; the exception's frames follow
BONECP_END_RE = re.compile(r"^-{6}$")
FRAME_RE = re.compile(r"^\s+at [\w$.<>/@\-]+(\(.*\))?(\s*~?\[[^\]]*\])?\s*$")
MORE_RE = re.compile(r"^\s+\.\.\. \d+ (more|common frames omitted)\s*$")
CAUSE_RE = re.compile(r"^(\s*)(Caused by|Suppressed): ((?:[\w$]+\.)*[\w$]+)")
EXC_LINE_RE = re.compile(
    r'^ ?(?:Exception in thread "[^"]*" )?((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*)(?::\s|:$|\s*$)')
CLASS_IN_TEXT_RE = re.compile(r"\b((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))\b")

# Python
TB_RE = re.compile(r"^\s*Traceback \(most recent call last\):\s*$")
# a message that ends with traceback.format_exc(): "... error:Traceback (most recent call last):"
TB_TAIL_RE = re.compile(r"\S.*Traceback \(most recent call last\):\s*$")
CHAIN_RE = re.compile(r"^(During handling of the above exception, another exception occurred:"
                      r"|The above exception was the direct cause of the following exception:)\s*$")
PY_EXC_RE = re.compile(r"^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)(?::\s?.*)?$")


# `docker compose logs` writes `<service>-<n>  | ` (Compose v1: `<project>_<service>_<n>`) before
# every line a container printed
COMPOSE_PREFIX_RE = re.compile(r"^[\w.-]+[-_]\d+ +\| ")


def strip_compose_prefix(lines: list[str]) -> list[str]:
    """The lines without docker compose's service prefix, when every non-blank line has one
    (the rules then read the container's own output; line numbers are unchanged)."""
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank or not all(COMPOSE_PREFIX_RE.match(ln) for ln in nonblank):
        return lines
    return [COMPOSE_PREFIX_RE.sub("", ln, count=1) for ln in lines]


# The Java Service Wrapper (Tanuki, YAJSW) writes `LEVEL  | jvm 1    | yyyy/MM/dd HH:mm:ss[.SSS] | `
# before every line the JVM printed, and `LEVEL  | wrapper  | date | ` before its own lines
WRAPPER_PREFIX_RE = re.compile(r"^(?P<level>[A-Z]+) *\| (?P<who>wrapper|jvm \d+) *\| "
                               r"(?P<y>\d{4})/(?P<mo>\d\d)/(?P<d>\d\d) (?P<t>\d\d:\d\d:\d\d(?:\.\d+)?) \| ?")


def strip_wrapper_prefix(lines: list[str]) -> list[str]:
    """The JVM's own output, when every non-blank line has the service wrapper's prefix: the
    prefix of a JVM line is dropped (the application's text is read as it printed it), a line
    of the wrapper itself becomes a record `yyyy-MM-dd HH:mm:ss LEVEL wrapper: msg`."""
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank or not all(WRAPPER_PREFIX_RE.match(ln) for ln in nonblank):
        return lines
    out = []
    for ln in lines:
        m = WRAPPER_PREFIX_RE.match(ln)
        if not m:
            out.append(ln)
        elif m["who"] == "wrapper":
            out.append(f"{m['y']}-{m['mo']}-{m['d']} {m['t']} {m['level']} wrapper: {ln[m.end():]}")
        else:
            out.append(ln[m.end():])
    return out


def is_header(line: str) -> bool:
    return bool(HEADER_RE.match(line))


def record_end(lines: list[str], start: int) -> int:
    """The index after the lines that continue a record from `start`: up to a blank line
    or the next record's header."""
    j = start
    while j < len(lines) and lines[j].strip() and not is_header(lines[j]):
        j += 1
    return j


def _is_frame(line: str) -> bool:
    return bool(FRAME_RE.match(line) or MORE_RE.match(line))


def _header_of(lines: list[str], first: int, floor: int) -> int | None:
    """The record (header line index) a trace starting at index `first` belongs to."""
    h = first - 1
    if h > floor and not lines[h].strip():
        h -= 1  # Spring Boot's %wEx puts one blank line between the message and the trace
        first -= 1
    while h > floor and not is_header(lines[h]):
        if not lines[h].strip() or _is_frame(lines[h]) or h < first - 20:
            return None
        h -= 1
    if h <= floor or not is_header(lines[h]):
        return None
    if h == first - 1:
        return h
    if JUL_LEVEL_RE.match(lines[h + 1]):  # Tomcat 7: date line, then "SEVERE: message"
        return h
    return h if SEVERE_RE.search(lines[h]) else None


def java_traces(lines: list[str]) -> list[dict]:
    out: list[dict] = []
    i, n, done = 0, len(lines), -1  # done: last index already inside a trace
    while i < n:
        if not FRAME_RE.match(lines[i]):
            i += 1
            continue
        # the exception line: earliest class-name line after the record's start
        first = None
        j = i - 1
        while j > done and i - j <= 40:
            if EXC_LINE_RE.match(lines[j]):
                first = j
            if is_header(lines[j]):
                break
            j -= 1
        if first is None:
            first = i - 1 if i - 1 > done else i
        # the end: frames, "... N more", "Caused by:" (message lines allowed before frames)
        last, k = i, i
        while k < n:
            if _is_frame(lines[k]):
                last = k
                k += 1
            elif CAUSE_RE.match(lines[k]):
                m = k + 1
                while m < n and m - k <= 30 and not _is_frame(lines[m]) and not is_header(lines[m]) \
                        and not CAUSE_RE.match(lines[m]):
                    m += 1
                if m < n and (_is_frame(lines[m]) or CAUSE_RE.match(lines[m])):
                    last, k = m - 1, m  # its frames, or the next cause (a cause may print none)
                else:
                    last = k
                    break
            elif BONECP_END_RE.match(lines[k]) and k + 2 < n and not lines[k + 1].strip() and _is_frame(lines[k + 2]):
                k += 2
            else:
                break
        if last + 1 < n and lines[last + 1].strip() == "]]":
            last += 1  # GlassFish/Payara close the record's message (`[[ ... ]]`) on a line after its trace
        body = lines[first:last + 1]
        outer = _outer_class(lines[first])
        root = outer
        depth = len(lines[first]) - len(lines[first].lstrip())  # Tomcat 9 indents the whole trace
        for ln in body:
            m = CAUSE_RE.match(ln)
            if m and len(m.group(1)) <= depth and m.group(2) == "Caused by":
                root = m.group(3)
        if lines[first].startswith("Exception in thread "):
            head = None  # the JVM's report of an uncaught exception: no record of a logger
        else:
            head = _header_of(lines, first, done) if not is_header(lines[first]) else first
        out.append({"language": "java", "header_line": None if head is None else head + 1,
                    "first_line": first + 1, "last_line": last + 1, "outer": outer, "root": root})
        done = last
        i = last + 1
    return out


def _outer_class(line: str) -> str | None:
    m = EXC_LINE_RE.match(line)
    if m:
        return m.group(1)
    m = CLASS_IN_TEXT_RE.search(line)
    return m.group(1) if m else None


def python_traces(lines: list[str]) -> list[dict]:
    out: list[dict] = []
    i, n = 0, len(lines)
    while i < n:
        own_line = not TB_RE.match(lines[i]) and is_header(lines[i]) and TB_TAIL_RE.match(lines[i])
        if not TB_RE.match(lines[i]) and not own_line:
            i += 1
            continue
        first, classes, k = i, [], i
        while True:
            k += 1
            while k < n and (lines[k].startswith((" ", "\t")) and lines[k].strip()):
                k += 1  # File "...", line N, in f / source lines / ^^^^
            if k >= n:
                last = n - 1
                break
            m = PY_EXC_RE.match(lines[k]) if not is_header(lines[k]) else None
            classes.append(m.group(1) if m else None)
            last = k if m else k - 1
            # message continuation: lines up to the next record, blank line or chain marker
            while m and last + 1 < n and lines[last + 1].strip() and not is_header(lines[last + 1]) \
                    and not TB_RE.match(lines[last + 1]) and not CHAIN_RE.match(lines[last + 1].strip()):
                last += 1
            c = last + 1
            while c < n and not lines[c].strip():
                c += 1
            if c < n and CHAIN_RE.match(lines[c].strip()):
                c += 1
                while c < n and not lines[c].strip():
                    c += 1
                if c < n and TB_RE.match(lines[c]):
                    k = c
                    continue
            break
        head = first if own_line else _header_of(lines, first, -1)
        out.append({"language": "python", "header_line": None if head is None else head + 1,
                    "first_line": first + 1, "last_line": last + 1,
                    "outer": classes[-1] if classes else None, "root": classes[0] if classes else None})
        i = last + 1
    return out


def line_millis(line: str) -> int | None:
    """Milliseconds since midnight of a line's HH:MM:SS.mmm timestamp, if it has one."""
    m = MS_TIME_RE.search(line[:40])
    if not m:
        return None
    h, mi, s, ms = map(int, m.groups())
    return ((h * 60 + mi) * 60 + s) * 1000 + ms


def thread_of(line: str) -> str | None:
    for m in THREAD_RE.finditer(line[:80]):
        if not NOT_THREAD_RE.match(m.group(1).strip()):
            return m.group(1).strip()
    return None
