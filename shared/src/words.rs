//! Amounts as Russian documents write them: "12 400,00" and in words
//! ("Двенадцать тысяч четыреста рублей 00 копеек"), as an invoice's
//! "Всего к оплате" and an act's totals need.

use crate::values::Money;

const UNITS_M: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const UNITS_F: [&str; 10] = [
    "",
    "одна",
    "две",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// The form of a noun after `n`: one (1, 21), few (2-4, 22-24), many.
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

/// Words for 1..=999 (masculine or feminine units).
fn triple(n: u64, feminine: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 {
        out.push(HUNDREDS[h]);
    }
    if t == 1 {
        out.push(TEENS[u]);
        return;
    }
    if t > 1 {
        out.push(TENS[t]);
    }
    if u > 0 {
        out.push(if feminine { UNITS_F[u] } else { UNITS_M[u] });
    }
}

/// A whole number of roubles in words, lower case ("ноль" for 0).
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return "ноль".into();
    }
    // (scale, feminine, one, few, many), largest first.
    const SCALES: [(u64, bool, &str, &str, &str); 4] = [
        (
            1_000_000_000_000,
            false,
            "триллион",
            "триллиона",
            "триллионов",
        ),
        (1_000_000_000, false, "миллиард", "миллиарда", "миллиардов"),
        (1_000_000, false, "миллион", "миллиона", "миллионов"),
        (1_000, true, "тысяча", "тысячи", "тысяч"),
    ];
    let mut words: Vec<&'static str> = vec![];
    let mut rest = n;
    for (scale, feminine, one, few, many) in SCALES {
        let part = rest / scale;
        if part > 0 {
            triple(part % 1000, feminine, &mut words);
            words.push(plural(part, one, few, many));
        }
        rest %= scale;
    }
    triple(rest, false, &mut words);
    words.join(" ")
}

/// "12 400,00": roubles with a space between thousands, a comma and kopecks.
pub fn amount(m: Money) -> String {
    let sign = if m.0 < 0 { "-" } else { "" };
    let abs = m.0.unsigned_abs();
    let (r, k) = (abs / 100, abs % 100);
    let digits = r.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped},{k:02}")
}

/// "Двенадцать тысяч четыреста рублей 00 копеек" (the sign is left out).
pub fn roubles_in_words(m: Money) -> String {
    let abs = m.0.unsigned_abs();
    let (r, k) = (abs / 100, abs % 100);
    let words = number_in_words(r);
    let mut chars = words.chars();
    let capital = match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    format!(
        "{capital} {} {k:02} {}",
        plural(r, "рубль", "рубля", "рублей"),
        plural(k, "копейка", "копейки", "копеек")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_in_russian_documents() {
        assert_eq!(
            roubles_in_words(Money(1_240_000)),
            "Двенадцать тысяч четыреста рублей 00 копеек"
        );
        assert_eq!(roubles_in_words(Money(100)), "Один рубль 00 копеек");
        assert_eq!(
            roubles_in_words(Money(2_101)),
            "Двадцать один рубль 01 копейка"
        );
        assert_eq!(
            roubles_in_words(Money(1_100_022)),
            "Одиннадцать тысяч рублей 22 копейки"
        );
        assert_eq!(
            roubles_in_words(Money(1_100_222)),
            "Одиннадцать тысяч два рубля 22 копейки"
        );
        assert_eq!(
            roubles_in_words(Money(201_100_000)),
            "Два миллиона одиннадцать тысяч рублей 00 копеек"
        );
        assert_eq!(roubles_in_words(Money(0)), "Ноль рублей 00 копеек");
        assert_eq!(
            number_in_words(512_314),
            "пятьсот двенадцать тысяч триста четырнадцать"
        );
        assert_eq!(number_in_words(2_000), "две тысячи");
        assert_eq!(number_in_words(1_001_001), "один миллион одна тысяча один");
    }

    #[test]
    fn amounts_group_thousands_with_a_comma_for_kopecks() {
        assert_eq!(amount(Money(1_240_000)), "12\u{a0}400,00");
        assert_eq!(amount(Money(5)), "0,05");
        assert_eq!(amount(Money(-123_456_789)), "-1\u{a0}234\u{a0}567,89");
        assert_eq!(plural(11, "a", "b", "c"), "c");
        assert_eq!(plural(22, "a", "b", "c"), "b");
    }
}
