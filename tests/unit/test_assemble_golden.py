"""Golden files of the assembler, Fluent Bit style: `data/assemble/<behaviour>.log` in,
`<behaviour>.expected.jsonl` out (one compact line per event, the fields that matter).
An optional `<behaviour>.toml` is loaded with the config loader: its first `[[inputs]]`
entry gives format and multiline, the rest (tables, bounds, ...) as for any input.

After a deliberate change of behaviour, regenerate and review the diff:
    LOGPIPE_REGEN_GOLDEN=1 python3 -m pytest tests/unit/test_assemble_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parsers.assemble import Assembler, Source
from parsers.event import Event, event_id
from parsers.options import ParseOptions
from pipeline.config.load import parse_config, to_parse_options

DATA = Path(__file__).parent / "data" / "assemble"
CASES = sorted(p.stem for p in DATA.glob("*.log"))
NOW_MS = 1_795_658_400_000
FIELDS = ("offset", "end_offset", "kind", "level", "logger", "thread", "timestamp", "message", "error_type",
          "error_message", "root_cause_type", "root_cause_message", "signature", "duration_ns", "method_name",
          "sql_statement", "sql_fingerprint", "sql_params", "sql_rows", "table_name", "table_fields",
          "trace_ids", "truncated", "masked", "flags")


def options_for(case: str) -> ParseOptions:
    toml = DATA / f"{case}.toml"
    if not toml.exists():
        return ParseOptions()
    cfg = parse_config(toml.read_text(encoding="utf-8"), source=str(toml))
    return to_parse_options(cfg, cfg.inputs[0] if cfg.inputs else None)


def compact(ev: Event) -> dict:
    """The fields of an event that a golden file pins (empty ones left out)."""
    out = {}
    for name in FIELDS:
        value = getattr(ev, name)
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = value  # offsets and durations, 0 included
        elif value:
            out[name] = value
    if ev.stack_trace:
        out["stack_lines"] = ev.stack_trace.count("\n") + 1
    return out


def assemble(data: bytes, options: ParseOptions, chunk_bytes: int | None = None) -> list[Event]:
    asm = Assembler(options, Source("pay-01", "pay", "/var/log/pay/app.log", "f1"), 0)
    size = chunk_bytes or max(1, len(data))
    events = []
    for start in range(0, len(data), size):
        events += asm.feed(data[start:start + size], start, NOW_MS)
    return events + asm.finish(NOW_MS)


def render(events: list[Event]) -> str:
    return "".join(json.dumps(compact(ev), ensure_ascii=False, sort_keys=True) + "\n" for ev in events)


@pytest.mark.parametrize("case", CASES)
def test_golden_file_gives_the_expected_events(case: str) -> None:
    data = (DATA / f"{case}.log").read_bytes()
    got = render(assemble(data, options_for(case)))
    expected = DATA / f"{case}.expected.jsonl"
    if os.environ.get("LOGPIPE_REGEN_GOLDEN") or not expected.exists():
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_golden_events_cover_every_byte_once_and_have_deterministic_ids(case: str) -> None:
    data = (DATA / f"{case}.log").read_bytes()
    events = assemble(data, options_for(case))
    assert [ev.offset for ev in events][0] == 0
    for ev, nxt in zip(events, events[1:]):
        assert ev.end_offset == nxt.offset
    assert events[-1].end_offset == len(data)
    assert all(ev.id == event_id("pay-01", "f1", ev.offset) for ev in events)


@pytest.mark.parametrize("case", CASES)
def test_golden_file_fed_one_byte_at_a_time_gives_the_same_events(case: str) -> None:
    data = (DATA / f"{case}.log").read_bytes()
    options = options_for(case)
    assert render(assemble(data, options, 1)) == render(assemble(data, options))


@pytest.mark.parametrize("second,level", [("SEVERE: Failed to init", "SEVERE"), ("严重: Failed to init", "SEVERE"),
                                          ("警告: Failed to init", "WARN"), ("INFO: Failed to init", "INFO")])
def test_a_java_util_logging_record_takes_its_level_and_message_from_its_second_line(second, level):
    data = f"八月 20, 2013 7:33:01 下午 org.apache.coyote.AbstractProtocol init\n{second}\n".encode()
    (ev,) = assemble(data, ParseOptions())
    assert (ev.level, ev.message, ev.logger) == (level, "Failed to init", "org.apache.coyote.AbstractProtocol.init")
    assert ev.timestamp == "2013-08-20T19:33:01+00:00"


def test_a_gbk_line_of_a_chinese_windows_server_is_read_as_chinese_and_flagged():
    data = "2019-01-02 03:04:05.678 [main] INFO  c.f.PayService - 订单 20190102 支付完成 耗时 35ms\n".encode("gbk")
    data += b"2019-01-02 03:04:05.679 [main] INFO  c.f.PayService - bad \xff\xfe bytes\n"
    first, second = assemble(data, ParseOptions())
    assert first.message == "订单 20190102 支付完成 耗时 35ms" and first.flags == ["gb18030"]
    assert first.kind == "method" and first.duration_ns == 35_000_000
    assert second.flags == ["invalid_utf8"] and "\ufffd" in second.message
