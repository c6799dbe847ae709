//! Orders: server-side pricing, every state transition, versions, courier
//! boundaries, and routes.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    kolya_id: String,
    kolya: String,
    petya_id: String,
    petya: String,
    water: String,
    cups: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (petya_id, petya) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    World {
        app,
        op,
        kolya_id,
        kolya,
        petya_id,
        petya,
        water,
        cups,
        client,
        addr,
    }
}

impl World {
    fn body(&self, courier: Option<&str>) -> Value {
        json!({ "client_id": self.client, "address_id": self.addr,
                "lines": [{ "product_id": self.water, "qty": 2 }, { "product_id": self.cups, "qty": 3 }],
                "delivery_date": self.app.today(), "courier_id": courier })
    }

    async fn order(&self, courier: Option<&str>) -> String {
        id_of(&self.app.order(&self.op, self.body(courier)).await)
    }

    async fn get(&self, id: &str) -> Value {
        self.app
            .get(&format!("/api/orders/{id}"), &self.op)
            .await
            .expect(200)
    }

    async fn act(&self, token: &str, id: &str, action: &str, body: Value) -> Resp {
        self.app
            .post(&format!("/api/orders/{id}/{action}"), token, body)
            .await
    }

    /// A fresh order of Kolya's in this state.
    async fn in_state(&self, state: &str) -> String {
        let id = self.order(Some(&self.kolya_id)).await;
        match state {
            "new" => {}
            "delivery" => {
                self.act(&self.op, &id, "dispatch", json!({}))
                    .await
                    .expect(200);
            }
            "delivered" => {
                self.act(&self.op, &id, "dispatch", json!({}))
                    .await
                    .expect(200);
                self.act(&self.op, &id, "deliver", json!({}))
                    .await
                    .expect(200);
            }
            "cancelled" => {
                self.act(&self.op, &id, "cancel", json!({ "reason": "changed mind" }))
                    .await
                    .expect(200);
            }
            other => panic!("no such state {other}"),
        }
        assert_eq!(self.get(&id).await["state"], state);
        id
    }

