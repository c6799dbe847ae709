//! Each report as workbook sheets, with headers in English or Russian.

use rodnik_shared::api::{
    DailyDeliveries, DailyOrders, LostClientsReport, LostMonthly, OrdersReport, SalesReport,
};
use rodnik_shared::{ClientKind, ProductKind};

use super::xlsx::{Cell, Sheet};

/// The language of a workbook's headers and words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub(crate) fn pick(self, en: &'static str, ru: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Ru => ru,
        }
    }
}

pub(crate) fn kind(l: Lang, k: ClientKind) -> &'static str {
    match k {
        ClientKind::Individual => l.pick("individual", "физлицо"),
        ClientKind::Legal => l.pick("legal entity", "юрлицо"),
    }
}

fn product_kind(l: Lang, k: ProductKind) -> &'static str {
    match k {
        ProductKind::Water => l.pick("water", "вода"),
        ProductKind::Goods => l.pick("goods", "товар"),
        ProductKind::Service => l.pick("service", "услуга"),
    }
}

pub(crate) fn total(l: Lang) -> Cell {
    Cell::text(l.pick("Total", "Итого"))
}

pub(crate) fn no_courier(l: Lang) -> &'static str {
    l.pick("(no courier)", "(без курьера)")
}

pub fn sales(r: &SalesReport, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: l.pick("Sales", "Продажи"),
        headers: vec![
            l.pick("Product", "Товар"),
            l.pick("Kind", "Вид"),
            l.pick("Quantity", "Количество"),
            l.pick("Amount", "Сумма"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::text(&x.name),
                    Cell::text(product_kind(l, x.kind)),
                    Cell::Int(x.qty),
                    Cell::Money(x.amount),
                ]
            })
            .collect(),
        totals: Some(vec![
            total(l),
            Cell::Empty,
            Cell::Int(r.totals.qty),
            Cell::Money(r.totals.amount),
        ]),
        after: vec![],
    }]
}

pub fn orders(r: &OrdersReport, l: Lang) -> Vec<Sheet> {
    let figure = |name: &'static str, n: i64| vec![Cell::text(name), Cell::Int(n)];
    vec![
        Sheet {
            name: l.pick("Orders", "Заказы"),
            headers: vec![l.pick("Measure", "Показатель"), l.pick("Orders", "Заказов")],
            rows: vec![
                figure(l.pick("Delivered", "Доставлено"), r.delivered),
                figure(l.pick("Cancelled", "Отменено"), r.cancelled),
                figure(l.pick("Open", "Открыто"), r.open),
            ],
            totals: Some(vec![total(l), Cell::Int(r.total)]),
            after: vec![figure(
                l.pick("Failed delivery attempts", "Неудачных попыток доставки"),
                r.failed_attempts,
            )],
        },
        Sheet {
            name: l.pick("By operator", "По операторам"),
            headers: vec![
                l.pick("Operator", "Оператор"),
                l.pick("Created", "Создано"),
                l.pick("Delivered", "Доставлено"),
            ],
            rows: r
                .by_operator
                .iter()
                .map(|x| {
                    vec![
                        Cell::text(&x.name),
                        Cell::Int(x.created),
                        Cell::Int(x.delivered),
                    ]
                })
                .collect(),
            totals: Some(vec![
                total(l),
                Cell::Int(r.by_operator.iter().map(|x| x.created).sum()),
                Cell::Int(r.by_operator.iter().map(|x| x.delivered).sum()),
            ]),
            after: vec![],
        },
        operator_calls(r, l),
    ]
}

/// The operators' calls per day: the phone load.
fn operator_calls(r: &OrdersReport, l: Lang) -> Sheet {
    let sum =
        |f: fn(&rodnik_shared::api::OperatorCalls) -> i64| Cell::Int(r.calls.iter().map(f).sum());
    Sheet {
        name: l.pick("Calls", "Звонки"),
        headers: vec![
            l.pick("Date", "Дата"),
            l.pick("Operator", "Оператор"),
            l.pick("Offered", "Поступило"),
            l.pick("Answered", "Принято"),
            l.pick("Missed", "Пропущено"),
            l.pick("Called back", "Перезвонили"),
            l.pick("Mean talk, s", "Средний разговор, с"),
            l.pick("Orders", "Заказов"),
            l.pick("Orders per answered call", "Заказов на принятый звонок"),
        ],
        rows: r
            .calls
            .iter()
            .map(|x| {
                vec![
                    Cell::Date(x.date.clone()),
                    Cell::text(&x.name),
                    Cell::Int(x.offered),
                    Cell::Int(x.answered),
                    Cell::Int(x.missed),
                    Cell::Int(x.called_back),
                    Cell::Int(x.avg_talk_seconds),
                    Cell::Int(x.orders),
                    Cell::Text(format!("{:.2}", x.orders_per_answered)),
                ]
            })
            .collect(),
        totals: Some(vec![
            total(l),
            Cell::Empty,
            sum(|x| x.offered),
            sum(|x| x.answered),
            sum(|x| x.missed),
            sum(|x| x.called_back),
            Cell::Empty,
            sum(|x| x.orders),
            Cell::Empty,
        ]),
        after: vec![],
    }
}

