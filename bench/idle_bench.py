"""Idle cost of following many files: `logpipe ship` following 1,000 files that nobody
writes, against a trivial asyncio process sleeping, both measured in the same window.

    python3 bench/idle_bench.py                 # 1,000 files, 30 s window
    python3 bench/idle_bench.py --files 5000 --window 60

The files (10 lines each) are shipped first to a fresh topic; once Kafka holds every
event and a few seconds have passed (checkpoints written, descriptors trimmed to the
tailer's budget of 256), the window starts. Figures over the window, both processes at
once, from /proc: CPU seconds (utime + stime), RSS at the end, peak RSS (VmHWM), and
open descriptors of the shipper.
  baseline   `python -c "asyncio.run(asyncio.sleep(...))"`: the interpreter's own floor;
  shipper    `python -m pipeline.cli ship` (inotify on the directory when available,
             else polling; globs rescanned every second).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaConsumer  # noqa: E402

from bench.benchlib import REPO, delete_topics, print_machine, proc_cpu_s, proc_status_kib, topic_end_total  # noqa: E402


def line(f: int, n: int) -> str:
    return f"2026-11-26 10:15:30.{n:03d} [main] INFO  c.f.pay.Idle - file {f} line {n}\n"


async def wait_shipped(bootstrap: str, topic: str, expected: int, proc: subprocess.Popen, timeout_s: float) -> float:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    t0 = time.monotonic()
    try:
        while await topic_end_total(consumer, topic) < expected:
            if proc.poll() is not None:
                sys.exit(f"the shipper exited with {proc.returncode}")
            if time.monotonic() - t0 > timeout_s:
                sys.exit(f"not every event in Kafka after {timeout_s:.0f}s")
            await asyncio.sleep(0.5)
    finally:
        await consumer.stop()
    return time.monotonic() - t0


def sample(pid: int) -> dict[str, float]:
    return {"cpu_s": proc_cpu_s(pid), "rss_mib": proc_status_kib(pid, "VmRSS") / 1024,
            "hwm_mib": proc_status_kib(pid, "VmHWM") / 1024, "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--window", type=float, default=30.0, help="seconds of idle measured")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds after the last event before measuring")
    ap.add_argument("--bootstrap", default=os.environ.get("LOGPIPE_KAFKA", "127.0.0.1:9092"))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    print_machine()
    topic = f"bench-idle-{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory(prefix="idle-bench-") as d:
        tmp = Path(d)
        logs = tmp / "logs"
        logs.mkdir()
        for f in range(args.files):
            (logs / f"app-{f:05d}.log").write_text("".join(line(f, n) for n in range(10)))
        (tmp / "logpipe.toml").write_text(f"""[host]
name = "idle"
[[inputs]]
paths = ["logs/*.log"]
format = "logback"
multiline = "java"
[kafka]
bootstrap = "{args.bootstrap}"
topic_events = "{topic}"
[state]
dir = "state"
""")
        env = dict(os.environ, PYTHONPATH=str(REPO))
        env.pop("LOGPIPE_KAFKA", None)
        shipper = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ship", "--config", "logpipe.toml",
                                    "--quiet"], cwd=tmp, env=env, stdout=open(tmp / "ship.log", "wb"),
                                   stderr=subprocess.STDOUT)
        sleeper = subprocess.Popen([sys.executable, "-c", "import asyncio; asyncio.run(asyncio.sleep(86400))"])
        try:
            shipped_s = asyncio.run(wait_shipped(args.bootstrap, topic, args.files * 10, shipper, 300))
            time.sleep(args.settle)
            before = {p.pid: sample(p.pid) for p in (shipper, sleeper)}
            time.sleep(args.window)
            after = {p.pid: sample(p.pid) for p in (shipper, sleeper)}
        finally:
            for p in (shipper, sleeper):
                p.terminate()
                p.wait(60)
            if not args.keep:
                asyncio.run(delete_topics(args.bootstrap, [topic]))
    print(f"files     {args.files} followed ({args.files * 10:,} events shipped in {shipped_s:.1f} s first), "
          f"window {args.window:.0f} s, no writes")
    base_cpu = after[sleeper.pid]["cpu_s"] - before[sleeper.pid]["cpu_s"]
    for name, p in (("baseline", sleeper), ("shipper", shipper)):
        cpu = after[p.pid]["cpu_s"] - before[p.pid]["cpu_s"]
        ratio = f"{cpu / base_cpu:6.1f}x" if base_cpu > 0 else "   n/a"
        print(f"{name:<9} CPU {cpu:6.2f} s / {args.window:.0f} s = {100 * cpu / args.window:5.2f} % of a core "
              f"({ratio} baseline)  RSS {after[p.pid]['rss_mib']:6.1f} MiB "
              f"({after[p.pid]['rss_mib'] / after[sleeper.pid]['rss_mib']:4.1f}x)  peak {after[p.pid]['hwm_mib']:6.1f} MiB"
              f"  fds {after[p.pid]['fds']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
