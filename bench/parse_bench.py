"""Parse-stage benchmark: the `Assembler` over the generated workload, against a
baseline measured in the same run.

    python3 bench/parse_bench.py                      # 2,000,000 events, seed 1
    python3 bench/parse_bench.py --events 200000 --profile

The workload is `bench/out/workload-<N>-<SEED>.log`, generated with
`../shared/bench/gen_workload.py` (relative to the repo; `--generator`) when missing.
Its table lines need table specs: they are in `bench/workload.toml`, loaded with the
config loader like any config.

Figures, each on the same bytes, one core:
  baseline   a plain Python loop over the file's lines applying one precompiled regex
             (the logback prefix) to each: the floor any line-by-line parser pays;
  assemble   `Assembler.feed` on 256 KiB chunks + `finish`: the pipeline's parse stage;
  +encode    the same plus `to_json()` of every event (the compiled ECS writer), the shipper's
             encoding, which follows the parse stage in `pipeline/ship/shipper.py`.
Peak RSS is the process's maximum resident set (getrusage) after all runs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import re
import resource
import subprocess
import sys
import time
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from parsers.assemble import Assembler, Source  # noqa: E402
from pipeline.config.load import load_config, to_parse_options  # noqa: E402

CHUNK_BYTES = 256 * 1024
BASELINE_RX = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[([^\]]*)\] (\w+)\s+(\S+) - (.*)")


def workload(args: argparse.Namespace) -> Path:
    path = Path(args.workload) if args.workload else REPO / "bench" / "out" / f"workload-{args.events}-{args.seed}.log"
    if not path.exists():
        gen = Path(args.generator)
        if not gen.is_file():
            sys.exit(f"parse_bench: no workload at {path} and no generator at {gen} (--generator)")
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ({args.events:,} events, seed {args.seed}) ...", file=sys.stderr)
        subprocess.run([sys.executable, str(gen), str(path), str(args.events), str(args.seed),
                        "--truth", str(path.with_suffix(".truth.json"))], check=True, stdout=subprocess.DEVNULL)
    return path


def run_baseline(path: Path) -> tuple[float, int]:
    t0, lines = time.perf_counter(), 0
    match = BASELINE_RX.match
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            match(line)
            lines += 1
    return time.perf_counter() - t0, lines


def run_assemble(path: Path, options, encode: bool) -> tuple[float, int]:
    asm = Assembler(options, Source("bench", "pay", str(path), "bench-file"), 0)
    n, offset, now_ms = 0, 0, int(time.time() * 1000)
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            events = asm.feed(chunk, offset, now_ms)
            offset += len(chunk)
            n += len(events)
            if encode:
                for ev in events:
                    ev.to_json()
        events = asm.finish(now_ms)
        n += len(events)
        if encode:
            for ev in events:
                ev.to_json()
    return time.perf_counter() - t0, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workload", help="a log file to use instead of the generated one")
    ap.add_argument("--generator", default=str(REPO.parent / "shared" / "bench" / "gen_workload.py"))
    ap.add_argument("--config", default=str(REPO / "bench" / "workload.toml"))
    ap.add_argument("--profile", action="store_true", help="cProfile the assemble run, print the top 25")
    ap.add_argument("--gc-threshold", type=int, help="generation-0 GC threshold (default: the interpreter's, "
                    "700); `logpipe scan` runs with 100000")
    args = ap.parse_args()
    if args.gc_threshold:
        gc.set_threshold(args.gc_threshold, *gc.get_threshold()[1:])
    path = workload(args)
    cfg = load_config(args.config, os.environ, hostname="bench")
    options = to_parse_options(cfg, cfg.inputs[0] if cfg.inputs else None)
    size_mib = path.stat().st_size / 2**20
    print(f"workload  {path}  {size_mib:,.0f} MiB  python {sys.version.split()[0]}  gc {gc.get_threshold()}")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(run_assemble, path, options, False)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return 0
    base_s, lines = run_baseline(path)
    asm_s, events = run_assemble(path, options, False)
    enc_s, _ = run_assemble(path, options, True)
    base_eps = events / base_s
    print(f"baseline  {base_s:7.2f} s  {lines / base_s:>12,.0f} lines/s  {base_eps:>10,.0f} events/s  "
          f"(one regex per line, {lines:,} lines)")
    for name, secs in (("assemble", asm_s), ("+encode", enc_s)):
        eps = events / secs
        print(f"{name:<9} {secs:7.2f} s  {size_mib / secs:>8,.1f} MiB/s  {eps:>10,.0f} events/s  "
              f"{eps / base_eps:5.2f}x baseline  ({events:,} events)")
    print(f"peak RSS  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
