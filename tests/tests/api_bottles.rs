//! The bottle ledger (issue 19, item 1): every movement of a client's
//! bottles is a row written with the order change that causes it; the
//! balance is their sum and always equals the card's count, also under
//! concurrent deliveries and retried requests; managers correct and write
//! off with a reason; balances stored before the ledger open it.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    water: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9161110001").await;
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        water,
        client,
        addr,
    }
}

impl World {
    /// A dispatched stop of Kolya's today with `qty` bottles.
    async fn stop(&self, qty: u32) -> String {
        self.app
            .dispatched_stop(
                &self.op,
                (&self.client, &self.addr),
                (&self.water, qty),
                &self.kolya_id,
            )
            .await
    }

    async fn deliver(&self, id: &str, empties: u32, key: &str) -> Resp {
        self.app
            .post_idem(
                &format!("/api/orders/{id}/deliver"),
                &self.kolya,
                json!({ "cash_collected": 0, "empties_returned": empties }),
                key,
            )
            .await
    }

    async fn ledger(&self, query: &str) -> Value {
        self.app
            .get(
                &format!("/api/clients/{}/bottles{query}", self.client),
                &self.op,
            )
            .await
            .expect(200)
    }

    async fn held(&self) -> i64 {
        let card = self
            .app
            .get(&format!("/api/clients/{}", self.client), &self.op)
            .await
            .expect(200);
        card["bottles_held"]
            .as_i64()
            .unwrap_or_else(|| panic!("bottles_held in {card}"))
    }

    /// The balance, the sum of every move (all pages) and the card agree.
    async fn agree(&self) -> i64 {
        let first = self.ledger("?limit=200").await;
        let sum: i64 = first["moves"]
            .as_array()
            .expect("moves")
            .iter()
            .map(|m| m["qty"].as_i64().expect("qty"))
            .sum();
        assert!(first["next_before"].is_null(), "one page holds them all");
        let balance = first["balance"].as_i64().expect("balance");
        assert_eq!(balance, sum, "the balance is the sum of the moves");
        assert_eq!(
            balance,
            self.held().await,
            "the card shows the ledger's balance"
        );
        balance
    }
}

