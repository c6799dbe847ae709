//! Equipment rentals in real headless Chromium (issue 19): an operator rents
//! a cooler out from the client card (a wrong figure is shown at its field,
//! nothing lost), the card lists the agreement, and orders its collection
//! once it is in force; the courier's phone shows "Доставить кулер №…" with
//! the deposit in the cash due and closes the stop, which puts the cooler
//! at the client. Every step is checked through the API.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::{Duration, Instant};

use fantoccini::Client;
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// The courier app's grace period before a close is sent, plus a margin.
const GRACE: Duration = Duration::from_secs(12);

async fn cooler(app: &App, manager: &str, serial: &str) -> String {
    let c = app
        .post(
            "/api/equipment",
            manager,
            json!({ "kind": "cooler", "model": "Ecotronic H1-LN", "serial": serial }),
        )
        .await
        .expect(201);
    id_of(&c)
}

/// Polls the API until `check` holds for the JSON at `path`.
async fn api_until<F: Fn(&Value) -> bool>(
    app: &App,
    path: &str,
    token: &str,
    within: Duration,
    check: F,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let v = app.get(path, token).await.ok();
        if check(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "{path} never matched: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn open_client(c: &Client, name: &str, id: &str) {
    retype(c, "#client-search", name).await;
    click(
        c,
        &format!("#search-results li.search-result[data-id='{id}']"),
    )
    .await;
    wait_for(c, "#client-rentals").await;
}

#[tokio::test]
async fn an_operator_rents_a_cooler_out_from_the_card_and_orders_its_collection() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, boss) = app.user("boss", "manager", None).await;
    let (_, op) = app.user("op1", "operator", Some("101")).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let eco = cooler(&app, &boss, "ECO-7").await;
    cooler(&app, &boss, "ECO-8").await;
    let (client, _) = app
        .client("Офис Арендный", "individual", "+79161113344")
        .await;

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    open_client(&c, "Арендный", &client).await;
    wait_until(&c, "#client-rentals p.muted", None, |t| {
        t == "Оборудования в аренде нет."
    })
    .await;
    click(&c, "#rent-equipment").await;
    wait_for(&c, &format!("#rental-equipment option[value='{eco}']")).await;
    set_value(&c, "#rental-equipment", &eco).await;
    retype(&c, "#rental-fee", "пятьсот").await;
    retype(&c, "#rental-free-from", "4").await;
    retype(&c, "#rental-deposit", "1 000").await;
    retype(&c, "#rental-months", "12").await;
    wait_for(&c, &format!("#rental-courier option[value='{kolya_id}']")).await;
    set_value(&c, "#rental-courier", &kolya_id).await;
    click(&c, "#rental-save").await;
    // A fee that is not a number: shown at its field, the rest kept.
    wait_for(&c, "#rental-form .field-error[data-field='monthly_fee']").await;
    assert_eq!(
        js(&c, "return document.querySelector('#rental-months').value;").await,
        "12"
    );
    retype(&c, "#rental-fee", "500").await;
    click(&c, "#rental-save").await;
    wait_until(&c, "#rental-done", None, |t| {
        t.starts_with("Аренда оформлена: заказ на доставку №")
    })
    .await;
    wait_until(
        &c,
        "#client-rentals li.rental[data-serial='ECO-7']",
        Some("data-state"),
        |s| s == "pending",
    )
    .await;
    let terms = wait_for(&c, "#client-rentals li.rental .terms")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        terms.contains("кулер №ECO-7")
            && terms.contains("бесплатно от 4 бут. в месяц")
            && terms.contains("срок 12 мес."),
        "{terms}"
    );
    // The delivery order is on the card, with the cooler.
    wait_until(&c, "#active-orders li.mini-order .lines", None, |t| {
        t.contains("→ Ecotronic H1-LN №ECO-7")
    })
    .await;
    let rentals = app
        .get(&format!("/api/rentals?client_id={client}"), &op)
        .await
        .ok();
    let rental = rentals[0].clone();
    assert_eq!(
        (
            &rental["state"],
            &rental["monthly_fee"],
            &rental["deposit"],
            &rental["free_from_bottles"],
            &rental["months"]
        ),
        (
            &json!("pending"),
            &json!(50_000),
            &json!(100_000),
            &json!(4),
            &json!(12)
        )
    );
    screenshot(&c, "console-rental-pending.png").await;

    // Delivered: in force; the operator orders the collection.
    let order = rental["deliver_order_id"]
        .as_str()
        .expect("order")
        .to_string();
    app.post(&format!("/api/orders/{order}/dispatch"), &op, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("/api/orders/{order}/deliver"),
        &kolya,
        json!({ "cash_collected": 100_000 }),
    )
    .await
    .expect(200);
    c.refresh().await.expect("reload");
    wait_for(&c, "#client-search").await;
    open_client(&c, "Арендный", &client).await;
    wait_until(
        &c,
        "#client-rentals li.rental[data-serial='ECO-7']",
        Some("data-state"),
        |s| s == "active",
    )
    .await;
    click(&c, "#client-rentals li.rental .end-rental").await;
    wait_for(&c, "#rental-end-form").await;
    wait_for(&c, &format!("#rental-courier option[value='{kolya_id}']")).await;
    set_value(&c, "#rental-courier", &kolya_id).await;
    click(&c, "#rental-end-save").await;
    wait_until(&c, "#rental-done", None, |t| {
        t.starts_with("Вывоз заказан: заказ №")
    })
    .await;
    wait_until(
        &c,
        "#client-rentals li.rental .collect-ordered",
        None,
        |t| t.contains("заказан вывоз"),
    )
    .await;
    let rid = id_of(&rental);
    let r = app.get(&format!("/api/rentals/{rid}"), &op).await.ok();
    let collect = r["collect_order_id"].as_str().expect("collection ordered");
    let o = app.get(&format!("/api/orders/{collect}"), &op).await.ok();
    assert_eq!(
        (
            &o["equipment"][0]["action"],
            &o["equipment"][0]["deposit"],
            &o["courier_id"]
        ),
        (&json!("collect"), &json!(-100_000), &json!(kolya_id))
    );
    screenshot(&c, "console-rental-collection.png").await;
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn the_courier_delivers_a_rented_cooler_and_takes_its_deposit() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, boss) = app.user("boss", "manager", None).await;
    let (_, op) = app.user("op1", "operator", None).await;
    let (kolya_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25_000, true).await;
    let eco = cooler(&app, &boss, "ECO-9").await;
    let (client, address) = app
        .client("Ирина Кулерова", "individual", "+79161113355")
        .await;
    let made = app
        .post(
            "/api/rentals",
            &op,
            json!({ "client_id": client, "address_id": address, "equipment_id": eco,
                    "monthly_fee": 30_000, "deposit": 150_000,
                    "delivery": { "delivery_date": app.today(), "courier_id": kolya_id,
                                  "lines": [{ "product_id": water, "qty": 2 }] } }),
        )
        .await
        .expect(201);
    let oid = id_of(&made["order"]);
    app.post(&format!("/api/orders/{oid}/dispatch"), &op, json!({}))
        .await
        .expect(200);

    let (_phone, c) = phone_browser("ru-RU").await;
    courier_log_in(&c, &app, "kolya").await;
    let stop = format!("#route li.route-stop[data-id='{oid}']");
    wait_until(
        &c,
        &format!("{stop} .equipment-task[data-action='deliver'] .task-line"),
        None,
        |t| t == "Доставить кулер №ECO-9",
    )
    .await;
    wait_until(
        &c,
        &format!("{stop} .equipment-task .task-deposit"),
        Some("data-value"),
        |v| v == "150000",
    )
    .await;
    // Two bottles of water and the cooler's deposit.
    wait_until(&c, &format!("{stop} .cash-due"), Some("data-value"), |v| {
        v == "200000"
    })
    .await;
    screenshot(&c, "courier-rental-stop.png").await;
    click(&c, &format!("{stop} .btn-deliver")).await;
    wait_until(&c, "#close-form", Some("data-id"), |v| v == oid).await;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#cash-input').value.replace(/\\D/g, '');"
        )
        .await,
        "2000"
    );
    click(&c, "#confirm-deliver").await;
    wait_until(&c, &stop, Some("data-pending"), |p| p == "delivered").await;
    let e = api_until(
        &app,
        &format!("/api/equipment/{eco}"),
        &op,
        GRACE + WAIT,
        |e| e["state"] == "at_client",
    )
    .await;
    assert_eq!(e["client_id"], json!(client));
    let o = app.get(&format!("/api/orders/{oid}"), &op).await.ok();
    assert_eq!(o["cash_collected"], 200_000);
    let r = app
        .get(&format!("/api/rentals/{}", id_of(&made["rental"])), &op)
        .await
        .ok();
    assert_eq!(r["state"], "active");
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn a_cooler_due_for_sanitation_is_on_the_reminder_list_and_gets_its_stop_from_the_card() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, boss) = app.user("boss", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let san = app.product("SAN", "service", 150_000, false).await;
    // The manager sets the rule in the administration: every 6 months, the service.
    let (_driver, c) = browser("ru-RU").await;
    sign_in(&c, &app, "boss").await;
    wait_for(&c, "#nav-admin").await;
    c.goto(&app.url("/admin#orders")).await.expect("admin");
    wait_for(&c, &format!("#sanitation-product option[value='{san}']")).await;
    retype(&c, "#sanitation-months", "25").await;
    click(&c, "#sanitation-settings-save").await;
    wait_for(&c, "#sanitation-settings .form-error").await;
    retype(&c, "#sanitation-months", "6").await;
    set_value(&c, "#sanitation-product", &san).await;
    click(&c, "#sanitation-settings-save").await;
    wait_for(&c, "#sanitation-settings-saved").await;
    let settings = app.get("/api/settings/equipment", &boss).await.ok();
    assert_eq!(
        settings,
        json!({ "sanitation_months": 6, "sanitation_product_id": san })
    );
    let eco = cooler(&app, &boss, "ECO-OLD").await;
    let (client, address) = app.client("Офис Давний", "legal", "+79161113366").await;
    // Delivered seven months ago (a manager enters it).
    let made = app
        .post(
            "/api/rentals",
            &boss,
            json!({ "client_id": client, "address_id": address, "equipment_id": eco,
                    "monthly_fee": 0, "free_from_bottles": 4,
                    "delivery": { "delivery_date": app.day(-213), "courier_id": kolya_id } }),
        )
        .await
        .expect(201);
    let oid = id_of(&made["order"]);
    app.post(&format!("/api/orders/{oid}/dispatch"), &boss, json!({}))
        .await
        .expect(200);
    app.post(&format!("/api/orders/{oid}/deliver"), &kolya, json!({}))
        .await
        .expect(200);

    // The register shows the agreement and the last sanitation; the office
    // has no moves for a rented cooler.
    // A fresh load: the register lists what was registered since the page opened.
    js(&c, "location.hash = '#equipment';").await;
    c.refresh().await.expect("reload");
    click(
        &c,
        "#equipment-table tr.equipment-row[data-serial='ECO-OLD']",
    )
    .await;
    wait_until(&c, "#equipment-card .eq-rental-number", None, |t| {
        t.starts_with("Договор аренды №")
    })
    .await;
    wait_for(&c, "#equipment-card .eq-sanitized").await;
    assert_eq!(
        js(
            &c,
            "return document.querySelectorAll('#equipment-card button.move').length;"
        )
        .await,
        json!(0)
    );
    wait_until(
        &c,
        "#equipment-history li.equipment-event[data-to='at_client'] .order-number",
        None,
        |t| t.starts_with("заказ №"),
    )
    .await;
    c.goto(&app.url("/reports")).await.expect("reports");
    click(&c, "#tab-sanitation").await;
    wait_until(
        &c,
        "#sanitation-table tr.sanitation-row[data-serial='ECO-OLD']",
        Some("data-overdue"),
        |d| d.parse::<i64>().is_ok_and(|d| d > 0),
    )
    .await;
    click(&c, "#make-call-list").await;
    wait_for(&c, "#call-list-made").await;
    let lists = app.get("/api/call-lists", &boss).await.ok();
    assert_eq!(lists[0]["total"], 1, "{lists}");
    screenshot(&c, "reports-sanitation.png").await;

    // From the card: the due date, and the sanitation stop ordered.
    c.goto(&app.url("/console")).await.expect("console");
    wait_until(&c, "#live-status", Some("data-state"), |s| s == "online").await;
    open_client(&c, "Давний", &client).await;
    wait_for(&c, "#client-rentals li.rental .sanitation-due.overdue").await;
    click(&c, "#client-rentals li.rental .order-sanitation").await;
    wait_for(&c, &format!("#rental-courier option[value='{kolya_id}']")).await;
    set_value(&c, "#rental-courier", &kolya_id).await;
    click(&c, "#rental-end-save").await;
    wait_until(&c, "#rental-done", None, |t| {
        t.starts_with("Санобработка заказана: заказ №")
    })
    .await;
    let r = app.get("/api/reports/sanitation", &boss).await.ok();
    let order = r["rows"][0]["order_id"]
        .as_str()
        .expect("ordered")
        .to_string();
    let o = app.get(&format!("/api/orders/{order}"), &boss).await.ok();
    assert_eq!(
        (
            &o["equipment"][0]["action"],
            &o["lines"][0]["product_id"],
            &o["courier_id"]
        ),
        (&json!("sanitize"), &json!(san), &json!(kolya_id))
    );
    c.close().await.expect("close browser");
}