    async fn route(&self, token: &str, courier: Option<&str>) -> Vec<String> {
        let path = match courier {
            Some(c) => format!("/api/route?courier_id={c}&date={}", self.app.today()),
            None => "/api/route".to_string(),
        };
        let r = self.app.get(&path, token).await.expect(200);
        r["stops"].as_array().unwrap().iter().map(id_of).collect()
    }
}

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list.as_array().expect("a list").iter().map(id_of).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn a_new_order_is_priced_by_the_server_and_carries_every_contract_field() {
    let w = world().await;
    let op_id = w.app.get("/api/me", &w.op).await.ok()["id"].clone();
    // A price or total in the request is ignored: the server prices the order.
    let o = w
        .app
        .post(
            "/api/orders",
            &w.op,
            json!({ "client_id": w.client, "address_id": w.addr, "total": 1,
                    "lines": [{ "product_id": w.water, "qty": 2, "price": 1, "amount": 2 },
                              { "product_id": w.cups, "qty": 3, "price": 1 }],
                    "delivery_date": w.app.today(), "window": { "from": "09:00", "to": "13:00" },
                    "courier_id": w.kolya_id, "note": "call before" }),
        )
        .await
        .expect(201);
    assert!(o["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(o["number"].as_i64().is_some_and(|n| n >= 1), "{o}");
    assert_eq!(o["state"], "new");
    assert_eq!(o["version"], 1);
    assert_eq!(o["client_id"], w.client.as_str());
    assert_eq!(o["client_name"], "Иван Петров");
    assert_eq!(o["client_kind"], "individual");
    assert_eq!(o["address"]["id"], w.addr.as_str());
    assert_eq!(o["address"]["text"], "Иван Петров street 1");
    assert_eq!(o["lines"][0]["product_id"], w.water.as_str());
    assert_eq!(o["lines"][0]["name"], "Product W19");
    assert_eq!(o["lines"][0]["kind"], "water");
    assert_eq!(o["lines"][0]["qty"], 2);
    assert_eq!(o["lines"][0]["price"], 25000);
    assert_eq!(o["lines"][0]["amount"], 50000);
    assert_eq!(o["lines"][1]["kind"], "goods");
    assert_eq!(o["lines"][1]["price"], 1500);
    assert_eq!(o["lines"][1]["amount"], 4500);
    assert_eq!(o["total"], 54500);
    assert_eq!(o["delivery_date"], w.app.today());
    assert_eq!(o["window"], json!({ "from": "09:00", "to": "13:00" }));
    assert_eq!(o["courier_id"], w.kolya_id.as_str());
    assert_eq!(o["courier_name"], "kolya name");
    assert_eq!(o["created_by"], op_id);
    assert!(
        chrono::DateTime::parse_from_rfc3339(o["created_at"].as_str().unwrap()).is_ok(),
        "{o}"
    );
    assert_eq!(o["attempts"], json!([]));
    assert_eq!(o["note"], "call before");
    // Reading it back gives the same order; numbers grow.
    let back = w.get(&id_of(&o)).await;
    assert_eq!(back, o);
    let second = w.app.order(&w.op, w.body(None)).await;
    assert!(second["number"].as_i64() > o["number"].as_i64());
    assert!(
        second["courier_id"].is_null() && second["window"].is_null(),
        "{second}"
    );
}

#[tokio::test]
async fn contract_prices_replace_the_list_price_only_for_that_client_and_product() {
    let w = world().await;
    let (_, manager) = w.app.user("mira", "manager", None).await;
    let (legal, legal_addr) = w.app.client("ООО Ромашка", "legal", "9031112233").await;
    let r = w
        .app
        .put(
            &format!("/api/clients/{legal}/prices"),
            &manager,
            json!({ "prices": [{ "product_id": w.water, "price": 20000 }] }),
        )
        .await
        .expect(200);
    assert_eq!(r["client_id"], legal.as_str());
    assert_eq!(r["prices"].as_array().unwrap().len(), 1);
    assert_eq!(r["prices"][0]["product_id"], w.water.as_str());
    assert_eq!(r["prices"][0]["price"], 20000);
    assert_eq!(r["prices"][0]["list_price"], 25000);
    let lines = json!([{ "product_id": w.water, "qty": 3 }, { "product_id": w.cups, "qty": 2 }]);
    let legal_order = w
        .app
        .order(&w.op, json!({ "client_id": legal, "address_id": legal_addr, "lines": lines, "delivery_date": w.app.today() }))
        .await;
    assert_eq!(legal_order["lines"][0]["price"], 20000);
    assert_eq!(legal_order["lines"][0]["amount"], 60000);
    assert_eq!(
        legal_order["lines"][1]["price"], 1500,
        "cups keep the list price"
    );
    assert_eq!(legal_order["lines"][1]["amount"], 3000);
    assert_eq!(legal_order["total"], 63000);
    assert_eq!(legal_order["client_kind"], "legal");
    // Another client still pays the list price; the list itself did not move.
    let other = w
        .app
        .order(&w.op, json!({ "client_id": w.client, "address_id": w.addr, "lines": lines, "delivery_date": w.app.today() }))
        .await;
    assert_eq!(other["lines"][0]["price"], 25000);
    assert_eq!(other["total"], 78000);
    let products = w.app.get("/api/products", &w.op).await.ok();
    let water = products
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == w.water.as_str())
        .unwrap();
    assert_eq!(water["price"], 25000);
    // A new PUT replaces the whole set: water back at list price, cups now contracted.
    let r = w
        .app
        .put(
            &format!("/api/clients/{legal}/prices"),
            &manager,
            json!({ "prices": [{ "product_id": w.cups, "price": 0 }] }),
        )
        .await
        .expect(200);
    assert_eq!(r["prices"].as_array().unwrap().len(), 1);
    assert_eq!(r["prices"][0]["product_id"], w.cups.as_str());
    let again = w
        .app
        .order(&w.op, json!({ "client_id": legal, "address_id": legal_addr, "lines": lines, "delivery_date": w.app.today() }))
        .await;
    assert_eq!(again["lines"][0]["price"], 25000);
    assert_eq!(again["lines"][1]["price"], 0);
    assert_eq!(again["total"], 75000);
    // Orders already taken keep their prices.
    assert_eq!(w.get(&id_of(&legal_order)).await["total"], 63000);
    // Editing lines re-prices them with the prices of now.
    let patched = w
        .app
        .patch(
            &format!("/api/orders/{}", id_of(&legal_order)),
            &w.op,
            json!({ "lines": [{ "product_id": w.cups, "qty": 4 }] }),
        )
        .await
        .expect(200);
    assert_eq!(patched["lines"][0]["price"], 0);
    assert_eq!(patched["total"], 0);
    // An empty list removes the contract: list prices again.
    let r = w
        .app
        .put(
            &format!("/api/clients/{legal}/prices"),
            &manager,
            json!({ "prices": [] }),
        )
        .await
        .expect(200);
    assert_eq!(r["prices"], json!([]));
    let list = w
        .app
        .order(&w.op, json!({ "client_id": legal, "address_id": legal_addr, "lines": lines, "delivery_date": w.app.today() }))
        .await;
    assert_eq!(list["total"], 78000);
}

#[tokio::test]
async fn bad_contract_prices_are_refused_and_change_nothing() {
    let w = world().await;
    let path = format!("/api/clients/{}/prices", w.client);
    w.app
        .put(
            &path,
            &w.app.admin,
            json!({ "prices": [{ "product_id": w.water, "price": 20000 }] }),
        )
        .await
        .expect(200);
    let e = w
        .app
        .put(&path, &w.app.admin, json!({ "prices": [{ "product_id": w.cups, "price": 1 }, { "product_id": "nope", "price": 1 }] }))
        .await
        .error(422);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("prices[1].product_id"),
        "{e}"
    );
    let e = w
        .app
        .put(
            &path,
            &w.app.admin,
            json!({ "prices": [{ "product_id": w.cups, "price": -1 }] }),
        )
        .await
        .error(422);
    assert!(
        e["message"].as_str().unwrap().contains("prices[0].price"),
        "{e}"
    );
    w.app
        .put(&path, &w.app.admin, json!({ "prices": [{ "product_id": w.cups, "price": 1 }, { "product_id": w.cups, "price": 2 }] }))
        .await
        .error(422);
    w.app
        .put(
            &path,
            &w.app.admin,
            json!({ "prices": [{ "product_id": w.cups, "price": "cheap" }] }),
        )
        .await
        .error(422);
    w.app
        .put(
            "/api/clients/nosuchclient/prices",
            &w.app.admin,
            json!({ "prices": [] }),
        )
        .await
        .error(404);
    let now = w.app.get(&path, &w.app.admin).await.ok();
    assert_eq!(now["prices"].as_array().unwrap().len(), 1);
    assert_eq!(now["prices"][0]["product_id"], w.water.as_str());
    assert_eq!(now["prices"][0]["price"], 20000);
}

