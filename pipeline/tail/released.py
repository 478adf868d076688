"""Files read to their end and let go whose last events Kafka has not acknowledged yet.

A drained file (rotated away or deleted, read to its end, idle) is released by the tailer,
but its checkpoint is settled only once the shipper has committed its events' acks. Until
then its descriptor is kept here: should Kafka go away meanwhile, the next life reads what
is owed from the checkpoint, and a generation deleted during the outage (rotated out of a
small window while shipping waited) exists only through this descriptor; it is handed
over with the others (`pipeline.tail.handover`). A descriptor is closed as soon as its
checkpoint is settled (or gone), and all of them when the tailer stops.
"""

from __future__ import annotations

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.descriptors import Descriptors
from pipeline.tail.followed import Followed


class ReleasedOwing:
    def __init__(self, descriptors: Descriptors) -> None:
        self._descriptors = descriptors
        self._files: dict[str, Followed] = {}  # identity key -> the released file, its descriptor open

    def __contains__(self, f: Followed) -> bool:
        return f.identity is not None and self._files.get(f.identity.key) is f

    def keep(self, f: Followed) -> None:
        """`f` is released with its descriptor open and its checkpoint not settled: hold it."""
        assert f.identity is not None and f.fd is not None
        self._descriptors.forget(f)
        earlier = self._files.get(f.identity.key)
        if earlier is not None and earlier is not f:
            self._descriptors.close(earlier)
        self._files[f.identity.key] = f

    def files(self) -> list[Followed]:
        return list(self._files.values())

    def give_up(self, f: Followed) -> None:
        """`f`'s descriptor went to another tailer (handed over): no longer ours to close."""
        if f in self:
            del self._files[f.identity.key]  # type: ignore[union-attr]

    def close_settled(self, checkpoints: CheckpointStore) -> None:
        """Closes the descriptors whose checkpoints owe nothing any more."""
        for key, f in list(self._files.items()):
            entry = checkpoints.get(key)
            if entry is None or entry.settled or entry.identity.generation != f.identity.generation:  # type: ignore[union-attr]
                del self._files[key]
                self._descriptors.close(f)

    def close_all(self) -> None:
        for f in self._files.values():
            self._descriptors.close(f)
        self._files.clear()
