"""The parser on real layout patterns: each pattern of `bench/layouts/patterns.json` (from
public projects' logback, log4j2, log4j 1.x and Python logging configurations) writes the
same records of a payment service; the text is parsed with no configuration and compared
record by record (`bench/layouts/score.py`).

    python3 bench/layout_patterns.py                 # per kind, then every pattern with a miss
    python3 bench/layout_patterns.py --id ruoyi-file --show
    python3 bench/layout_patterns.py --json > out.json
    python3 bench/layout_patterns.py --messages field-like   # messages that begin like fields

With `--messages field-like` the records carry messages that begin like a layout's fields
(`bench/layouts/field_like.py`): the figures then measure what the prefix reader takes
from a message that only looks like a field; a table per message follows.

Prints found/total per check and kind, the patterns read perfectly, and for the others
what was missed. Patterns the renderer cannot write (an unknown conversion, an unresolved
`${VAR}`) are listed and not scored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.layouts.score import CHECKS, Layout, score  # noqa: E402

PATTERNS = REPO / "bench" / "layouts" / "patterns.json"


def load(path: Path) -> list[Layout]:
    return [Layout(p["id"], p["kind"], p["pattern"], p.get("datefmt")) for p in json.loads(path.read_text())]


def _pct(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def print_per_message(results: list, layouts: list[Layout]) -> None:
    """Per field-like message: in how many layouts its first line was read as written,
    of the layouts whose scenario messages were all read as written (the others miss it
    for reasons of their own)."""
    from bench.layouts.field_like import MESSAGES
    clean = {r.layout.id for r in (score(lay) for lay in layouts)
             if not r.error and r.counts.get("message", [0, 0])[0] == r.counts.get("message", [0, 0])[1]}
    written = [r for r in results if not r.error and r.layout.id in clean]
    print(f"\n{'message':60} {'read as written':>16}")
    for msg, _ in MESSAGES:
        head = repr(msg[:30])
        bad = sum(any(m.startswith("message: ") and head in m.split(" read as ")[0] for m in r.misses) for r in written)
        print(f"{msg[:60]:60} {len(written) - bad:>7}/{len(written)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patterns", default=str(PATTERNS))
    ap.add_argument("--id", help="one pattern")
    ap.add_argument("--show", action="store_true", help="print the written text too")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--messages", choices=("scenario", "field-like"), default="scenario")
    args = ap.parse_args(argv)
    layouts = [lay for lay in load(Path(args.patterns)) if not args.id or lay.id == args.id]
    results = [score(lay, args.messages) for lay in layouts]
    if args.json:
        print(json.dumps([{"id": r.layout.id, "kind": r.layout.kind, "error": r.error, "counts": r.counts,
                           "misses": r.misses} for r in results], ensure_ascii=False, indent=1))
        return 0
    per_kind: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    perfect: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        if r.error:
            continue
        perfect[r.layout.kind][0] += r.perfect
        perfect[r.layout.kind][1] += 1
        for check, (f, t) in r.counts.items():
            per_kind[r.layout.kind][check][0] += f
            per_kind[r.layout.kind][check][1] += t
    print(f"{'kind':16} {'perfect':>9} " + " ".join(f"{c:>9}" for c in CHECKS))
    for kind in sorted(per_kind):
        print(f"{kind:16} {_pct(perfect[kind]):>9} " + " ".join(f"{_pct(per_kind[kind][c]):>9}" for c in CHECKS))
    if args.messages == "field-like":
        print_per_message(results, layouts)
    for r in results:
        if r.error:
            print(f"\n{r.layout.id} ({r.layout.kind}) not written: {r.error}\n  {r.layout.pattern}")
        elif not r.perfect or args.show:
            print(f"\n{r.layout.id} ({r.layout.kind}): {r.layout.pattern}")
            for m in r.misses[:12]:
                print(f"  {m}")
            if args.show:
                print(r.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
