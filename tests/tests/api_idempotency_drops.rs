//! A request cut off mid-flight must not leave its Idempotency-Key stuck:
//! the retry with the same key gets a normal answer and the effect happens
//! once. A courier's phone that loses signal during `deliver` retries later;
//! so does a client whose request hit the server's time limit.
//!
//! Each case sends the request to a second server on the same database whose
//! time limit is a few milliseconds, swept so that the cut lands at every
//! point of the handler's run, then retries on the normal server. Before the
//! fix, a cut between taking the key and storing the answer left the key
//! pending: every retry got 409 `idempotency_key_in_use`, forever.
//! (A plain HTTP/1.1 disconnect does not cancel a handler in this server:
//! hyper keeps running it; the time limit does cancel, as would HTTP/2.)
//!
//! The order transitions (dispatch, deliver, fail, recall, cancel) write
//! nothing before their effect, so a cut cannot leave their key pending; they
//! finish in well under a millisecond here, too fast for a timer to cut. The
//! crash test (`backend/tests/crash_safety.rs`) kills the server during
//! dispatches and retries the unanswered ones with their keys.

use std::sync::Arc;
use std::time::Duration;

use rodnik_tests::*;
use serde_json::{json, Value};

/// Second servers on the app's database whose requests time out after 50 µs
/// to 8 ms (tokio's timer fires on millisecond ticks, so the shortest ones
/// cut at a random point of the first millisecond).
async fn impatient(app: &App) -> Vec<String> {
    let mut bases = vec![];
    for us in [
        50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 8000,
    ] {
        let mut state = app.state.clone();
        let mut cfg = (*state.cfg).clone();
        cfg.request_timeout = Duration::from_micros(us);
        state.cfg = Arc::new(cfg);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(rodnik::http::serve(listener, state));
        bases.push(format!("http://{addr}"));
    }
    bases
}

/// Sends a POST with `key` to an impatient server; true if it was cut off.
async fn cut_off(app: &App, base: &str, path: &str, token: &str, body: &Value, key: &str) -> bool {
    let r = app
        .http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("send");
    match r.status().as_u16() {
        503 => {
            let e: Value = r.json().await.expect("error body");
            assert_eq!(e["error"]["code"], "timeout", "{e}");
            true
        }
        _ => false,
    }
}

/// Retries with the same key on the normal server: never a 409 that stays.
async fn retry(app: &App, path: &str, token: &str, body: &Value, key: &str) -> Resp {
    let r = app.post_idem(path, token, body.clone(), key).await;
    assert_ne!(
        r.status, 409,
        "the key is stuck after a request to {path} was cut off: {}",
        r.text
    );
    r
}

struct World {
    app: App,
    op: String,
    water: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    World {
        app,
        op,
        water,
        client,
        addr,
    }
}

#[tokio::test]
async fn creations_cut_off_mid_flight_are_retried_to_one_record() {
    let w = world().await;
    let (bases, mut cut) = (impatient(&w.app).await, 0);
    for i in 0..36 {
        let base = &bases[i % bases.len()];
        // A client.
        let phone = format!("903111{i:04}");
        let body = json!({ "kind": "individual", "name": format!("Клиент {i}"), "phones": [phone],
                           "addresses": [{ "text": format!("Мира {i}") }] });
        let key = format!("client-{i}");
        cut += cut_off(&w.app, base, "/api/clients", &w.op, &body, &key).await as usize;
        let client = retry(&w.app, "/api/clients", &w.op, &body, &key)
            .await
            .expect(201);
        let look = w
            .app
            .get(&format!("/api/clients/lookup?phone={phone}"), &w.op)
            .await
            .ok();
        assert_eq!(look["matches"].as_array().map(Vec::len), Some(1), "{look}");

        // An address of it.
        let path = format!("/api/clients/{}/addresses", id_of(&client));
        let body = json!({ "text": format!("Ленина {i}") });
        let key = format!("address-{i}");
        cut += cut_off(&w.app, base, &path, &w.op, &body, &key).await as usize;
        retry(&w.app, &path, &w.op, &body, &key).await.expect(201);
        let card = w
            .app
            .get(&format!("/api/clients/{}", id_of(&client)), &w.op)
            .await
            .ok();
        assert_eq!(
            card["addresses"].as_array().map(Vec::len),
            Some(2),
            "{card}"
        );

        // An order (answered in its own transaction).
        let body = json!({ "client_id": w.client, "address_id": w.addr,
            "lines": [{ "product_id": w.water, "qty": 1 }], "delivery_date": w.app.today(),
            "note": format!("drop {i}") });
        let key = format!("order-{i}");
        let before = w.app.count("/api/orders", &w.op).await;
        cut += cut_off(&w.app, base, "/api/orders", &w.op, &body, &key).await as usize;
        retry(&w.app, "/api/orders", &w.op, &body, &key)
            .await
            .expect(201);
        assert_eq!(w.app.count("/api/orders", &w.op).await, before + 1);
    }
    assert!(
        cut > 0,
        "no request was cut off: the sweep missed the handler"
    );
}

#[tokio::test]
async fn a_wallboard_link_is_made_once_and_its_key_is_never_stored() {
    let w = world().await;
    let (_, manager) = w.app.user("pavel", "manager", None).await;
    let body = json!({ "name": "Office TV" });
    let first = w
        .app
        .post_idem("/api/wallboards", &manager, body.clone(), "wb-1")
        .await
        .expect(201);
    let secret = first["key"].as_str().expect("key").to_string();
    // The retry learns that the link exists, not its key.
    let again = w
        .app
        .post_idem("/api/wallboards", &manager, body, "wb-1")
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["error"]["code"], "idempotency_answer_not_kept");
    assert!(!again.text.contains(&secret));
    assert!(
        again.text.contains(first["id"].as_str().expect("id")),
        "{}",
        again.text
    );
    let links = w.app.get("/api/wallboards", &manager).await.ok();
    assert_eq!(links.as_array().map(Vec::len), Some(1));
    // Nothing in the idempotency table holds the key in plain text.
    let rows = w
        .app
        .state
        .store
        .many("SELECT * FROM idem", Value::Null, vec![])
        .await
        .expect("idem rows");
    assert!(!rows.is_empty());
    assert!(!serde_json::to_string(&rows)
        .expect("json")
        .contains(&secret));
}

#[tokio::test]
async fn requests_without_a_valid_token_write_no_key() {
    let w = world().await;
    // An anonymous login with a key: its token is never stored.
    let login = w
        .app
        .http
        .post(w.app.url("/api/auth/login"))
        .header("Idempotency-Key", "login-1")
        .json(&json!({ "username": "olga", "password": "password-1" }))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    // Forged webhooks and a made-up token, each with a key.
    for (path, token) in [
        ("/api/telephony/events", None),
        ("/api/telephony/zadarma", None),
        ("/api/orders", Some("not-a-token")),
        ("/api/clients", Some("not-a-token")),
    ] {
        let mut req = w
            .app
            .http
            .post(w.app.url(path))
            .header("Idempotency-Key", format!("anon-{path}"))
            .json(&json!({ "event": "ringing", "call_id": "x", "from": "+79161234567" }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("post");
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
    }
    let rows = w
        .app
        .state
        .store
        .many("SELECT * FROM idem", Value::Null, vec![])
        .await
        .expect("idem rows");
    assert!(
        rows.is_empty(),
        "keys stored for unauthenticated requests: {rows:?}"
    );
}
