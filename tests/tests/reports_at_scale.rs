//! The reports answer from pre-aggregated figures (`stat_*`). On a generated
//! history of the benchmark's shape (scaled down), every report must equal
//! the same report computed directly from the orders — after generation,
//! after live changes through the API, and after rebuilding the figures.

use chrono::Duration;
use rodnik::demo::DEMO_PASSWORD;
use rodnik::generate::{generate, Shape};
use rodnik::reports;
use rodnik_tests::*;
use serde_json::{json, Value};

async fn report(app: &App, token: &str, path: &str) -> Value {
    app.get(path, token).await.ok()
}

/// Every range report and chart from the API against the direct computation.
async fn check_range(app: &App, token: &str, from: &str, to: &str) {
    let orders = app
        .state
        .store
        .orders_between(from, to)
        .await
        .expect("orders");
    let users = app.state.store.list_users(None).await.expect("users");
    let q = format!("from={from}&to={to}");
    check_deliveries(app, token, &orders, &q).await;
    let pairs = [
        ("sales", json!(oracle::sales(&orders))),
        ("orders", json!(oracle::orders_worked(&orders, &users))),
        ("deliveries/daily", json!(oracle::daily_deliveries(&orders))),
        ("orders/daily", json!(oracle::daily_orders(&orders))),
    ];
    for (name, direct) in pairs {
        let got = report(app, token, &format!("/api/reports/{name}?{q}")).await;
        assert_eq!(got, direct, "{name} over {from}..{to}");
    }
}

/// The deliveries report grouped on the server against the direct
/// computation: the full table page by page (each row once, in the report's
/// order), every grouping's rows and totals, and each courier's drill-down.
async fn check_deliveries(app: &App, token: &str, orders: &[rodnik_shared::api::Order], q: &str) {
    let direct = oracle::deliveries(orders);
    let base = format!("/api/reports/deliveries?{q}");
    let (rows, totals) =
        oracle::all_pages(app, token, &format!("{base}&group=courier_client"), 1000).await;
    assert_eq!(totals, json!(direct.totals), "deliveries totals over {q}");
    let want: Vec<Value> = direct
        .rows
        .iter()
        .map(|r| {
            let mut v = json!({
                "key": format!("{}|{}", r.courier_id.clone().unwrap_or_default(), r.client_id),
                "client_id": r.client_id, "client_name": r.client_name,
                "client_kind": r.client_kind, "orders": r.orders, "water_qty": r.water_qty,
                "amount": r.amount,
            });
            if let Some(c) = &r.courier_id {
                v["courier_id"] = json!(c);
            }
            if let Some(c) = &r.courier_name {
                v["courier_name"] = json!(c);
            }
            v
        })
        .collect();
    assert_eq!(rows, want, "deliveries over {q}");
    // The streamed CSV is the same table, row for row.
    let csv = app.get(&format!("{base}&format=csv"), token).await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let mut reader = ::csv::Reader::from_reader(csv.text.as_bytes());
    let keys: Vec<(String, i64)> = reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            (
                format!("{}|{}", &r[0], &r[2]),
                r[7].parse().expect("amount"),
            )
        })
        .collect();
    let json_keys: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or_default().to_string(),
                r["amount"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(keys, json_keys, "the CSV over {q}");
    for group in ["courier", "client", "kind"] {
        let (got, t) = oracle::all_pages(app, token, &format!("{base}&group={group}"), 1000).await;
        assert_eq!(t, totals, "{group} totals over {q}");
        assert_eq!(
            oracle::figures(&got),
            oracle::regroup(&direct.rows, group, None),
            "{group} over {q}"
        );
    }
    let couriers: std::collections::BTreeSet<String> = direct
        .rows
        .iter()
        .map(|r| r.courier_id.clone().unwrap_or_default())
        .collect();
    for c in couriers {
        let (got, _) = oracle::all_pages(
            app,
            token,
            &format!("{base}&group=client&courier_id={c}&sort=amount"),
            1000,
        )
        .await;
        assert_eq!(
            oracle::figures(&got),
            oracle::regroup(&direct.rows, "client", Some(&c)),
            "courier {c}'s clients over {q}"
        );
    }
}

