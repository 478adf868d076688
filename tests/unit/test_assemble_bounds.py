"""Numbers that a signed 64-bit field cannot hold never reach the encoder (found by fuzzing:
a MyBatis timing between timestamps centuries apart overflowed `event.duration`)."""

from __future__ import annotations

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from sinks.codec import encode_event

LOG = (b"0001-01-01 00:00:00.000 [t1] DEBUG c.f.OrderMapper.insert - ==>  Preparing: INSERT INTO t VALUES (?)\n"
       b"9999-12-31 23:59:59.999 [t1] DEBUG c.f.OrderMapper.insert - <==    Updates: 1\n")


def test_a_mybatis_timing_between_absurd_timestamps_has_no_duration_and_still_encodes() -> None:
    asm = Assembler(ParseOptions(format="logback"), Source("h", "s", "/x.log", "f"))
    events = asm.feed(LOG, 0, 0) + asm.finish(0)
    sql = [e for e in events if e.kind == "sql"]
    assert len(sql) == 1 and sql[0].duration_ns is None and sql[0].sql_statement == "INSERT INTO t VALUES (?)"
    for ev in events:
        encode_event(ev)
