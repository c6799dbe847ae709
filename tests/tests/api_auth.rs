//! Logging in and out, the current user, and 401 on every protected endpoint.

use reqwest::Method;
use rodnik_tests::*;
use serde_json::{json, Value};

async fn login_raw(app: &App, username: &str, password: &str) -> Resp {
    app.send(
        Method::POST,
        "/api/auth/login",
        None,
        Some(&json!({ "username": username, "password": password })),
        None,
    )
    .await
}

#[tokio::test]
async fn login_returns_a_token_and_the_user_without_secrets() {
    let app = spawn_app().await;
    let (id, _) = app.user("olga", "operator", Some("101")).await;
    let r = login_raw(&app, "olga", "password-1").await.expect(200);
    assert!(r["token"].as_str().is_some_and(|t| t.len() >= 32), "{r}");
    assert_eq!(r["user"]["id"], id.as_str());
    assert_eq!(r["user"]["username"], "olga");
    assert_eq!(r["user"]["name"], "olga name");
    assert_eq!(r["user"]["role"], "operator");
    assert!(r["user"].get("password_hash").is_none(), "{r}");
    assert!(r["user"].get("password").is_none(), "{r}");
    assert!(!r.to_string().contains("argon2"), "{r}");
}

#[tokio::test]
async fn login_with_a_wrong_password_or_unknown_user_is_401() {
    let app = spawn_app().await;
    app.user("olga", "operator", None).await;
    let e = login_raw(&app, "olga", "password-2").await.error(401);
    assert_eq!(e["code"], "unauthorized");
    login_raw(&app, "nobody", "password-1").await.error(401);
    login_raw(&app, "admin", "").await.error(401);
    login_raw(&app, "OLGA", "password-1").await.error(401);
}

#[tokio::test]
async fn login_with_a_malformed_body_is_400_and_a_missing_field_is_422() {
    let app = spawn_app().await;
    app.raw(
        Method::POST,
        "/api/auth/login",
        None,
        Some("application/json"),
        "{\"username\": ",
    )
    .await
    .error(400);
    app.send(
        Method::POST,
        "/api/auth/login",
        None,
        Some(&json!({ "username": "admin" })),
        None,
    )
    .await
    .error(422);
}

#[tokio::test]
async fn me_returns_the_current_user() {
    let app = spawn_app().await;
    let (cid, courier) = app.user("kolya", "courier", None).await;
    let me = app.get("/api/me", &courier).await.expect(200);
    assert_eq!(me["id"], cid.as_str());
    assert_eq!(me["username"], "kolya");
    assert_eq!(me["role"], "courier");
    assert!(me.get("password_hash").is_none(), "{me}");
    let me = app.get("/api/me", &app.admin).await.expect(200);
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "admin");
}

#[tokio::test]
async fn me_carries_today_and_the_time_zone_of_the_company() {
    // A zone 14 hours ahead of UTC: its date differs from UTC's and Moscow's
    // for half of every day, so a date taken from the wrong zone shows.
    let zone: chrono_tz::Tz = chrono_tz::Pacific::Kiritimati;
    let mut cfg = rodnik::config::Config::for_tests();
    cfg.tz = zone;
    let app = spawn_with(cfg).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let before = chrono::Utc::now()
        .with_timezone(&zone)
        .date_naive()
        .to_string();
    let me = app.get("/api/me", &op).await.expect(200);
    let after = chrono::Utc::now()
        .with_timezone(&zone)
        .date_naive()
        .to_string();
    assert_eq!(me["time_zone"], "Pacific/Kiritimati", "{me}");
    let today = me["today"].as_str().unwrap_or_default();
    assert!(
        today == before || today == after,
        "{me} vs {before}..{after}"
    );
    // The user's own fields stay where they were.
    assert_eq!(me["username"], "olga");
    assert_eq!(me["role"], "operator");

    let app = spawn_app().await;
    let me = app.get("/api/me", &app.admin).await.expect(200);
    assert_eq!(me["time_zone"], "Europe/Moscow", "{me}");
}

