"""ship -> index -> alert through the local Kafka's SASL_SSL listener (SCRAM-SHA-512, TLS with
the stack's own CA, ACLs per stage user). A wrong password, a CA that did not sign the
broker's certificate and an action the ACLs deny each stop the stage with one line naming
the key and exit 2, and lose nothing: run again with the right settings, everything arrives."""

from __future__ import annotations

import json
import uuid
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.secure_support import (
    PASSWORD_ENV, SecureKafka, checkpointed_offset, find_secure_kafka, one_line, run_stage, ship_until_checkpointed,
    write_config, write_log)
from tests.integration.topic_reader import read_events

pytestmark = pytest.mark.integration
N = 300
EVENTS = N + 2  # the numbered lines, the exception with its stack trace, the line after it
UNKNOWN_CA = str(Path(__file__).resolve().parents[1] / "unit" / "data" / "tls" / "test-ca.pem")


@pytest.fixture(scope="module")
def secure_kafka(local_stack) -> SecureKafka:
    return find_secure_kafka()


def es_count(es_url: str, prefix: str) -> int:
    try:
        urllib.request.urlopen(urllib.request.Request(f"{es_url}/{prefix}-*/_refresh", method="POST"), timeout=30)
        with urllib.request.urlopen(f"{es_url}/{prefix}-*/_count", timeout=30) as resp:
            return json.load(resp)["count"]
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return 0
        raise


async def topic_docs(kafka: SecureKafka, topic: str, n: int, timeout_s: float = 30) -> list[dict]:
    return await read_events(kafka.plaintext_bootstrap, topic, lambda docs: len(docs) >= n, timeout_s)


@pytest.fixture(scope="module")
def shipped(secure_kafka, es_url, tmp_path_factory) -> str:
    """An events topic holding EVENTS events, shipped by the shipper through SASL_SSL."""
    folder = tmp_path_factory.mktemp("secure-shipped")
    unique = f"t-{uuid.uuid4().hex[:12]}"
    log = folder / "logs" / "pay.log"
    size = write_log(log, N)
    cfg = write_config(folder, "ship", secure_kafka, es_url, unique, user="shipper")
    ship_until_checkpointed(cfg, secure_kafka.env(), log, size)
    return f"logpipe.events.{unique}"


async def test_ship_index_alert_through_the_sasl_ssl_listener(secure_kafka, es_url, tmp_path, unique_name):
    log = tmp_path / "logs" / "pay.log"
    size = write_log(log, N)
    configs = {user: write_config(tmp_path, user, secure_kafka, es_url, unique_name, user=user)
               for user in PASSWORD_ENV}
    env = secure_kafka.env()

    ship_until_checkpointed(configs["shipper"], env, log, size)
    docs = await topic_docs(secure_kafka, f"logpipe.events.{unique_name}", EVENTS)
    assert len({d["event"]["id"] for d in docs}) == EVENTS

    indexed = run_stage(configs["indexer"], "index", env, "--once")
    assert indexed.returncode == 0, indexed.stderr
    assert es_count(es_url, unique_name) == EVENTS

    alerted = run_stage(configs["alerter"], "alert", env, "--once")
    assert alerted.returncode == 0, alerted.stderr
    alerts = await topic_docs(secure_kafka, f"logpipe.alerts.{unique_name}", 1)
    assert [a["rule"] for a in alerts] == ["new_signature"]


SHIP_REFUSALS = {
    "wrong password": (dict(user="shipper"), {"LP_SHIPPER_PW": "not-the-password"},
                       "kafka.sasl_username / kafka.sasl_password_env"),
    "unknown CA": (dict(user="shipper", ca=UNKNOWN_CA), {}, "kafka.ssl_cafile: the certificate of"),
    "ACL denies the indexer's user to write": (dict(user="indexer"), {}, "deny user 'indexer' the topic logpipe.events."),
}


