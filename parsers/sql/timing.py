"""SQL timing lines: how long a statement took, recognised in a log message.

`SqlTimingParser(options).parse(message)` understands, wherever they sit in the message
(after a `[method,line] - ` or any other text a layout puts first):
  * Alibaba Druid's slow-SQL log: `slow sql 1234 millis. SELECT ... id=?["p1",2]`, the
    statement possibly continuing on the record's following lines, and Druid's statement
    log `{conn-10001, pstmt-20000} executed. 5.11 millis. INSERT ...`
  * p6spy, in its default and custom layouts (`p6spy.py`)
  * MyBatis-Plus: `Consume Time：35 ms ... Execute SQL：SELECT ...`, ` Time：35 ms - ID：... Execute SQL：...`
  * labelled `|` fields after the timing (p6spy's CustomLineFormat as MyBatis-Plus documents it:
    `now | SQL耗时： 3 ms | 连接信息： statement-0 | 执行语句： SELECT ...`): the field that starts a statement
  * GORM: `[4.757ms] [rows:1] SELECT ...`
  * Django's django.db.backends: `(0.003) SELECT ...; args=(1,)` (seconds; Django 4 adds
    `; alias=default`), the statement being what comes before `; args=`; Django 1.x on SQLite
    writes `(0.229) QUERY = 'UPDATE ...' - PARAMS = (...); args=(...)`
  * log4jdbc's jdbc.sqltiming: `41. select 1\n {executed in 2 msec}`
  * Hibernate's slow query log: `SlowQuery: 6 milliseconds. SQL: '... select ...'`
  * generic forms: `SQL[cost=35ms] SELECT ...`, `cost=35ms sql=SELECT ...`,
    `sql=SELECT ... cost=35ms`, `took 35 ms: SELECT ...`, `执行SQL耗时 35ms: SELECT ...`,
    `SQL: SELECT ... 耗时: 35ms` (or `... | 耗时: 35ms`), `time = 4.7ms, db = pay, sql = SELECT ...`,
    the statement labelled after the timing, brackets around either: `执行SQL耗时：5ms，SQL：SELECT ...`,
    `【SQL执行耗时】: 12ms 【SQL】: UPDATE ...`, `sql耗时:[15ms], sql:[SELECT ...]`
  * the regexes in `SqlOptions.patterns` (named groups `sql` and `ms` or `s`), tried first.

Each format is one regex built from the shared `units.NUMBER`/`units.UNIT`
fragments. A grammar library buys nothing here: every format is a single flat
line, and this runs on every message, so a few substring tests reject the
ordinary message before any regex runs (see `parse`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from parsers.options import SqlOptions
from parsers.sql.p6spy import find_p6spy, may_be_p6spy
from parsers.units import NUMBER, UNIT, duration_ns, groups_duration_ns


@dataclass(frozen=True, slots=True)
class SqlTiming:
    """One timed statement. `statement` is None when the record carries only the
    timing (a p6spy multi-line header, an unjoined MyBatis `<==` line);
    `duration_ns` is None when only the statement is known."""

    duration_ns: int | None
    statement: str | None
    params: str | None = None
    rows: int | None = None
    source: str = "generic"  # druid | p6spy | mybatis | mybatis-plus | django | gorm | log4jdbc | hibernate | generic | custom
    # the statement as prepared, placeholders kept, when its parameters were written into
    # `statement`: the fingerprint is taken from it (one statement, one fingerprint, whatever
    # its values; `true`, `false` and NULL would otherwise stay in it)
    prepared: str | None = field(default=None, compare=False)


_F = re.IGNORECASE | re.DOTALL
_DUR = rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT})?"  # unit optional: milliseconds
_DUR_UNIT = rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT})"
_VERB = r"(?:select|insert|update|delete|replace|merge|with|call|create|alter|drop|truncate)\b"

_DRUID = re.compile(r"(?<![\w])slow sql (?P<num>[0-9]{1,15}) millis\.\s*(?P<sql>.*)", re.DOTALL | re.IGNORECASE)
# Druid's Slf4jLogFilter / Log4jFilter statement log: `{conn-1, pstmt-2} executed. 1.5 millis. <sql>`,
# `query executed.`, `batch executed.`, `update executed. effort 3. 1.5 millis.` (the rows
# updated), the statement maybe after a comment (Hibernate's `use_sql_comments`, `/* ping */`);
# with `statementExecutableSqlLogEnable` the statement with its values in place and no time:
# `{conn-1, pstmt-2} executed. <sql>`
_COMMENT_FIRST = r"(?:/\*.*?\*/\s*)?"
_DRUID_EXECUTED = re.compile(rf"\bexecuted\.(?: effort (?P<rows>[0-9]{{1,19}})\.)? (?P<num>{NUMBER}) (?P<unit>millis)\."
                             rf"\s*(?P<sql>{_COMMENT_FIRST}{_VERB}.*)", _F)
_DRUID_EXECUTABLE = re.compile(rf"\{{conn-[0-9]+, [a-z]*stmt-[0-9]+(?:, rs-[0-9]+)?\}} executed\. "
                               rf"(?P<sql>{_COMMENT_FIRST}{_VERB}.*)", _F)
_CJK_WORD = r"[^\x00-\x7f，：；|]{0,4}?"  # `执行` of `执行SQL：`, `语句` of `SQL语句：`
# Each generic pattern with what a message must hold for it to match: one of its words in the
# message case-folded (`str.casefold()` folds every character an IGNORECASE pattern takes for an
# ASCII letter to that letter: `ſ`, the Kelvin sign), a substring test where the patterns' own
# searches try an alternation at every character; then, where the pattern's own search is not
# linear, a search that is (None: nothing more): a lazy statement before a timing at the end is
# tried to the end from every `SQL:`, quadratic in a long record holding many of them and no such
# timing (JFinal's action report after Tomcat's startup line: 0.9 s for 18 KB).
_COST_AT_END = re.compile(rf"cost\s*[=:]\s*{_DUR}\s*$", _F)
_TOOK_AT_END = re.compile(rf"耗时\s*[:：=]?\s*{_DUR_UNIT}\s*$", _F)
_GENERIC_SQL_WORD = (
    ("generic", ("[",), None,
     re.compile(rf"(?:SQL|Sql|sql)\s*\[\s*(?:cost|took|time|elapsed)\s*[=:]\s*{_DUR}\s*\]\s*(?P<sql>.+)", re.DOTALL)),
    ("generic", ("cost",), None, re.compile(rf"\bcost\s*[=:]\s*{_DUR}[\s,;]+sql\s*[=:]\s*(?P<sql>.+)", _F)),
    ("generic", ("cost",), _COST_AT_END,
     re.compile(rf"\bsql\s*[=:]\s*(?P<sql>.+?)[\s,;]+cost\s*[=:]\s*{_DUR}\s*$", _F)),
    # `执行SQL耗时：5ms，SQL：select ...`, `【SQL执行耗时】: 12ms 【SQL】: update ...`, `sql耗时:[15ms], sql:[select ...]`
    ("generic", ("耗时",), None, re.compile(
        rf"SQL\s*(?:执行)?耗时[】\]]?\s*[:：=]?\s*[\[【]?\s*{_DUR_UNIT}\s*[\]】]?\s*[:：,，]?\s*"
        rf"(?:[【\[]?SQL{_CJK_WORD}[】\]]?\s*[:：=]\s*(?P<bopen>\[)?)?(?P<sql>.+)", _F)),
    ("generic", ("耗时",), _TOOK_AT_END,
     re.compile(rf"SQL\s*[:：]\s*(?P<sql>.+?)\s*[,，;；|]?\s*(?:执行)?耗时\s*[:：=]?\s*{_DUR_UNIT}\s*$", _F)),
    ("mybatis-plus", ("execute sql",), None,
     re.compile(rf"Time\s*[:：]\s*{_DUR_UNIT}.*?Execute SQL\s*[:：]\s*(?P<sql>.+)", _F)),
    # `time = 4.75ms, db = mysql, table = t, sql = SELECT ...` (fields between timing and statement;
    # the statement's label may be a phrase with `sql` in it: `执行SQL：`, `SQL语句：`)
    ("generic", ("cost", "took", "time", "elapsed", "耗时", "用时", "执行时间"), None,
     re.compile(rf"(?:\b(?:cost|took|time|elapsed)|耗时|用时|执行时间)\s*[=:：]?\s*{_DUR_UNIT}"
                rf"[^\n]{{0,160}}?[\s,;|，]{_CJK_WORD}sql[ \t]?{_CJK_WORD}\s*[=:：]\s*(?P<sql>{_VERB}.+)", _F)),
)
# A record whose first line holds a timing and whose next lines are the statement (a p6spy
# MessageFormattingStrategy of a project's own: `2023-01-28 22:45:17 | OperationTime2ms|`, `:`,
# then the formatted SQL).
_HEAD_WORD = r"(?i:time|took|cost|elapsed|duration|耗时|用时)"
_HEAD_NUMBER = rf"(?<![0-9.])(?P<num>{NUMBER})[ \t]*(?P<unit>ms|millis|milliseconds|毫秒|s|秒)(?![A-Za-z0-9])"
_HEAD_TIMING = re.compile(rf"{_HEAD_WORD}[^\n]*?{_HEAD_NUMBER}")
# its two parts alone: when no number follows the first word, no later word has one either (a long
# JSON line holding many `time` words and no duration made the lazy search above quadratic)
_HEAD_WORD_RX = re.compile(_HEAD_WORD)
_HEAD_NUMBER_RX = re.compile(_HEAD_NUMBER)
_STATEMENT_LINE = re.compile(rf"[ \t]*\(?{_VERB}", re.IGNORECASE)
# Hibernate's org.hibernate.SQL_SLOW: `SlowQuery: 6 milliseconds. SQL: 'HikariProxyPreparedStatement@1
# wrapping com.mysql.cj.jdbc.ClientPreparedStatement: select ...'` (H2: `'prep1: select ... {1: 'x'}'`)
_HIBERNATE_SLOW = re.compile(r"SlowQuery: (?P<num>[0-9]{1,15}) milliseconds\. SQL:\s*'(?P<sql>.*)'", re.DOTALL)
_STATEMENT_START = re.compile(rf"(?<![\w.]){_VERB}", re.IGNORECASE)
_H2_PARAMS = re.compile(r"\s*\{[0-9]+: .*\}\s*$", re.DOTALL)
# Django's django.db.backends debug record: `(%.3f) %s; args=%s[; alias=%s]`, the time in seconds;
# a statement written over lines (the introspection queries) starts on the line after the time
_DJANGO = re.compile(r"(?:^|(?<=[\s\]]))\((?P<num>[0-9]{1,9}\.[0-9]{3})\)[ \t]*(?:\r?\n)?\s+(?P<sql>(?:"
                     rf"{_VERB}|(?:savepoint|release|rollback|commit|begin|show|set|pragma|explain|declare|lock)\b).*?)"
                     r"; args=", re.DOTALL | re.IGNORECASE)
# ... and Django 1.x on SQLite, whose statement is the backend's repr of the query and its
# parameters: `(0.229) QUERY = 'UPDATE "t" SET "v" = %s' - PARAMS = ('x',); args=('x',)`
_DJANGO_QUERY = re.compile(r"(?:^|(?<=[\s\]]))\((?P<num>[0-9]{1,9}\.[0-9]{3})\)[ \t]*QUERY = "
                           r"(?P<quote>['\"])(?P<sql>(?:[^\\]|\\.)*?)(?P=quote) - PARAMS = (?P<params>.*?); args=",
                           re.DOTALL)
# log4jdbc's jdbc.sqltiming: `[caller line]\n41. select 1\n {executed in 2 msec}` or one line
_LOG4JDBC = re.compile(r"\{executed in (?P<num>[0-9]{1,15}) ?(?P<unit>msec|ms|nanoSec)\}")
_NUMBERED = re.compile(rf"[ \t]*(?:[0-9]{{1,9}}[.:][ \t]*)?(?={_VERB}|\(|\{{\s*call)", re.IGNORECASE)
# GORM's logger: `[4.757ms] [rows:1] SELECT ...`
_GORM = re.compile(rf"\[(?P<num>{NUMBER})(?P<unit>ms|s|µs|us|ns)\]\s*\[rows:(?P<rows>-|-?[0-9]{{1,18}})\]\s*(?P<sql>.+)",
                   re.DOTALL)
# p6spy's CustomLineFormat as MyBatis-Plus's spy.properties writes it (`%(currentTime) | SQL耗时：
# %(executionTime) ms | 连接信息： %(category)-%(connectionId) | 执行语句： %(sql)`) and its variants:
# labelled fields between the timing and the statement, the statement's field labelled too
# (a verb right before a colon is a field's label, `CALL： 0`, not a statement's start)
_LABELLED_FIELD = re.compile(rf"\|[ \t]*(?:[^|\n:：]{{0,24}}[:：][ \t]*)?(?={_VERB}(?![ \t]*[:：]))", re.IGNORECASE)
_LEADING_VERB = re.compile(rf"[(\s]*{_VERB}(?![ \t]*[:：])", re.IGNORECASE)
_TOOK_VERB = re.compile(rf"\btook\s+{_DUR_UNIT}\s*[:,]?\s*(?P<sql>{_VERB}.+)", _F)


def _druid_params(text: str) -> tuple[str, str | None]:
    """Split Druid's `SQL["p1",2]` into statement and the JSON parameter list. Druid
    writes the list right after the statement, so whitespace before it is the
    statement's own (a mapper's SQL often ends with a space) and stays, as
    pt-fingerprint keeps it; only a line end is dropped."""
    text = text.rstrip()
    if not text.endswith("]"):
        return text, None
    pos = len(text)
    for _ in range(16):  # a parameter value may itself contain '['
        pos = text.rfind("[", 0, pos)
        if pos <= 0:
            break
        try:
            if isinstance(json.loads(text[pos:]), list):
                return text[:pos].rstrip("\r\n"), text[pos:]
        except ValueError:
            continue
    return text, None


def _statement_field(text: str) -> str:
    """The statement of a line whose fields after the timing are labelled and `|`-separated:
    the first field that starts with a statement verb, its label dropped. A text that
    starts with a statement, or has no such field, is kept whole."""
    if _LEADING_VERB.match(text) is not None or "|" not in text:
        return text
    m = _LABELLED_FIELD.search(text)
    if m is not None:
        return text[m.end():]
    return "" if text.startswith("|") else text  # fields only (a commit's empty statement): none


def _timing(m: re.Match[str], source: str) -> SqlTiming | None:
    ns = duration_ns(m.group("num"), m.group("unit"))
    statement = _statement_field(m.group("sql").strip())
    if "bopen" in m.re.groupindex and m.group("bopen") and statement.endswith("]"):
        statement = statement[:-1].rstrip()  # `sql:[select ...]`: the label's bracket closes it
    if ns is None or not statement:
        return None
    return SqlTiming(ns, statement, source=source)


def _hibernate_slow(m: re.Match[str]) -> SqlTiming | None:
    sql = m.group("sql")
    start = _STATEMENT_START.search(sql)  # after a driver's `... wrapping x.y.Statement: ` or `prep1: `
    statement = _H2_PARAMS.sub("", sql[start.start():] if start is not None else sql).strip()
    return SqlTiming(int(m.group("num")) * 1_000_000, statement or None, source="hibernate")


def _log4jdbc(message: str) -> SqlTiming | None:
    m = _LOG4JDBC.search(message)
    if m is None:
        return None
    before = message[:m.start()]
    lines = before.split("\n")
    for k, line in enumerate(lines):  # the statement starts at the first line that starts one
        if (s := _NUMBERED.match(line)) is not None:
            lines = [line[s.end():], *lines[k + 1:]]
            break
        if (s := _NUMBERED.search(line)) is not None and k == len(lines) - 1 and s.start() > 0:
            lines = [line[s.end():]]  # one line: `... select 1 {executed in 2 msec}`
            break
    else:
        return None
    statement = "\n".join(lines).strip()
    ns = duration_ns(m.group("num"), "ns" if m.group("unit") == "nanoSec" else "ms")
    return SqlTiming(ns, statement, source="log4jdbc") if statement and ns is not None else None


def _timing_then_statement(message: str) -> SqlTiming | None:
    head, _, rest = message.partition("\n")
    if not ("ime" in head or "IME" in head or "ook" in head or "ost" in head or "lapsed" in head
            or "uration" in head or "时" in head):
        return None  # no timing word: skip the case-insensitive scan of the line
    w = _HEAD_WORD_RX.search(head)
    if w is None or _HEAD_NUMBER_RX.search(head, w.end()) is None:
        return None
    m = _HEAD_TIMING.search(head)
    if m is None:
        return None
    lines = rest.split("\n")
    k = 0
    while k < len(lines) and not lines[k].strip(" \t:：-=>|#*"):
        k += 1  # separator lines (`:`) between the timing and the statement
    if k == len(lines) or not _STATEMENT_LINE.match(lines[k]):
        return None
    body = lines[k:]
    while not body[-1].strip():
        body.pop()  # blank lines after it; the statement's own trailing space stays (pt-fingerprint keeps it)
    statement = "\n".join(body).rstrip("\r")
    statement = statement[:-1] if statement.endswith(";") else statement
    ns = duration_ns(m.group("num"), m.group("unit"))
    return None if ns is None else SqlTiming(ns, statement, source="generic")


# Every message `parse` recognises without `patterns` holds one of these: the substring
# tests `parse` makes before each of its regexes (p6spy's `may_be_p6spy` needs a `|`;
# `_timing_then_statement` a second line).
TRIGGERS = ("SQL", "sql", "Sql", "|", "took", "millis.", "executed. ", "[rows:", "{executed in", "; args=", "\n")


class SqlTimingParser:
    """Recognises SQL timing lines; `parse(message)` returns a `SqlTiming` or None."""

    __slots__ = ("_custom",)

    @property
    def triggers(self) -> tuple[str, ...] | None:
        """Words one of which every message `parse` recognises holds; None: any message
        may match (a regex of `patterns`)."""
        return None if self._custom else TRIGGERS

    def __init__(self, options: SqlOptions = SqlOptions()) -> None:
        custom = []
        for source in options.patterns:
            try:
                rx = re.compile(source, re.DOTALL)
            except re.error as e:
                raise ValueError(f"sql.patterns: {source!r} is not a regex: {e}") from None
            names = rx.groupindex
            if "sql" not in names or not ("ms" in names or "s" in names):
                raise ValueError(f"sql.patterns: {source!r} needs named groups 'sql' and 'ms' or 's'")
            custom.append(rx)
        self._custom = tuple(custom)

    def parse(self, message: str) -> SqlTiming | None:
        for rx in self._custom:
            if (m := rx.search(message)) is not None and (t := self._custom_timing(m)) is not None:
                return t
        if "; args=" in message:
            if (m := _DJANGO.search(message)) is not None:
                return SqlTiming(duration_ns(m.group("num"), "s"), m.group("sql").rstrip(), source="django")
            if "QUERY = " in message and (m := _DJANGO_QUERY.search(message)) is not None:
                statement = m.group("sql").replace("\\" + m.group("quote"), m.group("quote")).replace("\\\\", "\\")
                return SqlTiming(duration_ns(m.group("num"), "s"), statement, m.group("params"), source="django")
        if "SQL" in message or "sql" in message or "Sql" in message:
            if "millis." in message and (m := _DRUID.search(message)) is not None:
                statement, params = _druid_params(m.group("sql").lstrip())
                return SqlTiming(int(m.group("num")) * 1_000_000, statement or None, params, source="druid")
            if "SlowQuery:" in message and (m := _HIBERNATE_SLOW.search(message)) is not None:
                return _hibernate_slow(m)
            folded = message.casefold()
            for source, words, needed, rx in _GENERIC_SQL_WORD:
                if any(w in folded for w in words) and (needed is None or needed.search(message)) \
                        and (m := rx.search(message)) is not None and (t := _timing(m, source)) is not None:
                    return t
        if may_be_p6spy(message) and (found := find_p6spy(message)) is not None:
            return SqlTiming(found[0], found[1], source="p6spy")
        if "took" in message and (m := _TOOK_VERB.search(message)) is not None:
            return _timing(m, "generic")
        if "executed. " in message:
            if "millis." in message and (m := _DRUID_EXECUTED.search(message)) is not None:
                t = _timing(m, "druid")
                if t is None or m.group("rows") is None:
                    return t
                return SqlTiming(t.duration_ns, t.statement, rows=int(m.group("rows")), source="druid")
            if (m := _DRUID_EXECUTABLE.search(message)) is not None:
                return SqlTiming(None, m.group("sql").strip(), source="druid")
        if "[rows:" in message and (m := _GORM.search(message)) is not None and (t := _timing(m, "gorm")) is not None:
            rows = m.group("rows")
            return SqlTiming(t.duration_ns, t.statement, None, None if rows == "-" else int(rows), "gorm")
        if "{executed in" in message:
            return _log4jdbc(message)
        if "\n" in message:
            return _timing_then_statement(message)
        return None

    @staticmethod
    def parse_record(first_line: str, continuation: str) -> SqlTiming | None:
        """A timing on the record's first line (`first_line`, prefix included) and the
        statement on its continuation lines: for layouts whose prefix fields took the whole
        first line (`2023-01-28 22:45:17 | OperationTime2ms|`)."""
        return _timing_then_statement(first_line + "\n" + continuation) if continuation else None

    @staticmethod
    def _custom_timing(m: re.Match[str]) -> SqlTiming | None:
        groups = m.groupdict()
        statement = (groups.get("sql") or "").strip()
        ns = groups_duration_ns(groups)
        if ns is None or not statement:
            return None
        return SqlTiming(ns, statement, source="custom")
