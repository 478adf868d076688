//! The word screen of `parsers/prescreen.py`: does a message hold any of the words?
//! One Aho-Corasick pass instead of one substring search per word.

use aho_corasick::AhoCorasick;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::text::utf8;

#[pyclass(frozen, module = "parsers._native")]
pub struct Screen {
    words: Vec<Py<PyString>>,
    automaton: AhoCorasick,
}

impl Screen {
    /// The words, as given.
    pub fn word_list(&self) -> &[Py<PyString>] {
        &self.words
    }
}

#[pymethods]
impl Screen {
    #[new]
    fn new(words: Vec<Bound<'_, PyString>>) -> PyResult<Self> {
        let patterns = words.iter().map(|w| Ok(utf8(w)?.0.into_owned())).collect::<PyResult<Vec<Vec<u8>>>>()?;
        let automaton = AhoCorasick::new(&patterns).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Screen { words: words.into_iter().map(Bound::unbind).collect(), automaton })
    }

    /// True when `text` holds one of the words (a screen of no words holds nothing; the
    /// empty word is in every text).
    fn holds(&self, text: &Bound<'_, PyString>) -> PyResult<bool> {
        let (bytes, _) = utf8(text)?;
        Ok(self.automaton.is_match(bytes.as_ref()))
    }

    #[getter]
    fn words<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyString>> {
        self.words.iter().map(|w| w.bind(py).clone()).collect()
    }
}
