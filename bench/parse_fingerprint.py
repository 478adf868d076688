"""Behaviour fingerprint of the parse stage: one SHA-256 per input over every event's
ECS document, in order. A change meant to be a pure speed-up must leave every line of
this script's output unchanged.

    python3 bench/parse_fingerprint.py              # prints `<hash>  <case>` per case

Cases, each with a constant read time (`now_ms`) so `event.created` is fixed:
  workload/256k     the generated 200,000-event workload (`bench/workload.toml`), 256 KiB chunks
  workload/4093     the same in 4,093-byte chunks (lines and records cut anywhere)
  <sample>/file     each file of `samples/logs/` with its input's options (`samples/logpipe.toml`),
                    read whole
  <sample>/4093     the same in 4,093-byte chunks
  <sample>/1021+poll  1,021-byte chunks with an idle poll between chunks (the flush timeout
                    closing pending records)
  <sample>/auto     format and multiline `auto`, as `logpipe scan` reads, 4,093-byte chunks
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import os
import sys
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.benchlib import DEFAULT_GENERATOR, workload  # noqa: E402
from parsers.assemble import Assembler, Source  # noqa: E402
from pipeline.config.load import load_config, service_of, to_parse_options  # noqa: E402

NOW_MS = 1_790_000_000_123  # a fixed read time: event.created never varies between runs
WORKLOAD_EVENTS = 200_000


def fingerprint(path: Path, options, service: str, chunk_bytes: int, poll: bool = False) -> tuple[str, int]:
    """(SHA-256 over the sorted-key JSON of every event, events) for `path` fed in chunks."""
    asm = Assembler(options, Source("fp-host", service, str(path), "fp-file"), 0)
    digest, n, offset, now_ms = hashlib.sha256(), 0, 0, NOW_MS
    dumps, sort = orjson.dumps, orjson.OPT_SORT_KEYS

    def take(events) -> None:
        nonlocal n
        for ev in events:
            digest.update(dumps(ev.to_ecs(), option=sort))
            digest.update(b"\n")
            n += 1

    with open(path, "rb") as f:
        while chunk := f.read(chunk_bytes):
            take(asm.feed(chunk, offset, now_ms))
            offset += len(chunk)
            if poll:
                now_ms += 2_000  # past flush_after_ms: the pending record closes
                take(asm.poll(now_ms))
        take(asm.finish(now_ms))
    return digest.hexdigest(), n


def sample_inputs(cfg) -> list[tuple[Path, object]]:
    """(file, its input) for every file of samples/logs/ an input of the config matches."""
    out = []
    for inp in cfg.inputs:
        for pattern in inp.paths:
            for name in sorted(Path(pattern).parent.glob(Path(pattern).name)):
                if not any(fnmatch.fnmatch(name.name, ex) for ex in inp.exclude):
                    out.append((name, inp))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", default=str(DEFAULT_GENERATOR))
    ap.add_argument("--skip-workload", action="store_true", help="the samples only (a few seconds)")
    args = ap.parse_args()
    cases: list[tuple[str, tuple[str, int]]] = []
    if not args.skip_workload:
        path = workload(WORKLOAD_EVENTS, 1, args.generator)
        cfg = load_config(str(REPO / "bench" / "workload.toml"), os.environ, hostname="fp-host")
        options = to_parse_options(cfg, cfg.inputs[0])
        cases.append(("workload/256k", fingerprint(path, options, "pay", 256 * 1024)))
        cases.append(("workload/4093", fingerprint(path, options, "pay", 4093)))
    cfg = load_config(str(REPO / "samples" / "logpipe.toml"), {}, hostname="fp-host")
    auto = to_parse_options(cfg, None)
    for path, inp in sample_inputs(cfg):
        options, service, name = to_parse_options(cfg, inp), service_of(cfg, inp), path.stem
        cases.append((f"{name}/file", fingerprint(path, options, service, 1 << 30)))
        cases.append((f"{name}/4093", fingerprint(path, options, service, 4093)))
        cases.append((f"{name}/1021+poll", fingerprint(path, options, service, 1021, poll=True)))
        cases.append((f"{name}/auto", fingerprint(path, auto, service, 4093)))
    for name, (digest, n) in cases:
        print(f"{digest}  {n:>7}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
