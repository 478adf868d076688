"""The compiled makers of each record's `Event` and `RawRecord` (`parsers.slots_maker`): the
same object the dataclass makes from the same arguments (every other field its default), a
fresh list and dict for each object, and a maker made only for the fields of a class whose
fields are object slots."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from parsers._native import SlotsMaker
from parsers.event import Event, record_event
from parsers.prefix.grammar import Prefix
from parsers.raw_record import RawRecord, started_record
from parsers.slots_maker import maker

TEXT = st.text(max_size=20)
OPT_TEXT = st.one_of(st.none(), TEXT)
OPT_INT = st.one_of(st.none(), st.integers(-(2**70), 2**70))


@settings(max_examples=300, deadline=None)
@given(TEXT, OPT_TEXT, OPT_TEXT, OPT_TEXT, OPT_TEXT, OPT_INT, OPT_INT, st.booleans())
def test_the_event_is_the_dataclasss_from_the_same_arguments(message, timestamp, level, logger, thread, offset,
                                                            end_offset, truncated):
    made = record_event(message, timestamp, level, logger, thread, offset, end_offset, truncated)
    assert type(made) is Event
    assert made == Event(message, timestamp=timestamp, level=level, logger=logger, thread=thread, offset=offset,
                         end_offset=end_offset, truncated=truncated)


def test_each_event_has_lists_and_a_dict_of_its_own():
    a, b = (record_event("m", None, None, None, None, 0, 1, False) for _ in range(2))
    a.flags.append("x")
    a.trace_ids.append("t")
    a.masked["card"] = 1
    assert (b.flags, b.trace_ids, b.masked) == ([], [], {})
    assert a.flags is not a.trace_ids


@given(st.one_of(st.none(), st.builds(Prefix, message=TEXT)), TEXT, st.integers(0, 2**40), st.integers(0, 2**40))
def test_a_started_record_is_the_dataclasss_with_no_continuation_yet(first, line, offset, end):
    made = started_record(first, line, offset, end)
    assert made == RawRecord(first, line, [], offset, end)
    made.continuation.append("at x")
    assert started_record(first, line, offset, end).continuation == []


def test_a_field_factory_other_than_list_or_dict_is_called_for_each_object():
    @dataclasses.dataclass(slots=True)
    class Made:
        message: str
        tags: set[str] = dataclasses.field(default_factory=set)
        kind: str = "line"
        size: int | None = None

    make = maker(Made, "message", "size")
    one, two = make("a", 3), make("b", None)
    assert one == Made("a", size=3) and two == Made("b")
    assert one.tags is not two.tags
    with pytest.raises(TypeError, match="takes 2 values"):
        make("c")


def test_a_maker_needs_object_slots_for_the_given_fields():
    @dataclasses.dataclass(slots=True)
    class NoTime:
        message: str

    with pytest.raises(TypeError, match="NoTime has no field timestamp"):
        maker(NoTime, "message", "timestamp")
    with pytest.raises(TypeError, match="is not a slot"):
        SlotsMaker(type("Plain", (), {"message": None}), [("message", None, None)], ["message"])
