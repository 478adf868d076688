"""Which offset of a file may be checkpointed: everything before the first event that
Kafka has not yet acknowledged.

Events of one file are sent in offset order; acknowledgements may complete in any
order. The checkpoint is the offset of the oldest unacknowledged event, or, when all
are acknowledged, the assembler's resume offset (bytes that made no event, such as
blank lines, need no acknowledgement).
"""

from __future__ import annotations

from collections import deque


class AckTracker:
    __slots__ = ("_pending", "_done")

    def __init__(self) -> None:
        self._pending: deque[int] = deque()  # offsets of sent, not yet acknowledged events (in order)
        self._done: set[int] = set()  # acknowledged offsets still behind an unacknowledged one

    def sent(self, offset: int) -> None:
        self._pending.append(offset)

    def acked(self, offset: int) -> None:
        self._done.add(offset)
        pending, done = self._pending, self._done
        while pending and pending[0] in done:
            done.discard(pending.popleft())

    @property
    def outstanding(self) -> int:
        return len(self._pending)

    def safe_offset(self, resume_offset: int) -> int:
        """The offset a reader may restart from without losing an unacknowledged event."""
        return self._pending[0] if self._pending else resume_offset
