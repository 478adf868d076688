"""The dead-letter topic: records the indexer cannot store, with the reason, never dropped.

A dead letter is a JSON object: `reason` (a short name: the Elasticsearch error type,
or `undecodable`), `status` (the item's HTTP status, None when Elasticsearch never saw
it), `error` (the detail), the original `topic`/`partition`/`offset`, and the original
`value` as a string (`value_base64` as well when it is not valid UTF-8). Its key is the
original position, so a record dead-lettered twice (after a crash between the producer
ack and the offset commit) is recognisable as one, and a compacted topic keeps one.
The producer is idempotent; `send_all` returns only when Kafka acknowledged every letter.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from sinks.es_bulk import RecordRef
from sinks.kafka_client import connection_kwargs

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    ref: RecordRef
    reason: str
    status: int | None
    error: Any  # str, or Elasticsearch's error object


def encode(letter: DeadLetter) -> tuple[bytes, bytes]:
    """(key, value) of the dead-letter record (pure)."""
    ref = letter.ref
    raw = ref.value or b""
    body: dict[str, Any] = {
        "reason": letter.reason,
        "status": letter.status,
        "error": letter.error,
        "topic": ref.topic,
        "partition": ref.partition,
        "offset": ref.offset,
        "value": raw.decode("utf-8", "replace") if ref.value is not None else None,
    }
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        body["value_base64"] = base64.b64encode(raw).decode("ascii")
    key = f"{ref.topic}|{ref.partition}|{ref.offset}".encode("utf-8", "surrogateescape")
    return key, orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)


def reason_of(error: Any) -> str:
    """A short label for metrics: Elasticsearch's `error.type`, else `rejected`."""
    if isinstance(error, Mapping) and isinstance(error.get("type"), str):
        return error["type"]
    return "rejected"


class DeadLetterWriter:
    """Owns an idempotent producer to `topic`; `start()`, idempotent `stop()`, `async with`."""

    def __init__(self, kafka_cfg: Any, env: Mapping[str, str], topic: str) -> None:
        self.topic = topic
        self._producer = AIOKafkaProducer(**connection_kwargs(kafka_cfg, env), enable_idempotence=True,
                                          acks="all", linger_ms=0)
        self._started = False
        self._stopped = False

    async def start(self) -> None:
        try:
            await self._producer.start()
        except BaseException:
            await self._producer.stop()  # a producer whose start failed still holds its client
            raise
        self._started = True

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._started:
            await self._producer.stop()

    async def __aenter__(self) -> DeadLetterWriter:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def send_all(self, letters: Sequence[DeadLetter]) -> None:
        """Send every letter and wait for every acknowledgement; raises if any failed."""
        if not letters:
            return
        futures = []
        for letter in letters:
            key, value = encode(letter)
            futures.append(await self._producer.send(self.topic, value=value, key=key))
        results = await asyncio.gather(*futures, return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            log.error("dead-letter topic %s: %d of %d records not acknowledged: %r",
                      self.topic, len(failed), len(letters), failed[0])
            raise failed[0]
