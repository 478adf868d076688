"""The run's table: a row per scheme and fault, then the totals per scheme."""

from __future__ import annotations

from collections import defaultdict

COLUMNS = f"{'scheme':<19}{'fault':<15}{'records':>8}{'lines':>8}{'rot':>5}{'lost':>6}{'in-pr.':>7}" \
          f"{'doubled':>8}{'split':>6}{'merged':>7}"
SHOWN = ("files_lost", "gone_unidentified", "rotations_unread", "compressed_unpacked", "copies_found",
         "rotations_found", "files_truncated")


def print_header() -> None:
    print(COLUMNS, flush=True)


def print_segment(seg, took_s: float) -> None:
    v = seg.verdict
    print(f"{seg.scheme:<19}{seg.fault:<15}{v.records:>8}{v.lines:>8}{seg.rotations:>5}{v.lost:>6}{v.excused:>7}"
          f"{v.doubled:>8}{v.split:>6}{v.merged:>7}   {took_s:.0f} s", flush=True)
    counters = {k.replace("logpipe_tail_", "").replace("_total", ""): int(n) for k, n in seg.counters.items()
                if any(s in k for s in SHOWN)}
    if seg.notes or counters:
        print(f"    faults: {seg.notes or '-'}; counters: {counters}", flush=True)
    for ex in v.examples:
        print(f"    {ex}", flush=True)
    if v.lost_records:
        print(f"    records with lost lines: {ranges(sorted(v.lost_records))}", flush=True)


def ranges(numbers: list[int]) -> str:
    """`1, 2, 3, 7` as `1-3, 7`."""
    out: list[str] = []
    last: int | None = None
    for n in numbers:
        if last is not None and n == last + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
        last = n
    return ", ".join(out)


def print_totals(segments) -> int:
    by_scheme: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for s in segments:
        t = by_scheme[s.scheme]
        for i, n in enumerate((s.verdict.records, s.verdict.lost, s.verdict.excused, s.verdict.doubled,
                               s.verdict.split, s.verdict.merged)):
            t[i] += n
    print("\nper scheme: records, lost, lost in principle, doubled, split, merged")
    for name, t in by_scheme.items():
        print(f"  {name:<19}" + "".join(f"{n:>9}" for n in t))
    bad = sum(t[1] + t[3] + t[4] + t[5] for t in by_scheme.values())
    return 1 if bad else 0
