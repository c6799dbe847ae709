//! Bad input of every kind: the right status, an error body naming the
//! field, and nothing written.

use reqwest::Method;
use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    courier_id: String,
    op_id: String,
    water: String,
    client: String,
    addr: String,
    other_addr: String,
    order: String,
    dispatched: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (op_id, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (courier_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    let (_, other_addr) = app.client("ООО Ромашка", "legal", "9031112233").await;
    let order = id_of(
        &app.order(
            &op,
            json!({ "client_id": client, "address_id": addr, "lines": [{ "product_id": water, "qty": 2 }],
                    "delivery_date": app.today(), "courier_id": courier_id }),
        )
        .await,
    );
    let dispatched = id_of(
        &app.order(
            &op,
            json!({ "client_id": client, "address_id": addr, "lines": [{ "product_id": water, "qty": 1 }],
                    "delivery_date": app.today(), "courier_id": courier_id }),
        )
        .await,
    );
    app.post(
        &format!("/api/orders/{dispatched}/dispatch"),
        &op,
        json!({}),
    )
    .await
    .expect(200);
    World {
        app,
        op,
        manager,
        courier_id,
        op_id,
        water,
        client,
        addr,
        other_addr,
        order,
        dispatched,
    }
}

/// Everything a bad request could have written to, as one value.
async fn snapshot(w: &World) -> Value {
    let a = &w.app.admin;
    json!({
        "orders": w.app.get("/api/orders", a).await.ok(),
        "products": w.app.get("/api/products", a).await.ok(),
        "users": w.app.get("/api/users", a).await.ok(),
        "clients": w.app.get("/api/clients?q=street", a).await.ok(),
        "client": w.app.get(&format!("/api/clients/{}", w.client), a).await.ok(),
        "prices": w.app.get(&format!("/api/clients/{}/prices", w.client), a).await.ok(),
        "bad_phone_clients": w.app.get("/api/clients/lookup?phone=9160000000", a).await.ok(),
    })
}

enum Body {
    None,
    Json(Value),
    Raw(&'static str, &'static str),
}

/// Sends a bad request and checks status, error body, the named field, and
/// that nothing changed.
#[allow(clippy::too_many_arguments)]
async fn refused(
    w: &World,
    before: &Value,
    method: Method,
    path: &str,
    token: &str,
    body: Body,
    status: &[u16],
    field: Option<&str>,
) {
    let r = match body {
        Body::None => {
            w.app
                .send(method.clone(), path, Some(token), None, None)
                .await
        }
        Body::Json(v) => {
            w.app
                .send(method.clone(), path, Some(token), Some(&v), None)
                .await
        }
        Body::Raw(ct, raw) => {
            w.app
                .raw(method.clone(), path, Some(token), Some(ct), raw)
                .await
        }
    };
    assert!(
        status.contains(&r.status),
        "{method} {path}: expected {status:?}, got {}: {}",
        r.status,
        r.text
    );
    let e = &r.body["error"];
    assert!(
        e["code"].is_string() && e["message"].is_string(),
        "{method} {path}: no error body: {}",
        r.text
    );
    if let Some(f) = field {
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains(f),
            "{method} {path}: message does not name {f}: {}",
            r.text
        );
        if let Some(named) = e["field"].as_str() {
            assert_eq!(named, f, "{method} {path}");
        }
    }
    let after = snapshot(w).await;
    assert!(
        after == *before,
        "{method} {path} wrote something:\nbefore {before}\nafter  {after}"
    );
}

const JSON: &str = "application/json";

