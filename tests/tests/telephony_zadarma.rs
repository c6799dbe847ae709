//! Zadarma: the `zd_echo` check, its signed `NOTIFY_*` forms (recorded
//! shapes), forged signatures, repeats and an end that overtakes the answer;
//! replays with new unsigned ids, stale `call_start`s, the account's time zone
//! and the optional list of source addresses.

use std::sync::LazyLock;
use std::time::Duration;

use rodnik::config::Config;
use rodnik::telephony::zadarma::signature;
use rodnik_tests::*;
use serde_json::Value;

const SECRET: &str = "c47d4e5a8a3f2b1e9d0c";
const QUIET: Duration = Duration::from_millis(600);
const DID: &str = "74951234567";
/// Now on the account's clock (the test company's, Moscow), as Zadarma
/// writes `call_start`.
static START: LazyLock<String> = LazyLock::new(|| at_minutes_ago(1, chrono_tz::Europe::Moscow));

fn at_minutes_ago(minutes: i64, tz: chrono_tz::Tz) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The Rodnik call id of a call from `caller` that started at `START`.
fn call_id(caller: &str) -> String {
    format!("zadarma:{caller}:{}", START.replace(['-', ' ', ':'], ""))
}

async fn zadarma_app() -> App {
    let mut cfg = Config::for_tests();
    cfg.telephony.set("zadarma", "secret", SECRET);
    spawn_with(cfg).await
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn post(app: &App, body: String, sig: Option<&str>) -> u16 {
    post_from(app, body, sig, None).await.status().as_u16()
}

/// A notification, through a reverse proxy on this machine when `via` names
/// the sender (`X-Forwarded-For`).
async fn post_from(
    app: &App,
    body: String,
    sig: Option<&str>,
    via: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.url("/api/telephony/zadarma"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(s) = sig {
        req = req.header("Signature", s);
    }
    if let Some(addr) = via {
        req = req.header("x-forwarded-for", addr);
    }
    req.send().await.expect("zadarma post")
}

/// Sets one Zadarma value through the settings API.
async fn set_zadarma(app: &App, name: &str, value: &str) -> Resp {
    app.put(
        "/api/settings/telephony",
        &app.admin,
        serde_json::json!({"zadarma": {"values": {name: value}}}),
    )
    .await
}

fn start(call: &str, caller: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_START"),
        ("call_start", START.as_str()),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("called_did", DID),
    ]);
    (body, signature(SECRET, &format!("{caller}{DID}{}", *START)))
}

fn internal(call: &str, caller: &str, ext: &str) -> (String, String) {
    internal_at(call, caller, ext, &START)
}

fn internal_at(call: &str, caller: &str, ext: &str, start: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_INTERNAL"),
        ("call_start", start),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("called_did", DID),
        ("internal", ext),
    ]);
    (body, signature(SECRET, &format!("{caller}{DID}{start}")))
}

fn answer(call: &str, caller: &str, ext: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_ANSWER"),
        ("call_start", START.as_str()),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("destination", ext),
        ("internal", ext),
    ]);
    (body, signature(SECRET, &format!("{caller}{ext}{}", *START)))
}

fn end(call: &str, caller: &str, ext: &str, disposition: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_END"),
        ("call_start", START.as_str()),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("called_did", DID),
        ("internal", ext),
        ("duration", "42"),
        ("disposition", disposition),
        ("status_code", "16"),
        ("is_recorded", "0"),
        ("call_id_with_rec", ""),
    ]);
    (body, signature(SECRET, &format!("{caller}{DID}{}", *START)))
}

async fn send(app: &App, (body, sig): (String, String)) -> u16 {
    post(app, body, Some(&sig)).await
}

async fn calls(app: &App, query: &str) -> Vec<Value> {
    app.get(&format!("/api/calls{query}"), &app.admin)
        .await
        .ok()
        .as_array()
        .expect("list")
        .clone()
}