#[tokio::test]
async fn a_delivery_writes_its_full_and_empty_bottles_to_the_ledger() {
    let w = world().await;
    let id = w.stop(3).await;
    w.deliver(&id, 1, "deliver-1").await.expect(200);
    let l = w.ledger("").await;
    assert_eq!(l["balance"], 2);
    let moves = l["moves"].as_array().expect("moves");
    let kinds: Vec<(&str, i64)> = moves
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap_or_default(),
                m["qty"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(kinds.contains(&("delivered", 3)), "{l}");
    assert!(kinds.contains(&("returned", -1)), "{l}");
    for m in moves {
        assert_eq!(m["order_id"], id.as_str());
        assert_eq!(m["by"], w.kolya_id.as_str());
        assert_eq!(m["by_name"], "kolya name");
    }
    assert_eq!(w.agree().await, 2);
}

#[tokio::test]
async fn concurrent_deliveries_to_one_client_and_retries_keep_the_ledger_exact() {
    let w = world().await;
    let mut stops = vec![];
    for i in 0..6u32 {
        stops.push((w.stop(1 + i % 3).await, i % 2));
    }
    // Every stop delivered at once, each request sent twice with its key.
    let keys: Vec<String> = stops
        .iter()
        .map(|(id, _)| format!("deliver-{id}"))
        .collect();
    let sends = stops.iter().zip(&keys).flat_map(|((id, empties), key)| {
        [w.deliver(id, *empties, key), w.deliver(id, *empties, key)]
    });
    let answers = futures::future::join_all(sends).await;
    for a in &answers {
        assert!(
            a.status == 200 || a.status == 409,
            "a delivery or its duplicate: {} {}",
            a.status,
            a.text
        );
    }
    // And retried after the fact: the first answer, nothing counted again.
    for (id, empties) in &stops {
        w.deliver(id, *empties, &format!("deliver-{id}"))
            .await
            .expect(200);
    }
    let expected: i64 = stops.iter().map(|(_, e)| -i64::from(*e)).sum::<i64>()
        + (0..6).map(|i| i64::from(1 + i % 3)).sum::<i64>();
    assert_eq!(w.agree().await, expected);
    let l = w.ledger("?limit=200").await;
    assert_eq!(
        l["moves"]
            .as_array()
            .expect("moves")
            .iter()
            .filter(|m| m["kind"] == "delivered")
            .count(),
        6,
        "one delivered move per stop: {l}"
    );
}

#[tokio::test]
async fn managers_correct_and_write_off_with_a_reason() {
    let w = world().await;
    let id = w.stop(4).await;
    w.deliver(&id, 0, "d").await.expect(200);
    let path = format!("/api/clients/{}/bottles", w.client);
    // The count was off by one: the client has 5.
    let m = w
        .app
        .post(
            &path,
            &w.manager,
            json!({ "kind": "adjusted", "qty": 1, "reason": "пересчитали на складе клиента" }),
        )
        .await
        .expect(201);
    assert_eq!((&m["kind"], &m["qty"]), (&json!("adjusted"), &json!(1)));
    assert_eq!(m["by_name"], "masha name");
    // Two broken at the client: written off.
    let m = w
        .app
        .post(
            &path,
            &w.manager,
            json!({ "kind": "written_off", "qty": 2, "reason": "разбиты" }),
        )
        .await
        .expect(201);
    assert_eq!(m["qty"], -2);
    assert_eq!(w.agree().await, 3);

    // What is refused changes nothing.
    for (body, field) in [
        (
            json!({ "kind": "adjusted", "qty": 1, "reason": "  " }),
            "reason",
        ),
        (
            json!({ "kind": "adjusted", "qty": 0, "reason": "x" }),
            "qty",
        ),
        // The fuzzer's find: the most negative number is refused, not a panic.
        (
            json!({ "kind": "adjusted", "qty": i64::MIN, "reason": "x" }),
            "qty",
        ),
        (
            json!({ "kind": "adjusted", "qty": 10_001, "reason": "x" }),
            "qty",
        ),
        (
            json!({ "kind": "written_off", "qty": -1, "reason": "x" }),
            "qty",
        ),
        (
            json!({ "kind": "delivered", "qty": 1, "reason": "x" }),
            "kind",
        ),
    ] {
        let e = w.app.post(&path, &w.manager, body).await.error(422);
        assert_eq!(e["field"], field, "{e}");
    }
    w.app
        .post(
            &path,
            &w.op,
            json!({ "kind": "adjusted", "qty": 5, "reason": "x" }),
        )
        .await
        .error(403);
    w.app
        .post(
            "/api/clients/nope/bottles",
            &w.manager,
            json!({ "kind": "adjusted", "qty": 1, "reason": "x" }),
        )
        .await
        .error(404);
    assert_eq!(w.agree().await, 3);

    // Pages, newest first: the write-off, the correction, then the delivery.
    let p1 = w.ledger("?limit=2").await;
    let kinds: Vec<&str> = p1["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .filter_map(|m| m["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["written_off", "adjusted"]);
    let before = p1["next_before"].as_str().expect("more").to_string();
    let p2 = w.ledger(&format!("?limit=2&before={}", enc(&before))).await;
    assert_eq!(p2["moves"][0]["kind"], "delivered", "{p2}");
    w.app
        .get(&format!("/api/clients/{}/bottles?limit=0", w.client), &w.op)
        .await
        .error(422);
    w.app
        .get(
            &format!("/api/clients/{}/bottles?before=yesterday", w.client),
            &w.op,
        )
        .await
        .error(422);
}

#[tokio::test]
async fn balances_stored_before_the_ledger_open_it_on_upgrade() {
    let w = world().await;
    let id = w.stop(2).await;
    w.deliver(&id, 0, "d").await.expect(200);
    // As a schema-7 database: balances without moves.
    w.app
        .state
        .store
        .run(
            "DELETE bottle_moves; UPDATE clients SET bottles_held = 7; UPSERT meta:schema SET version = 7",
            json!(null),
        )
        .await
        .expect("set back to schema 7");
    w.app.state.store.migrate().await.expect("the upgrade");
    let l = w.ledger("").await;
    assert_eq!(l["moves"].as_array().map(Vec::len), Some(1), "{l}");
    assert_eq!(
        (&l["moves"][0]["kind"], &l["moves"][0]["qty"]),
        (&json!("opening"), &json!(7))
    );
    assert_eq!(w.agree().await, 7);
    // Once only.
    w.app.state.store.migrate().await.expect("again");
    assert_eq!(w.agree().await, 7);
}
