//! The prefix readers' regexes, matched by PCRE2 (JIT): a line layout of
//! `parsers/prefix/grammar.py` (`fields`: its groups in one tuple) and the field tokens of
//! `parsers/prefix/fields.py` (`match`: a `LayoutMatch` read like Python's `re.Match`). Each
//! pattern is the Python module's own, written in PCRE2's syntax by
//! `parsers/prefix/pcre_syntax.py` (Python's `\s` and `\w` spelled out, so both engines
//! mean the same characters).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pcre2::bytes::{CaptureLocations, Regex, RegexBuilder};
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::text::{slice, to_str, utf8};

/// What stands in for a lone surrogate's three bytes while matching: a private-use
/// character, three bytes long too (so every offset holds), that no layout names and
/// that, like a surrogate, is no space, word character or digit.
const SURROGATE_STAND_IN: [u8; 3] = [0xEE, 0x80, 0x80]; // U+E000

#[pyclass(frozen, module = "parsers._native")]
pub struct Layout {
    regex: Regex,
    /// capture group number of each name `fields` returns (None: no such group)
    groups: Vec<Option<usize>>,
    /// every named group's number
    numbers: Arc<HashMap<String, usize>>,
    /// the groups `LayoutMatch.lastgroup` chooses from: (number, name)
    kinds: Arc<Vec<(usize, Py<PyString>)>>,
    locations: Mutex<CaptureLocations>,
}

/// A line as PCRE2 reads it: its UTF-8 bytes (lone surrogates as `surrogatepass`
/// writes them) and the subject matched (the same, surrogates stood in for).
struct Subject<'a> {
    bytes: std::borrow::Cow<'a, [u8]>,
    surrogates: bool,
    ascii: bool,
}

impl<'a> Subject<'a> {
    fn of(line: &'a Bound<'_, PyString>) -> PyResult<Self> {
        let (bytes, surrogates) = utf8(line)?;
        let ascii = !surrogates && bytes.len() == line.len()?;
        Ok(Subject { bytes, surrogates, ascii })
    }

    fn matched(&self) -> std::borrow::Cow<'_, [u8]> {
        if self.surrogates {
            stand_ins(&self.bytes).into()
        } else {
            self.bytes.as_ref().into()
        }
    }

    /// The byte offset of character `index` (the end when past it).
    fn byte_offset(&self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.bytes.len());
        }
        let mut chars = 0;
        for (i, b) in self.bytes.iter().enumerate() {
            if is_char_start(*b) {
                if chars == index {
                    return i;
                }
                chars += 1;
            }
        }
        self.bytes.len()
    }

    /// The character index of byte offset `offset` (a character's first byte).
    fn char_index(&self, offset: usize) -> usize {
        if self.ascii {
            offset
        } else {
            self.bytes[..offset].iter().filter(|b| is_char_start(**b)).count()
        }
    }
}

fn is_char_start(b: u8) -> bool {
    (b as i8) >= -0x40 // not a continuation byte (0x80-0xBF)
}

#[pymethods]
impl Layout {
    /// `pattern` in PCRE2 syntax, matched at the given position only (as Python's
    /// `match(text, pos)`); `names`: the groups `fields` returns, in this order; `kinds`:
    /// the groups of which `LayoutMatch.lastgroup` names the one that took part (each
    /// alternative of a token pattern ends with its own empty group).
    #[new]
    #[pyo3(signature = (pattern, names, kinds = Vec::new()))]
    fn new(py: Python<'_>, pattern: &str, names: Vec<String>, kinds: Vec<String>) -> PyResult<Self> {
        let regex = RegexBuilder::new()
            .utf(true)
            .ucp(true)
            .jit_if_available(true)
            .build(&format!("(*LF)\\G(?:{pattern})"))
            .map_err(|e| PyValueError::new_err(format!("layout pattern: {e}")))?;
        let numbers: HashMap<String, usize> = regex
            .capture_names()
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.as_ref().map(|n| (n.clone(), i)))
            .collect();
        let groups = names.iter().map(|n| numbers.get(n).copied()).collect();
        let kinds = kinds
            .iter()
            .map(|k| match numbers.get(k) {
                Some(&i) => Ok((i, PyString::new(py, k).unbind())),
                None => Err(PyValueError::new_err(format!("layout pattern: no group {k:?}"))),
            })
            .collect::<PyResult<Vec<_>>>()?;
        let locations = Mutex::new(regex.capture_locations());
        Ok(Layout { regex, groups, numbers: Arc::new(numbers), kinds: Arc::new(kinds), locations })
    }

    /// The requested groups of a line the layout reads from its first character (each a
    /// `str`, or None when the group took no part), or None when it does not read the line.
    fn fields<'py>(&self, line: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        match self.groups_of(line)? {
            Some(values) => Ok(Some(PyTuple::new(line.py(), values)?)),
            None => Ok(None),
        }
    }

    /// The match at character `pos` of `text`, or None (Python's `pattern.match(text, pos)`).
    #[pyo3(name = "match", signature = (text, pos = 0))]
    fn match_(&self, text: &Bound<'_, PyString>, pos: usize) -> PyResult<Option<LayoutMatch>> {
        let subject = Subject::of(text)?;
        let start = subject.byte_offset(pos);
        let mut locs = self.locations.lock().expect("a layout's capture locations");
        if !self.find(&mut locs, &subject, start)? {
            return Ok(None);
        }
        let spans: Vec<Option<(usize, usize)>> = (0..locs.len()).map(|g| locs.get(g)).collect();
        let end = spans[0].map_or(start, |(_, e)| e);
        let lastgroup = self.kinds.iter().find(|(g, _)| spans[*g].is_some()).map(|(_, name)| name.clone_ref(text.py()));
        Ok(Some(LayoutMatch {
            text: text.clone().unbind(),
            spans,
            end: subject.char_index(end),
            ascii: subject.ascii,
            numbers: Arc::clone(&self.numbers),
            lastgroup,
        }))
    }
}

