//! The reconciliation act (акт сверки) of a client for any period, from
//! the account: the balance before the period, the period's sales by month
//! (named by the month's transfer document when one was issued), each
//! payment and refund, each correction, and the balance at its end.

use std::collections::BTreeMap;

use rodnik_shared::api::{AccountMoveKind, Document, ReconRow};
use rodnik_shared::Money;
use serde_json::Value;

use super::{date_short, month_name};

/// One account row as `Store::account_rows_until` reads it.
#[derive(Debug, Clone)]
pub struct Row {
    pub day: String,
    pub kind: AccountMoveKind,
    pub amount: Money,
    pub reference: Option<String>,
    pub reason: Option<String>,
}

impl Row {
    pub fn from_value(v: &Value) -> Option<Row> {
        Some(Row {
            day: v.get("day")?.as_str()?.to_string(),
            kind: serde_json::from_value(v.get("kind")?.clone()).ok()?,
            amount: Money(v.get("amount")?.as_i64()?),
            reference: v
                .get("reference")
                .and_then(Value::as_str)
                .map(str::to_string),
            reason: v.get("reason").and_then(Value::as_str).map(str::to_string),
        })
    }
}

/// The opening balance, the rows and the closing balance of `[from, to]`;
/// `transfers` names the month's transfer document by month (YYYY-MM).
pub fn build(
    rows: &[Row],
    from: &str,
    to: &str,
    transfers: &BTreeMap<String, &Document>,
) -> (Money, Vec<ReconRow>, Money) {
    let mut opening = 0i64;
    // Sales by month: (last day seen, sum).
    let mut sales: BTreeMap<String, (String, i64)> = BTreeMap::new();
    let mut out = vec![];
    for r in rows {
        if r.day.as_str() < from {
            opening += r.amount.0;
            continue;
        }
        if r.day.as_str() > to {
            continue;
        }
        let sale = matches!(
            r.kind,
            AccountMoveKind::Delivery | AccountMoveKind::Rent | AccountMoveKind::Deposit
        ) && r.amount.0 > 0;
        if sale {
            let month = r.day.get(..7).unwrap_or_default().to_string();
            let e = sales.entry(month).or_insert((r.day.clone(), 0));
            if r.day > e.0 {
                e.0 = r.day.clone();
            }
            e.1 += r.amount.0;
            continue;
        }
        let text = match r.kind {
            AccountMoveKind::Payment if r.amount.0 < 0 => format!(
                "Оплата{}",
                r.reference
                    .as_deref()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default()
            ),
            AccountMoveKind::Payment => "Выплата наличными".to_string(),
            AccountMoveKind::Deposit => "Возврат залога".to_string(),
            AccountMoveKind::Opening => "Начальный остаток".to_string(),
            AccountMoveKind::Adjustment => format!(
                "Корректировка{}",
                r.reason
                    .as_deref()
                    .map(|x| format!(": {x}"))
                    .unwrap_or_default()
            ),
            AccountMoveKind::Delivery | AccountMoveKind::Rent => {
                "Корректировка реализации".to_string()
            }
        };
        out.push(ReconRow {
            day: r.day.clone(),
            text,
            debit: Money(r.amount.0.max(0)),
            credit: Money((-r.amount.0).max(0)),
        });
    }
    for (month, (last_day, sum)) in sales {
        let (day, text) = match transfers.get(&month) {
            Some(d) => (
                d.date.clone(),
                format!(
                    "Реализация ({} № {} от {})",
                    if d.kind == rodnik_shared::api::DocumentKind::Upd {
                        "УПД"
                    } else {
                        "акт"
                    },
                    d.number,
                    date_short(&d.date)
                ),
            ),
            None => {
                let (y, m) = month.split_once('-').unwrap_or(("2000", "1"));
                (
                    last_day,
                    format!(
                        "Реализация за {}",
                        month_name(y.parse().unwrap_or(2000), m.parse().unwrap_or(1))
                    ),
                )
            }
        };
        out.push(ReconRow {
            day,
            text,
            debit: Money(sum),
            credit: Money::ZERO,
        });
    }
    out.sort_by(|a, b| a.day.cmp(&b.day));
    let closing = opening + out.iter().map(|r| r.debit.0 - r.credit.0).sum::<i64>();
    (Money(opening), out, Money(closing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: &str, kind: AccountMoveKind, amount: i64) -> Row {
        Row {
            day: day.into(),
            kind,
            amount: Money(amount),
            reference: Some("п/п 5".into()),
            reason: None,
        }
    }

    #[test]
    fn sales_sum_by_month_and_payments_stand_alone() {
        let rows = vec![
            row("2026-09-20", AccountMoveKind::Delivery, 100_000),
            row("2026-10-02", AccountMoveKind::Delivery, 50_000),
            row("2026-10-15", AccountMoveKind::Delivery, 70_000),
            row("2026-10-20", AccountMoveKind::Payment, -100_000),
            row("2026-10-31", AccountMoveKind::Rent, 30_000),
            row("2026-11-03", AccountMoveKind::Delivery, 10_000),
            row("2026-12-01", AccountMoveKind::Delivery, 99_000),
        ];
        let (opening, rows, closing) = build(&rows, "2026-10-01", "2026-11-30", &BTreeMap::new());
        assert_eq!(opening, Money(100_000));
        let got: Vec<(&str, &str, i64, i64)> = rows
            .iter()
            .map(|r| (r.day.as_str(), r.text.as_str(), r.debit.0, r.credit.0))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-10-20", "Оплата (п/п 5)", 0, 100_000),
                ("2026-10-31", "Реализация за октябрь 2026", 150_000, 0),
                ("2026-11-03", "Реализация за ноябрь 2026", 10_000, 0),
            ]
        );
        // 1 000 + 1 500 + 100 - 1 000.
        assert_eq!(closing, Money(160_000));
    }
}
