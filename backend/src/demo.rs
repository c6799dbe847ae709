//! `rodnik demo`: a realistic company to click through — a price list, staff,
//! a few hundred individual and legal clients with Russian names, phones and
//! addresses, six months of order history, and today's work in progress.
//! Names, addresses and the price list come from `sample`, as for
//! `rodnik generate`.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rodnik_shared::api::{CreateClient, Order, OrderLine, Product, User};
use rodnik_shared::validate;
use rodnik_shared::{ClientKind, Delivery, Money, NewOrder, Role, RouteEnd, TimeWindow};

use crate::app::AppState;
use crate::auth;
use crate::error::{Error, Result};
use crate::sample::{
    address, create_price_list, individual_name, phone, priced_line, sample_reasons, COMPANY, FORMS,
};
use crate::store::new_key;
use crate::store::users::NewUser;

pub const DEMO_PASSWORD: &str = "demo12345";

/// A call from `from` that rang at `extension` at `at` (RFC 3339): answered and
/// talked `talk` seconds, or missed. Returns the call's id (what an order
/// taken on it names).
async fn demo_call(
    state: &AppState,
    seq: &std::sync::atomic::AtomicU64,
    from: &str,
    extension: &str,
    at: &str,
    talk: Option<i64>,
    client_id: &str,
) -> Result<String> {
    use crate::store::calls::{call_key, CallEvent};
    use rodnik_shared::api::CallEventKind;
    let n = seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let call_id = format!("demo:{n}");
    let start = chrono::DateTime::parse_from_rfc3339(at)
        .map_err(|e| Error::Internal(format!("demo call time: {e}")))?
        .with_timezone(&chrono::Utc);
    let ring = start - Duration::seconds(40);
    let date = ring.with_timezone(&state.cfg.tz).date_naive().to_string();
    let mut steps = vec![(CallEventKind::Ringing, ring, Some(extension))];
    match talk {
        Some(t) => {
            let answered = ring + Duration::seconds(8);
            steps.push((CallEventKind::Answered, answered, Some(extension)));
            steps.push((
                CallEventKind::Ended,
                answered + Duration::seconds(t),
                Some(extension),
            ));
        }
        None => steps.push((CallEventKind::Ended, ring + Duration::seconds(25), None)),
    }
    for (kind, when, ext) in steps {
        state
            .store
            .record_call_event(&CallEvent {
                kind,
                call_id: call_id.clone(),
                from: from.to_string(),
                to: "+74950000000".into(),
                extension: ext.map(str::to_string),
                at: when.to_rfc3339(),
                date: date.clone(),
                client_ids: vec![client_id.to_string()],
            })
            .await?;
    }
    Ok(call_key(&call_id))
}

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

