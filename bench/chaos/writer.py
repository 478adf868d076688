"""The applications under test: numbered logback lines into several files per host, with
rotation (rename and copytruncate alternating) and multi-line Java ERROR events from a
fixed set of throw sites, written by one thread at a steady rate.

On `narrow_hosts` the shipper's glob matches the live files only (`app-*.log`, not the
rotated `app-0.log.3`), the most common configuration. Each of their files rotates one
way, as a deployment configures it: by rename (logback) or by rename then gzip (the
rotated file replaced by `app-1.log.3.gz` at once, as Spring Boot's default rollover
does). `rotate_now()` rotates them at once, so a run can have a generation born and
rotated away while Kafka is down. (copytruncate with copies no glob names is covered by
the tailer's tests; several copytruncates of one file within one outage are a documented
limit.)

Sequence number `s` goes to file `s % len(files)`; every event's first line carries
`seq=NNNNNNNNN`. The writer keeps a manifest of which seqs went to which file
generation and how that generation was rotated, so a loss or a duplicate can be
placed precisely.
"""

from __future__ import annotations

import gzip
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SEQ_PATTERN = r"seq=(\d{9})"
NARROW_ROTATIONS = ("rename", "rename+gzip")  # by file number, on narrow hosts


def signature_of(k: int) -> str:
    """The throw site of signature number `k` (distinct types and frames per k)."""
    return (f"com.fpay.chaos.Channel{k}Exception: channel {k} refused the request\n"
            f"\tat com.fpay.chaos.route{k}.Gateway{k}.call(Gateway{k}.java:{40 + k})\n"
            f"\tat com.fpay.chaos.route{k}.Router{k}.dispatch(Router{k}.java:{17 + k})\n"
            f"\tat com.fpay.pay.PayService.pay(PayService.java:88)\n"
            f"\tat java.base/java.lang.Thread.run(Thread.java:840)\n"
            f"Caused by: java.net.SocketTimeoutException: Read timed out after {k}s\n"
            f"\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n"
            f"\tat com.fpay.chaos.route{k}.Gateway{k}.read(Gateway{k}.java:{90 + k})\n"
            f"\t... 3 more\n")


