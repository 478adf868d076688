//! New objects of a dataclass with `__slots__` made in one call: every slot filled with the
//! field's default as the dataclass declares it (a fresh list or dict where the field has
//! that factory, any other factory called), then the fields given, in the order the maker
//! names them. What `Class(a, b=..., ...)` makes, without the generated `__init__` storing
//! each attribute in turn: the makers of each record's `Event`, `RawRecord` and `Prefix`.

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

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

/// `SlotsMaker(Class, fields, given)`: `make(*values)`, one value for each field named in
/// `given`, is `Class(**dict(zip(given, values)))`.
#[pyclass(frozen, module = "parsers._native")]
pub struct SlotsMaker {
    class: Py<PyType>,
    defaults: Vec<(ffi::Py_ssize_t, Default)>,
    given: Vec<ffi::Py_ssize_t>,
}

#[pymethods]
impl SlotsMaker {
    #[new]
    fn new(class: Bound<'_, PyType>, fields: Vec<FieldArgs>, given: Vec<String>) -> PyResult<Self> {
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
        let mut offsets = Vec::with_capacity(given.len());
        for name in &given {
            if !fields.iter().any(|(field, _, _)| field == name) {
                return Err(PyTypeError::new_err(format!("{} has no field {name}", class.name()?)));
            }
            offsets.push(slots::object_slot(&class, name)?);
        }
        Ok(SlotsMaker { class: class.unbind(), defaults, given: offsets })
    }

    #[pyo3(signature = (*values))]
    fn make<'py>(&self, values: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        if values.len() != self.given.len() {
            return Err(self.miscount(values.len()));
        }
        self.make_from(values.py(), values.iter())
    }
}

impl SlotsMaker {
    /// `make(*values)` for the core's callers: a value for each given field, in order (a
    /// TypeError for another count).
    pub fn make_from<'py>(&self, py: Python<'py>, values: impl IntoIterator<Item = Bound<'py, PyAny>>)
                          -> PyResult<Bound<'py, PyAny>> {
        let made = self.with_defaults(py)?;
        let mut count = 0;
        for value in values {
            let Some(&offset) = self.given.get(count) else {
                return Err(self.miscount(count + 1));
            };
            // SAFETY: `made` is a new instance of the class; the slot holds its default.
            unsafe { slots::replace(made.as_ptr(), offset, value.into_ptr()) };
            count += 1;
        }
        if count != self.given.len() {
            return Err(self.miscount(count));
        }
        Ok(made)
    }

    fn miscount(&self, given: usize) -> PyErr {
        PyTypeError::new_err(format!("make() takes {} values ({given} given)", self.given.len()))
    }

    /// A new instance with every field's default.
    fn with_defaults<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let class = self.class.bind(py).as_ptr() as *mut ffi::PyTypeObject;
        // SAFETY: the class's own allocator (what `object.__new__` calls), zero-filled slots.
        let made = unsafe {
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
            // SAFETY: `made` is an instance of the class, its slot unset (NULL).
            unsafe { slots::replace(made.as_ptr(), *offset, value.into_ptr()) };
        }
        Ok(made)
    }
}
