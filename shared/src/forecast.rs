//! A client's own rhythm (issue 23): from the water they took, when they
//! will likely order next, how much, and from when their silence means they
//! may be lost. docs/forecast.md explains the method; in short:
//!
//! - the last [`WINDOW`] delivery days are read (several deliveries on one
//!   day count as one, days without water are left out);
//! - an interval more than [`HOLIDAY_FACTOR`] times the median interval is
//!   a holiday or a closed office and is set aside;
//! - two readings of the rest: by the calendar (the median interval: "they
//!   order every Tuesday whatever the amount") and by consumption (units a
//!   day, the median over intervals of a delivery's units over the days it
//!   lasted: "they order when the water runs out", so a bigger delivery
//!   lasts longer). The one that explains the client's own intervals better
//!   is used (a tie goes to consumption), but a last delivery more than
//!   [`UNUSUAL_QTY`] times the biggest before it in the window, or less than
//!   the smallest divided by it, always goes by consumption;
//! - the quantity is the median of the window's quantities, so a one-off
//!   big order does not inflate it;
//! - at risk after the expected day plus a margin: a week, half the typical
//!   interval or twice the intervals' spread, whichever is longest.
//!
//! [`backtest`] replays a history and measures the forecasts against what
//! the client really did; [`Backtest`]s of many clients merge into one.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Fewer delivery days than this: no forecast.
pub const MIN_HISTORY: usize = 3;
/// The most recent delivery days a forecast reads.
pub const WINDOW: usize = 12;
/// An interval longer than this many median intervals is a holiday.
pub const HOLIDAY_FACTOR: f64 = 3.0;
/// A last delivery more than this many times the biggest in the window,
/// or less than the smallest divided by it, is unusual: it goes by
/// consumption whatever the client's habit.
pub const UNUSUAL_QTY: f64 = 1.5;
/// The least time between the expected day and "at risk".
pub const MIN_RISK_MARGIN_DAYS: u64 = 7;
/// No forecast looks further ahead than this from the last delivery, nor
/// puts "at risk" further than this after the expected day.
pub const MAX_GAP_DAYS: u64 = 366;

/// Which reading of the client's history the forecast went by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rhythm {
    /// The typical interval after the last delivery.
    Calendar,
    /// The last delivery's units at the client's units a day.
    Consumption,
}

/// When a client will likely order next, and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Forecast {
    pub expected_on: NaiveDate,
    /// Water units (19 L bottles and the like).
    pub expected_qty: u32,
    /// The median interval between deliveries, holidays left out.
    pub typical_interval_days: f64,
    /// Still silent after this day: the client may be lost; call them.
    pub at_risk_after: NaiveDate,
    /// Delivery days the forecast read.
    pub basis: usize,
    pub rhythm: Rhythm,
}

/// The forecast of the next order from `history`: days with the water units
/// delivered, in date order (several on one day are added up, days with 0
/// units left out, an unsorted history is sorted first). `None` with fewer
/// than [`MIN_HISTORY`] delivery days.
pub fn forecast(history: &[(NaiveDate, u32)]) -> Option<Forecast> {
    from_days(&delivery_days(history))
}

/// Due: the expected day has come.
pub fn is_due(f: &Forecast, today: NaiveDate) -> bool {
    f.expected_on <= today
}

/// At risk: silent past [`Forecast::at_risk_after`].
pub fn is_at_risk(f: &Forecast, today: NaiveDate) -> bool {
    today > f.at_risk_after
}

/// Sorted, one entry a day, no empty days.
fn delivery_days(history: &[(NaiveDate, u32)]) -> Vec<(NaiveDate, u32)> {
    let mut sorted = history.to_vec();
    sorted.sort_by_key(|(day, _)| *day);
    let mut days: Vec<(NaiveDate, u32)> = Vec::with_capacity(sorted.len());
    for (day, qty) in sorted {
        if qty == 0 {
            continue;
        }
        match days.last_mut() {
            Some((last, total)) if *last == day => *total = total.saturating_add(qty),
            _ => days.push((day, qty)),
        }
    }
    days
}

