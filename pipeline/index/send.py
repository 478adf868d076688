"""Sending one bulk batch until every document in it is either indexed or rejected.

Per item: 2xx is done; 429 and 5xx are retried (only those items) on the back-off
curve of `sinks.backoff`; any other status is a rejection, returned as a `DeadLetter`.
Elasticsearch unreachable, or answering the whole request with 429/5xx, means wait
and retry the whole request, with one log line when the outage starts and one when
it ends. `send` returns only when nothing is left to retry, so a caller that commits
Kafka offsets after it never commits past a document that is not stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, Protocol, TypeVar

from elastic_transport import TlsError
from elasticsearch import ApiError, AsyncElasticsearch, ConnectionError as EsConnectionError, ConnectionTimeout

from pipeline.index.deadletter import DeadLetter, reason_of
from sinks.backoff import Backoff
from sinks.es_bulk import Batch, BulkItem

log = logging.getLogger(__name__)
T = TypeVar("T")
FILTER_PATH = "errors,items.*.status,items.*.error"


class Counters(Protocol):
    """What the indexer needs of a metrics object (`pipeline.metrics.registry.Metrics` fits)."""

    def inc(self, name: str, n: float = 1, **labels: object) -> None: ...
    def set(self, name: str, value: float, **labels: object) -> None: ...
    def declare(self, stage: Any) -> None: ...


def retriable_status(status: int) -> bool:
    return status == 429 or status >= 500


class OutageLog:
    """One log line when Elasticsearch becomes unreachable, one when it is back."""

    def __init__(self, metrics: Counters, clock: Callable[[], float] = time.monotonic) -> None:
        self._metrics, self._clock = metrics, clock
        self._since: float | None = None

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        if self._since is None:
            self._since = self._clock()
            wall = datetime.now(timezone.utc).isoformat(timespec="seconds")
            cause = getattr(exc, "errors", None) or ()
            detail = f"{exc} ({cause[0]})" if cause else str(exc)
            log.warning("elasticsearch unreachable since %s (%s: %s), retrying", wall, type(exc).__name__, detail)
            self._metrics.inc("index_es_outages_total")

    def succeeded(self) -> None:
        if self._since is not None:
            log.warning("elasticsearch back after %.1f s", self._clock() - self._since)
            self._since = None


class BulkSender:
    def __init__(self, client: AsyncElasticsearch, metrics: Counters, *, backoff_base_s: float = 0.5,
                 backoff_cap_s: float = 30.0) -> None:
        self._client, self._metrics = client, metrics
        self._backoff = Backoff(backoff_base_s, backoff_cap_s)
        self.outage = OutageLog(metrics)
        self._answered = False  # a request succeeded once: TLS settings work

    async def call(self, what: str, fn: Callable[[], Awaitable[T]]) -> T:
        """`fn()` retried while Elasticsearch is unreachable or answers 429/5xx; other errors propagate."""
        attempt = 0
        while True:
            try:
                result = await fn()
            except TlsError as exc:
                if not self._answered:  # TLS that never worked is the configuration's fault: the caller stops
                    raise
                self.outage.failed(exc)
                cause = "unreachable"
            except (EsConnectionError, ConnectionTimeout) as exc:
                self.outage.failed(exc)
                cause = "unreachable"
            except ApiError as exc:
                if not retriable_status(exc.status_code):
                    if exc.status_code not in (401, 403):  # refused credentials: the command prints one line
                        log.error("elasticsearch %s failed with %s: %s", what, exc.status_code, exc)
                    raise
                if exc.status_code >= 500:
                    self.outage.failed(exc)
                cause = str(exc.status_code)
            else:
                self._answered = True
                self.outage.succeeded()
                return result
            self._metrics.inc("index_retries_total", cause=cause, scope="request")
            delay = self._backoff.delay_s(attempt)
            log.debug("elasticsearch %s: %s, retry %d in %.2f s", what, cause, attempt + 1, delay)
            attempt += 1
            await asyncio.sleep(delay)

    async def send(self, batch: Batch) -> list[DeadLetter]:
        """Index every item of `batch`; returns the rejected ones. Cancellable at any await."""
        pending: list[BulkItem] = list(batch.items)
        rejected: list[DeadLetter] = []
        attempt = 0
        while pending:
            body = b"".join(item.lines for item in pending)
            res = await self.call("bulk", lambda: self._client.bulk(operations=body, filter_path=FILTER_PATH))
            self._metrics.inc("index_bulk_requests_total")
            retry, done = self._sort(pending, res.body, rejected)
            self._metrics.inc("index_docs_indexed_total", done)
            if not retry:
                break
            self._metrics.inc("index_retries_total", len(retry), cause="item", scope="item")
            delay = self._backoff.delay_s(attempt)
            log.info("bulk: %d of %d documents to retry (429/5xx) in %.2f s", len(retry), len(pending), delay)
            attempt += 1
            pending = retry
            await asyncio.sleep(delay)
        for letter in rejected:
            self._metrics.inc("index_rejected_total", reason=letter.reason)
        return rejected

    @staticmethod
    def _sort(items: list[BulkItem], body: dict[str, Any], rejected: list[DeadLetter]) -> tuple[list[BulkItem], int]:
        """Split the items by their results: (to retry, number indexed); rejections appended."""
        if not body.get("errors"):
            return [], len(items)
        results = body.get("items", [])
        if len(results) != len(items):
            raise RuntimeError(f"bulk answered {len(results)} items for {len(items)} documents")
        retry: list[BulkItem] = []
        done = 0
        for item, result in zip(items, results):
            outcome = next(iter(result.values()))
            status = int(outcome.get("status", 0))
            if 200 <= status < 300:
                done += 1
            elif retriable_status(status):
                retry.append(item)
            else:
                error = outcome.get("error")
                rejected.append(DeadLetter(item.ref, reason_of(error), status, error))
        return retry, done
