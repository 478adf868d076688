"""Small helpers the benchmarks share: the workload file, /proc readings, Kafka topic
end offsets. No pipeline logic here (percentiles: `pipeline.figures`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GENERATOR = REPO.parent / "shared" / "bench" / "gen_workload.py"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def workload(events: int, seed: int, generator: str | os.PathLike[str], path: str | None = None) -> Path:
    """The generated workload (`bench/out/workload-<N>-<SEED>.log`), generated when missing."""
    out = Path(path) if path else REPO / "bench" / "out" / f"workload-{events}-{seed}.log"
    if not out.exists():
        gen = Path(generator)
        if not gen.is_file():
            sys.exit(f"no workload at {out} and no generator at {gen} (--generator)")
        out.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {out} ({events:,} events, seed {seed}) ...", file=sys.stderr)
        subprocess.run([sys.executable, str(gen), str(out), str(events), str(seed),
                        "--truth", str(out.with_suffix(".truth.json"))], check=True, stdout=subprocess.DEVNULL)
    return out


def proc_status_kib(pid: int, field: str) -> int:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1])
    raise KeyError(field)


def proc_cpu_s(pid: int, thread: int | None = None) -> float:
    """User + system CPU seconds of a process (/proc/PID/stat), or of one of its threads
    (`thread`: its id; the process's own id is its main thread)."""
    stat = Path(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine() -> dict[str, str]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "?")
    mem_kib = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                       if ln.startswith("MemTotal:")))
    return {"nproc": str(os.cpu_count()), "ram": f"{mem_kib / 2**20:.1f} GiB", "cpu": cpu,
            "python": sys.version.split()[0]}


def print_machine() -> None:
    m = machine()
    print(f"machine   nproc {m['nproc']}  RAM {m['ram']}  CPU {m['cpu']}  Python {m['python']}")


async def topic_end_total(consumer, topic: str) -> int:
    """Sum of the end offsets of every partition of `topic` (records written, on a fresh topic)."""
    from aiokafka import TopicPartition

    parts = consumer.partitions_for_topic(topic)
    if not parts:
        await consumer._client.force_metadata_update()  # noqa: SLF001 (a fresh topic's metadata)
        parts = consumer.partitions_for_topic(topic) or set()
    if not parts:
        return 0
    ends = await consumer.end_offsets([TopicPartition(topic, p) for p in parts])
    return sum(ends.values())


async def topic_records(bootstrap: str, topic: str) -> int:
    """Records written to a fresh `topic`, read with a consumer of its own."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        return await topic_end_total(consumer, topic)
    finally:
        await consumer.stop()


async def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, topics: list[str]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        gone = [t for t in topics if t in existing]
        if gone:
            await admin.delete_topics(gone)
    finally:
        await admin.close()


def follow_config(tmp: Path, *, host: str, bootstrap: str, kafka: str = "", extra: str = "",
                  timezone: str | None = None) -> Path:
    """`tmp/logpipe.toml` following `tmp/logs/*.log` (service pay, logback, Java multiline,
    in-app com.fpay) into Kafka at `bootstrap`, state in `tmp/state`; `kafka` adds lines
    to `[kafka]`, `extra` whole sections after it."""
    zone = f'timezone = "{timezone}"\n' if timezone else ""
    cfg = tmp / "logpipe.toml"
    cfg.write_text(f"""[host]
name = "{host}"
service = "pay"
{zone}[[inputs]]
paths = ["logs/*.log"]
service = "pay"
format = "logback"
multiline = "java"
[parse]
in_app = ["com.fpay"]
[state]
dir = "state"
[kafka]
bootstrap = "{bootstrap}"
{kafka}
{extra}""")
    return cfg


def add_service_options(ap) -> None:
    """--bootstrap and --es (default $LOGPIPE_KAFKA, $LOGPIPE_ES, else the local stack) and --keep."""
    ap.add_argument("--bootstrap", default=os.environ.get("LOGPIPE_KAFKA", "127.0.0.1:9092"))
    ap.add_argument("--es", default=os.environ.get("LOGPIPE_ES", "http://127.0.0.1:9200"))
    ap.add_argument("--keep", action="store_true")


def now() -> float:
    return time.monotonic()
