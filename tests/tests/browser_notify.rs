//! Client notifications on screen (issue 23, part 3), in real headless
//! Chromium against the real server, in Russian: the client opens the
//! evening message's short link on a phone (no login) and confirms, moves
//! and cancels the delivery, each step checked through the API; an operator
//! sets a client's consent on the card and reads what was sent and what the
//! client answered in the send log; a manager sets the rules.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use fantoccini::Client;
use rodnik_tests::browser::*;
use rodnik_tests::sms::{self, FakeSms, SMSRU_KEY};
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// The token of the short link in the gateway's `n`-th message.
async fn token_of_sms(app: &App, sms: &FakeSms, n: usize) -> String {
    for _ in 0..200 {
        if let Some(r) = sms.requests().get(n) {
            return sms::link_token(&r.text, &app.base);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no message {n} at {}: {:?}", app.base, sms.requests());
}

async fn order(app: &App, id: &str) -> Value {
    app.get(&format!("/api/orders/{id}"), &app.admin).await.ok()
}

/// Polls the order until `check` holds.
async fn order_until(app: &App, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = order(app, id).await;
        if check(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the order never {what}: {last}");
}

async fn page_text(c: &Client) -> String {
    js(c, "return document.body.innerText;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_client_confirms_moves_and_cancels_on_the_short_link_page() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let sms = FakeSms::start().await;
    app.put(
        "/api/settings/company",
        &app.admin,
        json!({ "name": "ООО Родник", "phone": "+7 495 111-22-33" }),
    )
    .await
    .expect(200);
    app.put(
        "/api/settings/notifications",
        &app.admin,
        sms::rules(&sms.url, &app.base),
    )
    .await
    .expect(200);
    let water = app.product("W19", "water", 30000, true).await;
    let (client, address) = app
        .client("Анна Смирнова", "individual", "+79161230001")
        .await;
    app.put(
        &format!("/api/clients/{client}/notify"),
        &app.admin,
        json!({ "sms": "yes" }),
    )
    .await
    .expect(200);
    let o = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": address,
                    "lines": [{ "product_id": water, "qty": 2 }],
                    "delivery_date": app.day(1),
                    "window": { "from": "09:00", "to": "13:00" } }),
        )
        .await;
    let id = id_of(&o);
    app.post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    let token = token_of_sms(&app, &sms, 0).await;

    // The client's phone: the page in Russian, no login.
    let (_p, c) = phone_browser("ru-RU").await;
    c.goto(&app.url(&format!("/s/{token}")))
        .await
        .expect("open the link");
    wait_for(&c, "#order").await;
    let text = page_text(&c).await;
    assert!(text.contains(&format!("Заказ №{}", o["number"])), "{text}");
    assert!(text.contains("09:00–13:00"), "{text}");
    assert!(text.contains("Ожидает доставки"), "{text}");
    assert!(text.contains("+7 495 111-22-33"), "{text}");
    screenshot(&c, "notify-link.png").await;

    // Confirm.
    click(&c, "#confirm").await;
    wait_for(&c, "#done").await;
    assert_eq!(
        text_of(&c, "#done").await,
        "Спасибо! Доставка подтверждена."
    );
    wait_for(&c, "#confirmed").await;
    order_until(&app, &id, "was confirmed", |o| {
        o["confirmed_at"].is_string()
    })
    .await;

    // Move to the day after, 13:00-18:00.
    let day2 = app.day(2);
    set_value(&c, "#move-date", &day2).await;
    set_value(&c, "#move-window", "13:00-18:00").await;
    click(&c, "#move-go").await;
    wait_until(&c, "#done", None, |t| t.contains("перенесена")).await;
    let moved = order_until(&app, &id, "moved", |o| o["delivery_date"] == day2.as_str()).await;
    assert_eq!(moved["window"], json!({ "from": "13:00", "to": "18:00" }));
    assert!(page_text(&c).await.contains("13:00–18:00"));
    // The new time is not confirmed yet: the button is back.
    wait_for(&c, "#confirm").await;

    // Cancel: the box must be ticked (the browser keeps the form until it is).
    click(&c, "#cancel-go").await;
    assert_eq!(order(&app, &id).await["state"], "new");
    click(&c, "#cancel-sure").await;
    click(&c, "#cancel-go").await;
    wait_until(&c, "#done", None, |t| t.contains("Заказ отменён")).await;
    let cancelled = order_until(&app, &id, "was cancelled", |o| o["state"] == "cancelled").await;
    assert_eq!(
        cancelled["cancel_reason"],
        "Клиент отменил по ссылке из уведомления"
    );
    assert_eq!(text_of(&c, "#state").await, "Отменён");
    assert!(
        js(&c, "return document.querySelector('#move') === null;").await == json!(true),
        "a cancelled order offers nothing more"
    );
    screenshot(&c, "notify-link-cancelled.png").await;

    // The log has the message and each answer, newest first.
    let log = app
        .get(&format!("/api/notifications?order_id={id}"), &app.admin)
        .await
        .ok();
    let kinds: Vec<(&str, &str)> = log
        .as_array()
        .expect("log")
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap_or(""),
                n["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("reply", "received"),
            ("reply", "received"),
            ("reply", "received"),
            ("evening", "sent")
        ],
        "{log}"
    );

    // A wrong link shows a page that says so.
    c.goto(&app.url("/s/AAAAAAAAAAAA")).await.expect("open");
    wait_for(&c, ".err").await;
    assert!(page_text(&c).await.contains("Ссылка больше не действует"));
}

