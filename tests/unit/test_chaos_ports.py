"""The chaos run's private stack keeps its fixed ports (19092/19200 by default) but holds them
for itself: a second run on the same ports or in the same home stops at once with a
message, and a service listening on its ports that the run did not start is refused, never
used. No service is started here: the ports stay empty or hold a plain listening socket."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bench.chaos.services import PrivateStack, ServicesUnavailable
from pipeline.stack.ports import reserve_exact, reserve_free
from tests.conftest import REPO


@pytest.fixture
def fixed_ports() -> Iterator[tuple[int, int]]:
    """A Kafka and an Elasticsearch port as a user would pass them (their +1 and +100 free too),
    found free and let go, so the stack reserves them itself."""
    block = reserve_free((0, 1, 200, 300))
    block.release()
    yield block.ports[0], block.ports[2]


async def test_a_second_run_on_the_same_ports_stops_with_a_message_until_the_first_ends(tmp_path, fixed_ports):
    kafka_port, es_port = fixed_ports
    first = PrivateStack.at(tmp_path / "a", kafka_port, es_port)
    try:
        assert first.ports == (kafka_port, kafka_port + 1, es_port, es_port + 100)
        with pytest.raises(ServicesUnavailable, match=f"port {kafka_port} is reserved already.*another chaos run"):
            PrivateStack.at(tmp_path / "b", kafka_port, es_port)
        with pytest.raises(ServicesUnavailable, match=f"port {es_port} is reserved already.*--es-port"):
            PrivateStack.at(tmp_path / "b", 0, es_port)
    finally:
        first.release()
    PrivateStack.at(tmp_path / "b", kafka_port, es_port).release()


async def test_a_second_run_in_the_same_home_stops_with_a_message(tmp_path):
    first = PrivateStack.at(tmp_path, 0, 0, home_name="services")
    try:
        with pytest.raises(ServicesUnavailable, match=r"services is in use by another chaos run \(pid "):
            PrivateStack.at(tmp_path, 0, 0, home_name="services")
    finally:
        first.release()


@pytest.mark.parametrize("which", [0, 1, 2, 3])
async def test_a_service_on_its_ports_that_the_run_did_not_start_is_refused(tmp_path, fixed_ports, which):
    """Whichever of the four ports it holds (client, controller, HTTP, transport)."""
    stack = PrivateStack.at(tmp_path, *fixed_ports)
    try:
        port = stack.ports[which]
        with socket.socket() as foreign:
            foreign.bind(("127.0.0.1", port))
            foreign.listen()
            with pytest.raises(ServicesUnavailable, match=f"port {port} is taken by .*which this chaos run did not "
                                                          "start"):
                await stack.claim()
        await stack.claim()  # gone: the ports are the run's
    finally:
        stack.release()


def test_the_command_exits_2_with_the_message_when_its_ports_are_another_runs(fixed_ports):
    kafka_port, es_port = fixed_ports
    holder = reserve_exact([kafka_port, kafka_port + 1])
    try:
        out = subprocess.run([sys.executable, "bench/chaos.py", "--events", "10", "--kafka-port", str(kafka_port),
                              "--es-port", str(es_port)], cwd=REPO, capture_output=True, text=True, timeout=120)
    finally:
        holder.release()
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"chaos: port {kafka_port} is reserved already" in out.stderr and "Traceback" not in out.stderr
