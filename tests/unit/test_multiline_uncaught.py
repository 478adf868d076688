"""The JVM's report of an uncaught exception (`Exception in thread "name" Type: msg` and its
frames, written to stderr by the thread group, never through a logger) starts a record of
its own in a file where stderr and a layout's records mix (catalina.out, nohup.out), even
right after a structured record: the record before keeps its own kind (a timing stays a
timing) and the trace is one exception event. So do Hibernate's `show_sql` lines, which it
prints to stdout itself (`Hibernate: select ...`), and MyBatis-Plus's PerformanceInterceptor
(` Time：23 ms - ID：...`, `Execute SQL：...`, to stderr) and MyBatis's StdOutImpl (`==>  Preparing:
...` and mybatis-spring's `Creating a new SqlSession` with no prefix)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tests.unit.tiled_events import tiled_events

_CLS = st.from_regex(r"(?:[a-z]{2,6}\.){1,3}[A-Z][a-z]{2,8}(?:Exception|Error)", fullmatch=True)
_FRAME = st.from_regex(r"(?:[a-z]{2,6}\.){1,3}[A-Z][a-z]{2,6}\.[a-z]{2,6}\([A-Z][a-z]{2,6}\.java:[1-9][0-9]{0,3}\)",
                       fullmatch=True)
_THREAD = st.from_regex(r"[A-Za-z][\w-]{0,15}", fullmatch=True)
# a record line of Tomcat's own layout, of logback's default, of Spring Boot's
_BEFORE = st.sampled_from([
    "10-Jan-2018 17:06:16.143 信息 [main] org.apache.catalina.startup.Catalina.start Server startup in 5426 ms",
    "10-Jan-2018 17:06:16.143 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in 5426 ms",
    "2026-11-26 10:15:30.123 [main] INFO  c.f.p.OrderService - started in 5426 ms",
    "2026-11-26 10:15:30.123  INFO 4242 --- [           main] c.f.p.PayApplication  : Started in 5.4 seconds",
])


def _events(text: str) -> list:
    return tiled_events(text.encode())


@settings(max_examples=80, deadline=None)
@given(_BEFORE, _THREAD, _CLS, st.one_of(st.none(), st.from_regex(r"[a-z ]{1,20}", fullmatch=True)),
       st.lists(_FRAME, min_size=1, max_size=5))
def test_an_uncaught_exception_after_a_record_is_a_record_of_its_own(before, thread, cls, msg, frames):
    header = f'Exception in thread "{thread}" {cls}' + (f": {msg}" if msg is not None else "")
    text = "\n".join([before, header, *("\tat " + f for f in frames)]) + "\n"
    evs = _events(text)
    assert len(evs) == 2
    assert evs[0].kind == "method" and evs[0].error_type is None
    assert evs[1].kind == "exception" and evs[1].error_type == cls
    assert evs[1].stack_trace.count("\tat ") == len(frames)


def test_an_exception_a_logger_printed_under_its_record_stays_the_records():
    text = ("2026-11-26 10:15:30.123 [main] ERROR c.f.p.OrderService - order failed\n"
            "java.lang.IllegalStateException: 订单不存在\n"
            "\tat c.f.p.OrderService.pay(OrderService.java:42)\n")
    evs = _events(text)
    assert len(evs) == 1
    assert evs[0].kind == "exception" and evs[0].message == "order failed"
    assert evs[0].error_type == "java.lang.IllegalStateException"


@settings(max_examples=60, deadline=None)
@given(_BEFORE, st.sampled_from([
    ["Hibernate: select o1_0.id,o1_0.amount from t_order o1_0 where o1_0.order_no=?"],
    ["Hibernate: insert into t_order (amount,order_no,id) values (?,?,?)"],
    ["Hibernate: ", "    select", "        o1_0.id ", "    from", "        t_order o1_0"],  # format_sql
    ["Hibernate: ", "    /* select o from Order o */ select", "        order0_.id as id1_0_ ", "    from",
     "        t_order order0_"],  # use_sql_comments
]), st.integers(1, 3))
def test_hibernate_show_sql_lines_after_a_record_are_statements_of_their_own(before, statement, times):
    # show_sql prints to stdout, never through a logger: in catalina.out or nohup.out its lines
    # come right after a layout's records, and each is a statement, not the record's next line
    evs = _events("\n".join([before, *statement * times]) + "\n")
    assert len(evs) == 1 + times
    assert evs[0].kind == "method" and "Hibernate" not in evs[0].message
    for ev in evs[1:]:
        assert ev.kind == "sql" and ev.sql_statement.split()[-1] in ("o1_0", "order0_", "o1_0.order_no=?", "(?,?,?)")


_MYBATIS = [
    "2026-11-26 10:15:30.123 DEBUG 4242 --- [nio-8080-exec-1] c.f.p.m.OrderMapper.selectById : "
    "==>  Preparing: SELECT id,no FROM t_order WHERE id=?",
    "2026-11-26 10:15:30.124 DEBUG 4242 --- [nio-8080-exec-1] c.f.p.m.OrderMapper.selectById : ==> Parameters: 7(Long)",
]
_AFTER = "2026-11-26 10:15:30.150 DEBUG 4242 --- [nio-8080-exec-1] c.f.p.m.OrderMapper.selectById : <==      Total: 1"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([" ", ""]), st.integers(0, 99_999), st.booleans(), st.integers(0, 2), st.integers(1, 400))
def test_mybatis_plus_timings_printed_between_records_are_statements_of_their_own(lead, ms, formatted, blanks, chunk):
    if formatted:  # PerformanceInterceptor's `format`: the statement over indented lines
        sql = ["Execute SQL：", "    SELECT", "        id,", "        no ", "    FROM", "        t_order ",
               "    WHERE", "        id=7"]
    else:
        sql = ["Execute SQL：SELECT id,no FROM t_order WHERE id=7"]
    printed = [f"{lead}Time：{ms} ms - ID：com.f.p.mapper.OrderMapper.selectById", *sql, *[""] * blanks]
    evs = tiled_events("\n".join([*_MYBATIS, *printed, _AFTER]).encode() + b"\n", chunk)
    assert [e.kind for e in evs] == ["line", "line", "sql", "sql"]
    assert evs[1].message == "==> Parameters: 7(Long)"
    mp, total = evs[2], evs[3]
    assert mp.duration_ns == ms * 1_000_000 and "".join(mp.sql_statement.split()) == "SELECTid,noFROMt_orderWHEREid=7"
    assert total.sql_statement == "SELECT id,no FROM t_order WHERE id=7" and "Time" not in total.message


_STDOUT_SESSION = ["Creating a new SqlSession",
                   "SqlSession [org.apache.ibatis.session.defaults.DefaultSqlSession@6a112230] was not registered for "
                   "synchronization because synchronization is not active",
                   "JDBC Connection [HikariProxyConnection@274952805 wrapping com.mysql.cj.jdbc.ConnectionImpl@2b1d044a]"
                   " will not be managed by Spring"]


@settings(max_examples=60, deadline=None)
@given(_BEFORE, st.integers(0, 3), st.integers(0, 2), st.integers(1, 3), st.integers(1, 400))
def test_mybatis_stdout_lines_after_a_record_are_records_of_their_own(before, session, rows, statements, chunk):
    # `log-impl: org.apache.ibatis.logging.stdout.StdOutImpl`: MyBatis prints with no prefix
    # between the layout's records; each statement is one SQL event, the record before keeps its kind
    block = []
    for i in range(statements):
        block += [*_STDOUT_SESSION[:session], f"==>  Preparing: SELECT id,no FROM t_order WHERE id=? AND k={i}",
                  "==> Parameters: 7(Long)", *(["<==    Columns: id, no"] if rows else []),
                  *[f"<==        Row: {r}, 订单{r}" for r in range(rows)], f"<==      Total: {rows}",
                  "Closing non transactional SqlSession [org.apache.ibatis.session.defaults.DefaultSqlSession@6a112230]"]
    evs = tiled_events("\n".join([before, *block]).encode() + b"\n", chunk)
    assert evs[0].kind == "method" and "\n" not in evs[0].message
    assert len(evs) == 1 + len(block)
    sql = [e for e in evs if e.kind == "sql"]
    assert [e.sql_statement for e in sql] == [f"SELECT id,no FROM t_order WHERE id=7 AND k={i}" for i in range(statements)]


BANNER = ["  .   ____          _            __ _ _",
          " /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
          "( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\",
          " \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )",
          "  '  |____| .__|_| |_|_| |_\\__, | / / / /",
          " =========|_|==============|___/=/_/_/_/",
          " :: Spring Boot ::                (v2.4.2)"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([
    "03-Feb-2025 15:15:37.101 SEVERE [localhost-startStop-1] org.apache.catalina.startup.ContextConfig.processAnnotationsJar "
    "Unable to process Jar entry [module-info.class]",
    "2026-11-26 10:15:30.123 [main] ERROR c.f.p.PayApplication - Application run failed"]),
    _CLS, st.lists(_FRAME, min_size=1, max_size=4), st.integers(0, 2), st.integers(1, 300))
def test_a_banner_after_a_trace_is_not_the_traces(record, cls, frames, blanks, chunk):
    # a Spring Boot application deployed into a Tomcat (or restarted under nohup) prints its
    # banner right after the trace of the last failure: its lines are indented, and no frame
    trace = [record, f"{cls}: bad class", *("\tat " + f for f in frames), *[""] * blanks]
    after = "2025-02-03 15:15:40.523  INFO 16049 --- [ost-startStop-1] c.c.m.MineurApplication  : Starting"
    text = "\n".join([*trace, *BANNER, after]) + "\n"
    evs = tiled_events(text.encode(), chunk)
    assert evs[0].kind == "exception" and evs[0].error_type == cls
    assert evs[0].end_offset == len("\n".join(trace).encode()) + 1  # the blank lines stay the trace's
    assert all("____" not in e.message for e in evs if e.kind == "exception")
    assert evs[-1].message == "Starting" and len([e for e in evs if e.kind == "exception"]) == 1
