//! Courier changes at the door (issue 18, item 5): delivering other
//! quantities than ordered, priced at the client's prices with the order's own
//! lines kept; moving a stop to a later window or another day, by the
//! company's rule; both idempotent like closing a stop.

use std::time::Duration;

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    petya: String,
    water: String,
    cups: String,
    pump: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (_, petya) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 40000, false).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        petya,
        water,
        cups,
        pump,
        client,
        addr,
    }
}

impl World {
    /// A dispatched stop of Kolya's today: 2 bottles of water and 3 packs of cups.
    async fn stop_for(&self, client: &str, addr: &str, window: Option<Value>) -> Value {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": client, "address_id": addr,
                        "lines": [{ "product_id": self.water, "qty": 2 }, { "product_id": self.cups, "qty": 3 }],
                        "delivery_date": self.app.today(), "courier_id": self.kolya_id,
                        "window": window }),
            )
            .await;
        self.app
            .post(
                &format!("/api/orders/{}/dispatch", id_of(&o)),
                &self.op,
                json!({}),
            )
            .await
            .expect(200)
    }

    async fn stop(&self) -> Value {
        self.stop_for(&self.client, &self.addr, None).await
    }

    async fn get(&self, id: &str) -> Value {
        self.app
            .get(&format!("/api/orders/{id}"), &self.op)
            .await
            .expect(200)
    }

    async fn bottles(&self, client: &str) -> i64 {
        let card = self
            .app
            .get(&format!("/api/clients/{client}"), &self.op)
            .await
            .expect(200);
        card["bottles_held"].as_i64().expect("bottles_held")
    }

    async fn route(&self, date: &str) -> Vec<String> {
        let r = self
            .app
            .get(&format!("/api/route?date={date}"), &self.kolya)
            .await
            .expect(200);
        r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .map(id_of)
            .collect()
    }
}

fn qty_of(order: &Value, product: &str) -> Option<i64> {
    order["lines"]
        .as_array()?
        .iter()
        .find(|l| l["product_id"] == product)
        .and_then(|l| l["qty"].as_i64())
}

