//! Several Rodnik nodes on one SurrealDB server (`cargo xtask bench nodes`,
//! issue 22 item 7).
//!
//! Starts the SurrealDB server built from the `surrealdb-server` crate
//! (tools/surreal-server, in-memory storage, as the `ws://` tests do), fills
//! it once with `rodnik generate --db ws://...`, then for 1, 2 and 3 nodes
//! starts that many `rodnik serve --db ws://...` processes and measures:
//!
//! - order creation at `--writers` concurrent clients (8 and 32), each for
//!   `--seconds`: throughput, p50/p99, errors, and the CPU seconds each
//!   process (every node, the SurrealDB server, this driver) spent;
//! - the screen pop across nodes: a signed `ringing` webhook posted to node A,
//!   `call.ringing` read on op01's socket on node B (the last node; the same
//!   node when there is one);
//! - fan-out: `--sockets` sockets spread over the nodes, one order change
//!   through node A, the time until the last socket has it.
//!
//! The round-robin is the driver itself: every request goes to the next
//! node's address (one keep-alive client per node, a shared counter), as a
//! per-request round-robin balancer (nginx `upstream` without `ip_hash`)
//! would send it. Sockets are spread the same way, one after another.
//!
//! Orders go to tomorrow and are cancelled after each node count. The same
//! SurrealDB server (and data) serves the three node counts; the nodes are
//! stopped and started between them.
//!
//! ```text
//! bench_nodes --server PATH_TO_rodnik --surreal PATH_TO_surreal-server
//!             [--nodes 1,2,3] [--writers 8,32] [--seconds N (10)] [--pops N (200)]
//!             [--sockets N (600)] [--clients N (2000)] [--orders N (40000)] [--router] [--quick]
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "demo12345";
const SECRET: &str = "bench-nodes-telephony-secret";
const ADMIN_PASSWORD: &str = "bench-nodes-admin-password";
const WAIT: Duration = Duration::from_secs(10);

struct Args {
    server: PathBuf,
    surreal: PathBuf,
    nodes: Vec<usize>,
    writers: Vec<usize>,
    seconds: f64,
    pops: usize,
    sockets: usize,
    clients: usize,
    orders: usize,
    /// `SURREAL_LIVE_QUERY_ENGINE=router` on the SurrealDB server: live
    /// notifications by its per-node router (what a cluster of SurrealDB
    /// nodes over TiKV needs) instead of inline on the write path.
    router: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        server: PathBuf::new(),
        surreal: PathBuf::new(),
        nodes: vec![1, 2, 3],
        writers: vec![8, 32],
        seconds: 10.0,
        pops: 200,
        sockets: 600,
        clients: 2000,
        orders: 40_000,
        router: false,
    };
    let list = |v: String| -> Result<Vec<usize>, String> {
        v.split(',')
            .map(|n| n.trim().parse::<usize>().map_err(|e| format!("{v}: {e}")))
            .filter(|n| !matches!(n, Ok(0)))
            .collect()
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--server" => a.server = PathBuf::from(value()?),
            "--surreal" => a.surreal = PathBuf::from(value()?),
            "--nodes" => a.nodes = list(value()?)?,
            "--writers" => a.writers = list(value()?)?,
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--pops" => a.pops = number(value()?)?,
            "--sockets" => a.sockets = number(value()?)?.max(1),
            "--clients" => a.clients = number(value()?)?.max(1),
            "--orders" => a.orders = number(value()?)?.max(1),
            "--router" => a.router = true,
            "--quick" => {
                a.seconds = 2.0;
                a.pops = 20;
                a.sockets = 60;
                a.clients = 200;
                a.orders = 2000;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    for (p, what) in [(&a.server, "--server (rodnik)"), (&a.surreal, "--surreal")] {
        if !p.exists() {
            return Err(format!("{what}: {} does not exist", p.display()));
        }
    }
    if a.nodes.is_empty() || a.writers.is_empty() || !(a.seconds > 0.0) {
        return Err("--nodes, --writers and --seconds must be positive".into());
    }
    Ok(a)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// A child process killed when dropped (also on an error).
struct Proc {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn spawn(name: &str, mut cmd: Command, logs: &Path) -> Result<Proc, String> {
        let log = logs.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = cmd
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Proc {
            child,
            name: name.into(),
            log,
        })
    }

    fn tail(&self) -> String {
        let s = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// User + system CPU time so far.
    fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.child.id()))
    }
}

