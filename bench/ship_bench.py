"""Shipper benchmark: `logpipe ship` on the generated 2,000,000-event workload into a
fresh topic of the local broker, against baselines measured in the same run.

    python3 bench/ship_bench.py                       # 2,000,000 events, seed 1
    python3 bench/ship_bench.py --events 300000 --seed 11 --runs 3
    python3 bench/ship_bench.py --compression zstd --kcat-codecs gzip,zstd

Figures:
  baseline   read the file in 256 KiB chunks and split it into lines (`bytes.split`),
             in this process: the floor of any shipper that looks at every line;
  parse      the shipper's parse and encode (`Assembler.feed`, `encode_event`: `to_json`)
             of the file in this process, with no Kafka: the floor of the shipper;
  parse@gc   the same with the young generation collected as in `logpipe ship`
             (pipeline/cli/gc_pace.py), not at the interpreter's default;
  kcat       librdkafka's producer (`kcat -P -l`, idempotent, acks=all) sending the
             file's raw lines to a fresh 6-partition topic, once per codec of
             --kcat-codecs: what a C producer does with the same bytes, no parsing;
  ship       `python -m pipeline.cli ship` (a subprocess, as deployed: its bytecode
             compiled beforehand, as `pip install` does, even under
             PYTHONDONTWRITEBYTECODE) following the
             file, from its start until Kafka holds every event (sum of the topic's
             end offsets == the events the parse stage makes of the file, counted
             beforehand); events/s over that time, and also from the first record.
  CPU        of the shipper (utime + stime from /proc) and of kcat (rusage), and the
             shipper's CPU per event above each parse floor: its Kafka side, its
             start, its tailer and its loop; and the CPU of its main thread alone
             (the event loop: the parse, the sends), which bounds its pace while
             its other threads (file reads, the codec) run on another core;
  peak RSS   of the shipper process (VmHWM from /proc), while shipping.
The file is hard-linked (or copied) into a temp directory the config globs. The topics
(6 partitions) are deleted afterwards unless --keep. With --runs N, kcat and the
shipper run N times in turn, and the ratio ship / kcat is printed for each run and
as min / median / max: on a shared machine, only a ratio to a baseline of the same
run means something.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaConsumer  # noqa: E402

from bench.benchlib import (DEFAULT_GENERATOR, REPO, create_topic, delete_topics, follow_config, print_machine,  # noqa: E402
                            proc_cpu_s, proc_status_kib, topic_end_total, topic_records, workload)
from parsers.assemble import Assembler, Source  # noqa: E402
from pipeline.config.load import load_config, to_parse_options  # noqa: E402
from pipeline.cli.gc_pace import GC_GEN0_THRESHOLD  # noqa: E402
from sinks.codec import encode_event  # noqa: E402

CHUNK = 256 * 1024


def baseline(path: Path) -> tuple[float, int]:
    t0, lines = time.perf_counter(), 0
    with open(path, "rb") as f:
        tail = b""
        while chunk := f.read(CHUNK):
            parts = (tail + chunk).split(b"\n")
            tail = parts.pop()
            lines += len(parts)
    return time.perf_counter() - t0, lines + (1 if tail else 0)


def parse_encode(path: Path, cfg_path: Path, gc_gen0: int | None = None) -> tuple[float, float, int]:
    """Seconds (wall, CPU) to parse the file and encode its events as the shipper does (in this
    process), and how many events it makes: the shipper's floor before any Kafka work. With
    `gc_gen0`, the young generation is collected at that threshold meanwhile (the shipper's own)."""
    thresholds = gc.get_threshold()
    if gc_gen0:
        gc.set_threshold(gc_gen0, *thresholds[1:])
    try:
        return _parse_encode(path, cfg_path)
    finally:
        gc.set_threshold(*thresholds)


def _parse_encode(path: Path, cfg_path: Path) -> tuple[float, float, int]:
    cfg = load_config(str(cfg_path), os.environ, hostname="bench")
    asm = Assembler(to_parse_options(cfg, cfg.inputs[0]), Source("bench", "pay", str(path), "f"), 0)
    t0, cpu0, n, offset = time.perf_counter(), time.process_time(), 0, 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            for ev in asm.feed(chunk, offset, 0):
                encode_event(ev)
                n += 1
            offset += len(chunk)
    for ev in asm.finish(0):
        encode_event(ev)
        n += 1
    return time.perf_counter() - t0, time.process_time() - cpu0, n


async def kcat(path: Path, bootstrap: str, topic: str, codec: str) -> dict[str, float]:
    """`kcat -P -l` of the raw file into a fresh 6-partition topic; it exits once every line is acknowledged."""
    await create_topic(bootstrap, topic, partitions=6)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu_s = children.ru_utime + children.ru_stime
    t0 = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        "kcat", "-P", "-b", bootstrap, "-t", topic, "-z", codec, "-X", "enable.idempotence=true",
        "-X", "acks=all", "-l", str(path))
    if await proc.wait() != 0:
        sys.exit(f"kcat exited with {proc.returncode}")
    secs = time.monotonic() - t0
    cpu_s = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = cpu_s.ru_utime + cpu_s.ru_stime - children_cpu_s
    records = await topic_records(bootstrap, topic)
    return {"total_s": secs, "cpu_s": cpu_s, "records": records}


