//! Standing orders' dates (issue 23): an office takes water on a rhythm
//! ("every Tuesday, 6 bottles"), and the server generates the real orders a
//! few days ahead. This module holds the date rules only — which days a
//! standing order falls due, the checks on its schedule, the idempotency key
//! of a generated order and the schedule's words for the UI; the lines,
//! window and courier live with the server's record.
//!
//! A weekly schedule's "every N weeks" counts whole ISO weeks (Monday to
//! Sunday) from the week of the start date: every 2 weeks on Tuesday from
//! Tuesday 2026-12-01 falls due on 12-01, 12-15, 12-29, 2027-01-12... A
//! monthly day past a month's end falls on that month's last day (the 31st
//! is 30 April, 28 or 29 February).

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::account::month_end;
use crate::validate::optional_text;
use crate::values::FieldError;

/// The longest "every N weeks".
pub const MAX_EVERY_WEEKS: u32 = 8;
/// Pauses one standing order may have.
pub const MAX_PAUSES: usize = 50;
/// Skipped dates one standing order may have.
pub const MAX_SKIPS: usize = 100;
/// [`Plan::occurrences`] covers at most this many days (from the later of
/// its `from` and the start date); a longer range is cut short.
pub const MAX_RANGE_DAYS: u64 = 400;
/// [`Plan::next_after`] looks this many days ahead, so a pause of up to
/// about a year still shows the delivery after it.
pub const LOOK_AHEAD_DAYS: u64 = 400;

/// When a standing order falls due, as sent over the wire:
/// `{"kind": "weekly", "weekdays": [2, 5], "every_weeks": 1}` (ISO weekdays,
/// Monday = 1; `every_weeks` may be left out for 1) or
/// `{"kind": "monthly", "day": 5}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    Weekly {
        /// ISO weekdays, 1 (Monday) to 7 (Sunday).
        weekdays: Vec<u32>,
        /// 1 to 8: every week, every other week...
        #[serde(default = "one")]
        every_weeks: u32,
    },
    Monthly {
        /// 1 to 31; past a month's end, its last day.
        day: u32,
    },
}

fn one() -> u32 {
    1
}

/// Days without deliveries: a holiday, the office closed. Both ends count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pause {
    pub from: NaiveDate,
    /// The last day of the pause (inclusive).
    pub to: NaiveDate,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The date rules of one standing order: its schedule, the days it is in
/// force (`ends_on` inclusive, `None`: open-ended), its pauses and the
/// single dates skipped once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub schedule: Schedule,
    pub starts_on: NaiveDate,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub skips: Vec<NaiveDate>,
}

impl Schedule {
    /// Checks and normalises a schedule (weekdays sorted); errors name the
    /// field under `field` (`schedule.weekdays[1]`).
    pub fn validate(self, field: &str) -> Result<Schedule, FieldError> {
        match self {
            Schedule::Weekly {
                weekdays,
                every_weeks,
            } => {
                let list = format!("{field}.weekdays");
                if weekdays.is_empty() {
                    return Err(FieldError::new(list, "at least one weekday is required"));
                }
                let mut sorted: Vec<u32> = Vec::with_capacity(weekdays.len());
                for (i, d) in weekdays.iter().enumerate() {
                    if !(1..=7).contains(d) {
                        return Err(FieldError::new(
                            format!("{list}[{i}]"),
                            "must be a weekday from 1 (Monday) to 7 (Sunday)",
                        ));
                    }
                    if sorted.contains(d) {
                        return Err(FieldError::new(
                            format!("{list}[{i}]"),
                            "the weekday is already listed",
                        ));
                    }
                    sorted.push(*d);
                }
                sorted.sort_unstable();
                if !(1..=MAX_EVERY_WEEKS).contains(&every_weeks) {
                    return Err(FieldError::new(
                        format!("{field}.every_weeks"),
                        format!("must be from 1 to {MAX_EVERY_WEEKS}"),
                    ));
                }
                Ok(Schedule::Weekly {
                    weekdays: sorted,
                    every_weeks,
                })
            }
            Schedule::Monthly { day } => {
                if !(1..=31).contains(&day) {
                    return Err(FieldError::new(
                        format!("{field}.day"),
                        "must be a day of the month from 1 to 31",
                    ));
                }
                Ok(Schedule::Monthly { day })
            }
        }
    }

