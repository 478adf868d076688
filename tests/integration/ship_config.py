"""The shipper's config file of the integration tests: one input, one events topic, a
state folder; each test names what differs (host, paths, input and Kafka keys)."""

from __future__ import annotations

from pathlib import Path


def write_ship_config(tmp: Path, *, host: str, bootstrap: str, topic: str, paths: str = "logs/*.log",
                      inputs: str = "", kafka: str = "", state_dir: str | Path = "state") -> Path:
    """`tmp/logpipe.toml` (and `tmp/logs/`); `inputs` and `kafka` are extra TOML lines of
    their tables, e.g. `multiline = "none"`, `max_batch_bytes = 16384`."""
    cfg = tmp / "logpipe.toml"
    cfg.write_text(f"""
[host]
name = "{host}"
[[inputs]]
paths = ["{paths}"]
{inputs}
[kafka]
bootstrap = "{bootstrap}"
topic_events = "{topic}"
{kafka}
[state]
dir = "{state_dir}"
""")
    (tmp / "logs").mkdir(exist_ok=True)
    return cfg


def write_run_config(tmp: Path, *, host: str, bootstrap: str, es_url: str, name: str) -> Path:
    """`tmp/logpipe.toml` for `logpipe run` (ship, index and alert): topics, groups and the
    index prefix named after `name`, single-line records, alerts to Kafka only."""
    return write_ship_config(tmp, host=host, bootstrap=bootstrap, topic=f"{name}.events", inputs='multiline = "none"',
                             kafka=f"""topic_alerts = "{name}.alerts"
topic_signatures = "{name}.signatures"
topic_deadletter = "{name}.deadletter"
group_index = "{name}-index"
group_alert = "{name}-alert"
[elasticsearch]
hosts = ["{es_url}"]
index_prefix = "{name}"
[alerts]
outputs = ["kafka"]""")
