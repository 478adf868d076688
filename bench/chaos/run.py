"""One chaos run from start to verdict: private services, stages, writer and chaos, catch-up,
then the exact checks (`report.verdict`)."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.chaos import check
from bench.chaos.report import Result, verdict
from bench.chaos.schedule import Chaos, Log, plan, run_chaos, supervise
from bench.chaos.services import PrivateStack
from bench.chaos.stages import make_stages, stage_env, stop_all, write_configs
from bench.chaos.writer import Plan, Writer

EVENTS_TOPIC, ALERTS_TOPIC = "logpipe.events", "logpipe.alerts"
INDEX_GROUP, ALERT_GROUP = "logpipe-index", "logpipe-alert"


@dataclass
class Options:
    plan: Plan
    chaos: Chaos = field(default_factory=Chaos)
    indexers: int = 2
    alerters: int = 2
    out_dir: Path = Path(__file__).resolve().parents[1] / "out"
    kafka_port: int = 19092  # 0: free ports chosen for the run
    es_port: int = 19200
    home_name: str | None = None  # the services' home under out_dir (default: named by the ports)
    quiet_s: float = 10.0  # nothing new for this long, lags 0 and N documents: caught up
    stall_s: float = 90.0  # nothing new for this long: give up waiting (something is lost)
    catch_up_max_s: float = 3600.0


def say(msg: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {msg}", flush=True)


async def run(opts: Options) -> Result:
    p = opts.plan
    # ports and home first: when they are another run's, this one stops before it leaves anything
    stack = PrivateStack.at(opts.out_dir, opts.kafka_port, opts.es_port, opts.home_name)
    run_dir = (opts.out_dir / f"chaos-{p.events}-{time.strftime('%Y%m%d-%H%M%S')}").resolve()
    (run_dir / "logs").mkdir(parents=True)
    res = Result(plan=p, chaos=opts.chaos, run_dir=run_dir)
    stages: dict = {}
    writer: Writer | None = None
    supervisor: asyncio.Task | None = None
    t_start = time.monotonic()
    try:
        say(f"starting private Kafka {stack.bootstrap} and Elasticsearch {stack.es_url}")
        await stack.up()
        res.phases["services up"] = time.monotonic() - t_start
        configs = write_configs(run_dir, p.hosts, stack.bootstrap, stack.es_url, p.narrow_hosts)
        res.expected_signatures = check.expected_signatures(configs[f"ship-{p.hosts[0]}"], p.signatures_used())
        stages = make_stages(configs, p.hosts, stage_env(stack.bootstrap, stack.es_url), opts.indexers, opts.alerters)
        for group in stages.values():
            for s in group:
                s.start()
        await shippers_following(run_dir, p.hosts)
        rng = random.Random(opts.chaos.seed)
        window_s = p.events / p.rate_per_s
        actions = plan(opts.chaos, window_s, rng)
        writer = Writer(run_dir / "logs", p)
        say(f"writing {p.events} events at {p.rate_per_s:.0f}/s into {p.nfiles} files; {len(actions)} disturbances "
            f"over {window_s:.0f}s")
        t_write = time.monotonic()
        writer.start()
        stop_supervising = asyncio.Event()
        supervisor = asyncio.create_task(supervise(stages, stop_supervising))
        res.log = Log()
        await run_chaos(actions, stages, stack, opts.chaos, rng, res.log, writer)
        await asyncio.to_thread(writer.join)
        if writer.error is not None:
            raise writer.error
        res.phases["write (with chaos)"] = time.monotonic() - t_write
        res.manifest, res.rotations = writer.manifest, writer.rotations
        t_catch = time.monotonic()
        say("writing and chaos done; waiting for the pipeline to catch up")
        await catch_up(opts, res, stack)
        res.phases["catch-up after writing"] = time.monotonic() - t_catch
        res.phases["end to end (first line to caught up)"] = time.monotonic() - t_write
        stop_supervising.set()
        await supervisor
        res.stages = {s.name: (s.starts, s.kills, list(s.exits)) for g in stages.values() for s in g}
        await asyncio.to_thread(stop_all, stages)
        t_check = time.monotonic()
        res.scan = await check.scan(stack.es_url)
        alerts = await check.read_topic(stack.bootstrap, ALERTS_TOPIC)
        res.alert_rules = {}
        for a in alerts:
            res.alert_rules[a.get("rule", "?")] = res.alert_rules.get(a.get("rule", "?"), 0) + 1
        res.sig_alerts = check.signature_alerts(alerts, res.expected_signatures, res.unexpected_alerts)
        res.phases["check"] = time.monotonic() - t_check
    finally:
        if writer is not None:
            writer.stop_requested.set()
        if supervisor is not None and not supervisor.done():
            supervisor.cancel()  # else it revives the stages stopped below
            await asyncio.gather(supervisor, return_exceptions=True)
        if stages:
            await asyncio.to_thread(stop_all, stages)
        try:
            await stack.down()
        finally:
            stack.release()
        res.phases["total"] = time.monotonic() - t_start
    verdict(res)
    return res


async def shippers_following(run_dir: Path, hosts: tuple[str, ...], timeout_s: float = 120.0) -> None:
    """Deployed shippers run before the applications write: wait until each has saved its
    checkpoints once (it follows its globs), as an operator's rollout would."""
    deadline = time.monotonic() + timeout_s
    for h in hosts:
        while not (run_dir / "state" / f"ship-{h}" / "checkpoints.json").exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"shipper of host {h} did not start within {timeout_s:.0f}s")
            await asyncio.sleep(0.2)


async def catch_up(opts: Options, res: Result, stack: PrivateStack) -> None:
    """Polls the ES count and both groups' lag until N documents, lags 0 and a quiet spell."""
    n = opts.plan.events
    t0 = time.monotonic()
    last, last_change = None, time.monotonic()
    while time.monotonic() - t0 < opts.catch_up_max_s:
        try:
            ends = await check.end_offsets(stack.bootstrap, EVENTS_TOPIC)
            ilag = await check.lag(stack.bootstrap, INDEX_GROUP, ends)
            alag = await check.lag(stack.bootstrap, ALERT_GROUP, ends)
        except Exception as exc:  # a broker hiccup while polling: try again
            say(f"lag poll failed: {exc!r}")
            await asyncio.sleep(2)
            continue
        count = await check.es_count(stack.es_url)
        state = (count, sum(ends.values()), ilag, alag)
        if state != last:
            last, last_change = state, time.monotonic()
            say(f"es docs {count}/{n}, events topic {sum(ends.values())}, index lag {ilag}, alert lag {alag}")
        quiet = time.monotonic() - last_change
        res.final_lags = (ilag, alag)
        if count >= n and ilag == 0 and alag == 0 and quiet >= opts.quiet_s:
            return
        if quiet >= opts.stall_s:
            say(f"no progress for {quiet:.0f}s: stop waiting")
            res.stalled = True
            return
        await asyncio.sleep(2)
    res.stalled = True

