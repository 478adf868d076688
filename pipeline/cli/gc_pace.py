"""The garbage collector's pace for the commands that parse (scan, ship, and the stage processes of run).

Parsing allocates many short-lived containers (events, their lists and dicts) and
almost no reference cycles: refcounting frees them. Collecting the young generation
every 100,000 net allocations instead of CPython's 700 spends ~10-15 % less CPU on the
parse stage (bench/parse_bench.py --gc-threshold), with the same memory.
"""

from __future__ import annotations

import gc

GC_GEN0_THRESHOLD = 100_000


def collect_less_often() -> None:
    gc.set_threshold(GC_GEN0_THRESHOLD, *gc.get_threshold()[1:])
