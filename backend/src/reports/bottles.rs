//! The bottle reports (issue 19, item 5): bottles in circulation now, the
//! period's moves by kind, empties collected against expected per courier,
//! and the bottle debtors; as JSON, CSV and workbook sheets.

use std::collections::{BTreeMap, HashMap};

use rodnik_shared::api::{
    BottleDebtor, BottleDebtors, BottleKindTotal, BottleMoveKind, BottleReport, BottleSettings,
    CourierEmpties, Order,
};
use rodnik_shared::OrderState;

use super::sheets::Lang;
use super::xlsx::{Cell, Sheet};
use crate::store::bottles::Holder;

/// The figures of clients now: at clients, holding, deposits, uncovered.
pub struct Circulation {
    pub at_clients: i64,
    pub clients_holding: i64,
    pub deposit_bottles: i64,
    pub deposit_held: i64,
    pub uncovered: i64,
}

/// Bottles `h` holds beyond the free ones and those deposits cover.
fn owed(h: &Holder, settings: &BottleSettings) -> i64 {
    (h.held - settings.free_for(h.kind) - h.deposit_bottles.max(0)).max(0)
}

pub fn circulation(holders: &[Holder], settings: &BottleSettings) -> Circulation {
    let mut c = Circulation {
        at_clients: 0,
        clients_holding: 0,
        deposit_bottles: 0,
        deposit_held: 0,
        uncovered: 0,
    };
    for h in holders {
        if h.held > 0 {
            c.at_clients += h.held;
            c.clients_holding += 1;
        }
        c.deposit_bottles += h.deposit_bottles;
        c.deposit_held += h.deposit_held;
        c.uncovered += owed(h, settings);
    }
    c
}

/// Empties per courier from the period's orders (delivered ones count).
/// A stop delivered before orders kept what they expected counts its full
/// bottles as expected.
pub fn couriers(orders: &[Order]) -> Vec<CourierEmpties> {
    let mut by: BTreeMap<String, CourierEmpties> = BTreeMap::new();
    for o in orders.iter().filter(|o| o.state == OrderState::Delivered) {
        let Some(courier) = &o.courier_id else {
            continue;
        };
        let row = by.entry(courier.clone()).or_insert_with(|| CourierEmpties {
            courier_id: courier.clone(),
            courier_name: o.courier_name.clone().unwrap_or_else(|| courier.clone()),
            stops: 0,
            full: 0,
            expected: 0,
            returned: 0,
            short: 0,
            short_stops: 0,
        });
        let full = i64::from(o.returnable_qty());
        let expected = o.empties_expected.map_or(full, i64::from);
        let back = i64::from(o.empties_returned.unwrap_or(0));
        row.stops += 1;
        row.full += full;
        row.expected += expected;
        row.returned += back;
        if back < expected {
            row.short += expected - back;
            row.short_stops += 1;
        }
    }
    let mut out: Vec<CourierEmpties> = by.into_values().collect();
    out.sort_by(|a, b| a.courier_name.cmp(&b.courier_name));
    out
}

pub fn report(
    from: &str,
    to: &str,
    c: Circulation,
    mut moves: Vec<BottleKindTotal>,
    orders: &[Order],
) -> BottleReport {
    moves.sort_by_key(|m| m.kind.as_str());
    BottleReport {
        from: from.to_string(),
        to: to.to_string(),
        at_clients: c.at_clients,
        clients_holding: c.clients_holding,
        deposit_bottles: c.deposit_bottles,
        deposit_held: c.deposit_held,
        uncovered: c.uncovered,
        fleet: None,
        fleet_counted_at: None,
        gone_since_count: 0,
        in_stock: None,
        moves,
        couriers: couriers(orders),
    }
}

/// The stock figure of `r`: the company's count less the bottles written
/// off or sold since (`gone`, from the ledger) less those at clients now.
pub fn with_stock(mut r: BottleReport, settings: &BottleSettings, gone: i64) -> BottleReport {
    if let Some(fleet) = settings.fleet {
        r.fleet = Some(fleet);
        r.fleet_counted_at = settings.fleet_counted_at.clone();
        r.gone_since_count = gone;
        r.in_stock = Some(fleet - gone - r.at_clients);
    }
    r
}

