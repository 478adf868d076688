"""`logpipe template`: the index template of the daily event indices, and bringing
indices made under an older template up to this one.

    logpipe template install                         # what the indexer does at start
    logpipe template upgrade --index 'logpipe-events-2026.11.*'

A new template applies to indices created after it (the next day's index); `upgrade`
adds the new fields to existing indices and writes their documents again, same `_id`,
so searches over past days find what a new index finds. Exit codes: 0 done, 2 usage
error, 3 Elasticsearch refused or did not answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any


from pipeline.cli import exits
from pipeline.cli.args import add_config_option, config_of
from sinks.elasticsearch import make_client


def cmd_template(args: argparse.Namespace) -> int:
    from elasticsearch import ApiError, TransportError  # the client: loaded by this command only

    from sinks.es_template import TEMPLATE_VERSION, put_template, upgrade_index

    cfg = config_of(args)
    prefix = cfg.elasticsearch.index_prefix

    async def work() -> int:
        client = make_client(cfg.elasticsearch, os.environ)
        try:
            if not await put_template(client, prefix):
                print(f"logpipe template: the cluster has a newer template {prefix} than ours "
                      f"(v{TEMPLATE_VERSION}): nothing done", file=sys.stderr)
                return exits.UNAVAILABLE
            print(f"index template {prefix} v{TEMPLATE_VERSION} installed (applies to new indices {prefix}-*)",
                  file=sys.stderr)
            if args.action == "upgrade":
                index = args.index or f"{prefix}-*"
                written = await upgrade_index(client, index)
                print(f"{index}: fields of v{TEMPLATE_VERSION} added, {written:,} document(s) written again",
                      file=sys.stderr)
            return exits.OK
        finally:
            await client.close()

    try:
        return asyncio.run(work())
    except (ApiError, TransportError, RuntimeError) as exc:
        print(f"logpipe template {args.action}: {exc}", file=sys.stderr)
        return exits.UNAVAILABLE


def add_parser(sub: Any) -> None:
    p = sub.add_parser("template", help="install the index template, or upgrade indices made under an older one")
    p.add_argument("action", choices=["install", "upgrade"])
    p.add_argument("--index", metavar="PATTERN", help="upgrade: the indices (default: every <index_prefix>-*)")
    add_config_option(p)
    p.set_defaults(func=cmd_template)
