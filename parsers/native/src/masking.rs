//! The number kinds of `parsers/masking.py`: Chinese resident ids, cards and mainland
//! mobile numbers, each found and validated in one pass over the UTF-8 bytes. Every
//! kind is ASCII, and a byte of a multi-byte character is never an ASCII letter or
//! digit, so byte positions serve as the regexes' character positions did:
//!
//!   cn_id  (?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])
//!   card   (?<![0-9A-Za-z])[2-6][0-9]{3}(?:[0-9]{9,15}|(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,4})?)(?![0-9A-Za-z])
//!   phone  (?<![0-9A-Za-z+])(\+86[ -]?)?(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9A-Za-z])
//!
//! Each pass reads the previous pass's output, leftmost match first, and goes on after
//! a match's end whether or not it was masked, as `re.sub` did.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::checks::{cn_id, luhn};
use crate::text::{to_str, utf8};

#[inline]
fn alnum(t: &[u8], i: usize) -> bool {
    i < t.len() && t[i].is_ascii_alphanumeric()
}

#[inline]
fn digits(t: &[u8], from: usize, count: usize) -> bool {
    from + count <= t.len() && t[from..from + count].iter().all(u8::is_ascii_digit)
}

#[inline]
fn sep(t: &[u8], i: usize) -> bool {
    i < t.len() && (t[i] == b' ' || t[i] == b'-')
}

/// One pass: `find(t, i)` tells whether a match starts at `i` and where it ends;
/// `replace(match)` gives the masked text or None (left as it is).
fn pass<'a>(t: Cow<'a, [u8]>, find: impl Fn(&[u8], usize) -> Option<usize>,
            replace: impl Fn(&[u8]) -> Option<Vec<u8>>, count: &mut u32) -> Cow<'a, [u8]> {
    let mut out: Vec<u8> = Vec::new();
    let (mut i, mut last, n) = (0, 0, t.len());
    while i < n {
        match find(&t, i) {
            Some(end) => {
                if let Some(masked) = replace(&t[i..end]) {
                    out.extend_from_slice(&t[last..i]);
                    out.extend_from_slice(&masked);
                    last = end;
                    *count += 1;
                }
                i = end;
            }
            None => i += 1,
        }
    }
    if *count == 0 {
        return t;
    }
    out.extend_from_slice(&t[last..]);
    Cow::Owned(out)
}

fn find_cn_id(t: &[u8], i: usize) -> Option<usize> {
    let ok = (b'1'..=b'9').contains(&t[i])
        && (i == 0 || !alnum(t, i - 1))
        && digits(t, i + 1, 16)
        && i + 17 < t.len()
        && matches!(t[i + 17], b'0'..=b'9' | b'X' | b'x')
        && !alnum(t, i + 18);
    ok.then_some(i + 18)
}

fn mask_cn_id(s: &[u8]) -> Option<Vec<u8>> {
    cn_id(s).then(|| [&s[..6], b"********", &s[14..]].concat())
}

fn find_card(t: &[u8], i: usize) -> Option<usize> {
    if !(b'2'..=b'6').contains(&t[i]) || (i > 0 && alnum(t, i - 1)) || !digits(t, i + 1, 3) {
        return None;
    }
    let p = i + 4;
    if p < t.len() && t[p].is_ascii_digit() {
        // one run of 13-19 digits: 9-15 after the first four, then no letter or digit
        let k = t[p..].iter().take_while(|b| b.is_ascii_digit()).count();
        return ((9..=15).contains(&k) && !alnum(t, p + k)).then_some(p + k);
    }
    // groups of four after a space or dash, two or three of them (most first), then an
    // optional shorter group (longest first), then no letter or digit
    let mut ends = [0usize; 4];
    let (mut q, mut groups) = (p, 0);
    while groups < 3 && sep(t, q) && digits(t, q + 1, 4) {
        q += 5;
        groups += 1;
        ends[groups] = q;
    }
    for g in (2..=groups).rev() {
        let q = ends[g];
        if sep(t, q) {
            let d = t[q + 1..].iter().take(4).take_while(|b| b.is_ascii_digit()).count();
            for tail in (1..=d).rev() {
                if !alnum(t, q + 1 + tail) {
                    return Some(q + 1 + tail);
                }
            }
        }
        if !alnum(t, q) {
            return Some(q);
        }
    }
    None
}

/// Whether `ds` (13-19 digits) has a length its issuer gives its cards (ISO/IEC 7812 ranges as
/// the networks publish them): Mastercard 16 (51-55, 2221-2720), Visa 13, 16 or 19, American
/// Express 15 (34, 37), JCB 16-19 (35), Diners Club 14-19 (30, 36, 38, 39), UnionPay, Discover and
/// Maestro up to 19 (6, 50, 56-59). Ids and trade numbers of other lengths stay readable: an
/// 18-digit request id starting `2491` or `4` is no card.
fn issuer_length(ds: &[u8]) -> bool {
    let n = ds.len();
    let two = (ds[0] - b'0') as u32 * 10 + (ds[1] - b'0') as u32;
    match ds[0] {
        b'2' => {
            let head = ds[..4].iter().fold(0u32, |h, &b| h * 10 + (b - b'0') as u32);
            (2221..=2720).contains(&head) && n == 16
        }
        b'3' => match two {
            34 | 37 => n == 15,
            35 => n >= 16,
            30 | 36 | 38 | 39 => n >= 14,
            _ => false,
        },
        b'4' => n == 13 || n == 16 || n == 19,
        b'5' => n == 16 || !(51..=55).contains(&two), // Mastercard 51-55; Maestro 50, 56-59
        b'6' => true,
        _ => false,
    }
}

