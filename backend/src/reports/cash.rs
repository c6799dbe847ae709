//! The cash report (issue 18, item 7) as CSV and workbook sheets: per
//! courier per day, cash due, collected, handed over, received, difference.

use rodnik_shared::api::{CashReport, HandoverState};

use super::sheets::Lang;
use super::xlsx::{Cell, Sheet};

fn state_name(l: Lang, s: Option<HandoverState>) -> &'static str {
    match (l, s) {
        (Lang::En, None) => "not handed over",
        (Lang::En, Some(HandoverState::Submitted)) => "handed over",
        (Lang::En, Some(HandoverState::Confirmed)) => "confirmed",
        (Lang::Ru, None) => "не сдано",
        (Lang::Ru, Some(HandoverState::Submitted)) => "сдано",
        (Lang::Ru, Some(HandoverState::Confirmed)) => "принято",
    }
}

pub fn csv(r: &CashReport) -> String {
    super::write_csv(
        &[
            "date",
            "courier_id",
            "courier_name",
            "stops",
            "due",
            "collected",
            "handed_over",
            "received",
            "difference",
            "state",
            "comment",
        ],
        r.rows.iter().map(|x| {
            (
                &x.date,
                &x.courier_id,
                super::cell(&x.courier_name),
                x.stops,
                x.due,
                x.collected,
                x.handed_over,
                x.received,
                x.difference,
                match x.state {
                    None => "",
                    Some(HandoverState::Submitted) => "submitted",
                    Some(HandoverState::Confirmed) => "confirmed",
                },
                super::cell(x.comment.as_deref().unwrap_or("")),
            )
        }),
    )
}

pub fn sheets(r: &CashReport, l: Lang) -> Vec<Sheet> {
    let pick = |en: &'static str, ru: &'static str| if l == Lang::Ru { ru } else { en };
    let money = |m: Option<i64>| m.map(Cell::Money).unwrap_or(Cell::Empty);
    vec![Sheet {
        name: pick("Cash", "Касса"),
        headers: vec![
            pick("Date", "Дата"),
            pick("Courier", "Курьер"),
            pick("Stops", "Точек"),
            pick("Due", "К получению"),
            pick("Collected", "Получено"),
            pick("Handed over", "Сдано"),
            pick("Received", "Принято"),
            pick("Difference", "Разница"),
            pick("State", "Состояние"),
            pick("Comment", "Комментарий"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::Date(x.date.clone()),
                    Cell::text(&x.courier_name),
                    Cell::Int(x.stops),
                    Cell::Money(x.due),
                    Cell::Money(x.collected),
                    money(x.handed_over),
                    money(x.received),
                    money(x.difference),
                    Cell::text(state_name(l, x.state)),
                    Cell::text(x.comment.as_deref().unwrap_or("")),
                ]
            })
            .collect(),
        totals: Some(vec![
            Cell::text(pick("Total", "Итого")),
            Cell::Empty,
            Cell::Empty,
            Cell::Money(r.totals.due),
            Cell::Money(r.totals.collected),
            Cell::Money(r.totals.handed_over),
            Cell::Money(r.totals.received),
            Cell::Money(r.totals.difference),
            Cell::Empty,
            Cell::Empty,
        ]),
        after: vec![],
    }]
}
