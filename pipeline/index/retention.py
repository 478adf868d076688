"""Retention of the daily event indices `<prefix>-YYYY.MM.DD`, by the date in the name.

`indices_to_delete` is pure: with `keep_days = N` and today's UTC date D, every index
dated before D - N days goes; D - N and later stay (today plus N full days back).
Names that are not exactly `<prefix>-YYYY.MM.DD` with a real date are never touched.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch

log = logging.getLogger(__name__)


def index_date(name: str, prefix: str) -> date | None:
    """The date in a daily index name of `prefix`, or None when it is not one."""
    m = re.fullmatch(re.escape(prefix) + r"-(\d{4})\.(\d{2})\.(\d{2})", name)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def indices_to_delete(names: Iterable[str], prefix: str, today: date, keep_days: int) -> list[str]:
    """The daily indices of `prefix` older than `keep_days` days before `today`, sorted."""
    if keep_days < 0:
        raise ValueError("keep_days must be >= 0")
    oldest_kept = today - timedelta(days=keep_days)
    return sorted(n for n in names if (d := index_date(n, prefix)) is not None and d < oldest_kept)


async def delete_old_indices(client: AsyncElasticsearch, prefix: str, today: date, keep_days: int) -> list[str]:
    """Delete what `indices_to_delete` selects among the cluster's `<prefix>-*`; returns the names deleted."""
    res = await client.indices.get(index=f"{prefix}-*", expand_wildcards="open,closed",
                                    allow_no_indices=True, ignore_unavailable=True)
    doomed = indices_to_delete(res.keys(), prefix, today, keep_days)
    for name in doomed:
        await client.indices.delete(index=name, ignore_unavailable=True)
        log.info("retention: deleted index %s (older than %d days)", name, keep_days)
    return doomed


async def apply_retention(client: AsyncElasticsearch, sender: Any, prefix: str, keep_days: int,
                          metrics: Any) -> bool:
    """One retention pass. An outage is waited out by `sender.call`; any other failure is
    logged and counted, and returns False (the next pass tries again)."""
    today = datetime.now(timezone.utc).date()
    try:
        deleted = await sender.call("retention", lambda: delete_old_indices(client, prefix, today, keep_days))
    except ApiError as exc:
        log.error("retention of %s-* (keep %d days) failed: %s", prefix, keep_days, exc)
        metrics.inc("index_retention_errors_total")
        return False
    metrics.inc("index_retention_deleted_total", len(deleted))
    return True


async def retention_loop(client: AsyncElasticsearch, sender: Any, prefix: str, keep_days: int,
                         metrics: Any, *, every_s: float = 86_400, after_error_s: float = 3_600) -> None:
    """Retention passes after the one on start: every `every_s`, or `after_error_s` after a failure."""
    delay = every_s
    while True:
        await asyncio.sleep(delay)
        ok = await apply_retention(client, sender, prefix, keep_days, metrics)
        delay = every_s if ok else after_error_s
