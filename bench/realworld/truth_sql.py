"""SQL and timing rules for the real-world ground truth (no import from `parsers/`).

- Druid StatFilter: `slow sql N millis. SQL[params]`, the SQL may run over several lines
  up to the next record; the trailing `[params]` is not part of the statement.
- MyBatis: `==>  Preparing: SQL`, then on the same thread and logger `==> Parameters:`,
  `<==    Columns:`/`<==        Row:` and `<==      Total: N` (or `Updates: N`). A line
  the same as the line before it (thread named) is that record again, from a second appender.
- p6spy: `now|elapsed|category|connection N|url ...|prepared|sql` (3.x) and
  `now|elapsed|connection|category|prepared|sql` (1.x); categories statement/batch/query/update.
- Django: `(0.003) SELECT ...; args=(1,)` of the django.db.backends logger (seconds).
- SQLAlchemy's echo: a `sqlalchemy.engine.Engine` record whose message is a statement, up to
  the next record; no duration (the `[generated in Ns]` parameter record is compile time).
- timings: Chinese `耗时` lines and the common English forms (`took N ms`, `in N ms`,
  `in N msecs` (uWSGI's request line), `Time elapsed: N sec`, `Started X in N seconds`,
  celery's `Task x[id] succeeded in Ns:`).
"""

from __future__ import annotations

import re

from truth_rules import is_header, line_millis, record_end, thread_of

