//! The client's own rhythm on screen (issue 23), in real headless Chromium
//! against the real server, in Russian: an operator sees on /calls the
//! clients due to reorder (their usual day has come, no order) with `tel:`
//! links; a manager sees in the lost-clients tab the clients at risk by
//! their own rhythm and makes a call list of them in one click. A new order
//! for a client with a rhythm starts with the water it expects.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use rodnik_tests::browser::*;
use rodnik_tests::App;
use serde_json::{json, Value};

/// A client with 6 bottles delivered on each of `days` (from today).
async fn client_with(
    app: &App,
    courier: &str,
    water: &str,
    name: &str,
    phone: &str,
    days: &[i64],
) -> String {
    app.delivered_client((name, phone), (water, 6), courier, days)
        .await
        .0
}

/// Waits until the client's rhythm is written (it follows the delivery).
async fn rhythm_written(app: &App, client: &str) {
    for _ in 0..100 {
        let card = app
            .get(&format!("/api/clients/{client}"), &app.admin)
            .await
            .ok();
        if card["rhythm"].is_object() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no rhythm for {client}");
}

#[tokio::test]
async fn operators_see_who_is_due_and_managers_list_who_is_at_risk() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    app.user("olga", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, false).await;
    let due = client_with(
        &app,
        &kolya,
        &water,
        "ООО Неделя",
        "9160000011",
        &[-35, -28, -21, -14, -7],
    )
    .await;
    let silent = client_with(
        &app,
        &kolya,
        &water,
        "ООО Тишина",
        "9160000012",
        &[-70, -63, -56, -49],
    )
    .await;
    rhythm_written(&app, &due).await;
    rhythm_written(&app, &silent).await;

    // An operator: the due client on /calls, with the number to dial.
    let (_p, c) = browser("ru-RU").await;
    log_in(&c, &app, "olga").await;
    wait_for(&c, "#nav-calls").await;
    click(&c, "#nav-calls").await;
    let row = format!("#reorder-table tr.report-row[data-key='{due}']");
    wait_for(&c, &row).await;
    let dial = wait_for(&c, &format!("{row} a[href='tel:+79160000011']")).await;
    assert!(dial.text().await.expect("text").contains("79160000011"));
    let rows: Value = js(
        &c,
        "return [...document.querySelectorAll('#reorder-table tr.report-row')].map(tr => tr.dataset.key);",
    )
    .await;
    assert_eq!(
        rows,
        json!([due]),
        "the silent client is not due, it is at risk"
    );
    let title = wait_for(&c, "#reorder-section h3").await;
    assert_eq!(title.text().await.expect("text"), "Пора заказать");
    assert!(
        js(
            &c,
            "return document.querySelector('#reorder-call-list') === null;"
        )
        .await
            == json!(true),
        "operators make no call lists"
    );
    screenshot(&c, "calls-reorder.png").await;

    // On the card, a new order starts with the water the rhythm expects
    // (6 bottles at 250 roubles).
    click(&c, "#nav-console").await;
    retype(&c, "#client-search", "ООО Неделя").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{due}']"),
    )
    .await;
    wait_until(&c, "#order-total", Some("data-value"), |v| v == "150000").await;

    // A manager: the at-risk client in the lost-clients tab, a call list of it.
    click(&c, "#logout").await;
    wait_for(&c, "#login-form").await;
    log_in(&c, &app, "mira").await;
    wait_for(&c, "#nav-reports").await;
    click(&c, "#nav-reports").await;
    click(&c, "#tab-lost").await;
    let risk = format!("#at-risk-table tr.report-row[data-key='{silent}']");
    wait_for(&c, &risk).await;
    click(&c, "#at-risk-call-list").await;
    wait_for(&c, "#at-risk-call-list-made").await;
    let lists = app.get("/api/call-lists", &manager).await.ok();
    let made = lists
        .as_array()
        .expect("lists")
        .iter()
        .find(|l| {
            l["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("Под угрозой"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no call list made: {lists}"));
    let list = app
        .get(
            &format!("/api/call-lists/{}", made["id"].as_str().expect("id")),
            &manager,
        )
        .await
        .ok();
    let on_list: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["client_id"].as_str())
        .collect();
    assert_eq!(on_list, vec![silent.as_str()]);
    screenshot(&c, "reports-at-risk.png").await;
}
