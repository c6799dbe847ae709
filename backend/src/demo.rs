//! `rodnik demo`: a realistic company to click through — a price list, staff,
//! a few hundred individual and legal clients with Russian names, phones and
//! addresses, six months of order history, and today's work in progress.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rodnik_shared::api::{AddressInput, Attempt, CreateClient, Order, OrderLine, Product, User};
use rodnik_shared::validate;
use rodnik_shared::{ClientKind, Money, OrderState, ProductKind, Qty, Role, TimeWindow};

use crate::app::AppState;
use crate::auth;
use crate::error::{Error, Result};
use crate::store::catalogue::NewProduct;
use crate::store::new_key;
use crate::store::users::NewUser;

pub const DEMO_PASSWORD: &str = "demo12345";

pub(crate) const PRODUCTS: &[(&str, &str, ProductKind, &str, i64, bool)] = &[
    (
        "W19",
        "Вода питьевая 19 л",
        ProductKind::Water,
        "бут.",
        35000,
        true,
    ),
    (
        "W5",
        "Вода питьевая 5 л",
        ProductKind::Water,
        "бут.",
        15000,
        false,
    ),
    (
        "W15",
        "Вода питьевая 1,5 л (6 шт.)",
        ProductKind::Water,
        "уп.",
        24000,
        false,
    ),
    (
        "CUP",
        "Стаканчики одноразовые (100 шт.)",
        ProductKind::Goods,
        "уп.",
        18000,
        false,
    ),
    (
        "PUMP",
        "Помпа механическая",
        ProductKind::Goods,
        "шт.",
        45000,
        false,
    ),
    (
        "PUMPE",
        "Помпа электрическая",
        ProductKind::Goods,
        "шт.",
        120000,
        false,
    ),
    (
        "COOL",
        "Кулер напольный",
        ProductKind::Goods,
        "шт.",
        990000,
        false,
    ),
    (
        "RACK",
        "Стойка для бутылей",
        ProductKind::Goods,
        "шт.",
        250000,
        false,
    ),
    (
        "SAN",
        "Санобработка кулера",
        ProductKind::Service,
        "усл.",
        150000,
        false,
    ),
    (
        "INST",
        "Установка кулера",
        ProductKind::Service,
        "усл.",
        50000,
        false,
    ),
];

pub(crate) const FIRST_M: &[&str] = &[
    "Иван",
    "Сергей",
    "Алексей",
    "Дмитрий",
    "Андрей",
    "Михаил",
    "Николай",
    "Павел",
    "Владимир",
    "Олег",
    "Артём",
    "Максим",
];
pub(crate) const FIRST_F: &[&str] = &[
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Мария",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Екатерина",
    "Юлия",
    "Дарья",
    "Алина",
];
pub(crate) const LAST: &[&str] = &[
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
];
pub(crate) const COMPANY: &[&str] = &[
    "Ромашка",
    "Вектор",
    "Альфа-Строй",
    "Северный ветер",
    "ТехноПарк",
    "Гранит",
    "Меридиан",
    "Солнечный берег",
    "Горизонт",
    "Инфотех",
    "Стройресурс",
    "Медикал",
    "Логистик Плюс",
    "Бизнес-Центр Орион",
    "Авангард",
];
pub(crate) const FORMS: &[&str] = &["ООО", "АО", "ИП"];
pub(crate) const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Гагарина",
    "пр-т Мира",
    "ул. Садовая",
    "ул. Советская",
    "Ленинградский пр-т",
    "ул. Профсоюзная",
    "ул. Тверская",
    "ул. Новослободская",
    "Кутузовский пр-т",
    "ул. Строителей",
    "ул. Лесная",
    "Варшавское ш.",
    "ул. Академика Королёва",
];
pub(crate) const FAIL_REASONS: &[&str] = &[
    "Клиент отсутствует",
    "Неверный адрес",
    "Нет доступа в подъезд",
    "Клиент отказался",
    "Не успел по времени",
];
pub(crate) const CANCEL_REASONS: &[&str] = &[
    "Клиент передумал",
    "Дубль заказа",
    "Купил в магазине",
    "Переезд",
];

