"""The real-world corpus: truth rules on hand-written lines (the SQL ones in `test_realworld_truth_sql.py`), and the scorer on the committed files.

The truth rules are the yardstick the parser is measured with, so they get their own
tests; the scorer test asserts that every committed source gets a figure, with no
threshold (the parser it measures is changing).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RW = ROOT / "bench" / "realworld"
sys.path.insert(0, str(RW))

import truth  # noqa: E402
import truth_rules  # noqa: E402
import truth_sql  # noqa: E402

LOGBACK_TRACE = """\
14:49:20.866 [http-nio-8088-exec-14] ERROR o.a.c.h.Http11NioProtocol - [log,175] - Failed to complete
com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure

The last packet sent successfully to the server was 0 milliseconds ago.
\tat com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174)
\tat com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:835)
Caused by: java.net.ConnectException: Connection refused (Connection refused)
\tat java.net.PlainSocketImpl.socketConnect(Native Method)
\t... 12 common frames omitted
14:49:21.001 [main] INFO  c.r.RuoYiApplication - [logStarted,61] - Started RuoYiApplication in 7.5 seconds
""".splitlines()

PYTHON_CHAIN = """\
ERROR 2024-09-13 14:21:33,234 log:224 Internal Server Error: /api/v1/host/
Traceback (most recent call last):
  File "/app/rest_framework/request.py", line 227, in user
    self._authenticate()
AttributeError: 'MultiPartParser' object has no attribute 'authenticate'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/django/core/handlers/exception.py", line 47, in inner
    response = get_response(request)
