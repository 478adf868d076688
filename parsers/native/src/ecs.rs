//! An event's ECS document as JSON bytes: the one mapping of `parsers.event.Event` to the
//! document that goes to Kafka and Elasticsearch (`Event.to_json()`; `Event.to_ecs()` reads
//! those bytes back). The bytes are orjson's for the same document: compact, keys in the
//! order below, non-ASCII text as UTF-8, `"`, `\` and control characters escaped as orjson
//! escapes them. A value of a type this writer does not spell itself (a float, an integer
//! past 64 bits, an object) is handed to `dumps` (orjson's), whose bytes (or error) it takes.
//!
//! The event's fields are read from its slots (`slots.rs`), their offsets taken once, when the
//! writer is made for the class, for instances of exactly that class (an instance of a subclass
//! is read through its attributes: it may declare a field's slot again).

use std::io::Write;

use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PyString, PyTuple, PyType};

use crate::slots;

const HEX: &[u8; 16] = b"0123456789abcdef";

const ONES: u64 = 0x0101_0101_0101_0101;

/// Whether any of the 8 bytes of `x` is a control character, `"` or `\\` (bytes past
/// ASCII are not): the zero-byte tests of `x` below 0x20, `x ^ '"'` and `x ^ '\\'`.
fn needs_escape(x: u64) -> bool {
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v;
    (below(x, 0x20) | below(x ^ (ONES * b'"' as u64), 1) | below(x ^ (ONES * b'\\' as u64), 1)) & (ONES * 0x80) != 0
}

/// `s` as a JSON string, escaped as orjson does.
fn write_str(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    buf.reserve(b.len() + 2);
    buf.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if i + 8 <= b.len() && !needs_escape(u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"))) {
            i += 8;
            continue;
        }
        let c = b[i];
        i += 1;
        if c >= 0x20 && c != b'"' && c != b'\\' {
            continue;
        }
        buf.extend_from_slice(&b[start..i - 1]);
        match c {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            _ => buf.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
        }
        start = i;
    }
    buf.extend_from_slice(&b[start..]);
    buf.push(b'"');
}

fn py_str(buf: &mut Vec<u8>, s: &Bound<'_, PyString>) -> PyResult<()> {
    match s.to_str() {
        Ok(t) => {
            write_str(buf, t);
            Ok(())
        }
        Err(_) => Err(PyTypeError::new_err("str is not valid UTF-8: surrogates not allowed")),
    }
}

struct Writer<'a, 'py> {
    buf: Vec<u8>,
    dumps: &'a Bound<'py, PyAny>,
}