#[tokio::test]
async fn malformed_json_is_400_with_an_error_body_everywhere() {
    let w = world().await;
    let before = snapshot(&w).await;
    let (c, o, d) = (w.client.clone(), w.order.clone(), w.dispatched.clone());
    let endpoints: Vec<(Method, String)> = vec![
        (Method::POST, "/api/users".into()),
        (Method::POST, "/api/products".into()),
        (Method::PUT, format!("/api/clients/{c}/prices")),
        (Method::POST, "/api/clients".into()),
        (Method::PATCH, format!("/api/clients/{c}")),
        (Method::POST, format!("/api/clients/{c}/addresses")),
        (Method::POST, "/api/orders".into()),
        (Method::PATCH, format!("/api/orders/{o}")),
        (Method::POST, format!("/api/orders/{o}/dispatch")),
        (Method::POST, format!("/api/orders/{d}/deliver")),
        (Method::POST, format!("/api/orders/{d}/fail")),
        (Method::POST, format!("/api/orders/{d}/recall")),
        (Method::POST, format!("/api/orders/{o}/cancel")),
        (Method::PUT, "/api/route".into()),
    ];
    for (method, path) in &endpoints {
        for raw in [
            "{\"name\": ",
            "{name: 1}",
            "not json at all",
            "{\"a\": 1,}",
            "[1, 2",
        ] {
            refused(
                &w,
                &before,
                method.clone(),
                path,
                &w.app.admin,
                Body::Raw(JSON, raw),
                &[400],
                None,
            )
            .await;
        }
    }
    let r = w
        .app
        .raw(
            Method::POST,
            "/api/auth/login",
            None,
            Some(JSON),
            "{\"username\"",
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["error"]["code"].is_string());
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_400() {
    let w = world().await;
    let before = snapshot(&w).await;
    let body = r#"{"kind": "individual", "name": "X", "phones": ["9160000000"], "addresses": [{"text": "Bad street"}]}"#;
    refused(
        &w,
        &before,
        Method::POST,
        "/api/clients",
        &w.op,
        Body::Raw("text/plain", body),
        &[400, 415],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::POST,
        "/api/clients",
        &w.op,
        Body::None,
        &[400, 415],
        None,
    )
    .await;
}

#[tokio::test]
async fn wrong_types_and_missing_fields_are_422() {
    let w = world().await;
    let before = snapshot(&w).await;
    let (c, a, p) = (w.client.as_str(), w.addr.as_str(), w.water.as_str());
    let t = w.app.today();
    let order_cases = vec![
        json!({ "address_id": a, "lines": [{ "product_id": p, "qty": 1 }], "delivery_date": t }),
        json!({ "client_id": c, "address_id": a, "lines": [{ "product_id": p, "qty": 1 }] }),
        json!({ "client_id": c, "address_id": a, "delivery_date": t }),
        json!({ "client_id": c, "address_id": a, "lines": [{ "product_id": p, "qty": "two" }], "delivery_date": t }),
        json!({ "client_id": c, "address_id": a, "lines": [{ "product_id": p, "qty": 1.5 }], "delivery_date": t }),
        json!({ "client_id": c, "address_id": a, "lines": [{ "product_id": p }], "delivery_date": t }),
        json!({ "client_id": c, "address_id": a, "lines": { "product_id": p, "qty": 1 }, "delivery_date": t }),
        json!({ "client_id": 42, "address_id": a, "lines": [{ "product_id": p, "qty": 1 }], "delivery_date": t }),
        json!({ "client_id": c, "address_id": a, "lines": [{ "product_id": p, "qty": 1 }], "delivery_date": 20250101 }),
        json!({ "client_id": c, "address_id": a, "lines": [{ "product_id": p, "qty": 1 }], "delivery_date": t, "window": "morning" }),
        json!([1, 2, 3]),
        json!("order"),
    ];
    for body in order_cases {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/orders",
            &w.op,
            Body::Json(body),
            &[422],
            None,
        )
        .await;
    }
    let client_cases = vec![
        json!({ "kind": "company", "name": "X", "phones": ["9160000000"], "addresses": [{ "text": "Bad street" }] }),
        json!({ "name": "X", "phones": ["9160000000"], "addresses": [{ "text": "Bad street" }] }),
        json!({ "kind": "individual", "phones": ["9160000000"], "addresses": [{ "text": "Bad street" }] }),
        json!({ "kind": "individual", "name": "X", "phones": "9160000000", "addresses": [{ "text": "Bad street" }] }),
        json!({ "kind": "individual", "name": "X", "phones": [9160000000u64], "addresses": [{ "text": "Bad street" }] }),
        json!({ "kind": "individual", "name": "X", "addresses": [{ "text": "Bad street" }] }),
        json!({ "kind": "individual", "name": "X", "phones": ["9160000000"] }),
        json!({ "kind": "individual", "name": "X", "phones": ["9160000000"], "addresses": ["Bad street"] }),
    ];
    for body in client_cases {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/clients",
            &w.op,
            Body::Json(body),
            &[422],
            None,
        )
        .await;
    }
    let admin = w.app.admin.clone();
    let product_cases = vec![
        json!({ "sku": "X", "name": "X", "kind": "food", "unit": "pc", "price": 1 }),
        json!({ "sku": "X", "name": "X", "kind": "goods", "unit": "pc", "price": "100" }),
        json!({ "sku": "X", "name": "X", "kind": "goods", "unit": "pc", "price": 1.5 }),
        json!({ "sku": "X", "name": "X", "kind": "goods", "price": 1 }),
        json!({ "sku": "X", "name": "X", "kind": "goods", "unit": "pc", "price": 1, "returnable": "yes" }),
    ];
    for body in product_cases {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/products",
            &admin,
            Body::Json(body),
            &[422],
            None,
        )
        .await;
    }
    let user_cases = vec![
        json!({ "username": "x", "password": "password-1", "name": "X", "role": "boss" }),
        json!({ "username": "x", "password": "password-1", "name": "X" }),
        json!({ "username": "x", "name": "X", "role": "courier" }),
    ];
    for body in user_cases {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/users",
            &admin,
            Body::Json(body),
            &[422],
            None,
        )
        .await;
    }
    let o = w.order.clone();
    refused(
        &w,
        &before,
        Method::PATCH,
        &format!("/api/orders/{o}"),
        &w.op,
        Body::Json(json!({ "lines": [{ "qty": 1 }] })),
        &[422],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::PATCH,
        &format!("/api/orders/{o}"),
        &w.op,
        Body::Json(json!({ "expected_version": "one" })),
        &[422],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::POST,
        &format!("/api/orders/{o}/dispatch"),
        &w.op,
        Body::Json(json!({ "expected_version": "one" })),
        &[422],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::POST,
        &format!("/api/orders/{o}/cancel"),
        &w.op,
        Body::Json(json!({})),
        &[422],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::PATCH,
        &format!("/api/clients/{c}"),
        &w.op,
        Body::Json(json!({ "kind": "company" })),
        &[422],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::PUT,
        &format!("/api/clients/{c}/prices"),
        &admin,
        Body::Json(json!({ "prices": { "a": 1 } })),
        &[422],
        None,
    )
    .await;
    refused(
        &w,
        &before,
        Method::PUT,
        "/api/route",
        &w.op,
        Body::Json(json!({ "courier_id": w.courier_id, "date": w.app.today() })),
        &[422],
        None,
    )
    .await;
}

