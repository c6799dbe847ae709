//! The money reports (issue 20, item 6): receivables by client and age,
//! payments by day and method, documents issued per month, unpaid invoices;
//! as JSON, CSV and workbook sheets.

use chrono::NaiveDate;
use rodnik_shared::account::{aging, due_day, summarize};
use rodnik_shared::api::{
    DocumentsReport, DocumentsRow, PaymentMethod, PaymentsReport, PaymentsRow, ReceivableRow,
    Receivables, UnpaidInvoice, UnpaidInvoices,
};
use rodnik_shared::{ClientKind, Money};
use serde_json::Value;

use super::sheets::Lang;
use super::xlsx::{Cell, Sheet};
use crate::store::account::Owing;

pub fn receivables(owing: Vec<Owing>, advances: Money, today: NaiveDate) -> Receivables {
    let mut rows: Vec<ReceivableRow> = owing
        .into_iter()
        .map(|o| {
            let s = summarize(
                o.kind,
                o.contract.clone(),
                o.balance,
                o.credited,
                &o.unpaid,
                Money::ZERO,
                today,
            );
            ReceivableRow {
                ages: aging(&o.unpaid, o.credited, today),
                client_id: o.id,
                name: o.name,
                kind: o.kind,
                balance: o.balance,
                overdue: s.overdue,
                debt_since: s.debt_since,
                payment_days: o.contract.as_ref().map(|c| c.payment_days),
                credit_limit: o.contract.and_then(|c| c.credit_limit),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.balance.cmp(&a.balance).then(a.name.cmp(&b.name)));
    let mut ages = [Money::ZERO; 4];
    for r in &rows {
        for (t, a) in ages.iter_mut().zip(r.ages) {
            *t = *t + a;
        }
    }
    Receivables {
        as_of: today.to_string(),
        balance: rows.iter().map(|r| r.balance).sum(),
        overdue: rows.iter().map(|r| r.overdue).sum(),
        ages,
        advances,
        rows,
    }
}

fn method_of(v: &Value) -> Option<PaymentMethod> {
    serde_json::from_value(v.get("method")?.clone()).ok()
}

pub fn payments(from: &str, to: &str, rows: &[Value]) -> PaymentsReport {
    let mut out: Vec<PaymentsRow> = rows
        .iter()
        .filter_map(|r| {
            Some(PaymentsRow {
                day: r.get("day")?.as_str()?.to_string(),
                method: method_of(r)?,
                payments: r.get("n").and_then(Value::as_i64).unwrap_or(0),
                amount: Money(-r.get("amount").and_then(Value::as_i64).unwrap_or(0)),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.day, a.method.as_str()).cmp(&(&b.day, b.method.as_str())));
    let mut by_method: Vec<PaymentsRow> = vec![];
    for r in &out {
        match by_method.iter_mut().find(|m| m.method == r.method) {
            Some(m) => {
                m.payments += r.payments;
                m.amount = m.amount + r.amount;
            }
            None => by_method.push(PaymentsRow {
                day: String::new(),
                ..r.clone()
            }),
        }
    }
    by_method.sort_by(|a, b| b.amount.cmp(&a.amount));
    PaymentsReport {
        from: from.to_string(),
        to: to.to_string(),
        total: out.iter().map(|r| r.amount).sum(),
        rows: out,
        by_method,
    }
}

pub fn documents(from: &str, to: &str, rows: &[Value]) -> DocumentsReport {
    let mut out: Vec<DocumentsRow> = rows
        .iter()
        .filter_map(|r| {
            Some(DocumentsRow {
                month: r.get("month")?.as_str()?.to_string(),
                kind: serde_json::from_value(r.get("kind")?.clone()).ok()?,
                count: r.get("n").and_then(Value::as_i64).unwrap_or(0),
                total: Money(r.get("total").and_then(Value::as_i64).unwrap_or(0)),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.month, a.kind.as_str()).cmp(&(&b.month, b.kind.as_str())));
    DocumentsReport {
        from: from.to_string(),
        to: to.to_string(),
        rows: out,
    }
}

/// Unpaid invoices with their due day under the client's contract.
pub fn unpaid(
    invoices: Vec<(String, String, String, Money, Money, String)>,
    terms: &std::collections::HashMap<String, (String, Option<rodnik_shared::api::Contract>)>,
    today: NaiveDate,
) -> UnpaidInvoices {
    let mut rows: Vec<UnpaidInvoice> = invoices
        .into_iter()
        .map(|(id, client_id, number, total, paid, date)| {
            let (name, contract) = terms.get(&client_id).cloned().unwrap_or_default();
            let days = contract.as_ref().map_or(0, |c| c.payment_days);
            let issued = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap_or(today);
            // The invoice is dated the month's last day: its deferment runs from then.
            let due = due_day(ClientKind::Individual, days, issued);
            UnpaidInvoice {
                id,
                number,
                date,
                client_id,
                client_name: name,
                total,
                paid,
                left: Money(total.0 - paid.0),
                due: due.to_string(),
                days_overdue: (today - due).num_days().max(0),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.date.cmp(&b.date))
    });
    UnpaidInvoices {
        as_of: today.to_string(),
        left: rows.iter().map(|r| r.left).sum(),
        rows,
    }
}

fn pick(l: Lang, en: &'static str, ru: &'static str) -> &'static str {
    if l == Lang::Ru {
        ru
    } else {
        en
    }
}

fn kind_cell(l: Lang, k: ClientKind) -> Cell {
    Cell::text(match (l, k) {
        (Lang::Ru, ClientKind::Legal) => "юрлицо",
        (Lang::Ru, _) => "физлицо",
        (_, k) => k.as_str(),
    })
}

pub fn receivables_csv(r: &Receivables) -> String {
    super::write_csv(
        &[
            "client_id",
            "name",
            "kind",
            "balance",
            "days_0_30",
            "days_31_60",
            "days_61_90",
            "days_over_90",
            "overdue",
            "debt_since",
        ],
        r.rows.iter().map(|x| {
            (
                &x.client_id,
                super::cell(&x.name),
                x.kind.as_str(),
                x.balance.0,
                x.ages[0].0,
                x.ages[1].0,
                x.ages[2].0,
                x.ages[3].0,
                x.overdue.0,
                x.debt_since.as_deref().unwrap_or(""),
            )
        }),
    )
}

pub fn receivables_sheets(r: &Receivables, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: pick(l, "Receivables", "Дебиторка"),
        headers: vec![
            pick(l, "Client", "Клиент"),
            pick(l, "Kind", "Тип"),
            pick(l, "Owes", "Долг"),
            pick(l, "0-30 days", "0-30 дней"),
            pick(l, "31-60 days", "31-60 дней"),
            pick(l, "61-90 days", "61-90 дней"),
            pick(l, "Over 90 days", "Более 90 дней"),
            pick(l, "Overdue", "Просрочено"),
            pick(l, "Owes since", "Долг с"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::text(&x.name),
                    kind_cell(l, x.kind),
                    Cell::Money(x.balance.0),
                    Cell::Money(x.ages[0].0),
                    Cell::Money(x.ages[1].0),
                    Cell::Money(x.ages[2].0),
                    Cell::Money(x.ages[3].0),
                    Cell::Money(x.overdue.0),
                    x.debt_since.clone().map(Cell::Date).unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
        totals: Some(vec![
            Cell::text(pick(l, "Total", "Итого")),
            Cell::Empty,
            Cell::Money(r.balance.0),
            Cell::Money(r.ages[0].0),
            Cell::Money(r.ages[1].0),
            Cell::Money(r.ages[2].0),
            Cell::Money(r.ages[3].0),
            Cell::Money(r.overdue.0),
            Cell::Empty,
        ]),
        after: vec![vec![
            Cell::text(pick(l, "Paid in advance", "Авансы клиентов")),
            Cell::Empty,
            Cell::Money(r.advances.0),
        ]],
    }]
}

pub fn payments_csv(r: &PaymentsReport) -> String {
    super::write_csv(
        &["day", "method", "payments", "amount"],
        r.rows
            .iter()
            .map(|x| (&x.day, x.method.as_str(), x.payments, x.amount.0)),
    )
}

fn method_label(l: Lang, m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::Cash => pick(l, "cash", "наличные"),
        PaymentMethod::Card => pick(l, "card", "карта"),
        PaymentMethod::Sbp => pick(l, "SBP", "СБП"),
        PaymentMethod::Bank => pick(l, "bank transfer", "безналичные"),
    }
}

pub fn payments_sheets(r: &PaymentsReport, l: Lang) -> Vec<Sheet> {
    let row = |x: &PaymentsRow, day: bool| {
        let mut v = vec![];
        if day {
            v.push(Cell::Date(x.day.clone()));
        }
        v.push(Cell::text(method_label(l, x.method)));
        v.push(Cell::Int(x.payments));
        v.push(Cell::Money(x.amount.0));
        v
    };
    vec![
        Sheet {
            name: pick(l, "Payments by day", "Оплаты по дням"),
            headers: vec![
                pick(l, "Day", "День"),
                pick(l, "Method", "Способ"),
                pick(l, "Payments", "Оплат"),
                pick(l, "Amount", "Сумма"),
            ],
            rows: r.rows.iter().map(|x| row(x, true)).collect(),
            totals: Some(vec![
                Cell::text(pick(l, "Total", "Итого")),
                Cell::Empty,
                Cell::Int(r.rows.iter().map(|x| x.payments).sum()),
                Cell::Money(r.total.0),
            ]),
            after: vec![],
        },
        Sheet {
            name: pick(l, "By method", "По способам"),
            headers: vec![
                pick(l, "Method", "Способ"),
                pick(l, "Payments", "Оплат"),
                pick(l, "Amount", "Сумма"),
            ],
            rows: r.by_method.iter().map(|x| row(x, false)).collect(),
            totals: None,
            after: vec![],
        },
    ]
}

pub fn documents_csv(r: &DocumentsReport) -> String {
    super::write_csv(
        &["month", "kind", "count", "total"],
        r.rows
            .iter()
            .map(|x| (&x.month, x.kind.as_str(), x.count, x.total.0)),
    )
}

pub fn documents_sheets(r: &DocumentsReport, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: pick(l, "Documents", "Документы"),
        headers: vec![
            pick(l, "Month", "Месяц"),
            pick(l, "Kind", "Вид"),
            pick(l, "Issued", "Выписано"),
            pick(l, "Total", "Сумма"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::Month(x.month.clone()),
                    Cell::text(if l == Lang::Ru {
                        x.kind.title_ru()
                    } else {
                        x.kind.as_str()
                    }),
                    Cell::Int(x.count),
                    Cell::Money(x.total.0),
                ]
            })
            .collect(),
        totals: None,
        after: vec![],
    }]
}

pub fn unpaid_csv(r: &UnpaidInvoices) -> String {
    super::write_csv(
        &[
            "number",
            "date",
            "client_id",
            "client",
            "total",
            "paid",
            "left",
            "due",
            "days_overdue",
        ],
        r.rows.iter().map(|x| {
            (
                &x.number,
                &x.date,
                &x.client_id,
                super::cell(&x.client_name),
                x.total.0,
                x.paid.0,
                x.left.0,
                &x.due,
                x.days_overdue,
            )
        }),
    )
}

pub fn unpaid_sheets(r: &UnpaidInvoices, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: pick(l, "Unpaid invoices", "Неоплаченные счета"),
        headers: vec![
            pick(l, "Invoice", "Счёт"),
            pick(l, "Date", "Дата"),
            pick(l, "Client", "Клиент"),
            pick(l, "Total", "Сумма"),
            pick(l, "Paid", "Оплачено"),
            pick(l, "Left", "Остаток"),
            pick(l, "Due", "Срок оплаты"),
            pick(l, "Days overdue", "Дней просрочки"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::text(&x.number),
                    Cell::Date(x.date.clone()),
                    Cell::text(&x.client_name),
                    Cell::Money(x.total.0),
                    Cell::Money(x.paid.0),
                    Cell::Money(x.left.0),
                    Cell::Date(x.due.clone()),
                    Cell::Int(x.days_overdue),
                ]
            })
            .collect(),
        totals: Some(vec![
            Cell::text(pick(l, "Total", "Итого")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(r.left.0),
            Cell::Empty,
            Cell::Empty,
        ]),
        after: vec![],
    }]
}

