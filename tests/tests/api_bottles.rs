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
                // These stops' empties are the test's choice, whatever the
                // client holds: the reason a shortfall needs is given.
                json!({ "cash_collected": 0, "empties_returned": empties,
                        "empties_note": "вернёт в следующий раз" }),
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

impl World {
    async fn bottle_rules(&self, price: i64, free_individual: u32, free_legal: u32) {
        self.app
            .put(
                "/api/settings/bottles",
                &self.manager,
                json!({ "deposit_price": price, "free_individual": free_individual,
                        "free_legal": free_legal }),
            )
            .await
            .expect(200);
    }

    /// An order of `qty` bottles for the world's client, with more fields.
    async fn order_with(&self, qty: u32, more: Value) -> Resp {
        let mut body = json!({ "client_id": self.client, "address_id": self.addr,
                               "lines": [{ "product_id": self.water, "qty": qty }],
                               "delivery_date": self.app.today(), "courier_id": self.kolya_id });
        if let (Some(b), Some(m)) = (body.as_object_mut(), more.as_object()) {
            b.extend(m.clone());
        }
        self.app.post("/api/orders", &self.op, body).await
    }

    /// The card's deposit figures: bottles covered and money held.
    async fn card_deposit(&self) -> (i64, i64) {
        let card = self
            .app
            .get(&format!("/api/clients/{}", self.client), &self.op)
            .await
            .expect(200);
        let n = |k: &str| card[k].as_i64().unwrap_or_else(|| panic!("{k} in {card}"));
        (n("deposit_bottles"), n("deposit_held"))
    }

    async fn dispatch(&self, id: &str) {
        self.app
            .post(&format!("/api/orders/{id}/dispatch"), &self.op, json!({}))
            .await
            .expect(200);
    }

    async fn close(&self, id: &str, body: Value) -> Resp {
        self.app
            .post(&format!("/api/orders/{id}/deliver"), &self.kolya, body)
            .await
    }
}

