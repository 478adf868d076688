"""Properties of structured lines: any JSON object line with a time field is a record of
its own with its fields, and a trace inside a field is read as the same trace written
over lines."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.masking import Masker
from parsers.options import ParseOptions
from parsers.prefix.structured_fields import LEVEL, LOGGER, MESSAGE, THREAD, TIME

SOURCE = Source("pay-01", "pay", "/var/log/pay/app.json", "f1")
NOW_MS = 1_795_658_400_000


def masked(text: str) -> str:
    """`text` as the default masking leaves it (a field's value may look like a phone number)."""
    return Masker(ParseOptions().masking).mask(text)[0]


def events(text: str) -> list[Event]:
    asm = Assembler(ParseOptions(timezone="UTC"), SOURCE, 0)
    data = text.encode()
    return asm.feed(data, 0, NOW_MS) + asm.finish(NOW_MS)


_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
_NAME = st.builds(lambda a, b: f"com.{a}.{b.capitalize()}", _WORD, _WORD)
_TIMES = st.sampled_from([
    ("2024-05-01T10:00:00.123+08:00", "2024-05-01T10:00:00.123+08:00"),
    ("2024-05-01T02:00:00.123Z", "2024-05-01T02:00:00.123+00:00"),
    ("2024-05-01 10:00:00,123", "2024-05-01T10:00:00.123+00:00"),
    (1714557600.123, "2024-05-01T10:00:00.123+00:00"),
    (1714557600123, "2024-05-01T10:00:00.123+00:00"),
])
_LEVELS = st.sampled_from([("ERROR", "ERROR"), ("warn", "WARN"), ("warning", "WARN"), ("info", "INFO"), (50, "ERROR"),
                           (30, "INFO"), ("DEBUG", "DEBUG")])


@st.composite
def json_records(draw):
    """A JSON object with a time field under any of its names, and maybe the others."""
    fields: dict = {}
    expect: dict = {}
    time_value, expect["timestamp"] = draw(_TIMES)
    fields[draw(st.sampled_from([n for n in TIME if n not in ("t", "instant", "timeMillis")]))] = time_value
    for names, attr, values in ((LEVEL, "level", _LEVELS), (LOGGER, "logger", _NAME.map(lambda v: (v, v))),
                                (THREAD, "thread", _WORD.map(lambda v: (v, v))),
                                (MESSAGE, "message", _TEXT.filter(str.strip).map(lambda v: (v, v)))):
        if draw(st.booleans()):
            name = draw(st.sampled_from([n for n in names if "." not in n]))
            if name in fields:
                continue
            fields[name], expect[attr] = draw(values)
    for key in draw(st.lists(_WORD, max_size=3)):  # fields of the application's own
        fields.setdefault(f"x_{key}", draw(st.one_of(_TEXT, st.integers(), st.booleans())))
    order = draw(st.permutations(list(fields)))
    return {k: fields[k] for k in order}, expect


@settings(max_examples=200, deadline=None)
@given(json_records(), st.sampled_from(["", "2024-05-01 09:59:59.000 INFO [main] c.x.Before - before\n",
                                        "java.lang.IllegalStateException: x\n\tat c.x.A.b(A.java:1)\n"]))
@example(({"@timestamp": "2024-05-01T10:00:00.123+08:00", "x_a": 13_000_000_000},  # a mobile number's shape
          {"timestamp": "2024-05-01T10:00:00.123+08:00"}), "")
def test_a_json_line_with_a_time_field_starts_a_record_and_keeps_its_fields(record, before) -> None:
    fields, expect = record
    line = json.dumps(fields, ensure_ascii=False)
    evs = events(before + line + "\n")
    ev = evs[-1]
    assert ev.offset == len(before.encode()), "the JSON line starts a record of its own"
    assert ev.timestamp == expect["timestamp"]
    assert ev.level == expect.get("level")
    assert ev.logger == expect.get("logger")
    assert ev.thread == expect.get("thread")
    if "message" in expect:
        assert ev.message == masked(expect["message"])
    else:
        assert ev.message == masked(line)  # no message field: the line itself, nothing lost but masked values


_JAVA_FRAME = st.builds(lambda c, m, n: f"\tat com.pay.{c.capitalize()}.{m}({c.capitalize()}.java:{n})",
                        _WORD, _WORD, st.integers(1, 999))
_JAVA_EXC = st.builds(lambda p, n, msg: f"com.{p}.{n.capitalize()}{'Exception'}" + (f": {msg}" if msg else ""),
                      _WORD, _WORD, st.one_of(st.just(""), _WORD))


@st.composite
def java_traces(draw) -> str:
    lines = [draw(_JAVA_EXC), *draw(st.lists(_JAVA_FRAME, min_size=1, max_size=5))]
    for _ in range(draw(st.integers(0, 2))):
        lines.append("Caused by: " + draw(_JAVA_EXC))
        lines += draw(st.lists(_JAVA_FRAME, min_size=1, max_size=3))
        if draw(st.booleans()):
            lines.append(f"\t... {draw(st.integers(1, 40))} more")
    return "\n".join(lines)


@st.composite
def python_traces(draw) -> str:
    lines = ["Traceback (most recent call last):"]
    for _ in range(draw(st.integers(1, 4))):
        lines += [f'  File "/app/{draw(_WORD)}.py", line {draw(st.integers(1, 500))}, in {draw(_WORD)}',
                  f"    {draw(_WORD)}()"]
    kind = draw(st.sampled_from(["ValueError", "KeyError", "pay.errors.Declined"]))
    lines.append(f"{kind}: {draw(_WORD)}")
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(st.one_of(java_traces(), python_traces()), _WORD, st.sampled_from(["stack_trace", "stacktrace", "exc_info",
                                                                          "error.stack_trace"]))
def test_a_trace_in_a_field_is_read_as_the_same_trace_written_over_lines(trace, word, field) -> None:
    msg = f"order {word} failed"
    record = {"@timestamp": "2024-05-01T10:00:00.123Z", "level": "ERROR", "logger_name": "com.pay.Orders",
              "thread_name": "main", "message": msg}
    if field == "error.stack_trace":
        record["error"] = {"stack_trace": trace}
    else:
        record[field] = trace
    (from_json,) = events(json.dumps(record) + "\n")
    (from_lines,) = events(f"2024-05-01 10:00:00.123 ERROR [main] com.pay.Orders - {msg}\n{trace}\n")
    assert from_lines.kind == "exception"
    assert from_json.kind == "exception"
    assert from_json.message == from_lines.message == msg
    assert from_json.error_type == from_lines.error_type
    assert from_json.error_message == from_lines.error_message
    assert from_json.root_cause_type == from_lines.root_cause_type
    assert from_json.signature == from_lines.signature
    assert from_json.stack_trace == from_lines.stack_trace


def _logfmt_value(text: str) -> str:
    if text and all(c.isalnum() or c in "._-:/" for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([("time", "2024-05-01T10:00:00.123+08:00", "2024-05-01T10:00:00.123+08:00"),
                        ("ts", "2024-05-01T02:00:00.5Z", "2024-05-01T02:00:00.5+00:00"),
                        ("t", "2024-05-01T02:00:00Z", "2024-05-01T02:00:00+00:00")]),
       _LEVELS.filter(lambda lv: isinstance(lv[0], str)),
       st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip),
       st.dictionaries(_WORD.map(lambda w: f"x_{w}"), _TEXT, max_size=3), st.randoms())
def test_a_logfmt_line_with_a_time_starts_a_record_and_keeps_its_fields(time, level, msg, extra, rnd) -> None:
    key, value, iso = time
    pairs = [f"{key}={value}", f"level={level[0]}", f"msg={_logfmt_value(msg)}",
             *(f"{k}={_logfmt_value(v)}" for k, v in extra.items())]
    rnd.shuffle(pairs)
    before = "2024-05-01 09:59:59.000 INFO [main] c.x.Before - before\n"
    evs = events(before + " ".join(pairs) + "\n")
    ev = evs[-1]
    assert ev.offset == len(before.encode())
    assert (ev.timestamp, ev.level, ev.message) == (iso, level[1], msg)
