"""Container runtime log files (Docker `json-file`, containerd / CRI-O): the lines the
container printed are read as if the application had written the file, an ERROR line
and its trace printed as separate envelopes join again, and the events' offsets still
cover the runtime's file exactly once."""

from __future__ import annotations

from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.assemble import Assembler, Source
from parsers.container import unwrap
from parsers.event import Event
from parsers.options import ParseOptions

DATA = Path(__file__).parent / "data" / "assemble"
# Every corpus file but those about bytes (invalid UTF-8, a line past the bound): an
# envelope changes a line's bytes, not its text.
CORPUS = [p.read_text("utf-8") for p in sorted(DATA.glob("*.log"))
          if not p.name.startswith(("invalid-utf8", "over-long"))]
SOURCE = Source("node-1", "pay", "/var/log/containers/pay.log", "f1")
NOW_MS = 1_795_658_400_000
TIME = "2026-12-02T07:00:00.123456789Z"


def docker(line: str, stream: str = "stdout") -> str:
    return orjson.dumps({"log": line + "\n", "stream": stream, "time": TIME}).decode()


def cri(line: str, stream: str = "stdout", tag: str = "F") -> str:
    return f"{TIME} {stream} {tag} {line}"


def events(text: str, cuts: list[int] = ()) -> tuple[bytes, list[Event]]:
    data = text.encode()
    asm = Assembler(ParseOptions(), SOURCE)
    out: list[Event] = []
    bounds = [0, *sorted(c for c in set(cuts) if 0 < c < len(data)), len(data)]
    for a, b in zip(bounds, bounds[1:]):
        out += asm.feed(data[a:b], a, NOW_MS)
    return data, out + asm.finish(NOW_MS)


def meaning(evs: list[Event]) -> list[tuple]:
    return [(e.kind, e.message, e.level, e.logger, e.thread, e.error_type, e.root_cause_type,
             e.signature, e.duration_ns, e.sql_fingerprint, e.method_name, tuple(e.flags)) for e in evs]


def test_an_error_line_and_its_trace_printed_as_docker_envelopes_are_one_exception_event() -> None:
    lines = ["2026-12-02 07:00:00.123 ERROR 1 --- [nio-8080-exec-1] c.e.PayController : 支付失败 订单号 42",
             "java.lang.IllegalStateException: 订单不存在",
             "\tat com.example.PayService.pay(PayService.java:42)",
             "\tat com.example.PayController.pay(PayController.java:17)",
             "2026-12-02 07:00:01.000  INFO 1 --- [nio-8080-exec-2] c.e.PayController : ok 耗时 35ms"]
    data, evs = events("".join(docker(x, "stderr" if i < 4 else "stdout") + "\n" for i, x in enumerate(lines)))
    assert [(e.kind, e.level, e.error_type, e.duration_ns) for e in evs] == [
        ("exception", "ERROR", "java.lang.IllegalStateException", None), ("method", "INFO", None, 35_000_000)]
    assert evs[0].message == "支付失败 订单号 42" and "PayService.java:42" in evs[0].stack_trace
    assert (evs[0].offset, evs[0].end_offset, evs[1].end_offset) == (0, data.index(b'{"log":"2026-12-02 07:00:01'),
                                                                     len(data))


def test_cri_lines_and_a_piece_of_a_long_line_keep_every_character() -> None:
    head = "2026-12-02 07:00:00.123 [main] WARN  c.e.Batch - settle batch 7 took 1200 ms, rows="
    text = cri(head[:40], tag="P") + "\n" + cri(head[40:]) + "\n" + cri("2026-12-02 07:00:02.000 [main] INFO  c.e.Batch - done") + "\n"
    _, evs = events(text)
    assert len(evs) == 2
    assert evs[0].message.replace("\n", "").endswith(head[head.index("settle"):])  # cut where the runtime cut it
    assert evs[1].message == "done"


def test_a_plain_file_is_not_unwrapped_by_a_later_line_that_looks_like_an_envelope() -> None:
    plain = "2026-12-02 07:00:00.123 [main] INFO  c.e.App - started\n" + cri("x") + "\n"
    _, evs = events(plain)
    assert evs[-1].message == "stdout F x"  # its own record (an ISO stamp), the envelope not taken off


def test_a_record_without_a_time_of_its_own_takes_the_runtimes() -> None:
    text = (cri("Traceback (most recent call last):") + "\n" + cri('  File "pay.py", line 3, in <module>') + "\n"
            + cri("KeyError: 'order_no'") + "\n"
            + "2026-12-02T07:00:05+08:00 stdout F 2026-12-02 07:00:05,001 INFO pay: 订单号 42 done\n")
    _, evs = events(text)
    assert [(e.kind, e.timestamp) for e in evs] == [("exception", "2026-12-02T07:00:00.123456789+00:00"),
                                                    ("line", "2026-12-02T07:00:05.001+00:00")]  # its own time first


def test_unwrap_reads_only_envelopes() -> None:
    assert unwrap(docker("a line")) == ("a line", "2026-12-02T07:00:00.123456789+00:00")
    assert unwrap(cri("")) == ("", "2026-12-02T07:00:00.123456789+00:00")
    assert unwrap("2026-12-02T07:00:00+08:00 stderr P x") == ("x", "2026-12-02T07:00:00+08:00")
    assert unwrap('{"log":"x\\n","stream":"stdout","time":"yesterday"}') == ("x", None)
    for text in ('{"log": 3, "stream": "stdout"}', '{"log":"no stream"}', '{"log":"broken', "plain",
                 "2026-12-02T07:00:00Z stdin F x", "2026-12-02 07:00:00 stdout F x"):
        assert unwrap(text) is None, text


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(CORPUS))), st.sampled_from(["docker", "cri"]),
       st.lists(st.integers(min_value=0, max_value=20_000), max_size=8))
def test_a_log_printed_through_a_runtime_gives_the_events_of_the_log_itself(which: int, runtime: str,
                                                                          cuts: list[int]) -> None:
    text = CORPUS[which]
    wrap = docker if runtime == "docker" else cri
    lines = text.split("\n")
    last = lines.pop() if not text.endswith("\n") else None
    if text.endswith("\n"):
        lines.pop()
    wrapped = "".join(wrap(x) + "\n" for x in lines) + (wrap(last) if last else "")
    data, got = events(wrapped, cuts)
    plain = events(text)[1]
    assert meaning(got) == meaning(plain)
    assert [e.timestamp or TIME.replace("Z", "+00:00") for e in plain] == [e.timestamp for e in got]
    assert [e.offset for e in got][:1] == [0] and got[-1].end_offset == len(data)
    assert all(a.end_offset == b.offset for a, b in zip(got, got[1:]))  # every byte in exactly one event
