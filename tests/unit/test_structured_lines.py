"""JSON-lines and logfmt logs with no configuration: each library's layout read into the
event's fields, traces in fields, timings in messages and fields, and lines that only
look structured."""

from __future__ import annotations

import pytest

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions

SOURCE = Source("pay-01", "pay", "/var/log/pay/app.log", "f1")
NOW_MS = 1_795_658_400_000


def events(text: str) -> list[Event]:
    asm = Assembler(ParseOptions(timezone="Asia/Shanghai"), SOURCE, 0)
    return asm.feed(text.encode(), 0, NOW_MS) + asm.finish(NOW_MS)


def one(line: str) -> Event:
    (ev,) = events(line + "\n")
    return ev


LAYOUTS = [
    # (library, line, timestamp, level, logger, thread, message)
    ("logstash-logback-encoder",
     '{"@timestamp":"2024-05-01T10:00:00.123+08:00","@version":"1","message":"paid","logger_name":"com.x.Pay",'
     '"thread_name":"http-nio-8080-exec-1","level":"INFO","level_value":20000}',
     "2024-05-01T10:00:00.123+08:00", "INFO", "com.x.Pay", "http-nio-8080-exec-1", "paid"),
    ("Spring Boot ECS",
     '{"@timestamp":"2024-05-01T02:00:00.123Z","log.level":"WARN","process.pid":1,"process.thread.name":"main",'
     '"service.name":"pay","log.logger":"com.x.Pay","message":"slow","ecs.version":"8.11"}',
     "2024-05-01T02:00:00.123+00:00", "WARN", "com.x.Pay", "main", "slow"),
    ("ECS nested",
     '{"@timestamp":"2024-05-01T02:00:00Z","log":{"level":"error","logger":"pay"},"message":"down"}',
     "2024-05-01T02:00:00+00:00", "ERROR", "pay", None, "down"),
    ("log4j2 JsonLayout",
     '{"instant":{"epochSecond":1714557600,"nanoOfSecond":123000000},"thread":"main","level":"ERROR",'
     '"loggerName":"com.x.Pay","message":"failed","endOfBatch":false}',
     "2024-05-01T10:00:00.123+00:00", "ERROR", "com.x.Pay", "main", "failed"),
    ("python-json-logger",
     '{"asctime": "2024-05-01 10:00:00,123", "levelname": "WARNING", "name": "pay.api", "message": "retry"}',
     "2024-05-01T10:00:00.123+08:00", "WARN", "pay.api", None, "retry"),
    ("structlog",
     '{"event": "charged", "level": "info", "timestamp": "2024-05-01T02:00:00.123456Z", "logger": "pay"}',
     "2024-05-01T02:00:00.123456+00:00", "INFO", "pay", None, "charged"),
    ("zap", '{"level":"error","ts":1714557600.123,"logger":"pay","caller":"pay/x.go:10","msg":"declined"}',
     "2024-05-01T10:00:00.123+00:00", "ERROR", "pay", None, "declined"),
    ("zerolog", '{"level":"warn","time":"2024-05-01T10:00:00+08:00","message":"queue full"}',
     "2024-05-01T10:00:00+08:00", "WARN", None, None, "queue full"),
    ("pino", '{"level":50,"time":1714557600123,"pid":7,"hostname":"h","name":"pay","msg":"boom"}',
     "2024-05-01T10:00:00.123+00:00", "ERROR", "pay", None, "boom"),
    ("logrus text", 'time="2024-05-01T10:00:00+08:00" level=error msg="db down" error="dial tcp: refused"',
     "2024-05-01T10:00:00+08:00", "ERROR", None, None, "db down"),
    ("go-kit", 'level=info ts=2024-05-01T02:00:00.123Z caller=main.go:5 msg="started"',
     "2024-05-01T02:00:00.123+00:00", "INFO", None, None, "started"),
    ("Spring Boot GELF",
     '{"version":"1.1","short_message":"paid","timestamp":1.714557600123E9,"level":4,"_level_name":"WARN",'
     '"_process_pid":1,"_process_thread_name":"main","host":"h","_log_logger":"com.x.Pay"}',
     "2024-05-01T10:00:00.123+00:00", "WARN", "com.x.Pay", "main", "paid"),
    ("GELF, a syslog severity alone",
     '{"version":"1.1","host":"h","short_message":"down","timestamp":1714557600,"level":3}',
     "2024-05-01T10:00:00.000+00:00", "ERROR", None, None, "down"),
    ("slog text", 'time=2024-05-01T10:00:00.123+08:00 level=INFO msg="hello world" user=7',
     "2024-05-01T10:00:00.123+08:00", "INFO", None, None, "hello world"),
]


@pytest.mark.parametrize("library,line,timestamp,level,logger,thread,message", LAYOUTS, ids=[c[0] for c in LAYOUTS])
def test_each_librarys_line_gives_its_fields(library, line, timestamp, level, logger, thread, message) -> None:
    ev = one(line)
    assert (ev.timestamp, ev.level, ev.logger, ev.thread, ev.message) == (timestamp, level, logger, thread, message)
    assert ev.kind == "line" and not ev.flags


JAVA_TRACE = ("java.lang.IllegalStateException: order 42\n\tat com.x.Pay.charge(Pay.java:10)\n"
              "Caused by: java.net.SocketTimeoutException: read timed out\n\tat com.x.Net.read(Net.java:3)\n\t... 1 more")


