//! Zadarma: the `zd_echo` check, its signed `NOTIFY_*` forms (recorded
//! shapes), forged signatures, repeats and an end that overtakes the answer.

use std::time::Duration;

use rodnik::config::Config;
use rodnik::telephony::zadarma::signature;
use rodnik_tests::*;
use serde_json::Value;

const SECRET: &str = "c47d4e5a8a3f2b1e9d0c";
const QUIET: Duration = Duration::from_millis(600);
const DID: &str = "74951234567";
const START: &str = "2026-11-27 10:00:00";

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
    let mut req = app
        .http
        .post(app.url("/api/telephony/zadarma"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(s) = sig {
        req = req.header("Signature", s);
    }
    req.send().await.expect("zadarma post").status().as_u16()
}

fn start(call: &str, caller: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_START"),
        ("call_start", START),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("called_did", DID),
    ]);
    (body, signature(SECRET, &format!("{caller}{DID}{START}")))
}

fn internal(call: &str, caller: &str, ext: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_INTERNAL"),
        ("call_start", START),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("called_did", DID),
        ("internal", ext),
    ]);
    (body, signature(SECRET, &format!("{caller}{DID}{START}")))
}

fn answer(call: &str, caller: &str, ext: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_ANSWER"),
        ("call_start", START),
        ("pbx_call_id", call),
        ("caller_id", caller),
        ("destination", ext),
        ("internal", ext),
    ]);
    (body, signature(SECRET, &format!("{caller}{ext}{START}")))
}

fn end(call: &str, caller: &str, ext: &str, disposition: &str) -> (String, String) {
    let body = form(&[
        ("event", "NOTIFY_END"),
        ("call_start", START),
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
    (body, signature(SECRET, &format!("{caller}{DID}{START}")))
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
    assert_eq!(pop["data"]["call_id"], "zadarma:in_1");
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
    let other = signature("another-secret", &format!("79123456789{DID}{START}"));
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
    assert_eq!(missed[0]["call_id"], "zadarma:in_3");
}

#[tokio::test]
async fn outgoing_and_unknown_notifications_are_acknowledged_and_ignored() {
    let app = zadarma_app().await;
    let out = form(&[
        ("event", "NOTIFY_OUT_START"),
        ("call_start", START),
        ("pbx_call_id", "out_1"),
        ("internal", "100"),
        ("destination", "79123456789"),
    ]);
    let sig = signature(SECRET, &format!("10079123456789{START}"));
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
        assert_eq!(
            pop["data"]["call_id"],
            format!("zadarma:{call}"),
            "{caller}"
        );
        assert_eq!(pop["data"]["from"], *e164, "{caller}");
        assert_eq!(
            pop["data"]["client_ids"],
            serde_json::json!([client_id]),
            "{caller}"
        );
    }
}
