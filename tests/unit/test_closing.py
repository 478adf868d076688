"""A close that never finishes, or fails, does not hold its caller (sinks.closing)."""

from __future__ import annotations

import asyncio
import logging

from sinks.closing import close_within


async def test_a_close_that_never_finishes_is_left_behind_after_its_bound(caplog):
    never = asyncio.Event()
    with caplog.at_level(logging.WARNING, logger="sinks.closing"):
        assert await close_within(never.wait(), "a client", timeout_s=0.05) is False
    assert "closing a client did not finish" in caplog.text


async def test_a_close_that_fails_is_logged_and_returns(caplog):
    async def failing() -> None:
        raise ConnectionResetError("gone")

    with caplog.at_level(logging.WARNING, logger="sinks.closing"):
        assert await close_within(failing(), "a client", timeout_s=1) is False
    assert "ConnectionResetError" in caplog.text


async def test_a_close_that_finishes_says_so():
    closed = []

    async def close() -> None:
        closed.append(True)

    assert await close_within(close(), "a client", timeout_s=1) is True
    assert closed == [True]


async def test_a_start_cancelled_half_way_does_not_hang_in_its_close():
    """The shape of the hang: a cancelled start whose cleanup awaits a close that never ends."""
    never = asyncio.Event()

    async def start() -> None:
        try:
            await asyncio.sleep(10)  # a broker coming up
        except BaseException:
            await close_within(never.wait(), "a client", timeout_s=0.05)
            raise

    task = asyncio.create_task(start())
    await asyncio.sleep(0)
    done, _ = await asyncio.wait({asyncio.create_task(asyncio.wait_for(task, 0.01))}, timeout=2)
    assert done, "the cancelled start hung in its close"