async fn check_lost(app: &App, token: &str, as_of: &str, months: u32) {
    let facts = app.state.store.order_facts().await.expect("facts");
    let clients = app.state.store.all_clients().await.expect("clients");
    let date = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").expect("date");
    let direct = json!(reports::lost_clients(&facts, &clients, date, months));
    let got = report(
        app,
        token,
        &format!("/api/reports/lost-clients?as_of={as_of}&months={months}"),
    )
    .await;
    assert_eq!(got, direct, "lost clients as of {as_of}, {months} months");
    assert!(
        !got["rows"].as_array().map(Vec::is_empty).unwrap_or(true),
        "a generated history has lost clients"
    );
}

/// Client cards (read from the figure rows) against the client's orders listed directly.
async fn check_cards(app: &App, token: &str, clients: &[String]) {
    for id in clients {
        let card = app.get(&format!("/api/clients/{id}"), token).await.ok();
        let mut all = app
            .get(&format!("/api/orders?client_id={id}"), token)
            .await
            .ok()
            .as_array()
            .cloned()
            .unwrap_or_default();
        let key = |o: &Value| {
            (
                o["delivery_date"].as_str().unwrap_or("").to_string(),
                o["number"].as_i64().unwrap_or(0),
            )
        };
        all.sort_by_key(|o| key(o));
        let open: Vec<Value> = all
            .iter()
            .filter(|o| matches!(o["state"].as_str(), Some("new") | Some("delivery")))
            .cloned()
            .collect();
        let closed: Vec<Value> = all
            .iter()
            .rev()
            .filter(|o| matches!(o["state"].as_str(), Some("delivered") | Some("cancelled")))
            .take(10)
            .cloned()
            .collect();
        assert_eq!(card["active_orders"], json!(open), "open orders of {id}");
        assert_eq!(
            card["recent_orders"],
            json!(closed),
            "recent orders of {id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_from_figures_equal_a_direct_computation_on_a_generated_history() {
    let app = spawn_app().await;
    let shape = Shape {
        seed: 7,
        clients: 500,
        orders: 8_000,
        years: 2,
        couriers: 4,
        operators: 3,
    };
    let made = generate(&app.state, &shape).await.expect("generate");
    assert!(made.orders > 7_000, "made {} orders", made.orders);
    let manager = app.login("manager", DEMO_PASSWORD).await;
    let today = app.state.cfg.today();
    let d = |days: i64| (today + Duration::days(days)).to_string();

    let ranges = [
        (d(-30), d(0)),
        (d(-365), d(0)),
        (d(-800), d(1)),
        (d(-200), d(-150)),
        (d(0), d(0)),
    ];
    for (from, to) in &ranges {
        check_range(&app, &manager, from, to).await;
    }
    for months in [1, 3, 6] {
        check_lost(&app, &manager, &d(0), months).await;
    }
    // As of a past day the per-client figures cannot answer; the slow path must agree too.
    check_lost(&app, &manager, &d(-100), 3).await;

    // The deliveries report kept packs of the closed months and days it read...
    let packs: Vec<String> = app
        .state
        .store
        .many(
            "SELECT VALUE record::id(id) FROM stat_pack WHERE ok = true",
            json!(null),
            vec![],
        )
        .await
        .expect("packs")
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let month = |days: i64| (today + Duration::days(days)).format("%Y-%m").to_string();
    for key in [month(-200), d(-5), d(-30)] {
        assert!(packs.contains(&key), "pack {key} among {packs:?}");
    }
    assert!(!packs.contains(&d(-1)), "yesterday is read live: {packs:?}");
    // ...and orders delivered late on those days move them: a mark in the
    // order's own transaction makes the next report build them again.
    let product = app.get("/api/products", &manager).await.ok()[0]["id"].clone();
    let courier = app
        .get(&format!("/api/orders?date={}", d(-5)), &manager)
        .await
        .ok()
        .as_array()
        .and_then(|l| {
            l.iter()
                .find_map(|o| o["courier_id"].as_str().map(str::to_string))
        })
        .expect("an order with a courier");
    let client = app
        .get(&format!("/api/orders?date={}", d(-6)), &manager)
        .await
        .ok()[0]["client_id"]
        .clone();
    let card = app
        .get(
            &format!("/api/clients/{}", client.as_str().unwrap_or_default()),
            &manager,
        )
        .await
        .ok();
    for back in [-200, -5, -30] {
        let late = app
            .order(
                &manager,
                json!({
                    "client_id": client,
                    "address_id": card["addresses"][0]["id"],
                    "lines": [{ "product_id": product, "qty": 3 }],
                    "delivery_date": d(back),
                    "courier_id": courier,
                }),
            )
            .await;
        let id = id_of(&late);
        app.post(&format!("/api/orders/{id}/dispatch"), &manager, json!({}))
            .await
            .ok();
        app.post(
            &format!("/api/orders/{id}/deliver"),
            &manager,
            json!({ "empties_returned": 0 }),
        )
        .await
        .ok();
    }
    for (from, to) in &ranges {
        check_range(&app, &manager, from, to).await;
    }

    // Live changes through the API move the figures in the same transaction.
    let op = app.login("op01", DEMO_PASSWORD).await;
    let today_orders = || async {
        app.get(&format!("/api/orders?date={}", d(0)), &op)
            .await
            .ok()
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let mut list = today_orders().await;
    // A quiet day in the generated history (a weekend in winter) gets more
    // orders taken through the API, half of them dispatched.
    if list.len() < 9 {
        let product = app.get("/api/products", &op).await.ok()[0]["id"].clone();
        let courier = app.get("/api/users?role=courier", &op).await.ok()[0]["id"].clone();
        let clients = app.state.store.all_clients().await.expect("clients");
        for (i, c) in clients.iter().take(9 - list.len()).enumerate() {
            let o = app
                .order(
                    &op,
                    json!({ "client_id": c.id, "address_id": c.addresses[0].id,
                            "lines": [{ "product_id": product, "qty": 2 }],
                            "delivery_date": d(0), "courier_id": courier }),
                )
                .await;
            if i % 2 == 0 {
                app.post(
                    &format!("/api/orders/{}/dispatch", id_of(&o)),
                    &op,
                    json!({}),
                )
                .await
                .ok();
            }
        }
        list = today_orders().await;
    }
    assert!(list.len() > 5, "today has orders");
    let mut done = 0;
    for o in &list {
        let id = id_of(o);
        let r = match (o["state"].as_str(), done % 3) {
            (Some("delivery"), 0) => {
                app.post(
                    &format!("/api/orders/{id}/deliver"),
                    &op,
                    json!({ "empties_returned": 1, "empties_note": "вернёт в следующий раз" }),
                )
                .await
            }
            (Some("delivery"), 1) => {
                app.post(
                    &format!("/api/orders/{id}/fail"),
                    &op,
                    json!({ "reason": "Клиент отсутствует" }),
                )
                .await
            }
            (Some("new"), _) | (Some("delivery"), _) => {
                app.post(
                    &format!("/api/orders/{id}/cancel"),
                    &op,
                    json!({ "reason": "Дубль заказа" }),
                )
                .await
            }
            _ => continue,
        };
        r.ok();
        done += 1;
    }
    assert!(done >= 3, "changed {done} orders");
    let touched: Vec<String> = list
        .iter()
        .take(12)
        .filter_map(|o| o["client_id"].as_str().map(str::to_string))
        .collect();
    check_cards(&app, &manager, &touched).await;
    // A new order for a lost client takes them off the lost list.
    let lost = report(
        &app,
        &manager,
        &format!("/api/reports/lost-clients?as_of={}", d(0)),
    )
    .await;
    let lost_id = lost["rows"][0]["client_id"]
        .as_str()
        .expect("a lost client")
        .to_string();
    let client = app.get(&format!("/api/clients/{lost_id}"), &op).await.ok();
    let product = app.get("/api/products", &op).await.ok()[0]["id"].clone();
    let created = app
        .order(
            &op,
            json!({
                "client_id": lost_id,
                "address_id": client["addresses"][0]["id"],
                "lines": [{ "product_id": product, "qty": 2 }],
                "delivery_date": d(1),
            }),
        )
        .await;
    assert_eq!(created["state"], "new");
    for (from, to) in &ranges {
        check_range(&app, &manager, from, to).await;
    }
    check_lost(&app, &manager, &d(0), 3).await;
    check_cards(&app, &manager, std::slice::from_ref(&lost_id)).await;
    let lost = report(
        &app,
        &manager,
        &format!("/api/reports/lost-clients?as_of={}", d(0)),
    )
    .await;
    assert!(
        !lost["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["client_id"] == lost_id.as_str()),
        "a client with an open order is not lost"
    );

    // Rebuilding the figures from the orders gives the same answers.
    let before = report(
        &app,
        &manager,
        &format!("/api/reports/deliveries?from={}&to={}", d(-365), d(1)),
    )
    .await;
    app.state.store.rebuild_stats().await.expect("rebuild");
    let after = report(
        &app,
        &manager,
        &format!("/api/reports/deliveries?from={}&to={}", d(-365), d(1)),
    )
    .await;
    assert_eq!(before, after);
    check_range(&app, &manager, &d(-800), &d(1)).await;
    check_cards(&app, &manager, &touched).await;
    for months in [1, 3] {
        check_lost(&app, &manager, &d(0), months).await;
    }

    // The schema-3 migration fills the cards' ids from the orders alone.
    app.state
        .store
        .run(
            "UPDATE stat_client SET open_ids = [], recent = []",
            json!(null),
        )
        .await
        .expect("wipe the cards");
    let empty = app.get(&format!("/api/clients/{lost_id}"), &op).await.ok();
    assert_eq!(empty["active_orders"], json!([]), "the cards were wiped");
    let written = app
        .state
        .store
        .rebuild_client_cards()
        .await
        .expect("cards rebuilt");
    assert!(written >= touched.len(), "{written} cards written");
    check_cards(&app, &manager, &touched).await;
    check_cards(&app, &manager, std::slice::from_ref(&lost_id)).await;

    // The schema-4 migration lists the lost-client candidates from the client figures,
    // and the report reads nothing else.
    app.state
        .store
        .run("DELETE stat_lost", json!(null))
        .await
        .expect("wipe the candidates");
    let lost_url = format!("/api/reports/lost-clients?as_of={}", d(0));
    let none = report(&app, &manager, &lost_url).await;
    assert_eq!(none["rows"], json!([]), "the report reads stat_lost");
    let listed = app
        .state
        .store
        .rebuild_lost()
        .await
        .expect("candidates rebuilt");
    assert!(listed > 0, "{listed} candidates");
    for months in [1, 3] {
        check_lost(&app, &manager, &d(0), months).await;
    }

    // A lost client's new name and number show on the list at once.
    let lost = report(&app, &manager, &lost_url).await;
    let renamed = lost["rows"][0]["client_id"]
        .as_str()
        .expect("a lost client")
        .to_string();
    app.patch(
        &format!("/api/clients/{renamed}"),
        &op,
        json!({ "name": "Родник-Переименован", "phones": ["+79990001122"] }),
    )
    .await
    .ok();
    check_lost(&app, &manager, &d(0), 3).await;
    let lost = report(&app, &manager, &lost_url).await;
    let row = lost["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["client_id"] == renamed.as_str())
        .expect("still lost")
        .clone();
    assert_eq!(row["name"], "Родник-Переименован");
    assert_eq!(row["phones"], json!(["+79990001122"]));
}