# The SQL rules' patterns, by name, compiled once.
RX = {name: re.compile(pattern) for name, pattern in (
    ("druid", r"slow sql (\d+) millis\. ?(.*)$"),
    ("params_tail", r"\[[^\[\]]*\]\s*$"),
    ("prep", r"==>\s+Preparing: ?(.*)$"),
    ("mybatis_tail", r"(==> Parameters:|<==\s+(Columns|Row|Total|Updates):)"),
    ("mybatis_end", r"<==\s+(Total|Updates): ?\d+"),
    ("logger", r"\]\s+(?:DEBUG|TRACE|INFO)\s+(\S+)"),
    # the single-line format, written to spy.log or through a logger named p6spy whose layout
    # prints no date ("INFO  p6spy - 1730805370352|1|statement|...")
    ("p6spy3", r"^(?:(?:[A-Z]+\s+)?p6spy [-:] )?\d{13}\|(-?\d+)\|(\w*)\|connection ?\d*\|url [^|]*\|(.*)\|(.*)$"),
    ("p6spy1", r"^(?:(?:[A-Z]+\s+)?p6spy [-:] )?\d{13}\|(-?\d+)\|-?\d*\|(\w*)\|(.*)\|(.*)$"),
    # a project's own p6spy MessageFormattingStrategy: "date | OperationTime{ms}ms|", ":", indented SQL
    ("p6spy_custom", r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \| OperationTime(\d+)ms\|$"),
    # p6spy's MultiLineFormat (through a logger, or its own spy.log): "#now | took Nms | category |
    # connection N| url ...", now in epoch millis or p6spy's `dateformat`, then the prepared
    # statement and the executed one (each may run over lines), ";" at the end
    ("p6spy_multi", r"#[^|\n]{1,40}? \| took (-?\d+)ms \| (\w+) \| connection ?-?\d*\|"),
    # Django's django.db.backends: "(0.003) SELECT ...; args=(1,)" (Django 4+ adds "; alias=default")
    ("django", r"(?:^|\s)\((\d+\.\d+)\) (\S.*)$"),
    ("django_args", r"; args=.*$"),
    # Hibernate: the org.hibernate.SQL logger (full, abbreviated or its simple name "SQL")
    # then the layout's separator (the simple name with a space before it: MyBatis's "### SQL:"
    # lines inside an exception message are not records), or show_sql's "Hibernate: " on stdout; no duration
    ("hibernate", r"(?:(?<=[\s\]])(?:(?:org\.hibernate\.|o\.h\.)SQL\s*|SQL\s+)(?:\S+:\d+\s*)?[-:]|^Hibernate:)"
                  r"(.*)$"),
    # SQLAlchemy's echo: its engine logger, in its own handler's `date LEVEL name msg`, an
    # app's `date - name - LEVEL - msg` or `date | LEVEL | name | msg`; the statement (its
    # parameters are the next record)
    ("sqlalchemy", r"(?<=\s)sqlalchemy\.engine\.(?:base\.)?Engine\s+(?:\|\s+)?(?:-\s+[A-Z]+\s+-\s+)?(.*)$"),
    ("sql_start", r"(?i:select|insert|update|delete|with|merge|call|create|alter|drop)\b"),
    ("timing_hint", r"耗时|took|Time elapsed|Started \S+ in|succeeded in|\d\]?\s*(?:ms|msecs|milliseconds)\b"),
)}
P6SPY_CATEGORIES = {"statement", "batch", "query", "update"}

TIMING_RES = [
    # [PLUS]结束请求 => URL[GET /path],耗时:[29]毫秒
    (re.compile(r"URL\[([^\]]*)\][,，]\s*耗时[:：]\s*\[(\d+(?:\.\d+)?)\]\s*(毫秒|ms|秒|s)\b"), 1, 2, 3),
    # 重连耗时:35 ms / xxx耗时 35ms / 耗时：1.2秒
    (re.compile(r"([^\s,，:：\]]*)耗时[:：]?\s*\[?(\d+(?:\.\d+)?)\]?\s*(毫秒|ms|秒|s)\b"), 1, 2, 3),
    # took 12 ms / Tomcat's "... using [SHA1PRNG] took [5,368] milliseconds."
    (re.compile(r"(\S[^\]]{0,80}?)\s+took\s+\[?(\d[\d,]*(?:\.\d+)?)\]?\s*(ms|milliseconds|s|seconds|sec)\b"), 1, 2, 3),
    (re.compile(r"(?:Tests run:.*?|^(\S.*?)\s+)Time elapsed:\s*(\d+(?:\.\d+)?)\s*(sec|s)\b"), 1, 2, 3),
    (re.compile(r"Started (\S+) in (\d+(?:\.\d+)?) (seconds)"), 1, 2, 3),
    # uWSGI's request line: "[pid: N|app: 0|req: 3/11] addr () {46 vars in 1090 bytes} [date] GET /uri => generated
    # 11596 bytes in 212 msecs (HTTP/1.0 200) ..." (the URI may be longer than the generic rule's subject)
    (re.compile(r"\] (\S+ \S+) => generated \d+ bytes in (\d+) (msecs)\b"), 1, 2, 3),
    # celery's worker: "Task pkg.task[uuid] succeeded in 0.010737417000029836s: None" (seconds, Python's float repr)
    (re.compile(r"(Task \S+) succeeded in (\d+(?:\.\d+)?)(s):"), 1, 2, 3),
    # ... in 24 ms; uWSGI's request line "=> generated 95 bytes in 24 msecs"
    (re.compile(r"(\S[^\]]{0,80}?)\s+(?:in|after)\s+\[?(\d[\d,]*(?:\.\d+)?)\]?\s*(ms|msecs|milliseconds)\b"), 1, 2, 3),
]
UNIT_MS = {"ms": 1.0, "msecs": 1.0, "毫秒": 1.0, "milliseconds": 1.0, "s": 1000.0, "sec": 1000.0, "seconds": 1000.0, "秒": 1000.0}


def druid(lines: list[str]) -> list[dict]:
    out = []
    for i, line in enumerate(lines):
        m = RX["druid"].search(line)
        if not m:
            continue
        j = i + 1
        while j < len(lines) and lines[j] != "" and not is_header(lines[j]):
            j += 1
        text = "\n".join([m.group(2)] + lines[i + 1:j])
        text = RX["params_tail"].sub("", text.rstrip())
        out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": float(m.group(1)),
                    "statement": text, "source": "druid"})
    return out


def mybatis(lines: list[str]) -> list[dict]:
    # a line the same as the one before it, thread named: one record written by two appenders
    used = {i for i in range(1, len(lines)) if lines[i] == lines[i - 1] and thread_of(lines[i]) is not None}
    out = []
    for i, line in enumerate(lines):
        m = RX["prep"].search(line)
        if not m or i in used:
            continue
        thread, logger = thread_of(line), _logger(line)
        mine = [i]
        for j in range(i + 1, min(len(lines), i + 400)):
            other = lines[j]
            if j in used:
                continue
            if RX["prep"].search(other) and thread_of(other) == thread and _logger(other) == logger:
                break  # the next statement of this mapper on this thread
            if not RX["mybatis_tail"].search(other):
                continue
            if thread_of(other) != thread or _logger(other) != logger:
                continue
            mine.append(j)
            if RX["mybatis_end"].search(other):
                break
        used.update(mine)
        end = mine[-1]
        t0, t1 = line_millis(line), line_millis(lines[end])
        dur = float(t1 - t0) if (t0 is not None and t1 is not None and RX["mybatis_end"].search(lines[end])
                                 and thread is not None and t1 >= t0) else None
        out.append({"lines": [k + 1 for k in mine], "duration_ms": dur,
                    "statement": m.group(1).rstrip("\r"), "source": "mybatis"})
    return out


