"""SQL and timing lines of the committed real-world sources (`bench/realworld/`), read with
no configuration: Druid, p6spy (3.x and 1.x spy.log), Spring Boot and RuoYi start-up and
request timings, Surefire's `Time elapsed`. A change that misses them, loses their
durations or changes the fingerprint of a statement fails here; `python3 bench/realworld.py`
prints the same figures for every collected source."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# macro over the committed sources; timing_ok is held lower because Surefire's
# `Tests run: ... Time elapsed` lines of junit-jscep-surefire join the records before them
LEAST = {"sql_detected": 0.99, "sql_duration_ok": 0.99, "fingerprint_ok": 0.99, "timing_ok": 0.85}
# every timing line of these sources carries its duration
ALL_TIMINGS = ("ruoyi-cruelsummer-info", "springboot-goya-console", "springboot-achobeta-console",
               "springboot-datagateway-iot", "junit-sffs-maven")


@pytest.fixture(scope="module")
def report() -> dict:
    spec = importlib.util.spec_from_file_location("realworld_bench", ROOT / "bench" / "realworld.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    committed = [s["name"] for s in bench.load_manifest() if s["committed"]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench.main(["--json"] + [a for n in committed for a in ("--source", n)]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("measure,least", sorted(LEAST.items()))
def test_sql_and_timing_lines_of_real_logs_are_found_with_their_durations(report, measure, least):
    got = report["macro"][measure]
    assert got is not None and got >= least, (measure, got, {
        r["source"]: r[measure] for r in report["sources"] if r[measure][1] and r[measure][0] < r[measure][1]})


@pytest.mark.parametrize("source", ALL_TIMINGS)
def test_start_up_request_and_test_timings_all_carry_their_duration(report, source):
    row = next(r for r in report["sources"] if r["source"] == source)
    found, total = row["timing_ok"]
    assert total > 0 and found == total
