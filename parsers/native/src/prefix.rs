//! A record's first line read into its `Prefix` (`parsers/prefix/grammar.py`) in one call:
//! the layouts' match (`layout::Layout`, PCRE2) and the fields made of its groups, the work
//! `PrefixParser` (`parsers/prefix/layouts.py`) does for every line that may start a record.
//! What other readers share stays Python's and is handed in: the `Prefix` type (its maker), the
//! level's normal form for a spelling not in the table, the line number written against
//! the logger (`%c(%L)`, a regex), the conversion of a new second of time (`IsoClock`).

use std::sync::Mutex;

use pyo3::exceptions::PyIndexError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::layout::Layout;
use crate::slots_maker::SlotsMaker;
use crate::text::slice;

/// `TimeConverter.iso` (`parsers/prefix/time.py`): a timestamp's groups (seconds,
/// fraction, zone) as ISO 8601 with its offset. Each second (with its zone) is converted
/// once by `convert(ts_s, ts_z) -> (seconds, offset) | None` and kept in a cache of at most
/// `max` entries, cleared when full; the last second read is also kept as text, for the lines
/// of the same second that follow it (most lines), which are then written without the cache.
#[pyclass(frozen, module = "parsers._native")]
pub struct IsoClock {
    convert: Py<PyAny>,
    cache: Py<PyDict>,
    max: usize,
    last: Mutex<Option<LastSecond>>,
}

/// A second as read (with its zone) and what it converts to: (seconds, offset), or None.
struct LastSecond {
    second: String,
    zone: Option<String>,
    iso: Option<(String, String)>,
}

#[pymethods]
impl IsoClock {
    #[new]
    fn new(py: Python<'_>, convert: Py<PyAny>, max: usize) -> Self {
        IsoClock { convert, cache: PyDict::new(py).unbind(), max, last: Mutex::new(None) }
    }

    fn __call__<'py>(&self, ts_s: &Bound<'py, PyString>, ts_f: Option<&Bound<'py, PyString>>,
                     ts_z: Option<&Bound<'py, PyString>>) -> PyResult<Option<Bound<'py, PyString>>> {
        self.iso(ts_s, ts_f, ts_z)
    }
}

impl IsoClock {
    fn iso<'py>(&self, ts_s: &Bound<'py, PyString>, ts_f: Option<&Bound<'py, PyString>>,
                ts_z: Option<&Bound<'py, PyString>>) -> PyResult<Option<Bound<'py, PyString>>> {
        let texts = (ts_s.to_str(), ts_z.map(|z| z.to_str()).transpose(), ts_f.map(|f| f.to_str()).transpose());
        let (Ok(second), Ok(zone), Ok(fraction)) = texts else {
            return self.iso_cached(ts_s, ts_f, ts_z); // a lone surrogate: not UTF-8
        };
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !matches!(&*last, Some(l) if l.second == second && l.zone.as_deref() == zone) {
            let iso = match self.convert_cached(ts_s, ts_z)? {
                None => None,
                Some(hit) => match (hit.0.to_str(), hit.1.to_str()) {
                    (Ok(seconds), Ok(offset)) => Some((seconds.to_owned(), offset.to_owned())),
                    _ => return self.iso_cached(ts_s, ts_f, ts_z),
                },
            };
            *last = Some(LastSecond { second: second.to_owned(), zone: zone.map(str::to_owned), iso });
        }
        let Some((seconds, offset)) = last.as_ref().and_then(|l| l.iso.as_ref()) else {
            return Ok(None);
        };
        let fraction = fraction.unwrap_or("");
        let mut text = String::with_capacity(seconds.len() + fraction.len() + offset.len() + 1);
        text.push_str(seconds);
        if !fraction.is_empty() {
            text.push('.');
            text.push_str(fraction);
        }
        text.push_str(offset);
        Ok(Some(PyString::new(ts_s.py(), &text)))
    }

    /// `convert(ts_s, ts_z)` through the cache: (seconds, offset), or None.
    fn convert_cached<'py>(&self, ts_s: &Bound<'py, PyString>, ts_z: Option<&Bound<'py, PyString>>)
                           -> PyResult<Option<(Bound<'py, PyString>, Bound<'py, PyString>)>> {
        let py = ts_s.py();
        let key = match ts_z {
            None => ts_s.clone(),
            Some(z) => concat(py, &[ts_s, z])?,
        };
        let cache = self.cache.bind(py);
        let hit = match cache.get_item(&key)? {
            Some(hit) => hit,
            None => {
                let hit = self.convert.bind(py).call1((ts_s, ts_z))?;
                if cache.len() >= self.max {
                    cache.clear();
                }
                cache.set_item(&key, &hit)?;
                hit
            }
        };
        if hit.is_none() {
            return Ok(None);
        }
        let hit = hit.cast_into::<PyTuple>()?;
        Ok(Some((hit.get_item(0)?.cast_into::<PyString>()?, hit.get_item(1)?.cast_into::<PyString>()?)))
    }

