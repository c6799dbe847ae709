//! Client notifications (issue 23, part 3), end to end through the API and
//! the short link's page: the rules and their checks (the gateway's key kept
//! and never answered), the evening-before message queued once and sent
//! through a fake SMS.ru / SMSC holding their recorded request and answer
//! shapes, consent per client, mobiles only, quiet hours, the gateway's
//! errors, e-mail through a real local SMTP server, "on the way" when the
//! courier's previous stop closes, and the client confirming, moving and
//! cancelling through the link (no login; a token that acts on one order).

use std::time::Duration;

use rodnik_tests::sms::{self, FakeSms, SmsMode, SMSC_LOGIN, SMSC_PASSWORD, SMSRU_KEY};
use rodnik_tests::smtp::Smtp;
use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    sms: FakeSms,
    water: String,
    courier: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let sms = FakeSms::start().await;
    let water = app.product("W19", "water", 30000, true).await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    World {
        app,
        sms,
        water,
        courier,
    }
}

/// Rules that send by SMS.ru through the fake at once (no quiet hours, the
/// evening scan open all day).
fn rules(w: &World) -> Value {
    sms::rules(&w.sms.url, &w.app.base)
}

async fn set_rules(app: &App, body: Value) -> Value {
    app.put("/api/settings/notifications", &app.admin, body)
        .await
        .expect(200)
}

impl World {
    /// A client with `phone` who said `sms` (yes/no/default), and an order
    /// of theirs for `day` days from today: (client, order).
    async fn client_order(&self, name: &str, phone: &str, sms: &str, day: i64) -> (String, Value) {
        let app = &self.app;
        let (client, address) = app.client(name, "individual", phone).await;
        app.put(
            &format!("/api/clients/{client}/notify"),
            &app.admin,
            json!({ "sms": sms }),
        )
        .await
        .expect(200);
        let o = app
            .order(
                &app.admin,
                json!({ "client_id": client, "address_id": address,
                        "lines": [{ "product_id": self.water, "qty": 2 }],
                        "delivery_date": app.day(day),
                        "window": { "from": "10:00", "to": "13:00" } }),
            )
            .await;
        (client, o)
    }

