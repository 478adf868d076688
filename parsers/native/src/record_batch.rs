//! A Kafka record batch (message format v2, what a produce request carries) written by the
//! shipper itself: each record appended in one call, the records section compressed by
//! whoever holds the batch (`records()` then `set_compressed()`, on a thread of its
//! choosing), the header and its CRC-32C written once the producer's id, epoch and base
//! sequence are known (`_build()`).
//!
//! aiokafka takes it in `send_batch()` in place of its own builder: the methods it calls on
//! a builder (`close`, `closed`, `size`, `record_count`, `_set_producer_state`, `_build`,
//! and `append`, which answers None once the batch is closed) are here with its meanings.
//! Its builder compresses inside `_build()`, on the event loop's thread, after the sender
//! took the batch; this one lets the compression run beside the parse, the GIL released.

use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// baseOffset i64, batchLength i32, partitionLeaderEpoch i32, magic i8, crc u32, attributes
/// i16, lastOffsetDelta i32, baseTimestamp i64, maxTimestamp i64, producerId i64,
/// producerEpoch i16, baseSequence i32, records count i32.
const HEADER_BYTES: usize = 61;
const CRC_AT: usize = 17; // the CRC covers the batch from the attributes on
const ATTRIBUTES_AT: usize = 21;
const CODECS: [&str; 5] = ["none", "gzip", "snappy", "lz4", "zstd"]; // the attributes' low bits

/// `RecordBatch(max_bytes, codec)`: records append while the batch stays under `max_bytes`
/// (a first record always goes in, whatever its size), as aiokafka's builder does.
#[pyclass(module = "parsers._native")]
pub struct RecordBatch {
    records: Vec<u8>,
    count: i32,
    max_bytes: usize,
    codec: i16,
    first_ms: Option<i64>,
    max_ms: i64,
    closed: bool,
    compressed: Option<Vec<u8>>,
    producer: (i64, i16, i32),
    built: Option<Py<PyBytes>>,
}

