"""log4j's `%d{dd-MMM HH:mm:ss}` (no year; the date hint's): a record start among other
layouts (KonaKart's log4j in Tomcat's catalina.out, between JUL's two-line records)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from parsers.prefix.auto import AutoParser
from tests.unit.tiled_events import tiled_events


@given(st.datetimes(datetime(2013, 1, 1), datetime(2013, 12, 31, 23, 59, 59)), st.sampled_from(["WARN ", "ERROR", "INFO "]))
def test_day_and_month_name_take_the_hints_year(when, level):
    got = AutoParser(date_hint="2013-06-01").parse(f"{when:%d-%b %H:%M:%S} {level} (?:run:?) (KKEng) msg")
    assert got.timestamp == f"{when:%Y-%m-%dT%H:%M:%S}+00:00" and got.level == level.strip()


def test_the_log4j_record_is_no_part_of_the_jul_record_before_it():
    log = ("Sep 20, 2013 7:18:41 PM org.apache.catalina.startup.HostConfig deployDirectory\n"
           "INFO: Deploying web application directory konakart\n"
           "20-Sep 19:19:13 ERROR (?:handleException:?) com.konakart.al.KKAppException: There has been an exception\n"
           "\tat com.konakart.al.ConfigCacheUpdater.run(ConfigCacheUpdater.java:88)\n"
           "Sep 20, 2013 7:18:43 PM org.apache.catalina.startup.Catalina start\n"
           "INFO: Server startup in 5690 ms\n").encode()
    deploy, failure, startup = tiled_events(log, date_hint="2013-09-21")
    assert (deploy.level, failure.kind, failure.level) == ("INFO", "exception", "ERROR")
    assert failure.error_type == "com.konakart.al.KKAppException" and failure.timestamp == "2013-09-20T19:19:13+00:00"
    assert (startup.kind, startup.duration_ns) == ("method", 5_690_000_000)
