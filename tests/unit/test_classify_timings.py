"""SQL and method timings found by the whole parse stage in logs of several layouts,
read with zero configuration (format and multiline `auto`)."""

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions

MS = 1_000_000
NOW_MS = 1_795_658_400_000


def events(text: str) -> list[Event]:
    asm = Assembler(ParseOptions(), Source("pay-01", "pay", "/var/log/pay/app.log", "f1"), 0)
    data = text.encode()
    return asm.feed(data, 0, NOW_MS) + asm.finish(NOW_MS)


def timed(evs: list[Event]) -> list[tuple]:
    return [(ev.kind, ev.duration_ns, ev.sql_statement if ev.kind == "sql" else ev.method_name)
            for ev in evs if ev.kind in ("sql", "method")]


RUOYI = """\
15:33:21.917 [http-nio-80-exec-3] DEBUG c.r.s.m.S.selectDictDataByType - [debug,137] - ==>  Preparing: select dict_label from sys_dict_data where dict_type = ? order by dict_sort asc
15:33:21.926 [http-nio-80-exec-3] DEBUG c.r.s.m.S.selectDictDataByType - [debug,137] - ==> Parameters: sys_user_sex(String)
15:33:21.941 [http-nio-80-exec-3] DEBUG c.r.s.m.S.selectDictDataByType - [debug,137] - <==      Total: 3
14:39:38.397 [http-nio-80-exec-2] ERROR c.a.d.f.s.StatFilter - [internalAfterStatementExecute,487] - slow sql 5340 millis. SELECT
        a.organization_id,
        a.name
        FROM organization a WHERE a.id = ?[12]
14:39:39.001 [http-nio-80-exec-2] INFO  c.r.f.i.LogAspect - [doAfterReturning,71] - [10.0.3.7]结束请求 => URL[GET /system/dict/data/type/sys_user_sex],耗时:[61]毫秒
14:39:39.002 [http-nio-80-exec-2] INFO  c.r.f.i.LogAspect - [doAfterReturning,72] - 连接池配置 timeout=30s, 重试间隔 retry in 2s
"""


def test_ruoyi_layout_mybatis_druid_and_request_timings():
    assert timed(events(RUOYI)) == [
        ("sql", 24 * MS, "select dict_label from sys_dict_data where dict_type = 'sys_user_sex' order by dict_sort asc"),
        ("sql", 5340 * MS, "SELECT\n        a.organization_id,\n        a.name\n        FROM organization a WHERE a.id = ?"),
        ("method", 61 * MS, "GET /system/dict/data/type/sys_user_sex"),
    ]


PIPES = """\
2020-01-13 15:42:03,815|DEBUG|pool-10-thread-1|c.h.UserMapper.getByUuid:159|==>  Preparing: SELECT * FROM u WHERE uuid = ?
2020-01-13 15:42:03,816|DEBUG|pool-10-thread-2|c.h.UserMapper.getByUuid:159|==>  Preparing: SELECT * FROM u WHERE uuid = ?
2020-01-13 15:42:03,863|DEBUG|pool-10-thread-1|c.h.UserMapper.getByUuid:159|==> Parameters: aaa(String)
2020-01-13 15:42:03,864|DEBUG|pool-10-thread-2|c.h.UserMapper.getByUuid:159|==> Parameters: bbb(String)
2020-01-13 15:42:03,900|DEBUG|pool-10-thread-2|c.h.UserMapper.getByUuid:159|<==      Total: 0
2020-01-13 15:42:03,910|DEBUG|pool-10-thread-1|c.h.UserMapper.getByUuid:159|<==      Total: 1
2020-01-13 15:42:04,020|INFO|pool-10-thread-1|c.h.web.TimeInterceptor:44|请求处理完毕 uri=/user/query 耗时 95ms
"""


