//! Equipment rentals (issue 19, items 3 and 5): each agreement in force in
//! a month, its days, the bottles its address took, whether the minimum
//! waived the fee, and what it charges; as JSON, CSV and a workbook sheet.

use std::collections::HashMap;

use chrono::NaiveDate;
use rodnik_shared::api::{
    Equipment, Rental, RentalCharge, RentalCharges, SanitationDue, SanitationReport,
};
use rodnik_shared::equipment::{charge, sanitation_due, Terms};
use rodnik_shared::{ClientKind, Money};

use super::sheets::Lang;
use super::xlsx::{Cell, Sheet};

/// The month's charges of `rentals` (in force that month), `bottles` by
/// (client, address).
pub fn charges(
    year: i32,
    month: u32,
    rentals: &[Rental],
    bottles: &HashMap<(String, String), u32>,
) -> RentalCharges {
    let mut rows = vec![];
    for r in rentals {
        let (Ok(start), ended_on) = (
            r.start.parse::<NaiveDate>(),
            r.ended_on
                .as_deref()
                .and_then(|d| d.parse::<NaiveDate>().ok()),
        ) else {
            continue;
        };
        let terms = Terms {
            start,
            months: r.months,
            ended_on,
            monthly_fee: r.monthly_fee,
            free_from_bottles: r.free_from_bottles,
        };
        let took = bottles
            .get(&(r.client_id.clone(), r.address_id.clone()))
            .copied()
            .unwrap_or(0);
        let Some(c) = charge(&terms, year, month, took) else {
            continue;
        };
        if c.days == 0 {
            continue;
        }
        rows.push(RentalCharge {
            rental_id: r.id.clone(),
            number: r.number,
            client_id: r.client_id.clone(),
            client_name: r.client_name.clone(),
            client_kind: r.client_kind,
            address_text: r.address_text.clone(),
            kind: r.kind,
            model: r.model.clone(),
            serial: r.serial.clone(),
            start: r.start.clone(),
            ended_on: r.ended_on.clone(),
            monthly_fee: r.monthly_fee,
            free_from_bottles: r.free_from_bottles,
            days: c.days,
            days_in_month: c.days_in_month,
            bottles: took,
            waived: c.waived,
            amount: c.amount,
        });
    }
    rows.sort_by(|a, b| {
        a.client_name
            .cmp(&b.client_name)
            .then(a.number.cmp(&b.number))
    });
    RentalCharges {
        month: format!("{year:04}-{month:02}"),
        agreements: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        waived: u32::try_from(rows.iter().filter(|r| r.waived).count()).unwrap_or(u32::MAX),
        total: rows.iter().map(|r| r.amount).sum::<Money>(),
        rows,
    }
}

pub fn csv(r: &RentalCharges) -> String {
    super::write_csv(
        &[
            "rental",
            "client_id",
            "client",
            "kind",
            "address",
            "equipment",
            "model",
            "serial",
            "start",
            "ended_on",
            "monthly_fee",
            "free_from_bottles",
            "days",
            "days_in_month",
            "bottles",
            "waived",
            "amount",
        ],
        r.rows.iter().map(|c| {
            vec![
                c.number.to_string(),
                c.client_id.clone(),
                super::cell(&c.client_name).into_owned(),
                c.client_kind.as_str().to_string(),
                super::cell(&c.address_text).into_owned(),
                c.kind.as_str().to_string(),
                super::cell(&c.model).into_owned(),
                super::cell(&c.serial).into_owned(),
                c.start.clone(),
                c.ended_on.clone().unwrap_or_default(),
                c.monthly_fee.0.to_string(),
                c.free_from_bottles
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                c.days.to_string(),
                c.days_in_month.to_string(),
                c.bottles.to_string(),
                c.waived.to_string(),
                c.amount.0.to_string(),
            ]
        }),
    )
}

