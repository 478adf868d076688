//! An event's ECS document as JSON bytes: the one mapping of `parsers.event.Event` to the
//! document that goes to Kafka and Elasticsearch (`Event.to_json()`; `Event.to_ecs()` reads
//! those bytes back). The bytes are orjson's for the same document: compact, keys in the
//! order below, non-ASCII text as UTF-8, `"`, `\` and control characters escaped as orjson
//! escapes them. A value of a type this writer does not spell itself (a float, an integer
//! past 64 bits, an object) is handed to `dumps` (orjson's), whose bytes (or error) it takes.

use std::io::Write;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `s` as a JSON string, escaped as orjson does.
fn write_str(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    buf.reserve(b.len() + 2);
    buf.push(b'"');
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c >= 0x20 && c != b'"' && c != b'\\' {
            continue;
        }
        buf.extend_from_slice(&b[start..i]);
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
        start = i + 1;
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

/// The ECS document of `event` (a `parsers.event.Event`) as JSON bytes; `dumps` is
/// `orjson.dumps`, for the values this writer hands over.
#[pyfunction]
pub fn ecs_json<'py>(event: &Bound<'py, PyAny>, dumps: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let py = event.py();
    let get = |name: &Bound<'py, PyString>| event.getattr(name);
    let mut w = Writer { buf: Vec::with_capacity(1024), dumps };
    let (timestamp, read_time) = (get(intern!(py, "timestamp"))?, get(intern!(py, "read_time"))?);
    w.buf.extend_from_slice(b"{\"@timestamp\":");
    let ts = if timestamp.is_truthy()? { &timestamp } else { &read_time };
    w.value(ts)?;
    w.buf.extend_from_slice(b",\"message\":");
    w.value(&get(intern!(py, "message"))?)?;

    w.buf.extend_from_slice(b",\"event\":{\"kind\":\"event\"");
    let mut first = false;
    w.field(&mut first, "id", &get(intern!(py, "id"))?, false)?;
    w.field(&mut first, "duration", &get(intern!(py, "duration_ns"))?, false)?;
    w.field(&mut first, "created", &read_time, false)?;
    w.buf.push(b'}');

    let (level, logger, path, offset) = (get(intern!(py, "level"))?, get(intern!(py, "logger"))?,
                                         get(intern!(py, "file_path"))?, get(intern!(py, "offset"))?);
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
    let thread = get(intern!(py, "thread"))?;
    if !thread.is_none() {
        w.key(&mut first, "process");
        w.buf.push(b'{');
        let mut inner = true;
        w.named(&mut inner, "thread", &thread)?;
        w.buf.extend_from_slice(b"}}");
    }
    for (attr, key) in [(intern!(py, "host"), "host"), (intern!(py, "service"), "service")] {
        if w.named(&mut first, key, &get(attr)?)? {
            w.buf.push(b'}');
        }
    }
    let error_type = get(intern!(py, "error_type"))?;
    if !error_type.is_none() {
        w.buf.extend_from_slice(b",\"error\":{\"type\":");
        w.value(&error_type)?;
        let mut inner = false;
        w.field(&mut inner, "message", &get(intern!(py, "error_message"))?, false)?;
        w.field(&mut inner, "stack_trace", &get(intern!(py, "stack_trace"))?, false)?;
        w.buf.push(b'}');
    }

    w.buf.extend_from_slice(b",\"logpipe\":{\"kind\":");
    w.value(&get(intern!(py, "kind"))?)?;
    let mut first = false; // logpipe's fields so far: kind
    w.field(&mut first, "file_id", &get(intern!(py, "file_id"))?, false)?;
    w.field(&mut first, "end_offset", &get(intern!(py, "end_offset"))?, false)?;
    let signature = get(intern!(py, "signature"))?;
    if w.field(&mut first, "signature", &signature, false)? {
        w.key(&mut first, "signature_version");
        w.value(&get(intern!(py, "signature_version"))?)?;
        w.field(&mut first, "signature_reasons", &get(intern!(py, "signature_reasons"))?, true)?;
    }
    let root_type = get(intern!(py, "root_cause_type"))?;
    if !root_type.is_none() {
        w.key(&mut first, "root_cause");
        w.buf.extend_from_slice(b"{\"type\":");
        w.value(&root_type)?;
        w.buf.extend_from_slice(b",\"message\":");
        w.value(&get(intern!(py, "root_cause_message"))?)?;
        w.buf.push(b'}');
    }
    let (statement, fingerprint) = (get(intern!(py, "sql_statement"))?, get(intern!(py, "sql_fingerprint"))?);
    if !(statement.is_none() && fingerprint.is_none()) {
        w.key(&mut first, "sql");
        w.buf.push(b'{');
        let mut inner = true;
        w.field(&mut inner, "statement", &statement, false)?;
        if w.field(&mut inner, "fingerprint", &fingerprint, false)? {
            w.key(&mut inner, "fingerprint_id");
            w.value(&get(intern!(py, "sql_fingerprint_id"))?)?;
        }
        w.field(&mut inner, "params", &get(intern!(py, "sql_params"))?, false)?;
        w.field(&mut inner, "rows", &get(intern!(py, "sql_rows"))?, false)?;
        w.buf.push(b'}');
    }
    if w.named(&mut first, "method", &get(intern!(py, "method_name"))?)? {
        w.buf.push(b'}');
    }
    if w.named(&mut first, "table", &get(intern!(py, "table_name"))?)? {
        w.buf.extend_from_slice(b",\"fields\":");
        let fields = get(intern!(py, "table_fields"))?;
        if fields.is_truthy()? {
            w.value(&fields)?;
        } else {
            w.buf.extend_from_slice(b"{}");
        }
        w.buf.push(b'}');
    }
    w.field(&mut first, "trace_ids", &get(intern!(py, "trace_ids"))?, true)?;
    if get(intern!(py, "truncated"))?.is_truthy()? {
        w.key(&mut first, "truncated");
        w.buf.extend_from_slice(b"true");
    }
    w.field(&mut first, "masked", &get(intern!(py, "masked"))?, true)?;
    w.field(&mut first, "flags", &get(intern!(py, "flags"))?, true)?;
    w.buf.extend_from_slice(b"}}");
    Ok(PyBytes::new(py, &w.buf))
}