    /// Whether `date` is on the schedule of a standing order that starts on
    /// `anchor` (pauses, skips and the start and end dates aside).
    pub fn falls_on(&self, anchor: NaiveDate, date: NaiveDate) -> bool {
        match self {
            Schedule::Weekly {
                weekdays,
                every_weeks,
            } => {
                if !weekdays.contains(&date.weekday().number_from_monday()) {
                    return false;
                }
                // Days between the Mondays of the two weeks: a multiple of 7.
                let mondays = (date - anchor).num_days()
                    + i64::from(anchor.weekday().num_days_from_monday())
                    - i64::from(date.weekday().num_days_from_monday());
                let every = i64::from((*every_weeks).max(1));
                (mondays / 7).rem_euclid(every) == 0
            }
            Schedule::Monthly { day } => {
                *day >= 1 && date.day() == (*day).min(month_end(date).day())
            }
        }
    }
}

impl Plan {
    /// Checks and normalises a plan: the schedule (see
    /// [`Schedule::validate`]), `ends_on` not before `starts_on`, each pause
    /// in order, at most [`MAX_PAUSES`] pauses and [`MAX_SKIPS`] skips, and
    /// a schedule that falls due at least once between the start and the
    /// end. Pauses come back sorted by their start, skips sorted without
    /// repeats. A plan whose every due day is paused or skipped is allowed:
    /// that is how a client stops deliveries for a while. Field names are
    /// the plan's own (`schedule.day`, `ends_on`, `pauses[2].to`, `skips`).
    pub fn validate(self) -> Result<Plan, FieldError> {
        let schedule = self.schedule.validate("schedule")?;
        year_in_range(self.starts_on, "starts_on")?;
        if let Some(end) = self.ends_on {
            year_in_range(end, "ends_on")?;
            if end < self.starts_on {
                return Err(FieldError::new(
                    "ends_on",
                    "must not be before the start date",
                ));
            }
        }
        crate::validate::at_most(&self.pauses, MAX_PAUSES, "pauses")?;
        crate::validate::at_most(&self.skips, MAX_SKIPS, "skips")?;
        let mut pauses = Vec::with_capacity(self.pauses.len());
        for (i, p) in self.pauses.into_iter().enumerate() {
            year_in_range(p.from, &format!("pauses[{i}].from"))?;
            year_in_range(p.to, &format!("pauses[{i}].to"))?;
            if p.to < p.from {
                return Err(FieldError::new(
                    format!("pauses[{i}].to"),
                    "must not be before the pause's first day",
                ));
            }
            let reason = optional_text(p.reason.as_deref(), &format!("pauses[{i}].reason"))?;
            pauses.push(Pause {
                from: p.from,
                to: p.to,
                reason,
            });
        }
        pauses.sort_by_key(|p| (p.from, p.to));
        let mut skips = self.skips;
        for (i, d) in skips.iter().enumerate() {
            year_in_range(*d, &format!("skips[{i}]"))?;
        }
        skips.sort_unstable();
        skips.dedup();
        let plan = Plan {
            schedule,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            pauses,
            skips,
        };
        if let Some(end) = plan.ends_on {
            // A valid schedule falls due within 8 weeks of any day, so
            // looking that far settles it.
            let never = plan
                .starts_on
                .iter_days()
                .take_while(|d| *d <= end)
                .take(MAX_RANGE_DAYS as usize)
                .all(|d| !plan.schedule.falls_on(plan.starts_on, d));
            if never {
                return Err(FieldError::new(
                    "schedule",
                    "never falls due between the start and the end date",
                ));
            }
        }
        Ok(plan)
    }

    /// Whether an order is due on `date`: on the schedule, within the
    /// start and end dates, not paused and not skipped.
    pub fn is_due(&self, date: NaiveDate) -> bool {
        date >= self.starts_on
            && self.ends_on.is_none_or(|end| date <= end)
            && self.schedule.falls_on(self.starts_on, date)
            && !self.is_paused(date)
            && !self.skips.contains(&date)
    }

