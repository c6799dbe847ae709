//! The reasons report: how often each reason was given (orders cancelled,
//! deliveries failed, stops moved by couriers), grouped by reason, by
//! courier or by operator.

use std::collections::BTreeMap;

use rodnik_shared::api::{ReasonKind, ReasonsReport};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::table::{Cell, Column, ReportTable, Row};
use crate::i18n::reports::texts;
use crate::i18n::Lang;

pub fn kind_name(lang: Lang, k: ReasonKind) -> &'static str {
    match (lang, k) {
        (Lang::En, ReasonKind::Cancel) => "Cancelled",
        (Lang::En, ReasonKind::Fail) => "Not delivered",
        (Lang::En, ReasonKind::Reschedule) => "Moved by the courier",
        (Lang::Ru, ReasonKind::Cancel) => "Отмена",
        (Lang::Ru, ReasonKind::Fail) => "Недоставка",
        (Lang::Ru, ReasonKind::Reschedule) => "Перенос курьером",
    }
}

/// What the rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Reason,
    Courier,
    Operator,
}

fn words(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::En => ["Kind", "Reason", "Courier", "Operator", "Count"],
        Lang::Ru => ["Вид", "Причина", "Курьер", "Оператор", "Количество"],
    }
}

/// The rows grouped as asked: (kind, reason[, courier | operator]) → count.
pub fn table(r: &ReasonsReport, by: By, lang: Lang) -> (Vec<Column>, Vec<Row>, Vec<Cell>) {
    let w = words(lang);
    let none = match lang {
        Lang::En => "(no courier)",
        Lang::Ru => "(без курьера)",
    };
    let mut groups: BTreeMap<(ReasonKind, String, String), (String, i64)> = BTreeMap::new();
    for x in &r.rows {
        let who = match by {
            By::Reason => String::new(),
            By::Courier => x.courier_name.clone().unwrap_or_else(|| none.to_string()),
            By::Operator => x.operator_name.clone(),
        };
        let key = (x.kind, x.reason.clone(), who.clone());
        groups.entry(key).or_insert((who, 0)).1 += x.count;
    }
    let rows = groups
        .into_iter()
        .map(|((kind, reason, _), (who, count))| {
            let mut cells = vec![
                Cell::Text(kind_name(lang, kind).into()),
                Cell::Text(reason.clone()),
            ];
            if by != By::Reason {
                cells.push(Cell::Text(who.clone()));
            }
            cells.push(Cell::Int(count));
            Row {
                key: format!("{}|{reason}|{who}", kind.as_str()),
                cells,
            }
        })
        .collect();
    let mut columns = vec![Column::text("kind", w[0]), Column::text("reason", w[1])];
    match by {
        By::Reason => {}
        By::Courier => columns.push(Column::text("courier", w[2])),
        By::Operator => columns.push(Column::text("operator", w[3])),
    }
    columns.push(Column::num("count", w[4]));
    let total: i64 = r.totals.iter().map(|t| t.count).sum();
    let mut totals = vec![Cell::Text(texts(lang).total.into()), Cell::Empty];
    if by != By::Reason {
        totals.push(Cell::Empty);
    }
    totals.push(Cell::Int(total));
    (columns, rows, totals)
}

#[derive(Properties, PartialEq)]
pub struct ReasonsViewProps {
    pub lang: Lang,
    pub report: ReasonsReport,
}

#[function_component]
pub fn ReasonsView(p: &ReasonsViewProps) -> Html {
    let t = texts(p.lang);
    let by = use_state(|| By::Reason);
    let onchange = {
        let by = by.clone();
        Callback::from(move |e: Event| {
            by.set(
                match e
                    .target_unchecked_into::<HtmlSelectElement>()
                    .value()
                    .as_str()
                {
                    "courier" => By::Courier,
                    "operator" => By::Operator,
                    _ => By::Reason,
                },
            )
        })
    };
    let w = words(p.lang);
    let (columns, rows, totals) = table(&p.report, *by, p.lang);
    html! {
        <div class="reasons-report">
            <ul id="reasons-totals" class="reasons-totals">
                { for p.report.totals.iter().map(|x| html! {
                    <li data-kind={x.kind.as_str()} data-value={x.count.to_string()}>
                        { kind_name(p.lang, x.kind) }{ ": " }<b>{ x.count }</b>
                    </li>
                }) }
            </ul>
            <div class="table-tools">
                <label>{ t.group_by }
                    <select id="reasons-group" {onchange}>
                        <option value="reason" selected={*by == By::Reason}>{ w[1] }</option>
                        <option value="courier" selected={*by == By::Courier}>{ w[2] }</option>
                        <option value="operator" selected={*by == By::Operator}>{ w[3] }</option>
                    </select>
                </label>
                <span class="muted">{ t.sort_hint }</span>
            </div>
            <ReportTable id="reasons-table" lang={p.lang} {columns} {rows} totals={Some(totals)} empty={t.empty} />
        </div>
    }
}
