"""A container restarted in its pod on Kubernetes (a crash, a liveness probe, an OOM kill):
the kubelet starts a new container in the same pod, whose runtime writes
`pods/NS_POD_UID/CONTAINER/1.log` next to the old container's `0.log`, and makes a new link
`logs/POD_NS_CONTAINER-NEWID.log` for the new container id; the old link and the old
container's files (`0.log` and its rotations) go when the old container is garbage-collected,
later. Within a container, the kubelet rotates as in `kubelet_cri`. Every 250-500 records
the container restarts (the old one has written its last line and is closed).

`kubelet_restart`: the kubelet keeps the last dead container of a pod (its default), so a
dead container is collected 50-150 records after the next restart, link and files in either
order. `kubelet_restart_gc`: collected 50-150 records after it exited (a harsher collector:
a stop of the shipper across a restart finds the old container's files gone more often)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from bench.userfaults.records import Record
from bench.userfaults.schemes_kubelet import KubeletCri


def container_id(restarts: int) -> str:
    return hashlib.sha256(f"pay/{restarts}".encode()).hexdigest()


class KubeletRestart(KubeletCri):
    name = "kubelet_restart"
    dead_kept = 1  # dead containers the kubelet keeps per pod

    def __init__(self, folder: Path, rng, max_files: int = 5) -> None:
        self.logs = folder
        self.restarts = 0
        super().__init__(folder, rng, max_files)
        os.unlink(self.link_of(0, "7d9f" * 16))  # the parent's fixed id: this scheme names its containers
        self.links = {0: self.link_of(0, container_id(0))}
        os.symlink(self.live, self.links[0])
        self.until_restart = rng.randint(250, 500)
        self.dead: list[tuple[int, int | None]] = []  # (restart count, records until it is collected)

    def link_of(self, restarts: int, cid: str) -> Path:
        return self.logs / f"pay-7d9f_default_pay-{cid}.log"

    def write(self, record: Record) -> None:
        super().write(record)
        self.until_restart -= 1
        if self.until_restart <= 0 and self.late_writes == 0:
            self.restart()
        self.dead = [(k, None if left is None else left - 1) for k, left in self.dead]
        for k, left in [d for d in self.dead if d[1] is not None and d[1] <= 0]:
            self.collect(k)
            self.dead.remove((k, left))

    def restart(self) -> None:
        self.out.close()  # the old container has exited: its runtime wrote its last line
        self.dead.append((self.restarts, None))
        waiting = [i for i, (_, left) in enumerate(self.dead) if left is None]
        for i in waiting[:max(0, len(waiting) - self.dead_kept)]:  # beyond what is kept: collected soon
            self.dead[i] = (self.dead[i][0], self.rng.randint(50, 150))
        self.restarts += 1
        self.until_restart = self.rng.randint(250, 500)
        self.live = self.folder / f"{self.restarts}.log"
        self._open()
        self.links[self.restarts] = self.link_of(self.restarts, container_id(self.restarts))
        os.symlink(self.live, self.links[self.restarts])
        self.rotations += 1
        self.rotation_step(f"restarted as {self.live.name}")

    def collect(self, restarts: int) -> None:
        """The dead container is garbage-collected: its link and its files."""
        files = [p for p in self.folder.iterdir() if p.name == f"{restarts}.log" or p.name.startswith(f"{restarts}.log.")]
        link = self.links.pop(restarts)
        steps = [lambda: link.unlink()] + [lambda p=p: p.unlink() for p in files]
        if self.rng.random() < 0.5:
            steps.reverse()
        for step in steps:
            step()
        self.sweep()
        self.rotation_step(f"collected the container of {restarts}.log")


class KubeletRestartCollected(KubeletRestart):
    name = "kubelet_restart_gc"
    dead_kept = 0
