"""Offline scan: files in, parse stage, aggregates out. No broker, no index, no asyncio.

    files = plan_files(["logs/", "old/*.log.gz", "-"], cfg)   # MissingInput if a path is absent
    stats = ScanStats(...)
    for f in files:
        scan_file(f, cfg.host.name, stats.add, now_ms)

A command-line tool over files reads them with plain blocking IO, in chunks of
`CHUNK_BYTES`, so memory stays bounded whatever the size of the input; `.gz` files
are decompressed as a stream and offsets are positions in the decompressed bytes.

Each file gets the parse options of the first `[[inputs]]` entry whose globs match
it (a rotated `x.log.gz` also matches through `x.log`), else the defaults (`auto`
format and multiline) with `host.service`, or with no configuration at all a service
named after the file or its folder (`service_name`). Times written without a date take
it from the file's name or modification day (`date_hint`). Regular files get the same `file_id` as
the shipper gives them (device, inode, first-line fingerprint), so `--events` ids
equal the ids the pipeline would ship.
"""

from __future__ import annotations

import fnmatch
import glob
import gzip
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions
from pipeline.config.load import to_parse_options
from pipeline.config.schema import Config, InputConfig
from pipeline.scan.service_name import service_from_path
from pipeline.tail.container_service import container_of
from pipeline.tail.date_hint import date_hint
from pipeline.tail.discovery import matches
from pipeline.tail.identity import identify_fd

CHUNK_BYTES = 256 * 1024
STDIN = "-"
# What a log folder holds: `app.log`, `app.log.1`, `app.log.2026-11-26.gz`, Tomcat's and nohup's
# `catalina.out` / `nohup.out` (and their rotations), stderr captures, JSON lines.
LOG_NAMES = ("*.log*", "*.out", "*.out.*", "*.err", "*.err.*", "*.jsonl*", "*.ndjson*")


class MissingInput(Exception):
    """A path on the command line that names nothing."""


@dataclass(frozen=True, slots=True)
class ScanFile:
    path: str  # as found; "-" for stdin
    service: str
    options: ParseOptions
    size_bytes: int | None  # compressed size for .gz, None for stdin

    @property
    def gzipped(self) -> bool:
        return self.path.endswith(".gz")


def expand(paths: list[str]) -> list[str]:
    """Files named by `paths`: files as given, directories walked for `LOG_NAMES`, globs
    expanded; sorted within each argument, duplicates dropped, order of arguments kept."""
    out: dict[str, None] = {}
    for arg in paths:
        if arg == STDIN:
            out[STDIN] = None
        elif os.path.isdir(arg):
            found = []
            for root, dirs, names in os.walk(arg):
                dirs.sort()
                found += [os.path.join(root, n) for n in names if _log_name(n)]
            out.update(dict.fromkeys(sorted(found)))
        elif os.path.exists(arg):
            out[arg] = None
        elif glob.has_magic(arg):
            matches = sorted(p for p in glob.glob(arg, recursive=True) if os.path.isfile(p))
            if not matches:
                raise MissingInput(f"no file matches {arg}")
            out.update(dict.fromkeys(matches))
        else:
            raise MissingInput(f"no such file or directory: {arg}")
    return list(out)


def _log_name(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in LOG_NAMES)


def configured_paths(cfg: Config) -> list[str]:
    """The files of the config's `[[inputs]]` (excludes applied), for a scan without paths."""
    out: dict[str, None] = {}
    for inp in cfg.inputs:
        for pattern in inp.paths:
            for path in sorted(glob.glob(pattern, recursive=True)):
                if os.path.isfile(path) and not _excluded(inp, path):
                    out[path] = None
    return list(out)


def _excluded(inp: InputConfig, path: str) -> bool:
    name = os.path.basename(path)
    return any(fnmatch.fnmatchcase(path if "/" in p else name, p) for p in inp.exclude)


def _input_of(cfg: Config, path: str) -> InputConfig | None:
    if path == STDIN:
        return None
    full = os.path.abspath(path)
    candidates = [full, full[:-3]] if full.endswith(".gz") else [full]
    for inp in cfg.inputs:
        for pattern in inp.paths:
            if any(matches(c, pattern) for c in candidates):
                return inp
    return None


def plan_files(paths: list[str], cfg: Config) -> list[ScanFile]:
    """What to read and how. Raises MissingInput for a path that names nothing."""
    files = expand(paths) if paths else configured_paths(cfg)
    options: dict[int, ParseOptions] = {}
    out = []
    for path in files:
        inp = _input_of(cfg, path)
        key = -1 if inp is None else cfg.inputs.index(inp)
        if key not in options:
            options[key] = to_parse_options(cfg, inp)
        if inp is not None:
            service = inp.service or container_of(path) or cfg.host.service
        elif cfg.source is None and path != STDIN:  # no configuration: name it after the file or folder
            service = container_of(path) or service_from_path(path) or cfg.host.service
        else:
            service = cfg.host.service
        size = None if path == STDIN else os.path.getsize(path)
        out.append(ScanFile(path, service, options[key], size))
    return out


def _open(f: ScanFile) -> tuple[BinaryIO, str]:
    """The byte stream of `f` and its file id."""
    if f.path == STDIN:
        return sys.stdin.buffer, "stdin"
    raw = open(f.path, "rb")  # noqa: SIM115 - closed by the caller
    identity, _ = identify_fd(raw.fileno())
    if f.gzipped or identity is None:
        digest = hashlib.blake2b(os.path.abspath(f.path).encode("utf-8", "surrogateescape"), digest_size=8)
        file_id = f"path-{digest.hexdigest()}"
    else:
        file_id = identity.file_id
    if f.gzipped:
        return gzip.GzipFile(fileobj=raw, mode="rb"), file_id  # type: ignore[return-value]
    return raw, file_id


def read_events(f: ScanFile, host: str, now_ms: int,
                on_bytes: Callable[[int], None] | None = None) -> Iterator[Event]:
    """Every event of `f`, in file order. `on_bytes(n)` is told of raw bytes read
    (compressed bytes for `.gz`), for progress."""
    stream, file_id = _open(f)
    raw = getattr(stream, "fileobj", None)
    try:
        mtime = None if f.path == STDIN else os.stat(f.path).st_mtime
        hint = date_hint(f.path[:-3] if f.gzipped else f.path, mtime, f.options.timezone)
        asm = Assembler(f.options, Source(host, f.service, f.path, file_id, hint), 0)
        offset, seen = 0, 0
        read = stream.read1 if raw is not None else stream.read  # read1: a truncated .gz still yields its head
        while chunk := read(CHUNK_BYTES):
            yield from asm.feed(chunk, offset, now_ms)
            offset += len(chunk)
            if on_bytes is not None:
                pos = raw.tell() if raw is not None else offset
                on_bytes(pos - seen)
                seen = pos
        yield from asm.finish(now_ms)
    finally:
        if f.path != STDIN:
            stream.close()
            if raw is not None:
                raw.close()
