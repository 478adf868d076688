"""The chaos run: the whole pipeline under kill -9, broker restarts and an Elasticsearch
outage, then an exact check. Exits 1 unless Elasticsearch holds exactly N documents,
every sequence number once, and every new signature was alerted under one alert id.

Host b's shipper follows `app-*.log` only (rotated names unmatched, rename rotation); at
every broker restart each of its files gets a generation born, written and renamed away
while Kafka is down. Host a follows `app-*.log*` with rename and copytruncate alternating.

    python3 bench/chaos.py --events 1000000          # the full run (about 4,000 events/s)
    python3 bench/chaos.py --events 20000 --small    # the test suite's variant

Private Kafka and Elasticsearch on 19092/19200 (never the shared 9092/9200; `--kafka-port 0
--es-port 0`: free ports chosen for the run); state and logs under bench/out/. The ports
are reserved while it runs: a second run on them, or a service on them that the run did
not start, stops it at once with a message (exit 2).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.chaos.report import table  # noqa: E402
from bench.chaos.run import Options, run  # noqa: E402
from bench.chaos.schedule import Chaos  # noqa: E402
from bench.chaos.services import ServicesUnavailable  # noqa: E402
from bench.chaos.writer import Plan  # noqa: E402

SMALL_CHAOS = Chaos(shipper_kills=3, indexer_kills=2, alerter_kills=1, kafka_restarts=1, es_down_s=10)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--rate", type=float, default=None, help="events/s written (default: 4000, --small 500)")
    ap.add_argument("--rotate-every", type=int, default=None, help="events per file generation (default 50000, "
                                                                    "--small 800)")
    ap.add_argument("--signatures", type=int, default=12)
    ap.add_argument("--small", action="store_true", help="fewer disturbances (shipper 3, indexer 2, alerter 1, "
                                                         "1 Kafka restart, Elasticsearch down 10s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kafka-port", type=int, default=19092, help="and the next one (controller); 0: free ports")
    ap.add_argument("--es-port", type=int, default=19200, help="and this + 100 (transport); 0: free ports")
    a = ap.parse_args(argv)
    plan = Plan(a.events, rotate_every=a.rotate_every or (800 if a.small else 50_000),
                signatures=a.signatures, rate_per_s=a.rate or (500.0 if a.small else 4000.0))
    base = SMALL_CHAOS if a.small else Chaos()
    chaos = Chaos(base.shipper_kills, base.indexer_kills, base.alerter_kills, base.kafka_restarts, base.es_down_s,
                  seed=a.seed)
    try:
        res = asyncio.run(run(Options(plan, chaos, kafka_port=a.kafka_port, es_port=a.es_port)))
    except ServicesUnavailable as exc:
        print(f"chaos: {exc}", file=sys.stderr)
        return 2
    print(table(res))
    return 0 if res.passed else 1


if __name__ == "__main__":
    sys.exit(main())
