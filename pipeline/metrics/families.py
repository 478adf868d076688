"""A stage's metric families, declared as one table, and the typed objects built from it.

    TAIL = stage_families("tail", "Errors of the tailer, by kind; the file is retried.", '''
        tail_files_lost     counter  files_lost{reason}  Files gone before they were read to their end.
        tail_open_files     gauge    open_files          Log files held open.
        tail_io_errors      error    io{op,errno}
    ''')

A row: the name the code counts under, the type, the family (with its labels) and the
HELP text. The exported name is `logpipe_<stage>_<family>`, plus `_total` for counters
(prometheus-client adds it). Rows of type `error` are kinds of the stage's one error
family `logpipe_<stage>_errors_total{kind, ...}`: their family column is the `kind`, and
that family's labels are `kind` and every label of its rows (a row leaves the others empty,
which Prometheus reads as absent). `build` makes the typed Counter and Gauge objects of a
table in a given registry; the table itself holds no values, so every process (and every
test) builds its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.metrics import MetricWrapperBase

PREFIX = "logpipe_"
_ROW = re.compile(r"(?P<name>\w+)\s+(?P<type>counter|gauge|error)\s+(?P<family>\w+)(?:\{(?P<labels>[\w,]*)\})?"
                  r"(?:\s+(?P<help>\S.*))?$")
_TYPES = {"counter": Counter, "gauge": Gauge}


@dataclass(frozen=True, slots=True)
class FamilySpec:
    name: str  # exported name, without `_total`
    type: str  # counter | gauge
    help: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Binding:
    """Where one counted name lands: its family, the labels the row fixes (`kind` of an
    error), and the labels the code gives when it counts."""
    family: str
    fixed: Mapping[str, str]
    free: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StageFamilies:
    stage: str
    families: tuple[FamilySpec, ...]
    bindings: Mapping[str, Binding]  # counted name -> its family


def _labels(text: str | None) -> tuple[str, ...]:
    return tuple(label for label in (text or "").split(",") if label)


def stage_families(stage: str, errors_help: str, table: str) -> StageFamilies:
    """Parse a stage's table (see the module docstring); a malformed row raises ValueError."""
    prefix = f"{PREFIX}{stage}_"
    families: dict[str, FamilySpec] = {}
    bindings: dict[str, Binding] = {}
    error_labels: dict[str, None] = {}
    errors = prefix + "errors"
    for line in table.strip().splitlines():
        row = _ROW.match(line.strip())
        if row is None:
            raise ValueError(f"metrics table of {stage}: cannot read row {line.strip()!r}")
        name, kind, labels = row["name"], row["type"], _labels(row["labels"])
        if name in bindings:
            raise ValueError(f"metrics table of {stage}: {name} counted twice")
        if kind == "error":
            error_labels.update(dict.fromkeys(labels))
            bindings[name] = Binding(errors, {"kind": row["family"]}, labels)
            continue
        if not row["help"]:
            raise ValueError(f"metrics table of {stage}: {name} has no HELP text")
        family = prefix + row["family"]
        if family in families:
            raise ValueError(f"metrics table of {stage}: family {family} declared twice")
        families[family] = FamilySpec(family, kind, row["help"], labels)
        bindings[name] = Binding(family, {}, labels)
    if any(b.family == errors for b in bindings.values()):
        families[errors] = FamilySpec(errors, "counter", errors_help, ("kind", *error_labels))
    return StageFamilies(stage, tuple(families.values()), bindings)


def build(spec: FamilySpec, registry: CollectorRegistry) -> MetricWrapperBase:
    """The typed prometheus-client object of `spec`, registered in `registry`."""
    return _TYPES[spec.type](spec.name, spec.help, spec.labels, registry=registry)
