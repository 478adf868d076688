import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.options import ColumnSpec, TableSpec
from parsers.table import TableParser, TableRow, column_spec

MS = 1_000_000


def spec(name, match, columns, trace_ids=()):
    return TableSpec(name, match, "|", tuple(column_spec(c) for c in columns), tuple(trace_ids))


# The table lines of /work/shared/bench/gen_workload.py, one spec each.
WORKLOAD_SPECS = (
    spec("order", "|ORDER|", ["kind", "order_no", "merchant", "amount:decimal", "channel",
                              "status:enum(SUCCESS,FAIL,PROCESSING,TIMEOUT)", "cost:duration"], ["order_no"]),
    spec("notify", "|NOTIFY|", ["kind", "order_no", "merchant", "url", "httpStatus:int", "attempt:int", "cost:duration"],
         ["order_no"]),
    spec("risk", "|RISK|", ["kind", "uid:int", "order_no", "score:int", "decision:enum(PASS,REVIEW,REJECT)", "rules",
                            "cost:duration"], ["order_no"]),
    spec("refund", "|REFUND|", ["kind", "refund_no", "order_no", "merchant", "amount:decimal",
                                "reason:enum(USER_CANCEL,DUPLICATE,MERCHANT_REQUEST,RISK)",
                                "status:enum(SUCCESS,PROCESSING,FAIL)", "cost:duration"], ["refund_no", "order_no"]),
    spec("settle", "|SETTLE|", ["kind", "batch_no", "merchant", "count:int", "total:decimal", "fee:decimal", "status",
                                "cost:duration"], ["batch_no"]),
)


@pytest.fixture(scope="module")
def parser():
    return TableParser(WORKLOAD_SPECS)


def test_workload_order_line_gives_typed_fields(parser):
    row = parser.parse("|ORDER|ord_20261126_001001|merchant=M1002|amount=12.50|channel=ALIPAY|status=SUCCESS|cost=35ms|")
    assert row == TableRow("order", {"kind": "ORDER", "order_no": "ord_20261126_001001", "merchant": "M1002",
                                     "amount": 12.5, "channel": "ALIPAY", "status": "SUCCESS", "cost": 35 * MS},
                           ["ord_20261126_001001"], [])


@pytest.mark.parametrize(
    "message, name, expected",
    [
        ("|NOTIFY|ord_20261126_001002|merchant=M1007|url=https://api.m1007.example.com/pay/notify|httpStatus=502|attempt=2|cost=88ms|",
         "notify", {"httpStatus": 502, "attempt": 2, "url": "https://api.m1007.example.com/pay/notify", "cost": 88 * MS}),
        ("|RISK|uid=4821377|ord_20261126_001003|score=85|decision=REVIEW|rules=R12,R40|cost=9ms|",
         "risk", {"uid": 4821377, "order_no": "ord_20261126_001003", "score": 85, "decision": "REVIEW", "rules": "R12,R40"}),
        ("|REFUND|ref_20261126_000042|ord_20261126_001004|merchant=M1001|amount=5.00|reason=USER_CANCEL|status=PROCESSING|cost=41ms|",
         "refund", {"refund_no": "ref_20261126_000042", "order_no": "ord_20261126_001004", "amount": 5.0, "reason": "USER_CANCEL"}),
        ("|SETTLE|STL2026112603|merchant=M1011|count=1200|total=81234.10|fee=30.12|status=DONE|cost=950ms|",
         "settle", {"batch_no": "STL2026112603", "count": 1200, "total": 81234.10, "fee": 30.12, "status": "DONE"}),
    ],
)
def test_every_workload_table_kind_parses_without_errors(parser, message, name, expected):
    row = parser.parse(message)
    assert row.name == name and row.errors == []
    assert {k: row.fields[k] for k in expected} == expected


def test_refund_row_carries_both_trace_ids(parser):
    row = parser.parse("|REFUND|ref_1|ord_2|merchant=M1|amount=1.00|reason=RISK|status=FAIL|cost=1ms|")
    assert row.trace_ids == ["ref_1", "ord_2"]