pub fn lost_clients(r: &LostClientsReport, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: l.pick("Lost clients", "Ушедшие клиенты"),
        headers: vec![
            l.pick("Client", "Клиент"),
            l.pick("Client type", "Тип клиента"),
            l.pick("Phones", "Телефоны"),
            l.pick("Last delivery", "Последняя доставка"),
            l.pick("Delivered orders", "Доставленных заказов"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::text(&x.name),
                    Cell::text(kind(l, x.kind)),
                    Cell::text(x.phones.join(", ")),
                    Cell::Date(x.last_delivery_date.clone()),
                    Cell::Int(x.delivered_orders),
                ]
            })
            .collect(),
        totals: Some(vec![
            total(l),
            Cell::Int(r.rows.len() as i64),
            Cell::Empty,
            Cell::Empty,
            Cell::Int(r.rows.iter().map(|x| x.delivered_orders).sum()),
        ]),
        after: vec![],
    }]
}

pub fn daily_deliveries(r: &DailyDeliveries, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: l.pick("Water per day", "Вода по дням"),
        headers: vec![
            l.pick("Date", "Дата"),
            l.pick("Courier", "Курьер"),
            l.pick("Orders", "Заказов"),
            l.pick("Water, units", "Воды, шт."),
            l.pick("Amount", "Сумма"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::Date(x.date.clone()),
                    Cell::text(x.courier_name.as_deref().unwrap_or(no_courier(l))),
                    Cell::Int(x.orders),
                    Cell::Int(x.water_qty),
                    Cell::Money(x.amount),
                ]
            })
            .collect(),
        totals: Some(vec![
            total(l),
            Cell::Empty,
            Cell::Int(r.totals.orders),
            Cell::Int(r.totals.water_qty),
            Cell::Money(r.totals.amount),
        ]),
        after: vec![],
    }]
}

pub fn daily_orders(r: &DailyOrders, l: Lang) -> Vec<Sheet> {
    let counts = |c: &rodnik_shared::api::StateCounts| {
        vec![
            Cell::Int(c.new),
            Cell::Int(c.delivery),
            Cell::Int(c.delivered),
            Cell::Int(c.cancelled),
            Cell::Int(c.total()),
            Cell::Int(c.failed_attempts),
        ]
    };
    vec![Sheet {
        name: l.pick("Orders per day", "Заказы по дням"),
        headers: vec![
            l.pick("Date", "Дата"),
            l.pick("New", "Новые"),
            l.pick("Out for delivery", "В доставке"),
            l.pick("Delivered", "Доставлены"),
            l.pick("Cancelled", "Отменены"),
            l.pick("Total", "Всего"),
            l.pick("Failed attempts", "Недовозы"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                let mut row = vec![Cell::Date(x.date.clone())];
                row.extend(counts(&x.counts));
                row
            })
            .collect(),
        totals: Some({
            let mut row = vec![total(l)];
            row.extend(counts(&r.totals));
            row
        }),
        after: vec![],
    }]
}

pub fn lost_monthly(r: &LostMonthly, l: Lang) -> Vec<Sheet> {
    vec![Sheet {
        name: l.pick("Lost per month", "Ушедшие по месяцам"),
        headers: vec![
            l.pick("Month", "Месяц"),
            l.pick("Became lost", "Ушли"),
            l.pick("Won back", "Вернулись"),
            l.pick("Lost at month end", "Ушедших на конец месяца"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::Month(x.month.clone()),
                    Cell::Int(x.lost),
                    Cell::Int(x.won_back),
                    Cell::Int(x.lost_at_end),
                ]
            })
            .collect(),
        totals: Some(vec![
            total(l),
            Cell::Int(r.rows.iter().map(|x| x.lost).sum()),
            Cell::Int(r.rows.iter().map(|x| x.won_back).sum()),
            Cell::Empty,
        ]),
        after: vec![],
    }]
}