    /// `iso` of text that is not all UTF-8, joined as Python joins `str`s.
    fn iso_cached<'py>(&self, ts_s: &Bound<'py, PyString>, ts_f: Option<&Bound<'py, PyString>>,
                       ts_z: Option<&Bound<'py, PyString>>) -> PyResult<Option<Bound<'py, PyString>>> {
        let py = ts_s.py();
        let Some((seconds, offset)) = self.convert_cached(ts_s, ts_z)? else {
            return Ok(None);
        };
        Ok(Some(match ts_f {
            Some(f) if f.len()? > 0 => concat(py, &[&seconds, pyo3::intern!(py, "."), f, &offset])?,
            _ => concat(py, &[&seconds, &offset])?,
        }))
    }
}

/// The parts joined, as Python's `+` of `str`s would (lone surrogates kept).
fn concat<'py>(py: Python<'py>, parts: &[&Bound<'py, PyString>]) -> PyResult<Bound<'py, PyString>> {
    let mut text = String::new();
    for part in parts {
        match part.to_str() {
            Ok(t) => text.push_str(t),
            Err(_) => return concat_objects(py, parts), // a lone surrogate: not UTF-8
        }
    }
    Ok(PyString::new(py, &text))
}

fn concat_objects<'py>(py: Python<'py>, parts: &[&Bound<'py, PyString>]) -> PyResult<Bound<'py, PyString>> {
    let mut out = PyString::new(py, "");
    for part in parts {
        let joined = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_Concat(out.as_ptr(), part.as_ptr()))? };
        out = joined.cast_into::<PyString>()?;
    }
    Ok(out)
}

/// One line layout as the reader takes it: its groups in `_GROUPS`' order, then its MDC
/// groups, then its extra ones (`grammar.Alternative.names`), read by the compiled
/// `layout` or, for a pattern PCRE2 cannot mean the same, by Python's `read`.
struct Shape {
    layout: Option<Py<Layout>>,
    read: Py<PyAny>,
    mdc: Vec<Py<PyString>>,
    extra: Vec<Py<PyString>>,
}

/// A layout as Python describes it: (compiled layout or None, Python reader, MDC keys, extra keys).
type LayoutArgs = (Option<Py<Layout>>, Py<PyAny>, Vec<Py<PyString>>, Vec<Py<PyString>>);

const FIELDS: usize = 9; // ts, ts_s, ts_f, ts_z, level, logger, thread, pid, message

/// `PrefixParser`'s layouts, read in order: `read(line)` is the `Prefix` of the first
/// layout that reads the line from its first character, or None (the line does not start
/// a record); `read_one(i, line)` tries layout `i` alone.
#[pyclass(frozen, module = "parsers._native")]
pub struct PrefixReader {
    shapes: Vec<Shape>,
    /// characters a record start begins with (None: any)
    first: Option<Vec<u32>>,
    clock: Py<IsoClock>,
    /// makes the `Prefix`: (message, timestamp, raw_time, level, logger, thread, pid, mdc, extra, format)
    prefix: Py<SlotsMaker>,
    format: Py<PyString>,
    /// upper-case level words and their normal forms; other spellings go to `normalize`
    levels: Py<PyDict>,
    normalize: Py<PyAny>,
    /// `fullmatch` of the logger with its line glued on: (logger, line) in groups 1 and 2
    glued: Py<PyAny>,
}

#[pymethods]
impl PrefixReader {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(layouts: Vec<LayoutArgs>,
           first: Option<String>, clock: Py<IsoClock>, prefix: Py<SlotsMaker>, format: Py<PyString>,
           levels: Py<PyDict>, normalize: Py<PyAny>, glued: Py<PyAny>) -> Self {
        let shapes = layouts.into_iter().map(|(layout, read, mdc, extra)| Shape { layout, read, mdc, extra }).collect();
        let first = first.map(|f| f.chars().map(|c| c as u32).collect());
        PrefixReader { shapes, first, clock, prefix, format, levels, normalize, glued }
    }

    fn read<'py>(&self, line: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if let Some(first) = &self.first {
            if line.len()? == 0 || !first.contains(&char_at(line, 0)) {
                return Ok(None); // stack frames etc.
            }
        }
        for shape in &self.shapes {
            if let Some(values) = self.groups(shape, line)? {
                return self.build(shape, values).map(Some);
            }
        }
        Ok(None)
    }

    fn read_one<'py>(&self, index: usize, line: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let shape = self.shapes.get(index).ok_or_else(|| PyIndexError::new_err("no such layout"))?;
        match self.groups(shape, line)? {
            Some(values) => self.build(shape, values).map(Some),
            None => Ok(None),
        }
    }
}

