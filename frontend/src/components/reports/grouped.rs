//! Water delivered as the server groups it (issue 22): by courier (the
//! default), client, courier and client, client type, day and courier, or
//! day; a page of 100 rows at a time, sorted by the server on a header
//! click, and a courier's row opens that courier's clients. A year's full
//! table is ~200,000 rows: it is never fetched whole (the CSV and Excel
//! buttons stream it).

use std::rc::Rc;

use rodnik_shared::api::{
    DeliveryColumn as Col, DeliveryGroup as G, DeliveryGroupRow, GroupedDeliveries,
};
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::{Cell, Column, ReportTable, Row, Sort};
use crate::api::reports::Query;
use crate::api::Api;
use crate::i18n::reports::{rows_shown, texts, ReportsTexts};
use crate::i18n::{kind_label, Lang};
use crate::state::use_app;

/// Rows on a screen.
pub const PAGE: u32 = 100;

/// What the table asks the server for.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub group: G,
    /// The courier drilled into: id (`""`: no courier) and the name shown.
    pub courier: Option<(String, String)>,
    /// A column and whether largest (Z) first; `None`: the grouping's order.
    pub sort: Option<(Col, bool)>,
    pub page: u32,
}

impl Default for View {
    fn default() -> View {
        View {
            group: G::Courier,
            courier: None,
            sort: None,
            page: 1,
        }
    }
}

pub enum ViewAction {
    Group(G),
    /// Into a courier's clients: id and name.
    Drill(String, String),
    Back,
    /// A header click on this column.
    Sort(Col),
    Page(u32),
}

impl Reducible for View {
    type Action = ViewAction;

    fn reduce(self: Rc<Self>, action: ViewAction) -> Rc<Self> {
        let v = (*self).clone();
        Rc::new(match action {
            ViewAction::Group(group) => View {
                group,
                ..View::default()
            },
            ViewAction::Drill(id, name) => View {
                group: G::Client,
                courier: Some((id, name)),
                ..View::default()
            },
            ViewAction::Back => View::default(),
            ViewAction::Sort(col) => View {
                sort: Some(match v.sort {
                    Some((c, desc)) if c == col => (col, !desc),
                    _ => (col, col.numeric()),
                }),
                page: 1,
                ..v
            },
            ViewAction::Page(page) => View {
                page: page.max(1),
                ..v
            },
        })
    }
}

impl View {
    pub fn query(&self, from: &str, to: &str) -> Query {
        let mut q: Query = vec![
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("group", self.group.code().to_string()),
        ];
        if let Some((id, _)) = &self.courier {
            q.push(("courier_id", id.clone()));
        }
        if let Some((col, desc)) = self.sort {
            q.push(("sort", col.code().to_string()));
            q.push(("dir", if desc { "desc" } else { "asc" }.to_string()));
        }
        q.push(("page", self.page.to_string()));
        q.push(("limit", PAGE.to_string()));
        q
    }
}

/// The query as text (`data-loaded`): what the screen shows.
pub fn query_key(q: &Query) -> String {
    q.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn label(t: &ReportsTexts, g: G) -> &'static str {
    match g {
        G::CourierClient => t.g_courier_client,
        G::Courier => t.g_courier,
        G::Client => t.g_client,
        G::Kind => t.g_kind,
        G::CourierDay => t.g_day_courier,
        G::Day => t.g_day,
    }
}

fn column(t: &ReportsTexts, c: Col) -> Column {
    match c {
        Col::Courier => Column::text("courier", t.col_courier),
        Col::Client => Column::text("client", t.col_client),
        Col::Kind => Column::text("kind", t.col_kind),
        Col::Day => Column::text("day", t.col_day),
        Col::Orders => Column::num("orders", t.col_orders),
        Col::WaterQty => Column::num("water_qty", t.col_water),
        Col::Amount => Column::num("amount", t.col_amount),
    }
}

fn courier_name(t: &ReportsTexts, r: &DeliveryGroupRow) -> String {
    r.courier_name
        .clone()
        .unwrap_or_else(|| t.no_courier.to_string())
}

