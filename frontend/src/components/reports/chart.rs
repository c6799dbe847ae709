//! A bar chart drawn as inline SVG: stacked or side by side, a value axis
//! with round ticks, labels that skip when crowded, a legend, and every bar's
//! figure in its `<title>` (shown on hover) and in `data-value`.

use yew::prelude::*;

use super::format::int;

const W: f64 = 1200.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 28.0;
/// At most this many category labels fit under the bars.
const MAX_LABELS: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Goes to `data-series` (a courier id, a state).
    pub key: String,
    pub name: String,
    /// The CSS class that colours it (`c0`..`c7`, `st-delivered`, ...).
    pub class: String,
    /// One value per category.
    pub values: Vec<i64>,
    /// Whether the legend shows the sum (not for a running count).
    pub summable: bool,
}

#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    pub id: AttrValue,
    pub title: AttrValue,
    /// Category keys (`data-category`) and their axis labels.
    pub keys: Vec<String>,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    #[prop_or(true)]
    pub stacked: bool,
    /// The unit after a number in a bar's title ("units", "orders").
    pub unit: AttrValue,
    #[prop_or_default]
    pub note: Option<AttrValue>,
}

/// The smallest 1, 2 or 5 times a power of ten that is at least `v` (and at least 1).
pub fn nice_ceiling(v: i64) -> i64 {
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            let c = step.saturating_mul(m);
            if c >= v || c == i64::MAX {
                return c;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// The top of the axis and its ticks (0 included), about four of them.
pub fn ticks(max: i64) -> (i64, Vec<i64>) {
    let step = nice_ceiling((max.max(1) + 3) / 4);
    let top = ((max.max(1) + step - 1) / step) * step;
    (top, (0..=top / step).map(|i| i * step).collect())
}

#[function_component]
pub fn BarChart(p: &BarChartProps) -> Html {
    let n = p.keys.len();
    let max = (0..n)
        .map(|i| {
            let vals = p
                .series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0));
            if p.stacked {
                vals.sum::<i64>()
            } else {
                vals.max().unwrap_or(0)
            }
        })
        .max()
        .unwrap_or(0);
    let (top, tick_values) = ticks(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: i64| TOP + plot_h - (v as f64 / top as f64) * plot_h;
    let band = if n == 0 { plot_w } else { plot_w / n as f64 };
    let gap = (band * 0.2).min(12.0);
    let label_every = n.div_ceil(MAX_LABELS).max(1);

    let grid = tick_values.iter().map(|t| {
        let ty = y(*t);
        html! {
            <g class="tick">
                <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={ty.to_string()} y2={ty.to_string()} />
                <text x={(LEFT - 6.0).to_string()} y={(ty + 4.0).to_string()} text-anchor="end">{ int(*t) }</text>
            </g>
        }
    });

    let bars = (0..n).map(|i| {
        let x0 = LEFT + band * i as f64 + gap / 2.0;
        let width = band - gap;
        let key = p.keys[i].clone();
        let label = p.labels.get(i).cloned().unwrap_or_default();
        let mut acc = 0i64;
        let visible: Vec<&Series> = p.series.iter().collect();
        let sub_w = if p.stacked { width } else { width / visible.len().max(1) as f64 };
        let rects = visible.iter().enumerate().filter_map(|(j, s)| {
            let v = s.values.get(i).copied().unwrap_or(0);
            if v == 0 {
                return None;
            }
            let (x, y_top, y_bottom) = if p.stacked {
                let r = (x0, y(acc + v), y(acc));
                acc += v;
                r
            } else {
                (x0 + sub_w * j as f64, y(v), y(0))
            };
            let tip = format!("{label} · {}: {} {}", s.name, int(v), p.unit);
            Some(html! {
                <rect class={classes!("bar", s.class.clone())} x={fmt(x)} y={fmt(y_top)}
                    width={fmt(sub_w.max(1.0))} height={fmt((y_bottom - y_top).max(0.5))}
                    data-category={key.clone()} data-series={s.key.clone()} data-value={v.to_string()}>
                    <title>{ tip }</title>
                </rect>
            })
        }).collect::<Html>();
        let show_label = i % label_every == 0;
        html! {
            <g class="category" data-category={key.clone()}>
                { rects }
                if show_label {
                    <text class="label" x={fmt(x0 + width / 2.0)} y={fmt(H - 8.0)} text-anchor="middle">{ label.clone() }</text>
                }
            </g>
        }
    });

    let legend = p.series.iter().map(|s| {
        let total: i64 = s.values.iter().sum();
        html! {
            <li data-series={s.key.clone()}>
                <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class={classes!("bar", s.class.clone())} width="10" height="10" /></svg>
                { s.name.clone() }
                if s.summable {
                    <b>{ int(total) }</b>
                }
            </li>
        }
    });

    html! {
        <figure class="chart" id={p.id.clone()} data-max={top.to_string()}>
            <figcaption>{ p.title.clone() }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={p.title.clone()}>
                { for grid }
                <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={fmt(y(0))} y2={fmt(y(0))} />
                { for bars }
            </svg>
            <ul class="legend">{ for legend }</ul>
            if let Some(note) = &p.note {
                <p class="chart-note muted">{ note.clone() }</p>
            }
        </figure>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(2000), 2000);
        assert_eq!(ticks(0), (1, vec![0, 1]));
        assert_eq!(ticks(26), (30, vec![0, 10, 20, 30]));
        assert_eq!(ticks(7), (8, vec![0, 2, 4, 6, 8]));
        assert_eq!(ticks(100), (100, vec![0, 50, 100]));
        let (top, t) = ticks(1234);
        assert!(top >= 1234 && t.len() <= 6, "{top} {t:?}");
    }
}