/// The forecast from delivery days as [`delivery_days`] makes them.
fn from_days(days: &[(NaiveDate, u32)]) -> Option<Forecast> {
    let recent = &days[days.len().saturating_sub(WINDOW)..];
    let (&(last_on, last_qty), earlier) = recent.split_last()?;
    if recent.len() < MIN_HISTORY {
        return None;
    }
    // (days until the next delivery, units delivered) of each interval.
    let intervals: Vec<(f64, f64)> = recent
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).num_days() as f64, f64::from(w[0].1)))
        .collect();
    let all_gaps: Vec<f64> = intervals.iter().map(|(g, _)| *g).collect();
    let holiday = HOLIDAY_FACTOR * median(&all_gaps)?;
    // Never empty: the shortest interval is at most the median.
    let kept: Vec<(f64, f64)> = intervals
        .into_iter()
        .filter(|(g, _)| *g <= holiday)
        .collect();
    let gaps: Vec<f64> = kept.iter().map(|(g, _)| *g).collect();
    let typical = median(&gaps)?;
    let rates: Vec<f64> = kept.iter().map(|(g, q)| q / g).collect();
    let rate = median(&rates)?;

    let calendar_misses: Vec<f64> = gaps.iter().map(|g| (g - typical).abs()).collect();
    let consumption_misses: Vec<f64> = kept.iter().map(|(g, q)| (g - q / rate).abs()).collect();
    let calendar_miss = median(&calendar_misses)?;
    let last = f64::from(last_qty);
    let ordinary = earlier
        .iter()
        .any(|(_, q)| UNUSUAL_QTY * f64::from(*q) >= last)
        && earlier
            .iter()
            .any(|(_, q)| f64::from(*q) <= UNUSUAL_QTY * last);
    let rhythm = if ordinary && calendar_miss < median(&consumption_misses)? {
        Rhythm::Calendar
    } else {
        Rhythm::Consumption
    };
    let gap = match rhythm {
        Rhythm::Calendar => typical,
        Rhythm::Consumption => last / rate,
    };
    let expected_on = last_on.checked_add_days(Days::new(whole_days(gap, 1)))?;

    // 1.4826 x the median absolute deviation estimates a standard deviation.
    let spread = 1.4826 * calendar_miss;
    let margin = (0.5 * typical).max(2.0 * spread).ceil();
    let at_risk_after =
        expected_on.checked_add_days(Days::new(whole_days(margin, MIN_RISK_MARGIN_DAYS)))?;

    let quantities: Vec<f64> = recent.iter().map(|(_, q)| f64::from(*q)).collect();
    // `as` saturates; quantities are at least 1.
    let expected_qty = (median(&quantities)?.round() as u32).max(1);
    Some(Forecast {
        expected_on,
        expected_qty,
        typical_interval_days: typical,
        at_risk_after,
        basis: recent.len(),
        rhythm,
    })
}

/// `x` rounded, within `least..=MAX_GAP_DAYS`.
fn whole_days(x: f64, least: u64) -> u64 {
    // `as` saturates, and NaN becomes 0.
    (x.round() as u64).clamp(least, MAX_GAP_DAYS.max(least))
}

fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => Some((v.get(n / 2 - 1)? + v.get(n / 2)?) / 2.0),
    }
}

/// How forecasts did against what clients really did. Sums and counts, so
/// the figures of many clients add up ([`Backtest::merge`]); the figures
/// themselves are methods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backtest {
    /// Forecasts compared.
    pub count: u64,
    /// Days between the expected and the real delivery, summed.
    pub abs_days_sum: u64,
    /// The same, signed: above zero, clients came later than expected.
    pub late_days_sum: i64,
    /// Forecasts within 2 days of the real delivery.
    pub within_2_days: u64,
    /// Units between the expected and the real quantity, summed.
    pub abs_qty_sum: u64,
    /// Real deliveries after the forecast's "at risk" day: a client the
    /// list would have called lost who was not.
    pub after_risk: u64,
    /// How many forecasts missed by 0, 1, 2... days; the last entry of a
    /// full histogram counts [`MAX_GAP_DAYS`] days and more.
    pub abs_days_histogram: Vec<u64>,
}