pub async fn fill(state: &AppState, seed: u64) -> Result<()> {
    let store = &state.store;
    let mut rng = StdRng::seed_from_u64(seed);
    let (fail_reasons, cancel_reasons) = (
        sample_reasons(rodnik_shared::api::ReasonKind::Fail),
        sample_reasons(rodnik_shared::api::ReasonKind::Cancel),
    );
    let today = state.cfg.today();

    let products = create_price_list(store).await?;
    // The usual bottle rule: 300 roubles a bottle; contract clients get two free.
    store
        .set_bottle_settings(&rodnik_shared::api::BottleSettings {
            deposit_price: rodnik_shared::Money(30_000),
            free_individual: 0,
            free_legal: 2,
            fleet: None,
            fleet_counted_at: None,
        })
        .await?;

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
                requisites: None,
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
                requisites: None,
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
    let mut accounts: HashMap<String, Vec<crate::figures::account::AccountRow>> = HashMap::new();
    let total_days = (today + Duration::days(1) - start).num_days() as u64 + 1;
    let bar = ProgressBar::new(total_days);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} days")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("orders");
    let mut route_pos: HashMap<(usize, NaiveDate), i64> = HashMap::new();
    let now = chrono::Utc::now().to_rfc3339();
    let calls_seq = std::sync::atomic::AtomicU64::new(0);
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
            // Orders taken yesterday and today came in on a call to the
            // operator's phone (the call log, the client's history and the
            // wallboard's call figures have a day to show).
            let call = match (&operator.extension, c.summary.phones.first()) {
                (Some(ext), Some(from))
                    if day >= today && created.as_str() <= now.as_str() && rng.gen_bool(0.85) =>
                {
                    let talk = rng.gen_range(35..240);
                    Some(
                        demo_call(
                            state,
                            &calls_seq,
                            from.as_str(),
                            ext,
                            &created,
                            Some(talk),
                            &c.summary.id,
                        )
                        .await?,
                    )
                }
                _ => None,
            };
            let mut order = Order::new(NewOrder {
                id: new_key(),
                number,
                client_id: c.summary.id.clone(),
                client_name: c.summary.name.clone(),
                client_kind: c.summary.kind,
                address,
                lines,
                delivery_date: day.to_string(),
                window,
                courier: Some((courier.id.clone(), courier.name.clone())),
                created_by: operator.id.clone(),
                created_at: created.clone(),
                note: None,
                call_id: call.clone(),
                deposit: None,
                equipment: vec![],
            });
            let ci_key = (
                couriers
                    .iter()
                    .position(|x| x.id == courier.id)
                    .unwrap_or(0),
                day,
            );
            // The day as it went, through the order's own rules.
            let mut next_stop = |order: &Order| {
                let pos = route_pos.entry(ci_key).or_insert(0);
                *pos += 1;
                RouteEnd {
                    courier_id: courier.id.clone(),
                    date: order.delivery_date.clone(),
                    pos: *pos,
                }
            };
            let at = created.clone();
            let past = day < today;
            let roll: f64 = rng.gen();
            if past || (day == today && roll < 0.35) {
                if rng.gen_bool(0.06) {
                    let reason = fail_reasons.choose(&mut rng).cloned().unwrap_or_default();
                    let (on_route, _) = order.dispatch(None, &at)?;
                    (order, _) = on_route.fail(reason, at.clone(), &at)?;
                }
                if past && roll < 0.06 {
                    let reason = cancel_reasons.choose(&mut rng).cloned().unwrap_or_default();
                    (order, _) = order.cancel(reason, &at)?;
                } else {
                    let end = next_stop(&order);
                    let (on_route, _) = order.dispatch(Some(&end), &at)?;
                    let full = on_route.returnable_qty();
                    let empties = if rng.gen_bool(0.85) {
                        full
                    } else {
                        full.saturating_sub(1)
                    };
                    // A quarter of the individuals pay by card at the door.
                    let individual = c.summary.kind == ClientKind::Individual;
                    let by_card = individual && rng.gen_bool(0.25);
                    let delivery = Delivery {
                        lines: None,
                        cash_collected: (individual && !by_card).then_some(on_route.total),
                        payments: if by_card {
                            vec![rodnik_shared::api::DoorPayment {
                                method: rodnik_shared::api::PaymentMethod::Card,
                                amount: on_route.total,
                            }]
                        } else {
                            vec![]
                        },
                        empties_returned: Some(empties),
                        empties_note: (empties < full)
                            .then(|| "Клиент вернёт в следующий раз".to_string()),
                        held: None,
                        at: at.clone(),
                        by: courier.id.clone(),
                    };
                    let fx;
                    (order, fx) = on_route.deliver(delivery, &at)?;
                    *bottles.entry(c.summary.id.clone()).or_insert(0) += fx.bottles_delta;
                    accounts
                        .entry(c.summary.id.clone())
                        .or_default()
                        .extend(crate::figures::account::moves(&on_route, &order));
                }
            } else if day == today && roll < 0.85 {
                let end = next_stop(&order);
                (order, _) = order.dispatch(Some(&end), &at)?;
            }
            store
                .insert_order_answered(&order, call.as_deref(), None)
                .await?;
        }
        bar.inc(1);
        day += Duration::days(1);
    }
    bar.finish_with_message("orders");
    store.set_counter_at_least("orders", number).await?;
    // Today's other calls (questions, no order): answered, or missed and
    // some of those already called back.
    for i in 0..36u32 {
        let Some(c) = clients.choose(&mut rng) else {
            break;
        };
        let (Some(from), Some(op)) = (c.summary.phones.first(), operators[..2].choose(&mut rng))
        else {
            continue;
        };
        let minutes = i64::from(rng.gen_range(5..10 * 60));
        let at = chrono::Utc::now() - Duration::minutes(minutes);
        if at.with_timezone(&state.cfg.tz).date_naive() != today {
            continue;
        }
        let ext = op.extension.as_deref().unwrap_or("101");
        let missed = i % 4 == 0;
        let talk = (!missed).then(|| rng.gen_range(25..200));
        let key = demo_call(
            state,
            &calls_seq,
            from.as_str(),
            ext,
            &at.to_rfc3339(),
            talk,
            &c.summary.id,
        )
        .await?;
        if missed && i % 8 == 0 {
            let back = (at + Duration::minutes(4)).to_rfc3339();
            store.mark_called_back(&key, &back, &op.name).await?;
        }
    }
    let at_clients: i64 = bottles.values().filter(|n| **n > 0).sum();
    for (client, n) in bottles {
        store.set_bottles_held(&client, n).await?;
    }
    // The last inventory: what clients hold and 600 more in the warehouse.
    store
        .set_bottle_settings(&rodnik_shared::api::BottleSettings {
            deposit_price: rodnik_shared::Money(30_000),
            free_individual: 0,
            free_legal: 2,
            fleet: Some(at_clients + 600),
            fleet_counted_at: None,
        })
        .await?;
    let manager = operators
        .iter()
        .find(|u| u.role == Role::Manager)
        .unwrap_or(&operators[0]);
    demo_accounts(
        state,
        &clients.iter().map(|c| &c.summary).collect::<Vec<_>>(),
        accounts,
        manager,
        &mut rng,
    )
    .await?;
    let legal: Vec<&rodnik_shared::api::ClientSummary> = clients
        .iter()
        .filter(|c| c.summary.kind == ClientKind::Legal && !c.lost)
        .map(|c| &c.summary)
        .collect();
    demo_equipment(state, &products, &legal, &couriers, &operators[0], &mut rng).await?;
    // Route planning: the company's warehouse, the usual shift and break.
    store
        .set_planning_settings(&rodnik_shared::api::PlanningSettings {
            depots: vec![rodnik_shared::api::Depot {
                id: "main".into(),
                name: "Склад, Складочная ул., 1".into(),
                lat: 55.804_6,
                lon: 37.596_9,
            }],
            ..Default::default()
        })
        .await?;
    println!(
        "Demo data: {} products, {} clients, {number} orders over six months.",
        products.len(),
        clients.len()
    );
    print_logins();
    Ok(())
}

