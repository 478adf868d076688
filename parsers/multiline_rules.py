"""The multi-line dialects as data: rows of (state, regex, next state), as in Fluent Bit's
`flb_ml_parser_java.c` and `flb_ml_parser_python.c`, and `RuleTable`, their compiled
form, which `parsers.multiline` runs. A record's first line picks its first state from
the `start_state` rows; a line that matches a row from the current state continues it.
The named states below are those the assembler treats apart (held lines, ended traces).
"""

from __future__ import annotations

import re

START = "start_state"
_JAVA_HEADER = (r"^[\t ]?(?:Exception in thread \"[^\"]*\" )?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+"
                r"(?:Exception|Error|Throwable|Failure|Fault)(?:\$\w+)?(?:[:;]|\s*$)")
_JAVA_CAUSE = r"^[\t ]*(?:Caused by|Suppressed|Wrapped by): "
# a frame: `at pkg.Class.method(...)`; Jackson's location line in an exception message
# (` at [Source: (PushbackInputStream); line: 1, column: 14]`) is none
_JAVA_FRAME = r"^[\t ]+(?:at (?!\[Source: )|\.\.\. \d+ (?:more|common frames omitted))"

# a message that ends by opening a quote of another exception's printed trace (BoneCP's
# `... Original Exception: ------`, the nested trace, `------`, a blank line): the quoted
# headers and frames, then this exception's own frames
_QUOTE_OPEN = r".*:[\t ]*-{3,}[\t ]*$"
_QUOTE_CLOSE = r"^-{3,}[\t ]*$"
_QUOTED = r"^(?:[\t ]|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:[:;]|\s*$)|(?:Caused by|Suppressed): )"

# the line that closes a GlassFish/Payara record's message (`[[ ... ]]`) after its trace
_ODL_CLOSE = r"^\]\][\t ]*$"
# MyBatis-Plus's PerformanceInterceptor prints to stderr, past the logger: ` Time：23 ms - ID：
# com.x.UserMapper.selectById`, `Execute SQL：` and the statement (indented over lines when
# formatted), a blank line
_MP_TIME = r" ?Time：\d+ ms - ID："

JAVA_RULES: tuple[tuple[str, str, str], ...] = (
    (START, _JAVA_HEADER + _QUOTE_OPEN, "java_quoted"),
    (START, _JAVA_HEADER, "java_after_exception"),
    (START, _JAVA_FRAME, "java"),  # frames under a line the header rule missed: a trace all the same
    ("java_after_exception", _JAVA_FRAME, "java"),
    ("java_after_exception", _JAVA_CAUSE + _QUOTE_OPEN, "java_quoted"),
    ("java_after_exception", _JAVA_CAUSE, "java_after_exception"),
    ("java_after_exception", r"^(?:$|###|[\t ])", "java_after_exception"),  # multi-line message
    ("java", _JAVA_FRAME, "java"),
    ("java", _ODL_CLOSE, "java"),  # GlassFish's `]]` closing a record's message after its trace
    ("java", _JAVA_CAUSE + _QUOTE_OPEN, "java_quoted"),
    ("java", _JAVA_CAUSE, "java_after_exception"),
    ("java_quoted", _QUOTE_CLOSE, "java_quote_closed"),
    ("java_quoted", _QUOTED, "java_quoted"),
    ("java_quote_closed", r"^\s*$", "java_quote_closed"),
    ("java_quote_closed", _JAVA_FRAME, "java"),
    (START, "^" + _MP_TIME, "mybatis_plus_time"),
    ("mybatis_plus_time", r"^[\t ]*(?:Execute SQL：|$)", "mybatis_plus_sql"),
    ("mybatis_plus_sql", r"^(?:[\t ]|$)", "mybatis_plus_sql"),
)
_PY_TRACEBACK = r"^Traceback \(most recent call last\):\s*$"
_PY_QUOTE = r'^"""\s*$'
_PY_GROUP = r"^ *\+ Exception Group Traceback \(most recent call last\):\s*$"  # 3.11+, drawn behind `| `
# the fields libpq writes after a PostgreSQL error's first line, which drivers (psycopg2,
# psycopg) keep in the exception's message: `LINE 1: ...` (its caret line is indented),
# `DETAIL:  `, `HINT:  `, `QUERY:  `, `CONTEXT:  `, `WHERE:  `; in a log with no prefix
# (Django's default `{message}`) they would otherwise each start a record of their own
_PG_FIELD = r"^(?:LINE \d+: |(?:DETAIL|HINT|QUERY|CONTEXT|WHERE):  )"
PYTHON_RULES: tuple[tuple[str, str, str], ...] = (
    (START, _PY_TRACEBACK, "python"),
    (START, _PY_GROUP, "python"),
    (START, r"^ *╭─* ?Traceback \(most recent call last\) ─+╮ *$", "python_rich"),  # drawn by rich
    ("python_rich", r"^ *╰─+╯ *$", "python"),
    ("python_rich", r"^ *[│╭]", "python_rich"),
    ("python_logged", r"^[\t ]", "python"),  # a `Traceback` record's lines printed without the prefix
    ("python_logged", r"^[A-Za-z_][\w.]*(?::.*)?$", "python_exc"),
    ("python", r"^ *\+-+\s*$", "python_exc"),  # the bar that closes an exception group
    ("python", r"^[\t ]", "python"),  # File "...", line N, in f / source / ^^^^
    ("python", r"^[A-Za-z_][\w.]*(?::.*)?$", "python_exc"),  # ValueError: msg
    ("python_exc", r"^\s*$", "python_exc"),
    ("python_exc", _PG_FIELD, "python_exc"),
    # a message that quotes another process's traceback between `"""` lines
    # (multiprocessing's RemoteTraceback, billiard's ExceptionWithTraceback): all of it
    ("python_exc", _PY_QUOTE, "python_quoted"),
    ("python_quoted", _PY_QUOTE, "python_exc"),
    ("python_quoted", r"", "python_quoted"),
    ("python_exc", r"^(?:During handling of the above exception|The above exception was the direct cause)",
     "python_chain"),
    ("python_chain", r"^\s*$", "python_chain"),
    ("python_chain", _PY_TRACEBACK, "python"),
    ("python_chain", _PY_GROUP, "python"),
)
# After a Python traceback's exception line: more lines of its message may follow.
PY_EXCEPTION = "python_exc"
# A Python traceback logged one line a record, behind the layout's prefix: the state after
# its `Traceback` line (`parsers.per_line_traces`).
PY_LOGGED = "python_logged"
PY_LOGGED_START = "Traceback (most recent call last):"
CONT_FIRST = frozenset("\t CSa(.")  # first characters of the messages PREFIXED_CONTINUATION matches, and `(thread) `
# A trace line behind a layout's prefix (logcat, a logger per line): a frame, `... N more`,
# a Python `File "..."` line, or a cause. A server's stdout capture may drop the frame's tab
# (JBoss 5's `[STDERR] at ...`).
PREFIXED_CONTINUATION = re.compile(
    r"[\t ]+(?:at [\w$.<>/@\-]+\(|\.\.\. \d+ (?:more|common frames omitted)|File \")"
    r"|at [\w$.<>/@\-]+\([^)]*\)\s*$|\.\.\. \d+ (?:more|common frames omitted)\s*$|(?:Caused by|Suppressed): ")
