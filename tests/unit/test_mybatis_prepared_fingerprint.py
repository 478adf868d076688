"""A MyBatis statement's fingerprint is its prepared statement's: the same whatever values
its Parameters record binds (booleans and NULL, written into the statement, stay literals
in a fingerprint), closed by `<==` or left without an outcome."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.sql import fingerprint

NOW_MS = 1_764_547_200_000
PREPARED = "update t_goods set is_on_sale = ?, name = ?, weight = ? where id = ?"
values = st.one_of(
    st.sampled_from(["true(Boolean)", "false(Boolean)", "null"]),
    st.integers(-10**9, 10**9).map(lambda n: f"{n}(Long)"),
    st.from_regex(r"[a-z]{1,8}", fullmatch=True).map(lambda s: f"{s}(String)"),
)


def sql_events(params: str, closed: bool) -> list:
    lines = [f"2019-06-30 09:41:38,020 [exec-9] DEBUG c.f.GoodsMapper.update - ==>  Preparing: {PREPARED}",
             f"2019-06-30 09:41:38,024 [exec-9] DEBUG c.f.GoodsMapper.update - ==> Parameters: {params}"]
    if closed:
        lines.append("2019-06-30 09:41:38,078 [exec-9] DEBUG c.f.GoodsMapper.update - <==    Updates: 1")
    lines.append("2019-06-30 09:41:39,000 [exec-9] INFO  c.f.Done - done")
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    evs = [*asm.feed(("\n".join(lines) + "\n").encode(), 0, NOW_MS), *asm.finish(NOW_MS)]
    return [e for e in evs if e.kind == "sql"]


@settings(max_examples=60, deadline=None)
@given(st.lists(values, min_size=4, max_size=4), st.booleans())
def test_the_fingerprint_is_the_prepared_statements_whatever_the_values(vals, closed):
    evs = sql_events(", ".join(vals), closed)
    assert len(evs) == 1
    assert evs[0].sql_fingerprint == fingerprint(PREPARED)
    if "true(Boolean)" in vals:
        assert "true" in evs[0].sql_statement  # the statement shown keeps its values
