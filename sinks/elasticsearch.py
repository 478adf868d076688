"""The Elasticsearch client of logpipe, built from `[elasticsearch]` config.

Secrets never live in the config file: `api_key_env` and `password_env` name
environment variables, read from the mapping the caller passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the client (and aiohttp) is imported when a client is made: a shipper never loads it
    from elasticsearch import AsyncElasticsearch


class EsSettings(Protocol):  # the fields of pipeline.config.schema.EsConfig used here
    hosts: tuple[str, ...]
    api_key_env: str
    username: str
    password_env: str
    ca_certs: str
    verify_certs: bool
    request_timeout_s: float
    max_retries: int


class EsConfigError(ValueError):
    """A connection setting that cannot work (a named environment variable is unset)."""


def _secret(env: Mapping[str, str], name: str, key: str) -> str:
    value = env.get(name, "")
    if not value:
        raise EsConfigError(f"elasticsearch.{key} names {name}, which is not set")
    return value


def client_kwargs(cfg: EsSettings, env: Mapping[str, str]) -> dict[str, Any]:
    """Keyword arguments for `AsyncElasticsearch` (pure: no client, no IO)."""
    if not cfg.hosts:
        raise EsConfigError("elasticsearch.hosts is empty")
    kw: dict[str, Any] = {
        "hosts": list(cfg.hosts),
        "request_timeout": cfg.request_timeout_s,
        "max_retries": cfg.max_retries,
        "retry_on_timeout": True,
    }
    if cfg.api_key_env and cfg.username:
        raise EsConfigError("elasticsearch.api_key_env and elasticsearch.username are both set; choose one")
    if cfg.password_env and not cfg.username:
        raise EsConfigError("elasticsearch.password_env is set without elasticsearch.username")
    if cfg.api_key_env:
        kw["api_key"] = _secret(env, cfg.api_key_env, "api_key_env")
    elif cfg.username:
        if not cfg.password_env:
            raise EsConfigError("elasticsearch.username needs elasticsearch.password_env (the name of the "
                                "environment variable holding the password)")
        kw["basic_auth"] = (cfg.username, _secret(env, cfg.password_env, "password_env"))
    if any(h.startswith("https:") for h in cfg.hosts):
        kw["verify_certs"] = cfg.verify_certs
        if cfg.ca_certs:
            kw["ca_certs"] = cfg.ca_certs
    elif cfg.ca_certs:
        raise EsConfigError("elasticsearch.ca_certs is set but no elasticsearch.hosts entry uses https://")
    return kw


def make_client(cfg: EsSettings, env: Mapping[str, str]) -> AsyncElasticsearch:
    """A client for the configured cluster; the caller owns it and must `await client.close()`."""
    from elasticsearch import AsyncElasticsearch

    return AsyncElasticsearch(**client_kwargs(cfg, env))
