//! Input the server must refuse with a clear 422 before doing any work.

use rodnik_tests::*;
use serde_json::json;

#[tokio::test]
async fn dates_take_only_four_digit_years() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    for bad in ["+12345-01-01", "12345-01-01", "-0001-01-01", "0999-12-31"] {
        let e = app
            .post(
                "/api/orders",
                &op,
                json!({ "client_id": client, "address_id": addr, "delivery_date": bad,
                        "lines": [{ "product_id": water, "qty": 1 }] }),
            )
            .await
            .error(422);
        assert_eq!(e["field"], "delivery_date", "{bad}: {e}");
        let q = enc(bad);
        for path in [
            format!("/api/orders?date={q}"),
            format!("/api/reports/deliveries?from={q}&to=2026-01-01"),
            format!("/api/reports/lost-clients?as_of={q}"),
        ] {
            let r = app.get(&path, &manager).await;
            assert_eq!(r.status, 422, "{path}: {}", r.text);
        }
    }
    assert_eq!(app.count("/api/orders", &op).await, 0);
}

async fn login_as(app: &App, username: &str, password: &str, from: &str) -> Resp {
    Resp::read(
        app.http
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", from)
            .json(&json!({ "username": username, "password": password })),
    )
    .await
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username_and_per_address() {
    let app = spawn_app().await;
    app.user("olga", "operator", None).await;
    app.user("pavel", "operator", None).await;
    for _ in 0..5 {
        login_as(&app, "olga", "wrong-password", "203.0.113.7")
            .await
            .error(401);
    }
    // Now even the right password waits: guessing costs time.
    let held = login_as(&app, "Olga", "password-1", "198.51.100.1").await;
    let retry_after: u64 = held
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(held.error(429)["code"], "too_many_attempts");
    // Other users are not held.
    login_as(&app, "pavel", "password-1", "203.0.113.7")
        .await
        .expect(200);
    // After the wait, the right password works and clears the name.
    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    login_as(&app, "olga", "password-1", "203.0.113.7")
        .await
        .expect(200);
    login_as(&app, "olga", "wrong-password", "203.0.113.7")
        .await
        .error(401);

    // One address guessing many names is held too (unknown names included).
    for i in 0..30 {
        login_as(&app, &format!("guess{i}"), "wrong-password", "192.0.2.9")
            .await
            .error(401);
    }
    login_as(&app, "pavel", "password-1", "192.0.2.9")
        .await
        .error(429);
    login_as(&app, "pavel", "password-1", "192.0.2.10")
        .await
        .expect(200);
}

#[tokio::test]
async fn lists_in_a_request_are_bounded_before_any_work() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let phones: Vec<String> = (0..11).map(|i| format!("+7916123{i:04}")).collect();
    let e = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": "A", "phones": phones, "addresses": [{ "text": "Mira 1" }] }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "phones", "{e}");
    let addresses: Vec<_> = (0..51)
        .map(|i| json!({ "text": format!("Mira {i}") }))
        .collect();
    let e = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "B", "phones": ["+79161230000"], "addresses": addresses }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "addresses", "{e}");
    // A client at 50 addresses takes no 51st.
    let fifty: Vec<_> = (0..50)
        .map(|i| json!({ "text": format!("Mira {i}") }))
        .collect();
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "C", "phones": ["+79161230001"], "addresses": fifty }),
        )
        .await
        .expect(201);
    let e = app
        .post(
            &format!("/api/clients/{}/addresses", id_of(&c)),
            &op,
            json!({ "text": "Lenina 51" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "address", "{e}");
    let lines: Vec<_> = (0..51)
        .map(|i| json!({ "product_id": format!("p{i}"), "qty": 1 }))
        .collect();
    let addr = c["addresses"][0]["id"]
        .as_str()
        .expect("address")
        .to_string();
    let e = app
        .post(
            "/api/orders",
            &op,
            json!({ "client_id": id_of(&c), "address_id": addr, "delivery_date": app.today(), "lines": lines }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "lines", "{e}");
    // 10 phones and 50 lines' worth of limits are within bounds.
    let ten: Vec<String> = (0..10).map(|i| format!("+7916124{i:04}")).collect();
    app.post(
        "/api/clients",
        &op,
        json!({ "kind": "individual", "name": "D", "phones": ten, "addresses": [{ "text": "Mira 1" }] }),
    )
    .await
    .expect(201);
    let _ = water;
    assert_eq!(app.count("/api/orders", &op).await, 0);
}

/// Editing an order follows the rules of taking one: no product that went
/// off sale (unless the order already has it), no deactivated courier.
#[tokio::test]
async fn an_edited_order_follows_the_rules_of_a_new_one() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (sasha, _) = app.user("sasha", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 50000, false).await;
    let (client, addr) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    let o = app
        .order(
            &op,
            json!({ "client_id": client, "address_id": addr, "delivery_date": app.today(),
                    "lines": [{ "product_id": water, "qty": 2 }, { "product_id": cups, "qty": 1 }],
                    "courier_id": kolya }),
        )
        .await;
    let id = id_of(&o);
    for p in [&cups, &pump] {
        app.patch(
            &format!("/api/products/{p}"),
            &app.admin,
            json!({ "on_sale": false }),
        )
        .await
        .ok();
    }
    app.patch(
        &format!("/api/users/{sasha}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    let e = app
        .patch(
            &format!("/api/orders/{id}"),
            &op,
            json!({ "lines": [{ "product_id": water, "qty": 2 }, { "product_id": pump, "qty": 1 }] }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "lines[1].product_id", "{e}");
    let e = app
        .patch(
            &format!("/api/orders/{id}"),
            &op,
            json!({ "courier_id": sasha }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "courier_id", "{e}");
    // The cups it already has may stay, in a new quantity.
    let kept = app
        .patch(
            &format!("/api/orders/{id}"),
            &op,
            json!({ "lines": [{ "product_id": water, "qty": 3 }, { "product_id": cups, "qty": 2 }] }),
        )
        .await
        .ok();
    assert_eq!(kept["total"], 3 * 25000 + 2 * 1500);
}

/// Connections: the listener's header-read deadline (slowloris, idle
/// keep-alive) and its caps, over raw TCP.
mod connections {
    use std::time::Duration;

    use rodnik::config::Config;
    use rodnik_tests::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// A whole request for `/api/health`, as raw bytes.
    const HEALTH: &[u8] = b"GET /api/health HTTP/1.1\r\nHost: rodnik\r\n\r\n";

    fn addr(app: &App) -> String {
        app.base.trim_start_matches("http://").to_string()
    }

    async fn app_with(f: impl FnOnce(&mut rodnik::http::server::ConnectionLimits)) -> App {
        let mut cfg = Config::for_tests();
        f(&mut cfg.connections);
        spawn_with(cfg).await
    }

    /// Reads until the server closes the connection (or resets it); the
    /// bytes it sent. Panics if it is still open after `within`.
    async fn closed_by_server(s: &mut TcpStream, within: Duration) -> Vec<u8> {
        let mut got = vec![];
        let mut buf = [0u8; 4096];
        let read = async {
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
        };
        tokio::time::timeout(within, read)
            .await
            .expect("the server kept the connection open");
        got
    }

    async fn health_on(s: &mut TcpStream) -> String {
        s.write_all(HEALTH).await.unwrap();
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        String::from_utf8_lossy(&buf[..n]).to_string()
    }

    #[tokio::test]
    async fn a_client_that_sends_its_headers_slowly_is_cut_off() {
        let app = app_with(|l| l.header_read_timeout = Duration::from_secs(1)).await;
        let mut slow = TcpStream::connect(addr(&app)).await.unwrap();
        slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: rodnik\r\n")
            .await
            .unwrap();
        // One header byte every 200 ms: never a whole head within a second.
        let dribble = async {
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if slow.write_all(b"X").await.is_err() {
                    return true;
                }
            }
            false
        };
        let cut = tokio::time::timeout(Duration::from_secs(15), dribble).await;
        assert!(
            matches!(cut, Ok(true)),
            "the server still reads a head sent a byte at a time"
        );
        // Everyone else is served meanwhile.
        let mut other = TcpStream::connect(addr(&app)).await.unwrap();
        assert!(health_on(&mut other).await.starts_with("HTTP/1.1 200"));
    }

    #[tokio::test]
    async fn an_idle_kept_alive_connection_is_closed() {
        let app = app_with(|l| l.header_read_timeout = Duration::from_secs(1)).await;
        let mut s = TcpStream::connect(addr(&app)).await.unwrap();
        assert!(health_on(&mut s).await.starts_with("HTTP/1.1 200"));
        // Kept alive after the answer, then closed when nothing comes.
        let rest = closed_by_server(&mut s, Duration::from_secs(10)).await;
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
        // A connection that never sends anything goes the same way.
        let mut silent = TcpStream::connect(addr(&app)).await.unwrap();
        closed_by_server(&mut silent, Duration::from_secs(10)).await;
    }

    /// Opens connections and asks each for `/api/health` until one is not
    /// answered within `wait`; returns the answered ones and that one.
    async fn fill(app: &App, wait: Duration) -> (Vec<TcpStream>, TcpStream, bool) {
        let mut held = vec![];
        for _ in 0..16 {
            let mut s = TcpStream::connect(addr(app)).await.unwrap();
            let _ = s.write_all(HEALTH).await;
            let mut buf = [0u8; 64];
            match tokio::time::timeout(wait, s.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => {
                    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
                    held.push(s);
                }
                // Closed at once (per-address cap).
                Ok(_) => return (held, s, true),
                // Not answered (global cap: waiting to be accepted).
                Err(_) => return (held, s, false),
            }
        }
        panic!("16 connections were all served");
    }

    #[tokio::test]
    async fn one_address_cannot_take_every_connection() {
        let app = app_with(|l| {
            l.max_per_address = 3;
            l.exempt_loopback = false;
        })
        .await;
        let refused_before = metric(&app, "rodnik_http_connections_refused_total").await;
        // The test client's pooled connection is one of the three.
        let (mut held, _refused, closed) = fill(&app, Duration::from_secs(10)).await;
        assert!(closed, "the connection over the cap was not closed");
        assert!((2..=3).contains(&held.len()), "{} served", held.len());
        let refused = metric(&app, "rodnik_http_connections_refused_total").await;
        assert!(refused > refused_before, "{refused} <= {refused_before}");
        // A slot is free again once one closes (the server notices first).
        held.pop();
        let mut served = false;
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut s = TcpStream::connect(addr(&app)).await.unwrap();
            if s.write_all(HEALTH).await.is_ok() {
                let mut buf = [0u8; 64];
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await
                {
                    if n > 0 {
                        served = String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200");
                        break;
                    }
                }
            }
        }
        assert!(served, "not served after a slot freed");
    }

    #[tokio::test]
    async fn at_the_cap_newcomers_wait_until_a_connection_closes() {
        let app = app_with(|l| {
            l.max_connections = 4;
            l.header_read_timeout = Duration::from_secs(60);
        })
        .await;
        // The test client's pooled connection is one of the four.
        let (mut held, mut waiting, closed) = fill(&app, Duration::from_millis(700)).await;
        assert!(!closed, "the waiting connection was closed, not queued");
        assert!((3..=4).contains(&held.len()), "{} served", held.len());
        held.pop();
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(10), waiting.read(&mut buf))
            .await
            .expect("served once a connection closed")
            .unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    }

    /// A value from `/metrics` (the test config's token), summed over labels.
    async fn metric(app: &App, name: &str) -> f64 {
        let text = app
            .http
            .get(app.url("/metrics"))
            .bearer_auth("metrics-token")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .filter(|l| l.split([' ', '{']).next() == Some(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}
