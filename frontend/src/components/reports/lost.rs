//! Lost clients: the chart of clients lost and won back per month, the list
//! (or the months as a table), and the one click that makes a call list of
//! them for the operators.

use rodnik_shared::api::{CreateCallList, LostClientsReport, LostMonthly};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use super::chart::{BarChart, Series};
use super::format::{month_label, parse};
use super::table::{Cell, Column, ReportTable, Row};
use crate::app::Route;
use crate::i18n::reports::{call_list_name, make_call_list, texts};
use crate::i18n::{kind_label, Lang};
use crate::state::use_app;

pub fn monthly_series(m: &LostMonthly, t: &crate::i18n::reports::ReportsTexts) -> Vec<Series> {
    let pick = |f: fn(&rodnik_shared::api::LostMonth) -> i64| m.rows.iter().map(f).collect();
    vec![
        Series {
            key: "lost".into(),
            name: t.col_lost.into(),
            class: "lost".into(),
            values: pick(|x| x.lost),
            summable: true,
        },
        Series {
            key: "won_back".into(),
            name: t.col_won_back.into(),
            class: "won".into(),
            values: pick(|x| x.won_back),
            summable: true,
        },
        Series {
            key: "lost_at_end".into(),
            name: t.col_lost_at_end.into(),
            class: "gone".into(),
            values: pick(|x| x.lost_at_end),
            summable: false,
        },
    ]
}

#[derive(Properties, PartialEq)]
pub struct LostViewProps {
    pub lang: Lang,
    pub as_of: String,
    pub months: u32,
    pub report: LostClientsReport,
    pub monthly: LostMonthly,
    pub on_params: Callback<(String, u32)>,
}

#[function_component]
pub fn LostView(p: &LostViewProps) -> Html {
    let app = use_app();
    let t = texts(p.lang);
    let by_month = use_state(|| false);
    let made = use_state(|| None::<Result<(String, String), String>>);
    let busy = use_state(|| false);
    let on_as_of = {
        let (cb, months) = (p.on_params.clone(), p.months);
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if parse(&v).is_some() {
                cb.emit((v, months));
            }
        })
    };
    let on_months = {
        let (cb, as_of) = (p.on_params.clone(), p.as_of.clone());
        Callback::from(move |e: Event| {
            if let Ok(m) = e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
            {
                cb.emit((as_of.clone(), m));
            }
        })
    };
    let on_group = {
        let by_month = by_month.clone();
        Callback::from(move |e: Event| {
            by_month.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "month")
        })
    };
    let ids: Vec<String> = p.report.rows.iter().map(|r| r.client_id.clone()).collect();
    // Other clients on screen: the banner of the last list no longer applies.
    {
        let made = made.clone();
        use_effect_with(ids.clone(), move |_| made.set(None));
    }
    let make = {
        let (made, busy, token) = (
            made.clone(),
            busy.clone(),
            app.token().unwrap_or_default().to_string(),
        );
        let req = CreateCallList {
            name: call_list_name(p.lang, &p.as_of, p.months),
            client_ids: ids.clone(),
            note: None,
        };
        super::call_list::make_on_click(req, token, busy, made)
    };
    let keys: Vec<String> = p.monthly.rows.iter().map(|m| m.month.clone()).collect();
    let labels: Vec<String> = keys.iter().map(|k| month_label(p.lang, k)).collect();
    let series = monthly_series(&p.monthly, t);
    let (columns, rows, totals) = if *by_month {
        let columns = vec![
            Column::text("month", t.col_month),
            Column::num("lost", t.col_lost),
            Column::num("won_back", t.col_won_back),
            Column::num("lost_at_end", t.col_lost_at_end),
        ];
        let rows: Vec<Row> = p
            .monthly
            .rows
            .iter()
            .map(|m| Row {
                key: m.month.clone(),
                cells: vec![
                    Cell::Labelled {
                        sort: m.month.clone(),
                        label: month_label(p.lang, &m.month),
                    },
                    Cell::Int(m.lost),
                    Cell::Int(m.won_back),
                    Cell::Int(m.lost_at_end),
                ],
            })
            .collect();
        let totals = vec![
            Cell::Text(t.total.into()),
            Cell::Int(p.monthly.rows.iter().map(|m| m.lost).sum()),
            Cell::Int(p.monthly.rows.iter().map(|m| m.won_back).sum()),
            Cell::Empty,
        ];
        (columns, rows, totals)
    } else {
        let columns = vec![
            Column::text("client", t.col_client),
            Column::text("kind", t.col_kind),
            Column::text("phones", t.col_phones),
            Column::text("last_delivery_date", t.col_last_delivery),
            Column::num("delivered_orders", t.col_delivered_orders),
        ];
        let rows: Vec<Row> = p
            .report
            .rows
            .iter()
            .map(|x| Row {
                key: x.client_id.clone(),
                cells: vec![
                    Cell::Text(x.name.clone()),
                    Cell::Text(kind_label(p.lang, x.kind).into()),
                    Cell::Phones(x.phones.clone()),
                    Cell::Date(x.last_delivery_date.clone()),
                    Cell::Int(x.delivered_orders),
                ],
            })
            .collect();
        let totals = vec![
            Cell::Text(t.total.into()),
            Cell::Int(p.report.rows.len() as i64),
            Cell::Empty,
            Cell::Empty,
            Cell::Int(p.report.rows.iter().map(|x| x.delivered_orders).sum()),
        ];
        (columns, rows, totals)
    };
    html! {
        <>
            <div class="range lost-params">
                <label>{ t.as_of }<input id="lost-as-of" type="date" value={p.as_of.clone()} onchange={on_as_of} /></label>
                <label>{ t.months_without }
                    <select id="lost-months" onchange={on_months}>
                        { for (1..=12u32).map(|m| html! { <option value={m.to_string()} selected={m == p.months}>{ m }</option> }) }
                    </select>
                </label>
                <button id="make-call-list" type="button" class="btn btn-primary"
                    disabled={ids.is_empty() || *busy} onclick={make}>{ make_call_list(p.lang, ids.len()) }</button>
                { match &*made {
                    Some(Ok((id, name))) => html! {
                        <span id="call-list-made" class="banner ok" data-id={id.clone()}>
                            { t.call_list_made }{ " " }{ name.clone() }{ " · " }
                            <Link<Route> to={Route::Calls}>{ t.open_call_list }</Link<Route>>
                        </span>
                    },
                    Some(Err(e)) => html! { <span id="call-list-error" class="form-error">{ e.clone() }</span> },
                    None => html! {},
                } }
            </div>
            <BarChart id="chart-lost" title={t.chart_lost} {keys} {labels} {series} stacked=false
                unit={t.clients_unit} note={Some(AttrValue::from(t.lost_chart_note))} />
            <div class="table-tools">
                <label>{ t.group_by }
                    <select id="lost-group" onchange={on_group}>
                        <option value="client" selected={!*by_month}>{ t.g_client }</option>
                        <option value="month" selected={*by_month}>{ t.col_month }</option>
                    </select>
                </label>
                <span class="muted">{ t.sort_hint }</span>
            </div>
            <ReportTable id="lost-table" lang={p.lang} {columns} {rows} totals={Some(totals)} empty={t.no_lost} />
            // Not lost yet, but silent past their own rhythm (issue 23).
            <super::rhythm::RhythmList kind={super::rhythm::RhythmKind::AtRisk} />
        </>
    }
}
