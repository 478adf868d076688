//! A table-format business line's cells (`parsers/table.py`): the row between the
//! spec's first and last delimiter, split on it, `key=value` cells of a column filling
//! it and the others filling the remaining columns in order, each value made its
//! column's type. `TableRows.row(message)` is `(fields, trace ids, errors)`; with errors,
//! the fields are every cell as written (surplus cells as `_extra1`, `_extra2`, ...).
//!
//! Whitespace is Python's (`str.strip()`, `\s` in a `str` pattern: the class table of
//! `parsers/unicode_classes.py`); a duration other than `<digits>ms` is read by Python's
//! `parse_duration_ns`, the one reader of durations.

use std::collections::HashSet;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::checks::days_in_month;
use crate::text::{to_str, utf8};
use crate::unicode::{char_at, Table};

/// What a column's values must be.
enum Kind {
    String,
    Int,
    Decimal,
    Duration,
    Timestamp,
    Enum(HashSet<Vec<u8>>),
    Unknown,
}

struct Column {
    name: Py<PyString>,
    bytes: Vec<u8>,
    kind: Kind,
    /// what an error says the value is not (`not an int`, `not in A|B`)
    expected: String,
}

/// A column as Python describes it: (name, type, enum choices, what an error says).
type ColumnArgs<'py> = (Bound<'py, PyString>, String, Vec<Bound<'py, PyString>>, String);

#[pyclass(frozen, module = "parsers._native")]
pub struct TableRows {
    delimiter: Vec<u8>,
    delimiter_chars: usize,
    /// the spec's match cell, skipped when it is the one positional cell too many
    token: Vec<u8>,
    columns: Vec<Column>,
    /// the column each name stands for: the last of its name, as a dict keeps it
    kinds: Vec<usize>,
    trace_ids: Vec<Py<PyString>>,
    parse_duration: Py<PyAny>,
    classes: Table,
}

#[pymethods]
impl TableRows {
    /// `columns`: (name, type, choices, what an error says) each; `type` one of string,
    /// int, decimal, duration, timestamp, enum (its `choices`), unknown.
    #[new]
    fn new(delimiter: &Bound<'_, PyString>, token: &Bound<'_, PyString>,
           columns: Vec<ColumnArgs<'_>>,
           trace_ids: Vec<Py<PyString>>, parse_duration: Py<PyAny>, classes: &Bound<'_, PyBytes>) -> PyResult<Self> {
        let mut cols = Vec::with_capacity(columns.len());
        for (name, kind, choices, expected) in columns {
            let kind = match kind.as_str() {
                "string" => Kind::String,
                "int" => Kind::Int,
                "decimal" => Kind::Decimal,
                "duration" => Kind::Duration,
                "timestamp" => Kind::Timestamp,
                "enum" => Kind::Enum(choices.iter().map(|c| Ok(utf8(c)?.0.into_owned())).collect::<PyResult<_>>()?),
                _ => Kind::Unknown,
            };
            cols.push(Column { bytes: utf8(&name)?.0.into_owned(), name: name.unbind(), kind, expected });
        }
        let kinds = (0..cols.len())
            .map(|i| (0..cols.len()).rev().find(|&j| cols[j].bytes == cols[i].bytes).unwrap_or(i))
            .collect();
        Ok(TableRows {
            delimiter: utf8(delimiter)?.0.into_owned(),
            delimiter_chars: delimiter.len()?,
            token: utf8(token)?.0.into_owned(),
            columns: cols,
            kinds,
            trace_ids,
            parse_duration,
            classes: Table::new(classes)?,
        })
    }

    fn row<'py>(&self, message: &Bound<'py, PyString>)
                -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>, Bound<'py, PyList>)> {
        let py = message.py();
        let (t, surrogates) = utf8(message)?;
        let text = |b: &[u8]| to_str(py, b, surrogates);
        let inner = self.inner(&t);
        // the cells: `key=value` of a column (its first), or positional
        let mut keyed: Vec<(usize, &[u8])> = Vec::new();
        let mut positional: Vec<&[u8]> = Vec::new();
        for cell in split(inner, &self.delimiter) {
            if let Some(eq) = memchr::memchr(b'=', cell) {
                let key = self.strip(py, &cell[..eq]);
                if let Some(c) = self.columns.iter().position(|c| c.bytes == key) {
                    if !keyed.iter().any(|&(k, _)| self.columns[k].bytes == key) {
                        keyed.push((c, self.strip(py, &cell[eq + 1..])));
                        continue;
                    }
                }
            }
            positional.push(self.strip(py, cell));
        }
        let free: Vec<usize> = (0..self.columns.len())
            .filter(|&i| !keyed.iter().any(|&(k, _)| self.columns[k].bytes == self.columns[i].bytes))
            .collect();
        if positional.len() == free.len() + 1 && positional[0] == self.token.as_slice() {
            positional.remove(0);
        }
        let raw = PyDict::new(py);
        for (&i, value) in free.iter().zip(&positional) {
            raw.set_item(self.columns[i].name.bind(py), text(value)?)?;
        }
        for &(i, value) in &keyed {
            raw.set_item(self.columns[i].name.bind(py), text(value)?)?;
        }
        let errors = PyList::empty(py);
        if positional.len() > free.len() {
            for (i, value) in positional[free.len()..].iter().enumerate() {
                raw.set_item(format!("_extra{}", i + 1), text(value)?)?;
            }
            errors.append(format!("{} cell(s) more than the {} columns", positional.len() - free.len(), self.columns.len()))?;
        } else if positional.len() < free.len() {
            let missing: Vec<String> = free[positional.len()..]
                .iter()
                .map(|&i| self.columns[i].name.bind(py).to_string())
                .collect();
            errors.append(format!("missing column(s): {}", missing.join(", ")))?;
        }
        let fields = PyDict::new(py);
        for (i, column) in self.columns.iter().enumerate() {
            let name = column.name.bind(py);
            let Some(value) = raw.get_item(name)? else { continue };
            let value = value.cast_into::<PyString>()?;
            let typed = &self.columns[self.kinds[i]];
            match self.convert(&typed.kind, &value)? {
                Some(v) => fields.set_item(name, v)?,
                None => errors.append(format!("{}: {}: {}", name, typed.expected, value.repr()?))?,
            }
        }
        let ids = PyList::empty(py);
        for key in &self.trace_ids {
            if let Some(v) = raw.get_item(key.bind(py))? {
                if v.is_truthy()? {
                    ids.append(v)?;
                }
            }
        }
        Ok((if errors.is_empty() { fields } else { raw }, ids, errors))
    }
}

