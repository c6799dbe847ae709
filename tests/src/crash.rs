//! The kill -9 cycle shared by the crash test (`backend/tests/crash_safety.rs`,
//! in CI) and the durability drill (`cargo xtask drill durability`,
//! `bench/src/bin/drill_durability.rs`): the real `rodnik` binary on a folder
//! (the default embedded engine), concurrent HTTP order writers with
//! Idempotency-Keys, SIGKILL in the middle of the writes, a restart on the same
//! folder, and a check of everything that was acknowledged.
//!
//! What counts:
//! - **lost**: an order answered `201` (or a dispatch answered `200`) that is
//!   not there (or no longer dispatched) after the restart;
//! - **changed**: an acknowledged order whose number, total or lines differ, or
//!   whose version went back;
//! - **duplicated**: an Idempotency-Key that ended as two orders, or two orders
//!   with one number;
//! - **stuck**: a creation or a dispatch left without an answer by the kill
//!   that, retried with its own key after the restart, did not end as exactly
//!   one order or one dispatch (before issue 16, a dispatch's key stayed
//!   "in use" forever).
//!
//! The file is compiled twice (`#[path]` module of the backend's test, module of
//! `rodnik-tests`): it uses only tokio, serde_json and std, and speaks plain
//! HTTP/1.1 over a TCP stream.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const ADMIN_PASSWORD: &str = "crash-admin-password";
/// Lines in a "big" order: with a long note its record is over SurrealKV's
/// 4 KiB value-log threshold, so both storage paths are killed mid-write.
const BIG_ORDER_LINES: usize = 30;

/// What a run does. `Options::ci` is the crash test's, the drill sets its own.
#[derive(Clone, Debug)]
pub struct Options {
    /// The `rodnik` binary under test.
    pub server: PathBuf,
    /// Concurrent HTTP writers (each with its own client).
    pub writers: usize,
    /// Kill -9 cycles at most.
    pub kills: usize,
    /// No new cycle starts after this long (the cycles already done count)...
    pub budget: Duration,
    /// ...unless fewer cycles than this are done: on a loaded machine a cycle
    /// takes longer, and the run goes on (up to four budgets) rather than
    /// judging durability on too few kills.
    pub min_kills: usize,
    /// Kill after the first acknowledgements plus this many milliseconds, chosen
    /// per cycle from the list in turn.
    pub kill_after_ms: Vec<u64>,
    /// SurrealKV's memtable size in bytes (`SURREAL_SURREALKV_MAX_MEMTABLE_SIZE`):
    /// small, it rotates every few dozen orders. `None`: the server's default.
    pub memtable_bytes: Option<u64>,
    /// A thread writing and fsyncing a large file beside the database.
    pub io_pressure: bool,
    /// Threads spinning on the CPU during the writes.
    pub cpu_pressure: usize,
    /// A new, empty folder every this many cycles (cold starts); `None` keeps
    /// one folder for the whole run (a long-lived database).
    pub fresh_folder_every: Option<usize>,
    /// Where the folders go (removed at the end).
    pub scratch: PathBuf,
    /// Print a line per cycle.
    pub verbose: bool,
    /// A command the server runs under (e.g. `strace -f -o FILE`); empty: none.
    pub wrap: Vec<String>,
    /// More environment for the server (name, value).
    pub env: Vec<(String, String)>,
}

impl Options {
    /// The CI crash test: 32 writers, a 256 KiB memtable (a rotation every few
    /// dozen orders, where the SurrealKV bug of issue 14 lost the commit that
    /// triggered each one), I/O pressure, about a minute.
    pub fn ci(server: PathBuf) -> Options {
        Options {
            server,
            writers: 32,
            kills: 40,
            budget: Duration::from_secs(55),
            min_kills: 10,
            kill_after_ms: vec![150, 900, 400, 1500, 50, 2500, 10, 700, 1200, 300],
            memtable_bytes: Some(256 * 1024),
            io_pressure: true,
            cpu_pressure: 0,
            fresh_folder_every: None,
            scratch: std::env::temp_dir().join(format!("rodnik-crash-{}", run_id())),
            verbose: true,
            wrap: vec![],
            env: vec![],
        }
    }
}