#[tokio::test]
async fn the_courier_delivers_other_quantities_at_the_clients_prices() {
    let w = world().await;
    let o = w.stop().await;
    let id = id_of(&o);
    assert_eq!(o["total"], 2 * 25000 + 3 * 1500);
    // A new list price meanwhile does not change what was agreed on the phone.
    w.app
        .patch(
            &format!("/api/products/{}", w.water),
            &w.manager,
            json!({ "price": 26000 }),
        )
        .await
        .expect(200);
    // The client takes three bottles instead of two, no cups, and buys a pump.
    let body = json!({ "lines": [{ "product_id": w.water, "qty": 3 }, { "product_id": w.pump, "qty": 1 }],
                       "cash_collected": 115000, "empties_returned": 1,
                       "expected_version": o["version"], "at": "2026-12-05T10:15:00Z" });
    let path = format!("/api/orders/{id}/deliver");
    let d = w
        .app
        .post_idem(&path, &w.kolya, body.clone(), "door-deliver-1")
        .await
        .expect(200);
    assert_eq!(d["state"], "delivered");
    assert_eq!(d["total"], 3 * 25000 + 40000);
    assert_eq!(qty_of(&d, &w.water), Some(3));
    assert_eq!(qty_of(&d, &w.pump), Some(1));
    assert_eq!(qty_of(&d, &w.cups), None);
    let pump = d["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["product_id"] == w.pump.as_str())
        .unwrap();
    assert_eq!(
        (pump["price"].clone(), pump["amount"].clone()),
        (json!(40000), json!(40000))
    );
    // What was ordered stays visible.
    assert_eq!(d["ordered"]["total"], 2 * 25000 + 3 * 1500);
    assert_eq!(qty_of(&d["ordered"], &w.water), Some(2));
    assert_eq!(qty_of(&d["ordered"], &w.cups), Some(3));
    assert_eq!(d["cash_collected"], 115000);
    // Three full bottles in, one empty back.
    assert_eq!(w.bottles(&w.client).await, 2);

    // The same close again (a retry from the phone): the same answer, applied once.
    let again = w
        .app
        .post_idem(&path, &w.kolya, body, "door-deliver-1")
        .await
        .expect(200);
    assert_eq!(again, d);
    assert_eq!(w.bottles(&w.client).await, 2);

    // The reports count what was delivered, not what was ordered.
    let today = w.app.today();
    let sales = w
        .app
        .get(
            &format!("/api/reports/sales?from={today}&to={today}"),
            &w.manager,
        )
        .await
        .expect(200);
    let row = |p: &str| {
        sales["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["product_id"] == p)
            .map(|r| (r["qty"].as_i64().unwrap(), r["amount"].as_i64().unwrap()))
    };
    // Goods and services sold: the pump bought at the door, no cups (water
    // is in the deliveries report).
    assert_eq!(row(&w.pump), Some((1, 40000)), "{sales}");
    assert_eq!(row(&w.cups), None, "{sales}");
    let deliveries = w
        .app
        .get(
            &format!("/api/reports/deliveries?from={today}&to={today}"),
            &w.manager,
        )
        .await
        .expect(200);
    assert_eq!(deliveries["totals"]["water_qty"], 3);
    assert_eq!(deliveries["totals"]["amount"], 115000);
}

#[tokio::test]
async fn a_legal_client_gets_contract_prices_at_the_door_and_bad_lines_change_nothing() {
    let w = world().await;
    let (legal, legal_addr) = w.app.client("ООО Вода", "legal", "4951234567").await;
    w.app
        .put(
            &format!("/api/clients/{legal}/prices"),
            &w.manager,
            json!({ "prices": [{ "product_id": w.water, "price": 20000 }, { "product_id": w.pump, "price": 30000 }] }),
        )
        .await
        .expect(200);
    let o = w.stop_for(&legal, &legal_addr, None).await;
    let id = id_of(&o);
    // The courier reads the contract prices of a client of their stop; another courier cannot.
    let prices = w
        .app
        .get(&format!("/api/clients/{legal}/prices"), &w.kolya)
        .await
        .expect(200);
    assert_eq!(prices["prices"].as_array().map(Vec::len), Some(2));
    w.app
        .get(&format!("/api/clients/{legal}/prices"), &w.petya)
        .await
        .error(404);

    let path = format!("/api/orders/{id}/deliver");
    // A product off sale, not on the order: refused, nothing changes.
    w.app
        .patch(
            &format!("/api/products/{}", w.pump),
            &w.manager,
            json!({ "on_sale": false }),
        )
        .await
        .expect(200);
    let before = w.get(&id).await;
    let e = w
        .app
        .post(
            &path,
            &w.kolya,
            json!({ "lines": [{ "product_id": w.water, "qty": 2 }, { "product_id": w.pump, "qty": 1 }] }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "lines[1].product_id", "{e}");
    for bad in [
        json!({ "lines": [] }),
        json!({ "lines": [{ "product_id": w.water, "qty": 0 }] }),
        json!({ "lines": [{ "product_id": "nope", "qty": 1 }] }),
        json!({ "lines": [{ "product_id": w.water, "qty": 1 }, { "product_id": w.water, "qty": 2 }] }),
    ] {
        let e = w.app.post(&path, &w.kolya, bad.clone()).await.error(422);
        assert!(
            e["field"].as_str().unwrap_or("").starts_with("lines"),
            "{bad}: {e}"
        );
    }
    assert_eq!(w.get(&id).await, before);
    assert_eq!(w.bottles(&legal).await, 0);

    // Fewer bottles and a product kept from the order, at the contract price.
    let d = w
        .app
        .post(
            &path,
            &w.kolya,
            json!({ "lines": [{ "product_id": w.water, "qty": 1 }, { "product_id": w.cups, "qty": 3 }],
                    "empties_returned": 0 }),
        )
        .await
        .expect(200);
    assert_eq!(d["total"], 20000 + 3 * 1500);
    assert_eq!(d["ordered"]["total"], 2 * 20000 + 3 * 1500);
    assert_eq!(w.bottles(&legal).await, 1);
}

#[tokio::test]
async fn a_later_window_today_keeps_the_stop_on_the_route() {
    let w = world().await;
    let first = w.stop().await;
    let o = w
        .stop_for(
            &w.client,
            &w.addr,
            Some(json!({ "from": "09:00", "to": "13:00" })),
        )
        .await;
    let id = id_of(&o);
    let today = w.app.today();
    let mut board = w.app.live(&w.op).await;
    let body = json!({ "delivery_date": today, "window": { "from": "18:00", "to": "21:00" },
                       "reason": "клиент просит перенести", "expected_version": o["version"],
                       "at": "2026-12-05T11:00:00Z" });
    let path = format!("/api/orders/{id}/reschedule");
    let r = w
        .app
        .post_idem(&path, &w.kolya, body.clone(), "move-1")
        .await
        .expect(200);
    assert_eq!(r["state"], "delivery");
    assert_eq!(r["window"], json!({ "from": "18:00", "to": "21:00" }));
    assert_eq!(r["route_pos"], o["route_pos"]);
    assert_eq!(r["reschedules"].as_array().map(Vec::len), Some(1));
    let m = &r["reschedules"][0];
    assert_eq!(m["outcome"], "same_day");
    assert_eq!(m["reason"], "клиент просит перенести");
    assert_eq!(m["from_window"], json!({ "from": "09:00", "to": "13:00" }));
    assert_eq!(m["courier_id"], w.kolya_id.as_str());
    assert_eq!(m["at"], "2026-12-05T11:00:00+00:00");
    assert!(r.get("proposal").is_none(), "{r}");
    assert_eq!(w.route(&today).await, vec![id_of(&first), id.clone()]);
    // The board hears of it.
    let seen = loop {
        let msg = board
            .next_within(Duration::from_secs(5))
            .await
            .expect("the board hears of the move");
        if msg["type"] == "order.updated" && msg["data"]["id"] == id.as_str() {
            break msg;
        }
    };
    assert_eq!(seen["data"]["reschedules"][0]["outcome"], "same_day");
    // A retry of the same move is the same answer, applied once.
    let again = w
        .app
        .post_idem(&path, &w.kolya, body, "move-1")
        .await
        .expect(200);
    assert_eq!(again, r);
    assert_eq!(w.get(&id).await["version"], r["version"]);
    // The same day and window is no move; nor is a day gone by or an empty reason.
    let same = json!({ "delivery_date": today, "window": { "from": "18:00", "to": "21:00" }, "reason": "x" });
    assert_eq!(
        w.app.post(&path, &w.kolya, same).await.error(422)["field"],
        "window"
    );
    let past = json!({ "delivery_date": w.app.day(-1), "reason": "x" });
    assert_eq!(
        w.app.post(&path, &w.kolya, past).await.error(422)["field"],
        "delivery_date"
    );
    let far = json!({ "delivery_date": w.app.day(400), "reason": "x" });
    assert_eq!(
        w.app.post(&path, &w.kolya, far).await.error(422)["field"],
        "delivery_date"
    );
    let blank = json!({ "delivery_date": w.app.day(1), "reason": "  " });
    assert_eq!(
        w.app.post(&path, &w.kolya, blank).await.error(422)["field"],
        "reason"
    );
    let bad_window = json!({ "delivery_date": today, "window": { "from": "21:00", "to": "18:00" }, "reason": "x" });
    assert_eq!(
        w.app.post(&path, &w.kolya, bad_window).await.error(422)["field"],
        "window.to"
    );
    // Another courier's stop is not there for them.
    let other = json!({ "delivery_date": w.app.day(1), "reason": "x" });
    w.app.post(&path, &w.petya, other).await.error(404);
    assert_eq!(w.get(&id).await["version"], r["version"]);
}

#[tokio::test]
async fn another_day_goes_back_to_dispatch_with_the_day_proposed() {
    let w = world().await;
    let o = w.stop().await;
    let id = id_of(&o);
    let tomorrow = w.app.day(1);
    let r = w
        .app
        .post(
            &format!("/api/orders/{id}/reschedule"),
            &w.kolya,
            json!({ "delivery_date": tomorrow, "window": { "from": "09:00", "to": "13:00" },
                    "reason": "не успеваю сегодня" }),
        )
        .await
        .expect(200);
    assert_eq!(r["state"], "new");
    assert_eq!(r["needs_new_date"], true);
    assert_eq!(
        r["delivery_date"],
        w.app.today(),
        "dispatch chooses the day"
    );
    assert_eq!(r["courier_id"], w.kolya_id.as_str());
    assert_eq!(r["proposal"]["to_date"], tomorrow.as_str());
    assert_eq!(r["proposal"]["outcome"], "to_dispatch");
    assert_eq!(r["proposal"]["reason"], "не успеваю сегодня");
    // Off the courier's route, on the board's list of orders waiting for a date.
    assert!(w.route(&w.app.today()).await.is_empty());
    let waiting = w
        .app
        .get("/api/orders?needs_new_date=true", &w.op)
        .await
        .expect(200);
    assert_eq!(
        waiting
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect::<Vec<_>>(),
        vec![id.clone()]
    );
    // Dispatch accepts the proposal: the day and window, then dispatch.
    let p = &r["proposal"];
    let accepted = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "delivery_date": p["to_date"], "window": p["to_window"], "expected_version": r["version"] }),
        )
        .await
        .expect(200);
    assert!(accepted.get("proposal").is_none(), "{accepted}");
    assert_eq!(accepted["needs_new_date"], false);
    assert_eq!(accepted["reschedules"].as_array().map(Vec::len), Some(1));
    w.app
        .post(&format!("/api/orders/{id}/dispatch"), &w.op, json!({}))
        .await
        .expect(200);
    assert_eq!(w.route(&tomorrow).await, vec![id]);
}

