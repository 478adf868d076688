//! Check digits: Luhn (cards) and ISO 7064 MOD 11-2 with a birth date (Chinese
//! resident ids).

use pyo3::prelude::*;

/// Luhn check of digits given as their code points (any other character counts as its
/// distance from `0`, as the callers only pass digits).
pub fn luhn(digits: impl DoubleEndedIterator<Item = u32>) -> bool {
    let mut total: i64 = 0;
    for (i, c) in digits.rev().enumerate() {
        let mut n = c as i64 - 48;
        if i % 2 == 1 {
            n = if n > 4 { n * 2 - 9 } else { n * 2 };
        }
        total += n;
    }
    total.rem_euclid(10) == 0
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, &b| n * 10 + (b - b'0') as u32)
}

/// Days in `month` (1-12) of `year` in the Gregorian calendar; 0 for a month that is none.
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// 18 bytes: 17 digits and a check character (digit or `X`, either case). True when the
/// MOD 11-2 check character is right and the birth date (bytes 6-13) is a real date
/// between 1900 and 2099.
pub fn cn_id(id: &[u8]) -> bool {
    if id.len() != 18 || !id[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = id[..17].iter().zip(ID_WEIGHTS).map(|(&b, w)| (b - b'0') as u32 * w).sum();
    if ID_CHECK[(sum % 11) as usize] != id[17].to_ascii_uppercase() {
        return false;
    }
    let (year, month, day) = (number(&id[6..10]), number(&id[10..12]), number(&id[12..14]));
    (1900..=2099).contains(&year) && day >= 1 && day <= days_in_month(year, month)
}

/// `luhn_valid("4111111111111111")`: the Luhn check of a string of digits.
#[pyfunction]
pub fn luhn_valid(digits: &str) -> bool {
    luhn(digits.chars().map(u32::from))
}

/// `cn_id_valid("11010519491231002X")`: an 18-character resident id with a right check
/// character and a real birth date between 1900 and 2099 (no clock).
#[pyfunction]
pub fn cn_id_valid(text: &str) -> bool {
    cn_id(text.as_bytes())
}
