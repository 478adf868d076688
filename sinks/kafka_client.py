"""Connection settings for every aiokafka client of logpipe (producer, consumers, admin),
built from `[kafka]` config: bootstrap, TLS and SASL with secrets read from the
environment mapping given by the caller."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, Protocol


class KafkaSettings(Protocol):  # the fields of pipeline.config.schema.KafkaConfig used here
    @property
    def bootstrap(self) -> str: ...

    @property
    def client_id(self) -> str: ...

    @property
    def request_timeout_ms(self) -> int: ...

    @property
    def security_protocol(self) -> str: ...

    @property
    def sasl_mechanism(self) -> str: ...

    @property
    def sasl_username(self) -> str: ...

    @property
    def sasl_password_env(self) -> str: ...

    @property
    def ssl_cafile(self) -> str: ...


class KafkaConfigError(ValueError):
    pass


def connection_kwargs(cfg: KafkaSettings, env: Mapping[str, str]) -> dict[str, Any]:
    """Keyword arguments shared by AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient.

    TLS (`SSL`, `SASL_SSL`) verifies the broker's certificate and host name against
    `ssl_cafile` (else the system's CAs). SASL (PLAIN, SCRAM-SHA-256/512) takes the user
    from `sasl_username` and the password from the environment variable named by
    `sasl_password_env`, never from the file. Raises `KafkaConfigError` naming the key or
    the variable when a setting cannot work."""
    kw: dict[str, Any] = {
        "bootstrap_servers": cfg.bootstrap,
        "client_id": cfg.client_id,
        "request_timeout_ms": cfg.request_timeout_ms,
        "security_protocol": cfg.security_protocol,
    }
    tls = cfg.security_protocol in ("SSL", "SASL_SSL")
    if tls:
        kw["ssl_context"] = _ssl_context(cfg.ssl_cafile)
    elif cfg.ssl_cafile:
        raise KafkaConfigError(f"kafka.ssl_cafile is set but security_protocol {cfg.security_protocol} "
                               "does not use TLS (use SSL or SASL_SSL)")
    if cfg.security_protocol.startswith("SASL"):
        if not cfg.sasl_mechanism:
            raise KafkaConfigError("kafka.sasl_mechanism is required with a SASL security_protocol")
        if not cfg.sasl_username:
            raise KafkaConfigError("kafka.sasl_username is required with a SASL security_protocol")
        if not cfg.sasl_password_env:
            raise KafkaConfigError("kafka.sasl_password_env (the name of the environment variable holding the "
                                   "password) is required with a SASL security_protocol")
        password = env.get(cfg.sasl_password_env, "")
        if not password:
            raise KafkaConfigError(f"kafka.sasl_password_env names {cfg.sasl_password_env}, which is not set")
        kw.update(sasl_mechanism=cfg.sasl_mechanism, sasl_plain_username=cfg.sasl_username,
                  sasl_plain_password=password)
    return kw


def _ssl_context(cafile: str) -> ssl.SSLContext:
    """Certificate and host name checked; trust from `cafile` if given, else the system's CAs."""
    try:
        return ssl.create_default_context(cafile=cafile or None)
    except (OSError, ssl.SSLError) as exc:
        raise KafkaConfigError(f"kafka.ssl_cafile {cafile}: cannot load CA certificates ({exc})") from None
