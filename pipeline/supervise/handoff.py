"""What `logpipe run` gives a stage process, and what the stage process reports back.

The hand-off is pickled on the child's stdin: the configuration as `run` loaded and
checked it (the three stages run one reading of the file), the log settings, and the
numbers of the two descriptors passed to the child (the lifeline, the report pipe).
Reports are JSON lines on the report pipe: `{"metrics_port": N}` once the stage's own
endpoint listens, then at most one of `{"fault": MESSAGE}` (an error that names its
cause: a configuration key, a refused credential; `run` prints it and exits 2) or
`{"failed": MESSAGE}` (any other error), just before the process exits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import orjson

STAGE_NAMES = ("ship", "index", "alert")


class StageFault(Exception):
    """A stage process of `logpipe run` ended on an error that names its cause; the message is its."""


@dataclass(frozen=True, slots=True)
class Handoff:
    stage: str
    cfg: Any  # pipeline.config.schema.Config
    log_level: str
    log_format: str
    lifeline_fd: int
    report_fd: int
    serve_metrics: bool  # the stage serves its registry on an ephemeral port of 127.0.0.1
    show_status: bool  # the shipper's live status line


@dataclass(slots=True)
class Outcome:
    """How a stage process ended: its exit code and what it reported."""
    stage: str
    returncode: int | None = None
    fault: str | None = None
    failed: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.fault is None and self.failed is None

    def describe(self) -> str:
        if self.fault is not None:
            return self.fault
        if self.failed is not None:
            return self.failed
        code = self.returncode
        if code is not None and code < 0:
            return f"killed by signal {-code}"
        return f"exited with code {code}"


def encode_report(**fields: Any) -> bytes:
    return orjson.dumps(fields) + b"\n"


def decode_report(line: bytes) -> dict[str, Any]:
    """One report line; a line that is not a JSON object raises ValueError."""
    value = orjson.loads(line)
    if not isinstance(value, dict):
        raise ValueError(f"not a report: {line[:200]!r}")
    return value


def write_report(fd: int, **fields: Any) -> None:
    """One report line to the parent (a few dozen bytes: one write, atomic on a pipe)."""
    os.write(fd, encode_report(**fields))
