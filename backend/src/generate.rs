//! `rodnik generate`: a large company's full history for the benchmarks —
//! by default 100,000 clients (70% individuals, 30% legal with 1-5
//! addresses), 20 couriers and 3,000,000 orders over five years with seasons,
//! weekdays, churn, cancellations and failed attempts. Deterministic for a
//! seed (the same seed and figures give the same rows, ids included), written
//! straight through the store in batches.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rodnik_shared::api::{ClientSummary, CreateClient, Order, OrderLine, Product, User};
use rodnik_shared::{validate, ClientKind, Delivery, Money, NewOrder, Role, RouteEnd, TimeWindow};

use crate::app::AppState;
use crate::auth;
use crate::demo::DEMO_PASSWORD;
use crate::error::{Error, Result};
use crate::sample::{
    address, create_price_list, individual_name, priced_line, sample_reasons, COMPANY, FORMS,
};
use crate::store::bulk::NewClientRow;
use crate::store::users::NewUser;
use rodnik_shared::api::ReasonKind;

/// How big a company to make.
#[derive(Debug, Clone)]
pub struct Shape {
    pub seed: u64,
    pub clients: usize,
    pub orders: usize,
    pub years: u32,
    pub couriers: usize,
    pub operators: usize,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            seed: 1,
            clients: 100_000,
            orders: 3_000_000,
            years: 5,
            couriers: 20,
            operators: 12,
        }
    }
}

/// Rows per INSERT statement.
const BATCH: usize = 2_000;

/// Phone numbers no generated client has (`+7 999 …`): the benchmark's unknown callers.
pub const UNKNOWN_PREFIX: &str = "+7999";

/// Logins the generator creates (password [`DEMO_PASSWORD`]).
pub fn operator_login(i: usize) -> String {
    format!("op{:02}", i + 1)
}
pub fn courier_login(i: usize) -> String {
    format!("courier{:02}", i + 1)
}
pub const MANAGER_LOGIN: &str = "manager";

/// A record key from the seeded generator (same alphabet as `store::new_key`).
fn key(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut s = String::with_capacity(20);
    s.push(char::from(ALPHABET[rng.gen_range(0..26)]));
    for _ in 0..19 {
        s.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
    }
    s
}

/// A mobile number outside [`UNKNOWN_PREFIX`].
fn known_phone(rng: &mut StdRng) -> String {
    crate::sample::mobile(rng, 0..99)
}

fn bar(len: u64, msg: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>8} [{bar:40}] {human_pos}/{human_len} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(msg);
    bar
}

struct GenClient {
    summary: ClientSummary,
    contract: HashMap<String, Money>,
    /// First and last day this client orders (churned clients stop early).
    from: NaiveDate,
    until: NaiveDate,
    courier: usize,
}

/// What was made, for the closing line and the benchmark.
#[derive(Debug, Clone)]
pub struct Made {
    pub clients: usize,
    pub orders: usize,
    pub seconds: f64,
}

