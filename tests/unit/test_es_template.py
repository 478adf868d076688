"""The index template's shape, retention selection, dead-letter encoding and client settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import orjson
import pytest

from parsers.event import Event, event_id
from pipeline.config.schema import EsConfig
from pipeline.index.deadletter import DeadLetter, encode, reason_of
from pipeline.index.retention import index_date, indices_to_delete
from sinks.elasticsearch import EsConfigError, client_kwargs
from sinks.es_bulk import RecordRef
from sinks.es_template import TEMPLATE_VERSION, index_template, mappings


def field(path: str) -> dict:
    node = {"properties": mappings()["properties"]}
    for part in path.split("."):
        node = node["properties"][part]
    return node


@pytest.mark.parametrize("path, kind", [
    ("@timestamp", "date"), ("event.created", "date"), ("event.duration", "long"), ("log.offset", "long"),
    ("event.id", "keyword"), ("log.level", "keyword"), ("host.name", "keyword"), ("service.name", "keyword"),
    ("logpipe.signature", "keyword"), ("logpipe.trace_ids", "keyword"), ("logpipe.sql.fingerprint", "keyword"),
    ("error.type", "keyword"), ("error.stack_trace", "text"), ("message", "text"), ("error.message", "text"),
])
def test_each_event_field_has_an_explicit_type(path, kind):
    assert field(path)["type"] == kind


def test_free_text_has_a_keyword_subfield_but_stack_traces_do_not():
    assert field("message")["fields"]["keyword"]["type"] == "keyword"
    assert field("error.message")["fields"]["keyword"]["type"] == "keyword"
    assert "keyword" not in field("error.stack_trace").get("fields", {})
    assert field("logpipe.sql.fingerprint")["fields"]["text"]["type"] == "text"


@pytest.mark.parametrize("path", ["message", "error.type", "error.message", "error.stack_trace", "log.logger",
                                  "log.file.path", "logpipe.root_cause.type", "logpipe.root_cause.message",
                                  "logpipe.sql.statement", "logpipe.method.name"])
def test_names_and_the_text_quoting_them_have_a_parts_subfield_with_a_built_in_analyzer(path):
    assert field(path)["fields"]["parts"] == {"type": "text", "analyzer": "simple"}


def test_ids_are_never_split_into_parts():
    for path in ("logpipe.trace_ids", "logpipe.sql.params", "event.id", "logpipe.signature"):
        assert "parts" not in field(path).get("fields", {})


def test_every_field_an_event_writes_is_mapped_explicitly():
    e = Event(message="m", kind="sql", timestamp="2026-11-26T10:00:00+08:00", read_time="2026-11-26T02:00:01Z",
              id=event_id("h", "f", 0), level="ERROR", logger="a.B", thread="t-1", host="h", service="pay",
              file_path="/x.log", file_id="f", offset=0, end_offset=10, duration_ns=5, method_name="m",
              sql_statement="select 1", sql_fingerprint="select ?", sql_fingerprint_id="abc", sql_params="1",
              sql_rows=1, error_type="E", error_message="boom", stack_trace="at x", signature="s",
              signature_version="v1", signature_reasons=["r"], root_cause_type="R", root_cause_message="r",
              table_name="order", table_fields={"amount": 1.5}, trace_ids=["o1"], truncated=True,
              masked={"cards": 1}, flags=["malformed_row"])

    def paths(d: dict, prefix: str = "") -> list[str]:
        out = []
        for k, v in d.items():
            p = prefix + k
            out += paths(v, p + ".") if isinstance(v, dict) and k not in ("fields", "masked") else [p]
        return out

    for path in paths(e.to_ecs()):
        assert "type" in field(path) or "properties" in field(path) or field(path).get("dynamic"), path


def test_table_columns_map_strings_to_keyword_and_numbers_to_double():
    templates = {k: v for t in mappings()["dynamic_templates"] for k, v in t.items()}
    assert templates["table_strings"]["mapping"]["type"] == "keyword"
    assert templates["table_numbers"]["mapping"]["type"] == "double"
    assert set(templates["table_numbers"]["match_mapping_type"]) == {"long", "double"}
    assert mappings()["date_detection"] is False and mappings()["numeric_detection"] is False


def test_the_template_is_versioned_and_covers_the_daily_indices_of_its_prefix():
    t = index_template("logpipe-events")
    assert t["index_patterns"] == ["logpipe-events-*"] and t["version"] == TEMPLATE_VERSION
    assert t["template"]["settings"]["index.auto_expand_replicas"] == "0-1"
    fixed = index_template("p", number_of_replicas=0)["template"]["settings"]
    assert fixed["index.number_of_replicas"] == 0 and "index.auto_expand_replicas" not in fixed


def test_retention_deletes_indices_dated_before_today_minus_n_days_and_nothing_else():
    names = ["p-2026.11.26", "p-2026.11.19", "p-2026.11.18", "p-2025.01.01", "p-2026.02.30",
             "p-extra-2020.01.01", "q-2020.01.01", "p-2020.01.01-restored", "p-2020.1.1"]
    assert indices_to_delete(names, "p", date(2026, 11, 26), 7) == ["p-2025.01.01", "p-2026.11.18"]
    assert indices_to_delete(names, "p", date(2026, 11, 26), 0) == [
        "p-2025.01.01", "p-2026.11.18", "p-2026.11.19"]
    assert index_date("p-2026.02.30", "p") is None and index_date("p.x-2026.01.01", "p.x") == date(2026, 1, 1)
    with pytest.raises(ValueError):
        indices_to_delete(names, "p", date(2026, 11, 26), -1)


def test_retention_across_a_year_boundary():
    names = [f"p-2026.01.0{d}" for d in range(1, 4)] + ["p-2025.12.31", "p-2025.12.30"]
    assert indices_to_delete(names, "p", date(2026, 1, 2), 2) == ["p-2025.12.30"]


def test_a_dead_letter_carries_reason_status_error_position_and_the_original_value():
    ref = RecordRef("events", 3, 42, 0, b'{"event": {"duration": "x"}}')
    key, value = encode(DeadLetter(ref, "document_parsing_exception", 400, {"type": "document_parsing_exception"}))
    body = orjson.loads(value)
    assert key == b"events|3|42"
    assert body == {"reason": "document_parsing_exception", "status": 400,
                    "error": {"type": "document_parsing_exception"}, "topic": "events", "partition": 3,
                    "offset": 42, "value": '{"event": {"duration": "x"}}'}
    binary = orjson.loads(encode(DeadLetter(replace(ref, value=b"\xff\x00"), "undecodable", None, "not JSON"))[1])
    assert binary["value_base64"] == "/wA=" and binary["status"] is None
    assert reason_of({"type": "mapper_parsing_exception"}) == "mapper_parsing_exception"
    assert reason_of(None) == "rejected"


def test_client_settings_read_secrets_from_the_environment_only():
    cfg = EsConfig(hosts=("https://es:9200",), api_key_env="ES_KEY", ca_certs="/ca.pem")
    kw = client_kwargs(cfg, {"ES_KEY": "k"})
    assert kw["api_key"] == "k" and kw["ca_certs"] == "/ca.pem" and kw["hosts"] == ["https://es:9200"]
    with pytest.raises(EsConfigError, match="ES_KEY"):
        client_kwargs(cfg, {})
    basic = client_kwargs(EsConfig(username="u", password_env="ES_PW"), {"ES_PW": "pw"})
    assert basic["basic_auth"] == ("u", "pw") and "ca_certs" not in basic