#[tokio::test]
async fn the_url_check_echoes_zd_echo() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(app.url("/api/telephony/zadarma?zd_echo=f2b8e4a1c9"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(r.text().await.unwrap(), "f2b8e4a1c9");
    // Never echoes markup.
    let r = app
        .http
        .get(app.url("/api/telephony/zadarma?zd_echo=%3Cscript%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test]
async fn an_internal_ring_pops_the_card_at_that_extension_and_the_answer_reaches_everyone() {
    let app = zadarma_app().await;
    let (_, olga) = app.user("olga", "operator", Some("100")).await;
    let (_, masha) = app.user("masha", "operator", Some("101")).await;
    let (client_id, _) = app.client("ООО Ромашка", "legal", "+79123456789").await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;

    // The call reaches the PBX: still in its menu, nobody pops.
    assert_eq!(send(&app, start("in_1", "79123456789")).await, 200);
    assert!(l_olga.drain(QUIET).await.is_empty());
    assert_eq!(
        send(&app, internal("in_1", "79123456789", "100")).await,
        200
    );
    let pop = l_olga.expect_type("call.ringing").await;
    assert_eq!(pop["data"]["matches"][0]["id"], client_id.as_str());
    assert_eq!(pop["data"]["call_id"], call_id("79123456789").as_str());
    assert!(
        l_masha.drain(QUIET).await.is_empty(),
        "Masha's phone does not ring"
    );

    assert_eq!(send(&app, answer("in_1", "79123456789", "100")).await, 200);
    for live in [&mut l_olga, &mut l_masha] {
        assert_eq!(
            live.expect_type("call.answered").await["data"]["extension"],
            "100"
        );
    }
    assert_eq!(
        send(&app, end("in_1", "79123456789", "100", "answered")).await,
        200
    );
    l_olga.expect_type("call.ended").await;
    let log = calls(&app, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0]["state"].as_str(), log[0]["missed"].as_bool()),
        (Some("ended"), Some(false))
    );
}

#[tokio::test]
async fn forged_signatures_are_refused_and_record_nothing() {
    let app = zadarma_app().await;
    let (_, olga) = app.user("olga", "operator", Some("100")).await;
    let mut live = app.live(&olga).await;
    let (body, good) = internal("in_1", "79123456789", "100");
    assert_eq!(post(&app, body.clone(), None).await, 401);
    assert_eq!(post(&app, body.clone(), Some("")).await, 401);
    let other = signature("another-secret", &format!("79123456789{DID}{}", *START));
    assert_eq!(post(&app, body.clone(), Some(&other)).await, 401);
    // The signature of the raw HMAC (not its hex) is not Zadarma's.
    assert_eq!(
        post(&app, body.clone(), Some(&good.to_lowercase())).await,
        401
    );
    // A valid signature over other fields.
    let (tampered, _) = internal("in_1", "79990000000", "100");
    assert_eq!(post(&app, tampered, Some(&good)).await, 401);
    assert!(calls(&app, "").await.is_empty());
    assert!(live.drain(QUIET).await.is_empty());
    assert_eq!(post(&app, body, Some(&good)).await, 200);
    assert_eq!(calls(&app, "").await.len(), 1);
}

#[tokio::test]
async fn repeats_and_an_end_that_overtakes_the_answer() {
    let app = zadarma_app().await;
    let (_, olga) = app.user("olga", "operator", Some("100")).await;
    let mut live = app.live(&olga).await;
    for _ in 0..3 {
        assert_eq!(
            send(&app, internal("in_2", "79123456789", "100")).await,
            200
        );
    }
    live.expect_type("call.ringing").await;
    assert!(live.drain(QUIET).await.is_empty(), "a repeat popped again");

    // NOTIFY_END (answered) arrives before NOTIFY_ANSWER.
    assert_eq!(
        send(&app, end("in_2", "79123456789", "100", "answered")).await,
        200
    );
    assert_eq!(send(&app, answer("in_2", "79123456789", "100")).await, 200);
    assert_eq!(
        send(&app, end("in_2", "79123456789", "100", "answered")).await,
        200
    );
    let log = calls(&app, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "ended");
    assert_eq!(log[0]["missed"], false);
    assert!(log[0]["answered_at"].is_string());

    // Unanswered: missed.
    send(&app, internal("in_3", "79120000000", "100")).await;
    send(&app, end("in_3", "79120000000", "100", "cancel")).await;
    let missed = calls(&app, "?missed=true").await;
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["call_id"], call_id("79120000000").as_str());
}

#[tokio::test]
async fn outgoing_and_unknown_notifications_are_acknowledged_and_ignored() {
    let app = zadarma_app().await;
    let out = form(&[
        ("event", "NOTIFY_OUT_START"),
        ("call_start", START.as_str()),
        ("pbx_call_id", "out_1"),
        ("internal", "100"),
        ("destination", "79123456789"),
    ]);
    let sig = signature(SECRET, &format!("10079123456789{}", *START));
    assert_eq!(post(&app, out.clone(), Some(&sig)).await, 200);
    assert_eq!(post(&app, out, Some("forged")).await, 401);
    assert_eq!(
        post(&app, form(&[("event", "SMS"), ("caller_id", "x")]), None).await,
        200
    );
    assert!(calls(&app, "").await.is_empty());
}

#[tokio::test]
async fn without_a_zadarma_secret_every_notification_is_unauthorized() {
    let app = spawn_app().await;
    assert_eq!(
        send(&app, internal("in_1", "79123456789", "100")).await,
        401
    );
}

#[tokio::test]
async fn zadarmas_caller_ids_find_clients_of_every_kind_of_number() {
    let app = zadarma_app().await;
    let (_, olga) = app.user("olga", "operator", Some("100")).await;
    let mut live = app.live(&olga).await;
    // Zadarma writes every caller id as international digits without `+`.
    let callers = [
        ("78121234567", "+78121234567"),
        ("78612590000", "+78612590000"),
        ("78431234567", "+78431234567"),
        ("78005553535", "+78005553535"),
        ("74951234567", "+74951234567"),
        ("79123456789", "+79123456789"),
        ("77272584000", "+77272584000"),
        ("375291234567", "+375291234567"),
        ("380441234567", "+380441234567"),
        ("998901234567", "+998901234567"),
        // And some PBX routes keep the caller's national spelling.
        ("88612345678", "+78612345678"),
    ];
    for (i, (caller, e164)) in callers.iter().enumerate() {
        let (client_id, _) = app.client(&format!("Клиент {i}"), "legal", e164).await;
        let call = format!("in_{i}");
        assert_eq!(
            send(&app, internal(&call, caller, "100")).await,
            200,
            "{caller}"
        );
        let pop = live.expect_type("call.ringing").await;
        assert_eq!(pop["data"]["call_id"], call_id(caller), "{caller}");
        assert_eq!(pop["data"]["from"], *e164, "{caller}");
        assert_eq!(
            pop["data"]["client_ids"],
            serde_json::json!([client_id]),
            "{caller}"
        );
    }
}

#[tokio::test]
async fn a_captured_notification_replayed_with_new_unsigned_fields_changes_nothing() {
    let app = zadarma_app().await;
    let (_, olga) = app.user("olga", "operator", Some("100")).await;
    let (_, masha) = app.user("masha", "operator", Some("101")).await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;
    let caller = "79123456789";
    assert_eq!(send(&app, internal("in_1", caller, "100")).await, 200);
    l_olga.expect_type("call.ringing").await;
    assert_eq!(send(&app, end("in_1", caller, "100", "cancel")).await, 200);
    l_olga.expect_type("call.ended").await;
    l_masha.expect_type("call.ended").await;

    // The same signed fields under new call ids, other extensions, another
    // kind, and an end that now claims the call was answered.
    for (id, ext) in [("in_2", "101"), ("in_3", "100"), ("in_4", "102")] {
        assert_eq!(send(&app, internal(id, caller, ext)).await, 200);
    }
    assert_eq!(send(&app, answer("in_5", caller, "101")).await, 200);
    assert_eq!(
        send(&app, end("in_6", caller, "101", "answered")).await,
        200
    );
    assert!(
        l_masha.drain(QUIET).await.is_empty(),
        "a replay popped at 101"
    );
    assert!(
        l_olga.drain(QUIET).await.is_empty(),
        "a replay changed the call"
    );
    let log = calls(&app, "").await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["call_id"], call_id(caller).as_str());
    assert_eq!(log[0]["missed"], true, "still a missed call to call back");
    assert!(log[0]["answered_at"].is_null());
}