    /// Whether `date` falls in one of the pauses.
    pub fn is_paused(&self, date: NaiveDate) -> bool {
        self.pauses.iter().any(|p| p.from <= date && date <= p.to)
    }

    /// The days in `from..=to` on which an order is due, in order. The
    /// range is first narrowed to the plan's start and end dates, then cut
    /// to at most [`MAX_RANGE_DAYS`] days from its start.
    pub fn occurrences(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        self.due_days(from, to, MAX_RANGE_DAYS).collect()
    }

    /// The first day after `date` on which an order is due (for the
    /// client's card), looking [`LOOK_AHEAD_DAYS`] ahead from the later of
    /// the next day and the start date; `None` past the end date or when
    /// every due day in that time is paused or skipped.
    pub fn next_after(&self, date: NaiveDate) -> Option<NaiveDate> {
        let from = date.succ_opt()?;
        self.due_days(from, NaiveDate::MAX, LOOK_AHEAD_DAYS).next()
    }

    fn due_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        max_days: u64,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        let from = from.max(self.starts_on);
        let to = self.ends_on.map_or(to, |end| to.min(end));
        let to = from
            .checked_add_days(Days::new(max_days.saturating_sub(1)))
            .map_or(to, |cut| to.min(cut));
        from.iter_days()
            .take_while(move |d| *d <= to)
            .filter(move |d| self.is_due(*d))
    }
}

/// The four-digit years [`crate::validate::date`] accepts.
fn year_in_range(date: NaiveDate, field: &str) -> Result<(), FieldError> {
    if (1000..=9999).contains(&date.year()) {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be a date YYYY-MM-DD"))
    }
}

/// The idempotency key of the order a standing order generates for `date`
/// (`standing:{id}:2026-12-01`): two server nodes, a retry or a restart
/// that generate the same day's order produce the same key, so the store's
/// unique index keeps one. The date has a fixed length at the end, so an
/// id with `:` in it is still unambiguous.
pub fn occurrence_key(standing_id: &str, date: NaiveDate) -> String {
    format!("standing:{standing_id}:{}", date.format("%Y-%m-%d"))
}

const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// "по вторникам": the dative plural.
const WEEKDAYS_RU: [&str; 7] = [
    "понедельникам",
    "вторникам",
    "средам",
    "четвергам",
    "пятницам",
    "субботам",
    "воскресеньям",
];

