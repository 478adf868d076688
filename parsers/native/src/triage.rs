//! One pass over a single-line message for what the classifier asks of every one of them
//! (`parsers/classify.py`): may a recogniser read it (the word screen), may masking change
//! it (`Masker.may_mask`), and the trace ids after its configured keys. Three questions,
//! one call, and one Aho-Corasick pass for the screen's words and the keys together: most
//! records are ordinary lines for which all three answers are "no".

use aho_corasick::AhoCorasick;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::masking::may_change;
use crate::screen::Screen;
use crate::text::utf8;
use crate::trace_keys::{matches, TraceKeys};

#[pyclass(frozen, module = "parsers._native")]
pub struct Triage {
    /// the screen's words (patterns 0..screened), then the trace keys
    words: AhoCorasick,
    screened: Option<usize>, // None: no screen, a recogniser may read any message
    mask_always: bool,       // configured masking patterns: any message may change
    emails: bool,            // emails are masked: an `@` may change a message
    keys: Option<Py<TraceKeys>>,
}

#[pymethods]
impl Triage {
    #[new]
    #[pyo3(signature = (screen, mask_always, emails, keys))]
    fn new(py: Python<'_>, screen: Option<Py<Screen>>, mask_always: bool, emails: bool,
           keys: Option<Py<TraceKeys>>) -> PyResult<Self> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        if let Some(screen) = &screen {
            for word in screen.get().word_list() {
                patterns.push(utf8(word.bind(py))?.0.into_owned());
            }
        }
        let screened = screen.as_ref().map(|_| patterns.len());
        if let Some(keys) = &keys {
            patterns.extend(keys.get().keys().iter().cloned());
        }
        let words = AhoCorasick::new(&patterns).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Triage { words, screened, mask_always, emails, keys })
    }

    /// `(screen holds a word, masking may change it, trace ids)`: the first two as
    /// `prescreen.may_apply` and `Masker.may_mask` answer; the ids as `TraceKeys.find`
    /// gives them, None without keys or ids (no list made for the many lines with none).
    fn scan<'py>(&self, text: &Bound<'py, PyString>)
                 -> PyResult<(bool, bool, Option<Vec<Bound<'py, PyString>>>)> {
        let py = text.py();
        let (t, _) = utf8(text)?;
        let maskable = may_change(&t, self.mask_always, self.emails);
        let Some(keys) = &self.keys else {
            let hit = self.screened.is_none_or(|_| self.words.is_match(t.as_ref()));
            return Ok((hit, maskable, None));
        };
        let screened = self.screened.unwrap_or(0);
        let mut hit = self.screened.is_none();
        let mut keyed: Vec<(usize, usize)> = Vec::new(); // (start, key) of the keys' matches
        for (start, p) in matches(&self.words, &t) {
            if p < screened {
                hit = true;
            } else {
                keyed.push((start, p - screened));
            }
        }
        let ids = if keyed.is_empty() { None } else { Some(keys.get().values(py, &t, &keyed)) };
        Ok((hit, maskable, ids.filter(|ids| !ids.is_empty())))
    }
}
