"""A crash mid-stream (in-process, and a real `kill -9`) loses nothing and doubles nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from pipeline.index.stage import Indexer, IndexerOptions
from pipeline.metrics.registry import Metrics
from tests.integration.indexer_support import (drop_test_indices,  # noqa: F401 (autouse fixture)
                                               FAST, committed_total, config_toml, create_topics, event_docs,
                                               index_until_caught_up, indexed_ids, make_config, produce)

pytestmark = pytest.mark.integration
N = 5_000
REPO = Path(__file__).resolve().parents[2]


async def test_an_indexer_cancelled_mid_stream_without_committing_loses_and_doubles_nothing(
        kafka_bootstrap, es_url, unique_name):
    cfg = make_config(kafka_bootstrap, es_url, unique_name, bulk_max_docs=100)
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter)
    docs = event_docs(N)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs)

    class CrashAfter1000Docs(Metrics):
        """Cancels the run the moment a bulk request has stored the 1000th document: before its commit."""

        crashed = False

        def inc(self, name: str, n: float = 1, **labels: object) -> None:
            super().inc(name, n, **labels)
            if name == "index_docs_indexed_total" and self.total(name) >= 1000 and not self.crashed:
                self.crashed = True
                run.cancel()

    metrics = CrashAfter1000Docs()
    indexer = Indexer(cfg, {}, metrics=metrics, options=IndexerOptions(max_poll_batches=1, consumer_extra=FAST))
    await indexer.start()
    run = asyncio.create_task(indexer.run())
    await asyncio.wait({run}, timeout=20)
    assert run.cancelled()
    await indexer.stop()
    committed = await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events)
    assert 0 < committed < N
    assert metrics.total("index_records_committed_total") == committed
    assert metrics.total("index_docs_indexed_total") > committed  # stored, not committed: read again

    await index_until_caught_up(cfg)
    count, ids = await indexed_ids(es_url, unique_name)
    assert count == N and len(set(ids)) == N and set(ids) == {d["event"]["id"] for d in docs}
    assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events) == N


async def test_an_indexer_process_killed_with_sigkill_loses_and_doubles_nothing(
        kafka_bootstrap, es_url, unique_name, tmp_path):
    cfg = make_config(kafka_bootstrap, es_url, unique_name, bulk_max_docs=50)
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter)
    config = tmp_path / "logpipe.toml"
    config.write_text(config_toml(cfg))
    docs = event_docs(N)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[: N // 2])

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pipeline.cli.index", "--config", str(config), cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if k not in ("LOGPIPE_KAFKA", "LOGPIPE_ES")},
             "LOGPIPE_LOG_LEVEL": "WARNING"})
    try:
        async with asyncio.timeout(20):
            while await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events) == 0:
                await asyncio.sleep(0.05)
        await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[N // 2:])
        await asyncio.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        assert await proc.wait() == -signal.SIGKILL
    committed = await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events)
    assert 0 < committed < N

    # the dead member keeps its partitions until its session times out; then we take over
    await index_until_caught_up(cfg, timeout_s=45)
    count, ids = await indexed_ids(es_url, unique_name)
    assert count == N and len(set(ids)) == N and set(ids) == {d["event"]["id"] for d in docs}
    assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events) == N
