"""Elasticsearch credentials and TLS as far as the local node can show them: it is Elastic's
test distribution, without the security module (no TLS, no users, no API keys). A client
carrying an API key or a user sends its Authorization header and works against the real
node (which ignores it); an https:// URL for a node that does not speak TLS, and a CA that
did not sign a server's certificate (the local Kafka's TLS listener stands in for a node),
stop the stage with one line naming the keys. What only a secured cluster shows is listed
in docs/operations.md (Security)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from pipeline.config.schema import EsConfig
from sinks.elasticsearch import EsConfigError, make_client
from sinks.es_errors import check_tls
from tests.conftest import REPO
from tests.integration.secure_support import find_secure_kafka, one_line, run_stage
from tests.integration.test_secure_kafka import UNKNOWN_CA

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("settings", "env", "header"), [
    (dict(api_key_env="LP_ES_KEY"), {"LP_ES_KEY": "a2V5OnNlY3JldA=="}, "ApiKey a2V5OnNlY3JldA=="),
    (dict(username="logpipe_writer", password_env="LP_ES_PW"), {"LP_ES_PW": "pw"}, "Basic bG9ncGlwZV93cml0ZXI6cHc="),
])
async def test_a_client_with_credentials_sends_them_and_works_against_the_node(es_url, unique_name, settings, env,
                                                                              header):
    client = make_client(EsConfig(hosts=(es_url,), **settings), env)
    try:
        assert client._headers["authorization"] == header
        await client.index(index=unique_name, id="1", document={"message": "with credentials"}, refresh=True)
        assert (await client.count(index=unique_name))["count"] == 1
    finally:
        await client.indices.delete(index=unique_name, ignore_unavailable=True)
        await client.close()


def test_an_https_url_for_a_node_without_tls_stops_the_indexer_with_one_line(es_url, tmp_path, unique_name):
    parts = urlsplit(es_url)
    cfg = tmp_path / "index.toml"
    cfg.write_text(f'[kafka]\nbootstrap = "127.0.0.1:9"\n[elasticsearch]\nhosts = ["https://{parts.netloc}"]\n'
                   f'index_prefix = "{unique_name}"\n')
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LOGPIPE_KAFKA", None)
    env.pop("LOGPIPE_ES", None)
    proc = run_stage(cfg, "index", env, "--once", timeout_s=60)
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "elasticsearch.hosts / elasticsearch.ca_certs" in line and "WRONG_VERSION_NUMBER" in line


async def test_tls_verification_trusts_only_the_configured_ca(local_stack):
    kafka = find_secure_kafka()  # a real TLS server with a certificate from the stack's own CA
    url = f"https://{kafka.bootstrap}"
    await check_tls(EsConfig(hosts=(url,), ca_certs=kafka.ssl_cafile))
    with pytest.raises(EsConfigError, match="elasticsearch.ca_certs .*test-ca.pem .*self-signed certificate"):
        await check_tls(EsConfig(hosts=(url,), ca_certs=UNKNOWN_CA))
    with pytest.raises(EsConfigError, match="the system's CA certificates"):
        await check_tls(EsConfig(hosts=(url,)))