def test_generated_workload_table_lines_all_parse_without_errors(parser, tmp_path):
    bench = Path(__file__).resolve().parents[2].parent / "shared/bench/gen_workload.py"
    if not bench.exists():
        pytest.skip(f"{bench} not present")
    module_spec = importlib.util.spec_from_file_location("gen_workload", bench)
    gen = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(gen)
    gen.generate(str(tmp_path / "w.log"), 3000, 7)
    rows = [parser.parse(line.split(" - ", 1)[1]) for line in (tmp_path / "w.log").read_text(encoding="utf-8").splitlines()
            if " c.f.pay.Trace - " in line]
    assert rows and all(r is not None and r.errors == [] for r in rows)
    assert {r.name for r in rows} == {"order", "notify", "risk", "refund", "settle"}


def test_match_cell_is_skipped_when_the_spec_has_no_column_for_it():
    p = TableParser((spec("order", "|ORDER|", ["order_no", "amount:decimal"], ["order_no"]),))
    row = p.parse("|ORDER|ord_1|amount=3.10|")
    assert (row.fields, row.errors) == ({"order_no": "ord_1", "amount": 3.1}, [])


def test_positional_cells_fill_the_columns_left_by_keyed_cells():
    p = TableParser((spec("pay", "|PAY|", ["kind", "order_no", "merchant", "amount:decimal"]),))
    row = p.parse("x - |PAY|amount=9.99|ord_7|M3| trailing")
    assert row.fields == {"kind": "PAY", "order_no": "ord_7", "merchant": "M3", "amount": 9.99}


def test_row_is_the_text_between_first_and_last_delimiter():
    p = TableParser((spec("pay", "|PAY|", ["kind", "order_no"]),))
    assert p.parse("prefix text |PAY|ord_1| suffix text").fields == {"kind": "PAY", "order_no": "ord_1"}


def test_other_delimiter():
    s = TableSpec("t", ";T;", ";", (ColumnSpec("kind"), ColumnSpec("n", "int")))
    assert TableParser((s,)).parse(";T;42;").fields == {"kind": "T", "n": 42}


def test_timestamp_column_becomes_iso_text():
    p = TableParser((spec("ev", "|EV|", ["kind", "at:timestamp", "done:timestamp"]),))
    row = p.parse("|EV|2026-11-26 10:15:30.123|2026-11-26 10:15:31|")
    assert row.fields == {"kind": "EV", "at": "2026-11-26T10:15:30.123", "done": "2026-11-26T10:15:31"}


def test_bad_value_flags_the_row_and_keeps_raw_strings(parser):
    row = parser.parse("|ORDER|ord_1|merchant=M1|amount=12,50|channel=ALIPAY|status=SUCCESS|cost=35ms|")
    assert row.errors == ["amount: not a decimal: '12,50'"]
    assert row.fields["amount"] == "12,50" and row.fields["cost"] == "35ms"
    assert row.trace_ids == ["ord_1"]


def test_enum_value_outside_choices_is_an_error(parser):
    row = parser.parse("|ORDER|ord_1|merchant=M1|amount=1.00|channel=ALIPAY|status=PAID|cost=35ms|")
    assert row.errors == ["status: not in SUCCESS|FAIL|PROCESSING|TIMEOUT: 'PAID'"]


def test_invalid_timestamp_is_an_error():
    p = TableParser((spec("ev", "|EV|", ["kind", "at:timestamp"]),))
    assert p.parse("|EV|2026-02-30 10:00:00|").errors == ["at: not a timestamp: '2026-02-30 10:00:00'"]


def test_too_many_cells_are_kept_as_extras(parser):
    row = parser.parse("|ORDER|ord_1|M1|1.00|ALIPAY|SUCCESS|3ms|surplus|more|")
    assert row.errors == ["2 cell(s) more than the 7 columns"]
    assert (row.fields["_extra1"], row.fields["_extra2"], row.fields["order_no"]) == ("surplus", "more", "ord_1")


