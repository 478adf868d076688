"""Fixtures of the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """An empty `logs` folder in the test's temp directory (what `tail_support.make_tailer` globs)."""
    path = tmp_path / "logs"
    path.mkdir()
    return path
