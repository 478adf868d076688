"""Connection settings for every aiokafka client of logpipe (producer, consumers, admin),
built from `[kafka]` config: bootstrap, TLS and SASL with secrets read from the
environment mapping given by the caller."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, Protocol


class KafkaSettings(Protocol):  # the fields of pipeline.config_schema.KafkaConfig used here
    bootstrap: str
    client_id: str
    request_timeout_ms: int
    security_protocol: str
    sasl_mechanism: str
    sasl_username: str
    sasl_password_env: str
    ssl_cafile: str


class KafkaConfigError(ValueError):
    pass


def connection_kwargs(cfg: KafkaSettings, env: Mapping[str, str]) -> dict[str, Any]:
    """Keyword arguments shared by AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
    kw: dict[str, Any] = {
        "bootstrap_servers": cfg.bootstrap,
        "client_id": cfg.client_id,
        "request_timeout_ms": cfg.request_timeout_ms,
        "security_protocol": cfg.security_protocol,
    }
    if cfg.security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=cfg.ssl_cafile or None)
        kw["ssl_context"] = context
    if cfg.security_protocol.startswith("SASL"):
        if not cfg.sasl_mechanism:
            raise KafkaConfigError("kafka.sasl_mechanism is required with a SASL security_protocol")
        password = env.get(cfg.sasl_password_env, "") if cfg.sasl_password_env else ""
        if cfg.sasl_password_env and not password:
            raise KafkaConfigError(f"kafka.sasl_password_env names {cfg.sasl_password_env}, which is not set")
        kw.update(sasl_mechanism=cfg.sasl_mechanism, sasl_plain_username=cfg.sasl_username,
                  sasl_plain_password=password)
    return kw
