//! SQL fingerprints as Percona's `pt-fingerprint` (3.2.1) prints them: its ordered list of
//! regex substitutions, each skipped when a cheap substring test says it cannot apply
//! (`parsers/sql/pt_fingerprint.py` keeps the caches and the ids; the rules are here).
//!
//! Perl reads the statement as bytes, and so does this: PCRE2 without UTF, its classes,
//! `\b`, `\s` and caseless matching ASCII only; a character past ASCII is bytes that no
//! rule names, carried through as they are (lone surrogates as `surrogatepass` writes them).

use std::sync::{Mutex, OnceLock};

use pcre2::bytes::{CaptureLocations, Regex, RegexBuilder};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::text::{to_str, utf8};

struct Rules {
    mysqldump: Rule,
    toolkit: Rule,
    call: Rule,
    multi_insert: Rule,
    use_db: Rule,
    multi_line_comment: Rule,
    one_line_comment: Rule,
    escaped_quote: Rule,
    double_quoted: Rule,
    single_quoted: Rule,
    number_like: Rule,
    number_leftover: Rule,
    leading_space: Rule,
    space_run: Rule,
    null: Rule,
    in_or_values_list: Rule,
    repeated_union: Rule,
    limit_tail: Rule,
    asc_after: Rule,
}

/// A group's byte span in the statement, if it took part.
type Span = Option<(usize, usize)>;

/// A rule's regex and the capture locations it reuses (a new set per match would allocate
/// PCRE2's match data, and for a repeating rule its JIT stack, every time).
struct Rule {
    regex: Regex,
    locations: Mutex<CaptureLocations>,
}

impl Rule {
    fn new(builder: &mut RegexBuilder, pattern: &str) -> Rule {
        let regex = builder
            .jit_if_available(true)
            .build(&format!("(*LF){pattern}"))
            .expect("a fingerprint rule compiles");
        let locations = Mutex::new(regex.capture_locations());
        Rule { regex, locations }
    }

    fn is_match(&self, q: &[u8]) -> Result<bool, pcre2::Error> {
        self.regex.is_match(q)
    }

    /// The spans of the groups of the first match at or after `start` (group 0: the match).
    fn captures_at(&self, q: &[u8], start: usize) -> Result<Option<Vec<Span>>, pcre2::Error> {
        let mut locs = self.locations.lock().expect("a rule's capture locations");
        if self.regex.captures_read_at(&mut locs, q, start)?.is_none() {
            return Ok(None);
        }
        Ok(Some((0..locs.len()).map(|g| locs.get(g)).collect()))
    }
}

fn rx(pattern: &str, caseless: bool, dotall: bool) -> Rule {
    Rule::new(RegexBuilder::new().caseless(caseless).dotall(dotall), pattern)
}

/// A rule that repeats a group (each repetition takes JIT stack): its stack may grow to
/// `GROUP_STACK` bytes, reserved, not committed, until used. A statement is at most an
/// event's bound (256 KiB by default); this is room for a mebibyte of `union select`s.
const GROUP_STACK: usize = 64 << 20;

