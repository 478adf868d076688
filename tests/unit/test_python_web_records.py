"""Records of Python web stacks read with zero configuration: access log lines among
application records (gunicorn, uWSGI behind nginx, Apache), a quoted source position
before the level, and a traceback whose first line ends a log message
(`logger.info("failed: " + traceback.format_exc())`)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions
from parsers.prefix.auto import AutoParser
from parsers.stacktrace.python import split_embedded_start

NOW_MS = 1_795_658_400_000
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def events(text: str) -> list[Event]:
    asm = Assembler(ParseOptions(), Source("web-01", "web", "/var/log/web/gunicorn.log", "f1"), 0)
    data = text.encode()
    return asm.feed(data, 0, NOW_MS) + asm.finish(NOW_MS)


_OCTET = st.integers(0, 255).map(str)
_IPV4 = st.tuples(_OCTET, _OCTET, _OCTET, _OCTET).map(".".join)
_HOST = st.sampled_from(["::1", "2001:db8::7", "web01.example.com", "localhost", "-"])
_IDENT = st.sampled_from(["", " - -", " - frank", " -"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(_IPV4, _HOST), _IDENT, st.integers(1, 28), st.sampled_from(MONTHS), st.integers(2000, 2030),
       st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.sampled_from(["+0800", "-0700", "+0000"]),
       st.sampled_from([' "GET / HTTP/1.1" 200 5', ' 0.040786s "POST /api/v1/x/ HTTP/1.1" 201 2', ""]))
def test_an_access_log_line_starts_a_record_timed_by_its_bracket(host, ident, d, mon, y, h, mi, s, zone, rest):
    line = f"{host}{ident} [{d:02d}/{mon}/{y}:{h:02d}:{mi:02d}:{s:02d} {zone}]{rest}"
    p = AutoParser().parse(line)
    assert p.format == "auto"
    month = MONTHS.index(mon) + 1
    assert p.timestamp == f"{y}-{month:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{zone[:3]}:{zone[3:]}"
    assert p.message == line


def test_words_before_an_access_log_time_are_message_text_not_a_record_start():
    for line in ("see the request [10/Oct/2000:13:55:36 -0700] above", "at [10/Oct/2000:13:55:36 -0700]"):
        assert AutoParser().parse(line).format == "raw"


TRACE_THEN_ACCESS = """\
2022-07-28 19:18:42 [log ERROR] Internal Server Error: /api/v1/users/profile/
Traceback (most recent call last):
  File "/srv/app/views.py", line 12, in get
    return uuid.UUID(value)
