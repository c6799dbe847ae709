//! The courier app's parts: a stop card with its close forms, the strip that
//! says how fresh the route is, notes of live changes, conflicts, the failed
//! stops, the day summary, the courier app's top bar and the service worker's
//! registration.

mod banners;
mod close_form;
mod handover;
mod header;
mod pay_qr;
mod pwa;
mod stop;
mod summary;
mod tomorrow;

pub use banners::{Conflicts, FailedStops, Freshness, Notes};
pub use close_form::next_day;
pub use handover::CashHandover;
pub use header::CourierHeader;
pub use pwa::register_service_worker;
pub use stop::{Mode, StopCard};
pub use summary::DaySummary;
pub use tomorrow::TomorrowRoute;

use rodnik_shared::api::Address;
use rodnik_shared::Money;

use crate::i18n::Lang;

/// Opens the address in a map app: `geo:` with coordinates when the address
/// has them (Android hands it to the installed map app), else a Yandex Maps
/// search for the address text (the app if installed, else the web).
pub fn map_href(a: &Address) -> String {
    match (a.lat, a.lon) {
        (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
            format!("geo:{lat},{lon}?q={lat},{lon}")
        }
        _ => format!("https://yandex.ru/maps/?text={}", pct(&a.text)),
    }
}

pub fn tel_href(phone: &str) -> String {
    let dial: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{dial}")
}

/// "+7 916 123-45-67" for a Russian E.164 number; anything else as it is.
pub fn phone_text(e164: &str) -> String {
    let d = e164.strip_prefix("+7").unwrap_or("");
    if d.len() == 10 && d.chars().all(|c| c.is_ascii_digit()) {
        format!("+7 {} {}-{}-{}", &d[..3], &d[3..6], &d[6..8], &d[8..])
    } else {
        e164.to_string()
    }
}

/// "250.00 ₽".
pub fn rub(lang: Lang, m: Money) -> String {
    crate::money::text(lang, m)
}

/// The card and SBP payments of a stop, " · Карта 250,00 ₽ · СБП 150,00 ₽"
/// (empty when paid in cash only).
pub fn paid_text(lang: Lang, payments: &[rodnik_shared::api::DoorPayment]) -> String {
    use rodnik_shared::api::PaymentMethod;
    let ct = crate::i18n::courier::texts(lang);
    payments
        .iter()
        .map(|p| {
            let how = match p.method {
                PaymentMethod::Sbp => ct.pay_sbp,
                _ => ct.pay_card,
            };
            format!(" · {how} {}", rub(lang, p.amount))
        })
        .collect()
}

/// What a close says, e.g. "Доставлено · 500,00 ₽ · вернули пустых бутылей: 2".
pub fn close_text(lang: Lang, close: &crate::state::courier::Close) -> String {
    use crate::state::courier::Close;
    let ct = crate::i18n::courier::texts(lang);
    match close {
        Close::Delivered {
            cash_collected,
            empties_returned,
            payments,
            ..
        } => {
            // Paid by card or SBP alone: no "0,00 ₽" of cash.
            let cash = if *cash_collected == 0 && !payments.is_empty() {
                String::new()
            } else {
                format!(" · {}", rub(lang, Money(*cash_collected)))
            };
            format!(
                "{}{cash}{} · {}: {empties_returned}",
                ct.delivered_btn,
                paid_text(lang, payments),
                ct.empties_returned.to_lowercase()
            )
        }
        Close::Failed { reason, .. } => format!("{}: {reason}", ct.failed_btn),
        Close::Moved {
            date,
            window,
            reason,
            ..
        } => format!(
            "{} {}{}: {reason}",
            ct.moved_to,
            crate::i18n::long_date(lang, date),
            window
                .map(|w| format!(", {}", crate::components::board::window_text(Some(w))))
                .unwrap_or_default()
        ),
    }
}

/// Percent-encoding of a URL query value (UTF-8 bytes).
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Now, in ms since the epoch (the device's clock).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The device's time as RFC 3339 (UTC), what a close records.
pub fn device_time() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// "HH:MM" of a time in ms since the epoch, in the company's time zone.
pub fn clock(ms: f64) -> String {
    crate::clock::hhmm(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str, lat: Option<f64>, lon: Option<f64>) -> Address {
        Address {
            id: "a1".into(),
            text: text.into(),
            label: None,
            contact_name: None,
            contact_phone: None,
            lat,
            lon,
            ..Default::default()
        }
    }

    #[test]
    fn map_links_use_coordinates_when_known() {
        assert_eq!(
            map_href(&address("x", Some(55.75), Some(37.62))),
            "geo:55.75,37.62?q=55.75,37.62"
        );
        assert_eq!(
            map_href(&address("ул. Ленина, 5", None, None)),
            "https://yandex.ru/maps/?text=%D1%83%D0%BB.%20%D0%9B%D0%B5%D0%BD%D0%B8%D0%BD%D0%B0%2C%205"
        );
    }

    #[test]
    fn phones_dial_and_read_well() {
        assert_eq!(tel_href("+7 916 123-45-67"), "tel:+79161234567");
        assert_eq!(phone_text("+79161234567"), "+7 916 123-45-67");
        assert_eq!(phone_text("+4930123456"), "+4930123456");
        assert_eq!(rub(Lang::En, Money(25050)), "250.50\u{a0}₽");
        assert_eq!(rub(Lang::Ru, Money(125050)), "1\u{a0}250,50\u{a0}₽");
    }
}