/// The figures of a run.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub kills: usize,
    pub folders: usize,
    pub acknowledged: usize,
    pub dispatched: usize,
    pub big: usize,
    /// Creations left without an answer by a kill and retried with their key.
    pub retried: usize,
    /// Of the retried creations, those answered with the first try's stored
    /// answer (it had committed before the kill).
    pub replayed: usize,
    /// Answers other than success from a live server (conflicts under load).
    pub refused: usize,
    pub lost: Vec<String>,
    pub changed: Vec<String>,
    pub duplicated: Vec<String>,
    pub stuck: Vec<String>,
    pub seconds: f64,
    /// Kills after which something was lost, changed, duplicated or stuck.
    pub bad_kills: usize,
    /// Acknowledged orders per cycle.
    pub per_cycle: Vec<usize>,
}

impl Tally {
    pub fn clean(&self) -> bool {
        self.lost.is_empty()
            && self.changed.is_empty()
            && self.duplicated.is_empty()
            && self.stuck.is_empty()
    }

    pub fn add(&mut self, o: &Tally) {
        self.kills += o.kills;
        self.folders += o.folders;
        self.acknowledged += o.acknowledged;
        self.dispatched += o.dispatched;
        self.big += o.big;
        self.retried += o.retried;
        self.replayed += o.replayed;
        self.refused += o.refused;
        self.lost.extend(o.lost.iter().cloned());
        self.changed.extend(o.changed.iter().cloned());
        self.duplicated.extend(o.duplicated.iter().cloned());
        self.stuck.extend(o.stuck.iter().cloned());
        self.seconds += o.seconds;
        self.bad_kills += o.bad_kills;
        self.per_cycle.extend(o.per_cycle.iter().copied());
    }

    /// One line of figures.
    pub fn summary(&self) -> String {
        format!(
            "{} kills on {} folder(s), {} acknowledged orders ({} also dispatched, {} over 6 KiB), \
             {} unanswered creations and dispatches retried ({} replayed), {} refused under load; lost {}, changed {}, \
             duplicated {}, stuck {}; {:.1} s",
            self.kills,
            self.folders,
            self.acknowledged,
            self.dispatched,
            self.big,
            self.retried,
            self.replayed,
            self.refused,
            self.lost.len(),
            self.changed.len(),
            self.duplicated.len(),
            self.stuck.len(),
            self.seconds
        )
    }

    /// The problems, at most `n` of each kind.
    pub fn problems(&self, n: usize) -> String {
        let head = |v: &Vec<String>| v.iter().take(n).cloned().collect::<Vec<_>>();
        format!(
            "lost: {:?}\nchanged: {:?}\nduplicated: {:?}\nstuck: {:?}",
            head(&self.lost),
            head(&self.changed),
            head(&self.duplicated),
            head(&self.stuck)
        )
    }
}

fn run_id() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}-{t:x}", std::process::id())
}

/// A running server; killed with SIGKILL when dropped, so a failed assertion
/// never leaves it behind.
pub struct Server {
    child: Child,
    pub addr: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL (std's `Child::kill` on Unix): no shutdown, no flush.
    pub fn kill9(mut self) -> Result<(), String> {
        self.child.kill().map_err(|e| format!("kill -9: {e}"))?;
        self.child.wait().map_err(|e| format!("reap: {e}"))?;
        Ok(())
    }
}

/// One request on a fresh connection: (status, JSON body). `Err` when the
/// server is gone (refused, reset, cut short) or did not answer in time.
pub async fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value, String)> {
    let fut = async {
        let mut s = TcpStream::connect(addr).await?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let key = key
            .map(|k| format!("Idempotency-Key: {k}\r\n"))
            .unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}{key}\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await?;
        let mut raw = vec![];
        s.read_to_end(&mut raw).await?;
        parse_response(&raw)
    };
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .unwrap_or_else(|_| Err(std::io::Error::other("request timed out")))
}

