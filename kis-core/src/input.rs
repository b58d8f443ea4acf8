//! The one validation layer for what callers pass in: ids, names, groups, category
//! paths, free text, amounts, quantities, prices, shares, years, months and counts.
//!
//! Every entry point calls these (the Rust commands and queries, the pure pricing and
//! KPI functions, the batch and Arrow paths); the bindings turn their language's values
//! into Rust ones and call the same functions, so a value is judged the same way from
//! Rust, Python, Kotlin and HTTP. Each check names the field and says what is expected.
//! Sizes are bounded so that no input can make kis spend time or memory out of
//! proportion (and every check here is linear in its input).

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::InvalidInput;

/// Separates the levels of a category path (`software>erp>cloud`).
pub const CATEGORY_SEPARATOR: char = '>';

/// The longest id (user, team, customer, product, document, idempotency key), in bytes.
pub const MAX_ID_LEN: usize = 128;
/// The longest name or group (a person's or product's name, a customer group, a
/// region), in bytes.
pub const MAX_NAME_LEN: usize = 256;
/// The longest category path (`software>erp>cloud`), in bytes.
pub const MAX_CATEGORY_LEN: usize = 512;
/// The most levels a category path has.
pub const MAX_CATEGORY_DEPTH: usize = 16;
/// The longest free text (notes, reasons, descriptions, terms), in bytes.
pub const MAX_TEXT_LEN: usize = 16 * 1024;
/// The longest decimal number written as text, in characters (28 digits need far fewer;
/// the bound only keeps a hostile megabyte of zeros from being scanned).
pub const MAX_DECIMAL_TEXT: usize = 128;
/// The digits after the point that kis holds exactly (rust_decimal's limit, and so the
/// stores' precision: every backend keeps the decimal kis wrote, digit for digit).
pub const MAX_DECIMAL_SCALE: u32 = 28;
/// The earliest business year kis accepts.
pub const MIN_YEAR: i64 = 1900;
/// The latest business year kis accepts.
pub const MAX_YEAR: i64 = 9999;

/// The largest mantissa rust_decimal holds: 2^96 - 1.
const MAX_MANTISSA: i128 = 79_228_162_514_264_337_593_543_950_335;

type Checked<T = ()> = Result<T, InvalidInput>;

/// Characters that reorder text when displayed (bidirectional overrides and isolates):
/// in an id or a name they make one string look like another ("Trojan source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A control character or a bidirectional override.
fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn refuse<T>(field: &str, reason: impl Into<String>) -> Checked<T> {
    Err(InvalidInput::new(field, reason))
}

/// A short, quoted rendering of a caller's text for an error message (never the whole of
/// a hostile megabyte).
fn shown(value: &str) -> String {
    const SHOWN: usize = 40;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{:?}... ({} bytes)", &value[..cut], value.len()),
        None => format!("{value:?}"),
    }
}

/// An identifier: non-empty, at most [`MAX_ID_LEN`] bytes, no control characters and no
/// `/` (ids are parts of store keys), no spaces around it.
pub fn id(field: &str, value: &str) -> Checked {
    let problem = if value.trim().is_empty() {
        "must not be empty"
    } else if value.len() > MAX_ID_LEN {
        "must be at most 128 bytes"
    } else if value.chars().any(|c| is_hidden(c) || c == '/') {
        "must not contain control characters, bidirectional overrides or '/'"
    } else if value.trim() != value {
        "must not start or end with spaces"
    } else {
        return Ok(());
    };
    refuse(field, format!("{} {problem}", shown(value)))
}

/// An optional identifier: absent, or an [`id`].
pub fn optional_id(field: &str, value: Option<&str>) -> Checked {
    value.map_or(Ok(()), |v| id(field, v))
}

/// A name or a group: non-empty, at most [`MAX_NAME_LEN`] bytes, no control characters.
pub fn name(field: &str, value: &str) -> Checked {
    let problem = if value.trim().is_empty() {
        "must not be empty"
    } else if value.len() > MAX_NAME_LEN {
        "must be at most 256 bytes"
    } else if value.chars().any(is_hidden) {
        "must not contain control characters or bidirectional overrides"
    } else {
        return Ok(());
    };
    refuse(field, format!("{} {problem}", shown(value)))
}

/// An optional name: absent, or a [`name`].
pub fn optional_name(field: &str, value: Option<&str>) -> Checked {
    value.map_or(Ok(()), |v| name(field, v))
}

/// A customer group (price rules and approval conditions refer to it): a [`name`].
pub fn group(field: &str, value: &str) -> Checked {
    name(field, value)
}

