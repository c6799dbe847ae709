//! Water delivered: the chart of water per courier per day (or month), and
//! the table the server groups (`grouped.rs`).

use std::collections::HashMap;

use rodnik_shared::api::DailyDeliveries;
use yew::prelude::*;

use super::chart::{BarChart, Series};
use super::format::{bucket_of, buckets, day_label, month_label, parse};
use super::grouped::GroupedDeliveriesView;
use super::table::order_by;
use crate::i18n::reports::texts;
use crate::i18n::Lang;

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
    pub daily: DailyDeliveries,
}

#[function_component]
pub fn DeliveriesView(p: &DeliveriesViewProps) -> Html {
    let t = texts(p.lang);
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
    html! {
        <>
            <BarChart id="chart-water" title={if by_day { t.chart_water_day } else { t.chart_water_month }}
                {keys} {labels} {series} stacked=true unit={t.units} />
            <GroupedDeliveriesView lang={p.lang} from={p.from.clone()} to={p.to.clone()} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{DailyDeliveryRow, DeliveryTotals};

    fn data() -> DailyDeliveries {
        let day = |date: &str, c: Option<&str>, w: i64| DailyDeliveryRow {
            date: date.into(),
            courier_id: c.map(str::to_string),
            courier_name: c.map(|c| format!("{c} name")),
            orders: 1,
            water_qty: w,
            amount: w * 100,
        };
        DailyDeliveries {
            rows: vec![
                day("2025-05-01", Some("k"), 3),
                day("2025-05-01", Some("p"), 1),
                day("2025-05-03", Some("k"), 12),
            ],
            totals: DeliveryTotals {
                orders: 3,
                water_qty: 16,
                amount: 1600,
            },
        }
    }

    #[test]
    fn the_chart_has_a_series_per_courier_and_a_value_per_day() {
        let d = data();
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
