"""ShardingSphere's `sql-show` lines are statements with no duration: `Logic SQL:` the one
the application issued, each `Actual SQL: <ds> ::: <sql>[ ::: [params]]` one it was routed
to (flagged `sql_routed`, its parameters kept, shards of one table under one fingerprint)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.sql import fingerprint

LAYOUTS = (
    "[INFO ] 2021-08-25 06:50:14.287 [ShardingSphere-Command-1] ShardingSphere-SQL - {msg}",
    "2022-05-21 15:38:24.603  INFO 1234 --- [           main] ShardingSphere-SQL                       : {msg}",
    "2023-02-17 03:52:50.644 [main] INFO  ShardingSphere-SQL - {msg}",
)
data_sources = st.from_regex(r"(?:ds|db|m|slave|write_ds|read_ds_)[0-9]{1,2}", fullmatch=True)
shards = st.integers(0, 31)
# order ids up to nine digits: eleven are a mobile number's shape, which the masker masks in
# parameters as anywhere (tests/unit/test_mask*)
ids = st.lists(st.integers(1, 10**9), min_size=1, max_size=4)


def events_of(lines: list[str]) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    data = ("\n".join(lines) + "\n").encode()
    return [*asm.feed(data, 0, 0), *asm.finish(0)]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LAYOUTS), st.lists(st.tuples(data_sources, shards), min_size=1, max_size=4), ids,
       st.booleans())
def test_the_logical_statement_and_each_routed_one_are_sql_events_without_a_duration(layout, routes, values,
                                                                                      multiline):
    where = "\n    where order_id in (" if multiline else " where order_id in ("
    logic = "select * from t_order" + where + ", ".join("?" * len(values)) + ")"
    params = ", ".join(map(str, values))
    lines = [layout.format(msg=f"Logic SQL: {logic}"),
             layout.format(msg="SQLStatement: MySQLSelectStatement(limit=Optional.empty, lock=Optional.empty)")]
    for ds, shard in routes:
        lines.append(layout.format(msg=f"Actual SQL: {ds} ::: {logic.replace('t_order', f't_order_{shard}')}"
                                       f" ::: [{params}]"))
    evs = events_of(lines)
    assert [e.kind for e in evs] == ["sql", "line"] + ["sql"] * len(routes)
    assert all(e.duration_ns is None for e in evs)  # no made-up duration
    assert evs[0].sql_statement == logic and "sql_routed" not in evs[0].flags
    routed = evs[2:]
    assert all("sql_routed" in e.flags and e.sql_params == params for e in routed)
    assert len({e.sql_fingerprint for e in routed}) == 1
    assert routed[0].sql_fingerprint == fingerprint(logic.replace("t_order", "t_order_0"))


def test_lines_that_name_no_statement_stay_records():
    lines = [LAYOUTS[1].format(msg="Actual SQL(simple): [ds_0, ds_1] ::: 2"),
             LAYOUTS[1].format(msg="Actual SQL: ds_0 ::: show tables"),
             "2022-05-21 15:38:24.603  INFO 1234 --- [main] c.f.Report : the Logic SQL: select 1 was slow"]
    assert [e.kind for e in events_of(lines)] == ["line", "line", "line"]