impl<'a, 'py> Writer<'a, 'py> {
    fn key(&mut self, first: &mut bool, name: &str) {
        if !*first {
            self.buf.push(b',');
        }
        *first = false;
        self.buf.push(b'"');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    fn delegate(&mut self, v: &Bound<'py, PyAny>) -> PyResult<()> {
        let out = self.dumps.call1((v,))?;
        self.buf.extend_from_slice(out.cast::<PyBytes>()?.as_bytes());
        Ok(())
    }

    fn value(&mut self, v: &Bound<'py, PyAny>) -> PyResult<()> {
        if v.is_none() {
            self.buf.extend_from_slice(b"null");
        } else if let Ok(s) = v.cast::<PyString>() {
            py_str(&mut self.buf, s)?;
        } else if let Ok(b) = v.cast::<PyBool>() {
            self.buf.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
        } else if v.is_instance_of::<PyInt>() {
            match v.extract::<i64>() {
                Ok(n) => write!(self.buf, "{n}").expect("writing to a Vec does not fail"),
                Err(_) => self.delegate(v)?,
            }
        } else if let Ok(list) = v.cast::<PyList>() {
            self.array(list.iter())?;
        } else if let Ok(tuple) = v.cast::<PyTuple>() {
            self.array(tuple.iter())?; // orjson writes a tuple as an array too
        } else if let Ok(dict) = v.cast::<PyDict>() {
            let mark = self.buf.len();
            self.buf.push(b'{');
            let mut first = true;
            for (k, item) in dict.iter() {
                let Ok(key) = k.cast::<PyString>() else {
                    self.buf.truncate(mark); // a key that is no str: orjson's answer (its error)
                    return self.delegate(v);
                };
                if !first {
                    self.buf.push(b',');
                }
                first = false;
                py_str(&mut self.buf, key)?;
                self.buf.push(b':');
                self.value(&item)?;
            }
            self.buf.push(b'}');
        } else {
            self.delegate(v)?;
        }
        Ok(())
    }

    fn array(&mut self, items: impl Iterator<Item = Bound<'py, PyAny>>) -> PyResult<()> {
        self.buf.push(b'[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.value(&item)?;
        }
        self.buf.push(b']');
        Ok(())
    }

    /// `"key":{"name":v` when `v` is not None (the caller closes the object); whether it was.
    fn named(&mut self, first: &mut bool, key: &str, v: &Bound<'py, PyAny>) -> PyResult<bool> {
        if v.is_none() {
            return Ok(false);
        }
        self.key(first, key);
        self.buf.extend_from_slice(b"{\"name\":");
        self.value(v)?;
        Ok(true)
    }

    /// `"name":value` when the attribute is not None (`truthy`: when it is true).
    fn field(&mut self, first: &mut bool, name: &str, v: &Bound<'py, PyAny>, truthy: bool) -> PyResult<bool> {
        let present = if truthy { v.is_truthy()? } else { !v.is_none() };
        if present {
            self.key(first, name);
            self.value(v)?;
        }
        Ok(present)
    }
}

/// The fields the document is made of, each named as `Event` names it.
macro_rules! fields {
    ($($field:ident = $name:literal),* $(,)?) => {
        #[derive(Clone, Copy)]
        enum F { $($field),* }
        const NAMES: &[&str] = &[$($name),*];
    };
}

fields! {
    Timestamp = "timestamp", ReadTime = "read_time", Message = "message", Id = "id", DurationNs = "duration_ns",
    Level = "level", Logger = "logger", FilePath = "file_path", Offset = "offset", Thread = "thread", Host = "host",
    Service = "service", ErrorType = "error_type", ErrorMessage = "error_message", StackTrace = "stack_trace",
    Kind = "kind", FileId = "file_id", EndOffset = "end_offset", Signature = "signature",
    SignatureVersion = "signature_version", SignatureReasons = "signature_reasons", RootCauseType = "root_cause_type",
    RootCauseMessage = "root_cause_message", SqlStatement = "sql_statement", SqlFingerprint = "sql_fingerprint",
    SqlFingerprintId = "sql_fingerprint_id", SqlParams = "sql_params", SqlRows = "sql_rows",
    MethodName = "method_name", TableName = "table_name", TableFields = "table_fields", TraceIds = "trace_ids",
    Truncated = "truncated", Masked = "masked", Flags = "flags",
}

/// `EcsWriter(Event, orjson.dumps)`: called with an event (an instance of that class), its
/// ECS document as JSON bytes; `dumps` writes the values this writer hands over.
#[pyclass(frozen, module = "parsers._native")]
pub struct EcsWriter {
    class: Py<PyType>,
    /// each field's slot: its offset in the instance, in the order of `NAMES`
    offsets: Vec<ffi::Py_ssize_t>,
    dumps: Py<PyAny>,
}

#[pymethods]
impl EcsWriter {
    #[new]
    fn new(class: Bound<'_, PyType>, dumps: Py<PyAny>) -> PyResult<Self> {
        let offsets = NAMES.iter().map(|name| slots::object_slot(&class, name)).collect::<PyResult<_>>()?;
        Ok(EcsWriter { class: class.unbind(), offsets, dumps })
    }

    fn __call__<'py>(&self, event: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
        let py = event.py();
        let class = self.class.bind(py);
        if event.get_type().is(class) {
            let get = |f: F| -> PyResult<Bound<'py, PyAny>> {
                // SAFETY: `event`'s type is the class the offsets are of; the GIL is held.
                unsafe { slots::read(py, event, self.offsets[f as usize]) }
                    .ok_or_else(|| PyAttributeError::new_err(NAMES[f as usize]))
            };
            ecs_document(get, self.dumps.bind(py))
        } else if event.is_instance(class)? {
            // a subclass may declare a field's slot again: its attributes, as Python reads them
            ecs_document(|f: F| event.getattr(NAMES[f as usize]), self.dumps.bind(py))
        } else {
            Err(PyTypeError::new_err(format!("not an event: {}", event.get_type().name()?)))
        }
    }
}