/// Fills the database unless it already has a price list.
pub async fn fill_if_empty(state: &AppState, seed: u64) -> Result<()> {
    if !state.store.list_products().await?.is_empty() {
        println!("The database already has data; demo data not added.");
        print_logins();
        return Ok(());
    }
    fill(state, seed).await
}

fn print_logins() {
    println!("Demo logins (password '{DEMO_PASSWORD}'): operator olga (extension 101), operator marina (102), manager pavel, couriers kolya, sasha, dima, vitya, zhenya.");
}

/// A line of `qty` of `p` at the client's contract price or the list price.
pub(crate) fn priced_line(
    p: &Product,
    qty: u32,
    contract: &HashMap<String, Money>,
) -> Option<OrderLine> {
    let q = Qty::parse(i64::from(qty), "qty").ok()?;
    Some(rodnik_shared::pricing::order_line(p, q, contract))
}

pub(crate) fn individual_name(rng: &mut StdRng) -> String {
    let last = *LAST.choose(rng).unwrap_or(&"Иванов");
    if rng.gen_bool(0.5) {
        format!("{last} {}", FIRST_M.choose(rng).unwrap_or(&"Иван"))
    } else {
        format!("{last}а {}", FIRST_F.choose(rng).unwrap_or(&"Анна"))
    }
}

pub(crate) fn phone(rng: &mut StdRng) -> String {
    format!(
        "+79{:02}{:07}",
        rng.gen_range(0..100),
        rng.gen_range(0..10_000_000)
    )
}

pub(crate) fn address(rng: &mut StdRng, office: bool) -> AddressInput {
    let street = STREETS.choose(rng).unwrap_or(&"ул. Ленина");
    let text = if office {
        format!(
            "Москва, {street}, д. {}, офис {}",
            rng.gen_range(1..150),
            rng.gen_range(1..500)
        )
    } else {
        format!(
            "Москва, {street}, д. {}, кв. {}",
            rng.gen_range(1..150),
            rng.gen_range(1..300)
        )
    };
    AddressInput {
        text,
        label: office.then(|| {
            ["Офис", "Склад", "Приёмная", "Цех"]
                .choose(rng)
                .unwrap_or(&"Офис")
                .to_string()
        }),
        contact_name: Some(individual_name(rng)),
        contact_phone: Some(phone(rng)),
        lat: Some(55.60 + rng.gen_range(0.0..0.3)),
        lon: Some(37.40 + rng.gen_range(0.0..0.4)),
    }
}

/// The demo price list (water, goods, services), created in the store.
pub(crate) async fn create_price_list(store: &crate::store::Store) -> Result<Vec<Product>> {
    let mut products: Vec<Product> = Vec::new();
    for (sku, name, kind, unit, price, returnable) in PRODUCTS {
        products.push(
            store
                .create_product(NewProduct {
                    sku: sku.to_string(),
                    name: name.to_string(),
                    kind: *kind,
                    unit: unit.to_string(),
                    price: Money(*price),
                    returnable: *returnable,
                })
                .await?,
        );
    }
    Ok(products)
}

