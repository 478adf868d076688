"""How far into each events partition the alerter's state goes: the records
`pos/<events topic>/<partition>` = `{"offset": next offset included}`. An event below
its partition's position is already counted in the state and is skipped, so a replay
(a crash after the state was written, offsets reset on purpose) counts nothing twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiokafka import TopicPartition


class EventPositions:
    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._prefix = f"pos/{topic}/"
        self.by_partition: dict[int, int] = {}  # events partition -> next offset included in the state

    def observe(self, records: Mapping[str, Any]) -> None:
        """Take the positions among state records (loaded, or written by a peer)."""
        for key, value in records.items():
            if key.startswith(self._prefix) and isinstance(value, dict) and isinstance(value.get("offset"), int):
                part = int(key[len(self._prefix):])
                self.by_partition[part] = max(self.by_partition.get(part, -1), value["offset"])

    def below(self, partition: int) -> int:
        """Events of `partition` below this offset are in the state already (-1: none)."""
        return self.by_partition.get(partition, -1)

    def advance(self, offsets: Mapping[TopicPartition, int]) -> dict[str, Any]:
        """Move to the next offsets of a batch; the state records of the positions that moved."""
        records: dict[str, Any] = {}
        for tp, offset in offsets.items():
            if offset > self.below(tp.partition):
                self.by_partition[tp.partition] = offset
                records[f"{self._prefix}{tp.partition}"] = {"offset": offset}
        return records
