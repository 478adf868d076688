"""Bring the real-world log corpus onto this machine: every source of `manifest.json`.

Sources whose licence allows redistribution are committed under `logs/<source>/`; the
others are listed in the manifest only (repository, commit, path, byte range, sha256)
and fetched here from their repository at that commit:

    python3 bench/realworld/collect.py                 # fetch what is missing, over https
    python3 bench/realworld/collect.py --check         # only verify, fetch nothing
    python3 bench/realworld/collect.py --git-root DIR  # read from local clones DIR/<owner>+<name>

Every file is checked against its sha256; a source that cannot be had (no network, the
repository is gone, the bytes differ) is named in the report and the exit code is 1.
Uncollected sources are skipped by the scorer, which lists them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
LOGS = HERE / "logs"
RAW_URL = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"
GIT_URL = "https://github.com/{repo}.git"


def load_manifest() -> list[dict]:
    with open(MANIFEST, encoding="utf-8") as f:
        return json.load(f)["sources"]


def local_path(src: dict) -> Path:
    return LOGS / src["name"] / src["file"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def present(src: dict) -> bool:
    """The source's bytes are on disk and match the manifest."""
    p = local_path(src)
    return p.is_file() and sha256(p.read_bytes()) == src["sha256"]


def _from_git_dir(git_dir: str, src: dict) -> bytes:
    out = subprocess.run(["git", "-C", git_dir, "show", f"{src['commit']}:{src['path']}"],
                         capture_output=True, check=True)
    return out.stdout


def _from_local_clone(root: Path, src: dict) -> bytes:
    base = root / src["repository"].replace("/", "+")
    for cand in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (cand / "HEAD").is_file() or (cand / ".git").exists():
            return _from_git_dir(str(cand), src)
    raise FileNotFoundError(f"no clone of {src['repository']} under {root}")


def _from_network(src: dict) -> bytes:
    url = RAW_URL.format(repo=src["repository"], commit=src["commit"], path=src["path"])
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - fixed https URL
            return resp.read()
    except OSError as exc:  # fall back to git, which some proxies allow when raw files are not
        print(f"  {src['name']}: {url}: {exc}; trying git", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "init", "-q", tmp], check=True)
        subprocess.run(["git", "-C", tmp, "fetch", "-q", "--depth", "1",
                        GIT_URL.format(repo=src["repository"]), src["commit"]],
                       check=True, capture_output=True, timeout=600)
        return _from_git_dir(tmp, src)


def collect(src: dict, git_root: Path | None) -> str | None:
    """Fetch one source; None when done, else why not."""
    try:
        data = _from_local_clone(git_root, src) if git_root else _from_network(src)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot fetch {src['repository']}@{src['commit'][:12]}:{src['path']}: {exc}"
    start, end = src["bytes"]
    part = data[start:end]
    if sha256(part) != src["sha256"]:
        return f"sha256 differs for bytes {start}..{end} of {src['path']} ({len(data)} bytes fetched)"
    p = local_path(src)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".part")
    tmp.write_bytes(part)
    os.replace(tmp, p)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="verify only, fetch nothing")
    ap.add_argument("--git-root", type=Path, help="folder of local clones named <owner>+<name>")
    ap.add_argument("--source", action="append", help="only this source (repeatable)")
    args = ap.parse_args(argv)
    missing: list[tuple[str, str]] = []
    ok = 0
    for src in load_manifest():
        if args.source and src["name"] not in args.source:
            continue
        if present(src):
            ok += 1
            continue
        why = "not collected" if args.check else collect(src, args.git_root)
        if why is not None and src["committed"]:
            why = f"committed file absent or changed (git checkout it); {why}"
        if why is None:
            ok += 1
            print(f"collected {src['name']}")
        else:
            missing.append((src["name"], why))
    print(f"{ok} sources present, {len(missing)} missing")
    for name, why in missing:
        print(f"  MISSING {name}: {why}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
