//! Python's `\w` and `\s` for a code point, as `re` reads them in a `str` pattern
//! (`ch.isalnum() or ch == "_"`, `ch.isspace()`): a table of the Basic Multilingual
//! Plane made by Python (`parsers/unicode_classes.py`, one `bytes` per process, shared by
//! reference, not copied), and Python itself above it.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

pub const WORD: u8 = 1;
pub const SPACE: u8 = 2;

/// The table, borrowed for one call (`Table::new` checked its size).
pub struct Classes<'a> {
    bmp: &'a [u8],
}

/// `table`: 65,536 bytes, bit 0 `\w`, bit 1 `\s`, one per code point of the BMP.
pub struct Table(Py<PyBytes>);

impl Table {
    pub fn new(table: &Bound<'_, PyBytes>) -> PyResult<Self> {
        if table.as_bytes().len() != 0x10000 {
            return Err(pyo3::exceptions::PyValueError::new_err("a class table holds 65,536 bytes"));
        }
        Ok(Table(table.clone().unbind()))
    }

    pub fn classes<'a>(&'a self, py: Python<'a>) -> Classes<'a> {
        Classes { bmp: self.0.as_bytes(py) }
    }
}

impl Classes<'_> {
    fn astral(cp: u32, class: u8) -> bool {
        Python::attach(|py| {
            let Some(ch) = char::from_u32(cp) else { return false };
            let s = pyo3::types::PyString::new(py, ch.encode_utf8(&mut [0u8; 4]));
            let method = if class == WORD { "isalnum" } else { "isspace" };
            let yes = s.call_method0(method).and_then(|r| r.extract::<bool>()).unwrap_or(false);
            yes || (class == WORD && ch == '_')
        })
    }

    #[inline]
    pub fn is(&self, cp: u32, class: u8) -> bool {
        if cp < 0x10000 {
            self.bmp[cp as usize] & class != 0
        } else {
            Self::astral(cp, class)
        }
    }

    /// The first index from `j` on that is not Python's whitespace (`t.len()` if none is).
    pub fn skip_space(&self, t: &[u8], mut j: usize) -> usize {
        while j < t.len() {
            let (cp, len) = char_at(t, j);
            if !self.is(cp, SPACE) {
                break;
            }
            j += len;
        }
        j
    }

    /// `t` without Python's whitespace at either end (`str.strip()`).
    pub fn strip<'t>(&self, t: &'t [u8]) -> &'t [u8] {
        let start = self.skip_space(t, 0);
        let mut end = t.len();
        while end > start {
            let (cp, len) = char_ending_at(t, end);
            if !self.is(cp, SPACE) {
                break;
            }
            end -= len;
        }
        &t[start..end]
    }
}

/// The code point that starts at `i` of UTF-8 bytes (lone surrogates as `surrogatepass`
/// writes them decode too) and its length; a stray byte reads as itself, one byte long.
#[inline]
pub fn char_at(t: &[u8], i: usize) -> (u32, usize) {
    let b = t[i];
    let (len, init) = match b {
        0x00..=0x7f => return (b as u32, 1),
        0xc0..=0xdf => (2, (b & 0x1f) as u32),
        0xe0..=0xef => (3, (b & 0x0f) as u32),
        0xf0..=0xf7 => (4, (b & 0x07) as u32),
        _ => return (b as u32, 1),
    };
    if i + len > t.len() || !t[i + 1..i + len].iter().all(|&c| c & 0xc0 == 0x80) {
        return (b as u32, 1);
    }
    (t[i + 1..i + len].iter().fold(init, |cp, &c| (cp << 6) | (c & 0x3f) as u32), len)
}

/// The code point that ends right before `i` (`i` > 0, at a character boundary).
#[inline]
pub fn char_before(t: &[u8], i: usize) -> u32 {
    char_ending_at(t, i).0
}

/// The code point that ends right before `i` and its length (`i` > 0); a stray byte reads
/// as itself, one byte long.
#[inline]
pub fn char_ending_at(t: &[u8], i: usize) -> (u32, usize) {
    let mut j = i - 1;
    while j > 0 && i - j < 4 && t[j] & 0xc0 == 0x80 {
        j -= 1;
    }
    let (cp, len) = char_at(t, j);
    if j + len == i { (cp, len) } else { (t[i - 1] as u32, 1) }
}