fn cpu_of(stat: &str) -> Duration {
    let Ok(s) = std::fs::read_to_string(stat) else {
        return Duration::ZERO;
    };
    // Fields after the command name's closing parenthesis: utime is 14th, stime 15th.
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Duration::from_secs_f64(f.iter().sum::<u64>() as f64 / hz)
}

async fn wait_port(port: u16, p: &mut Proc) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        if let Ok(Some(st)) = p.child.try_wait() {
            return Err(format!("{} exited ({st}):\n{}", p.name, p.tail()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "{} did not listen on {port}:\n{}",
        p.name,
        p.tail()
    ))
}

// --------------------------------------------------------------------- HTTP

#[derive(Clone)]
struct Cluster {
    nodes: Vec<String>,
    http: reqwest::Client,
    next: Arc<AtomicUsize>,
}

static KEYS: AtomicUsize = AtomicUsize::new(0);

fn idem_key() -> String {
    let n = KEYS.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        std::process::id(),
        (n as u64) ^ 0x5eed_0000_0000
    )
}

impl Cluster {
    /// The next node's base URL (round-robin).
    fn pick(&self) -> &str {
        &self.nodes[self.next.fetch_add(1, Ordering::Relaxed) % self.nodes.len()]
    }

    async fn call_at(
        &self,
        base: &str,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let mut req = self.http.request(method.clone(), format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
            if method == reqwest::Method::POST {
                req = req.header("Idempotency-Key", idem_key());
            }
        }
        let r = req
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = r.status();
        let bytes = r
            .bytes()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if !status.is_success() {
            return Err(format!(
                "{method} {path}: {status} {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            ));
        }
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let base = self.pick().to_string();
        self.call_at(&base, method, path, token, body).await
    }

    async fn get(&self, path: &str, token: &str) -> Result<Value, String> {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    async fn login(&self, user: &str) -> Result<String, String> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/api/auth/login",
                None,
                Some(&json!({ "username": user, "password": PASSWORD })),
            )
            .await?;
        v["token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("login {user}: {v}"))
    }
}

fn ws_url(base: &str, token: &str) -> String {
    format!(
        "{}/api/live?token={}",
        base.replace("http://", "ws://"),
        rodnik_tests::enc(token)
    )
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

// ------------------------------------------------------------------ context

struct Ctx {
    cl: Cluster,
    manager: String,
    operators: Vec<String>,
    clients: Vec<(String, String)>,
    phones: Vec<String>,
    water: String,
    tomorrow: String,
    created: std::sync::Mutex<Vec<String>>,
}

async fn context(cl: Cluster) -> Result<Ctx, String> {
    let manager = cl.login("manager").await?;
    let mut operators = vec![];
    for i in 1..=12 {
        match cl.login(&format!("op{i:02}")).await {
            Ok(t) => operators.push(t),
            Err(e) if i == 1 => return Err(e),
            Err(_) => break,
        }
    }
    let couriers = cl.get("/api/users?role=courier", &manager).await?;
    let courier = couriers[0]["id"].as_str().ok_or("no courier")?.to_string();
    let route = cl
        .get(
            &format!("/api/route?courier_id={}", rodnik_tests::enc(&courier)),
            &manager,
        )
        .await?;
    let today: chrono::NaiveDate = route["date"]
        .as_str()
        .ok_or("no route date")?
        .parse()
        .map_err(|e| format!("route date: {e}"))?;
    let products = cl.get("/api/products", &manager).await?;
    let water = products
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["kind"] == "water")
        .max_by_key(|p| p["returnable"].as_bool().unwrap_or(false))
        .and_then(|p| p["id"].as_str())
        .ok_or("no water product")?
        .to_string();
    let mut ids = vec![];
    let mut seen = std::collections::HashSet::new();
    for back in 0..60 {
        if ids.len() >= 500 {
            break;
        }
        let day = today - chrono::Duration::days(back);
        let orders = cl
            .get(&format!("/api/orders?date={day}&limit=500"), &manager)
            .await?;
        for o in orders.as_array().into_iter().flatten() {
            if let Some(c) = o["client_id"].as_str() {
                if ids.len() < 500 && seen.insert(c.to_string()) {
                    ids.push(c.to_string());
                }
            }
        }
    }
    let mut clients = vec![];
    let mut phones = vec![];
    for id in ids {
        let card = cl
            .get(
                &format!("/api/clients/{}", rodnik_tests::enc(&id)),
                &manager,
            )
            .await?;
        if let Some(a) = card["addresses"][0]["id"].as_str() {
            clients.push((id, a.to_string()));
        }
        if let Some(p) = card["phones"][0].as_str() {
            phones.push(p.to_string());
        }
    }
    if clients.is_empty() || phones.is_empty() {
        return Err("no clients with an address and a phone in the data".into());
    }
    Ok(Ctx {
        cl,
        manager,
        operators,
        clients,
        phones,
        water,
        tomorrow: (today + chrono::Duration::days(1)).to_string(),
        created: std::sync::Mutex::default(),
    })
}

// ------------------------------------------------------------- measurements

#[derive(Default)]
struct Sample {
    lat: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

impl Sample {
    fn record(&mut self, d: Duration, r: Result<(), String>) {
        match r {
            Ok(()) => self.lat.push(d),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn pct(&self, p: f64) -> Duration {
        let mut v = self.lat.clone();
        v.sort();
        if v.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        v[rank.min(v.len()) - 1]
    }

    fn row(&self, name: &str, rate: Option<f64>, note: &str) -> String {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {note} |",
            self.lat.len(),
            self.errors,
            ms(self.pct(50.0)),
            ms(self.pct(99.0)),
            ms(self.pct(100.0)),
            rate.map_or("-".into(), |r| format!("{r:.0}/s")),
        )
    }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

async fn create_once(ctx: &Ctx, token: &str, rng: &mut Rng) -> Result<(), String> {
    let (client, address) = &ctx.clients[rng.below(ctx.clients.len())];
    let body = json!({
        "client_id": client, "address_id": address, "delivery_date": ctx.tomorrow,
        "lines": [{ "product_id": ctx.water, "qty": 1 + rng.below(3) }],
        "window": { "from": "09:00", "to": "13:00" },
    });
    let o = ctx
        .cl
        .call(
            reqwest::Method::POST,
            "/api/orders",
            Some(token),
            Some(&body),
        )
        .await?;
    let id = o["id"].as_str().ok_or("no id")?.to_string();
    if let Ok(mut c) = ctx.created.lock() {
        c.push(id);
    }
    Ok(())
}

async fn writes(ctx: &Arc<Ctx>, writers: usize, seconds: f64) -> (Sample, f64) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..writers)
        .map(|i| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let token = ctx.operators[i % ctx.operators.len()].clone();
                let mut rng = Rng(i as u64 * 7919 + 1);
                let mut s = Sample::default();
                while Instant::now() < deadline {
                    let t0 = Instant::now();
                    let r = create_once(&ctx, &token, &mut rng).await;
                    s.record(t0.elapsed(), r);
                }
                s
            })
        })
        .collect();
    let mut all = Sample::default();
    for t in tasks {
        if let Ok(s) = t.await {
            all.lat.extend(s.lat);
            all.errors += s.errors;
            if all.first_error.is_none() {
                all.first_error = s.first_error;
            }
        }
    }
    let rate = all.lat.len() as f64 / started.elapsed().as_secs_f64();
    (all, rate)
}

