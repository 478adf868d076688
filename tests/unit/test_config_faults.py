"""`faults_named`: what the configuration caused leaves as the error naming the key, the
rest unchanged; the Elasticsearch and Kafka wrappers both go through it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from elasticsearch import AuthenticationException

from sinks.config_faults import faults_named
from sinks.elasticsearch import EsConfigError
from sinks.es_errors import es_faults_named


class Named(Exception):
    pass


def name_value_errors(exc: Exception) -> Exception | None:
    return Named(f"settings.key: {exc}") if isinstance(exc, ValueError) else None


def test_an_error_the_translation_knows_leaves_named_without_its_chain():
    with pytest.raises(Named, match="settings.key: bad") as caught:
        with faults_named(Named, name_value_errors):
            raise ValueError("bad")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_other_errors_and_already_named_ones_leave_unchanged():
    with pytest.raises(KeyError):
        with faults_named(Named, name_value_errors):
            raise KeyError("x")
    original = Named("already")
    with pytest.raises(Named) as caught:
        with faults_named(Named, name_value_errors):
            raise original
    assert caught.value is original


def test_a_refused_elasticsearch_login_leaves_as_the_error_naming_the_credentials():
    settings = SimpleNamespace(hosts=("http://127.0.0.1:1",), api_key_env="", username="indexer",
                               password_env="ES_PASSWORD", ca_certs="")
    with pytest.raises(EsConfigError, match=r"elasticsearch.username 'indexer'.*refused the credentials \(401\)"):
        with es_faults_named(settings):
            raise AuthenticationException(message="unauthorized", meta=None, body=None)