/// Kafka's signed varint: zigzag, then seven bits a byte.
fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn zigzag_len(value: i64) -> usize {
    let mut v = zigzag(value);
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn put_zigzag(out: &mut Vec<u8>, value: i64) {
    let mut v = zigzag(value);
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[pymethods]
impl RecordBatch {
    #[new]
    fn new(max_bytes: usize, codec: &str) -> PyResult<Self> {
        let codec = CODECS.iter().position(|c| *c == codec)
            .ok_or_else(|| PyNotImplementedError::new_err(format!("no Kafka codec named {codec:?}")))?;
        Ok(RecordBatch { records: Vec::with_capacity(max_bytes.min(1 << 20)), count: 0, max_bytes, codec: codec as i16,
                         first_ms: None, max_ms: 0, closed: false, compressed: None, producer: (-1, -1, 0),
                         built: None })
    }

    /// True once the record is in; None when the batch is closed or the record would make it
    /// reach `max_bytes`. `timestamp`: ms since the epoch, now when None. Headers are not written.
    #[pyo3(signature = (key, value, timestamp=None, headers=None))]
    fn append(&mut self, key: Option<&[u8]>, value: Option<&[u8]>, timestamp: Option<i64>,
              headers: Option<Bound<'_, PyAny>>) -> PyResult<Option<bool>> {
        if let Some(h) = headers {
            if h.len()? > 0 {
                return Err(PyNotImplementedError::new_err("record headers are not written"));
            }
        }
        if self.closed {
            return Ok(None);
        }
        let ts = timestamp.unwrap_or_else(now_ms);
        let delta = ts - self.first_ms.unwrap_or(ts);
        let offset = self.count as i64;
        let (klen, vlen) = (key.map_or(-1, |k| k.len() as i64), value.map_or(-1, |v| v.len() as i64));
        let body = 1 + zigzag_len(delta) + zigzag_len(offset) + zigzag_len(klen) + klen.max(0) as usize
            + zigzag_len(vlen) + vlen.max(0) as usize + 1;
        let required = body + zigzag_len(body as i64);
        // full as aiokafka's builder has it: reaching the bound, not passing it
        if self.count > 0 && HEADER_BYTES + self.records.len() + required >= self.max_bytes {
            return Ok(None);
        }
        let out = &mut self.records;
        put_zigzag(out, body as i64);
        out.push(0); // attributes
        put_zigzag(out, delta);
        put_zigzag(out, offset);
        put_zigzag(out, klen);
        out.extend_from_slice(key.unwrap_or_default());
        put_zigzag(out, vlen);
        out.extend_from_slice(value.unwrap_or_default());
        out.push(0); // no headers
        self.first_ms.get_or_insert(ts);
        self.max_ms = self.max_ms.max(ts);
        self.count += 1;
        Ok(Some(true))
    }

    fn close(&mut self) {
        self.closed = true;
    }

    fn closed(&self) -> bool {
        self.closed
    }

    fn record_count(&self) -> i32 {
        self.count
    }

    /// Bytes of the batch: as written so far (uncompressed) until it is built, then as built.
    fn size(&self, py: Python<'_>) -> usize {
        match &self.built {
            Some(b) => b.bind(py).as_bytes().len(),
            None => HEADER_BYTES + self.records.len(),
        }
    }

    /// The batch's codec, by its name in Kafka's configuration.
    #[getter]
    fn codec(&self) -> &'static str {
        CODECS[self.codec as usize]
    }

    /// The records section as written, for the codec.
    fn records<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.records)
    }

    /// The records section compressed with the batch's codec: what `_build()` sends (as aiokafka's
    /// builder, even when it came out no smaller).
    fn set_compressed(&mut self, data: &[u8]) -> PyResult<()> {
        if self.built.is_some() {
            return Err(PyRuntimeError::new_err("the batch is built already"));
        }
        self.compressed = Some(data.to_vec());
        Ok(())
    }

    fn _set_producer_state(&mut self, producer_id: i64, producer_epoch: i16, base_sequence: i32) {
        self.producer = (producer_id, producer_epoch, base_sequence);
    }

    /// The batch as Kafka takes it, built once (a retry sends the same bytes).
    fn _build(&mut self, py: Python<'_>) -> PyResult<Py<PyBytes>> {
        self.closed = true;
        if let Some(b) = &self.built {
            return Ok(b.clone_ref(py));
        }
        let (payload, attributes) = match &self.compressed {
            Some(c) if self.codec != 0 => (c.as_slice(), self.codec),
            _ => (self.records.as_slice(), 0),
        };
        let mut header = Vec::with_capacity(HEADER_BYTES);
        let (pid, epoch, sequence) = self.producer;
        header.extend_from_slice(&0i64.to_be_bytes()); // base offset: the broker assigns it
        header.extend_from_slice(&((HEADER_BYTES + payload.len() - 12) as i32).to_be_bytes());
        header.extend_from_slice(&(-1i32).to_be_bytes()); // partition leader epoch: none
        header.push(2); // magic
        header.extend_from_slice(&0u32.to_be_bytes()); // crc, below
        header.extend_from_slice(&attributes.to_be_bytes()); // codec; create time; not transactional
        header.extend_from_slice(&(self.count - 1).max(0).to_be_bytes());
        header.extend_from_slice(&self.first_ms.unwrap_or(0).to_be_bytes());
        header.extend_from_slice(&self.max_ms.to_be_bytes());
        header.extend_from_slice(&pid.to_be_bytes());
        header.extend_from_slice(&epoch.to_be_bytes());
        header.extend_from_slice(&sequence.to_be_bytes());
        header.extend_from_slice(&self.count.to_be_bytes());
        debug_assert_eq!(header.len(), HEADER_BYTES);
        let crc = crc32c::crc32c_append(crc32c::crc32c(&header[ATTRIBUTES_AT..]), payload);
        header[CRC_AT..ATTRIBUTES_AT].copy_from_slice(&crc.to_be_bytes());
        // written once, into the bytes object itself (this runs on the event loop's thread)
        let built: Py<PyBytes> = PyBytes::new_with(py, HEADER_BYTES + payload.len(), |buf| {
            buf[..HEADER_BYTES].copy_from_slice(&header);
            buf[HEADER_BYTES..].copy_from_slice(payload);
            Ok(())
        })?
        .unbind();
        self.built = Some(built.clone_ref(py));
        self.records = Vec::new();
        self.compressed = None;
        Ok(built)
    }
}
