//! Equipment and rentals (issue 19, item 3), the rules in one place: where a
//! serialised cooler or pump may go from where it is, and what a rental
//! agreement charges for a month.
//!
//! A month's charge: the monthly fee, prorated by the days the agreement
//! was in force that month (from its start to its end or term, inclusive),
//! rounded to the kopeck; waived when the agreement is "free from N
//! bottles a month" and the client's address took at least N 19 L bottles
//! that month.

use chrono::{Datelike, NaiveDate};

use crate::values::{EquipmentState, FieldError, Money};

/// The moves of a piece of equipment: delivered to a client, collected
/// back, sent to repair and back, written off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EquipmentMove {
    Deliver,
    Collect,
    Repair,
    Repaired,
    WriteOff,
}

impl EquipmentMove {
    /// The state after the move, or why it is refused.
    pub fn apply(self, from: EquipmentState) -> Result<EquipmentState, FieldError> {
        use EquipmentMove::*;
        use EquipmentState::*;
        match (self, from) {
            (Deliver, InStock) => Ok(AtClient),
            (Collect, AtClient) => Ok(InStock),
            (Repair, InStock | AtClient) => Ok(InRepair),
            (Repaired, InRepair) => Ok(InStock),
            (WriteOff, InStock | AtClient | InRepair) => Ok(WrittenOff),
            (m, s) => Err(FieldError::new(
                "state",
                format!("equipment {} cannot be {}", s.as_str(), m.past()),
            )),
        }
    }

    fn past(self) -> &'static str {
        match self {
            EquipmentMove::Deliver => "delivered to a client",
            EquipmentMove::Collect => "collected from a client",
            EquipmentMove::Repair => "sent to repair",
            EquipmentMove::Repaired => "back from repair",
            EquipmentMove::WriteOff => "written off",
        }
    }
}

/// The terms of a rental agreement that decide its charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub start: NaiveDate,
    /// The agreement's term in months (`None`: open-ended).
    pub months: Option<u32>,
    /// When it ended (the equipment came back), if it has.
    pub ended_on: Option<NaiveDate>,
    pub monthly_fee: Money,
    /// Free in a month when the address took at least this many bottles.
    pub free_from_bottles: Option<u32>,
}

/// A month's charge of an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// Days the agreement was in force in the month.
    pub days: u32,
    pub days_in_month: u32,
    /// The fee for those days.
    pub fee: Money,
    /// The month's bottles reached the agreement's minimum: no charge.
    pub waived: bool,
    pub amount: Money,
}

