"""The configuration as frozen data: one dataclass per TOML table.

Field names are the TOML keys; defaults are the built-in defaults (DESIGN.md,
"Configuration (TOML)"). The parser-facing tables (`[[tables]]`, `[sql]`,
`[methods]`, `[masking]`, `[bounds]`) reuse the frozen types of
`parsers.options`, so what is loaded is exactly what the parsers take.
Relative paths in a config file are relative to that file's directory; the
loader resolves them, so every path here is absolute or cwd-relative (defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.column_spec import TYPES
from parsers.options import Bounds, MaskingOptions, MethodOptions, ParseOptions, SqlOptions, TableSpec

START_AT = ("beginning", "end")
FORMATS = ("auto", "logback", "log4j2", "python")  # or a logback %-pattern
MULTILINE = ("auto", "java", "python", "none")
COLUMN_TYPES = TYPES  # and enum(A,B,...): the column spec language is parsers.column_spec
COMPRESSION = ("none", "gzip", "snappy", "lz4", "zstd")
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
ALERT_OUTPUTS = ("kafka", "console", "webhook", "file")


@dataclass(frozen=True, slots=True)
class HostConfig:
    name: str = ""  # empty in TOML: the machine's hostname (given to the loader)
    service: str = "payments"  # service.name of inputs that set none
    timezone: str = "UTC"  # IANA name or +08:00, for line timestamps without an offset


@dataclass(frozen=True, slots=True)
class InputConfig:
    paths: tuple[str, ...]  # globs
    service: str | None = None  # None: host.service
    format: str = "auto"
    multiline: str = "auto"
    start_at: str = "beginning"  # for files never seen before
    exclude: tuple[str, ...] = ()  # globs of paths to leave alone (e.g. "*.gz")


@dataclass(frozen=True, slots=True)
class ParseConfig:
    in_app: tuple[str, ...] = ()  # package prefixes of the application's own code
    trace_keys: tuple[str, ...] = ParseOptions.__dataclass_fields__["trace_keys"].default


@dataclass(frozen=True, slots=True)
class KafkaConfig:
    bootstrap: str = "127.0.0.1:9092"  # host:port[,host:port...]
    topic_events: str = "logpipe.events"
    topic_alerts: str = "logpipe.alerts"
    topic_signatures: str = "logpipe.signatures"
    topic_deadletter: str = "logpipe.deadletter"
    group_index: str = "logpipe-index"
    group_alert: str = "logpipe-alert"
    client_id: str = "logpipe"
    compression: str = "zstd"  # snappy, lz4 and zstd: aiokafka[zstd,lz4] (cramjam)
    linger_ms: int = 5
    max_batch_bytes: int = 1024 * 1024
    max_in_flight_bytes: int = 32 * 1024 * 1024  # back-pressure: reading stops above this
    request_timeout_ms: int = 30_000
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""  # "": none
    sasl_username: str = ""
    sasl_password_env: str = ""  # name of the environment variable holding the password
    ssl_cafile: str = ""


@dataclass(frozen=True, slots=True)
class EsConfig:
    hosts: tuple[str, ...] = ("http://127.0.0.1:9200",)
    index_prefix: str = "logpipe-events"  # daily indices <prefix>-YYYY.MM.DD
    api_key_env: str = ""  # name of the environment variable holding an API key
    username: str = ""
    password_env: str = ""
    ca_certs: str = ""
    verify_certs: bool = True
    bulk_max_docs: int = 500
    bulk_max_bytes: int = 5 * 1024 * 1024
    request_timeout_s: float = 30.0
    max_retries: int = 5


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    outputs: tuple[str, ...] = ("kafka", "console")
    webhook_url: str = ""  # required when outputs has "webhook"
    file_path: str = ""  # required when outputs has "file"
    new_signature: bool = True  # alert on the first sighting of a signature
    regression_days: int = 7  # a signature silent this long alerts again when it returns
    slow_sql: bool = True
    error_rate_window_s: int = 60
    error_rate_factor: float = 3.0  # alert when a window has this many times the baseline
    error_rate_min_count: int = 20  # ... and at least this many errors
    keywords: tuple[str, ...] = ("OutOfMemoryError", "Deadlock", "死锁", "资金不平")
    dedup_window_s: int = 300


@dataclass(frozen=True, slots=True)
class StateConfig:
    dir: str = ".logpipe/state"  # checkpoints and local state


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    port: int | None = None  # None: no metrics endpoint
    bind: str = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Config:
    host: HostConfig = field(default_factory=HostConfig)
    inputs: tuple[InputConfig, ...] = ()
    parse: ParseConfig = field(default_factory=ParseConfig)
    tables: tuple[TableSpec, ...] = ()
    sql: SqlOptions = field(default_factory=SqlOptions)
    methods: MethodOptions = field(default_factory=MethodOptions)
    masking: MaskingOptions = field(default_factory=MaskingOptions)
    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    elasticsearch: EsConfig = field(default_factory=EsConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    state: StateConfig = field(default_factory=StateConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    bounds: Bounds = field(default_factory=Bounds)
    source: str | None = field(default=None, metadata={"internal": True})  # file loaded; None: defaults
