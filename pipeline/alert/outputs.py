"""Where alerts go: the alerts topic, then the side outputs of `alerts.outputs`
(console, webhook, file). A side output that fails is logged and counted per output and
does not hold the others back; a failure of the alerts topic is raised (the batch is
then replayed, see `pipeline.alert.batch_writer`)."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from aiokafka import AIOKafkaProducer

from pipeline.config.schema import Config
from pipeline.metrics.registry import Metrics
from sinks.alerts import AlertOutput, ConsoleOutput, FileOutput, KafkaAlertOutput
from sinks.webhook import WebhookOutput

log = logging.getLogger(__name__)


def side_outputs(cfg: Config) -> list[AlertOutput]:
    """The outputs besides the alerts topic, from `alerts.outputs`."""
    outs: list[AlertOutput] = []
    for name in cfg.alerts.outputs:
        if name == "console":
            outs.append(ConsoleOutput())
        elif name == "webhook":
            outs.append(WebhookOutput(cfg.alerts.webhook_url))
        elif name == "file":
            outs.append(FileOutput(cfg.alerts.file_path))
    return outs


class AlertDelivery:
    """Owns the side outputs (started and stopped with it) and writes alerts to them and
    to the alerts topic, through the stage's producer."""

    def __init__(self, outputs: list[AlertOutput], counts: Counter[str], metrics: Metrics) -> None:
        self.outputs = outputs
        self.counts = counts
        self.metrics = metrics
        self._kafka_out: KafkaAlertOutput | None = None

    async def start(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._kafka_out = KafkaAlertOutput(producer, topic)
        for out in self.outputs:
            await out.start()

    async def stop(self) -> None:
        for out in self.outputs:
            await out.stop()

    async def deliver(self, bodies: list[dict[str, Any]], *, to_kafka: bool) -> None:
        """To the alerts topic (acked) when `to_kafka`, then to every side output."""
        assert self._kafka_out is not None, "start() first"
        if to_kafka:
            await self._kafka_out.emit_many(bodies)
        self.counts["alerts"] += len(bodies)
        for body in bodies:
            self.metrics.inc("alert_alerts", rule=body.get("rule", ""))
            for out in self.outputs:
                try:
                    await out.emit(body)
                except OSError as exc:
                    self.counts[f"output_failed_{out.name}"] += 1
                    self.metrics.inc("alert_output_failures", output=out.name)
                    log.error("alert %s not written to %s: %s", body.get("id"), out.name, exc)