    /// The fake gateway's requests once there are `n`.
    async fn sent(&self, n: usize) -> Vec<rodnik_tests::sms::SmsRequest> {
        for _ in 0..200 {
            let r = self.sms.requests();
            if r.len() >= n {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the gateway got {:?}, not {n} requests",
            self.sms.requests()
        );
    }

    /// The order's log entries once one of `kind` is `status`.
    async fn logged(&self, order: &str, kind: &str, status: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..200 {
            last = self
                .app
                .get(
                    &format!("/api/notifications?order_id={order}"),
                    &self.app.admin,
                )
                .await
                .ok();
            if let Some(n) = last.as_array().and_then(|a| {
                a.iter()
                    .find(|n| n["kind"] == kind && n["status"] == status)
            }) {
                return n.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {kind} message {status} for {order}: {last}");
    }
}

/// The short link's page: (status, html).
async fn page(app: &App, token: &str) -> (u16, String) {
    let r = app
        .http
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .expect("page");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

/// Posts the page's form: the answer's status and where it sends the browser.
async fn answer(app: &App, token: &str, form: &[(&str, &str)]) -> (u16, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = client
        .post(app.url(&format!("/s/{token}")))
        .form(form)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, to)
}

/// Posts the page's move form.
async fn move_to(app: &App, token: &str, v: &str, date: &str, window: &str) -> (u16, String) {
    answer(
        app,
        token,
        &[
            ("action", "move"),
            ("v", v),
            ("date", date),
            ("window", window),
        ],
    )
    .await
}

async fn order(app: &App, id: &str) -> Value {
    app.get(&format!("/api/orders/{id}"), &app.admin).await.ok()
}

#[tokio::test]
async fn the_rules_keep_the_key_and_check_their_fields() {
    let w = world().await;
    let app = &w.app;
    let mut body = rules(&w);
    body["evening_at"] = json!("25:00");
    let e = app
        .put("/api/settings/notifications", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "evening_at", "{e}");
    let mut body = rules(&w);
    body["link_base"] = json!("");
    let e = app
        .put("/api/settings/notifications", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "link_base", "{e}");
    let mut body = rules(&w);
    body["sms"]["key"] = Value::Null;
    let e = app
        .put("/api/settings/notifications", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "sms.key", "{e}");
    let mut body = rules(&w);
    body["sms"]["sender"] = json!("Очень длинное имя");
    let e = app
        .put("/api/settings/notifications", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "sms.sender", "{e}");
    let mut body = rules(&w);
    body["email"] = json!(true);
    let e = app
        .put("/api/settings/notifications", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "email", "{e}");
    let mut body = rules(&w);
    body["sms"] = json!({ "provider": "smsc", "url": w.sms.url, "key": SMSC_PASSWORD });
    let e = app
        .put("/api/settings/notifications", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "sms.login", "{e}");
    // Saved: the key is kept and never answered.
    let saved = set_rules(app, rules(&w)).await;
    assert!(saved["sms"]["key"].is_null(), "{saved}");
    assert_eq!(saved["sms"]["key_set"], true);
    let mut again = rules(&w);
    again["sms"]["key"] = Value::Null;
    again["signature"] = json!("Родник-Вода");
    let saved = set_rules(app, again).await;
    assert_eq!(saved["sms"]["key_set"], true, "{saved}");
    assert_eq!(saved["signature"], "Родник-Вода");
    let got = app
        .get("/api/settings/notifications", &app.admin)
        .await
        .ok();
    assert!(!got.to_string().contains(SMSRU_KEY), "{got}");
    assert_eq!(got["evening_at"], "00:00");
}

#[tokio::test]
async fn the_evening_message_goes_once_to_those_who_said_yes() {
    let w = world().await;
    let app = &w.app;
    set_rules(app, rules(&w)).await;
    let (yes, o_yes) = w
        .client_order("Анна Иванова", "+7 916 100-20-30", "yes", 1)
        .await;
    let (_, o_default) = w
        .client_order("Борис Петров", "+79161002031", "default", 1)
        .await;
    // A landline gets no SMS, whatever the client said.
    let (_, o_landline) = w
        .client_order("Вера Сидорова", "+74951002032", "yes", 1)
        .await;
    // Not tomorrow: not tonight.
    let (_, o_later) = w.client_order("Анна 2", "+79161002033", "yes", 2).await;
    let card = app
        .get(&format!("/api/clients/{yes}/notify"), &app.admin)
        .await
        .ok();
    assert_eq!(card["sms"], "yes", "{card}");
    assert_eq!(card["sms_to"], "+79161002030", "{card}");

    let run = app
        .post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["queued"], 1, "{run}");
    assert_eq!(run["without"], 2, "{run}");
    let sent = w.sent(1).await;
    let r = &sent[0];
    assert_eq!(r.provider, "smsru");
    assert_eq!(r.to, "79161002030");
    assert_eq!(r.key, SMSRU_KEY);
    assert_eq!(r.sender.as_deref(), Some("Rodnik"));
    let number = o_yes["number"].as_i64().expect("number");
    assert!(r.text.starts_with("Родник: доставка "), "{}", r.text);
    assert!(r.text.contains("10:00–13:00"), "{}", r.text);
    assert!(r.text.contains(&format!("№{number}")), "{}", r.text);
    let token = sms::link_token(&r.text, &app.base);
    assert_eq!(token.len(), 12, "{}", r.text);

    // Once: another run, and the worker's own scans, queue nothing more.
    let run = app
        .post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["queued"], 0, "{run}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(w.sms.requests().len(), 1);

    // The log: sent, the gateway's id, the link's secret hidden.
    let id = id_of(&o_yes);
    let n = w.logged(&id, "evening", "sent").await;
    assert_eq!(n["channel"], "sms");
    assert_eq!(n["to"], "+79161002030");
    assert_eq!(n["attempts"], 1);
    assert!(
        n["provider_id"].as_str().is_some_and(|p| !p.is_empty()),
        "{n}"
    );
    let logged = n["text"].as_str().expect("text");
    assert!(!logged.contains(&token), "{logged}");
    assert!(logged.contains(&token[..3]), "{logged}");
    for o in [&o_default, &o_landline, &o_later] {
        let list = app
            .get(
                &format!("/api/notifications?order_id={}", id_of(o)),
                &app.admin,
            )
            .await
            .ok();
        assert_eq!(list, json!([]), "{o}");
    }
    // The client's own list (the card's) and the day's.
    let by_client = app
        .get(&format!("/api/notifications?client_id={yes}"), &app.admin)
        .await
        .ok();
    assert_eq!(by_client.as_array().map(Vec::len), Some(1));
    let by_day = app
        .get(
            &format!("/api/notifications?date={}&status=sent", app.day(1)),
            &app.admin,
        )
        .await
        .ok();
    assert_eq!(by_day.as_array().map(Vec::len), Some(1));
    app.get("/api/notifications?status=lost", &app.admin)
        .await
        .error(400);
    app.get("/api/notifications?limit=501", &app.admin)
        .await
        .error(422);

    // With the company's default on, the client who never said gets one.
    let mut on = rules(&w);
    on["default_on"] = json!(true);
    set_rules(app, on).await;
    let run = app
        .post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["queued"], 1, "{run}");
    assert_eq!(run["without"], 1, "{run}");
    let sent = w.sent(2).await;
    assert_eq!(sent[1].to, "79161002031");
}

#[tokio::test]
async fn the_client_confirms_moves_and_cancels_through_the_link() {
    let w = world().await;
    let app = &w.app;
    set_rules(app, rules(&w)).await;
    let (_, o) = w
        .client_order("Галина Орлова", "+79161002040", "yes", 1)
        .await;
    let id = id_of(&o);
    app.post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    let token = sms::link_token(&w.sent(1).await[0].text, &app.base);

    // The page: no login, the order as it is.
    let (status, html) = page(app, &token).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&format!("№{}", o["number"])), "{html}");
    assert!(html.contains("10:00–13:00"), "{html}");
    assert!(html.contains("Подтверждаю доставку"), "{html}");
    // A wrong or incomplete token opens nothing.
    let mut wrong = token.clone();
    wrong.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    assert_eq!(page(app, &wrong).await.0, 404);
    assert_eq!(page(app, &token[..11]).await.0, 404);
    assert_eq!(
        answer(app, &wrong, &[("action", "confirm"), ("v", "1")])
            .await
            .0,
        404
    );

    // Confirm: the order says so; the log has the answer.
    let v = o["version"].to_string();
    let (status, to) = answer(app, &token, &[("action", "confirm"), ("v", &v)]).await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("/s/{token}?done=confirm").as_str())
    );
    let confirmed = order(app, &id).await;
    assert!(confirmed["confirmed_at"].is_string(), "{confirmed}");
    let reply = w.logged(&id, "reply", "received").await;
    assert_eq!(reply["channel"], "link");
    assert_eq!(reply["text"], "Клиент подтвердил доставку");
    let (_, html) = page(app, &token).await;
    assert!(html.contains("Вы подтвердили доставку"), "{html}");
    assert!(!html.contains("Подтверждаю доставку"), "{html}");

    // A page shown before a change acts on nothing: "look again".
    let (status, to) = answer(
        app,
        &token,
        &[("action", "cancel"), ("v", &v), ("sure", "1")],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("/s/{token}?done=changed").as_str())
    );
    assert_eq!(order(app, &id).await["state"], "new");

    // Move: a day and a window from the lists only.
    let v = confirmed["version"].to_string();
    let day3 = app.day(3);
    let (status, _) = move_to(app, &token, &v, &app.day(20), "13:00-18:00").await;
    assert_eq!(status, 422);
    let (status, _) = move_to(app, &token, &v, &day3, "13:00-17:00").await;
    assert_eq!(status, 422);
    let (status, to) = move_to(app, &token, &v, &day3, "13:00-18:00").await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("/s/{token}?done=move").as_str())
    );
    let moved = order(app, &id).await;
    assert_eq!(moved["delivery_date"], day3.as_str(), "{moved}");
    assert_eq!(moved["window"], json!({ "from": "13:00", "to": "18:00" }));
    // A new time is not what was confirmed.
    assert!(moved["confirmed_at"].is_null(), "{moved}");
    let reply = w.logged(&id, "reply", "received").await;
    assert!(
        reply["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Клиент")),
        "{reply}"
    );

    // Cancel needs the tick; then the order is cancelled with the client's reason.
    let v = moved["version"].to_string();
    let (status, _) = answer(app, &token, &[("action", "cancel"), ("v", &v)]).await;
    assert_eq!(status, 422);
    let (status, to) = answer(
        app,
        &token,
        &[("action", "cancel"), ("v", &v), ("sure", "1")],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("/s/{token}?done=cancel").as_str())
    );
    let cancelled = order(app, &id).await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(
        cancelled["cancel_reason"],
        "Клиент отменил по ссылке из уведомления"
    );
    // Nothing more to do on a cancelled order.
    let (_, html) = page(app, &token).await;
    assert!(
        html.contains("Отменён") && !html.contains("id=\"move\""),
        "{html}"
    );
    let v = cancelled["version"].to_string();
    let (status, _) = answer(app, &token, &[("action", "confirm"), ("v", &v)]).await;
    assert_eq!(status, 422);
    // The page speaks English to a browser that asks for it.
    let html = app
        .http
        .get(app.url(&format!("/s/{token}")))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Cancelled"), "{html}");
}

