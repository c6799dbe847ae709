//! Prices as people type them: roubles with optional kopecks ("250",
//! "250,50", "1 250.5", "250 ₽"), into integer kopecks; and back.

use rodnik_shared::Money;

/// The server's own ceiling (`Money::parse_price`): 1 000 000 000.00.
const MAX_KOPECKS: i64 = 100_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    /// Not a number of roubles with at most two decimals.
    Malformed,
    Negative,
    TooLarge,
}

/// Parses a non-negative amount of roubles into kopecks. Spaces (also
/// non-breaking and thin ones) group thousands; `,` or `.` starts the kopecks.
pub fn parse_roubles(input: &str) -> Result<Money, MoneyError> {
    let mut s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    for suffix in ["₽", "руб.", "руб", "р.", "р"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.to_string();
            break;
        }
    }
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    if s.starts_with('-') {
        return Err(MoneyError::Negative);
    }
    let (whole, frac) = match s.find([',', '.']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s.as_str(), ""),
    };
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(frac) || frac.len() > 2 || (whole.is_empty() && frac.is_empty()) {
        return Err(MoneyError::Malformed);
    }
    if whole.len() > 12 {
        return Err(MoneyError::TooLarge);
    }
    let roubles: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| MoneyError::Malformed)?
    };
    let kopecks: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| MoneyError::Malformed)? * 10,
        _ => frac.parse().map_err(|_| MoneyError::Malformed)?,
    };
    let total = roubles
        .checked_mul(100)
        .and_then(|r| r.checked_add(kopecks))
        .ok_or(MoneyError::TooLarge)?;
    if total > MAX_KOPECKS {
        return Err(MoneyError::TooLarge);
    }
    Ok(Money(total))
}

/// An amount as an input's value: "250" for whole roubles, else "250,50"
/// (or "250.50" with a point), without grouping so that it parses back.
pub fn roubles_input(m: Money, comma: bool) -> String {
    let (r, k) = (m.0 / 100, (m.0 % 100).abs());
    if k == 0 {
        r.to_string()
    } else {
        format!("{r}{}{k:02}", if comma { ',' } else { '.' })
    }
}

/// An amount for reading: thousands grouped with a thin space, two decimals
/// ("1 250,00" in Russian, "1 250.00" in English).
pub fn roubles_text(m: Money, comma: bool) -> String {
    let sign = if m.0 < 0 { "-" } else { "" };
    let abs = m.0.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sep = if comma { ',' } else { '.' };
    format!("{sign}{grouped}{sep}{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roubles_with_or_without_kopecks() {
        assert_eq!(parse_roubles("250"), Ok(Money(25000)));
        assert_eq!(parse_roubles("250,50"), Ok(Money(25050)));
        assert_eq!(parse_roubles("250.5"), Ok(Money(25050)));
        assert_eq!(parse_roubles(" 1 250,05 "), Ok(Money(125005)));
        assert_eq!(parse_roubles("1\u{a0}250"), Ok(Money(125000)));
        assert_eq!(parse_roubles("250 ₽"), Ok(Money(25000)));
        assert_eq!(parse_roubles("250руб."), Ok(Money(25000)));
        assert_eq!(parse_roubles("0"), Ok(Money(0)));
        assert_eq!(parse_roubles(",5"), Ok(Money(50)));
        assert_eq!(parse_roubles("250,"), Ok(Money(25000)));
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(parse_roubles(""), Err(MoneyError::Empty));
        assert_eq!(parse_roubles("  "), Err(MoneyError::Empty));
        assert_eq!(parse_roubles("-5"), Err(MoneyError::Negative));
        assert_eq!(parse_roubles("250,505"), Err(MoneyError::Malformed));
        assert_eq!(parse_roubles("1,250.50"), Err(MoneyError::Malformed));
        assert_eq!(parse_roubles("abc"), Err(MoneyError::Malformed));
        assert_eq!(parse_roubles("12e3"), Err(MoneyError::Malformed));
        assert_eq!(parse_roubles(","), Err(MoneyError::Malformed));
        assert_eq!(parse_roubles("1000000001"), Err(MoneyError::TooLarge));
        assert_eq!(
            parse_roubles("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(parse_roubles("1000000000"), Ok(Money(MAX_KOPECKS)));
    }

    #[test]
    fn amounts_print_back_to_what_parses() {
        for k in [0, 5, 50, 25000, 25050, 125005, MAX_KOPECKS] {
            for comma in [true, false] {
                let text = roubles_input(Money(k), comma);
                assert_eq!(parse_roubles(&text), Ok(Money(k)), "{text}");
                assert_eq!(parse_roubles(&roubles_text(Money(k), comma)), Ok(Money(k)));
            }
        }
        assert_eq!(roubles_input(Money(25000), true), "250");
        assert_eq!(roubles_input(Money(25050), true), "250,50");
        assert_eq!(roubles_input(Money(25005), false), "250.05");
        assert_eq!(roubles_text(Money(125050), true), "1\u{202f}250,50");
        assert_eq!(roubles_text(Money(50), false), "0.50");
        assert_eq!(
            roubles_text(Money(100_000_000), true),
            "1\u{202f}000\u{202f}000,00"
        );
    }
}
