"""Paths that stop being regular files between the glob scan and the open: the
tailer's open must fail fast (NotThisFile) instead of blocking its worker thread.
Unlinking and creating at once often hands the new entry the old inode number, so the
(device, inode) check alone is not enough: the open also wants a regular file."""

from __future__ import annotations

import os
import threading

from pipeline.tail.followed import NotThisFile, open_verified


def open_in_thread(path: str, device: int, inode: int, timeout_s: float = 5.0) -> BaseException | int:
    result: list[BaseException | int] = []

    def run() -> None:
        try:
            result.append(open_verified(path, device, inode))
        except BaseException as exc:  # handed back to the test
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout_s)
    assert result, f"open_verified({path}) blocked for {timeout_s}s"
    return result[0]


def test_a_log_replaced_by_a_fifo_after_the_scan_is_not_this_file_and_does_not_block(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("line\n")
    st = os.stat(path)
    path.unlink()
    os.mkfifo(path)  # no writer: a blocking open would wait forever
    assert isinstance(open_in_thread(str(path), st.st_dev, st.st_ino), NotThisFile)


def test_a_log_replaced_by_a_directory_after_the_scan_is_not_this_file(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("line\n")
    st = os.stat(path)
    path.unlink()
    path.mkdir()
    assert isinstance(open_in_thread(str(path), st.st_dev, st.st_ino), NotThisFile)


def test_the_file_itself_still_opens_and_reads(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("line\n")
    st = os.stat(path)
    fd = open_in_thread(str(path), st.st_dev, st.st_ino)
    assert isinstance(fd, int)
    try:
        assert os.pread(fd, 100, 0) == b"line\n"
    finally:
        os.close(fd)


def test_a_vanished_path_is_not_this_file(tmp_path):
    assert isinstance(open_in_thread(str(tmp_path / "gone.log"), 0, 0), NotThisFile)
