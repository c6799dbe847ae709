//! One client, many orders at once (issue 22, item 9): a big company's
//! offices ordering together, or an operator and the web app at the same
//! moment. Every order of a client writes the client's figure row, so these
//! requests meet on one row; each must still be taken (201, never a 409 or a
//! 5xx), each exactly once, and the card must count them all. Then the same
//! for changes: all of them cancelled at once. Within one node they take
//! turns on the client's row (`store/client_turns.rs`) instead of meeting as
//! transaction conflicts retried after random pauses (the p99 of 8 at once
//! for one client was 2-3x that of 8 spread over clients).

use futures::future::join_all;
use rodnik_tests::*;
use serde_json::json;

/// One operator each, so that nothing but the client is shared.
const AT_ONCE: usize = 16;

#[tokio::test]
async fn concurrent_orders_for_one_client_are_all_taken_and_counted() {
    let app = spawn_app().await;
    let mut operators = vec![];
    for i in 0..AT_ONCE {
        operators.push(app.user(&format!("op{i}"), "operator", None).await.1);
    }
    let water = app.product("W19", "water", 30000, true).await;
    let (client, address) = app.client("ООО Ромашка", "legal", "+79123450000").await;

    let conflicts = || rodnik::metrics::metrics().tx_conflicts.get();
    let before = conflicts();
    let created = join_all((0..AT_ONCE).map(|i| {
        let body = json!({ "client_id": client, "address_id": address, "delivery_date": app.today(),
                           "lines": [{ "product_id": water, "qty": 1 + i % 3 }] });
        let key = format!("00000000-0000-4000-8000-{i:012}");
        let op = operators[i % operators.len()].clone();
        let app = &app;
        async move { app.post_idem("/api/orders", &op, body, &key).await }
    }))
    .await;
    let mut ids = vec![];
    for r in created {
        ids.push(id_of(&r.expect(201)));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), AT_ONCE, "every request made its own order");
    assert_eq!(
        conflicts(),
        before,
        "orders for one client met as transaction conflicts"
    );

    let card = app
        .get(&format!("/api/clients/{client}"), &operators[0])
        .await
        .ok();
    let mut open: Vec<String> = card["active_orders"]
        .as_array()
        .expect("active orders")
        .iter()
        .map(id_of)
        .collect();
    open.sort();
    assert_eq!(open, ids, "the card lists every open order once");

    let cancelled = join_all(ids.iter().enumerate().map(|(i, id)| {
        let op = operators[i % operators.len()].clone();
        let app = &app;
        async move {
            app.post(
                &format!("/api/orders/{id}/cancel"),
                &op,
                json!({ "reason": "Клиент передумал" }),
            )
            .await
        }
    }))
    .await;
    for r in cancelled {
        assert_eq!(r.expect(200)["state"], "cancelled");
    }
    assert_eq!(
        conflicts(),
        before,
        "changes for one client met as transaction conflicts"
    );
    let card = app
        .get(&format!("/api/clients/{client}"), &operators[0])
        .await
        .ok();
    assert_eq!(card["active_orders"], json!([]), "no open order is left");
}