def write_config(tmp: Path, topic: str, bootstrap: str, compression: str | None) -> Path:
    tables = (REPO / "bench" / "workload.toml").read_text().split("[[tables]]", 1)[1]
    return follow_config(tmp, host="bench", bootstrap=bootstrap, timezone="Asia/Shanghai",
                         kafka=f'topic_events = "{topic}"\n' + (f'compression = "{compression}"' if compression else ""),
                         extra=f"[[tables]]{tables}")


def shipper_env(repo: Path, pycache: Path) -> dict[str, str]:
    """The environment of a shipper of `repo`: its bytecode cached under `pycache`, as an
    installed package has it, even where PYTHONDONTWRITEBYTECODE is set (else every start
    compiles the project's sources again: 0.2 s of CPU)."""
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONPYCACHEPREFIX=str(pycache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("LOGPIPE_KAFKA", None)
    return env


def build_native(repo: Path) -> None:
    """A source tree with the compiled core (`parsers/native`) but not its built module (an
    export of a commit, for --compare): builds it as `pip install` would, release profile."""
    crate = repo / "parsers" / "native"
    if not (crate / "Cargo.toml").is_file() or any((repo / "parsers").glob("_native*.so")):
        return
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=crate, check=True)
    shutil.copyfile(crate / "target" / "release" / "lib_native.so",
                    repo / "parsers" / f"_native{sysconfig.get_config_var('EXT_SUFFIX')}")


def compile_shipper(repo: Path, pycache: Path) -> None:
    """Writes the shipper's bytecode cache before any timed run (`pip install` does it at install)."""
    build_native(repo)
    subprocess.run([sys.executable, "-c", "import pipeline.cli.app as app; app.build_parser(); "
                    "import pipeline.cli.ship, pipeline.ship.shipper"], cwd=repo, env=shipper_env(repo, pycache),
                   check=True)


async def ship(cfg: Path, topic: str, bootstrap: str, expected: int, timeout_s: float,
               repo: Path = REPO) -> dict[str, float]:
    env = shipper_env(repo, cfg.parent / "pycache")
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli.app", "ship", "--config", str(cfg), "--quiet"],
                            cwd=cfg.parent, env=env, stdout=open(cfg.parent / "ship.log", "wb"),
                            stderr=subprocess.STDOUT)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    first = None
    peak_kib, cpu_s, main_cpu_s = 0, 0.0, 0.0
    try:
        while True:
            await asyncio.sleep(0.25)
            if proc.poll() is not None:
                sys.exit(f"the shipper exited with {proc.returncode}: see {cfg.parent / 'ship.log'}")
            peak_kib = proc_status_kib(proc.pid, "VmHWM")
            cpu_s, main_cpu_s = proc_cpu_s(proc.pid), proc_cpu_s(proc.pid, proc.pid)
            total = await topic_end_total(consumer, topic)
            if total and first is None:
                first = time.monotonic()
            if total >= expected:
                done = time.monotonic()
                break
            if time.monotonic() - t0 > timeout_s:
                sys.exit(f"only {total:,} of {expected:,} events in Kafka after {timeout_s:.0f}s")
    finally:
        await consumer.stop()
        proc.terminate()
        proc.wait(60)
    return {"total_s": done - t0, "from_first_s": done - (first or t0), "peak_mib": peak_kib / 1024, "cpu_s": cpu_s,
            "main_cpu_s": main_cpu_s, "records": total}