rest_framework.request.WrappedAttributeError: 'MultiPartParser' object has no attribute 'authenticate'
ERROR 2024-09-13 14:21:33,241 basehttp:161 "GET /api/v1/host/ HTTP/1.1" 500 145
""".splitlines()


def test_java_trace_spans_blank_message_lines_and_causes_and_belongs_to_its_record():
    [t] = truth_rules.java_traces(LOGBACK_TRACE)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 9)
    assert t["outer"] == "com.mysql.cj.jdbc.exceptions.CommunicationsException"
    assert t["root"] == "java.net.ConnectException"


@pytest.mark.parametrize("date_line", [
    "Aug 20, 2013 6:07:04 PM org.apache.coyote.AbstractProtocol init",
    "八月 20, 2013 7:33:01 下午 org.apache.catalina.core.StandardService initInternal",
])
def test_tomcat7_two_line_record_heads_its_trace_in_english_and_chinese_locales(date_line):
    lines = [date_line, "SEVERE: Failed to initialize end point", "java.net.BindException: Permission denied <null>:80",
             "\tat org.apache.tomcat.util.net.JIoEndpoint.bind(JIoEndpoint.java:406)", ""]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 3, 4)


@pytest.mark.parametrize("level", ["SEVERE", "WARNING", "严重", "警告"])
def test_tomcat_jul_record_with_a_level_word_of_either_locale_heads_its_trace(level):
    lines = ["三月 03, 2016 7:06:12 下午 org.apache.catalina.core.ContainerBase addChildInternal",
             f"{level}: ContainerBase.addChild: start: ",
             "org.apache.catalina.LifecycleException: Failed to start component [StandardContext[/app]]",
             "\tat org.apache.catalina.util.LifecycleBase.start(LifecycleBase.java:154)", ""]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 3, 4)


def test_chinese_locale_jul_in_gb18030_with_a_one_digit_hour_heads_its_trace():
    data = "\n".join(["2015-11-25 9:37:28 org.apache.catalina.deploy.NamingResources destroyInternal",
                      "警告: Failed to destroy MBean for naming resource [UserDatabase]",
                      "javax.management.InstanceNotFoundException: Users:type=UserDatabase",
                      "\tat com.sun.jmx.interceptor.DefaultMBeanServerInterceptor.getMBean(DefaultMBeanServerInterceptor.java:1094)",
                      ""]).encode("gb18030")
    lines = truth.split_lines(data)
    assert lines[1].startswith("警告: ")
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 3, 4)


def test_log4j_level_padded_on_the_left_starts_a_record_that_heads_its_trace():
    lines = [" WARN 2015-11-25 09:20:02,537: Unhandled exception caught by the default exception handler.",
             "java.lang.IllegalStateException: x", "\tat a.b.C.d(C.java:1)",
             " INFO 2015-11-25 09:20:03,001: next"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 3)


def test_bonecp_message_holding_a_nested_trace_is_one_trace():
    lines = ["ERROR 2015-11-25 09:20:02,545: Unhandled exception in exception handler.",
             "org.x.CannotGetJdbcConnectionException: Could not get JDBC Connection; nested exception is "
             "java.sql.SQLException: Unable to open a test connection. Terminating connection pool. Original Exception: ",
             "java.sql.SQLException: denied", "\tat com.mysql.jdbc.MysqlIO.doHandshake(MysqlIO.java:991)", "------", "",
             "\tat org.x.DataSourceUtils.getConnection(DataSourceUtils.java:80)",
             "Caused by: java.sql.SQLException: denied", "\tat com.mysql.jdbc.MysqlIO.doHandshake(MysqlIO.java:991)",
             "\t... 45 more", "Load System Cache"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 10)
    assert (t["outer"], t["root"]) == ("org.x.CannotGetJdbcConnectionException", "java.sql.SQLException")


def test_log4j_time_with_a_colon_before_the_millis_starts_a_record_that_heads_its_trace():
    lines = ["[09:30:12:674] [ERROR] - org.springframework.boot.SpringApplication.reportFailure"
             "(SpringApplication.java:858) - Application run failed",
             "org.springframework.beans.factory.BeanCreationException: Error creating bean",
             "\tat org.springframework.beans.factory.support.ConstructorResolver.instantiate(ConstructorResolver.java:625)",
             "[09:30:31:779] [INFO] - org.springframework.boot.StartupInfoLogger.logStarting(StartupInfoLogger.java:50) - x"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 3)


def test_a_cause_without_frames_is_followed_by_the_next_cause_in_the_same_trace():
    lines = ["23:09:45.959 [lettuce-1] ERROR o.s.d.r.c.RedisHealth - [run,12] - redis down",
             "org.springframework.data.redis.RedisConnectionFailureException: Unable to connect to Redis",
             "\tat org.springframework.data.redis.connection.lettuce.Factory.get(Factory.java:1)",
             "Caused by: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: localhost/127.0.0.1:6379",
             "Caused by: java.net.ConnectException: Connection refused",
             "\tat sun.nio.ch.SocketChannelImpl.checkConnect(Native Method)",
             "23:09:45.960 [main] INFO  c.x.Y - [run,1] - next"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 6)
    assert t["root"] == "java.net.ConnectException"


@pytest.mark.parametrize("indent", ["\t", " ", ""])
def test_a_cause_as_indented_as_the_outer_line_is_the_root_but_a_suppressed_ones_cause_is_not(indent):
    lines = ["25-May-2022 23:15:46.241 SEVERE [main] o.a.c.u.LifecycleBase.handleSubClassException Failed to init",
             f"{indent}org.apache.catalina.LifecycleException: Protocol handler initialization failed",
             f"{indent}\tat org.apache.catalina.connector.Connector.initInternal(Connector.java:1049)",
             f"{indent}\tSuppressed: java.io.IOException: close failed",
             f"{indent}\t\tat java.io.FileInputStream.close(FileInputStream.java:1)",
             f"{indent}\tCaused by: java.lang.IllegalStateException: nested under the suppressed one",
             f"{indent}Caused by: java.net.BindException: Address already in use",
             f"{indent}\tat sun.nio.ch.Net.bind0(Native Method)",
             "25-May-2022 23:15:46.300 INFO [main] o.a.c.s.Catalina.load Server initialization in [1275] milliseconds"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 8)
    assert t["root"] == "java.net.BindException"


def test_the_jvms_report_of_an_uncaught_exception_has_no_header():
    lines = ["Jun 16, 2017 3:44:10 PM org.apache.catalina.startup.Catalina start",
             "INFO: Server startup in 17030 ms",
             'Exception in thread "Prototyper" java.lang.NoClassDefFoundError: org/apache/log4j/spi/ThrowableInformation',
             "\tat org.apache.log4j.spi.LoggingEvent.<init>(LoggingEvent.java:154)"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (None, 3, 4)


def test_print_stack_trace_output_after_an_info_line_has_no_header():
    lines = ["23-Mar-2016 18:12:11.101 INFO [main] o.a.c.s.Catalina.load Initialization processed in 1624 ms",
             "some output of the application", "java.lang.IllegalStateException: boom",
             "\tat com.example.App.main(App.java:10)"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"], t["outer"]) == (None, 3, 4, "java.lang.IllegalStateException")


def test_python_chain_is_one_trace_whose_root_is_the_first_printed_exception():
    [t] = truth_rules.python_traces(PYTHON_CHAIN)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 12)
    assert t["outer"] == "rest_framework.request.WrappedAttributeError"
    assert t["root"] == "AttributeError"


@pytest.mark.parametrize("start", [
    "[15/Mar/2015 14:24:00] ERROR [django.request:231] Internal Server Error: /member/login/ ",  # Django's datefmt
    '[21/Jun/2018 05:13:03] "GET /home/ HTTP/1.1" 200 40918',  # runserver's request line
])
def test_a_day_month_year_time_in_brackets_starts_a_record_and_ends_the_trace_above(start):
    lines = [start, "Traceback (most recent call last):", '  File "/app/views.py", line 21, in post',
             "    serializer = self.serializer_class(data=request.DATA)",
             "AttributeError: 'Login' object has no attribute 'serializer_class'", start]
    assert truth_rules.is_header(start)
    assert not truth_rules.is_header('10.0.0.7 - - [28/Jul/2022:19:18:42 +0800] "GET / HTTP/1.1" 200 5')
    [t] = truth_rules.python_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 5)


def test_a_message_ending_with_format_exc_starts_the_trace_on_its_own_record_line():
    lines = """\