#[tokio::test]
async fn dispatch_moves_new_to_delivery_and_puts_the_stop_on_the_route() {
    let w = world().await;
    let id = w.order(Some(&w.kolya_id)).await;
    assert_eq!(w.route(&w.kolya, None).await, Vec::<String>::new());
    let o = w.act(&w.op, &id, "dispatch", json!({})).await.expect(200);
    assert_eq!(o["state"], "delivery");
    assert_eq!(o["version"], 2);
    assert_eq!(w.route(&w.kolya, None).await, vec![id.clone()]);
    assert_eq!(w.route(&w.op, Some(&w.kolya_id)).await, vec![id.clone()]);
    assert_eq!(
        w.route(&w.op, Some(&w.petya_id)).await,
        Vec::<String>::new()
    );
    // An empty body is fine too.
    let id2 = w.order(Some(&w.kolya_id)).await;
    let r = w
        .app
        .send(
            reqwest::Method::POST,
            &format!("/api/orders/{id2}/dispatch"),
            Some(&w.op),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(w.route(&w.kolya, None).await, vec![id, id2]);
}

/// A courier's route, its next position and the day's stops are read
/// through `route_key`/`route_day`, which the database keeps from the state
/// and the courier: the cancelled, failed, recalled and reassigned orders of
/// the day must leave them, and an upgraded database must fill them.
#[tokio::test]
async fn the_route_holds_exactly_the_stops_on_it_whatever_else_the_day_holds() {
    let w = world().await;
    let a = w.in_state("delivered").await;
    let b = w.in_state("delivery").await;
    let cancelled = w.in_state("delivery").await;
    w.act(
        &w.op,
        &cancelled,
        "cancel",
        json!({ "reason": "changed mind" }),
    )
    .await
    .expect(200);
    let failed = w.in_state("delivery").await;
    w.act(&w.kolya, &failed, "fail", json!({ "reason": "no_access" }))
        .await
        .expect(200);
    let recalled = w.in_state("delivery").await;
    w.act(&w.op, &recalled, "recall", json!({}))
        .await
        .expect(200);
    for _ in 0..5 {
        w.in_state("cancelled").await;
        w.in_state("new").await;
    }
    // Given to Petya while on Kolya's route.
    let moved = w.in_state("delivery").await;
    let v = w.get(&moved).await["version"].clone();
    w.app
        .patch(
            &format!("/api/orders/{moved}"),
            &w.op,
            json!({ "courier_id": w.petya_id, "expected_version": v }),
        )
        .await
        .expect(200);
    assert_eq!(
        w.route(&w.op, Some(&w.kolya_id)).await,
        vec![a.clone(), b.clone()]
    );
    assert_eq!(w.route(&w.op, Some(&w.petya_id)).await, vec![moved.clone()]);
    // A new stop goes after the last one on the route.
    let c = w.in_state("delivery").await;
    assert_eq!(
        w.route(&w.kolya, None).await,
        vec![a.clone(), b.clone(), c.clone()]
    );
    let pos = |o: &Value| o["route_pos"].as_i64().unwrap_or(0);
    assert!(pos(&w.get(&c).await) > pos(&w.get(&b).await));
    // The day's stops (what slots and ETAs read): the four on routes.
    let etas = w
        .app
        .get(&format!("/api/etas?date={}", w.app.today()), &w.op)
        .await
        .expect(200);
    let on_day = sorted(
        etas.as_array()
            .expect("etas")
            .iter()
            .map(|e| e["order_id"].as_str().unwrap_or_default().to_string())
            .collect(),
    );
    assert_eq!(on_day, sorted(vec![a.clone(), b.clone(), c.clone(), moved]));

    // As a database written before the fields (plain fields, empty on every
    // row): the upgrade fills them.
    w.app
        .state
        .store
        .run(
            "DEFINE FIELD OVERWRITE route_day ON orders TYPE option<string>;
             DEFINE FIELD OVERWRITE route_key ON orders TYPE option<string>;
             UPDATE orders SET route_day = NONE, route_key = NONE; DELETE meta:route_key;",
            json!(null),
        )
        .await
        .expect("set back");
    let gone = w
        .app
        .state
        .store
        .many(
            "SELECT VALUE id FROM orders WHERE route_key != NONE",
            json!(null),
            vec![],
        )
        .await
        .expect("read");
    assert!(gone.is_empty(), "{gone:?}");
    w.app.state.store.migrate().await.expect("the upgrade");
    assert_eq!(w.route(&w.kolya, None).await, vec![a, b, c]);
}

#[tokio::test]
async fn dispatch_without_a_courier_is_422_and_changes_nothing() {
    let w = world().await;
    let id = w.order(None).await;
    let before = w.get(&id).await;
    let e = w.act(&w.op, &id, "dispatch", json!({})).await.error(422);
    assert!(e["message"].as_str().unwrap().contains("courier_id"), "{e}");
    assert_eq!(w.get(&id).await, before);
    // Once a courier is set, it dispatches.
    w.app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "courier_id": w.petya_id }),
        )
        .await
        .expect(200);
    let o = w.act(&w.op, &id, "dispatch", json!({})).await.expect(200);
    assert_eq!(o["state"], "delivery");
    assert_eq!(o["courier_name"], "petya name");
}

#[tokio::test]
async fn deliver_closes_a_dispatched_order() {
    let w = world().await;
    let id = w.in_state("delivery").await;
    let o = w
        .act(
            &w.kolya,
            &id,
            "deliver",
            json!({ "cash_collected": 54500, "empties_returned": 2 }),
        )
        .await
        .expect(200);
    assert_eq!(o["state"], "delivered");
    assert_eq!(o["version"], 3);
    assert_eq!(o["cash_collected"], 54500);
    assert_eq!(o["empties_returned"], 2);
    assert_eq!(w.get(&id).await, o);
    // Still on the day's route, as a delivered stop.
    assert_eq!(w.route(&w.kolya, None).await, vec![id]);
}

