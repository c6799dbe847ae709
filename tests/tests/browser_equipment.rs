//! The equipment register (Administration → Оборудование) in real headless
//! Chromium against the real server serving the Trunk build: a manager
//! registers a cooler, has a second one with the same serial refused at
//! the serial field (nothing typed is lost), filters the list, sends the
//! cooler to repair with a reason and back, edits its note, and meets a
//! change made meanwhile elsewhere (the card reloads and says so); each
//! step is checked through `GET /api/equipment/{id}`. An operator has no
//! such tab.
//!
//! Needs `frontend/dist` (`cargo xtask frontend`) and /usr/bin/chromedriver
//! with /usr/bin/chromium; without them the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::App;
use serde_json::{json, Value};

/// Replaces an input's whole text, the way a user does (select all, type).
async fn replace(c: &Client, css: &str, text: &str) {
    let el = wait_for(c, css).await;
    el.click().await.expect("focus input");
    el.send_keys(&format!("{}a{}{}", Key::Control, Key::Null, Key::Backspace))
        .await
        .expect("select all and delete");
    if !text.is_empty() {
        el.send_keys(text).await.expect("type");
    }
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.expect("find").len()
}

async fn value(c: &Client, css: &str) -> String {
    wait_for(c, css)
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

/// Polls until the input's value (the property: what is shown) is `want`.
async fn wait_value(c: &Client, css: &str, want: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let got = value(c, css).await;
        if got == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} shows {got:?}, not {want:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Polls the API until `check` holds for the JSON at `path`.
async fn api_until<F: Fn(&Value) -> bool>(app: &App, path: &str, check: F) -> Value {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let v = app.get(path, &app.admin).await.ok();
        if check(&v) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} never matched: {v}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The registered pieces whose serial contains `fragment`.
async fn listed(app: &App, fragment: &str) -> Vec<Value> {
    let path = format!("/api/equipment?serial={}", rodnik_tests::enc(fragment));
    let v = app.get(&path, &app.admin).await.ok();
    v.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_manager_registers_a_cooler_and_sends_it_to_repair_and_back() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("pavel", "manager", None).await;
    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "pavel").await;
    click(&c, "#nav-admin").await;
    wait_until(&c, "#tab-equipment", None, |t| t == "Оборудование").await;
    click(&c, "#tab-equipment").await;
    wait_for(&c, "#admin[data-tab='equipment']").await;
    wait_until(&c, "#equipment-table", Some("aria-busy"), |b| b == "false").await;
    wait_until(&c, "#equipment-table tr.empty", None, |t| {
        t.contains("не зарегистрировано")
    })
    .await;

    // ---- register a cooler ----
    click(&c, "#new-equipment").await;
    wait_for(&c, "#new-equipment-form").await;
    wait_for(&c, "#new-equipment-kind")
        .await
        .select_by_value("cooler")
        .await
        .expect("kind");
    replace(&c, "#new-equipment-model", "Ecotronic H1-LN").await;
    replace(&c, "#new-equipment-serial", "ECO-1001").await;
    replace(&c, "#new-equipment-note", "в коробке").await;
    click(&c, "#new-equipment-save").await;
    let row = "#equipment-table tr.equipment-row[data-serial='ECO-1001']";
    wait_for(&c, row).await;
    let got = listed(&app, "ECO-1001").await;
    assert_eq!(got.len(), 1, "{got:?}");
    let cooler = &got[0];
    assert_eq!(
        (
            &cooler["kind"],
            &cooler["model"],
            &cooler["note"],
            &cooler["state"],
            &cooler["version"]
        ),
        (
            &json!("cooler"),
            &json!("Ecotronic H1-LN"),
            &json!("в коробке"),
            &json!("in_stock"),
            &json!(1)
        )
    );
    let id = cooler["id"].as_str().expect("id").to_string();
    let path = format!("/api/equipment/{id}");
    // Ready for the next of the same model.
    assert_eq!(value(&c, "#new-equipment-model").await, "Ecotronic H1-LN");
    assert_eq!(value(&c, "#new-equipment-serial").await, "");

    // ---- the same serial in another spelling is refused at its field ----
    replace(&c, "#new-equipment-serial", "eco-10 01").await;
    replace(&c, "#new-equipment-note", "второй").await;
    click(&c, "#new-equipment-save").await;
    wait_until(
        &c,
        "#new-equipment-form .field-error[data-field='serial']",
        None,
        |t| t.contains("уже зарегистрировано"),
    )
    .await;
    screenshot(&c, "equipment-serial-taken.png").await;
    assert_eq!(value(&c, "#new-equipment-serial").await, "eco-10 01");
    assert_eq!(value(&c, "#new-equipment-model").await, "Ecotronic H1-LN");
    assert_eq!(value(&c, "#new-equipment-note").await, "второй");
    assert_eq!(listed(&app, "").await.len(), 1, "nothing registered");
    // Fixed, it goes through.
    replace(&c, "#new-equipment-serial", "ECO-1002").await;
    click(&c, "#new-equipment-save").await;
    wait_for(
        &c,
        "#equipment-table tr.equipment-row[data-serial='ECO-1002']",
    )
    .await;
    assert_eq!(listed(&app, "").await.len(), 2);
    wait_until(
        &c,
        "#equipment-states button[data-state='in_stock']",
        Some("data-count"),
        |n| n == "2",
    )
    .await;
    click(&c, "#new-equipment").await;

    // ---- filters: the serial box asks the server, the kind too ----
    replace(&c, "#equipment-serial", "1002").await;
    wait_until(
        &c,
        "#equipment-states button[data-state='']",
        Some("data-count"),
        |n| n == "1",
    )
    .await;
    assert_eq!(count(&c, "#equipment-table tr.equipment-row").await, 1);
    replace(&c, "#equipment-serial", "").await;
    wait_for(&c, "#equipment-kind")
        .await
        .select_by_value("pump")
        .await
        .expect("kind filter");
    wait_until(&c, "#equipment-table tr.empty", None, |t| {
        t.contains("Ничего не найдено")
    })
    .await;
    wait_for(&c, "#equipment-kind")
        .await
        .select_by_value("")
        .await
        .expect("all kinds");
    wait_for(&c, row).await;

    // ---- the card: to repair, a reason first ----
    click(&c, row).await;
    let card = format!("#equipment-card[data-id='{id}']");
    wait_until(&c, &card, Some("data-state"), |s| s == "in_stock").await;
    assert_eq!(count(&c, "#equipment-move-repaired").await, 0);
    assert_eq!(count(&c, "#equipment-move-write_off").await, 1);
    wait_until(&c, "#equipment-move-repair", None, |t| t == "В ремонт").await;
    click(&c, "#equipment-move-repair").await;
    wait_for(&c, "#equipment-move-form[data-action='repair']").await;
    click(&c, "#equipment-move-confirm").await;
    wait_for(&c, "#equipment-move-form .field-error[data-field='reason']").await;
    assert_eq!(app.get(&path, &app.admin).await.ok()["state"], "in_stock");
    replace(&c, "#equipment-move-reason", "течёт кран").await;
    click(&c, "#equipment-move-confirm").await;
    wait_until(&c, &card, Some("data-state"), |s| s == "in_repair").await;
    wait_for(&c, "#equipment-notice[data-kind='moved']").await;
    let v = app.get(&path, &app.admin).await.ok();
    assert_eq!(
        (&v["state"], &v["version"]),
        (&json!("in_repair"), &json!(2))
    );
    let h = &v["history"];
    assert_eq!(h.as_array().map(Vec::len), Some(2), "{v}");
    assert_eq!(
        (
            &h[0]["from"],
            &h[0]["to"],
            &h[0]["reason"],
            &h[0]["by_name"]
        ),
        (
            &json!("in_stock"),
            &json!("in_repair"),
            &json!("течёт кран"),
            &json!("pavel name")
        )
    );
    wait_until(&c, "#equipment-history li:first-child", None, |t| {
        t.contains("На складе → В ремонте") && t.contains("течёт кран") && t.contains("pavel name")
    })
    .await;
    wait_until(&c, row, Some("data-state"), |s| s == "in_repair").await;
    wait_until(
        &c,
        "#equipment-states button[data-state='in_repair']",
        Some("data-count"),
        |n| n == "1",
    )
    .await;
    screenshot(&c, "equipment-in-repair.png").await;

    // ---- back from repair ----
    assert_eq!(count(&c, "#equipment-move-repair").await, 0);
    wait_until(&c, "#equipment-move-repaired", None, |t| t == "Из ремонта").await;
    click(&c, "#equipment-move-repaired").await;
    replace(&c, "#equipment-move-reason", "заменили кран").await;
    click(&c, "#equipment-move-confirm").await;
    wait_until(&c, &card, Some("data-state"), |s| s == "in_stock").await;
    let v = api_until(&app, &path, |v| {
        v["history"].as_array().map(Vec::len) == Some(3)
    })
    .await;
    assert_eq!(
        (&v["state"], &v["version"]),
        (&json!("in_stock"), &json!(3))
    );
    assert_eq!(
        (&v["history"][0]["from"], &v["history"][0]["reason"]),
        (&json!("in_repair"), &json!("заменили кран"))
    );
    assert_eq!(v["history"][2]["from"], Value::Null, "registered");
    assert_eq!(count(&c, "#equipment-history li.equipment-event").await, 3);

    // ---- the note ----
    replace(&c, "#equipment-edit-note", "после ремонта").await;
    click(&c, "#equipment-edit-save").await;
    wait_for(&c, "#equipment-notice[data-kind='saved']").await;
    let v = app.get(&path, &app.admin).await.ok();
    assert_eq!(
        (&v["note"], &v["version"]),
        (&json!("после ремонта"), &json!(4))
    );

    // ---- someone changes it meanwhile: the move is refused, the card reloads ----
    app.patch(
        &path,
        &app.admin,
        json!({ "note": "стоит у окна", "expected_version": 4 }),
    )
    .await
    .ok();
    click(&c, "#equipment-move-repair").await;
    replace(&c, "#equipment-move-reason", "снова течёт").await;
    click(&c, "#equipment-move-confirm").await;
    wait_for(&c, "#equipment-notice[data-kind='stale']").await;
    wait_until(&c, &card, Some("data-version"), |v| v == "5").await;
    wait_value(&c, "#equipment-edit-note", "стоит у окна").await;
    assert_eq!(
        value(&c, "#equipment-move-reason").await,
        "снова течёт",
        "kept"
    );
    let v = app.get(&path, &app.admin).await.ok();
    assert_eq!(
        (&v["state"], &v["version"]),
        (&json!("in_stock"), &json!(5))
    );
    screenshot(&c, "equipment-stale.png").await;
    // Seen, sent again: it goes through on the current version.
    click(&c, "#equipment-move-confirm").await;
    wait_until(&c, &card, Some("data-state"), |s| s == "in_repair").await;
    let v = app.get(&path, &app.admin).await.ok();
    assert_eq!(
        (&v["state"], &v["version"]),
        (&json!("in_repair"), &json!(6))
    );
    assert_eq!(v["history"][0]["reason"], "снова течёт");

    // The state filter shows the one in repair.
    click(&c, "#equipment-states button[data-state='in_repair']").await;
    wait_until(&c, "#equipment-table tbody", None, |t| {
        t.contains("ECO-1001") && !t.contains("ECO-1002")
    })
    .await;
    screenshot(&c, "equipment.png").await;

    // The tab survives a reload.
    c.refresh().await.expect("reload");
    wait_for(&c, "#admin[data-tab='equipment']").await;
    wait_for(&c, row).await;

    c.close().await.expect("close browser");
}

#[tokio::test]
async fn an_operator_has_no_equipment_tab() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", Some("101")).await;
    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "olga").await;
    assert_eq!(count(&c, "#nav-admin").await, 0);
    c.goto(&app.url("/admin#equipment")).await.expect("open");
    wait_for(&c, "#orders-table").await;
    assert_eq!(count(&c, "#admin").await, 0);
    assert_eq!(count(&c, "#tab-equipment").await, 0);
    assert_eq!(count(&c, "#admin-equipment").await, 0);
    // Nor may the API register one for them.
    app.post(
        "/api/equipment",
        &op,
        json!({ "kind": "cooler", "model": "X", "serial": "OP-1" }),
    )
    .await
    .error(403);
    c.close().await.expect("close browser");
}
