"""Shared fixtures. Integration tests get a real Kafka and a real Elasticsearch:
`LOGPIPE_KAFKA` / `LOGPIPE_ES` when set, otherwise the project's own local stack
(`logpipe stack up`, which is idempotent)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.stack.ports import Reservation, listener, listening_pids, reserve_free

REPO = Path(__file__).resolve().parent.parent

# No per-example wall-clock deadline (hypothesis' default is 200 ms): a loaded 2-core CI
# machine stalls single examples. Speed is measured by the benches, not by property tests.
settings.register_profile("logpipe", deadline=None)
settings.load_profile("logpipe")


@pytest.fixture(scope="session")
def local_stack() -> dict[str, str]:
    kafka = os.environ.get("LOGPIPE_KAFKA")
    es = os.environ.get("LOGPIPE_ES")
    if not (kafka and es):
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "stack", "up"], cwd=REPO,
                              capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            pytest.fail(f"logpipe stack up failed:\n{proc.stdout}\n{proc.stderr}")
    return {"kafka": kafka or "127.0.0.1:9092", "es": es or "http://127.0.0.1:9200"}


@pytest.fixture(scope="session")
def kafka_bootstrap(local_stack: dict[str, str]) -> str:
    return local_stack["kafka"]


@pytest.fixture(scope="session")
def es_url(local_stack: dict[str, str]) -> str:
    return local_stack["es"]


@pytest.fixture
def unique_name() -> str:
    """A fresh name for a topic, index or consumer group, so tests never see each other's data."""
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def private_port() -> Iterator[Callable[[], int]]:
    """Ports for the servers a test starts (metrics endpoints, report pages, chromedriver) or
    keeps closed on purpose: free, and reserved for the test so that no other run is given
    them meanwhile (`pipeline.stack.ports`); released at teardown."""
    held: list[Reservation] = []

    def reserve() -> int:
        held.append(reserve_free())
        return held[-1].port

    yield reserve
    for reservation in held:
        reservation.release()


def assert_served_by(pid: int, port: int) -> None:
    """What answers on `port` is the server the test started (`pid`), not another run's."""
    pids = listening_pids(port)
    if pids is not None:  # None: this user may not see who listens
        assert pid in pids, f"port {port} is served by {listener(port)}, not by the process started for it ({pid})"
