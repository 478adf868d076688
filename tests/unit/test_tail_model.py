"""Model-based test of the tailer: random writes, rename-rotations, copytruncates,
deletions and restarts from checkpoint, checked against a model of what was written.

Invariant, after every step: for every file identity, the bytes delivered are
exactly the bytes written to it, contiguous and in order, nothing doubled; a file
rotated away, deleted or truncated got its final chunk. After a restart, the bytes
after the committed checkpoint are delivered again, at the same offsets.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.identity import fingerprint_of
from pipeline.tail.tailer import Chunk, Tailer, TailInput

NAMES = ("a.log", "b.log")
SYNC_TIMEOUT_S = 3.0
PIECES = st.one_of(st.binary(max_size=120), st.sampled_from([b"same first line\n", b"\n", b"x" * 700]))


@dataclass
class Segment:
    """What one file identity should hold: the content of an inode between truncations."""

    device: int
    inode: int
    content: bytearray = field(default_factory=bytearray)
    file_id: str | None = None  # the id the tailer must give it, once it has a first line
    closed: bool = False  # rotated away, deleted or truncated: a final chunk is due


class TailerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.root = Path(tempfile.mkdtemp(prefix="logpipe-model-"))
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.current: dict[str, Segment | None] = {name: None for name in NAMES}
        self.segments: list[Segment] = []
        self.generations: dict[str, int] = {}  # identity key -> identified segments so far
        self.delivered: dict[str, bytearray] = {}
        self.committed: dict[str, int] = {}
        self.finals: set[str] = set()
        self.moved = 0
        self.tailer = self.run(self.start_tailer())

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    async def start_tailer(self) -> Tailer:
        self.store = CheckpointStore(self.root / "cp.json")
        await self.store.load()
        tailer = Tailer([TailInput((str(self.logs / "*.log"),), "payments")], self.store,
                        max_chunk_bytes=64, release_after_idle_ms=0)
        await tailer.start()
        return tailer

    def teardown(self) -> None:
        try:
            self.run(asyncio.wait_for(self.tailer.stop(), SYNC_TIMEOUT_S))
        finally:
            self.loop.close()
            shutil.rmtree(self.root, ignore_errors=True)

    # -- actions -------------------------------------------------------------------
    @rule(name=st.sampled_from(NAMES), pieces=st.lists(PIECES, min_size=1, max_size=4))
    def write(self, name: str, pieces: list[bytes]) -> None:
        data = b"".join(pieces)
        with (self.logs / name).open("ab") as out:
            out.write(data)
            st_ = os.fstat(out.fileno())
        segment = self.current[name]
        if segment is None:
            segment = self.current[name] = Segment(st_.st_dev, st_.st_ino)
            self.segments.append(segment)
        segment.content += data

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES))
    def rotate(self, name: str) -> None:
        if self.current[name] is None:
            return
        self.moved += 1
        os.rename(self.logs / name, self.logs / f"{name}.{self.moved}")  # not matched by *.log
        self.close(name)

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES))
    def copytruncate(self, name: str) -> None:
        old = self.current[name]
        if old is None:
            return
        self.moved += 1
        shutil.copyfile(self.logs / name, self.logs / f"{name}.{self.moved}")
        os.truncate(self.logs / name, 0)
        self.close(name)
        self.current[name] = Segment(old.device, old.inode)
        self.segments.append(self.current[name])

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES))
    def delete(self, name: str) -> None:
        if self.current[name] is None:
            return
        (self.logs / name).unlink()
        self.close(name)

    @rule(fraction=st.floats(min_value=0, max_value=1))
    def restart_from_checkpoint(self, fraction: float) -> None:
        """Commit part of what was delivered, stop, and start a new tailer from disk."""
        self.restart(fraction)

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES), fraction=st.floats(min_value=0, max_value=1))
    def rotate_while_stopped(self, name: str, fraction: float) -> None:
        """logrotate runs while the shipper is down: the rest is still delivered."""
        self.restart(fraction, lambda: self.rotate(name))

    def restart(self, fraction: float, while_stopped=lambda: None) -> None:
        for segment in self.segments:
            file_id = segment.file_id
            if file_id is None:
                continue
            got = len(self.delivered[file_id])
            offset = got if segment.closed else max(self.committed.get(file_id, 0), int(got * fraction))
            self.run(self.store.commit(file_id, offset))
            self.committed[file_id] = offset
        self.run(self.store.flush())
        self.run(self.tailer.stop())
        for segment in self.segments:
            if segment.file_id is not None and not segment.closed:  # delivered again from the checkpoint
                del self.delivered[segment.file_id][self.committed[segment.file_id]:]
        while_stopped()
        self.tailer = self.run(self.start_tailer())

    def close(self, name: str) -> None:
        segment = self.current[name]
        segment.closed = True
        self.current[name] = None

    # -- checking ------------------------------------------------------------------
    def expect_ids(self) -> None:
        for segment in self.segments:
            if segment.file_id is not None or segment.closed:
                continue
            fingerprint = fingerprint_of(bytes(segment.content[:1024]))
            if fingerprint is None:
                continue
            key = f"{segment.device:x}-{segment.inode:x}-{fingerprint}"
            generation = self.generations.get(key, 0)
            self.generations[key] = generation + 1
            segment.file_id = f"{key}-g{generation}"
            self.delivered[segment.file_id] = bytearray()

    def take(self, chunk: Chunk) -> None:
        file_id = chunk.file.file_id
        assert file_id in self.delivered, f"chunk of an unexpected identity {file_id} at {chunk.offset}"
        assert file_id not in self.finals, "data after the final chunk"
        got = self.delivered[file_id]
        assert chunk.offset == len(got), f"{file_id}: chunk at {chunk.offset}, expected {len(got)}"
        got += chunk.data
        if chunk.final:
            self.finals.add(file_id)

    def satisfied(self) -> bool:
        for segment in self.segments:
            if segment.file_id is None:
                continue
            if self.delivered[segment.file_id] != segment.content:
                return False
            if segment.closed and segment.file_id not in self.finals:
                return False
            if not segment.closed and self.tailer.resume_offset(segment.file_id) is None:
                return False  # after a restart: not identified again yet
        return True

    @invariant()
    def every_written_byte_is_delivered_once(self) -> None:
        self.expect_ids()

        async def sync() -> None:
            deadline = time.monotonic() + SYNC_TIMEOUT_S
            while not self.satisfied():
                if time.monotonic() > deadline:
                    raise TimeoutError
                try:
                    self.take(await asyncio.wait_for(self.tailer.next_chunk(), 0.05))
                except TimeoutError:
                    continue  # next_chunk is cancellation-safe: nothing is lost

        try:
            self.run(sync())
        except TimeoutError:
            state = [(s.inode, s.file_id, len(s.content), s.closed,
                      len(self.delivered.get(s.file_id or "", b"")), s.file_id in self.finals)
                     for s in self.segments]
            raise AssertionError(f"not everything was delivered: {state}") from None


TailerMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_tailer_against_a_model = TailerMachine.TestCase
