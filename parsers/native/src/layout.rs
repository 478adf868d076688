//! A line layout's regex, matched by PCRE2 (JIT): `parsers/prefix/grammar.py`'s
//! `Alternative` reads each start line's fields through it. The pattern is the grammar's,
//! written in PCRE2's syntax by `parsers/prefix/pcre_syntax.py` (Python's `\s` and `\w`
//! spelled out, so both engines mean the same characters).

use std::sync::Mutex;

use pcre2::bytes::{CaptureLocations, Regex, RegexBuilder};
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::text::{to_str, utf8};

/// What stands in for a lone surrogate's three bytes while matching: a private-use
/// character, three bytes long too (so every offset holds), that no layout names and
/// that, like a surrogate, is no space, word character or digit.
const SURROGATE_STAND_IN: [u8; 3] = [0xEE, 0x80, 0x80]; // U+E000

#[pyclass(frozen, module = "parsers._native")]
pub struct Layout {
    regex: Regex,
    /// capture group number of each requested name (None: the layout has no such group)
    groups: Vec<Option<usize>>,
    locations: Mutex<CaptureLocations>,
}

#[pymethods]
impl Layout {
    /// `pattern` in PCRE2 syntax, matched at the start of a line (as Python's `match`);
    /// `names`: the groups `fields` returns, in this order.
    #[new]
    fn new(pattern: &str, names: Vec<String>) -> PyResult<Self> {
        let regex = RegexBuilder::new()
            .utf(true)
            .ucp(true)
            .jit_if_available(true)
            .build(&format!("(*LF)\\A(?:{pattern})"))
            .map_err(|e| PyValueError::new_err(format!("layout pattern: {e}")))?;
        let index = |name: &String| {
            regex.capture_names().iter().position(|n| n.as_deref() == Some(name.as_str()))
        };
        let groups = names.iter().map(index).collect();
        let locations = Mutex::new(regex.capture_locations());
        Ok(Layout { regex, groups, locations })
    }

    /// The requested groups of a line the layout reads from its first character (each a
    /// `str`, or None when the group took no part), or None when it does not read the line.
    fn fields<'py>(&self, line: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let py = line.py();
        let (bytes, surrogates) = utf8(line)?;
        let subject: std::borrow::Cow<[u8]> = if surrogates { stand_ins(&bytes).into() } else { bytes.as_ref().into() };
        let mut locs = self.locations.lock().expect("a layout's capture locations");
        let found = self
            .regex
            .captures_read(&mut locs, &subject)
            .map_err(|e| PyValueError::new_err(format!("layout match: {e}")))?;
        if found.is_none() {
            return Ok(None);
        }
        // an ASCII line's byte offsets are its character offsets: the groups are its substrings
        let ascii = !surrogates && bytes.len() == line.len()?;
        let tuple = unsafe { ffi::PyTuple_New(self.groups.len() as ffi::Py_ssize_t) };
        let tuple = unsafe { Bound::from_owned_ptr_or_err(py, tuple)? };
        for (i, group) in self.groups.iter().enumerate() {
            let value: Bound<'py, PyAny> = match group.and_then(|g| locs.get(g)) {
                Some((start, end)) if ascii => unsafe {
                    let sub = ffi::PyUnicode_Substring(line.as_ptr(), start as ffi::Py_ssize_t, end as ffi::Py_ssize_t);
                    Bound::from_owned_ptr_or_err(py, sub)?
                },
                Some((start, end)) => to_str(py, &bytes[start..end], surrogates)?.into_any(),
                None => py.None().into_bound(py),
            };
            unsafe { ffi::PyTuple_SET_ITEM(tuple.as_ptr(), i as ffi::Py_ssize_t, value.into_ptr()) };
        }
        Ok(Some(tuple.cast_into::<PyTuple>()?))
    }
}

/// `bytes` (Python's `surrogatepass` UTF-8) with each lone surrogate's three bytes
/// replaced by the stand-in's: valid UTF-8, every offset unchanged.
fn stand_ins(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 2 < out.len() {
        if out[i] == 0xED && out[i + 1] >= 0xA0 {
            out[i..i + 3].copy_from_slice(&SURROGATE_STAND_IN);
            i += 3;
        } else {
            i += 1;
        }
    }
    out
}
