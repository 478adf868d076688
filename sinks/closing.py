"""Closing a Kafka client within a bound.

aiokafka's `stop()`/`close()` after a `start()` that was cancelled half-way (a timeout
while a broker was coming up) can wait forever; a stage that awaited it unbounded
would hang for good, its broker long back. `close_within` gives the close a bound,
logs and counts one that does not finish, and returns: the client's sockets go with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

log = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 10.0


async def close_within(closing: Awaitable[object], what: str, timeout_s: float = CLOSE_TIMEOUT_S) -> bool:
    """Awaits `closing` for at most `timeout_s`; False (logged) when it did not finish or failed."""
    try:
        await asyncio.wait_for(closing, timeout_s)
        return True
    except TimeoutError:
        log.warning("closing %s did not finish within %.0fs; left behind", what, timeout_s)
    except Exception as exc:  # closing a client whose broker is gone: nothing more to do with it
        log.warning("closing %s failed: %r", what, exc)
    return False
