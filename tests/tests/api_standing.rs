//! Standing orders (issue 23): set up from the client's card, the orders
//! generated the configured days ahead exactly once, changed one by one,
//! skipped, paused and ended with the generated orders withdrawn while
//! still on the board, and bad input refused with the field named.

use chrono::{Datelike, NaiveDate};
use rodnik_tests::*;
use serde_json::{json, Value};

struct Shop {
    courier: String,
    water: String,
    client: String,
    address: String,
}

async fn shop(app: &App) -> Shop {
    let (courier, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 30000, false).await;
    let (client, address) = app.client("ООО Офис", "legal", "+79123450001").await;
    // Two weeks ahead.
    app.put(
        "/api/settings/orders",
        &app.admin,
        json!({ "other_day": "to_dispatch", "standing_days": 14 }),
    )
    .await
    .expect(200);
    Shop {
        courier,
        water,
        client,
        address,
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// The ISO weekday of today plus `days`.
fn weekday(app: &App, days: i64) -> u32 {
    date(&app.day(days)).weekday().number_from_monday()
}

/// A weekly standing order on the weekdays of today+1 and today+3, 6
/// bottles, from today: four dates within the 14 days generated.
async fn weekly(app: &App, s: &Shop) -> Value {
    app.post(
        "/api/standing-orders",
        &app.admin,
        json!({ "client_id": s.client, "address_id": s.address,
                "lines": [{ "product_id": s.water, "qty": 6 }],
                "window": { "from": "10:00", "to": "14:00" }, "courier_id": s.courier,
                "schedule": { "kind": "weekly", "weekdays": [weekday(app, 1), weekday(app, 3)] },
                "starts_on": app.today(), "note": "Офис, 3 этаж" }),
    )
    .await
    .expect(201)
}

/// The client's orders generated from standing order `id`, by date.
async fn generated(app: &App, client: &str, id: &str) -> Vec<Value> {
    let all = app
        .get(&format!("/api/orders?client_id={client}"), &app.admin)
        .await
        .ok();
    let mut out: Vec<Value> = all
        .as_array()
        .expect("orders")
        .iter()
        .filter(|o| o["standing_id"] == id)
        .cloned()
        .collect();
    out.sort_by_key(|o| o["delivery_date"].as_str().unwrap_or_default().to_string());
    out
}

async fn delete(app: &App, path: &str) -> Resp {
    app.send(reqwest::Method::DELETE, path, Some(&app.admin), None, None)
        .await
}

#[tokio::test]
async fn a_weekly_standing_order_makes_each_date_once_as_an_ordinary_order() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut live = app.live(&op).await;
    let so = weekly(&app, &s).await;
    let id = so["id"].as_str().expect("id");
    assert_eq!(so["version"], 1);
    assert_eq!(so["client_name"], "ООО Офис");
    assert!(
        so["described"]["ru"]
            .as_str()
            .is_some_and(|d| d.starts_with("по ")),
        "{so}"
    );
    // The dates due within 14 days: 1, 3, 8 and 10 days from today.
    let due: Vec<String> = [1, 3, 8, 10].iter().map(|d| app.day(*d)).collect();
    let upcoming: Vec<&str> = so["upcoming"]
        .as_array()
        .expect("upcoming")
        .iter()
        .filter_map(|d| d["date"].as_str())
        .collect();
    assert_eq!(
        upcoming[..4],
        due.iter().map(String::as_str).collect::<Vec<_>>()[..]
    );
    assert!(so["upcoming"][0]["order_id"].is_string(), "{so}");
    assert!(
        so["upcoming"][4]["order_id"].is_null(),
        "beyond 14 days: {so}"
    );

    let orders = generated(&app, &s.client, id).await;
    let dates: Vec<&str> = orders
        .iter()
        .filter_map(|o| o["delivery_date"].as_str())
        .collect();
    assert_eq!(dates, due.iter().map(String::as_str).collect::<Vec<_>>());
    for o in &orders {
        assert_eq!(o["state"], "new");
        assert_eq!(o["total"], 180000, "6 x 300.00 at the list price: {o}");
        assert_eq!(o["courier_id"], s.courier.as_str());
        assert_eq!(o["window"]["from"], "10:00");
        assert_eq!(o["note"], "Офис, 3 этаж");
    }
    // The board hears about them as about any order.
    let m = live.expect_type("order.created").await;
    assert_eq!(m["data"]["standing_id"], id);

    // Again, as a restart or the periodic run would: nothing new.
    let run = app
        .post("/api/standing-orders/generate", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["created"], 0, "{run}");
    assert!(run["existing"].as_u64().is_some_and(|n| n >= 4), "{run}");
    assert_eq!(generated(&app, &s.client, id).await.len(), 4);

    // A generated order is changed alone; the standing order stays.
    let first = orders[0]["id"].as_str().expect("id");
    app.patch(
        &format!("/api/orders/{first}"),
        &op,
        json!({ "lines": [{ "product_id": s.water, "qty": 9 }] }),
    )
    .await
    .ok();
    let again = app
        .get(&format!("/api/standing-orders/{id}"), &op)
        .await
        .ok();
    assert_eq!(again["lines"][0]["qty"], 6);
    assert_eq!(again["version"], 1);

    // Listed on the client's card.
    let list = app
        .get(&format!("/api/standing-orders?client_id={}", s.client), &op)
        .await
        .ok();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn skips_pauses_and_the_end_withdraw_the_orders_still_on_the_board() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    let so = weekly(&app, &s).await;
    let id = so["id"].as_str().expect("id");
    let orders = generated(&app, &s.client, id).await;
    assert_eq!(orders.len(), 4);
    // The dispatcher already sent the order of day +3 out.
    let out = orders[1]["id"].as_str().expect("id");
    app.post(
        &format!("/api/orders/{out}/dispatch"),
        &app.admin,
        json!({}),
    )
    .await
    .ok();

    // Skip day +1 once, and pause days +2..+8 (the office is closed).
    let changed = app
        .patch(
            &format!("/api/standing-orders/{id}"),
            &app.admin,
            json!({ "skips": [app.day(1)],
                    "pauses": [{ "from": app.day(2), "to": app.day(8), "reason": "ремонт" }],
                    "expected_version": 1 }),
        )
        .await
        .ok();
    assert_eq!(changed["version"], 2);
    let dates: Vec<&str> = changed["upcoming"]
        .as_array()
        .expect("upcoming")
        .iter()
        .filter_map(|d| d["date"].as_str())
        .collect();
    assert_eq!(dates[0], app.day(10), "{changed}");
    let after = generated(&app, &s.client, id).await;
    let state_of = |d: i64| {
        after
            .iter()
            .find(|o| o["delivery_date"] == app.day(d))
            .map(|o| o["state"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(state_of(1).as_deref(), Some("cancelled"), "skipped");
    assert_eq!(
        state_of(3).as_deref(),
        Some("delivery"),
        "already out: the dispatcher's"
    );
    assert_eq!(state_of(8).as_deref(), Some("cancelled"), "paused");
    assert_eq!(state_of(10).as_deref(), Some("new"));
    // A skipped date is not made again by a later run.
    app.post("/api/standing-orders/generate", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(generated(&app, &s.client, id).await.len(), 4);

    // An edit from a stale copy is refused.
    app.patch(
        &format!("/api/standing-orders/{id}"),
        &app.admin,
        json!({ "note": "x", "expected_version": 1 }),
    )
    .await
    .error(409);

    // Ended: the order still on the board is withdrawn, nothing more made.
    let ended = delete(&app, &format!("/api/standing-orders/{id}"))
        .await
        .ok();
    assert_eq!(ended["ended"], true);
    let last = generated(&app, &s.client, id).await;
    assert!(
        last.iter()
            .filter(|o| o["delivery_date"] == app.day(10))
            .all(|o| o["state"] == "cancelled"),
        "{last:?}"
    );
    let list = app
        .get(
            &format!("/api/standing-orders?client_id={}", s.client),
            &app.admin,
        )
        .await
        .ok();
    assert_eq!(list, json!([]));
    let all = app
        .get(
            &format!("/api/standing-orders?client_id={}&all=true", s.client),
            &app.admin,
        )
        .await
        .ok();
    assert_eq!(all.as_array().map(Vec::len), Some(1));
    app.patch(
        &format!("/api/standing-orders/{id}"),
        &app.admin,
        json!({ "note": "x" }),
    )
    .await
    .error(409);
}

#[tokio::test]
async fn a_date_that_cannot_be_made_is_shown_and_made_once_it_can() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    let (other, _) = app.user("petya", "courier", None).await;
    // Monthly on today's day of the month: today is due.
    let so = app
        .post(
            "/api/standing-orders",
            &app.admin,
            json!({ "client_id": s.client, "address_id": s.address,
                    "lines": [{ "product_id": s.water, "qty": 2 }], "courier_id": other,
                    "schedule": { "kind": "monthly", "day": date(&app.today()).day() },
                    "starts_on": app.today(), "ends_on": app.day(40) }),
        )
        .await
        .expect(201);
    let id = so["id"].as_str().expect("id");
    assert_eq!(generated(&app, &s.client, id).await.len(), 1);
    // The courier leaves; next month's date comes within the days generated.
    app.patch(
        &format!("/api/users/{other}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    app.put(
        "/api/settings/orders",
        &app.admin,
        json!({ "standing_days": 60 }),
    )
    .await
    .expect(200);
    let run = app
        .post("/api/standing-orders/generate", &app.admin, json!({}))
        .await
        .ok();
    assert_eq!(run["failed"], 1, "{run}");
    let shown = app
        .get(&format!("/api/standing-orders/{id}"), &app.admin)
        .await
        .ok();
    assert_eq!(shown["last_error"]["code"], "invalid", "{shown}");
    assert!(
        shown["last_error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("courier_id")),
        "{shown}"
    );
    // Another courier: made, and the error gone.
    app.patch(
        &format!("/api/standing-orders/{id}"),
        &app.admin,
        json!({ "courier_id": s.courier }),
    )
    .await
    .ok();
    let shown = app
        .get(&format!("/api/standing-orders/{id}"), &app.admin)
        .await
        .ok();
    assert!(shown["last_error"].is_null(), "{shown}");
    let orders = generated(&app, &s.client, id).await;
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1]["courier_id"], s.courier.as_str());
}

#[tokio::test]
async fn bad_standing_orders_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    let base = json!({ "client_id": s.client, "address_id": s.address,
                       "lines": [{ "product_id": s.water, "qty": 6 }],
                       "schedule": { "kind": "weekly", "weekdays": [1] },
                       "starts_on": app.today() });
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "weekdays",
            json!({ "schedule": { "kind": "weekly", "weekdays": [] } }),
            "schedule.weekdays",
        ),
        (
            "weekday 8",
            json!({ "schedule": { "kind": "weekly", "weekdays": [8] } }),
            "schedule.weekdays[0]",
        ),
        (
            "every 9 weeks",
            json!({ "schedule": { "kind": "weekly", "weekdays": [1], "every_weeks": 9 } }),
            "schedule.every_weeks",
        ),
        (
            "day 32",
            json!({ "schedule": { "kind": "monthly", "day": 32 } }),
            "schedule.day",
        ),
        (
            "past start",
            json!({ "starts_on": app.day(-1) }),
            "starts_on",
        ),
        (
            "not a date",
            json!({ "starts_on": "31.12.2026" }),
            "starts_on",
        ),
        (
            "end before start",
            json!({ "ends_on": app.day(-2) }),
            "ends_on",
        ),
        (
            "unknown client",
            json!({ "client_id": "nope" }),
            "client_id",
        ),
        (
            "unknown address",
            json!({ "address_id": "nope" }),
            "address_id",
        ),
        ("no lines", json!({ "lines": [] }), "lines"),
        (
            "unknown product",
            json!({ "lines": [{ "product_id": "nope", "qty": 1 }] }),
            "lines[0].product_id",
        ),
        (
            "zero qty",
            json!({ "lines": [{ "product_id": s.water, "qty": 0 }] }),
            "lines[0].qty",
        ),
        (
            "unknown courier",
            json!({ "courier_id": "nope" }),
            "courier_id",
        ),
        (
            "window",
            json!({ "window": { "from": "14:00", "to": "10:00" } }),
            "window",
        ),
    ];
    for (what, change, field) in cases {
        let mut body = base.clone();
        for (k, v) in change.as_object().expect("object") {
            body[k] = v.clone();
        }
        let e = app
            .post("/api/standing-orders", &app.admin, body)
            .await
            .error(422);
        assert!(
            e["field"].as_str().is_some_and(|f| f.starts_with(field)),
            "{what}: {e}"
        );
    }
    // Never due between start and end: Monday only, from Tuesday to Sunday.
    let tuesday = (0..7)
        .map(|d| app.day(d + 1))
        .find(|d| date(d).weekday().number_from_monday() == 2)
        .expect("a Tuesday");
    let mut body = base.clone();
    body["starts_on"] = json!(tuesday);
    body["ends_on"] = json!((date(&tuesday) + chrono::Duration::days(5)).to_string());
    let e = app
        .post("/api/standing-orders", &app.admin, body)
        .await
        .error(422);
    assert_eq!(e["field"], "schedule", "{e}");
    // Nothing was stored by the refusals.
    assert_eq!(
        app.count(
            &format!("/api/standing-orders?client_id={}&all=true", s.client),
            &app.admin
        )
        .await,
        0
    );
    assert_eq!(
        app.count(&format!("/api/orders?client_id={}", s.client), &app.admin)
            .await,
        0
    );
    // The days generated are bounded.
    app.put(
        "/api/settings/orders",
        &app.admin,
        json!({ "standing_days": 61 }),
    )
    .await
    .error(422);
}