def test_a_stack_trace_field_is_the_records_trace() -> None:
    import json
    ev = one(json.dumps({"@timestamp": "2024-05-01T10:00:00Z", "level": "ERROR", "logger_name": "com.x.Pay",
                         "message": "charge failed", "stack_trace": JAVA_TRACE.replace("\n", "\r\n")}))
    assert ev.kind == "exception"
    assert ev.message == "charge failed"
    assert ev.error_type == "java.lang.IllegalStateException"
    assert ev.root_cause_type == "java.net.SocketTimeoutException"
    assert ev.stack_trace == JAVA_TRACE


def test_gelfs_full_message_is_the_message_and_its_trace_once() -> None:
    import json
    ev = one(json.dumps({"version": "1.1", "short_message": "charge failed", "timestamp": 1714557600.5,
                         "level": 3, "_level_name": "ERROR", "_log_logger": "com.x.Pay",
                         "full_message": "charge failed\n\n" + JAVA_TRACE}))
    assert (ev.kind, ev.level, ev.message) == ("exception", "ERROR", "charge failed")
    assert ev.error_type == "java.lang.IllegalStateException" and ev.stack_trace == JAVA_TRACE


def test_an_error_type_and_message_without_a_trace_make_a_one_line_trace() -> None:
    ev = one('{"@timestamp":"2024-05-01T10:00:00Z","log.level":"ERROR","message":"failed",'
             '"error.type":"java.lang.NullPointerException","error.message":"name is null"}')
    assert (ev.kind, ev.error_type, ev.error_message) == ("exception", "java.lang.NullPointerException", "name is null")


def test_a_python_exc_info_field_is_a_traceback() -> None:
    ev = one('{"asctime":"2024-05-01 10:00:00,123","levelname":"ERROR","name":"pay","message":"failed",'
             '"exc_info":"Traceback (most recent call last):\\n  File \\"/app/pay.py\\", line 3, in f\\n    g()\\n'
             'KeyError: \'amount\'"}')
    assert (ev.kind, ev.error_type, ev.message) == ("exception", "KeyError", "failed")


@pytest.mark.parametrize("line,ms", [
    ('{"ts":1714557600.1,"level":"info","msg":"charge took 35ms"}', 35),
    ('level=info ts=2024-05-01T02:00:00Z msg="write block" ulid=01H duration=63.59ms', 63.59),
    ('{"time":"2024-05-01T10:00:00Z","level":"INFO","msg":"request done","elapsed":"1.2s"}', 1200),
])
def test_a_timing_in_the_message_or_a_field_is_found(line: str, ms: float) -> None:
    ev = one(line)
    assert ev.kind == "method"
    assert ev.duration_ns == round(ms * 1_000_000)


def test_a_json_line_after_a_text_record_starts_its_own_record() -> None:
    text = ("2024-05-01 10:00:00.000 ERROR [main] c.x.A - failed\njava.lang.IllegalStateException: x\n"
            "\tat c.x.A.b(A.java:1)\n"
            '{"@timestamp":"2024-05-01T10:00:01Z","level":"INFO","message":"next"}\n'
            'time=2024-05-01T10:00:02Z level=info msg=after\n')
    evs = events(text)
    assert [e.message for e in evs] == ["failed", "next", "after"]
    assert evs[0].kind == "exception"


def test_a_logfmt_line_with_a_second_line_glued_in_stays_whole() -> None:
    ev = one('ts=2024-05-01T02:00:00Z level=error msg="commit failed" err="write to WAL:ts=2024-05-01T02:00:01Z '
             'level=info msg="write block" duration=76.08ms')
    assert ev.message.startswith("ts=2024-05-01T02:00:00Z level=error")  # the whole line: nothing lost
    assert ev.duration_ns == 76_080_000


def test_a_brace_line_that_is_not_json_is_flagged_and_kept() -> None:
    ev = one('{"level":"ERROR","message":"cut here')
    assert ev.message == '{"level":"ERROR","message":"cut here'
    bad = one("{not: json}")
    assert bad.message == "{not: json}" and "malformed_json" in bad.flags


def test_a_pretty_printed_object_stays_with_the_record_that_printed_it() -> None:
    text = '2024-05-01 10:00:00.000 INFO [main] c.x.A - response:\n{\n  "code": 200,\n  "data": {"id": 1}\n}\n'
    (ev,) = events(text)
    assert ev.message == 'response:\n{\n  "code": 200,\n  "data": {"id": 1}\n}'
    assert not ev.flags


def test_sentences_and_objects_that_are_not_records_stay_plain() -> None:
    assert one('{"code":200,"data":[1,2]}').flags == []
    assert one("total=3 ok=2").message == "total=3 ok=2"
    assert one("level=high is not a record").message == "level=high is not a record"


def test_console_colours_in_level_and_logger_values_are_read_through() -> None:
    ev = one('{"timestamp": "2026-05-27T08:03:59.486751+00:00", "level": "\\u001b[31mERROR\\u001b[0m", '
             '"logger": "\\u001b[1mapp.api\\u001b[0m", "message": "failed"}')
    assert (ev.level, ev.logger) == ("ERROR", "app.api")


def test_a_traceback_inside_the_message_is_the_records_trace() -> None:
    ev = one('{"timestamp": "2026-05-27T08:03:59Z", "level": "ERROR", "message": "poller error:\\n'
             'Traceback (most recent call last):\\n  File \\"/app/x.py\\", line 3, in f\\n    g()\\n'
             'ConnectionError: gone"}')
    assert (ev.kind, ev.message, ev.error_type) == ("exception", "poller error:", "ConnectionError")