@pytest.mark.parametrize("case", SHIP_REFUSALS)
async def test_a_refused_shipper_stops_with_one_line_and_loses_nothing(secure_kafka, es_url, tmp_path, unique_name,
                                                                       case):
    settings, env_change, words = SHIP_REFUSALS[case]
    log = tmp_path / "logs" / "pay.log"
    size = write_log(log, N)
    bad = write_config(tmp_path, "refused", secure_kafka, es_url, unique_name,
                       topic_events=f"logpipe.events.{unique_name}", **settings)
    refused = run_stage(bad, "ship", secure_kafka.env(**env_change), "--quiet", timeout_s=60)
    assert refused.returncode == 2
    assert words in one_line(refused.stderr)
    assert checkpointed_offset(bad, log) == 0

    good = write_config(tmp_path, "refused", secure_kafka, es_url, unique_name, user="shipper")  # same state dir
    ship_until_checkpointed(good, secure_kafka.env(), log, size)
    docs = await topic_docs(secure_kafka, f"logpipe.events.{unique_name}", EVENTS)
    assert len({d["event"]["id"] for d in docs}) == EVENTS


INDEX_REFUSALS = {
    "wrong password": ({}, {"LP_INDEXER_PW": "not-the-password"}, "refused the credentials of user 'indexer'"),
    "ACL denies a group outside the indexer's": ({"group_index": "other-index"}, {},
                                                 "deny user 'indexer' the consumer group other-index"),
}


@pytest.mark.parametrize("case", INDEX_REFUSALS)
def test_a_refused_indexer_stops_with_one_line_and_loses_nothing(secure_kafka, es_url, shipped, tmp_path,
                                                                 unique_name, case):
    keys, env_change, words = INDEX_REFUSALS[case]
    bad = write_config(tmp_path, "index", secure_kafka, es_url, unique_name, user="indexer", topic_events=shipped,
                       **keys)
    refused = run_stage(bad, "index", secure_kafka.env(**env_change), "--once", timeout_s=90)
    assert refused.returncode == 2
    assert words in one_line(refused.stderr)
    assert es_count(es_url, unique_name) == 0

    good = write_config(tmp_path, "index", secure_kafka, es_url, unique_name, user="indexer", topic_events=shipped)
    indexed = run_stage(good, "index", secure_kafka.env(), "--once")
    assert indexed.returncode == 0, indexed.stderr
    assert es_count(es_url, unique_name) == EVENTS


ALERT_REFUSALS = {
    "unknown CA": (dict(ca=UNKNOWN_CA), "kafka.ssl_cafile: the certificate of"),
    "ACL denies an alerts topic outside the alerter's": (dict(topic_alerts="other.alerts"),
                                                        "deny user 'alerter' the topic other.alerts"),
}


@pytest.mark.parametrize("case", ALERT_REFUSALS)
async def test_a_refused_alerter_stops_with_one_line_and_loses_nothing(secure_kafka, es_url, shipped, tmp_path,
                                                                       unique_name, case):
    keys, words = ALERT_REFUSALS[case]
    bad = write_config(tmp_path, "alert", secure_kafka, es_url, unique_name, user="alerter", topic_events=shipped,
                       **keys)
    refused = run_stage(bad, "alert", secure_kafka.env(), "--once", timeout_s=90)
    assert refused.returncode == 2
    assert words in one_line(refused.stderr)

    good = write_config(tmp_path, "alert", secure_kafka, es_url, unique_name, user="alerter", topic_events=shipped)
    alerted = run_stage(good, "alert", secure_kafka.env(), "--once")
    assert alerted.returncode == 0, alerted.stderr
    alerts = await topic_docs(secure_kafka, f"logpipe.alerts.{unique_name}", 1)
    assert [a["rule"] for a in alerts] == ["new_signature"]


async def test_run_with_a_user_the_acls_do_not_cover_stops_every_stage_with_one_line(secure_kafka, es_url, tmp_path,
                                                                                   unique_name):
    log = tmp_path / "logs" / "pay.log"
    write_log(log, N)
    cfg = write_config(tmp_path, "run", secure_kafka, es_url, unique_name, user="shipper")
    refused = run_stage(cfg, "run", secure_kafka.env(), "--quiet", timeout_s=90)
    assert refused.returncode == 2
    assert "deny user 'shipper'" in one_line(refused.stderr)
    # the shipper may have run a moment before the alerter was refused: what it checkpointed, Kafka has
    checkpoint = checkpointed_offset(cfg, log)
    offsets, at = [], 0
    for raw in log.read_bytes().splitlines(keepends=True):
        if raw.startswith(b"2026-"):
            offsets.append(at)
        at += len(raw)
    expected = sum(1 for o in offsets if o < checkpoint)
    docs = await topic_docs(secure_kafka, f"logpipe.events.{unique_name}", expected, timeout_s=10) if expected else []
    assert {d["log"]["offset"] for d in docs} >= {o for o in offsets if o < checkpoint}