/// The clients' accounts: what the deliveries charged and the couriers
/// took; legal clients have contracts and pay each month's charges by bank
/// transfer some days after the month's end, a few late (overdue now), a
/// few individuals owe a little from a short payment at the door.
async fn demo_accounts(
    state: &AppState,
    clients: &[&rodnik_shared::api::ClientSummary],
    mut accounts: HashMap<String, Vec<crate::figures::account::AccountRow>>,
    manager: &User,
    rng: &mut StdRng,
) -> Result<()> {
    use crate::figures::account::AccountRow;
    use rodnik_shared::api::{AccountMoveKind, Contract, PaymentMethod};
    let store = &state.store;
    let today = state.cfg.today();
    for (i, c) in clients.iter().enumerate() {
        let mut rows = accounts.remove(&c.id).unwrap_or_default();
        if c.kind == ClientKind::Legal {
            let payment_days = [10u32, 15, 30][i % 3];
            let contract = Contract {
                number: format!("{}/{}", i + 1, today.year() - 1),
                date: NaiveDate::from_ymd_opt(today.year() - 1, 1 + (i % 12) as u32, 10)
                    .unwrap_or(today)
                    .to_string(),
                payment_days,
                credit_limit: (i % 2 == 0).then_some(Money(3_000_000)),
                allowed_until: None,
                allowed_by: None,
            };
            let requisites = rodnik_shared::api::Requisites {
                full_name: c.name.replace(&format!(" #{}", i + 1), ""),
                kpp: format!("77{:02}01001", i % 50),
                address: c
                    .active_addresses()
                    .next()
                    .map(|a| a.text.clone())
                    .unwrap_or_default(),
                email: format!("buh{}@example.ru", i + 1),
                ..Default::default()
            };
            store
                .edit_client(&c.id, None, |mut s| {
                    s.contract = Some(contract.clone());
                    s.requisites = Some(requisites.clone());
                    Ok(s)
                })
                .await?;
            // Each month's charges paid after the month's end and the
            // deferment; one client in eight pays late.
            let late = rng.gen_bool(0.125);
            let mut by_month: std::collections::BTreeMap<(i32, u32), i64> = Default::default();
            for r in &rows {
                if let Ok(d) = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d") {
                    *by_month.entry((d.year(), d.month())).or_default() += r.amount.0;
                }
            }
            for ((y, m), sum) in by_month {
                let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) else {
                    continue;
                };
                let end = rodnik_shared::account::month_end(first);
                let delay =
                    i64::from(payment_days) - rng.gen_range(0..5) + if late { 45 } else { 0 };
                let paid = end + Duration::days(delay.max(1));
                if paid >= today || sum <= 0 {
                    continue;
                }
                rows.push(AccountRow {
                    client_id: c.id.clone(),
                    kind: AccountMoveKind::Payment,
                    amount: Money(-sum),
                    method: Some(PaymentMethod::Bank),
                    order_id: None,
                    order_number: None,
                    day: paid.to_string(),
                    reference: Some(format!(
                        "п/п {} от {}",
                        rng.gen_range(100..9999),
                        paid.format("%d.%m.%Y")
                    )),
                    reason: None,
                    by: Some(manager.id.clone()),
                    by_name: Some(manager.name.clone()),
                    at: format!("{paid}T09:00:00.000Z"),
                });
            }
        } else if i % 17 == 0 {
            // Paid 100 roubles short at the last delivery.
            if let Some(last) = rows
                .iter()
                .rposition(|r| r.kind == AccountMoveKind::Payment)
            {
                rows[last].amount = Money(rows[last].amount.0 + 10_000);
            }
        }
        rows.sort_by(|a, b| (&a.day, &a.at).cmp(&(&b.day, &b.at)));
        store.load_account(&c.id, &rows).await?;
    }
    // The company's requisites, and last month closed: its documents issued.
    let company = rodnik_shared::api::CompanySettings {
        name: "ООО «Родник»".into(),
        inn: "7701234567".into(),
        kpp: "770101001".into(),
        ogrn: "1027700132195".into(),
        address: "г. Москва, ул. Родниковая, д. 1".into(),
        phone: "+7 495 123-45-67".into(),
        email: "billing@rodnik.example".into(),
        bank_name: "ПАО Сбербанк".into(),
        bik: "044525225".into(),
        account: "40702810900000000001".into(),
        corr_account: "30101810400000000225".into(),
        director: "Андреев П. С.".into(),
        accountant: "Козлова М. В.".into(),
        vat_rate: None,
        transfer_doc: rodnik_shared::api::TransferDoc::Upd,
        invoice_prefix: String::new(),
        transfer_prefix: String::new(),
        yearly_numbers: true,
        smtp: None,
        // No SBP link of a real bank: couriers show the QR by requisites.
        ..Default::default()
    };
    let company = store.set_company_settings(&company).await?;
    let first_this = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let last_month = (first_this - Duration::days(1)).format("%Y-%m").to_string();
    let (year, month, first, last) = crate::documents::close::month_of(&last_month)?;
    let rent = crate::documents::close::rent_by_client(store, year, month, first, last).await?;
    let legal = store
        .legal_clients_delivered(&first.to_string(), &last.to_string())
        .await?;
    for id in legal {
        crate::documents::close::close_client(
            store,
            &company,
            &id,
            &last_month,
            rent.get(&id).map(Vec::as_slice).unwrap_or(&[]),
            today,
            (&manager.id, &manager.name),
        )
        .await?;
    }
    Ok(())
}