/// `s` with all but the first six and last four digits starred, if its digits (spaces
/// and dashes left out) are 13-19, of a length its issuer gives (`issuer_length`), and Luhn-valid.
fn mask_card_digits(s: &[u8]) -> Option<Vec<u8>> {
    let ds: Vec<u8> = s.iter().copied().filter(|&b| b != b' ' && b != b'-').collect();
    if !(13..=19).contains(&ds.len()) || !issuer_length(&ds) || !luhn(ds.iter().map(|&b| b as u32)) {
        return None;
    }
    let (mut seen, hide_to) = (0, ds.len() - 4);
    Some(s.iter().map(|&b| {
        if b.is_ascii_digit() {
            seen += 1;
            if seen > 6 && seen <= hide_to { b'*' } else { b }
        } else {
            b
        }
    }).collect())
}

fn mask_card(s: &[u8]) -> Option<Vec<u8>> {
    mask_card_digits(s).or_else(|| {
        // a number written right after a grouped card: the card without the last group
        let cut = s.iter().rposition(|&b| b == b' ' || b == b'-')?;
        mask_card_digits(&s[..cut]).map(|mut m| {
            m.extend_from_slice(&s[cut..]);
            m
        })
    })
}

fn phone_at(t: &[u8], k: usize) -> bool {
    k + 11 <= t.len() && t[k] == b'1' && (b'3'..=b'9').contains(&t[k + 1]) && digits(t, k + 2, 9) && !alnum(t, k + 11)
}

fn find_phone(t: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (alnum(t, i - 1) || t[i - 1] == b'+') {
        return None;
    }
    if t[i..].starts_with(b"+86") {
        if sep(t, i + 3) && phone_at(t, i + 4) {
            return Some(i + 15);
        }
        return phone_at(t, i + 3).then_some(i + 14);
    }
    phone_at(t, i).then_some(i + 11)
}

/// `138****5678`, after `+86` and its separator when the match has them.
fn mask_phone(s: &[u8]) -> Option<Vec<u8>> {
    let k = s.len() - 11;
    Some([&s[..k + 3], b"****", &s[k + 7..]].concat())
}

/// Whether `text` holds a run of 11 digits or three groups of four digits split by one
/// byte each (not a digit, not `@`): without one, no id, card or phone can be in it,
/// nor in any part of it. (`0000(?:0000000| 0000 0000)` on the text's digit shape.)
pub fn may_hold_numbers(t: &[u8]) -> bool {
    let gap = |i: usize| i < t.len() && !t[i].is_ascii_digit() && t[i] != b'@';
    // `i` is never inside a run of digits; both shapes start with a run of four or more, which
    // holds the byte at `i + 3` if it starts at `i`..`i + 3`: where that byte is no digit, skip four
    let mut i = 0;
    while i + 11 <= t.len() {
        if !t[i + 3].is_ascii_digit() {
            i += 4;
            continue;
        }
        let mut start = i + 3;
        while start > i && t[start - 1].is_ascii_digit() {
            start -= 1;
        }
        if start + 11 > t.len() {
            break;
        }
        let run = t[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run >= 11 {
            return true;
        }
        // groups: the last four digits of this run, one byte, four digits, one byte, four
        if run >= 4 {
            let g = start + run - 4;
            if gap(g + 4) && digits(t, g + 5, 4) && gap(g + 9) && digits(t, g + 10, 4) {
                return true;
            }
        }
        i = start + run;
    }
    false
}

/// What `Masker.may_mask` answers: configured patterns (`always`) may change any text;
/// otherwise only an id's, card's or phone's digit shape can, or an `@` when emails are masked.
pub fn may_change(t: &[u8], always: bool, emails: bool) -> bool {
    always || may_hold_numbers(t) || emails && memchr::memchr(b'@', t).is_some()
}

/// `may_mask_text(text, always, emails)`: False when masking certainly leaves `text` (and
/// any part of it) as it is (`may_change`).
#[pyfunction]
pub fn may_mask_text(text: &Bound<'_, PyString>, always: bool, emails: bool) -> PyResult<bool> {
    let (t, _) = utf8(text)?;
    Ok(may_change(&t, always, emails))
}

/// `mask_numbers(text, cn_id, cards, phones)` -> None when nothing was masked, else
/// `(masked, ids, cards, phones)`: the text with each valid number of an enabled kind
/// masked, and how many of each kind.
#[pyfunction]
pub fn mask_numbers<'py>(text: &Bound<'py, PyString>, cn_ids: bool, cards: bool, phones: bool)
                         -> PyResult<Option<(Bound<'py, PyString>, u32, u32, u32)>> {
    let (t, surrogates) = utf8(text)?;
    if !may_hold_numbers(&t) {
        return Ok(None);
    }
    let (mut n_id, mut n_card, mut n_phone) = (0, 0, 0);
    let mut out: Cow<[u8]> = Cow::Borrowed(&t);
    if cn_ids {
        out = pass(out, find_cn_id, mask_cn_id, &mut n_id);
    }
    if cards {
        out = pass(out, find_card, mask_card, &mut n_card);
    }
    if phones {
        out = pass(out, find_phone, mask_phone, &mut n_phone);
    }
    if n_id + n_card + n_phone == 0 {
        return Ok(None);
    }
    Ok(Some((to_str(text.py(), &out, surrogates)?, n_id, n_card, n_phone)))
}
