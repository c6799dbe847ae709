//! Wallboard links: managers make read-only keys for a big screen; a key
//! reads today's orders (without contact details) and a live socket of order
//! changes, nothing else; revoking it ends both.

use std::time::Duration;

use futures::StreamExt;
use rodnik_tests::*;
use serde_json::json;

async fn wallboard_live(app: &App, key: &str) -> Live {
    let url = format!(
        "{}/api/live?wallboard={}",
        app.url("")
            .replace("http://", "ws://")
            .trim_end_matches('/'),
        enc(key)
    );
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("wallboard websocket");
    Live { ws }
}

#[tokio::test]
async fn a_wallboard_key_reads_today_without_contacts_and_nothing_more() {
    let mut cfg = rodnik::config::Config::for_tests();
    cfg.live_ping = Duration::from_millis(200);
    let app = spawn_with(cfg).await;
    let (_, manager) = app.user("pavel", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": "Ivan Petrov", "phones": ["+79161234567"],
                    "addresses": [{ "text": "Lenina 1", "contact_name": "Masha",
                                    "contact_phone": "+79160000001" }] }),
        )
        .await
        .expect(201);
    let order = app
        .order(
            &op,
            json!({ "client_id": id_of(&c), "address_id": c["addresses"][0]["id"],
                    "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.today(),
                    "courier_id": kolya_id, "note": "door code 1234" }),
        )
        .await;

    // Only managers make links; the key is shown once.
    let e = app
        .post("/api/wallboards", &op, json!({ "name": "Office TV" }))
        .await
        .error(403);
    assert_eq!(e["code"], "forbidden");
    app.post("/api/wallboards", &manager, json!({ "name": "  " }))
        .await
        .error(422);
    let made = app
        .post("/api/wallboards", &manager, json!({ "name": "Office TV" }))
        .await
        .expect(201);
    let key = made["key"].as_str().expect("key").to_string();
    assert!(key.len() >= 32);
    assert_eq!(made["path"], format!("/wallboard?key={key}"));
    let list = app.get("/api/wallboards", &manager).await.expect(200);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert!(list[0].get("key").is_none(), "the key is not listed");
    assert!(!list.to_string().contains(&key));

    // The snapshot: by key, or for a manager; not for others.
    let snap = app
        .http
        .get(app.url(&format!("/api/wallboard?key={}", enc(&key))))
        .send()
        .await
        .expect("snapshot");
    assert_eq!(snap.status(), 200);
    let snap: serde_json::Value = snap.json().await.expect("json");
    assert_eq!(snap["date"], app.today().as_str());
    assert_eq!(snap["tz"], "Europe/Moscow");
    assert_eq!(
        snap["couriers"],
        json!([{ "id": kolya_id, "name": "kolya name" }])
    );
    assert_eq!(snap["orders"].as_array().map(Vec::len), Some(1));
    let o = &snap["orders"][0];
    assert_eq!(o["id"], order["id"]);
    assert_eq!(o["client_name"], "Ivan Petrov");
    assert!(
        o["address"]["contact_phone"].is_null(),
        "no contact phone: {o}"
    );
    assert!(o["address"]["contact_name"].is_null());
    assert!(o["note"].is_null(), "no note: {o}");
    app.get("/api/wallboard", &manager).await.expect(200);
    app.get("/api/wallboard", &op).await.error(403);
    let bad = app
        .http
        .get(app.url("/api/wallboard?key=not-a-key"))
        .send()
        .await
        .expect("snapshot");
    assert_eq!(bad.status(), 401);
    // The key is no bearer token for anything else.
    app.get("/api/orders", &key).await.error(401);
    app.get("/api/me", &key).await.error(401);

    // Live: order changes without contacts; no calls.
    let mut live = wallboard_live(&app, &key).await;
    app.post(
        &format!("/api/orders/{}/dispatch", id_of(&order)),
        &op,
        json!({}),
    )
    .await
    .expect(200);
    let m = live.expect_type("order.updated").await;
    assert_eq!(m["data"]["state"], "delivery");
    assert!(m["data"]["address"]["contact_phone"].is_null());
    assert!(m["data"]["note"].is_null());
    app.call_event(
        json!({ "event": "ringing", "call_id": "pbx-1", "from": "+79161234567",
                           "to": "+74950000000" }),
    )
    .await;
    let rest = live.drain(Duration::from_millis(600)).await;
    assert!(
        rest.iter()
            .all(|m| !m["type"].as_str().unwrap_or("").starts_with("call.")),
        "a wallboard gets no calls: {rest:?}"
    );

    // Revoked: the snapshot refuses the key and the socket closes.
    let id = made["id"].as_str().expect("id");
    app.post(&format!("/api/wallboards/{id}/revoke"), &op, json!({}))
        .await
        .error(403);
    let revoked = app
        .post(&format!("/api/wallboards/{id}/revoke"), &manager, json!({}))
        .await
        .expect(200);
    assert!(revoked["revoked_at"].is_string());
    let after = app
        .http
        .get(app.url(&format!("/api/wallboard?key={}", enc(&key))))
        .send()
        .await
        .expect("snapshot");
    assert_eq!(after.status(), 401);
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match live.ws.next().await {
                None | Some(Err(_)) => break,
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the wallboard socket stayed open after revoking"
    );
    let refused = tokio_tungstenite::connect_async(format!(
        "{}/api/live?wallboard={}",
        app.url("")
            .replace("http://", "ws://")
            .trim_end_matches('/'),
        enc(&key)
    ))
    .await;
    assert!(refused.is_err(), "a revoked key opens no socket");
}

