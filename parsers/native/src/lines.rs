//! The clean lines of a chunk's body (`parsers/lines.py`, `LineSplitter.split`): lines
//! joined by `\n` that are UTF-8 without NUL, with a `\r` only at a line's end, each within
//! the byte bound. One pass: no `bytes` object per line, the text decoded once.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

/// `(texts, sizes)` of `body`'s lines when every line is clean, else None: a text without
/// its line's final `\r`, a size in bytes as read (that `\r` included, the `\n` not).
#[pyfunction]
pub fn clean_texts<'py>(body: &Bound<'py, PyBytes>, max_line_bytes: usize)
                        -> PyResult<Option<(Bound<'py, PyList>, Bound<'py, PyList>)>> {
    let py = body.py();
    let bytes = body.as_bytes();
    if memchr::memchr(0, bytes).is_some() {
        return Ok(None);
    }
    let Ok(text) = std::str::from_utf8(bytes) else { return Ok(None) };
    let mut texts: Vec<Bound<'py, PyString>> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    for line in text.split('\n') {
        if line.len() > max_line_bytes {
            return Ok(None);
        }
        let body = line.strip_suffix('\r').unwrap_or(line);
        if memchr::memchr(b'\r', body.as_bytes()).is_some() {
            return Ok(None);
        }
        texts.push(PyString::new(py, body));
        sizes.push(line.len());
    }
    Ok(Some((PyList::new(py, texts)?, PyList::new(py, sizes)?)))
}
