//! Crash safety of the embedded default engine (SurrealKV): the real `rodnik`
//! binary on a folder, orders written by concurrent clients, `kill -9` in the
//! middle of the writes, restart on the same folder. Every order that was
//! acknowledged (201, or 200 for a dispatch) must be there afterwards.
//!
//! It lives in the `rodnik` package so that cargo builds the very binary under
//! test (`CARGO_BIN_EXE_rodnik`) with the same features as the test itself; so
//! it speaks plain HTTP/1.1 over a TCP stream instead of pulling in a client.
//! Figures are printed; run with `--nocapture` to see them (docs/storage.md).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ADMIN_PASSWORD: &str = "crash-admin-password";
const WRITERS: usize = 4;
/// Lines in a "big" order: with a long note, its record is over SurrealKV's
/// 4 KiB value-log threshold, so both storage paths are killed mid-write.
const BIG_ORDER_LINES: usize = 30;
/// How long writes go on before the kill, per round: short and long, so the
/// kill lands at different points of the engine's life.
const KILL_AFTER_MS: [u64; 8] = [150, 900, 400, 1500, 50, 2500, 10, 700];

/// A scratch folder removed at the end (also when an assertion fails).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running server; killed with SIGKILL when dropped, so a failed assertion
/// never leaves it behind.
struct Server {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn kill9(mut self) {
        // std's Child::kill is SIGKILL on Unix: no shutdown, no flush.
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reap");
    }
}

/// One request on a fresh connection: (status, JSON body). `Err` when the
/// server is gone (refused, reset, cut short).
async fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let fut = async {
        let mut s = TcpStream::connect(addr).await?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await?;
        let mut raw = vec![];
        s.read_to_end(&mut raw).await?;
        parse_response(&raw)
    };
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .unwrap_or_else(|_| Err(std::io::Error::other("request timed out")))
}

fn parse_response(raw: &[u8]) -> std::io::Result<(u16, Value)> {
    let cut = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "response cut short");
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(cut)?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(cut)?;
    let head = head.to_ascii_lowercase();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body).ok_or_else(cut)?
    } else {
        if let Some(len) = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
        {
            if body.len() < len {
                return Err(cut());
            }
        }
        body.to_string()
    };
    Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
}

fn dechunk(mut s: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n")?;
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..size)?);
        s = rest.get(size + 2..)?;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

