"""Colour codes of console layouts saved to files (`%highlight(...)`, `%cyan(%msg%n)`,
log4j2's `%style{...}`): every line is read without them, at the file's byte offsets."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.ansi import strip_ansi
from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

_SGR = st.lists(st.integers(0, 107).map(str), min_size=0, max_size=3).map(lambda c: "\x1b[" + ";".join(c) + "m")


def events(data: bytes) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return asm.feed(data, 0, 0) + asm.finish(0)


@given(st.lists(st.tuples(_SGR, st.from_regex(r"[ -~]{0,12}", fullmatch=True)), max_size=6))
def test_strip_leaves_the_text(parts):
    coloured = "".join(code + text for code, text in parts)
    assert strip_ansi(coloured) == "".join(text for _, text in parts)


def test_coloured_fields_and_message():
    lines = [
        "\x1b[31m2026-11-30 14:07:03\x1b[0;39m \x1b[32m[http-nio-8080-exec-7]\x1b[0;39m \x1b[34mDEBUG\x1b[0;39m "
        "\x1b[35mc.p.o.m.PayOrderMapper.selectById\x1b[0;39m - \x1b[36m==>  Preparing: SELECT id FROM pay_order WHERE id = ?",
        "\x1b[0;39m\x1b[31m2026-11-30 14:07:03\x1b[0;39m \x1b[32m[http-nio-8080-exec-7]\x1b[0;39m \x1b[34mDEBUG\x1b[0;39m "
        "\x1b[35mc.p.o.m.PayOrderMapper.selectById\x1b[0;39m - \x1b[36m==> Parameters: 7(Long)",
        "\x1b[0;39m\x1b[31m2026-11-30 14:07:03\x1b[0;39m \x1b[32m[http-nio-8080-exec-7]\x1b[0;39m \x1b[34mDEBUG\x1b[0;39m "
        "\x1b[35mc.p.o.m.PayOrderMapper.selectById\x1b[0;39m - \x1b[36m<==      Total: 1",
        "\x1b[0;39m订单 2026-11-30 完成",
    ]
    data = ("\n".join(lines) + "\n").encode()
    got = events(data)
    sql = [e for e in got if e.kind == "sql"]
    assert len(sql) == 1 and sql[0].sql_fingerprint == "select id from pay_order where id = ?"
    assert all("\x1b" not in (e.message or "") for e in got)
    assert got[0].offset == 0 and got[-1].end_offset == len(data)
    assert (got[0].level, got[0].thread, got[0].logger) == ("DEBUG", "http-nio-8080-exec-7", "c.p.o.m.PayOrderMapper.selectById")