fn ecs_document<'py>(get: impl Fn(F) -> PyResult<Bound<'py, PyAny>>, dumps: &Bound<'py, PyAny>)
    -> PyResult<Bound<'py, PyBytes>> {
    let py = dumps.py();
    let mut w = Writer { buf: Vec::with_capacity(1024), dumps };
    let (timestamp, read_time) = (get(F::Timestamp)?, get(F::ReadTime)?);
    w.buf.extend_from_slice(b"{\"@timestamp\":");
    let ts = if timestamp.is_truthy()? { &timestamp } else { &read_time };
    w.value(ts)?;
    w.buf.extend_from_slice(b",\"message\":");
    w.value(&get(F::Message)?)?;

    w.buf.extend_from_slice(b",\"event\":{\"kind\":\"event\"");
    let mut first = false;
    w.field(&mut first, "id", &get(F::Id)?, false)?;
    w.field(&mut first, "duration", &get(F::DurationNs)?, false)?;
    w.field(&mut first, "created", &read_time, false)?;
    w.buf.push(b'}');

    let (level, logger, path, offset) = (get(F::Level)?, get(F::Logger)?,
                                         get(F::FilePath)?, get(F::Offset)?);
    if !(level.is_none() && logger.is_none() && path.is_none() && offset.is_none()) {
        w.buf.extend_from_slice(b",\"log\":{");
        let mut first = true;
        w.field(&mut first, "level", &level, false)?;
        w.field(&mut first, "logger", &logger, false)?;
        if !path.is_none() {
            w.key(&mut first, "file");
            w.buf.extend_from_slice(b"{\"path\":");
            w.value(&path)?;
            w.buf.push(b'}');
        }
        w.field(&mut first, "offset", &offset, false)?;
        w.buf.push(b'}');
    }
    let mut first = false; // the document's fields so far: @timestamp, message, event
    let thread = get(F::Thread)?;
    if !thread.is_none() {
        w.key(&mut first, "process");
        w.buf.push(b'{');
        let mut inner = true;
        w.named(&mut inner, "thread", &thread)?;
        w.buf.extend_from_slice(b"}}");
    }
    for (attr, key) in [(F::Host, "host"), (F::Service, "service")] {
        if w.named(&mut first, key, &get(attr)?)? {
            w.buf.push(b'}');
        }
    }
    let error_type = get(F::ErrorType)?;
    if !error_type.is_none() {
        w.buf.extend_from_slice(b",\"error\":{\"type\":");
        w.value(&error_type)?;
        let mut inner = false;
        w.field(&mut inner, "message", &get(F::ErrorMessage)?, false)?;
        w.field(&mut inner, "stack_trace", &get(F::StackTrace)?, false)?;
        w.buf.push(b'}');
    }

    w.buf.extend_from_slice(b",\"logpipe\":{\"kind\":");
    w.value(&get(F::Kind)?)?;
    let mut first = false; // logpipe's fields so far: kind
    w.field(&mut first, "file_id", &get(F::FileId)?, false)?;
    w.field(&mut first, "end_offset", &get(F::EndOffset)?, false)?;
    let signature = get(F::Signature)?;
    if w.field(&mut first, "signature", &signature, false)? {
        w.key(&mut first, "signature_version");
        w.value(&get(F::SignatureVersion)?)?;
        w.field(&mut first, "signature_reasons", &get(F::SignatureReasons)?, true)?;
    }
    let root_type = get(F::RootCauseType)?;
    if !root_type.is_none() {
        w.key(&mut first, "root_cause");
        w.buf.extend_from_slice(b"{\"type\":");
        w.value(&root_type)?;
        w.buf.extend_from_slice(b",\"message\":");
        w.value(&get(F::RootCauseMessage)?)?;
        w.buf.push(b'}');
    }
    let (statement, fingerprint) = (get(F::SqlStatement)?, get(F::SqlFingerprint)?);
    if !(statement.is_none() && fingerprint.is_none()) {
        w.key(&mut first, "sql");
        w.buf.push(b'{');
        let mut inner = true;
        w.field(&mut inner, "statement", &statement, false)?;
        if w.field(&mut inner, "fingerprint", &fingerprint, false)? {
            w.key(&mut inner, "fingerprint_id");
            w.value(&get(F::SqlFingerprintId)?)?;
        }
        w.field(&mut inner, "params", &get(F::SqlParams)?, false)?;
        w.field(&mut inner, "rows", &get(F::SqlRows)?, false)?;
        w.buf.push(b'}');
    }
    if w.named(&mut first, "method", &get(F::MethodName)?)? {
        w.buf.push(b'}');
    }
    if w.named(&mut first, "table", &get(F::TableName)?)? {
        w.buf.extend_from_slice(b",\"fields\":");
        let fields = get(F::TableFields)?;
        if fields.is_truthy()? {
            w.value(&fields)?;
        } else {
            w.buf.extend_from_slice(b"{}");
        }
        w.buf.push(b'}');
    }
    w.field(&mut first, "trace_ids", &get(F::TraceIds)?, true)?;
    if get(F::Truncated)?.is_truthy()? {
        w.key(&mut first, "truncated");
        w.buf.extend_from_slice(b"true");
    }
    w.field(&mut first, "masked", &get(F::Masked)?, true)?;
    w.field(&mut first, "flags", &get(F::Flags)?, true)?;
    w.buf.extend_from_slice(b"}}");
    Ok(PyBytes::new(py, &w.buf))
}