impl Layout {
    /// `fields`' values, not yet in a tuple (`prefix::PrefixReader` reads them in place).
    pub(crate) fn groups_of<'py>(&self, line: &Bound<'py, PyString>) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
        let py = line.py();
        let subject = Subject::of(line)?;
        let mut locs = self.locations.lock().expect("a layout's capture locations");
        if !self.find(&mut locs, &subject, 0)? {
            return Ok(None);
        }
        let mut values = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            values.push(match group.and_then(|g| locs.get(g)) {
                Some((start, end)) => substring(line, &subject, start, end)?,
                None => py.None().into_bound(py),
            });
        }
        Ok(Some(values))
    }

    fn find(&self, locs: &mut CaptureLocations, subject: &Subject<'_>, start: usize) -> PyResult<bool> {
        let matched = subject.matched();
        let found = self
            .regex
            .captures_read_at(locs, &matched, start)
            .map_err(|e| PyValueError::new_err(format!("layout match: {e}")))?;
        Ok(found.is_some())
    }
}

/// `text[start:end]` in bytes of its UTF-8 (`subject`), as a Python `str`.
fn substring<'py>(text: &Bound<'py, PyString>, subject: &Subject<'_>, start: usize, end: usize) -> PyResult<Bound<'py, PyAny>> {
    if subject.ascii {
        return slice(text, start, end);
    }
    Ok(to_str(text.py(), &subject.bytes[start..end], subject.surrogates)?.into_any())
}

/// What a prefix reader needs of a match, read as `re.Match`: `group`, `groupdict`, `start`,
/// `end`, and `lastgroup` (the kind of token: see `Layout::new`).
#[pyclass(frozen, module = "parsers._native")]
pub struct LayoutMatch {
    text: Py<PyString>,
    /// byte spans by group number (0: the whole match)
    spans: Vec<Option<(usize, usize)>>,
    end: usize,
    /// the text is ASCII: byte offsets are character offsets (no UTF-8 looked at again)
    ascii: bool,
    numbers: Arc<HashMap<String, usize>>,
    #[pyo3(get)]
    lastgroup: Option<Py<PyString>>,
}

#[pymethods]
impl LayoutMatch {
    /// The text of group `name` (or number), None when it took no part.
    #[pyo3(signature = (name = None))]
    fn group<'py>(&self, py: Python<'py>, name: Option<&Bound<'py, PyAny>>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some((start, end)) = self.spans[self.number(name)?] else { return Ok(None) };
        Ok(Some(self.substring(py, start, end)?))
    }

    /// Every named group's text (None when it took no part), as `re.Match.groupdict()`.
    fn groupdict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        let mut named: Vec<(&String, &usize)> = self.numbers.iter().collect();
        named.sort_unstable_by_key(|(_, number)| **number); // in the pattern's order, as `re`'s
        for (name, number) in named {
            match self.spans[*number] {
                Some((start, end)) => out.set_item(name, self.substring(py, start, end)?)?,
                None => out.set_item(name, py.None())?,
            }
        }
        Ok(out)
    }

    /// The character index where group `name` (default: the match) starts; -1 when it took no part.
    #[pyo3(signature = (name = None))]
    fn start(&self, py: Python<'_>, name: Option<&Bound<'_, PyAny>>) -> PyResult<isize> {
        self.offset(py, name, |(start, _)| start)
    }

    /// The character index where group `name` (default: the match) ends; -1 when it took no part.
    #[pyo3(signature = (name = None))]
    fn end(&self, py: Python<'_>, name: Option<&Bound<'_, PyAny>>) -> PyResult<isize> {
        if name.is_none() {
            return Ok(self.end as isize);
        }
        self.offset(py, name, |(_, end)| end)
    }
}

impl LayoutMatch {
    fn number(&self, name: Option<&Bound<'_, PyAny>>) -> PyResult<usize> {
        let Some(n) = name else { return Ok(0) };
        if let Ok(key) = n.cast::<PyString>() {
            // a name (the common case: tried first, no failed conversion on the way)
            let key = key.to_str()?;
            return self.numbers.get(key).copied().ok_or_else(|| PyIndexError::new_err(format!("no such group: {key:?}")));
        }
        match n.extract::<usize>() {
            Ok(i) if i < self.spans.len() => Ok(i),
            _ => Err(PyIndexError::new_err("no such group")),
        }
    }

    fn offset(&self, py: Python<'_>, name: Option<&Bound<'_, PyAny>>, pick: fn((usize, usize)) -> usize) -> PyResult<isize> {
        let Some(span) = self.spans[self.number(name)?] else { return Ok(-1) };
        if self.ascii {
            return Ok(pick(span) as isize);
        }
        Ok(Subject::of(self.text.bind(py))?.char_index(pick(span)) as isize)
    }

    /// The text between two byte offsets of the match's subject.
    fn substring<'py>(&self, py: Python<'py>, start: usize, end: usize) -> PyResult<Bound<'py, PyAny>> {
        let text = self.text.bind(py);
        if self.ascii {
            return slice(text, start, end);
        }
        substring(text, &Subject::of(text)?, start, end)
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