#[tokio::test]
async fn another_day_goes_straight_onto_that_days_route_when_the_company_says_so() {
    let w = world().await;
    let settings = w
        .app
        .get("/api/settings/orders", &w.kolya)
        .await
        .expect(200);
    assert_eq!(
        settings,
        json!({ "other_day": "to_dispatch", "standing_days": 7 })
    );
    w.app
        .put(
            "/api/settings/orders",
            &w.op,
            json!({ "other_day": "to_route" }),
        )
        .await
        .error(403);
    let e = w
        .app
        .put(
            "/api/settings/orders",
            &w.manager,
            json!({ "other_day": "sometimes" }),
        )
        .await
        .error(422);
    assert!(e["message"].as_str().is_some(), "{e}");
    let saved = w
        .app
        .put(
            "/api/settings/orders",
            &w.manager,
            json!({ "other_day": "to_route" }),
        )
        .await
        .expect(200);
    assert_eq!(
        saved,
        json!({ "other_day": "to_route", "standing_days": 7 })
    );

    let tomorrow = w.app.day(1);
    // Tomorrow's route already has a stop: the moved one goes after it.
    let first = w.stop().await;
    w.app
        .patch(
            &format!("/api/orders/{}", id_of(&first)),
            &w.op,
            json!({ "delivery_date": tomorrow }),
        )
        .await
        .expect(200);
    let o = w.stop().await;
    let id = id_of(&o);
    let r = w
        .app
        .post(
            &format!("/api/orders/{id}/reschedule"),
            &w.kolya,
            json!({ "delivery_date": tomorrow, "reason": "нет на месте" }),
        )
        .await
        .expect(200);
    assert_eq!(
        (r["state"].clone(), r["delivery_date"].clone()),
        (json!("delivery"), json!(tomorrow))
    );
    assert_eq!(r["reschedules"][0]["outcome"], "to_route");
    assert!(
        r.get("proposal").is_none() && r["needs_new_date"] == false,
        "{r}"
    );
    assert!(w.route(&w.app.today()).await.is_empty());
    assert_eq!(w.route(&tomorrow).await, vec![id_of(&first), id.clone()]);
    // A delivered stop cannot be moved.
    w.app
        .post(&format!("/api/orders/{id}/deliver"), &w.kolya, json!({}))
        .await
        .expect(200);
    let e = w
        .app
        .post(
            &format!("/api/orders/{id}/reschedule"),
            &w.kolya,
            json!({ "delivery_date": w.app.day(2), "reason": "x" }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "invalid_transition");
}