@dataclass(frozen=True)
class Plan:
    events: int
    files_per_host: int = 4
    hosts: tuple[str, ...] = ("a", "b")
    rotate_every: int = 50_000  # events per file generation
    signatures: int = 12
    rate_per_s: float = 4000.0
    narrow_hosts: tuple[str, ...] = ("b",)  # their globs do not match rotated names

    @property
    def nfiles(self) -> int:
        return self.files_per_host * len(self.hosts)

    @property
    def error_every(self) -> int:
        return max(50, self.events // 2000)

    def signature_at(self, seq: int) -> int | None:
        """Signature number of the ERROR event at `seq`, or None for an INFO line. Signature k is
        introduced at k/K of the run (its first ERROR event after that uses it), so first sightings
        are spread over the chaos; later ERROR events cycle over the signatures introduced so far."""
        if seq % self.error_every != self.error_every // 2:
            return None
        newest = min(self.signatures, 1 + seq * self.signatures // self.events) - 1
        if seq - self.error_every < newest * self.events // self.signatures:
            return newest
        return (seq // self.error_every) % (newest + 1)

    def signatures_used(self) -> set[int]:
        return {k for s in range(self.error_every // 2, self.events, self.error_every)
                if (k := self.signature_at(s)) is not None}


def render(seq: int, sig: int | None, now: datetime) -> str:
    ts = now.strftime("%Y-%m-%d %H:%M:%S.") + f"{now.microsecond // 1000:03d}"
    if sig is None:
        return (f"{ts} [http-nio-8080-exec-{seq % 7}] INFO  c.f.pay.OrderService - seq={seq:09d} "
                f"订单号=ord_{seq:09d} paid in {seq % 97}ms\n")
    return (f"{ts} [pay-worker-{seq % 5}] ERROR c.f.pay.PayService - seq={seq:09d} payment failed "
            f"订单号=ord_{seq:09d}\n" + signature_of(sig))


@dataclass
class Generation:
    file: str  # live path
    number: int  # 0 = first content of the file
    first_seq: int
    last_seq: int = -1
    rotated_as: str = ""  # "", "rename", "copytruncate"
    rotated_to: str = ""
    rotated_at_s: float = -1.0  # seconds after the first write
    on_request: bool = False  # rotated by rotate_now() (during a Kafka outage)
    born_on_request: bool = False  # begun by a rotate_now() rotation

    @property
    def born_and_rotated_on_request(self) -> bool:
        """Born, written and rotated away while Kafka was down."""
        return self.born_on_request and self.on_request


@dataclass
class Manifest:
    generations: list[Generation] = field(default_factory=list)

    def where(self, seq: int, nfiles: int) -> Generation | None:
        for g in self.generations:
            if g.first_seq <= seq <= (g.last_seq if g.last_seq >= 0 else 1 << 62) and (seq - g.first_seq) % nfiles == 0:
                return g
        return None


def _open(path: Path) -> int:
    """O_APPEND, unbuffered: each write(2) lands whole at the end, after a copytruncate at 0."""
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


class Writer(threading.Thread):
    def __init__(self, logs_dir: Path, plan: Plan) -> None:
        super().__init__(daemon=True, name="chaos-writer")
        self.plan = plan
        self.paths = [logs_dir / h / f"app-{i}.log" for h in plan.hosts for i in range(plan.files_per_host)]
        self.narrow = [h in plan.narrow_hosts for h in plan.hosts for _ in range(plan.files_per_host)]
        self._rotate_requests: set[int] = set()
        self._requests_lock = threading.Lock()
        self.manifest = Manifest()
        self.written = 0
        self.rotations = {"rename": 0, "copytruncate": 0, "rename+gzip": 0, "rename during a Kafka outage": 0}
        self.error: BaseException | None = None
        self.stop_requested = threading.Event()
        self.started = time.monotonic()

    def rotate_now(self) -> int:
        """Asks the writer to rotate (rename) every file of the narrow hosts before its next
        write; returns how many files that is. Thread-safe."""
        with self._requests_lock:
            self._rotate_requests |= {i for i, narrow in enumerate(self.narrow) if narrow}
            return len(self._rotate_requests)

    def _requested(self, in_gen: list[int]) -> list[int]:
        """Files asked to rotate that hold at least one event (an empty file is not a generation)."""
        with self._requests_lock:
            due = [i for i in self._rotate_requests if in_gen[i] > 0]
            self._rotate_requests -= set(due)
        return due

    def run(self) -> None:
        try:
            self._write()
        except BaseException as exc:  # surfaced by the run through .error
            self.error = exc

    def _write(self) -> None:
        plan, n = self.plan, self.plan.nfiles
        for p in self.paths:
            p.parent.mkdir(parents=True, exist_ok=True)
        handles = [_open(p) for p in self.paths]
        current = [Generation(str(p), 0, i) for i, p in enumerate(self.paths)]
        self.manifest.generations.extend(current)
        in_gen = [0] * n
        batch = max(n, int(plan.rate_per_s / 50))  # 50 writes a second
        started = self.started = time.monotonic()
        seq = 0
        try:
            while seq < plan.events and not self.stop_requested.is_set():
                now = datetime.now(timezone.utc)
                end = min(plan.events, seq + batch)
                chunks: list[list[str]] = [[] for _ in range(n)]
                for s in range(seq, end):
                    chunks[s % n].append(render(s, plan.signature_at(s), now))
                for i in self._requested(in_gen):
                    handles[i] = self._rotate(i, handles[i], current, in_gen, on_request=True)
                for i, lines in enumerate(chunks):
                    while lines:  # whole events in one write(2), up to the rotation point
                        take = min(len(lines), plan.rotate_every - in_gen[i])
                        os.write(handles[i], "".join(lines[:take]).encode())
                        lines, in_gen[i] = lines[take:], in_gen[i] + take
                        if in_gen[i] == plan.rotate_every:
                            handles[i] = self._rotate(i, handles[i], current, in_gen)
                for i in range(n):
                    last = end - 1 - ((end - 1 - i) % n)
                    if last >= current[i].first_seq:
                        current[i].last_seq = last
                seq = end
                self.written = seq
                ahead = seq / plan.rate_per_s - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
        finally:
            for h in handles:
                os.close(h)

    def _rotate(self, i: int, handle: int, current: list[Generation], in_gen: list[int],
                on_request: bool = False) -> int:
        gen = current[i]
        gen.last_seq = gen.first_seq + (in_gen[i] - 1) * self.plan.nfiles
        number = gen.number + 1
        path = self.paths[i]
        rotated = path.with_name(f"{path.name}.{number}")
        if self.narrow[i]:  # one way per file, as a deployment configures it, also during outages
            kind = NARROW_ROTATIONS[i % len(NARROW_ROTATIONS)]
        else:
            kind = "rename" if (number + i) % 2 == 1 else "copytruncate"
        gen.rotated_as, gen.rotated_to, gen.on_request = kind, str(rotated), on_request
        gen.rotated_at_s = time.monotonic() - self.started
        if kind in ("rename", "rename+gzip"):
            os.rename(path, rotated)
            os.close(handle)
            handle = _open(path)
            if kind == "rename+gzip":  # compressed at once; the uncompressed generation is gone
                with open(rotated, "rb") as src, gzip.open(f"{rotated}.gz", "wb", compresslevel=1) as gz:
                    shutil.copyfileobj(src, gz)
                os.unlink(rotated)
                gen.rotated_to = f"{rotated}.gz"
        else:  # as logrotate's copytruncate: the application keeps its descriptor
            shutil.copyfile(path, rotated)
            os.truncate(path, 0)
        self.rotations["rename during a Kafka outage" if on_request else kind] += 1
        in_gen[i] = 0
        nxt = Generation(str(path), number, gen.last_seq + self.plan.nfiles, born_on_request=on_request)
        current[i] = nxt
        self.manifest.generations.append(nxt)
        return handle
