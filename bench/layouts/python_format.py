"""Render log lines from a Python `logging` format (`%(asctime)s ...` or `{asctime} ...`),
with Python's own `%` and `str.format`, as `logging.Formatter` does."""

from __future__ import annotations

import re
import time

from bench.layouts.record import Record, Unsupported


def render(fmt: str, style: str, datefmt: str | None, rec: Record) -> str:
    values = _values(rec, datefmt)
    try:
        text = fmt % values if style == "%" else fmt.format(**values)
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise Unsupported(f"format: {exc}") from exc
    if rec.trace:
        text += "\n" + rec.trace.rstrip("\n")  # Formatter.format: message, newline, exc_text
    return text + "\n"


def _values(rec: Record, datefmt: str | None) -> dict:
    created = rec.time.timestamp()
    if datefmt:
        asctime = time.strftime(datefmt, rec.time.timetuple())
    else:
        asctime = rec.time.strftime("%Y-%m-%d %H:%M:%S") + f",{rec.time.microsecond // 1000:03d}"
    module = rec.logger.rsplit(".", 1)[-1]
    levelno = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}[rec.level]
    return {"name": rec.logger, "levelname": rec.level, "levelno": levelno, "message": rec.message,
            "asctime": asctime, "module": module, "funcName": rec.method, "lineno": rec.line,
            "process": 24816, "processName": "MainProcess", "thread": 139872012346176,
            "threadName": rec.thread, "pathname": f"/srv/app/{rec.logger.replace('.', '/')}.py",
            "filename": module + ".py", "created": created, "msecs": rec.time.microsecond / 1000,
            "relativeCreated": 183472.1, "taskName": None, "request_id": "r-8812", "server_time": asctime,
            "msg": rec.message, "task_name": "pay.tasks.settle", "task_id": "6f1c2e1a-3b7d-4c1e-9a55-0d2b8f9e4c11",
            "color": "", "end_color": ""}  # celery's task formatter, tornado's LogFormatter


_FIELD_KEYS = {"level": "levelname", "thread": "threadName", "logger": "name", "message": "message"}


def fields(fmt: str, style: str, rec: Record) -> dict:
    """The level, thread, logger and message as `fmt` writes them, for those it writes."""
    values = _values(rec, None)
    out = {}
    for field, key in _FIELD_KEYS.items():
        if style == "%":
            m = re.search(r"%\(" + key + r"\)([-#0 +]*\d*(?:\.\d+)?[sdr])", fmt)
            if m:
                out[field] = ("%" + m.group(1)) % values[key]
        else:
            m = re.search(r"\{" + key + r"(?::([^{}]*))?\}", fmt)
            if m:
                out[field] = format(values[key], m.group(1) or "")
    return {k: v.strip() for k, v in out.items()}