#[tokio::test]
async fn bad_order_values_are_422_naming_the_field_and_write_nothing() {
    let w = world().await;
    let before = snapshot(&w).await;
    let first_number = w
        .app
        .get(&format!("/api/orders/{}", w.dispatched), &w.op)
        .await
        .ok()["number"]
        .as_i64()
        .unwrap();
    let legal_only_addr = w.other_addr.clone();
    let base = json!({ "client_id": w.client, "address_id": w.addr, "lines": [{ "product_id": w.water, "qty": 1 }],
                       "delivery_date": w.app.today(), "window": { "from": "09:00", "to": "13:00" } });
    let with = |patch: Value| {
        let mut b = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let p = w.water.as_str();
    let cases: Vec<(Value, &str)> = vec![
        (
            with(json!({ "lines": [{ "product_id": p, "qty": 0 }] })),
            "lines[0].qty",
        ),
        (
            with(json!({ "lines": [{ "product_id": p, "qty": -1 }] })),
            "lines[0].qty",
        ),
        (
            with(json!({ "lines": [{ "product_id": p, "qty": -100 }] })),
            "lines[0].qty",
        ),
        (
            with(json!({ "lines": [{ "product_id": p, "qty": 1000000 }] })),
            "lines[0].qty",
        ),
        (
            with(
                json!({ "lines": [{ "product_id": p, "qty": 2 }, { "product_id": "cups", "qty": 0 }] }),
            ),
            "lines[1].qty",
        ),
        (
            with(json!({ "lines": [{ "product_id": "nosuchproduct", "qty": 1 }] })),
            "lines[0].product_id",
        ),
        (
            with(
                json!({ "lines": [{ "product_id": p, "qty": 1 }, { "product_id": "nosuchproduct", "qty": 1 }] }),
            ),
            "lines[1].product_id",
        ),
        (
            with(json!({ "lines": [{ "product_id": "", "qty": 1 }] })),
            "lines[0].product_id",
        ),
        (
            with(
                json!({ "lines": [{ "product_id": p, "qty": 1 }, { "product_id": p, "qty": 2 }] }),
            ),
            "lines[1].product_id",
        ),
        (with(json!({ "lines": [] })), "lines"),
        (with(json!({ "client_id": "nosuchclient" })), "client_id"),
        (with(json!({ "address_id": "nosuchaddress" })), "address_id"),
        (with(json!({ "address_id": legal_only_addr })), "address_id"),
        (with(json!({ "courier_id": w.op_id })), "courier_id"),
        (with(json!({ "courier_id": "nosuchuser" })), "courier_id"),
        (with(json!({ "call_id": "nosuchcall" })), "call_id"),
        (
            with(json!({ "window": { "from": "13:00", "to": "09:00" } })),
            "window.to",
        ),
        (
            with(json!({ "window": { "from": "13:00", "to": "13:00" } })),
            "window.to",
        ),
        (
            with(json!({ "window": { "from": "25:00", "to": "26:00" } })),
            "window.from",
        ),
        (
            with(json!({ "window": { "from": "9am", "to": "1pm" } })),
            "window.from",
        ),
        (
            with(json!({ "window": { "from": "09:00", "to": "noon" } })),
            "window.to",
        ),
        (
            with(json!({ "delivery_date": "2026-02-30" })),
            "delivery_date",
        ),
        (
            with(json!({ "delivery_date": "27.11.2026" })),
            "delivery_date",
        ),
        (with(json!({ "delivery_date": "" })), "delivery_date"),
        (
            with(json!({ "delivery_date": "tomorrow" })),
            "delivery_date",
        ),
        (
            with(json!({ "delivery_date": w.app.day(-1) })),
            "delivery_date",
        ),
        (with(json!({ "note": "x".repeat(501) })), "note"),
    ];
    for (body, field) in cases {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/orders",
            &w.op,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
    // No order number was used up by the refused requests.
    let o = w.app.order(&w.op, base).await;
    assert_eq!(o["number"].as_i64().unwrap(), first_number + 1);
}

#[tokio::test]
async fn operators_may_not_backdate_an_order_but_managers_and_admins_may() {
    let w = world().await;
    let body = |date: String| {
        json!({ "client_id": w.client, "address_id": w.addr, "lines": [{ "product_id": w.water, "qty": 1 }],
                "delivery_date": date })
    };
    let before = w.app.count("/api/orders", &w.op).await;
    let e = w
        .app
        .post("/api/orders", &w.op, body(w.app.day(-1)))
        .await
        .error(422);
    assert!(
        e["message"].as_str().unwrap().contains("delivery_date"),
        "{e}"
    );
    w.app
        .post("/api/orders", &w.op, body("2020-01-15".into()))
        .await
        .error(422);
    assert_eq!(w.app.count("/api/orders", &w.op).await, before);
    // Today and later are fine for an operator.
    w.app
        .post("/api/orders", &w.op, body(w.app.today()))
        .await
        .expect(201);
    w.app
        .post("/api/orders", &w.op, body(w.app.day(30)))
        .await
        .expect(201);
    // Back-office entry.
    let m = w
        .app
        .post("/api/orders", &w.manager, body("2020-01-15".into()))
        .await
        .expect(201);
    assert_eq!(m["delivery_date"], "2020-01-15");
    let a = w
        .app
        .post("/api/orders", &w.app.admin, body(w.app.day(-1)))
        .await
        .expect(201);
    assert_eq!(a["delivery_date"], w.app.day(-1));
    assert_eq!(w.app.count("/api/orders", &w.op).await, before + 4);
    // The same rule holds when rescheduling.
    let o = w.order.clone();
    let e = w
        .app
        .patch(
            &format!("/api/orders/{o}"),
            &w.op,
            json!({ "delivery_date": w.app.day(-1) }),
        )
        .await
        .error(422);
    assert!(
        e["message"].as_str().unwrap().contains("delivery_date"),
        "{e}"
    );
    assert_eq!(
        w.app.get(&format!("/api/orders/{o}"), &w.op).await.ok()["delivery_date"],
        w.app.today()
    );
    let p = w
        .app
        .patch(
            &format!("/api/orders/{o}"),
            &w.manager,
            json!({ "delivery_date": w.app.day(-1) }),
        )
        .await
        .expect(200);
    assert_eq!(p["delivery_date"], w.app.day(-1));
}

#[tokio::test]
async fn bad_order_edits_are_422_and_leave_the_order_as_it_was() {
    let w = world().await;
    let before = snapshot(&w).await;
    let path = format!("/api/orders/{}", w.order);
    let p = w.water.as_str();
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({ "lines": [{ "product_id": p, "qty": 0 }] }),
            "lines[0].qty",
        ),
        (
            json!({ "lines": [{ "product_id": "nosuchproduct", "qty": 1 }] }),
            "lines[0].product_id",
        ),
        (json!({ "lines": [] }), "lines"),
        (json!({ "delivery_date": "2026-13-01" }), "delivery_date"),
        (json!({ "delivery_date": w.app.day(-3) }), "delivery_date"),
        (
            json!({ "window": { "from": "18:00", "to": "09:00" } }),
            "window.to",
        ),
        (json!({ "courier_id": w.op_id }), "courier_id"),
        (json!({ "address_id": w.other_addr }), "address_id"),
        (
            json!({ "note": "ok", "lines": [{ "product_id": p, "qty": -2 }] }),
            "lines[0].qty",
        ),
        (json!({ "note": "y".repeat(501) }), "note"),
    ];
    for (body, field) in cases {
        refused(
            &w,
            &before,
            Method::PATCH,
            &path,
            &w.op,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
}

#[tokio::test]
async fn bad_close_out_values_are_422_and_leave_the_stop_open() {
    let w = world().await;
    let before = snapshot(&w).await;
    let d = w.dispatched.clone();
    let deliver = format!("/api/orders/{d}/deliver");
    for (body, field) in [
        (json!({ "cash_collected": -1 }), "cash_collected"),
        (json!({ "empties_returned": -1 }), "empties_returned"),
        (json!({ "empties_returned": 1000000 }), "empties_returned"),
        (json!({ "at": "yesterday" }), "at"),
    ] {
        refused(
            &w,
            &before,
            Method::POST,
            &deliver,
            &w.op,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
    refused(
        &w,
        &before,
        Method::POST,
        &deliver,
        &w.op,
        Body::Json(json!({ "cash_collected": "lots" })),
        &[422],
        None,
    )
    .await;
    let fail = format!("/api/orders/{d}/fail");
    refused(
        &w,
        &before,
        Method::POST,
        &fail,
        &w.op,
        Body::Json(json!({ "reason": "" })),
        &[422],
        Some("reason"),
    )
    .await;
    refused(
        &w,
        &before,
        Method::POST,
        &fail,
        &w.op,
        Body::Json(json!({ "reason": "x", "at": "noon" })),
        &[422],
        Some("at"),
    )
    .await;
    let cancel = format!("/api/orders/{d}/cancel");
    refused(
        &w,
        &before,
        Method::POST,
        &cancel,
        &w.op,
        Body::Json(json!({ "reason": "   " })),
        &[422],
        Some("reason"),
    )
    .await;
}

#[tokio::test]
async fn bad_client_values_are_422_naming_the_field_and_write_nothing() {
    let w = world().await;
    let before = snapshot(&w).await;
    let base = json!({ "kind": "individual", "name": "Bad Client", "phones": ["9160000000"],
                       "addresses": [{ "text": "Bad street 1" }] });
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("phones", json!(["hello"])), "phones[0]"),
        (with("phones", json!(["123"])), "phones[0]"),
        (with("phones", json!([""])), "phones[0]"),
        (with("phones", json!(["9160000000", "12345"])), "phones[1]"),
        (with("phones", json!([])), "phones"),
        (with("addresses", json!([])), "addresses"),
        (with("name", json!("   ")), "name"),
        (
            with("addresses", json!([{ "text": "" }])),
            "addresses[0].text",
        ),
        (
            with(
                "addresses",
                json!([{ "text": "Bad street 1" }, { "text": "  " }]),
            ),
            "addresses[1].text",
        ),
        (
            with(
                "addresses",
                json!([{ "text": "Bad street 1", "contact_phone": "abc" }]),
            ),
            "addresses[0].contact_phone",
        ),
        (
            with(
                "addresses",
                json!([{ "text": "Bad street 1", "lat": 91.0 }]),
            ),
            "addresses[0].lat",
        ),
        (
            with(
                "addresses",
                json!([{ "text": "Bad street 1", "lon": -181.0 }]),
            ),
            "addresses[0].lon",
        ),
        (with("inn", json!("12345")), "inn"),
        (with("inn", json!("77012345ab")), "inn"),
        (with("name", json!("n".repeat(501))), "name"),
    ];
    for (body, field) in cases {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/clients",
            &w.op,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
    // The same checks guard edits.
    let path = format!("/api/clients/{}", w.client);
    for (body, field) in [
        (json!({ "phones": ["9160000000", "nope"] }), "phones[1]"),
        (json!({ "phones": [] }), "phones"),
        (json!({ "name": "" }), "name"),
        (json!({ "addresses": [] }), "addresses"),
        (
            json!({ "addresses": [{ "text": "Bad street 2", "id": "nosuchaddress" }] }),
            "addresses[0].id",
        ),
        (json!({ "name": "Renamed", "inn": "1" }), "inn"),
    ] {
        refused(
            &w,
            &before,
            Method::PATCH,
            &path,
            &w.op,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
}

#[tokio::test]
async fn bad_catalogue_and_user_values_are_refused_and_write_nothing() {
    let w = world().await;
    let before = snapshot(&w).await;
    let admin = w.app.admin.clone();
    for (body, field) in [
        (
            json!({ "sku": "X", "name": "X", "kind": "goods", "unit": "pc", "price": -1 }),
            "price",
        ),
        (
            json!({ "sku": " ", "name": "X", "kind": "goods", "unit": "pc", "price": 1 }),
            "sku",
        ),
        (
            json!({ "sku": "X", "name": "", "kind": "goods", "unit": "pc", "price": 1 }),
            "name",
        ),
        (
            json!({ "sku": "X", "name": "X", "kind": "goods", "unit": "", "price": 1 }),
            "unit",
        ),
    ] {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/products",
            &admin,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
    let dup = json!({ "sku": "W19", "name": "Again", "kind": "water", "unit": "pc", "price": 1 });
    refused(
        &w,
        &before,
        Method::POST,
        "/api/products",
        &admin,
        Body::Json(dup),
        &[409],
        None,
    )
    .await;
    for (body, field) in [
        (
            json!({ "username": "new user", "password": "password-1", "name": "X", "role": "courier" }),
            "username",
        ),
        (
            json!({ "username": "", "password": "password-1", "name": "X", "role": "courier" }),
            "username",
        ),
        (
            json!({ "username": "newuser", "password": "short", "name": "X", "role": "courier" }),
            "password",
        ),
        (
            json!({ "username": "newuser", "password": "password-1", "name": " ", "role": "courier" }),
            "name",
        ),
        (
            json!({ "username": "newuser", "password": "password-1", "name": "X", "role": "courier", "phone": "12" }),
            "phone",
        ),
    ] {
        refused(
            &w,
            &before,
            Method::POST,
            "/api/users",
            &admin,
            Body::Json(body),
            &[422],
            Some(field),
        )
        .await;
    }
    let dup = json!({ "username": "olga", "password": "password-1", "name": "Olga 2", "role": "operator" });
    refused(
        &w,
        &before,
        Method::POST,
        "/api/users",
        &admin,
        Body::Json(dup),
        &[409],
        None,
    )
    .await;
}

#[tokio::test]
async fn bad_query_parameters_are_refused() {
    let w = world().await;
    let before = snapshot(&w).await;
    let m = w.manager.clone();
    let c = w.courier_id.clone();
    let cases: Vec<(&str, String)> = vec![
        (w.op.as_str(), "/api/orders?date=2025-13-01".into()),
        (w.op.as_str(), "/api/orders?date=2025-02-29".into()),
        (w.op.as_str(), "/api/orders?date=yesterday".into()),
        (w.op.as_str(), "/api/orders?date=01.02.2025".into()),
        (w.op.as_str(), "/api/orders?state=lost".into()),
        (
            w.op.as_str(),
            format!("/api/route?courier_id={c}&date=2025-1-1x"),
        ),
        (w.op.as_str(), "/api/calls?date=today".into()),
        (w.op.as_str(), "/api/calls?missed=perhaps".into()),
        (w.op.as_str(), "/api/users?role=boss".into()),
        (w.op.as_str(), "/api/clients/lookup".into()),
        (w.op.as_str(), "/api/clients/lookup?phone=".into()),
        (w.op.as_str(), "/api/clients?q=a".into()),
        (w.op.as_str(), "/api/clients".into()),
        (
            m.as_str(),
            "/api/reports/deliveries?from=2025-02-30&to=2025-03-31".into(),
        ),
        (
            m.as_str(),
            "/api/reports/deliveries?from=2025-03-01&to=march".into(),
        ),
        (
            m.as_str(),
            "/api/reports/deliveries?from=2025-03-31&to=2025-03-01".into(),
        ),
        (m.as_str(), "/api/reports/deliveries?format=xml".into()),
        (m.as_str(), "/api/reports/sales?from=x".into()),
        (m.as_str(), "/api/reports/orders?to=2025-00-10".into()),
        (
            m.as_str(),
            "/api/reports/lost-clients?as_of=2025-02-30".into(),
        ),
        (m.as_str(), "/api/reports/lost-clients?months=0".into()),
        (m.as_str(), "/api/reports/lost-clients?months=-1".into()),
        (m.as_str(), "/api/reports/lost-clients?months=abc".into()),
        (m.as_str(), "/api/reports/lost-clients?months=1000".into()),
    ];
    for (token, path) in cases {
        refused(
            &w,
            &before,
            Method::GET,
            &path,
            token,
            Body::None,
            &[400, 422],
            None,
        )
        .await;
    }
    // Dates name their parameter.
    let e = w
        .app
        .get("/api/orders?date=2025-13-01", &w.op)
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("date"), "{e}");
    let e = w
        .app
        .get("/api/reports/sales?from=2025-01-01&to=2025-13-01", &m)
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("to"), "{e}");
}

#[tokio::test]
async fn unknown_endpoints_and_methods_answer_with_an_error_body() {
    let w = world().await;
    let e = w.app.get("/api/nothing-here", &w.op).await.error(404);
    assert_eq!(e["code"], "not_found");
    let r = w
        .app
        .send(
            Method::DELETE,
            &format!("/api/orders/{}", w.order),
            Some(&w.op),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 405, "{}", r.text);
    assert!(
        r.body["error"]["code"].is_string(),
        "an error without an error body: {:?}",
        r.text
    );
    assert_eq!(
        w.app
            .get(&format!("/api/orders/{}", w.order), &w.op)
            .await
            .ok()["state"],
        "new"
    );
}
