//! The Money tab (issue 20, item 6), one report at a time: receivables by
//! client and age with the clients' advances, payments received by day and
//! method, documents issued per month and kind, and the invoices not wholly
//! paid, and the fiscal receipts not registered (issue 20, item 5, with
//! "Повторить"). Each is a table with its totals; the tab's CSV and Excel
//! buttons download the report shown.

use rodnik_shared::api::{
    DocumentsReport, PaymentsReport, PaymentsRow, Receipt, Receivables, UnpaidInvoices,
};
use yew::prelude::*;

use super::format::month_label;
use super::table::{Cell, Column, ReportTable, Row};
use crate::i18n::account::method_label;
use crate::i18n::documents::kind_label;
use crate::i18n::money::texts;
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub enum MoneyData {
    Receivables(Receivables),
    Payments(PaymentsReport),
    Documents(DocumentsReport),
    Unpaid(UnpaidInvoices),
    Receipts(Vec<Receipt>),
}

#[derive(Properties, PartialEq)]
pub struct MoneyProps {
    pub lang: Lang,
    pub data: MoneyData,
    /// The receipts' status filter (`""`: not registered) and its change.
    #[prop_or_default]
    pub status: AttrValue,
    #[prop_or_default]
    pub on_status: Callback<String>,
}

#[function_component]
pub fn MoneyView(p: &MoneyProps) -> Html {
    match &p.data {
        MoneyData::Receivables(r) => receivables(p.lang, r),
        MoneyData::Payments(r) => payments(p.lang, r),
        MoneyData::Documents(r) => documents(p.lang, r),
        MoneyData::Unpaid(r) => unpaid(p.lang, r),
        MoneyData::Receipts(r) => html! {
            <crate::components::receipts::ReceiptsReport lang={p.lang} receipts={r.clone()}
                status={p.status.clone()} on_status={p.on_status.clone()} />
        },
    }
}

fn figure(id: &'static str, label: &str, value: String) -> Html {
    html! {
        <div class="figure" id={id}>
            <span class="label">{ label.to_string() }</span>
            <b>{ value }</b>
        </div>
    }
}

fn receivables(lang: Lang, r: &Receivables) -> Html {
    let t = texts(lang);
    let money = |k: rodnik_shared::Money| crate::money::text(lang, k);
    let columns = vec![
        Column::text("client", t.c_client),
        Column::num("balance", t.c_balance),
        Column::num("age_30", t.c_ages[0]),
        Column::num("age_60", t.c_ages[1]),
        Column::num("age_90", t.c_ages[2]),
        Column::num("age_over", t.c_ages[3]),
        Column::num("overdue", t.c_overdue),
        Column::text("since", t.c_since),
    ];
    let since = |d: &Option<String>| d.clone().map(Cell::Date).unwrap_or(Cell::Empty);
    let rows: Vec<Row> = r
        .rows
        .iter()
        .map(|x| Row {
            key: x.client_id.clone(),
            cells: vec![
                Cell::Text(x.name.clone()),
                Cell::Money(x.balance.0),
                Cell::Money(x.ages[0].0),
                Cell::Money(x.ages[1].0),
                Cell::Money(x.ages[2].0),
                Cell::Money(x.ages[3].0),
                Cell::Money(x.overdue.0),
                since(&x.debt_since),
            ],
        })
        .collect();
    let totals = vec![
        Cell::Text(t.total.to_string()),
        Cell::Money(r.balance.0),
        Cell::Money(r.ages[0].0),
        Cell::Money(r.ages[1].0),
        Cell::Money(r.ages[2].0),
        Cell::Money(r.ages[3].0),
        Cell::Money(r.overdue.0),
        Cell::Empty,
    ];
    html! {
        <div class="money-report" id="money-receivables">
            <div class="figures" id="receivables-figures" data-balance={r.balance.0.to_string()}
                data-overdue={r.overdue.0.to_string()} data-advances={r.advances.0.to_string()}>
                { figure("receivables-as-of", t.as_of, super::format::date(lang, &r.as_of)) }
                { figure("receivables-balance", t.c_balance, money(r.balance)) }
                { figure("receivables-overdue", t.c_overdue, money(r.overdue)) }
                { figure("receivables-advances", t.advances, money(r.advances)) }
            </div>
            <ReportTable id="receivables-table" {lang} {columns} {rows} totals={Some(totals)} empty={t.nothing} />
        </div>
    }
}

