"""The tool's own logs: plain text (default) or one JSON object per line (`--log-format json`).

A JSON line has `ts` (UTC, ISO 8601, milliseconds), `level`, `logger`, `message`, then
`exc_info` / `stack_info` as text when present, then every extra field passed with
`log.info(..., extra={...})`. Values JSON cannot hold are written as their `str()`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

from pipeline.cli.log_repeats import RepeatLimiter

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# attributes every LogRecord has; anything else on a record came from `extra=`
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, no newlines inside (multi-line tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc_info"] = record.exc_text
        if record.stack_info:
            out["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        return orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def setup_logging(level: str, log_format: str = "text") -> None:
    """Configure the root logger once, for a command-line run."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RepeatLimiter())
    logging.basicConfig(level=level.upper(), handlers=[handler])