def _logger(line: str) -> str | None:
    m = RX["logger"].search(line)
    return m.group(1) if m else None


def django(lines: list[str]) -> list[dict]:
    out = []
    for i, line in enumerate(lines):
        m = RX["django"].search(line)
        if not m:
            continue
        j = record_end(lines, i + 1)  # a statement with newlines runs on to its "; args=" line
        text = "\n".join([m.group(2)] + lines[i + 1:j])
        args = RX["django_args"].search(text)
        if not args:
            continue
        out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": round(float(m.group(1)) * 1000, 3),
                    "statement": text[:args.start()], "source": "django"})
    return out


def hibernate(lines: list[str]) -> list[dict]:
    out = []
    for i, line in enumerate(lines):
        m = RX["hibernate"].search(line)
        if not m:
            continue
        j = i + 1  # format_sql spreads a statement over lines; show_sql prints the next after it
        while j < len(lines) and lines[j].strip() and not is_header(lines[j]) and not lines[j].startswith("Hibernate:"):
            j += 1
        text = "\n".join([m.group(1)] + lines[i + 1:j]).strip()
        if not RX["sql_start"].match(text):
            continue
        out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": None,
                    "statement": text, "source": "hibernate"})
    return out


def sqlalchemy(lines: list[str]) -> list[dict]:
    out = []
    for i, line in enumerate(lines):
        m = RX["sqlalchemy"].search(line) if "sqlalchemy.engine" in line[:120] else None
        if not m or not is_header(line):
            continue
        j = record_end(lines, i + 1)
        text = "\n".join([m.group(1)] + lines[i + 1:j]).strip()
        if RX["sql_start"].match(text):
            out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": None,
                        "statement": text, "source": "sqlalchemy"})
    return out


def p6spy(lines: list[str]) -> list[dict]:
    out = []
    for i, line in enumerate(lines):
        c = RX["p6spy_custom"].match(line)
        if c and i + 2 < len(lines) and lines[i + 1] == ":":
            j = record_end(lines, i + 2)
            out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": float(c.group(1)),
                        "statement": "\n".join(lines[i + 2:j]), "source": "p6spy"})
            continue
        c = RX["p6spy_multi"].search(line)
        if c and c.group(2) in P6SPY_CATEGORIES:
            j = record_end(lines, i + 1)  # in spy.log, the next header has no timestamp the rules know
            j = next((k for k in range(i + 1, j) if RX["p6spy_multi"].search(lines[k])), j)
            block = lines[i + 1:j]
            half = block[len(block) // 2:] if len(block) % 2 == 0 else block  # prepared, then executed
            elapsed = int(c.group(1))
            out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": float(elapsed) if elapsed >= 0 else None,
                        "statement": "\n".join(half).removesuffix(";"), "source": "p6spy"})
            continue
        m = RX["p6spy3"].match(line) or RX["p6spy1"].match(line)
        if not m or m.group(2) not in P6SPY_CATEGORIES:
            continue
        j = record_end(lines, i + 1)  # a statement with newlines runs on until the next p6spy line
        j = next((k for k in range(i + 1, j) if RX["p6spy3"].match(lines[k]) or RX["p6spy1"].match(lines[k])), j)
        sql = m.group(4) if m.group(4).strip() else m.group(3)
        if j > i + 1:
            sql = "\n".join([sql] + lines[i + 1:j])
        elapsed = int(m.group(1))
        out.append({"lines": list(range(i + 1, j + 1)), "duration_ms": float(elapsed) if elapsed >= 0 else None,
                    "statement": sql, "source": "p6spy"})
    return out


def timings(lines: list[str], sql_lines: set[int]) -> list[dict]:
    out = []
    for i, line in enumerate(lines):
        if i + 1 in sql_lines:
            continue
        if not RX["timing_hint"].search(line) or RX["p6spy_multi"].search(line):
            continue  # p6spy's own lines (commit, debug) are SQL-layer records, not timings
        text = line[:2000]
        for rx, subj, num, unit in TIMING_RES:
            m = rx.search(text)
            if m:
                value = float(m.group(num).replace(",", "")) * UNIT_MS[m.group(unit)]
                subject = (m.group(subj) or "").strip() or None
                out.append({"line": i + 1, "duration_ms": round(value, 3), "subject": subject})
                break
    return out
