//! Object slots of a class with `__slots__` (a dataclass with `slots=True`), read and
//! filled by offset as CPython's member descriptors do: the offsets are taken once, from
//! the class's descriptors, and used only on objects whose type is that class.

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// The offset of slot `name` in instances of `class`; a TypeError when `name` is no object slot.
pub fn object_slot(class: &Bound<'_, PyType>, name: &str) -> PyResult<ffi::Py_ssize_t> {
    let descr = class.getattr(name)?;
    // SAFETY: the type test makes `descr` a member descriptor, whose `d_member` the class
    // owns and keeps for as long as it lives.
    let member = unsafe {
        if ffi::Py_TYPE(descr.as_ptr()) != &raw mut ffi::PyMemberDescr_Type {
            return Err(PyTypeError::new_err(format!("{}.{name} is not a slot", class.name()?)));
        }
        &*(*(descr.as_ptr() as *mut ffi::PyMemberDescrObject)).d_member
    };
    if member.type_code != ffi::Py_T_OBJECT_EX {
        return Err(PyTypeError::new_err(format!("{}.{name} is not an object slot", class.name()?)));
    }
    Ok(member.offset)
}

/// The slot's place in `obj`.
///
/// # Safety
/// `obj`'s type is the class `offset` was taken from (`object_slot`).
pub unsafe fn slot(obj: *mut ffi::PyObject, offset: ffi::Py_ssize_t) -> *mut *mut ffi::PyObject {
    unsafe { (obj as *mut u8).offset(offset) as *mut *mut ffi::PyObject }
}

/// What the slot holds (None while it is unset), as a new reference.
///
/// # Safety
/// As `slot`; the GIL is held.
pub unsafe fn read<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>, offset: ffi::Py_ssize_t)
                        -> Option<Bound<'py, PyAny>> {
    let item = unsafe { *slot(obj.as_ptr(), offset) };
    if item.is_null() {
        None
    } else {
        Some(unsafe { Bound::from_borrowed_ptr(py, item) })
    }
}

/// Puts `value` (a reference the slot takes over) in the slot, releasing what it held.
///
/// # Safety
/// As `slot`; the GIL is held; `value` is a live object.
pub unsafe fn replace(obj: *mut ffi::PyObject, offset: ffi::Py_ssize_t, value: *mut ffi::PyObject) {
    unsafe {
        let place = slot(obj, offset);
        let old = *place;
        *place = value;
        ffi::Py_XDECREF(old);
    }
}
