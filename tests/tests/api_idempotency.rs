//! `Idempotency-Key`: a retry with the same key and body returns the first
//! answer and changes nothing; the same key with another body is 409.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    courier_id: String,
    courier: String,
    water: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (courier_id, courier) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    World {
        app,
        op,
        courier_id,
        courier,
        water,
        client,
        addr,
    }
}

impl World {
    fn body(&self, qty: i64) -> Value {
        json!({ "client_id": self.client, "address_id": self.addr, "lines": [{ "product_id": self.water, "qty": qty }],
                "delivery_date": self.app.today(), "courier_id": self.courier_id })
    }

    async fn orders(&self) -> usize {
        self.app.count("/api/orders", &self.op).await
    }

    async fn dispatched(&self) -> String {
        let id = id_of(&self.app.order(&self.op, self.body(3)).await);
        self.app
            .post(&format!("/api/orders/{id}/dispatch"), &self.op, json!({}))
            .await
            .expect(200);
        id
    }

    async fn bottles(&self) -> i64 {
        self.app
            .get(&format!("/api/clients/{}", self.client), &self.op)
            .await
            .ok()["bottles_held"]
            .as_i64()
            .unwrap()
    }
}

#[tokio::test]
async fn retrying_an_order_with_the_same_key_and_body_creates_one_order() {
    let w = world().await;
    let first = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-1")
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let retry = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-1")
        .await;
    assert_eq!(retry.status, 201, "{}", retry.text);
    assert_eq!(retry.body, first.body, "the retry returns the first answer");
    // The answer is stored in the order's own transaction: byte for byte what was sent.
    assert_eq!(retry.text, first.text);
    assert_eq!(
        retry
            .headers
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert!(first.headers.get("idempotent-replayed").is_none());
    assert_eq!(w.orders().await, 1);
    let third = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-1")
        .await
        .expect(201);
    assert_eq!(third["id"], first.body["id"]);
    assert_eq!(third["number"], first.body["number"]);
    assert_eq!(w.orders().await, 1);
    // Another key is another order.
    let other = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-2")
        .await
        .expect(201);
    assert_ne!(other["id"], first.body["id"]);
    assert_eq!(w.orders().await, 2);
}

/// The order form's handler reads its key with the client, products and
/// courier (one round trip): a retry gets the first answer even when the
/// request would now be refused (its courier deactivated meanwhile), and the
/// same key with another body is 409 before the body is judged.
#[tokio::test]
async fn a_retried_order_is_answered_before_its_inputs_are_judged_again() {
    let w = world().await;
    let first = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-k")
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    w.app
        .patch(
            &format!("/api/users/{}", w.courier_id),
            &w.app.admin,
            json!({ "active": false }),
        )
        .await
        .ok();
    let fresh = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-new")
        .await
        .error(422);
    assert_eq!(fresh["field"], "courier_id", "{fresh}");
    let retry = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-k")
        .await;
    assert_eq!(retry.status, 201, "{}", retry.text);
    assert_eq!(retry.text, first.text);
    let mut other = w.body(2);
    other["lines"] = json!([{ "product_id": "no-such-product", "qty": 1 }]);
    let e = w
        .app
        .post_idem("/api/orders", &w.op, other, "order-k")
        .await
        .error(409);
    assert_eq!(e["code"], "idempotency_key_reused");
    assert_eq!(w.orders().await, 1);
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_409_and_creates_nothing() {
    let w = world().await;
    let first = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "order-1")
        .await
        .expect(201);
    let e = w
        .app
        .post_idem("/api/orders", &w.op, w.body(3), "order-1")
        .await
        .error(409);
    assert_eq!(e["code"], "idempotency_key_reused");
    assert_eq!(w.orders().await, 1);
    let only = w.app.get("/api/orders", &w.op).await.ok();
    assert_eq!(only[0]["id"], first["id"]);
    assert_eq!(only[0]["lines"][0]["qty"], 2);
}

#[tokio::test]
async fn without_a_key_every_post_creates_an_order() {
    let w = world().await;
    w.app.order(&w.op, w.body(2)).await;
    w.app.order(&w.op, w.body(2)).await;
    assert_eq!(w.orders().await, 2);
}

#[tokio::test]
async fn keys_of_different_users_do_not_collide() {
    let w = world().await;
    let (_, op2) = w.app.user("oleg", "operator", None).await;
    let a = w
        .app
        .post_idem("/api/orders", &w.op, w.body(2), "same-key")
        .await
        .expect(201);
    let b = w
        .app
        .post_idem("/api/orders", &op2, w.body(2), "same-key")
        .await
        .expect(201);
    assert_ne!(a["id"], b["id"]);
    assert_ne!(a["created_by"], b["created_by"]);
    assert_eq!(w.orders().await, 2);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_create_one_order() {
    let w = world().await;
    let body = w.body(2);
    let (a, b, c) = tokio::join!(
        w.app.post_idem("/api/orders", &w.op, body.clone(), "burst"),
        w.app.post_idem("/api/orders", &w.op, body.clone(), "burst"),
        w.app.post_idem("/api/orders", &w.op, body.clone(), "burst"),
    );
    assert_eq!(w.orders().await, 1);
    let id = w.app.get("/api/orders", &w.op).await.ok()[0]["id"].clone();
    // An order's key is written in the order's own transaction: the
    // requests that lose the race fail on the key and answer with the
    // winner's order (no "in progress" state to run into).
    for r in [&a, &b, &c] {
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["id"], id);
    }
    // Once the first finished, a retry gets its answer.
    let again = w
        .app
        .post_idem("/api/orders", &w.op, body, "burst")
        .await
        .expect(201);
    assert_eq!(again["id"], id);
}

#[tokio::test]
async fn a_retried_deliver_returns_the_same_answer_and_counts_bottles_once() {
    let w = world().await;
    let id = w.dispatched().await;
    let body = json!({ "cash_collected": 75000, "empties_returned": 1 });
    let path = format!("/api/orders/{id}/deliver");
    let first = w
        .app
        .post_idem(&path, &w.courier, body.clone(), "deliver-1")
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["state"], "delivered");
    assert_eq!(w.bottles().await, 2);
    for _ in 0..3 {
        let retry = w
            .app
            .post_idem(&path, &w.courier, body.clone(), "deliver-1")
            .await;
        assert_eq!(retry.status, 200, "{}", retry.text);
        assert_eq!(retry.body, first.body);
    }
    assert_eq!(w.bottles().await, 2, "bottles counted once");
    let o = w.app.get(&format!("/api/orders/{id}"), &w.op).await.ok();
    assert_eq!(o["version"], 3);
    assert_eq!(o, first.body);
}