ValueError: badly formed hexadecimal UUID string
192.168.250.6 [28/Jul/2022:19:18:42 +0800] 0.040786s "GET /api/v1/users/profile/ HTTP/1.1" 500 180
10.0.0.7 - - [28/Jul/2022:19:18:43 +0800] "GET /api/health/ HTTP/1.1" 200 136
2022-07-28 19:18:44 [log INFO] ready
"""


def test_access_lines_after_a_traceback_are_records_of_their_own():
    evs = events(TRACE_THEN_ACCESS)
    assert [e.kind for e in evs] == ["exception", "line", "line", "line"]
    assert evs[0].error_type == "ValueError"
    assert evs[0].stack_trace.endswith("ValueError: badly formed hexadecimal UUID string")
    assert evs[1].message.startswith("192.168.250.6 [28/Jul/2022:19:18:42 +0800]")
    assert evs[2].message.startswith("10.0.0.7 - - [28/Jul/2022:19:18:43 +0800]")


def test_a_quoted_source_position_before_the_level_is_a_prefix_field():
    p = AutoParser().parse('2023-03-28 16:41:23,023 "tasks:setUp:153" [INFO]- case started')
    assert (p.level, p.extra, p.message) == ("INFO", {"source": "tasks:setUp:153"}, "case started")
    p = AutoParser().parse('2023-03-28 16:41:23,023 "quoted words" say it')
    assert (p.level, p.message) == (None, '"quoted words" say it')


_HEAD = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60).filter(
    lambda t: t.strip() and "Traceback" not in t)


@settings(max_examples=200, deadline=None)
@given(_HEAD, st.sampled_from(["ValueError", "KeyError", "requests.exceptions.HTTPError"]))
def test_a_message_ending_with_format_exc_is_an_exception_record(head, exc):
    text = (f"2023-03-28 16:41:23,023 ERROR app {head.strip()}Traceback (most recent call last):\n"
            '  File "/srv/app/tasks.py", line 144, in run\n'
            "    self.step()\n"
            f"{exc}: it failed\n"
            "\n"
            "2023-03-28 16:41:23,025 INFO app next\n")
    first = events(text)[0]
    assert (first.kind, first.error_type, first.error_message) == ("exception", exc, "it failed")
    assert first.stack_trace.startswith("Traceback (most recent call last):\n  File")
    assert "Traceback" not in first.message


def test_the_embedded_start_is_split_only_when_the_first_traceback_line_ends_a_message():
    plain = ["msg", "Traceback (most recent call last):", '  File "x.py", line 1, in f', "E: x"]
    assert split_embedded_start(plain) == plain
    mid = ["see Traceback (most recent call last): in the docs"]
    assert split_embedded_start(mid) == mid
    assert split_embedded_start(["error:Traceback (most recent call last):\r", "E: x"]) == \
        ["error:", "Traceback (most recent call last):", "E: x"]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 300), st.text("0123456789", min_size=1, max_size=20))
def test_a_celery_task_runtime_in_pythons_float_repr_is_its_duration(whole, frac):
    # celery writes the runtime with %s: Python's repr of a float, up to 17 digits after the point and more
    line = (f"[2023-06-06 16:07:46,426: INFO/ForkPoolWorker-7] Task app.celery.add"
            f"[13da74f5-f85f-488f-ab69-d3c2401e7943] succeeded in {whole}.{frac}s: None\n")
    [ev] = events(line)
    want = whole * 10**9 + (int(frac) * 10**9 + 10 ** len(frac) // 2) // 10 ** len(frac)
    assert (ev.kind, ev.duration_ns) == ("method", want)


_LOGGER = st.from_regex(r"[a-z_][a-z0-9_]{0,15}(\.[a-z_][a-z0-9_]{0,15}){0,3}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(_LOGGER, st.sampled_from(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
       # a lone dotted word is left out: alone on its line it is the logger of `%logger%n - %msg`
       # (RuoYi-Vue-Plus' console layout), whose message is on the next line
       st.from_regex(r"[A-Za-z][\w ,./:]{0,40}[\w.]", fullmatch=True).filter(lambda m: " " in m or "." not in m))
def test_a_name_and_the_level_in_one_bracket_are_logger_and_level(name, level, message):
    # `%(asctime)s [%(module)s %(levelname)s] %(message)s`
    p = AutoParser().parse(f"2022-07-28 19:18:42 [{name} {level}] {message}")
    assert (p.level, p.logger, p.thread) == ({"WARNING": "WARN"}.get(level, level), name, None)
    assert p.message == message


UVICORN = """\
INFO:     Started server process [12345]
ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/app/main.py", line 10, in read
    raise ValueError("boom")
ValueError: boom
INFO:     127.0.0.1:52311 - "GET /boom HTTP/1.1" 500 Internal Server Error
2024-01-01 10:00:00,123 - app.main - INFO - computed
WARNING:  Invalid HTTP request received.
"""


def test_uvicorns_padded_level_prefix_starts_a_record_and_heads_its_traceback():
    evs = events(UVICORN)
    assert [(e.kind, e.level) for e in evs] == [("line", "INFO"), ("exception", "ERROR"), ("line", "INFO"),
                                                ("line", "INFO"), ("line", "WARN")]
    assert (evs[1].message, evs[1].error_type) == ("Exception in ASGI application", "ValueError")
    assert evs[4].message == "Invalid HTTP request received."


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]), st.sampled_from([": ", ":", " "]),
       st.from_regex(r"[A-Za-z][\w .:/-]{0,30}", fullmatch=True))
def test_a_line_that_opens_with_a_level_after_pythons_exception_line_is_a_record_of_its_own(level, sep, text):
    """More lines of the exception's message stay with it (`when serializing ...`); a print's or
    a logger's line that opens with a level (`DEBUG: token ok`) does not."""
    evs = events("ERROR:    Exception in ASGI application\n"
                 "Traceback (most recent call last):\n"
                 '  File "/srv/app/main.py", line 9, in pay\n'
                 "    return json.dumps(x)\n"
                 "ValueError: Out of range float values are not JSON compliant: nan\n"
                 "when serializing dict item 'open'\n"
                 f"{level}{sep}{text}\n")
    raw = AutoParser().parse(f"{level}{sep}{text}")
    if raw is None or raw.level is None:
        return  # no level read at the line's start (`INFO:x` may be a name): the message's next line
    exc, line = evs
    assert exc.kind == "exception" and exc.error_message.endswith("when serializing dict item 'open'")
    assert (line.kind, line.level) == ("line", raw.level)


