"""The pre-screen of single-line records: each recogniser answers None for a message that
holds none of its trigger words, and the classifier gives the same events with the
screen as without it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.classify import Classifier
from parsers.multiline import RawRecord
from parsers.options import MethodOptions, ParseOptions, SqlOptions, TableSpec
from parsers.prefix.grammar import Prefix
from parsers.prefix.layouts import compile_format
from parsers.prescreen import screen_words
from parsers.sql import mybatis, statement
from parsers.sql.timing import SqlTimingParser
from parsers.table import TableParser, column_spec
from parsers.timing.method import MethodTimingParser

REPO = Path(__file__).resolve().parents[2]
TABLES = (
    TableSpec("order", "|ORDER|", columns=tuple(column_spec(c) for c in (
        "kind", "order_no", "merchant", "amount:decimal", "channel", "status", "cost:duration")),
        trace_ids=("order_no",)),
    TableSpec("risk", "RISK", delimiter=";", columns=tuple(column_spec(c) for c in ("kind", "uid", "score:int"))),
)
OPTIONS = ParseOptions(format="logback", tables=TABLES)
# One of each form the recognisers read, and near misses.
EXAMPLES = [
    "==>  Preparing: SELECT * FROM t WHERE id = ?", "==> Parameters: 12(Long), x(String)", "<==      Total: 1",
    "<==    Updates: 2", "|ORDER|ord_1|M1|12.50|ALIPAY|SUCCESS|35ms|", "RISK;u1;12", "ORDER|x|",
    "slow sql 1234 millis. SELECT 1 FROM t WHERE a = ?[\"p1\",2]", "{conn-10001, pstmt-20000} executed. 5.11 millis. INSERT INTO t VALUES (1)",
    "1795658130101|12|statement|connection 3|url jdbc:mysql://db/pay|SELECT 1|SELECT 1",
    "Consume Time：35 ms 2020-01-01 Execute SQL：SELECT 1", "[4.757ms] [rows:1] SELECT * FROM t",
    "select 1 {executed in 2 msec}", "SlowQuery: 6 milliseconds. SQL: 'prep1: select 1 {1: 'x'}'",
    "SQL[cost=35ms] SELECT 1", "cost=35ms sql=SELECT 1", "sql=SELECT 1 cost=35ms", "took 35 ms: SELECT 1",
    "执行SQL耗时 35ms: SELECT 1", "SQL: SELECT 1 耗时: 35ms", "time = 4.7ms, db = pay, sql = SELECT 1",
    "Hibernate: select o.id from orders o", "Executing prepared SQL statement [select id from t]",
    "method=OrderService.pay cost=35ms", "OrderService.pay took 35 ms", "[OrderService.pay] 耗时 35ms",
    "方法 OrderService.pay 耗时: 35 ms", "execute OrderService.pay cost 35ms", "Indexing took 1.2 s",
    "结束请求 => URL[GET /pay],耗时:[35]毫秒", "initialization completed in 110 ms", "Response received after 1,204 ms",
    "loaded config, elapsed=35ms", "responseTime=12ms", "latency: 5 ms", "duration 3s", "timeout=30s",
    "Create order success, orderNo=ord_1, userId=4931483, phone 13812345678, a@example.com",
]
LOGGERS = [None, "c.f.pay.OrderService", "org.hibernate.SQL", "o.h.SQL", "o.s.jdbc.core.JdbcTemplate"]


def corpus() -> list[str]:
    """Messages of the repository's sample and test logs, as the logback layout reads them."""
    parse = compile_format("logback").parse
    out: list[str] = []
    files = [*sorted((REPO / "samples" / "logs").rglob("*.log")),
             *sorted((REPO / "tests" / "unit" / "data" / "assemble").glob("*.log"))]
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            prefix = parse(line)
            out.append(line if prefix is None else prefix.message)
    return out


MESSAGES = EXAMPLES + corpus()


def holds_one(message: str, words: tuple[str, ...]) -> bool:
    return any(w in message for w in words)


def test_screen_words_are_the_union_less_words_that_hold_another() -> None:
    assert screen_words([("took", "ms"), ("ook", "==>"), ("ms",)]) == ("ms", "ook", "==>")
    assert screen_words([("a",), None]) is None
    assert screen_words([]) == ()


