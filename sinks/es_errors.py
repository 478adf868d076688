"""Which Elasticsearch failures are the configuration's fault: credentials the cluster
refuses (401), privileges it denies (403), and TLS that never worked with the configured
hosts (an `http://` node behind an `https://` URL, a CA that did not sign the node's
certificate). Told apart by elasticsearch-py's and elastic-transport's error classes.
A node that is down or answers 429/5xx is not one of them: the indexer retries."""

from __future__ import annotations

import asyncio
import logging
import ssl
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

from elastic_transport import TlsError
from elasticsearch import AuthenticationException, AuthorizationException

from sinks.config_faults import faults_named
from sinks.elasticsearch import EsConfigError, EsSettings

log = logging.getLogger(__name__)


def _credentials(cfg: EsSettings) -> str:
    if cfg.api_key_env:
        return f"elasticsearch.api_key_env (the key in {cfg.api_key_env})"
    if cfg.username:
        return f"elasticsearch.username {cfg.username!r} / elasticsearch.password_env {cfg.password_env}"
    return "elasticsearch.api_key_env or elasticsearch.username (none is set)"


def es_config_fault(exc: BaseException, cfg: EsSettings) -> EsConfigError | None:
    """The configuration error behind `exc`, or None when a retry can cure it."""
    hosts = ", ".join(cfg.hosts)
    if isinstance(exc, EsConfigError):
        return exc
    if isinstance(exc, AuthenticationException):
        return EsConfigError(f"{_credentials(cfg)}: {hosts} refused the credentials (401)")
    if isinstance(exc, AuthorizationException):
        return EsConfigError(f"{_credentials(cfg)}: {hosts} denied the privileges this stage needs (403)")
    if isinstance(exc, TlsError):
        trust = f"elasticsearch.ca_certs {cfg.ca_certs}" if cfg.ca_certs else "the system's CA certificates"
        return EsConfigError(f"elasticsearch.hosts / elasticsearch.ca_certs: TLS with {hosts} failed against "
                             f"{trust} ({exc.message})")
    return None


def es_faults_named(cfg: EsSettings) -> AbstractContextManager[None]:
    """Around a stage's run: an Elasticsearch refusal leaves as the `EsConfigError` naming the key."""
    return faults_named(EsConfigError, lambda exc: es_config_fault(exc, cfg))


async def check_tls(cfg: EsSettings, timeout_s: float = 10.0) -> None:
    """One TLS handshake with each `https://` host, as the client would make it, before the client
    exists (its own retries would log each failure): a certificate that does not verify, or a
    node that does not speak TLS, raises `EsConfigError` naming the keys. A host that cannot be
    reached is left to the indexer's retries."""
    for url in cfg.hosts:
        parts = urlsplit(url)
        if parts.scheme != "https":
            continue
        context = ssl.create_default_context(cafile=cfg.ca_certs or None)
        if not cfg.verify_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            async with asyncio.timeout(timeout_s):
                _, writer = await asyncio.open_connection(parts.hostname, parts.port or 443, ssl=context)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError, TimeoutError):
            continue  # closed or reset mid-handshake: network, retried by the indexer
        except ssl.SSLError as exc:
            trust = f"elasticsearch.ca_certs {cfg.ca_certs}" if cfg.ca_certs else "the system's CA certificates"
            reason = getattr(exc, "verify_message", None) or exc.reason or type(exc).__name__
            raise EsConfigError(f"elasticsearch.hosts / elasticsearch.ca_certs: TLS with {url} failed against "
                                f"{trust} ({reason})") from None
        except OSError:
            continue  # refused, unreachable: the indexer waits for it
        writer.close()
        try:
            await writer.wait_closed()
        except (OSError, ssl.SSLError) as exc:  # the handshake worked; how the node closes does not matter
            log.debug("closing the TLS check connection to %s: %r", url, exc)