@given(st.sampled_from(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "TRACE"]), st.integers(0, 8),
       st.from_regex(r"[A-Za-z][\w .:/-]{0,30}", fullmatch=True))
def test_only_the_padding_that_puts_the_message_at_column_ten_is_uvicorns(level, spaces, message):
    line = f"{level}:{' ' * spaces}{message}"
    p = AutoParser().parse(line)
    if len(level) + 1 + spaces == 10:
        assert (p.format, p.level, p.message) == ("auto", {"WARNING": "WARN"}.get(level, level), message)
    else:
        assert p.format == "raw" or p.message != message  # java.util.logging's `INFO: msg` is no record start


UWSGI = """\
2024-05-02 10:00:00,100 ERROR django.request Internal Server Error: /pay/
Traceback (most recent call last):
  File "/srv/app/views.py", line 12, in pay
    raise KeyError("order")
KeyError: 'order'
[pid: 21|app: 0|req: 3/11] 10.0.0.7 () {46 vars in 1090 bytes} [Thu May  2 10:00:00 2024] POST /pay/ => \
generated 145 bytes in 212 msecs (HTTP/1.0 500) 5 headers in 150 bytes (1 switches on core 0)
{address space usage: 3510857728 bytes/3348MB} {rss usage: 103940096 bytes/99MB} [pid: 22|app: 0|req: 174/680] \
10.0.0.8 () {48 vars in 919 bytes} [Thu May  2 10:00:01 2024] GET /health => generated 2 bytes in 3 msecs \
(HTTP/1.1 200) 3 headers in 226 bytes (1 switches on core 1)
"""


def test_uwsgis_request_lines_are_records_timed_by_their_ctime_and_msecs():
    evs = events(UWSGI)
    assert [e.kind for e in evs] == ["exception", "method", "method"]
    assert evs[0].error_type == "KeyError"
    assert [e.duration_ns for e in evs[1:]] == [212_000_000, 3_000_000]
    assert [e.timestamp for e in evs[1:]] == ["2024-05-02T10:00:00+00:00", "2024-05-02T10:00:01+00:00"]


TWO_HANDLERS = ["%(asctime)s %(levelname)s %(name)s %(message)s",  # SQLAlchemy's echo handler
                "%(asctime)s - %(name)s - %(levelname)s - %(message)s",  # logging's cookbook layout
                "%(asctime)s %(levelname)s [%(name)s] %(message)s"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(range(len(TWO_HANDLERS))), st.sampled_from(["INFO", "WARNING", "ERROR"]),
                          st.sampled_from(["sqlalchemy.engine.Engine", "app.api.orders", "uvicorn.error"]),
                          st.sampled_from(["SELECT id FROM orders WHERE id = ?", "BEGIN (implicit)", "order 42 paid"])),
                min_size=2, max_size=12))
def test_records_of_two_layouts_in_one_file_read_as_in_files_of_their_own(records):
    import logging
    lines = []
    for which, level, name, msg in records:
        rec = logging.LogRecord(name, getattr(logging, level), "/srv/app.py", 1, msg, None, None)
        rec.created, rec.msecs = 1_795_669_201.0, 436
        lines.append(logging.Formatter(TWO_HANDLERS[which]).format(rec))
    mixed = events("\n".join(lines) + "\n")
    alone = [events(line + "\n")[0] for line in lines]
    assert [(e.level, e.logger, e.message, e.kind) for e in mixed] == [(e.level, e.logger, e.message, e.kind) for e in alone]