#[tokio::test]
async fn quiet_hours_hold_messages_and_a_no_stops_them() {
    let w = world().await;
    let app = &w.app;
    // Quiet from an hour ago to an hour on (the company's time).
    let now = chrono::Utc::now().with_timezone(&app.state.cfg.tz);
    let from = (now - chrono::Duration::hours(1))
        .format("%H:%M")
        .to_string();
    let to = (now + chrono::Duration::hours(1))
        .format("%H:%M")
        .to_string();
    let mut quiet = rules(&w);
    quiet["quiet_from"] = json!(from);
    quiet["quiet_to"] = json!(to);
    set_rules(app, quiet).await;
    let (client, o) = w
        .client_order("Дарья Новикова", "+79161002050", "yes", 1)
        .await;
    let id = id_of(&o);
    let run = app
        .post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["queued"], 1, "{run}");
    let held = w.logged(&id, "evening", "pending").await;
    let mut held = held;
    for _ in 0..100 {
        if held["error"] == "quiet hours" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        held = w.logged(&id, "evening", "pending").await;
    }
    assert_eq!(held["error"], "quiet hours", "{held}");
    let next = chrono::DateTime::parse_from_rfc3339(held["next_at"].as_str().expect("next_at"))
        .expect("a time");
    let wait = next.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        wait > chrono::Duration::minutes(55) && wait < chrono::Duration::minutes(61),
        "held until {next}"
    );
    assert!(w.sms.requests().is_empty());

    // The client says no meanwhile; quiet hours end: the message is dropped.
    app.put(
        &format!("/api/clients/{client}/notify"),
        &app.admin,
        json!({ "sms": "no" }),
    )
    .await
    .expect(200);
    set_rules(app, rules(&w)).await;
    let skipped = w.logged(&id, "evening", "skipped").await;
    assert_eq!(skipped["error"], "the client's choice or contact changed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(w.sms.requests().is_empty());
}