#[tokio::test]
async fn deposits_follow_the_company_rule_and_come_back_with_the_bottles() {
    let w = world().await;
    w.bottle_rules(30_000, 0, 2).await;
    // A new individual: a deposit for both bottles, paid with the water.
    let o = w.order_with(2, json!({})).await.expect(201);
    assert_eq!(
        o["deposit"],
        json!({ "bottles": 2, "price": 30_000, "amount": 60_000, "rule": 2 }),
        "{o}"
    );
    let first = id_of(&o);
    // The operator may take none, but says why.
    let e = w
        .order_with(2, json!({ "deposit_bottles": 0 }))
        .await
        .error(422);
    assert_eq!(e["field"], "deposit_reason", "{e}");
    let o = w
        .order_with(
            2,
            json!({ "deposit_bottles": 0, "deposit_reason": "свои бутыли" }),
        )
        .await
        .expect(201);
    assert_eq!(
        (
            &o["deposit"]["bottles"],
            &o["deposit"]["rule"],
            &o["deposit"]["reason"]
        ),
        (&json!(0), &json!(2), &json!("свои бутыли"))
    );
    w.app
        .post(
            &format!("/api/orders/{}/cancel", id_of(&o)),
            &w.op,
            json!({ "reason": "дубль" }),
        )
        .await
        .expect(200);

    // Delivered: the deposit is a ledger move that leaves the balance.
    w.dispatch(&first).await;
    let d = w
        .close(
            &first,
            json!({ "cash_collected": 110_000, "empties_returned": 0 }),
        )
        .await
        .expect(200);
    assert_eq!(d["cash_collected"], 110_000);
    let l = w.ledger("").await;
    assert_eq!(
        (
            &l["balance"],
            &l["deposit_bottles"],
            &l["deposit_held"],
            &l["free"]
        ),
        (&json!(2), &json!(2), &json!(60_000), &json!(0)),
        "{l}"
    );
    let taken = l["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .find(|m| m["kind"] == "deposit_taken")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            &taken["kind"],
            &taken["qty"],
            &taken["deposit_bottles"],
            &taken["amount"]
        ),
        (
            &json!("deposit_taken"),
            &json!(0),
            &json!(2),
            &json!(60_000)
        ),
        "{l}"
    );
    assert_eq!(w.card_deposit().await, (2, 60_000));
    assert_eq!(w.agree().await, 2);

    // The next order exchanges: no deposit.
    let o = w.order_with(2, json!({})).await.expect(201);
    assert!(o.get("deposit").is_none(), "{o}");
    w.app
        .post(
            &format!("/api/orders/{}/cancel", id_of(&o)),
            &w.op,
            json!({ "reason": "x" }),
        )
        .await
        .expect(200);

    // Moving to a smaller flat: one bottle with the water, one back with its deposit.
    for (asked, field) in [(-3, "deposit_bottles"), (-2, "deposit_bottles")] {
        let e = w
            .order_with(
                1,
                json!({ "deposit_bottles": asked, "deposit_reason": "меньше воды" }),
            )
            .await
            .error(422);
        assert_eq!(e["field"], field, "{asked}: {e}");
    }
    let o = w
        .order_with(
            1,
            json!({ "deposit_bottles": -1, "deposit_reason": "меньше воды" }),
        )
        .await
        .expect(201);
    assert_eq!(o["deposit"]["amount"], -30_000);
    let refund = id_of(&o);
    w.dispatch(&refund).await;
    // The courier pays 50 roubles back (250 water - 300 deposit), no more.
    let e = w
        .close(
            &refund,
            json!({ "cash_collected": -5_001, "empties_returned": 2 }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "cash_collected", "{e}");
    // Two empties were expected: one fewer needs a reason.
    let e = w
        .close(
            &refund,
            json!({ "cash_collected": -5_000, "empties_returned": 1 }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "empties_note", "{e}");
    w.close(
        &refund,
        json!({ "cash_collected": -5_000, "empties_returned": 2 }),
    )
    .await
    .expect(200);
    let l = w.ledger("").await;
    assert_eq!(
        (&l["balance"], &l["deposit_bottles"], &l["deposit_held"]),
        (&json!(1), &json!(1), &json!(30_000)),
        "{l}"
    );
    // The delivery's moves share its time: find the refund among them.
    let refunded: Vec<&Value> = l["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .filter(|m| m["kind"] == "deposit_refunded")
        .collect();
    assert_eq!(refunded.len(), 1, "{l}");
    assert_eq!(
        (&refunded[0]["deposit_bottles"], &refunded[0]["amount"]),
        (&json!(-1), &json!(-30_000))
    );
    assert_eq!(refunded[0]["reason"], "меньше воды");
    assert_eq!(w.agree().await, 1);

    // The day's cash: what the courier should hand in counts the deposits.
    let cash = w
        .app
        .get(
            &format!("/api/reports/cash?date={}", w.app.today()),
            &w.manager,
        )
        .await
        .expect(200);
    assert_eq!(cash["totals"]["due"], 110_000 - 5_000, "{cash}");
    assert_eq!(cash["totals"]["collected"], 110_000 - 5_000, "{cash}");

    // A contract client has two free.
    let (legal, laddr) = w.app.client("ООО Ромашка", "legal", "9161110002").await;
    let o = w
        .app
        .order(
            &w.op,
            json!({ "client_id": legal, "address_id": laddr,
                    "lines": [{ "product_id": w.water, "qty": 3 }],
                    "delivery_date": w.app.today() }),
        )
        .await;
    assert_eq!(
        (&o["deposit"]["bottles"], &o["deposit"]["rule"]),
        (&json!(1), &json!(1))
    );

    // Bad settings are refused; only managers change them.
    for body in [
        json!({ "deposit_price": -1, "free_individual": 0, "free_legal": 0 }),
        json!({ "deposit_price": 0, "free_individual": 10_001, "free_legal": 0 }),
    ] {
        w.app
            .put("/api/settings/bottles", &w.manager, body)
            .await
            .error(422);
    }
    let s = w
        .app
        .get("/api/settings/bottles", &w.kolya)
        .await
        .expect(200);
    assert_eq!(s["deposit_price"], 30_000);
}

#[tokio::test]
async fn concurrent_deposit_deliveries_and_retries_count_each_deposit_once() {
    let w = world().await;
    w.bottle_rules(30_000, 0, 0).await;
    // Four stops taken before any is delivered: each asks a deposit for its bottles.
    let mut stops = vec![];
    for _ in 0..4 {
        let o = w.order_with(2, json!({})).await.expect(201);
        assert_eq!(o["deposit"]["bottles"], 2);
        let id = id_of(&o);
        w.dispatch(&id).await;
        stops.push(id);
    }
    let body = json!({ "cash_collected": 110_000, "empties_returned": 0,
                       "empties_note": "первая доставка" });
    let (app, kolya) = (&w.app, &w.kolya);
    let send = |id: &String| {
        let key = format!("deliver-{id}");
        let path = format!("/api/orders/{id}/deliver");
        let body = body.clone();
        async move { app.post_idem(&path, kolya, body, &key).await }
    };
    let sends: Vec<_> = stops.iter().flat_map(|id| [send(id), send(id)]).collect();
    for a in futures::future::join_all(sends).await {
        assert!(
            a.status == 200 || a.status == 409,
            "{} {}",
            a.status,
            a.text
        );
    }
    for id in &stops {
        w.app
            .post_idem(
                &format!("/api/orders/{id}/deliver"),
                &w.kolya,
                body.clone(),
                &format!("deliver-{id}"),
            )
            .await
            .expect(200);
    }
    let l = w.ledger("?limit=200").await;
    assert_eq!(
        (&l["balance"], &l["deposit_bottles"], &l["deposit_held"]),
        (&json!(8), &json!(8), &json!(240_000)),
        "{l}"
    );
    let taken = l["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .filter(|m| m["kind"] == "deposit_taken")
        .count();
    assert_eq!(taken, 4, "one deposit move per stop");
    assert_eq!(w.card_deposit().await, (8, 240_000));
    assert_eq!(w.agree().await, 8);
}

#[tokio::test]
async fn the_route_tells_the_courier_what_each_client_holds() {
    let w = world().await;
    let first = w.stop(3).await;
    w.close(
        &first,
        json!({ "cash_collected": 75_000, "empties_returned": 0 }),
    )
    .await
    .expect(200);
    let next = w.stop(2).await;
    let r = w.app.get("/api/route", &w.kolya).await.expect(200);
    assert_eq!(r["bottles_held"][&w.client], 3, "{r}");
    // Two of the three come back in exchange: one fewer needs a reason, kept
    // on the order and with the ledger's move.
    let e = w
        .close(
            &next,
            json!({ "cash_collected": 50_000, "empties_returned": 1 }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "empties_note", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("2 empties"),
        "{e}"
    );
    let o = w
        .close(
            &next,
            json!({ "cash_collected": 50_000, "empties_returned": 1,
                    "empties_note": "вернёт в следующий раз" }),
        )
        .await
        .expect(200);
    assert_eq!(o["empties_note"], "вернёт в следующий раз");
    let l = w.ledger("").await;
    let returned = l["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .find(|m| m["kind"] == "returned")
        .cloned()
        .unwrap_or_default();
    assert_eq!(returned["reason"], "вернёт в следующий раз", "{l}");
    assert_eq!(w.agree().await, 4);
}

#[tokio::test]
async fn the_bottle_reports_count_circulation_empties_per_courier_and_debtors() {
    let w = world().await;
    w.bottle_rules(30_000, 0, 2).await;
    // Ivan: a new client, two bottles with their deposit, none back.
    let o = w.order_with(2, json!({})).await.expect(201);
    let first = id_of(&o);
    w.dispatch(&first).await;
    w.close(
        &first,
        json!({ "cash_collected": 110_000, "empties_returned": 0 }),
    )
    .await
    .expect(200);
    // Then three, the operator taking no deposit for the extra one: two
    // empties expected, one back with a reason.
    let o = w
        .order_with(
            3,
            json!({ "deposit_bottles": 0, "deposit_reason": "постоянный клиент" }),
        )
        .await
        .expect(201);
    let second = id_of(&o);
    w.dispatch(&second).await;
    w.close(
        &second,
        json!({ "cash_collected": 75_000, "empties_returned": 1, "empties_note": "вернёт" }),
    )
    .await
    .expect(200);
    // Ivan holds 4 with a deposit for 2: 2 beyond the rule.
    // An office holding 5 from before the ledger, 2 free: a debtor by 3, never delivered to.
    let (office, _) = w.app.client("ООО Офис", "legal", "9161110003").await;
    w.app
        .post(
            &format!("/api/clients/{office}/bottles"),
            &w.manager,
            json!({ "kind": "adjusted", "qty": 5, "reason": "пересчёт" }),
        )
        .await
        .expect(201);
    // One lost at a third client, written off.
    let (petr, _) = w.app.client("Пётр", "individual", "9161110004").await;
    for (kind, qty) in [("adjusted", 1), ("written_off", 1)] {
        w.app
            .post(
                &format!("/api/clients/{petr}/bottles"),
                &w.manager,
                json!({ "kind": kind, "qty": qty, "reason": "разбил" }),
            )
            .await
            .expect(201);
    }

    let today = w.app.today();
    let path = format!("/api/reports/bottles?from={today}&to={today}");
    let r = w.app.get(&path, &w.manager).await.expect(200);
    assert_eq!(
        (
            &r["at_clients"],
            &r["clients_holding"],
            &r["deposit_bottles"],
            &r["deposit_held"],
            &r["uncovered"]
        ),
        (&json!(9), &json!(2), &json!(2), &json!(60_000), &json!(5)),
        "{r}"
    );
    let kinds: std::collections::HashMap<String, Value> = r["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap_or_default().to_string(),
                m.clone(),
            )
        })
        .collect();
    assert_eq!(kinds["delivered"]["qty"], 5, "{r}");
    assert_eq!(kinds["returned"]["qty"], -1, "{r}");
    assert_eq!(kinds["written_off"]["qty"], -1, "{r}");
    assert_eq!(
        (
            &kinds["deposit_taken"]["deposit_bottles"],
            &kinds["deposit_taken"]["amount"]
        ),
        (&json!(2), &json!(60_000))
    );
    assert_eq!(
        r["couriers"],
        json!([{ "courier_id": w.kolya_id, "courier_name": "kolya name", "stops": 2, "full": 5,
                 "expected": 2, "returned": 1, "short": 1, "short_stops": 1 }]),
        "{r}"
    );
    // The CSV is the couriers' table; the workbook has both, in Russian.
    let (_, rows) = w
        .app
        .csv_rows(&format!("{path}&format=csv"), &w.manager)
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].iter().skip(2).collect::<Vec<_>>(),
        ["2", "5", "2", "1", "1", "1"]
    );
    let sheet = w
        .app
        .xlsx_sheet(&format!("{path}&format=xlsx&lang=ru"), &w.manager, "Пустые")
        .await;
    assert_eq!(sheet[0][0], "Курьер");
    assert_eq!(sheet[1][..5], ["kolya name", "2", "5", "2", "1"]);
    let moves = w
        .app
        .xlsx_sheet(
            &format!("{path}&format=xlsx&lang=ru"),
            &w.manager,
            "Движение",
        )
        .await;
    assert!(
        moves
            .iter()
            .any(|r| r[0] == "Бутылей у клиентов" && r[1] == "9"),
        "{moves:?}"
    );

    // Debtors: the office (never delivered to) first, then Ivan.
    let d = w
        .app
        .get("/api/reports/bottle-debtors", &w.manager)
        .await
        .expect(200);
    let list = d["debtors"].as_array().expect("debtors");
    assert_eq!(list.len(), 2, "{d}");
    assert_eq!(
        (
            &list[0]["client_id"],
            &list[0]["owed"],
            &list[0]["free"],
            &list[0]["last_delivery"]
        ),
        (&json!(office), &json!(3), &json!(2), &json!(null))
    );
    assert_eq!(
        (
            &list[1]["client_id"],
            &list[1]["owed"],
            &list[1]["deposit_bottles"]
        ),
        (&json!(w.client), &json!(2), &json!(2))
    );
    assert!(list[1]["last_delivery"].is_string(), "{d}");
    assert_eq!(
        (&d["owed"], &d["owed_amount"]),
        (&json!(5), &json!(150_000))
    );
    let (_, rows) = w
        .app
        .csv_rows("/api/reports/bottle-debtors?format=csv", &w.manager)
        .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[0][1], &rows[0][6], &rows[0][7]),
        ("ООО Офис", "3", "90000")
    );
    let sheet = w
        .app
        .xlsx_sheet(
            "/api/reports/bottle-debtors?format=xlsx&lang=ru",
            &w.manager,
            "Должники по таре",
        )
        .await;
    assert_eq!(sheet[1][..2], ["ООО Офис", "юрлицо"]);
    w.app.get(&path, &w.op).await.error(403);
}

