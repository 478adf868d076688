"""The verdict of a chaos run and its table: exactly N documents, every seq once, every new
signature alerted under exactly one alert id; losses and duplicates placed by file,
generation and rotation kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bench.chaos.check import EsScan
from bench.chaos.schedule import Chaos, Log
from bench.chaos.writer import Manifest, Plan


@dataclass
class Result:
    plan: Plan
    chaos: Chaos
    run_dir: Path
    phases: dict[str, float] = field(default_factory=dict)
    expected_signatures: dict[str, int] = field(default_factory=dict)
    log: Log = field(default_factory=Log)
    manifest: Manifest = field(default_factory=Manifest)
    rotations: dict[str, int] = field(default_factory=dict)
    stages: dict[str, tuple[int, int, list[int]]] = field(default_factory=dict)
    final_lags: tuple[int, int] = (-1, -1)
    stalled: bool = False
    scan: EsScan | None = None
    alert_rules: dict[str, int] = field(default_factory=dict)
    sig_alerts: dict[str, tuple[set[str], int]] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    doubled: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)
    unexpected_alerts: list[str] = field(default_factory=list)  # new_signature alerts of no generated signature
    failures: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def verdict(r: Result) -> None:
    n = r.plan.events
    if r.scan is None:
        r.failures.append("the run did not get to the checks")
        return
    s = r.scan
    r.missing = [q for q in range(n) if q not in s.seq_docs]
    r.doubled = {q: docs for q, docs in s.seq_docs.items() if len(docs) > 1}
    extra = [q for q in s.seq_docs if not 0 <= q < n]
    if s.docs != n:
        r.failures.append(f"Elasticsearch holds {s.docs} documents, expected {n}")
    if len(s.ids) != s.docs:
        r.failures.append(f"{s.docs - len(s.ids)} documents share an event.id")
    if r.missing:
        r.failures.append(f"{len(r.missing)} seqs missing")
    if r.doubled:
        r.failures.append(f"{len(r.doubled)} seqs stored more than once")
    if extra or s.no_seq:
        r.failures.append(f"{len(extra)} seqs out of range, {s.no_seq} documents without a seq")
    for sig, k in r.expected_signatures.items():
        ids, _raw = r.sig_alerts.get(sig, (set(), 0))
        if len(ids) != 1:
            r.failures.append(f"signature #{k} ({sig[:12]}) alerted under {len(ids)} alert ids")
    unexpected = set(r.sig_alerts) - set(r.expected_signatures)
    if unexpected:
        r.failures.append(f"new_signature alerts for {len(unexpected)} signatures never generated")
    r.details = place(r)


def place(r: Result) -> list[str]:
    """Where missing or doubled seqs were written: per file generation (how it was rotated, how
    many of its seqs, which range), then a few examples with the documents stored."""
    nf = r.plan.nfiles
    out: list[str] = []
    touched: set[tuple[str, int]] = set()
    for label, seqs in (("missing", r.missing), ("doubled", sorted(r.doubled))):
        groups: dict[tuple[str, int], list[int]] = {}
        for q in seqs:
            g = r.manifest.where(q, nf)
            groups.setdefault((g.file, g.number) if g else ("?", -1), []).append(q)
        touched |= set(groups)
        for (f, num), qs in sorted(groups.items()):
            g = r.manifest.where(qs[0], nf)
            size = (g.last_seq - g.first_seq) // nf + 1 if g else 0
            how = (g.rotated_as or "not rotated") if g else "?"
            when = f" at {g.rotated_at_s:.1f}s" if g and g.rotated_at_s >= 0 else ""
            out.append(f"{label}: {len(qs)} of {size} seqs of {short(f)} generation {num} (rotated by {how}{when}), "
                       f"seqs {qs[0]}..{qs[-1]}")
        for q in seqs[:4]:
            out.append(f"  e.g. seq {q}: " + ", ".join(f"{short(p)}@{off}" for _e, p, off in r.doubled.get(q, [])))
    for kind in ("copytruncate", "rename", "rename+gzip", ""):
        gens = [g for g in r.manifest.generations if g.rotated_as == kind]
        bad = sum(1 for g in gens if (g.file, g.number) in touched)
        out.append(f"generations {'rotated by ' + kind if kind else 'never rotated'}: {bad} of {len(gens)} "
                   "with a missing or doubled seq")
    during = [g for g in r.manifest.generations if g.born_and_rotated_on_request]
    bad = sum(1 for g in during if (g.file, g.number) in touched)
    out.append(f"generations born and rotated during a Kafka outage: {bad} of {len(during)} with a missing or "
               "doubled seq")
    if touched:
        out.append("chaos (seconds after the first write): " + ", ".join(
            f"{t:.1f} {kind[5:] if kind.startswith('kill:') else kind}{' ' + who if who else ''}"
            for t, kind, who in r.log.done))
    if r.scan is not None:
        out += [f"document without a seq: {e}" for e in r.scan.no_seq_examples]
    out += [f"new_signature alert of no generated signature: {u}" for u in r.unexpected_alerts]
    for sig, k in sorted(r.expected_signatures.items(), key=lambda kv: kv[1]):
        ids, raw = r.sig_alerts.get(sig, (set(), 0))
        out.append(f"signature #{k} {sig}: {len(ids)} alert id(s), {raw} record(s)")
    return out


def table(r: Result) -> str:
    p, c, s = r.plan, r.chaos, r.scan
    rows: list[tuple[str, str]] = [
        ("events written (N)", f"{p.events:,} in {p.nfiles} files ({len(p.hosts)} hosts), {p.rate_per_s:,.0f}/s"),
        ("rotations", ", ".join(f"{k} {v}" for k, v in r.rotations.items()) + f" (every {p.rotate_every:,} events)"),
        ("ERROR events / signatures", f"every {p.error_every}th event, {p.signatures} throw sites"),
        ("kill -9", f"shipper {count(r, 'kill:shipper')}/{c.shipper_kills}, indexer {count(r, 'kill:indexer')}/"
                    f"{c.indexer_kills}, alerter {count(r, 'kill:alerter')}/{c.alerter_kills}"),
        ("Kafka restarts", f"{len(r.log.kafka_down_s)} ({', '.join(f'{d:.0f}s' for d in r.log.kafka_down_s)} down); "
                           f"meanwhile {sum(g.born_and_rotated_on_request for g in r.manifest.generations)} "
                           "generations born and renamed out of the globs "
                           f"(hosts {', '.join(p.narrow_hosts) or 'none'} follow app-*.log only)"),
        ("Elasticsearch outage", ", ".join(f"{d:.0f}s down (stopped {c.es_down_s:.0f}s + start)" for d in r.log.es_down_s)
         or "none"),
        ("stage exits not caused by the run",
         ", ".join(f"{k}: {v[2]}" for k, v in r.stages.items() if v[2]) or "none"),
    ]
    for name, secs in r.phases.items():
        rows.append((f"phase: {name}", f"{secs:,.1f}s"))
    e2e = r.phases.get("end to end (first line to caught up)")
    if e2e:
        rows.append(("throughput end to end", f"{p.events / e2e:,.0f} events/s into Elasticsearch"))
    if s is not None:
        rows += [
            ("Elasticsearch documents", f"{s.docs:,} (distinct event.id {len(s.ids):,}, expected {p.events:,})"),
            ("seqs missing / doubled", f"{len(r.missing)} / {len(r.doubled)}"),
        ]
    raw = sum(v[1] for v in r.sig_alerts.values())
    one = sum(1 for sig in r.expected_signatures if len(r.sig_alerts.get(sig, (set(), 0))[0]) == 1)
    rows += [
        ("new signatures alerted once", f"{one}/{len(r.expected_signatures)} (distinct ids "
         f"{sum(len(v[0]) for v in r.sig_alerts.values())}, raw records {raw})"),
        ("alerts by rule", ", ".join(f"{k} {v}" for k, v in sorted(r.alert_rules.items())) or "none"),
        ("final lag index / alert", f"{r.final_lags[0]} / {r.final_lags[1]}" + (" (stalled)" if r.stalled else "")),
        ("verdict", "PASS" if r.passed else "FAIL: " + "; ".join(r.failures)),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [f"run dir: {r.run_dir}"] + r.details
    return "\n".join(lines)


def count(r: Result, kind: str) -> int:
    return sum(1 for _t, k, _d in r.log.done if k == kind)


def short(path: str) -> str:
    """`host/file` of a generated log path."""
    p = Path(path)
    return f"{p.parent.name}/{p.name}"
