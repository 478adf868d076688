"""The chaos run, small: 20,000 events from two hosts through two shippers, two indexers
and two alerters on a private Kafka and Elasticsearch, with kill -9 of each stage, a
broker restart and an Elasticsearch outage (the shared stack is not used). Elasticsearch must hold every sequence
number exactly once and every new signature must be alerted under one alert id."""

from __future__ import annotations

import pytest

from bench.chaos.report import table
from bench.chaos.run import Options, run
from bench.chaos.schedule import Chaos
from bench.chaos.writer import Plan

pytestmark = pytest.mark.integration


async def test_every_line_is_indexed_once_and_every_new_signature_alerted_once_through_kills_and_outages():
    plan = Plan(20_000, rotate_every=800, rate_per_s=500.0)
    chaos = Chaos(shipper_kills=3, indexer_kills=2, alerter_kills=1, kafka_restarts=1, es_down_s=10, seed=3)
    # state under bench/out (the service user of Elasticsearch cannot enter pytest's tmp dirs); free ports
    # reserved for this run, so chaos runs from the command line and other test runs can go on beside it
    res = await run(Options(plan, chaos, kafka_port=0, es_port=0, home_name="chaos-services-test"))
    report = table(res)
    print(report)
    assert res.passed, report