/// Clients holding more than the free ones and their deposits cover.
pub fn debtors(holders: &[Holder], settings: &BottleSettings) -> BottleDebtors {
    let debtors: Vec<BottleDebtor> = holders
        .iter()
        .filter_map(|h| {
            let n = owed(h, settings);
            (n > 0).then(|| BottleDebtor {
                client_id: h.id.clone(),
                name: h.name.clone(),
                kind: h.kind,
                held: h.held,
                free: settings.free_for(h.kind),
                deposit_bottles: h.deposit_bottles,
                owed: n,
                owed_amount: n.saturating_mul(settings.deposit_price.0),
                last_delivery: None,
            })
        })
        .collect();
    BottleDebtors {
        owed: debtors.iter().map(|d| d.owed).sum(),
        owed_amount: debtors.iter().map(|d| d.owed_amount).sum(),
        debtors,
    }
}

/// The debtors with their last deliveries: the longest without one first,
/// those never delivered to (bottles from an opening balance) before all.
pub fn by_last_delivery(mut r: BottleDebtors, last: &HashMap<String, String>) -> BottleDebtors {
    for d in &mut r.debtors {
        d.last_delivery = last.get(&d.client_id).cloned();
    }
    r.debtors.sort_by(|a, b| {
        a.last_delivery
            .cmp(&b.last_delivery)
            .then(b.owed.cmp(&a.owed))
            .then(a.name.cmp(&b.name))
    });
    r
}

fn kind_name(l: Lang, k: BottleMoveKind) -> &'static str {
    let ru = l == Lang::Ru;
    match k {
        BottleMoveKind::Opening => {
            if ru {
                "начальный остаток"
            } else {
                "opening"
            }
        }
        BottleMoveKind::Delivered => {
            if ru {
                "привезли полные"
            } else {
                "delivered full"
            }
        }
        BottleMoveKind::Returned => {
            if ru {
                "забрали пустые"
            } else {
                "empties returned"
            }
        }
        BottleMoveKind::Sold => {
            if ru {
                "продано"
            } else {
                "sold"
            }
        }
        BottleMoveKind::DepositTaken => {
            if ru {
                "взят залог"
            } else {
                "deposit taken"
            }
        }
        BottleMoveKind::DepositRefunded => {
            if ru {
                "возвращён залог"
            } else {
                "deposit paid back"
            }
        }
        BottleMoveKind::WrittenOff => {
            if ru {
                "списано (потеряно)"
            } else {
                "written off (lost)"
            }
        }
        BottleMoveKind::Adjusted => {
            if ru {
                "исправлено"
            } else {
                "adjusted"
            }
        }
    }
}

/// CSV: empties per courier (the table a manager works from).
pub fn csv(r: &BottleReport) -> String {
    super::write_csv(
        &[
            "courier_id",
            "courier_name",
            "stops",
            "full",
            "expected",
            "returned",
            "short",
            "short_stops",
        ],
        r.couriers.iter().map(|c| {
            (
                &c.courier_id,
                super::cell(&c.courier_name),
                c.stops,
                c.full,
                c.expected,
                c.returned,
                c.short,
                c.short_stops,
            )
        }),
    )
}

