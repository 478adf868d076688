"""The keyword rule's texts of a document: each field of FIELDS read as `text()` reads it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.alert.rules.alert import text
from pipeline.alert.rules.keyword import FIELDS, TEXT_MAX_CHARS, texts_of

leaf = st.one_of(st.none(), st.text(max_size=5), st.integers(), st.lists(st.text(max_size=3), max_size=2))
level = st.one_of(leaf, st.fixed_dictionaries({}, optional={"type": leaf, "message": leaf}))
docs = st.fixed_dictionaries({}, optional={
    "message": leaf, "error": level,
    "logpipe": st.one_of(leaf, st.fixed_dictionaries({}, optional={"root_cause": level, "kind": leaf}))})


@given(docs)
def test_texts_are_the_non_empty_string_fields_in_order(doc):
    assert texts_of(doc) == [t for t in (text(doc, f, max_chars=TEXT_MAX_CHARS) for f in FIELDS) if t]


def test_a_long_message_is_capped():
    assert texts_of({"message": "x" * (TEXT_MAX_CHARS + 5)}) == ["x" * TEXT_MAX_CHARS]
