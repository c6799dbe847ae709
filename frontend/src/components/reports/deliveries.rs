//! Water delivered: the chart of water per courier per day (or month), and
//! the table grouped by courier and client, courier, client, client type,
//! day and courier, or day.

use std::collections::HashMap;

use rodnik_shared::api::{DailyDeliveries, DeliveriesReport};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::chart::{BarChart, Series};
use super::format::{bucket_of, buckets, day_label, month_label, parse};
use super::table::{order_by, sort_rows, Cell, Column, ReportTable, Row, Sort};
use crate::i18n::reports::{texts, ReportsTexts};
use crate::i18n::{kind_label, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    CourierClient,
    Courier,
    Client,
    Kind,
    DayCourier,
    Day,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::CourierClient,
        Group::Courier,
        Group::Client,
        Group::Kind,
        Group::DayCourier,
        Group::Day,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Group::CourierClient => "courier_client",
            Group::Courier => "courier",
            Group::Client => "client",
            Group::Kind => "kind",
            Group::DayCourier => "day_courier",
            Group::Day => "day",
        }
    }

    fn label(self, t: &ReportsTexts) -> &'static str {
        match self {
            Group::CourierClient => t.g_courier_client,
            Group::Courier => t.g_courier,
            Group::Client => t.g_client,
            Group::Kind => t.g_kind,
            Group::DayCourier => t.g_day_courier,
            Group::Day => t.g_day,
        }
    }
}

/// Sums (orders, water, amount) under a key, keeping the first-seen order.
#[derive(Default)]
struct Sums {
    order: Vec<String>,
    by: HashMap<String, (Vec<Cell>, i64, i64, i64)>,
}

impl Sums {
    fn add(&mut self, key: String, labels: impl FnOnce() -> Vec<Cell>, o: i64, w: i64, a: i64) {
        let e = self.by.entry(key.clone()).or_insert_with(|| {
            self.order.push(key);
            (labels(), 0, 0, 0)
        });
        e.1 += o;
        e.2 += w;
        e.3 += a;
    }

    fn rows(mut self) -> Vec<Row> {
        self.order
            .into_iter()
            .filter_map(|key| {
                let (mut cells, o, w, a) = self.by.remove(&key)?;
                cells.extend([Cell::Int(o), Cell::Int(w), Cell::Money(a)]);
                Some(Row { key, cells })
            })
            .collect()
    }
}

/// The table of a grouping: its columns, rows and totals row.
pub fn table(
    g: Group,
    r: &DeliveriesReport,
    daily: &DailyDeliveries,
    lang: Lang,
) -> (Vec<Column>, Vec<Row>, Vec<Cell>) {
    let t = texts(lang);
    let courier = |name: &Option<String>| {
        Cell::Text(name.clone().unwrap_or_else(|| t.no_courier.to_string()))
    };
    let id = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut sums = Sums::default();
    let label_cols: Vec<Column> = match g {
        Group::CourierClient => {
            for x in &r.rows {
                sums.add(
                    format!("{}|{}", id(&x.courier_id), x.client_id),
                    || {
                        vec![
                            courier(&x.courier_name),
                            Cell::Text(x.client_name.clone()),
                            Cell::Text(kind_label(lang, x.client_kind).into()),
                        ]
                    },
                    x.orders,
                    x.water_qty,
                    x.amount,
                );
            }
            vec![
                Column::text("courier", t.col_courier),
                Column::text("client", t.col_client),
                Column::text("kind", t.col_kind),
            ]
        }
        Group::Courier => {
            for x in &r.rows {
                sums.add(
                    id(&x.courier_id),
                    || vec![courier(&x.courier_name)],
                    x.orders,
                    x.water_qty,
                    x.amount,
                );
            }
            vec![Column::text("courier", t.col_courier)]
        }
        Group::Client => {
            for x in &r.rows {
                sums.add(
                    x.client_id.clone(),
                    || {
                        vec![
                            Cell::Text(x.client_name.clone()),
                            Cell::Text(kind_label(lang, x.client_kind).into()),
                        ]
                    },
                    x.orders,
                    x.water_qty,
                    x.amount,
                );
            }
            vec![
                Column::text("client", t.col_client),
                Column::text("kind", t.col_kind),
            ]
        }
        Group::Kind => {
            for x in &r.rows {
                sums.add(
                    x.client_kind.as_str().to_string(),
                    || vec![Cell::Text(kind_label(lang, x.client_kind).into())],
                    x.orders,
                    x.water_qty,
                    x.amount,
                );
            }
            vec![Column::text("kind", t.col_kind)]
        }
        Group::DayCourier => {
            for x in &daily.rows {
                sums.add(
                    format!("{}|{}", x.date, id(&x.courier_id)),
                    || vec![Cell::Date(x.date.clone()), courier(&x.courier_name)],
                    x.orders,
                    x.water_qty,
                    x.amount,
                );
            }
            vec![
                Column::text("day", t.col_day),
                Column::text("courier", t.col_courier),
            ]
        }
        Group::Day => {
            for x in &daily.rows {
                sums.add(
                    x.date.clone(),
                    || vec![Cell::Date(x.date.clone())],
                    x.orders,
                    x.water_qty,
                    x.amount,
                );
            }
            vec![Column::text("day", t.col_day)]
        }
    };
    let mut columns = label_cols;
    let blanks = columns.len() - 1;
    columns.extend([
        Column::num("orders", t.col_orders),
        Column::num("water_qty", t.col_water),
        Column::num("amount", t.col_amount),
    ]);
    let mut totals = vec![Cell::Text(t.total.into())];
    totals.extend(std::iter::repeat_n(Cell::Empty, blanks));
    totals.extend([
        Cell::Int(r.totals.orders),
        Cell::Int(r.totals.water_qty),
        Cell::Money(r.totals.amount),
    ]);
    let rows = sums.rows();
    // Clients and client types read best in name order; the rest keep the report's.
    let rows = match g {
        Group::Client | Group::Kind => sort_rows(
            &rows,
            Some(Sort {
                col: 0,
                desc: false,
            }),
        ),
        _ => rows,
    };
    (columns, rows, totals)
}

