"""Configuration errors stop every stage with one line naming the key, exit 2; network errors
are retried. Here: what needs no broker (settings checked before a stage starts, and the
classification of aiokafka's and ssl's error classes). Against a secured broker:
tests/integration/test_secure_kafka.py."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from aiokafka import errors as ke

from pipeline.cli.app import main
from pipeline.config.schema import KafkaConfig
from sinks.kafka_client import KafkaConfigError
from sinks.kafka_errors import check_access, config_fault, config_faults_named

CA = str(Path(__file__).parent / "data" / "tls" / "test-ca.pem")
SASL = KafkaConfig(bootstrap="127.0.0.1:9", security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
                   sasl_username="shipper", sasl_password_env="LP_TEST_KAFKA_PW", ssl_cafile=CA)


def write_config(tmp_path: Path, kafka: str) -> Path:
    (tmp_path / "logs").mkdir(exist_ok=True)
    cfg = tmp_path / "logpipe.toml"
    cfg.write_text(f'[[inputs]]\npaths = ["{tmp_path}/logs/*.log"]\n[state]\ndir = "{tmp_path}/state"\n'
                   f'[kafka]\nbootstrap = "127.0.0.1:9"\n{kafka}\n')
    return cfg


SECURE = ('security_protocol = "SASL_SSL"\nsasl_mechanism = "SCRAM-SHA-512"\nsasl_username = "shipper"\n'
          'sasl_password_env = "LP_TEST_KAFKA_PW"\n')


@pytest.mark.parametrize("command", ["ship", "index", "alert", "run"])
@pytest.mark.parametrize(("kafka", "env", "names"), [
    (SECURE + f'ssl_cafile = "{CA}"', {}, "kafka.sasl_password_env names LP_TEST_KAFKA_PW, which is not set"),
    (SECURE + 'ssl_cafile = "no-such-ca.pem"', {"LP_TEST_KAFKA_PW": "pw"}, "kafka.ssl_cafile"),
    (SECURE + 'ssl_cafile = "not-a-certificate.pem"', {"LP_TEST_KAFKA_PW": "pw"}, "kafka.ssl_cafile"),
    (SECURE.replace("SCRAM-SHA-512", "SCRAM-SHA-1") + f'ssl_cafile = "{CA}"', {"LP_TEST_KAFKA_PW": "pw"},
     "kafka.sasl_mechanism"),
])
def test_a_setting_that_cannot_work_stops_the_stage_at_once_with_one_line(
        tmp_path, monkeypatch, capsys, command, kafka, env, names):
    (tmp_path / "not-a-certificate.pem").write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
                                                    "-----END CERTIFICATE-----\n")
    cfg = write_config(tmp_path, kafka)
    monkeypatch.delenv("LP_TEST_KAFKA_PW", raising=False)
    monkeypatch.delenv("LOGPIPE_KAFKA", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    rc = main(["--log-level", "WARNING", command, "--config", str(cfg), *(["--quiet"] if command in ("ship", "run")
                                                                          else [])])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and err[0].startswith("logpipe: ") and names in err[0], err


def test_refused_credentials_name_the_user_and_the_password_variable():
    fault = config_fault(ke.SaslAuthenticationFailed("Authentication failed"), SASL)
    assert fault is not None and "kafka.sasl_username" in str(fault) and "LP_TEST_KAFKA_PW" in str(fault)
    assert "'shipper'" in str(fault)


def test_a_certificate_the_ca_file_does_not_vouch_for_names_the_ca_file():
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_message = "self-signed certificate in certificate chain"
    fault = config_fault(exc, SASL)
    assert fault is not None and str(fault).startswith("kafka.ssl_cafile:") and CA in str(fault)
    assert "self-signed certificate in certificate chain" in str(fault)


@pytest.mark.parametrize(("exc", "words"), [
    (ke.TopicAuthorizationFailedError("logpipe.events"), "the topic logpipe.events"),
    (ke.TopicAuthorizationFailedError({"b", "a"}), "the topic a, b"),
    (ke.GroupAuthorizationFailedError("logpipe-index"), "the consumer group logpipe-index"),
    (ke.ClusterAuthorizationFailedError(), "ClusterAuthorizationFailedError"),
    (ke.UnsupportedSaslMechanismError("no"), "kafka.sasl_mechanism SCRAM-SHA-512"),
])
def test_acl_denials_and_refused_mechanisms_are_configuration_faults(exc, words):
    fault = config_fault(exc, SASL)
    assert fault is not None and words in str(fault)


@pytest.mark.parametrize("exc", [
    ke.KafkaConnectionError("Unable to bootstrap"), ConnectionRefusedError(111, "refused"), TimeoutError(),
    ke.RequestTimedOutError(), ke.NotLeaderForPartitionError(), ssl.SSLEOFError(8, "EOF in violation of protocol"),
    RuntimeError("something else"),
])
def test_network_errors_and_the_unknown_are_not_configuration_faults(exc):
    assert config_fault(exc, SASL) is None


def test_a_fault_behind_a_wrapping_error_is_found_through_its_cause():
    try:
        try:
            raise ke.GroupAuthorizationFailedError("g1")
        except ke.KafkaError as inner:
            raise RuntimeError("stage failed") from inner
    except RuntimeError as outer:
        assert "consumer group g1" in str(config_fault(outer, SASL))


def test_the_stage_wrapper_turns_a_refusal_into_the_named_error_and_lets_the_rest_pass():
    with pytest.raises(KafkaConfigError, match="the topic t1"):
        with config_faults_named(SASL):
            raise ke.TopicAuthorizationFailedError("t1")
    with pytest.raises(ke.KafkaConnectionError):
        with config_faults_named(SASL):
            raise ke.KafkaConnectionError("down")


async def test_a_broker_that_is_not_there_is_a_connection_error_to_retry(monkeypatch):
    plain = KafkaConfig(bootstrap="127.0.0.1:9")  # the discard port: nothing listens
    with pytest.raises(ke.KafkaConnectionError, match="no Kafka bootstrap server of 127.0.0.1:9 answered"):
        await check_access(plain, {}, timeout_s=3)


async def test_an_unset_password_is_named_before_any_connection_is_tried():
    with pytest.raises(KafkaConfigError, match="LP_TEST_KAFKA_PW, which is not set"):
        await check_access(SASL, {}, timeout_s=3)


def _api_error(cls, status: int):
    from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0,
                           node=NodeConfig("https", "es-1", 9200))
    return cls(message="security_exception", meta=meta, body={})


def test_elasticsearch_refusals_name_the_credential_keys_and_outages_are_left_to_retries():
    from elastic_transport import ConnectionError as TransportConnectionError, TlsError
    from elasticsearch import AuthenticationException, AuthorizationException, ConflictError

    from pipeline.config.schema import EsConfig
    from sinks.es_errors import es_config_fault

    cfg = EsConfig(hosts=("https://es-1:9200",), api_key_env="LP_ES_KEY", ca_certs=CA)
    assert "elasticsearch.api_key_env (the key in LP_ES_KEY)" in str(
        es_config_fault(_api_error(AuthenticationException, 401), cfg))
    assert "(403)" in str(es_config_fault(_api_error(AuthorizationException, 403), cfg))
    assert f"elasticsearch.ca_certs {CA}" in str(es_config_fault(TlsError("certificate verify failed"), cfg))
    assert es_config_fault(TransportConnectionError("refused"), cfg) is None
    assert es_config_fault(_api_error(ConflictError, 409), cfg) is None
