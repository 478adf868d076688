"""The shipper's Kafka record batch (`RecordBatch`, the compiled core): the bytes aiokafka's
own builder writes for the same records, read back by aiokafka's reader with a valid CRC,
compressed by its holder, built once."""

from __future__ import annotations

import os

import pytest
from aiokafka.codec import zstd_decode, zstd_encode
from aiokafka.record._crecords.default_records import DefaultRecordBatchBuilder
from aiokafka.record.default_records import DefaultRecordBatch
from hypothesis import given, settings
from hypothesis import strategies as st

from sinks.record_batch import RecordBatch, compress

CODES = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
BASE_MS = 1_764_000_000_000


def aiokafka_batch(records, codec: str, max_bytes: int, state=(4711, 2, 96)) -> tuple[bytes, int]:
    builder = DefaultRecordBatchBuilder(2, CODES[codec], is_transactional=0, producer_id=-1, producer_epoch=-1,
                                        base_sequence=0, batch_size=max_bytes)
    n = 0
    for i, (key, value, ts) in enumerate(records):
        if builder.append(i, ts, key, value, []) is None:
            break
        n += 1
    builder.set_producer_state(*state)
    return bytes(builder.build()), n


def our_batch(records, codec: str, max_bytes: int, state=(4711, 2, 96)) -> tuple[bytes, int]:
    batch = RecordBatch(max_bytes, codec)
    n = 0
    for key, value, ts in records:
        if batch.append(key, value, ts) is None:
            break
        n += 1
    batch.close()
    compress(batch)
    batch._set_producer_state(*state)
    return batch._build(), n


RECORDS = [(b"host|/var/log/pay.log", b'{"message":"\xe8\x80\x97\xe6\x97\xb6 %dms"}' % i * (1 + i % 5), BASE_MS + i * 7)
           for i in range(400)]


@pytest.mark.parametrize("codec", ["none", "snappy", "lz4", "zstd"])  # gzip's header holds the time
def test_the_batch_is_what_aiokafkas_builder_writes_for_the_same_records(codec):
    ours, n = our_batch(RECORDS, codec, 16384)
    theirs, m = aiokafka_batch(RECORDS, codec, 16384)
    assert 0 < n == m < len(RECORDS)  # full at the same record
    assert ours == theirs


def test_aiokafkas_reader_takes_the_batch_with_its_producer_state_and_records():
    records = [(b"k", b"first", BASE_MS), (None, b"no key", BASE_MS - 5000), (b"k", None, BASE_MS + 3)]
    built, n = our_batch(records, "zstd", 1 << 20)
    batch = DefaultRecordBatch(built)
    assert batch.validate_crc()
    assert (batch.producer_id, batch.producer_epoch, batch.base_sequence) == (4711, 2, 96)
    assert batch.compression_type == 4
    assert [(r.offset, r.key, r.value, r.timestamp) for r in batch] == \
        [(i, key, value, ts) for i, (key, value, ts) in enumerate(records)]


@pytest.mark.parametrize("codec", list(CODES))
def test_aiokafkas_reader_reads_the_records_back_in_every_codec(codec):
    built, n = our_batch(RECORDS, codec, 1 << 20)
    batch = DefaultRecordBatch(built)
    assert batch.validate_crc() and batch.compression_type == CODES[codec]
    assert [(r.key, r.value, r.timestamp) for r in batch] == RECORDS[:n] and n == len(RECORDS)


def test_the_records_go_compressed_as_the_holder_compressed_them():
    dense = RecordBatch(1 << 20, "zstd")
    for i in range(200):
        dense.append(b"k", b'{"level":"INFO","message":"order %d paid"}' % i)
    dense.close()
    written = dense.records()
    compress(dense)
    dense._set_producer_state(1, 0, 0)
    batch = DefaultRecordBatch(dense._build())
    assert batch.compression_type == 4 and batch.validate_crc()
    assert zstd_decode(zstd_encode(written)) == written and dense.size() < len(written)
    assert [r.value for r in batch][199] == b'{"level":"INFO","message":"order 199 paid"}'

    plain = RecordBatch(1 << 20, "none")
    plain.append(b"k", os.urandom(4096))
    compress(plain)  # nothing to do
    assert DefaultRecordBatch(plain._build()).compression_type == 0


def test_a_first_record_always_goes_in_and_a_closed_batch_takes_none():
    batch = RecordBatch(100, "none")
    assert batch.append(b"k", b"x" * 500) is True  # over the bound, but the first
    assert batch.append(b"k", b"y") is None
    assert batch.record_count() == 1
    other = RecordBatch(1 << 20, "none")
    other.close()
    assert other.closed() and other.append(b"k", b"y") is None and other.record_count() == 0


def test_the_batch_is_built_once_so_a_retry_sends_the_same_bytes():
    batch = RecordBatch(1 << 20, "none")
    batch.append(b"k", b"v")
    batch._set_producer_state(7, 0, 0)
    first = batch._build()
    batch._set_producer_state(8, 1, 5)  # too late: the bytes are out
    assert batch._build() is first and batch.size() == len(first)
    with pytest.raises(RuntimeError):
        batch.set_compressed(b"z")


def test_what_the_batch_does_not_write_is_refused_by_name():
    with pytest.raises(NotImplementedError, match="brotli"):
        RecordBatch(1024, "brotli")
    with pytest.raises(NotImplementedError, match="headers"):
        RecordBatch(1024, "none").append(b"k", b"v", None, [("h", b"1")])
    assert RecordBatch(1024, "none").append(b"k", b"v", None, []) is True  # aiokafka's call, no headers


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.none() | st.binary(max_size=40), st.none() | st.binary(max_size=300),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=60),
       st.integers(64, 4096), st.sampled_from(["none", "zstd"]))
def test_any_records_make_the_bytes_aiokafka_makes(records, max_bytes, codec):
    records = [(k, v, BASE_MS + dt) for k, v, dt in records]
    assert our_batch(records, codec, max_bytes) == aiokafka_batch(records, codec, max_bytes)
