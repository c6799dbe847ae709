//! The courier app in real headless Chromium at a phone's size (360x740)
//! against the real server: the route in order with what to collect, stops
//! arriving and leaving live, closing stops (delivered, failed, undone within
//! the grace period), closes made offline (Chrome's network emulation through
//! chromedriver) sent exactly once when the connection returns with a conflict
//! shown plainly, and the PWA: the service worker registers, controls the page
//! and opens the saved route with the network off. Every step is checked in
//! the API; screenshots of each screen go to screenshots/courier-*.png.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use rodnik_shared::api::{DeliverOrder, FailOrder};
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// The app's grace period before a close is sent (state::courier::GRACE_MS), plus a margin.
const GRACE: Duration = Duration::from_secs(12);

/// The phone's browser: headless Chromium emulating a 360x740 phone.
type Phone = Driver;

async fn phone(lang: &str) -> (Phone, Client) {
    phone_browser(lang).await
}

struct World {
    app: App,
    op: String,
    kolya_id: String,
    kolya: String,
    petya_id: String,
    water: String,
    pump: String,
    ivan: (String, String),
    romashka: (String, String),
    masha: (String, String),
}

async fn world() -> World {
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (petya_id, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let pump = app.product("PUMP", "goods", 50000, false).await;
    let ivan = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    let romashka = app.client("OOO Romashka", "legal", "+74951234567").await;
    let masha = app
        .client("Masha Sidorova", "individual", "+79031112233")
        .await;
    // Regular clients: each has bottles to give back in exchange.
    for who in [&ivan, &romashka, &masha] {
        app.holds(&who.0, 10).await;
    }
    World {
        app,
        op,
        kolya_id,
        kolya,
        petya_id,
        water,
        pump,
        ivan,
        romashka,
        masha,
    }
}

impl World {
    /// A stop of today dispatched to `courier`: (client, address) and lines.
    async fn stop(&self, who: &(String, String), lines: Value, courier: &str) -> String {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": who.0, "address_id": who.1, "lines": lines,
                        "delivery_date": self.app.today(), "courier_id": courier,
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

    async fn water_stop(&self, who: &(String, String), qty: u32) -> String {
        let lines = json!([{ "product_id": self.water, "qty": qty }]);
        self.stop(who, lines, &self.kolya_id).await
    }

    async fn get(&self, id: &str) -> Value {
        self.app
            .get(&format!("/api/orders/{id}"), &self.op)
            .await
            .expect(200)
    }

    /// Polls the API until the order satisfies `check` (the app acted).
    async fn until(
        &self,
        id: &str,
        what: &str,
        within: Duration,
        check: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let o = self.get(id).await;
            if check(&o) {
                return o;
            }
            assert!(
                Instant::now() < deadline,
                "order {id}: {what} never happened; now {o}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn reassign(&self, id: &str, courier: &str) {
        self.app
            .patch(
                &format!("/api/orders/{id}"),
                &self.op,
                json!({ "courier_id": courier }),
            )
            .await
            .expect(200);
    }
}

fn stop(id: &str) -> String {
    format!("#route li.route-stop[data-id='{id}']")
}

/// Scrolls to the top of the page (for a screenshot of the whole screen's head).
async fn top(c: &Client) {
    js(c, "window.scrollTo(0, 0);").await;
}

/// Nothing on the page is wider than the phone's 360 px.
async fn assert_fits(c: &Client) {
    let widest = js(
        c,
        "let w = document.documentElement.scrollWidth, who = '';
         for (const el of document.querySelectorAll('body *')) {
             const r = el.getBoundingClientRect();
             if (r.right > 360.5 && r.width > 0 && !who) {
                 who = el.tagName + '.' + el.className + ' in ' + el.parentElement.className;
                 w = Math.max(w, r.right);
             }
         }
         return [w, who];",
    )
    .await;
    assert!(
        widest[0].as_f64().is_some_and(|w| w <= 360.5),
        "wider than the phone: {widest}"
    );
}

/// Scrolls an element to the top of the screen (for a screenshot of it).
async fn show(c: &Client, css: &str) {
    wait_for(c, css).await;
    js(
        c,
        &format!("document.querySelector(\"{css}\").scrollIntoView({{ block: 'start' }});"),
    )
    .await;
}

async fn gone(c: &Client, css: &str, within: Duration) {
    let deadline = Instant::now() + within;
    while c.find(Locator::Css(css)).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{css} is still on screen after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    wait_for(c, css)
        .await
        .attr(name)
        .await
        .expect("attr")
        .unwrap_or_else(|| panic!("{css} has no {name}"))
}

async fn all_attrs(c: &Client, css: &str, name: &str) -> Vec<String> {
    let mut out = vec![];
    for el in c.find_all(Locator::Css(css)).await.expect("find all") {
        out.push(el.attr(name).await.expect("attr").unwrap_or_default());
    }
    out
}

/// Delivers a stop through its form: cash typed (if given), empties set with the buttons.
async fn deliver(c: &Client, id: &str, cash: Option<&str>, empties_minus: usize) {
    click(c, &format!("{} .btn-deliver", stop(id))).await;
    wait_until(c, "#close-form", Some("data-id"), |v| v == id).await;
    if let Some(cash) = cash {
        retype(c, "#cash-input", cash).await;
    }
    for _ in 0..empties_minus {
        click(c, "#empties-minus").await;
    }
}

async fn confirm_delivery(c: &Client, id: &str) {
    click(c, "#confirm-deliver").await;
    wait_until(c, &stop(id), Some("data-pending"), |p| p == "delivered").await;
}

async fn fail(c: &Client, id: &str, reason: &str) {
    click(c, &format!("{} .btn-fail", stop(id))).await;
    click(c, &format!("input[name='fail-reason'][value='{reason}']")).await;
}

async fn confirm_failure(c: &Client, id: &str) {
    click(c, "#confirm-fail").await;
    wait_until(c, &stop(id), Some("data-pending"), |p| p == "failed").await;
}

#[tokio::test]
async fn a_courier_sees_the_route_in_order_and_stops_come_and_go_live() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let s1 = w.water_stop(&w.ivan, 2).await;
    let s2 = w.water_stop(&w.romashka, 3).await;
    let lines = json!([{ "product_id": w.water, "qty": 1 }, { "product_id": w.pump, "qty": 1 }]);
    let s3 = w.stop(&w.masha, lines, &w.kolya_id).await;
    // The dispatcher puts the legal client first.
    w.app
        .put(
            "/api/route",
            &w.op,
            json!({ "courier_id": w.kolya_id, "date": w.app.today(), "order_ids": [s2, s1, s3] }),
        )
        .await
        .expect(200);

    let (_phone, c) = phone("en-US").await;
    courier_log_in(&c, &w.app, "kolya").await;
    wait_for(&c, "#nav-courier").await;
    assert_eq!(
        all_attrs(&c, "#route li.route-stop", "data-id").await,
        [s2.clone(), s1.clone(), s3.clone()]
    );
    // Cash from individuals only (the legal client is invoiced); empties = 19 L bottles.
    assert_eq!(
        all_attrs(&c, "#route li.route-stop .cash-due", "data-value").await,
        ["0", "50000", "75000"]
    );
    assert_eq!(
        all_attrs(&c, "#route li.route-stop .empties-due", "data-value").await,
        ["3", "2", "1"]
    );
    wait_until(&c, &format!("{} .cash-due", stop(&s1)), None, |t| {
        t.contains("500.00")
    })
    .await;
    wait_until(&c, &format!("{} .goods", stop(&s3)), None, |t| {
        t.contains("Product W19") && t.contains("Product PUMP")
    })
    .await;
    // The first stop is next; tap to call (the client's phone: the address has none); the map.
    let first = attr(&c, &stop(&s2), "class").await;
    assert!(first.contains("next"), "{first}");
    wait_until(&c, &format!("{} a.call", stop(&s1)), Some("href"), |h| {
        h == "tel:+79161234567"
    })
    .await;
    let map = attr(&c, &format!("{} a.map", stop(&s1)), "href").await;
    assert!(
        map.starts_with("https://yandex.ru/maps/?text=Ivan%20Petrov%20street%201"),
        "{map}"
    );
    assert_eq!(attr(&c, "#route-fresh", "data-state").await, "live");
    screenshot(&c, "courier-route.png").await;
    assert_fits(&c).await;

    js(&c, "window.__rodnikNoReload = true;").await;
    // A new stop dispatched to Kolya appears with a note.
    let s4 = w.water_stop(&w.masha, 4).await;
    wait_for(&c, &stop(&s4)).await;
    wait_for(
        &c,
        &format!("#route-notes li.route-note[data-kind='added'][data-id='{s4}']"),
    )
    .await;
    wait_until(&c, "#route-notes", None, |t| t.contains("New stop")).await;
    // A stop given to Petya leaves Kolya's screen with a note.
    w.reassign(&s1, &w.petya_id).await;
    gone(&c, &stop(&s1), LIVE_WAIT).await;
    wait_for(
        &c,
        &format!("#route-notes li.route-note[data-kind='removed'][data-id='{s1}']"),
    )
    .await;
    wait_until(&c, "#route-notes", None, |t| {
        t.contains("taken off your route")
    })
    .await;
    assert_eq!(
        all_attrs(&c, "#route li.route-stop", "data-id").await,
        [s2.clone(), s3.clone(), s4.clone()]
    );
    assert_eq!(
        js(&c, "return window.__rodnikNoReload === true;").await,
        true,
        "the page changed without a reload"
    );
    screenshot(&c, "courier-live-notes.png").await;

    // Dismissing a note removes it.
    let notes_before = c
        .find_all(Locator::Css("#route-notes li.route-note"))
        .await
        .expect("notes")
        .len();
    click(&c, "#route-notes li.route-note .dismiss").await;
    let deadline = Instant::now() + WAIT;
    while c
        .find_all(Locator::Css("#route-notes li.route-note"))
        .await
        .expect("notes")
        .len()
        >= notes_before
    {
        assert!(Instant::now() < deadline, "the note stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_courier_closes_stops_and_undoes_one_within_the_grace_period() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let s1 = w.water_stop(&w.ivan, 2).await;
    let s2 = w.water_stop(&w.masha, 1).await;
    let s3 = w.water_stop(&w.romashka, 3).await;
    let s4 = w.water_stop(&w.ivan, 1).await;
    let v3 = w.get(&s3).await["version"].as_i64().expect("version");

    let (_phone, c) = phone("en-US").await;
    courier_log_in(&c, &w.app, "kolya").await;

    // Delivered: 480.00 collected (not the 500.00 due), one empty back of two.
    deliver(&c, &s1, Some("480"), 1).await;
    assert_eq!(
        js(&c, "return document.querySelector('#empties-input').value;").await,
        "1"
    );
    // One fewer than the client can give back: a reason first.
    click(&c, "#confirm-deliver").await;
    wait_for(&c, "#close-form .field-error[data-field='empties_note']").await;
    click(&c, "#empties-short .chip").await;
    assert_fits(&c).await;
    show(&c, &stop(&s1)).await;
    screenshot(&c, "courier-deliver-form.png").await;
    confirm_delivery(&c, &s1).await;
    wait_for(&c, &format!("{} .undo", stop(&s1))).await;
    wait_until(&c, &format!("{} .countdown", stop(&s1)), None, |t| {
        t.contains("sending in")
    })
    .await;
    show(&c, &stop(&s1)).await;
    screenshot(&c, "courier-undo-countdown.png").await;

    // Not delivered: no access.
    fail(&c, &s2, "no_access").await;
    show(&c, "#close-form").await;
    screenshot(&c, "courier-fail-form.png").await;
    confirm_failure(&c, &s2).await;

    // Not delivered for another reason, in the courier's words.
    fail(&c, &s4, "other").await;
    click(&c, "#confirm-fail").await;
    wait_for(&c, "#close-form .field-error[data-field='reason']").await;
    wait_for(&c, "#fail-other")
        .await
        .send_keys("Gate locked, nobody answers")
        .await
        .expect("type reason");
    confirm_failure(&c, &s4).await;

    // Delivered by mistake, undone at once: never sent.
    deliver(&c, &s3, None, 0).await;
    confirm_delivery(&c, &s3).await;
    click(&c, &format!("{} .undo", stop(&s3))).await;
    wait_until(&c, &stop(&s3), Some("data-pending"), |p| p.is_empty()).await;
    wait_for(&c, &format!("{} .btn-deliver", stop(&s3))).await;

    // The server gets the two closes after the grace period, with the device's time.
    let o1 = w
        .until(&s1, "delivered", GRACE + WAIT, |o| {
            o["state"] == "delivered"
        })
        .await;
    assert_eq!(o1["cash_collected"], 48000);
    assert_eq!(o1["empties_returned"], 1);
    assert_eq!(o1["empties_note"], "Will return next time");
    let at =
        chrono::DateTime::parse_from_rfc3339(o1["delivered_at"].as_str().expect("delivered_at"))
            .expect("an instant");
    assert!(
        (chrono::Utc::now() - at.with_timezone(&chrono::Utc))
            .num_seconds()
            .abs()
            < 120,
        "delivered_at is the device's time of the close: {at}"
    );
    let o2 = w.until(&s2, "failed", WAIT, |o| o["state"] == "new").await;
    let attempts = o2["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["reason"], "No access");
    assert_eq!(attempts[0]["courier_id"], w.kolya_id.as_str());
    let o4 = w.until(&s4, "failed", WAIT, |o| o["state"] == "new").await;
    assert_eq!(o4["attempts"][0]["reason"], "Gate locked, nobody answers");
    // The undone close never reached the server.
    tokio::time::sleep(GRACE).await;
    let o3 = w.get(&s3).await;
    assert_eq!(
        o3["state"], "delivery",
        "an undone close is never sent: {o3}"
    );
    assert_eq!(o3["version"], v3);

    // The screen: s1 delivered, s2 in the failed list, s3 still to do.
    wait_until(&c, &stop(&s1), Some("data-state"), |s| s == "delivered").await;
    wait_until(&c, &format!("{} .closed-info", stop(&s1)), None, |t| {
        t.contains("480.00")
    })
    .await;
    gone(&c, &stop(&s2), WAIT).await;
    gone(&c, &stop(&s4), WAIT).await;
    wait_until(
        &c,
        &format!("#failed-stops li.failed-stop[data-id='{s2}']"),
        None,
        |t| t.contains("No access"),
    )
    .await;
    top(&c).await;
    screenshot(&c, "courier-after-closes.png").await;

    top(&c).await;
    click(&c, "#tab-summary").await;
    wait_for(&c, "#day-summary").await;
    assert_eq!(attr(&c, "#sum-delivered", "data-value").await, "1");
    assert_eq!(attr(&c, "#sum-failed", "data-value").await, "2");
    assert_eq!(attr(&c, "#sum-left", "data-value").await, "1");
    assert_eq!(attr(&c, "#sum-cash", "data-value").await, "48000");
    assert_eq!(attr(&c, "#sum-empties", "data-value").await, "1");
    assert_eq!(
        attr(&c, "#sum-cash-left", "data-value").await,
        "0",
        "the legal client pays by invoice"
    );
    screenshot(&c, "courier-summary.png").await;
}

/// A close sent again as the app sends it: the same key and the same bytes
/// (the server compares the body's hash, so the JSON is serialized by the same
/// type the app uses, not rebuilt as a `Value` with sorted keys).
async fn resend(w: &World, path: &str, body: String, key: &str) -> rodnik_tests::Resp {
    let req = w
        .app
        .http
        .post(w.app.url(path))
        .bearer_auth(&w.kolya)
        .header("content-type", "application/json")
        .header("Idempotency-Key", key)
        .body(body);
    rodnik_tests::Resp::read(req).await
}

/// The closes waiting in the app's localStorage queue.
async fn queued(c: &Client, user_id: &str) -> Vec<Value> {
    let v = js(
        c,
        &format!(
            "const s = JSON.parse(localStorage.getItem('rodnik.courier.{user_id}') || '{{}}');
             return s.queue || [];"
        ),
    )
    .await;
    v.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn closes_made_offline_reach_the_server_once_when_the_connection_returns() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let s1 = w.water_stop(&w.ivan, 2).await;
    let s2 = w.water_stop(&w.masha, 1).await;
    let s3 = w.water_stop(&w.romashka, 3).await;
    let versions: Vec<i64> = {
        let mut v = vec![];
        for id in [&s1, &s2] {
            v.push(w.get(id).await["version"].as_i64().expect("version"));
        }
        v
    };

    let (p, c) = phone("en-US").await;
    courier_log_in(&c, &w.app, "kolya").await;

    set_offline(&p.url, &c, true).await;
    assert_eq!(
        js(&c, "return navigator.onLine;").await,
        false,
        "the page is offline"
    );
    wait_until(&c, "#route-fresh", Some("data-state"), |s| s == "cached").await;
    wait_for(&c, "#offline-note").await;

    deliver(&c, &s1, None, 0).await;
    confirm_delivery(&c, &s1).await;
    fail(&c, &s2, "absent").await;
    confirm_failure(&c, &s2).await;
    deliver(&c, &s3, None, 0).await;
    confirm_delivery(&c, &s3).await;
    // Meanwhile the dispatcher gives s3 to Petya.
    w.reassign(&s3, &w.petya_id).await;

    // Past the grace period nothing could be sent: the queue waits, on the phone.
    tokio::time::sleep(GRACE).await;
    wait_until(&c, "#queue-status", Some("data-count"), |n| n == "3").await;
    wait_until(&c, &format!("{} .pending", stop(&s1)), None, |t| {
        t.contains("when the connection returns")
    })
    .await;
    for (id, v) in [&s1, &s2].into_iter().zip(&versions) {
        let o = w.get(id).await;
        assert_eq!(
            (o["state"].as_str(), o["version"].as_i64()),
            (Some("delivery"), Some(*v)),
            "{o}"
        );
    }
    let queue = queued(&c, &w.kolya_id).await;
    assert_eq!(queue.len(), 3, "{queue:?}");
    let keys: Vec<&str> = queue.iter().filter_map(|q| q["key"].as_str()).collect();
    assert_eq!(keys.len(), 3);
    assert!(
        keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2],
        "one key per close"
    );
    top(&c).await;
    screenshot(&c, "courier-offline.png").await;

    // The connection returns: everything goes, once.
    set_offline(&p.url, &c, false).await;
    let o1 = w
        .until(&s1, "delivered", WAIT + WAIT, |o| o["state"] == "delivered")
        .await;
    let o2 = w.until(&s2, "failed", WAIT, |o| o["state"] == "new").await;
    wait_for(
        &c,
        &format!("#conflicts li.conflict[data-id='{s3}'][data-kind='not_yours']"),
    )
    .await;
    wait_until(&c, "#conflicts", None, |t| {
        t.contains("no longer on your route")
    })
    .await;
    gone(&c, "#queue-status", WAIT).await;
    top(&c).await;
    screenshot(&c, "courier-conflict.png").await;

    // Exactly once: one version step each, one attempt, s3 untouched by Kolya.
    assert_eq!(o1["version"].as_i64(), Some(versions[0] + 1), "{o1}");
    assert_eq!(o1["cash_collected"], 50000);
    assert_eq!(o1["empties_returned"], 2);
    assert_eq!(o2["version"].as_i64(), Some(versions[1] + 1), "{o2}");
    assert_eq!(o2["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(o2["attempts"][0]["reason"], "Client absent");
    let o3 = w.get(&s3).await;
    assert_eq!(
        (o3["state"].as_str(), o3["courier_id"].as_str()),
        (Some("delivery"), Some(w.petya_id.as_str()))
    );
    // The device's time of the close, not the time it reached the server.
    let q1 = queue
        .iter()
        .find(|q| q["order_id"] == s1.as_str())
        .expect("s1 was queued");
    let at = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().expect("an instant")).expect("RFC 3339")
    };
    assert_eq!(at(&o1["delivered_at"]), at(&q1["at"]));

    // The same key and body again (a retry whose answer was lost) changes nothing.
    let body = serde_json::to_string(&DeliverOrder {
        lines: None,
        cash_collected: q1["close"]["cash_collected"].as_i64(),
        payments: vec![],
        empties_returned: q1["close"]["empties_returned"].as_i64(),
        empties_note: q1["close"]["empties_note"].as_str().map(str::to_string),
        expected_version: q1["expected_version"].as_i64(),
        at: q1["at"].as_str().map(str::to_string),
    })
    .expect("body");
    let key = q1["key"].as_str().expect("key");
    let r = resend(&w, &format!("/api/orders/{s1}/deliver"), body, key).await;
    assert_eq!(
        r.headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(r.ok()["version"], o1["version"]);
    let q2 = queue
        .iter()
        .find(|q| q["order_id"] == s2.as_str())
        .expect("s2 was queued");
    assert_eq!(
        q2["close"]["reason_id"], "absent",
        "the reason's id is sent"
    );
    let body = serde_json::to_string(&FailOrder {
        reason_id: q2["close"]["reason_id"].as_str().map(str::to_string),
        reason: q2["close"]["reason"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        expected_version: q2["expected_version"].as_i64(),
        at: q2["at"].as_str().map(str::to_string),
    })
    .expect("body");
    let r = resend(
        &w,
        &format!("/api/orders/{s2}/fail"),
        body,
        q2["key"].as_str().expect("key"),
    )
    .await;
    assert_eq!(
        r.headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let after = w.get(&s2).await;
    assert_eq!(after["version"], o2["version"]);
    assert_eq!(after["attempts"].as_array().map(Vec::len), Some(1));
    assert!(
        queued(&c, &w.kolya_id).await.is_empty(),
        "the queue is empty"
    );

    // The conflict stays until read.
    click(
        &c,
        &format!("#conflicts li.conflict[data-id='{s3}'] .dismiss"),
    )
    .await;
    gone(&c, "#conflicts li.conflict", WAIT).await;
    wait_until(&c, "#route-fresh", Some("data-state"), |s| s == "live").await;
}

#[tokio::test]
async fn the_app_installs_as_a_pwa_and_opens_the_saved_route_offline() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let s1 = w.water_stop(&w.ivan, 2).await;
    let s2 = w.water_stop(&w.masha, 1).await;

    // The manifest as the server serves it.
    let r = w
        .app
        .http
        .get(w.app.url("/manifest.webmanifest"))
        .send()
        .await
        .expect("manifest");
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap_or_default(),
        "application/manifest+json"
    );
    let m: Value = r.json().await.expect("manifest JSON");
    assert_eq!(m["start_url"], "/courier");
    assert_eq!(m["display"], "standalone");

    let (p, c) = phone("ru-RU").await;
    courier_log_in(&c, &w.app, "kolya").await;

    // The page links the manifest, and the browser reads it as an app manifest.
    let href = attr(&c, "link[rel='manifest']", "href").await;
    assert_eq!(href, "/manifest.webmanifest");
    let parsed = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/manifest.webmanifest').then(r => r.json())
               .then(m => done({ name: m.name, short_name: m.short_name, start_url: m.start_url,
                                 display: m.display, icons: m.icons.map(i => i.sizes) }))
               .catch(e => done({ error: String(e) }));",
            vec![],
        )
        .await
        .expect("manifest in the page");
    assert_eq!(parsed["start_url"], "/courier", "{parsed}");
    assert!(parsed["icons"]
        .as_array()
        .is_some_and(|i| i.contains(&json!("192x192")) && i.contains(&json!("512x512"))));

    // The service worker registers and becomes active.
    let script = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready
               .then(r => done(r.active ? r.active.scriptURL : 'no active worker'))
               .catch(e => done('error: ' + e));",
            vec![],
        )
        .await
        .expect("serviceWorker.ready");
    // The courier build's own worker, scoped to /courier.
    assert_eq!(script, json!(w.app.url("/courier/sw.js")));
    // After a reload the worker controls the page, and the shell is cached.
    c.refresh().await.expect("reload");
    wait_for(&c, &stop(&s1)).await;
    let controller = js(
        &c,
        "return navigator.serviceWorker.controller ? navigator.serviceWorker.controller.scriptURL : null;",
    )
    .await;
    assert_eq!(controller, json!(w.app.url("/courier/sw.js")));
    let cached = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             caches.open('rodnik-courier-v1').then(c => c.keys())
               .then(ks => done(ks.map(k => new URL(k.url).pathname)))
               .catch(e => done(['error: ' + e]));",
            vec![],
        )
        .await
        .expect("cache keys");
    let cached: Vec<String> = serde_json::from_value(cached).expect("paths");
    for want in ["/courier", "/manifest.webmanifest", "/icons/icon-192.png"] {
        assert!(
            cached.iter().any(|p| p == want),
            "{want} not cached: {cached:?}"
        );
    }
    assert!(
        cached
            .iter()
            .any(|p| p.starts_with("/courier/courier-") && p.ends_with("_bg.wasm")),
        "the courier's wasm is not cached: {cached:?}"
    );
    assert!(
        !cached.iter().any(|p| p.starts_with("/rodnik-frontend-")),
        "the console's files are not the courier's: {cached:?}"
    );
    assert!(
        !cached.iter().any(|p| p.starts_with("/api/")),
        "the API is never cached: {cached:?}"
    );

    // No network at all: a reload still opens the app with the saved route.
    set_offline(&p.url, &c, true).await;
    c.refresh().await.expect("reload offline");
    wait_for(&c, &stop(&s1)).await;
    wait_for(&c, &stop(&s2)).await;
    wait_until(&c, "#route-fresh", Some("data-state"), |s| s == "cached").await;
    wait_until(&c, "#live-status", Some("data-state"), |s| s != "online").await;
    wait_for(&c, "#offline-note").await;
    wait_until(&c, "#route-fresh .fresh-text", None, |t| {
        t.contains("Маршрут на")
    })
    .await;
    screenshot(&c, "courier-offline-reload.png").await;
    // The API really is out of reach from the page.
    let reached = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/health').then(r => done('reached ' + r.status)).catch(() => done('unreachable'));",
            vec![],
        )
        .await
        .expect("fetch");
    assert_eq!(reached, json!("unreachable"));

    set_offline(&p.url, &c, false).await;
    wait_until(&c, "#route-fresh", Some("data-state"), |s| s == "live").await;
}

/// The check across three screens: a stop closed in the courier app
/// shows on the dispatcher's board and on the wallboard within a second of
/// the server having it (the app holds a close for its undo grace period
/// first, so the clock starts when the server has the close).
#[tokio::test]
async fn a_close_in_the_courier_app_reaches_the_board_and_the_wallboard_within_a_second() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let (_, manager) = w.app.user("pavel", "manager", None).await;
    let s1 = w.water_stop(&w.ivan, 2).await;
    let link = w
        .app
        .post("/api/wallboards", &manager, json!({ "name": "Office TV" }))
        .await
        .expect(201);

    let (_wd, wall) = browser("en-US").await;
    wall.goto(&w.app.url(link["path"].as_str().expect("path")))
        .await
        .expect("wallboard");
    wait_until(&wall, "#live-status", Some("data-state"), |s| s == "online").await;
    let done = format!(
        "#wb-couriers tr.wb-row[data-courier-id='{}'] td.done",
        w.kolya_id
    );
    wait_until(&wall, &done, None, |t| t == "0").await;

    let (_bd, board) = browser("en-US").await;
    log_in(&board, &w.app, "olga").await;
    click(&board, "#nav-board").await;
    wait_until(&board, "#lanes", Some("aria-busy"), |b| b == "false").await;
    wait_until(&board, "#live-status", Some("data-state"), |s| {
        s == "online"
    })
    .await;
    let card = format!(".stop[data-id='{s1}']");
    wait_until(&board, &card, Some("data-state"), |s| s == "delivery").await;

    let (_p, c) = phone("en-US").await;
    courier_log_in(&c, &w.app, "kolya").await;
    deliver(&c, &s1, None, 0).await;
    confirm_delivery(&c, &s1).await;
    // The close leaves the phone after its grace period.
    w.until(&s1, "delivered", Duration::from_secs(30), |o| {
        o["state"] == "delivered"
    })
    .await;
    let at = Instant::now();
    let second = Duration::from_secs(1);
    wait_until_within(&board, &card, Some("data-state"), second, |s| {
        s == "delivered"
    })
    .await;
    wait_until_within(&wall, &done, None, second, |t| t == "1").await;
    eprintln!(
        "board and wallboard caught up {:?} after the server had the close",
        at.elapsed()
    );
    screenshot(&wall, "wallboard-after-courier.png").await;
    for client in [c, board, wall] {
        client.close().await.expect("close browser");
    }
}

