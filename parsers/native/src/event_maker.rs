//! New `parsers.event.Event` objects made in one call: every slot filled with the field's
//! default as the dataclass declares it (a fresh list or dict where the field has a factory),
//! then the fields a record's first line gives. What `Event(message, timestamp=..., ...)`
//! makes, without the generated `__init__` storing 35 attributes one by one.

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};

use crate::slots;

enum Default {
    Value(Py<PyAny>),
    NewList,
    NewDict,
    Factory(Py<PyAny>),
}

/// A field as `dataclasses.fields()` describes it: (name, default, default factory), None for
/// what it has not.
type FieldArgs = (String, Option<Py<PyAny>>, Option<Py<PyAny>>);

/// The fields `record()` sets, in its arguments' order.
const RECORD_FIELDS: [&str; 8] = ["message", "timestamp", "level", "logger", "thread", "offset", "end_offset", "truncated"];

/// `EventMaker(Event, fields)`: `record(message, timestamp, level, logger, thread, offset,
/// end_offset, truncated)` is `Event(message, timestamp=timestamp, ...)`.
#[pyclass(frozen, module = "parsers._native")]
pub struct EventMaker {
    class: Py<PyType>,
    defaults: Vec<(ffi::Py_ssize_t, Default)>,
    record: [ffi::Py_ssize_t; RECORD_FIELDS.len()],
}

#[pymethods]
impl EventMaker {
    #[new]
    fn new(class: Bound<'_, PyType>, fields: Vec<FieldArgs>) -> PyResult<Self> {
        let py = class.py();
        let (list, dict) = (py.get_type::<PyList>(), py.get_type::<PyDict>());
        let mut defaults = Vec::with_capacity(fields.len());
        for (name, value, factory) in &fields {
            let default = match factory {
                Some(f) if f.bind(py).is(&list) => Default::NewList,
                Some(f) if f.bind(py).is(&dict) => Default::NewDict,
                Some(f) => Default::Factory(f.clone_ref(py)),
                None => Default::Value(value.as_ref().map_or_else(|| py.None(), |v| v.clone_ref(py))),
            };
            defaults.push((slots::object_slot(&class, name)?, default));
        }
        let mut record = [0; RECORD_FIELDS.len()];
        for (at, name) in record.iter_mut().zip(RECORD_FIELDS) {
            if !fields.iter().any(|(field, _, _)| field == name) {
                return Err(PyTypeError::new_err(format!("{} has no field {name}", class.name()?)));
            }
            *at = slots::object_slot(&class, name)?;
        }
        Ok(EventMaker { class: class.unbind(), defaults, record })
    }

    #[allow(clippy::too_many_arguments)]
    fn record<'py>(&self, py: Python<'py>, message: Bound<'py, PyAny>, timestamp: Bound<'py, PyAny>,
                   level: Bound<'py, PyAny>, logger: Bound<'py, PyAny>, thread: Bound<'py, PyAny>,
                   offset: Bound<'py, PyAny>, end_offset: Bound<'py, PyAny>, truncated: Bound<'py, PyAny>)
                   -> PyResult<Bound<'py, PyAny>> {
        let event = self.new_event(py)?;
        let values = [message, timestamp, level, logger, thread, offset, end_offset, truncated];
        for (&offset, value) in self.record.iter().zip(values) {
            // SAFETY: `event` is a new instance of the class; the slot holds its default.
            unsafe { slots::replace(event.as_ptr(), offset, value.into_ptr()) };
        }
        Ok(event)
    }
}

impl EventMaker {
    /// A new instance with every field's default.
    fn new_event<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let class = self.class.bind(py).as_ptr() as *mut ffi::PyTypeObject;
        // SAFETY: the class's own allocator (what `object.__new__` calls), zero-filled slots.
        let event = unsafe {
            let alloc = (*class).tp_alloc.unwrap_or(ffi::PyType_GenericAlloc);
            Bound::from_owned_ptr_or_err(py, alloc(class, 0))?
        };
        for (offset, default) in &self.defaults {
            let value = match default {
                Default::Value(v) => v.clone_ref(py).into_bound(py),
                Default::NewList => PyList::empty(py).into_any(),
                Default::NewDict => PyDict::new(py).into_any(),
                Default::Factory(f) => f.bind(py).call0()?,
            };
            // SAFETY: `event` is an instance of the class, its slot unset (NULL).
            unsafe { slots::replace(event.as_ptr(), *offset, value.into_ptr()) };
        }
        Ok(event)
    }
}
