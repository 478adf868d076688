//! A Python `str` as UTF-8 bytes, lone surrogates included (encoded as
//! `surrogatepass` does), and bytes back to a `str` the same way.

use std::borrow::Cow;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The UTF-8 bytes of `s`; a `str` holding lone surrogates (not UTF-8) is encoded with
/// `surrogatepass`, and `surrogates` tells the caller to decode its output the same way.
pub fn utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<(Cow<'a, [u8]>, bool)> {
    match s.to_str() {
        Ok(t) => Ok((Cow::Borrowed(t.as_bytes()), false)),
        Err(_) => {
            let raw = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
            let bytes = raw.cast_into::<PyBytes>()?;
            Ok((Cow::Owned(bytes.as_bytes().to_vec()), true))
        }
    }
}

/// `bytes` (UTF-8, or `surrogatepass` bytes when `surrogates`) as a Python `str`.
pub fn to_str<'py>(py: Python<'py>, bytes: &[u8], surrogates: bool) -> PyResult<Bound<'py, PyString>> {
    if !surrogates {
        // the caller only replaced ASCII digits in valid UTF-8: still valid UTF-8
        let text = std::str::from_utf8(bytes).expect("ASCII edits keep UTF-8 valid");
        return Ok(PyString::new(py, text));
    }
    let decoded = PyBytes::new(py, bytes).call_method1("decode", ("utf-8", "surrogatepass"))?;
    Ok(decoded.cast_into::<PyString>()?)
}

/// `s[start:end]`, in characters (Python's slice of a `str`, its bounds already in range).
pub fn slice<'py>(s: &Bound<'py, PyString>, start: usize, end: usize) -> PyResult<Bound<'py, PyAny>> {
    unsafe {
        let sub = ffi::PyUnicode_Substring(s.as_ptr(), start as ffi::Py_ssize_t, end as ffi::Py_ssize_t);
        Bound::from_owned_ptr_or_err(s.py(), sub)
    }
}