impl TableRows {
    /// The text between the first and the last delimiter (after the first when there is
    /// one; without any, the message from the character before the delimiter's length).
    fn inner<'a>(&self, t: &'a [u8]) -> &'a [u8] {
        let d = &self.delimiter;
        match (memchr::memmem::find(t, d), memchr::memmem::rfind(t, d)) {
            // `message[first + len(d):last]`: empty when the two overlap (`###` split on `##`)
            (Some(first), Some(last)) if last > first => &t[(first + d.len()).min(last)..last],
            (Some(first), _) => &t[first + d.len()..],
            (None, _) => {
                let mut i = 0;
                for _ in 1..self.delimiter_chars {
                    if i >= t.len() {
                        break;
                    }
                    i += char_at(t, i).1;
                }
                &t[i.min(t.len())..]
            }
        }
    }

    /// `b` without Python's whitespace at either end (`str.strip()`).
    fn strip<'a>(&self, py: Python<'_>, b: &'a [u8]) -> &'a [u8] {
        self.classes.classes(py).strip(b)
    }

    /// The value made its column's type, or None when it is not of it.
    fn convert<'py>(&self, kind: &Kind, value: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = value.py();
        let (raw, _) = utf8(value)?;
        let raw: &[u8] = &raw;
        Ok(match kind {
            Kind::String => Some(value.clone().into_any()),
            Kind::Int => int(raw).map(|v| v.into_pyobject(py).expect("an int").into_any()),
            Kind::Decimal => self.decimal(py, raw).map(|v| v.into_pyobject(py).expect("a float").into_any()),
            Kind::Duration => match millis(raw) {
                Some(ns) => Some(ns.into_pyobject(py)?.into_any()),
                None => Some(self.parse_duration.bind(py).call1((value, "ms"))?).filter(|ns| !ns.is_none()),
            },
            Kind::Timestamp => timestamp(self.strip(py, raw)).map(|ts| PyString::new(py, &ts).into_any()),
            Kind::Enum(allowed) => allowed.contains(raw).then(|| value.clone().into_any()),
            Kind::Unknown => None,
        })
    }

    /// `\s*[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?\s*` read as `float()` reads it.
    fn decimal(&self, py: Python<'_>, raw: &[u8]) -> Option<f64> {
        let number = self.strip(py, raw);
        let digits = number.strip_prefix(b"+").or_else(|| number.strip_prefix(b"-")).unwrap_or(number);
        let (whole, frac) = match memchr::memchr(b'.', digits) {
            Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
            None => (digits, None),
        };
        let run = |d: &[u8]| (1..=30).contains(&d.len()) && d.iter().all(u8::is_ascii_digit);
        if !run(whole) || !frac.is_none_or(run) {
            return None;
        }
        std::str::from_utf8(number).ok()?.parse().ok()
    }
}

/// `text.split(d)`: the pieces between each non-overlapping delimiter, empty ones kept.
fn split<'a>(text: &'a [u8], d: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match memchr::memmem::find(t, d) {
            Some(i) => {
                rest = Some(&t[i + d.len()..]);
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// `[+-]?[0-9]{1,18}`, as a signed 64-bit integer.
fn int(raw: &[u8]) -> Option<i64> {
    let digits = raw.strip_prefix(b"+").or_else(|| raw.strip_prefix(b"-")).unwrap_or(raw);
    if !(1..=18).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(raw).ok()?.parse().ok()
}

/// `<digits>ms` (at most 17 characters) in nanoseconds; anything else is Python's to read.
fn millis(raw: &[u8]) -> Option<i128> {
    let digits = raw.strip_suffix(b"ms")?;
    if raw.len() > 17 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(std::str::from_utf8(digits).ok()?.parse::<i128>().ok()? * 1_000_000)
}

/// `YYYY-MM-DD[ T]HH:MM:SS[.,]fraction` (a valid date and time) as ISO 8601 without a zone.
fn timestamp(t: &[u8]) -> Option<String> {
    let digit = |i: usize| t.get(i).filter(|b| b.is_ascii_digit()).map(|b| (b - b'0') as u32);
    let number = |from: usize, n: usize| (from..from + n).try_fold(0u32, |v, i| Some(v * 10 + digit(i)?));
    if t.len() < 19 || t[4] != b'-' || t[7] != b'-' || !matches!(t[10], b' ' | b'T') || t[13] != b':' || t[16] != b':' {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    let frac = &t[19..];
    let fraction_ok = |f: &[u8]| matches!(f[0], b'.' | b',') && (2..=10).contains(&f.len()) && f[1..].iter().all(u8::is_ascii_digit);
    if !(frac.is_empty() || fraction_ok(frac)) {
        return None;
    }
    if year == 0 || day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let head = std::str::from_utf8(&t[..19]).ok()?;
    let mut out = format!("{}T{}", &head[..10], &head[11..]);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(std::str::from_utf8(&frac[1..]).ok()?);
    }
    Some(out)
}