fn sign(body: &[u8]) -> Result<String, String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

async fn webhook(cl: &Cluster, base: &str, body: &Value) -> Result<(), String> {
    let raw = rodnik_tests::fresh(body.clone()).to_string();
    let r = cl
        .http
        .post(format!("{base}/api/telephony/events"))
        .header("content-type", "application/json")
        .header("X-Rodnik-Signature", sign(raw.as_bytes())?)
        .body(raw)
        .send()
        .await
        .map_err(|e| format!("webhook: {e}"))?;
    let st = r.status();
    let _ = r.bytes().await;
    if st.is_success() {
        Ok(())
    } else {
        Err(format!("webhook: {st}"))
    }
}

async fn wait_text(ws: &mut Socket, needles: &[&str]) -> Option<Instant> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) if needles.iter().all(|n| t.as_str().contains(n)) => {
                return Some(Instant::now())
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

/// Webhook to the first node, `call.ringing` on op01's socket on the last.
async fn screen_pop(ctx: &Ctx, pops: usize) -> Result<Sample, String> {
    let a = ctx.cl.nodes[0].clone();
    let b = ctx.cl.nodes[ctx.cl.nodes.len() - 1].clone();
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url(&b, &ctx.operators[0]))
        .await
        .map_err(|e| format!("websocket: {e}"))?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let run = format!(
        "{}-{}",
        std::process::id(),
        KEYS.fetch_add(1, Ordering::Relaxed)
    );
    let mut s = Sample::default();
    let warm = 10;
    for i in 0..warm + pops {
        let call_id = format!("nodes-pop-{run}-{i}");
        let from = &ctx.phones[i % ctx.phones.len()];
        let ring = json!({ "event": "ringing", "call_id": call_id, "from": from,
                           "to": "+74950000000", "extension": "101" });
        let quoted = format!("\"{call_id}\"");
        let needles = ["\"type\":\"call.ringing\"", quoted.as_str()];
        let t0 = Instant::now();
        let (sent, got) = tokio::join!(webhook(&ctx.cl, &a, &ring), wait_text(&mut ws, &needles));
        let r = match (sent, got) {
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(format!("no call.ringing for {call_id}")),
            (Ok(()), Some(_)) => Ok(()),
        };
        if i >= warm {
            s.record(got.map(|t| t - t0).unwrap_or_default(), r);
        }
        let mut ended = ring.clone();
        ended["event"] = json!("ended");
        webhook(&ctx.cl, &a, &ended).await?;
    }
    let _ = ws.close(None).await;
    Ok(s)
}

