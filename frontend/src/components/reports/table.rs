//! A report table sorted by clicking its column headers (numbers largest
//! first, text A to Z; a second click turns it round), with a totals row.
//! Every cell carries `data-col` and its raw `data-value` (kopecks for money).

use yew::prelude::*;

use super::format::{date, int, money};
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Kopecks.
    Money(i64),
    /// `YYYY-MM-DD`
    Date(String),
    /// A label shown for a sortable key (a month `YYYY-MM` shown as "May 2025").
    Labelled {
        sort: String,
        label: String,
    },
    /// E.164 numbers, each a `tel:` link.
    Phones(Vec<String>),
    Empty,
}

impl Cell {
    fn raw(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Date(s) => s.clone(),
            Cell::Int(n) | Cell::Money(n) => n.to_string(),
            Cell::Labelled { sort, .. } => sort.clone(),
            Cell::Phones(p) => p.join(" "),
            Cell::Empty => String::new(),
        }
    }

    fn numeric(&self) -> Option<i64> {
        match self {
            Cell::Int(n) | Cell::Money(n) => Some(*n),
            _ => None,
        }
    }

    fn view(&self, lang: Lang) -> Html {
        match self {
            Cell::Text(s) => html! { { s.clone() } },
            Cell::Int(n) => html! { { int(*n) } },
            Cell::Money(k) => html! { { money(lang, *k) } },
            Cell::Date(d) => html! { { date(lang, d) } },
            Cell::Labelled { label, .. } => html! { { label.clone() } },
            Cell::Phones(list) => list
                .iter()
                .map(|p| html! { <a class="tel" href={format!("tel:{p}")}>{ p.clone() }</a> })
                .collect(),
            Cell::Empty => html! {},
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    /// Right-aligned, sorted largest first.
    pub numeric: bool,
}

impl Column {
    pub fn text(key: &'static str, label: &'static str) -> Column {
        Column {
            key,
            label,
            numeric: false,
        }
    }

    pub fn num(key: &'static str, label: &'static str) -> Column {
        Column {
            key,
            label,
            numeric: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Stable identity (`data-key`): a client id, "courier|client", a date.
    pub key: String,
    pub cells: Vec<Cell>,
}

/// Which column orders the rows, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub col: usize,
    pub desc: bool,
}

/// The order of items by their keys (a number, else lower-case text),
/// ties by position. The one sort of the reports screens: each sort call
/// with its own closure would add its own copy of the sort to the wasm.
pub fn order_by(keys: &[(Option<i64>, String)], desc: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (&keys[a], &keys[b]);
        let ord = match (x.0, y.0) {
            (Some(p), Some(q)) => p.cmp(&q),
            _ => x.1.cmp(&y.1),
        };
        (if desc { ord.reverse() } else { ord }).then(a.cmp(&b))
    });
    order
}

/// Rows ordered by one column; ties keep their order (the report's own).
pub fn sort_rows(rows: &[Row], sort: Option<Sort>) -> Vec<Row> {
    let Some(Sort { col, desc }) = sort else {
        return rows.to_vec();
    };
    let keys: Vec<(Option<i64>, String)> = rows
        .iter()
        .map(|r| {
            let c = r.cells.get(col);
            (
                c.and_then(Cell::numeric),
                c.map(Cell::raw).unwrap_or_default().to_lowercase(),
            )
        })
        .collect();
    order_by(&keys, desc)
        .into_iter()
        .map(|i| rows[i].clone())
        .collect()
}

