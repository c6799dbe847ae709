//! The company's clock: today's date and the time of day in the company's
//! time zone, as `GET /api/me` (or a wallboard's snapshot) names it, whatever
//! zone the browser sits in. The zone conversion is the browser's own
//! `Intl.DateTimeFormat` (every IANA zone, nothing added to the wasm; chrono-tz
//! would add its whole zone table).

use std::cell::RefCell;

use chrono::{
    Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use js_sys::{Array, Function, Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

/// The server's calendar: its today and the company's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// YYYY-MM-DD in the company's zone when the server was last asked.
    pub today: String,
    /// IANA name.
    pub time_zone: String,
}

impl Calendar {
    /// Today, given the date the browser's clock gives in the company's
    /// zone: that date while it is the server's today or the day after (the
    /// page stayed open past midnight), else the server's (a browser clock
    /// that is off by days is not believed).
    pub fn today_given(&self, zone_date: NaiveDate) -> String {
        match parse_date(&self.today) {
            Some(server)
                if zone_date == server
                    || server.checked_add_days(Days::new(1)) == Some(zone_date) =>
            {
                zone_date.to_string()
            }
            Some(_) => self.today.clone(),
            None => zone_date.to_string(),
        }
    }
}

struct Zone {
    name: String,
    /// An `Intl.DateTimeFormat` in that zone, numeric, 24-hour.
    format_to_parts: Function,
    formatter: JsValue,
}

thread_local! {
    static ZONE: RefCell<Option<Zone>> = const { RefCell::new(None) };
    static CALENDAR: RefCell<Option<Calendar>> = const { RefCell::new(None) };
}

/// Makes `calendar` the one every date and time on screen follows
/// (`None`: the browser's zone, until the server has answered).
pub fn set_calendar(calendar: Option<&Calendar>) {
    if let Some(c) = calendar {
        set_zone(&c.time_zone);
    }
    CALENDAR.with(|k| *k.borrow_mut() = calendar.cloned());
}

/// The company's zone by name (a wallboard opened by key learns it from its
/// snapshot). A name the browser does not know leaves the browser's zone.
pub fn set_zone(name: &str) {
    if ZONE.with(|z| z.borrow().as_ref().is_some_and(|z| z.name == name)) {
        return;
    }
    let zone = intl_formatter(name).map(|(formatter, format_to_parts)| Zone {
        name: name.to_string(),
        format_to_parts,
        formatter,
    });
    ZONE.with(|z| *z.borrow_mut() = zone);
}

fn intl_formatter(zone: &str) -> Option<(JsValue, Function)> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = Object::new();
    for (k, v) in [
        ("timeZone", zone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        Reflect::set(&options, &k.into(), &v.into()).ok()?;
    }
    let args = Array::of2(&"en-US".into(), &options);
    // An unknown zone throws a RangeError here, caught as Err.
    let formatter = Reflect::construct(&ctor, &args).ok()?;
    let parts: Function = Reflect::get(&formatter, &"formatToParts".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((formatter, parts))
}

/// Now, in ms since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The wall-clock date and time at `ms` in the company's zone (the
/// browser's while it is not known).
pub fn local(ms: f64) -> NaiveDateTime {
    ZONE.with(|z| z.borrow().as_ref().and_then(|z| in_zone(z, ms)))
        .unwrap_or_else(|| in_browser_zone(ms))
}

fn in_zone(z: &Zone, ms: f64) -> Option<NaiveDateTime> {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let parts: Array = z
        .format_to_parts
        .call1(&z.formatter, &date)
        .ok()?
        .dyn_into()
        .ok()?;
    let mut f = [0u32; 6];
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        let i = ["year", "month", "day", "hour", "minute", "second"]
            .iter()
            .position(|k| *k == kind);
        if let Some(i) = i {
            f[i] = value.parse().ok()?;
        }
    }
    let date = NaiveDate::from_ymd_opt(f[0] as i32, f[1], f[2])?;
    // Older engines write midnight as 24 even in h23.
    let time = NaiveTime::from_hms_opt(f[3] % 24, f[4], f[5])?;
    Some(date.and_time(time))
}

fn in_browser_zone(ms: f64) -> NaiveDateTime {
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// The company's UTC offset at `ms`.
pub fn offset_at(ms: f64) -> FixedOffset {
    let utc = Utc
        .timestamp_millis_opt(ms as i64)
        .single()
        .map(|t| t.naive_utc());
    let secs = utc.map_or(0, |u| (local(ms) - u).num_seconds()) as i32;
    FixedOffset::east_opt(secs).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// Today in the company's zone, `YYYY-MM-DD`.
pub fn today() -> String {
    let zone_date = local(now_ms()).date();
    CALENDAR.with(|c| match c.borrow().as_ref() {
        Some(cal) => cal.today_given(zone_date),
        None => zone_date.to_string(),
    })
}

/// Today as a date.
pub fn today_date() -> NaiveDate {
    parse_date(&today()).unwrap_or_else(|| local(now_ms()).date())
}

/// A `YYYY-MM-DD` date. Read by hand: chrono's `parse_from_str` brings its
/// whole format parser into the wasm (docs/benchmarks.md, "Front-end size").
pub fn parse_date(iso: &str) -> Option<NaiveDate> {
    let mut parts = iso.split('-');
    let mut next = |digits: usize| {
        parts
            .next()
            .filter(|p| p.len() == digits && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (y, m, d) = (next(4)?, next(2)?, next(2)?);
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// "HH:MM" at `ms` in the company's zone.
pub fn hhmm(ms: f64) -> String {
    let t = local(ms);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "HH:MM" of an RFC 3339 instant in the company's zone; "" if unreadable.
pub fn time_of(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| hhmm(t.timestamp_millis() as f64))
        .unwrap_or_default()
}

/// "DD.MM.YY HH:MM" of an RFC 3339 instant in the company's zone (both
/// languages read it); "" if unreadable.
pub fn date_time_of(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            let t = local(t.timestamp_millis() as f64);
            format!(
                "{:02}.{:02}.{:02} {:02}:{:02}",
                t.day(),
                t.month(),
                t.year().rem_euclid(100),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(today: &str) -> Calendar {
        Calendar {
            today: today.into(),
            time_zone: "Europe/Moscow".into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_read_by_hand_as_chrono_reads_them() {
        for ok in ["2026-12-31", "2024-02-29", "0999-01-01"] {
            assert_eq!(parse_date(ok), Some(d(ok)), "{ok}");
        }
        for bad in [
            "2026-12-32",
            "2025-02-29",
            "2026-1-05",
            "2026-12-05x",
            "2026/12/05",
            "",
            "2026-12",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_zone_date_is_believed_on_the_servers_day_and_the_next() {
        assert_eq!(cal("2026-12-31").today_given(d("2026-12-31")), "2026-12-31");
        assert_eq!(cal("2026-12-31").today_given(d("2027-01-01")), "2027-01-01");
    }

    #[test]
    fn a_browser_clock_off_by_days_gives_the_servers_today() {
        assert_eq!(cal("2026-12-31").today_given(d("2026-12-30")), "2026-12-31");
        assert_eq!(cal("2026-12-31").today_given(d("2027-03-01")), "2026-12-31");
    }
}
