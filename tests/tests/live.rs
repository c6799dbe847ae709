//! The live channel over a real WebSocket: who is let in, what each role is
//! told, and that couriers hear when a stop leaves their route.

use std::time::Duration;

use rodnik_tests::*;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite;

/// Long enough for a message that is coming to arrive; used only to check
/// that nothing else is coming.
const QUIET: Duration = Duration::from_millis(600);

struct World {
    app: App,
    op: String,
    k1_id: String,
    k1: String,
    k2_id: String,
    k2: String,
    water: String,
    client_id: String,
    address_id: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", Some("101")).await;
    let (k1_id, k1) = app.user("kolya", "courier", None).await;
    let (k2_id, k2) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client_id, address_id) = app
        .client("Иван Петров", "individual", "+7 912 345-67-89")
        .await;
    World {
        app,
        op,
        k1_id,
        k1,
        k2_id,
        k2,
        water,
        client_id,
        address_id,
    }
}

impl World {
    async fn order(&self, courier_id: Option<&str>) -> String {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": self.client_id, "address_id": self.address_id,
                        "lines": [{ "product_id": self.water, "qty": 1 }],
                        "delivery_date": self.app.today(), "courier_id": courier_id }),
            )
            .await;
        o["id"].as_str().expect("id").to_string()
    }

    async fn dispatched(&self, courier_id: &str) -> String {
        let id = self.order(Some(courier_id)).await;
        self.app
            .post(&format!("/api/orders/{id}/dispatch"), &self.op, json!({}))
            .await
            .ok();
        id
    }
}

#[track_caller]
fn assert_type(m: &Value, kind: &str) {
    assert_eq!(m["type"], kind, "unexpected message: {m}");
}

async fn next(live: &mut Live) -> Value {
    live.next_within(Duration::from_secs(5))
        .await
        .expect("a live message within 5 s")
}

async fn rejected(app: &App, query: &str) -> u16 {
    let url = format!("{}/api/live{query}", app.base.replace("http://", "ws://"));
    match tokio_tungstenite::connect_async(url).await {
        Ok(_) => panic!("the socket was upgraded for '{query}'"),
        Err(tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("unexpected websocket error: {e}"),
    }
}

#[tokio::test]
async fn live_without_or_with_a_bad_token_is_refused_before_upgrade() {
    let app = spawn_app().await;
    assert_eq!(rejected(&app, "").await, 401);
    assert_eq!(rejected(&app, "?token=").await, 401);
    assert_eq!(rejected(&app, "?token=not-a-session").await, 401);

    // A logged-out token stops working on the live channel too.
    let (_, op) = app.user("olga", "operator", None).await;
    app.send(
        reqwest::Method::POST,
        "/api/auth/logout",
        Some(&op),
        None,
        None,
    )
    .await
    .expect(204);
    assert_eq!(rejected(&app, &format!("?token={op}")).await, 401);

    // A plain request with upgrade headers gets the API error body, not 101.
    let r = app
        .http
        .get(app.url("/api/live?token=nope"))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.expect("error body");
    assert!(body["error"]["code"].is_string(), "{body}");
}

#[tokio::test]
async fn operator_hears_order_created_then_updated_with_consecutive_seq() {
    let w = world().await;
    let mut live = w.app.live(&w.op).await;
    let id = w.order(Some(&w.k1_id)).await;
    let created = next(&mut live).await;
    assert_type(&created, "order.created");
    assert_eq!(created["data"]["id"], id.as_str());
    assert_eq!(created["data"]["state"], "new");
    assert_eq!(created["data"]["version"], 1);
    assert_eq!(created["data"]["total"], 25000);
    assert_eq!(created["data"]["client_id"], w.client_id.as_str());
    assert_eq!(created["data"]["lines"][0]["product_id"], w.water.as_str());

    w.app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "note": "call before" }),
        )
        .await
        .ok();
    w.app
        .post(&format!("/api/orders/{id}/dispatch"), &w.op, json!({}))
        .await
        .ok();
    let edited = next(&mut live).await;
    assert_type(&edited, "order.updated");
    assert_eq!(edited["data"]["version"], 2);
    assert_eq!(edited["data"]["note"], "call before");
    let dispatched = next(&mut live).await;
    assert_type(&dispatched, "order.updated");
    assert_eq!(dispatched["data"]["version"], 3);
    assert_eq!(dispatched["data"]["state"], "delivery");
    // The whole order, as GET returns it.
    let fetched = w.app.get(&format!("/api/orders/{id}"), &w.op).await.ok();
    for field in [
        "id",
        "number",
        "state",
        "version",
        "client_id",
        "client_name",
        "address",
        "lines",
        "total",
        "delivery_date",
        "courier_id",
        "courier_name",
        "created_by",
        "created_at",
        "attempts",
    ] {
        assert_eq!(
            dispatched["data"][field], fetched[field],
            "field '{field}' differs"
        );
    }

    let seqs: Vec<u64> = [&created, &edited, &dispatched]
        .iter()
        .map(|m| m["seq"].as_u64().expect("seq"))
        .collect();
    assert_eq!(seqs[1], seqs[0] + 1);
    assert_eq!(seqs[2], seqs[1] + 1);
    assert!(live.drain(QUIET).await.is_empty());
}

