//! The signed telephony webhook, the call log, and the screen-pop on the
//! operators' live channel.

use std::time::Duration;

use rodnik_tests::*;
use serde_json::{json, Value};

const QUIET: Duration = Duration::from_millis(600);
const PBX: &str = "+74950000000";

fn ringing(call_id: &str, from: &str) -> Value {
    json!({ "event": "ringing", "call_id": call_id, "from": from, "to": PBX })
}

fn event(kind: &str, call_id: &str, from: &str) -> Value {
    json!({ "event": kind, "call_id": call_id, "from": from, "to": PBX })
}

async fn calls(app: &App, token: &str, query: &str) -> Vec<Value> {
    let v = app.get(&format!("/api/calls{query}"), token).await.ok();
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .clone()
}

async fn post_raw(app: &App, body: &[u8], signature: Option<&str>) -> u16 {
    let mut req = app
        .http
        .post(app.url("/api/telephony/events"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(s) = signature {
        req = req.header("X-Rodnik-Signature", s);
    }
    req.send().await.expect("webhook").status().as_u16()
}

async fn next(live: &mut Live) -> Value {
    live.next_within(Duration::from_secs(5))
        .await
        .expect("a live message within 5 s")
}

#[tokio::test]
async fn webhook_without_a_valid_signature_is_refused_and_records_nothing() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut live = app.live(&op).await;
    let body = serde_json::to_vec(&fresh(ringing("pbx-1", "+79123456789"))).unwrap();
    let good = app.sign(&body);

    assert_eq!(post_raw(&app, &body, None).await, 401);
    assert_eq!(post_raw(&app, &body, Some("")).await, 401);
    assert_eq!(post_raw(&app, &body, Some("sha256=00ff")).await, 401);
    assert_eq!(
        post_raw(&app, &body, Some(good.trim_start_matches("sha256="))).await,
        401
    );
    let forged = rodnik::telephony::sign("another-secret", &body);
    assert_eq!(post_raw(&app, &body, Some(&forged)).await, 401);
    // A valid signature over a different body.
    let other = serde_json::to_vec(&fresh(ringing("pbx-2", "+79123456789"))).unwrap();
    assert_eq!(post_raw(&app, &other, Some(&good)).await, 401);

    assert!(calls(&app, &op, "").await.is_empty());
    assert!(
        live.drain(QUIET).await.is_empty(),
        "a refused event reached the live channel"
    );

    // The same body, properly signed, is accepted.
    assert_eq!(post_raw(&app, &body, Some(&good)).await, 204);
    assert_eq!(calls(&app, &op, "").await.len(), 1);

    // Captured and sent again: refused, even as another call's event.
    assert_eq!(post_raw(&app, &body, Some(&good)).await, 409);
    let mut replay: Value = serde_json::from_slice(&body).unwrap();
    replay["call_id"] = json!("pbx-3");
    let replay = serde_json::to_vec(&replay).unwrap();
    assert_eq!(post_raw(&app, &replay, Some(&app.sign(&replay))).await, 409);
    // Signed, but sent long ago (or without freshness at all): refused.
    let mut stale = fresh(ringing("pbx-4", "+79123456789"));
    stale["sent_at"] = json!(chrono::Utc::now().timestamp() - 600);
    let stale = serde_json::to_vec(&stale).unwrap();
    assert_eq!(post_raw(&app, &stale, Some(&app.sign(&stale))).await, 422);
    // The farthest past a number can say is stale too (no overflow).
    for far in [i64::MIN, i64::MAX] {
        let mut far_off = fresh(ringing("pbx-6", "+79123456789"));
        far_off["sent_at"] = json!(far);
        let far_off = serde_json::to_vec(&far_off).unwrap();
        assert_eq!(
            post_raw(&app, &far_off, Some(&app.sign(&far_off))).await,
            422
        );
    }
    let bare = serde_json::to_vec(&ringing("pbx-5", "+79123456789")).unwrap();
    assert_eq!(post_raw(&app, &bare, Some(&app.sign(&bare))).await, 422);
    assert_eq!(calls(&app, &op, "").await.len(), 1);
}

#[tokio::test]
async fn ringing_pops_the_callers_client_card_on_the_operators_screen() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client_id, address_id) = app
        .client("Иван Петров", "individual", "8 (912) 345-67-89")
        .await;
    let open = app
        .order(
            &op,
            json!({ "client_id": client_id, "address_id": address_id,
            "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.today() }),
        )
        .await;
    let mut live = app.live(&op).await;

    // The PBX may send the number in any spelling.
    assert_eq!(
        app.call_event(ringing("pbx-1", "8 912 345 67 89")).await,
        204
    );
    let m = live.expect_type("call.ringing").await;
    let call = &m["data"];
    assert_eq!(call["call_id"], "pbx-1");
    assert_eq!(call["from"], "+79123456789");
    assert_eq!(call["state"], "ringing");
    assert_eq!(call["client_ids"], json!([client_id]));
    let card = &call["matches"][0];
    assert_eq!(call["matches"].as_array().unwrap().len(), 1);
    assert_eq!(card["id"], client_id.as_str());
    assert_eq!(card["name"], "Иван Петров");
    assert_eq!(card["phones"], json!(["+79123456789"]));
    assert_eq!(card["addresses"][0]["id"], address_id.as_str());
    assert_eq!(card["active_orders"][0]["id"], open["id"]);
    assert!(card["recent_orders"].is_array());
    assert!(
        card.get("bottles_held").is_some(),
        "card without bottles_held: {card}"
    );

    let log = calls(&app, &op, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["id"], call["id"]);
    assert_eq!(log[0]["client_ids"], json!([client_id]));
}

#[tokio::test]
async fn a_call_from_an_unknown_number_pops_with_no_matches() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    app.client("Иван Петров", "individual", "+79123456789")
        .await;
    let mut live = app.live(&op).await;
    assert_eq!(app.call_event(ringing("pbx-1", "+79990001122")).await, 204);
    let m = live.expect_type("call.ringing").await;
    assert_eq!(m["data"]["matches"], json!([]));
    assert_eq!(m["data"]["client_ids"], json!([]));
    assert_eq!(m["data"]["from"], "+79990001122");

    // A hidden caller id is not a phone number: still recorded, no matches.
    assert_eq!(app.call_event(ringing("pbx-2", "anonymous")).await, 204);
    let m = live.expect_type("call.ringing").await;
    assert_eq!(m["data"]["matches"], json!([]));
    assert_eq!(calls(&app, &op, "").await.len(), 2);
}