impl PrefixReader {
    fn groups<'py>(&self, shape: &Shape, line: &Bound<'py, PyString>) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
        let py = line.py();
        if let Some(layout) = &shape.layout {
            return layout.get().groups_of(line);
        }
        let got = shape.read.bind(py).call1((line,))?;
        if got.is_none() {
            return Ok(None);
        }
        Ok(Some(got.cast_into::<PyTuple>()?.iter().collect()))
    }

    fn build<'py>(&self, shape: &Shape, values: Vec<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let py = values[0].py();
        let mut values = values;
        let rest = values.split_off(FIELDS);
        let fields: [Bound<'py, PyAny>; FIELDS] = values.try_into().map_err(|_| PyIndexError::new_err("a layout's fields"))?;
        let [ts, ts_s, ts_f, ts_z, level, logger, thread, pid, message] = fields;
        let message = match message.cast::<PyString>() {
            Ok(m) if m.len()? > 0 && last_char(m)? == '\r' as u32 => slice(m, 0, m.len()? - 1)?,
            Ok(_) => message,
            Err(_) => pyo3::intern!(py, "").clone().into_any(),
        };
        let level = if level.is_none() {
            level
        } else {
            match self.levels.bind(py).get_item(&level)? {
                Some(normal) if normal.is_truthy()? => normal,
                _ => self.normalize.bind(py).call1((&level,))?,
            }
        };
        let thread = match thread.cast::<PyString>() {
            Ok(t) if t.len()? > 0 && (char_at(t, 0) == ' ' as u32 || last_char(t)? == ' ' as u32) => t.call_method0("strip")?,
            _ => thread,
        };
        let (logger, line_no) = self.logger_and_line(logger)?;
        let iso = match ts_s.cast::<PyString>() {
            Ok(s) if s.len()? > 0 => match self.clock.get().iso(s, ts_f.cast::<PyString>().ok(), ts_z.cast::<PyString>().ok())? {
                Some(iso) => iso.into_any(),
                None => py.None().into_bound(py),
            },
            _ => py.None().into_bound(py),
        };
        let mut extra: Option<Bound<'py, PyDict>> = None;
        if let Some(line_no) = line_no.filter(|l| l.is_truthy().unwrap_or(false)) {
            let d = PyDict::new(py);
            d.set_item(pyo3::intern!(py, "line"), line_no)?;
            extra = Some(d);
        }
        let mut mdc: Option<Bound<'py, PyDict>> = None;
        if !rest.is_empty() {
            let mut rest = rest.iter();
            if !shape.mdc.is_empty() {
                let d = PyDict::new(py);
                for key in &shape.mdc {
                    let value = rest.next().expect("a value per MDC group");
                    if value.is_truthy()? {
                        d.set_item(key.bind(py), value)?;
                    } else {
                        d.set_item(key.bind(py), pyo3::intern!(py, ""))?;
                    }
                }
                mdc = Some(d);
            }
            for key in &shape.extra {
                let value = rest.next().expect("a value per extra group");
                if value.is_truthy()? {
                    extra.get_or_insert_with(|| PyDict::new(py)).set_item(key.bind(py), value)?;
                }
            }
        }
        let none = || py.None().into_bound(py);
        self.prefix.get().make_from(py, [
            message.into_any(),
            iso,
            ts,
            level,
            logger,
            thread,
            pid,
            mdc.map_or_else(none, Bound::into_any),
            extra.map_or_else(none, Bound::into_any),
            self.format.bind(py).clone().into_any(),
        ])
    }

    /// The logger as written, or None when empty; in its own bracket (`[%c] - %m`) without
    /// it; with a line number glued on (`%c(%L)`, `%c[%L]`) split from it.
    fn logger_and_line<'py>(&self, logger: Bound<'py, PyAny>) -> PyResult<(Bound<'py, PyAny>, Option<Bound<'py, PyAny>>)> {
        let py = logger.py();
        let Ok(name) = logger.cast::<PyString>() else {
            return Ok((logger, None));
        };
        let len = name.len()?;
        if len == 0 {
            return Ok((py.None().into_bound(py), None));
        }
        let last = last_char(name)?;
        if last != ')' as u32 && last != ']' as u32 {
            return Ok((logger, None));
        }
        if char_at(name, 0) == '[' as u32 && last == ']' as u32 && find_char(name, '[', 1, len) < 0 {
            let inner = slice(name, 1, len - 1)?;
            let empty = inner.cast::<PyString>()?.len()? == 0;
            return Ok((if empty { py.None().into_bound(py) } else { inner }, None));
        }
        let m = self.glued.bind(py).call1((name,))?;
        if m.is_none() {
            return Ok((logger, None));
        }
        let parts = m.call_method1("group", (1, 2))?.cast_into::<PyTuple>()?;
        Ok((parts.get_item(0)?, Some(parts.get_item(1)?)))
    }
}

fn char_at(s: &Bound<'_, PyString>, index: usize) -> u32 {
    unsafe { ffi::PyUnicode_ReadChar(s.as_ptr(), index as ffi::Py_ssize_t) }
}

fn last_char(s: &Bound<'_, PyString>) -> PyResult<u32> {
    Ok(char_at(s, s.len()? - 1))
}

fn find_char(s: &Bound<'_, PyString>, c: char, start: usize, end: usize) -> isize {
    unsafe { ffi::PyUnicode_FindChar(s.as_ptr(), c as u32, start as ffi::Py_ssize_t, end as ffi::Py_ssize_t, 1) }
}