#[tokio::test]
async fn a_stop_shows_the_bottles_to_collect_and_its_deposit_and_pays_a_deposit_back() {
    if !runnable() {
        return;
    }
    let w = world().await;
    w.app
        .put(
            "/api/settings/bottles",
            &w.app.admin,
            json!({ "deposit_price": 30000, "free_individual": 0, "free_legal": 0 }),
        )
        .await
        .expect(200);
    // A new client: no empties to give, a deposit for the two bottles she keeps.
    let nina = w
        .app
        .client("Нина Новая", "individual", "+79035556677")
        .await;
    let s1 = w.water_stop(&nina, 2).await;
    // Masha (holding 10) has a deposit for 2 and gives 2 back with one bottle of water.
    let paid = w
        .app
        .order(
            &w.op,
            json!({ "client_id": w.masha.0, "address_id": w.masha.1,
                    "lines": [{ "product_id": w.water, "qty": 1 }],
                    "delivery_date": w.app.today(), "courier_id": w.petya_id,
                    "deposit_bottles": 2, "deposit_reason": "залог за прежние бутыли" }),
        )
        .await;
    let paid = id_of(&paid);
    w.app
        .post(&format!("/api/orders/{paid}/dispatch"), &w.op, json!({}))
        .await
        .expect(200);
    w.app
        .post(
            &format!("/api/orders/{paid}/deliver"),
            &w.op,
            json!({ "empties_returned": 1 }),
        )
        .await
        .expect(200);
    let refund = w
        .app
        .order(
            &w.op,
            json!({ "client_id": w.masha.0, "address_id": w.masha.1,
                    "lines": [{ "product_id": w.water, "qty": 1 }],
                    "delivery_date": w.app.today(), "courier_id": w.kolya_id,
                    "deposit_bottles": -2, "deposit_reason": "переходит на меньший объём" }),
        )
        .await;
    let s2 = id_of(&refund);
    w.app
        .post(&format!("/api/orders/{s2}/dispatch"), &w.op, json!({}))
        .await
        .expect(200);
    // Ivan holds 10: his two empties come back in exchange.
    let s3 = w.water_stop(&w.ivan, 2).await;

    let (_phone, c) = phone("ru-RU").await;
    courier_log_in(&c, &w.app, "kolya").await;
    // Nina: 500 for the water and 600 of deposit; nothing to collect.
    wait_until(
        &c,
        &format!("{} .deposit-due", stop(&s1)),
        Some("data-value"),
        |v| v == "60000",
    )
    .await;
    assert_eq!(
        attr(&c, &format!("{} .cash-due", stop(&s1)), "data-value").await,
        "110000"
    );
    assert_eq!(
        attr(&c, &format!("{} .empties-due", stop(&s1)), "data-value").await,
        "0"
    );
    // Masha: three empties (one in exchange, two whose deposit comes back).
    assert_eq!(
        attr(&c, &format!("{} .empties-due", stop(&s2)), "data-value").await,
        "3"
    );
    assert_eq!(
        attr(&c, &format!("{} .deposit-due", stop(&s2)), "data-bottles").await,
        "-2"
    );
    // Ivan: two, of the ten he holds.
    assert_eq!(
        attr(&c, &format!("{} .empties-due", stop(&s3)), "data-value").await,
        "2"
    );
    assert_eq!(
        attr(&c, &format!("{} .client-holds", stop(&s3)), "data-value").await,
        "10"
    );
    assert_fits(&c).await;
    show(&c, &stop(&s2)).await;
    screenshot(&c, "courier-deposit-stops.png").await;

    // Masha is paid back 350 (600 deposit less 250 of water).
    deliver(&c, &s2, None, 0).await;
    wait_until(&c, "label[for='cash-input']", None, |t| {
        t == "Выдать клиенту"
    })
    .await;
    assert_eq!(
        js(&c, "return document.querySelector('#cash-input').value;").await,
        "350"
    );
    assert_eq!(
        js(&c, "return document.querySelector('#empties-input').value;").await,
        "3"
    );
    confirm_delivery(&c, &s2).await;
    let o2 = w
        .until(&s2, "delivered", GRACE + WAIT, |o| {
            o["state"] == "delivered"
        })
        .await;
    assert_eq!(o2["cash_collected"], -35000);
    assert_eq!(o2["empties_returned"], 3);
    let l = w
        .app
        .get(&format!("/api/clients/{}/bottles", w.masha.0), &w.op)
        .await
        .expect(200);
    assert_eq!(
        (&l["deposit_bottles"], &l["deposit_held"]),
        (&json!(0), &json!(0)),
        "{l}"
    );
    c.close().await.expect("close browser");
}