/// The chart's series: one per courier, water per bucket.
pub fn water_series(
    daily: &DailyDeliveries,
    keys: &[String],
    by_day: bool,
    no_courier: &str,
) -> Vec<Series> {
    let index: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut series: Vec<Series> = vec![];
    for x in &daily.rows {
        let key = x.courier_id.clone().unwrap_or_default();
        let pos = match series.iter().position(|s| s.key == key) {
            Some(p) => p,
            None => {
                series.push(Series {
                    key: key.clone(),
                    name: x
                        .courier_name
                        .clone()
                        .unwrap_or_else(|| no_courier.to_string()),
                    class: String::new(),
                    values: vec![0; keys.len()],
                    summable: true,
                });
                series.len() - 1
            }
        };
        if let Some(i) = index.get(bucket_of(by_day, &x.date).as_str()) {
            series[pos].values[*i] += x.water_qty;
        }
    }
    let names: Vec<(Option<i64>, String)> = series.iter().map(|s| (None, s.name.clone())).collect();
    let mut series: Vec<Series> = order_by(&names, false)
        .into_iter()
        .map(|i| series[i].clone())
        .collect();
    for (i, s) in series.iter_mut().enumerate() {
        s.class = format!("c{}", i % 8);
    }
    series
}

#[derive(Properties, PartialEq)]
pub struct DeliveriesViewProps {
    pub lang: Lang,
    pub from: String,
    pub to: String,
    pub report: DeliveriesReport,
    pub daily: DailyDeliveries,
}