def test_unrecognised_pipe_layout_joins_interleaved_statements_and_finds_timings():
    assert timed(events(PIPES)) == [
        ("sql", 84 * MS, "SELECT * FROM u WHERE uuid = 'bbb'"),
        ("sql", 95 * MS, "SELECT * FROM u WHERE uuid = 'aaa'"),
        ("method", 95 * MS, "/user/query"),
    ]


LOGBACK = """\
2026-11-26 10:15:30.101 [http-nio-8080-exec-1] INFO  p6spy - 1795658130101|12|statement|connection 3|url jdbc:mysql://db/pay|SELECT * FROM t_order WHERE order_no = ?|SELECT * FROM t_order WHERE order_no = 'ord_1'
2026-11-26 10:15:30.102 [http-nio-8080-exec-1] INFO  c.f.pay.dao.SqlTimer - SQL[cost=8ms] UPDATE t_order SET status = 2 WHERE order_no = 'ord_1'
2026-11-26 10:15:30.103 [http-nio-8080-exec-1] INFO  c.f.pay.aop.Timing - method=OrderService.pay cost=35ms
2026-11-26 10:15:30.104 [http-nio-8080-exec-1] INFO  c.f.pay.channel.AlipayClient - Alipay notify verified, 用时 7ms
2026-11-26 10:15:30.105 [http-nio-8080-exec-1] INFO  c.f.pay.channel.AlipayClient - Calling channel ALIPAY, timeout=3000ms
2026-11-26 10:15:30.106 [http-nio-8080-exec-1] INFO  c.f.pay.cache.Warmer - cache warmed, 35 MB, hit ratio 97%
"""


def test_logback_layout_keeps_sql_and_method_lines_and_adds_free_text_timings():
    evs = events(LOGBACK)
    assert timed(evs) == [
        ("sql", 12 * MS, "SELECT * FROM t_order WHERE order_no = 'ord_1'"),
        ("sql", 8 * MS, "UPDATE t_order SET status = 2 WHERE order_no = 'ord_1'"),
        ("method", 35 * MS, "OrderService.pay"),
        ("method", 7 * MS, "Alipay notify verified"),
    ]
    assert [ev.kind for ev in evs[-2:]] == ["line", "line"]


OWN_P6SPY_FORMAT = """\
2023-01-28 22:45:17 | OperationTime2ms|
:
    create table t_order (
       id uuid not null,
        primary key (id)
    )
2023-01-28 22:45:18 | OperationTime0ms|
:
    drop table if exists t_refund cascade 
"""


def test_a_projects_own_p6spy_format_timing_line_then_statement():
    assert timed(events(OWN_P6SPY_FORMAT)) == [
        ("sql", 2 * MS, "    create table t_order (\n       id uuid not null,\n        primary key (id)\n    )"),
        ("sql", 0, "    drop table if exists t_refund cascade "),
    ]


def test_a_timing_record_keeps_its_duration_when_a_headerless_trace_joins_it():
    # catalina.out: a webapp's logger line, then System.out and printStackTrace output,
    # which has no record line of its own and joins the record above it
    text = ("2015-09-21 20:05:20 INFO  ContextLoader:313 - Root WebApplicationContext: "
            "initialization completed in 2909 ms\n"
            "starting up\n"
            "java.lang.NullPointerException\n"
            "\tat java.io.FileInputStream.<init>(FileInputStream.java:130)\n"
            "\tat com.example.StartUpListener.contextInitialized(StartUpListener.java:26)\n"
            "2015-09-21 20:05:21 INFO  Dispatcher:1 - next\n")
    first, _ = events(text)
    assert first.kind == "exception" and first.error_type == "java.lang.NullPointerException"
    assert first.duration_ns == 2909 * MS


def test_an_exception_record_without_a_timing_gets_no_duration():
    text = ("2015-09-21 20:05:20 ERROR BaseDao:117 - could not execute query in table t_user\n"
            "org.hibernate.exception.SQLGrammarException: could not execute query\n"
            "\tat org.hibernate.loader.Loader.doList(Loader.java:2231)\n")
    [ev] = events(text)
    assert ev.kind == "exception" and ev.duration_ns is None