/// The table of an answer: columns, rows and the totals row.
pub fn table(a: &GroupedDeliveries, lang: Lang) -> (Vec<Column>, Vec<Row>, Vec<Cell>) {
    let t = texts(lang);
    let cols = a.group.columns();
    let rows = a
        .rows
        .iter()
        .map(|r| Row {
            key: r.key.clone(),
            cells: cols
                .iter()
                .map(|c| match c {
                    Col::Courier => Cell::Text(courier_name(t, r)),
                    Col::Client => Cell::Text(r.client_name.clone().unwrap_or_default()),
                    Col::Kind => r
                        .client_kind
                        .map(|k| Cell::Text(kind_label(lang, k).into()))
                        .unwrap_or(Cell::Empty),
                    Col::Day => Cell::Date(r.date.clone().unwrap_or_default()),
                    Col::Orders => Cell::Int(r.orders),
                    Col::WaterQty => Cell::Int(r.water_qty),
                    Col::Amount => Cell::Money(r.amount),
                })
                .collect(),
        })
        .collect();
    let mut totals = vec![Cell::Text(t.total.into())];
    totals.extend(std::iter::repeat_n(Cell::Empty, a.group.labels().len() - 1));
    totals.extend([
        Cell::Int(a.totals.orders),
        Cell::Int(a.totals.water_qty),
        Cell::Money(a.totals.amount),
    ]);
    (cols.iter().map(|c| column(t, *c)).collect(), rows, totals)
}

#[derive(Properties, PartialEq)]
pub struct GroupedProps {
    pub lang: Lang,
    pub from: AttrValue,
    pub to: AttrValue,
}

