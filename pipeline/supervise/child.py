"""A stage process of `logpipe run`: `python -m pipeline.supervise.child STAGE`.

Reads its `Handoff` from stdin, runs the stage until it is asked to stop (its lifeline
cut, or SIGTERM) and reports how it ended on the report pipe before it exits:
0 stopped cleanly, 2 an error that names its cause (reported as `fault`), 1 any other
error (reported as `failed`, its traceback logged here). SIGINT is ignored: Ctrl-C on
a terminal reaches the whole process group, and `run`, which gets it too, stops its
stages by cutting their lifelines; one stop request per stage, never a second.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import sys

log = logging.getLogger("pipeline.supervise.child")  # not __main__: it runs with -m


async def run_stage(handoff, stopping: list[bool]) -> None:
    from pipeline.metrics.registry import Metrics
    from pipeline.metrics.server import MetricsEndpoint
    from pipeline.supervise.handoff import write_report
    from pipeline.supervise.lifeline import watch_lifeline
    from pipeline.supervise.stages import STAGES

    metrics = Metrics()
    body = STAGES[handoff.stage](handoff.cfg, os.environ, metrics, show_status=handoff.show_status)

    def stop(why: str) -> None:
        log.info("stage %s: %s; stopping", handoff.stage, why)
        stopping.append(True)
        body.request_stop()

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop, "SIGTERM")
    unwatch = watch_lifeline(handoff.lifeline_fd, lambda: stop("asked by logpipe run, or logpipe run is gone"))
    endpoint = MetricsEndpoint(metrics, 0 if handoff.serve_metrics else None, "127.0.0.1", samplers=body.samplers)
    try:
        async with endpoint:
            if endpoint.bound_port is not None:
                write_report(handoff.report_fd, metrics_port=endpoint.bound_port)
            await body.run()
    finally:
        unwatch()
        loop.remove_signal_handler(signal.SIGTERM)


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # first: the imports below take a while
    from pipeline.cli.gc_pace import collect_less_often

    collect_less_often()  # as `run` in one process did: parsing and decoding events make few cycles
    from aiokafka.errors import KafkaConnectionError

    from pipeline.cli import exits
    from pipeline.cli.app import NAMED_CAUSES
    from pipeline.cli.logsetup import setup_logging
    from pipeline.supervise.handoff import Handoff, write_report
    from sinks.es_errors import es_faults_named
    from sinks.kafka_errors import config_faults_named

    handoff = pickle.load(sys.stdin.buffer)
    if not isinstance(handoff, Handoff):
        raise SystemExit(f"logpipe run's stage process: no hand-off on stdin ({type(handoff).__name__})")
    setup_logging(handoff.log_level, handoff.log_format)
    cfg = handoff.cfg
    stopping: list[bool] = []
    try:
        with config_faults_named(cfg.kafka), es_faults_named(cfg.elasticsearch):
            asyncio.run(run_stage(handoff, stopping))
    except NAMED_CAUSES as exc:
        write_report(handoff.report_fd, fault=str(exc))
        return exits.USAGE
    except KafkaConnectionError as exc:
        if not stopping:
            return failed(handoff, exc)
        log.warning("stage %s stopped before Kafka answered: %s", handoff.stage, exc)
    except Exception as exc:
        return failed(handoff, exc)
    return exits.OK


def failed(handoff, exc: Exception) -> int:
    """Logged here with its traceback; reported to `run`, which names the stage."""
    from pipeline.cli import exits
    from pipeline.supervise.handoff import write_report

    log.exception("stage %s failed", handoff.stage)
    write_report(handoff.report_fd, failed=repr(exc)[:2000])
    return exits.STAGE_FAILED


if __name__ == "__main__":
    sys.exit(main())
