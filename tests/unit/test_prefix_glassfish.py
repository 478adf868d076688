"""GlassFish's and Payara's server.log (the uniform log format): `[time] [product] [LEVEL] [id]
[logger] [tid: _ThreadID=N _ThreadName=name] [...] [[` then the message to `]]`; a record and
its trace, the closing `]]` included, are one event, and a message line that opens with a
time of its own is the record's."""

from __future__ import annotations

from parsers.event import Event
from parsers.prefix.auto import AutoParser
from tests.unit.tiled_events import tiled_events

HEAD = ("[2018-10-09T21:04:33.065+0200] [glassfish 5.0] [{level}] [] [javax.enterprise.system.core] "
        "[tid: _ThreadID=59 _ThreadName=deployment-jar-scanner] [timeMillis: 1539111873065] [levelValue: 1000] [[")


def run(text: str) -> list[Event]:
    return tiled_events(text.encode())


def test_header_fields():
    got = AutoParser().parse(HEAD.format(level="WARNING") + "  Loading application [RSI] at [/RSI]]]")
    assert (got.timestamp, got.level, got.logger, got.thread) == (
        "2018-10-09T21:04:33.065+02:00", "WARN", "javax.enterprise.system.core", "deployment-jar-scanner")
    assert got.message == "Loading application [RSI] at [/RSI]"


def test_a_record_with_its_trace_and_closing_brackets_is_one_event():
    record = (HEAD.format(level="SEVERE") + "\n  Exception while visiting org/json/JSONString.class of size 156\n"
              "java.lang.IllegalArgumentException\n"
              "\tat org.glassfish.hk2.external.org.objectweb.asm.ClassReader.<init>(ClassReader.java:169)\n"
              "\tat java.lang.Thread.run(Thread.java:748)\n]]\n\n")
    first, second = run(record + record)
    assert (first.kind, first.level, first.error_type) == ("exception", "SEVERE", "java.lang.IllegalArgumentException")
    assert first.end_offset == len(record) and second.offset == len(record)


def test_a_message_that_opens_with_its_own_time_is_the_records():
    record = (HEAD.format(level="INFO") + "\n  2023-05-08 09:11:41,487 [DEBUG] DaoManager created dao for class Event]]\n\n")
    events = run(record * 3)
    assert [e.offset for e in events] == [0, len(record), 2 * len(record)]
    assert all(e.level == "INFO" and "DaoManager created dao" in e.message for e in events)