async fn start(db: &Path, work: &Path, round: usize) -> Server {
    let port = free_port();
    let log = work.join(format!("server-{round}.log"));
    let out = std::fs::File::create(&log).expect("log file");
    let child = Command::new(env!("CARGO_BIN_EXE_rodnik"))
        .args(["serve", "--db"])
        .arg(db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RODNIK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RODNIK_LOG", "warn,surrealdb::core::kvs::surrealkv=info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        .spawn()
        .expect("start rodnik serve");
    let mut server = Server {
        child,
        addr: format!("127.0.0.1:{port}"),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "the server exited with {status} on start:\n{}",
                server.log_text()
            );
        }
        if let Ok((200, _)) = http(&server.addr, "GET", "/api/health", None, None).await {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not start:\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn login(addr: &str) -> String {
    let (status, v) = http(
        addr,
        "POST",
        "/api/auth/login",
        None,
        Some(&json!({ "username": "admin", "password": ADMIN_PASSWORD })),
    )
    .await
    .expect("login");
    assert_eq!(status, 200, "admin login: {v}");
    v["token"].as_str().expect("token").to_string()
}

/// What the server acknowledged about one order.
#[derive(Clone, Debug)]
struct Acked {
    number: Value,
    total: Value,
    version: i64,
    state: String,
    lines: usize,
    /// Size of the order as JSON, to count the big (value-log) ones.
    bytes: usize,
}

struct Catalogue {
    courier_id: String,
    product_ids: Vec<String>,
    client_id: String,
    address_id: String,
}

async fn seed(addr: &str, token: &str) -> Catalogue {
    let post = |path: &'static str, body: Value| async move {
        let (status, v) = http(addr, "POST", path, Some(token), Some(&body))
            .await
            .expect(path);
        assert_eq!(status, 201, "{path}: {v}");
        v
    };
    let courier = post(
        "/api/users",
        json!({ "username": "kolya", "password": "password-1", "name": "Kolya", "role": "courier" }),
    )
    .await;
    let mut product_ids = vec![];
    for i in 0..BIG_ORDER_LINES {
        let p = post(
            "/api/products",
            json!({ "sku": format!("W{i}"), "name": format!("Вода питьевая «Родник» 19 л, сорт {i}"),
                    "kind": "water", "unit": "bottle", "price": 25000 + i as i64, "returnable": true }),
        )
        .await;
        product_ids.push(p["id"].as_str().unwrap().to_string());
    }
    let client = post(
        "/api/clients",
        json!({ "kind": "individual", "name": "Иван Петров", "phones": ["+79123456789"],
                "addresses": [{ "text": "Lenina 1" }] }),
    )
    .await;
    Catalogue {
        courier_id: courier["id"].as_str().unwrap().into(),
        product_ids,
        client_id: client["id"].as_str().unwrap().into(),
        address_id: client["addresses"][0]["id"].as_str().unwrap().into(),
    }
}

type Ledger = Arc<Mutex<HashMap<String, Acked>>>;

/// Creates orders (and dispatches every other one) until the server dies;
/// records exactly what was acknowledged.
async fn writer(
    addr: String,
    token: String,
    cat: Arc<Catalogue>,
    date: String,
    acked: Ledger,
    n: usize,
) {
    for i in 0.. {
        // Every third order is big enough (> 4 KiB) to go to SurrealKV's value log.
        let big = (i + n).is_multiple_of(3);
        let lines: Vec<Value> = cat.product_ids[..if big { BIG_ORDER_LINES } else { 1 }]
            .iter()
            .map(|p| json!({ "product_id": p, "qty": 1 + (i + n) % 5 }))
            .collect();
        let note = if big {
            "Позвонить за час, домофон не работает. ".repeat(12)
        } else {
            String::new()
        };
        let body = json!({ "client_id": cat.client_id, "address_id": cat.address_id,
            "courier_id": cat.courier_id, "delivery_date": date, "lines": lines, "note": note.trim() });
        let o = match http(&addr, "POST", "/api/orders", Some(&token), Some(&body)).await {
            Ok((201, o)) => o,
            // Refused by a live server (a conflict under load): not acknowledged, go on.
            Ok(_) => continue,
            // The server is gone.
            Err(_) => return,
        };
        let id = o["id"].as_str().expect("id").to_string();
        acked.lock().unwrap().insert(
            id.clone(),
            Acked {
                number: o["number"].clone(),
                total: o["total"].clone(),
                version: o["version"].as_i64().expect("version"),
                state: o["state"].as_str().expect("state").into(),
                lines: o["lines"].as_array().map_or(0, Vec::len),
                bytes: o.to_string().len(),
            },
        );
        if i % 2 == 1 {
            let path = format!("/api/orders/{id}/dispatch");
            let o = match http(&addr, "POST", &path, Some(&token), Some(&json!({}))).await {
                Ok((200, o)) => o,
                Ok(_) => continue,
                Err(_) => return,
            };
            let mut map = acked.lock().unwrap();
            let a = map.get_mut(&id).expect("acked");
            a.version = o["version"].as_i64().expect("version");
            a.state = o["state"].as_str().expect("state").into();
        }
    }
}

/// Every acknowledged order is there, at least as far along as acknowledged,
/// and no order number was handed out twice.
async fn verify(addr: &str, token: &str, acked: &HashMap<String, Acked>) {
    let mut lost = vec![];
    for (id, a) in acked {
        let (status, o) = http(addr, "GET", &format!("/api/orders/{id}"), Some(token), None)
            .await
            .expect("read back");
        if status != 200 {
            lost.push(format!("{id}: {status}"));
            continue;
        }
        assert_eq!(o["number"], a.number, "order {id} changed its number");
        assert_eq!(o["total"], a.total, "order {id} changed its total");
        assert_eq!(
            o["lines"].as_array().map_or(0, Vec::len),
            a.lines,
            "order {id} lost lines"
        );
        let version = o["version"].as_i64().expect("version");
        assert!(
            version >= a.version,
            "order {id} went back from version {} to {version}",
            a.version
        );
        if a.state == "delivery" {
            assert_eq!(
                o["state"], "delivery",
                "order {id} lost its acknowledged dispatch"
            );
        }
    }
    assert!(
        lost.is_empty(),
        "acknowledged orders lost after kill -9: {lost:?}"
    );
    let (status, all) = http(addr, "GET", "/api/orders", Some(token), None)
        .await
        .expect("list");
    assert_eq!(status, 200, "{all}");
    let all = all.as_array().expect("orders");
    assert!(all.len() >= acked.len());
    let mut numbers: Vec<String> = all.iter().map(|o| o["number"].to_string()).collect();
    numbers.sort();
    let count = numbers.len();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        count,
        "two orders share a number after a crash"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_order_is_lost_when_the_server_is_killed_mid_write() {
    let started = Instant::now();
    let scratch =
        Scratch(std::env::temp_dir().join(format!("rodnik-crash-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&scratch.0).expect("scratch folder");
    let work = scratch.0.as_path();
    let db = work.join("db");

    let mut server = start(&db, work, 0).await;
    // The durability this test relies on: every commit waits for its fsync.
    assert!(
        server
            .log_text()
            .contains("Sync mode: every transaction commit"),
        "SurrealKV is not syncing every commit:\n{}",
        server.log_text()
    );
    let token = login(&server.addr).await;
    let cat = Arc::new(seed(&server.addr, &token).await);
    let date = chrono::Utc::now()
        .date_naive()
        .succ_opt()
        .expect("tomorrow")
        .to_string();
    let acked: Ledger = Arc::default();

    let mut per_round = vec![];
    for (round, kill_after) in KILL_AFTER_MS.iter().enumerate() {
        let token = login(&server.addr).await;
        let before = acked.lock().unwrap().len();
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let w = writer(
                    server.addr.clone(),
                    token.clone(),
                    cat.clone(),
                    date.clone(),
                    acked.clone(),
                    n,
                );
                tokio::spawn(w)
            })
            .collect();
        // Kill only once writes are flowing, then at a different moment each round.
        let deadline = Instant::now() + Duration::from_secs(15);
        while acked.lock().unwrap().len() < before + 3 {
            assert!(
                Instant::now() < deadline,
                "no order was acknowledged in round {round}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(*kill_after)).await;
        server.kill9();
        for w in writers {
            w.await.expect("writer task");
        }
        let acked_now = acked.lock().unwrap().clone();
        per_round.push(acked_now.len() - before);

        // The database must open again, with everything acknowledged in it.
        server = start(&db, work, round + 1).await;
        let token = login(&server.addr).await;
        verify(&server.addr, &token, &acked_now).await;
    }
    let total = acked.lock().unwrap().len();
    let dispatched = acked
        .lock()
        .unwrap()
        .values()
        .filter(|a| a.state == "delivery")
        .count();
    let big = acked
        .lock()
        .unwrap()
        .values()
        .filter(|a| a.bytes > 6 * 1024)
        .count();
    println!(
        "crash safety: {} kill -9 rounds, {total} acknowledged orders ({dispatched} also dispatched, \
         {big} over 6 KiB as JSON), per round {per_round:?}, none lost; {:.1} s",
        KILL_AFTER_MS.len(),
        started.elapsed().as_secs_f64()
    );
    drop(server);
}
