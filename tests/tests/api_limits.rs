//! Input the server must refuse with a clear 422 before doing any work.

use rodnik_tests::*;
use serde_json::json;

#[tokio::test]
async fn dates_take_only_four_digit_years() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    for bad in ["+12345-01-01", "12345-01-01", "-0001-01-01", "0999-12-31"] {
        let e = app
            .post(
                "/api/orders",
                &op,
                json!({ "client_id": client, "address_id": addr, "delivery_date": bad,
                        "lines": [{ "product_id": water, "qty": 1 }] }),
            )
            .await
            .error(422);
        assert_eq!(e["field"], "delivery_date", "{bad}: {e}");
        let q = enc(bad);
        for path in [
            format!("/api/orders?date={q}"),
            format!("/api/reports/deliveries?from={q}&to=2026-01-01"),
            format!("/api/reports/lost-clients?as_of={q}"),
        ] {
            let r = app.get(&path, &manager).await;
            assert_eq!(r.status, 422, "{path}: {}", r.text);
        }
    }
    assert_eq!(app.count("/api/orders", &op).await, 0);
}

async fn login_as(app: &App, username: &str, password: &str, from: &str) -> Resp {
    Resp::read(
        app.http
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", from)
            .json(&json!({ "username": username, "password": password })),
    )
    .await
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username_and_per_address() {
    let app = spawn_app().await;
    app.user("olga", "operator", None).await;
    app.user("pavel", "operator", None).await;
    for _ in 0..5 {
        login_as(&app, "olga", "wrong-password", "203.0.113.7")
            .await
            .error(401);
    }
    // Now even the right password waits: guessing costs time.
    let held = login_as(&app, "Olga", "password-1", "198.51.100.1").await;
    let retry_after: u64 = held
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(held.error(429)["code"], "too_many_attempts");
    // Other users are not held.
    login_as(&app, "pavel", "password-1", "203.0.113.7")
        .await
        .expect(200);
    // After the wait, the right password works and clears the name.
    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    login_as(&app, "olga", "password-1", "203.0.113.7")
        .await
        .expect(200);
    login_as(&app, "olga", "wrong-password", "203.0.113.7")
        .await
        .error(401);

    // One address guessing many names is held too (unknown names included).
    for i in 0..30 {
        login_as(&app, &format!("guess{i}"), "wrong-password", "192.0.2.9")
            .await
            .error(401);
    }
    login_as(&app, "pavel", "password-1", "192.0.2.9")
        .await
        .error(429);
    login_as(&app, "pavel", "password-1", "192.0.2.10")
        .await
        .expect(200);
}

#[tokio::test]
async fn lists_in_a_request_are_bounded_before_any_work() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let phones: Vec<String> = (0..11).map(|i| format!("+7916123{i:04}")).collect();
    let e = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": "A", "phones": phones, "addresses": [{ "text": "Mira 1" }] }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "phones", "{e}");
    let addresses: Vec<_> = (0..51)
        .map(|i| json!({ "text": format!("Mira {i}") }))
        .collect();
    let e = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "B", "phones": ["+79161230000"], "addresses": addresses }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "addresses", "{e}");
    // A client at 50 addresses takes no 51st.
    let fifty: Vec<_> = (0..50)
        .map(|i| json!({ "text": format!("Mira {i}") }))
        .collect();
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "C", "phones": ["+79161230001"], "addresses": fifty }),
        )
        .await
        .expect(201);
    let e = app
        .post(
            &format!("/api/clients/{}/addresses", id_of(&c)),
            &op,
            json!({ "text": "Lenina 51" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "address", "{e}");
    let lines: Vec<_> = (0..51)
        .map(|i| json!({ "product_id": format!("p{i}"), "qty": 1 }))
        .collect();
    let addr = c["addresses"][0]["id"]
        .as_str()
        .expect("address")
        .to_string();
    let e = app
        .post(
            "/api/orders",
            &op,
            json!({ "client_id": id_of(&c), "address_id": addr, "delivery_date": app.today(), "lines": lines }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "lines", "{e}");
    // 10 phones and 50 lines' worth of limits are within bounds.
    let ten: Vec<String> = (0..10).map(|i| format!("+7916124{i:04}")).collect();
    app.post(
        "/api/clients",
        &op,
        json!({ "kind": "individual", "name": "D", "phones": ten, "addresses": [{ "text": "Mira 1" }] }),
    )
    .await
    .expect(201);
    let _ = water;
    assert_eq!(app.count("/api/orders", &op).await, 0);
}

/// Editing an order follows the rules of taking one: no product that went
/// off sale (unless the order already has it), no deactivated courier.
#[tokio::test]
async fn an_edited_order_follows_the_rules_of_a_new_one() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (sasha, _) = app.user("sasha", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 50000, false).await;
    let (client, addr) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    let o = app
        .order(
            &op,
            json!({ "client_id": client, "address_id": addr, "delivery_date": app.today(),
                    "lines": [{ "product_id": water, "qty": 2 }, { "product_id": cups, "qty": 1 }],
                    "courier_id": kolya }),
        )
        .await;
    let id = id_of(&o);
    for p in [&cups, &pump] {
        app.patch(
            &format!("/api/products/{p}"),
            &app.admin,
            json!({ "on_sale": false }),
        )
        .await
        .ok();
    }
    app.patch(
        &format!("/api/users/{sasha}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    let e = app
        .patch(
            &format!("/api/orders/{id}"),
            &op,
            json!({ "lines": [{ "product_id": water, "qty": 2 }, { "product_id": pump, "qty": 1 }] }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "lines[1].product_id", "{e}");
    let e = app
        .patch(
            &format!("/api/orders/{id}"),
            &op,
            json!({ "courier_id": sasha }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "courier_id", "{e}");
    // The cups it already has may stay, in a new quantity.
    let kept = app
        .patch(
            &format!("/api/orders/{id}"),
            &op,
            json!({ "lines": [{ "product_id": water, "qty": 3 }, { "product_id": cups, "qty": 2 }] }),
        )
        .await
        .ok();
    assert_eq!(kept["total"], 3 * 25000 + 2 * 1500);
}