#[tokio::test]
async fn the_gateways_errors_fail_or_keep_the_message() {
    let w = world().await;
    let app = &w.app;
    set_rules(app, rules(&w)).await;
    // A number the gateway refuses: failed for good, the gateway's words kept.
    w.sms.set_mode(SmsMode::BadNumber);
    let (_, o) = w
        .client_order("Егор Волков", "+79161002060", "yes", 1)
        .await;
    app.post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    let failed = w.logged(&id_of(&o), "evening", "failed").await;
    assert!(
        failed["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{failed}"
    );
    assert_eq!(failed["attempts"], 1);
    // No money on the account: kept, tried again once there is.
    w.sms.set_mode(SmsMode::NoMoney);
    let (_, o) = w
        .client_order("Жанна Зайцева", "+79161002061", "yes", 1)
        .await;
    app.post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    let id = id_of(&o);
    let mut n = Value::Null;
    for _ in 0..200 {
        n = w.logged(&id, "evening", "pending").await;
        if n["attempts"].as_i64().unwrap_or(0) >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(n["error"].as_str().is_some_and(|e| !e.is_empty()), "{n}");
    w.sms.set_mode(SmsMode::Normal);
    let sent = w.logged(&id, "evening", "sent").await;
    assert!(sent["attempts"].as_i64().unwrap_or(0) >= 2, "{sent}");
    assert!(sent["error"].is_null(), "{sent}");
}

#[tokio::test]
async fn smsc_and_e_mail_carry_the_same_message() {
    let w = world().await;
    let app = &w.app;
    let smtp = Smtp::start();
    app.put(
        "/api/settings/company",
        &app.admin,
        json!({ "name": "ООО Родник", "smtp": { "host": "127.0.0.1", "port": smtp.port, "security": "none",
                 "username": "", "from": "Родник <info@rodnik.test>" } }),
    )
    .await
    .expect(200);
    let mut body = rules(&w);
    body["sms"] = json!({ "provider": "smsc", "url": w.sms.url, "login": SMSC_LOGIN,
                          "key": SMSC_PASSWORD, "sender": "" });
    body["email"] = json!(true);
    body["signature"] = json!("");
    set_rules(app, body).await;
    let (client, address) = app.client("Зоя Белова", "individual", "+79161002070").await;
    let c = app
        .put(
            &format!("/api/clients/{client}/notify"),
            &app.admin,
            json!({ "sms": "yes", "email": "yes", "email_address": "zoya@example.ru" }),
        )
        .await
        .expect(200);
    assert_eq!(c["email_to"], "zoya@example.ru", "{c}");
    app.put(
        &format!("/api/clients/{client}/notify"),
        &app.admin,
        json!({ "email": "yes", "email_address": "not an address" }),
    )
    .await
    .error(422);
    app.put(
        &format!("/api/clients/{client}/notify"),
        &app.admin,
        json!({ "sms": "yes", "phone": "+79990000000" }),
    )
    .await
    .error(422);
    app.order(
        &app.admin,
        json!({ "client_id": client, "address_id": address,
                "lines": [{ "product_id": w.water, "qty": 3 }],
                "delivery_date": app.day(1) }),
    )
    .await;
    let run = app
        .post("/api/notifications/run", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["queued"], 2, "{run}");
    let r = &w.sent(1).await[0];
    assert_eq!(r.provider, "smsc");
    assert_eq!(r.login.as_deref(), Some(SMSC_LOGIN));
    assert_eq!(r.key, SMSC_PASSWORD);
    assert_eq!(r.to, "79161002070");
    // Signed with the company's name; no window: during the day.
    assert!(r.text.starts_with("ООО Родник: доставка "), "{}", r.text);
    assert!(r.text.contains("в течение дня"), "{}", r.text);
    let letters = smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].to, vec!["zoya@example.ru".to_string()]);
    let msg = mail_parser::MessageParser::default()
        .parse(&letters[0].raw)
        .expect("a letter");
    assert!(
        msg.subject().is_some_and(|s| s.starts_with("Доставка ")),
        "{:?}",
        msg.subject()
    );
    let body = msg.body_text(0).expect("a text body").into_owned();
    assert!(body.starts_with("ООО Родник: доставка "), "{body}");
    // The letter has a link of its own (its own token), not the SMS's.
    let sms_token = sms::link_token(&r.text, &app.base);
    let mail_token = sms::link_token(&body, &app.base);
    assert_ne!(sms_token, mail_token);
    assert_eq!(page(app, &mail_token).await.0, 200);
    // A manager's test goes at once, whatever the hour.
    let t = app
        .post(
            "/api/notifications/test",
            &app.admin,
            json!({ "channel": "sms", "to": "8 916 555-44-33" }),
        )
        .await
        .ok();
    assert_eq!(t["kind"], "test");
    assert_eq!(t["to"], "+79165554433");
    let sent = w.sent(2).await;
    assert_eq!(sent[1].to, "79165554433");
    app.post(
        "/api/notifications/test",
        &app.admin,
        json!({ "channel": "sms", "to": "+7 495 123-45-67" }),
    )
    .await
    .error(422);
}