2023-03-28 16:41:23,020 "tasks:setUp:44" [INFO]- calling the endpoint
2023-03-28 16:41:23,023 "tasks:setUp:153" [INFO]- request failed, error:Traceback (most recent call last):
  File "/srv/app/tasks.py", line 144, in setUp
    self.record.response_data = self.res_data.json()
AttributeError: 'str' object has no attribute 'json'

2023-03-28 16:41:23,025 "tasks:tearDown:199" [INFO]- case failed
""".splitlines()
    [t] = truth_rules.python_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"], t["outer"]) == (2, 2, 5, "AttributeError")
    assert truth_rules.python_traces(["2023-03-28 16:41:23,020 INFO see Traceback (most recent call last) docs"]) == []


def test_spring_boot_blank_line_before_the_trace_and_frames_with_packaging_data():
    lines = ["2022-01-17 11:08:58.527 ERROR 1543 --- [restartedMain] o.s.boot.SpringApplication : Application run failed",
             "", "java.lang.IllegalStateException: Error processing condition",
             "\tat o.s.b.a.c.SpringBootCondition.matches(SpringBootCondition.java:60) ~[spring-boot-2.6.2.jar:2.6.2]",
             "Caused by: java.lang.ClassNotFoundException: com.example.Missing",
             "\tat java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:476) ~[na:na]",
             "\t... 42 common frames omitted", ""]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 3, 7)
    assert t["root"] == "java.lang.ClassNotFoundException"


def test_a_cause_printed_without_frames_does_not_end_the_trace():
    lines = ["16:35:42.348 [main] ERROR o.s.b.SpringApplication - [reportFailure,870] - Application run failed",
             "org.springframework.data.redis.RedisConnectionFailureException: Unable to connect to Redis",
             "\tat org.springframework.data.redis.core.RedisTemplate.execute(RedisTemplate.java:209)",
             "Caused by: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: localhost/127.0.0.1:6379",
             "Caused by: java.net.ConnectException: Connection refused",
             "\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)",
             "16:37:38.793 [main] INFO  c.r.App - next record"]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 2, 6)
    assert t["root"] == "java.net.ConnectException"


def test_colon_millisecond_layout_without_thread_is_a_record_start_and_no_thread():
    lines = ["[19:48:46:008] [DEBUG] - org.apache.ibatis.logging.jdbc.BaseJdbcLogger.debug(BaseJdbcLogger.java:143) - "
             "==>  Preparing: SELECT id FROM user WHERE id=? ",
             "[19:48:46:141] [DEBUG] - org.apache.ibatis.logging.jdbc.BaseJdbcLogger.debug(BaseJdbcLogger.java:143) - "
             "<==      Total: 1"]
    assert truth_rules.is_header(lines[0]) and truth_rules.line_millis(lines[0]) == 71326008
    assert truth_rules.thread_of(lines[0]) is None
    [s] = truth_sql.mybatis(lines)
    assert s["lines"] == [1, 2] and s["duration_ms"] is None  # no thread: the pair is not timed


def test_docker_compose_prefix_is_read_through_when_every_line_has_it():
    prefixed = [f"web-1  | {ln}" if ln else "web-1  | " for ln in PYTHON_CHAIN]
    lines = truth_rules.strip_compose_prefix(prefixed)
    assert lines == [ln if ln else "" for ln in PYTHON_CHAIN]
    assert truth.rules(prefixed)["traces"] == truth.rules(PYTHON_CHAIN)["traces"]
    mixed = prefixed[:3] + ["INFO  | a pipe-separated layout's own line"] + prefixed[3:]
    assert truth_rules.strip_compose_prefix(mixed) == mixed



def test_service_wrapper_prefix_is_read_through_when_every_line_has_it():
    jvm = "INFO   | jvm 1    | 2015/04/01 13:01:00 | "
    own = "STATUS | wrapper  | 2015/04/01 13:01:26 | "
    prefixed = [jvm + ln for ln in LOGBACK_TRACE] + [own + "CTRL-C trapped.  Shutting down."]
    lines = truth_rules.strip_wrapper_prefix(prefixed)
    assert lines[:-1] == LOGBACK_TRACE
    assert lines[-1] == "2015-04-01 13:01:26 STATUS wrapper: CTRL-C trapped.  Shutting down."
    assert truth.rules(prefixed)["traces"] == truth.rules(LOGBACK_TRACE + [lines[-1]])["traces"]
    mixed = prefixed[:2] + ["a line of another program"] + prefixed[2:]
    assert truth_rules.strip_wrapper_prefix(mixed) == mixed


def test_a_frame_with_packaging_data_against_the_parenthesis_is_a_frame():
    lines = ["2015-04-01 13:01:00 WARN x - failed", "java.lang.IllegalStateException: STREAMED",
             "\tat org.eclipse.jetty.server.Request.getReader(Request.java:816)[jetty-all-7.6.9.jar:7.6.9]",
             "\tat java.lang.Thread.run(Unknown Source)[:1.8.0_05]"]
    [t] = truth_rules.java_traces(lines)
    assert (t["first_line"], t["last_line"], t["header_line"]) == (2, 4, 1)


@pytest.mark.parametrize("line, ms, subject", [
    ("2025-05-28 13:31:01 [XNIO-1 task-2] INFO  c.r.c.w.i.PlusWebInvokeTimeInterceptor - "
     "[PLUS]结束请求 => URL[GET /captchaImage],耗时:[642]毫秒", 642.0, "GET /captchaImage"),
    ("2023-01-01 10:00:00.000 INFO  c.x.Redis - 重连耗时:35 ms", 35.0, "重连"),
    ("Tests run: 1, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.156 sec <<< FAILURE!", 156.0, None),
    ("WARNING: Creation of SecureRandom instance for session ID generation using [SHA1PRNG] took [5,368] "
     "milliseconds.", 5368.0, "]"),
    ("[2023-06-06 16:00:16,898: INFO/ForkPoolWorker-7] Task app.celery.add[2c3b8f4a-fc4b-40c2-ba8c-cfc03921669e] "
     "succeeded in 0.027721124999999347s: '3'", 27.721, "Task app.celery.add[2c3b8f4a-fc4b-40c2-ba8c-cfc03921669e]"),
    ("[pid: 28685|app: 0|req: 1/1] 192.168.0.57 () {34 vars in 486 bytes} [Mon Dec  2 15:41:57 2019] POST /m/ => "
     "generated 95 bytes in 24 msecs (HTTP/1.1 200) 2 headers in 71 bytes (1 switches on core 0)", 24.0,
     "POST /m/"),
])
def test_timing_lines(line, ms, subject):
    [t] = truth_sql.timings([line], set())
    assert (t["duration_ms"], t["subject"]) == (ms, subject)


def test_a_timing_is_dropped_only_inside_a_trace_as_the_overrides_leave_it():
    t = {"traces": [{"first_line": 2, "last_line": 9}], "sql": [],
         "timings": [{"line": 4, "duration_ms": 1.0, "subject": None}, {"line": 8, "duration_ms": 2.0, "subject": None}]}
    truth.apply_overrides(t, {"traces": {"patch": {"2": {"last_line": 5}}}})
    truth.drop_trace_timings(t)
    assert [x["line"] for x in t["timings"]] == [8]


def test_truth_imports_nothing_of_the_parser():
    for path in sorted(RW.glob("truth*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] in ("parsers", "pipeline", "sinks") for n in names), path


def test_committed_truth_matches_its_rules_and_overrides():
    """truth/*.json is what truth.py writes today (fingerprints aside)."""
    sys.path.insert(0, str(RW))
    from collect import load_manifest, present
    for src in load_manifest():
        path = RW / "truth" / f"{src['name']}.json"
        if not present(src) or not path.exists():
            continue
        saved = json.loads(path.read_text(encoding="utf-8"))
        fresh = truth.build(src, truth.Fingerprints(False))
        for kind in ("traces", "timings"):
            assert fresh[kind] == saved[kind], (src["name"], kind)
        assert [s["lines"] for s in fresh["sql"]] == [s["lines"] for s in saved["sql"]], src["name"]


def test_scorer_gives_a_figure_for_every_committed_source(capsys):
    spec = importlib.util.spec_from_file_location("realworld_bench", ROOT / "bench" / "realworld.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    committed = [s["name"] for s in bench.load_manifest() if s["committed"]]
    assert committed
    assert bench.main(["--json"] + [a for n in committed for a in ("--source", n)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(r["source"] for r in report["sources"]) == sorted(committed)
    assert report["missing"] == []
    for row in report["sources"]:
        assert row["events"] > 0
        assert any(row[k][1] for k in bench.RATIOS) or row["false_exc"] is not None, row["source"]


def test_scorer_counts_a_line_printed_empty_through_an_envelope_as_blank():
    spec = importlib.util.spec_from_file_location("realworld_bench", ROOT / "bench" / "realworld.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for line in (b"\n", b"  \r\n", b"INFO   | jvm 1    | 2018/03/31 18:42:19 | \n",
                 b"INFO   | jvm 1    | 2018/03/31 18:42:19 |\n", b"web-1  |\n", b"web-1  | \n"):
        assert bench._blank(line), line
    for line in (b"INFO   | jvm 1    | 2018/03/31 18:42:19 | x\n", b"web-1  | x\n", b"INFO  |\n", b"x\n"):
        assert not bench._blank(line), line


def test_a_yearless_day_month_stamp_starts_a_record():
    # log4j's %d{dd-MMM HH:mm:ss} among Tomcat's JUL records in catalina.out
    assert truth_rules.is_header("20-Sep 19:19:13 ERROR (?:handleException:?) com.konakart.al.KKAppException: x")
    assert not truth_rules.is_header("20-Sep was the day it failed")


def test_glassfish_closing_brackets_after_a_trace_are_the_traces():
    lines = ["[2018-10-09T21:04:33.065+0200] [glassfish 5.0] [SEVERE] [] [x.y] [tid: _ThreadID=59 _ThreadName=a] [[",
             "  Exception while visiting X.class", "java.lang.IllegalArgumentException",
             "\tat org.objectweb.asm.ClassReader.<init>(ClassReader.java:169)", "]]", ""]
    [t] = truth_rules.java_traces(lines)
    assert (t["header_line"], t["first_line"], t["last_line"]) == (1, 3, 5)
