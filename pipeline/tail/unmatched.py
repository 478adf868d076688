"""Input patterns that match no file: said at start, and kept as a gauge while it lasts.

A pattern matching nothing yet is legitimate (an application not started yet, a folder
made later, a file named alone that does not exist yet): such files are followed when they
appear. But a typo, a path written relative to the wrong folder or a `~` left unexpanded
looks the same from inside, so the shipper says it at start (WARNING, the pattern and
whether its fixed folder exists) and exports `logpipe_tail_patterns_unmatched` (patterns
matching no file in the last full scan): a shipper never ships nothing silently."""

from __future__ import annotations

import logging
import os

from pipeline.tail.discovery import ScanResult, TailInput, matches, static_base_dir

log = logging.getLogger(__name__)


def unmatched_patterns(inputs: tuple[TailInput, ...], scan: ScanResult) -> list[str]:
    paths = list(scan.found) + list(scan.errors)
    return [pattern for tail_input in inputs for pattern in tail_input.paths
            if not any(matches(path, pattern) for path in paths)]


def report_unmatched(inputs: tuple[TailInput, ...], scan: ScanResult, metrics, *, initial: bool) -> None:
    unmatched = unmatched_patterns(inputs, scan)
    metrics.set("tail_patterns_unmatched", len(unmatched))
    if not initial:
        return
    for pattern in unmatched:
        base = static_base_dir(pattern)
        where = "its folder exists" if os.path.isdir(base) else f"its folder {base} does not exist (yet)"
        log.warning("input path matches no file at start: %s (%s); files are followed when they appear",
                    pattern, where)
