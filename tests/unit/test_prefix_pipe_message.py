"""A message that is a table row (`|REFUND|ord_1|amount=36.69|`, `| order_no | amount |`)
keeps its first pipe: after a dash that ended the prefix, right after a bracketed
logger, or where the line ends with a pipe and no pipe before separated the layout's
fields. Pipe-delimited layouts (`%d|%p|%t|%c|%m`) still read their fields."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.table import column_spec
from parsers.options import ParseOptions, TableSpec
from parsers.prefix.auto import AutoParser

_CELL = st.from_regex(r"[A-Za-z][\w=.]{0,12}", fullmatch=True)
_ROW = st.tuples(st.lists(_CELL, min_size=2, max_size=6), st.booleans()).map(
    lambda t: "| " + " | ".join(t[0]) + " |" if t[1] else "|" + "|".join(t[0]) + "|")
_LAYOUTS = (
    "2026-11-26 10:15:30,170 INFO [com.pay.Trace] - {msg}",
    "[INFO][2026-11-26 10:15:30,170][com.pay.Trace]{msg}",
    "[2026-11-26T10:15:30,170][INFO ][com.pay.Trace           ] {msg}",
    "2026-11-26 10:15:30,170 INFO c.p.Trace [pool-3-thread-2] {msg}",
    "2026-11-26 10:15:30.170 [main] INFO  com.pay.Trace - {msg}",
)


@given(st.sampled_from(_LAYOUTS), _ROW)
def test_a_table_row_keeps_its_pipes(layout, row):
    got = AutoParser().parse(layout.format(msg=row))
    assert got.message == row
    assert got.logger is not None and got.logger.endswith("Trace")


def test_pipe_delimited_layouts_still_read_their_fields():
    parse = AutoParser().parse
    got = parse("2026-11-26 10:15:30.170|INFO|main|com.pay.Trace|refund done")
    assert (got.level, got.thread, got.logger, got.message) == ("INFO", "main", "com.pay.Trace", "refund done")
    got = parse("2026-11-26 10:15:30.170|INFO|main|com.pay.Trace||REFUND|ord_1|")
    assert (got.logger, got.message) == ("com.pay.Trace", "|REFUND|ord_1|")
    got = parse("2026-11-26 10:15:30.170 INFO [com.pay.Trace] | refund done")
    assert (got.logger, got.message) == ("com.pay.Trace", "refund done")


def test_a_table_spec_reads_the_row_under_a_bracketed_logger_layout():
    spec = TableSpec("order", "|ORDER|", columns=tuple(column_spec(c) for c in ("kind", "order_no", "amount:decimal")))
    asm = Assembler(ParseOptions(tables=(spec,)), Source("t", "t", "t", "t"), 0)
    text = "2026-11-26 10:15:30,170 INFO [com.pay.Trace] - |ORDER|ord_20261126_000985|36.69|\n"
    got = asm.feed(text.encode(), 0, 0) + asm.finish(0)
    assert got[0].kind == "table" and got[0].table_fields["order_no"] == "ord_20261126_000985"