pub fn sheets(r: &BottleReport, l: Lang) -> Vec<Sheet> {
    let pick = |en: &'static str, ru: &'static str| if l == Lang::Ru { ru } else { en };
    let sum = |f: fn(&CourierEmpties) -> i64| Cell::Int(r.couriers.iter().map(f).sum());
    vec![
        Sheet {
            name: pick("Empties", "Пустые"),
            headers: vec![
                pick("Courier", "Курьер"),
                pick("Stops", "Точек"),
                pick("Full delivered", "Привезли полных"),
                pick("Empties expected", "Ожидалось пустых"),
                pick("Empties returned", "Забрали пустых"),
                pick("Short", "Недобор"),
                pick("Stops short", "Точек с недобором"),
            ],
            rows: r
                .couriers
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(&c.courier_name),
                        Cell::Int(c.stops),
                        Cell::Int(c.full),
                        Cell::Int(c.expected),
                        Cell::Int(c.returned),
                        Cell::Int(c.short),
                        Cell::Int(c.short_stops),
                    ]
                })
                .collect(),
            totals: Some(vec![
                Cell::text(pick("Total", "Итого")),
                sum(|c| c.stops),
                sum(|c| c.full),
                sum(|c| c.expected),
                sum(|c| c.returned),
                sum(|c| c.short),
                sum(|c| c.short_stops),
            ]),
            after: vec![],
        },
        Sheet {
            name: pick("Movements", "Движение"),
            headers: vec![
                pick("Kind", "Вид"),
                pick("Moves", "Записей"),
                pick("Bottles", "Бутылей"),
                pick("Deposit bottles", "Бутылей под залог"),
                pick("Deposit", "Залог"),
            ],
            rows: r
                .moves
                .iter()
                .map(|m| {
                    vec![
                        Cell::text(kind_name(l, m.kind)),
                        Cell::Int(m.moves),
                        Cell::Int(m.qty),
                        Cell::Int(m.deposit_bottles),
                        Cell::Money(m.amount),
                    ]
                })
                .collect(),
            totals: None,
            after: vec![
                vec![Cell::text(pick("Now", "Сейчас"))],
                vec![
                    Cell::text(pick("Bottles at clients", "Бутылей у клиентов")),
                    Cell::Int(r.at_clients),
                ],
                vec![
                    Cell::text(pick("Clients holding", "Клиентов с бутылями")),
                    Cell::Int(r.clients_holding),
                ],
                vec![
                    Cell::text(pick("Bottles under deposit", "Бутылей под залогом")),
                    Cell::Int(r.deposit_bottles),
                ],
                vec![
                    Cell::text(pick("Deposits held", "Залогов на руках")),
                    Cell::Money(r.deposit_held),
                ],
                vec![
                    Cell::text(pick("Held beyond the rule", "Сверх правила")),
                    Cell::Int(r.uncovered),
                ],
            ],
        },
    ]
}

pub fn debtors_csv(r: &BottleDebtors) -> String {
    super::write_csv(
        &[
            "client_id",
            "name",
            "kind",
            "held",
            "free",
            "deposit_bottles",
            "owed",
            "owed_amount",
            "last_delivery",
        ],
        r.debtors.iter().map(|d| {
            (
                &d.client_id,
                super::cell(&d.name),
                d.kind.as_str(),
                d.held,
                d.free,
                d.deposit_bottles,
                d.owed,
                d.owed_amount,
                d.last_delivery.as_deref().unwrap_or(""),
            )
        }),
    )
}

pub fn debtors_sheets(r: &BottleDebtors, l: Lang) -> Vec<Sheet> {
    let pick = |en: &'static str, ru: &'static str| if l == Lang::Ru { ru } else { en };
    vec![Sheet {
        name: pick("Bottle debtors", "Должники по таре"),
        headers: vec![
            pick("Client", "Клиент"),
            pick("Kind", "Тип"),
            pick("Holds", "Бутылей"),
            pick("Free", "Без залога"),
            pick("Under deposit", "Под залогом"),
            pick("Owed", "Сверх"),
            pick("At the deposit price", "По цене залога"),
            pick("Last delivery", "Последняя доставка"),
        ],
        rows: r
            .debtors
            .iter()
            .map(|d| {
                vec![
                    Cell::text(&d.name),
                    Cell::text(match (l, d.kind) {
                        (Lang::Ru, rodnik_shared::ClientKind::Legal) => "юрлицо",
                        (Lang::Ru, _) => "физлицо",
                        (_, k) => k.as_str(),
                    }),
                    Cell::Int(d.held),
                    Cell::Int(d.free),
                    Cell::Int(d.deposit_bottles),
                    Cell::Int(d.owed),
                    Cell::Money(d.owed_amount),
                    d.last_delivery
                        .as_deref()
                        .map(|t| Cell::Date(t.chars().take(10).collect()))
                        .unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
        totals: Some(vec![
            Cell::text(pick("Total", "Итого")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Int(r.owed),
            Cell::Money(r.owed_amount),
            Cell::Empty,
        ]),
        after: vec![],
    }]
}