async fn open_client(c: &Client, name: &str, id: &str) {
    retype(c, "#client-search", name).await;
    click(
        c,
        &format!("#search-results li.search-result[data-id='{id}']"),
    )
    .await;
    wait_for(c, "#client-notify[data-loaded='true']").await;
}

#[tokio::test]
async fn managers_set_the_rules_operators_the_consent_and_both_read_the_log() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let sms = FakeSms::start().await;
    app.user("mira", "manager", None).await;
    app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 30000, true).await;
    let (client, address) = app
        .client("Борис Кузнецов", "individual", "+79161230002")
        .await;
    let o = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": address,
                    "lines": [{ "product_id": water, "qty": 3 }],
                    "delivery_date": app.day(1),
                    "window": { "from": "13:00", "to": "18:00" } }),
        )
        .await;
    let id = id_of(&o);

    // A manager sets the rules in Administration; a wrong time is refused
    // beside its field, nothing typed is lost.
    let (_p, c) = browser("ru-RU").await;
    log_in(&c, &app, "mira").await;
    c.goto(&app.url("/admin#notifications"))
        .await
        .expect("open");
    wait_for(&c, "#notify-settings[data-loaded='true']").await;
    click(&c, "#notify-enabled").await;
    set_value(&c, "#notify-provider", "sms_ru").await;
    retype(&c, "#notify-url", &sms.url).await;
    retype(&c, "#notify-key", SMSRU_KEY).await;
    retype(&c, "#notify-sender", "Rodnik").await;
    retype(&c, "#notify-link-base", &app.base).await;
    retype(&c, "#notify-quiet-from", "00:00").await;
    retype(&c, "#notify-quiet-to", "00:00").await;
    retype(&c, "#notify-evening-at", "25:00").await;
    click(&c, "#notify-save").await;
    wait_for(&c, ".field-error[data-field='evening_at']").await;
    retype(&c, "#notify-evening-at", "00:00").await;
    click(&c, "#notify-save").await;
    wait_for(&c, "#notify-saved").await;
    let saved = app
        .get("/api/settings/notifications", &app.admin)
        .await
        .ok();
    assert_eq!(saved["enabled"], true, "{saved}");
    assert_eq!(saved["sms"]["key_set"], true, "{saved}");
    assert_eq!(saved["sms"]["url"], sms.url.as_str());
    assert_eq!(saved["link_base"], app.base.as_str());
    screenshot(&c, "notify-settings.png").await;

    // An operator says yes to SMS on the client's card.
    click(&c, "#logout").await;
    wait_for(&c, "#login-form").await;
    log_in(&c, &app, "olga").await;
    open_client(&c, "Борис Кузнецов", &client).await;
    assert!(text_of(&c, "#client-notify-to")
        .await
        .contains("не отправляются"));
    set_value(&c, "#client-notify-sms", "yes").await;
    wait_for(&c, "#client-notify[data-sms='yes']").await;
    wait_until(&c, "#client-notify-to", Some("data-sms-to"), |v| {
        v == "+79161230002"
    })
    .await;
    let choice = app
        .get(&format!("/api/clients/{client}/notify"), &app.admin)
        .await
        .ok();
    assert_eq!(choice["sms"], "yes", "{choice}");
    assert_eq!(choice["updated_by"], "olga", "{choice}");

    // The evening message goes (queued by the API as the worker would at
    // evening_at); the client confirms through the link.
    app.post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    let token = token_of_sms(&app, &sms, 0).await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(app.url(&format!("/s/{token}")))
        .form(&[("action", "confirm"), ("v", &o["version"].to_string())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status().as_u16(), 303);

    // The card shows the message and the answer, and the order's mark.
    open_client(&c, "Борис Кузнецов", &client).await;
    wait_js(
        &c,
        "return document.querySelectorAll('#client-notify-log li.notify-row').length === 2;",
        "the card's two log rows",
    )
    .await;
    wait_for(&c, ".mini-order .confirmed-mark").await;

    // The send log: every day, the sent message and the client's answer.
    click(&c, "#nav-notifications").await;
    wait_for(&c, "#notify-page").await;
    click(&c, "#notify-all-days").await;
    let sent = format!("#notify-log tr.notify-row[data-kind='evening'][data-status='sent'][data-order-number='{}']", o["number"]);
    wait_for(&c, &sent).await;
    wait_for(
        &c,
        "#notify-log tr.notify-row[data-kind='reply'][data-status='received']",
    )
    .await;
    let row = text_of(&c, &sent).await;
    assert!(row.contains("Отправлено"), "{row}");
    assert!(
        row.contains("+79161230002") || row.contains("+7 916"),
        "{row}"
    );
    set_value(&c, "#notify-status", "received").await;
    wait_js(
        &c,
        "return [...document.querySelectorAll('#notify-log tr.notify-row')].every(r => r.dataset.status === 'received');",
        "only the answers",
    )
    .await;
    screenshot(&c, "notify-log.png").await;
    let confirmed = order(&app, &id).await;
    assert!(confirmed["confirmed_at"].is_string(), "{confirmed}");
}
