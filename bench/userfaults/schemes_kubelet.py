"""A container on Kubernetes: the runtime writes what the application prints to
`pods/NS_POD_UID/CONTAINER/0.log` in CRI format, one envelope a printed line; the user
follows the kubelet's links `logs/POD_NS_CONTAINER-ID.log` with `*.log`; the kubelet
rotates the target beside itself (`0.log` -> `0.log.<stamp>`, the runtime reopens a new
`0.log` a moment later), compresses every rotated file but the newest
(`0.log.<stamp>.gz`, through `.gz.tmp`) and keeps `max_files` in all."""

from __future__ import annotations

import gzip
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.userfaults.records import Record
from bench.userfaults.scheme import Scheme, formatted

CONTAINER_ID = "7d9f" * 16


class KubeletCri(Scheme):
    name = "kubelet_cri"

    def __init__(self, folder: Path, rng, max_files: int = 5) -> None:
        pods = folder.parent / "pods" / "default_pay-7d9f_uid" / "pay"
        pods.mkdir(parents=True)
        super().__init__(pods, rng)  # the generations live (and are looked for) in the pod's folder
        self.max_files = max_files
        self.live = pods / "0.log"
        os.symlink(self.live, folder / f"pay-7d9f_default_pay-{CONTAINER_ID}.log")
        self.stamp = datetime(2026, 12, 2, 7, 0, 0, tzinfo=timezone.utc)
        self.late_writes = 0
        self._open()

    def _open(self) -> None:
        self.out = open(self.live, "a", encoding="utf-8")
        self.new_generation(self.live)

    def write(self, record: Record) -> None:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.out.write("".join(f"{now} stdout F {line}\n" for line in formatted(record)[:-1].split("\n")))
        self.out.flush()
        if self.late_writes > 0:  # the runtime has not reopened yet: the record lands in the renamed file
            self.wrote(record, self.rotated[-1])
            self.late_writes -= 1
            if self.late_writes == 0:
                self.out.close()
                self._open()
            return
        self.wrote(record, self.live)
        if self.out.tell() >= self.rotate_bytes:
            self.rotations += 1
            self.rotate()
            self.sweep()

    @property
    def rotated(self) -> list[Path]:
        prefix = self.live.name + "."  # this container's rotations (`0.log.<stamp>`)
        return sorted(p for p in self.folder.iterdir() if p.name.startswith(prefix) and not p.name.endswith(".tmp"))

    def rotate(self) -> None:
        self.stamp += timedelta(seconds=10)
        target = self.folder / f"{self.live.name}.{self.stamp:%Y%m%d-%H%M%S}"
        for old in self.rotated:  # all but the newest rotated file are compressed
            if not old.name.endswith(".gz"):
                self._compress(old)
        os.rename(self.live, target)
        self.rotation_step(f"renamed {self.live.name} -> {target.name}")
        self.late_writes = self.rng.randint(0, 3)
        if self.late_writes == 0:
            self.out.close()
            self._open()
        else:
            self.live.touch()  # the runtime's new file, written once it reopens
        rotated = self.rotated
        for old in rotated[:max(0, len(rotated) - (self.max_files - 1))]:
            old.unlink()

    def _compress(self, path: Path) -> None:
        gen = self.gen_in(path)
        tmp = path.with_name(path.name + ".gz.tmp")
        with open(path, "rb") as src, gzip.open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.rename(tmp, path.with_name(path.name + ".gz"))
        self.holds_same(path.with_name(path.name + ".gz"), gen)
        path.unlink()
        self.rotation_step(f"compressed {path.name}")

    def close(self) -> None:
        self.out.close()
