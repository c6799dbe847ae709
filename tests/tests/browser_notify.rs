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
use rodnik_tests::sms::{FakeSms, SMSRU_KEY};
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// Rules that send through `sms` at once (no quiet hours).
fn rules(app: &App, sms: &FakeSms) -> Value {
    json!({
        "enabled": true,
        "sms": { "provider": "sms_ru", "url": sms.url, "key": SMSRU_KEY, "sender": "Rodnik" },
        "evening": true, "evening_at": "00:00", "on_the_way": true,
        "quiet_from": "00:00", "quiet_to": "00:00",
        "default_on": false,
        "link_base": app.base,
        "signature": "Родник",
    })
}

/// The token of the short link in the gateway's `n`-th message.
async fn token_of_sms(app: &App, sms: &FakeSms, n: usize) -> String {
    for _ in 0..200 {
        if let Some(r) = sms.requests().get(n) {
            let at = r.text.find("/s/").expect("a link");
            return r.text[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
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
    app.put("/api/settings/notifications", &app.admin, rules(&app, &sms))
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