/// The schedule in words for the UI, in Russian when `ru`, else English:
/// "every Tuesday and Friday" / "по вторникам и пятницам", "every 2 weeks
/// on Tuesday" / "раз в 2 недели по вторникам", "monthly on the 5th" /
/// "ежемесячно, 5-го числа". Weekdays out of range are left out.
pub fn describe(schedule: &Schedule, ru: bool) -> String {
    match schedule {
        Schedule::Weekly {
            weekdays,
            every_weeks,
        } => {
            let mut days: Vec<usize> = weekdays
                .iter()
                .filter(|d| (1..=7).contains(*d))
                .filter_map(|d| usize::try_from(*d - 1).ok())
                .collect();
            days.sort_unstable();
            days.dedup();
            let names = if ru { &WEEKDAYS_RU } else { &WEEKDAYS_EN };
            let listed: Vec<&str> = days.iter().filter_map(|i| names.get(*i).copied()).collect();
            let n = *every_weeks;
            match (ru, n > 1) {
                (true, repeat) => {
                    let on = match days.as_slice() {
                        [] => "без дней недели".to_string(),
                        [0, 1, 2, 3, 4, 5, 6] => "ежедневно".to_string(),
                        [0, 1, 2, 3, 4] => "по будням".to_string(),
                        _ => format!("по {}", join(&listed, "и")),
                    };
                    if repeat {
                        let sep = if days.len() == 7 { ", " } else { " " };
                        format!("раз в {n} {}{sep}{on}", weeks_ru(n))
                    } else {
                        on
                    }
                }
                (false, false) => match days.as_slice() {
                    [] => "on no weekday".to_string(),
                    [0, 1, 2, 3, 4, 5, 6] => "every day".to_string(),
                    [0, 1, 2, 3, 4] => "every weekday".to_string(),
                    _ => format!("every {}", join(&listed, "and")),
                },
                (false, true) => match days.as_slice() {
                    [] => format!("every {n} weeks, on no weekday"),
                    [0, 1, 2, 3, 4, 5, 6] => format!("every {n} weeks, every day"),
                    _ => format!("every {n} weeks on {}", join(&listed, "and")),
                },
            }
        }
        Schedule::Monthly { day } => {
            let day = *day;
            match (ru, day > 28) {
                (true, false) => format!("ежемесячно, {day}-го числа"),
                (true, true) => {
                    format!("ежемесячно, {day}-го числа (в короткие месяцы — в последний день)")
                }
                (false, false) => format!("monthly on the {}", ordinal(day)),
                (false, true) => format!(
                    "monthly on the {} (the last day in shorter months)",
                    ordinal(day)
                ),
            }
        }
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: &[&str], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "неделю", "недели", "недель" after the number `n` ("раз в 2 недели").
fn weeks_ru(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=14) => "недель",
        (1, _) => "неделю",
        (2..=4, _) => "недели",
        _ => "недель",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn days(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| d(s)).collect()
    }

    fn weekly(weekdays: &[u32], every_weeks: u32) -> Schedule {
        Schedule::Weekly {
            weekdays: weekdays.to_vec(),
            every_weeks,
        }
    }

    fn plan(schedule: Schedule, starts_on: &str) -> Plan {
        Plan {
            schedule,
            starts_on: d(starts_on),
            ends_on: None,
            pauses: vec![],
            skips: vec![],
        }
    }

    #[test]
    fn weekly_on_one_day() {
        // 2026-12-01 is a Tuesday.
        let p = plan(weekly(&[2], 1), "2026-11-01");
        assert_eq!(
            p.occurrences(d("2026-12-01"), d("2026-12-31")),
            days(&[
                "2026-12-01",
                "2026-12-08",
                "2026-12-15",
                "2026-12-22",
                "2026-12-29"
            ])
        );
    }

    #[test]
    fn weekly_on_several_days() {
        let p = plan(weekly(&[5, 2], 1), "2026-11-01");
        assert_eq!(
            p.occurrences(d("2026-12-01"), d("2026-12-12")),
            days(&["2026-12-01", "2026-12-04", "2026-12-08", "2026-12-11"])
        );
    }

    #[test]
    fn every_two_weeks_counts_from_the_start_week_across_new_year() {
        let p = plan(weekly(&[2], 2), "2026-12-01");
        assert_eq!(
            p.occurrences(d("2026-11-01"), d("2027-02-01")),
            days(&[
                "2026-12-01",
                "2026-12-15",
                "2026-12-29",
                "2027-01-12",
                "2027-01-26"
            ])
        );
        // A start midweek: that week's days before the start are not due,
        // the Friday after it is, and then every other week.
        let p = plan(weekly(&[2, 5], 2), "2026-12-02");
        assert_eq!(
            p.occurrences(d("2026-12-01"), d("2026-12-31")),
            days(&["2026-12-04", "2026-12-15", "2026-12-18", "2026-12-29"])
        );
    }

    #[test]
    fn every_three_weeks_across_new_year() {
        // Monday 2026-12-14; 2026 has 53 ISO weeks, which must not matter.
        let p = plan(weekly(&[1], 3), "2026-12-14");
        assert_eq!(
            p.occurrences(d("2026-12-01"), d("2027-02-28")),
            days(&["2026-12-14", "2027-01-04", "2027-01-25", "2027-02-15"])
        );
        // Queried far from the start, the rhythm holds.
        let later = p.occurrences(d("2027-12-01"), d("2027-12-31"));
        for day in &later {
            assert_eq!((*day - d("2026-12-14")).num_days() % 21, 0, "{day}");
        }
        assert!(!later.is_empty());
    }

    #[test]
    fn monthly_day_past_the_end_falls_on_the_last_day() {
        let p = plan(Schedule::Monthly { day: 31 }, "2027-01-01");
        assert_eq!(
            p.occurrences(d("2027-01-01"), d("2027-05-31")),
            days(&[
                "2027-01-31",
                "2027-02-28",
                "2027-03-31",
                "2027-04-30",
                "2027-05-31"
            ])
        );
        let leap = plan(Schedule::Monthly { day: 31 }, "2028-02-01");
        assert_eq!(
            leap.occurrences(d("2028-02-01"), d("2028-02-29")),
            days(&["2028-02-29"])
        );
        let p30 = plan(Schedule::Monthly { day: 30 }, "2027-02-01");
        assert_eq!(
            p30.occurrences(d("2027-02-01"), d("2027-03-31")),
            days(&["2027-02-28", "2027-03-30"])
        );
        let p5 = plan(Schedule::Monthly { day: 5 }, "2026-12-06");
        assert_eq!(
            p5.occurrences(d("2026-12-01"), d("2027-02-28")),
            days(&["2027-01-05", "2027-02-05"])
        );
    }

    #[test]
    fn pauses_and_skips_remove_dates() {
        let mut p = plan(weekly(&[2], 1), "2026-11-01");
        p.pauses.push(Pause {
            from: d("2026-12-29"),
            to: d("2027-01-12"),
            reason: Some("New Year holidays".into()),
        });
        p.skips.push(d("2026-12-15"));
        assert_eq!(
            p.occurrences(d("2026-12-01"), d("2027-01-31")),
            days(&[
                "2026-12-01",
                "2026-12-08",
                "2026-12-22",
                "2027-01-19",
                "2027-01-26"
            ])
        );
        assert!(p.is_paused(d("2027-01-12")));
        assert!(!p.is_due(d("2026-12-15")));
    }

    #[test]
    fn start_and_end_bound_the_dates() {
        let mut p = plan(weekly(&[2], 1), "2026-12-08");
        p.ends_on = Some(d("2026-12-22"));
        assert_eq!(
            p.occurrences(d("2026-11-01"), d("2027-12-31")),
            days(&["2026-12-08", "2026-12-15", "2026-12-22"])
        );
        assert!(p.occurrences(d("2026-12-23"), d("2027-12-31")).is_empty());
        assert!(p.occurrences(d("2026-12-20"), d("2026-12-10")).is_empty());
    }

    #[test]
    fn long_ranges_are_cut() {
        let p = plan(weekly(&[1, 2, 3, 4, 5, 6, 7], 1), "2026-01-01");
        let all = p.occurrences(d("2026-01-01"), d("2030-12-31"));
        assert_eq!(all.len(), MAX_RANGE_DAYS as usize);
        assert_eq!(all.first(), Some(&d("2026-01-01")));
        // Far ends of the calendar do not panic.
        assert!(p.occurrences(NaiveDate::MIN, NaiveDate::MAX).len() <= 400);
        let last = plan(weekly(&[1, 2, 3, 4, 5, 6, 7], 1), "2026-01-01");
        assert_eq!(last.next_after(NaiveDate::MAX), None);
    }

    #[test]
    fn next_after_is_strictly_later() {
        let mut p = plan(weekly(&[2, 5], 1), "2026-12-01");
        assert_eq!(p.next_after(d("2026-12-01")), Some(d("2026-12-04")));
        assert_eq!(p.next_after(d("2026-11-01")), Some(d("2026-12-01")));
        assert_eq!(p.next_after(d("2026-12-03")), Some(d("2026-12-04")));
        p.pauses.push(Pause {
            from: d("2026-12-05"),
            to: d("2027-06-30"),
            reason: None,
        });
        assert_eq!(p.next_after(d("2026-12-04")), Some(d("2027-07-02")));
        p.ends_on = Some(d("2027-06-30"));
        assert_eq!(p.next_after(d("2026-12-04")), None);
        // A start far ahead: the look-ahead runs from the start.
        let future = plan(Schedule::Monthly { day: 1 }, "2028-03-01");
        assert_eq!(future.next_after(d("2026-12-01")), Some(d("2028-03-01")));
    }

    #[test]
    fn validation_normalizes() {
        let mut p = plan(weekly(&[5, 2], 2), "2026-12-01");
        p.skips = days(&["2026-12-15", "2026-12-04", "2026-12-15"]);
        p.pauses = vec![
            Pause {
                from: d("2027-05-01"),
                to: d("2027-05-10"),
                reason: Some("  ".into()),
            },
            Pause {
                from: d("2027-01-01"),
                to: d("2027-01-08"),
                reason: Some(" праздники ".into()),
            },
        ];
        let v = p.validate().unwrap();
        assert_eq!(v.schedule, weekly(&[2, 5], 2));
        assert_eq!(v.skips, days(&["2026-12-04", "2026-12-15"]));
        assert_eq!(v.pauses[0].from, d("2027-01-01"));
        assert_eq!(v.pauses[0].reason.as_deref(), Some("праздники"));
        assert_eq!(v.pauses[1].reason, None);
    }

    #[test]
    fn validation_names_the_field() {
        let err = |p: Plan| p.validate().unwrap_err().field;
        let base = || plan(weekly(&[2], 1), "2026-12-01");
        let with = |s: Schedule| plan(s, "2026-12-01");
        assert_eq!(err(with(weekly(&[], 1))), "schedule.weekdays");
        assert_eq!(err(with(weekly(&[2, 0], 1))), "schedule.weekdays[1]");
        assert_eq!(err(with(weekly(&[8], 1))), "schedule.weekdays[0]");
        assert_eq!(err(with(weekly(&[2, 5, 2], 1))), "schedule.weekdays[2]");
        assert_eq!(err(with(weekly(&[2], 0))), "schedule.every_weeks");
        assert_eq!(err(with(weekly(&[2], 9))), "schedule.every_weeks");
        assert!(with(weekly(&[2], 8)).validate().is_ok());
        assert_eq!(err(with(Schedule::Monthly { day: 0 })), "schedule.day");
        assert_eq!(err(with(Schedule::Monthly { day: 32 })), "schedule.day");
        assert!(with(Schedule::Monthly { day: 31 }).validate().is_ok());

        let mut p = base();
        p.ends_on = Some(d("2026-11-30"));
        assert_eq!(err(p), "ends_on");
        let mut p = base();
        p.ends_on = Some(d("2026-12-01"));
        assert!(p.validate().is_ok(), "one day, and it is due");

        let mut p = base();
        p.pauses = vec![
            Pause {
                from: d("2027-01-01"),
                to: d("2027-01-08"),
                reason: None,
            },
            Pause {
                from: d("2027-02-08"),
                to: d("2027-02-01"),
                reason: None,
            },
        ];
        assert_eq!(err(p), "pauses[1].to");
        let mut p = base();
        p.pauses = vec![
            Pause {
                from: d("2027-01-01"),
                to: d("2027-01-01"),
                reason: None,
            };
            MAX_PAUSES + 1
        ];
        assert_eq!(err(p), "pauses");
        let mut p = base();
        p.skips = vec![d("2027-01-05"); MAX_SKIPS + 1];
        assert_eq!(err(p), "skips");
        let mut p = base();
        p.starts_on = NaiveDate::MIN;
        assert_eq!(err(p), "starts_on");
    }

    #[test]
    fn a_schedule_that_never_falls_due_is_refused() {
        // Monday to Tuesday, weekly on Friday.
        let mut p = plan(weekly(&[5], 1), "2026-11-30");
        p.ends_on = Some(d("2026-12-01"));
        let e = p.validate().unwrap_err();
        assert_eq!(e.field, "schedule");
        assert!(e.message.contains("never"), "{}", e.message);
        // Every 3 weeks on Monday from a Tuesday: next due 3 weeks on.
        let mut p = plan(weekly(&[1], 3), "2026-12-01");
        p.ends_on = Some(d("2026-12-20"));
        assert_eq!(p.clone().validate().unwrap_err().field, "schedule");
        p.ends_on = Some(d("2026-12-21"));
        assert!(p.validate().is_ok());
        // Monthly on the 10th, from the 11th to the end of the month.
        let mut p = plan(Schedule::Monthly { day: 10 }, "2026-12-11");
        p.ends_on = Some(d("2026-12-31"));
        assert_eq!(p.validate().unwrap_err().field, "schedule");
        // Paused throughout is allowed: deliveries stopped for a while.
        let mut p = plan(weekly(&[2], 1), "2026-12-01");
        p.ends_on = Some(d("2026-12-31"));
        p.pauses.push(Pause {
            from: d("2026-12-01"),
            to: d("2026-12-31"),
            reason: None,
        });
        assert!(p.validate().is_ok());
    }

    #[test]
    fn occurrence_key_is_stable() {
        assert_eq!(
            occurrence_key("so-17", d("2026-12-01")),
            "standing:so-17:2026-12-01"
        );
        assert_eq!(
            occurrence_key("so-17", d("2026-12-01")),
            occurrence_key("so-17", d("2026-12-01"))
        );
        assert_ne!(
            occurrence_key("so-17", d("2026-12-01")),
            occurrence_key("so-17", d("2026-12-02"))
        );
    }

    #[test]
    fn schedules_in_words() {
        let en = |s: &Schedule| describe(s, false);
        let ru = |s: &Schedule| describe(s, true);
        assert_eq!(en(&weekly(&[2], 1)), "every Tuesday");
        assert_eq!(en(&weekly(&[5, 2], 1)), "every Tuesday and Friday");
        assert_eq!(ru(&weekly(&[2, 5], 1)), "по вторникам и пятницам");
        assert_eq!(
            en(&weekly(&[1, 3, 5], 1)),
            "every Monday, Wednesday and Friday"
        );
        assert_eq!(
            ru(&weekly(&[1, 3, 5], 1)),
            "по понедельникам, средам и пятницам"
        );
        assert_eq!(en(&weekly(&[2], 2)), "every 2 weeks on Tuesday");
        assert_eq!(ru(&weekly(&[2], 2)), "раз в 2 недели по вторникам");
        assert_eq!(ru(&weekly(&[7], 5)), "раз в 5 недель по воскресеньям");
        assert_eq!(en(&weekly(&[1, 2, 3, 4, 5], 1)), "every weekday");
        assert_eq!(ru(&weekly(&[1, 2, 3, 4, 5], 1)), "по будням");
        assert_eq!(en(&weekly(&[1, 2, 3, 4, 5, 6, 7], 1)), "every day");
        assert_eq!(ru(&weekly(&[1, 2, 3, 4, 5, 6, 7], 1)), "ежедневно");
        assert_eq!(en(&Schedule::Monthly { day: 5 }), "monthly on the 5th");
        assert_eq!(ru(&Schedule::Monthly { day: 5 }), "ежемесячно, 5-го числа");
        assert_eq!(en(&Schedule::Monthly { day: 1 }), "monthly on the 1st");
        assert_eq!(en(&Schedule::Monthly { day: 22 }), "monthly on the 22nd");
        assert_eq!(en(&Schedule::Monthly { day: 13 }), "monthly on the 13th");
        assert_eq!(
            en(&Schedule::Monthly { day: 31 }),
            "monthly on the 31st (the last day in shorter months)"
        );
    }

    #[test]
    fn schedule_wire_form() {
        let s: Schedule =
            serde_json::from_str(r#"{"kind":"weekly","weekdays":[2,5],"every_weeks":2}"#).unwrap();
        assert_eq!(s, weekly(&[2, 5], 2));
        let s: Schedule = serde_json::from_str(r#"{"kind":"weekly","weekdays":[2]}"#).unwrap();
        assert_eq!(s, weekly(&[2], 1));
        let s: Schedule = serde_json::from_str(r#"{"kind":"monthly","day":31}"#).unwrap();
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({"kind": "monthly", "day": 31})
        );
        let p: Plan = serde_json::from_str(
            r#"{"schedule":{"kind":"monthly","day":5},"starts_on":"2026-12-01"}"#,
        )
        .unwrap();
        assert_eq!(p, plan(Schedule::Monthly { day: 5 }, "2026-12-01"));
    }
}
