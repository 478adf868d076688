"""The lifeline of a stage process: end of file on it (the parent closed its end, or died)
calls the stop once; bytes on it do not."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap

from pipeline.supervise.lifeline import Lifeline, watch_lifeline


async def test_cutting_the_lifeline_stops_once():
    lifeline = Lifeline()
    cut = asyncio.Event()
    calls = []
    unwatch = watch_lifeline(lifeline.child_fd, lambda: (calls.append(1), cut.set()))
    try:
        await asyncio.sleep(0.05)
        assert calls == []
        lifeline.cut()
        lifeline.cut()  # idempotent
        await asyncio.wait_for(cut.wait(), 5)
        await asyncio.sleep(0.05)
        assert calls == [1]
    finally:
        unwatch()
        lifeline.close()


def test_a_killed_parent_cuts_the_lifeline_of_its_child(tmp_path):
    """The parent (a process holding the write end) dies by SIGKILL: the child's watch fires."""
    lifeline = Lifeline()
    child = textwrap.dedent(f"""
        import asyncio, sys
        from pipeline.supervise.lifeline import watch_lifeline
        async def main():
            cut = asyncio.Event()
            watch_lifeline({lifeline.child_fd}, cut.set)
            await asyncio.wait_for(cut.wait(), 30)
            print("cut", flush=True)
        asyncio.run(main())
    """)
    watcher = subprocess.Popen([sys.executable, "-c", child], pass_fds=(lifeline.child_fd,), stdout=subprocess.PIPE,
                               text=True)
    lifeline.passed()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], pass_fds=(lifeline._write_fd,))
    lifeline.cut()  # now only `holder` holds the write end, as `run` does
    try:
        assert watcher.poll() is None
        holder.kill()
        out, _ = watcher.communicate(timeout=30)
    finally:
        holder.kill()
        watcher.kill()
    assert watcher.returncode == 0 and out.strip() == "cut"
