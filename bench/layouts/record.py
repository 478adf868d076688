"""One log record as an application emits it, before any layout writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class Unsupported(ValueError):
    """The pattern uses something the renderer does not write."""


@dataclass
class Record:
    time: datetime
    level: str
    thread: str
    logger: str  # fully qualified
    message: str  # may hold newlines
    method: str = "handle"
    line: int = 88
    trace: str = ""  # Java `printStackTrace` text or a Python traceback, lines ending "\n"
    mdc: dict[str, str] = field(default_factory=dict)
    # truth about what the record is, beside how it is written
    sql: str | None = None  # the statement a reader should find (MyBatis: on the Preparing record)
    duration_ms: float | None = None
    error_class: str | None = None
    root_class: str | None = None
