"""The one retry curve of logpipe, and the loop that uses it.

`Backoff(base_s, cap_s).delay_s(attempt)` is the wait before retry number `attempt`
(0-based): `base_s * 2**attempt`, capped at `cap_s`, then a random 50-100 % of that
("equal jitter"), so that many shippers, indexers or alerters that lost the same
service do not come back in step, and none waits less than half the curve.

`retry(call, retriable=...)` awaits `call()` until it returns. An error that
`retriable(exc)` refuses propagates at once (settings a service refuses: no retry can
help); a retriable one is retried after `delay_s(attempt)` until `max_attempts` calls
were made (None: forever) or `stop` is set, and then the last error propagates.
`on_retry(exc, attempt, delay_s)` is told of every retry (log, count), so each caller
keeps its own words. `until_it_answers` is `retry` for a service a stage waits for at
start, with the stages' common words: one warning when it is first found away, one when
it answers. Every stage and sink that retries uses this module: one curve.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
MAX_DOUBLINGS = 32  # 2**32 times any base is past every cap; keeps the float finite


@dataclass(frozen=True, slots=True)
class Backoff:
    base_s: float = 1.0
    cap_s: float = 30.0

    def delay_s(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        full_s = min(self.cap_s, self.base_s * 2 ** min(max(attempt, 0), MAX_DOUBLINGS))
        return full_s * (0.5 + rand() / 2)


async def pause(delay_s: float, stop: asyncio.Event | None = None) -> bool:
    """Sleep `delay_s`, or less when `stop` is set meanwhile; True when it was set."""
    if stop is None:
        await asyncio.sleep(delay_s)
        return False
    try:
        async with asyncio.timeout(delay_s):
            await stop.wait()
    except TimeoutError:
        return False
    return True


async def retry(call: Callable[[], Awaitable[T]], *, retriable: Callable[[BaseException], bool],
                backoff: Backoff = Backoff(), max_attempts: int | None = None, stop: asyncio.Event | None = None,
                on_retry: Callable[[Exception, int, float], None] | None = None) -> T:
    """`await call()`, retried on the errors `retriable` accepts (see the module doc)."""
    attempt = 0
    while True:
        try:
            return await call()
        except Exception as exc:
            attempt += 1
            out_of_attempts = max_attempts is not None and attempt >= max_attempts
            if not retriable(exc) or out_of_attempts or (stop is not None and stop.is_set()):
                raise
            delay_s = backoff.delay_s(attempt - 1)
            if on_retry is not None:
                on_retry(exc, attempt, delay_s)
            if await pause(delay_s, stop):
                raise


async def until_it_answers(call: Callable[[], Awaitable[T]], *, service: str, retriable: Callable[[BaseException], bool],
                           stop: asyncio.Event, on_failure: Callable[[], None], log: logging.Logger,
                           then: str, backoff: Backoff = Backoff()) -> T:
    """`retry(call)` until `service` answers or `stop` is set; `on_failure()` (count it) at
    every failure, a warning at the first and one when it answers ("...; `then`")."""
    since = time.monotonic()
    failures = 0

    def failed(exc: Exception, attempt: int, delay_s: float) -> None:
        nonlocal failures
        failures = attempt
        if attempt == 1:
            log.warning("%s not reachable (%s); retrying with back-off", service, exc)
        on_failure()

    result = await retry(call, retriable=retriable, backoff=backoff, stop=stop, on_retry=failed)
    if failures:
        log.warning("%s answers after %.0fs; %s", service, time.monotonic() - since, then)
    return result