def one_run(args: argparse.Namespace, path: Path, tmp: Path, codecs: list[str], shippers: dict[str, Path],
            expected: int) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """kcat once per codec, then each shipper, each into a fresh topic; the topics are deleted after."""
    topics: list[str] = []
    try:
        k: dict[str, dict[str, float]] = {}
        for codec in codecs:
            topics.append(f"bench-kcat-{uuid.uuid4().hex[:10]}")
            k[codec] = asyncio.run(kcat(path, args.bootstrap, topics[-1], codec))
        r: dict[str, dict[str, float]] = {}
        for name, repo in shippers.items():
            topics.append(f"bench-ship-{uuid.uuid4().hex[:10]}")
            shutil.rmtree(tmp / "state", ignore_errors=True)  # each run ships the file from its start
            cfg = write_config(tmp, topics[-1], args.bootstrap, args.compression)
            r[name] = asyncio.run(ship(cfg, topics[-1], args.bootstrap, expected, args.timeout, repo))
    finally:
        if not args.keep:
            asyncio.run(delete_topics(args.bootstrap, topics))
    return k, r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workload", help="a log file to use instead of the generated one")
    ap.add_argument("--generator", default=str(DEFAULT_GENERATOR))
    ap.add_argument("--bootstrap", default=os.environ.get("LOGPIPE_KAFKA", "127.0.0.1:9092"))
    ap.add_argument("--compression", help="kafka.compression of the shipper (default: the config's default)")
    ap.add_argument("--kcat-codecs", default="gzip", help="comma-separated codecs of the kcat baselines")
    ap.add_argument("--compare", metavar="DIR", help="also run the shipper of the source tree DIR (e.g. an export "
                    "of another commit; its parsers/native is built if it has one), in the same runs, against the "
                    "same baselines")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--keep", action="store_true", help="keep the topics")
    args = ap.parse_args()
    path = workload(args.events, args.seed, args.generator, args.workload)
    size_mib = path.stat().st_size / 2**20
    codecs = [c for c in args.kcat_codecs.split(",") if c]
    shippers = {"ship": REPO, **({"ship@cmp": Path(args.compare).resolve()} if args.compare else {})}
    print_machine()
    print(f"workload  {path}  {size_mib:,.0f} MiB  shipper compression {args.compression or 'default'}"
          + (f"  ship@cmp: {shippers['ship@cmp']}" if args.compare else ""))
    ratios: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="ship-bench-") as d:
        tmp = Path(d)
        (tmp / "logs").mkdir()
        try:
            os.link(path, tmp / "logs" / "app.log")
        except OSError:
            shutil.copyfile(path, tmp / "logs" / "app.log")
        base_s, lines = baseline(path)
        floor_cfg = write_config(tmp, "unused", args.bootstrap, args.compression)
        parse_s, parse_cpu_s, expected = parse_encode(path, floor_cfg)
        gc_s, gc_cpu_s, _ = parse_encode(path, floor_cfg, GC_GEN0_THRESHOLD)
        base_eps = expected / base_s
        print(f"baseline  {base_s:7.2f} s  {size_mib / base_s:8,.1f} MiB/s  {base_eps:>10,.0f} events/s  "
              f"(read 256 KiB chunks + split into {lines:,} lines)")
        print(f"parse     {parse_s:7.2f} s  {size_mib / parse_s:8,.1f} MiB/s  {expected / parse_s:>10,.0f} events/s  "
              f"CPU {parse_cpu_s:.2f} s  (Assembler.feed + encode_event: the shipper's floor)")
        print(f"parse@gc  {gc_s:7.2f} s  {size_mib / gc_s:8,.1f} MiB/s  {expected / gc_s:>10,.0f} events/s  "
              f"CPU {gc_cpu_s:.2f} s  (the same, young generation collected every {GC_GEN0_THRESHOLD:,} "
              "allocations, as in `logpipe ship`)")
        for repo in shippers.values():
            compile_shipper(repo, tmp / "pycache")
        for run in range(1, args.runs + 1):
            k, results = one_run(args, path, tmp, codecs, shippers, expected)
            print(f"run {run}")
            for codec, kr in k.items():
                print(f"kcat {codec:<4} {kr['total_s']:7.2f} s  {size_mib / kr['total_s']:8,.1f} MiB/s  "
                      f"{lines / kr['total_s']:>10,.0f} lines/s  CPU {kr['cpu_s']:.2f} s  "
                      f"({kr['records']:,} records in Kafka)")
            for ship_name, r in results.items():
                for name, secs in ((ship_name, r["total_s"]), (ship_name + "*", r["from_first_s"])):
                    eps = expected / secs
                    print(f"{name:<9} {secs:7.2f} s  {size_mib / secs:8,.1f} MiB/s  {eps:>10,.0f} events/s  "
                          f"{eps / base_eps:6.3f}x baseline  ({expected:,} events; {r['records']:,} records in Kafka)")
                print(f"CPU       {ship_name} {r['cpu_s']:.2f} s ({(r['cpu_s'] - parse_cpu_s) * 1e6 / expected:.1f} "
                      f"us/event over the parse floor, {(r['cpu_s'] - gc_cpu_s) * 1e6 / expected:.1f} over parse@gc), "
                      f"{r['main_cpu_s']:.2f} s of it the main thread's; peak RSS {r['peak_mib']:,.0f} MiB (VmHWM)")
                for codec, kr in k.items():
                    ratios.setdefault((ship_name, codec), []).append(r["total_s"] / kr["total_s"])
                    print(f"ratio     {ship_name} / kcat {codec}: {ratios[ship_name, codec][-1]:.2f}x")
    print("          (ship: from process start; ship*: from the first record in Kafka)")
    for (ship_name, codec), values in ratios.items():
        values.sort()
        print(f"{ship_name} / kcat {codec} over {len(values)} run(s): min {values[0]:.2f}x  "
              f"median {values[len(values) // 2]:.2f}x  max {values[-1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