/// The live channel of a wallboard carries today's orders only, as its
/// snapshot does; an order moved off today gets one last update so the board
/// drops it, and then nothing more.
#[tokio::test]
async fn a_wallboard_hears_only_of_todays_orders() {
    let app = spawn_app().await;
    let (_, manager) = app.user("pavel", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    let link = app
        .post("/api/wallboards", &manager, json!({ "name": "TV" }))
        .await
        .expect(201);
    let mut live = wallboard_live(&app, link["key"].as_str().expect("key")).await;
    live.drain(Duration::from_millis(300)).await;
    let order = |date: String, note: &str| {
        json!({ "client_id": client, "address_id": addr, "delivery_date": date, "note": note,
                "lines": [{ "product_id": water, "qty": 1 }] })
    };
    let tomorrow = app.day(1);
    let later = app.order(&op, order(tomorrow.clone(), "tomorrow")).await;
    let now = app.order(&op, order(app.today(), "today")).await;
    let created = live.expect_type("order.created").await;
    assert_eq!(
        created["data"]["id"], now["id"],
        "only today's order: {created}"
    );
    // Tomorrow's order changes: not a word.
    app.patch(
        &format!("/api/orders/{}", id_of(&later)),
        &op,
        json!({ "note": "x" }),
    )
    .await
    .ok();
    // Today's order moves to tomorrow: one last update, then silence.
    app.patch(
        &format!("/api/orders/{}", id_of(&now)),
        &op,
        json!({ "delivery_date": tomorrow }),
    )
    .await
    .ok();
    let moved = live.expect_type("order.updated").await;
    assert_eq!(moved["data"]["id"], now["id"]);
    assert_eq!(moved["data"]["delivery_date"], tomorrow.as_str());
    app.patch(
        &format!("/api/orders/{}", id_of(&now)),
        &op,
        json!({ "note": "y" }),
    )
    .await
    .ok();
    let rest = live.drain(Duration::from_millis(500)).await;
    assert!(
        rest.iter()
            .all(|m| m["type"] == "ping" || m["type"] == "resync"),
        "other days' orders reached the wallboard: {rest:?}"
    );
}