impl Backtest {
    /// Adds one forecast and what really happened.
    pub fn record(&mut self, f: &Forecast, actual_on: NaiveDate, actual_qty: u32) {
        let late = (actual_on - f.expected_on).num_days();
        let miss = late.unsigned_abs();
        self.count += 1;
        self.abs_days_sum = self.abs_days_sum.saturating_add(miss);
        self.late_days_sum = self.late_days_sum.saturating_add(late);
        self.within_2_days += u64::from(miss <= 2);
        self.abs_qty_sum = self
            .abs_qty_sum
            .saturating_add(u64::from(actual_qty.abs_diff(f.expected_qty)));
        self.after_risk += u64::from(actual_on > f.at_risk_after);
        let bucket = usize::try_from(miss.min(MAX_GAP_DAYS)).unwrap_or(0);
        if self.abs_days_histogram.len() <= bucket {
            self.abs_days_histogram.resize(bucket + 1, 0);
        }
        if let Some(n) = self.abs_days_histogram.get_mut(bucket) {
            *n += 1;
        }
    }

    /// Adds another backtest's figures (another client's) to these.
    pub fn merge(&mut self, other: &Backtest) {
        self.count += other.count;
        self.abs_days_sum = self.abs_days_sum.saturating_add(other.abs_days_sum);
        self.late_days_sum = self.late_days_sum.saturating_add(other.late_days_sum);
        self.within_2_days += other.within_2_days;
        self.abs_qty_sum = self.abs_qty_sum.saturating_add(other.abs_qty_sum);
        self.after_risk += other.after_risk;
        if self.abs_days_histogram.len() < other.abs_days_histogram.len() {
            self.abs_days_histogram
                .resize(other.abs_days_histogram.len(), 0);
        }
        for (mine, theirs) in self
            .abs_days_histogram
            .iter_mut()
            .zip(&other.abs_days_histogram)
        {
            *mine += theirs;
        }
    }

    fn share(&self, part: u64) -> Option<f64> {
        (self.count > 0).then(|| part as f64 / self.count as f64)
    }

    /// Mean absolute error in days (`None`: nothing compared).
    pub fn mean_abs_days(&self) -> Option<f64> {
        self.share(self.abs_days_sum)
    }

    /// Mean signed error in days: above zero, clients come later than
    /// forecast.
    pub fn mean_late_days(&self) -> Option<f64> {
        (self.count > 0).then(|| self.late_days_sum as f64 / self.count as f64)
    }

    /// Median absolute error in days.
    pub fn median_abs_days(&self) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        // The 0-based ranks of the middle one or two.
        let (lo, hi) = ((self.count - 1) / 2, self.count / 2);
        let at = |rank: u64| {
            let mut seen = 0;
            for (days, n) in self.abs_days_histogram.iter().enumerate() {
                seen += n;
                if seen > rank {
                    return Some(days as f64);
                }
            }
            None
        };
        Some((at(lo)? + at(hi)?) / 2.0)
    }

    /// Share of forecasts within 2 days, 0 to 1.
    pub fn share_within_2_days(&self) -> Option<f64> {
        self.share(self.within_2_days)
    }

    /// Mean absolute error in units.
    pub fn mean_abs_qty(&self) -> Option<f64> {
        self.share(self.abs_qty_sum)
    }

    /// Share of real deliveries that came after the "at risk" day, 0 to 1.
    pub fn share_after_risk(&self) -> Option<f64> {
        self.share(self.after_risk)
    }
}