#[tokio::test]
async fn fail_returns_the_order_to_new_and_records_each_attempt() {
    let w = world().await;
    let id = w.in_state("delivery").await;
    let o = w
        .act(&w.kolya, &id, "fail", json!({ "reason": "nobody home" }))
        .await
        .expect(200);
    assert_eq!(o["state"], "new");
    assert_eq!(o["version"], 3);
    let attempts = o["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["reason"], "nobody home");
    assert_eq!(attempts[0]["courier_id"], w.kolya_id.as_str());
    assert!(chrono::DateTime::parse_from_rfc3339(attempts[0]["at"].as_str().unwrap()).is_ok());
    // Off the route until dispatched again.
    assert_eq!(w.route(&w.kolya, None).await, Vec::<String>::new());
    w.act(&w.op, &id, "dispatch", json!({})).await.expect(200);
    let o = w
        .act(&w.op, &id, "fail", json!({ "reason": "  gate locked  " }))
        .await
        .expect(200);
    let attempts = o["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["reason"], "nobody home");
    assert_eq!(attempts[1]["reason"], "gate locked");
    assert_eq!(o["version"], 5);
    // A reason is required.
    w.act(&w.op, &id, "dispatch", json!({})).await.expect(200);
    let before = w.get(&id).await;
    let e = w
        .act(&w.op, &id, "fail", json!({ "reason": "  " }))
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("reason"), "{e}");
    w.act(&w.op, &id, "fail", json!({})).await.error(422);
    assert_eq!(w.get(&id).await, before);
}

#[tokio::test]
async fn recall_returns_a_dispatched_order_to_new_without_an_attempt() {
    let w = world().await;
    let id = w.in_state("delivery").await;
    let o = w.act(&w.op, &id, "recall", json!({})).await.expect(200);
    assert_eq!(o["state"], "new");
    assert_eq!(o["attempts"], json!([]));
    assert_eq!(o["version"], 3);
    assert_eq!(w.route(&w.kolya, None).await, Vec::<String>::new());
}

#[tokio::test]
async fn new_and_dispatched_orders_can_be_cancelled() {
    let w = world().await;
    for state in ["new", "delivery"] {
        let id = w.in_state(state).await;
        let v = w.get(&id).await["version"].as_i64().unwrap();
        let o = w
            .act(
                &w.op,
                &id,
                "cancel",
                json!({ "reason": "client changed mind" }),
            )
            .await
            .expect(200);
        assert_eq!(o["state"], "cancelled", "from {state}");
        assert_eq!(o["version"], v + 1);
    }
    assert_eq!(w.route(&w.kolya, None).await, Vec::<String>::new());
    let id = w.in_state("new").await;
    let e = w
        .act(&w.op, &id, "cancel", json!({ "reason": "" }))
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("reason"), "{e}");
    assert_eq!(w.get(&id).await["state"], "new");
}

