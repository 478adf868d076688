"""Ports of private services (`pipeline.stack.ports`): two fixtures of one run, or two runs
on one machine, are never given the same port, not even while nothing listens on it (a
broker stopped mid-test); a port something listens on is never handed out; a reservation
ends with the process that held it.

Each test draws from a pool of eight ports this run holds in the machine-wide reservations
(so no other run's test uses them), with reservations of its own in a temp folder."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.stack.ports import (FIRST_PORT, PortsUnavailable, bindable, candidate_bases, ephemeral_range,
                                  reserve_exact, reserve_free)
from tests.conftest import REPO

ANOTHER_RUN = """
import sys, time
from pathlib import Path
from pipeline.stack.ports import reserve_free
folder, bases, count = Path(sys.argv[1]), [int(p) for p in sys.argv[2].split(",")], int(sys.argv[3])
held = [reserve_free(bases=bases, directory=folder) for _ in range(count)]
print(",".join(str(r.port) for r in held), flush=True)
time.sleep(120)
"""


@pytest.fixture
def pool() -> Iterator[list[int]]:
    with reserve_free(tuple(range(8))) as block:
        yield list(block.ports)


@pytest.fixture
def another_run(tmp_path: Path, pool: list[int]) -> Iterator:
    """Starts another process that reserves `count` ports of the pool (the first free ones,
    in the pool's order, as this run would) and holds them; returns (process, its ports)."""
    procs: list[subprocess.Popen] = []

    def start(count: int) -> tuple[subprocess.Popen, list[int]]:
        proc = subprocess.Popen([sys.executable, "-c", ANOTHER_RUN, str(tmp_path / "locks"), ",".join(map(str, pool)),
                                 str(count)], cwd=REPO, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        line = proc.stdout.readline().strip()
        assert line, "the other run reserved nothing"
        return proc, [int(p) for p in line.split(",")]

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def test_two_fixtures_of_one_run_and_another_run_never_get_the_same_port(tmp_path, pool, another_run):
    _, theirs = another_run(3)
    locks = tmp_path / "locks"
    first = reserve_free(bases=pool, directory=locks)
    second = reserve_free(bases=pool, directory=locks)
    ours = [first.port, second.port]
    assert len(set(theirs) | set(ours)) == 5, f"another run holds {theirs}, this one got {ours}"
    rest = [reserve_free(bases=pool, directory=locks).port for _ in range(3)]
    assert sorted(theirs + ours + rest) == sorted(pool)
    with pytest.raises(PortsUnavailable, match="no free ports"):
        reserve_free(bases=pool, directory=locks)


def test_a_reserved_port_is_refused_by_name_of_its_holder_until_the_holder_ends(tmp_path, pool, another_run):
    proc, theirs = another_run(1)
    with pytest.raises(PortsUnavailable, match=f"port {theirs[0]} is reserved already, by pid {proc.pid}"):
        reserve_exact(theirs, directory=tmp_path / "locks")
    proc.kill()  # as a run killed -9 ends: the kernel drops its reservations with it
    proc.wait()
    with reserve_exact(theirs, directory=tmp_path / "locks") as mine:
        assert mine.ports == tuple(theirs)


def test_a_released_port_can_be_reserved_again(tmp_path, pool):
    first = reserve_free(bases=pool[:1], directory=tmp_path)
    with pytest.raises(PortsUnavailable):
        reserve_free(bases=pool[:1], directory=tmp_path)
    first.release()
    assert reserve_free(bases=pool[:1], directory=tmp_path).port == pool[0]


@pytest.mark.parametrize("family, host", [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "0.0.0.0"),
                                          (socket.AF_INET6, "::ffff:127.0.0.1"), (socket.AF_INET6, "::1")])
def test_a_port_something_listens_on_is_never_handed_out(tmp_path, pool, family, host):
    """Whatever the address it listens on (Java's brokers show as ::ffff:127.0.0.1)."""
    with socket.socket(family, socket.SOCK_STREAM) as foreign:
        foreign.bind((host, pool[0]))
        foreign.listen()
        assert not bindable(pool[0]) and not bindable(pool[0], reuse_addr=True)
        assert reserve_free(bases=pool[:2], directory=tmp_path).port == pool[1]
        with pytest.raises(PortsUnavailable):
            reserve_free(bases=pool[:1], directory=tmp_path)


def test_several_ports_of_one_reservation_are_all_free_and_held(tmp_path, pool):
    """A broker's client and controller ports: a base whose second port is taken is passed over."""
    with socket.socket() as foreign:
        foreign.bind(("127.0.0.1", pool[1]))
        foreign.listen()
        got = reserve_free((0, 1), bases=pool[:3], directory=tmp_path)
    assert got.ports == (pool[2], pool[3])
    with pytest.raises(PortsUnavailable):
        reserve_exact([pool[3]], directory=tmp_path)


def test_candidates_lie_between_the_fixed_ports_and_the_ephemeral_range():
    """Above the shared stack's and the chaos run's fixed ports; below the range the OS gives
    client sockets, so none takes a port while its broker is down."""
    low, _ = ephemeral_range()
    bases = candidate_bases((0, 100))
    assert bases[0] == FIRST_PORT > 19300 and bases[-1] + 100 < low
