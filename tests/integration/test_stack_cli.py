"""`logpipe stack status` reports both services up with their versions."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_stack_status_shows_both_services_up_with_versions(local_stack):
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "stack", "status"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    kafka = next(line for line in out.stdout.splitlines() if line.startswith("kafka"))
    es = next(line for line in out.stdout.splitlines() if line.startswith("elasticsearch"))
    assert re.search(r"\b4\.\d+\.\d+\b.*127\.0\.0\.1:9092\s+up$", kafka), kafka
    assert re.search(r"\b9\.\d+\.\d+\b.*http://127\.0\.0\.1:9200\s+(green|yellow)$", es), es


def test_stack_up_is_idempotent_when_already_running(local_stack):
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "stack", "up"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "127.0.0.1:9092" in out.stdout and "ready in" in out.stdout


def test_stack_status_shows_the_sasl_ssl_listener_up_with_its_users_set(local_stack):
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "stack", "status"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    secure = next(line for line in out.stdout.splitlines() if line.startswith("kafka-sasl_ssl"))
    assert re.search(r"127\.0\.0\.1:9094\s+up$", secure), secure
