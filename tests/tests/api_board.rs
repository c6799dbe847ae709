//! What the dispatch board needs from the API: failed deliveries waiting for a
//! new date, moving a dispatched stop to another courier's route, partial
//! patches, and missed calls marked as called back (live to every operator).

use std::time::Duration;

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    kolya_id: String,
    kolya: String,
    petya_id: String,
    water: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (petya_id, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    World {
        app,
        op,
        kolya_id,
        kolya,
        petya_id,
        water,
        client,
        addr,
    }
}

impl World {
    async fn dispatched(&self, courier: &str) -> Value {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": self.client, "address_id": self.addr,
                        "lines": [{ "product_id": self.water, "qty": 2 }],
                        "delivery_date": self.app.today(), "courier_id": courier,
                        "window": { "from": "09:00", "to": "13:00" } }),
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

    async fn needing_date(&self) -> Vec<String> {
        let v = self
            .app
            .get("/api/orders?needs_new_date=true", &self.op)
            .await
            .expect(200);
        v.as_array().expect("list").iter().map(id_of).collect()
    }
}

#[tokio::test]
async fn a_failed_delivery_waits_for_a_new_date_until_one_is_set() {
    let w = world().await;
    let o = w.dispatched(&w.kolya_id).await;
    let id = id_of(&o);
    assert_eq!(o["needs_new_date"], false);
    assert!(w.needing_date().await.is_empty());

    let failed = w
        .app
        .post(
            &format!("/api/orders/{id}/fail"),
            &w.kolya,
            json!({ "reason": "client absent" }),
        )
        .await
        .expect(200);
    assert_eq!(failed["state"], "new");
    assert_eq!(failed["needs_new_date"], true);
    assert_eq!(w.needing_date().await, [id.clone()]);

    // Changing only the note keeps it waiting, and keeps courier and window.
    let noted = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "note": "call first" }),
        )
        .await
        .expect(200);
    assert_eq!(noted["needs_new_date"], true);
    assert_eq!(noted["courier_id"], w.kolya_id.as_str());
    assert_eq!(noted["window"]["from"], "09:00");

    // A date (even the same day, tried again later) is the dispatcher's decision.
    let tomorrow = w.app.day(1);
    let moved = w
        .app
        .patch(
            &format!("/api/orders/{id}"),
            &w.op,
            json!({ "delivery_date": tomorrow, "expected_version": noted["version"] }),
        )
        .await
        .expect(200);
    assert_eq!(moved["needs_new_date"], false);
    assert_eq!(moved["delivery_date"], tomorrow.as_str());
    assert_eq!(
        moved["courier_id"],
        w.kolya_id.as_str(),
        "a date change keeps the courier"
    );
    assert_eq!(moved["window"]["from"], "09:00", "and the window");
    assert!(w.needing_date().await.is_empty());
}

#[tokio::test]
async fn dispatching_again_or_cancelling_also_settles_a_failed_order() {
    let w = world().await;
    let a = id_of(&w.dispatched(&w.kolya_id).await);
    let b = id_of(&w.dispatched(&w.kolya_id).await);
    for id in [&a, &b] {
        w.app
            .post(
                &format!("/api/orders/{id}/fail"),
                &w.kolya,
                json!({ "reason": "no access" }),
            )
            .await
            .expect(200);
    }
    let mut waiting = w.needing_date().await;
    waiting.sort();
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(waiting, both);
    let again = w
        .app
        .post(&format!("/api/orders/{a}/dispatch"), &w.op, json!({}))
        .await
        .expect(200);
    assert_eq!(again["needs_new_date"], false);
    let cancelled = w
        .app
        .post(
            &format!("/api/orders/{b}/cancel"),
            &w.op,
            json!({ "reason": "Client cancelled" }),
        )
        .await
        .expect(200);
    assert_eq!(cancelled["needs_new_date"], false);
    assert!(w.needing_date().await.is_empty());
}