#[tokio::test]
async fn logout_revokes_only_that_token() {
    let app = spawn_app().await;
    let (_, first) = app.user("olga", "operator", None).await;
    let second = app.login("olga", "password-1").await;
    assert_ne!(first, second);
    let r = app
        .send(Method::POST, "/api/auth/logout", Some(&first), None, None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get("/api/me", &first).await.error(401);
    app.get("/api/orders", &first).await.error(401);
    // A second logout with the dead token is also refused.
    app.send(Method::POST, "/api/auth/logout", Some(&first), None, None)
        .await
        .error(401);
    // The other session of the same user still works.
    assert_eq!(
        app.get("/api/me", &second).await.expect(200)["username"],
        "olga"
    );
}

#[tokio::test]
async fn logout_without_a_token_is_401() {
    let app = spawn_app().await;
    app.send(Method::POST, "/api/auth/logout", None, None, None)
        .await
        .error(401);
}

#[tokio::test]
async fn health_needs_no_token() {
    let app = spawn_app().await;
    let r = app.send(Method::GET, "/api/health", None, None, None).await;
    // Security headers on every answer, the API's too.
    for (name, want) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(
            r.headers.get(name).and_then(|v| v.to_str().ok()),
            Some(want),
            "{name}"
        );
    }
    assert!(r
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("frame-ancestors 'none'")));
    let h = r.expect(200);
    assert_eq!(h["status"], "ok");
    assert!(h["version"].is_string());
}

/// Every protected endpoint of the contract, with a body where it takes one.
fn protected(
    client: &str,
    address: &str,
    order: &str,
    product: &str,
) -> Vec<(Method, String, Option<Value>)> {
    let c = client;
    let o = order;
    vec![
        (Method::GET, "/api/me".into(), None),
        (Method::POST, "/api/auth/logout".into(), None),
        (Method::GET, "/api/users".into(), None),
        (Method::GET, "/api/users?role=courier".into(), None),
        (
            Method::POST,
            "/api/users".into(),
            Some(
                json!({ "username": "x", "password": "password-1", "name": "X", "role": "operator" }),
            ),
        ),
        (Method::GET, "/api/products".into(), None),
        (
            Method::POST,
            "/api/products".into(),
            Some(json!({ "sku": "S", "name": "S", "kind": "goods", "unit": "pc", "price": 1 })),
        ),
        (
            Method::PUT,
            format!("/api/clients/{c}/prices"),
            Some(json!({ "prices": [{ "product_id": product, "price": 1 }] })),
        ),
        (
            Method::POST,
            "/api/clients".into(),
            Some(
                json!({ "kind": "individual", "name": "N", "phones": ["9123456780"], "addresses": [{ "text": "T" }] }),
            ),
        ),
        (Method::GET, "/api/clients?q=test".into(), None),
        (
            Method::GET,
            "/api/clients/lookup?phone=9123456789".into(),
            None,
        ),
        (Method::GET, format!("/api/clients/{c}"), None),
        (
            Method::PATCH,
            format!("/api/clients/{c}"),
            Some(json!({ "name": "New" })),
        ),
        (
            Method::POST,
            format!("/api/clients/{c}/addresses"),
            Some(json!({ "text": "Other street 2" })),
        ),
        (
            Method::POST,
            "/api/orders".into(),
            Some(
                json!({ "client_id": c, "address_id": address, "lines": [{ "product_id": product, "qty": 1 }],
                         "delivery_date": "2099-01-01" }),
            ),
        ),
        (Method::GET, "/api/orders".into(), None),
        (Method::GET, format!("/api/orders/{o}"), None),
        (
            Method::PATCH,
            format!("/api/orders/{o}"),
            Some(json!({ "note": "x" })),
        ),
        (
            Method::POST,
            format!("/api/orders/{o}/dispatch"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/orders/{o}/deliver"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/orders/{o}/fail"),
            Some(json!({ "reason": "x" })),
        ),
        (
            Method::POST,
            format!("/api/orders/{o}/cancel"),
            Some(json!({ "reason": "x" })),
        ),
        (Method::GET, "/api/route".into(), None),
        (
            Method::PUT,
            "/api/route".into(),
            Some(json!({ "courier_id": "x", "date": "2099-01-01", "order_ids": [] })),
        ),
        (Method::GET, "/api/calls".into(), None),
        (
            Method::GET,
            "/api/reports/deliveries?from=2020-01-01&to=2030-01-01".into(),
            None,
        ),
        (
            Method::GET,
            "/api/reports/sales?from=2020-01-01&to=2030-01-01".into(),
            None,
        ),
        (
            Method::GET,
            "/api/reports/orders?from=2020-01-01&to=2030-01-01".into(),
            None,
        ),
        (
            Method::GET,
            "/api/reports/lost-clients?as_of=2030-01-01&months=3".into(),
            None,
        ),
        (
            Method::GET,
            "/api/reports/deliveries?format=csv".into(),
            None,
        ),
    ]
}

