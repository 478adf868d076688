"""Kafka TLS/SASL and Elasticsearch TLS/API key/basic auth settings: secrets come only from
the environment, a missing one is an error naming the variable, TLS trusts the CA file.

The local stack is PLAINTEXT with security off, so these are checked at the level of the
client settings (and of building the clients, which does no IO)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from pipeline.config.schema import EsConfig, KafkaConfig
from sinks.elasticsearch import EsConfigError, client_kwargs, make_client
from sinks.kafka_client import KafkaConfigError, connection_kwargs

CA = str(Path(__file__).parent / "data" / "tls" / "test-ca.pem")
SASL = dict(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username="shipper",
            sasl_password_env="KAFKA_PW", ssl_cafile=CA)


def test_plaintext_kafka_has_no_tls_and_no_sasl():
    kw = connection_kwargs(KafkaConfig(), {"KAFKA_PW": "secret"})
    assert kw["security_protocol"] == "PLAINTEXT"
    assert "ssl_context" not in kw and "sasl_mechanism" not in kw and "sasl_plain_password" not in kw


def test_kafka_tls_context_trusts_the_ca_file_and_checks_host_names():
    kw = connection_kwargs(KafkaConfig(security_protocol="SSL", ssl_cafile=CA), {})
    context = kw["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert [dict(pair[0] for pair in c["subject"]) for c in context.get_ca_certs()] == [
        {"commonName": "logpipe test CA"}]


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_kafka_sasl_password_comes_from_the_named_environment_variable(mechanism):
    kw = connection_kwargs(KafkaConfig(**{**SASL, "sasl_mechanism": mechanism}), {"KAFKA_PW": "s3cret"})
    assert kw["sasl_mechanism"] == mechanism and kw["security_protocol"] == "SASL_SSL"
    assert kw["sasl_plain_username"] == "shipper" and kw["sasl_plain_password"] == "s3cret"


def test_kafka_sasl_plaintext_has_no_tls_context():
    cfg = KafkaConfig(**{**SASL, "security_protocol": "SASL_PLAINTEXT", "ssl_cafile": ""})
    kw = connection_kwargs(cfg, {"KAFKA_PW": "pw"})
    assert "ssl_context" not in kw and kw["sasl_plain_password"] == "pw"


@pytest.mark.parametrize("env", [{}, {"KAFKA_PW": ""}, {"OTHER": "pw"}])
def test_a_missing_kafka_password_is_an_error_naming_the_variable(env):
    with pytest.raises(KafkaConfigError, match="sasl_password_env names KAFKA_PW, which is not set"):
        connection_kwargs(KafkaConfig(**SASL), env)


@pytest.mark.parametrize(("change", "key"), [
    ({"sasl_password_env": ""}, "kafka.sasl_password_env"),
    ({"sasl_username": ""}, "kafka.sasl_username"),
    ({"sasl_mechanism": ""}, "kafka.sasl_mechanism"),
    ({"security_protocol": "PLAINTEXT", "sasl_mechanism": ""}, "kafka.ssl_cafile"),
    ({"ssl_cafile": "/nonexistent/ca.pem"}, "kafka.ssl_cafile"),
])
def test_kafka_settings_that_cannot_work_are_errors_naming_the_key(change, key):
    with pytest.raises(KafkaConfigError, match=key.replace(".", r"\.")):
        connection_kwargs(KafkaConfig(**{**SASL, **change}), {"KAFKA_PW": "pw"})


async def test_aiokafka_accepts_the_tls_and_sasl_settings():
    producer = AIOKafkaProducer(**connection_kwargs(KafkaConfig(**SASL), {"KAFKA_PW": "pw"}))
    assert producer.client._security_protocol == "SASL_SSL"  # built, never started: no broker needed
    await producer.stop()


def test_elasticsearch_api_key_and_ca_come_from_env_and_config():
    cfg = EsConfig(hosts=("https://es-1:9200", "https://es-2:9200"), api_key_env="ES_API_KEY", ca_certs=CA)
    kw = client_kwargs(cfg, {"ES_API_KEY": "a2V5"})
    assert kw["api_key"] == "a2V5" and kw["ca_certs"] == CA and kw["verify_certs"] is True
    assert "basic_auth" not in kw


def test_elasticsearch_basic_auth_password_comes_from_env():
    cfg = EsConfig(hosts=("https://es:9200",), username="logpipe_writer", password_env="ES_PW")
    assert client_kwargs(cfg, {"ES_PW": "pw"})["basic_auth"] == ("logpipe_writer", "pw")
    with pytest.raises(EsConfigError, match="password_env names ES_PW, which is not set"):
        client_kwargs(cfg, {"ES_PASSWORD": "pw"})


def test_elasticsearch_missing_api_key_is_an_error_naming_the_variable():
    with pytest.raises(EsConfigError, match="api_key_env names ES_API_KEY, which is not set"):
        client_kwargs(EsConfig(hosts=("https://es:9200",), api_key_env="ES_API_KEY"), {"ES_API_KEY": ""})


@pytest.mark.parametrize(("settings", "key"), [
    (dict(username="u"), "elasticsearch.password_env"),
    (dict(password_env="ES_PW"), "elasticsearch.username"),
    (dict(username="u", password_env="ES_PW", api_key_env="ES_KEY"), "elasticsearch.api_key_env"),
    (dict(hosts=("http://es:9200",), ca_certs=CA), "elasticsearch.ca_certs"),
])
def test_elasticsearch_settings_that_cannot_work_are_errors_naming_the_key(settings, key):
    with pytest.raises(EsConfigError, match=key.replace(".", r"\.")):
        client_kwargs(EsConfig(**settings), {"ES_PW": "pw", "ES_KEY": "k"})


def test_elasticsearch_verify_certs_off_is_passed_on_for_https_only():
    assert client_kwargs(EsConfig(hosts=("https://es:9200",), verify_certs=False), {})["verify_certs"] is False
    assert "verify_certs" not in client_kwargs(EsConfig(), {})


async def test_elasticsearch_client_builds_with_tls_and_an_api_key():
    cfg = EsConfig(hosts=("https://es:9200",), api_key_env="ES_API_KEY", ca_certs=CA)
    client = make_client(cfg, {"ES_API_KEY": "a2V5"})  # no request is made
    try:
        assert client._headers["authorization"] == "ApiKey a2V5"
    finally:
        await client.close()