#[tokio::test]
async fn every_transition_outside_the_state_machine_is_409_and_changes_nothing() {
    let w = world().await;
    let actions: [(&str, Value); 6] = [
        ("dispatch", json!({})),
        ("deliver", json!({ "empties_returned": 1 })),
        ("fail", json!({ "reason": "nobody home" })),
        ("recall", json!({})),
        ("cancel", json!({ "reason": "changed mind" })),
        ("patch", json!({ "note": "edited" })),
    ];
    let allowed = [
        ("new", "dispatch", "delivery"),
        ("new", "cancel", "cancelled"),
        ("new", "patch", "new"),
        ("delivery", "deliver", "delivered"),
        ("delivery", "fail", "new"),
        ("delivery", "recall", "new"),
        ("delivery", "cancel", "cancelled"),
        ("delivery", "patch", "delivery"),
    ];
    let mut failures = vec![];
    for state in ["new", "delivery", "delivered", "cancelled"] {
        for (action, body) in &actions {
            let id = w.in_state(state).await;
            let before = w.get(&id).await;
            let r = if *action == "patch" {
                w.app
                    .patch(&format!("/api/orders/{id}"), &w.op, body.clone())
                    .await
            } else {
                w.act(&w.op, &id, action, body.clone()).await
            };
            let after = w.get(&id).await;
            match allowed.iter().find(|(s, a, _)| *s == state && a == action) {
                Some((_, _, to)) => {
                    if r.status != 200
                        || after["state"] != *to
                        || after["version"] != before["version"].as_i64().unwrap() + 1
                    {
                        failures.push(format!(
                            "{state} --{action}--> expected 200 to {to}, got {}: {}",
                            r.status, r.text
                        ));
                    }
                }
                None => {
                    if r.status != 409 || r.body["error"]["code"] != "invalid_transition" {
                        failures.push(format!(
                            "{state} --{action}--> expected 409 invalid_transition, got {}: {}",
                            r.status, r.text
                        ));
                    }
                    if after != before {
                        failures.push(format!("{state} --{action}--> changed the order: {after}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn version_grows_by_one_on_each_change() {
    let w = world().await;
    let id = w.order(None).await;
    let mut expected = 1;
    assert_eq!(w.get(&id).await["version"], expected);
    let steps: Vec<(&str, Value)> = vec![
        ("patch", json!({ "courier_id": w.kolya_id })),
        ("patch", json!({ "note": "ring twice" })),
        ("dispatch", json!({})),
        ("fail", json!({ "reason": "nobody home" })),
        ("patch", json!({ "delivery_date": w.app.day(1) })),
        ("dispatch", json!({})),
        ("recall", json!({})),
        ("dispatch", json!({})),
        ("deliver", json!({ "empties_returned": 0 })),
    ];
    for (action, body) in steps {
        let o = if action == "patch" {
            w.app
                .patch(&format!("/api/orders/{id}"), &w.op, body.clone())
                .await
                .expect(200)
        } else {
            w.act(&w.op, &id, action, body.clone()).await.expect(200)
        };
        expected += 1;
        assert_eq!(o["version"], expected, "after {action} {body}");
        assert_eq!(w.get(&id).await["version"], expected);
    }
    assert_eq!(w.get(&id).await["state"], "delivered");
    assert_eq!(expected, 10);
}

#[tokio::test]
async fn a_stale_expected_version_is_409_and_changes_nothing() {
    let w = world().await;
    let cases: [(&str, &str, Value); 6] = [
        ("new", "patch", json!({ "note": "x" })),
        ("new", "dispatch", json!({})),
        ("new", "cancel", json!({ "reason": "x" })),
        ("delivery", "deliver", json!({ "empties_returned": 1 })),
        ("delivery", "fail", json!({ "reason": "x" })),
        ("delivery", "recall", json!({})),
    ];
    for (state, action, body) in cases {
        let id = w.in_state(state).await;
        let before = w.get(&id).await;
        let v = before["version"].as_i64().unwrap();
        for stale in [v - 1, v + 1, 0] {
            let mut b = body.clone();
            b["expected_version"] = json!(stale);
            let r = if action == "patch" {
                w.app.patch(&format!("/api/orders/{id}"), &w.op, b).await
            } else {
                w.act(&w.op, &id, action, b).await
            };
            let e = r.error(409);
            assert_eq!(e["code"], "stale_version", "{action} with {stale}: {e}");
            assert_eq!(
                w.get(&id).await,
                before,
                "{action} with stale {stale} changed the order"
            );
        }
        // The right version goes through.
        let mut b = body.clone();
        b["expected_version"] = json!(v);
        let o = if action == "patch" {
            w.app
                .patch(&format!("/api/orders/{id}"), &w.op, b)
                .await
                .expect(200)
        } else {
            w.act(&w.op, &id, action, b).await.expect(200)
        };
        assert_eq!(o["version"], v + 1, "{action}");
    }
    // The bottle balance was touched only by the one successful deliver.
    let card = w
        .app
        .get(&format!("/api/clients/{}", w.client), &w.op)
        .await
        .ok();
    assert_eq!(card["bottles_held"], 1);
}

#[tokio::test]
async fn two_tabs_editing_with_the_same_version_only_one_wins() {
    let w = world().await;
    let id = w.order(Some(&w.kolya_id)).await;
    let first = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "note": "first", "expected_version": 1 }),
        )
        .await
        .expect(200);
    assert_eq!(first["version"], 2);
    let e = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "note": "second", "expected_version": 1 }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "stale_version");
    let now = w.get(&id).await;
    assert_eq!(now["note"], "first");
    assert_eq!(now["version"], 2);
}

#[tokio::test]
async fn patch_reschedules_reassigns_and_edits_an_open_order() {
    let w = world().await;
    let id = w.order(Some(&w.kolya_id)).await;
    let a2 = w
        .app
        .post(
            &format!("/api/clients/{}/addresses", w.client),
            &w.op,
            json!({ "text": "Дача" }),
        )
        .await
        .expect(201)["addresses"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tomorrow = w.app.day(1);
    let o = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "delivery_date": tomorrow, "window": { "from": "18:00", "to": "21:00" }, "courier_id": w.petya_id,
                    "lines": [{ "product_id": w.water, "qty": 5 }], "address_id": a2, "note": "leave at the gate" }),
        )
        .await
        .expect(200);
    assert_eq!(o["delivery_date"], tomorrow);
    assert_eq!(o["window"], json!({ "from": "18:00", "to": "21:00" }));
    assert_eq!(o["courier_id"], w.petya_id.as_str());
    assert_eq!(o["courier_name"], "petya name");
    assert_eq!(o["lines"].as_array().unwrap().len(), 1);
    assert_eq!(o["lines"][0]["amount"], 125000);
    assert_eq!(o["total"], 125000);
    assert_eq!(o["address"]["id"], a2.as_str());
    assert_eq!(o["address"]["text"], "Дача");
    assert_eq!(o["note"], "leave at the gate");
    assert_eq!(o["version"], 2);
    assert_eq!(o["state"], "new");
    // null clears the window, the courier and the note.
    let o = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "window": null, "courier_id": null, "note": null }),
        )
        .await
        .expect(200);
    assert!(
        o["window"].is_null()
            && o["courier_id"].is_null()
            && o["courier_name"].is_null()
            && o["note"].is_null(),
        "{o}"
    );
    assert_eq!(w.get(&id).await, o);
    // A dispatched order may be reassigned to another courier, but not left without one.
    w.app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "courier_id": w.kolya_id, "delivery_date": w.app.today() }),
        )
        .await
        .expect(200);
    w.act(&w.op, &id, "dispatch", json!({})).await.expect(200);
    assert_eq!(w.route(&w.kolya, None).await, vec![id.clone()]);
    let o = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "courier_id": w.petya_id }),
        )
        .await
        .expect(200);
    assert_eq!(o["state"], "delivery");
    assert_eq!(w.route(&w.kolya, None).await, Vec::<String>::new());
    assert_eq!(w.route(&w.petya, None).await, vec![id.clone()]);
    let before = w.get(&id).await;
    let e = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "courier_id": null }),
        )
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("courier_id"), "{e}");
    assert_eq!(w.get(&id).await, before);
}

