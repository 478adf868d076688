"""A private service accepts only itself: a broker whose port answers with another cluster
id, or an Elasticsearch service whose port answers with another node, is not ready and
fails at once, naming who answers; a port taken before the start fails the start.

The "other" services are the shared broker and node, only asked who they are (metadata and
nodes info); nothing is started on their ports."""

from __future__ import annotations

import socket
import time

import pytest

from pipeline.stack.elasticsearch import ElasticsearchService
from pipeline.stack.kafka import KafkaService
from pipeline.stack.local import services_dir
from pipeline.stack.procs import StackError
from tests.integration.private_kafka import private_kafka

pytestmark = pytest.mark.integration


def port_of(address: str) -> int:
    return int(address.rstrip("/").rsplit(":", 1)[1])


async def test_a_broker_whose_port_answers_with_another_cluster_id_is_refused(tmp_path, kafka_bootstrap):
    async with private_kafka(tmp_path / "kafka") as broker:
        # this broker's home (its own cluster id) with the port another broker answers on
        on_shared_port = KafkaService(services_dir(), broker.home, port=port_of(kafka_bootstrap),
                                      controller_port=broker.controller_port)
        shared_id = await on_shared_port.answering_cluster_id()
        assert shared_id and broker.cluster_id() and shared_id != broker.cluster_id()
        assert not await on_shared_port.healthy()
        started = time.monotonic()
        with pytest.raises(StackError, match=f"answers as Kafka cluster '{shared_id}', not this broker's"):
            await on_shared_port.wait_ready(60)
        assert time.monotonic() - started < 15, "refused at the first answer, not after the timeout"


async def test_a_broker_port_taken_before_the_start_fails_the_start_naming_the_taker(tmp_path):
    async with private_kafka(tmp_path / "kafka") as broker:
        with socket.socket() as taker:
            taker.bind(("127.0.0.1", broker.port))
            taker.listen()
            with pytest.raises(StackError, match=f"port {broker.port} is taken by another process .pid "):
                await broker.start()
        assert broker.pid() is None, "nothing was started"


async def test_an_elasticsearch_whose_port_answers_with_another_node_is_refused(tmp_path, es_url):
    node = ElasticsearchService(services_dir(), tmp_path / "elasticsearch", port=port_of(es_url),
                                transport_port=port_of(es_url) + 100)
    answering = await node.answering_node()
    assert answering is not None and not node.is_own(answering[0])
    assert not await node.healthy()
    started = time.monotonic()
    with pytest.raises(StackError, match=f"answers as Elasticsearch node '{answering[1]}' .pid {answering[0]}., "
                                         "not the one of"):
        await node.wait_ready(60)
    assert time.monotonic() - started < 15, "refused at the first answer, not after the timeout"
