"""Messages that begin like a layout's fields: the precision side of the prefix reader.

A reader that takes more shapes as fields (a number as a pid, a bracket as a thread, a
`File.java:42` as a position) reads more layouts, and may also cut the start off a
message that only looks like a field. These records carry such messages; every layout
writes them with the scenario's own levels, threads and loggers, and the check is that
the message's first line is read as written (and a duration, where the message holds one).
"""

from __future__ import annotations

from dataclasses import replace

from bench.layouts.record import Record
from bench.layouts.scenario import java_records, python_records

# (message, its duration in ms or None)
MESSAGES = (
    ("[DUBBO] Register: consumer://10.0.0.7/com.pay.api.PayService, dubbo version: 2.7.8", None),
    ("Order.java:42 failed to load the order", None),
    ("[5f3a1b2c6d7e8f90] traced request finished", None),
    ("user - login accepted", None),
    ("12 orders settled", None),
    ("200 orders settled in 35 ms", 35.0),
    ("| order_no | amount | status |", None),
    ("(PayService.java:88) retry scheduled", None),
    ("main - worker started", None),
    ("2 WARN messages were dropped", None),
)


def records(python: bool) -> list[Record]:
    """One record per message, with the level, thread, logger and position of the
    scenario's plain records in turn."""
    base = [r for r in (python_records() if python else java_records()) if not (r.trace or r.sql or "\n" in r.message)]
    return [replace(base[i % len(base)], message=msg, duration_ms=ms, sql=None)
            for i, (msg, ms) in enumerate(MESSAGES)]