fn parse_response(raw: &[u8]) -> std::io::Result<(u16, Value, String)> {
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
    let value = serde_json::from_str(&body).unwrap_or(Value::Null);
    Ok((status, value, head))
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

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Starts `rodnik serve` on `db` and waits for its health check.
pub async fn start(opts: &Options, db: &Path, log: PathBuf) -> Result<Server, String> {
    let port = free_port()?;
    let out = std::fs::File::create(&log).map_err(|e| format!("log file: {e}"))?;
    let err = out.try_clone().map_err(|e| format!("log file: {e}"))?;
    let mut cmd = match opts.wrap.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(&opts.server);
            c
        }
        None => Command::new(&opts.server),
    };
    cmd.args(["serve", "--db"])
        .arg(db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RODNIK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RODNIK_LOG", "warn,surrealdb::core::kvs::surrealkv=info")
        .env("NO_COLOR", "1")
        // As deployed: a backtrace captured on every conflict retry is not.
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for (k, v) in &opts.env {
        cmd.env(k, v);
    }
    match opts.memtable_bytes {
        Some(b) => cmd.env("SURREAL_SURREALKV_MAX_MEMTABLE_SIZE", b.to_string()),
        None => cmd.env_remove("SURREAL_SURREALKV_MAX_MEMTABLE_SIZE"),
    };
    let child = cmd
        .spawn()
        .map_err(|e| format!("start {}: {e}", opts.server.display()))?;
    let mut server = Server {
        child,
        addr: format!("127.0.0.1:{port}"),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!(
                "the server exited with {status} on start:\n{}",
                server.log_text()
            ));
        }
        if let Ok((200, _, _)) = http(&server.addr, "GET", "/api/health", None, None, None).await {
            return Ok(server);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the server did not start:\n{}{}",
                server.log_text(),
                stacks(server.child.id())
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Every thread's stack of a server that hangs, when gdb is installed (a
/// deadlock in the storage engine looked exactly like a slow start: issue 17).
fn stacks(pid: u32) -> String {
    match Command::new("gdb")
        .args([
            "-batch",
            "-nx",
            "-ex",
            "thread apply all bt 30",
            "-p",
            &pid.to_string(),
        ])
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => format!(
            "\n--- its threads (gdb) ---\n{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => "\n(install gdb to see where it hangs)".into(),
    }
}

pub async fn login(addr: &str) -> Result<String, String> {
    let body = json!({ "username": "admin", "password": ADMIN_PASSWORD });
    let (status, v, _) = http(addr, "POST", "/api/auth/login", None, None, Some(&body))
        .await
        .map_err(|e| format!("login: {e}"))?;
    if status != 200 {
        return Err(format!("admin login: {status} {v}"));
    }
    v["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("login answer without a token: {v}"))
}

/// What the writers need: a courier, the products, one client per writer.
pub struct Catalogue {
    pub courier_id: String,
    pub product_ids: Vec<String>,
    /// (client, address) per writer.
    pub clients: Vec<(String, String)>,
}

pub async fn seed(addr: &str, token: &str, writers: usize) -> Result<Catalogue, String> {
    let post = |path: &'static str, body: Value| async move {
        let (status, v, _) = http(addr, "POST", path, Some(token), None, Some(&body))
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        if status != 201 {
            return Err(format!("{path}: {status} {v}"));
        }
        Ok::<Value, String>(v)
    };
    let id = |v: &Value, what: &str| {
        v["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("{what} without an id: {v}"))
    };
    let courier = post(
        "/api/users",
        json!({ "username": "kolya", "password": "password-1", "name": "Kolya", "role": "courier" }),
    )
    .await?;
    let mut product_ids = vec![];
    for i in 0..BIG_ORDER_LINES {
        let p = post(
            "/api/products",
            json!({ "sku": format!("W{i}"), "name": format!("Вода питьевая «Родник» 19 л, сорт {i}"),
                    "kind": "water", "unit": "bottle", "price": 25000 + i as i64, "returnable": true }),
        )
        .await?;
        product_ids.push(id(&p, "product")?);
    }
    let mut clients = vec![];
    for w in 0..writers {
        let c = post(
            "/api/clients",
            json!({ "kind": "individual", "name": format!("Клиент {w}"),
                    "phones": [format!("+7912{:07}", 3_456_000 + w)],
                    "addresses": [{ "text": format!("Lenina {}", w + 1) }] }),
        )
        .await?;
        let address = c["addresses"][0]["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("client without an address: {c}"))?;
        clients.push((id(&c, "client")?, address));
    }
    Ok(Catalogue {
        courier_id: id(&courier, "courier")?,
        product_ids,
        clients,
    })
}

/// What the server acknowledged about one order.
#[derive(Clone, Debug)]
struct Acked {
    key: String,
    /// Acknowledged by a retry after the restart (the kill cut the first try).
    retried: bool,
    date: String,
    number: Value,
    total: Value,
    version: i64,
    dispatched: bool,
    lines: usize,
}

impl Acked {
    fn from_answer(key: &str, date: &str, o: &Value) -> Option<(String, Acked)> {
        Some((
            o["id"].as_str()?.to_string(),
            Acked {
                key: key.to_string(),
                retried: false,
                date: date.to_string(),
                number: o["number"].clone(),
                total: o["total"].clone(),
                version: o["version"].as_i64()?,
                dispatched: o["state"] == "delivery",
                lines: o["lines"].as_array().map_or(0, Vec::len),
            },
        ))
    }
}

/// One writer's cycle: orders until the server dies. Returns the creation left
/// without an answer, if the kill cut one.
#[derive(Default)]
struct WriterOut {
    acked: Vec<(String, Acked)>,
    big: usize,
    refused: usize,
    unanswered: Option<Unanswered>,
}

/// A request the kill left without an answer, retried with its own key after
/// the restart.
enum Unanswered {
    /// An order creation: its key and body.
    Create(String, Value),
    /// A dispatch of an acknowledged order: its id and key.
    Dispatch(String, String),
}

#[allow(clippy::too_many_arguments)]
async fn writer(
    addr: String,
    token: String,
    cat: Arc<Catalogue>,
    date: String,
    prefix: String,
    n: usize,
    // Acknowledgements so far, all writers together (the kill waits for a few).
    answered: Arc<AtomicUsize>,
) -> WriterOut {
    let mut out = WriterOut::default();
    let (client_id, address_id) = cat.clients[n % cat.clients.len()].clone();
    for i in 0usize.. {
        // Every third order is big enough (> 4 KiB) to go to SurrealKV's value log.
        let big = (i + n).is_multiple_of(3);
        let lines: Vec<Value> = cat.product_ids[..if big { BIG_ORDER_LINES } else { 1 }]
            .iter()
            .map(|p| json!({ "product_id": p, "qty": 1 + (i + n) % 5 }))
            .collect();
        let key = format!("{prefix}-w{n}-{i}");
        let note = if big {
            format!(
                "{key} {}",
                "Позвонить за час, домофон не работает. ".repeat(12)
            )
        } else {
            key.clone()
        };
        let body = json!({ "client_id": client_id, "address_id": address_id,
            "courier_id": cat.courier_id, "delivery_date": date, "lines": lines, "note": note.trim() });
        let o = match http(
            &addr,
            "POST",
            "/api/orders",
            Some(&token),
            Some(&key),
            Some(&body),
        )
        .await
        {
            Ok((201, o, _)) => o,
            Ok(_) => {
                out.refused += 1;
                continue;
            }
            Err(_) => {
                out.unanswered = Some(Unanswered::Create(key, body));
                return out;
            }
        };
        let Some((id, acked)) = Acked::from_answer(&key, &date, &o) else {
            out.refused += 1;
            continue;
        };
        if big {
            out.big += 1;
        }
        answered.fetch_add(1, Ordering::Relaxed);
        out.acked.push((id.clone(), acked));
        if i % 2 == 1 {
            let path = format!("/api/orders/{id}/dispatch");
            let dkey = format!("{key}-d");
            match http(
                &addr,
                "POST",
                &path,
                Some(&token),
                Some(&dkey),
                Some(&json!({})),
            )
            .await
            {
                Ok((200, o, _)) => {
                    if let Some(last) = out.acked.last_mut() {
                        last.1.version = o["version"].as_i64().unwrap_or(last.1.version);
                        last.1.dispatched = o["state"] == "delivery";
                    }
                }
                Ok(_) => out.refused += 1,
                Err(_) => {
                    out.unanswered = Some(Unanswered::Dispatch(id, dkey));
                    return out;
                }
            }
        }
    }
    out
}

/// Every order of `date` (all pages).
async fn orders_of(addr: &str, token: &str, date: &str) -> Result<Vec<Value>, String> {
    let mut all = vec![];
    let mut offset = 0usize;
    loop {
        let path = format!("/api/orders?date={date}&limit=5000&offset={offset}");
        let (status, v, head) = http(addr, "GET", &path, Some(token), None, None)
            .await
            .map_err(|e| format!("list {date}: {e}"))?;
        if status != 200 {
            return Err(format!("list {date}: {status} {v}"));
        }
        let page = v.as_array().cloned().unwrap_or_default();
        all.extend(page);
        match head
            .lines()
            .find_map(|l| l.strip_prefix("x-next-offset:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
        {
            Some(next) if next > offset => offset = next,
            _ => return Ok(all),
        }
    }
}

/// Checks acknowledged orders against what the server has; records what is
/// lost, changed or duplicated into `t`.
async fn verify(
    addr: &str,
    token: &str,
    acked: &HashMap<String, Acked>,
    t: &mut Tally,
) -> Result<(), String> {
    let dates: HashSet<&str> = acked.values().map(|a| a.date.as_str()).collect();
    for date in dates {
        let orders = orders_of(addr, token, date).await?;
        let by_id: HashMap<&str, &Value> = orders
            .iter()
            .filter_map(|o| Some((o["id"].as_str()?, o)))
            .collect();
        // One order per key, one key per number.
        let mut per_key: HashMap<&str, usize> = HashMap::new();
        let mut numbers: HashMap<String, usize> = HashMap::new();
        for o in &orders {
            if let Some(key) = o["note"].as_str().and_then(|n| n.split(' ').next()) {
                *per_key.entry(key).or_default() += 1;
            }
            *numbers.entry(o["number"].to_string()).or_default() += 1;
        }
        for (key, n) in per_key {
            if n > 1 {
                t.duplicated.push(format!("key {key}: {n} orders"));
            }
        }
        for (number, n) in numbers {
            if n > 1 {
                t.duplicated.push(format!("number {number}: {n} orders"));
            }
        }
        for (id, a) in acked.iter().filter(|(_, a)| a.date == date) {
            let Some(o) = by_id.get(id.as_str()) else {
                // Not in the list: ask for it by id, to tell a lost order apart.
                let path = format!("/api/orders/{id}");
                let status = http(addr, "GET", &path, Some(token), None, None)
                    .await
                    .map(|r| r.0)
                    .unwrap_or(0);
                t.lost.push(format!(
                    "{id} ({}{}): {status}",
                    a.key,
                    if a.retried {
                        ", acknowledged by its retry"
                    } else {
                        ""
                    }
                ));
                continue;
            };
            let lines = o["lines"].as_array().map_or(0, Vec::len);
            let version = o["version"].as_i64().unwrap_or(-1);
            if o["number"] != a.number || o["total"] != a.total || lines != a.lines {
                t.changed.push(format!(
                    "{id}: number {} total {} lines {lines}, acknowledged {} {} {}",
                    o["number"], o["total"], a.number, a.total, a.lines
                ));
            } else if version < a.version {
                t.changed.push(format!(
                    "{id}: version {version}, acknowledged {}",
                    a.version
                ));
            }
            if a.dispatched && o["state"] != "delivery" {
                t.lost.push(format!(
                    "{id} ({}): acknowledged dispatch lost, state {}",
                    a.key, o["state"]
                ));
            }
        }
    }
    Ok(())
}

/// Load beside the server while it writes: a thread writing and fsyncing a
/// file (dirty pages and device queue in the WAL's way), threads spinning.
struct Pressure {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    file: Option<PathBuf>,
}

impl Pressure {
    fn start(io: bool, cpu: usize, dir: &Path) -> Pressure {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = vec![];
        let mut file = None;
        if io {
            let path = dir.join("io-pressure.bin");
            file = Some(path.clone());
            let stop = stop.clone();
            threads.push(std::thread::spawn(move || {
                let Ok(mut f) = std::fs::File::create(&path) else {
                    return;
                };
                let chunk = vec![0x5au8; 1 << 20];
                let mut written = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    if f.write_all(&chunk).is_err() {
                        return;
                    }
                    written += chunk.len() as u64;
                    if written.is_multiple_of(16 << 20) {
                        let _ = f.sync_data();
                    }
                    // Keep it at 256 MiB: start over.
                    if written >= 256 << 20 {
                        let _ = f.set_len(0);
                        let _ = std::io::Seek::rewind(&mut f);
                        written = 0;
                    }
                }
            }));
        }
        for _ in 0..cpu {
            let stop = stop.clone();
            threads.push(std::thread::spawn(move || {
                let mut x = 1u64;
                while !stop.load(Ordering::Relaxed) {
                    for _ in 0..10_000 {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                    }
                    std::hint::black_box(x);
                }
            }));
        }
        Pressure {
            stop,
            threads,
            file,
        }
    }
}

impl Drop for Pressure {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        if let Some(f) = &self.file {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// A folder's life: its server, what it acknowledged, the dates used.
struct Folder {
    db: PathBuf,
    dir: PathBuf,
    server: Option<Server>,
    addr: String,
    token: String,
    cat: Arc<Catalogue>,
    acked: HashMap<String, Acked>,
    starts: usize,
}

impl Folder {
    async fn new(opts: &Options, n: usize) -> Result<Folder, String> {
        let dir = opts.scratch.join(format!("folder-{n}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let db = dir.join("db");
        let server = start(opts, &db, dir.join("server-0.log")).await?;
        // The durability relied on: every commit waits for its fsync.
        if !server
            .log_text()
            .contains("Sync mode: every transaction commit")
        {
            return Err(format!(
                "SurrealKV is not syncing every commit:\n{}",
                server.log_text()
            ));
        }
        // The memtable size given reaches the engine (the patched
        // surrealdb-kvs-surrealkv reads it; the published one ignores it and
        // the rotations this test is about would not happen).
        if let Some(bytes) = opts.memtable_bytes {
            let line = format!("Setting max memtable size: {bytes}");
            if !server.log_text().contains(&line) {
                return Err(format!(
                    "the engine did not take the memtable size ({line}):\n{}",
                    server.log_text()
                ));
            }
        }
        let token = login(&server.addr).await?;
        let cat = Arc::new(seed(&server.addr, &token, opts.writers).await?);
        Ok(Folder {
            db,
            dir,
            addr: server.addr.clone(),
            server: Some(server),
            token,
            cat,
            acked: HashMap::new(),
            starts: 1,
        })
    }
}

/// Runs the cycles; `Err` only when the harness itself cannot go on (a server
/// that does not start again counts: the database must always reopen).
pub async fn run(opts: &Options) -> Result<Tally, String> {
    let started = Instant::now();
    let mut t = Tally::default();
    std::fs::create_dir_all(&opts.scratch).map_err(|e| format!("scratch: {e}"))?;
    let result = cycles(opts, &mut t, started).await;
    t.seconds = started.elapsed().as_secs_f64();
    if result.is_ok() && t.clean() {
        let _ = std::fs::remove_dir_all(&opts.scratch);
    } else {
        // The folders and the servers' logs, for the post-mortem.
        eprintln!("crash: kept {} for inspection", opts.scratch.display());
    }
    result.map(|()| t)
}

async fn cycles(opts: &Options, t: &mut Tally, started: Instant) -> Result<(), String> {
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let mut folder: Option<Folder> = None;
    for cycle in 0..opts.kills {
        let spent = started.elapsed();
        if spent > opts.budget && (cycle >= opts.min_kills || spent > opts.budget * 4) {
            break;
        }
        let fresh = match opts.fresh_folder_every {
            Some(every) => cycle % every.max(1) == 0,
            None => folder.is_none(),
        };
        if fresh {
            if let Some(f) = folder.take() {
                finish_folder(f, t).await?;
            }
            folder = Some(Folder::new(opts, t.folders).await?);
            t.folders += 1;
        }
        let f = folder.as_mut().ok_or("no folder")?;
        // Each cycle writes to a day of its own, so its check reads one list.
        let date = (tomorrow + chrono::Days::new((cycle % 300) as u64)).to_string();
        let prefix = format!("c{cycle}");
        let kill_after = opts.kill_after_ms[cycle % opts.kill_after_ms.len().max(1)];
        let answered = Arc::new(AtomicUsize::new(0));
        let pressure = Pressure::start(opts.io_pressure, opts.cpu_pressure, &f.dir);
        let tasks: Vec<_> = (0..opts.writers)
            .map(|n| {
                tokio::spawn(writer(
                    f.addr.clone(),
                    f.token.clone(),
                    f.cat.clone(),
                    date.clone(),
                    prefix.clone(),
                    n,
                    answered.clone(),
                ))
            })
            .collect();
        // Kill only once writes are flowing, then at a different moment each cycle.
        let deadline = Instant::now() + Duration::from_secs(60);
        while answered.load(Ordering::Relaxed) < 3 {
            if Instant::now() > deadline {
                let log = f.server.as_ref().map(Server::log_text).unwrap_or_default();
                return Err(format!(
                    "no order was acknowledged in cycle {cycle}:\n{log}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        f.server.take().ok_or("no server to kill")?.kill9()?;
        t.kills += 1;
        let mut cycle_acked = HashMap::new();
        let mut unanswered = vec![];
        for task in tasks {
            let out = task.await.map_err(|e| format!("writer task: {e}"))?;
            t.big += out.big;
            t.refused += out.refused;
            cycle_acked.extend(out.acked);
            unanswered.extend(out.unanswered);
        }
        drop(pressure);

        // The database must open again, with everything acknowledged in it.
        let server = start(opts, &f.db, f.dir.join(format!("server-{}.log", f.starts))).await?;
        f.addr = server.addr.clone();
        f.server = Some(server);
        f.starts += 1;
        f.token = login(&f.addr).await?;
        let stuck_before = t.stuck.len();
        // Requests the kill left without an answer: retried with their own key,
        // each must end as exactly one change (replayed if it had committed).
        for u in unanswered {
            t.retried += 1;
            let (key, path, body) = match &u {
                Unanswered::Create(key, body) => {
                    (key.clone(), "/api/orders".to_string(), body.clone())
                }
                Unanswered::Dispatch(id, key) => {
                    (key.clone(), format!("/api/orders/{id}/dispatch"), json!({}))
                }
            };
            let answer = http(
                &f.addr,
                "POST",
                &path,
                Some(&f.token),
                Some(&key),
                Some(&body),
            )
            .await;
            let (status, o, head) = match answer {
                Ok(a) => a,
                Err(e) => {
                    t.stuck.push(format!("{key}: retry failed: {e}"));
                    continue;
                }
            };
            if head.contains("idempotent-replayed: true") {
                t.replayed += 1;
            }
            match (&u, status) {
                (Unanswered::Create(..), 201) => match Acked::from_answer(&key, &date, &o) {
                    Some((id, mut a)) => {
                        a.retried = true;
                        cycle_acked.insert(id, a);
                    }
                    None => t.stuck.push(format!("{key}: 201 without an order: {o}")),
                },
                (Unanswered::Dispatch(id, _), 200) => match cycle_acked.get_mut(id) {
                    // Dispatched once: the version after the creation's, plus one.
                    Some(a)
                        if o["state"] == "delivery"
                            && o["version"].as_i64() == Some(a.version + 1) =>
                    {
                        a.version += 1;
                        a.dispatched = true;
                    }
                    _ => t.stuck.push(format!("{key}: dispatch retry answered {o}")),
                },
                _ => t.stuck.push(format!("{key}: retry answered {status} {o}")),
            }
        }
        t.acknowledged += cycle_acked.len();
        t.dispatched += cycle_acked.values().filter(|a| a.dispatched).count();
        t.per_cycle.push(cycle_acked.len());
        let before = (t.lost.len(), t.changed.len(), t.duplicated.len());
        verify(&f.addr, &f.token, &cycle_acked, t).await?;
        if (t.lost.len(), t.changed.len(), t.duplicated.len()) != before
            || t.stuck.len() > stuck_before
        {
            t.bad_kills += 1;
        }
        if opts.verbose {
            println!(
                "cycle {cycle:>4}: killed {kill_after:>4} ms after the first answers, {:>5} acknowledged, \
                 lost {}, changed {}, duplicated {}",
                cycle_acked.len(),
                t.lost.len() - before.0,
                t.changed.len() - before.1,
                t.duplicated.len() - before.2,
            );
            let _ = std::io::stdout().flush();
        }
        f.acked.extend(cycle_acked);
    }
    if let Some(f) = folder.take() {
        finish_folder(f, t).await?;
    }
    Ok(())
}

/// At the end of a folder's life: everything it ever acknowledged, again
/// (a later crash must not lose what an earlier restart still had).
async fn finish_folder(f: Folder, t: &mut Tally) -> Result<(), String> {
    let mut again = Tally::default();
    verify(&f.addr, &f.token, &f.acked, &mut again).await?;
    // Only what the per-cycle checks did not already report. Duplicates were
    // counted per cycle (one list per day), and a restart cannot add one to
    // an older day: only losses and changes are looked for again.
    let known: HashSet<String> = t.lost.iter().chain(&t.changed).cloned().collect();
    t.lost
        .extend(again.lost.into_iter().filter(|l| !known.contains(l)));
    t.changed
        .extend(again.changed.into_iter().filter(|l| !known.contains(l)));
    Ok(())
}