#[tokio::test]
async fn a_second_deliver_without_a_key_is_409() {
    let w = world().await;
    let id = w.dispatched().await;
    let path = format!("/api/orders/{id}/deliver");
    let body = json!({ "empties_returned": 0 });
    w.app
        .post(&path, &w.courier, body.clone())
        .await
        .expect(200);
    let e = w.app.post(&path, &w.courier, body).await.error(409);
    assert_eq!(e["code"], "invalid_transition");
    assert_eq!(w.bottles().await, 3);
    assert_eq!(
        w.app.get(&format!("/api/orders/{id}"), &w.op).await.ok()["version"],
        3
    );
}

#[tokio::test]
async fn a_second_deliver_with_a_new_key_is_409() {
    let w = world().await;
    let id = w.dispatched().await;
    let path = format!("/api/orders/{id}/deliver");
    w.app
        .post_idem(&path, &w.courier, json!({}), "a")
        .await
        .expect(200);
    w.app
        .post_idem(&path, &w.courier, json!({}), "b")
        .await
        .error(409);
    assert_eq!(w.bottles().await, 3);
}

#[tokio::test]
async fn a_retried_fail_records_one_attempt() {
    let w = world().await;
    let id = w.dispatched().await;
    let path = format!("/api/orders/{id}/fail");
    let body = json!({ "reason": "nobody home" });
    let first = w
        .app
        .post_idem(&path, &w.courier, body.clone(), "fail-1")
        .await
        .expect(200);
    let retry = w
        .app
        .post_idem(&path, &w.courier, body, "fail-1")
        .await
        .expect(200);
    assert_eq!(retry, first);
    let o = w.app.get(&format!("/api/orders/{id}"), &w.op).await.ok();
    assert_eq!(o["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(o["version"], 3);
}

#[tokio::test]
async fn a_late_retry_returns_the_first_answer_and_changes_nothing() {
    let w = world().await;
    let id = id_of(&w.app.order(&w.op, w.body(1)).await);
    let path = format!("/api/orders/{id}/dispatch");
    let first = w
        .app
        .post_idem(&path, &w.op, json!({}), "dispatch-1")
        .await
        .expect(200);
    assert_eq!(first["state"], "delivery");
    // Meanwhile the stop failed and went back to dispatch.
    w.app
        .post(
            &format!("/api/orders/{id}/fail"),
            &w.courier,
            json!({ "reason": "closed" }),
        )
        .await
        .expect(200);
    let retry = w
        .app
        .post_idem(&path, &w.op, json!({}), "dispatch-1")
        .await
        .expect(200);
    assert_eq!(retry, first);
    let now = w.app.get(&format!("/api/orders/{id}"), &w.op).await.ok();
    assert_eq!(now["state"], "new");
    assert_eq!(now["version"], 3);
}

#[tokio::test]
async fn a_retried_cancel_returns_the_same_answer() {
    let w = world().await;
    let id = id_of(&w.app.order(&w.op, w.body(1)).await);
    let path = format!("/api/orders/{id}/cancel");
    let body = json!({ "reason": "changed mind" });
    let first = w
        .app
        .post_idem(&path, &w.op, body.clone(), "cancel-1")
        .await
        .expect(200);
    let retry = w
        .app
        .post_idem(&path, &w.op, body, "cancel-1")
        .await
        .expect(200);
    assert_eq!(retry, first);
    assert_eq!(
        w.app.get(&format!("/api/orders/{id}"), &w.op).await.ok()["version"],
        2
    );
}

#[tokio::test]
async fn a_retried_client_creation_creates_one_client() {
    let w = world().await;
    let body = json!({ "kind": "legal", "name": "ООО Ромашка", "phones": ["9031112233"], "addresses": [{ "text": "Мира 5" }] });
    let a = w
        .app
        .post_idem("/api/clients", &w.op, body.clone(), "client-1")
        .await
        .expect(201);
    let b = w
        .app
        .post_idem("/api/clients", &w.op, body.clone(), "client-1")
        .await
        .expect(201);
    assert_eq!(a, b);
    let look = w
        .app
        .get("/api/clients/lookup?phone=9031112233", &w.op)
        .await
        .ok();
    assert_eq!(look["matches"].as_array().unwrap().len(), 1);
    let mut changed = body;
    changed["name"] = json!("ООО Лютик");
    w.app
        .post_idem("/api/clients", &w.op, changed, "client-1")
        .await
        .error(409);
    let look = w
        .app
        .get("/api/clients/lookup?phone=9031112233", &w.op)
        .await
        .ok();
    assert_eq!(look["matches"].as_array().unwrap().len(), 1);
    assert_eq!(look["matches"][0]["name"], "ООО Ромашка");
}

#[tokio::test]
async fn a_refused_request_retried_with_its_key_is_still_refused_and_writes_nothing() {
    let w = world().await;
    let mut bad = w.body(1);
    bad["lines"][0]["qty"] = json!(0);
    for _ in 0..2 {
        let e = w
            .app
            .post_idem("/api/orders", &w.op, bad.clone(), "bad-1")
            .await
            .error(422);
        assert!(
            e["message"].as_str().unwrap().contains("lines[0].qty"),
            "{e}"
        );
    }
    assert_eq!(w.orders().await, 0);
}