#[tokio::test]
async fn every_socket_counts_its_own_seq_from_one() {
    let w = world().await;
    let mut a = w.app.live(&w.op).await;
    let id = w.order(None).await;
    assert_eq!(next(&mut a).await["seq"], 1);
    let mut b = w.app.live(&w.op).await;
    w.app
        .patch(&format!("/api/orders/{id}"), &w.op, json!({ "note": "x" }))
        .await
        .ok();
    assert_eq!(next(&mut a).await["seq"], 2);
    assert_eq!(next(&mut b).await["seq"], 1);
}

#[tokio::test]
async fn courier_hears_only_their_own_orders_once_dispatched() {
    let w = world().await;
    let mut k1 = w.app.live(&w.k1).await;
    let mut k2 = w.app.live(&w.k2).await;
    let mut op = w.app.live(&w.op).await;

    // Assigned but not dispatched: not on the route yet, nothing to tell.
    let mine = w.order(Some(&w.k1_id)).await;
    w.app
        .patch(
            &format!("/api/orders/{mine}"),
            &w.op,
            json!({ "note": "gate code 12" }),
        )
        .await
        .ok();
    // Another courier's order, dispatched to them.
    let theirs = w.dispatched(&w.k2_id).await;
    w.app
        .post(&format!("/api/orders/{mine}/dispatch"), &w.op, json!({}))
        .await
        .ok();

    let m = next(&mut k1).await;
    assert_type(&m, "order.updated");
    assert_eq!(m["data"]["id"], mine.as_str());
    assert_eq!(m["data"]["state"], "delivery");
    assert_eq!(m["data"]["note"], "gate code 12");
    assert_eq!(m["seq"], 1);

    let m = next(&mut k2).await;
    assert_type(&m, "order.updated");
    assert_eq!(m["data"]["id"], theirs.as_str());
    assert_eq!(m["seq"], 1);

    // A call rings for everyone: operators hear it, couriers never do.
    assert_eq!(
        w.app
            .call_event(json!({ "event": "ringing", "call_id": "pbx-1", "from": "+79123456789", "to": "+74950000000" }))
            .await,
        204
    );
    op.expect_type("call.ringing").await;

    // The courier delivers: they hear their own stop closing.
    w.app
        .post(
            &format!("/api/orders/{mine}/deliver"),
            &w.k1,
            json!({ "cash_collected": 25000 }),
        )
        .await
        .ok();
    let m = next(&mut k1).await;
    assert_type(&m, "order.updated");
    assert_eq!(m["data"]["id"], mine.as_str());
    assert_eq!(m["data"]["state"], "delivered");
    assert_eq!(m["seq"], 2);

    let extra: Vec<Value> = k1
        .drain(QUIET)
        .await
        .into_iter()
        .chain(k2.drain(QUIET).await)
        .collect();
    assert!(
        extra.is_empty(),
        "a courier was told something not theirs: {extra:?}"
    );
}

#[tokio::test]
async fn reassigning_a_dispatched_order_revokes_it_from_the_first_courier() {
    let w = world().await;
    let mut k1 = w.app.live(&w.k1).await;
    let mut k2 = w.app.live(&w.k2).await;
    let id = w.dispatched(&w.k1_id).await;
    assert_eq!(next(&mut k1).await["data"]["id"], id.as_str());

    let o = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "courier_id": w.k2_id }),
        )
        .await
        .ok();
    assert_eq!(o["state"], "delivery");
    assert_eq!(o["courier_id"], w.k2_id.as_str());

    let m = next(&mut k1).await;
    assert_type(&m, "order.revoked");
    assert_eq!(m["data"], json!({ "id": id }), "a revoke tells only the id");
    assert_eq!(m["seq"], 2);

    let m = next(&mut k2).await;
    assert_type(&m, "order.updated");
    assert_eq!(m["data"]["id"], id.as_str());
    assert_eq!(m["data"]["courier_id"], w.k2_id.as_str());
    assert_eq!(m["seq"], 1);

    // From now on the first courier hears nothing more of it.
    w.app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "note": "second floor" }),
        )
        .await
        .ok();
    assert_eq!(next(&mut k2).await["data"]["note"], "second floor");
    assert!(k1.drain(QUIET).await.is_empty());
}

