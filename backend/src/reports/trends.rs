//! The figures behind the charts: water per courier per day, orders per day
//! by state, and clients lost and won back per month.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, Months, NaiveDate};
use rodnik_shared::api::{DailyDeliveries, DailyDeliveryRow, LostMonth, LostMonthly};
use rodnik_shared::OrderState;

use super::lost_cutoff;
use crate::store::reports::OrderFact;

/// The chart's rows sorted by day and courier, with totals.
pub fn daily_deliveries_report(mut rows: Vec<DailyDeliveryRow>) -> DailyDeliveries {
    rows.sort_by(|a, b| {
        (&a.date, a.courier_name.as_deref(), &a.courier_id).cmp(&(
            &b.date,
            b.courier_name.as_deref(),
            &b.courier_id,
        ))
    });
    let totals = super::delivery_totals(rows.iter().map(|r| (r.orders, r.water_qty, r.amount)));
    DailyDeliveries { rows, totals }
}

/// The first day on which a client whose last delivery was on `last` counts
/// as lost: the first day whose window of `months` calendar months starts
/// after `last`. `None` when that is beyond the calendar.
pub fn lost_on(last: NaiveDate, months: u32) -> Option<NaiveDate> {
    let mut d = last.checked_add_months(Months::new(months))?;
    // Month ends clamp, so the window's start may lag a few days behind.
    while lost_cutoff(d, months) <= last {
        d = d.checked_add_days(Days::new(1))?;
    }
    Some(d)
}

fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(first)
}

/// `count` calendar months ending with `as_of`'s, oldest first.
pub fn lost_monthly(facts: &[OrderFact], as_of: NaiveDate, months: u32, count: u32) -> LostMonthly {
    let last_month = month_of(as_of);
    let first_month = last_month
        .checked_sub_months(Months::new(count.saturating_sub(1)))
        .unwrap_or(last_month);
    let mut deliveries: HashMap<&str, BTreeSet<NaiveDate>> = HashMap::new();
    for f in facts.iter().filter(|f| f.state == OrderState::Delivered) {
        if let Ok(d) = NaiveDate::parse_from_str(&f.delivery_date, "%Y-%m-%d") {
            if d <= as_of {
                deliveries
                    .entry(f.client_id.as_str())
                    .or_default()
                    .insert(d);
            }
        }
    }
    let mut lost: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let mut won: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for dates in deliveries.values() {
        let list: Vec<NaiveDate> = dates.iter().copied().collect();
        for (i, last) in list.iter().enumerate() {
            let Some(gone) = lost_on(*last, months) else {
                continue;
            };
            match list.get(i + 1) {
                Some(next) if *next <= gone => {}
                Some(next) => {
                    *lost.entry(month_of(gone)).or_default() += 1;
                    *won.entry(month_of(*next)).or_default() += 1;
                }
                None if gone <= as_of => *lost.entry(month_of(gone)).or_default() += 1,
                None => {}
            }
        }
    }
    let mut rows = vec![];
    let mut m = first_month;
    while m <= last_month {
        let end = month_end(m).min(as_of);
        let cutoff = lost_cutoff(end, months);
        let lost_at_end = deliveries
            .values()
            .filter(|dates| {
                dates
                    .range(..=end)
                    .next_back()
                    .is_some_and(|last| *last < cutoff)
            })
            .count() as i64;
        rows.push(LostMonth {
            month: m.format("%Y-%m").to_string(),
            lost: lost.get(&m).copied().unwrap_or(0),
            won_back: won.get(&m).copied().unwrap_or(0),
            lost_at_end,
        });
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    LostMonthly {
        as_of: as_of.to_string(),
        months,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_client_is_lost_on_the_first_day_the_window_starts_after_the_last_delivery() {
        assert_eq!(lost_on(d("2025-02-27"), 3), Some(d("2025-05-28")));
        // May 29-31 all start their window on 28 February (clamped).
        assert_eq!(lost_on(d("2025-02-28"), 3), Some(d("2025-06-01")));
        assert_eq!(lost_on(d("2025-01-15"), 3), Some(d("2025-04-16")));
        assert_eq!(lost_on(d("2024-11-30"), 3), Some(d("2025-03-01")));
        for (last, months) in [("2025-02-27", 3), ("2025-02-28", 3), ("2024-08-31", 6)] {
            let gone = lost_on(d(last), months).unwrap();
            assert!(lost_cutoff(gone, months) > d(last));
            assert!(lost_cutoff(gone.pred_opt().unwrap(), months) <= d(last));
        }
    }
}
