//! The fiscal receipts' queue survives a crash (issue 20, item 5): the real
//! `rodnik` binary on a folder delivers an individual's order while the
//! fiscal service is down, so the receipt stays queued; the process is
//! killed with SIGKILL; restarted on the same folder with the service back,
//! it sends the receipt, and the service registered it exactly once.

#[allow(dead_code)]
#[path = "../../tests/src/crash.rs"]
mod crash;

#[allow(dead_code)]
#[path = "../../tests/src/atol.rs"]
mod atol;

use std::time::{Duration, Instant};

use serde_json::{json, Value};

async fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, v, _) = crash::http(addr, method, path, Some(token), None, body.as_ref())
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    (status, v)
}

async fn ok(addr: &str, method: &str, path: &str, token: &str, body: Value, want: u16) -> Value {
    let (status, v) = call(addr, method, path, token, Some(body)).await;
    assert_eq!(status, want, "{method} {path}: {v}");
    v
}

async fn receipt(addr: &str, token: &str, order: &str) -> Value {
    let (status, v) = call(
        addr,
        "GET",
        &format!("/api/orders/{order}/receipts"),
        token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_receipt_is_sent_after_a_kill_and_a_restart() {
    let fake = atol::FakeAtol::start().await;
    fake.set_mode(atol::Mode::Down);
    let opts = crash::Options {
        env: vec![("RODNIK_FISCAL_TICK_MS".into(), "100".into())],
        ..crash::Options::ci(env!("CARGO_BIN_EXE_rodnik").into())
    };
    std::fs::create_dir_all(&opts.scratch).expect("scratch");
    let db = opts.scratch.join("db");
    let server = crash::start(&opts, &db, opts.scratch.join("first.log"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = server.addr.clone();
    let admin = crash::login(&addr).await.unwrap_or_else(|e| panic!("{e}"));
    let cat = crash::seed(&addr, &admin, 1)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    ok(&addr, "PUT", "/api/settings/company", &admin, json!({
        "name": "ООО «Родник»", "inn": "7701234567",
        "fiscal": { "enabled": true, "url": fake.url, "login": atol::LOGIN, "password": atol::PASSWORD,
                    "group_code": atol::GROUP, "sno": "osn",
                    "payment_address": "https://rodnik.example", "email": "kassa@rodnik.example" }
    }), 200).await;
    let (client, address) = cat.clients[0].clone();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
        .to_string();
    let order = ok(
        &addr,
        "POST",
        "/api/orders",
        &admin,
        json!({
            "client_id": client, "address_id": address,
            "lines": [{ "product_id": cat.product_ids[0], "qty": 2 }],
            "delivery_date": today, "courier_id": cat.courier_id
        }),
        201,
    )
    .await;
    let id = order["id"].as_str().expect("id").to_string();
    ok(
        &addr,
        "POST",
        &format!("/api/orders/{id}/dispatch"),
        &admin,
        json!({}),
        200,
    )
    .await;
    let (status, login, _) = crash::http(
        &addr,
        "POST",
        "/api/auth/login",
        None,
        None,
        Some(&json!({ "username": "kolya", "password": "password-1" })),
    )
    .await
    .expect("courier login");
    assert_eq!(status, 200, "{login}");
    let kolya = login["token"].as_str().expect("token").to_string();
    ok(
        &addr,
        "POST",
        &format!("/api/orders/{id}/deliver"),
        &kolya,
        json!({ "cash_collected": 50000, "empties_returned": 2 }),
        200,
    )
    .await;
    // The service is down: the receipt is tried and stays queued.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = receipt(&addr, &admin, &id).await;
        if r["attempts"].as_i64() >= Some(2) {
            assert_eq!(r["status"], "pending", "{r}");
            assert_eq!(r["error"]["type"], "network", "{r}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never tried: {r}\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill9().expect("kill -9");
    assert!(fake.registered().is_empty());
    fake.set_mode(atol::Mode::Normal);
    let server = crash::start(&opts, &db, opts.scratch.join("second.log"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = server.addr.clone();
    let admin = crash::login(&addr).await.unwrap_or_else(|e| panic!("{e}"));
    // The growing delay after the failures is 100 ms × 2^attempts; a kill
    // while the worker held the row leaves it leased for two minutes.
    let deadline = Instant::now() + Duration::from_secs(180);
    let r = loop {
        let r = receipt(&addr, &admin, &id).await;
        if r["status"] == "done" {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "not sent after the restart: {r}\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let reg = fake.registered();
    assert_eq!(reg.len(), 1, "registered once");
    assert_eq!(r["uuid"], reg[0].uuid.as_str());
    assert_eq!(
        reg[0].body["receipt"]["total"],
        json!(500.0),
        "2 × 250 roubles"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&opts.scratch);
}
