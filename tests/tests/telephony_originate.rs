//! Operator presence (`PUT /api/me/extension`) and click-to-call
//! (`POST /api/calls/originate`) through each provider: the providers' APIs
//! run as local fake servers that record the exact signed requests we send.

use std::collections::HashMap;
use std::time::Duration;

use rodnik::config::Config;
use rodnik_tests::pbx::{field, FakeAmi, FakeApi};
use rodnik_tests::*;
use serde_json::{json, Value};

const QUIET: Duration = Duration::from_millis(600);

fn decode_form(body: &str) -> HashMap<String, String> {
    let dec = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = vec![];
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                let h = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(h, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (dec(k), dec(v)))
        .collect()
}

#[tokio::test]
async fn an_operator_takes_an_extension_and_the_pop_follows_them() {
    let app = spawn_app().await;
    let (_, olga) = app.user("olga", "operator", None).await;
    let (_, masha) = app.user("masha", "operator", Some("101")).await;
    let (_, kolya) = app.user("kolya", "courier", None).await;
    // Sockets opened before the change.
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;

    let me = app
        .put("/api/me/extension", &olga, json!({ "extension": "101" }))
        .await
        .ok();
    assert_eq!(me["extension"], "101");
    // The desk phone changed hands: Masha is at none now.
    assert!(app.get("/api/me", &masha).await.ok()["extension"].is_null());

    let mut ring = json!({ "event": "ringing", "call_id": "pbx-1", "from": "+79123456789",
                           "to": "+74950000000", "extension": "101" });
    assert_eq!(app.call_event(ring.clone()).await, 204);
    assert_eq!(
        l_olga.expect_type("call.ringing").await["data"]["extension"],
        "101"
    );
    assert!(
        l_masha.drain(QUIET).await.is_empty(),
        "the pop went to the phone's old holder"
    );

    // Leaving the phone: no more pops.
    let me = app
        .put("/api/me/extension", &olga, json!({ "extension": null }))
        .await
        .ok();
    assert!(me["extension"].is_null());
    ring["call_id"] = json!("pbx-2");
    app.call_event(ring).await;
    assert!(l_olga.drain(QUIET).await.is_empty());

    app.put("/api/me/extension", &kolya, json!({ "extension": "105" }))
        .await
        .error(403);
    let e = app
        .put("/api/me/extension", &olga, json!({ "extension": "10 1" }))
        .await
        .error(422);
    assert_eq!(e["field"], "extension");
}

#[tokio::test]
async fn click_to_call_through_mango_sends_a_signed_callback_command() {
    let mut api = FakeApi::start(200, r#"{"result":1000}"#).await;
    let mut cfg = Config::for_tests();
    cfg.telephony.set("mango", "api_key", "mkey");
    cfg.telephony.set("mango", "api_salt", "msalt");
    cfg.telephony
        .set("mango", "api_url", &format!("{}/vpbx", api.base));
    let app = spawn_with(cfg).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (client_id, _) = app.client("Иван", "individual", "+79123456789").await;

    let r = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "8 (912) 345-67-89", "client_id": client_id }),
        )
        .await
        .ok();
    assert_eq!(r["provider"], "mango");
    assert_eq!(r["phone"], "+79123456789");
    assert_eq!(r["extension"], "101");

    let req = api.next().await;
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, "/vpbx/commands/callback");
    assert!(req
        .header("content-type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    let form = decode_form(&req.body);
    assert_eq!(form["vpbx_api_key"], "mkey");
    assert_eq!(
        form["sign"],
        rodnik::telephony::mango::sign("mkey", &form["json"], "msalt")
    );
    let cmd: Value = serde_json::from_str(&form["json"]).unwrap();
    assert_eq!(cmd["from"]["extension"], "101");
    assert_eq!(cmd["to_number"], "79123456789");
    assert_eq!(cmd["command_id"], r["request_id"]);
}

#[tokio::test]
async fn click_to_call_through_zadarma_signs_the_request_as_its_api_wants() {
    let mut api = FakeApi::start(
        200,
        r#"{"status":"success","from":101,"to":79123456789,"time":1764230400}"#,
    )
    .await;
    let mut cfg = Config::for_tests();
    cfg.telephony.set("zadarma", "key", "zkey");
    cfg.telephony.set("zadarma", "secret", "zsecret");
    cfg.telephony.set("zadarma", "api_url", &api.base);
    let app = spawn_with(cfg).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;

    let r = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "+7 912 3456789" }),
        )
        .await
        .ok();
    assert_eq!(r["provider"], "zadarma");
    let req = api.next().await;
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.target,
        "/v1/request/callback/?format=json&from=101&to=79123456789"
    );
    let query = "format=json&from=101&to=79123456789";
    let md5 = md5_hex(query.as_bytes());
    assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    let expected = format!(
        "zkey:{}",
        rodnik::telephony::zadarma::signature(
            "zsecret",
            &format!("/v1/request/callback/{query}{md5}")
        )
    );
    assert_eq!(req.header("authorization"), Some(expected.as_str()));
}

