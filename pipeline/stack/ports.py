"""Ports for private services (test brokers and nodes, the chaos run's stack), reserved for
one run so that two runs on one machine never share one.

A port is handed out when the OS lets this process bind it (nothing listens on it, on any
address) and this process holds its reservation: an exclusive `flock` on
`<lock dir>/<port>.lock`. The lock is held until `release()` or the holder's exit (the
kernel drops it with the process, so a crashed run leaves nothing to clean up), across the
service's stops and starts: while a test's broker is down another run can bind the port,
but no run that reserves its ports here is given it.

Candidates lie below the OS's ephemeral range (`ip_local_port_range`), not at `bind(0)`'s
choice: these brokers are stopped and started again mid-test, and while one is down any
client socket, its own shipper's connection attempts included (TCP self-connect), may be
given a port of the ephemeral range.
"""

from __future__ import annotations

import errno
import fcntl
import os
import random
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

LOCK_DIR_ENV = "LOGPIPE_PORT_LOCKS"
DEFAULT_LOCK_DIR = Path("/tmp/logpipe-ports")  # one folder for every run, whatever its TMPDIR
FIRST_PORT = 20000  # above the fixed ports of the shared stack (9092-9094, 9200, 9300) and chaos (19092...)
ATTEMPTS = 500


class PortsUnavailable(RuntimeError):
    """The ports cannot be reserved: another run holds them, or something listens on them."""


def lock_dir() -> Path:
    return Path(os.environ.get(LOCK_DIR_ENV) or DEFAULT_LOCK_DIR)


def ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def candidate_bases(offsets: Sequence[int]) -> range:
    """Base ports whose every `base + offset` lies below the ephemeral range."""
    low, _ = ephemeral_range()
    last = low - 1 - max(offsets)
    if last < FIRST_PORT:
        raise PortsUnavailable(f"the ephemeral range starts at {low}: no room below it for private services' ports")
    return range(FIRST_PORT, last + 1)


def bindable(port: int, *, reuse_addr: bool = False) -> bool:
    """The OS lets this process bind `port` on every address (IPv4, and IPv6 when there is
    one): nothing listens there and, unless `reuse_addr` (as servers bind), no connection
    lingers on it (TIME_WAIT)."""
    families = [(socket.AF_INET, "")] + ([(socket.AF_INET6, "::")] if socket.has_ipv6 else [])
    for family, host in families:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                if reuse_addr:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((host, port))
        except OSError as exc:
            if family == socket.AF_INET6 and exc.errno in (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL):
                continue  # no IPv6 on this machine
            return False
    return True


def holder(port: int, directory: Path | None = None) -> str:
    """Who holds (or last held) the reservation of `port`, as its lock file says."""
    try:
        return (((directory or lock_dir()) / f"{port}.lock").read_text().strip()) or "another process"
    except OSError:
        return "another process"


def hold(path: Path) -> int | None:
    """An fd holding the exclusive lock of `path` (made if missing, its holder's pid written
    in it), or None when another open file holds it: in another process, or in this one."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        fd = os.open(path, os.O_RDONLY)  # another user's file: a lock needs no write access
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
    except OSError:
        pass  # a read-only fd: the holder is not named, the lock holds all the same
    return fd


def _lock(port: int, directory: Path) -> int | None:
    directory.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(directory, 0o1777)  # every user's runs share it, as /tmp
    except PermissionError:
        pass  # made by another user, who opened it up already
    return hold(directory / f"{port}.lock")


@dataclass
class Reservation:
    """Ports held for this run until `release()` (or the end of a `with` block)."""
    ports: tuple[int, ...]
    _fds: list[int] = field(default_factory=list, repr=False)

    @property
    def port(self) -> int:
        return self.ports[0]

    def release(self) -> None:
        fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)  # closing the only fd of the lock drops it; the file stays (see _lock)

    def __enter__(self) -> "Reservation":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _take(ports: Sequence[int], directory: Path) -> Reservation | int:
    """The reservation of all `ports`, or the first port another run holds."""
    held = Reservation(tuple(ports))
    for port in ports:
        fd = _lock(port, directory)
        if fd is None:
            held.release()
            return port
        held._fds.append(fd)
    return held


def reserve_free(offsets: Sequence[int] = (0,), *, bases: Sequence[int] | None = None,
                 directory: Path | None = None) -> Reservation:
    """Ports `base + offset` for a base chosen at random (or the first fit of `bases`, in their
    order), all free to bind and reserved for this run, e.g. `(0, 1)` for a broker and its
    controller."""
    directory = directory or lock_dir()
    pool = list(bases) if bases is not None else candidate_bases(offsets)
    rng = random.Random(os.urandom(16))  # not the test run's seeded `random`: two runs must not draw alike
    tries = min(ATTEMPTS, len(pool))
    for base in rng.sample(pool, tries) if bases is None else pool:
        ports = [base + off for off in offsets]
        if not all(bindable(p) for p in ports):
            continue
        got = _take(ports, directory)
        if isinstance(got, int):
            continue
        if all(bindable(p) for p in ports):  # bound meanwhile by someone outside the reservations
            return got
        got.release()
    raise PortsUnavailable(f"no free ports at offsets {list(offsets)} after {tries} tries (reservations in {directory})")


def reserve_exact(ports: Sequence[int], *, directory: Path | None = None) -> Reservation:
    """These very ports reserved for this run; whether something listens on them is the
    caller's question (its own leftovers may)."""
    directory = directory or lock_dir()
    got = _take(ports, directory)
    if isinstance(got, int):
        raise PortsUnavailable(f"port {got} is reserved already, by {holder(got, directory)}")
    return got


def listening_pids(port: int) -> set[int] | None:
    """The processes listening on `port` (any address), or None when this user may not see them."""
    import psutil

    try:
        conns = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        return None
    return {c.pid for c in conns if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
            and c.pid is not None}


def listener(port: int) -> str:
    """The process listening on `port`, as a message names it."""
    import psutil

    pids = listening_pids(port)
    if not pids:
        return "a process this user may not inspect" if not bindable(port, reuse_addr=True) else "nothing"
    pid = min(pids)
    try:
        return f"pid {pid} ({' '.join(psutil.Process(pid).cmdline())[:200]})"
    except psutil.Error:
        return f"pid {pid}"