/// Coolers and pumps in the register; most coolers rented to offices over
/// the last year ("free from 4 bottles a month" or a fee), a few due for
/// sanitation, one waiting for its delivery today, the rest in stock.
async fn demo_equipment(
    state: &AppState,
    products: &[Product],
    offices: &[&rodnik_shared::api::ClientSummary],
    couriers: &[User],
    operator: &User,
    rng: &mut StdRng,
) -> Result<()> {
    use rodnik_shared::api::{Equipment, EquipmentSettings, EquipmentTask, Rental};
    use rodnik_shared::{EquipmentKind, EquipmentState, EquipmentTaskAction, RentalState};
    let store = &state.store;
    let today = state.cfg.today();
    store
        .set_equipment_settings(&EquipmentSettings {
            sanitation_months: 6,
            sanitation_product_id: products
                .iter()
                .find(|p| p.sku == "SAN")
                .map(|p| p.id.clone()),
        })
        .await?;
    let by = (operator.id.as_str(), operator.name.as_str());
    let mut stock = vec![];
    for i in 0..16 {
        let (kind, model) = match i % 8 {
            7 => (EquipmentKind::Pump, "Помпа электрическая AquaPump"),
            0 | 3 => (EquipmentKind::Cooler, "Aqua Work 16L-B"),
            _ => (EquipmentKind::Cooler, "Ecotronic H1-LN"),
        };
        let now = chrono::Utc::now().to_rfc3339();
        let e = Equipment {
            id: new_key(),
            kind,
            model: model.to_string(),
            serial: format!(
                "{}-{}",
                if kind == EquipmentKind::Pump {
                    "AP"
                } else {
                    "EC"
                },
                24_101 + i
            ),
            state: EquipmentState::InStock,
            client_id: None,
            client_name: None,
            address_id: None,
            note: None,
            rental_id: None,
            rental_number: None,
            sanitized_on: None,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
        };
        store.create_equipment(&e, by).await?;
        stock.push(e);
    }
    // Ten coolers go out, the oldest 11 months ago; the last one today.
    let coolers: Vec<&Equipment> = stock
        .iter()
        .filter(|e| e.kind == EquipmentKind::Cooler)
        .collect();
    for (i, (e, office)) in coolers.iter().zip(offices.iter()).take(10).enumerate() {
        let Some(address) = office.active_addresses().next().cloned() else {
            continue;
        };
        let courier = &couriers[i % couriers.len()];
        let day = today - Duration::days(330 - 33 * i as i64);
        let day = if i == 9 { today } else { day };
        let rental_id = new_key();
        let number = store.next_number("rentals").await?;
        let deposit = Money(if i % 3 == 0 { 0 } else { 300_000 });
        let created = chrono::Utc::now().to_rfc3339();
        let order = Order::new(NewOrder {
            id: new_key(),
            number: store.next_number("orders").await?,
            client_id: office.id.clone(),
            client_name: office.name.clone(),
            client_kind: office.kind,
            address: address.clone(),
            lines: vec![],
            delivery_date: day.to_string(),
            window: None,
            courier: Some((courier.id.clone(), courier.name.clone())),
            created_by: operator.id.clone(),
            created_at: created.clone(),
            note: Some("Установить и подключить".into()),
            call_id: None,
            deposit: None,
            equipment: vec![EquipmentTask {
                action: EquipmentTaskAction::Deliver,
                equipment_id: e.id.clone(),
                kind: e.kind,
                model: e.model.clone(),
                serial: e.serial.clone(),
                rental_id: rental_id.clone(),
                rental_number: number,
                deposit,
            }],
        });
        let rental = Rental {
            id: rental_id,
            number,
            state: RentalState::Pending,
            version: 1,
            client_id: office.id.clone(),
            client_name: office.name.clone(),
            client_kind: office.kind,
            address_id: address.id.clone(),
            address_text: address.text.clone(),
            equipment_id: e.id.clone(),
            kind: e.kind,
            model: e.model.clone(),
            serial: e.serial.clone(),
            start: day.to_string(),
            months: (i % 2 == 0).then_some(12),
            monthly_fee: Money(if i % 3 == 0 { 0 } else { 50_000 }),
            free_from_bottles: (i % 3 != 0).then_some(4),
            deposit,
            ended_on: None,
            sanitized_on: None,
            sanitation_due: None,
            deliver_order_id: order.id.clone(),
            deliver_order_number: order.number,
            collect_order_id: None,
            collect_order_number: None,
            note: None,
            created_by: operator.id.clone(),
            created_at: created.clone(),
            updated_at: created,
        };
        store.create_rental(&rental, &order, None).await?;
        if day == today {
            continue;
        }
        let at = format!("{day}T09:00:00Z");
        let (on_route, fx) = order.dispatch(None, &at)?;
        store.cas_order(&order, &on_route, &fx, None).await?;
        let cash = Some(on_route.cash_due()).filter(|_| rng.gen_bool(0.9));
        let (done, fx) = on_route.deliver(
            Delivery {
                lines: None,
                cash_collected: cash,
                payments: vec![],
                empties_returned: None,
                empties_note: None,
                held: None,
                at: format!("{day}T11:30:00Z"),
                by: courier.id.clone(),
            },
            &format!("{day}T11:30:00Z"),
        )?;
        store.cas_order(&on_route, &done, &fx, None).await?;
    }
    Ok(())
}
