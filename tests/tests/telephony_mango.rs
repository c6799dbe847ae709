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
    mango_app_at(None).await
}

/// Mango's keys set, and its API at `api_url` (default: Mango's own).
async fn mango_app_at(api_url: Option<String>) -> App {
    let mut cfg = Config::for_tests();
    cfg.telephony.set("mango", "api_key", KEY);
    cfg.telephony.set("mango", "api_salt", SALT);
    if let Some(url) = api_url {
        cfg.telephony.set("mango", "api_url", &url);
    }
    spawn_with(cfg).await
}

/// A call from 79123456789 answered at extension 101, start to end.
async fn answered_call(app: &App) {
    for (path, ev) in [
        (
            "/events/call",
            leg("leg-1", 1, "Appeared", Some("101"), "79123456789"),
        ),
        (
            "/events/call",
            leg("leg-1", 2, "Connected", Some("101"), "79123456789"),
        ),
        (
            "/events/call",
            leg("leg-1", 3, "Disconnected", Some("101"), "79123456789"),
        ),
        ("/events/summary", summary(1, Some("101"), "79123456789")),
    ] {
        assert_eq!(mango(app, path, &ev).await, 200);
    }
}

fn sign(key: &str, json: &str, salt: &str) -> String {
    rodnik::telephony::mango::sign(key, json, salt)
}

