//! Orders worked: the figures, the chart of orders by state per day (or
//! month), and the table by operator or by day.

use std::collections::HashMap;

use rodnik_shared::api::{DailyOrders, OrdersReport, StateCounts};
use rodnik_shared::OrderState;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::chart::{BarChart, Series};
use super::format::{bucket_of, buckets, day_label, int, month_label, parse};
use super::table::{Cell, Column, ReportTable, Row};
use crate::i18n::reports::texts;
use crate::i18n::{state_label, Lang};

const STATES: [OrderState; 4] = [
    OrderState::Delivered,
    OrderState::Delivery,
    OrderState::New,
    OrderState::Cancelled,
];

fn of(c: &StateCounts, s: OrderState) -> i64 {
    match s {
        OrderState::New => c.new,
        OrderState::Delivery => c.delivery,
        OrderState::Delivered => c.delivered,
        OrderState::Cancelled => c.cancelled,
    }
}

/// One series per state, orders per bucket.
pub fn state_series(daily: &DailyOrders, keys: &[String], by_day: bool, lang: Lang) -> Vec<Series> {
    let index: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    STATES
        .iter()
        .map(|s| {
            let mut values = vec![0; keys.len()];
            for x in &daily.rows {
                if let Some(i) = index.get(bucket_of(by_day, &x.date).as_str()) {
                    values[*i] += of(&x.counts, *s);
                }
            }
            Series {
                key: s.as_str().to_string(),
                name: state_label(lang, *s).to_string(),
                class: format!("st-{}", s.as_str()),
                values,
                summable: true,
            }
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct OrdersViewProps {
    pub lang: Lang,
    pub from: String,
    pub to: String,
    pub report: OrdersReport,
    pub daily: DailyOrders,
}

#[function_component]
pub fn OrdersView(p: &OrdersViewProps) -> Html {
    let t = texts(p.lang);
    let by_day = use_state(|| false);
    let onchange = {
        let by_day = by_day.clone();
        Callback::from(move |e: Event| {
            by_day.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "day")
        })
    };
    let (chart_by_day, list) = match (parse(&p.from), parse(&p.to)) {
        (Some(f), Some(to)) => buckets(f, to),
        _ => (true, vec![]),
    };
    let keys: Vec<String> = list.iter().map(|(k, _)| k.clone()).collect();
    let labels: Vec<String> = keys
        .iter()
        .map(|k| {
            if chart_by_day {
                day_label(p.lang, k)
            } else {
                month_label(p.lang, k)
            }
        })
        .collect();
    let series = state_series(&p.daily, &keys, chart_by_day, p.lang);
    let r = &p.report;
    let figures = [
        ("total", t.f_total, r.total),
        ("delivered", t.f_delivered, r.delivered),
        ("cancelled", t.f_cancelled, r.cancelled),
        ("open", t.f_open, r.open),
        ("failed_attempts", t.f_failed, r.failed_attempts),
    ];
    let (columns, rows, totals) = if *by_day {
        let mut columns = vec![Column::text("day", t.col_day)];
        columns.extend(
            STATES
                .iter()
                .map(|s| Column::num(s.as_str(), state_label(p.lang, *s))),
        );
        columns.push(Column::num("total", t.f_total));
        columns.push(Column::num("failed_attempts", t.f_failed));
        let counts = |c: &StateCounts| {
            let mut cells: Vec<Cell> = STATES.iter().map(|s| Cell::Int(of(c, *s))).collect();
            cells.push(Cell::Int(c.total()));
            cells.push(Cell::Int(c.failed_attempts));
            cells
        };
        let rows: Vec<Row> = p
            .daily
            .rows
            .iter()
            .map(|x| {
                let mut cells = vec![Cell::Date(x.date.clone())];
                cells.extend(counts(&x.counts));
                Row {
                    key: x.date.clone(),
                    cells,
                }
            })
            .collect();
        let mut totals = vec![Cell::Text(t.total.into())];
        totals.extend(counts(&p.daily.totals));
        (columns, rows, totals)
    } else {
        let columns = vec![
            Column::text("operator", t.col_operator),
            Column::num("created", t.col_created),
            Column::num("delivered", t.col_delivered),
        ];
        let rows: Vec<Row> = r
            .by_operator
            .iter()
            .map(|x| Row {
                key: x.user_id.clone(),
                cells: vec![
                    Cell::Text(x.name.clone()),
                    Cell::Int(x.created),
                    Cell::Int(x.delivered),
                ],
            })
            .collect();
        let totals = vec![
            Cell::Text(t.total.into()),
            Cell::Int(r.by_operator.iter().map(|x| x.created).sum()),
            Cell::Int(r.by_operator.iter().map(|x| x.delivered).sum()),
        ];
        (columns, rows, totals)
    };
    html! {
        <>
            <ul class="figures" id="orders-figures">
                { for figures.iter().map(|(key, label, n)| html! {
                    <li class={classes!("figure", *key)} data-figure={*key} data-value={n.to_string()}>
                        <b>{ int(*n) }</b><span>{ *label }</span>
                    </li>
                }) }
            </ul>
            <BarChart id="chart-states" title={if chart_by_day { t.chart_states_day } else { t.chart_states_month }}
                {keys} {labels} {series} stacked=true unit={t.orders_unit} />
            <div class="table-tools">
                <label>{ t.group_by }
                    <select id="orders-group" {onchange}>
                        <option value="operator" selected={!*by_day}>{ t.by_operator }</option>
                        <option value="day" selected={*by_day}>{ t.g_day }</option>
                    </select>
                </label>
                <span class="muted">{ t.sort_hint }</span>
            </div>
            <ReportTable id="orders-table" lang={p.lang} {columns} {rows} totals={Some(totals)} empty={t.empty} />
            <h3 class="report-sub">{ t.calls_title }</h3>
            { calls_table(r, p.lang) }
        </>
    }
}

/// The operators' calls per day: offered, answered, missed, called back,
/// mean talk time, orders per answered call.
fn calls_table(r: &rodnik_shared::api::OrdersReport, lang: Lang) -> Html {
    let t = texts(lang);
    let columns = vec![
        Column::text("day", t.col_day),
        Column::text("operator", t.col_operator),
        Column::num("offered", t.c_offered),
        Column::num("answered", t.c_answered),
        Column::num("missed", t.c_missed),
        Column::num("called_back", t.c_called_back),
        Column::text("talk", t.c_talk),
        Column::text("per_call", t.c_per_call),
    ];
    let rows: Vec<Row> = r
        .calls
        .iter()
        .map(|x| Row {
            key: format!("{}:{}", x.date, x.user_id.clone().unwrap_or_default()),
            cells: vec![
                Cell::Date(x.date.clone()),
                Cell::Text(x.name.clone()),
                Cell::Int(x.offered),
                Cell::Int(x.answered),
                Cell::Int(x.missed),
                Cell::Int(x.called_back),
                Cell::Text(crate::state::history::talk_time(x.avg_talk_seconds)),
                Cell::Text(super::format::ratio(lang, x.orders_per_answered)),
            ],
        })
        .collect();
    let sum =
        |f: fn(&rodnik_shared::api::OperatorCalls) -> i64| Cell::Int(r.calls.iter().map(f).sum());
    let totals = vec![
        Cell::Text(t.total.into()),
        Cell::Text(String::new()),
        sum(|x| x.offered),
        sum(|x| x.answered),
        sum(|x| x.missed),
        sum(|x| x.called_back),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
    ];
    html! {
        <ReportTable id="calls-table" {lang} {columns} {rows} totals={Some(totals)} empty={t.empty} />
    }
}