pub async fn generate(state: &AppState, shape: &Shape) -> Result<Made> {
    let started = Instant::now();
    let store = &state.store;
    if !store.list_products().await?.is_empty() {
        return Err(Error::invalid(
            "db",
            "the database already has data: generate into an empty one",
        ));
    }
    let mut rng = StdRng::seed_from_u64(shape.seed);
    let today = state.cfg.today();

    let products = create_price_list(store).await?;

    let hash = auth::hash_password(DEMO_PASSWORD)?;
    let mut new_user = |username: String, name: String, role: Role, ext: Option<String>| NewUser {
        username,
        name,
        role,
        phone: rodnik_shared::Phone::parse(&known_phone(&mut rng), "RU").ok(),
        extension: ext,
        password_hash: hash.clone(),
    };
    let mut staff = vec![new_user(
        MANAGER_LOGIN.into(),
        "Павел Андреев".into(),
        Role::Manager,
        None,
    )];
    for i in 0..shape.operators {
        staff.push(new_user(
            operator_login(i),
            format!("Оператор {}", i + 1),
            Role::Operator,
            Some(format!("{}", 101 + i)),
        ));
    }
    for i in 0..shape.couriers {
        staff.push(new_user(
            courier_login(i),
            format!("Курьер {}", i + 1),
            Role::Courier,
            None,
        ));
    }
    let mut operators: Vec<User> = Vec::new();
    let mut couriers: Vec<User> = Vec::new();
    for u in staff {
        let role = u.role;
        let user = store.create_user(u).await?;
        match role {
            Role::Courier => couriers.push(user),
            Role::Operator => operators.push(user),
            _ => {}
        }
    }
    if couriers.is_empty() || operators.is_empty() {
        return Err(Error::invalid(
            "couriers",
            "need at least one courier and one operator",
        ));
    }

    let first_day = today
        .checked_sub_months(chrono::Months::new(12 * shape.years))
        .unwrap_or(today);
    let span = (today - first_day).num_days().max(1);

    // Clients, in batches.
    let pb = bar(shape.clients as u64, "clients");
    let mut clients: Vec<GenClient> = Vec::with_capacity(shape.clients);
    let mut rows: Vec<NewClientRow> = Vec::with_capacity(BATCH);
    for i in 0..shape.clients {
        let legal = i % 10 < 3;
        let req = if legal {
            let form = FORMS.choose(&mut rng).unwrap_or(&"ООО");
            let name = COMPANY.choose(&mut rng).unwrap_or(&"Ромашка");
            let n = rng.gen_range(1..=5);
            CreateClient {
                kind: ClientKind::Legal,
                name: format!("{form} «{name}» №{}", i + 1),
                phones: vec![known_phone(&mut rng)],
                addresses: (0..n).map(|_| address(&mut rng, true)).collect(),
                inn: Some(format!("77{:08}", rng.gen_range(0..100_000_000))),
                note: rng.gen_bool(0.3).then(|| "Счёт в конце месяца".to_string()),
                requisites: None,
            }
        } else {
            CreateClient {
                kind: ClientKind::Individual,
                name: individual_name(&mut rng),
                phones: if rng.gen_bool(0.2) {
                    vec![known_phone(&mut rng), known_phone(&mut rng)]
                } else {
                    vec![known_phone(&mut rng)]
                },
                addresses: vec![address(&mut rng, false)],
                inn: None,
                note: rng.gen_bool(0.1).then(|| "Звонить за час".to_string()),
                requisites: None,
            }
        };
        let valid = validate::client(&req, "RU")?;
        let summary = ClientSummary {
            id: key(&mut rng),
            kind: valid.kind,
            name: valid.name,
            phones: valid.phones,
            addresses: valid
                .addresses
                .into_iter()
                .map(|a| crate::store::clients::to_address(a, Some(key(&mut rng))))
                .collect(),
            inn: valid.inn,
            note: valid.note,
            bottles_held: 0,
            deposit_bottles: 0,
            deposit_held: Money::ZERO,
            balance: Money::ZERO,
            contract: None,
            requisites: None,
            version: 0,
            noted_at: None,
        };
        let mut contract = HashMap::new();
        if legal {
            let pct = rng.gen_range(80..=95);
            contract.insert(
                products[0].id.clone(),
                Money(products[0].price.0 * pct / 100),
            );
        }
        // Two clients in five were there from the start; the others joined
        // later; one in six stopped ordering at some point.
        let from = if rng.gen_bool(0.4) {
            first_day
        } else {
            first_day + Duration::days(rng.gen_range(0..span))
        };
        let until = if rng.gen_bool(1.0 / 6.0) {
            from + Duration::days(rng.gen_range(0..=(today - from).num_days().max(0)))
        } else {
            today + Duration::days(1)
        };
        let created_at = state
            .cfg
            .tz
            .from_local_datetime(&(from - Duration::days(1)).and_time(NaiveTime::MIN))
            .single()
            .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
            .unwrap_or_default();
        rows.push(NewClientRow {
            client: summary.clone(),
            prices: contract.clone(),
            created_at,
        });
        if rows.len() == BATCH {
            store.insert_clients_bulk(&rows).await?;
            pb.inc(rows.len() as u64);
            rows.clear();
        }
        clients.push(GenClient {
            summary,
            contract,
            from,
            until,
            courier: i % couriers.len(),
        });
    }
    if !rows.is_empty() {
        store.insert_clients_bulk(&rows).await?;
        pb.inc(rows.len() as u64);
    }
    pb.finish();

    // How busy each day is: summer peak, quiet winter holidays, weekends.
    let last_day = today + Duration::days(1);
    let mut weights: Vec<(NaiveDate, f64)> = Vec::new();
    let mut day = first_day;
    while day <= last_day {
        let season =
            1.0 + 0.35 * ((f64::from(day.ordinal()) - 105.0) / 365.0 * std::f64::consts::TAU).sin();
        let weekday = match day.weekday() {
            Weekday::Sun => 0.25,
            Weekday::Sat => 0.6,
            _ => 1.0,
        };
        let holiday = if day.month() == 1 && day.day() <= 8 {
            0.3
        } else {
            1.0
        };
        // The company grew: twice the orders at the end as at the start.
        let growth = 1.0 + (day - first_day).num_days() as f64 / span as f64;
        weights.push((day, season * weekday * holiday * growth));
        day += Duration::days(1);
    }
    let weight_sum: f64 = weights.iter().map(|(_, w)| w).sum();
    // Legal clients order several times as often.
    let client_weight: Vec<f64> = clients
        .iter()
        .map(|c| match c.summary.kind {
            ClientKind::Legal => 3.0,
            ClientKind::Individual => 1.0,
        })
        .collect();
    let mut cumulative = Vec::with_capacity(clients.len());
    let mut acc = 0.0;
    for w in &client_weight {
        acc += w;
        cumulative.push(acc);
    }

    let windows = TimeWindow::standard();
    let pb = bar(shape.orders as u64, "orders");
    let mut number = 0i64;
    let mut bottles: HashMap<usize, i64> = HashMap::new();
    let mut batch: Vec<(Order, Option<String>)> = Vec::with_capacity(BATCH);
    let mut carry = 0.0f64;
    let mut stats = crate::figures::Stats::default();
    for (day, w) in weights {
        let exact = shape.orders as f64 * w / weight_sum + carry;
        let n = exact.floor() as usize;
        carry = exact - n as f64;
        let mut route_pos: HashMap<usize, i64> = HashMap::new();
        let mut seen_today: std::collections::HashSet<usize> = std::collections::HashSet::new();
        for _ in 0..n {
            // A client ordering that day, weighted, active then, once a day.
            let mut pick = None;
            for _ in 0..20 {
                let r = rng.gen_range(0.0..acc);
                let i = cumulative
                    .partition_point(|c| *c < r)
                    .min(clients.len() - 1);
                let c = &clients[i];
                if c.from <= day && day <= c.until && !seen_today.contains(&i) {
                    pick = Some(i);
                    break;
                }
            }
            let Some(ci) = pick else { continue };
            seen_today.insert(ci);
            let c = &clients[ci];
            number += 1;
            let order = make_order(
                &mut rng,
                c,
                &products,
                &couriers,
                &operators,
                &windows,
                state,
                day,
                today,
                number,
                &mut route_pos,
            )?;
            let (order, delivered_by, kept) = order;
            *bottles.entry(ci).or_insert(0) += kept;
            stats.add_order(&order);
            batch.push((order, delivered_by));
            if batch.len() == BATCH {
                store.insert_orders_bulk(&batch).await?;
                pb.inc(batch.len() as u64);
                batch.clear();
                log_progress(&pb, started);
            }
        }
    }
    if !batch.is_empty() {
        store.insert_orders_bulk(&batch).await?;
        pb.inc(batch.len() as u64);
    }
    pb.finish();
    store.set_counter_at_least("orders", number).await?;
    let held: Vec<(String, i64)> = bottles
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(i, n)| (clients[i].summary.id.clone(), n))
        .collect();
    for chunk in held.chunks(BATCH) {
        store.set_bottles_held_bulk(chunk).await?;
    }
    store.write_stats(&stats, None).await?;
    Ok(Made {
        clients: clients.len(),
        orders: number as usize,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Without a terminal the bar does not draw: a line every 5% instead (logs, CI).
fn log_progress(pb: &ProgressBar, started: Instant) {
    use std::io::IsTerminal;
    let (pos, len) = (pb.position(), pb.length().unwrap_or(0).max(1));
    let step = (len / 20).max(1);
    if !std::io::stderr().is_terminal() && pos / step != pos.saturating_sub(BATCH as u64) / step {
        eprintln!(
            "orders: {pos}/{len} ({}%) after {:.0} s",
            pos * 100 / len,
            started.elapsed().as_secs_f64()
        );
    }
}

/// One order of `c` for `day`, in the state such an order would be in today:
/// the order, who closed it, and the bottles the client kept.
#[allow(clippy::too_many_arguments)]
fn make_order(
    rng: &mut StdRng,
    c: &GenClient,
    products: &[Product],
    couriers: &[User],
    operators: &[User],
    windows: &[TimeWindow],
    state: &AppState,
    day: NaiveDate,
    today: NaiveDate,
    number: i64,
    route_pos: &mut HashMap<usize, i64>,
) -> Result<(Order, Option<String>, i64)> {
    let (fail_reasons, cancel_reasons) = (
        sample_reasons(ReasonKind::Fail),
        sample_reasons(ReasonKind::Cancel),
    );
    let address = c
        .summary
        .addresses
        .choose(rng)
        .cloned()
        .ok_or_else(|| Error::Internal("client without address".into()))?;
    let mut lines: Vec<OrderLine> = Vec::new();
    let mut add = |p: &Product, qty: u32| lines.extend(priced_line(p, qty, &c.contract));
    let big = c.summary.kind == ClientKind::Legal;
    add(
        &products[0],
        if big {
            rng.gen_range(3..12)
        } else {
            rng.gen_range(1..4)
        },
    );
    if rng.gen_bool(0.08) {
        add(&products[rng.gen_range(1..3)], rng.gen_range(1..4));
    }
    if rng.gen_bool(0.06) {
        add(&products[rng.gen_range(3..8)], 1);
    }
    if rng.gen_bool(0.03) {
        add(&products[8 + rng.gen_range(0..2)], 1);
    }
    let courier_ix = if rng.gen_bool(0.85) {
        c.courier
    } else {
        rng.gen_range(0..couriers.len())
    };
    let courier = &couriers[courier_ix];
    let operator = &operators[rng.gen_range(0..operators.len())];
    let at = |d: NaiveDate, h: std::ops::Range<u32>, rng: &mut StdRng| {
        state
            .cfg
            .tz
            .from_local_datetime(
                &d.and_time(
                    NaiveTime::from_hms_opt(rng.gen_range(h), rng.gen_range(0..60), 0)
                        .unwrap_or_default(),
                ),
            )
            .single()
            .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
            .unwrap_or_default()
    };
    let created = at(day - Duration::days(rng.gen_range(0..3)), 8..20, rng);
    let mut order = Order::new(NewOrder {
        id: key(rng),
        number,
        client_id: c.summary.id.clone(),
        client_name: c.summary.name.clone(),
        client_kind: c.summary.kind,
        address,
        lines,
        delivery_date: day.to_string(),
        window: windows.choose(rng).copied(),
        courier: Some((courier.id.clone(), courier.name.clone())),
        created_by: operator.id.clone(),
        created_at: created,
        note: None,
        call_id: None,
        deposit: None,
        equipment: vec![],
    });
    let mut delivered_by = None;
    let mut kept = 0;
    let roll: f64 = rng.gen();
    // The order's life, through its own rules (the RNG draws in a fixed
    // order: the same seed makes the same dataset).
    let mut next_stop = |order: &Order| {
        let pos = route_pos.entry(courier_ix).or_insert(0);
        *pos += 1;
        RouteEnd {
            courier_id: courier.id.clone(),
            date: order.delivery_date.clone(),
            pos: *pos,
        }
    };
    let failed = |order: &Order, at: String, reason: rodnik_shared::Cause| -> Result<Order> {
        let (on_route, _) = order.dispatch(None, &order.updated_at)?;
        Ok(on_route.fail(reason, at, &order.updated_at)?.0)
    };
    if day < today || (day == today && roll < 0.4) {
        if rng.gen_bool(0.05) {
            let when = at(day, 10..18, rng);
            let reason = fail_reasons.choose(rng).cloned().unwrap_or_default();
            // Delivered or cancelled later: the failed attempt stays in the history.
            order = failed(&order, when, reason)?;
            order.needs_new_date = false;
        }
        if day < today && roll < 0.04 {
            let reason = cancel_reasons.choose(rng).cloned().unwrap_or_default();
            let when = at(day, 8..12, rng);
            (order, _) = order.cancel(reason, &when)?;
        } else if day < today && roll < 0.045 && today - day < Duration::days(7) {
            // Failed last week and still waiting for a new date.
            let when = at(day, 10..18, rng);
            let reason = fail_reasons.choose(rng).cloned().unwrap_or_default();
            order = failed(&order, when, reason)?;
            order.updated_at = at(day, 10..19, rng);
        } else {
            let end = next_stop(&order);
            let (on_route, _) = order.dispatch(Some(&end), &order.updated_at)?;
            let full = on_route.returnable_qty();
            let empties = if rng.gen_bool(0.85) {
                full
            } else {
                full.saturating_sub(1)
            };
            let done = at(day, 9..21, rng);
            let delivery = Delivery {
                lines: None,
                cash_collected: (c.summary.kind == ClientKind::Individual)
                    .then_some(on_route.total),
                payments: vec![],
                empties_returned: Some(empties),
                empties_note: None,
                held: None,
                at: done.clone(),
                by: courier.id.clone(),
            };
            let fx;
            (order, fx) = on_route.deliver(delivery, &done)?;
            kept = fx.bottles_delta;
            delivered_by = fx.delivered_by;
        }
    } else if day == today && roll < 0.9 {
        let end = next_stop(&order);
        (order, _) = order.dispatch(Some(&end), &order.updated_at)?;
    }
    Ok((order, delivered_by, kept))
}
