"""`logpipe scan` end to end on files: report figures against the workload generator's
truth, `--json`, `--events`, `--fail-on`, `.gz`, directories, stdin, samples/.

The fixture `data/scan/workload-500-7.log` is the generator's output for 500 events,
seed 7, with its truth file beside it; a 3,000-event workload is generated on the fly
when the generator is around (`$LOGPIPE_GEN_WORKLOAD`, or ../shared/bench/).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.cli.app import main

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "scan"
LOG, TRUTH = DATA / "workload-500-7.log", DATA / "workload-500-7.truth.json"
CONFIG = REPO / "bench" / "workload.toml"
KIND_OF_CATEGORY = {"ordinary": "line", "table": "table", "sql": "sql", "timing": "method", "error": "exception"}


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def report_of(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code, out, err = scan(capsys, "--config", str(CONFIG), "--json", *args)
    assert code == 0, err
    return json.loads(out)


def assert_matches_truth(report: dict, truth: dict) -> None:
    assert report["totals"]["events"] == truth["events"]
    assert report["kinds"] == {KIND_OF_CATEGORY[c]: n for c, n in truth["categories"].items() if n}
    assert report["levels"] == {level: n for level, n in truth["levels"].items() if n}
    expected = sorted(s["count"] for s in truth["error_signatures"] if s["count"])
    assert len(report["signatures"]) <= 30
    assert sorted(s["count"] for s in report["signatures"]) == expected
    by_type = Counter()
    for s in truth["error_signatures"]:
        by_type[s["exception"]] += s["count"]
    got_by_type = Counter()
    for s in report["signatures"]:
        got_by_type[s["error_type"]] += s["count"]
    assert +got_by_type == +by_type


def test_report_figures_equal_the_generators_truth(capsys: pytest.CaptureFixture[str]) -> None:
    assert_matches_truth(report_of(capsys, str(LOG)), json.loads(TRUTH.read_text()))


def test_report_on_a_generated_3000_event_workload_equals_its_truth(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gen = Path(os.environ.get("LOGPIPE_GEN_WORKLOAD") or REPO.parent / "shared" / "bench" / "gen_workload.py")
    if not gen.is_file():
        pytest.skip("workload generator not found ($LOGPIPE_GEN_WORKLOAD or ../shared/bench/gen_workload.py)")
    log, truth = tmp_path / "w.log", tmp_path / "w.json"
    subprocess.run([sys.executable, str(gen), str(log), "3000", "1", "--truth", str(truth)], check=True,
                   capture_output=True)
    assert_matches_truth(report_of(capsys, str(log)), json.loads(truth.read_text()))


def test_json_report_has_every_section_sorted_worst_first(capsys: pytest.CaptureFixture[str]) -> None:
    report = report_of(capsys, str(LOG))
    assert {"report", "version", "totals", "kinds", "levels", "files", "signatures", "sql", "methods", "tables",
            "masked", "flags", "overflow"} <= set(report)
    counts = [s["count"] for s in report["signatures"]]
    assert counts == sorted(counts, reverse=True)
    sig = report["signatures"][0]
    assert sig["top_frames"] and sig["first_seen"] <= sig["last_seen"] and len(sig["signature"]) == 16
    assert all(r["max_ms"] >= r["p95_ms"] >= 0 and r["count"] > 0 for r in report["sql"] + report["methods"])
    assert {t["name"] for t in report["tables"]} <= {"order", "notify", "risk", "refund", "settle"}
    assert sum(t["rows"] for t in report["tables"]) == report["kinds"]["table"]


def test_events_prints_one_json_object_per_event(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, "--config", str(CONFIG), "--events", str(LOG))
    docs = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(docs) == json.loads(TRUTH.read_text())["events"]
    assert len({d["event"]["id"] for d in docs}) == len(docs)
    assert docs[0]["log"]["offset"] == 0 and docs[-1]["logpipe"]["end_offset"] == LOG.stat().st_size


def test_fail_on_new_signature_compares_with_a_baseline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, _ = scan(capsys, "--config", str(CONFIG), "--json", "--baseline-out", str(baseline), str(LOG))
    assert code == 0
    hashes = json.loads(baseline.read_text())
    assert scan(capsys, "--config", str(CONFIG), "--fail-on", f"new-signature:{baseline}", str(LOG))[0] == 0
    baseline.write_text(json.dumps(hashes[1:]))
    code, _, err = scan(capsys, "--config", str(CONFIG), "--fail-on", f"new-signature:{baseline}", str(LOG))
    assert code == 1 and hashes[0] in err
    report = tmp_path / "report.json"
    report.write_text(json.dumps(report_of(capsys, str(LOG))))
    assert scan(capsys, "--config", str(CONFIG), "--fail-on", f"new-signature:{report}", str(LOG))[0] == 0


def test_fail_on_slow_sql_exits_1_when_a_statement_took_that_long(capsys: pytest.CaptureFixture[str]) -> None:
    slowest = max(r["max_ms"] for r in report_of(capsys, str(LOG))["sql"])
    assert scan(capsys, "--config", str(CONFIG), "--fail-on", f"slow-sql:{slowest}", str(LOG))[0] == 1
    assert scan(capsys, "--config", str(CONFIG), "--fail-on", f"slow-sql:{slowest + 1}", str(LOG))[0] == 0
    code, _, err = scan(capsys, "--config", str(CONFIG), "--fail-on", "slow-sql:1", "--fail-on",
                        f"slow-sql:{slowest + 1}", str(LOG))
    assert code == 1 and "took >= 1 ms" in err


def test_gz_input_gives_the_same_report_as_the_plain_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gz = tmp_path / "app.log.1.gz"
    gz.write_bytes(gzip.compress(LOG.read_bytes()))
    plain, packed = report_of(capsys, str(LOG)), report_of(capsys, str(gz))
    for key in ("kinds", "levels", "signatures", "sql", "methods", "tables"):
        if key == "signatures":
            for s in packed[key] + plain[key]:
                s.pop("sample")
        assert packed[key] == plain[key], key
    assert packed["totals"]["bytes"] == LOG.stat().st_size


def test_a_directory_is_walked_for_log_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(LOG, tmp_path / "a" / "one.log")
    shutil.copy(LOG, tmp_path / "a" / "b" / "two.log.2026-11-26")
    shutil.copy(LOG, tmp_path / "a" / "b" / "catalina.out")
    shutil.copy(LOG, tmp_path / "a" / "catalina.out.2026-11-26")
    (tmp_path / "a" / "notes.txt").write_text("not a log\n")
    (tmp_path / "a" / "today.json").write_text('{"report": "not a log"}\n')
    (tmp_path / "a" / "logback.xml").write_text("<configuration/>\n")
    report = report_of(capsys, str(tmp_path / "a"))
    assert sorted(Path(f["path"]).name for f in report["files"]) == [
        "catalina.out", "catalina.out.2026-11-26", "one.log", "two.log.2026-11-26"]
    assert report["totals"]["events"] == 4 * json.loads(TRUTH.read_text())["events"]


def test_stdin_is_read_with_a_dash(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LOG.read_bytes())))
    report = report_of(capsys, "-")
    assert report["totals"]["events"] == json.loads(TRUTH.read_text())["events"]


def test_a_missing_file_is_a_usage_error_that_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = scan(capsys, str(LOG), "/no/such/file.log")
    assert code == 2 and "/no/such/file.log" in err


def test_the_samples_scan_cleanly_with_their_config(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = scan(capsys, "--config", str(REPO / "samples" / "logpipe.toml"), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["totals"]["files"] >= 4 and report["kinds"].get("exception", 0) > 0
    assert {f["service"] for f in report["files"]} >= {"pay-gateway", "order-service", "account-service",
                                                      "settlement-job"}
    assert not any(k.startswith("parse_error") for k in report["flags"])


def test_the_text_report_names_the_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, "--config", str(CONFIG), str(LOG))
    assert code == 0
    for title in ("Events by kind", "Events by level", "Exception signatures", "SQL by fingerprint",
                  "Slowest methods", "Table-format lines", "Masked values"):
        assert title in out


def test_a_truncated_gz_reports_what_it_holds_and_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gz = tmp_path / "cut.log.gz"
    gz.write_bytes(gzip.compress(LOG.read_bytes())[:15000])
    code, out, err = scan(capsys, "--config", str(CONFIG), "--json", str(gz))
    report = json.loads(out)
    assert code == 2 and "cut.log.gz" in err
    assert report["flags"] == {"read_error": 1} and report["totals"]["events"] > 100


def test_without_a_config_a_time_only_file_gets_its_date_from_its_name_and_its_service_from_its_folder(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./logpipe.toml here
    logs = tmp_path / "ruoyi-admin" / "logs"
    logs.mkdir(parents=True)
    path = logs / "sys-error.2019-01-02.log"
    path.write_text("10:15:30.456 [http-nio-8080-exec-2] ERROR c.r.f.w.e.GlobalExceptionHandler - boom\n"
                    "java.lang.NullPointerException: null\n\tat com.ruoyi.A.b(A.java:1)\n", encoding="utf-8")
    code, out, _ = scan(capsys, "--events", str(path))
    docs = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(docs) == 1
    assert docs[0]["@timestamp"].startswith("2019-01-02T10:15:30.456")
    assert docs[0]["service"]["name"] == "ruoyi-admin"
    assert docs[0]["error"]["type"] == "java.lang.NullPointerException"
