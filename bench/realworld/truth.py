"""Write the ground truth of every collected real-world source: `truth/<source>.json`.

    python3 bench/realworld/truth.py [--source NAME] [--no-fingerprint]

Independent of the parser by construction: this file and its rules (`truth_rules.py`,
`truth_sql.py`) import nothing from `parsers/` or `pipeline/`. The rules are applied,
then `truth/<source>.overrides.json` (written after reading the file by hand) drops,
patches or adds entries where the rules are wrong. SQL fingerprints are Percona's
`pt-fingerprint --query` answers; without it they stay null and the run says so.

Overrides file: {"note": "...", "traces"|"sql"|"timings": {"drop": [key...],
"patch": {"key": {field: value}}, "add": [entry...]}} where the key of a trace is its
first_line, of an SQL entry its first line, of a timing its line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import truth_rules  # noqa: E402
import truth_sql  # noqa: E402
import truth_stderr  # noqa: E402
import truth_structured  # noqa: E402
from collect import load_manifest, local_path, present  # noqa: E402

TRUTH = HERE / "truth"
KEYS = {"traces": lambda e: e["first_line"], "sql": lambda e: e["lines"][0], "timings": lambda e: e["line"]}


def split_lines(data: bytes) -> list[str]:
    """The file's lines as text, 1:1 with its b"\\n"-separated lines (a last line without \\n counts).
    A line that is not UTF-8 but is GB18030 (a JVM in a Chinese locale on Windows or macOS:
    Tomcat's `信息:`/`严重:`) is read as GB18030; anything else keeps UTF-8 with replacements."""
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    return [_decode(p).rstrip("\r") for p in parts]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def rules(lines: list[str]) -> dict:
    lines = truth_rules.strip_wrapper_prefix(truth_rules.strip_compose_prefix(lines))
    traces = sorted(truth_rules.java_traces(lines) + truth_rules.python_traces(lines)
                    + truth_structured.json_traces(lines) + truth_stderr.stderr_traces(lines),
                    key=lambda t: t["first_line"])
    sql = sorted(truth_sql.druid(lines) + truth_sql.mybatis(lines) + truth_sql.p6spy(lines)
                 + truth_sql.django(lines) + truth_sql.hibernate(lines) + truth_sql.sqlalchemy(lines)
                 + truth_structured.json_sql(lines),
                 key=lambda s: s["lines"][0])
    sql_lines = {n for s in sql for n in s["lines"]}
    return {"traces": traces, "sql": sql, "timings": truth_sql.timings(lines, sql_lines)}


def drop_trace_timings(truth: dict) -> None:
    """A timing line inside a trace is the trace's text; the traces are the final ones
    (overrides applied), so a trace the plain rule ran on too far hides no timing."""
    trace_lines = {n for t in truth["traces"] for n in range(t["first_line"], t["last_line"] + 1)}
    truth["timings"] = [t for t in truth["timings"] if t["line"] not in trace_lines]


def apply_overrides(truth: dict, overrides: dict) -> None:
    for kind, key in KEYS.items():
        ov = overrides.get(kind)
        if not ov:
            continue
        drop = set(ov.get("drop", []))
        patch = {int(k): v for k, v in ov.get("patch", {}).items()}
        kept = []
        for e in truth[kind]:
            if key(e) in drop:
                continue
            e.update(patch.get(key(e), {}))
            kept.append(e)
        kept.extend(ov.get("add", []))
        truth[kind] = sorted(kept, key=key)


class Fingerprints:
    """pt-fingerprint answers, asked once per distinct statement."""

    def __init__(self, enabled: bool) -> None:
        self.tool = shutil.which("pt-fingerprint") if enabled else None
        self.cache: dict[str, str | None] = {}

    def __call__(self, statement: str) -> str | None:
        if self.tool is None:
            return None
        if statement not in self.cache:
            # pt-fingerprint 3.2.1 exits 1 even when it prints the answer: judge by its output
            out = subprocess.run([self.tool, "--query", statement], capture_output=True, text=True)
            answer = out.stdout.rstrip("\n")
            if not answer:
                print(f"pt-fingerprint gave nothing (exit {out.returncode}) for {statement[:80]!r}: "
                      f"{out.stderr.strip()}", file=sys.stderr)
            self.cache[statement] = answer or None
        return self.cache[statement]


def build(src: dict, fp: Fingerprints) -> dict:
    data = local_path(src).read_bytes()
    lines = split_lines(data)
    truth = rules(lines)
    ov_path = TRUTH / f"{src['name']}.overrides.json"
    overrides = json.loads(ov_path.read_text(encoding="utf-8")) if ov_path.exists() else {}
    apply_overrides(truth, overrides)
    drop_trace_timings(truth)
    for s in truth["sql"]:
        s["fingerprint"] = fp(s["statement"])
    return {"source": src["name"], "family": src["family"], "sha256": hashlib.sha256(data).hexdigest(),
            "lines": len(lines), "has_exceptions": bool(truth["traces"]),
            "fingerprint_tool": "pt-fingerprint" if fp.tool else None,
            "overrides": ov_path.name if ov_path.exists() else None, **truth}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", action="append")
    ap.add_argument("--no-fingerprint", action="store_true")
    args = ap.parse_args(argv)
    fp = Fingerprints(not args.no_fingerprint)
    if fp.tool is None:
        print("pt-fingerprint not found (Debian: apt-get install percona-toolkit): fingerprints stay null",
              file=sys.stderr)
    TRUTH.mkdir(exist_ok=True)
    for src in load_manifest():
        if args.source and src["name"] not in args.source:
            continue
        if not present(src):
            print(f"skip {src['name']}: not collected (bench/realworld/collect.py)")
            continue
        t = build(src, fp)
        (TRUTH / f"{src['name']}.json").write_text(json.dumps(t, indent=1, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
        print(f"{src['name']:28} traces {len(t['traces']):4}  sql {len(t['sql']):4}  timings {len(t['timings']):4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
