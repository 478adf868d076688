"""The state folder's lock: one holder at a time, named in the refusal, gone with its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from pipeline.ship.state_lock import LOCK_NAME, StateInUseError, StateLock
from pipeline.tail.checkpoint_file import CheckpointError
from tests.conftest import REPO

HOLD = "import sys, time; from pipeline.ship.state_lock import StateLock; StateLock(sys.argv[1]).acquire(); " \
       "print('held', flush=True); time.sleep(60)"


def test_a_second_lock_on_the_same_folder_is_refused_naming_the_folder_and_the_holder(tmp_path):
    first = StateLock(tmp_path / "state")
    first.acquire()
    try:
        with pytest.raises(StateInUseError) as refused:
            StateLock(tmp_path / "state").acquire()
        message = str(refused.value)
        assert str(tmp_path / "state") in message and f"pid {os.getpid()}" in message
        assert isinstance(refused.value, CheckpointError)  # the command line's one-line error, exit 2
    finally:
        first.release()
    again = StateLock(tmp_path / "state")
    again.acquire()  # released: free again
    again.release()
    again.release()  # idempotent


def test_the_lock_of_a_process_killed_with_sigkill_is_gone_with_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "state")], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StateInUseError, match=f"pid {holder.pid}"):
            StateLock(tmp_path / "state").acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (tmp_path / "state" / LOCK_NAME).read_text() == f"pid {holder.pid}\n"  # the file outlives it
    lock = StateLock(tmp_path / "state")
    lock.acquire()  # the lock did not
    lock.release()


def test_a_state_path_that_is_a_file_is_a_checkpoint_error_naming_it(tmp_path):
    (tmp_path / "state").write_text("not a directory\n")
    with pytest.raises(CheckpointError, match=str(tmp_path / "state")):
        StateLock(tmp_path / "state").acquire()


def test_other_folders_are_not_locked(tmp_path):
    a, b = StateLock(tmp_path / "a"), StateLock(tmp_path / "b")
    a.acquire()
    b.acquire()
    a.release()
    b.release()
