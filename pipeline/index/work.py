"""One poll's records, stored: each is indexed or acknowledged by the dead-letter topic.

`store_records` returns only when that is true of every record, so the caller may then
commit the poll's offsets. Records that are not JSON objects and documents Elasticsearch
rejects (a 4xx other than 429) go to the dead-letter topic, counted by reason.
"""

from __future__ import annotations

from typing import Any

from aiokafka import TopicPartition

from pipeline.config.schema import EsConfig
from pipeline.index.deadletter import DeadLetter, DeadLetterWriter
from pipeline.index.send import BulkSender, Counters
from sinks.codec import UndecodableRecord, decode_event
from sinks.es_bulk import Batch, BulkBatcher, RecordRef

Records = dict[TopicPartition, list[Any]]  # as AIOKafkaConsumer.getmany returns them


async def store_records(records: Records, es: EsConfig, sender: BulkSender, deadletters: DeadLetterWriter,
                        metrics: Counters) -> None:
    batcher = BulkBatcher(es.index_prefix, max_docs=es.bulk_max_docs, max_bytes=es.bulk_max_bytes)
    letters: list[DeadLetter] = []
    for recs in records.values():
        for r in recs:
            ref = RecordRef(r.topic, r.partition, r.offset, r.timestamp, r.value)
            try:
                doc = decode_event(r.value)
            except UndecodableRecord as exc:
                letters.append(DeadLetter(ref, "undecodable", None, str(exc)))
                metrics.inc("index_rejected_total", reason="undecodable")
                continue
            batch = batcher.feed(doc, ref, r.value)
            if batch is not None:
                letters += await _send(batch, sender, metrics)
    batch = batcher.flush()
    if batch.items:
        letters += await _send(batch, sender, metrics)
    await deadletters.send_all(letters)
    for letter in letters:
        metrics.inc("index_deadletters_total", reason=letter.reason)


async def _send(batch: Batch, sender: BulkSender, metrics: Counters) -> list[DeadLetter]:
    metrics.inc("index_batches_total")
    if batch.id_fallbacks:
        metrics.inc("index_id_fallbacks_total", batch.id_fallbacks)
    if batch.date_fallbacks:
        metrics.inc("index_date_fallbacks_total", batch.date_fallbacks)
    return await sender.send(batch)