/// The first and last day of a month (`None`: no such month).
pub fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// The last day the agreement is in force: the day before the term runs
/// out, or the day it ended, whichever is first.
pub fn last_day(t: &Terms) -> Option<NaiveDate> {
    let term_end = t.months.and_then(|m| {
        t.start
            .checked_add_months(chrono::Months::new(m))
            .and_then(|d| d.pred_opt())
    });
    match (term_end, t.ended_on) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// When a cooler sanitised on `last` is due again, every `months` months
/// (`None`: no reminders, or no such date).
pub fn sanitation_due(last: NaiveDate, months: u32) -> Option<NaiveDate> {
    match months {
        0 => None,
        m => last.checked_add_months(chrono::Months::new(m)),
    }
}

/// What `t` charges for the month of `year`/`month`, the address having
/// taken `bottles` 19 L bottles in it.
pub fn charge(t: &Terms, year: i32, month: u32, bottles: u32) -> Option<Charge> {
    let (first, last) = month_bounds(year, month)?;
    let days_in_month = last.day();
    let from = t.start.max(first);
    let to = last_day(t).map_or(last, |d| d.min(last));
    let days = if to < from {
        0
    } else {
        u32::try_from((to - from).num_days() + 1).unwrap_or(0)
    };
    // Half a kopeck and up rounds up.
    let fee = Money(
        (i128::from(t.monthly_fee.0) * i128::from(days) * 2 + i128::from(days_in_month))
            .checked_div(2 * i128::from(days_in_month))
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(0),
    );
    let waived = days > 0 && t.free_from_bottles.is_some_and(|n| bottles >= n);
    Some(Charge {
        days,
        days_in_month,
        fee,
        waived,
        amount: if waived { Money::ZERO } else { fee },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn terms(start: &str, fee: i64, free_from: Option<u32>) -> Terms {
        Terms {
            start: d(start),
            months: None,
            ended_on: None,
            monthly_fee: Money(fee),
            free_from_bottles: free_from,
        }
    }

    #[test]
    fn equipment_goes_only_where_it_can() {
        use EquipmentState::*;
        assert_eq!(EquipmentMove::Deliver.apply(InStock), Ok(AtClient));
        assert_eq!(EquipmentMove::Collect.apply(AtClient), Ok(InStock));
        assert_eq!(EquipmentMove::Repair.apply(AtClient), Ok(InRepair));
        assert_eq!(EquipmentMove::Repaired.apply(InRepair), Ok(InStock));
        assert!(EquipmentMove::Deliver.apply(AtClient).is_err());
        assert!(EquipmentMove::Deliver.apply(InRepair).is_err());
        assert!(EquipmentMove::Collect.apply(InStock).is_err());
        for s in EquipmentState::ALL {
            assert!(
                EquipmentMove::Deliver.apply(WrittenOff).is_err()
                    && EquipmentMove::WriteOff.apply(*s).is_ok() == (*s != WrittenOff)
            );
        }
    }

    #[test]
    fn a_month_is_charged_for_the_days_in_force_unless_the_bottles_reach_the_minimum() {
        // A whole month: the fee.
        let t = terms("2026-01-15", 50_000, Some(4));
        let c = charge(&t, 2026, 2, 3).unwrap();
        assert_eq!((c.days, c.days_in_month, c.amount), (28, 28, Money(50_000)));
        // Four bottles: free.
        let c = charge(&t, 2026, 2, 4).unwrap();
        assert!(c.waived);
        assert_eq!(c.amount, Money::ZERO);
        // From the 15th of a 31-day month: 17 days of 500 roubles = 274.19.
        let c = charge(&t, 2026, 1, 0).unwrap();
        assert_eq!((c.days, c.amount), (17, Money(27_419)));
        // Before the start: nothing, and nothing to waive.
        let c = charge(&t, 2025, 12, 10).unwrap();
        assert_eq!((c.days, c.amount, c.waived), (0, Money::ZERO, false));
    }

    #[test]
    fn sanitation_comes_round_every_n_months() {
        assert_eq!(sanitation_due(d("2026-01-31"), 1), Some(d("2026-02-28")));
        assert_eq!(sanitation_due(d("2026-08-15"), 6), Some(d("2027-02-15")));
        assert_eq!(sanitation_due(d("2026-08-15"), 0), None);
    }

    #[test]
    fn the_term_and_the_return_end_the_charges() {
        let mut t = terms("2026-01-10", 31_000, None);
        t.months = Some(1);
        // In force 10 January to 9 February.
        assert_eq!(last_day(&t), Some(d("2026-02-09")));
        assert_eq!(charge(&t, 2026, 1, 0).unwrap().days, 22);
        assert_eq!(charge(&t, 2026, 2, 0).unwrap().days, 9);
        assert_eq!(charge(&t, 2026, 3, 0).unwrap().days, 0);
        // Collected on 5 February, before the term ran out.
        t.ended_on = Some(d("2026-02-05"));
        assert_eq!(charge(&t, 2026, 2, 0).unwrap().days, 5);
        assert!(charge(&t, 2026, 13, 0).is_none());
        // December rolls over into the next year.
        assert_eq!(
            month_bounds(2026, 12),
            Some((d("2026-12-01"), d("2026-12-31")))
        );
    }
}