pub fn sheets(r: &RentalCharges, l: Lang) -> Vec<Sheet> {
    let pick = |en: &'static str, ru: &'static str| if l == Lang::Ru { ru } else { en };
    vec![Sheet {
        name: pick("Rent due", "Аренда к оплате"),
        headers: vec![
            pick("Agreement", "Договор"),
            pick("Client", "Клиент"),
            pick("Kind", "Тип"),
            pick("Address", "Адрес"),
            pick("Model", "Модель"),
            pick("Serial", "Серийный №"),
            pick("Since", "С"),
            pick("Returned", "Возвращён"),
            pick("Monthly fee", "Плата в месяц"),
            pick("Free from, bottles", "Бесплатно от, бут."),
            pick("Days", "Дней"),
            pick("Bottles", "Бутылей"),
            pick("Amount", "К оплате"),
        ],
        rows: r
            .rows
            .iter()
            .map(|c| {
                vec![
                    Cell::Int(c.number),
                    Cell::text(&c.client_name),
                    Cell::text(match (l, c.client_kind) {
                        (Lang::Ru, ClientKind::Legal) => "юрлицо",
                        (Lang::Ru, _) => "физлицо",
                        (_, k) => k.as_str(),
                    }),
                    Cell::text(&c.address_text),
                    Cell::text(&c.model),
                    Cell::text(&c.serial),
                    Cell::Date(c.start.clone()),
                    c.ended_on.clone().map(Cell::Date).unwrap_or(Cell::Empty),
                    Cell::Money(c.monthly_fee.0),
                    c.free_from_bottles
                        .map(|n| Cell::Int(i64::from(n)))
                        .unwrap_or(Cell::Empty),
                    Cell::Int(i64::from(c.days)),
                    Cell::Int(i64::from(c.bottles)),
                    Cell::Money(c.amount.0),
                ]
            })
            .collect(),
        totals: Some(vec![
            Cell::text(pick("Total", "Итого")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(r.total.0),
        ]),
        after: vec![],
    }]
}

/// Equipment at clients due for sanitation by `today + within` days (every
/// `months` months from the day it was last sanitised), longest overdue
/// first; `ordered`: (equipment, order id, number) of open sanitation orders.
pub fn sanitation(
    today: NaiveDate,
    within: u32,
    months: u32,
    at_clients: &[Equipment],
    rentals: &[Rental],
    ordered: &[(String, String, i64)],
) -> SanitationReport {
    let horizon = today + chrono::Days::new(u64::from(within));
    let by_equipment: HashMap<&str, &Rental> = rentals
        .iter()
        .map(|r| (r.equipment_id.as_str(), r))
        .collect();
    let mut rows = vec![];
    for e in at_clients {
        let rental = by_equipment.get(e.id.as_str()).copied();
        let Some(last) = e
            .sanitized_on
            .as_deref()
            .or(rental.map(|r| r.start.as_str()))
            .and_then(|d| d.parse::<NaiveDate>().ok())
        else {
            continue;
        };
        let Some(due) = sanitation_due(last, months) else {
            continue;
        };
        if due > horizon {
            continue;
        }
        let order = ordered.iter().find(|(id, _, _)| *id == e.id);
        rows.push(SanitationDue {
            equipment_id: e.id.clone(),
            kind: e.kind,
            model: e.model.clone(),
            serial: e.serial.clone(),
            client_id: e.client_id.clone().unwrap_or_default(),
            client_name: e.client_name.clone().unwrap_or_default(),
            client_kind: rental.map_or(ClientKind::Individual, |r| r.client_kind),
            address_id: e.address_id.clone().unwrap_or_default(),
            address_text: rental.map(|r| r.address_text.clone()).unwrap_or_default(),
            rental_id: rental.map(|r| r.id.clone()),
            rental_number: rental.map(|r| r.number),
            sanitized_on: last.to_string(),
            due: due.to_string(),
            overdue_days: (today - due).num_days(),
            order_id: order.map(|o| o.1.clone()),
            order_number: order.map(|o| o.2),
        });
    }
    rows.sort_by(|a, b| a.due.cmp(&b.due).then(a.serial.cmp(&b.serial)));
    SanitationReport {
        as_of: today.to_string(),
        within_days: within,
        sanitation_months: months,
        overdue: u32::try_from(rows.iter().filter(|r| r.overdue_days > 0).count())
            .unwrap_or(u32::MAX),
        ordered: u32::try_from(rows.iter().filter(|r| r.order_id.is_some()).count())
            .unwrap_or(u32::MAX),
        rows,
    }
}

pub fn sanitation_csv(r: &SanitationReport) -> String {
    super::write_csv(
        &[
            "equipment_id",
            "kind",
            "model",
            "serial",
            "client_id",
            "client",
            "address",
            "rental",
            "sanitized_on",
            "due",
            "overdue_days",
            "order",
        ],
        r.rows.iter().map(|d| {
            (
                &d.equipment_id,
                d.kind.as_str(),
                super::cell(&d.model),
                super::cell(&d.serial),
                &d.client_id,
                super::cell(&d.client_name),
                super::cell(&d.address_text),
                d.rental_number.map(|n| n.to_string()).unwrap_or_default(),
                &d.sanitized_on,
                &d.due,
                d.overdue_days,
                d.order_number.map(|n| n.to_string()).unwrap_or_default(),
            )
        }),
    )
}

pub fn sanitation_sheets(r: &SanitationReport, l: Lang) -> Vec<Sheet> {
    let pick = |en: &'static str, ru: &'static str| if l == Lang::Ru { ru } else { en };
    vec![Sheet {
        name: pick("Sanitation due", "Санобработка"),
        headers: vec![
            pick("Client", "Клиент"),
            pick("Address", "Адрес"),
            pick("Model", "Модель"),
            pick("Serial", "Серийный №"),
            pick("Last sanitised", "Последняя обработка"),
            pick("Due", "Срок"),
            pick("Days overdue", "Просрочено, дней"),
            pick("Order", "Заказ"),
        ],
        rows: r
            .rows
            .iter()
            .map(|d| {
                vec![
                    Cell::text(&d.client_name),
                    Cell::text(&d.address_text),
                    Cell::text(&d.model),
                    Cell::text(&d.serial),
                    Cell::Date(d.sanitized_on.clone()),
                    Cell::Date(d.due.clone()),
                    Cell::Int(d.overdue_days.max(0)),
                    d.order_number.map(Cell::Int).unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
        totals: None,
        after: vec![],
    }]
}
