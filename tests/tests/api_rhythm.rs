//! The client's own rhythm (issue 23): the expected next order on the card
//! after each delivery, the reorder list operators call through (not the
//! clients with an order open or a standing order), the at-risk report of
//! clients silent past their own rhythm, and the one-time fill of an older
//! database from the delivery figures.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    courier: String,
    water: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 30000, false).await;
    World {
        app,
        courier,
        water,
    }
}

/// A client with `qty` bottles delivered on each of `days` (from today,
/// negative: past).
async fn client_with(
    w: &World,
    name: &str,
    phone: &str,
    days: &[i64],
    qty: u32,
) -> (String, String) {
    w.app
        .delivered_client((name, phone), (&w.water, qty), &w.courier, days)
        .await
}

/// The card's rhythm once it is written (it follows the delivery by a moment).
async fn rhythm(app: &App, client: &str, expected_on: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        let card = app
            .get(&format!("/api/clients/{client}"), &app.admin)
            .await
            .ok();
        last = card["rhythm"].clone();
        if last["expected_on"] == expected_on {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the card's rhythm stayed {last}, not expected on {expected_on}");
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .filter_map(|i| i["client_id"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn a_weekly_client_is_expected_a_week_on_and_called_when_due() {
    let w = world().await;
    let app = &w.app;
    let (weekly, _) = client_with(
        &w,
        "ООО Неделя",
        "+79160000001",
        &[-35, -28, -21, -14, -7],
        6,
    )
    .await;
    let r = rhythm(app, &weekly, &app.today()).await;
    assert_eq!(r["expected_qty"], 6, "{r}");
    assert_eq!(r["last_on"], app.day(-7));
    assert_eq!(r["due"], true);
    assert_eq!(r["at_risk"], false);
    assert!(
        r["typical_interval_days"]
            .as_f64()
            .is_some_and(|d| (d - 7.0).abs() < 0.01),
        "{r}"
    );
    // Two like it: one has an order open, one a standing order.
    let (open, open_address) = client_with(
        &w,
        "ООО Открыт",
        "+79160000002",
        &[-35, -28, -21, -14, -7],
        6,
    )
    .await;
    rhythm(app, &open, &app.today()).await;
    app.order(
        &app.admin,
        json!({ "client_id": open, "address_id": open_address,
                "lines": [{ "product_id": w.water, "qty": 6 }], "delivery_date": app.day(1) }),
    )
    .await;
    let (standing, standing_address) =
        client_with(&w, "ООО Сам", "+79160000003", &[-35, -28, -21, -14, -7], 6).await;
    rhythm(app, &standing, &app.today()).await;
    app.post(
        "/api/standing-orders",
        &app.admin,
        json!({ "client_id": standing, "address_id": standing_address,
                "lines": [{ "product_id": w.water, "qty": 6 }],
                "schedule": { "kind": "monthly", "day": 1 }, "starts_on": app.day(1) }),
    )
    .await
    .expect(201);
    // And one not due yet: delivered yesterday.
    let (fresh, _) = client_with(&w, "ООО Свежий", "+79160000004", &[-22, -15, -8, -1], 3).await;
    rhythm(app, &fresh, &app.day(6)).await;

    let (_, op) = app.user("olga", "operator", None).await;
    let list = app.get("/api/reorder", &op).await.ok();
    assert_eq!(ids(&list), vec![weekly.clone()], "{list}");
    assert_eq!(list[0]["days_overdue"], 0);
    assert_eq!(list[0]["phones"][0], "+79160000001");
    assert_eq!(list[0]["name"], "ООО Неделя");
    // A bounded page.
    app.get("/api/reorder?limit=0", &op).await.error(422);
    app.get("/api/reorder?limit=501", &op).await.error(422);
}

#[tokio::test]
async fn a_client_silent_past_its_own_rhythm_is_at_risk_long_before_three_months() {
    let w = world().await;
    let app = &w.app;
    // Weekly until seven weeks ago.
    let (silent, _) = client_with(&w, "ООО Тишина", "+79160000005", &[-70, -63, -56, -49], 4).await;
    let r = rhythm(app, &silent, &app.day(-42)).await;
    assert_eq!(r["at_risk"], true, "{r}");
    // Monthly, last a month ago: due, not at risk.
    let (monthly, _) =
        client_with(&w, "ООО Месяц", "+79160000006", &[-120, -90, -60, -30], 10).await;
    let r = rhythm(app, &monthly, &app.today()).await;
    assert_eq!(
        (r["due"].clone(), r["at_risk"].clone()),
        (json!(true), json!(false)),
        "{r}"
    );
    let report = app.get("/api/reports/at-risk", &app.admin).await.ok();
    assert_eq!(ids(&report), vec![silent.clone()], "{report}");
    assert!(report[0]["days_overdue"].as_i64().is_some_and(|d| d >= 42));
    let due = app.get("/api/reorder", &app.admin).await.ok();
    assert_eq!(ids(&due), vec![monthly.clone()], "{due}");

    // A database from before the rhythms: written once from the figures.
    let store = &app.state.store;
    store
        .run(
            "DELETE client_rhythm; DELETE meta:client_rhythm;",
            json!(null),
        )
        .await
        .expect("drop the rhythms");
    let card = app
        .get(&format!("/api/clients/{silent}"), &app.admin)
        .await
        .ok();
    assert!(card["rhythm"].is_null(), "{card}");
    assert_eq!(store.fill_rhythms().await.expect("fill"), 2);
    assert_eq!(rhythm(app, &silent, &app.day(-42)).await["at_risk"], true);
    assert_eq!(store.fill_rhythms().await.expect("again"), 0, "once");
}