/// The next sort after a click on column `col`.
pub fn clicked(current: Option<Sort>, col: usize, numeric: bool) -> Sort {
    match current {
        Some(s) if s.col == col => Sort { col, desc: !s.desc },
        _ => Sort { col, desc: numeric },
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportTableProps {
    pub id: AttrValue,
    pub lang: Lang,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    #[prop_or_default]
    pub totals: Option<Vec<Cell>>,
    /// Shown instead of an empty body.
    pub empty: AttrValue,
    /// Rows sorted elsewhere (by the server): shown as they come, and a
    /// header click asks for the column (its index) instead of sorting.
    #[prop_or_default]
    pub on_sort: Option<Callback<usize>>,
    /// The order the rows came in, when `on_sort` is set.
    #[prop_or_default]
    pub sorted: Option<Sort>,
    /// A click on a row gives its key (class `drill` on the rows).
    #[prop_or_default]
    pub on_row: Option<Callback<String>>,
}

#[function_component]
pub fn ReportTable(p: &ReportTableProps) -> Html {
    let sort = use_state(|| None::<Sort>);
    // Another grouping brings other columns: the old sort means nothing there.
    {
        let sort = sort.clone();
        let keys: Vec<&'static str> = p.columns.iter().map(|c| c.key).collect();
        use_effect_with(keys, move |_| sort.set(None));
    }
    let (rows, shown) = match &p.on_sort {
        Some(_) => (p.rows.clone(), p.sorted),
        None => (sort_rows(&p.rows, *sort), *sort),
    };
    let head = p.columns.iter().enumerate().map(|(i, c)| {
        let onclick = match &p.on_sort {
            Some(ask) => ask.reform(move |_: MouseEvent| i),
            None => {
                let (sort, numeric) = (sort.clone(), c.numeric);
                Callback::from(move |_: MouseEvent| sort.set(Some(clicked(*sort, i, numeric))))
            }
        };
        let aria = match shown {
            Some(s) if s.col == i && s.desc => "descending",
            Some(s) if s.col == i => "ascending",
            _ => "none",
        };
        html! {
            <th data-col={c.key} aria-sort={aria} class={classes!(c.numeric.then_some("num"))}>
                <button type="button" class="sort" {onclick}>{ c.label }</button>
            </th>
        }
    });
    let cell = |c: &Column, v: &Cell| {
        html! {
            <td data-col={c.key} data-value={v.raw()} class={classes!(c.numeric.then_some("num"))}>
                { v.view(p.lang) }
            </td>
        }
    };
    html! {
        <div class="report-table-wrap">
            <table class="report-table" id={p.id.clone()}>
                <thead><tr>{ for head }</tr></thead>
                <tbody>
                    if rows.is_empty() {
                        <tr class="empty"><td colspan={p.columns.len().to_string()}>{ p.empty.clone() }</td></tr>
                    }
                    { for rows.iter().map(|r| {
                        let onclick = p.on_row.as_ref().map(|f| {
                            let key = r.key.clone();
                            f.reform(move |_: MouseEvent| key.clone())
                        });
                        html! {
                        <tr key={r.key.clone()} class={classes!("report-row", onclick.is_some().then_some("drill"))}
                            data-key={r.key.clone()} {onclick}>
                            { for p.columns.iter().zip(r.cells.iter()).map(|(c, v)| cell(c, v)) }
                        </tr>
                    }}) }
                </tbody>
                if let Some(totals) = &p.totals {
                    <tfoot>
                        <tr class="report-totals">
                            { for p.columns.iter().zip(totals.iter()).map(|(c, v)| cell(c, v)) }
                        </tr>
                    </tfoot>
                }
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, name: &str, n: i64) -> Row {
        Row {
            key: key.into(),
            cells: vec![Cell::Text(name.into()), Cell::Int(n)],
        }
    }

    fn keys(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.key.as_str()).collect()
    }

    #[test]
    fn numbers_sort_by_value_and_text_ignoring_case() {
        let rows = vec![
            row("a", "boris", 10),
            row("b", "Anna", 9),
            row("c", "Vera", 100),
        ];
        assert_eq!(keys(&sort_rows(&rows, None)), ["a", "b", "c"]);
        let by_n = sort_rows(&rows, Some(Sort { col: 1, desc: true }));
        assert_eq!(keys(&by_n), ["c", "a", "b"]);
        let by_name = sort_rows(
            &rows,
            Some(Sort {
                col: 0,
                desc: false,
            }),
        );
        assert_eq!(keys(&by_name), ["b", "a", "c"]);
    }

    #[test]
    fn a_second_click_turns_the_order_round() {
        let s = clicked(None, 1, true);
        assert_eq!(s, Sort { col: 1, desc: true });
        assert_eq!(
            clicked(Some(s), 1, true),
            Sort {
                col: 1,
                desc: false
            }
        );
        assert_eq!(
            clicked(Some(s), 0, false),
            Sort {
                col: 0,
                desc: false
            }
        );
    }
}