/// Posts a form as Mango does; `sign` overrides the signature.
async fn post_form(app: &App, path: &str, key: &str, json: &str, sign: &str) -> u16 {
    rodnik_tests::pbx::mango_post(app, path, key, json, sign).await
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
    // A recording that has only started lists nothing yet.
    let rec = json!({ "entry_id": ENTRY, "call_id": "c", "seq": 1, "recording_state": "Started",
                      "recording_id": "MToxMDA1NzU5MzoyNDE6NjQzNDY5OTYwOjE=" });
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

/// Mango keeps a call's recording; its events name it, the client's history
/// lists it under the call, and `GET /api/recordings/{id}` plays it through
/// Mango's `queries/recording/post` (a one-time link each time).
#[tokio::test]
async fn a_mango_recording_is_listed_under_the_call_and_plays_through_the_server() {
    use rodnik_tests::pbx::{FakeMangoRecordings, MangoAsked};
    let audio: Vec<u8> = b"ID3\x04\x00\x00\x00\x00\x00\x00mp3-frames".repeat(500);
    let mut api = FakeMangoRecordings::start(
        KEY,
        SALT,
        vec![(
            "MToxMDAwNjA4NTo1MDA5NDExMDIyOjE=",
            "audio/mp3",
            audio.clone(),
        )],
    )
    .await;
    let app = mango_app_at(Some(format!("{}/vpbx", api.base))).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, kolya) = app.user("kolya", "courier", None).await;
    let (client_id, _) = app
        .client("Иван Петров", "individual", "+79123456789")
        .await;
    answered_call(&app).await;
    let recording = |state: &str, id: &str, recipient: Option<&str>| {
        json!({ "recording_id": id, "recording_state": state, "seq": 1, "entry_id": ENTRY,
                "call_id": "leg-1", "extension": "101", "timestamp": 1764230471,
                "completion_code": if state == "Completed" { json!(1000) } else { Value::Null },
                "recipient": recipient })
    };
    let rec_id = "MToxMDAwNjA4NTo1MDA5NDExMDIyOjE=";
    // Started: nothing to play yet; kept only in someone's mailbox: nothing either.
    assert_eq!(
        mango(
            &app,
            "/events/recording",
            &recording("Started", rec_id, None)
        )
        .await,
        200
    );
    assert_eq!(
        mango(
            &app,
            "/events/recording",
            &recording("Completed", "mail-only", Some("Mail"))
        )
        .await,
        200
    );
    let path = format!("/api/clients/{client_id}/history");
    assert_eq!(
        app.get(&path, &olga).await.ok()["calls"][0]["recordings"],
        json!([])
    );

    // Completed in the cloud, then "added to the storage": one recording.
    assert_eq!(
        mango(
            &app,
            "/events/recording",
            &recording("Completed", rec_id, Some("Cloud"))
        )
        .await,
        200
    );
    let added = json!({ "entry_id": ENTRY, "product_id": 300022532, "user_id": 300049012,
                        "timestamp": 1764230480, "recording_id": rec_id });
    for _ in 0..2 {
        assert_eq!(mango(&app, "/events/record/added", &added).await, 200);
    }
    // A forged one is refused.
    let forged = added.to_string();
    assert_eq!(
        post_form(
            &app,
            "/events/record/added",
            KEY,
            &forged,
            &sign(KEY, &forged, "x")
        )
        .await,
        401
    );
    let h = app.get(&path, &olga).await.ok();
    let recs = h["calls"][0]["recordings"]
        .as_array()
        .expect("recordings")
        .clone();
    assert_eq!(recs.len(), 1, "{h}");
    assert_eq!(recs[0]["provider"], "mango");
    assert_eq!(recs[0]["extension"], "101");
    let id = recs[0]["id"].as_str().expect("id").to_string();

    // Played twice: Mango's links work once, so each play asks Mango again.
    for _ in 0..2 {
        let resp = app
            .http
            .get(app.url(&format!("/api/recordings/{id}")))
            .bearer_auth(&olga)
            .send()
            .await
            .expect("play");
        assert_eq!(resp.status(), 200);
        // Mango's `audio/mp3`, under MP3's registered name.
        assert_eq!(resp.headers()["content-type"], "audio/mpeg");
        assert_eq!(
            resp.headers()["content-length"],
            audio.len().to_string().as_str()
        );
        assert_eq!(resp.bytes().await.expect("audio").to_vec(), audio);
        match api.next().await {
            MangoAsked::Recording(v) => {
                assert_eq!(v, json!({ "recording_id": rec_id, "action": "play" }))
            }
            other => panic!("expected the signed query first, got {other:?}"),
        }
        match api.next().await {
            MangoAsked::File(headers) => assert!(
                headers
                    .iter()
                    .all(|(k, v)| !v.contains(KEY) && k != "authorization"),
                "the file link got the keys: {headers:?}"
            ),
            other => panic!("expected the file link, got {other:?}"),
        }
    }

    // Couriers do not hear the operators' calls; an unknown id is 404.
    app.get(&format!("/api/recordings/{id}"), &kolya)
        .await
        .error(403);
    let e = app.get("/api/recordings/r0000", &olga).await.error(404);
    assert_eq!(e["code"], "not_found");
    app.get("/api/recordings/..%2Fetc", &olga).await.error(404);

    // Mango has not got it (yet): a 404 that says so.
    let missing = json!({ "entry_id": ENTRY, "product_id": 1, "user_id": -1,
                          "timestamp": 1764230490, "recording_id": "not-uploaded-yet" });
    assert_eq!(mango(&app, "/events/record/added", &missing).await, 200);
    let h = app.get(&path, &olga).await.ok();
    let late = h["calls"][0]["recordings"]
        .as_array()
        .expect("recordings")
        .iter()
        .find(|r| r["id"] != id.as_str())
        .expect("the second recording")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let e = app
        .get(&format!("/api/recordings/{late}"), &olga)
        .await
        .error(404);
    assert_eq!(e["code"], "recording_unavailable");
}

/// Mango out of reach: the operator gets a 502 that names it, not a hang.
#[tokio::test]
async fn a_recording_while_mango_is_unreachable_is_a_clear_gateway_error() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let app = mango_app_at(Some(format!("http://127.0.0.1:{port}/vpbx"))).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (cid, _) = app
        .client("Иван Петров", "individual", "+79123456789")
        .await;
    answered_call(&app).await;
    let added = json!({ "entry_id": ENTRY, "product_id": 1, "user_id": 1,
                        "timestamp": 1764230480, "recording_id": "r-1" });
    assert_eq!(mango(&app, "/events/record/added", &added).await, 200);
    let h = app
        .get(&format!("/api/clients/{cid}/history"), &olga)
        .await
        .ok();
    let id = h["calls"][0]["recordings"][0]["id"]
        .as_str()
        .expect("recording")
        .to_string();
    let e = app
        .get(&format!("/api/recordings/{id}"), &olga)
        .await
        .error(502);
    assert_eq!(e["code"], "pbx_error");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Mango Office"),
        "{e}"
    );
}
