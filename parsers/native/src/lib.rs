//! `parsers._native`: the parse stage's text scanners, its prefix regexes' engine (PCRE2) and prefix reader,
//! the event's JSON writer and the shipper's Kafka record batch, compiled. Each is the one
//! implementation of what it does; the Python modules that use them (`parsers/prescreen.py`,
//! `parsers/masking.py`, `parsers/prefix/engine.py`, `parsers/event.py`, `sinks/record_batch.py`)
//! keep the options and the API.

use pyo3::prelude::*;

mod checks;
mod ecs;
mod fingerprint;
mod layout;
mod lines;
mod masking;
mod prefix;
mod record_batch;
mod screen;
mod slots;
mod slots_maker;
mod table_rows;
mod text;
mod trace_keys;
mod triage;
mod unicode;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<screen::Screen>()?;
    m.add_class::<ecs::EcsWriter>()?;
    m.add_class::<slots_maker::SlotsMaker>()?;
    m.add_class::<record_batch::RecordBatch>()?;
    m.add_function(wrap_pyfunction!(fingerprint::sql_fingerprint, m)?)?;
    m.add_class::<trace_keys::TraceKeys>()?;
    m.add_class::<triage::Triage>()?;
    m.add_function(wrap_pyfunction!(lines::clean_texts, m)?)?;
    m.add_class::<layout::Layout>()?;
    m.add_class::<layout::LayoutMatch>()?;
    m.add_class::<prefix::IsoClock>()?;
    m.add_class::<prefix::PrefixReader>()?;
    m.add_class::<table_rows::TableRows>()?;
    m.add_function(wrap_pyfunction!(masking::may_mask_text, m)?)?;
    m.add_function(wrap_pyfunction!(masking::mask_numbers, m)?)?;
    m.add_function(wrap_pyfunction!(checks::luhn_valid, m)?)?;
    m.add_function(wrap_pyfunction!(checks::cn_id_valid, m)?)?;
    Ok(())
}