/// A small MD5 (RFC 1321), so the test does not trust the code under test.
fn md5_hex(input: &[u8]) -> String {
    let s: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32)
        .collect();
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f2 = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f2.rotate_left(s[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    [a0, b0, c0, d0]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn click_to_call_through_asterisk_sends_originate_over_ami() {
    let mut ami = FakeAmi::start("rodnik", "amisecret").await;
    let mut cfg = Config::for_tests();
    cfg.telephony.set(
        "asterisk",
        "ami",
        &format!("rodnik:amisecret@127.0.0.1:{}", ami.port),
    );
    cfg.telephony.set("asterisk", "context", "rodnik-out");
    let app = spawn_with(cfg).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let mut conn = ami
        .next_conn(Duration::from_secs(10))
        .await
        .expect("AMI connection");
    conn.expect_action("Login").await;

    let r = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "89123456789" }),
        )
        .await
        .ok();
    assert_eq!(r["provider"], "asterisk");
    let o = conn.expect_action("Originate").await;
    assert_eq!(field(&o, "Channel"), Some("PJSIP/101"));
    assert_eq!(field(&o, "Exten"), Some("79123456789"));
    assert_eq!(field(&o, "Context"), Some("rodnik-out"));
    assert_eq!(field(&o, "Priority"), Some("1"));
    assert_eq!(field(&o, "Async"), Some("true"));
    assert!(field(&o, "ActionID").is_some());

    // Asterisk refuses: 502 with its reason.
    let e = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "+79990001122" }),
        )
        .await
        .error(502);
    assert_eq!(e["code"], "pbx_error");
    assert!(
        e["message"].as_str().unwrap().contains("Originate failed"),
        "{e}"
    );
}

#[tokio::test]
async fn click_to_call_needs_an_extension_a_provider_and_a_phone() {
    let mut api = FakeApi::start(200, r#"{"result":3100}"#).await;
    let app = spawn_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, anna) = app.user("anna", "operator", None).await;
    let (_, kolya) = app.user("kolya", "courier", Some("105")).await;

    // No provider configured.
    let e = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "+79123456789" }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "telephony_not_configured");
    app.put(
        "/api/settings/telephony",
        &app.admin,
        json!({ "mango": { "values": { "api_key": "k", "api_salt": "s", "api_url": api.base.clone() } } }),
    )
    .await
    .ok();
    let e = app
        .post(
            "/api/calls/originate",
            &anna,
            json!({ "phone": "+79123456789" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "extension");
    app.post(
        "/api/calls/originate",
        &kolya,
        json!({ "phone": "+79123456789" }),
    )
    .await
    .error(403);
    let e = app
        .post("/api/calls/originate", &olga, json!({ "phone": "12" }))
        .await
        .error(422);
    assert_eq!(e["field"], "phone");
    let e = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "+79123456789", "client_id": "nope" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "client_id");

    // Mango answers with an error code: 502, and the reason.
    let e = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "+79123456789" }),
        )
        .await
        .error(502);
    assert!(e["message"].as_str().unwrap().contains("3100"), "{e}");
    api.next().await;

    // A double click with one Idempotency-Key places one call (a failed
    // attempt, a 502, may be retried with the same key: nothing was placed).
    let mut ok_api = FakeApi::start(200, r#"{"result":1000}"#).await;
    app.put(
        "/api/settings/telephony",
        &app.admin,
        json!({ "mango": { "values": { "api_url": ok_api.base.clone() } } }),
    )
    .await
    .ok();
    let body = json!({ "phone": "+79123456789" });
    let a = app
        .post_idem("/api/calls/originate", &olga, body.clone(), "dial-1")
        .await;
    let b = app
        .post_idem("/api/calls/originate", &olga, body, "dial-1")
        .await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(
        b.headers
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    ok_api.next().await;
    assert!(
        tokio::time::timeout(QUIET, ok_api.requests.recv())
            .await
            .is_err(),
        "the retry reached the provider again"
    );
}

/// Keys set in the server's environment never go to an address an admin
/// typed into the settings, unless it is the provider's own host or listed
/// in RODNIK_PROVIDER_HOSTS.
#[tokio::test]
async fn environment_keys_go_only_to_the_providers_own_host() {
    let mut trap = FakeApi::start(200, r#"{"result":1000}"#).await;
    let mut cfg = Config::for_tests();
    cfg.telephony.set("mango", "api_key", "env-key");
    cfg.telephony.set("mango", "api_salt", "env-salt");
    let app = spawn_with(cfg).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    app.put(
        "/api/settings/telephony",
        &app.admin,
        json!({ "mango": { "values": { "api_url": format!("{}/vpbx", trap.base) } } }),
    )
    .await
    .ok();
    let e = app
        .post(
            "/api/calls/originate",
            &olga,
            json!({ "phone": "+79123456789" }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "provider_host_not_allowed", "{e}");
    assert!(
        tokio::time::timeout(QUIET, trap.requests.recv())
            .await
            .is_err(),
        "the keys were sent to the address from the settings"
    );

    // Listed by whoever runs the server: allowed.
    let mut api = FakeApi::start(200, r#"{"result":1000}"#).await;
    let mut cfg = Config::for_tests();
    cfg.telephony.set("mango", "api_key", "env-key");
    cfg.telephony.set("mango", "api_salt", "env-salt");
    let host = api.base.trim_start_matches("http://").to_string();
    cfg.telephony.provider_hosts = vec![host];
    let app = spawn_with(cfg).await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    app.put(
        "/api/settings/telephony",
        &app.admin,
        json!({ "mango": { "values": { "api_url": format!("{}/vpbx", api.base) } } }),
    )
    .await
    .ok();
    app.post(
        "/api/calls/originate",
        &olga,
        json!({ "phone": "+79123456789" }),
    )
    .await
    .expect(200);
    api.next().await;
}