/// `sockets` sockets over the nodes; an order changed through node A.
async fn fanout(ctx: &Ctx, sockets: usize, changes: usize) -> Result<Sample, String> {
    let mut tokens = vec![];
    for _ in 0..sockets.div_ceil(100).clamp(1, 10) {
        tokens.push(ctx.cl.login("manager").await?);
    }
    let a = ctx.cl.nodes[0].clone();
    let (client, address) = &ctx.clients[0];
    let order = ctx
        .cl
        .call_at(
            &a,
            reqwest::Method::POST,
            "/api/orders",
            Some(&ctx.manager),
            Some(&json!({ "client_id": client, "address_id": address,
                "delivery_date": ctx.tomorrow, "lines": [{ "product_id": ctx.water, "qty": 1 }] })),
        )
        .await?;
    let id = order["id"].as_str().ok_or("no id")?.to_string();
    if let Ok(mut c) = ctx.created.lock() {
        c.push(id.clone());
    }
    let mut version = order["version"].as_i64().ok_or("no version")?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Instant)>();
    let mut readers = vec![];
    for i in 0..sockets {
        let node = &ctx.cl.nodes[i % ctx.cl.nodes.len()];
        let (mut ws, _) = tokio_tungstenite::connect_async(ws_url(node, &tokens[i % tokens.len()]))
            .await
            .map_err(|e| format!("websocket {i}: {e}"))?;
        let tx = tx.clone();
        readers.push(tokio::spawn(async move {
            while let Some(Ok(m)) = ws.next().await {
                if let Message::Text(t) = m {
                    let t = t.as_str();
                    if let Some(at) = t.find("nodes-fanout-") {
                        let k: String = t[at + 13..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        if let Ok(k) = k.parse() {
                            let _ = tx.send((k, Instant::now()));
                        }
                    }
                }
            }
        }));
    }
    drop(tx);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let mut s = Sample::default();
    let warm = 2;
    for k in 0..warm + changes {
        let t0 = Instant::now();
        let r = ctx
            .cl
            .call_at(
                &a,
                reqwest::Method::PATCH,
                &format!("/api/orders/{}", rodnik_tests::enc(&id)),
                Some(&ctx.manager),
                Some(&json!({ "note": format!("nodes-fanout-{k}"), "expected_version": version })),
            )
            .await;
        let r = match r {
            Err(e) => Err(e),
            Ok(o) => {
                version = o["version"].as_i64().unwrap_or(version + 1);
                let mut got = 0;
                let mut last = t0;
                let deadline = tokio::time::Instant::now() + WAIT;
                while got < sockets {
                    match tokio::time::timeout_at(deadline, rx.recv()).await {
                        Ok(Some((m, at))) if m == k => {
                            got += 1;
                            last = last.max(at);
                        }
                        Ok(Some(_)) => {}
                        _ => break,
                    }
                }
                if got == sockets {
                    Ok(last - t0)
                } else {
                    Err(format!("change {k} reached {got} of {sockets} sockets"))
                }
            }
        };
        if k >= warm {
            match r {
                Ok(d) => s.record(d, Ok(())),
                Err(e) => s.record(Duration::ZERO, Err(e)),
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for r in readers {
        r.abort();
    }
    Ok(s)
}

async fn cancel_created(ctx: &Ctx) -> usize {
    let ids = ctx
        .created
        .lock()
        .map(|mut c| std::mem::take(&mut *c))
        .unwrap_or_default();
    let results: Vec<bool> = futures::stream::iter(ids.iter().map(|id| async move {
        ctx.cl
            .call(
                reqwest::Method::POST,
                &format!("/api/orders/{}/cancel", rodnik_tests::enc(id)),
                Some(&ctx.operators[0]),
                Some(&json!({ "reason": "Benchmark order" })),
            )
            .await
            .is_ok()
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    results.iter().filter(|ok| !**ok).count()
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

// --------------------------------------------------------------------- main

/// `rodnik SUBCOMMAND --db ws://...` as root of the SurrealDB server.
fn rodnik(a: &Args, sub: &str, db: &str) -> Command {
    let mut c = Command::new(&a.server);
    c.env("RODNIK_DB_USER", "root")
        .env("RODNIK_DB_PASS", "root")
        .env("RODNIK_TELEPHONY_SECRET", SECRET)
        .env("RODNIK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RODNIK_LOG", "warn")
        .env_remove("RUST_BACKTRACE")
        .args([sub, "--db", db]);
    c
}

async fn run(a: &Args) -> Result<(), String> {
    let logs = tempfile::tempdir().map_err(|e| e.to_string())?;
    let port = free_port()?;
    let mut cmd = Command::new(&a.surreal);
    cmd.args(["start", "--bind", &format!("127.0.0.1:{port}")])
        .args([
            "--user", "root", "--pass", "root", "--log", "warn", "memory",
        ]);
    let mut surreal = Proc::spawn("surreal-server", cmd, logs.path())?;
    wait_port(port, &mut surreal).await?;
    let db = format!("ws://127.0.0.1:{port}");
    eprintln!(
        "bench: generating {} clients and {} orders into {db} (one year)",
        a.clients, a.orders
    );
    let t = Instant::now();
    let mut gen = rodnik(a, "generate", &db);
    gen.args(["--years", "1", "--seed", "1"])
        .args(["--clients", &a.clients.to_string()])
        .args(["--orders", &a.orders.to_string()]);
    let st = gen.status().map_err(|e| format!("rodnik generate: {e}"))?;
    if !st.success() {
        return Err(format!("rodnik generate failed ({st})"));
    }
    eprintln!("bench: generated in {:.0} s", t.elapsed().as_secs_f64());

    let mut out = vec![
        format!(
            "SurrealDB server: {} (in memory, live queries {}); data: {} clients, {} orders over a year",
            a.surreal.display(),
            if a.router { "by the router engine" } else { "inline" },
            a.clients,
            a.orders
        ),
        String::new(),
        "| nodes | operation | samples | errors | p50 | p99 | max | throughput | notes |".into(),
        "|---:|---|---:|---:|---:|---:|---:|---:|---|".into(),
    ];
    for &n in &a.nodes {
        let mut nodes = vec![];
        let mut bases = vec![];
        for i in 0..n {
            let p = free_port()?;
            let mut serve = rodnik(a, "serve", &db);
            serve
                .args(["--listen", &format!("127.0.0.1:{p}")])
                .args(["--static-dir", "/nonexistent"]);
            let mut proc = Proc::spawn(&format!("node{i}"), serve, logs.path())?;
            wait_port(p, &mut proc).await?;
            nodes.push(proc);
            bases.push(format!("http://127.0.0.1:{p}"));
        }
        let http = reqwest::Client::builder()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        let cl = Cluster {
            nodes: bases,
            http,
            next: Arc::default(),
        };
        // Every node up (health) before measuring.
        for b in &cl.nodes {
            let started = Instant::now();
            while cl
                .call_at(b, reqwest::Method::GET, "/api/health", None, None)
                .await
                .is_err()
            {
                if started.elapsed() > Duration::from_secs(120) {
                    return Err(format!("{b} did not become healthy"));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let ctx = Arc::new(context(cl).await?);
        // Warm-up: a second of writes, not measured.
        let _ = writes(&ctx, 4, 1.0).await;
        for &w in &a.writers {
            let before: Vec<Duration> = nodes.iter().map(Proc::cpu).collect();
            let surreal_before = surreal.cpu();
            let me_before = cpu_of("/proc/self/stat");
            let load_before = load();
            let (s, rate) = writes(&ctx, w, a.seconds).await;
            let node_cpu: Vec<String> = nodes
                .iter()
                .zip(&before)
                .map(|(p, b)| format!("{:.1}", (p.cpu() - *b).as_secs_f64()))
                .collect();
            let note = format!(
                "CPU s: nodes {}, SurrealDB {:.1}, driver {:.1}; load {load_before}",
                node_cpu.join("+"),
                (surreal.cpu() - surreal_before).as_secs_f64(),
                (cpu_of("/proc/self/stat") - me_before).as_secs_f64()
            );
            if let Some(e) = &s.first_error {
                eprintln!("bench: first error: {e}");
            }
            let line = format!(
                "| {n} {}",
                s.row(&format!("create, {w} writers"), Some(rate), &note)
            );
            eprintln!("{line}");
            out.push(line);
        }
        let pop = screen_pop(&ctx, a.pops).await?;
        let where_ = if n == 1 {
            "webhook and socket on the one node".to_string()
        } else {
            format!("webhook to node 1, socket on node {n}")
        };
        let line = format!("| {n} {}", pop.row("screen pop", None, &where_));
        eprintln!("{line}");
        out.push(line);
        let fan = fanout(&ctx, a.sockets, 10).await?;
        let line = format!(
            "| {n} {}",
            fan.row(
                &format!("fan-out to {} sockets (last one)", a.sockets),
                None,
                &format!("sockets spread over {n} node(s), change through node 1"),
            )
        );
        eprintln!("{line}");
        out.push(line);
        let failed = cancel_created(&ctx).await;
        if failed > 0 {
            eprintln!("bench: {failed} orders could not be cancelled");
        }
        drop(nodes);
    }
    out.push(String::new());
    out.push(format!("load average at the end: {}", load()));
    println!("{}", out.join("\n"));
    drop(surreal);
    Ok(())
}

#[tokio::main]
async fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench_nodes: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&a).await {
        eprintln!("bench_nodes: {e}");
        std::process::exit(1);
    }
}
