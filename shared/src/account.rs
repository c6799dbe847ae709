//! The client account's rules (issue 20), for the server and the web app:
//! when a charge falls due, what is owed and overdue (payments settle the
//! oldest charges first), and when a new order needs a manager's allowance.

use chrono::{Datelike, Days, NaiveDate};

use crate::api::{AccountSummary, Contract, CreditHold};
use crate::values::{ClientKind, Money};

/// A charge not yet wholly paid: its day, its amount and the client's
/// charges summed up to and including it (`cum`). Payments and refunds
/// summed (`credited`) settle every charge whose `cum` they reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpaid {
    pub day: String,
    pub amount: Money,
    pub cum: Money,
}

/// The last day of `day`'s month.
pub fn month_end(day: NaiveDate) -> NaiveDate {
    let (y, m) = match day.month() {
        12 => (day.year() + 1, 1),
        m => (day.year(), m + 1),
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

/// The day a charge of `day` must be paid by. Legal clients are billed by
/// the month's transfer document, dated the month's last day, and have the
/// contract's days of deferment after it; individuals pay on the day, or
/// within their contract's days.
pub fn due_day(kind: ClientKind, payment_days: u32, day: NaiveDate) -> NaiveDate {
    let from = match kind {
        ClientKind::Legal => month_end(day),
        ClientKind::Individual => day,
    };
    from.checked_add_days(Days::new(u64::from(payment_days)))
        .unwrap_or(from)
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Where the account stands on `today`: `unpaid` are the charges with `cum`
/// above `credited`, oldest first (by `cum`); `open_orders` what open orders
/// will add.
pub fn summarize(
    kind: ClientKind,
    contract: Option<Contract>,
    balance: Money,
    credited: Money,
    unpaid: &[Unpaid],
    open_orders: Money,
    today: NaiveDate,
) -> AccountSummary {
    let payment_days = contract.as_ref().map_or(0, |c| c.payment_days);
    let mut debt_since: Option<NaiveDate> = None;
    let mut overdue = 0i64;
    let mut oldest_due: Option<NaiveDate> = None;
    if balance.0 > 0 {
        for u in unpaid {
            // What of this charge is still owed: the first may be part-paid.
            let left = (u.cum.0 - credited.0).min(u.amount.0);
            let Some(day) = parse_day(&u.day) else {
                continue;
            };
            if left <= 0 {
                continue;
            }
            debt_since = Some(debt_since.map_or(day, |d| d.min(day)));
            let due = due_day(kind, payment_days, day);
            if due < today {
                overdue += left;
                oldest_due = Some(oldest_due.map_or(due, |d| d.min(due)));
            }
        }
    }
    let days = |d: Option<NaiveDate>| d.map_or(0, |d| (today - d).num_days().max(0));
    let mut s = AccountSummary {
        balance,
        debt_since: debt_since.map(|d| d.to_string()),
        debt_days: days(debt_since),
        overdue: Money(overdue.min(balance.0.max(0))),
        overdue_days: days(oldest_due),
        open_orders,
        contract,
        hold: None,
    };
    s.hold = hold(&s, kind, Money::ZERO, today);
    s
}

/// Whether an order adding `extra` (its total with deposits) needs a
/// manager's allowance: a legal client with a contract who is overdue, or
/// whose balance with the open orders and this one would pass the limit,
/// unless a manager allowed it up to `today` or later.
pub fn hold(
    s: &AccountSummary,
    kind: ClientKind,
    extra: Money,
    today: NaiveDate,
) -> Option<CreditHold> {
    let c = s.contract.as_ref()?;
    if kind != ClientKind::Legal {
        return None;
    }
    if c.allowed_until
        .as_deref()
        .and_then(parse_day)
        .is_some_and(|until| until >= today)
    {
        return None;
    }
    if s.overdue.0 > 0 {
        return Some(CreditHold::Overdue);
    }
    match c.credit_limit {
        Some(limit) if s.balance.0 + s.open_orders.0 + extra.0 > limit.0 => {
            Some(CreditHold::OverLimit)
        }
        _ => None,
    }
}

/// What is owed by the age of its charges (days from the charge's day to
/// `today`): 0-30, 31-60, 61-90, over 90.
pub fn aging(unpaid: &[Unpaid], credited: Money, today: NaiveDate) -> [Money; 4] {
    let mut out = [Money::ZERO; 4];
    for u in unpaid {
        let left = (u.cum.0 - credited.0).min(u.amount.0);
        let Some(day) = parse_day(&u.day) else {
            continue;
        };
        if left <= 0 {
            continue;
        }
        let i = match (today - day).num_days() {
            ..=30 => 0,
            31..=60 => 1,
            61..=90 => 2,
            _ => 3,
        };
        out[i] = out[i] + Money(left);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_day(s).expect("a day")
    }

    fn contract(days: u32, limit: Option<i64>) -> Contract {
        Contract {
            number: "17/2026".into(),
            date: "2026-01-10".into(),
            payment_days: days,
            credit_limit: limit.map(Money),
            allowed_until: None,
            allowed_by: None,
        }
    }

    fn unpaid(rows: &[(&str, i64)]) -> Vec<Unpaid> {
        let mut cum = 0;
        rows.iter()
            .map(|(day, amount)| {
                cum += amount;
                Unpaid {
                    day: day.to_string(),
                    amount: Money(*amount),
                    cum: Money(cum),
                }
            })
            .collect()
    }

    #[test]
    fn a_legal_charge_is_due_after_the_month_end_and_the_deferment() {
        assert_eq!(month_end(d("2026-02-03")), d("2026-02-28"));
        assert_eq!(month_end(d("2026-12-31")), d("2026-12-31"));
        assert_eq!(
            due_day(ClientKind::Legal, 10, d("2026-11-05")),
            d("2026-12-10")
        );
        assert_eq!(
            due_day(ClientKind::Individual, 0, d("2026-11-05")),
            d("2026-11-05")
        );
    }

    #[test]
    fn payments_settle_the_oldest_charges_first() {
        // Charged 5 000 on Oct 20, 7 400 on Nov 3 and 3 000 on Dec 2;
        // paid 3 000: 2 000 of October's is left, owed since Oct 20.
        let rows = unpaid(&[
            ("2026-10-20", 500_000),
            ("2026-11-03", 740_000),
            ("2026-12-02", 300_000),
        ]);
        let s = summarize(
            ClientKind::Legal,
            Some(contract(10, Some(2_000_000))),
            Money(1_240_000),
            Money(300_000),
            &rows,
            Money(0),
            d("2026-12-04"),
        );
        assert_eq!(s.debt_since.as_deref(), Some("2026-10-20"));
        assert_eq!(s.debt_days, 45);
        // October's rest was due Nov 10; November's falls due Dec 10.
        assert_eq!(s.overdue, Money(200_000));
        assert_eq!(s.overdue_days, 24);
        assert_eq!(s.hold, Some(CreditHold::Overdue));
        // By age: October's 2 000 is 45 days old, November's 7 400 31, December's 3 000 2.
        assert_eq!(
            aging(&rows, Money(300_000), d("2026-12-04")),
            [Money(300_000), Money(940_000), Money(0), Money(0)]
        );
    }

    #[test]
    fn the_limit_counts_open_orders_and_the_new_one() {
        let rows = unpaid(&[("2026-12-01", 900_000)]);
        let s = summarize(
            ClientKind::Legal,
            Some(contract(15, Some(1_000_000))),
            Money(900_000),
            Money(0),
            &rows,
            Money(50_000),
            d("2026-12-04"),
        );
        assert_eq!((s.overdue, s.hold), (Money(0), None));
        assert_eq!(
            hold(&s, ClientKind::Legal, Money(50_000), d("2026-12-04")),
            None
        );
        assert_eq!(
            hold(&s, ClientKind::Legal, Money(50_001), d("2026-12-04")),
            Some(CreditHold::OverLimit)
        );
        // A manager's allowance lasts to its day, inclusive.
        let mut allowed = s.clone();
        if let Some(c) = allowed.contract.as_mut() {
            c.allowed_until = Some("2026-12-04".into());
        }
        assert_eq!(
            hold(
                &allowed,
                ClientKind::Legal,
                Money(99_999_999),
                d("2026-12-04")
            ),
            None
        );
        assert_eq!(
            hold(
                &allowed,
                ClientKind::Legal,
                Money(99_999_999),
                d("2026-12-05")
            ),
            Some(CreditHold::OverLimit)
        );
    }

    #[test]
    fn no_contract_or_an_individual_is_never_held_and_an_advance_owes_nothing() {
        let rows = unpaid(&[("2026-09-01", 100_000)]);
        let s = summarize(
            ClientKind::Legal,
            None,
            Money(100_000),
            Money(0),
            &rows,
            Money(0),
            d("2026-12-04"),
        );
        assert_eq!(s.overdue, Money(100_000));
        assert_eq!(s.hold, None);
        let i = summarize(
            ClientKind::Individual,
            Some(contract(0, Some(1))),
            Money(100_000),
            Money(0),
            &rows,
            Money(0),
            d("2026-12-04"),
        );
        assert_eq!((i.debt_days, i.hold), (94, None));
        let advance = summarize(
            ClientKind::Legal,
            None,
            Money(-5_000),
            Money(5_000),
            &[],
            Money(0),
            d("2026-12-04"),
        );
        assert_eq!((advance.debt_since, advance.overdue), (None, Money(0)));
    }
}
