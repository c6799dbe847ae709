//! Numbers as a manager reads them: thousands apart, money with kopecks,
//! dates in the language's order; and the date arithmetic of the presets.

use chrono::{Datelike, Months, NaiveDate};

use crate::i18n::Lang;

/// `1234567` -> `1 234 567` (a narrow no-break space between thousands).
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A ratio with two decimals: `0,50` in Russian, `0.50` in English.
pub fn ratio(lang: Lang, x: f64) -> String {
    let s = format!("{x:.2}");
    match lang {
        Lang::Ru => s.replace('.', ","),
        Lang::En => s,
    }
}

/// Kopecks as roubles, without the sign (the columns name the currency).
pub fn money(lang: Lang, kopecks: i64) -> String {
    crate::money::number(lang, rodnik_shared::Money(kopecks))
}

/// `2025-05-31` -> `31.05.2025` in Russian; ISO stays ISO in English.
pub fn date(lang: Lang, iso: &str) -> String {
    match (lang, parse(iso)) {
        (Lang::Ru, Some(d)) => format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()),
        _ => iso.to_string(),
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_en(d: NaiveDate) -> &'static str {
    MONTHS_EN[d.month0() as usize % 12]
}

/// A day on a chart's axis: `31.05` / `May 31`.
pub fn day_label(lang: Lang, iso: &str) -> String {
    match (lang, parse(iso)) {
        (Lang::Ru, Some(d)) => format!("{:02}.{:02}", d.day(), d.month()),
        (Lang::En, Some(d)) => format!("{} {}", month_en(d), d.day()),
        _ => iso.to_string(),
    }
}

/// A month (`2025-05`) on an axis or in a table: `May 2025` / `05.2025`.
pub fn month_label(lang: Lang, ym: &str) -> String {
    match (lang, parse(&format!("{ym}-01"))) {
        (Lang::Ru, Some(d)) => format!("{:02}.{}", d.month(), d.year()),
        (Lang::En, Some(d)) => format!("{} {}", month_en(d), d.year()),
        _ => ym.to_string(),
    }
}

/// `YYYY-MM-DD`, by hand: chrono's parser and formatter would add ~12 KB to the wasm.
pub fn parse(iso: &str) -> Option<NaiveDate> {
    let mut parts = iso.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `2025-05-31`, by hand (see `parse`).
pub fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The range presets of the date picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    ThisMonth,
    LastMonth,
    ThisYear,
}

/// The first and last day of a preset, as of `today`.
pub fn preset(today: NaiveDate, p: Preset) -> (NaiveDate, NaiveDate) {
    let first = today.with_day(1).unwrap_or(today);
    let month_end = |first: NaiveDate| {
        first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(first)
    };
    match p {
        Preset::ThisMonth => (first, month_end(first)),
        Preset::LastMonth => {
            let prev = first.checked_sub_months(Months::new(1)).unwrap_or(first);
            (prev, month_end(prev))
        }
        Preset::ThisYear => (
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(first),
            NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today),
        ),
    }
}

/// How a chart over `[from, to]` groups its bars: days up to two months,
/// else calendar months. Each bucket: (key, first day, last day).
pub fn buckets(from: NaiveDate, to: NaiveDate) -> (bool, Vec<(String, NaiveDate)>) {
    let days = (to - from).num_days();
    if days < 0 {
        return (true, vec![]);
    }
    if days <= 62 {
        let list = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| (iso(d), d))
            .collect();
        return (true, list);
    }
    let mut list = vec![];
    let mut m = from.with_day(1).unwrap_or(from);
    while m <= to {
        list.push((format!("{:04}-{:02}", m.year(), m.month()), m));
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    (false, list)
}

/// The bucket key of a `YYYY-MM-DD` date: itself, or its month.
pub fn bucket_of(by_day: bool, iso: &str) -> String {
    if by_day {
        iso.to_string()
    } else {
        iso.get(..7).unwrap_or(iso).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse(s).unwrap()
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1\u{202f}000");
        assert_eq!(int(-1234567), "-1\u{202f}234\u{202f}567");
        assert_eq!(money(Lang::En, 615500), "6,155.00");
        assert_eq!(money(Lang::Ru, 615500), "6\u{a0}155,00");
        assert_eq!(money(Lang::Ru, 5), "0,05");
        assert_eq!(money(Lang::En, -12345), "-123.45");
        assert_eq!(ratio(Lang::Ru, 0.5), "0,50");
        assert_eq!(ratio(Lang::En, 2.0), "2.00");
    }

    #[test]
    fn presets_cover_whole_months_and_years() {
        let t = d("2025-03-15");
        assert_eq!(
            preset(t, Preset::ThisMonth),
            (d("2025-03-01"), d("2025-03-31"))
        );
        assert_eq!(
            preset(t, Preset::LastMonth),
            (d("2025-02-01"), d("2025-02-28"))
        );
        assert_eq!(
            preset(d("2025-01-10"), Preset::LastMonth),
            (d("2024-12-01"), d("2024-12-31"))
        );
        assert_eq!(
            preset(t, Preset::ThisYear),
            (d("2025-01-01"), d("2025-12-31"))
        );
    }

    #[test]
    fn charts_use_days_up_to_two_months_then_months() {
        let (by_day, b) = buckets(d("2025-03-01"), d("2025-03-31"));
        assert!(by_day);
        assert_eq!(b.len(), 31);
        assert_eq!(b[30].0, "2025-03-31");
        let (by_day, b) = buckets(d("2025-01-01"), d("2025-12-31"));
        assert!(!by_day);
        assert_eq!(b.len(), 12);
        assert_eq!(b[11].0, "2025-12");
        assert_eq!(bucket_of(false, "2025-12-05"), "2025-12");
        assert!(buckets(d("2025-03-02"), d("2025-03-01")).1.is_empty());
    }

    #[test]
    fn dates_follow_the_language() {
        assert_eq!(date(Lang::Ru, "2025-05-31"), "31.05.2025");
        assert_eq!(date(Lang::En, "2025-05-31"), "2025-05-31");
        assert_eq!(month_label(Lang::En, "2025-05"), "May 2025");
        assert_eq!(day_label(Lang::Ru, "2025-05-03"), "03.05");
        assert_eq!(day_label(Lang::En, "2025-05-03"), "May 3");
        assert_eq!(month_label(Lang::Ru, "2025-05"), "05.2025");
        assert_eq!(parse("2025-02-30"), None);
        assert_eq!(parse("2025-2-3"), None);
        assert_eq!(iso(d("2025-02-03")), "2025-02-03");
    }
}