/// Replays `history` (as [`forecast`] reads it): from each day with at least
/// [`MIN_HISTORY`] delivery days before it, forecasts from those and
/// compares with the day that really came next.
pub fn backtest(history: &[(NaiveDate, u32)]) -> Backtest {
    let days = delivery_days(history);
    let mut out = Backtest::default();
    for k in MIN_HISTORY..days.len() {
        let (Some(f), Some(&(on, qty))) = (from_days(&days[..k]), days.get(k)) else {
            continue;
        };
        out.record(&f, on, qty);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Deliveries `every` days apart from 2026-01-06, with these quantities.
    fn regular(every: u64, qtys: &[u32]) -> Vec<(NaiveDate, u32)> {
        qtys.iter()
            .enumerate()
            .map(|(i, q)| (d("2026-01-06") + Days::new(every * i as u64), *q))
            .collect()
    }

    fn after(h: &[(NaiveDate, u32)], days: u64) -> NaiveDate {
        h.last().unwrap().0 + Days::new(days)
    }

    #[test]
    fn a_weekly_client_is_forecast_exactly() {
        let h = regular(7, &[6; 10]);
        let f = forecast(&h).unwrap();
        assert_eq!(f.expected_on, after(&h, 7));
        assert_eq!(f.expected_qty, 6);
        assert_eq!(f.typical_interval_days, 7.0);
        assert_eq!(f.basis, 10);
        assert_eq!(f.at_risk_after, after(&h, 14));
    }

    #[test]
    fn too_little_history_gives_no_forecast() {
        assert_eq!(forecast(&[]), None);
        assert_eq!(forecast(&regular(7, &[6, 6])), None);
        // Two deliveries on one day are one delivery day; empty days do not count.
        let h = [
            (d("2026-01-06"), 3),
            (d("2026-01-06"), 3),
            (d("2026-01-13"), 0),
            (d("2026-01-20"), 6),
        ];
        assert_eq!(forecast(&h), None);
        assert!(forecast(&regular(7, &[6, 6, 6])).is_some());
    }

    #[test]
    fn deliveries_on_one_day_add_up() {
        let mut h = regular(7, &[6; 6]);
        let last = h.last().unwrap().0;
        h.pop();
        h.push((last, 2));
        h.push((last, 4));
        let f = forecast(&h).unwrap();
        assert_eq!(f.expected_on, last + Days::new(7));
        assert_eq!(f.expected_qty, 6);
        assert_eq!(f.basis, 6);
    }

    #[test]
    fn a_holiday_gap_does_not_throw_the_forecast_off() {
        let mut h = regular(7, &[6; 5]);
        let back = after(&h, 35);
        h.extend((0..4).map(|i| (back + Days::new(7 * i), 6)));
        let f = forecast(&h).unwrap();
        assert_eq!(f.expected_on, after(&h, 7));
        assert_eq!(f.typical_interval_days, 7.0);
        assert_eq!(f.at_risk_after, after(&h, 14));
    }

    #[test]
    fn a_one_off_big_order_lasts_longer_without_inflating_the_quantity() {
        let mut h = regular(7, &[6; 8]);
        let big = after(&h, 7);
        h.push((big, 18));
        let f = forecast(&h).unwrap();
        assert_eq!(f.rhythm, Rhythm::Consumption);
        assert_eq!(f.expected_on, big + Days::new(21));
        assert_eq!(f.expected_qty, 6);
        // After it, back to the old rhythm.
        h.push((big + Days::new(21), 6));
        let f = forecast(&h).unwrap();
        assert_eq!(f.expected_on, after(&h, 7));
        assert_eq!(f.expected_qty, 6);
    }

    #[test]
    fn a_weekly_habit_with_varying_quantities_keeps_its_day() {
        let h = regular(7, &[5, 7, 6, 7, 5, 6, 6, 7, 5, 7]);
        let f = forecast(&h).unwrap();
        assert_eq!(f.rhythm, Rhythm::Calendar);
        assert_eq!(f.expected_on, after(&h, 7));
        assert_eq!(f.expected_qty, 6);
    }

    #[test]
    fn a_client_who_orders_when_the_water_runs_out_goes_by_consumption() {
        // One bottle a day: each delivery lasts as many days as its bottles.
        let qtys = [4, 8, 6, 4, 8, 6, 4, 6, 8];
        let mut h = vec![];
        let mut day = d("2026-01-06");
        for q in qtys {
            h.push((day, q));
            day = day + Days::new(u64::from(q));
        }
        let f = forecast(&h).unwrap();
        assert_eq!(f.rhythm, Rhythm::Consumption);
        assert_eq!(f.expected_on, after(&h, 8));
        assert_eq!(f.expected_qty, 6);
    }

    #[test]
    fn weekly_clients_are_at_risk_sooner_than_monthly_ones() {
        let weekly = forecast(&regular(7, &[6; 8])).unwrap();
        let w_last = after(&regular(7, &[6; 8]), 0);
        assert!(!is_due(&weekly, w_last + Days::new(6)));
        assert!(is_due(&weekly, w_last + Days::new(7)));
        assert!(!is_at_risk(&weekly, w_last + Days::new(14)));
        assert!(
            is_at_risk(&weekly, w_last + Days::new(21)),
            "3 weeks silent"
        );

        let monthly = forecast(&regular(30, &[20; 8])).unwrap();
        let m_last = after(&regular(30, &[20; 8]), 0);
        assert!(is_due(&monthly, m_last + Days::new(30)));
        assert!(!is_at_risk(&monthly, m_last + Days::new(21)));
        assert!(!is_at_risk(&monthly, m_last + Days::new(42)), "6 weeks");
        assert!(is_at_risk(&monthly, m_last + Days::new(49)), "7 weeks");
    }

    #[test]
    fn an_irregular_client_gets_a_wider_margin() {
        let mut h = vec![];
        let mut day = d("2026-01-06");
        for gap in [4, 12, 7, 3, 11, 6, 10, 5, 9] {
            h.push((day, 6));
            day = day + Days::new(gap);
        }
        h.push((day, 6));
        let f = forecast(&h).unwrap();
        let margin = (f.at_risk_after - f.expected_on).num_days();
        assert!(margin > 7, "{margin}");
    }

    #[test]
    fn backtest_of_a_regular_history_has_no_error() {
        let b = backtest(&regular(7, &[6; 20]));
        assert_eq!(b.count, 17);
        assert_eq!(b.mean_abs_days(), Some(0.0));
        assert_eq!(b.median_abs_days(), Some(0.0));
        assert_eq!(b.share_within_2_days(), Some(1.0));
        assert_eq!(b.mean_abs_qty(), Some(0.0));
        assert_eq!(b.share_after_risk(), Some(0.0));
        assert_eq!(backtest(&regular(7, &[6; 3])).mean_abs_days(), None);
    }

    #[test]
    fn backtests_merge() {
        // A weekly client late by 3 days once, then back on rhythm.
        let mut h = regular(7, &[6; 6]);
        let late = after(&h, 10);
        h.push((late, 6));
        let a = backtest(&h);
        assert_eq!(a.count, 4);
        assert_eq!(a.abs_days_sum, 3);
        assert_eq!(a.late_days_sum, 3);
        assert_eq!(a.within_2_days, 3);
        assert_eq!(a.median_abs_days(), Some(0.0));

        let mut all = Backtest::default();
        all.merge(&a);
        all.merge(&backtest(&regular(7, &[6; 20])));
        assert_eq!(all.count, 21);
        assert_eq!(all.abs_days_sum, 3);
        assert_eq!(all.within_2_days, 20);
        assert_eq!(all.abs_days_histogram, vec![20, 0, 0, 1]);
        assert_eq!(all.mean_abs_days(), Some(3.0 / 21.0));
    }

    #[test]
    fn median_of_the_histogram() {
        let mut b = Backtest::default();
        let f = forecast(&regular(7, &[6; 4])).unwrap();
        for late in [0, 1, 4, 9] {
            b.record(&f, f.expected_on + Days::new(late), 6);
        }
        assert_eq!(b.median_abs_days(), Some(2.5));
        b.record(&f, f.expected_on + Days::new(1000), 6);
        assert_eq!(b.median_abs_days(), Some(4.0));
        assert_eq!(b.abs_days_histogram.len(), MAX_GAP_DAYS as usize + 1);
    }

    #[test]
    fn far_dates_do_not_panic() {
        let h = [
            (NaiveDate::MAX - Days::new(20), 1000),
            (NaiveDate::MAX - Days::new(10), 1),
            (NaiveDate::MAX - Days::new(9), 1),
        ];
        assert_eq!(forecast(&h), None);
        let h = [
            (NaiveDate::MIN, u32::MAX),
            (NaiveDate::MIN + Days::new(1), u32::MAX),
            (NaiveDate::MIN + Days::new(2), u32::MAX),
        ];
        let f = forecast(&h).unwrap();
        assert_eq!(f.expected_qty, u32::MAX);
    }
}
