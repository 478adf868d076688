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
from parsers.options import Bounds, ParseOptions

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


def compose(line: str, service: str = "pay-1", width: int = 8) -> str:
    return f"{service:<{width}} | {line}" if line else f"{service:<{width}} |"


def kubectl(line: str, pod: str = "pay-5d8f9", container: str = "app") -> str:
    return f"[pod/{pod}/{container}] {line}"


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


def test_the_pieces_of_a_long_line_are_one_line_again() -> None:
    head = "2026-12-02 07:00:00.123 [main] WARN  c.e.Batch - settle batch 7 took 1200 ms, rows="
    text = (cri(head[:40], tag="P") + "\n" + cri(head[40:70], tag="P") + "\n" + cri(head[70:] + "42") + "\n"
            + cri("2026-12-02 07:00:02.000 [main] INFO  c.e.Batch - done") + "\n")
    data, evs = events(text)
    assert [(e.kind, e.message, e.duration_ns) for e in evs] == [
        ("method", "settle batch 7 took 1200 ms, rows=42", 1_200_000_000), ("line", "done", None)]
    assert evs[0].end_offset == data.index(b"\n", data.index(b"rows=42")) + 1


def test_a_docker_line_without_its_newline_goes_on_in_the_next_envelope() -> None:
    big = '{"order_no":"ord_1","items":[' + ",".join(['{"sku":"A%d"}' % i for i in range(40)]) + "]}"
    line = "2026-12-02 07:00:00.123 [main] INFO  c.e.Pay - response " + big
    pieces = [line[:50], line[50:300], line[300:]]
    text = "".join(orjson.dumps({"log": p + ("\n" if i == 2 else ""), "stream": "stdout", "time": TIME}).decode() + "\n"
                   for i, p in enumerate(pieces))
    _, evs = events(text)
    assert [e.message for e in evs] == ["response " + big]


def test_a_piece_whose_end_is_not_written_yet_is_read_again_after_a_restart() -> None:
    first = cri("2026-12-02 07:00:00.123 [main] INFO  c.e.A - one") + "\n"
    piece = cri("2026-12-02 07:00:01.000 [main] INFO  c.e.A - two, the first ", tag="P") + "\n"
    rest = cri("half and the second") + "\n" + cri("2026-12-02 07:00:02.000 [main] INFO  c.e.A - three") + "\n"
    data = (first + piece + rest).encode()
    asm = Assembler(ParseOptions(), SOURCE)
    asm.feed(data[:len((first + piece).encode())], 0, NOW_MS)
    asm.poll(NOW_MS + 60_000)  # idle: the record before the piece is closed and out
    resume = asm.resume_offset
    assert resume == len(first.encode())  # the piece waits: a restart reads it again
    again = Assembler(ParseOptions(), SOURCE, resume)
    got = again.feed(data[resume:], resume, NOW_MS) + again.finish(NOW_MS)
    assert [e.message for e in got] == ["two, the first half and the second", "three"]


def test_pieces_of_another_stream_are_not_joined() -> None:
    text = (cri("2026-12-02 07:00:00.123 [main] INFO  c.e.A - out piece", tag="P") + "\n"
            + cri("2026-12-02 07:00:00.124 [main] ERROR c.e.A - err line", stream="stderr") + "\n")
    _, evs = events(text)
    assert [e.message for e in evs] == ["out piece", "err line"]