# A raw record in this state (an exception line, no frame yet) holds the raw lines after
# it, up to `parsers.multiline.MAX_HELD`, until a frame shows they belong to its message.
HOLD_STATE = "java_after_exception"
CAUSE_RX = re.compile(_JAVA_CAUSE)
# The first states of a Python traceback (plain, an exception group's, rich's drawing)
PY_TRACE_STATES = frozenset(("python", "python_rich"))
# A raw line right after a one-line structured record that is no failure (`INFO Booting worker`,
# a uWSGI request line) is held in this state: a Python traceback right after it makes it that
# traceback's record's first line (what `logger.exception()` printed with no prefix), anything
# else the structured record's next line.
HEADER_CANDIDATE = "header_candidate"
# States in which a trace has ended (frames seen, or Python's exception line): a new
# exception header there starts a new record even after a structured start line.
TRACE_ENDED = frozenset(("java", PY_EXCEPTION))
# After a Java trace's frames, a line that is no frame, `... N more` or `Caused by:` is not
# the trace's (System.out output in catalina.out, Spring Boot's banner after a failed start,
# whose lines are indented): it starts a record; blank lines stay the trace's. Python's
# exception line may be followed by more lines of its message, so python_exc does not end a
# record this way.
AFTER_FRAMES = "java"
# MyBatis's StdOutImpl (`mybatis.configuration.log-impl`, common with MyBatis-Plus): its
# statement lines and mybatis-spring's session lines, printed with no prefix
_MYBATIS_STDOUT = (r"==>  ?(?:Preparing|Parameters): |<==[ \t]+(?:Columns|Row|Total|Updates): "
                   r"|Creating a new SqlSession$|SqlSession \[|JDBC Connection \[|Logging initialized using '"
                   r"|(?:Closing non transactional|Releasing transactional|Fetched|Registering transaction "
                   r"synchronization for|Transaction synchronization (?:committing|deregistering|closing|suspending"
                   r"|resuming)) SqlSession \[")
# Lines a JVM writes to its console by itself, never through a logger, each a record of its
# own even right after a structured line, in a file where the console and a layout mix
# (catalina.out, nohup.out): the handler of an uncaught exception (`Exception in thread "name"
# Type: msg`, to stderr), Hibernate's `show_sql` (`Hibernate: select ...`, to stdout; with
# `format_sql`, `Hibernate: ` and the statement's indented lines below it), MyBatis-Plus's
# PerformanceInterceptor (to stderr) and MyBatis's StdOutImpl.
CONSOLE_START = re.compile(r'Exception in thread "|Hibernate: |' + _MP_TIME + "|" + _MYBATIS_STDOUT)
DIALECTS = {"java": JAVA_RULES, "python": PYTHON_RULES, "auto": JAVA_RULES + PYTHON_RULES, "none": ()}


class RuleTable:
    """Compiled (state, regex, next state) rows."""

    __slots__ = ("start", "by_state")

    def __init__(self, rows: tuple[tuple[str, str, str], ...]) -> None:
        self.start = tuple((re.compile(rx), nxt) for st, rx, nxt in rows if st == START)
        self.by_state: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {}
        for st, rx, nxt in rows:
            if st != START:
                self.by_state[st] = self.by_state.get(st, ()) + ((re.compile(rx), nxt),)

    def step(self, state: str, line: str) -> str | None:
        """The next state if `line` continues a record in `state`, else None."""
        for rx, nxt in self.by_state.get(state, ()):
            if rx.match(line):
                return nxt
        return None

    def first_state(self, line: str) -> str:
        for rx, nxt in self.start:
            if rx.match(line):
                return nxt
        return START
