"""Which Kafka failures are the configuration's fault and which a retry can cure.

A configuration fault stops a stage with one line naming the key (exit 2): a TLS
certificate the CA file does not vouch for, a TLS handshake that cannot work, a SASL
mechanism the broker does not offer, credentials it refuses, an action its ACLs deny.
Anything else (broker down, connection reset, timeouts) stays a retry with back-off.

Told apart by aiokafka's error classes and Python's `ssl` exception classes, never by
their messages. aiokafka's bootstrap reports every failed connection as one
`KafkaConnectionError` without its cause, so `check_access()` opens one connection
itself, as the clients would, to learn the cause.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from contextlib import AbstractContextManager

from aiokafka import errors as ke
from aiokafka.conn import create_conn

from sinks.config_faults import faults_named
from sinks.kafka_client import KafkaConfigError, KafkaSettings, connection_kwargs

AUTHENTICATION = (ke.SaslAuthenticationFailed, ke.AuthenticationFailedError)
MECHANISM = (ke.UnsupportedSaslMechanismError, ke.IllegalSaslStateError)
AUTHORIZATION = (ke.TopicAuthorizationFailedError, ke.GroupAuthorizationFailedError,
                 ke.ClusterAuthorizationFailedError, ke.TransactionalIdAuthorizationFailed)

# TLS errors a closed or reset connection causes (a broker going down mid-handshake): network, retried
NETWORK_SSL = (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError)


class KafkaAccessDenied(KafkaConfigError):
    """The broker refused these settings (TLS, SASL or ACLs); trying again cannot help."""


def _chain(exc: BaseException | None):
    """`exc` and its explicit causes (`raise ... from`), not what it was raised while handling."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__


def _subject(exc: ke.KafkaError) -> str:
    """The topic(s) or group an authorization error names (aiokafka passes them as its argument)."""
    arg = exc.args[0] if exc.args else ""
    if isinstance(arg, (set, frozenset, list, tuple)):
        return ", ".join(sorted(map(str, arg)))
    return str(arg)


def config_fault(exc: BaseException, cfg: KafkaSettings) -> KafkaConfigError | None:
    """The configuration error behind `exc` (looking through its causes), or None when a retry can cure it."""
    who = f"user {cfg.sasl_username!r}" if cfg.security_protocol.startswith("SASL") else "this client"
    for e in _chain(exc):
        if isinstance(e, KafkaConfigError):
            return e
        if isinstance(e, ssl.SSLCertVerificationError):
            trust = cfg.ssl_cafile or "the system's CA certificates"
            return KafkaAccessDenied(f"kafka.ssl_cafile: the certificate of {cfg.bootstrap} does not verify "
                                     f"against {trust} ({e.verify_message})")
        if isinstance(e, ssl.SSLError) and not isinstance(e, NETWORK_SSL):
            return KafkaAccessDenied(f"kafka.security_protocol {cfg.security_protocol}: the TLS handshake with "
                                     f"{cfg.bootstrap} failed ({getattr(e, 'reason', None) or type(e).__name__})")
        if isinstance(e, AUTHENTICATION):
            return KafkaAccessDenied(f"kafka.sasl_username / kafka.sasl_password_env: {cfg.bootstrap} refused the "
                                     f"credentials of user {cfg.sasl_username!r} (the password in "
                                     f"{cfg.sasl_password_env}) with {cfg.sasl_mechanism}")
        if isinstance(e, MECHANISM):
            return KafkaAccessDenied(f"kafka.sasl_mechanism {cfg.sasl_mechanism}: {cfg.bootstrap} does not accept "
                                     f"it ({type(e).__name__})")
        if isinstance(e, ke.TopicAuthorizationFailedError):
            return KafkaAccessDenied(f"kafka: the ACLs of {cfg.bootstrap} deny {who} the topic {_subject(e)} "
                                     "(TOPIC_AUTHORIZATION_FAILED)")
        if isinstance(e, ke.GroupAuthorizationFailedError):
            return KafkaAccessDenied(f"kafka: the ACLs of {cfg.bootstrap} deny {who} the consumer group "
                                     f"{_subject(e)} (GROUP_AUTHORIZATION_FAILED)")
        if isinstance(e, AUTHORIZATION):
            return KafkaAccessDenied(f"kafka: the ACLs of {cfg.bootstrap} deny {who} an action "
                                     f"({type(e).__name__} {_subject(e)})")
    return None


def is_config_fault(exc: BaseException, cfg: KafkaSettings) -> bool:
    return config_fault(exc, cfg) is not None


def _hosts(bootstrap: str) -> list[tuple[str, int]]:
    hosts = []
    for item in bootstrap.split(","):
        host, _, port = item.strip().rpartition(":")
        hosts.append((host.strip("[]") or item.strip(), int(port) if port.isdigit() else 9092))
    return hosts


async def check_access(cfg: KafkaSettings, env: Mapping[str, str], timeout_s: float = 10.0) -> None:
    """One connection to a bootstrap server with TLS and SASL as configured.

    Returns when one answers; raises `KafkaConfigError` (or `KafkaAccessDenied`) naming the
    key when the settings cannot work; raises `KafkaConnectionError` when no server could be
    reached (the caller retries)."""
    kw = connection_kwargs(cfg, env)
    last: BaseException | None = None
    for host, port in _hosts(cfg.bootstrap):
        try:
            async with asyncio.timeout(timeout_s):
                conn = await create_conn(
                    host, port, client_id=kw["client_id"], request_timeout_ms=kw["request_timeout_ms"],
                    ssl_context=kw.get("ssl_context"), security_protocol=kw["security_protocol"],
                    sasl_mechanism=kw.get("sasl_mechanism"), sasl_plain_username=kw.get("sasl_plain_username"),
                    sasl_plain_password=kw.get("sasl_plain_password"))
        except (OSError, ke.KafkaError, TimeoutError) as exc:
            fault = config_fault(exc, cfg)
            if fault is not None:
                raise fault from None
            last = exc
            continue
        conn.close()
        return
    raise ke.KafkaConnectionError(f"no Kafka bootstrap server of {cfg.bootstrap} answered ({last!r})")


def config_faults_named(cfg: KafkaSettings) -> AbstractContextManager[None]:
    """Around a stage's run: an error the broker's refusal caused leaves as the `KafkaConfigError`
    naming the key (the command prints it on one line and exits 2); anything else as it was."""
    return faults_named(KafkaConfigError, lambda exc: config_fault(exc, cfg))
