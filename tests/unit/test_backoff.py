"""The one retry curve (`sinks.backoff`): its shape, and which errors `retry` retries,
how long, and when it gives up."""

from __future__ import annotations

import asyncio
import logging

import pytest

from sinks.backoff import Backoff, pause, retry, until_it_answers

QUICK = Backoff(base_s=0.001, cap_s=0.004)


class Flaky(Exception):
    pass


class Refused(Exception):
    pass


def failing(times: int, exc: Exception, calls: list[int]):
    async def call() -> str:
        calls.append(len(calls))
        if len(calls) <= times:
            raise exc
        return "done"
    return call


def test_the_curve_doubles_from_its_base_up_to_its_cap():
    curve = Backoff(base_s=0.5, cap_s=30)
    full = [curve.delay_s(a, rand=lambda: 1.0) for a in range(10)]
    assert full[:4] == [0.5, 1.0, 2.0, 4.0] and max(full) == 30 and full[-1] == 30


def test_jitter_takes_between_half_and_all_of_the_curve():
    curve = Backoff(base_s=0.5, cap_s=30)
    assert curve.delay_s(3, rand=lambda: 0.0) == 2.0
    assert curve.delay_s(10_000, rand=lambda: 0.5) == 22.5
    waits = {curve.delay_s(2) for _ in range(200)}
    assert len(waits) > 1 and all(1.0 <= w <= 2.0 for w in waits)


def test_a_huge_or_negative_attempt_stays_finite_and_within_the_cap():
    curve = Backoff(base_s=1.0, cap_s=30)
    assert curve.delay_s(10**9, rand=lambda: 1.0) == 30
    assert curve.delay_s(-5, rand=lambda: 1.0) == 1.0


async def test_retry_retries_a_retriable_error_until_the_call_succeeds():
    calls: list[int] = []
    seen: list[tuple[int, float]] = []
    result = await retry(failing(3, Flaky("down"), calls), retriable=lambda e: isinstance(e, Flaky),
                         backoff=QUICK, on_retry=lambda exc, attempt, delay: seen.append((attempt, delay)))
    assert result == "done" and len(calls) == 4
    assert [a for a, _ in seen] == [1, 2, 3] and all(0.0005 <= d <= 0.004 for _, d in seen)


async def test_retry_gives_up_at_once_on_an_error_it_must_not_retry():
    calls: list[int] = []
    with pytest.raises(Refused):
        await retry(failing(5, Refused("bad password"), calls), retriable=lambda e: isinstance(e, Flaky), backoff=QUICK)
    assert len(calls) == 1


async def test_retry_gives_up_after_max_attempts_with_the_last_error():
    calls: list[int] = []
    with pytest.raises(Flaky):
        await retry(failing(10, Flaky("down"), calls), retriable=lambda e: True, backoff=QUICK, max_attempts=3)
    assert len(calls) == 3


async def test_a_stop_request_ends_the_wait_with_the_last_error():
    stop = asyncio.Event()
    calls: list[int] = []
    task = asyncio.create_task(retry(failing(10**6, Flaky("down"), calls), retriable=lambda e: True,
                                     backoff=Backoff(base_s=60, cap_s=60), stop=stop))
    await asyncio.sleep(0.05)
    stop.set()
    with pytest.raises(Flaky):
        await asyncio.wait_for(task, 2)
    assert len(calls) == 1


async def test_pause_returns_early_and_true_when_stopped():
    stop = asyncio.Event()
    stop.set()
    assert await asyncio.wait_for(pause(60, stop), 1) is True
    assert await pause(0.001, asyncio.Event()) is False


async def test_waiting_for_a_service_logs_once_when_it_is_away_and_once_when_it_answers(caplog):
    calls: list[int] = []
    counted: list[int] = []
    log = logging.getLogger("test.wait")
    with caplog.at_level(logging.WARNING, logger="test.wait"):
        await until_it_answers(failing(3, Flaky("refused"), calls), service="kafka at k:9092", backoff=QUICK,
                               retriable=lambda e: isinstance(e, Flaky), stop=asyncio.Event(),
                               on_failure=lambda: counted.append(1), log=log, then="going on")
    words = [r.getMessage() for r in caplog.records]
    assert len(calls) == 4 and len(counted) == 3 and len(words) == 2
    assert words[0].startswith("kafka at k:9092 not reachable (refused)") and words[1].endswith("; going on")