#[tokio::test]
async fn a_call_with_an_extension_rings_only_that_operator() {
    let app = spawn_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, masha) = app.user("masha", "operator", Some("102")).await;
    let (_, anna) = app.user("anna", "operator", None).await;
    let (_, kolya) = app.user("kolya", "courier", Some("101")).await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;
    let mut l_anna = app.live(&anna).await;
    let mut l_kolya = app.live(&kolya).await;

    let mut ev = ringing("pbx-1", "+79123456789");
    ev["extension"] = json!("101");
    assert_eq!(app.call_event(ev).await, 204);
    let m = next(&mut l_olga).await;
    assert_eq!(m["type"], "call.ringing");
    assert_eq!(m["data"]["extension"], "101");

    // Without an extension, every operator's phone rings.
    assert_eq!(app.call_event(ringing("pbx-2", "+79123456789")).await, 204);
    for live in [&mut l_olga, &mut l_masha, &mut l_anna] {
        let m = next(live).await;
        assert_eq!(m["type"], "call.ringing", "{m}");
        assert_eq!(
            m["data"]["call_id"], "pbx-2",
            "another operator heard pbx-1: {m}"
        );
    }
    // Couriers never hear calls, whatever their extension.
    assert!(l_kolya.drain(QUIET).await.is_empty());
    for live in [&mut l_olga, &mut l_masha, &mut l_anna] {
        assert!(live.drain(Duration::from_millis(100)).await.is_empty());
    }
}