#[tokio::test]
async fn orders_list_filters_by_date_state_courier_and_client() {
    let w = world().await;
    let (other, other_addr) = w.app.client("ООО Ромашка", "legal", "9031112233").await;
    let a = w.order(Some(&w.kolya_id)).await;
    let b = w.in_state("delivery").await;
    let c = w.order(Some(&w.petya_id)).await;
    let tomorrow = w.app.day(1);
    let d = id_of(
        &w.app
            .order(
                &w.op,
                json!({ "client_id": other, "address_id": other_addr, "lines": [{ "product_id": w.water, "qty": 1 }],
                        "delivery_date": tomorrow }),
            )
            .await,
    );
    let list = |q: String| {
        let app = &w.app;
        let op = w.op.clone();
        async move { ids(&app.get(&format!("/api/orders{q}"), &op).await.expect(200)) }
    };
    assert_eq!(
        list(String::new()).await,
        sorted(vec![a.clone(), b.clone(), c.clone(), d.clone()])
    );
    assert_eq!(
        list(format!("?date={}", w.app.today())).await,
        sorted(vec![a.clone(), b.clone(), c.clone()])
    );
    assert_eq!(list(format!("?date={tomorrow}")).await, vec![d.clone()]);
    assert_eq!(list("?state=delivery".into()).await, vec![b.clone()]);
    assert_eq!(
        list("?state=new".into()).await,
        sorted(vec![a.clone(), c.clone(), d.clone()])
    );
    assert_eq!(
        list(format!("?courier_id={}", w.kolya_id)).await,
        sorted(vec![a.clone(), b.clone()])
    );
    assert_eq!(list(format!("?client_id={other}")).await, vec![d.clone()]);
    assert_eq!(
        list(format!(
            "?courier_id={}&state=new&date={}",
            w.kolya_id,
            w.app.today()
        ))
        .await,
        vec![a.clone()]
    );
    assert_eq!(list("?state=cancelled".into()).await, Vec::<String>::new());
}

#[tokio::test]
async fn unknown_orders_are_404() {
    let w = world().await;
    w.app.get("/api/orders/nosuchorder", &w.op).await.error(404);
    for action in ["dispatch", "deliver", "recall"] {
        w.act(&w.op, "nosuchorder", action, json!({}))
            .await
            .error(404);
    }
    w.act(&w.op, "nosuchorder", "fail", json!({ "reason": "x" }))
        .await
        .error(404);
    w.act(&w.op, "nosuchorder", "cancel", json!({ "reason": "x" }))
        .await
        .error(404);
    w.app
        .patch("/api/orders/nosuchorder", &w.op, json!({ "note": "x" }))
        .await
        .error(404);
}

// ---------- couriers ----------

#[tokio::test]
async fn courier_cannot_see_another_couriers_route() {
    let w = world().await;
    let mine = w.in_state("delivery").await;
    let r = w.app.get("/api/route", &w.kolya).await.expect(200);
    assert_eq!(r["courier_id"], w.kolya_id.as_str());
    assert_eq!(r["date"], w.app.today());
    assert_eq!(w.route(&w.kolya, Some(&w.kolya_id)).await, vec![mine]);
    let e = w
        .app
        .get(&format!("/api/route?courier_id={}", w.kolya_id), &w.petya)
        .await
        .error(403);
    assert_eq!(e["code"], "forbidden");
    assert_eq!(w.route(&w.petya, None).await, Vec::<String>::new());
    // Operators must say whose route they want.
    w.app.get("/api/route", &w.op).await.error(422);
}

#[tokio::test]
async fn courier_cannot_see_another_couriers_order() {
    let w = world().await;
    let kolyas = w.in_state("delivery").await;
    let delivered = w.in_state("delivered").await;
    w.app
        .get(&format!("/api/orders/{kolyas}"), &w.petya)
        .await
        .error(404);
    w.app
        .get(&format!("/api/orders/{delivered}"), &w.petya)
        .await
        .error(404);
    assert_eq!(
        w.app
            .get(&format!("/api/orders/{kolyas}"), &w.kolya)
            .await
            .expect(200)["id"],
        kolyas.as_str()
    );
    assert_eq!(
        w.app
            .get(&format!("/api/orders/{delivered}"), &w.kolya)
            .await
            .expect(200)["state"],
        "delivered"
    );
    // Assigned but not dispatched yet: not on the route, so not visible.
    let pending = w.in_state("new").await;
    w.app
        .get(&format!("/api/orders/{pending}"), &w.kolya)
        .await
        .error(404);
}

#[tokio::test]
async fn courier_cannot_deliver_or_fail_another_couriers_stop() {
    let w = world().await;
    let id = w.in_state("delivery").await;
    let before = w.get(&id).await;
    w.act(&w.petya, &id, "deliver", json!({ "empties_returned": 2 }))
        .await
        .error(404);
    w.act(&w.petya, &id, "fail", json!({ "reason": "nobody home" }))
        .await
        .error(404);
    assert_eq!(w.get(&id).await, before);
    let card = w
        .app
        .get(&format!("/api/clients/{}", w.client), &w.op)
        .await
        .ok();
    assert_eq!(card["bottles_held"], 0);
}

