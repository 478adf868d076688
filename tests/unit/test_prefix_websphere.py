"""IBM WebSphere's basic format and Open Liberty's messages.log: `[M/d/yy H:mm:ss:SSS zone] thread
component type message`, the type one letter; SystemErr's per-line traces are one exception."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.prefix.auto import AutoParser
from parsers.prefix.websphere import LEVEL_OF_TYPE
from tests.unit.tiled_events import tiled_events


@given(st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59, 59)), st.integers(0, 0xFFFFFFFF),
       st.sampled_from(["ManagerAdmin", "WebContainer", "SystemOut", "com.ibm.ws.kernel.launch.internal.FrameworkManager"]),
       st.sampled_from(sorted(LEVEL_OF_TYPE)), st.from_regex(r"[A-Z]{4}\d{4}[IWE]: [A-Za-z][a-z ]{0,30}", fullmatch=True))
def test_header_fields(when, thread, component, kind, msg):
    ms = when.microsecond // 1000
    line = (f"[{when.month}/{when.day}/{when:%y} {when.hour}:{when:%M:%S}:{ms:03d} UTC] {thread:08x} "
            f"{component:<13} {kind} {msg}")
    got = AutoParser().parse(line)
    if when.day > 12 or when.day == when.month:  # otherwise the date reads month first, as in the US
        assert got.timestamp == f"{when:%Y-%m-%dT%H:%M:%S}.{ms:03d}+00:00"
    assert (got.thread, got.logger, got.level, got.message) == (f"{thread:08x}", component, LEVEL_OF_TYPE[kind], msg)


@pytest.mark.parametrize("line, timestamp", [
    ("[5/10/20 3:09:01:349 UTC] 00000001 ManagerAdmin  I   TRAS0017I: The startup trace state is *=info.",
     "2020-05-10T03:09:01.349+00:00"),
    ("[25/07/19 16:43:22:897 COT] 00000001 com.ibm.ws.kernel.launch.internal.FrameworkManager   A CWWKE0001I: ok",
     "2019-07-25T16:43:22.897+00:00"),  # a first number above 12 is the day
])
def test_dates_in_the_locale_short_form(line, timestamp):
    got = AutoParser().parse(line)
    assert got.timestamp == timestamp and got.level == "INFO" and got.thread == "00000001"


def test_systemerr_trace_written_a_line_a_record_is_one_exception():
    head = "[5/10/20 3:14:34:{:03d} UTC] 000000a1 SystemErr     R "
    lines = ["javax.servlet.ServletException: IWAE0037E Could not open /apps/CertLoginSample.war",
             "\tat com.ibm.ws.console.appmanagement.AppManagementHelper.copyToWorkspace(AppManagementHelper.java:892)",
             "\tat com.ibm.ws.console.appmanagement.action.UploadAction.execute(UploadAction.java:140)",
             "Caused by: java.io.FileNotFoundException: /apps/CertLoginSample.war",
             "\tat java.io.FileInputStream.open0(Native Method)"]
    text = "".join(head.format(676 + i) + line + "\n" for i, line in enumerate(lines))
    text += "[5/10/20 3:14:35:001 UTC] 00000001 WsServerImpl  A   WSVR0001I: Server server1 open for e-business\n"
    exc, audit = tiled_events(text.encode())
    assert (exc.kind, exc.level, exc.thread, exc.error_type) == ("exception", "ERROR", "000000a1",
                                                                 "javax.servlet.ServletException")
    assert exc.root_cause_type == "java.io.FileNotFoundException"
    assert (audit.level, audit.logger, audit.message) == ("INFO", "WsServerImpl", "WSVR0001I: Server server1 open for e-business")