/// A category path: levels joined by `>` (`software>erp`), each a non-empty [`name`],
/// at most [`MAX_CATEGORY_LEN`] bytes and [`MAX_CATEGORY_DEPTH`] levels. The empty
/// path is allowed: an uncategorised product.
pub fn category(field: &str, value: &str) -> Checked {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > MAX_CATEGORY_LEN {
        return refuse(field, format!("{} must be at most 512 bytes", shown(value)));
    }
    let mut depth = 0usize;
    for level in value.split(CATEGORY_SEPARATOR) {
        depth = depth.saturating_add(1);
        if level.trim().is_empty() || level.chars().any(is_hidden) {
            return refuse(
                field,
                format!(
                    "{} must be levels joined by '>', each non-empty and without control characters",
                    shown(value)
                ),
            );
        }
    }
    if depth > MAX_CATEGORY_DEPTH {
        return refuse(
            field,
            format!("{} has {depth} levels; at most 16", shown(value)),
        );
    }
    Ok(())
}

/// Free text (a note, a reason, terms): at most [`MAX_TEXT_LEN`] bytes, no control
/// characters other than line breaks and tabs. May be empty.
pub fn text(field: &str, value: &str) -> Checked {
    if value.len() > MAX_TEXT_LEN {
        return refuse(field, format!("is {} bytes; at most 16384", value.len()));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return refuse(
            field,
            format!("{} must not contain control characters", shown(value)),
        );
    }
    Ok(())
}

/// Free text that must say something: a non-empty [`text`].
pub fn required_text(field: &str, value: &str) -> Checked {
    if value.trim().is_empty() {
        return refuse(field, "must not be empty");
    }
    text(field, value)
}

/// Optional free text: absent, or a [`text`].
pub fn optional_text(field: &str, value: Option<&str>) -> Checked {
    value.map_or(Ok(()), |v| text(field, v))
}

/// A quantity of units: above zero.
pub fn quantity(field: &str, value: Decimal) -> Checked<Decimal> {
    if value <= Decimal::ZERO {
        return refuse(field, format!("{value} must be positive"));
    }
    Ok(value)
}

/// A price, a cost or an amount that cannot be below zero.
pub fn non_negative(field: &str, value: Decimal) -> Checked<Decimal> {
    if value.is_sign_negative() && !value.is_zero() {
        return refuse(field, format!("{value} must not be negative"));
    }
    Ok(value)
}

/// A price per unit (list price, cost, special price): not below zero.
pub fn price(field: &str, value: Decimal) -> Checked<Decimal> {
    non_negative(field, value)
}

/// An amount that must be above zero (a claim, a payment, a budget line).
pub fn positive(field: &str, value: Decimal) -> Checked<Decimal> {
    if value <= Decimal::ZERO {
        return refuse(field, format!("{value} must be positive"));
    }
    Ok(value)
}

/// A percentage from 0 to 100 (a share of a sale, a discount).
pub fn percent(field: &str, value: Decimal) -> Checked<Decimal> {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return refuse(field, format!("{value} must be between 0 and 100"));
    }
    Ok(value)
}

