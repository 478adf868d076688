"""The Prometheus view of a `Metrics` object: a custom collector, no global state.

    registry = CollectorRegistry(auto_describe=False)
    registry.register(MetricsCollector(metrics))

Each scrape reads `metrics.snapshot()` and renames series by `EXPORTS`: counters are
`logpipe_<stage>_<what>_total`, units are in names (`_bytes`, `_seconds`), and several
internal counters can share one family told apart by a `kind` label (errors by kind).
A series with no entry is still exported, as `logpipe_<name>` of type untyped, so a
counter added later is visible before it is named here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from pipeline.metrics.registry import Metrics

PREFIX = "logpipe_"
_UNSAFE = re.compile(r"[^a-zA-Z0-9_]")


@dataclass(frozen=True, slots=True)
class Export:
    family: str  # without the `_total` suffix for counters; the client adds it
    type: str  # counter | gauge
    help: str
    labels: Mapping[str, str] = field(default_factory=dict)  # added to each series (e.g. kind)


def _c(family: str, help: str, **labels: str) -> Export:
    return Export(PREFIX + family, "counter", help, labels)


def _g(family: str, help: str, **labels: str) -> Export:
    return Export(PREFIX + family, "gauge", help, labels)


_SHIP_ERRORS = "Errors of the ship stage, by kind (the stage retries or recovers from checkpoints)."
_INDEX_ERRORS = "Errors of the index stage, by kind."
_ALERT_ERRORS = "Errors of the alert stage, by kind."

# internal series name (pipeline.metrics.registry) -> its Prometheus family
EXPORTS: dict[str, Export] = {
    # ship (tailer, assembler, producer, checkpoints)
    "ship_lines_read": _c("ship_lines_read", "Complete lines read from log files."),
    "ship_bytes_read": _c("ship_read_bytes", "Bytes read from log files."),
    "ship_events_sent": _c("ship_events_sent", "Events handed to the Kafka producer."),
    "ship_events_acked": _c("ship_events_acked", "Events acknowledged by Kafka."),
    "ship_events_truncated": _c("ship_events_truncated", "Events cut at a size bound (logpipe.truncated)."),
    "ship_outages": _c("ship_outages", "Kafka outages: reading paused, resumed from checkpoints."),
    "ship_backpressure_waits": _c("ship_backpressure_waits", "Sends that waited for bytes in flight to drain."),
    "ship_files": _g("ship_files", "Files with events not yet fully acknowledged."),
    "ship_behind_bytes": _g("ship_behind_bytes", "Per followed file: size minus read offset."),
    "ship_delivery_failures": _c("ship_errors", _SHIP_ERRORS, kind="delivery"),
    "ship_connect_failures": _c("ship_errors", _SHIP_ERRORS, kind="connect"),
    "ship_checkpoint_failures": _c("ship_errors", _SHIP_ERRORS, kind="checkpoint"),
    "checkpoint_flush_errors": _c("ship_errors", _SHIP_ERRORS, kind="checkpoint_flush"),
    "tail_io_errors": _c("ship_errors", _SHIP_ERRORS, kind="file_io"),
    "tail_stat_errors": _c("ship_errors", _SHIP_ERRORS, kind="stat"),
    "tail_watch_errors": _c("ship_errors", _SHIP_ERRORS, kind="watch"),
    "tail_files_lost": _c("ship_files_lost", "Files gone before they were read to their end, by reason."),
    "tail_files_rotated": _c("ship_files_rotated", "Rename rotations seen."),
    "tail_truncations": _c("ship_files_truncated", "Truncations seen (copytruncate): read again from 0."),
    "tail_open_files": _g("ship_open_files", "Log files held open."),
    "tail_files_followed": _g("ship_files_followed", "Log files followed."),
    "checkpoint_flushes": _c("ship_checkpoint_flushes", "Checkpoint files written."),
    # index
    "index_docs_indexed_total": _c("index_events_indexed", "Events stored in Elasticsearch."),
    "index_bulk_requests_total": _c("index_bulk_requests", "Bulk requests sent."),
    "index_retries_total": _c("index_bulk_retries", "Bulk retries, by cause and scope (request or item)."),
    "index_deadletters_total": _c("index_dead_letters", "Records written to the dead-letter topic, by reason."),
    "index_rejected_total": _c("index_rejected", "Documents rejected by Elasticsearch or undecodable, by reason."),
    "index_es_outages_total": _c("index_outages", "Elasticsearch outages waited out."),
    "index_commits_total": _c("index_commits", "Offset commits after a stored batch."),
    "index_records_committed_total": _c("index_records_committed", "Kafka records whose offsets were committed."),
    "index_consumer_lag": _g("index_consumer_lag_records", "Per partition: end offset minus position."),
    "index_commits_failed_total": _c("index_errors", _INDEX_ERRORS, kind="commit"),
    "index_batches_abandoned_total": _c("index_errors", _INDEX_ERRORS, kind="batch_abandoned"),
    "index_retention_errors_total": _c("index_errors", _INDEX_ERRORS, kind="retention"),
    "index_retention_deleted_total": _c("index_retention_deleted_indices", "Daily indices deleted by retention."),
    # alert
    "alert_events": _c("alert_events_read", "Events fed to the rules."),
    "alert_alerts": _c("alert_alerts", "Alerts raised, by rule."),
    "alert_consumer_lag": _g("alert_consumer_lag_records", "Per partition: end offset minus position."),
    "alert_events_undecodable": _c("alert_errors", _ALERT_ERRORS, kind="undecodable_event"),
    "alert_output_failures": _c("alert_errors", _ALERT_ERRORS, kind="output"),
    "alert_commit_failures": _c("alert_errors", _ALERT_ERRORS, kind="commit"),
    # the metrics endpoint itself
    "metrics_sampler_errors": _c("metrics_sampler_errors", "Failed samples of gauges (bytes behind, lag)."),
}


def export_of(name: str) -> Export:
    """The family of internal series `name` (untyped `logpipe_<name>` when it has no entry)."""
    known = EXPORTS.get(name)
    if known is not None:
        return known
    return Export(PREFIX + _UNSAFE.sub("_", name), "untyped", f"logpipe internal series {name}")


class MetricsCollector(Collector):
    """Exposes one `Metrics` object; register it in a per-process `CollectorRegistry`."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []  # names depend on what was counted; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        families: dict[str, Metric] = {}
        for name, series in sorted(self.metrics.snapshot().items()):
            export = export_of(name)
            family = families.get(export.family)
            if family is None:
                family = families[export.family] = Metric(export.family, export.help, export.type)
            sample = export.family + ("_total" if export.type == "counter" else "")
            for pairs, value in series.items():
                labels = {_UNSAFE.sub("_", k): v for k, v in pairs}
                labels.update(export.labels)
                family.add_sample(sample, labels, float(value))
        yield from families.values()