#[tokio::test]
async fn a_repeated_event_is_one_call_and_one_message() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut live = app.live(&op).await;
    for _ in 0..2 {
        assert_eq!(app.call_event(ringing("pbx-1", "+79123456789")).await, 204);
    }
    let first = next(&mut live).await;
    assert_eq!(first["type"], "call.ringing");
    assert!(
        live.drain(QUIET).await.is_empty(),
        "a duplicate ringing was pushed again"
    );
    assert_eq!(calls(&app, &op, "").await.len(), 1);

    // The same with a repeated `answered`.
    for _ in 0..2 {
        assert_eq!(
            app.call_event(event("answered", "pbx-1", "+79123456789"))
                .await,
            204
        );
    }
    let answered = next(&mut live).await;
    assert_eq!(answered["type"], "call.answered");
    assert_eq!(answered["seq"], first["seq"].as_u64().unwrap() + 1);
    assert!(live.drain(QUIET).await.is_empty());
    let log = calls(&app, &op, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "answered");
}

#[tokio::test]
async fn a_call_that_ends_unanswered_is_missed() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut live = app.live(&op).await;

    app.call_event(ringing("lost", "+79123456789")).await;
    app.call_event(event("ended", "lost", "+79123456789")).await;
    app.call_event(ringing("taken", "+79120000000")).await;
    app.call_event(event("answered", "taken", "+79120000000"))
        .await;
    app.call_event(event("ended", "taken", "+79120000000"))
        .await;

    let missed = calls(&app, &op, "?missed=true").await;
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert_eq!(missed[0]["call_id"], "lost");
    assert_eq!(missed[0]["state"], "ended");
    assert!(missed[0]["answered_at"].is_null());
    assert!(missed[0]["ended_at"].is_string());

    let answered = calls(&app, &op, "?missed=false").await;
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert_eq!(answered[0]["call_id"], "taken");
    assert_eq!(answered[0]["state"], "ended");
    assert!(answered[0]["answered_at"].is_string());
    assert_eq!(calls(&app, &op, "").await.len(), 2);

    let ended = live.expect_type("call.ended").await;
    assert_eq!(ended["data"]["call_id"], "lost");
}

#[tokio::test]
async fn events_out_of_order_never_move_a_call_backwards() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (client_id, _) = app
        .client("Иван Петров", "individual", "+79123456789")
        .await;
    let at = |t: &str| format!("2026-03-02T{t}+03:00");

    let mut ended = event("ended", "pbx-1", "+79123456789");
    ended["at"] = json!(at("10:05:00"));
    let mut ring = ringing("pbx-1", "+79123456789");
    ring["at"] = json!(at("10:00:00"));
    assert_eq!(app.call_event(ended).await, 204);
    assert_eq!(app.call_event(ring).await, 204);
    let c = &calls(&app, &op, "").await[0];
    assert_eq!(c["state"], "ended");
    assert_eq!(c["client_ids"], json!([client_id]));
    assert!(c["ended_at"].is_string());
    assert_eq!(c["missed"], true);

    // An answer reported late still counts: ended stays ended, but it was not missed.
    let mut answered = event("answered", "pbx-1", "+79123456789");
    answered["at"] = json!(at("10:00:10"));
    assert_eq!(app.call_event(answered).await, 204);
    let c = &calls(&app, &op, "").await[0];
    assert_eq!(c["state"], "ended");
    assert!(c["answered_at"].is_string());
    assert_eq!(c["missed"], false);
    assert!(calls(&app, &op, "?missed=true").await.is_empty());

    // Answered then a stray ringing: still answered.
    app.call_event(ringing("pbx-2", "+79123456789")).await;
    app.call_event(event("answered", "pbx-2", "+79123456789"))
        .await;
    app.call_event(ringing("pbx-2", "+79123456789")).await;
    let c2: Vec<Value> = calls(&app, &op, "")
        .await
        .into_iter()
        .filter(|c| c["call_id"] == "pbx-2")
        .collect();
    assert_eq!(c2.len(), 1);
    assert_eq!(c2[0]["state"], "answered");
}

