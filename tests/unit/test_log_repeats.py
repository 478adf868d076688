"""A storm of one log message (a client reconnecting to a broker that is down) shows as one
line per window with a count, and other messages are not held back."""

from __future__ import annotations

import logging

from pipeline.cli.log_repeats import RepeatLimiter


def record(msg: str, *args: object, name: str = "aiokafka") -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)


def test_repeats_within_the_window_are_counted_and_reported_with_the_next_one_after_it() -> None:
    now = [0.0]
    limiter = RepeatLimiter(window_s=10, clock=lambda: now[0])
    passed = []
    for i in range(1000):
        now[0] = i * 0.01  # 1000 failed reconnects in 10 s
        rec = record("Unable connect to node with id %s", 1)
        if limiter.filter(rec):
            passed.append(rec.getMessage())
    now[0] = 10.5
    rec = record("Unable connect to node with id %s", 1)
    assert limiter.filter(rec)
    assert passed == ["Unable connect to node with id 1"]
    assert rec.getMessage() == "Unable connect to node with id 1 (999 more like this in the last 10s not shown)"


def test_other_messages_pass_while_one_is_being_limited() -> None:
    limiter = RepeatLimiter(window_s=10, clock=lambda: 0.0)
    assert limiter.filter(record("Unable connect to node with id %s", 1))
    assert not limiter.filter(record("Unable connect to node with id %s", 1))
    assert limiter.filter(record("Unable to update metadata from %s", [1]))
    assert limiter.filter(record("Unable connect to node with id %s", 1, name="pipeline.ship.shipper"))
