"""The shipper's Kafka record batches and their compression off the event loop.

`RecordBatch` (parsers/native/src/record_batch.rs) writes the records of a batch as
Kafka's format v2 has them, byte for byte what aiokafka's builder writes, and leaves
the compression of its records to its holder: `compress()` runs the codec on a worker
thread (the codecs release the GIL while they work), so the next events are parsed
while a batch is compressed. aiokafka takes the batch in `send_batch()` and writes its
header (producer id, epoch, sequence, CRC-32C) with `_build()` when its sender takes it.
"""

from __future__ import annotations

from aiokafka import codec

from parsers._native import RecordBatch

__all__ = ["RecordBatch", "compress"]

# The codecs aiokafka's builder uses, by their name in Kafka's configuration.
ENCODERS = {"gzip": codec.gzip_encode, "snappy": codec.snappy_encode, "lz4": codec.lz4_encode,
            "zstd": codec.zstd_encode}


def compress(batch: RecordBatch) -> None:
    """The batch's records compressed with its codec; run on a worker thread."""
    if batch.codec != "none":
        batch.set_compressed(ENCODERS[batch.codec](batch.records()))
