"""What a stage checks before it starts anything: connection settings that cannot work.

An unset secret variable, a CA file that cannot be read or holds no certificate, a SASL
setting without its user or password: each raises the error naming the key or the
variable (`KafkaConfigError`, `EsConfigError`), which the command prints on one line
before it exits 2. Nothing here touches the network; what only the broker can refuse
(credentials, certificates, ACLs) is told apart by `sinks.kafka_errors` once it answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.config.schema import Config
from sinks.elasticsearch import client_kwargs
from sinks.kafka_client import connection_kwargs


def check_settings(cfg: Config, env: Mapping[str, str], *, kafka: bool = True, es: bool = False) -> None:
    """Builds the clients' settings once, as the stages will, so that their errors come first."""
    if kafka:
        connection_kwargs(cfg.kafka, env)
    if es:
        client_kwargs(cfg.elasticsearch, env)