fn rx_repeating(pattern: &str) -> Rule {
    Rule::new(RegexBuilder::new().max_jit_stack_size(Some(GROUP_STACK)), pattern)
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Rules {
        // whole-statement special cases, tried first
        mysqldump: rx(r"\ASELECT /\*!40001 SQL_NO_CACHE \*/ \* FROM `", false, false),
        toolkit: rx(r"/\*\w+\.\w+:[0-9]/[0-9]\*/", false, false),
        call: rx(r"\A\s*(call\s+\S+)\(", true, false),
        multi_insert: rx(r"\A((?:INSERT|REPLACE)(?: IGNORE)?\s+INTO.+?VALUES\s*\(.*?\))\s*,\s*\(", true, true),
        use_db: rx(r"use \S+(?=\n?\z)", true, false),
        // comments: /* ... */ (not /*! version comments */), then -- and # to the line's end
        multi_line_comment: rx(r"/\*[^!].*?\*/", false, true),
        one_line_comment: rx(r#"(?:--|#)[^'"\r\n]*(?=[\r\n]|\z)"#, false, false),
        // literals: escaped quotes first, then quoted strings, then anything like a number
        // (the class is Percona's: broad on purpose, for speed)
        escaped_quote: rx(r#"\\["']"#, false, false),
        double_quoted: rx(r#"".*?""#, false, true),
        single_quoted: rx(r"'.*?'", false, true),
        number_like: rx(r"[0-9+-][0-9a-f.xb+-]*", false, false),
        number_leftover: rx(r"[xb.+-]\?", false, false),
        // layout, then the lists collapse
        leading_space: rx(r"\A\s+", false, false),
        space_run: rx(r"[\n\t\r\f][ \n\t\r\f]*| [ \n\t\r\f]+", false, false),
        null: rx(r"\bnull\b", false, false),
        in_or_values_list: rx_repeating(r"\b(in|values?)(?:[\s,]*\([\s?,]*\))+"),
        repeated_union: rx_repeating(r"\b(select\s.*?)(?:(\sunion(?:\sall)?)\s\1)+"),
        limit_tail: rx(r"\Glimit \?(?:, ?\?| offset \?)?", false, false),
        asc_after: rx(r"\G(.+?)\s+asc", true, false),
    })
}

/// `sql` with literals replaced by `?`, whitespace collapsed, lower-cased, IN and VALUES
/// lists collapsed to `(?+)`, as `pt-fingerprint` 3.2.1 prints it.
#[pyfunction]
pub fn sql_fingerprint<'py>(sql: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    let (bytes, surrogates) = utf8(sql)?;
    match fingerprint(&bytes).map_err(|e| PyValueError::new_err(format!("fingerprint: {e}")))? {
        Some(fp) => to_str(sql.py(), &fp, surrogates),
        None => Ok(sql.clone()), // `administrator command: ...`: the statement itself
    }
}

/// The fingerprint's bytes, or None when it is the statement itself.
fn fingerprint(sql: &[u8]) -> Result<Option<Vec<u8>>, pcre2::Error> {
    let r = rules();
    if sql.starts_with(b"SELECT /*!40001") && r.mysqldump.is_match(sql)? {
        return Ok(Some(b"mysqldump".to_vec()));
    }
    if contains(sql, b"*/") && r.toolkit.is_match(sql)? {
        return Ok(Some(b"percona-toolkit".to_vec()));
    }
    if sql.starts_with(b"administrator command: ") {
        return Ok(None);
    }
    if let Some(c) = r.call.captures_at(sql, 0)? {
        return Ok(Some(span(sql, c[1]).to_ascii_lowercase()));
    }
    let mut q = match r.multi_insert.captures_at(sql, 0)? {
        Some(c) => span(sql, c[1]).to_vec(),
        None => sql.to_vec(),
    };
    if contains(&q, b"/*") {
        q = replace(&r.multi_line_comment, &q, |_, _, _| ())?;
    }
    if contains(&q, b"--") || q.contains(&b'#') {
        q = replace(&r.one_line_comment, &q, |_, _, _| ())?;
    }
    if q.len() >= 4 && q[..4].eq_ignore_ascii_case(b"use ") {
        if let Some(c) = r.use_db.captures_at(&q, 0)? {
            let (start, end) = c[0].expect("the match");
            let mut out = q[..start].to_vec();
            out.extend_from_slice(b"use ?");
            out.extend_from_slice(&q[end..]);
            return Ok(Some(out));
        }
    }
    if q.contains(&b'\\') {
        q = replace(&r.escaped_quote, &q, |_, _, _| ())?;
    }
    if q.contains(&b'"') {
        q = replace(&r.double_quoted, &q, |_, _, out| out.push(b'?'))?;
    }
    if q.contains(&b'\'') {
        q = replace(&r.single_quoted, &q, |_, _, out| out.push(b'?'))?;
    }
    q = replace(&r.number_like, &q, |_, _, out| out.push(b'?'))?;
    if [&b"x?"[..], b"b?", b".?", b"+?", b"-?"].iter().any(|pair| contains(&q, pair)) {
        q = replace(&r.number_leftover, &q, |_, _, out| out.push(b'?'))?;
    }
    q = replace(&r.leading_space, &q, |_, _, _| ())?;
    if q.last() == Some(&b'\n') {
        q.pop();
    }
    if q.iter().any(|b| matches!(b, b'\n' | b'\t' | b'\r' | b'\x0c')) || contains(&q, b"  ") {
        q = replace(&r.space_run, &q, |_, _, out| out.push(b' '))?;
    }
    q.make_ascii_lowercase();
    if contains(&q, b"null") {
        q = replace(&r.null, &q, |_, _, out| out.push(b'?'))?;
    }
    if contains(&q, b"in(") || contains(&q, b"in ") || contains(&q, b"in,") || contains(&q, b"value") {
        q = replace(&r.in_or_values_list, &q, |c, q, out| {
            out.extend_from_slice(span(q, c[1]));
            out.extend_from_slice(b"(?+)");
        })?;
    }
    if contains(&q, b"union") {
        q = replace(&r.repeated_union, &q, |c, q, out| {
            out.extend_from_slice(span(q, c[1]));
            out.extend_from_slice(b" /*repeat");
            out.extend_from_slice(span(q, c[2]));
            out.extend_from_slice(b"*/");
        })?;
    }
    if contains(&q, b"limit ?") {
        q = collapse_limit(&r.limit_tail, q)?;
    }
    if contains(&q, b"order by ") {
        q = drop_asc_after_order_by(&r.asc_after, q)?;
    }
    Ok(Some(q))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// A group's bytes (empty when it took no part).
fn span(q: &[u8], group: Span) -> &[u8] {
    group.map_or(&[][..], |(start, end)| &q[start..end])
}

type Groups = [Span];

/// Each match of `rule` in `q`, left to right and not overlapping, replaced by what `write`
/// writes (given the match's groups and `q`).
fn replace(rule: &Rule, q: &[u8], write: impl Fn(&Groups, &[u8], &mut Vec<u8>)) -> Result<Vec<u8>, pcre2::Error> {
    let mut out = Vec::with_capacity(q.len());
    let (mut last, mut pos) = (0, 0);
    while pos <= q.len() {
        let Some(groups) = rule.captures_at(q, pos)? else { break };
        let (start, end) = groups[0].expect("the match");
        out.extend_from_slice(&q[last..start]);
        write(&groups, q, &mut out);
        last = end;
        pos = if end > start { end } else { end + 1 };
    }
    out.extend_from_slice(&q[last..]);
    Ok(out)
}

/// Index of the first `word` in `q` that starts at a word boundary (no ASCII letter, digit
/// or `_` before it).
fn find_word(q: &[u8], word: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&q[from..], word).map(|i| i + from) {
        if i == 0 || !(q[i - 1].is_ascii_alphanumeric() || q[i - 1] == b'_') {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// The first `limit ?, ?` / `limit ? offset ?` becomes `limit ?`.
fn collapse_limit(tail: &Rule, q: Vec<u8>) -> Result<Vec<u8>, pcre2::Error> {
    let Some(i) = find_word(&q, b"limit ?") else {
        return Ok(q);
    };
    let end = tail.captures_at(&q, i)?.and_then(|c| c[0]).expect("`limit ?` is at i").1;
    let mut out = q[..i].to_vec();
    out.extend_from_slice(b"limit ?");
    out.extend_from_slice(&q[end..]);
    Ok(out)
}

/// Each ` asc` after the first `order by ` removed, in one left-to-right chain of adjacent
/// matches (Perl's `\G` loop in pt-fingerprint).
fn drop_asc_after_order_by(asc_after: &Rule, q: Vec<u8>) -> Result<Vec<u8>, pcre2::Error> {
    let Some(i) = find_word(&q, b"order by ") else {
        return Ok(q);
    };
    let mut pos = i + b"order by ".len();
    if !contains(&q[pos..], b" asc") {
        return Ok(q);
    }
    let mut out = q[..pos].to_vec();
    while let Some(groups) = asc_after.captures_at(&q, pos)? {
        out.extend_from_slice(span(&q, groups[1]));
        pos = groups[0].expect("the match").1;
    }
    out.extend_from_slice(&q[pos..]);
    Ok(out)
}