#[tokio::test]
async fn the_stock_is_the_companys_count_less_what_was_lost_or_sold_since_and_what_clients_hold() {
    let w = world().await;
    // Not counted: no stock figure.
    let r = w.app.get("/api/reports/bottles", &w.manager).await.ok();
    assert!(r.get("in_stock").is_none_or(Value::is_null), "{r}");
    w.app.holds(&w.client, 10).await;
    let saved = w
        .app
        .put(
            "/api/settings/bottles",
            &w.manager,
            json!({ "deposit_price": 0, "free_individual": 0, "free_legal": 0, "fleet": 100 }),
        )
        .await
        .ok();
    let counted = saved["fleet_counted_at"]
        .as_str()
        .expect("counted")
        .to_string();
    // Two bottles lost at the client after the count.
    w.app
        .post(
            &format!("/api/clients/{}/bottles", w.client),
            &w.manager,
            json!({ "kind": "written_off", "qty": 2, "reason": "разбиты" }),
        )
        .await
        .expect(201);
    let r = w.app.get("/api/reports/bottles", &w.manager).await.ok();
    assert_eq!(
        (
            &r["fleet"],
            &r["gone_since_count"],
            &r["at_clients"],
            &r["in_stock"]
        ),
        (&json!(100), &json!(2), &json!(8), &json!(90)),
        "{r}"
    );
    // Saving the same count keeps its time; a new count starts again.
    let again = w
        .app
        .put(
            "/api/settings/bottles",
            &w.manager,
            json!({ "deposit_price": 0, "free_individual": 0, "free_legal": 0, "fleet": 100,
                    "fleet_counted_at": "2000-01-01T00:00:00Z" }),
        )
        .await
        .ok();
    assert_eq!(again["fleet_counted_at"], json!(counted));
    w.app
        .put(
            "/api/settings/bottles",
            &w.manager,
            json!({ "deposit_price": 0, "free_individual": 0, "free_legal": 0, "fleet": 98 }),
        )
        .await
        .expect(200);
    let r = w.app.get("/api/reports/bottles", &w.manager).await.ok();
    assert_eq!(
        (&r["gone_since_count"], &r["in_stock"]),
        (&json!(0), &json!(90))
    );
    let e = w
        .app
        .put(
            "/api/settings/bottles",
            &w.manager,
            json!({ "deposit_price": 0, "free_individual": 0, "free_legal": 0, "fleet": -1 }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "fleet");
}
