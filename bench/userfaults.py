"""A fault schedule of its own for the shipper, deployed as users deploy it: `logpipe ship
--config FILE` with `paths = ["DIR/*.log"]` and defaults, under the rotation schemes of
Python's logging, logback, log4j2 and logrotate, odd writers, and deployments (a redeploy
truncating its shell redirect, workers rotating one file each on its own, Docker's json-file
folders per container with `containers/*/*.log`, dated names); faults (kill -9, also in
the middle of a rotation, SIGTERM, the broker stopped and started, the shipper started
after the writing) at random moments. The whole events topic is compared line by line
with what was written.

    python3 bench/userfaults.py --seed 1 --minutes 10 [--schemes a,b] [--faults kill9,term]

Prints, per scheme and fault: records written, lines, lost (and lost in principle:
files deleted before the shipper could read them), doubled, split, merged. Exit 1 if
anything was lost, doubled, split or merged."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.userfaults.broker import own_broker  # noqa: E402
from bench.userfaults.report import print_header, print_segment, print_totals  # noqa: E402
from bench.userfaults.run import FAULTS, run_segment  # noqa: E402
from bench.userfaults.schemes_deploy import DatedNames, ShellRedirectRedeploy, WorkersRotating  # noqa: E402
from bench.userfaults.schemes_docker import DockerJsonFile  # noqa: E402
from bench.userfaults.schemes_kubelet import KubeletCri  # noqa: E402
from bench.userfaults.schemes_kubelet_restart import KubeletRestart, KubeletRestartCollected  # noqa: E402
from bench.userfaults.schemes_files import (Log4j2Gzip, LogbackSizeAndTime, LogrotateCopytruncate,  # noqa: E402
                                            LogrotateCreateCompress)
from bench.userfaults.schemes_python import PythonRotating, PythonTimed  # noqa: E402
from bench.userfaults.schemes_shapes import ChunkedWrites, DeletedUnread, ManySmallFiles  # noqa: E402

SCHEMES = {s.name: s for s in (PythonRotating, PythonTimed, LogbackSizeAndTime, Log4j2Gzip, LogrotateCopytruncate,
                               LogrotateCreateCompress, DeletedUnread, ManySmallFiles, ChunkedWrites, KubeletCri,
                               ShellRedirectRedeploy, WorkersRotating, DockerJsonFile, DatedNames, KubeletRestart,
                               KubeletRestartCollected)}
OVERHEAD_S = 25  # start, drain, the last restart and the read of one segment


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--schemes", default=",".join(SCHEMES))
    ap.add_argument("--faults", default=",".join(f for f in FAULTS if f != "none"))
    ap.add_argument("--rate", type=int, default=100, help="records a second")
    ap.add_argument("--bootstrap", help="an existing broker (unique topics; no broker fault) instead of a broker "
                    "of the run's own")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "userfaults")
    args = ap.parse_args()
    args.out = args.out.resolve()
    plan = [(SCHEMES[s], f) for f in args.faults.split(",") for s in args.schemes.split(",")]
    seconds = max(6.0, args.minutes * 60 / len(plan) - OVERHEAD_S)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"userfaults: seed {args.seed}, {len(plan)} segments of {seconds:.0f} s writing at {args.rate} records/s")
    segments = []
    if args.bootstrap and "broker" in args.faults.split(","):
        ap.error("the broker fault stops the run's own broker: leave --bootstrap out")
    async with (nullcontext() if args.bootstrap else own_broker(args.out)) as broker:
        bootstrap = args.bootstrap or broker.address
        print_header()
        for scheme, fault in plan:
            t0 = time.monotonic()
            seg = await run_segment(scheme, fault, args.seed, args.out, bootstrap, broker, seconds, args.rate)
            print_segment(seg, time.monotonic() - t0)
            segments.append(seg)
    return print_totals(segments)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