/// Receipts (`GET /api/reports/receipts`): by default those the fiscal
/// service has not registered (pending, wait, failed), oldest first.
pub fn receipts_csv(r: &Vec<rodnik_shared::api::Receipt>) -> String {
    super::write_csv(
        &[
            "day",
            "order_number",
            "client_id",
            "client",
            "kind",
            "status",
            "total",
            "cash",
            "electronic",
            "credit",
            "attempts",
            "error_code",
            "error",
            "fiscal_document_number",
            "fiscal_document_attribute",
        ],
        r.iter().map(|x| {
            (
                &x.day,
                x.order_number,
                &x.client_id,
                super::cell(&x.client_name),
                x.kind.as_str(),
                x.status.as_str(),
                x.total.0,
                x.cash.0,
                x.electronic.0,
                x.credit.0,
                x.attempts,
                x.error.as_ref().and_then(|e| e.code),
                super::cell(x.error.as_ref().map_or("", |e| e.text.as_str())).into_owned(),
                x.fiscal.as_ref().map(|f| f.fiscal_document_number),
                x.fiscal.as_ref().map(|f| f.fiscal_document_attribute),
            )
        }),
    )
}

pub fn receipts_sheets(r: &Vec<rodnik_shared::api::Receipt>, l: Lang) -> Vec<Sheet> {
    use rodnik_shared::api::{ReceiptKind, ReceiptStatus};
    let kind = |k: ReceiptKind| match k {
        ReceiptKind::Sell => pick(l, "Sale", "Приход"),
        ReceiptKind::SellRefund => pick(l, "Refund", "Возврат прихода"),
    };
    let status = |s: ReceiptStatus| match s {
        ReceiptStatus::Pending => pick(l, "Not sent", "Не отправлен"),
        ReceiptStatus::Wait => pick(l, "At the register", "В кассе"),
        ReceiptStatus::Done => pick(l, "Registered", "Пробит"),
        ReceiptStatus::Failed => pick(l, "Refused", "Отклонён"),
    };
    vec![Sheet {
        name: pick(l, "Receipts", "Чеки"),
        headers: vec![
            pick(l, "Day", "День"),
            pick(l, "Order", "Заказ"),
            pick(l, "Client", "Клиент"),
            pick(l, "Receipt", "Чек"),
            pick(l, "Status", "Статус"),
            pick(l, "Total", "Сумма"),
            pick(l, "Cash", "Наличные"),
            pick(l, "Card, SBP", "Карта, СБП"),
            pick(l, "On credit", "В долг"),
            pick(l, "Tries", "Попыток"),
            pick(l, "Error", "Ошибка"),
            pick(l, "FD", "ФД"),
        ],
        rows: r
            .iter()
            .map(|x| {
                vec![
                    Cell::Date(x.day.clone()),
                    Cell::Int(x.order_number),
                    Cell::text(&x.client_name),
                    Cell::text(kind(x.kind)),
                    Cell::text(status(x.status)),
                    Cell::Money(x.total.0),
                    Cell::Money(x.cash.0),
                    Cell::Money(x.electronic.0),
                    Cell::Money(x.credit.0),
                    Cell::Int(x.attempts),
                    x.error
                        .as_ref()
                        .map_or(Cell::Empty, |e| Cell::text(&e.text)),
                    x.fiscal
                        .as_ref()
                        .map_or(Cell::Empty, |f| Cell::Int(f.fiscal_document_number)),
                ]
            })
            .collect(),
        totals: Some(vec![
            Cell::text(pick(l, "Total", "Итого")),
            Cell::Int(r.len() as i64),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(r.iter().map(|x| x.total.0).sum()),
            Cell::Money(r.iter().map(|x| x.cash.0).sum()),
            Cell::Money(r.iter().map(|x| x.electronic.0).sum()),
            Cell::Money(r.iter().map(|x| x.credit.0).sum()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]),
        after: vec![],
    }]
}
