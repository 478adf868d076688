"""The table column spec language: `name[:type]`, read by a grammar into a ColumnSpec, or a
ColumnSpecError with the column of the problem."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.column_spec import TYPES, ColumnSpecError, parse_column
from parsers.options import ColumnSpec


@pytest.mark.parametrize("text, spec", [
    ("order_no", ColumnSpec("order_no")),
    ("amount:decimal", ColumnSpec("amount", "decimal")),
    (" cost : duration ", ColumnSpec("cost", "duration")),
    ("order no:string", ColumnSpec("order no", "string")),
    ("status:enum(SUCCESS,FAIL)", ColumnSpec("status", "enum", ("SUCCESS", "FAIL"))),
    ("s:enum( A , B C )", ColumnSpec("s", "enum", ("A", "B C"))),
    ("订单号:int", ColumnSpec("订单号", "int")),
])
def test_each_form_gives_its_column_spec(text, spec):
    assert parse_column(text) == spec


@pytest.mark.parametrize("text, column, needle", [
    ("amount:money", 8, 'at column 8 ("money"): unknown type "money"; expected string, int, decimal'),
    ("amount:Int", 8, 'unknown type "Int"'),
    (":int", 1, "the column needs a name before the type"),
    ("status:enum(A,,B)", 15, 'at column 15 (",B)"): an enum choice is empty'),
    ("status:enum()", 13, "an enum choice is empty"),
    ("status:enum(A,B", 16, 'at column 16 (the end): expected ")" closing the choices'),
    ("status:enum(A)(B)", 15, 'at column 15 ("(B)"): unexpected text after the type'),
    ("a:b:c", 3, 'unknown type "b:c"'),
])
def test_a_bad_spec_names_the_column_and_the_text_there(text, column, needle):
    with pytest.raises(ColumnSpecError) as info:
        parse_column(text)
    assert info.value.column == column and needle in str(info.value)
    assert str(info.value).startswith("invalid column spec")


PIECES = st.sampled_from(["a", "amount", ":", " ", "enum", "(", ")", ",", "X", "\t", "\n", *TYPES])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(PIECES, max_size=8).map("".join)))
def test_any_text_is_a_column_spec_or_an_error_with_a_column(text):
    try:
        spec = parse_column(text)
    except ColumnSpecError as exc:
        assert 1 <= exc.column <= len(text) + 1 and "\n" not in str(exc)
        return
    assert spec.name and spec.name == spec.name.strip() and ":" not in spec.name
    if spec.type == "enum":
        assert spec.choices and all(c and c == c.strip() for c in spec.choices)
    else:
        assert spec.type in TYPES and not spec.choices
