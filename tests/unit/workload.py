"""The workload generator's sample, assembled into records, for parser tests.

The generator is looked up at `$LOGPIPE_GEN_WORKLOAD`, `samples/gen_workload.py` or
`../shared/bench/gen_workload.py` beside the checkout (where the benchmarks find it);
tests that need it are skipped when it is in none of these places.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.multiline import Multiline, RawRecord
from parsers.options import Bounds
from parsers.prefix.layouts import compile_format

REPO = Path(__file__).resolve().parents[2]


def generator() -> Path | None:
    env = os.environ.get("LOGPIPE_GEN_WORKLOAD")
    for candidate in ([Path(env)] if env else []) + [REPO / "samples" / "gen_workload.py",
                                                     REPO.parent / "shared" / "bench" / "gen_workload.py"]:
        if candidate.is_file():
            return candidate
    return None


def sample(tmp: Path, events: int = 20000, seed: int = 1) -> tuple[list[RawRecord], dict]:
    """Records of a generated log (logback layout, java dialect) and the generator's truth."""
    gen = generator()
    if gen is None:
        pytest.skip("workload generator not found ($LOGPIPE_GEN_WORKLOAD, samples/ or ../shared/bench/)")
    log, truth = tmp / f"w{seed}.log", tmp / f"w{seed}.json"
    subprocess.run([sys.executable, str(gen), str(log), str(events), str(seed), "--truth", str(truth)],
                   check=True, capture_output=True)
    parser, ml, records, offset = compile_format("logback", "Asia/Shanghai"), Multiline("java", Bounds()), [], 0
    with log.open("rb") as f:
        for raw in f:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            rec = ml.push(line, parser.parse(line), offset, offset + len(raw), 0)
            offset += len(raw)
            if rec is not None:
                records.append(rec)
    last = ml.finish()
    return records + ([last] if last else []), json.loads(truth.read_text(encoding="utf-8"))