#[tokio::test]
async fn an_order_taken_on_a_call_is_listed_on_the_call() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client_id, address_id) = app
        .client("Иван Петров", "individual", "+79123456789")
        .await;
    app.call_event(ringing("pbx-1", "+79123456789")).await;
    app.call_event(event("answered", "pbx-1", "+79123456789"))
        .await;
    let call_id = calls(&app, &op, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let body = |call: &str| {
        json!({ "client_id": client_id, "address_id": address_id, "call_id": call,
                "lines": [{ "product_id": water, "qty": 1 }], "delivery_date": app.today() })
    };
    let first = app.order(&op, body(&call_id)).await;
    // The PBX's own call id names the same call.
    let second = app.order(&op, body("pbx-1")).await;
    let c = &calls(&app, &op, "").await[0];
    let mut linked: Vec<&str> = c["order_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    linked.sort();
    let mut want = vec![
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    ];
    want.sort();
    assert_eq!(linked, want);
    assert_eq!(
        c["state"], "answered",
        "linking an order must not change the call's state"
    );

    // No such call: a validation error, and no order.
    let r = app
        .post("/api/orders", &op, body("no-such-call"))
        .await
        .error(422);
    assert!(r["message"].as_str().unwrap().contains("call_id"), "{r}");
    let orders = app
        .get(&format!("/api/orders?client_id={client_id}"), &op)
        .await
        .ok();
    assert_eq!(orders.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_call_log_filters_by_company_day() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let at = |call: &str, t: &str| {
        let mut e = ringing(call, "+79123456789");
        e["at"] = json!(t);
        e
    };
    app.call_event(at("morning", "2026-03-02T09:00:00+03:00"))
        .await;
    // 22:30 UTC on the 2nd is already the 3rd in Moscow.
    app.call_event(at("night", "2026-03-02T22:30:00Z")).await;
    app.call_event(at("evening", "2026-03-02T20:59:00Z")).await;

    let ids = |v: Vec<Value>| {
        let mut ids: Vec<String> = v
            .iter()
            .map(|c| c["call_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(calls(&app, &op, "?date=2026-03-02").await),
        ["evening", "morning"]
    );
    assert_eq!(ids(calls(&app, &op, "?date=2026-03-03").await), ["night"]);
    assert!(calls(&app, &op, "?date=2026-03-04").await.is_empty());
    assert_eq!(
        calls(&app, &op, "?date=2026-03-02&missed=false")
            .await
            .len(),
        2
    );
    app.get("/api/calls?date=02.03.2026", &op).await.error(422);
}

#[tokio::test]
async fn couriers_may_not_read_the_call_log() {
    let app = spawn_app().await;
    let (_, kolya) = app.user("kolya", "courier", None).await;
    let (_, olga) = app.user("olga", "operator", None).await;
    app.call_event(ringing("pbx-1", "+79123456789")).await;
    app.get("/api/calls", &kolya).await.error(403);
    app.get("/api/calls?missed=true", &kolya).await.error(403);
    assert_eq!(calls(&app, &olga, "").await.len(), 1);
    assert_eq!(calls(&app, &app.admin, "").await.len(), 1);
    let r = app
        .send(reqwest::Method::GET, "/api/calls", None, None, None)
        .await;
    r.error(401);
}

#[tokio::test]
async fn the_same_event_delivered_concurrently_is_still_one_call_and_one_message() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut live = app.live(&op).await;
    // A PBX retrying on a timeout can deliver the same event twice at once.
    let ev = ringing("pbx-1", "+79123456789");
    let statuses = futures::future::join_all((0..4).map(|_| app.call_event(ev.clone()))).await;
    assert_eq!(statuses, [204; 4]);
    assert_eq!(next(&mut live).await["type"], "call.ringing");
    assert!(
        live.drain(QUIET).await.is_empty(),
        "a duplicate ringing was pushed again"
    );
    assert_eq!(calls(&app, &op, "").await.len(), 1);

    // answered and ended racing each other end in the same place either way.
    let (a, b) = tokio::join!(
        app.call_event(event("answered", "pbx-1", "+79123456789")),
        app.call_event(event("ended", "pbx-1", "+79123456789")),
    );
    assert_eq!((a, b), (204, 204));
    let c = &calls(&app, &op, "").await[0];
    assert_eq!(c["state"], "ended");
    assert_eq!(c["missed"], false);
    assert!(c["answered_at"].is_string() && c["ended_at"].is_string());
}

#[tokio::test]
async fn taking_an_order_on_a_ringing_call_does_not_pop_it_again() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client_id, address_id) = app.client("Иван", "individual", "+79123456789").await;
    let mut live = app.live(&op).await;
    app.call_event(ringing("pbx-9", "+79123456789")).await;
    let pop = live.expect_type("call.ringing").await;
    let call_id = pop["data"]["id"].as_str().unwrap().to_string();
    app.order(
        &op,
        json!({ "client_id": client_id, "address_id": address_id, "call_id": call_id,
                "lines": [{ "product_id": water, "qty": 1 }], "delivery_date": app.today() }),
    )
    .await;
    let later = live.drain(QUIET).await;
    assert!(
        later
            .iter()
            .all(|m| !m["type"].as_str().unwrap_or("").starts_with("call.")),
        "the call popped again: {later:?}"
    );
    assert!(later.iter().any(|m| m["type"] == "order.created"));
}

#[tokio::test]
async fn without_a_configured_secret_every_event_is_unauthorized() {
    let mut cfg = rodnik::config::Config::for_tests();
    cfg.telephony_secret = None;
    let app = spawn_with(cfg).await;
    let body = serde_json::to_vec(&ringing("x", "+79123456789")).unwrap();
    let sig = app.sign(&body);
    assert_eq!(post_raw(&app, &body, Some(&sig)).await, 401);
}

/// Numbers as the table in `rodnik_tests::phones` writes them: each Russian
/// area code in one of its spellings, mobiles, 8-800, Kazakhstan, neighbours.
fn callers() -> Vec<(String, String)> {
    use rodnik_tests::phones::{e164, spellings, OTHER_NUMBERS, RU_AREA_CODES};
    RU_AREA_CODES
        .iter()
        .enumerate()
        .map(|(i, abc)| {
            let all = spellings(abc);
            (all[(i * 7 + 3) % all.len()].clone(), e164(abc))
        })
        .chain(
            OTHER_NUMBERS
                .iter()
                .map(|(w, e)| (w.to_string(), e.to_string())),
        )
        .collect()
}

#[tokio::test]
async fn a_signed_ringing_event_finds_the_client_of_any_russian_or_neighbouring_number() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut expected = vec![];
    for (i, (spelled, e164)) in callers().into_iter().enumerate() {
        let (id, _) = app.client(&format!("Клиент {i}"), "legal", &e164).await;
        let call = format!("pbx-{i}");
        assert_eq!(
            app.call_event(ringing(&call, &spelled)).await,
            204,
            "{spelled}"
        );
        expected.push((call, spelled, e164, id));
    }
    let log = calls(&app, &op, "").await;
    for (call, spelled, e164, id) in expected {
        let c = log
            .iter()
            .find(|c| c["call_id"] == call.as_str())
            .unwrap_or_else(|| panic!("{spelled}: no call {call}"));
        assert_eq!(c["from"], e164.as_str(), "{spelled}");
        assert_eq!(c["client_ids"], json!([id]), "{spelled}");
    }
}