#[tokio::test]
async fn courier_closes_their_own_stops_but_does_no_dispatching() {
    let w = world().await;
    let a = w.in_state("delivery").await;
    let b = w.in_state("delivery").await;
    let o = w
        .act(
            &w.kolya,
            &a,
            "deliver",
            json!({ "cash_collected": 54500, "empties_returned": 1 }),
        )
        .await
        .expect(200);
    assert_eq!(o["state"], "delivered");
    let o = w
        .act(&w.kolya, &b, "fail", json!({ "reason": "nobody home" }))
        .await
        .expect(200);
    assert_eq!(o["state"], "new");
    assert_eq!(o["attempts"][0]["courier_id"], w.kolya_id.as_str());
    // Dispatch, recall, cancel, patch and taking orders are for operators.
    let c = w.in_state("delivery").await;
    let n = w.in_state("new").await;
    let before = (w.get(&c).await, w.get(&n).await);
    w.act(&w.kolya, &n, "dispatch", json!({})).await.error(403);
    w.act(&w.kolya, &c, "recall", json!({})).await.error(403);
    w.act(&w.kolya, &c, "cancel", json!({ "reason": "x" }))
        .await
        .error(403);
    w.app
        .patch(
            &format!("/api/orders/{c}"),
            &w.kolya,
            json!({ "note": "x" }),
        )
        .await
        .error(403);
    w.app
        .post("/api/orders", &w.kolya, w.body(Some(&w.kolya_id)))
        .await
        .error(403);
    assert_eq!((w.get(&c).await, w.get(&n).await), before);
    w.app
        .put(
            "/api/route",
            &w.kolya,
            json!({ "courier_id": w.kolya_id, "date": w.app.today(), "order_ids": [c] }),
        )
        .await
        .error(403);
}

#[tokio::test]
async fn courier_order_list_holds_only_their_on_route_orders() {
    let w = world().await;
    let dispatched = w.in_state("delivery").await;
    let delivered = w.in_state("delivered").await;
    let _new = w.in_state("new").await;
    let _cancelled = w.in_state("cancelled").await;
    let failed = w.in_state("delivery").await;
    w.act(
        &w.kolya,
        &failed,
        "fail",
        json!({ "reason": "nobody home" }),
    )
    .await
    .expect(200);
    let petyas = w.order(Some(&w.petya_id)).await;
    w.act(&w.op, &petyas, "dispatch", json!({}))
        .await
        .expect(200);
    let _unassigned = w.order(None).await;
    let mine = ids(&w.app.get("/api/orders", &w.kolya).await.expect(200));
    assert_eq!(mine, sorted(vec![dispatched.clone(), delivered.clone()]));
    let filtered = ids(&w
        .app
        .get("/api/orders?state=delivered", &w.kolya)
        .await
        .expect(200));
    assert_eq!(filtered, vec![delivered]);
    let own = ids(&w
        .app
        .get(&format!("/api/orders?courier_id={}", w.kolya_id), &w.kolya)
        .await
        .expect(200));
    assert_eq!(own.len(), 2);
    w.app
        .get(&format!("/api/orders?courier_id={}", w.petya_id), &w.kolya)
        .await
        .error(403);
    assert_eq!(
        ids(&w.app.get("/api/orders", &w.petya).await.expect(200)),
        vec![petyas]
    );
}

#[tokio::test]
async fn courier_reads_a_client_only_through_their_own_stop() {
    let w = world().await;
    let (other, other_addr) = w.app.client("ООО Ромашка", "legal", "9031112233").await;
    let path = format!("/api/clients/{}", w.client);
    // Only an assigned, not yet dispatched order: no access.
    let pending = w.in_state("new").await;
    w.app.get(&path, &w.kolya).await.error(404);
    // Petya's stop at the same client does not open it to Kolya.
    let petyas = w.order(Some(&w.petya_id)).await;
    w.act(&w.op, &petyas, "dispatch", json!({}))
        .await
        .expect(200);
    w.app.get(&path, &w.kolya).await.error(404);
    let card = w.app.get(&path, &w.petya).await.expect(200);
    assert_eq!(card["name"], "Иван Петров");
    assert_eq!(
        ids(&card["active_orders"]),
        vec![petyas.clone()],
        "a courier sees only their own stops"
    );
    // Kolya's own dispatched stop opens it, showing only his stops.
    w.act(&w.op, &pending, "dispatch", json!({}))
        .await
        .expect(200);
    let card = w.app.get(&path, &w.kolya).await.expect(200);
    assert_eq!(card["id"], w.client.as_str());
    assert_eq!(card["phones"], json!(["+79123456789"]));
    assert_eq!(ids(&card["active_orders"]), vec![pending.clone()]);
    // Still readable after delivery (a recent stop).
    w.act(&w.kolya, &pending, "deliver", json!({}))
        .await
        .expect(200);
    let card = w.app.get(&path, &w.kolya).await.expect(200);
    assert_eq!(ids(&card["recent_orders"]), vec![pending]);
    // A client without any of his stops stays hidden, and lookups and search are closed.
    let _ = other_addr;
    w.app
        .get(&format!("/api/clients/{other}"), &w.kolya)
        .await
        .error(404);
    w.app
        .get("/api/clients/lookup?phone=9031112233", &w.kolya)
        .await
        .error(403);
    w.app
        .get("/api/clients?q=%D0%A0%D0%BE%D0%BC", &w.kolya)
        .await
        .error(403);
    // Contract prices: for his stop's client (to price what is taken at the door) only.
    w.app
        .get(&format!("/api/clients/{}/prices", w.client), &w.kolya)
        .await
        .expect(200);
    w.app
        .get(&format!("/api/clients/{other}/prices"), &w.kolya)
        .await
        .error(404);
}

// ---------- routes ----------