#[function_component]
pub fn GroupedDeliveriesView(p: &GroupedProps) -> Html {
    let app = use_app();
    let t = texts(p.lang);
    let view = use_reducer(View::default);
    let token = app.token().unwrap_or_default().to_string();
    let q = view.query(&p.from, &p.to);
    let key = query_key(&q);
    // The newest request's answer wins.
    let loaded = use_state(|| None::<(String, Result<GroupedDeliveries, String>)>);
    let seq = use_mut_ref(|| 0u32);
    {
        let loaded = loaded.clone();
        use_effect_with((key.clone(), token), move |(key, token)| {
            let id = {
                let mut s = seq.borrow_mut();
                *s += 1;
                *s
            };
            let (api, key) = (Api::with_token(token), key.clone());
            spawn_local(async move {
                let r = api.grouped_deliveries(&q).await;
                if *seq.borrow() == id {
                    loaded.set(Some((key, r.map_err(|e| e.message()))));
                }
            });
        });
    }
    // A new range starts again from the first page.
    {
        let view = view.clone();
        use_effect_with((p.from.clone(), p.to.clone()), move |_| {
            if view.page != 1 {
                view.dispatch(ViewAction::Page(1));
            }
        });
    }
    let onchange = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(g) = G::parse(&v) {
                view.dispatch(ViewAction::Group(g));
            }
        })
    };
    let busy = loaded.as_ref().is_none_or(|(k, _)| *k != key);
    let body = match loaded.as_ref() {
        None => html! { <p class="loading">{ p.lang.t().loading }</p> },
        Some((_, Err(e))) => html! {
            <p id="deliveries-error" class="banner error">{ format!("{}: {e}", t.load_failed) }</p>
        },
        Some((_, Ok(a))) => {
            let (columns, rows, totals) = table(a, p.lang);
            let cols = a.group.columns();
            let on_sort = {
                let (view, cols) = (view.clone(), cols.clone());
                Callback::from(move |i: usize| {
                    if let Some(c) = cols.get(i) {
                        view.dispatch(ViewAction::Sort(*c));
                    }
                })
            };
            let sorted = cols
                .iter()
                .position(|c| *c == a.sort)
                .map(|col| Sort { col, desc: a.desc });
            // A courier's row opens their clients.
            let on_row = (a.group == G::Courier).then(|| {
                let (view, rows, no) = (view.clone(), a.rows.clone(), t.no_courier);
                Callback::from(move |k: String| {
                    let name = rows
                        .iter()
                        .find(|r| r.key == k)
                        .and_then(|r| r.courier_name.clone())
                        .unwrap_or_else(|| no.to_string());
                    view.dispatch(ViewAction::Drill(k, name));
                })
            });
            let pages = a.pages() as u32;
            let lo = u64::from(a.page - 1) * u64::from(a.limit);
            let go = |page: u32| {
                let view = view.clone();
                Callback::from(move |_: MouseEvent| view.dispatch(ViewAction::Page(page)))
            };
            html! {
                <>
                    <ReportTable id="deliveries-table" lang={p.lang} {columns} {rows} totals={Some(totals)}
                        empty={t.empty} on_sort={Some(on_sort)} {sorted} {on_row} />
                    if a.total_rows > u64::from(a.limit) {
                        <nav id="deliveries-pager" class="pager" data-page={a.page.to_string()}
                            data-pages={pages.to_string()} data-total-rows={a.total_rows.to_string()}>
                            <button type="button" id="deliveries-prev" class="btn btn-ghost"
                                disabled={a.page <= 1} onclick={go(a.page.saturating_sub(1))}>{ t.prev_page }</button>
                            <span class="muted">{ rows_shown(p.lang, lo + 1, lo + a.rows.len() as u64, a.total_rows) }</span>
                            <button type="button" id="deliveries-next" class="btn btn-ghost"
                                disabled={a.page >= pages} onclick={go(a.page + 1)}>{ t.next_page }</button>
                        </nav>
                    }
                </>
            }
        }
    };
    let back = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.dispatch(ViewAction::Back))
    };
    html! {
        <div id="deliveries-grouped" data-loaded={if busy { String::new() } else { key.clone() }}
            aria-busy={busy.to_string()} class={classes!(busy.then_some("stale"))}>
            <div class="table-tools">
                <label>{ t.group_by }
                    <select id="deliveries-group" {onchange}>
                        { for G::ALL.into_iter().map(|g| html! {
                            <option value={g.code()} selected={view.group == g}>{ label(t, g) }</option>
                        }) }
                    </select>
                </label>
                { match &view.courier {
                    Some((id, name)) => html! {
                        <span id="deliveries-drill" data-courier={id.clone()}>
                            { t.drill_of } <b>{ name.clone() }</b>
                            <button type="button" id="deliveries-drill-back" class="btn btn-ghost" onclick={back}>
                                { t.all_couriers }
                            </button>
                        </span>
                    },
                    None if view.group == G::Courier => html! { <span class="muted">{ t.drill_hint }</span> },
                    None => html! { <span class="muted">{ t.sort_hint }</span> },
                } }
            </div>
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::DeliveryTotals;
    use rodnik_shared::ClientKind;

    fn step(v: View, a: ViewAction) -> View {
        (*Rc::new(v).reduce(a)).clone()
    }

    #[test]
    fn a_courier_opens_their_clients_and_back_leads_to_the_couriers() {
        let v = step(View::default(), ViewAction::Page(3));
        let v = step(v, ViewAction::Drill("k1".into(), "Коля".into()));
        assert_eq!(v.group, G::Client);
        assert_eq!(v.page, 1);
        let q = query_key(&v.query("2025-01-01", "2025-12-31"));
        assert_eq!(
            q,
            "from=2025-01-01&to=2025-12-31&group=client&courier_id=k1&page=1&limit=100"
        );
        assert_eq!(step(v, ViewAction::Back), View::default());
    }

    #[test]
    fn a_header_click_sorts_and_a_second_turns_it_round() {
        let v = step(View::default(), ViewAction::Page(2));
        let v = step(v, ViewAction::Sort(Col::Amount));
        assert_eq!((v.sort, v.page), (Some((Col::Amount, true)), 1));
        let v = step(v, ViewAction::Sort(Col::Amount));
        assert_eq!(v.sort, Some((Col::Amount, false)));
        let v = step(v, ViewAction::Sort(Col::Courier));
        assert_eq!(v.sort, Some((Col::Courier, false)));
        assert!(query_key(&v.query("a", "b")).contains("sort=courier&dir=asc"));
    }

    #[test]
    fn a_table_has_the_groupings_columns_and_its_totals() {
        let a = GroupedDeliveries {
            group: G::Client,
            courier_id: None,
            sort: Col::Client,
            desc: false,
            page: 1,
            limit: 100,
            total_rows: 1,
            rows: vec![DeliveryGroupRow {
                key: "c1".into(),
                client_id: Some("c1".into()),
                client_name: Some("Anna".into()),
                client_kind: Some(ClientKind::Legal),
                orders: 2,
                water_qty: 3,
                amount: 4500,
                ..Default::default()
            }],
            totals: DeliveryTotals {
                orders: 2,
                water_qty: 3,
                amount: 4500,
            },
        };
        let (cols, rows, totals) = table(&a, Lang::En);
        let keys: Vec<&str> = cols.iter().map(|c| c.key).collect();
        assert_eq!(keys, ["client", "kind", "orders", "water_qty", "amount"]);
        assert_eq!(rows[0].cells[0], Cell::Text("Anna".into()));
        assert_eq!(totals.len(), 5);
        assert_eq!(totals[4], Cell::Money(4500));
    }
}
