//! Mango Office VPBX: its signed form posts (recorded shapes), forged and
//! replayed events, legs out of order, and the pop at the right operator.

use std::time::Duration;

use rodnik::config::Config;
use rodnik_tests::*;
use serde_json::{json, Value};

const KEY: &str = "4ouzwv1x3ulmggf8rzbv9y5oc4smo3x2";
const SALT: &str = "p2fy0d4ib1ugnzmu1zyl6iu0ggcbzrb8";
const QUIET: Duration = Duration::from_millis(600);
const ENTRY: &str = "MjU1OTcyNzk3MTo0MTQ=";
const LINE: &str = "74951234567";

async fn mango_app() -> App {
    let mut cfg = Config::for_tests();
    cfg.telephony.set("mango", "api_key", KEY);
    cfg.telephony.set("mango", "api_salt", SALT);
    spawn_with(cfg).await
}

fn sign(key: &str, json: &str, salt: &str) -> String {
    rodnik::telephony::mango::sign(key, json, salt)
}

/// Posts a form as Mango does; `sign` overrides the signature.
async fn post_form(app: &App, path: &str, key: &str, json: &str, sign: &str) -> u16 {
    let body = format!(
        "vpbx_api_key={}&sign={}&json={}",
        enc(key),
        enc(sign),
        enc(json)
    );
    app.http
        .post(app.url(&format!("/api/telephony/mango{path}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("mango post")
        .status()
        .as_u16()
}

async fn mango(app: &App, path: &str, event: &Value) -> u16 {
    let json = event.to_string();
    post_form(app, path, KEY, &json, &sign(KEY, &json, SALT)).await
}

/// A call leg as Mango's `/events/call` carries it.
fn leg(call_id: &str, seq: i64, state: &str, ext: Option<&str>, from: &str) -> Value {
    let mut to = json!({ "number": LINE, "line_number": LINE, "acd_group": null });
    if let Some(x) = ext {
        to = json!({ "extension": x, "number": format!("sip:op{x}@vpbx400123456.mangosip.ru"),
                     "line_number": LINE, "acd_group": "1" });
    }
    json!({
        "entry_id": ENTRY, "call_id": call_id, "timestamp": 1764230400 + seq, "seq": seq,
        "call_state": state, "location": if ext.is_some() { "abonent" } else { "ivr" },
        "from": { "number": from, "taken_from_call_id": null, "was_transferred": false, "hold_initiator": null },
        "to": to,
        "disconnect_reason": if state == "Disconnected" { 1110 } else { 0 },
        "dct": { "number": "", "type": 0 }
    })
}

fn summary(result: i64, ext: Option<&str>, from: &str) -> Value {
    json!({
        "entry_id": ENTRY, "call_direction": 1,
        "from": { "number": from }, "to": { "extension": ext, "number": LINE },
        "line_number": LINE, "create_time": 1764230401, "forward_time": 1764230403,
        "talk_time": if result == 1 { 1764230410 } else { 0 }, "end_time": 1764230470,
        "entry_result": result, "disconnect_reason": 1110
    })
}

async fn calls(app: &App, query: &str) -> Vec<Value> {
    let v = app
        .get(&format!("/api/calls{query}"), &app.admin)
        .await
        .ok();
    v.as_array().expect("a list").clone()
}

#[tokio::test]
async fn ringing_at_an_extension_pops_the_callers_card_only_on_that_operators_screen() {
    let app = mango_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, masha) = app.user("masha", "operator", Some("102")).await;
    let (client_id, _) = app
        .client("Иван Петров", "individual", "+79123456789")
        .await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;

    // The call in the IVR first: nobody's phone rings yet.
    assert_eq!(
        mango(
            &app,
            "/events/call",
            &leg("ivr-1", 1, "Appeared", None, "79123456789")
        )
        .await,
        200
    );
    assert!(l_olga.drain(QUIET).await.is_empty());
    assert_eq!(
        mango(
            &app,
            "/events/call",
            &leg("leg-1", 1, "Appeared", Some("101"), "79123456789")
        )
        .await,
        200
    );
    let pop = l_olga.expect_type("call.ringing").await;
    assert_eq!(pop["data"]["extension"], "101");
    assert_eq!(pop["data"]["from"], "+79123456789");
    assert_eq!(pop["data"]["matches"][0]["id"], client_id.as_str());
    assert_eq!(pop["data"]["call_id"], format!("mango:{ENTRY}"));

    assert_eq!(
        mango(
            &app,
            "/events/call",
            &leg("leg-1", 2, "Connected", Some("101"), "79123456789")
        )
        .await,
        200
    );
    // Everyone hears that it was taken, and where.
    for live in [&mut l_olga, &mut l_masha] {
        let m = live.expect_type("call.answered").await;
        assert_eq!(m["data"]["extension"], "101");
    }
    assert!(l_masha
        .drain(QUIET)
        .await
        .iter()
        .all(|m| m["type"] != "call.ringing"));

    assert_eq!(
        mango(
            &app,
            "/events/call",
            &leg("leg-1", 3, "Disconnected", Some("101"), "79123456789")
        )
        .await,
        200
    );
    l_olga.expect_type("call.ended").await;
    assert_eq!(
        mango(
            &app,
            "/events/summary",
            &summary(1, Some("101"), "79123456789")
        )
        .await,
        200
    );
    let log = calls(&app, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "ended");
    assert_eq!(log[0]["missed"], false);
    assert_eq!(log[0]["client_ids"], json!([client_id]));
}

#[tokio::test]
async fn forged_or_unsigned_posts_are_refused_and_record_nothing() {
    let app = mango_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let mut live = app.live(&olga).await;
    let ev = leg("leg-1", 1, "Appeared", Some("101"), "79123456789").to_string();
    let good = sign(KEY, &ev, SALT);

    // Signed with another salt, another key, or over another body.
    assert_eq!(
        post_form(
            &app,
            "/events/call",
            KEY,
            &ev,
            &sign(KEY, &ev, "guessed-salt")
        )
        .await,
        401
    );
    assert_eq!(
        post_form(
            &app,
            "/events/call",
            "other-key",
            &ev,
            &sign("other-key", &ev, SALT)
        )
        .await,
        401
    );
    let tampered = ev.replace("79123456789", "79990000000");
    assert_eq!(
        post_form(&app, "/events/call", KEY, &tampered, &good).await,
        401
    );
    assert_eq!(post_form(&app, "/events/call", KEY, &ev, "").await, 401);
    let r = app
        .http
        .post(app.url("/api/telephony/mango/events/call"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("json={}", enc(&ev)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Paths Mango posts that we do not need are still signed.
    assert_eq!(
        post_form(&app, "/events/recording", KEY, "{}", "00").await,
        401
    );

    assert!(calls(&app, "").await.is_empty());
    assert!(
        live.drain(QUIET).await.is_empty(),
        "a forged event reached the live channel"
    );
    assert_eq!(post_form(&app, "/events/call", KEY, &ev, &good).await, 200);
    assert_eq!(calls(&app, "").await.len(), 1);
}

#[tokio::test]
async fn without_mango_configured_every_post_is_unauthorized() {
    let app = spawn_app().await;
    let ev = leg("leg-1", 1, "Appeared", Some("101"), "79123456789").to_string();
    assert_eq!(
        post_form(&app, "/events/call", KEY, &ev, &sign(KEY, &ev, SALT)).await,
        401
    );
    assert!(calls(&app, "").await.is_empty());
}

#[tokio::test]
async fn replays_and_legs_out_of_order_change_nothing_more() {
    let app = mango_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let mut live = app.live(&olga).await;
    let appeared = leg("leg-1", 1, "Appeared", Some("101"), "79123456789");
    let connected = leg("leg-1", 2, "Connected", Some("101"), "79123456789");

    // Connected overtakes Appeared: the call is answered, and the late
    // Appeared does not pop it again.
    assert_eq!(mango(&app, "/events/call", &connected).await, 200);
    assert_eq!(
        live.expect_type("call.answered").await["data"]["extension"],
        "101"
    );
    assert_eq!(mango(&app, "/events/call", &appeared).await, 200);
    // Replays of both, and of the same seq concurrently.
    let replays =
        futures::future::join_all((0..3).map(|_| mango(&app, "/events/call", &connected))).await;
    assert_eq!(replays, [200; 3]);
    assert_eq!(mango(&app, "/events/call", &appeared).await, 200);
    assert!(
        live.drain(QUIET).await.is_empty(),
        "a replay or a late event was pushed"
    );
    let log = calls(&app, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "answered");

    // The summary twice: one end.
    assert_eq!(
        mango(
            &app,
            "/events/summary",
            &summary(1, Some("101"), "79123456789")
        )
        .await,
        200
    );
    assert_eq!(
        mango(
            &app,
            "/events/summary",
            &summary(1, Some("101"), "79123456789")
        )
        .await,
        200
    );
    live.expect_type("call.ended").await;
    assert!(live.drain(QUIET).await.is_empty());
    let log = calls(&app, "").await;
    assert_eq!(
        (log[0]["state"].as_str(), log[0]["missed"].as_bool()),
        (Some("ended"), Some(false))
    );
}

#[tokio::test]
async fn a_call_that_rings_on_to_another_operator_pops_there_and_ends_missed_when_nobody_answers() {
    let app = mango_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, masha) = app.user("masha", "operator", Some("102")).await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;

    mango(
        &app,
        "/events/call",
        &leg("leg-1", 1, "Appeared", Some("101"), "79123456789"),
    )
    .await;
    l_olga.expect_type("call.ringing").await;
    // Olga does not pick up: her leg ends, the call rings on at Masha's.
    mango(
        &app,
        "/events/call",
        &leg("leg-1", 2, "Disconnected", Some("101"), "79123456789"),
    )
    .await;
    mango(
        &app,
        "/events/call",
        &leg("leg-2", 1, "Appeared", Some("102"), "79123456789"),
    )
    .await;
    let pop = l_masha.expect_type("call.ringing").await;
    assert_eq!(pop["data"]["extension"], "102");
    assert_eq!(
        calls(&app, "").await[0]["state"],
        "ringing",
        "a leg's end is not the call's"
    );

    // The caller gives up.
    mango(
        &app,
        "/events/call",
        &leg("leg-2", 2, "Disconnected", Some("102"), "79123456789"),
    )
    .await;
    mango(&app, "/events/summary", &summary(0, None, "79123456789")).await;
    for live in [&mut l_olga, &mut l_masha] {
        live.expect_type("call.ended").await;
    }
    let missed = calls(&app, "?missed=true").await;
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["from"], "+79123456789");
}

#[tokio::test]
async fn other_mango_events_and_outgoing_calls_are_acknowledged_and_ignored() {
    let app = mango_app().await;
    let rec = json!({ "entry_id": ENTRY, "product_id": 1, "recording_id": "MToxMDA1NzU5MzoyNDE6NjQzNDY5OTYwOjE=" });
    assert_eq!(mango(&app, "/events/recording", &rec).await, 200);
    assert_eq!(
        mango(&app, "/events/dtmf", &json!({ "seq": 1, "dtmf": "1" })).await,
        200
    );
    let out = json!({ "entry_id": "out-1", "call_id": "c", "seq": 1, "call_state": "Appeared",
        "location": "abonent", "from": { "extension": "101", "number": "sip:op101@x" },
        "to": { "number": "79123456789" } });
    assert_eq!(mango(&app, "/events/call", &out).await, 200);
    let mut s = summary(1, None, "79123456789");
    s["call_direction"] = json!(2);
    s["entry_id"] = json!("out-1");
    assert_eq!(mango(&app, "/events/summary", &s).await, 200);
    assert!(calls(&app, "").await.is_empty());
    // A signed body that is not Mango's event shape is a bad request.
    assert_eq!(
        mango(&app, "/events/call", &json!({ "hello": 1 })).await,
        400
    );
}

#[tokio::test]
async fn mango_can_be_configured_in_the_settings_and_its_secrets_never_come_back() {
    let app = spawn_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let put = json!({ "mango": { "values": { "api_key": KEY, "api_salt": SALT } } });
    app.put("/api/settings/telephony", &olga, put.clone())
        .await
        .error(403);
    let view = app
        .put("/api/settings/telephony", &app.admin, put)
        .await
        .ok();
    let text = view.to_string();
    assert!(!text.contains(KEY) && !text.contains(SALT), "{text}");
    assert_eq!(view["mango"]["active"], true);
    assert_eq!(view["mango"]["secrets_set"], json!(["api_key", "api_salt"]));
    let read = app.get("/api/settings/telephony", &app.admin).await.ok();
    assert!(!read.to_string().contains(SALT));
    app.get("/api/settings/telephony", &olga).await.error(403);

    assert_eq!(
        mango(
            &app,
            "/events/call",
            &leg("leg-1", 1, "Appeared", Some("101"), "79123456789")
        )
        .await,
        200
    );
    assert_eq!(calls(&app, "").await.len(), 1);

    // Switched off: refused again.
    app.put(
        "/api/settings/telephony",
        &app.admin,
        json!({ "mango": { "enabled": false } }),
    )
    .await
    .ok();
    assert_eq!(
        mango(
            &app,
            "/events/call",
            &leg("leg-1", 2, "Connected", Some("101"), "79123456789")
        )
        .await,
        401
    );
    // An unknown setting is a 422 and changes nothing.
    let e = app
        .put(
            "/api/settings/telephony",
            &app.admin,
            json!({ "mango": { "enabled": true, "values": { "pasword": "x" } } }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "mango.values.pasword");
    assert_eq!(
        app.get("/api/settings/telephony", &app.admin).await.ok()["mango"]["enabled"],
        false
    );
}

#[tokio::test]
async fn the_environment_wins_over_the_settings() {
    let app = mango_app().await;
    app.put(
        "/api/settings/telephony",
        &app.admin,
        json!({ "mango": { "values": { "api_key": "stored-key", "api_salt": "stored-salt" } } }),
    )
    .await
    .ok();
    let view = app.get("/api/settings/telephony", &app.admin).await.ok();
    assert_eq!(view["mango"]["from_env"], json!(["api_key", "api_salt"]));
    // Events signed with the environment's secrets are accepted, not the stored ones.
    let ev = leg("leg-1", 1, "Appeared", Some("101"), "79123456789").to_string();
    assert_eq!(
        post_form(
            &app,
            "/events/call",
            "stored-key",
            &ev,
            &sign("stored-key", &ev, "stored-salt")
        )
        .await,
        401
    );
    assert_eq!(
        post_form(&app, "/events/call", KEY, &ev, &sign(KEY, &ev, SALT)).await,
        200
    );
}

#[tokio::test]
async fn mangos_number_spellings_find_clients_of_every_kind_of_number() {
    let app = mango_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let mut live = app.live(&olga).await;
    // Mango sends bare international digits (as a string or a JSON number),
    // and a SIP URI for callers that come in over SIP.
    let callers = [
        (json!("78121234567"), "+78121234567"),
        (json!(78612590000u64), "+78612590000"),
        (
            json!("sip:78431234567@vpbx400123456.mangosip.ru"),
            "+78431234567",
        ),
        (
            json!("sip:+78005553535@sip.example.net;user=phone"),
            "+78005553535",
        ),
        (json!("78634567890"), "+78634567890"),
        (json!("79123456789"), "+79123456789"),
        (json!("77011234567"), "+77011234567"),
        (json!("375291234567"), "+375291234567"),
        (json!("sip:998901234567@trunk.example.uz"), "+998901234567"),
    ];
    for (i, (from, e164)) in callers.iter().enumerate() {
        let (client_id, _) = app.client(&format!("Клиент {i}"), "legal", e164).await;
        let mut ev = leg(&format!("leg-{i}"), 1, "Appeared", Some("101"), "");
        ev["entry_id"] = json!(format!("entry-{i}"));
        ev["from"]["number"] = from.clone();
        assert_eq!(mango(&app, "/events/call", &ev).await, 200, "{from}");
        let pop = live.expect_type("call.ringing").await;
        assert_eq!(pop["data"]["call_id"], format!("mango:entry-{i}"), "{from}");
        assert_eq!(pop["data"]["from"], *e164, "{from}");
        assert_eq!(pop["data"]["client_ids"], json!([client_id]), "{from}");
    }
}