def test_a_joined_line_past_the_bound_is_cut_and_flagged() -> None:
    asm = Assembler(ParseOptions(bounds=Bounds(max_line_bytes=100)), SOURCE)
    text = "".join(cri("x" * 60, tag="P") + "\n" for _ in range(5)) + cri("end") + "\n"
    data = text.encode()
    evs = asm.feed(data, 0, NOW_MS) + asm.finish(NOW_MS)
    assert len(evs) == 1 and evs[0].truncated and len(evs[0].message) == 100 and evs[0].end_offset == len(data)


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
    assert unwrap(docker("a line")) == ("a line", "2026-12-02T07:00:00.123456789+00:00", "stdout", False)
    assert unwrap(cri("")) == ("", "2026-12-02T07:00:00.123456789+00:00", "stdout", False)
    assert unwrap("2026-12-02T07:00:00+08:00 stderr P x") == ("x", "2026-12-02T07:00:00+08:00", "stderr", True)
    assert unwrap('{"log":"x","stream":"stdout","time":"yesterday"}') == ("x", None, "stdout", True)
    assert unwrap("pay-1  | KeyError: 'order_no'") == ("KeyError: 'order_no'", None, "pay-1", False)
    assert unwrap("shop_pay_1  |") == ("", None, "shop_pay_1", False)  # Compose v1, a blank line
    assert unwrap("\x1b[36mpay-1  |\x1b[0m x") == ("x", None, "pay-1", False)  # coloured on a terminal
    assert unwrap("[pod/pay-5d8f9/app] x") == ("x", None, "pod/pay-5d8f9/app", False)  # kubectl logs --prefix
    for text in ('{"log": 3, "stream": "stdout"}', '{"log":"no stream"}', '{"log":"broken', "plain",
                 "2026-12-02T07:00:00Z stdin F x", "2026-12-02 07:00:00 stdout F x", "INFO  | a pipe layout",
                 "2026-12-02 07:00:00.123 | INFO     | pay:run:42 - x", "pay-1 |x", "[main] INFO x",
                 "[pod/pay] x"):
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


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(range(len(CORPUS))), st.sampled_from(["pay-1", "shop_pay_1", "a", "kubectl"]),
       st.integers(min_value=0, max_value=12), st.lists(st.integers(min_value=0, max_value=20_000), max_size=8))
def test_a_log_printed_by_docker_compose_or_kubectl_gives_the_events_of_the_log_itself(
        which: int, service: str, pad: int, cuts: list[int]) -> None:
    text = CORPUS[which].rstrip("\n")
    name = service if service != "a" else "a-1"
    wrap = (lambda x: kubectl(x, f"pay-{pad}x")) if service == "kubectl" else \
        (lambda x: compose(x, name, len(name) + 1 + pad))
    wrapped = "".join(wrap(x) + "\n" for x in text.split("\n"))
    data, got = events(wrapped, cuts)
    plain = events(text + "\n")[1]
    assert meaning(got) == meaning(plain)
    assert [e.timestamp for e in got] == [e.timestamp for e in plain]  # the application's own times only
    assert [e.offset for e in got][:1] == [0] and got[-1].end_offset == len(data)
    assert all(a.end_offset == b.offset for a, b in zip(got, got[1:]))


def test_a_traceback_under_docker_compose_is_one_exception_event_with_its_record() -> None:
    lines = ["2026-12-02 07:00:01,436 1 ERROR shop odoo.http: Exception during request handling.",
             "Traceback (most recent call last):", '  File "/pay/http.py", line 3, in dispatch',
             "    raise KeyError(order_no)", "KeyError: 'order_no'",
             "2026-12-02 07:00:01,471 1 INFO shop werkzeug: POST /pay 200"]
    _, evs = events("".join(compose(x) + "\n" for x in lines))
    assert [(e.kind, e.level, e.error_type) for e in evs] == [("exception", "ERROR", "KeyError"),
                                                              ("line", "INFO", None)]
    assert evs[0].message.endswith("Exception during request handling.")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(CORPUS))), st.randoms(use_true_random=False),
       st.lists(st.integers(min_value=0, max_value=40_000), max_size=8))
def test_lines_cut_into_pieces_anywhere_give_the_events_of_whole_lines(which: int, rnd, cuts: list[int]) -> None:
    lines = CORPUS[which].rstrip("\n").split("\n")
    pieces = []
    for line in lines:
        ends = sorted(rnd.sample(range(1, len(line)), min(rnd.randint(0, 3), max(len(line) - 1, 0))))
        parts = [line[a:b] for a, b in zip([0, *ends], [*ends, len(line)])] or [""]
        pieces += [cri(part, tag="P" if i < len(parts) - 1 else "F") for i, part in enumerate(parts)]
    _, cut_up = events("".join(p + "\n" for p in pieces), cuts)
    _, whole = events("".join(cri(line) + "\n" for line in lines))
    assert meaning(cut_up) == meaning(whole)
    assert all(a.end_offset == b.offset for a, b in zip(cut_up, cut_up[1:]))
