"""Alert outputs: the Kafka alerts topic (primary), the console and a JSON-lines file.
The webhook lives in `sinks.webhook`.

Every output takes the alert as its JSON object (docs/alert.schema.json) and has the
same lifecycle: `start()`, `emit(alert)`, idempotent `stop()`. Disk and terminal writes
run in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, Protocol, TextIO

import aiofiles
import orjson
from aiokafka import AIOKafkaProducer

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "warning": "yellow", "info": "cyan"}


class AlertOutput(Protocol):
    name: str

    async def start(self) -> None: ...

    async def emit(self, alert: dict[str, Any]) -> None: ...

    async def stop(self) -> None: ...


def encode_alert(alert: dict[str, Any]) -> bytes:
    return orjson.dumps(alert)


def alert_key(alert: dict[str, Any]) -> bytes:
    """Kafka key: the alert key, so one rule+key keeps its order in one partition."""
    return str(alert.get("key") or alert.get("id") or "").encode("utf-8", "surrogateescape")


def format_line(alert: dict[str, Any]) -> str:
    """One readable line: time, severity, rule, where, title, short id."""
    where = "@".join(str(p) for p in (alert.get("service"), alert.get("host")) if p) or "-"
    sev = str(alert.get("severity", "?")).upper()
    title = str(alert.get("title", "")).replace("\n", " ")
    return (f"{alert.get('@timestamp', '?')} {sev:<8} {alert.get('rule', '?'):<14} {where}  {title}"
            f"  [{str(alert.get('id', ''))[:12]}]")


class KafkaAlertOutput:
    """The alerts topic; `emit` returns once Kafka acknowledged the record."""

    name = "kafka"

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def start(self) -> None:
        return None

    async def emit(self, alert: dict[str, Any]) -> None:
        await self.emit_many([alert])

    async def emit_many(self, alerts: list[dict[str, Any]]) -> None:
        futures = [await self.producer.send(self.topic, encode_alert(a), key=alert_key(a)) for a in alerts]
        if futures:
            await asyncio.gather(*futures)

    async def stop(self) -> None:
        return None


class ConsoleOutput:
    """One line per alert; coloured with rich when the stream is a terminal."""

    name = "console"

    def __init__(self, stream: TextIO | None = None, color: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.color = self.stream.isatty() if color is None else color
        self._console = None
        if self.color:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False, soft_wrap=True, force_terminal=True)

    async def start(self) -> None:
        return None

    async def emit(self, alert: dict[str, Any]) -> None:
        await asyncio.to_thread(self.write, alert)

    def write(self, alert: dict[str, Any]) -> None:
        line = format_line(alert)
        if self._console is not None:
            style = SEVERITY_STYLE.get(str(alert.get("severity")), "")
            self._console.print(line, style=style, markup=False)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    async def stop(self) -> None:
        return None


class FileOutput:
    """JSON lines, appended; each alert is flushed before `emit` returns (aiofiles: the open,
    write, flush and close run in a worker thread)."""

    name = "file"

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: Any = None

    async def start(self) -> None:
        if self._file is None:
            self._file = await aiofiles.open(self.path, "ab")

    async def emit(self, alert: dict[str, Any]) -> None:
        await self.start()
        await self._file.write(orjson.dumps(alert) + b"\n")
        await self._file.flush()

    async def stop(self) -> None:
        f, self._file = self._file, None
        if f is not None:
            await f.close()