/// Parses a decimal written as text (`"1234.50"`, `"-3"`, `"1.5E+3"`), exactly: a value
/// kis cannot hold digit for digit (more than 28 places after the point, or more than
/// 28-29 significant digits) is refused, never rounded. Trailing zeros beyond 28 places
/// carry no value and are dropped.
pub fn parse_decimal(field: &str, text: &str) -> Checked<Decimal> {
    let t = text.trim();
    if t.len() > MAX_DECIMAL_TEXT {
        return refuse(
            field,
            format!("{} is too long for a decimal number", shown(text)),
        );
    }
    let not_a_number =
        || InvalidInput::new(field, format!("{} is not a decimal number", shown(text)));
    let (negative, unsigned) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (number, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => {
            let digits = unsigned.get(at.saturating_add(1)..).unwrap_or_default();
            let exp = i64::from_str(digits).map_err(|_| not_a_number())?;
            (&unsigned[..at], exp)
        }
        None => (unsigned, 0),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(not_a_number());
    }
    // The digits as one integer, and where the point goes: value = digits * 10^-scale.
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let mut scale = i64::try_from(fraction.len())
        .unwrap_or(i64::MAX)
        .saturating_sub(exponent);
    let mut digits = digits.to_string();
    if digits.is_empty() {
        // Zero keeps the places it was written with ("0.00" stays 0.00).
        let places = u32::try_from(scale.clamp(0, i64::from(MAX_DECIMAL_SCALE))).unwrap_or(0);
        return Ok(Decimal::new(0, places));
    }
    // Zeros at the end of the places say nothing about the value: drop them where kis
    // could not hold the digits otherwise (beyond 28 places, or more digits than its
    // 96-bit mantissa takes), so that 1.50 keeps its scale but a 30-digit number
    // ending in 0 is still held, exactly.
    let fits = |digits: &str, scale: i64| {
        scale <= i64::from(MAX_DECIMAL_SCALE)
            && digits.len() <= 29
            && i128::from_str(digits).is_ok_and(|m| m <= MAX_MANTISSA)
    };
    while scale > 0 && digits.ends_with('0') && !fits(&digits, scale) {
        digits.pop();
        scale = scale.saturating_sub(1);
    }
    if scale > i64::from(MAX_DECIMAL_SCALE) {
        return refuse(
            field,
            format!(
                "{} has more than 28 decimal places; kis keeps amounts exactly and will not round it",
                shown(text)
            ),
        );
    }
    // A negative scale means trailing zeros before the point.
    while scale < 0 {
        if digits.len() > 40 {
            break;
        }
        digits.push('0');
        scale = scale.saturating_add(1);
    }
    let too_large = || {
        InvalidInput::new(
            field,
            format!(
                "{} is too large: kis holds at most 28 significant digits",
                shown(text)
            ),
        )
    };
    if scale < 0 || digits.len() > 29 {
        return Err(too_large());
    }
    let mantissa = i128::from_str(&digits).map_err(|_| too_large())?;
    // At most 29 digits: negating cannot overflow.
    let mantissa = if negative {
        mantissa.saturating_neg()
    } else {
        mantissa
    };
    let scale = u32::try_from(scale).map_err(|_| too_large())?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| too_large())
}

/// A business year, from [`MIN_YEAR`] to [`MAX_YEAR`].
pub fn year(field: &str, value: i128) -> Checked<i32> {
    if !(i128::from(MIN_YEAR)..=i128::from(MAX_YEAR)).contains(&value) {
        return refuse(field, format!("{value} is not a year from 1900 to 9999"));
    }
    i32::try_from(value).map_err(|_| InvalidInput::new(field, "not a year"))
}

/// A month, 1 to 12.
pub fn month(field: &str, value: i128) -> Checked<u32> {
    if !(1..=12).contains(&value) {
        return refuse(field, format!("{value} is not a month from 1 to 12"));
    }
    u32::try_from(value).map_err(|_| InvalidInput::new(field, "not a month"))
}

/// A count, a limit or a sequence number: zero or more.
pub fn count(field: &str, value: i128) -> Checked<u64> {
    u64::try_from(value).map_err(|_| {
        InvalidInput::new(
            field,
            format!("{value} must be a whole number from 0 to {}", u64::MAX),
        )
    })
}

/// A business date: its year within [`MIN_YEAR`]..=[`MAX_YEAR`], so that every date
/// kis computes from it (deadlines, periods, a year earlier) exists.
pub fn date(field: &str, value: chrono::NaiveDate) -> Checked<chrono::NaiveDate> {
    use chrono::Datelike;
    year(field, i128::from(value.year())).map(|_| value)
}

