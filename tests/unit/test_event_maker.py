"""`record_event`, the compiled maker of each record's event: the same `Event` the dataclass
makes from the same arguments (every other field its default), a fresh list and dict for each
event, and a maker made only for a class whose fields are object slots."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from parsers._native import EventMaker
from parsers.event import Event, record_event

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


def test_a_field_factory_other_than_list_or_dict_is_called_for_each_event():
    @dataclasses.dataclass(slots=True)
    class Made:
        message: str
        timestamp: str | None = None
        level: str | None = None
        logger: str | None = None
        thread: str | None = None
        offset: int | None = None
        end_offset: int | None = None
        truncated: bool = False
        tags: set[str] = dataclasses.field(default_factory=set)
        kind: str = "line"

    maker = EventMaker(Made, [(f.name, None if f.default is dataclasses.MISSING else f.default,
                               None if f.default_factory is dataclasses.MISSING else f.default_factory)
                              for f in dataclasses.fields(Made)])
    one, two = maker.record("a", "t", "INFO", None, None, 1, 2, True), maker.record("b", None, None, None, None, 0, 0,
                                                                                       False)
    assert one == Made("a", "t", "INFO", None, None, 1, 2, True) and two == Made("b", offset=0, end_offset=0)
    assert one.tags is not two.tags


def test_a_maker_needs_object_slots_for_the_record_fields():
    @dataclasses.dataclass(slots=True)
    class NoTime:
        message: str

    with pytest.raises(TypeError, match="NoTime has no field timestamp"):
        EventMaker(NoTime, [("message", None, None)])
    with pytest.raises(TypeError, match="is not a slot"):
        EventMaker(type("Plain", (), {"message": None}), [("message", None, None)])