fn payment_rows(lang: Lang, list: &[PaymentsRow], with_day: bool) -> Vec<Row> {
    list.iter()
        .map(|x| {
            let mut cells = vec![];
            if with_day {
                cells.push(Cell::Date(x.day.clone()));
            }
            cells.push(Cell::Text(method_label(lang, x.method).to_string()));
            cells.push(Cell::Int(x.payments));
            cells.push(Cell::Money(x.amount.0));
            Row {
                key: if with_day {
                    format!("{}|{}", x.day, x.method.as_str())
                } else {
                    x.method.as_str().to_string()
                },
                cells,
            }
        })
        .collect()
}

fn payments(lang: Lang, r: &PaymentsReport) -> Html {
    let t = texts(lang);
    let count: i64 = r.by_method.iter().map(|x| x.payments).sum();
    let columns = vec![
        Column::text("day", t.c_day),
        Column::text("method", t.c_method),
        Column::num("payments", t.c_count),
        Column::num("amount", t.c_sum),
    ];
    let totals = vec![
        Cell::Text(t.total.to_string()),
        Cell::Empty,
        Cell::Int(count),
        Cell::Money(r.total.0),
    ];
    let method_columns = columns[1..].to_vec();
    let method_totals = totals[1..].to_vec();
    html! {
        <div class="money-report" id="money-payments" data-total={r.total.0.to_string()}>
            <ReportTable id="payments-table" {lang} {columns} rows={payment_rows(lang, &r.rows, true)}
                totals={Some(totals)} empty={t.nothing} />
            <h2>{ t.by_method }</h2>
            <ReportTable id="payments-methods-table" {lang} columns={method_columns}
                rows={payment_rows(lang, &r.by_method, false)} totals={Some(method_totals)} empty={t.nothing} />
        </div>
    }
}

fn documents(lang: Lang, r: &DocumentsReport) -> Html {
    let t = texts(lang);
    let columns = vec![
        Column::text("month", t.c_month),
        Column::text("kind", t.c_kind),
        Column::num("count", t.c_count),
        Column::num("total", t.c_total),
    ];
    let rows: Vec<Row> = r
        .rows
        .iter()
        .map(|x| Row {
            key: format!("{}|{}", x.month, x.kind.as_str()),
            cells: vec![
                Cell::Labelled {
                    sort: x.month.clone(),
                    label: month_label(lang, &x.month),
                },
                Cell::Text(kind_label(lang, x.kind).to_string()),
                Cell::Int(x.count),
                Cell::Money(x.total.0),
            ],
        })
        .collect();
    html! {
        <div class="money-report" id="money-documents">
            <ReportTable id="doc-report-table" {lang} {columns} {rows} empty={t.nothing} />
        </div>
    }
}

fn unpaid(lang: Lang, r: &UnpaidInvoices) -> Html {
    let t = texts(lang);
    let columns = vec![
        Column::text("number", t.c_number),
        Column::text("date", t.c_date),
        Column::text("client", t.c_client),
        Column::num("total", t.c_total),
        Column::num("paid", t.c_paid),
        Column::num("left", t.c_left),
        Column::text("due", t.c_due),
        Column::num("days_overdue", t.c_days_overdue),
    ];
    let rows: Vec<Row> = r
        .rows
        .iter()
        .map(|x| Row {
            key: x.id.clone(),
            cells: vec![
                Cell::Text(x.number.clone()),
                Cell::Date(x.date.clone()),
                Cell::Text(x.client_name.clone()),
                Cell::Money(x.total.0),
                Cell::Money(x.paid.0),
                Cell::Money(x.left.0),
                Cell::Date(x.due.clone()),
                Cell::Int(x.days_overdue),
            ],
        })
        .collect();
    let totals = vec![
        Cell::Text(t.total.to_string()),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(r.left.0),
        Cell::Empty,
        Cell::Empty,
    ];
    html! {
        <div class="money-report" id="money-unpaid" data-left={r.left.0.to_string()}>
            <ReportTable id="unpaid-table" {lang} {columns} {rows} totals={Some(totals)} empty={t.nothing} />
        </div>
    }
}
