"""Webhook output: HTTP POST of JSON, retried on the back-off curve of `sinks.backoff`.

The body is the alert itself, or a template: a JSON value whose strings may hold
`{title}`, `{summary}`, `{severity}`, `{rule}`, `{service}`, `{host}`, `{id}`,
`{key}`, `{timestamp}`. Chat bots get a text template chosen from the URL
(DingTalk, WeCom, Feishu). Placeholders are filled inside the parsed JSON strings,
so an alert's text can never break the JSON.

2xx is delivered; 408, 429 and 5xx and connection errors are retried; another 4xx is
not (the request itself is wrong). An alert that cannot be delivered is logged with
its id and counted in `failed`, never silently dropped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import orjson

from sinks.backoff import Backoff, retry

log = logging.getLogger(__name__)

TEXT_TEMPLATE = {"msgtype": "text", "text": {"content": "{title}\n{summary}"}}
FEISHU_TEMPLATE = {"msg_type": "text", "content": {"text": "{title}\n{summary}"}}
RETRY_STATUS = frozenset({408, 425, 429})


def template_for(url: str) -> Any:
    """The chat template a well-known bot URL needs, or None (post the alert as is)."""
    if "oapi.dingtalk.com" in url or "qyapi.weixin.qq.com" in url:
        return TEXT_TEMPLATE
    if "open.feishu.cn" in url or "open.larksuite.com" in url:
        return FEISHU_TEMPLATE
    return None


class DeliveryError(Exception):
    """One POST that did not deliver; `final` when retrying cannot help (a 4xx other than 408/425/429)."""

    def __init__(self, reason: str, *, final: bool = False) -> None:
        super().__init__(reason)
        self.final = final


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: Any, alert: dict[str, Any]) -> Any:
    """`template` with `{placeholders}` in its strings replaced by the alert's fields."""
    fields = _Fields({k: "" if alert.get(k) is None else str(alert.get(k))
                      for k in ("title", "summary", "severity", "rule", "service", "host", "id", "key")})
    fields["timestamp"] = str(alert.get("@timestamp", ""))
    if isinstance(template, str):
        try:
            return template.format_map(fields)
        except (ValueError, IndexError):  # stray braces: keep the text as written
            return template
    if isinstance(template, dict):
        return {k: render(v, alert) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, alert) for v in template]
    return template


class WebhookOutput:
    name = "webhook"

    def __init__(self, url: str, template: Any = "auto", *, max_attempts: int = 5, backoff_s: float = 0.5,
                 max_backoff_s: float = 10.0, timeout_s: float = 10.0) -> None:
        self.url = url
        self.template = template_for(url) if template == "auto" else template
        self.max_attempts = max(1, max_attempts)
        self.backoff = Backoff(backoff_s, max_backoff_s)
        self.timeout_s = timeout_s
        self.delivered = 0
        self.failed = 0
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))

    def body(self, alert: dict[str, Any]) -> bytes:
        return orjson.dumps(alert if self.template is None else render(self.template, alert))

    async def emit(self, alert: dict[str, Any]) -> None:
        """POST the alert, retrying; a delivery failure is logged and counted in `failed`, never raised."""
        await self.start()
        data = self.body(alert)
        attempts = 1

        def retrying(exc: Exception, attempt: int, delay_s: float) -> None:
            nonlocal attempts
            attempts = attempt + 1
            log.info("webhook attempt %d for alert %s failed (%s); retrying in %.1f s",
                     attempt, alert.get("id"), exc, delay_s)

        try:
            await retry(lambda: self._post(data), retriable=lambda exc: isinstance(exc, DeliveryError) and not exc.final,
                        backoff=self.backoff, max_attempts=self.max_attempts, on_retry=retrying)
        except DeliveryError as exc:
            self.failed += 1
            log.error("webhook gave up on alert %s after %d attempts: %s", alert.get("id"), attempts, exc)
        else:
            self.delivered += 1

    async def _post(self, data: bytes) -> None:
        """One POST; raises `DeliveryError` unless the webhook answered 2xx."""
        assert self._session is not None
        try:
            async with self._session.post(self.url, data=data, headers={"Content-Type": "application/json"}) as resp:
                await resp.read()
                if 200 <= resp.status < 300:
                    return
                retriable = resp.status in RETRY_STATUS or resp.status >= 500
                raise DeliveryError(f"HTTP {resp.status}", final=not retriable)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    async def stop(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
