"""`--log-format json`: the tool's own logs as one JSON object per line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from pipeline.cli.app import build_parser
from pipeline.cli.logsetup import JsonFormatter, setup_logging


def record_line(log_call, **kwargs) -> dict:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("logpipe.test.json")
    log.propagate = False
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        log_call(log, **kwargs)
    finally:
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    return json.loads(lines[0])


def test_a_record_has_time_level_logger_and_formatted_message():
    doc = record_line(lambda log: log.warning("kafka at %s not reachable", "127.0.0.1:9092"))
    assert doc["level"] == "WARNING" and doc["logger"] == "logpipe.test.json"
    assert doc["message"] == "kafka at 127.0.0.1:9092 not reachable"
    assert doc["ts"].endswith("Z") and doc["ts"][10] == "T" and len(doc["ts"]) == len("2026-01-01T00:00:00.000Z")


def test_extra_fields_become_keys_and_odd_values_become_text():
    doc = record_line(lambda log: log.info("file gone", extra={"path": "/var/log/a.log", "unread_bytes": 12,
                                                               "when": object}))
    assert doc["path"] == "/var/log/a.log" and doc["unread_bytes"] == 12
    assert doc["when"] == str(object)
    assert "args" not in doc and "levelno" not in doc and "msg" not in doc


def test_a_traceback_is_text_inside_the_one_line():
    def fail(log):
        try:
            raise ValueError("bad offset")
        except ValueError:
            log.exception("checkpoint failed")

    doc = record_line(fail)
    assert doc["level"] == "ERROR" and doc["message"] == "checkpoint failed"
    assert doc["exc_info"].startswith("Traceback") and "ValueError: bad offset" in doc["exc_info"]


def test_the_cli_takes_log_format_next_to_log_level():
    args = build_parser().parse_args(["--log-format", "json", "--log-level", "info", "scan", "x.log"])
    assert args.log_format == "json" and args.log_level == "INFO"  # checked and upper-cased
    assert build_parser().parse_args(["scan", "x.log"]).log_format == "text"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--log-format", "xml", "scan", "x.log"])


def test_setup_logging_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="text, json"):
        setup_logging("info", "yaml")