#[tokio::test]
async fn put_route_reorders_a_couriers_stops() {
    let w = world().await;
    let a = w.in_state("delivery").await;
    let b = w.in_state("delivery").await;
    let c = w.in_state("delivered").await;
    let _new = w.in_state("new").await;
    assert_eq!(
        w.route(&w.kolya, None).await,
        vec![a.clone(), b.clone(), c.clone()]
    );
    let body = |ids: Vec<&String>| json!({ "courier_id": w.kolya_id, "date": w.app.today(), "order_ids": ids });
    let r = w
        .app
        .put("/api/route", &w.op, body(vec![&c, &a, &b]))
        .await
        .expect(200);
    let got: Vec<String> = r["stops"].as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(got, vec![c.clone(), a.clone(), b.clone()]);
    assert_eq!(
        w.route(&w.kolya, None).await,
        vec![c.clone(), a.clone(), b.clone()]
    );
    // Every stop must be listed exactly once, and only stops of that day.
    let e = w
        .app
        .put("/api/route", &w.op, body(vec![&a, &b]))
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("order_ids"), "{e}");
    w.app
        .put("/api/route", &w.op, body(vec![&a, &a, &b]))
        .await
        .error(422);
    let petyas = w.order(Some(&w.petya_id)).await;
    w.act(&w.op, &petyas, "dispatch", json!({}))
        .await
        .expect(200);
    w.app
        .put("/api/route", &w.op, body(vec![&a, &b, &petyas]))
        .await
        .error(422);
    w.app
        .put(
            "/api/route",
            &w.op,
            json!({ "courier_id": w.kolya_id, "date": "tomorrow", "order_ids": [] }),
        )
        .await
        .error(422);
    assert_eq!(w.route(&w.kolya, None).await, vec![c, a, b]);
    assert_eq!(w.route(&w.petya, None).await, vec![petyas]);
}

// ---------- races ----------

#[tokio::test]
async fn concurrent_delivers_close_a_stop_once() {
    let w = world().await;
    let id = w.in_state("delivery").await;
    let path = format!("/api/orders/{id}/deliver");
    let body = json!({ "empties_returned": 0 });
    let (a, b, c) = tokio::join!(
        w.app.post(&path, &w.kolya, body.clone()),
        w.app.post(&path, &w.op, body.clone()),
        w.app.post(&path, &w.kolya, body.clone()),
    );
    let statuses = [a.status, b.status, c.status];
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        2,
        "{statuses:?}"
    );
    let o = w.get(&id).await;
    assert_eq!(o["state"], "delivered");
    assert_eq!(o["version"], 3);
    let card = w
        .app
        .get(&format!("/api/clients/{}", w.client), &w.op)
        .await
        .ok();
    assert_eq!(card["bottles_held"], 2);
}

#[tokio::test]
async fn concurrent_dispatch_and_cancel_leave_one_consistent_outcome() {
    let w = world().await;
    let id = w.order(Some(&w.kolya_id)).await;
    let (a, b) = tokio::join!(
        w.act(&w.op, &id, "dispatch", json!({ "expected_version": 1 })),
        w.act(
            &w.op,
            &id,
            "cancel",
            json!({ "reason": "changed mind", "expected_version": 1 })
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let o = w.get(&id).await;
    assert_eq!(o["version"], 2);
    let winner = if a.status == 200 {
        "delivery"
    } else {
        "cancelled"
    };
    assert_eq!(o["state"], winner);
}

#[tokio::test]
async fn orders_taken_at_the_same_time_get_distinct_numbers() {
    let w = world().await;
    let creates = (0..8).map(|_| w.app.post("/api/orders", &w.op, w.body(None)));
    let mut numbers = vec![];
    for r in futures::future::join_all(creates).await {
        assert_eq!(r.status, 201, "{}", r.text);
        numbers.push(r.body["number"].as_i64().unwrap());
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 8, "{numbers:?}");
    assert_eq!(w.app.count("/api/orders", &w.op).await, 8);
}

#[tokio::test]
async fn order_lists_come_in_pages() {
    let w = world().await;
    let mut ids = vec![];
    for _ in 0..5 {
        ids.push(w.order(Some(&w.kolya_id)).await);
    }
    // Newest number first within a day.
    ids.reverse();
    let page = |q: &str| {
        let app = &w.app;
        let op = w.op.clone();
        let q = q.to_string();
        async move {
            let r = app
                .http
                .get(app.url(&format!("/api/orders?{q}")))
                .bearer_auth(&op)
                .send()
                .await
                .expect("list");
            assert_eq!(r.status().as_u16(), 200);
            let next = r
                .headers()
                .get("x-next-offset")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let v: Value = r.json().await.expect("json");
            let got: Vec<String> = v.as_array().expect("list").iter().map(id_of).collect();
            (got, next)
        }
    };
    let (first, next) = page("limit=2").await;
    assert_eq!(first, ids[..2]);
    assert_eq!(next.as_deref(), Some("2"));
    let (second, next) = page("limit=2&offset=2").await;
    assert_eq!(second, ids[2..4]);
    assert_eq!(next.as_deref(), Some("4"));
    let (last, next) = page("limit=2&offset=4").await;
    assert_eq!(last, ids[4..]);
    assert_eq!(next, None, "no next page after the last");
    let (all, next) = page("").await;
    assert_eq!(all, ids);
    assert_eq!(next, None);
    for bad in ["limit=0", "limit=5001"] {
        let e = w
            .app
            .get(&format!("/api/orders?{bad}"), &w.op)
            .await
            .error(422);
        assert_eq!(e["field"], "limit");
    }
    // Not numbers at all: the query itself is malformed.
    for bad in ["limit=x", "offset=-1"] {
        w.app
            .get(&format!("/api/orders?{bad}"), &w.op)
            .await
            .error(400);
    }
    // A courier's pages hold only their stops on the route.
    w.act(&w.op, &ids[0], "dispatch", json!({}))
        .await
        .expect(200);
    let r = w.app.get("/api/orders?limit=1", &w.kolya).await.expect(200);
    assert_eq!(r.as_array().map(Vec::len), Some(1));
    assert_eq!(r[0]["id"], ids[0].as_str());
}
