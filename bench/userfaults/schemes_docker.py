"""Docker's `json-file` logging driver with `max-size` and `max-file=3`: the daemon writes
what a container prints to `containers/ID/ID-json.log`, one JSON object a printed line
(`{"log":"...\\n","stream":"stdout","time":"..."}`); past max-size it closes the file,
deletes `ID-json.log.2`, renames `.1` to `.2` and `ID-json.log` to `.1`, and creates a new
`ID-json.log`. The user follows `containers/*/*.log`. Every 250-500 records a new container
starts and the old one stops (up to 30 records of both in between); `docker rm` deletes the
stopped container's folder 50-150 records later."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from bench.userfaults.records import Record
from bench.userfaults.schemes_deploy import _OwnFates
from bench.userfaults.scheme import formatted


class _Container:
    def __init__(self, scheme: "DockerJsonFile", cid: str) -> None:
        self.scheme, self.cid = scheme, cid
        self.folder = scheme.root / cid
        self.folder.mkdir()
        self.live = self.folder / f"{cid}-json.log"
        self.out = self._open()

    def _open(self) -> IO:
        return self.scheme.create(self.live, "w")  # O_CREAT|O_TRUNC, as the daemon opens it

    def write(self, record: Record, max_bytes: int, max_files: int) -> None:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        data = "".join(json.dumps({"log": line + "\n", "stream": "stdout", "time": now}, ensure_ascii=False) + "\n"
                       for line in formatted(record)[:-1].split("\n"))
        if self.out.tell() > 0 and self.out.tell() + len(data.encode()) >= max_bytes:
            self.rotate(max_files)
        self.out.write(data)
        self.out.flush()
        self.scheme.wrote_to(record, self.live, self.out)

    def rotate(self, max_files: int) -> None:
        self.out.close()
        last = self.folder / f"{self.cid}-json.log.{max_files - 1}"
        if last.exists():
            last.unlink()
        for i in range(max_files - 1, 1, -1):
            src = self.folder / f"{self.cid}-json.log.{i - 1}"
            if src.exists():
                os.rename(src, self.folder / f"{self.cid}-json.log.{i}")
        os.rename(self.live, self.folder / f"{self.cid}-json.log.1")
        self.scheme.rotations += 1
        self.scheme.rotation_step(f"renamed {self.cid[:6]}-json.log -> .1")
        self.out = self._open()


class DockerJsonFile(_OwnFates):
    name = "docker_json"
    paths_glob = "containers/*/*.log"

    def __init__(self, folder: Path, rng, max_files: int = 3) -> None:
        self.root = folder / "containers"
        self.root.mkdir()
        super().__init__(folder, rng)
        self.max_files = max_files
        self.started = 0
        self.running: list[_Container] = []
        self.stopped: list[tuple[_Container, int]] = []  # and the record count at which it is removed
        self._start()
        self.next_start = self.rng.randint(250, 500)
        self.old_stops_in = -1

    def folders(self) -> list[Path]:
        return [self.root, *(p for p in self.root.iterdir() if p.is_dir())] if self.root.exists() else []

    def _start(self) -> None:
        self.started += 1
        cid = f"{self.started:04x}" + "c0ffee" * 10
        self.running.append(_Container(self, cid))
        self.rotation_step(f"started container {cid[:6]}")

    def write(self, record: Record) -> None:
        n = record.number
        if n == self.next_start:
            self._start()
            self.next_start = n + self.rng.randint(250, 500)
            self.old_stops_in = self.rng.randint(0, 30)
        container = self.rng.choice(self.running)
        container.write(record, self.rotate_bytes, self.max_files)
        if self.old_stops_in == 0 and len(self.running) > 1:
            old = self.running.pop(0)
            old.out.close()
            self.stopped.append((old, n + self.rng.randint(50, 150)))
            self.rotation_step(f"stopped container {old.cid[:6]}")
        self.old_stops_in -= 1
        for old, at in [s for s in self.stopped if s[1] <= n]:
            shutil.rmtree(old.folder)
            self.stopped.remove((old, at))
            self.rotation_step(f"removed container {old.cid[:6]}")

    def close(self) -> None:
        for c in self.running:
            c.out.close()
