//! Courier changes at the door (issue 18, item 5) in real headless Chromium,
//! in Russian: on the phone (360x740) the courier delivers more water and a
//! pump than ordered (the total and the cash due follow), moves a stop to
//! tomorrow with no connection (sent once when it returns), and reads
//! tomorrow's route with what to load; on the desktop the dispatcher sees the
//! proposal on the board live and accepts it. Every step is checked in the
//! API; screenshots go to screenshots/door-*.png.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::{Duration, Instant};

use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// The app's grace period before a close is sent, plus a margin.
const GRACE: Duration = Duration::from_secs(12);

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    water: String,
    pump: String,
    ivan: (String, String),
    masha: (String, String),
}

/// Olga the operator, Masha the manager, Kolya the courier; water and a
/// pump; Ivan and Maria, individuals.
async fn world() -> World {
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let pump = app.product("PUMP", "goods", 50000, false).await;
    let ivan = app
        .client("Иван Петров", "individual", "+79161234567")
        .await;
    let masha = app
        .client("Мария Сидорова", "individual", "+79031112233")
        .await;
    // Regular clients: each has bottles to give back in exchange.
    for who in [&ivan, &masha] {
        app.holds(&who.0, 10).await;
    }
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        water,
        pump,
        ivan,
        masha,
    }
}

