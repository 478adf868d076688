"""The atheris harness of the parse stage (`bench/fuzz_parse.py`) runs for 30 s in the
normal suite, seeded with the assembler's golden logs, and must exit 0 (no exception,
no broken invariant). Skipped when atheris is not installed (it is in the `test` extra)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytest.importorskip("atheris")

SEEDS = REPO / "tests" / "unit" / "data" / "assemble"


def test_the_parse_stage_survives_30_seconds_of_coverage_guided_fuzzing(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus, ignore=shutil.ignore_patterns("*.jsonl", "*.toml"))
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "fuzz_parse.py"), str(corpus), "-max_total_time=30",
         "-max_len=8192", "-rss_limit_mb=2048", "-timeout=10", f"-artifact_prefix={tmp_path}/"],
        cwd=tmp_path, capture_output=True, text=True, timeout=180)
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert proc.returncode == 0, f"{crashes}\n{proc.stderr[-4000:]}"
    assert "Done" in proc.stderr and not crashes
