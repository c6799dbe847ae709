//! Money as people read and type it, in each language: the one formatter
//! every screen uses. Parsing what people type is the shared crate's
//! (`Money::parse_roubles`, also the server's rule), so both sides agree.
//!
//! Russian: `1 190,00 ₽` (no-break spaces between thousands and before the
//! sign, a comma before the kopecks). English: `1,190.00 ₽`.

use rodnik_shared::Money;

use crate::i18n::Lang;

/// The no-break space Russian typography puts between thousands and before ₽.
const NBSP: char = '\u{a0}';

/// An amount with its currency sign: `1 190,00 ₽` / `1,190.00 ₽`.
pub fn text(lang: Lang, m: Money) -> String {
    format!("{}{NBSP}₽", number(lang, m))
}

/// An amount without the sign (a column whose header names the currency):
/// `1 190,00` / `1,190.00`.
pub fn number(lang: Lang, m: Money) -> String {
    let (group, decimal) = match lang {
        Lang::Ru => (NBSP, ','),
        Lang::En => (',', '.'),
    };
    let sign = if m.0 < 0 { "-" } else { "" };
    let abs = m.0.unsigned_abs();
    format!(
        "{sign}{}{decimal}{:02}",
        grouped(abs / 100, group),
        abs % 100
    )
}

/// A whole number with its thousands apart: `1 234 567` / `1,234,567`.
pub fn grouped(n: u64, group: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// An amount as an input's starting value, in the language's decimal mark
/// and without grouping, so that it parses back (`Money::parse_roubles`).
pub fn input(lang: Lang, m: Money) -> String {
    m.roubles_input(lang == Lang::Ru)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_groups_thousands_with_no_break_spaces_and_a_comma() {
        assert_eq!(text(Lang::Ru, Money(119_000)), "1\u{a0}190,00\u{a0}₽");
        assert_eq!(
            text(Lang::Ru, Money(123_456_789)),
            "1\u{a0}234\u{a0}567,89\u{a0}₽"
        );
        assert_eq!(number(Lang::Ru, Money(25_050)), "250,50");
        assert_eq!(number(Lang::Ru, Money(-5)), "-0,05");
    }

    #[test]
    fn english_groups_thousands_with_commas_and_a_point() {
        assert_eq!(text(Lang::En, Money(119_000)), "1,190.00\u{a0}₽");
        assert_eq!(number(Lang::En, Money(100_000_000)), "1,000,000.00");
        assert_eq!(number(Lang::En, Money(0)), "0.00");
    }

    #[test]
    fn an_input_value_parses_back_to_the_same_amount() {
        for lang in [Lang::Ru, Lang::En] {
            for k in [0, 5, 50, 25_050, 119_000, 123_456_789] {
                let typed = input(lang, Money(k));
                assert_eq!(Money::parse_roubles(&typed), Ok(Money(k)), "{typed}");
            }
        }
        // What a Russian screen shows parses back too (people copy it).
        for k in [0, 5, 25_050, 123_456_789] {
            assert_eq!(
                Money::parse_roubles(&text(Lang::Ru, Money(k))),
                Ok(Money(k))
            );
        }
    }
}
