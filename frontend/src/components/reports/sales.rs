//! Goods and services sold: by product, or by kind (goods, services).

use rodnik_shared::api::SalesReport;
use rodnik_shared::ProductKind;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::table::{Cell, Column, ReportTable, Row};
use crate::i18n::reports::{texts, ReportsTexts};
use crate::i18n::Lang;

fn kind_name(t: &ReportsTexts, k: ProductKind) -> &'static str {
    match k {
        ProductKind::Water => t.product_kinds[0],
        ProductKind::Goods => t.product_kinds[1],
        ProductKind::Service => t.product_kinds[2],
    }
}

/// By product (`by_kind` false) or summed by kind.
pub fn table(r: &SalesReport, by_kind: bool, lang: Lang) -> (Vec<Column>, Vec<Row>, Vec<Cell>) {
    let t = texts(lang);
    let num = [
        Column::num("qty", t.col_qty),
        Column::num("amount", t.col_amount),
    ];
    if by_kind {
        let mut rows: Vec<Row> = vec![];
        for x in &r.rows {
            let key = x.kind.as_str().to_string();
            match rows.iter_mut().find(|row| row.key == key) {
                Some(row) => {
                    if let [_, Cell::Int(q), Cell::Money(a)] = row.cells.as_mut_slice() {
                        *q += x.qty;
                        *a += x.amount;
                    }
                }
                None => rows.push(Row {
                    key,
                    cells: vec![
                        Cell::Text(kind_name(t, x.kind).into()),
                        Cell::Int(x.qty),
                        Cell::Money(x.amount),
                    ],
                }),
            }
        }
        let mut columns = vec![Column::text("kind", t.col_product_kind)];
        columns.extend(num);
        let totals = vec![
            Cell::Text(t.total.into()),
            Cell::Int(r.totals.qty),
            Cell::Money(r.totals.amount),
        ];
        return (columns, rows, totals);
    }
    let rows = r
        .rows
        .iter()
        .map(|x| Row {
            key: x.product_id.clone(),
            cells: vec![
                Cell::Text(x.name.clone()),
                Cell::Text(kind_name(t, x.kind).into()),
                Cell::Int(x.qty),
                Cell::Money(x.amount),
            ],
        })
        .collect();
    let mut columns = vec![
        Column::text("product", t.col_product),
        Column::text("kind", t.col_product_kind),
    ];
    columns.extend(num);
    let totals = vec![
        Cell::Text(t.total.into()),
        Cell::Empty,
        Cell::Int(r.totals.qty),
        Cell::Money(r.totals.amount),
    ];
    (columns, rows, totals)
}

#[derive(Properties, PartialEq)]
pub struct SalesViewProps {
    pub lang: Lang,
    pub report: SalesReport,
}

#[function_component]
pub fn SalesView(p: &SalesViewProps) -> Html {
    let t = texts(p.lang);
    let by_kind = use_state(|| false);
    let onchange = {
        let by_kind = by_kind.clone();
        Callback::from(move |e: Event| {
            by_kind.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "kind")
        })
    };
    let (columns, rows, totals) = table(&p.report, *by_kind, p.lang);
    html! {
        <>
            <div class="table-tools">
                <label>{ t.group_by }
                    <select id="sales-group" {onchange}>
                        <option value="product" selected={!*by_kind}>{ t.g_product }</option>
                        <option value="kind" selected={*by_kind}>{ t.g_product_kind }</option>
                    </select>
                </label>
                <span class="muted">{ t.sort_hint }</span>
            </div>
            <ReportTable id="sales-table" lang={p.lang} {columns} {rows} totals={Some(totals)} empty={t.empty} />
        </>
    }
}
