//! Card and SBP at the door in the courier app (issue 20, item 5), in
//! Russian on a phone: one stop paid by card, one split between cash and SBP
//! paying less than due (the rest stays on the client's account). The API
//! then shows the order's `payments`, the client's account rows by method,
//! and the day's handover counting only the cash. Screenshot:
//! screenshots/courier-payments.png.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::{Duration, Instant};

use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// The app's grace period before a close is sent (state::courier::GRACE_MS), plus a margin.
const GRACE: Duration = Duration::from_secs(12);

fn stop(id: &str) -> String {
    format!("#route li.route-stop[data-id='{id}']")
}

async fn dispatched(
    app: &App,
    op: &str,
    who: &(String, String),
    water: &str,
    qty: u32,
    courier: &str,
) -> String {
    let o = app
        .order(
            op,
            json!({ "client_id": who.0, "address_id": who.1,
                    "lines": [{ "product_id": water, "qty": qty }],
                    "delivery_date": app.today(), "courier_id": courier }),
        )
        .await;
    let id = id_of(&o);
    app.post(&format!("/api/orders/{id}/dispatch"), op, json!({}))
        .await
        .expect(200);
    id
}

async fn delivered(app: &App, op: &str, id: &str) -> Value {
    let deadline = Instant::now() + GRACE + WAIT;
    loop {
        let o = app.get(&format!("/api/orders/{id}"), op).await.expect(200);
        if o["state"] == "delivered" {
            return o;
        }
        assert!(Instant::now() < deadline, "order {id} never delivered: {o}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The client's payment rows as (method, amount), sorted, and the balance.
async fn payments_of(app: &App, op: &str, client: &str) -> (Vec<(String, i64)>, i64) {
    let a = app
        .get(&format!("/api/clients/{client}/account"), op)
        .await
        .expect(200);
    let moves = a["moves"].as_array().expect("moves").clone();
    let mut paid: Vec<(String, i64)> = moves
        .iter()
        .filter(|m| m["kind"] == "payment")
        .map(|m| {
            (
                m["method"].as_str().unwrap_or_default().to_string(),
                m["amount"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    paid.sort();
    let balance = moves.iter().filter_map(|m| m["amount"].as_i64()).sum();
    (paid, balance)
}

#[tokio::test]
async fn a_courier_takes_a_card_and_a_split_partial_payment_at_the_door() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let ivan = app
        .client("Иван Петров", "individual", "+79161234567")
        .await;
    let anna = app
        .client("Анна Сидорова", "individual", "+79031112233")
        .await;
    for who in [&ivan, &anna] {
        app.holds(&who.0, 10).await;
    }
    // Ivan: 500,00 due; Anna: 750,00 due.
    let s1 = dispatched(&app, &op, &ivan, &water, 2, &kolya_id).await;
    let s2 = dispatched(&app, &op, &anna, &water, 3, &kolya_id).await;

    let (_p, c) = phone_browser("ru").await;
    courier_log_in(&c, &app, "kolya").await;
    wait_for(&c, &stop(&s2)).await;

    // Ivan pays the whole amount by card: the amount is filled in.
    click(&c, &format!("{} .btn-deliver", stop(&s1))).await;
    wait_until(&c, "#close-form", Some("data-id"), |v| v == s1).await;
    wait_until(&c, "#pay-way", Some("data-way"), |v| v == "cash").await;
    wait_until(&c, "#pay-cash", None, |t| t == "Наличные").await;
    click(&c, "#pay-card").await;
    wait_until(&c, "#pay-way", Some("data-way"), |v| v == "card").await;
    wait_js(
        &c,
        "return document.querySelector('#card-input').value === '500'
             && !document.querySelector('#cash-input') && !document.querySelector('#pay-debt');",
        "the card takes the whole amount, no cash",
    )
    .await;
    click(&c, "#confirm-deliver").await;
    wait_until(&c, &stop(&s1), Some("data-pending"), |p| p == "delivered").await;
    wait_until(&c, &format!("{} .pending-what", stop(&s1)), None, |t| {
        t.contains("Карта 500,00")
    })
    .await;

    // Anna pays in parts: 200,00 by SBP and 300,00 in cash of 750,00.
    click(&c, &format!("{} .btn-deliver", stop(&s2))).await;
    wait_until(&c, "#close-form", Some("data-id"), |v| v == s2).await;
    click(&c, "#pay-split").await;
    wait_until(&c, "#pay-way", Some("data-way"), |v| v == "split").await;
    assert_eq!(
        wait_for(&c, "#pay-split").await.text().await.expect("text"),
        "Частями"
    );
    retype(&c, "#sbp-input", "200").await;
    // The cash fills the rest while it is not typed.
    wait_js(
        &c,
        "return document.querySelector('#cash-input').value === '550';",
        "cash is the rest",
    )
    .await;
    retype(&c, "#cash-input", "300").await;
    wait_until(&c, "#pay-debt", Some("data-value"), |v| v == "25000").await;
    wait_until(&c, "#pay-debt", None, |t| {
        t.starts_with("Останется долг 250,00")
    })
    .await;
    screenshot(&c, "courier-payments.png").await;
    click(&c, "#confirm-deliver").await;
    wait_until(&c, &stop(&s2), Some("data-pending"), |p| p == "delivered").await;

    // The server has them, each with its payments.
    let o1 = delivered(&app, &op, &s1).await;
    assert_eq!(o1["cash_collected"], 0, "{o1}");
    assert_eq!(
        o1["payments"],
        json!([{ "method": "card", "amount": 50000 }]),
        "{o1}"
    );
    let o2 = delivered(&app, &op, &s2).await;
    assert_eq!(o2["cash_collected"], 30000, "{o2}");
    assert_eq!(
        o2["payments"],
        json!([{ "method": "sbp", "amount": 20000 }]),
        "{o2}"
    );
    // The accounts: a row per method; Anna owes the rest.
    let (paid, balance) = payments_of(&app, &op, &ivan.0).await;
    assert_eq!(paid, [("card".to_string(), -50000)]);
    assert_eq!(balance, 0);
    let (paid, balance) = payments_of(&app, &op, &anna.0).await;
    assert_eq!(
        paid,
        [("cash".to_string(), -30000), ("sbp".to_string(), -20000)]
    );
    assert_eq!(balance, 25000);

    // The delivered stops say how they were paid.
    wait_until(&c, &stop(&s1), Some("data-state"), |s| s == "delivered").await;
    wait_until(
        &c,
        &format!("{} .closed-info .paid-by", stop(&s1)),
        Some("data-card"),
        |v| v == "50000",
    )
    .await;
    wait_until(&c, &format!("{} .closed-info", stop(&s2)), None, |t| {
        t.contains("СБП 200,00") && t.contains("в долг 250,00")
    })
    .await;

    // The cash to hand in counts only the cash: 0 + (750 - 200) due, 300 collected.
    click(&c, "#tab-summary").await;
    wait_until(
        &c,
        &format!("#cash tr.cash-stop[data-id='{s1}']"),
        Some("data-due"),
        |v| v == "0",
    )
    .await;
    wait_until(
        &c,
        &format!("#cash tr.cash-stop[data-id='{s2}']"),
        Some("data-sbp"),
        |v| v == "20000",
    )
    .await;
    wait_until(&c, "#cash-totals", Some("data-due"), |v| v == "55000").await;
    wait_until(&c, "#cash-totals", Some("data-collected"), |v| v == "30000").await;
    wait_until(&c, "#cash-totals", Some("data-card"), |v| v == "50000").await;
    wait_js(
        &c,
        "return document.querySelector('#handover-amount').value === '300';",
        "the amount to hand in is the cash collected",
    )
    .await;
    wait_js(
        &c,
        "return !document.querySelector('#handover-submit').disabled;",
        "every close has reached the server",
    )
    .await;
    click(&c, "#handover-submit").await;
    wait_until(&c, "#handover-state", Some("data-state"), |v| {
        v == "submitted"
    })
    .await;
    let list = app
        .get(&format!("/api/handovers?date={}", app.today()), &manager)
        .await
        .expect(200);
    assert_eq!(
        (&list[0]["due"], &list[0]["collected"], &list[0]["declared"]),
        (&json!(55000), &json!(30000), &json!(30000)),
        "{list}"
    );
    c.close().await.expect("close browser");
}