#[tokio::test]
async fn every_protected_endpoint_is_401_without_a_valid_token() {
    let app = spawn_app().await;
    let product = app.product("W19", "water", 25000, true).await;
    let (client, address) = app.client("Иван", "individual", "9123456789").await;
    let order = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": address, "lines": [{ "product_id": product, "qty": 1 }],
                    "delivery_date": app.today() }),
        )
        .await;
    let order = id_of(&order);
    let orders_before = app.count("/api/orders", &app.admin).await;
    let users_before = app.count("/api/users", &app.admin).await;
    let products_before = app.count("/api/products", &app.admin).await;
    for (method, path, body) in protected(&client, &address, &order, &product) {
        for token in [None, Some("not-a-real-token"), Some("")] {
            let r = app
                .send(method.clone(), &path, token, body.as_ref(), None)
                .await;
            assert_eq!(
                r.status, 401,
                "{method} {path} with token {token:?}: {}",
                r.text
            );
            assert_eq!(
                r.body["error"]["code"], "unauthorized",
                "{method} {path}: {}",
                r.text
            );
            assert!(
                r.body["error"]["message"].is_string(),
                "{method} {path}: {}",
                r.text
            );
        }
        // A token in another scheme is not a bearer token.
        let mut req = app
            .http
            .request(method.clone(), app.url(&path))
            .basic_auth("admin", Some(ADMIN_PASSWORD));
        if let Some(b) = &body {
            req = req.json(b);
        }
        let status = req.send().await.expect("request").status().as_u16();
        assert_eq!(status, 401, "{method} {path} with basic auth");
    }
    // Nothing was written by any of the refused requests.
    assert_eq!(app.count("/api/orders", &app.admin).await, orders_before);
    assert_eq!(app.count("/api/users", &app.admin).await, users_before);
    assert_eq!(
        app.count("/api/products", &app.admin).await,
        products_before
    );
    let o = app
        .get(&format!("/api/orders/{order}"), &app.admin)
        .await
        .ok();
    assert_eq!(o["state"], "new");
    assert_eq!(o["version"], 1);
    let c = app
        .get(&format!("/api/clients/{client}"), &app.admin)
        .await
        .ok();
    assert_eq!(c["name"], "Иван");
    assert_eq!(c["addresses"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_token_stops_working_for_an_idempotent_retry_after_logout() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let body = json!({ "kind": "individual", "name": "Пётр", "phones": ["9123450000"], "addresses": [{ "text": "Lenina 1" }] });
    app.post_idem("/api/clients", &op, body.clone(), "k-1")
        .await
        .expect(201);
    let r = app
        .send(Method::POST, "/api/auth/logout", Some(&op), None, None)
        .await;
    assert_eq!(r.status, 204);
    // The stored answer is not replayed to a request that is no longer authenticated.
    app.post_idem("/api/clients", &op, body, "k-1")
        .await
        .error(401);
}
