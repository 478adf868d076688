"""Bad input against the real shipper (`logpipe ship` in a subprocess, a fresh topic each).

Each case writes numbered normal lines around the bad input and checks that the bad
record arrives flagged (`logpipe.truncated`, `logpipe.flags`) or that the error is
named in the shipper's log, that every normal line arrives, that the shipper is still
running, and (for the big inputs) that its peak RSS (`VmHWM`) stays bounded.

Unreadable files: the tests run as root, who reads a mode-000 file anyway, so the
shipper of that case runs as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
(`setpriv`): permission bits then apply to it as to any user. Full and read-only
checkpoint directories are a 64 KiB tmpfs, filled up or remounted read-only; those
cases are skipped when `mount` is not permitted.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.logwriter import line
from tests.integration.ship_config import write_ship_config
from tests.integration.stages import start_stage, status_kib, stop_stage
from tests.integration.topic_reader import has_all, read_events, seqs_by_id

pytestmark = pytest.mark.integration

HEAD = b"2026-11-26 10:15:30.112 [main] ERROR c.f.pay.OrderService - "
MiB = 1024 * 1024


# -- helpers ---------------------------------------------------------------------------
def write_config(tmp: Path, topic: str, bootstrap: str, state_dir: str = "state", kafka_extra: str = "") -> Path:
    return write_ship_config(tmp, host="bad-input", bootstrap=bootstrap, topic=topic, state_dir=state_dir,
                             inputs='service = "payments"\nformat = "logback"\nmultiline = "java"', kafka=kafka_extra)


NO_DAC = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
          "--bounding-set=-dac_override,-dac_read_search"]


def start_shipper(cfg: Path, prefix: list[str] | None = None) -> subprocess.Popen:
    return start_stage(cfg, "ship", "--quiet", log_name="ship.log", prefix=prefix)


stop = stop_stage


def bytes_read(pid: int) -> int:
    for row in Path(f"/proc/{pid}/io").read_text().splitlines():
        if row.startswith("rchar:"):
            return int(row.split()[1])
    raise KeyError("rchar")


def ship_log(cfg: Path) -> str:
    return (cfg.parent / "ship.log").read_text(errors="replace")


def numbered(seqs: range) -> bytes:
    return "".join(line(s) for s in seqs).encode()


def by_marker(docs: list[dict], marker: str) -> list[dict]:
    return [d for d in docs if marker in d.get("message", "") or marker in d.get("error", {}).get("message", "")]


def flags(doc: dict) -> set[str]:
    return set(doc.get("logpipe", {}).get("flags", []))


def truncated(doc: dict) -> bool:
    return doc.get("logpipe", {}).get("truncated", False)


def until_all(total: int, *markers: str):
    """Stop condition: every seq in [0, total) and one event per marker."""
    seqs = has_all(total)

    def done(docs: list[dict]) -> bool:
        return seqs(docs) and all(by_marker(docs, m) for m in markers)

    return done


def assert_every_line_once(docs: list[dict], total: int) -> None:
    by_seq = seqs_by_id(docs)
    assert sorted(by_seq) == list(range(total)), f"missing: {sorted(set(range(total)) - set(by_seq))[:10]}"
    assert all(len(ids) == 1 for ids in by_seq.values())


async def ship_until(cfg: Path, bootstrap: str, topic: str, done, timeout_s: float) -> tuple[list[dict], int]:
    """The shipper on `cfg` until the events read from `topic` satisfy `done`: those events and
    the shipper's peak RSS (VmHWM, KiB), taken while it still runs (it must survive the input)."""
    shipper = start_shipper(cfg)
    try:
        docs = await read_events(bootstrap, topic, done, timeout_s=timeout_s)
        assert shipper.poll() is None, ship_log(cfg)
        return docs, status_kib(shipper.pid, "VmHWM")
    finally:
        stop(shipper)


@contextlib.asynccontextmanager
async def shipping(cfg: Path, bootstrap: str, topic: str, path: Path,
                   first_lines: int) -> AsyncIterator[subprocess.Popen]:
    """`first_lines` numbered lines written to `path`, the shipper started on `cfg` and every
    one of them read back from `topic`: the running shipper, stopped on leaving."""
    path.write_bytes(numbered(range(0, first_lines)))
    shipper = start_shipper(cfg)
    try:
        await read_events(bootstrap, topic, has_all(first_lines), timeout_s=30)
        yield shipper
    finally:
        stop(shipper)