#[tokio::test]
async fn a_stop_given_to_another_courier_goes_to_the_end_of_their_route() {
    let w = world().await;
    let p1 = id_of(&w.dispatched(&w.petya_id).await);
    let p2 = id_of(&w.dispatched(&w.petya_id).await);
    let k1 = w.dispatched(&w.kolya_id).await;
    assert_eq!(k1["route_pos"], 1);
    let moved = w
        .app
        .patch(
            &format!("/api/orders/{}", id_of(&k1)),
            &w.op,
            json!({ "courier_id": w.petya_id, "expected_version": k1["version"] }),
        )
        .await
        .expect(200);
    assert_eq!(moved["state"], "delivery");
    assert_eq!(moved["route_pos"], 3);
    let route = w
        .app
        .get(&format!("/api/route?courier_id={}", w.petya_id), &w.op)
        .await
        .expect(200);
    let ids: Vec<String> = route["stops"]
        .as_array()
        .expect("stops")
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, [p1, p2, id_of(&k1)]);
    // An out-of-date version is refused and changes nothing.
    let stale = w
        .app
        .patch(
            &format!("/api/orders/{}", id_of(&k1)),
            &w.op,
            json!({ "courier_id": w.kolya_id, "expected_version": k1["version"] }),
        )
        .await
        .error(409);
    assert_eq!(stale["code"], "stale_version");
}

async fn missed_call(app: &App, call_id: &str, from: &str) {
    for kind in ["ringing", "ended"] {
        let status = app
            .call_event(
                json!({ "event": kind, "call_id": call_id, "from": from, "to": "+74950000000" }),
            )
            .await;
        assert_eq!(status, 204);
    }
}

#[tokio::test]
async fn a_missed_call_marked_called_back_leaves_everyones_list() {
    let w = world().await;
    let (_, marina) = w.app.user("marina", "operator", None).await;
    missed_call(&w.app, "pbx-77", "+79123456789").await;
    missed_call(&w.app, "pbx-78", "+79990001122").await;

    let list = w
        .app
        .get(
            &format!("/api/calls?date={}&missed=true", w.app.today()),
            &w.op,
        )
        .await
        .expect(200);
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 2);
    let known = list
        .iter()
        .find(|c| c["call_id"] == "pbx-77")
        .expect("pbx-77");
    assert_eq!(known["client_names"], json!(["Иван Петров"]));
    assert!(known["called_back_at"].is_null());
    let unknown = list
        .iter()
        .find(|c| c["call_id"] == "pbx-78")
        .expect("pbx-78");
    assert!(unknown.get("client_names").is_none() || unknown["client_names"] == json!([]));

    let mut other_screen = w.app.live(&marina).await;
    let id = id_of(known);
    let marked = w
        .app
        .post(&format!("/api/calls/{id}/callback"), &w.op, json!({}))
        .await
        .expect(200);
    assert_eq!(marked["called_back_by"], "olga name");
    assert!(marked["called_back_at"].as_str().is_some());
    assert_eq!(marked["client_names"], json!(["Иван Петров"]));

    let msg = other_screen.expect_type("call.called_back").await;
    assert_eq!(msg["data"]["id"], id.as_str());
    assert_eq!(msg["data"]["called_back_by"], "olga name");

    // Marking again keeps the first mark.
    let again = w
        .app
        .post(&format!("/api/calls/{id}/callback"), &marina, json!({}))
        .await
        .expect(200);
    assert_eq!(again["called_back_by"], "olga name");
    assert_eq!(again["called_back_at"], marked["called_back_at"]);
    let extra = other_screen.drain(Duration::from_millis(500)).await;
    assert!(
        extra.iter().all(|m| m["type"] != "call.called_back"),
        "a repeated mark is no news: {extra:?}"
    );

    let list = w
        .app
        .get(
            &format!("/api/calls?date={}&missed=true", w.app.today()),
            &w.op,
        )
        .await
        .expect(200);
    let marked_now = list
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["call_id"] == "pbx-77")
        .expect("still listed, as called back")
        .clone();
    assert_eq!(marked_now["called_back_by"], "olga name");
}

#[tokio::test]
async fn only_missed_calls_can_be_called_back_and_only_by_operators() {
    let w = world().await;
    for kind in ["ringing", "answered", "ended"] {
        w.app
            .call_event(
                json!({ "event": kind, "call_id": "pbx-1", "from": "+79123456789",
                                "to": "+74950000000", "extension": "101" }),
            )
            .await;
    }
    let calls = w.app.get("/api/calls", &w.op).await.expect(200);
    let id = id_of(&calls[0]);
    let e = w
        .app
        .post(&format!("/api/calls/{id}/callback"), &w.op, json!({}))
        .await
        .error(409);
    assert_eq!(e["code"], "not_missed");
    w.app
        .post("/api/calls/nosuchcall/callback", &w.op, json!({}))
        .await
        .error(404);
    missed_call(&w.app, "pbx-2", "+79123456789").await;
    let missed = w.app.get("/api/calls?missed=true", &w.op).await.expect(200);
    let mid = id_of(&missed[0]);
    w.app
        .post(&format!("/api/calls/{mid}/callback"), &w.kolya, json!({}))
        .await
        .error(403);
}