#[tokio::test]
async fn recall_fail_and_cancel_of_a_dispatched_stop_revoke_it() {
    let w = world().await;
    let mut k1 = w.app.live(&w.k1).await;
    let recalled = w.dispatched(&w.k1_id).await;
    let failed = w.dispatched(&w.k1_id).await;
    let cancelled = w.dispatched(&w.k1_id).await;
    for id in [&recalled, &failed, &cancelled] {
        let m = next(&mut k1).await;
        assert_type(&m, "order.updated");
        assert_eq!(m["data"]["id"], id.as_str());
    }

    let o = w
        .app
        .post(&format!("/api/orders/{recalled}/recall"), &w.op, json!({}))
        .await
        .ok();
    assert_eq!(o["state"], "new");
    let m = next(&mut k1).await;
    assert_type(&m, "order.revoked");
    assert_eq!(m["data"]["id"], recalled.as_str());

    // A failed attempt reported by the courier themselves still leaves the route.
    let o = w
        .app
        .post(
            &format!("/api/orders/{failed}/fail"),
            &w.k1,
            json!({ "reason": "nobody home" }),
        )
        .await
        .ok();
    assert_eq!(o["state"], "new");
    let m = next(&mut k1).await;
    assert_type(&m, "order.revoked");
    assert_eq!(m["data"]["id"], failed.as_str());

    let o = w
        .app
        .post(
            &format!("/api/orders/{cancelled}/cancel"),
            &w.op,
            json!({ "reason": "client called off" }),
        )
        .await
        .ok();
    assert_eq!(o["state"], "cancelled");
    let m = next(&mut k1).await;
    assert_type(&m, "order.revoked");
    assert_eq!(m["data"], json!({ "id": cancelled }));

    // Changes to orders no longer on the route are not the courier's business,
    // even though the order still names them.
    w.app
        .patch(
            &format!("/api/orders/{recalled}"),
            &w.op,
            json!({ "note": "tomorrow" }),
        )
        .await
        .ok();
    assert!(k1.drain(QUIET).await.is_empty());
}

#[tokio::test]
async fn a_courier_connected_after_dispatch_still_hears_the_revoke() {
    let w = world().await;
    let moved = w.dispatched(&w.k1_id).await;
    let recalled = w.dispatched(&w.k1_id).await;
    // Let the dispatch notifications pass before the courier connects.
    let mut op = w.app.live(&w.op).await;
    w.app
        .patch(
            &format!("/api/orders/{recalled}"),
            &w.op,
            json!({ "note": "marker" }),
        )
        .await
        .ok();
    assert_eq!(
        op.expect_type("order.updated").await["data"]["note"],
        "marker"
    );

    let mut k1 = w.app.live(&w.k1).await;
    let mut k2 = w.app.live(&w.k2).await;
    w.app
        .patch(
            &format!("/api/orders/{moved}"),
            &w.op,
            json!({ "courier_id": w.k2_id }),
        )
        .await
        .ok();
    let m = next(&mut k1).await;
    assert_type(&m, "order.revoked");
    assert_eq!(m["data"]["id"], moved.as_str());
    assert_eq!(m["seq"], 1);
    assert_eq!(next(&mut k2).await["data"]["id"], moved.as_str());

    w.app
        .post(&format!("/api/orders/{recalled}/recall"), &w.op, json!({}))
        .await
        .ok();
    let m = next(&mut k1).await;
    assert_type(&m, "order.revoked");
    assert_eq!(m["data"]["id"], recalled.as_str());
    assert_eq!(m["seq"], 2);
    assert!(k2.drain(QUIET).await.is_empty());
}

#[tokio::test]
async fn logging_out_closes_an_open_live_socket() {
    let mut cfg = rodnik::config::Config::for_tests();
    cfg.live_ping = Duration::from_millis(200);
    let app = rodnik_tests::spawn_with(cfg).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut live = app.live(&op).await;
    app.post("/api/auth/logout", &op, serde_json::json!({}))
        .await
        .expect(204);
    // The server closes the socket: the stream ends instead of staying open.
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        use futures::StreamExt;
        loop {
            match live.ws.next().await {
                None | Some(Err(_)) => break,
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket stayed open after logout");
}
