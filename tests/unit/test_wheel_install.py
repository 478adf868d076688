"""The wheel alone is a working `logpipe`: built with `pip wheel`, installed into a fresh
virtual environment, run outside the checkout. The development stack's service files
ship as package data, so `logpipe stack status` of a stack that is not running prints
its table and exits 3 (a service is not up) instead of failing to find them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LOGPIPE_HOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the venv's bin directory, a working directory outside the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                  "-w", str(root / "dist"), str(REPO)], cwd=root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("logpipe-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipeline/stack/services/kafka/pom.xml" in names
    assert "pipeline/cli/__main__.py" in names and "parsers/sql/__init__.py" in names
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=root)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    put = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
               cwd=root)
    assert put.returncode == 0, put.stderr
    work = root / "elsewhere"
    work.mkdir()
    return bin_dir, work


def test_the_package_runs_from_the_venv_not_the_checkout(installed):
    bin_dir, work = installed
    where = _run([str(bin_dir / "python"), "-c", "import pipeline.stack.local as m; print(m.services_dir())"],
                 cwd=work)
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(bin_dir.parent))


def test_version(installed):
    bin_dir, work = installed
    out = _run([str(bin_dir / "logpipe"), "--version"], cwd=work)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "logpipe 0.1.0"


def test_stack_status_of_a_stack_that_is_not_running(installed, tmp_path):
    bin_dir, work = installed
    home = tmp_path / "home"
    out = _run([str(bin_dir / "logpipe"), "stack", "status", "--home", str(home),
                "--kafka-port", "39092", "--es-port", "39200"], cwd=work)
    assert out.returncode == 3, out.stdout + out.stderr
    assert "not found" not in out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["service", "version", "pid", "address", "health"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert set(rows) >= {"kafka", "elasticsearch"}
    assert all(row[-1] == "down" for row in rows.values())
    assert not (work / ".logpipe").exists()  # state under --home only
