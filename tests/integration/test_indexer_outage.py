"""Elasticsearch unreachable (a closed port, then the real node behind it): the indexer waits, commits
nothing it has not stored, logs the outage once, and loses nothing."""

from __future__ import annotations

import asyncio
import logging
import socket
from urllib.parse import urlsplit

import pytest

from pipeline.index.stage import Indexer, IndexerOptions
from pipeline.metrics.registry import Metrics
from tests.integration.indexer_support import (drop_test_indices,  # noqa: F401 (autouse fixture)
                                               FAST, committed_total, create_topics, event_docs, indexed_ids,
                                               make_config, produce)

pytestmark = pytest.mark.integration
N = 3_000


class Gate:
    """A TCP port that is closed (connection refused) until `open()`, then forwards to the real node."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname, parts.port)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in self._pipes:
                task.cancel()
            await asyncio.gather(*self._pipes, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            finally:
                w.close()

        tasks = {asyncio.create_task(pipe(reader, up_writer)), asyncio.create_task(pipe(up_reader, writer))}
        self._pipes |= tasks
        await asyncio.gather(*tasks, return_exceptions=True)
        self._pipes -= tasks


async def test_nothing_is_lost_or_committed_while_elasticsearch_is_unreachable(
        kafka_bootstrap, es_url, unique_name, caplog):
    gate = Gate(es_url)
    cfg = make_config(kafka_bootstrap, es_url, unique_name, bulk_max_docs=200, max_retries=0,
                      request_timeout_s=2.0, hosts=(f"http://127.0.0.1:{gate.port}",))
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter)
    docs = event_docs(N)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[:1000])
    caplog.set_level(logging.WARNING, logger="pipeline.index.send")

    metrics = Metrics()
    indexer = Indexer(cfg, {}, metrics=metrics, options=IndexerOptions(consumer_extra=FAST))
    starting = asyncio.create_task(indexer.start())  # the template waits for Elasticsearch
    await asyncio.sleep(1.5)
    assert not starting.done()
    await gate.open()
    await asyncio.wait_for(starting, 20)
    run = asyncio.create_task(indexer.run())
    try:
        async with asyncio.timeout(20):
            while metrics.total("index_records_committed_total") < 1000:
                await asyncio.sleep(0.05)
        await gate.close()  # Elasticsearch goes away mid-stream
        await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[1000:])
        await asyncio.sleep(3)
        assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events) == 1000
        assert metrics.total("index_retries_total") > 0
        await gate.open()  # and comes back
        async with asyncio.timeout(30):
            while metrics.total("index_records_committed_total") < N:
                await asyncio.sleep(0.05)
    finally:
        indexer.request_stop()
        await asyncio.wait_for(run, 15)
        await indexer.stop()
        await gate.close()

    count, ids = await indexed_ids(es_url, unique_name)
    assert count == N and set(ids) == {d["event"]["id"] for d in docs}
    assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events) == N
    outage_lines = [r.getMessage() for r in caplog.records if "unreachable since" in r.getMessage()]
    back_lines = [r.getMessage() for r in caplog.records if "back after" in r.getMessage()]
    assert len(outage_lines) == 2 and len(back_lines) == 2, caplog.text  # one pair per outage
