"""Crash windows of the alerter: a crash at each step of a batch's end (state written,
alert produced, alert marked sent, offsets committed) and a restart give exactly one
alert on the topic. Two alerters in one group share what they know."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from pipeline.alert.stage import Alerter
from sinks.alerts import FileOutput
from tests.integration.test_alerter_support import config, exception_doc, make_topics, quiet_docs, read_alerts, running

pytestmark = pytest.mark.integration


class Crash(Exception):
    """Stands for the process dying at that point: nothing after it runs."""


def _sent_marks(records) -> bool:
    return any(isinstance(v, dict) and v.get("status") == "sent" for v in records.values())


def before_state(alerter: Alerter) -> None:
    write = alerter._store.write

    async def crash(records):
        if any(isinstance(v, dict) and v.get("status") == "pending" for v in records.values()):
            raise Crash
        await write(records)
    alerter._store.write = crash


def _crash_on_write_of(prefix: str):
    def patch(alerter: Alerter) -> None:
        write = alerter._store.write

        async def crash(records):
            if any(k.startswith(prefix) for k in records):
                raise Crash
            await write(records)
        alerter._store.write = crash
    patch.__name__ = f"before_{prefix.strip('/')}_records"
    return patch


after_alert_out = _crash_on_write_of("sig/")  # 1 and 2 acked (the alert is out), 3 not
before_positions = _crash_on_write_of("pos/")  # 3 acked, 4 not


def after_pending(alerter: Alerter) -> None:
    async def crash(*_, **__):
        raise Crash
    alerter._delivery.deliver = crash


def after_alert(alerter: Alerter) -> None:
    write = alerter._store.write

    async def crash(records):
        if _sent_marks(records):
            raise Crash
        await write(records)
    alerter._store.write = crash


def after_sent(alerter: Alerter) -> None:
    async def crash(*_, **__):
        raise Crash
    alerter._consumer.commit = crash


async def produce(bootstrap: str, topic: str, docs: list[dict]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for i, doc in enumerate(docs):
            await (await producer.send(topic, orjson.dumps(doc), key=f"host|file{i % 5}".encode()))
    finally:
        await producer.stop()


@pytest.mark.parametrize("crash_at, replayed", [
    (before_state, False), (after_pending, False), (after_alert_out, False), (before_positions, False),
    (after_alert, True), (after_sent, True)])
async def test_a_crash_at_any_step_and_a_restart_give_exactly_one_alert(
        kafka_bootstrap, unique_name, tmp_path, crash_at, replayed):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg)
    docs = [exception_doc("sig-crash", offset=i) for i in range(5)]
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs)

    doomed = Alerter(cfg, {}, outputs=[])
    await doomed.start()
    try:
        crash_at(doomed)
        with pytest.raises(Crash):
            async with asyncio.timeout(15):
                await doomed.run()
    finally:
        await doomed.stop()

    side = tmp_path / "alerts.jsonl"
    survivor = Alerter(cfg, {}, outputs=[FileOutput(str(side))])
    async with survivor:
        async with asyncio.timeout(15):
            await survivor.run(once=True)
        async with read_alerts(cfg) as reader:
            await reader.to_end(timeout_s=30)  # the survivor is done: every alert is written
    assert [a["rule"] for a in reader.alerts] == ["new_signature"]
    # `pos` written before the crash: the events up to the alerting one are in the state
    assert (survivor.counts["events_already_in_state"] > 0) is replayed
    side_ids = [orjson.loads(line)["id"] for line in side.read_bytes().splitlines()]
    if crash_at is after_sent:
        assert side_ids == []  # everything was done before the crash: nothing to settle
    else:
        assert side_ids == [reader.alerts[0]["id"]]  # settled or replayed: side outputs get it too


async def test_a_pending_alert_of_an_alerter_that_died_is_settled_by_a_live_peer(kafka_bootstrap, unique_name):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg)
    # the peer shares the state and alerts topics but reads other events: only the state links them
    peer_cfg = config(kafka_bootstrap, unique_name, group=unique_name + "-peer", events=unique_name + ".other")
    await make_topics(peer_cfg)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, [exception_doc("sig-orphan")])
    peer = Alerter(peer_cfg, {}, orphan_after_s=1.0)
    async with running(peer_cfg, peer):
        doomed = Alerter(cfg, {}, outputs=[])
        await doomed.start()
        try:
            after_pending(doomed)
            with pytest.raises(Crash):
                async with asyncio.timeout(15):
                    await doomed.run()
        finally:
            await doomed.stop()
        async with read_alerts(cfg) as reader:
            await reader.wait(1, timeout_s=10)
            await reader.quiet(1.0)
    assert [a["signature"] for a in reader.alerts] == ["sig-orphan"]
    assert peer.counts["alerts_settled"] == 1


async def test_two_alerters_in_one_group_alert_each_signature_once_and_share_it_on_takeover(
        kafka_bootstrap, unique_name):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg, partitions=3)
    docs = [exception_doc(f"sig-pair-{i}", offset=i) for i in range(9)]
    async with running(cfg) as first:
        async with running(cfg) as second:
            async with asyncio.timeout(15):
                while not (first._consumer.assignment() and second._consumer.assignment()):
                    await asyncio.sleep(0.05)
            await produce(kafka_bootstrap, cfg.kafka.topic_events, docs)
            async with read_alerts(cfg) as reader:
                await reader.wait(9, timeout_s=10)
                await reader.quiet(0.5)
        # `second` left: `first` owns every partition now and must know all nine signatures
        async with asyncio.timeout(15):
            while len(first._consumer.assignment()) < 3:
                await asyncio.sleep(0.05)
        # the same events again, each key followed by a new signature: once those five are
        # alerted, every event before them on their partitions has been read
        after = [exception_doc(f"sig-after-{k}", offset=100 + k) for k in range(5)]
        await produce(kafka_bootstrap, cfg.kafka.topic_events, docs + after)
        async with read_alerts(cfg) as again:
            await again.wait(9 + len(after), timeout_s=30)
    ids = [a["id"] for a in reader.alerts]
    assert len(ids) == 9 and len(set(ids)) == 9
    assert sorted(a["signature"] for a in again.alerts[9:]) == [f"sig-after-{k}" for k in range(5)]


async def test_batches_without_alerts_are_written_on_the_way_out_and_a_crash_before_replays_them(
        kafka_bootstrap, unique_name):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg, partitions=1)
    docs = quiet_docs("quiet", 20)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs)

    doomed = Alerter(cfg, {})
    await doomed.start()
    try:
        doomed._writer.state_every_s = 3600.0  # no periodic write of the state before the crash
        task = asyncio.create_task(doomed.run())
        async with asyncio.timeout(15):
            while doomed.counts["events"] < len(docs):
                await asyncio.sleep(0.05)
        task.cancel()  # the process dies: run() does not reach its last write
        await asyncio.gather(task, return_exceptions=True)
    finally:
        await doomed.stop()

    replaying = Alerter(cfg, {})
    async with replaying:
        replaying._writer.state_every_s = 3600.0  # only the last write of run(once)
        async with asyncio.timeout(15):
            await replaying.run(once=True)
    assert replaying.counts["events"] == len(docs)  # nothing of the crashed alerter's batches was written
    assert replaying.counts["events_already_in_state"] == 0

    after = Alerter(cfg, {})
    async with after:
        async with asyncio.timeout(15):
            await after.run(once=True)
    assert after.counts["events"] == 0  # run(once) wrote its positions and offsets before returning


async def test_an_alerter_that_lost_partitions_to_a_peer_writes_what_it_read_of_them_and_stops_cleanly(
        kafka_bootstrap, unique_name):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg, partitions=3)
    first = Alerter(cfg, {})
    await first.start()
    task = asyncio.create_task(first.run())
    try:
        first._writer.state_every_s = 3600.0  # what it reads stays unwritten until it stops
        async with asyncio.timeout(20):
            while len(first._consumer.assignment()) < 3:
                await asyncio.sleep(0.05)
        quiet = quiet_docs("moved", 30)
        await produce(kafka_bootstrap, cfg.kafka.topic_events, quiet)
        async with asyncio.timeout(15):
            while first.counts["events"] < len(quiet):
                await asyncio.sleep(0.05)
        async with running(cfg) as second:  # a peer joins: `first` gives partitions up
            async with asyncio.timeout(20):
                while len(first._consumer.assignment()) == 3 or not second._consumer.assignment():
                    await asyncio.sleep(0.05)
            first.request_stop()
            async with asyncio.timeout(15):
                await task  # its last write names partitions it no longer holds: no error
    finally:
        first.request_stop()
        await asyncio.gather(task, return_exceptions=True)
        await first.stop()


async def test_a_state_write_that_failed_in_the_background_stops_the_alerter(kafka_bootstrap, unique_name):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg, partitions=1)
    docs = quiet_docs("bg", 10)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs)
    alerter = Alerter(cfg, {})
    await alerter.start()
    try:
        alerter._writer.state_every_s = 0.0  # every batch's state written in the background
        before_positions(alerter)
        with pytest.raises(Crash):
            async with asyncio.timeout(15):
                await alerter.run()  # no alert: only the background write fails, and run() says so
    finally:
        await alerter.stop()
