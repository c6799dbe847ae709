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