def test_user_patterns_turn_the_screen_off() -> None:
    assert SqlTimingParser(SqlOptions(patterns=(r"(?P<sql>x)(?P<ms>1)",))).triggers is None
    assert MethodTimingParser(MethodOptions(patterns=(r"(?P<method>x)(?P<ms>1)",))).triggers is None
    plain = RawRecord(Prefix("x1", logger="a.B", format="logback"), "x1")
    custom = ParseOptions(sql=SqlOptions(patterns=(r"(?P<sql>x)(?P<ms>1)",)))
    assert Classifier(custom).event(plain).kind == "sql"


def test_every_recognised_message_holds_a_trigger_word() -> None:
    sql, methods, tables = SqlTimingParser(), MethodTimingParser(), TableParser(TABLES)
    assert sql.triggers is not None and methods.triggers is not None
    found = {"sql": 0, "method": 0, "table": 0, "statement": 0}
    for message in MESSAGES:
        if sql.parse(message) is not None:
            found["sql"] += 1
            assert holds_one(message, sql.triggers), message
        if methods.parse(message) is not None:
            found["method"] += 1
            assert holds_one(message, methods.triggers), message
        if tables.parse(message) is not None:
            found["table"] += 1
            assert holds_one(message, tables.triggers), message
        for logger in LOGGERS:
            if statement.untimed_statement(logger, message) is not None:
                found["statement"] += 1
                assert holds_one(message, statement.TRIGGERS) or (
                    logger is not None and logger.endswith(statement.LOGGER_SUFFIXES)), message
        assert mybatis.is_mybatis(message) == holds_one(message, mybatis.TRIGGERS)
    assert all(n >= 3 for n in found.values()), found  # the corpus exercises every recogniser


def records(messages: list[tuple[str, int, str | None, str]]) -> list[RawRecord]:
    out = []
    offset = 0
    for message, kind, logger, thread in messages:
        if kind == 0:  # a line without a recognised prefix
            rec = RawRecord(None, message, [], offset, offset + len(message) + 1)
        else:
            first = Prefix(message, "2026-11-26T10:15:30.123+08:00", "10:15:30.123", "INFO", logger, thread,
                           format="logback")
            rec = RawRecord(first, f"2026-11-26 10:15:30.123 [{thread}] INFO  {logger} - {message}", [],
                            offset, offset + 100 + len(message))
        offset = rec.end_offset
        out.append(rec)
    return out


TRIGGERS = sorted({w for ws in (mybatis.TRIGGERS, statement.TRIGGERS, SqlTimingParser().triggers or (),
                                MethodTimingParser().triggers or (), TableParser(TABLES).triggers) for w in ws})
PIECE = st.one_of(st.sampled_from(MESSAGES), st.sampled_from(TRIGGERS), st.sampled_from(EXAMPLES),
                  st.text(max_size=12), st.sampled_from([" ", "=", ": ", "ms", "35", " 12 ms", "(String)", "|"]))


@st.composite
def message(draw) -> str:
    pieces = draw(st.lists(PIECE, min_size=1, max_size=4))
    text = "".join(pieces)
    if draw(st.booleans()) and text:  # a slice: words cut anywhere
        a = draw(st.integers(0, len(text)))
        text = text[a:a + draw(st.integers(0, 200))]
    return text.replace("\n", " ") if draw(st.booleans()) else text.split("\n", 1)[0]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(message(), st.integers(0, 1), st.sampled_from(LOGGERS), st.sampled_from(["t1", "t2"])),
                min_size=1, max_size=8))
def test_screened_and_unscreened_classification_give_the_same_events(
        messages: list[tuple[str, int, str | None, str]]) -> None:
    screened, unscreened = Classifier(OPTIONS), Classifier(OPTIONS, prescreen=False)
    for a, b in zip(records(messages), records(messages)):
        assert screened.event(a) == unscreened.event(b)


def test_the_sample_logs_give_the_same_events_screened_or_not() -> None:
    screened, unscreened = Classifier(OPTIONS), Classifier(OPTIONS, prescreen=False)
    recs = records([(m, i % 2, LOGGERS[i % len(LOGGERS)], "t1") for i, m in enumerate(MESSAGES)])
    kinds = set()
    for a, b in zip(recs, records([(m, i % 2, LOGGERS[i % len(LOGGERS)], "t1") for i, m in enumerate(MESSAGES)])):
        ev = screened.event(a)
        assert ev == unscreened.event(b)
        kinds.add(ev.kind)
    assert kinds >= {"line", "sql", "method", "table"}
