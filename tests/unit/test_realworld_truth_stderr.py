"""Truth rules for Java application-server layouts: printStackTrace output captured one
line per record by JBoss/WildFly's stderr logger, JDK 9+ frames naming a module and its
version, and log4j's `[LEVEL][yyyyMMdd HH:mm:ss,SSS]` record start."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "realworld"))

import truth_rules  # noqa: E402
import truth_stderr  # noqa: E402

JBOSS5 = """\
2024-07-29 12:36:28,900 INFO  [org.jboss.web.WebService] Using RMI server codebase
2024-07-29 12:36:28,980 ERROR [STDERR] org.xml.sax.SAXParseException; Premature end of file.
2024-07-29 12:36:28,980 ERROR [STDERR] \tat org.apache.xerces.parsers.DOMParser.parse(Unknown Source)
2024-07-29 12:36:28,981 ERROR [STDERR] \tat com.x.Loader.load(Loader.java:12)
2024-07-29 12:36:29,100 ERROR [STDERR] SEVERE: a message printed to stderr
2024-07-29 12:36:46,499 ERROR [STDERR] java.lang.IllegalStateException: wrapped
2024-07-29 12:36:46,499 ERROR [STDERR] \tat com.x.A.b(A.java:1)
2024-07-29 12:36:46,499 ERROR [STDERR] Caused by: java.lang.NullPointerException
2024-07-29 12:36:46,499 ERROR [STDERR] \tat com.x.C.d(C.java:2)
2024-07-29 12:36:46,499 ERROR [STDERR] \t... 1 more
2024-07-29 12:36:47,000 INFO  [com.x.Main] done
""".splitlines()

WILDFLY = """\
11:12:58,221 ERROR [stderr] (default task-88) java.net.UnknownHostException: db.example
11:12:58,222 ERROR [stderr] (default task-88) at java.net.Inet4AddressImpl.lookupAllHostAddr(Native Method)
11:12:58,222 ERROR [stderr] (default task-88) at java.net.InetAddress.getAllByName(InetAddress.java:1192)
11:12:58,227 WARNING [com.x.Client] (default task-88) connection failed
""".splitlines()


def test_stderr_records_form_one_trace_each_without_header():
    got = truth_stderr.stderr_traces(JBOSS5)
    assert [(t["first_line"], t["last_line"], t["header_line"]) for t in got] == [(2, 4, None), (6, 10, None)]
    assert got[1]["outer"] == "java.lang.IllegalStateException"
    assert got[1]["root"] == "java.lang.NullPointerException"


def test_stderr_frames_without_their_tab_and_a_thread_in_parentheses():
    got = truth_stderr.stderr_traces(WILDFLY)
    assert [(t["first_line"], t["last_line"], t["outer"]) for t in got] == [(1, 3, "java.net.UnknownHostException")]


def test_plain_rule_ignores_stderr_records():
    assert truth_rules.java_traces(JBOSS5) == []


def test_module_frames_and_log4j_compact_date():
    lines = [
        "[ERROR][20160203 10:28:07,585][DubboProvider:17] == start error:",
        "java.lang.IllegalStateException: x",
        "\tat org.jboss.as.jpa@36.0.0.Final//org.jboss.as.jpa.S.run(S.java:110)",
        "\tat java.base/java.lang.Thread.run(Thread.java:842)",
        "[INFO ][20160203 10:28:36,182][Main:1] next",
    ]
    got = truth_rules.java_traces(lines)
    assert [(t["header_line"], t["first_line"], t["last_line"]) for t in got] == [(1, 2, 4)]


def test_stderr_exception_message_over_several_records():
    lines = [
        "2020-11-24 21:01:18,989 ERROR [stderr] (default task-1) org.postgresql.util.PSQLException: ERROR: syntax",
        "2020-11-24 21:01:18,989 ERROR [stderr] (default task-1)   Position: 48",
        "2020-11-24 21:01:18,989 ERROR [stderr] (default task-1) \tat org.postgresql.core.v3.Q.r(Q.java:2270)",
        "2020-11-24 21:01:19,000 INFO  [org.jboss.as.server] (management-handler-thread - 4) next",
    ]
    got = truth_stderr.stderr_traces(lines)
    assert [(t["first_line"], t["last_line"], t["outer"]) for t in got] == [(1, 3, "org.postgresql.util.PSQLException")]


def test_log4j_day_month_year_date_starts_a_record():
    assert truth_rules.is_header("28.02.2016 12:57:06 [ERROR] .mt.unistream.Adapter - payment failed")
    assert not truth_rules.is_header("\tat com.x.A.b(A.java:1)")