def test_one_surplus_positional_cell_equal_to_the_match_text_is_taken_as_the_marker(parser):
    row = parser.parse("|ORDER|ORDER|ord_1|M1|1.00|ALIPAY|SUCCESS|3ms|")
    assert (row.errors, row.fields["kind"], row.fields["order_no"]) == ([], "ORDER", "ord_1")


def test_too_few_cells_name_the_missing_columns(parser):
    row = parser.parse("|ORDER|ord_1|merchant=M1|")
    assert row.errors == ["missing column(s): amount, channel, status, cost"]
    assert row.fields == {"kind": "ORDER", "order_no": "ord_1", "merchant": "M1"}


def test_message_without_a_matching_spec_gives_none(parser):
    assert parser.parse("Received pay request orderNo=ord_1 merchant=M1002") is None
    assert parser.parse("a|b|c") is None
    assert TableParser(()).parse("|ORDER|x|") is None


def test_column_spec_text_forms():
    assert column_spec("amount:decimal") == ColumnSpec("amount", "decimal")
    assert column_spec("order_no") == ColumnSpec("order_no", "string")
    assert column_spec("s:enum(A, B)") == ColumnSpec("s", "enum", ("A", "B"))


texts = st.one_of(
    st.text(),
    st.builds(lambda b, e: b.decode("utf-8", e), st.binary(), st.sampled_from(["replace", "surrogateescape"])),
    st.builds(lambda a, b: a + b, st.sampled_from(["|ORDER|", "|RISK|uid=", "|SETTLE|", "|EV|"]),
              st.text(alphabet=st.sampled_from("|=ab12.:- msSUCCESS")) | st.text()),
)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_table_parser_is_total(message):
    ev = spec("ev", "|EV|", ["kind", "at:timestamp", "n:int"])  # and a type the config would refuse:
    ev = TableSpec(ev.name, ev.match, ev.delimiter, ev.columns + (ColumnSpec("weird", "unknown"),))
    specs = WORKLOAD_SPECS + (ev,)
    row = TableParser(specs).parse(message)
    assert row is None or (isinstance(row, TableRow) and isinstance(row.fields, dict))


def test_an_int_cell_beyond_64_bits_is_a_malformed_cell_not_a_huge_number() -> None:
    spec = TableSpec("t", "|T|", "|", (ColumnSpec("kind"), ColumnSpec("n", "int")))
    row = TableParser((spec,)).parse("|T|-99999999999999999999|")
    assert row is not None and row.errors and row.fields["n"] == "-99999999999999999999"


def test_delimiters_that_overlap_leave_an_empty_row():
    s = TableSpec("pay", "PAY", "##", (ColumnSpec("kind"), ColumnSpec("n", "int")), ())
    row = TableParser((s,)).parse("PAY###")  # the first `##` and the last overlap
    assert (row.fields, row.errors) == ({"kind": ""}, ["missing column(s): n"])


MIXED = TableParser((spec("t", "|T|", ["kind", "amount:decimal", "cost:duration", "at:timestamp", "n:int"]),))


def test_cells_lose_any_unicode_space_and_take_their_types():
    row = MIXED.parse("|T|\u3000x\u3000|\xa012.5\u2003|35毫秒|2024-02-29T23:59:59,5|+7|")
    assert row.errors == []
    assert row.fields == {"kind": "x", "amount": 12.5, "cost": 35 * MS, "at": "2024-02-29T23:59:59.5", "n": 7}
    assert [type(v) for v in row.fields.values()] == [str, float, int, str, int]


def test_every_bad_cell_is_named_in_column_order():
    row = MIXED.parse("|T|x|1.2s|1.2s|2023-02-29 10:00:00|1234567890123456789|")
    assert row.errors == ["amount: not a decimal: '1.2s'", "at: not a timestamp: '2023-02-29 10:00:00'",
                          "n: not an int: '1234567890123456789'"]
    assert row.fields == {"kind": "x", "amount": "1.2s", "cost": "1.2s", "at": "2023-02-29 10:00:00",
                          "n": "1234567890123456789"}