#[tokio::test]
async fn the_next_stop_hears_the_courier_is_on_the_way() {
    let w = world().await;
    let app = &w.app;
    set_rules(app, rules(&w)).await;
    let mut stops = vec![];
    for (name, phone) in [
        ("Игорь Первый", "+79161002080"),
        ("Ирина Вторая", "+79161002081"),
    ] {
        let (client, address) = app.client(name, "individual", phone).await;
        app.put(
            &format!("/api/clients/{client}/notify"),
            &app.admin,
            json!({ "sms": "yes" }),
        )
        .await
        .expect(200);
        stops.push(
            app.dispatched_stop(&app.admin, (&client, &address), (&w.water, 1), &w.courier)
                .await,
        );
    }
    assert!(w.sms.requests().is_empty());
    app.post(
        &format!("/api/orders/{}/deliver", stops[0]),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    let sent = w.sent(1).await;
    assert_eq!(sent[0].to, "79161002081");
    assert!(
        sent[0].text.contains("курьер едет к вам"),
        "{}",
        sent[0].text
    );
    let n = w.logged(&stops[1], "on_the_way", "sent").await;
    assert_eq!(n["date"], app.today().as_str());
    // The last stop closed: nobody else to tell; and never twice.
    app.post(
        &format!("/api/orders/{}/deliver", stops[1]),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(w.sms.requests().len(), 1);
}
