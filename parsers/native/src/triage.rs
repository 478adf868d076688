//! One pass over a single-line message for what the classifier asks of every one of them
//! (`parsers/classify.py`): may a recogniser read it (the word screen), may masking change
//! it (`Masker.may_mask`), and the trace ids after its configured keys. Three questions,
//! one call: most records are ordinary lines for which all three answers are "no".

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::masking::may_hold_numbers;
use crate::screen::Screen;
use crate::text::utf8;
use crate::trace_keys::TraceKeys;

#[pyclass(frozen, module = "parsers._native")]
pub struct Triage {
    screen: Option<Py<Screen>>, // None: a recogniser may read any message
    mask_always: bool,          // configured masking patterns: any message may change
    emails: bool,               // emails are masked: an `@` may change a message
    keys: Option<Py<TraceKeys>>,
}

#[pymethods]
impl Triage {
    #[new]
    #[pyo3(signature = (screen, mask_always, emails, keys))]
    fn new(screen: Option<Py<Screen>>, mask_always: bool, emails: bool, keys: Option<Py<TraceKeys>>) -> Self {
        Triage { screen, mask_always, emails, keys }
    }

    /// `(screen holds a word, masking may change it, trace ids)`: the first two as
    /// `prescreen.may_apply` and `Masker.may_mask` answer; the ids as `TraceKeys.find`
    /// gives them (None without keys).
    fn scan<'py>(&self, text: &Bound<'py, PyString>)
                 -> PyResult<(bool, bool, Option<Vec<Bound<'py, PyString>>>)> {
        let py = text.py();
        let (t, _) = utf8(text)?;
        let hit = match &self.screen {
            None => true,
            Some(screen) => screen.get().holds_bytes(&t),
        };
        let maskable = self.mask_always || may_hold_numbers(&t) || (self.emails && t.contains(&b'@'));
        let ids = match &self.keys {
            None => None,
            Some(keys) => Some(keys.get().values(py, &t)),
        };
        Ok((hit, maskable, ids))
    }
}
