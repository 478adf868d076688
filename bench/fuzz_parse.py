"""Coverage-guided fuzzing of the parse stage with atheris (libFuzzer for Python).

    python3 bench/fuzz_parse.py CORPUS_DIR [libFuzzer flags]      # e.g. -max_total_time=600
    python3 bench/fuzz_parse.py CRASH_FILE                         # replay one input

Each input is decoded (`atheris.FuzzedDataProvider`) into parse options (format,
multiline dialect, small bounds so they are hit), a starting file offset, chunk cut
points, idle polls between chunks, and the bytes of the file. The `Assembler` is fed
the chunks (`feed`, `poll`, `finish`), as `pipeline/ship/shipper.py` does. Invariants checked
on every input:

* nothing raises, and no event carries a `parse_error:*` flag (the assembler's
  catch-all for a classifier bug);
* the events' byte ranges tile the input exactly: the first starts at the starting
  offset, each starts where the previous ended, the last ends at the end;
* `resume_offset` never passes the bytes fed and never goes below the start;
* every event encodes (`sinks.codec.encode_event`) within the record bound.

`tests/unit/test_fuzz_parse.py` runs it for 30 s in the normal suite, seeded from
`tests/unit/data/assemble/`; longer runs are for hand (a corpus directory keeps what
was learned).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["parsers", "sinks.codec"]):
    from parsers.assemble import Assembler, Source
    from parsers.options import Bounds, ParseOptions
    from sinks.codec import MAX_RECORD_BYTES, encode_event

FORMATS = ["auto", "logback", "log4j2", "python", "raw", "%d [%t] %-5p %c - %m", "%d{HH:mm:ss} %-5level %logger: %msg"]
DIALECTS = ["auto", "java", "python", "none"]
SOURCE = Source("fuzz-host", "pay", "/var/log/pay/app.log", "fuzz-file")
NOW_MS = 1_795_658_400_000


def test_one_input(buf: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(buf)
    options = ParseOptions(
        format=fdp.PickValueInList(FORMATS), multiline=fdp.PickValueInList(DIALECTS),
        bounds=Bounds(max_line_bytes=fdp.ConsumeIntInRange(1, 300), max_event_lines=fdp.ConsumeIntInRange(1, 12),
                      max_event_bytes=fdp.ConsumeIntInRange(1, 2000), flush_after_ms=fdp.ConsumeIntInRange(0, 50)))
    start = fdp.ConsumeIntInRange(0, 1 << 40)
    cuts = sorted(set(fdp.ConsumeIntListInRange(fdp.ConsumeIntInRange(0, 8), 0, 4096)))
    polls = fdp.ConsumeIntInRange(0, 255)  # bit i: poll (idle time passes) after piece i
    data = fdp.ConsumeBytes(fdp.remaining_bytes())

    asm = Assembler(options, SOURCE, start)
    events = []
    now_ms = NOW_MS
    bounds = [0, *(c for c in cuts if 0 < c < len(data)), len(data)]
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        events += asm.feed(data[a:b], start + a, now_ms)
        if not start <= asm.resume_offset <= start + b:
            raise AssertionError(f"resume_offset {asm.resume_offset} outside [{start}, {start + b}]")
        if polls >> (i % 8) & 1:
            now_ms += 60
            events += asm.poll(now_ms)
    events += asm.finish(now_ms)

    position = start
    for ev in events:
        if ev.offset != position or ev.end_offset <= ev.offset:
            raise AssertionError(f"event [{ev.offset}, {ev.end_offset}) after position {position}")
        position = ev.end_offset
        bad = [f for f in ev.flags if f.startswith("parse_error")]
        if bad:
            raise AssertionError(f"{bad} on {ev.message[:200]!r}")
        if len(encode_event(ev)) > MAX_RECORD_BYTES:
            raise AssertionError("record above MAX_RECORD_BYTES")
    if position != start + len(data):
        raise AssertionError(f"events end at {position}, input at {start + len(data)}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
