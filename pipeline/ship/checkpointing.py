"""The shipper's checkpoints: what Kafka acknowledged of each file is committed to the
checkpoint store every `checkpoint_interval_s` and at the end of a life; a file read to
its end and wholly acknowledged is let go. A store that cannot write (disk full,
read-only) does not stop shipping: it is counted and reported once a minute.

`AckedCheckpoints` is a part of `pipeline.ship.shipper.Shipper`.
"""

from __future__ import annotations

import asyncio
import logging
import time

from pipeline.metrics.registry import Metrics
from pipeline.ship.send import ShippedFile
from pipeline.tail.checkpoint_file import CheckpointError
from pipeline.tail.checkpoints import CheckpointStore

log = logging.getLogger(__name__)


class AckedCheckpoints:
    metrics: Metrics
    store: CheckpointStore
    checkpoint_interval_s: float
    _files: dict[str, ShippedFile]
    _moved: set[str]

    async def _checkpoint_loop(self, report_every_s: float = 60.0) -> None:
        failing_since: float | None = None
        reported = 0.0
        while True:
            await asyncio.sleep(self.checkpoint_interval_s)
            try:
                await self._checkpoint(if_changed=True)
            except CheckpointError as exc:  # disk full, read-only: keep shipping; a crash now re-reads more
                self.metrics.inc("ship_checkpoint_failures")
                now = time.monotonic()
                failing_since = failing_since or now
                if now - reported >= report_every_s:  # one line a minute while it lasts, not one a second
                    reported = now
                    log.error("checkpoints not saved for %.0fs: %s (shipping goes on; a restart would re-send "
                              "since the last saved checkpoint, which Elasticsearch deduplicates)",
                              now - failing_since, exc)
                continue
            if failing_since is not None:
                log.warning("checkpoints saved again after %.0fs", time.monotonic() - failing_since)
                failing_since, reported = None, 0.0

    async def _checkpoint(self, *, if_changed: bool = False) -> None:
        """Commits what Kafka acknowledged; `if_changed` (the periodic one) looks only at the files
        fed, polled or acknowledged since the last one."""
        ids, self._moved = (self._moved, set()) if if_changed else (list(self._files), set())
        for file_id in ids:
            f = self._files.get(file_id)
            if f is None:
                continue
            offset = f.acks.safe_offset(f.assembler.resume_offset)
            if offset != f.committed:
                await self.store.commit(file_id, offset)
                f.committed = offset
            if f.final and f.acks.outstanding == 0:
                del self._files[file_id]
        await self.store.flush(if_changed=if_changed)
        self.metrics.set("ship_files", len(self._files))
