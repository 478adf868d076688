"""The stage processes of `logpipe run`, supervised as one.

    supervisor = Supervisor([handoff_ship, handoff_index, handoff_alert])
    loop.add_signal_handler(signal.SIGTERM, supervisor.request_stop)
    outcomes = await supervisor.run()       # in the order the stages ended

The first stage to end (a failure, or a clean exit nobody asked for) stops the others;
`request_stop()` (SIGTERM/SIGINT to `run`) stops all of them. Either way every stage is
awaited: each checkpoints or commits what it finished before it exits.
"""

from __future__ import annotations

import asyncio
import logging

from pipeline.supervise.handoff import Handoff, Outcome
from pipeline.supervise.process import StageProcess

log = logging.getLogger(__name__)


class Supervisor:
    def __init__(self, handoffs: list[Handoff]) -> None:
        self.stages = [StageProcess(h) for h in handoffs]
        self._stop = asyncio.Event()
        self._started: list[StageProcess] = []

    def request_stop(self) -> None:
        """Idempotent; safe from a signal handler."""
        self._stop.set()
        for stage in self._started:
            stage.stop()

    async def run(self) -> list[Outcome]:
        ended: list[Outcome] = []
        try:
            for stage in self.stages:
                if self._stop.is_set():
                    break
                self._started.append(stage)  # before it starts: a start that fails half-way is stopped too
                await stage.start()
            waits = [asyncio.create_task(self._wait(stage, ended), name=stage.name) for stage in self._started]
            stop = asyncio.create_task(self._stop.wait(), name="stop")
            try:
                await asyncio.wait([*waits, stop], return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.cancel()
            if ended and not self._stop.is_set():
                first = ended[0]
                log.log(logging.INFO if first.ok else logging.ERROR, "stage %s ended (%s); stopping the others",
                        first.stage, "cleanly" if first.ok else first.describe())
            self.request_stop()
            await asyncio.gather(*waits)
            return ended
        finally:
            self.request_stop()  # cancelled, or a start failed: the started stages still stop cleanly
            await asyncio.gather(*(stage.wait() for stage in self._started), return_exceptions=True)

    @staticmethod
    async def _wait(stage: StageProcess, ended: list[Outcome]) -> None:
        outcome = await stage.wait()
        ended.append(outcome)
