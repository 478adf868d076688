"""Rotation schemes of Java frameworks and logrotate, and writers of odd shapes, done with
the same file operations those tools do (rename, copy, truncate, gzip, unlink)."""

from __future__ import annotations

import gzip
import os
import shutil
import time
from datetime import date
from pathlib import Path

from bench.userfaults.records import Record
from bench.userfaults.scheme import Scheme, formatted

DAY = date(2026, 12, 2).isoformat()


class _AppendFile(Scheme):
    """An application writing `app.log` through one descriptor in append mode, a record a write."""

    def __init__(self, folder: Path, rng, keep: int = 3) -> None:
        super().__init__(folder, rng)
        self.keep = keep
        self.live = folder / "app.log"
        self._open()

    def _open(self) -> None:
        self.out = open(self.live, "a", encoding="utf-8")
        self.new_generation(self.live)

    def write(self, record: Record) -> None:
        self.out.write(formatted(record))
        self.out.flush()
        self.wrote(record, self.live)
        self.note_unlinked(record)
        if self.out.tell() >= self.rotate_bytes:
            self.rotations += 1
            self.rotate()
            self.sweep()

    def rotate(self) -> None:
        raise NotImplementedError

    def note_unlinked(self, record: Record) -> None:
        if os.fstat(self.out.fileno()).st_nlink == 0:
            record.tags.add("written to a deleted file")

    def _rename(self, src: Path, dst: Path) -> None:
        os.rename(src, dst)
        self.rotation_step(f"renamed {src.name} -> {dst.name}")

    def _drop_oldest(self, pattern: str) -> None:
        rotated = sorted(self.folder.glob(pattern), key=lambda p: p.stat().st_mtime)
        for old in rotated[:-self.keep] if len(rotated) > self.keep else []:
            old.unlink()

    def close(self) -> None:
        self.out.close()


class LogbackSizeAndTime(_AppendFile):
    """SizeAndTimeBasedRollingPolicy, `app.%d{yyyy-MM-dd}.%i.log`: app.log -> app.2026-12-02.0.log
    (a name `*.log` matches), the oldest beyond `keep` deleted (totalSizeCap)."""

    name = "logback_sizetime"

    def rotate(self) -> None:
        self.out.close()
        self._rename(self.live, self.folder / f"app.{DAY}.{self.rotations - 1}.log")
        self._open()
        self._drop_oldest(f"app.{DAY}.*.log")


class Log4j2Gzip(_AppendFile):
    """DefaultRolloverStrategy with `app-%d{yyyy-MM-dd}-%i.log.gz`: app.log renamed to
    app-2026-12-02-1.log, a new app.log opened, then the renamed one gzipped and deleted."""

    name = "log4j2_gz"

    def rotate(self) -> None:
        self.out.close()
        plain = self.folder / f"app-{DAY}-{self.rotations}.log"
        self._rename(self.live, plain)
        gen = self.gen
        self._open()
        time.sleep(self.rng.uniform(0, 0.05))  # the compress action runs right after the roll
        with open(plain, "rb") as src, gzip.open(str(plain) + ".gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        self.holds_same(Path(str(plain) + ".gz"), gen)
        self.rotation_step(f"gzipped {plain.name}")
        plain.unlink()
        self._drop_oldest(f"app-{DAY}-*.log.gz")


class LogrotateCopytruncate(_AppendFile):
    """logrotate `copytruncate`, `rotate 3`: app.log.2 -> .3 (the old .3 deleted), .1 -> .2,
    app.log copied to app.log.1 and truncated; the application writes on (nothing is written
    between the copy and the truncation: that window is logrotate's own)."""

    name = "copytruncate"

    def rotate(self) -> None:
        for i in range(self.keep, 0, -1):
            src = self.folder / f"app.log.{i}"
            if src.exists():
                if i == self.keep:
                    src.unlink()
                else:
                    os.rename(src, self.folder / f"app.log.{i + 1}")
        copy = self.folder / "app.log.1"
        shutil.copyfile(self.live, copy)
        self.holds_same(copy, self.gen)
        self.rotation_step("copied app.log -> app.log.1")
        os.truncate(self.live, 0)
        self.new_generation(self.live)
        self.rotation_step("truncated app.log")


class LogrotateCreateCompress(_AppendFile):
    """logrotate `create`, `compress`, `delaycompress`, `rotate 4`: the .N.gz shifted (the oldest
    deleted), app.log.1 gzipped to app.log.2.gz, app.log renamed to app.log.1, a new app.log
    created; the application writes a few more records to its old descriptor before its
    postrotate signal makes it reopen."""

    name = "logrotate_create"

    def rotate(self) -> None:
        f = self.folder
        for i in range(self.keep + 1, 1, -1):
            src = f / f"app.log.{i}.gz"
            if src.exists():
                src.unlink() if i == self.keep + 1 else os.rename(src, f / f"app.log.{i + 1}.gz")
        one = f / "app.log.1"
        if one.exists():
            gen = self.gen_in(one)
            with open(one, "rb") as src, gzip.open(f / "app.log.2.gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            self.holds_same(f / "app.log.2.gz", gen)
            one.unlink()
            self.rotation_step("compressed app.log.1 -> app.log.2.gz")
        self._rename(self.live, one)
        self.live.touch()  # create 0640 user group
        self.late_writes = self.rng.randint(0, 5)  # records before the application reopens
        self.reopen_due = True

    def write(self, record: Record) -> None:
        # told by a flag, not by the live file's inode: ext4 gives the new app.log the inode of the
        # app.log.1 just compressed and deleted, and an inode check took the reopen as done
        if getattr(self, "reopen_due", False):
            if self.late_writes > 0:
                self.late_writes -= 1
                self.out.write(formatted(record))
                self.out.flush()
                self.wrote(record, self.folder / "app.log.1")
                self.note_unlinked(record)
                return
            self.out.close()  # the postrotate signal: the application opens app.log again
            self._open()
            self.reopen_due = False
        super().write(record)