/// Every text in a serialised command (its JSON, as the audit trail records it): at
/// most `limit` bytes each, no control characters other than line breaks and tabs. The
/// engine checks this on every command before it runs, so that no field, named or not in
/// the command's own checks, carries a megabyte or a NUL; the error names the field by its
/// path (`lines[2].description`).
pub fn command_text(value: &serde_json::Value, limit: usize) -> Checked {
    fn walk(value: &serde_json::Value, path: &mut String, limit: usize) -> Checked {
        match value {
            serde_json::Value::String(s) => {
                if s.len() > limit {
                    return refuse(path, format!("is {} bytes; at most {limit}", s.len()));
                }
                if s.chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                {
                    return refuse(
                        path,
                        format!("{} must not contain control characters", shown(s)),
                    );
                }
                Ok(())
            }
            serde_json::Value::Array(items) => {
                let at = path.len();
                for (i, item) in items.iter().enumerate() {
                    path.push_str(&format!("[{i}]"));
                    walk(item, path, limit)?;
                    path.truncate(at);
                }
                Ok(())
            }
            serde_json::Value::Object(fields) => {
                let at = path.len();
                for (key, item) in fields {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    walk(item, path, limit)?;
                    path.truncate(at);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(value, &mut String::new(), limit)
}

/// An instant kis records (the clock's reading, a deadline): its year within
/// [`MIN_YEAR`]..=[`MAX_YEAR`], so that it has a date in every language kis is used from
/// (Python's `datetime` ends with year 9999).
pub fn instant(
    field: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Checked<chrono::DateTime<chrono::Utc>> {
    use chrono::Datelike;
    if !(MIN_YEAR..=MAX_YEAR).contains(&i64::from(at.year())) {
        return refuse(field, format!("{at} is not in the years 1900 to 9999"));
    }
    Ok(at)
}

/// `at + by`, checked: an [`instant`] in range, or an error naming `field`.
pub fn later(
    field: &str,
    at: chrono::DateTime<chrono::Utc>,
    by: chrono::TimeDelta,
) -> Checked<chrono::DateTime<chrono::Utc>> {
    let moved = at.checked_add_signed(by).ok_or_else(|| {
        InvalidInput::new(field, format!("{at} + {by} is past the dates kis can hold"))
    })?;
    instant(field, moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn decimals_are_parsed_exactly_or_refused() {
        for (text, value) in [
            ("1234.50", "1234.50"),
            ("-3", "-3"),
            ("+0.1", "0.1"),
            ("1.5E+3", "1500"),
            ("1.5e-3", "0.0015"),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                "1.00000000000000000000000000000000",
                "1.0000000000000000000000000000",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            ("0", "0"),
            ("-0.00", "0"),
            (".5", "0.5"),
            ("5.", "5"),
        ] {
            assert_eq!(parse_decimal("x", text).unwrap(), dec(value), "{text}");
        }
        for bad in [
            "0.00000000000000000000000000001",
            "79228162514264337593543950336",
            "1E+40",
            "1E-40",
            "abc",
            "",
            ".",
            "1.2.3",
            "NaN",
            "Infinity",
            "1e",
            "--1",
        ] {
            let err = parse_decimal("amount", bad).unwrap_err();
            assert_eq!(err.field, "amount", "{bad}");
        }
        let long = "0".repeat(1_000_000);
        assert!(parse_decimal("amount", &long).is_err());
    }

    #[test]
    fn names_groups_and_categories_are_bounded() {
        assert!(group("group", "vip").is_ok());
        for bad in ["", "  ", "\0", "a\u{1}b"] {
            assert!(group("group", bad).is_err(), "{bad:?}");
        }
        assert!(category("category", "software>erp").is_ok());
        assert!(category("category", "").is_ok());
        for bad in ["software>", ">erp", "a>>b"] {
            assert!(category("category", bad).is_err(), "{bad:?}");
        }
        let deep = "a>".repeat(20);
        assert!(category("category", deep.trim_end_matches('>')).is_err());
        assert!(category("category", &"x".repeat(1_000_000)).is_err());
        assert!(text("note", "line one\nline two\tend").is_ok());
        assert!(text("note", "nul\0").is_err());
        assert!(text("note", &"x".repeat(MAX_TEXT_LEN + 1)).is_err());
        let err = id("product", &"y".repeat(1_000_000)).unwrap_err();
        assert!(err.reason.len() < 200, "{}", err.reason);
    }

    #[test]
    fn numbers_in_range() {
        assert!(quantity("q", dec("0")).is_err());
        assert!(quantity("q", dec("-3.50")).is_err());
        assert!(price("p", dec("-1")).is_err());
        assert!(price("p", dec("0")).is_ok());
        assert!(year("year", 1i128 << 31).is_err());
        assert!(month("month", -1).is_err());
        assert!(month("month", 1 << 40).is_err());
        assert_eq!(count("from_seq", 7).unwrap(), 7);
        assert!(count("from_seq", -1).is_err());
        let max = chrono::DateTime::<chrono::Utc>::MAX_UTC;
        assert!(instant("clock", max).is_err());
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .unwrap()
            .to_utc();
        assert!(later("clock", now, chrono::TimeDelta::days(999_999_999)).is_err());
        assert!(later("clock", now, chrono::TimeDelta::days(30)).is_ok());
    }

    #[test]
    fn every_text_of_a_command_is_bounded_and_named_by_its_path() {
        let ok = serde_json::json!({"id": "Q-1", "lines": [{"note": "two\nlines"}]});
        assert!(command_text(&ok, MAX_TEXT_LEN).is_ok());
        let nul = serde_json::json!({"id": "Q-1", "lines": [{"note": "ok"}, {"note": "a\u{0}b"}]});
        assert_eq!(
            command_text(&nul, MAX_TEXT_LEN).unwrap_err().field,
            "lines[1].note"
        );
        let long = serde_json::json!({"reason": "x".repeat(MAX_TEXT_LEN + 1)});
        assert_eq!(
            command_text(&long, MAX_TEXT_LEN).unwrap_err().field,
            "reason"
        );
    }
}
