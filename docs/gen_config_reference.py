"""Writes docs/configuration.md from the config dataclasses (`pipeline.config.schema`,
`parsers.options`): every key with its type, default and meaning.

    python3 docs/gen_config_reference.py          # rewrite docs/configuration.md
    python3 docs/gen_config_reference.py --check  # exit 1 if the file is out of date

A key's meaning is its entry in `MEANINGS` below, else the comment on its line in the
dataclass;
a key with neither stops the script, so a new key cannot go undocumented.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import io
import sys
import tokenize
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsers import options  # noqa: E402
from pipeline.config import schema as schema  # noqa: E402

OUT = Path(__file__).resolve().parent / "configuration.md"
ARRAYS_OF_TABLES = ("inputs", "tables")

MEANINGS = {
    "host.name": "`host.name` of events; empty: the machine's hostname",
    "inputs.paths": "globs of the files to follow (`*`, `?`, `[...]`)",
    "inputs.service": "`service.name` of this input's events; unset: `host.service`",
    "inputs.start_at": f"where to start in a file never seen before: {' | '.join(schema.START_AT)} "
                       "(a file with a checkpoint resumes there)",
    "kafka.sasl_mechanism": f"{' | '.join(m for m in schema.SASL_MECHANISMS if m)}; required with SASL_*, "
                            "empty otherwise",
    "kafka.compression": f"{' | '.join(schema.COMPRESSION)} (snappy, lz4 and zstd use cramjam, "
                         "installed with logpipe); zstd compresses events smaller than gzip, six times faster",
    "metrics.port": "serve Prometheus /metrics on this port (ship, index, alert, run); unset: no endpoint; "
                    "`--metrics-port` overrides",
    "inputs.format": f"line-prefix grammar: one of {', '.join(schema.FORMATS)}, or a logback pattern "
                     'such as "%d [%t] %-5p %c - %m"',
    "inputs.multiline": f"multi-line assembly: {' | '.join(schema.MULTILINE)}",
    "parse.trace_keys": "keys whose values are business ids (order numbers) for `logpipe trace`",
    "tables.name": "table name (`logpipe.table.name`); unique",
    "tables.match": "a substring of the message that marks a line of this table",
    "tables.delimiter": "cell separator",
    "tables.columns": f"`name[:type]` per column, positional or `key=value` cells; types "
                      f"{', '.join(schema.COLUMN_TYPES)}, enum(A,B,...)",
    "tables.trace_ids": "columns holding business ids for `logpipe trace`",
    "sql.slow_ms": "a statement at or over this many milliseconds is slow",
    "sql.slow_ms_by_fingerprint": "a table `fingerprint_id = ms`: per-statement thresholds",
    "masking.cards": "mask card numbers that pass the Luhn check",
    "masking.cn_id": "mask Chinese resident ID numbers with a valid checksum",
    "masking.phones": "mask mobile phone numbers",
    "masking.emails": "mask e-mail addresses",
    "masking.patterns": "extra regexes whose matches are masked",
    "kafka.topic_events": "the events topic (shipper writes, indexer and alerter read)",
    "kafka.topic_alerts": "the alerts topic",
    "kafka.topic_signatures": "the alerter's state (compacted)",
    "kafka.topic_deadletter": "records Elasticsearch rejected, with the reason",
    "kafka.group_index": "consumer group of the indexers",
    "kafka.group_alert": "consumer group of the alerters",
    "kafka.client_id": "client id sent to the broker",
    "kafka.linger_ms": "how long records sent one by one wait to fill a batch; the shipper's own batches (a file's "
                       "events of one read, up to `max_batch_bytes`) go out without waiting",
    "kafka.max_batch_bytes": "producer batch size bound",
    "kafka.request_timeout_ms": "timeout of one Kafka request",
    "kafka.security_protocol": f"{' | '.join(schema.SECURITY_PROTOCOLS)}",
    "kafka.sasl_username": "SASL user (required with SASL_*)",
    "kafka.ssl_cafile": "PEM file of the CA that signed the brokers' certificates (SSL, SASL_SSL); "
                        "empty: the system's CAs",
    "elasticsearch.hosts": "node URLs, http:// or https://",
    "elasticsearch.username": "basic-auth user (with `password_env`)",
    "elasticsearch.password_env": "name of the environment variable holding the basic-auth password",
    "elasticsearch.ca_certs": "PEM file of the CA for https:// hosts; empty: the system's CAs",
    "elasticsearch.verify_certs": "verify the nodes' certificates (https:// hosts)",
    "elasticsearch.bulk_max_docs": "documents per bulk request",
    "elasticsearch.bulk_max_bytes": "bytes per bulk request",
    "elasticsearch.request_timeout_s": "timeout of one request",
    "elasticsearch.max_retries": "retries of a failed request by the client",
    "alerts.outputs": f"where alerts go: any of {', '.join(schema.ALERT_OUTPUTS)}",
    "alerts.slow_sql": "alert on slow SQL (`slow_sql`, `slow_sql_p95`)",
    "alerts.error_rate_window_s": "window of the error-rate rule (event time)",
    "alerts.keywords": "substrings that raise a `keyword` alert",
    "alerts.dedup_window_s": "one slow-SQL or keyword alert per key per window of this length",
    "metrics.bind": "address the /metrics endpoint listens on",
    "bounds.max_line_bytes": "a longer line is cut (`logpipe.truncated`)",
    "bounds.max_event_lines": "lines per multi-line event",
    "bounds.max_event_bytes": "bytes per multi-line event",
}
TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
         "tuple[str, ...]": "array of strings", "str | None": "string (optional)", "int | None": "integer (optional)",
         "tuple[ColumnSpec, ...]": "array of strings", "tuple[tuple[str, float], ...]": "table of numbers"}


def sections() -> list[tuple[str, type]]:
    """(TOML table, dataclass) in the order of `Config`."""
    out = []
    for f in dataclasses.fields(schema.Config):
        if f.metadata.get("internal"):
            continue
        name = f.type.removeprefix("tuple[").removesuffix(", ...]")
        out.append((f.name, getattr(schema, name, None) or getattr(options, name)))
    return out


def comments(cls: type) -> dict[str, str]:
    """Field name -> the comment on its line in the class source."""
    src = inspect.getsource(cls)
    by_line = {t.start[0]: t.string.lstrip("# ").strip()
               for t in tokenize.generate_tokens(io.StringIO(src).readline) if t.type == tokenize.COMMENT}
    body = ast.parse(src).body[0].body  # type: ignore[attr-defined]
    return {n.target.id: by_line[n.lineno] for n in body if isinstance(n, ast.AnnAssign) and n.lineno in by_line}


def toml_value(value: Any, table: bool = False) -> str:
    if value is dataclasses.MISSING:
        return "required"
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '`""`' if not value else f'`"{value}"`'
    if isinstance(value, tuple):
        if table or (value and isinstance(value[0], tuple)):
            return "`{" + ", ".join(f'"{k}" = {v}' for k, v in value) + "}`"
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    return f"`{value:_}`".replace("_", ",") if isinstance(value, int) and value >= 10_000 else f"`{value}`"


def default_of(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return f.default


def rows(section: str, cls: type) -> list[str]:
    notes = comments(cls)
    out = []
    for f in dataclasses.fields(cls):
        key = f"{section}.{f.name}"
        meaning = MEANINGS.get(key) or notes.get(f.name)
        if not meaning:
            raise SystemExit(f"{key} has no meaning: add a comment in {cls.__name__} or an entry in MEANINGS")
        meaning = meaning.replace("|", "\\|")
        default = toml_value(default_of(f), table=f.type.startswith("tuple[tuple"))
        out.append(f"| `{key}` | {TYPES.get(f.type, f.type)} | {default} | {meaning} |")
    return out


def render() -> str:
    parts = [(Path(__file__).parent / "configuration_intro.md").read_text().rstrip() + "\n"]
    for section, cls in sections():
        header = f"[[{section}]]" if section in ARRAYS_OF_TABLES else f"[{section}]"
        parts.append(f"\n## `{header}`\n\n| key | type | default | meaning |\n|---|---|---|---|\n")
        parts.append("\n".join(rows(section, cls)) + "\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python3 docs/gen_config_reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