#[function_component]
pub fn DeliveriesView(p: &DeliveriesViewProps) -> Html {
    let t = texts(p.lang);
    let group = use_state(|| Group::CourierClient);
    let onchange = {
        let group = group.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(g) = Group::ALL.into_iter().find(|g| g.code() == v) {
                group.set(g);
            }
        })
    };
    let (by_day, list) = match (parse(&p.from), parse(&p.to)) {
        (Some(f), Some(to)) => buckets(f, to),
        _ => (true, vec![]),
    };
    let keys: Vec<String> = list.iter().map(|(k, _)| k.clone()).collect();
    let labels: Vec<String> = keys
        .iter()
        .map(|k| {
            if by_day {
                day_label(p.lang, k)
            } else {
                month_label(p.lang, k)
            }
        })
        .collect();
    let series = water_series(&p.daily, &keys, by_day, t.no_courier);
    let (columns, rows, totals) = table(*group, &p.report, &p.daily, p.lang);
    html! {
        <>
            <BarChart id="chart-water" title={if by_day { t.chart_water_day } else { t.chart_water_month }}
                {keys} {labels} {series} stacked=true unit={t.units} />
            <div class="table-tools">
                <label>{ t.group_by }
                    <select id="deliveries-group" {onchange}>
                        { for Group::ALL.into_iter().map(|g| html! {
                            <option value={g.code()} selected={*group == g}>{ g.label(t) }</option>
                        }) }
                    </select>
                </label>
                <span class="muted">{ t.sort_hint }</span>
            </div>
            <ReportTable id="deliveries-table" lang={p.lang} {columns} {rows} totals={Some(totals)} empty={t.empty} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{DailyDeliveryRow, DeliveryRow, DeliveryTotals};
    use rodnik_shared::ClientKind;

    fn row(
        courier: Option<&str>,
        client: &str,
        kind: ClientKind,
        o: i64,
        w: i64,
        a: i64,
    ) -> DeliveryRow {
        DeliveryRow {
            courier_id: courier.map(str::to_string),
            courier_name: courier.map(|c| format!("{c} name")),
            client_id: client.into(),
            client_name: format!("{client} name"),
            client_kind: kind,
            orders: o,
            water_qty: w,
            amount: a,
        }
    }

    fn data() -> (DeliveriesReport, DailyDeliveries) {
        let rows = vec![
            row(Some("k"), "anna", ClientKind::Individual, 2, 3, 82500),
            row(Some("k"), "romashka", ClientKind::Legal, 2, 12, 285000),
            row(Some("p"), "anna", ClientKind::Individual, 1, 1, 25000),
            row(None, "boris", ClientKind::Individual, 1, 3, 75000),
        ];
        let totals = DeliveryTotals {
            orders: 6,
            water_qty: 19,
            amount: 467500,
        };
        let day = |date: &str, c: Option<&str>, w: i64| DailyDeliveryRow {
            date: date.into(),
            courier_id: c.map(str::to_string),
            courier_name: c.map(|c| format!("{c} name")),
            orders: 1,
            water_qty: w,
            amount: w * 100,
        };
        let daily = DailyDeliveries {
            rows: vec![
                day("2025-05-01", Some("k"), 3),
                day("2025-05-01", Some("p"), 1),
                day("2025-05-03", Some("k"), 12),
            ],
            totals: totals.clone(),
        };
        (DeliveriesReport { rows, totals }, daily)
    }

    fn sums(rows: &[Row]) -> Vec<(String, Vec<Cell>)> {
        rows.iter()
            .map(|r| (r.key.clone(), r.cells[r.cells.len() - 3..].to_vec()))
            .collect()
    }

    #[test]
    fn groupings_sum_the_reports_rows() {
        let (r, d) = data();
        let (cols, rows, totals) = table(Group::Courier, &r, &d, Lang::En);
        assert_eq!(cols.len(), 4);
        assert_eq!(
            sums(&rows),
            vec![
                (
                    "k".to_string(),
                    vec![Cell::Int(4), Cell::Int(15), Cell::Money(367500)]
                ),
                (
                    "p".to_string(),
                    vec![Cell::Int(1), Cell::Int(1), Cell::Money(25000)]
                ),
                (
                    String::new(),
                    vec![Cell::Int(1), Cell::Int(3), Cell::Money(75000)]
                ),
            ]
        );
        assert_eq!(rows[2].cells[0], Cell::Text("No courier".into()));
        assert_eq!(
            totals,
            vec![
                Cell::Text("Total".into()),
                Cell::Int(6),
                Cell::Int(19),
                Cell::Money(467500)
            ]
        );
        let (_, rows, _) = table(Group::Client, &r, &d, Lang::En);
        assert_eq!(
            sums(&rows)[0],
            (
                "anna".to_string(),
                vec![Cell::Int(3), Cell::Int(4), Cell::Money(107500)]
            )
        );
        let (_, rows, _) = table(Group::Kind, &r, &d, Lang::En);
        assert_eq!(
            sums(&rows),
            vec![
                (
                    "individual".to_string(),
                    vec![Cell::Int(4), Cell::Int(7), Cell::Money(182500)]
                ),
                (
                    "legal".to_string(),
                    vec![Cell::Int(2), Cell::Int(12), Cell::Money(285000)]
                ),
            ]
        );
        let (_, rows, totals) = table(Group::Day, &r, &d, Lang::En);
        assert_eq!(
            sums(&rows)[0],
            (
                "2025-05-01".to_string(),
                vec![Cell::Int(2), Cell::Int(4), Cell::Money(400)]
            )
        );
        assert_eq!(totals.len(), 4);
    }

    #[test]
    fn the_chart_has_a_series_per_courier_and_a_value_per_day() {
        let (_, d) = data();
        let keys: Vec<String> = ["2025-05-01", "2025-05-02", "2025-05-03"]
            .map(String::from)
            .to_vec();
        let s = water_series(&d, &keys, true, "none");
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].key.as_str(), s[0].values.clone(), s[0].class.as_str()),
            ("k", vec![3, 0, 12], "c0")
        );
        assert_eq!(s[1].values, vec![1, 0, 0]);
        let months = vec!["2025-05".to_string()];
        assert_eq!(water_series(&d, &months, false, "none")[0].values, vec![15]);
    }
}