#[tokio::test]
async fn stale_or_future_call_starts_are_refused_and_record_nothing() {
    let app = zadarma_app().await;
    let (_, olga) = app.user("olga", "operator", Some("100")).await;
    let mut live = app.live(&olga).await;
    let moscow = chrono_tz::Europe::Moscow;
    for start in [
        at_minutes_ago(3 * 60 + 5, moscow),
        at_minutes_ago(-10, moscow),
        "2026-11-27T10:00:00".to_string(),
        String::new(),
    ] {
        let (body, sig) = internal_at("in_1", "79123456789", "100", &start);
        let r = post_from(&app, body, Some(&sig), None).await;
        assert_eq!(r.status().as_u16(), 422, "{start}");
        let err: Value = r.json().await.unwrap();
        assert_eq!(err["error"]["field"], "call_start", "{err}");
    }
    assert!(calls(&app, "").await.is_empty());
    assert!(live.drain(QUIET).await.is_empty());
    // Two hours into a long call its notifications are still believed.
    let long = at_minutes_ago(120, moscow);
    assert_eq!(
        send(&app, internal_at("in_1", "79123456789", "100", &long)).await,
        200
    );
    live.expect_type("call.ringing").await;
}

#[tokio::test]
async fn call_start_is_read_on_the_accounts_clock() {
    // The account runs on UTC while the company is in Moscow: without the
    // setting, a UTC `call_start` reads as three hours old.
    let app = zadarma_app().await;
    let utc_now = at_minutes_ago(1, chrono_tz::UTC);
    let (body, sig) = internal_at("in_1", "79123456789", "100", &utc_now);
    assert_eq!(post(&app, body.clone(), Some(&sig)).await, 422);
    let r = set_zadarma(&app, "tz", "Mars/Olympus").await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = set_zadarma(&app, "tz", "UTC").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(post(&app, body, Some(&sig)).await, 200);
    assert_eq!(calls(&app, "").await.len(), 1);
}

#[tokio::test]
async fn only_listed_source_addresses_may_send_notifications() {
    let app = zadarma_app().await;
    let r = set_zadarma(&app, "sources", "185.45.152.0/24, not-an-address").await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = set_zadarma(&app, "sources", "185.45.152.0/24, 2a01:4f8::1").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["zadarma"]["options"]["sources"],
        "185.45.152.0/24, 2a01:4f8::1"
    );
    let (body, sig) = internal("in_1", "79123456789", "100");
    // The test server's peer is loopback: a reverse proxy, whose
    // X-Forwarded-For names the sender.
    let from = |via: Option<&'static str>| {
        let (body, sig) = (body.clone(), sig.clone());
        let app = &app;
        async move {
            post_from(app, body, Some(&sig), via)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(from(None).await, 403, "loopback is not listed");
    assert_eq!(from(Some("203.0.113.9")).await, 403);
    assert!(calls(&app, "").await.is_empty());
    assert_eq!(from(Some("185.45.152.42")).await, 200);
    assert_eq!(calls(&app, "").await.len(), 1);
}
