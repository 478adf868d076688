"""`Event.to_json()`, the compiled ECS writer: for any event, the bytes orjson writes for
the ECS document the mapping documents (a plain dict built here, field by field), the
same errors for what JSON cannot hold, and `to_ecs()` is those bytes read back."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings, strategies as st

from parsers.event import Event
from sinks.codec import encode_event

TEXT = st.text(max_size=40)  # any code point but lone surrogates: control characters, quotes, CJK
OPT_TEXT = st.one_of(st.none(), TEXT)
OPT_INT = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), TEXT)
FIELD_VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(TEXT, inner, max_size=3)), max_leaves=6)


def reference(e: Event) -> dict[str, Any]:
    """The mapping as `Event.to_json()` documents it."""
    def some(**fields: Any) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not None}

    doc: dict[str, Any] = {"@timestamp": e.timestamp or e.read_time, "message": e.message,
                           "event": {"kind": "event", **some(id=e.id, duration=e.duration_ns, created=e.read_time)}}
    log = some(level=e.level, logger=e.logger, file={"path": e.file_path} if e.file_path is not None else None,
               offset=e.offset)
    if log:
        doc["log"] = log
    if e.thread is not None:
        doc["process"] = {"thread": {"name": e.thread}}
    doc.update(some(host={"name": e.host} if e.host is not None else None,
                    service={"name": e.service} if e.service is not None else None))
    if e.error_type is not None:
        doc["error"] = {"type": e.error_type, **some(message=e.error_message, stack_trace=e.stack_trace)}
    lp: dict[str, Any] = {"kind": e.kind, **some(file_id=e.file_id, end_offset=e.end_offset)}
    if e.signature is not None:
        lp.update(signature=e.signature, signature_version=e.signature_version)
        if e.signature_reasons:
            lp["signature_reasons"] = e.signature_reasons
    if e.root_cause_type is not None:
        lp["root_cause"] = {"type": e.root_cause_type, "message": e.root_cause_message}
    if e.sql_fingerprint is not None or e.sql_statement is not None:
        sql = some(statement=e.sql_statement)
        if e.sql_fingerprint is not None:
            sql.update(fingerprint=e.sql_fingerprint, fingerprint_id=e.sql_fingerprint_id)
        lp["sql"] = {**sql, **some(params=e.sql_params, rows=e.sql_rows)}
    if e.method_name is not None:
        lp["method"] = {"name": e.method_name}
    if e.table_name is not None:
        lp["table"] = {"name": e.table_name, "fields": e.table_fields or {}}
    for key, value in (("trace_ids", e.trace_ids), ("truncated", e.truncated), ("masked", e.masked),
                       ("flags", e.flags)):
        if value:
            lp[key] = value
    doc["logpipe"] = lp
    return doc


EVENTS = st.builds(
    Event, message=TEXT, kind=st.sampled_from(["line", "table", "sql", "method", "exception"]),
    timestamp=st.one_of(st.none(), st.just(""), TEXT), read_time=OPT_TEXT, id=OPT_TEXT, level=OPT_TEXT,
    logger=OPT_TEXT, thread=OPT_TEXT, host=OPT_TEXT, service=OPT_TEXT, file_path=OPT_TEXT, file_id=OPT_TEXT,
    offset=OPT_INT, end_offset=OPT_INT, duration_ns=OPT_INT, method_name=OPT_TEXT, sql_statement=OPT_TEXT,
    sql_fingerprint=OPT_TEXT, sql_fingerprint_id=OPT_TEXT, sql_params=OPT_TEXT, sql_rows=OPT_INT,
    error_type=OPT_TEXT, error_message=OPT_TEXT, stack_trace=OPT_TEXT, signature=OPT_TEXT,
    signature_version=OPT_TEXT, signature_reasons=st.one_of(st.none(), st.lists(TEXT, max_size=3)),
    root_cause_type=OPT_TEXT, root_cause_message=OPT_TEXT, table_name=OPT_TEXT,
    table_fields=st.one_of(st.none(), st.dictionaries(TEXT, FIELD_VALUE, max_size=4)),
    trace_ids=st.lists(TEXT, max_size=3), truncated=st.booleans(),
    masked=st.dictionaries(TEXT, st.integers(0, 99), max_size=3), flags=st.lists(TEXT, max_size=3))


@settings(max_examples=400, deadline=None)
@given(EVENTS)
def test_the_json_is_orjsons_bytes_of_the_documented_mapping(e):
    want = orjson.dumps(reference(e))
    assert e.to_json() == want
    assert e.to_ecs() == orjson.loads(want)
    assert encode_event(e) == want or len(want) > 1_000_000


@pytest.mark.parametrize("event, error", [
    (Event("a lone surrogate \udc80"), "surrogates"),
    (Event("x", thread="t\ud800"), "surrogates"),
    (Event("x", duration_ns=2**64), "64-bit"),
    (Event("x", table_name="t", table_fields={1: "a key that is no str"}), "str"),
])
def test_what_json_cannot_hold_raises_type_error_as_orjson_does(event, error):
    with pytest.raises(TypeError, match=error):
        event.to_json()
    with pytest.raises(TypeError):
        orjson.dumps(reference(event))


ESCAPED = st.text(alphabet=st.sampled_from('ab"\\\n\r\t\x00\x08\x0b\x0c\x1f\x7f é订单€\U0001f600'), max_size=300)


@settings(max_examples=400, deadline=None)
@given(ESCAPED, ESCAPED)
def test_texts_are_escaped_as_orjson_escapes_them_wherever_the_escapes_fall(message, stack):
    """The writer skips 8 bytes at a time past what needs no escape: escapes at any position."""
    e = Event(message, error_type="E", stack_trace=stack)
    doc = orjson.loads(e.to_json())
    assert (doc["message"], doc["error"]["stack_trace"]) == (message, stack)
    assert orjson.dumps(message) in e.to_json() and orjson.dumps(stack) in e.to_json()


def test_the_writer_reads_the_slots_of_a_subclass_and_refuses_what_is_no_event():
    class Sub(Event):
        __slots__ = ("extra", "level")  # `level` declared again: a slot of its own

    sub = Sub("m", level="INFO", trace_ids=["t"])
    assert sub.to_json() == Event("m", level="INFO", trace_ids=["t"]).to_json()
    Event.level.__set__(sub, "the base's slot, hidden")  # type: ignore[attr-defined]
    assert sub.to_ecs()["log"]["level"] == "INFO"
    gone = Event("m")
    del gone.level
    with pytest.raises(AttributeError, match="level"):
        gone.to_json()
    with pytest.raises(TypeError, match="not an event"):
        Event.to_json(object())  # type: ignore[arg-type]


def test_a_writer_is_made_only_for_a_class_whose_fields_are_object_slots():
    import dataclasses

    from parsers._native import EcsWriter

    plain = type("Plain", (), {f.name: None for f in dataclasses.fields(Event)})
    with pytest.raises(TypeError, match="Plain.timestamp is not a slot"):
        EcsWriter(plain, orjson.dumps)
    with pytest.raises(AttributeError):
        EcsWriter(type("Bare", (), {}), orjson.dumps)