pub async fn fill(state: &AppState, seed: u64) -> Result<()> {
    let store = &state.store;
    let mut rng = StdRng::seed_from_u64(seed);
    let today = state.cfg.today();

    let products = create_price_list(store).await?;

    let hash = auth::hash_password(DEMO_PASSWORD)?;
    let staff: &[(&str, &str, Role, Option<&str>)] = &[
        ("olga", "Ольга Смирнова", Role::Operator, Some("101")),
        ("marina", "Марина Козлова", Role::Operator, Some("102")),
        ("pavel", "Павел Андреев", Role::Manager, None),
        ("kolya", "Николай Орлов", Role::Courier, None),
        ("sasha", "Александр Белов", Role::Courier, None),
        ("dima", "Дмитрий Гусев", Role::Courier, None),
        ("vitya", "Виктор Зайцев", Role::Courier, None),
        ("zhenya", "Евгений Титов", Role::Courier, None),
    ];
    let mut operators: Vec<User> = Vec::new();
    let mut couriers: Vec<User> = Vec::new();
    for (username, name, role, ext) in staff {
        let u = store
            .create_user(NewUser {
                username: username.to_string(),
                name: name.to_string(),
                role: *role,
                phone: Some(
                    rodnik_shared::Phone::parse(&phone(&mut rng), "RU")
                        .map_err(|e| Error::Internal(e.to_string()))?,
                ),
                extension: ext.map(str::to_string),
                password_hash: hash.clone(),
            })
            .await?;
        match role {
            Role::Courier => couriers.push(u),
            _ => operators.push(u),
        }
    }

    let client_count = 300;
    let bar = ProgressBar::new(client_count as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("clients");
    struct DemoClient {
        summary: rodnik_shared::api::ClientSummary,
        contract: HashMap<String, Money>,
        /// Days between orders, and the courier who usually serves them.
        every: i64,
        courier: usize,
        lost: bool,
    }
    let mut clients: Vec<DemoClient> = Vec::new();
    for i in 0..client_count {
        let legal = i % 10 < 3;
        let req = if legal {
            let form = FORMS.choose(&mut rng).unwrap_or(&"ООО");
            let name = COMPANY.choose(&mut rng).unwrap_or(&"Ромашка");
            CreateClient {
                kind: ClientKind::Legal,
                name: format!("{form} «{name}» #{}", i + 1),
                phones: vec![phone(&mut rng)],
                addresses: (0..rng.gen_range(1..=3))
                    .map(|_| address(&mut rng, true))
                    .collect(),
                inn: Some(format!("77{:08}", rng.gen_range(0..100_000_000))),
                note: rng.gen_bool(0.3).then(|| "Счёт в конце месяца".to_string()),
            }
        } else {
            CreateClient {
                kind: ClientKind::Individual,
                name: individual_name(&mut rng),
                phones: if rng.gen_bool(0.2) {
                    vec![phone(&mut rng), phone(&mut rng)]
                } else {
                    vec![phone(&mut rng)]
                },
                addresses: vec![address(&mut rng, false)],
                inn: None,
                note: rng.gen_bool(0.1).then(|| "Звонить за час".to_string()),
            }
        };
        let valid = validate::client(&req, "RU")?;
        let summary = store.create_client(valid).await?;
        let mut contract = HashMap::new();
        if legal {
            contract.insert(
                products[0].id.clone(),
                Money(products[0].price.0 * 85 / 100),
            );
            store.set_contract_prices(&summary.id, &contract).await?;
        }
        clients.push(DemoClient {
            summary,
            contract,
            every: if legal {
                rng.gen_range(5..12)
            } else {
                rng.gen_range(10..30)
            },
            courier: rng.gen_range(0..couriers.len()),
            lost: rng.gen_bool(0.12),
        });
        bar.inc(1);
    }
    bar.finish_with_message("clients");

    let start = today - Duration::days(183);
    let windows = TimeWindow::standard();
    let mut number = 0i64;
    let mut bottles: HashMap<String, i64> = HashMap::new();
    let total_days = (today + Duration::days(1) - start).num_days() as u64 + 1;
    let bar = ProgressBar::new(total_days);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} days")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("orders");
    let mut route_pos: HashMap<(usize, NaiveDate), i64> = HashMap::new();
    let mut day = start;
    while day <= today + Duration::days(1) {
        for (ci, c) in clients.iter().enumerate() {
            // Lost clients stopped ordering four months ago.
            if c.lost && day > today - Duration::days(120) {
                continue;
            }
            let offset = (ci as i64 * 7) % c.every;
            if (day - start).num_days() % c.every != offset || day.weekday() == Weekday::Sun {
                continue;
            }
            number += 1;
            let address = c
                .summary
                .addresses
                .choose(&mut rng)
                .cloned()
                .ok_or_else(|| Error::Internal("client without address".into()))?;
            let mut lines: Vec<OrderLine> = Vec::new();
            let add = |p: &Product, qty: u32, lines: &mut Vec<OrderLine>| {
                lines.extend(priced_line(p, qty, &c.contract));
            };
            let big = c.summary.kind == ClientKind::Legal;
            add(
                &products[0],
                if big {
                    rng.gen_range(3..12)
                } else {
                    rng.gen_range(1..4)
                },
                &mut lines,
            );
            if rng.gen_bool(0.08) {
                add(
                    &products[rng.gen_range(1..3)],
                    rng.gen_range(1..4),
                    &mut lines,
                );
            }
            if rng.gen_bool(0.06) {
                add(&products[rng.gen_range(3..8)], 1, &mut lines);
            }
            if rng.gen_bool(0.03) {
                add(&products[8], 1, &mut lines);
            }
            let total: Money = lines.iter().map(|l| l.amount).sum();
            let courier = &couriers[if rng.gen_bool(0.85) {
                c.courier
            } else {
                rng.gen_range(0..couriers.len())
            }];
            let operator = &operators[rng.gen_range(0..2)];
            let window = windows.choose(&mut rng).copied();
            let created = state
                .cfg
                .tz
                .from_local_datetime(
                    &(day - Duration::days(1)).and_time(
                        NaiveTime::from_hms_opt(rng.gen_range(9..19), rng.gen_range(0..60), 0)
                            .unwrap_or_default(),
                    ),
                )
                .single()
                .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
                .unwrap_or_default();
            let mut order = Order {
                id: new_key(),
                number,
                state: OrderState::New,
                version: 1,
                client_id: c.summary.id.clone(),
                client_name: c.summary.name.clone(),
                client_kind: c.summary.kind,
                address,
                lines,
                total,
                delivery_date: day.to_string(),
                window,
                courier_id: Some(courier.id.clone()),
                courier_name: Some(courier.name.clone()),
                created_by: operator.id.clone(),
                created_at: created.clone(),
                updated_at: created,
                attempts: vec![],
                note: None,
                call_id: None,
                route_pos: 0,
                cash_collected: None,
                empties_returned: None,
                delivered_at: None,
                cancel_reason: None,
                needs_new_date: false,
            };
            let ci_key = (
                couriers
                    .iter()
                    .position(|x| x.id == courier.id)
                    .unwrap_or(0),
                day,
            );
            let past = day < today;
            let roll: f64 = rng.gen();
            if past || (day == today && roll < 0.35) {
                if rng.gen_bool(0.06) {
                    order.attempts.push(Attempt {
                        at: order.updated_at.clone(),
                        reason: FAIL_REASONS.choose(&mut rng).unwrap_or(&"").to_string(),
                        courier_id: order.courier_id.clone(),
                    });
                    order.version += 2;
                }
                if past && roll < 0.06 {
                    order.state = OrderState::Cancelled;
                    order.cancel_reason =
                        Some(CANCEL_REASONS.choose(&mut rng).unwrap_or(&"").to_string());
                    order.version += 1;
                } else {
                    order.state = OrderState::Delivered;
                    order.version += 2;
                    let pos = route_pos.entry(ci_key).or_insert(0);
                    *pos += 1;
                    order.route_pos = *pos;
                    let full = i64::from(order.returnable_qty());
                    let empties = if rng.gen_bool(0.85) {
                        full
                    } else {
                        (full - 1).max(0)
                    };
                    *bottles.entry(c.summary.id.clone()).or_insert(0) += full - empties;
                    order.empties_returned = Some(empties as u32);
                    if c.summary.kind == ClientKind::Individual {
                        order.cash_collected = Some(order.total);
                    }
                    order.delivered_at = Some(order.updated_at.clone());
                }
            } else if day == today && roll < 0.85 {
                order.state = OrderState::Delivery;
                order.version += 1;
                let pos = route_pos.entry(ci_key).or_insert(0);
                *pos += 1;
                order.route_pos = *pos;
            }
            store.insert_order(&order).await?;
        }
        bar.inc(1);
        day += Duration::days(1);
    }
    bar.finish_with_message("orders");
    store.set_counter_at_least("orders", number).await?;
    for (client, n) in bottles {
        store.set_bottles_held(&client, n).await?;
    }
    println!(
        "Demo data: {} products, {} clients, {number} orders over six months.",
        products.len(),
        clients.len()
    );
    print_logins();
    Ok(())
}