impl World {
    async fn stop(&self, who: &(String, String), lines: Value, date: &str) -> String {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": who.0, "address_id": who.1, "lines": lines,
                        "delivery_date": date, "courier_id": self.kolya_id,
                        "window": { "from": "09:00", "to": "13:00" } }),
            )
            .await;
        let id = id_of(&o);
        self.app
            .post(&format!("/api/orders/{id}/dispatch"), &self.op, json!({}))
            .await
            .expect(200);
        id
    }

    async fn until(&self, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + GRACE + WAIT;
        loop {
            let o = self
                .app
                .get(&format!("/api/orders/{id}"), &self.op)
                .await
                .expect(200);
            if check(&o) {
                return o;
            }
            assert!(Instant::now() < deadline, "{what} never happened: {o}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

fn stop(id: &str) -> String {
    format!("#route li.route-stop[data-id='{id}']")
}

#[tokio::test]
async fn a_courier_changes_a_stop_at_the_door_and_dispatch_accepts_the_move() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let today = w.app.today();
    let tomorrow = shift(&today, 1);
    let s1 = w
        .stop(
            &w.ivan,
            json!([{ "product_id": w.water, "qty": 2 }]),
            &today,
        )
        .await;
    let s2 = w
        .stop(
            &w.masha,
            json!([{ "product_id": w.water, "qty": 1 }]),
            &today,
        )
        .await;
    let s3 = w
        .stop(
            &w.masha,
            json!([{ "product_id": w.water, "qty": 4 }, { "product_id": w.pump, "qty": 1 }]),
            &tomorrow,
        )
        .await;

    let (phone, c) = phone_browser("ru-RU").await;
    courier_log_in(&c, &w.app, "kolya").await;

    // 1. The client takes three bottles instead of two and buys a pump.
    click(&c, &format!("{} .btn-deliver", stop(&s1))).await;
    wait_until(&c, "#close-form", Some("data-id"), |v| v == s1).await;
    wait_until(&c, "#close-form", Some("data-changed"), |v| v == "false").await;
    click(&c, "#change-lines").await;
    click(
        &c,
        &format!("#door-lines li[data-product-id='{}'] .line-plus", w.water),
    )
    .await;
    // The price list is on the phone: the pump is added from it.
    wait_for(&c, &format!("#door-add option[value='{}']", w.pump)).await;
    set_value(&c, "#door-add", &w.pump).await;
    wait_for(&c, &format!("#door-lines li[data-product-id='{}']", w.pump)).await;
    wait_until(&c, "#door-total", Some("data-value"), |v| v == "125000").await;
    wait_until(&c, "#door-total", None, |t| {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        t.contains("Заказано:500,00") && t.contains("Итого:1250,00")
    })
    .await;
    // The cash due follows; the empties expected follow the bottles.
    wait_js(
        &c,
        "return document.querySelector('#cash-input').value === '1250';",
        "the cash due follows the lines",
    )
    .await;
    wait_js(
        &c,
        "return document.querySelector('#empties-input').value === '3';",
        "the empties follow the bottles",
    )
    .await;
    click(&c, "#empties-minus").await;
    // One fewer than the client can give back: the courier says why.
    click(&c, "#empties-short .chip").await;
    screenshot(&c, "door-deliver-changed.png").await;
    click(&c, "#confirm-deliver").await;
    wait_until(&c, &stop(&s1), Some("data-pending"), |p| p == "delivered").await;
    let o1 = w
        .until(&s1, "delivered", |o| o["state"] == "delivered")
        .await;
    assert_eq!(o1["total"], 125000);
    assert_eq!(o1["cash_collected"], 125000);
    assert_eq!(o1["empties_returned"], 2);
    assert_eq!(o1["empties_note"], "Вернёт в следующий раз");
    assert_eq!(o1["ordered"]["total"], 50000);
    let qty: Vec<(String, i64)> = o1["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["product_id"].as_str().unwrap().to_string(),
                l["qty"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(qty, [(w.water.clone(), 3), (w.pump.clone(), 1)]);

    // 2. No connection: the courier moves Masha's stop to tomorrow.
    set_offline(&phone.url, &c, true).await;
    wait_until(&c, "#route-fresh", Some("data-state"), |s| s == "cached").await;
    click(&c, &format!("{} .btn-move", stop(&s2))).await;
    wait_for(&c, "#close-form[data-mode='move']").await;
    // The same day and window is no move: the form says what is missing.
    click(&c, "input[name='move-reason'][value='no_time']").await;
    click(&c, "#confirm-move").await;
    wait_for(&c, "#close-form .field-error[data-field='move']").await;
    click(&c, "#move-tomorrow").await;
    wait_until(&c, "#move-tomorrow", Some("aria-pressed"), |v| v == "true").await;
    screenshot(&c, "door-move.png").await;
    click(&c, "#confirm-move").await;
    wait_until(&c, &stop(&s2), Some("data-pending"), |p| p == "moved").await;
    wait_until(&c, &format!("{} .pending", stop(&s2)), None, |t| {
        t.contains("Перенесено на") && t.contains("Не успеваю сегодня")
    })
    .await;
    tokio::time::sleep(GRACE).await;
    let o2 = w.until(&s2, "still on the route", |_| true).await;
    assert_eq!(o2["state"], "delivery", "nothing left the phone: {o2}");
    set_offline(&phone.url, &c, false).await;
    let o2 = w.until(&s2, "moved", |o| o["state"] == "new").await;
    assert_eq!(o2["proposal"]["to_date"], tomorrow.as_str());
    assert_eq!(o2["proposal"]["reason"], "Не успеваю сегодня");
    assert_eq!(o2["reschedules"].as_array().map(Vec::len), Some(1));
    wait_for(
        &c,
        &format!("#failed-stops li.failed-stop.moved[data-id='{s2}'][data-moved-to='{tomorrow}']"),
    )
    .await;

    // 3. Tomorrow's route, read-only, with what to load.
    click(&c, "#tab-tomorrow").await;
    wait_until(&c, "#tomorrow", Some("data-date"), |d| d == tomorrow).await;
    wait_until(&c, "#tomorrow-stops", Some("data-value"), |v| v == "1").await;
    wait_until(&c, "#tomorrow-water", Some("data-value"), |v| v == "4").await;
    wait_until(&c, "#tomorrow-goods", Some("data-value"), |v| v == "1").await;
    wait_for(&c, &format!("#tomorrow-route li[data-id='{s3}']")).await;
    assert!(
        c.find(fantoccini::Locator::Css("#tomorrow .btn-deliver"))
            .await
            .is_err(),
        "tomorrow's route is read-only"
    );
    screenshot(&c, "door-tomorrow.png").await;
    // The day's summary counts the move apart from failures.
    click(&c, "#tab-summary").await;
    wait_until(&c, "#sum-moved", Some("data-value"), |v| v == "1").await;
    wait_until(&c, "#sum-failed", Some("data-value"), |v| v == "0").await;

    // 4. The dispatcher sees the proposal on the board and accepts it.
    let (_desk, d) = browser("ru-RU").await;
    log_in(&d, &w.app, "olga").await;
    d.goto(&w.app.url("/board")).await.expect("open the board");
    let item = format!("#needs-date li.needs-date[data-id='{s2}']");
    wait_until(&d, &format!("{item} .reason"), None, |t| {
        t.contains("Не успеваю сегодня")
    })
    .await;
    click(&d, &format!("{item} button")).await;
    wait_until(&d, "#board-actions", Some("data-id"), |v| v == s2).await;
    wait_until(&d, "#door-proposal", Some("data-date"), |v| v == tomorrow).await;
    wait_for(&d, "#board-actions .door-move[data-outcome='to_dispatch']").await;
    screenshot(&d, "door-board-proposal.png").await;
    click(&d, "#act-accept-proposal").await;
    let o2 = w
        .until(&s2, "accepted", |o| o["delivery_date"] == tomorrow.as_str())
        .await;
    assert!(o2.get("proposal").is_none(), "{o2}");
    assert_eq!(o2["needs_new_date"], false);
    assert_eq!(o2["window"], json!({ "from": "09:00", "to": "13:00" }));
}

#[tokio::test]
async fn a_manager_sets_where_a_stop_moved_to_another_day_goes() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let (app, manager) = (&w.app, &w.manager);
    let (_d, c) = browser("ru-RU").await;
    log_in(&c, app, "masha").await;
    c.goto(&app.url("/admin#orders")).await.expect("open admin");
    wait_until(&c, "#order-settings", Some("data-other-day"), |v| {
        v == "to_dispatch"
    })
    .await;
    wait_js(
        &c,
        "return document.querySelector(\"input[name='other-day'][value='to_dispatch']\").checked;",
        "the default is checked",
    )
    .await;
    click(&c, "input[name='other-day'][value='to_route']").await;
    click(&c, "#order-settings-save").await;
    wait_for(&c, "#order-settings-saved").await;
    wait_until(&c, "#order-settings", Some("data-other-day"), |v| {
        v == "to_route"
    })
    .await;
    screenshot(&c, "door-settings.png").await;
    let saved = app.get("/api/settings/orders", &manager).await.expect(200);
    assert_eq!(
        saved,
        json!({ "other_day": "to_route", "standing_days": 7 })
    );
}

#[tokio::test]
async fn an_admin_adds_a_reason_the_courier_gives_it_and_the_report_counts_it() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let today = w.app.today();

    // The admin adds a reason for failed deliveries and retires "Отказ".
    let (_d, a) = browser("ru-RU").await;
    admin_log_in(&a, &w.app).await;
    a.goto(&w.app.url("/admin#orders"))
        .await
        .expect("open admin");
    let fail = "#reasons .reason-kind[data-kind='fail']";
    wait_for(&a, &format!("{fail} tr.reason-row[data-id='absent']")).await;
    set_value(&a, &format!("{fail} .reason-new-ru"), "Шлагбаум закрыт").await;
    set_value(&a, &format!("{fail} .reason-new-en"), "Barrier closed").await;
    click(&a, &format!("{fail} .reason-add-btn")).await;
    wait_js(
        &a,
        "return [...document.querySelectorAll(\"#reasons .reason-kind[data-kind='fail'] .reason-ru\")]
            .some(i => i.value === 'Шлагбаум закрыт');",
        "the new reason is listed",
    )
    .await;
    click(
        &a,
        &format!("{fail} tr.reason-row[data-id='refused'] .reason-retire"),
    )
    .await;
    wait_until(
        &a,
        &format!("{fail} tr.reason-row[data-id='refused']"),
        Some("data-active"),
        |v| v == "false",
    )
    .await;
    screenshot(&a, "reasons-admin.png").await;
    let list = w.app.get("/api/reasons?kind=fail", &w.op).await.expect(200);
    let added = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ru"] == "Шлагбаум закрыт")
        .map(id_of)
        .expect("the reason was added");
    assert!(!list
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "refused"));

    // The courier's list is the company's: the new reason, not the retired one.
    let s = w
        .stop(
            &w.ivan,
            json!([{ "product_id": w.water, "qty": 1 }]),
            &today,
        )
        .await;
    let (_p, c) = phone_browser("ru-RU").await;
    courier_log_in(&c, &w.app, "kolya").await;
    click(&c, &format!("{} .btn-fail", stop(&s))).await;
    wait_for(&c, &format!("input[name='fail-reason'][value='{added}']")).await;
    assert!(c
        .find(fantoccini::Locator::Css(
            "input[name='fail-reason'][value='refused']"
        ))
        .await
        .is_err());
    click(&c, &format!("input[name='fail-reason'][value='{added}']")).await;
    click(&c, "#confirm-fail").await;
    let o = w.until(&s, "failed", |o| o["state"] == "new").await;
    assert_eq!(o["attempts"][0]["reason_id"], added.as_str());
    assert_eq!(o["attempts"][0]["reason"], "Шлагбаум закрыт");

    // The manager's reasons report counts it.
    let (_m, m) = browser("ru-RU").await;
    log_in(&m, &w.app, "masha").await;
    m.goto(&w.app.url("/reports")).await.expect("open reports");
    click(&m, "#tab-reasons").await;
    wait_until(&m, "#reports", Some("data-tab"), |v| v == "reasons").await;
    wait_until(
        &m,
        "#reasons-totals li[data-kind='fail']",
        Some("data-value"),
        |v| v == "1",
    )
    .await;
    wait_until(&m, "#reasons-table", None, |t| {
        t.contains("Шлагбаум закрыт")
    })
    .await;
    set_value(&m, "#reasons-group", "courier").await;
    wait_until(&m, "#reasons-table", None, |t| t.contains("kolya name")).await;
    screenshot(&m, "reasons-report.png").await;
}

#[tokio::test]
async fn a_courier_hands_in_the_cash_and_the_cashier_confirms_it_short() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let today = w.app.today();
    let s = w
        .stop(
            &w.ivan,
            json!([{ "product_id": w.water, "qty": 2 }]),
            &today,
        )
        .await;
    w.app
        .post(
            &format!("/api/orders/{s}/deliver"),
            &w.kolya,
            json!({ "cash_collected": 50000, "empties_returned": 2 }),
        )
        .await
        .expect(200);

    // The courier hands in the day's cash from the summary.
    let (_p, c) = phone_browser("ru-RU").await;
    courier_log_in(&c, &w.app, "kolya").await;
    click(&c, "#tab-summary").await;
    wait_for(
        &c,
        &format!("#cash tr.cash-stop[data-id='{s}'][data-collected='50000']"),
    )
    .await;
    wait_js(
        &c,
        "return document.querySelector('#handover-amount').value === '500';",
        "the amount is the cash collected",
    )
    .await;
    click(&c, "#handover-submit").await;
    wait_until(&c, "#handover-state", Some("data-state"), |v| {
        v == "submitted"
    })
    .await;
    screenshot(&c, "cash-courier.png").await;
    let id = format!("{}_{}", w.kolya_id, today.replace('-', ""));

    // The cashier finds it in Reports → Касса and confirms 490.00 with a comment.
    let (_d, m) = browser("ru-RU").await;
    log_in(&m, &w.app, "masha").await;
    m.goto(&w.app.url("/reports")).await.expect("open reports");
    click(&m, "#tab-cash").await;
    let row = format!("#cash-table tr.cash-row[data-id='{id}']");
    wait_until(&m, &row, Some("data-state"), |v| v == "submitted").await;
    click(&m, &format!("{row} .cash-confirm")).await;
    set_value(&m, &format!("{row} .cash-received"), "490").await;
    click(&m, &format!("{row} .cash-confirm-save")).await;
    // A difference needs a comment: the server says so, nothing is saved.
    wait_until(&m, &format!("{row} .field-error"), None, |t| !t.is_empty()).await;
    set_value(&m, &format!("{row} .cash-comment"), "не хватило 10 ₽").await;
    click(&m, &format!("{row} .cash-confirm-save")).await;
    wait_until(&m, &row, Some("data-state"), |v| v == "confirmed").await;
    wait_until(&m, &row, Some("data-difference"), |v| v == "-1000").await;
    screenshot(&m, "cash-report.png").await;
    let list = w
        .app
        .get("/api/handovers?state=confirmed", &w.manager)
        .await
        .expect(200);
    assert_eq!(list[0]["received"], 49000);
    assert_eq!(list[0]["comment"], "не хватило 10 ₽");
}
