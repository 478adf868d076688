"""`logpipe stack up|down|status`: the local Kafka and Elasticsearch (development and demo)."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from pipeline.cli import exits


def add_parser(sub) -> None:
    st = sub.add_parser("stack", help="the local Kafka and Elasticsearch")
    st.add_argument("action", choices=["up", "down", "status"])
    st.add_argument("--home", help="state directory (default: $LOGPIPE_HOME or .logpipe)")
    st.add_argument("--kafka-port", type=int, default=9092)
    st.add_argument("--es-port", type=int, default=9200)
    st.add_argument("--timeout", type=float, default=180, help="seconds to wait for both to answer")
    st.set_defaults(func=cmd_stack)


def _home(args: argparse.Namespace) -> Path:
    return Path(args.home or os.environ.get("LOGPIPE_HOME") or ".logpipe")


def cmd_stack(args: argparse.Namespace) -> int:
    from pipeline.stack.local import Stack, format_status

    stack = Stack.at(_home(args), kafka_port=args.kafka_port, es_port=args.es_port)
    if args.action == "up":
        timings = asyncio.run(stack.up(timeout_s=args.timeout))
        print(f"kafka          {stack.kafka.address}  (logs: {stack.kafka.logs_dir})")
        print(f"kafka SASL_SSL {stack.kafka.secure.address}  (CA, users, passwords: {stack.kafka.secure.client_file})")
        print(f"elasticsearch  {stack.elasticsearch.url}  (logs: {stack.elasticsearch.home / 'logs'})")
        print(f"ready in {timings['total_s']:.1f}s (prepare {timings['prepare_s']:.1f}s, "
              f"start {timings['start_s']:.1f}s, Kafka users and ACLs {timings['secure_s']:.1f}s)")
        return exits.OK
    if args.action == "down":
        asyncio.run(stack.down())
        print("stopped")
        return exits.OK
    rows = asyncio.run(stack.status())
    print(format_status(rows))
    return exits.OK if all(r.health in ("up", "green", "yellow") for r in rows) else exits.UNAVAILABLE