async def wait_for(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


# -- bad bytes -------------------------------------------------------------------------
async def test_invalid_utf8_nul_bytes_and_binary_garbage_are_shipped_flagged_between_intact_lines(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    control = bytes(c for c in range(1, 32) if c not in (9, 10, 13))
    data = (numbered(range(0, 10))
            + HEAD + b"BAD-UTF8 card \xff\xfe\xc3\x28 amount \xe4\xb8\n"
            + numbered(range(10, 20))
            + HEAD + b"NUL-BYTES \x00\x00 order\x00no\n"
            + numbered(range(20, 30))
            # a record of control bytes up to max_event_bytes: its JSON would be ~1.3 MB (\\u00XX each)
            + HEAD + b"CONTROL-GARBAGE\n" + b"".join(control * 8 + b"\n" for _ in range(2000))
            + numbered(range(30, 40))
            + HEAD + b"RANDOM-GARBAGE\n" + os.urandom(200_000).replace(b"\n", b" ") + b"\n"
            + numbered(range(40, 50)))
    (tmp_path / "logs" / "app.log").write_bytes(data)
    markers = ("BAD-UTF8", "NUL-BYTES", "CONTROL-GARBAGE", "RANDOM-GARBAGE")
    docs, peak_kib = await ship_until(cfg, kafka_bootstrap, unique_name, until_all(50, *markers), timeout_s=60)
    print(f"\nbad bytes: shipper VmHWM {peak_kib / 1024:.0f} MiB")
    assert peak_kib < 300 * 1024
    assert_every_line_once(docs, 50)
    (bad_utf8,), (nul,) = by_marker(docs, "BAD-UTF8"), by_marker(docs, "NUL-BYTES")
    assert "invalid_utf8" in flags(bad_utf8) and "\ufffd" in bad_utf8["message"]
    assert "nul_bytes" in flags(nul) and "\x00" not in nul["message"] and "order" in nul["message"]
    (control_doc,), (random_doc,) = by_marker(docs, "CONTROL-GARBAGE"), by_marker(docs, "RANDOM-GARBAGE")
    assert truncated(control_doc) and 900_000 < len(json.dumps(control_doc)) <= 1_000_000  # sinks.codec bound
    assert truncated(random_doc) and "invalid_utf8" in flags(random_doc)
    # the events tile the file: every byte belongs to exactly one event
    spans = sorted((d["log"]["offset"], d["logpipe"]["end_offset"]) for d in docs)
    assert spans[0][0] == 0 and spans[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


async def test_without_compression_a_record_above_the_broker_limit_is_cut_and_does_not_stall_the_file(
        tmp_path, kafka_bootstrap, unique_name):
    # JSON makes each control byte six bytes: this record encodes to ~1.3 MB, above the
    # broker's default message.max.bytes, and "none" sends it as it is
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap, kafka_extra='compression = "none"')
    control = bytes(c for c in range(1, 32) if c not in (9, 10, 13))
    (tmp_path / "logs" / "app.log").write_bytes(
        numbered(range(0, 5)) + HEAD + b"TOO-BIG\n" + b"".join(control * 8 + b"\n" for _ in range(2000))
        + numbered(range(5, 10)))
    docs, _ = await ship_until(cfg, kafka_bootstrap, unique_name, until_all(10, "TOO-BIG"), timeout_s=30)
    assert_every_line_once(docs, 10)
    (big,) = by_marker(docs, "TOO-BIG")
    assert truncated(big) and "record_too_large" in flags(big)
    assert "delivery failed" not in ship_log(cfg)


async def test_a_50_mb_line_without_newline_is_cut_to_the_line_bound_and_the_next_line_arrives(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    path = tmp_path / "logs" / "app.log"
    async with shipping(cfg, kafka_bootstrap, unique_name, path, first_lines=5) as shipper:
        rss_before_kib = status_kib(shipper.pid, "VmRSS")
        read_before = bytes_read(shipper.pid)
        huge_at = path.stat().st_size
        with open(path, "ab") as f:  # the line's head, then 50 MiB, no newline yet
            f.write(HEAD + b"HUGE-LINE ")
            block = b"0123456789abcdef" * (MiB // 16)
            for _ in range(50):
                f.write(block)
                f.flush()
        # the shipper reads all of it while the line is still open
        await wait_for(lambda: bytes_read(shipper.pid) - read_before >= 50 * MiB, 60, "the shipper to read 50 MiB")
        with open(path, "ab") as f:
            f.write(b"\n" + numbered(range(5, 10)))
        docs = await read_events(kafka_bootstrap, unique_name, until_all(10, "HUGE-LINE"), timeout_s=60)
        assert shipper.poll() is None, ship_log(cfg)
        peak_kib = status_kib(shipper.pid, "VmHWM")
    print(f"\n50 MiB line: shipper VmRSS before {rss_before_kib / 1024:.0f} MiB, VmHWM {peak_kib / 1024:.0f} MiB")
    assert peak_kib < 300 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"
    assert peak_kib - rss_before_kib < 64 * 1024, "the line's bytes were held in memory"
    assert_every_line_once(docs, 10)
    (huge,) = by_marker(docs, "HUGE-LINE")
    assert truncated(huge) and len(huge["message"]) <= 64 * 1024
    assert huge["log"]["offset"] == huge_at
    assert huge["logpipe"]["end_offset"] == huge_at + len(HEAD) + len(b"HUGE-LINE ") + 50 * MiB + 1


# -- records that stress the grammars --------------------------------------------------
def java_trace(marker: str, frames: int, causes: int = 0) -> bytes:
    out = [HEAD + marker.encode() + b"\n", b"java.lang.IllegalStateException: outer\n"]
    out += [b"\tat com.fpay.pay.Step%d.run(Step.java:%d)\n" % (i, i) for i in range(frames)]
    for depth in range(causes):
        out.append(b"Caused by: java.io.IOException: cause %d\n\tat com.fpay.io.Read.next(Read.java:1)\n" % depth)
    return b"".join(out)


async def test_huge_stack_traces_and_backtracking_bait_are_shipped_cut_to_their_bounds(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    cases = {
        "FRAMES-10K": java_trace("FRAMES-10K", 10_000),
        "CAUSES-3K": java_trace("CAUSES-3K", 3, causes=3_000),
        "CAUSED-BY-IN-ONE-LINE": HEAD + b"CAUSED-BY-IN-ONE-LINE\njava.lang.RuntimeException: "
                                 + b"Caused by: java.lang.RuntimeException: " * 2_000 + b"\n",
        "DOTTED-A": HEAD + b"DOTTED-A " + b"a." * 30_000 + b"\n",
        "FRAME-OF-DOTS": HEAD + b"FRAME-OF-DOTS\n\tat " + b"a." * 30_000 + b"(" + b"a.a(" * 5_000 + b"\n",
        "PARENS": HEAD + b"PARENS " + b"(" * 100_000 + b"\n",
        "DOTS-100K": HEAD + b"DOTS-100K " + b"." * 100_000 + b"\n",
        "SQL-DOTS": HEAD + b"SQL-DOTS ==>  Preparing: SELECT " + b"(a.a," * 12_000 + b"\n",
    }
    data = b""
    for n, body in enumerate(cases.values()):
        data += numbered(range(n * 5, n * 5 + 5)) + body
    total = len(cases) * 5 + 5
    data += numbered(range(total - 5, total))
    (tmp_path / "logs" / "app.log").write_bytes(data)
    docs, peak_kib = await ship_until(cfg, kafka_bootstrap, unique_name, until_all(total, *cases), timeout_s=60)
    print(f"\nstack traces and backtracking bait: shipper VmHWM {peak_kib / 1024:.0f} MiB")
    assert peak_kib < 300 * 1024
    assert_every_line_once(docs, total)
    for marker in cases:
        (doc,) = by_marker(docs, marker)
        assert not any(f.startswith("parse_error") for f in flags(doc)), (marker, flags(doc))
    (frames,) = by_marker(docs, "FRAMES-10K")
    assert truncated(frames) and frames["error"]["type"] == "java.lang.IllegalStateException"
    (causes,) = by_marker(docs, "CAUSES-3K")
    assert truncated(causes) and causes["logpipe"]["root_cause"]["type"] == "java.io.IOException"
    for marker in ("DOTTED-A", "PARENS", "DOTS-100K"):
        assert truncated(by_marker(docs, marker)[0]) == (len(cases[marker]) > 64 * 1024 + 1), marker


# -- files that go away or cannot be read ----------------------------------------------
async def test_a_file_deleted_right_after_a_write_is_drained_to_its_end(tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    path = tmp_path / "logs" / "app.log"
    async with shipping(cfg, kafka_bootstrap, unique_name, path, first_lines=100) as shipper:
        with open(path, "ab") as f:
            f.write(numbered(range(100, 5100)))
        path.unlink()  # the shipper still holds it open: the rest must come from the descriptor
        docs = await read_events(kafka_bootstrap, unique_name, has_all(5100), timeout_s=30)
        assert shipper.poll() is None, ship_log(cfg)
    assert_every_line_once(docs, 5100)


async def test_an_unreadable_file_is_named_in_the_log_and_shipped_once_it_can_be_read(
        tmp_path, kafka_bootstrap, unique_name):
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to run the shipper without CAP_DAC_OVERRIDE")
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    (logs / "ok.log").write_bytes(numbered(range(0, 50)))
    locked = logs / "locked.log"
    locked.write_bytes(numbered(range(50, 100)))
    locked.chmod(0)
    os.mkfifo(logs / "fifo.log")  # matches the glob; opening it would block a reader
    (logs / "dir.log").mkdir()  # matches the glob; not a file
    shipper = start_shipper(cfg, NO_DAC)
    try:
        docs = await read_events(kafka_bootstrap, unique_name, has_all(50), timeout_s=30)
        await wait_for(lambda: "locked.log" in ship_log(cfg), 15, "the unreadable file in the log")
        assert "EACCES" in ship_log(cfg), ship_log(cfg)
        assert not seqs_by_id(docs).keys() & set(range(50, 100))
        locked.chmod(0o644)  # retried after ERROR_RETRY_AFTER_S (5 s)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(100), timeout_s=30)
        assert shipper.poll() is None, ship_log(cfg)
    finally:
        stop(shipper)
    assert_every_line_once(docs, 100)
    assert "Traceback" not in ship_log(cfg)


# -- the checkpoint directory full or read-only ----------------------------------------
@pytest.fixture
def tiny_tmpfs(tmp_path):
    mnt = tmp_path / "state"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mnt)], capture_output=True)
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def checkpoint_offsets(state: Path) -> list[int]:
    try:
        doc = json.loads((state / "checkpoints.json").read_text())
    except (OSError, ValueError):
        return []
    return [f["offset"] for f in doc["files"]]


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


@pytest.mark.parametrize("trouble", ["full", "read-only"])
async def test_a_full_or_read_only_checkpoint_directory_is_logged_and_shipping_goes_on(
        tmp_path, kafka_bootstrap, unique_name, tiny_tmpfs, trouble):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    path = tmp_path / "logs" / "app.log"
    async with shipping(cfg, kafka_bootstrap, unique_name, path, first_lines=100) as shipper:
        await wait_for(lambda: checkpoint_offsets(tiny_tmpfs) == [path.stat().st_size], 10, "the first checkpoint")
        if trouble == "full":
            (tiny_tmpfs / "checkpoints.json").unlink()  # the rename must find no room either
            filler = fill(tiny_tmpfs)
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
        with open(path, "ab") as f:
            f.write(numbered(range(100, 2000)))
        docs = await read_events(kafka_bootstrap, unique_name, has_all(2000), timeout_s=30)
        reason = os.strerror(errno.ENOSPC if trouble == "full" else errno.EROFS)
        await wait_for(lambda: "checkpoints not saved" in ship_log(cfg) and reason in ship_log(cfg), 10,
                       f"a checkpoint error ({reason}) in the log")
        assert shipper.poll() is None, ship_log(cfg)
        if trouble == "full":
            filler.unlink()
        else:
            subprocess.run(["mount", "-o", "remount,rw", str(tiny_tmpfs)], check=True)
        # room again: the checkpoint catches up with everything acknowledged
        await wait_for(lambda: checkpoint_offsets(tiny_tmpfs) == [path.stat().st_size], 10, "the checkpoint to catch up")
    assert_every_line_once(docs, 2000)


async def test_a_state_dir_that_is_a_file_stops_the_shipper_at_start_with_a_clear_error(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    (tmp_path / "state").write_text("not a directory\n")
    (tmp_path / "logs" / "app.log").write_bytes(numbered(range(0, 10)))
    shipper = start_shipper(cfg)
    try:
        code = shipper.wait(30)
    finally:
        stop(shipper)
    out = ship_log(cfg)
    assert code == 2, out
    assert "checkpoints" in out and "Not a directory" in out and "Traceback" not in out, out
