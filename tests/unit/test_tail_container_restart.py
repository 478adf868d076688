"""A container restarted in its pod on Kubernetes: the runtime writes the new container's
`pods/NS_POD_UID/CONTAINER/1.log` next to the old `0.log`, the kubelet makes a new link
`logs/POD_NS_CONTAINER-NEWID.log` and removes the old link and `0.log` when it collects
the old container. Nothing the old or the new container wrote is lost, whether the tailer
runs or is stopped meanwhile (while the files are still there)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.unit.tail_support import append, make_tailer
from tests.unit.test_tail_rotation import collect_all, commit_all, lines
from tests.unit.test_tail_symlinked import read_exactly, read_once_across_restarts, restarted


class Pod:
    def __init__(self, tmp_path: Path, logs: Path) -> None:
        self.folder = tmp_path / "pods" / "default_pay-7d9f_uid" / "pay"
        self.folder.mkdir(parents=True)
        self.logs = logs
        self.restarts = -1
        self.start_container()

    @property
    def live(self) -> Path:
        return self.folder / f"{self.restarts}.log"

    def link(self, restarts: int) -> Path:
        return self.logs / f"pay-7d9f_default_pay-{restarts:064x}.log"

    def start_container(self) -> None:
        self.restarts += 1
        self.live.touch()
        os.symlink(self.live, self.link(self.restarts))

    def rotate(self, stamp: str) -> None:
        os.rename(self.live, self.live.with_name(f"{self.live.name}.{stamp}"))
        self.live.touch()

    def collect(self, restarts: int) -> None:
        """The old container garbage-collected: its link, then its files."""
        self.link(restarts).unlink()
        for path in self.folder.iterdir():
            if path.name.split(".log")[0] == str(restarts):
                path.unlink()


async def test_a_restart_while_the_tailer_runs_loses_nothing_of_either_container(tmp_path, logs) -> None:
    pod = Pod(tmp_path, logs)
    tailer = await make_tailer(tmp_path)
    try:
        append(pod.live, lines(0, 5))
        got = await collect_all(tailer, lines(0, 5))
        append(pod.live, lines(5, 5))  # the old container's last lines
        pod.start_container()
        append(pod.live, lines(10, 5))
        pod.rotate("20261202-070000")
        append(pod.live, lines(15, 5))
        await got.until(tailer, lambda: len(b"".join(got.data.values()).splitlines()) >= 20)
        pod.collect(0)
        append(pod.live, lines(20, 5))
        await got.until(tailer, lambda: len(b"".join(got.data.values()).splitlines()) >= 25)
        assert sorted(b"".join(got.data.values()).splitlines()) == sorted(lines(0, 25).splitlines())
    finally:
        await tailer.stop()


async def stopped_after_five(tmp_path: Path, logs: Path) -> Pod:
    pod = Pod(tmp_path, logs)
    tailer = await make_tailer(tmp_path)
    append(pod.live, lines(0, 5))
    await commit_all(tailer, await collect_all(tailer, lines(0, 5)))
    await tailer.stop()
    time.sleep(0.05)  # mtimes after the checkpoint's last write
    return pod


@pytest.mark.parametrize("rotated", [False, True])
async def test_a_restart_while_the_tailer_was_stopped_loses_nothing(tmp_path, logs, rotated) -> None:
    pod = await stopped_after_five(tmp_path, logs)
    append(pod.live, lines(5, 5))  # the old container's last lines, never read
    pod.start_container()
    append(pod.live, lines(10, 5))
    if rotated:  # the new container's first generation rotated before the tailer is back
        pod.rotate("20261202-070000")
    append(pod.live, lines(15, 5))
    await read_once_across_restarts(tmp_path, lines(5, 15))


@pytest.mark.parametrize("old_link_removed", [True, False])
async def test_a_restart_and_the_old_link_removed_while_stopped_reads_the_old_containers_rest(
        tmp_path, logs, old_link_removed) -> None:
    # the old link gone, its target still there (collected in two steps, the tailer back in between)
    pod = await stopped_after_five(tmp_path, logs)
    append(pod.live, lines(5, 5))
    pod.start_container()
    append(pod.live, lines(10, 5))
    if old_link_removed:
        pod.link(0).unlink()
    tailer = await restarted(tmp_path)
    try:
        await read_exactly(tailer, lines(5, 10))
    finally:
        await tailer.stop()


def test_a_link_target_renamed_unseen_is_found_beside_the_target(tmp_path, logs) -> None:
    # a shipper starting: its first scan found the link, the kubelet renamed the target before
    # the target's folder was watched (no event) and before the file was identified; the file is
    # looked for beside the target, where the kubelet renames, not only beside the link
    from pipeline.tail.discovery import TailInput
    from pipeline.tail.followed import Followed
    from pipeline.tail.renames import find_rotated

    pod = Pod(tmp_path, logs)
    append(pod.live, lines(0, 5))
    st = os.stat(pod.live)
    f = Followed(str(pod.link(0)), TailInput((str(logs / "*.log"),), "payments"), st.st_dev, st.st_ino,
                 st.st_size, None)
    pod.rotate("20261202-070000")
    assert find_rotated(f) == str(pod.folder / "0.log.20261202-070000")
