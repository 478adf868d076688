//! Trace ids after configured keys, as `re.findall` read them with the regex
//!
//!   (?:k1|k2|...)\s*[=:：]\s*["']?([A-Za-z0-9][\w\-.]{2,63})
//!
//! the keys longest first (in characters; equal lengths in the order given), none right
//! after a word character (`\w`, Python's). A message holding no key is answered after
//! one Aho-Corasick pass; the keys it finds are where values are read.

use aho_corasick::AhoCorasick;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::text::utf8;
use crate::unicode::{char_at, char_before, Classes, Table, WORD};

#[pyclass(frozen, module = "parsers._native")]
pub struct TraceKeys {
    keys: Vec<Vec<u8>>,
    present: AhoCorasick,
    table: Table,
}

impl TraceKeys {
    /// The value's span if a key's tail (`\s*[=:：]\s*["']?value`) starts at `j`.
    fn value_at(classes: &Classes, t: &[u8], j: usize) -> Option<(usize, usize)> {
        let mut j = classes.skip_space(t, j);
        if j < t.len() && (t[j] == b'=' || t[j] == b':') {
            j += 1;
        } else if t[j.min(t.len())..].starts_with("：".as_bytes()) {
            j += "：".len();
        } else {
            return None;
        }
        j = classes.skip_space(t, j);
        if j < t.len() && (t[j] == b'"' || t[j] == b'\'') {
            j += 1;
        }
        if j >= t.len() || !t[j].is_ascii_alphanumeric() {
            return None;
        }
        let (start, mut k, mut count) = (j, j + 1, 0);
        while count < 63 && k < t.len() {
            let (cp, len) = char_at(t, k);
            if !(cp == '-' as u32 || cp == '.' as u32 || classes.is(cp, WORD)) {
                break;
            }
            k += len;
            count += 1;
        }
        (count >= 2).then_some((start, k))
    }

    /// The keys, longest first: a key's index here is its pattern number in `present`.
    pub fn keys(&self) -> &[Vec<u8>] {
        &self.keys
    }

    /// The values after the keys found at `found`, (start, key index) pairs in order of
    /// start, then of key: at each start the first key whose value reads wins, and the
    /// search goes on after that value (as `re.findall` reads the alternation).
    pub fn values<'py>(&self, py: Python<'py>, t: &[u8], found: &[(usize, usize)]) -> Vec<Bound<'py, PyString>> {
        let classes = self.table.classes(py);
        let mut out = Vec::new();
        let mut after = 0;
        for &(start, key) in found {
            if start < after || start > 0 && classes.is(char_before(t, start), WORD) {
                continue;
            }
            if let Some((s, e)) = Self::value_at(&classes, t, start + self.keys[key].len()) {
                // a value is ASCII-led and made of word characters, dashes and dots: valid
                // UTF-8 (a lone surrogate is no word character, so no value holds one)
                out.push(PyString::new(py, std::str::from_utf8(&t[s..e]).expect("a value is whole characters")));
                after = e;
            }
        }
        out
    }
}

/// Every match of `automaton` in `t` (overlapping ones included) as (start, pattern)
/// pairs in order of start, then of pattern.
pub fn matches(automaton: &AhoCorasick, t: &[u8]) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = automaton.find_overlapping_iter(t)
        .map(|m| (m.start(), m.pattern().as_usize())).collect();
    found.sort_unstable();
    found
}

#[pymethods]
impl TraceKeys {
    /// `keys`: the configured keys (none empty); `classes`: Python's `\w` and `\s` table
    /// of the BMP (`parsers.unicode_classes.table()`).
    #[new]
    fn new(keys: Vec<Bound<'_, PyString>>, classes: &Bound<'_, PyBytes>) -> PyResult<Self> {
        let mut sized: Vec<(usize, Vec<u8>)> = Vec::with_capacity(keys.len());
        for key in &keys {
            let chars = key.len()?;
            if chars == 0 {
                return Err(PyValueError::new_err("a trace key is empty"));
            }
            sized.push((chars, utf8(key)?.0.into_owned()));
        }
        sized.sort_by(|a, b| b.0.cmp(&a.0)); // stable: equal lengths keep their order
        let keys: Vec<Vec<u8>> = sized.into_iter().map(|(_, k)| k).collect();
        let present = AhoCorasick::new(&keys).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(TraceKeys { keys, present, table: Table::new(classes)? })
    }

    /// The values after the keys in `text`, in order (repeats included).
    fn find<'py>(&self, text: &Bound<'py, PyString>) -> PyResult<Vec<Bound<'py, PyString>>> {
        let (t, _) = utf8(text)?;
        Ok(self.values(text.py(), &t, &matches(&self.present, &t)))
    }
}
