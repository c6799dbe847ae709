//! Scale benchmark of the server (`cargo xtask bench scale`).
//!
//! Runs the real server (`rodnik serve`, normally the release build) on a
//! large generated dataset in an embedded database folder, and drives it over
//! real HTTP (reqwest, keep-alive) and WebSocket connections on loopback. For
//! each operation it prints the samples, p50 / p99 / max latency, throughput
//! where it applies, and the target with "ok" or "MISSED":
//!
//! - phone lookup (`/api/clients/lookup`), known and unknown numbers;
//! - screen pop: a signed `ringing` webhook sent → `call.ringing` received on
//!   the operator's socket;
//! - the route of the day of a courier;
//! - order creation, and creation + dispatch, under 1, 8 and 64 concurrent
//!   clients, each for `--seconds`;
//! - live fan-out: one order change → `order.updated` received by every one of
//!   `--sockets` sockets (the time until the last one has it);
//! - the reports over the last 30 and 365 days: deliveries, sales and orders
//!   (`from`/`to`); lost clients with a 1- and a 12-month window; and the
//!   lost-clients list as managers open it (`as_of=today&months=3`), over the
//!   full history;
//! - the server's RSS idle and with all the sockets connected, and the size of
//!   the database folder.
//!
//! Then, unless `--no-pg`, the PostgreSQL reference (`rodnik_bench::pgref`):
//! the same lookups and order writes against PostgreSQL alone, as the floor
//! of what a database round trip costs here.
//!
//! The dataset: `rodnik generate` into
//! `$HOME/.cache/rodnik-bench/s{seed}-c{clients}-o{orders}` (with `-y{years}`
//! when years is not 5). After a generate that succeeded a marker file
//! `.rodnik-bench-complete` goes into the folder; a folder without it is an
//! interrupted generate: it is deleted and generated again. `--data DIR` uses
//! that folder as it is (no marker check); when DIR does not exist or is
//! empty, the shape given is generated into it first (no marker written).
//!
//! ```text
//! bench_scale --server PATH_TO_rodnik [--data DIR]
//!             [--seed N] [--clients N] [--orders N] [--years N]
//!             [--quick] [--no-pg] [--cold] [--out FILE.md] [--sockets N] [--seconds N]
//! ```
//!
//! Before the server starts, every file of the database folder is read once,
//! so the measurement begins with the data in the OS page cache, as on a
//! server that has been running for a while and has the RAM for its data
//! (after a large build, only a third of the 8 GB folder was cached here and
//! the known-number lookup doubled). `--cold` skips that.
//!
//! `--quick`: small sample counts and 1-second write runs, for a smoke test on
//! a tiny dataset.
//!
//! Failed requests (transport errors, non-2xx, a live message that never
//! came) are counted in each row's `errors`; over 1% of an operation's
//! requests failing aborts the run, after printing what was measured so far.
//! The orders the write phases create (for tomorrow) stay in the dataset.

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio_tungstenite::tungstenite::Message;

#[path = "../scale_reports.rs"]
mod scale_reports;
#[path = "../scale_search.rs"]
mod scale_search;

/// Every generated user's password (backend/src/demo.rs `DEMO_PASSWORD`).
const PASSWORD: &str = "demo12345";
const MANAGER: &str = "manager";
const SECRET: &str = "bench-scale-telephony-secret";
const ADMIN_PASSWORD: &str = "bench-scale-admin-password";
/// Written into a default dataset folder once `rodnik generate` succeeded.
const MARKER: &str = ".rodnik-bench-complete";
/// How long opening a large database may take (write-ahead log replay, a
/// one-time migration).
const OPEN_TIMEOUT: Duration = Duration::from_secs(600);
/// A screen pop or fan-out delivery later than this counts as an error.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// The marker a fan-out change writes into the order's note.
const FANOUT_NOTE: &str = "\"note\":\"bench-fanout-";

// ---------------------------------------------------------------- arguments

struct Args {
    server: PathBuf,
    data: Option<PathBuf>,
    seed: u64,
    clients: usize,
    orders: usize,
    years: u32,
    quick: bool,
    no_pg: bool,
    cold: bool,
    out: Option<PathBuf>,
    sockets: usize,
    seconds: f64,
    /// `--only`: the steps run (all when empty).
    only: Vec<String>,
    command_line: String,
}

/// The steps `--only` names.
const STEPS: &[&str] = &[
    "lookups", "pop", "route", "search", "writes", "fanout", "reports",
];

impl Args {
    /// Whether this step runs.
    fn runs(&self, step: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == step)
    }
}

fn parse<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    v.parse().map_err(|e| format!("{name} {v}: {e}"))
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        server: PathBuf::new(),
        data: None,
        seed: 1,
        clients: 100_000,
        orders: 3_000_000,
        years: 5,
        quick: false,
        no_pg: false,
        cold: false,
        out: None,
        sockets: 1000,
        seconds: 0.0,
        only: vec![],
        command_line: std::env::args().collect::<Vec<_>>().join(" "),
    };
    let mut server = None;
    let mut seconds = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--server" => server = Some(PathBuf::from(value()?)),
            "--data" => a.data = Some(PathBuf::from(value()?)),
            "--seed" => a.seed = parse("--seed", &value()?)?,
            "--clients" => a.clients = parse("--clients", &value()?)?,
            "--orders" => a.orders = parse("--orders", &value()?)?,
            "--years" => a.years = parse("--years", &value()?)?,
            "--quick" => a.quick = true,
            "--no-pg" => a.no_pg = true,
            "--cold" => a.cold = true,
            "--out" => a.out = Some(PathBuf::from(value()?)),
            "--sockets" => a.sockets = parse("--sockets", &value()?)?,
            "--seconds" => seconds = Some(parse::<f64>("--seconds", &value()?)?),
            "--only" => {
                for step in value()?.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !STEPS.contains(&step) {
                        return Err(format!("--only {step}: the steps are {}", STEPS.join(", ")));
                    }
                    a.only.push(step.to_string());
                }
            }
            "-h" | "--help" => {
                return Err(format!("usage: bench_scale --server PATH_TO_rodnik [--data DIR] [--seed N] [--clients N] [--orders N] [--years N] [--quick] [--no-pg] [--cold] [--out FILE.md] [--sockets N] [--seconds N] [--only STEP,...] (steps: {})", STEPS.join(", ")))
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    a.server = server.ok_or("--server PATH (the rodnik binary) is required")?;
    if !a.server.exists() {
        return Err(format!("{} does not exist", a.server.display()));
    }
    a.seconds = seconds.unwrap_or(if a.quick { 1.0 } else { 10.0 });
    if !(a.seconds > 0.0) {
        return Err("--seconds must be positive".into());
    }
    if a.sockets == 0 {
        return Err("--sockets must be at least 1".into());
    }
    if a.clients == 0 || a.orders == 0 || a.years == 0 {
        return Err("--clients, --orders and --years must be positive".into());
    }
    Ok(a)
}

/// Sample counts: the full run, or `--quick`.
struct Counts {
    phones: usize,
    lookups: usize,
    lookup_warm: usize,
    pops: usize,
    pop_warm: usize,
    routes: usize,
    route_warm: usize,
    write_warm: usize,
    fanout: usize,
    fanout_warm: usize,
    reports: usize,
}

impl Counts {
    fn new(quick: bool) -> Counts {
        if quick {
            Counts {
                phones: 100,
                lookups: 50,
                lookup_warm: 10,
                pops: 20,
                pop_warm: 3,
                routes: 50,
                route_warm: 5,
                write_warm: 5,
                fanout: 5,
                fanout_warm: 2,
                reports: 2,
            }
        } else {
            Counts {
                phones: 1000,
                lookups: 2000,
                lookup_warm: 200,
                pops: 300,
                pop_warm: 20,
                routes: 1000,
                route_warm: 50,
                write_warm: 50,
                fanout: 20,
                fanout_warm: 3,
                reports: 10,
            }
        }
    }
}

// ------------------------------------------------------------------ helpers

/// A small deterministic generator (splitmix64): picks clients, products,
/// windows, idempotency keys. No `rand` in this crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

static KEYS: AtomicU64 = AtomicU64::new(0);

/// A fresh UUID-shaped `Idempotency-Key`, as the web app sends.
fn idempotency_key() -> String {
    let n = KEYS.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut r =
        Rng(t ^ (u64::from(std::process::id()) << 32) ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let (a, b) = (r.next(), r.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// `sha256=<hex HMAC-SHA256 of the body>`.
fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// `VmRSS` and `VmHWM` (peak) of a process, in KiB.
fn rss_kib(pid: u32) -> Option<(u64, u64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:").unwrap_or(0)))
}

/// The server's peak RSS step by step (issue 22, item 5): each `take` reads
/// the peak since the last one (`VmHWM`) and resets it by writing 5 to
/// `/proc/PID/clear_refs` (Linux 4.0+), so every phase gets a peak of its own.
struct Peaks {
    pid: u32,
    /// What was running, and its peak in KiB (None: the kernel would not say).
    steps: Vec<(String, Option<u64>)>,
    /// The peak reset works here; without it every step shows the peak so far.
    resets: bool,
}

impl Peaks {
    fn new(pid: u32) -> Peaks {
        let resets = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
        Peaks {
            pid,
            steps: vec![],
            resets,
        }
    }

    fn take(&mut self, name: impl Into<String>) {
        let peak = rss_kib(self.pid).map(|(_, p)| p);
        if self.resets {
            self.resets = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok();
        }
        self.steps.push((name.into(), peak));
    }

    /// The highest peak of all steps, in KiB.
    fn highest(&self) -> Option<u64> {
        self.steps.iter().filter_map(|(_, p)| *p).max()
    }
}

/// Sum of the sizes of the files under `dir`.
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 10.0 {
        format!("{v:.2} ms")
    } else if v < 100.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

// ------------------------------------------------------------------ dataset

fn default_data_dir(a: &Args) -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut name = format!("s{}-c{}-o{}", a.seed, a.clients, a.orders);
    if a.years != 5 {
        name.push_str(&format!("-y{}", a.years));
    }
    home.join(".cache").join("rodnik-bench").join(name)
}

fn is_empty_dir(d: &Path) -> bool {
    !d.exists() || std::fs::read_dir(d).is_ok_and(|mut r| r.next().is_none())
}

/// `rodnik generate` into an empty folder.
fn generate(a: &Args, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    eprintln!(
        "bench: generating {} clients and {} orders over {} years (seed {}) into {}",
        a.clients,
        a.orders,
        a.years,
        a.seed,
        dir.display()
    );
    let st = Command::new(&a.server)
        .arg("generate")
        .arg("--db")
        .arg(dir)
        .args(["--seed", &a.seed.to_string()])
        .args(["--clients", &a.clients.to_string()])
        .args(["--orders", &a.orders.to_string()])
        .args(["--years", &a.years.to_string()])
        .env("RODNIK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RODNIK_LOG", "warn")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", a.server.display()))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("rodnik generate failed ({st})"))
    }
}

/// The database folder, generated when needed; and how it was come by.
fn dataset(a: &Args) -> Result<(PathBuf, String), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(d) = &a.data {
        let d = abs(d);
        if is_empty_dir(&d) {
            generate(a, &d)?;
            return Ok((
                d,
                format!(
                    "generated into --data (seed {}, {} clients, {} orders, {} years)",
                    a.seed, a.clients, a.orders, a.years
                ),
            ));
        }
        return Ok((d, "--data, used as is".into()));
    }
    let d = abs(&default_data_dir(a));
    let shape = format!(
        "seed {}, {} clients, {} orders, {} years",
        a.seed, a.clients, a.orders, a.years
    );
    if d.join(MARKER).exists() {
        return Ok((d, format!("reused ({shape})")));
    }
    if d.exists() {
        eprintln!(
            "bench: {} has no {MARKER} (an interrupted generate): deleting it",
            d.display()
        );
        std::fs::remove_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    generate(a, &d)?;
    std::fs::write(d.join(MARKER), format!("{shape}\n"))
        .map_err(|e| format!("{}: {e}", d.join(MARKER).display()))?;
    Ok((d, format!("generated ({shape})")))
}

// ------------------------------------------------------------------- server

/// The running server; killed when dropped (also on an error).
struct Server {
    child: Child,
    pid: u32,
    base: String,
    log: PathBuf,
    _logdir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log_tail(&self) -> String {
        let s = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

async fn start_server(a: &Args, db: &Path) -> Result<Server, String> {
    let port = free_port()?;
    let logdir = tempfile::tempdir().map_err(|e| format!("log dir: {e}"))?;
    let log = logdir.path().join("server.log");
    let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("log: {e}"))?;
    let child = Command::new(&a.server)
        .arg("serve")
        .arg("--db")
        .arg(db)
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(["--static-dir", "/nonexistent"])
        .env("RODNIK_TELEPHONY_SECRET", SECRET)
        .env("RODNIK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RODNIK_LOG", "warn")
        // As deployed: with RUST_BACKTRACE set, every error the database
        // raises and retries (a transaction conflict) captures a backtrace.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", a.server.display()))?;
    let pid = child.id();
    let mut server = Server {
        child,
        pid,
        base: format!("http://127.0.0.1:{port}"),
        log,
        _logdir: logdir,
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut told = Instant::now();
    loop {
        if http
            .get(format!("{}/api/health", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(server);
        }
        if let Ok(Some(st)) = server.child.try_wait() {
            return Err(format!(
                "the server exited ({st}) before answering; its log:\n{}",
                server.log_tail()
            ));
        }
        if started.elapsed() > OPEN_TIMEOUT {
            return Err(format!(
                "the server did not answer /api/health within {} s; its log:\n{}",
                OPEN_TIMEOUT.as_secs(),
                server.log_tail()
            ));
        }
        if told.elapsed() > Duration::from_secs(15) {
            eprintln!(
                "bench: waiting for the server to open the database ({:.0} s so far, up to {} s)",
                started.elapsed().as_secs_f64(),
                OPEN_TIMEOUT.as_secs()
            );
            told = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// --------------------------------------------------------------------- HTTP

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn new(base: &str) -> Result<Api, String> {
        let http = reqwest::Client::builder()
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(300))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Api {
            http,
            base: base.to_string(),
        })
    }

    /// Sends a request and reads the whole answer; Err for a transport
    /// failure or a non-2xx status.
    async fn call_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Vec<u8>, String> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
            if method == reqwest::Method::POST {
                req = req.header("Idempotency-Key", idempotency_key());
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
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            ));
        }
        Ok(bytes.to_vec())
    }

    /// As `call_raw`, the answer read as JSON (Null when empty or not JSON).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let bytes = self.call_raw(method, path, token, body).await?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).or(Ok(Value::Null))
    }

    async fn get(&self, path: &str, token: &str) -> Result<Value, String> {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> Result<Value, String> {
        self.call(reqwest::Method::POST, path, Some(token), Some(body))
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
            .ok_or_else(|| format!("login {user}: no token in {v}"))
    }

    fn ws_url(&self, token: &str) -> String {
        format!(
            "{}/api/live?token={}",
            self.base.replace("http://", "ws://"),
            rodnik_tests::enc(token)
        )
    }
}

fn str_of(v: &Value, field: &str) -> Result<String, String> {
    v[field]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("no {field} in {}", short(v)))
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

// ------------------------------------------------------------------ context

/// What the measurements need from the dataset.
struct Ctx {
    api: Api,
    manager: String,
    /// op01 first (extension 101).
    operators: Vec<String>,
    couriers: Vec<String>,
    today: NaiveDate,
    /// (client id, its first address id)
    clients: Vec<(String, String)>,
    phones: Vec<String>,
    water: String,
    goods: Option<String>,
    /// The day this run's orders are written to: a day no order is on yet,
    /// so that runs compare (the day after the last day with orders).
    own_day: NaiveDate,
    /// Tomorrow: the day earlier runs wrote to (their orders cancelled).
    crowd_day: NaiveDate,
    /// The orders this run created: cancelled at the end, so that runs do not
    /// pile open orders onto the same clients (their cards, and so the
    /// lookups, grew from run to run: 145 open orders each after a dozen runs).
    created: std::sync::Mutex<Vec<String>>,
}

async fn context(api: Api, counts: &Counts) -> Result<Ctx, String> {
    let manager = api
        .login(MANAGER)
        .await
        .map_err(|e| format!("{e} (is this a `rodnik generate` dataset?)"))?;
    let mut operators = vec![];
    for i in 1..=12 {
        match api.login(&format!("op{i:02}")).await {
            Ok(t) => operators.push(t),
            Err(_) if i > 1 => break,
            Err(e) => return Err(e),
        }
    }
    let couriers: Vec<String> = api
        .get("/api/users?role=courier", &manager)
        .await?
        .as_array()
        .ok_or("GET /api/users: not a list")?
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_string))
        .collect();
    if couriers.is_empty() {
        return Err("the dataset has no couriers".into());
    }
    // Today as the server sees it (its time zone): a route without a date.
    let route = api
        .get(
            &format!("/api/route?courier_id={}", rodnik_tests::enc(&couriers[0])),
            &manager,
        )
        .await?;
    let today: NaiveDate = str_of(&route, "date")?
        .parse()
        .map_err(|e| format!("route date: {e}"))?;
    let products = api.get("/api/products", &manager).await?;
    let products = products.as_array().ok_or("GET /api/products: not a list")?;
    let water = products
        .iter()
        .filter(|p| p["kind"] == "water")
        .max_by_key(|p| p["returnable"].as_bool().unwrap_or(false))
        .ok_or("no water product")
        .and_then(|p| str_of(p, "id").map_err(|_| "no water product id"))?;
    let goods = products
        .iter()
        .find(|p| p["kind"] == "goods")
        .and_then(|p| p["id"].as_str().map(str::to_string));

    // Client ids from the orders of today and the days before, newest first
    // (tomorrow holds the orders earlier runs created).
    let mut ids: Vec<String> = vec![];
    let mut seen = HashSet::new();
    for back in 0..(366 * 6) {
        if ids.len() >= counts.phones {
            break;
        }
        let day = today - chrono::Duration::days(back);
        let orders = api
            .get(&format!("/api/orders?date={day}&limit=500"), &manager)
            .await?;
        for o in orders.as_array().into_iter().flatten() {
            if let Some(c) = o["client_id"].as_str() {
                if seen.insert(c.to_string()) && ids.len() < counts.phones {
                    ids.push(c.to_string());
                }
            }
        }
    }
    if ids.is_empty() {
        return Err("no orders found in the dataset".into());
    }
    let cards: Vec<Result<Value, String>> = futures::stream::iter(ids.iter().map(|id| {
        let api = api.clone();
        let token = manager.clone();
        let path = format!("/api/clients/{}", rodnik_tests::enc(id));
        async move { api.get(&path, &token).await }
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    let mut clients = vec![];
    let mut phones = vec![];
    let mut seen_phones = HashSet::new();
    for card in cards {
        let card = card?;
        let id = str_of(&card, "id")?;
        if let Some(addr) = card["addresses"][0]["id"].as_str() {
            clients.push((id, addr.to_string()));
        }
        for p in card["phones"].as_array().into_iter().flatten() {
            if let Some(p) = p.as_str() {
                if seen_phones.insert(p.to_string()) {
                    phones.push(p.to_string());
                }
            }
        }
    }
    if clients.is_empty() || phones.is_empty() {
        return Err("no client with an address and a phone found".into());
    }
    let own_day = free_day(&api, &manager, today).await?;
    eprintln!("bench: this run writes its orders to {own_day} (no orders on it yet)");
    Ok(Ctx {
        api,
        manager,
        operators,
        couriers,
        today,
        clients,
        phones,
        water,
        goods,
        own_day,
        crowd_day: today + chrono::Duration::days(1),
        created: std::sync::Mutex::default(),
    })
}

// ------------------------------------------------------------- measurements

/// Latencies of the successful samples, and the failures.
#[derive(Default)]
struct Sample {
    lat: Vec<Duration>,
    attempts: usize,
    errors: usize,
    first_error: Option<String>,
}

impl Sample {
    fn record(&mut self, d: Duration, r: Result<(), String>) {
        self.attempts += 1;
        match r {
            Ok(()) => self.lat.push(d),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn merge(&mut self, o: Sample) {
        self.lat.extend(o.lat);
        self.attempts += o.attempts;
        self.errors += o.errors;
        if self.first_error.is_none() {
            self.first_error = o.first_error;
        }
    }

    /// Aborts the run on a failure rate above 1%.
    fn guard(&self, name: &str) -> Result<(), String> {
        if self.errors * 100 > self.attempts || self.lat.is_empty() {
            return Err(format!(
                "{name}: {} of {} requests failed (over 1%); first: {}",
                self.errors,
                self.attempts,
                self.first_error.as_deref().unwrap_or("-")
            ));
        }
        Ok(())
    }
}

enum Check {
    P99(Duration),
    PerSecond(f64),
}

struct Row {
    name: String,
    samples: usize,
    errors: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    throughput: Option<f64>,
    checks: Vec<Check>,
}

impl Row {
    fn new(
        name: impl Into<String>,
        s: &Sample,
        throughput: Option<f64>,
        checks: Vec<Check>,
    ) -> Row {
        let mut v = s.lat.clone();
        v.sort();
        Row {
            name: name.into(),
            samples: v.len(),
            errors: s.errors,
            p50: pct(&v, 50.0),
            p99: pct(&v, 99.0),
            max: v.last().copied().unwrap_or_default(),
            throughput,
            checks,
        }
    }

    fn target(&self) -> String {
        if self.checks.is_empty() {
            return "-".into();
        }
        self.checks
            .iter()
            .map(|c| match c {
                Check::P99(d) => format!("p99 ≤ {}", ms(*d)),
                Check::PerSecond(n) => format!("≥ {n:.0}/s"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn ok(&self) -> Option<bool> {
        if self.checks.is_empty() {
            return None;
        }
        Some(self.checks.iter().all(|c| match c {
            Check::P99(d) => self.p99 <= *d,
            Check::PerSecond(n) => self.throughput.is_some_and(|t| t >= *n),
        }))
    }

    fn markdown(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.name,
            self.samples,
            self.errors,
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            self.throughput
                .map(|t| format!("{t:.0}/s"))
                .unwrap_or_else(|| "-".into()),
            self.target(),
            match self.ok() {
                None => "",
                Some(true) => "ok",
                Some(false) => "MISSED",
            }
        )
    }
}

const ROWS_HEADER: &str = "| operation | samples | errors | p50 | p99 | max | throughput | target | result |\n|---|---:|---:|---:|---:|---:|---:|---|---|";

async fn timed_get(api: &Api, path: &str, token: &str) -> (Duration, Result<(), String>) {
    // Until the whole answer is in: reading it as JSON is the client's time.
    let t0 = Instant::now();
    let r = api
        .call_raw(reqwest::Method::GET, path, Some(token), None)
        .await
        .map(|_| ());
    (t0.elapsed(), r)
}

/// Sequential GETs: `warm` unmeasured first, then `n` measured.
async fn sequential(
    api: &Api,
    token: &str,
    warm: usize,
    n: usize,
    path: impl Fn(usize) -> String,
) -> Sample {
    let mut s = Sample::default();
    for i in 0..warm + n {
        let (d, r) = timed_get(api, &path(i), token).await;
        if i >= warm {
            s.record(d, r);
        }
    }
    s
}

async fn lookups(ctx: &Ctx, c: &Counts) -> Result<(Sample, Sample), String> {
    let api = &ctx.api;
    let token = &ctx.operators[0];
    let known = sequential(api, token, c.lookup_warm, c.lookups, |i| {
        format!(
            "/api/clients/lookup?phone={}",
            rodnik_tests::enc(&ctx.phones[i % ctx.phones.len()])
        )
    })
    .await;
    let mut rng = Rng(7);
    let unknown_phones: Vec<String> = (0..c.lookup_warm + c.lookups)
        .map(|_| format!("+7999{:07}", rng.next() % 10_000_000))
        .collect();
    let unknown = sequential(api, token, c.lookup_warm, c.lookups, |i| {
        format!(
            "/api/clients/lookup?phone={}",
            rodnik_tests::enc(&unknown_phones[i])
        )
    })
    .await;
    known.guard("lookup, known number")?;
    unknown.guard("lookup, unknown number")?;
    Ok((known, unknown))
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(api: &Api, token: &str) -> Result<Socket, String> {
    let (ws, _) = tokio_tungstenite::connect_async(api.ws_url(token))
        .await
        .map_err(|e| format!("websocket: {e}"))?;
    Ok(ws)
}

/// The first text message containing all of `needles`: when it arrived.
async fn wait_for(ws: &mut Socket, needles: &[&str], within: Duration) -> Option<Instant> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                if needles.iter().all(|n| t.as_str().contains(n)) {
                    return Some(Instant::now());
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

async fn telephony(api: &Api, body: &Value) -> Result<(), String> {
    let raw = rodnik_tests::fresh(body.clone()).to_string();
    let r = api
        .http
        .post(format!("{}/api/telephony/events", api.base))
        .header("content-type", "application/json")
        .header("X-Rodnik-Signature", sign(raw.as_bytes()))
        .body(raw)
        .send()
        .await
        .map_err(|e| format!("telephony event: {e}"))?;
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("telephony event: {status} {text}"))
    }
}

/// Signed `ringing` sent → `call.ringing` for that call on op01's socket.
async fn screen_pop(ctx: &Ctx, c: &Counts) -> Result<Sample, String> {
    let mut ws = connect(&ctx.api, &ctx.operators[0]).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let run = format!(
        "{}-{}",
        std::process::id(),
        KEYS.fetch_add(1, Ordering::Relaxed)
    );
    let mut s = Sample::default();
    for i in 0..c.pop_warm + c.pops {
        let call_id = format!("bench-pop-{run}-{i}");
        let from = &ctx.phones[i % ctx.phones.len()];
        let ringing = json!({ "event": "ringing", "call_id": call_id, "from": from,
                              "to": "+74950000000", "extension": "101" });
        let quoted = format!("\"{call_id}\"");
        let needles = ["\"type\":\"call.ringing\"", quoted.as_str()];
        let t0 = Instant::now();
        let (sent, got) = tokio::join!(
            telephony(&ctx.api, &ringing),
            wait_for(&mut ws, &needles, DELIVERY_TIMEOUT)
        );
        let r = match (sent, got) {
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(format!(
                "call.ringing for {call_id} not received within {} s",
                DELIVERY_TIMEOUT.as_secs()
            )),
            (Ok(()), Some(_)) => Ok(()),
        };
        let d = got.map(|at| at - t0).unwrap_or_default();
        if i >= c.pop_warm {
            s.record(d, r);
        }
        // Hang up, so that calls do not pile up (not measured).
        let ended = json!({ "event": "ended", "call_id": call_id, "from": from,
                            "to": "+74950000000", "extension": "101" });
        if let Err(e) = telephony(&ctx.api, &ended).await {
            s.errors += 1;
            s.attempts += 1;
            s.first_error.get_or_insert(e);
        }
    }
    let _ = ws.close(None).await;
    s.guard("screen pop")?;
    Ok(s)
}

async fn routes(ctx: &Ctx, c: &Counts) -> Result<(Sample, f64, NaiveDate), String> {
    // Today's routes, or (just after midnight, or on a dataset generated some
    // days ago) those of the latest day within a week with a stop per courier
    // on average.
    let mut day = ctx.today;
    let mut stops = 0usize;
    for back in 0..7 {
        day = ctx.today - chrono::Duration::days(back);
        stops = 0;
        for courier in &ctx.couriers {
            let r = ctx
                .api
                .get(
                    &format!(
                        "/api/route?date={day}&courier_id={}",
                        rodnik_tests::enc(courier)
                    ),
                    &ctx.manager,
                )
                .await?;
            stops += r["stops"].as_array().map_or(0, Vec::len);
        }
        if stops >= ctx.couriers.len() {
            break;
        }
    }
    let s = sequential(&ctx.api, &ctx.manager, c.route_warm, c.routes, |i| {
        format!(
            "/api/route?date={day}&courier_id={}",
            rodnik_tests::enc(&ctx.couriers[i % ctx.couriers.len()])
        )
    })
    .await;
    s.guard("route of the day")?;
    Ok((s, stops as f64 / ctx.couriers.len() as f64, day))
}

/// A new order for `day`, as an operator would take it.
fn order_body(ctx: &Ctx, rng: &mut Rng, courier: bool, day: NaiveDate) -> Value {
    const WINDOWS: [(&str, &str); 3] = [("09:00", "13:00"), ("13:00", "18:00"), ("18:00", "21:00")];
    let (client, address) = &ctx.clients[rng.below(ctx.clients.len())];
    let mut lines = vec![json!({ "product_id": ctx.water, "qty": 1 + rng.below(3) })];
    if let Some(g) = &ctx.goods {
        if rng.below(10) == 0 {
            lines.push(json!({ "product_id": g, "qty": 1 }));
        }
    }
    let (from, to) = WINDOWS[rng.below(WINDOWS.len())];
    let mut body = json!({
        "client_id": client,
        "address_id": address,
        "lines": lines,
        "delivery_date": day.to_string(),
        "window": { "from": from, "to": to },
    });
    if courier {
        body["courier_id"] = json!(ctx.couriers[rng.below(ctx.couriers.len())]);
    }
    body
}

/// One create, or create + dispatch, for `day`.
async fn write_once(
    ctx: &Ctx,
    token: &str,
    rng: &mut Rng,
    dispatch: bool,
    day: NaiveDate,
) -> Result<(), String> {
    let order = ctx
        .api
        .post("/api/orders", token, &order_body(ctx, rng, dispatch, day))
        .await?;
    let id = str_of(&order, "id")?;
    if let Ok(mut created) = ctx.created.lock() {
        created.push(id.clone());
    }
    if dispatch {
        let version = order["version"].as_i64().ok_or("no version")?;
        ctx.api
            .post(
                &format!("/api/orders/{}/dispatch", rodnik_tests::enc(&id)),
                token,
                &json!({ "expected_version": version }),
            )
            .await?;
    }
    Ok(())
}

/// The first day from 30 days ahead that holds no order at all.
async fn free_day(api: &Api, token: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    for ahead in 30..3_000 {
        let day = today + chrono::Duration::days(ahead);
        let orders = api
            .get(&format!("/api/orders?date={day}&limit=1"), token)
            .await?;
        if orders.as_array().is_some_and(Vec::is_empty) {
            return Ok(day);
        }
    }
    Err("no free day in the next 3,000".into())
}

/// How many orders `day` holds, reading at most `pages` pages of 5,000:
/// (count, whether that is all of them).
async fn orders_on(ctx: &Ctx, day: NaiveDate, pages: usize) -> Result<(usize, bool), String> {
    let mut n = 0;
    for page in 0..pages {
        let got = ctx
            .api
            .get(
                &format!("/api/orders?date={day}&limit=5000&offset={}", page * 5000),
                &ctx.manager,
            )
            .await?;
        let got = got.as_array().map_or(0, Vec::len);
        n += got;
        if got < 5000 {
            return Ok((n, true));
        }
    }
    Ok((n, false))
}

/// Cancels the orders this run created, eight at a time: (cancelled, failed).
async fn cancel_created(ctx: &Ctx) -> (usize, usize) {
    let ids = ctx
        .created
        .lock()
        .map(|mut c| std::mem::take(&mut *c))
        .unwrap_or_default();
    let token = &ctx.operators[0];
    let results: Vec<bool> = futures::stream::iter(ids.iter().map(|id| async move {
        ctx.api
            .post(
                &format!("/api/orders/{}/cancel", rodnik_tests::enc(id)),
                token,
                &json!({ "reason": "Benchmark order" }),
            )
            .await
            .is_ok()
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    let ok = results.iter().filter(|r| **r).count();
    (ok, results.len() - ok)
}

/// `clients` concurrent writers for `seconds`: the sample and orders/s.
async fn writes(
    ctx: &Arc<Ctx>,
    clients: usize,
    seconds: f64,
    dispatch: bool,
    salt: u64,
    day: NaiveDate,
) -> Result<(Sample, f64), String> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let token = ctx.operators[i % ctx.operators.len()].clone();
                let mut rng = Rng(salt.wrapping_mul(1000).wrapping_add(i as u64));
                let mut s = Sample::default();
                while Instant::now() < deadline {
                    let t0 = Instant::now();
                    let r = write_once(&ctx, &token, &mut rng, dispatch, day).await;
                    s.record(t0.elapsed(), r);
                }
                s
            })
        })
        .collect();
    let mut s = Sample::default();
    for t in tasks {
        s.merge(t.await.map_err(|e| format!("writer task: {e}"))?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = s.lat.len() as f64 / elapsed;
    Ok((s, rate))
}

/// Fan-out: the latencies (send → last socket has it), RSS with all sockets
/// connected (KiB, with the peak), and how many `resync` messages came.
struct Fanout {
    sample: Sample,
    rss: Option<(u64, u64)>,
    /// The same right after the order writes, before the heap trim.
    rss_busy: Option<(u64, u64)>,
    resyncs: usize,
    connect_time: Duration,
}

/// The change number in a fan-out note (`"note":"bench-fanout-12"`).
fn fanout_mark(text: &str) -> Option<u32> {
    if !text.contains("\"type\":\"order.updated\"") {
        return None;
    }
    let at = text.find(FANOUT_NOTE)? + FANOUT_NOTE.len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

async fn fanout(ctx: &Ctx, c: &Counts, sockets: usize, pid: u32) -> Result<Fanout, String> {
    let api = &ctx.api;
    // A few sessions share the sockets, as browsers' tabs would.
    let sessions = sockets.div_ceil(100).clamp(1, 10);
    let mut tokens = vec![];
    for _ in 0..sessions {
        tokens.push(api.login(MANAGER).await?);
    }
    // The order that changes.
    let mut rng = Rng(99);
    let order = api
        .post(
            "/api/orders",
            &ctx.manager,
            &order_body(ctx, &mut rng, false, ctx.own_day),
        )
        .await?;
    let id = str_of(&order, "id")?;
    let mut version = order["version"].as_i64().ok_or("no version")?;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u32, Instant)>();
    let resyncs = Arc::new(AtomicUsize::new(0));
    let connected = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    let t_connect = Instant::now();
    let mut opening = vec![];
    for i in 0..sockets {
        let url = api.ws_url(&tokens[i % tokens.len()]);
        let gate = gate.clone();
        let (tx, resyncs, connected) = (tx.clone(), resyncs.clone(), connected.clone());
        opening.push(tokio::spawn(async move {
            let ws = {
                let _permit = gate.acquire().await;
                tokio_tungstenite::connect_async(url).await
            };
            let (mut ws, _) = ws.map_err(|e| format!("websocket {i}: {e}"))?;
            connected.fetch_add(1, Ordering::Relaxed);
            // Each socket is read by its own task.
            let reader = tokio::spawn(async move {
                while let Some(Ok(m)) = ws.next().await {
                    if let Message::Text(t) = m {
                        if let Some(k) = fanout_mark(t.as_str()) {
                            if tx.send((k, Instant::now())).is_err() {
                                break;
                            }
                        } else if t.as_str().contains("\"type\":\"resync\"") {
                            resyncs.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
            Ok::<_, String>(reader)
        }));
    }
    drop(tx);
    let mut readers = vec![];
    let mut failed = None;
    for o in opening {
        match o.await {
            Ok(Ok(r)) => readers.push(r),
            Ok(Err(e)) => failed = failed.or(Some(e)),
            Err(e) => failed = failed.or(Some(e.to_string())),
        }
    }
    let abort = |readers: &[tokio::task::JoinHandle<()>]| {
        for r in readers {
            r.abort();
        }
    };
    if let Some(e) = failed {
        abort(&readers);
        return Err(format!(
            "only {} of {sockets} sockets connected: {e}",
            connected.load(Ordering::Relaxed)
        ));
    }
    let connect_time = t_connect.elapsed();
    eprintln!(
        "bench: {sockets} sockets connected in {:.1} s",
        connect_time.as_secs_f64()
    );
    // Let every socket subscribe and settle.
    tokio::time::sleep(Duration::from_millis(if c.fanout_warm > 2 {
        1000
    } else {
        300
    }))
    .await;

    let mut s = Sample::default();
    let mut rss = None;
    let mut rss_busy = None;
    for k in 0..(c.fanout_warm + c.fanout) as u32 {
        let note = format!("bench-fanout-{k}");
        let t0 = Instant::now();
        let patched = api
            .call(
                reqwest::Method::PATCH,
                &format!("/api/orders/{}", rodnik_tests::enc(&id)),
                Some(&ctx.manager),
                Some(&json!({ "note": note, "expected_version": version })),
            )
            .await;
        let r = match patched {
            Err(e) => Err(e),
            Ok(o) => {
                version = o["version"].as_i64().unwrap_or(version + 1);
                // Until every socket has this change.
                let mut got = 0usize;
                let mut last = t0;
                let deadline = tokio::time::Instant::now() + DELIVERY_TIMEOUT;
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
                    Err(format!(
                        "change {k} reached {got} of {sockets} sockets within {} s",
                        DELIVERY_TIMEOUT.as_secs()
                    ))
                }
            }
        };
        if (k as usize) < c.fanout_warm {
            if let Err(e) = r {
                abort(&readers);
                return Err(format!("fan-out warm-up: {e}"));
            }
            if k as usize + 1 == c.fanout_warm {
                // All connected, subscribed and idle: right after the order
                // writes (the write phases' garbage still held), and once the
                // server's periodic heap trim (every 5 s) has run.
                tokio::time::sleep(Duration::from_millis(300)).await;
                rss_busy = rss_kib(pid);
                tokio::time::sleep(Duration::from_secs(6)).await;
                rss = rss_kib(pid);
            }
        } else {
            match r {
                Ok(d) => s.record(d, Ok(())),
                Err(e) => s.record(Duration::ZERO, Err(e)),
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    abort(&readers);
    s.guard("fan-out")?;
    Ok(Fanout {
        sample: s,
        rss,
        rss_busy,
        resyncs: resyncs.load(Ordering::Relaxed),
        connect_time,
    })
}

async fn reports(ctx: &Ctx, c: &Counts) -> Result<Vec<Row>, String> {
    let today = ctx.today;
    let month = today - chrono::Duration::days(29);
    let year = today - chrono::Duration::days(364);
    let year_target = vec![Check::P99(Duration::from_millis(500))];
    let mut cases: Vec<(String, String, Vec<Check>)> = vec![];
    for r in ["deliveries", "sales", "orders"] {
        cases.push((
            format!("report {r}, month"),
            format!("/api/reports/{r}?from={month}&to={today}"),
            vec![],
        ));
        cases.push((
            format!("report {r}, year"),
            format!("/api/reports/{r}?from={year}&to={today}"),
            vec![Check::P99(Duration::from_millis(500))],
        ));
    }
    // Lost clients has no date range: its "month" and "year" are the windows
    // without a delivery (1 and 12 calendar months), over the full history.
    cases.push((
        "report lost clients, 1 month window".into(),
        format!("/api/reports/lost-clients?as_of={today}&months=1"),
        vec![],
    ));
    cases.push((
        "report lost clients, 12 months window".into(),
        format!("/api/reports/lost-clients?as_of={today}&months=12"),
        year_target,
    ));
    cases.push((
        "lost clients, full history".into(),
        format!("/api/reports/lost-clients?as_of={today}&months=3"),
        vec![Check::P99(Duration::from_millis(500))],
    ));
    let mut rows = vec![];
    for (name, path, checks) in cases {
        let s = sequential(&ctx.api, &ctx.manager, 1, c.reports, |_| path.clone()).await;
        s.guard(&name)?;
        rows.push(Row::new(name, &s, None, checks));
    }
    Ok(rows)
}

// ------------------------------------------------------- PostgreSQL reference

/// PostgreSQL alone: lookups and order writes, to set beside Rodnik's rows.
struct PgRows {
    /// "PostgreSQL 16.x, loaded in N s, M MiB"
    about: String,
    /// (name, the matching Rodnik row's name, sample, throughput)
    rows: Vec<(String, String, Sample, Option<f64>)>,
}

/// The PostgreSQL reference (`rodnik_bench::pgref`, bench/src/pgref.rs): the
/// same dataset shape loaded into a PostgreSQL it starts and stops itself.
async fn pg_reference(a: &Args) -> Result<PgRows, String> {
    let r = rodnik_bench::pgref::run(&rodnik_bench::pgref::PgRefOptions {
        clients: a.clients,
        orders: a.orders,
        seed: a.seed,
        quick: a.quick,
    })
    .await?;
    let sample = |lat: &[Duration]| Sample {
        lat: lat.to_vec(),
        attempts: lat.len(),
        ..Sample::default()
    };
    let per_second = |lat: &[Duration]| {
        let busy: f64 = lat.iter().map(Duration::as_secs_f64).sum();
        (busy > 0.0).then(|| lat.len() as f64 / busy)
    };
    Ok(PgRows {
        about: format!(
            "PostgreSQL {}, {} clients and {} orders loaded in {:.0} s, {}",
            r.version,
            a.clients,
            r.orders_before,
            r.load_seconds,
            mib(r.db_bytes)
        ),
        rows: vec![
            (
                "lookup, known number".into(),
                "lookup, known number".into(),
                sample(&r.lookup_known),
                None,
            ),
            (
                "lookup, unknown number".into(),
                "lookup, unknown number".into(),
                sample(&r.lookup_unknown),
                None,
            ),
            (
                "order write, 1 client".into(),
                "order create, 1 client".into(),
                sample(&r.order_write_1),
                per_second(&r.order_write_1),
            ),
            (
                "order write, 8 clients".into(),
                "order create, 8 clients".into(),
                sample(&r.order_write_8),
                Some(r.order_write_8_per_sec),
            ),
        ],
    })
}

// ------------------------------------------------------------------- output

fn machine() -> Vec<String> {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<u64>().ok())
        .map(|k| format!("{:.1} GiB", k as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
    vec![
        format!("CPUs (nproc): {cpus}"),
        format!("CPU: {model}"),
        format!("RAM: {mem}"),
        format!("kernel: Linux {kernel}"),
        format!("date: {}", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")),
    ]
}

struct Report {
    lines: Vec<String>,
}

impl Report {
    fn push(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }
    fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t
    }
}

// -------------------------------------------------------------------- bench

/// Reads every file under `dir` once (into the OS page cache); the bytes read.
fn read_folder(dir: &Path) -> Result<u64, String> {
    let mut total = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            total += read_folder(&path)?;
        } else if let Ok(mut f) = std::fs::File::open(&path) {
            // A file that vanished or cannot be read (the lock) is simply skipped.
            total += std::io::copy(&mut f, &mut std::io::sink()).unwrap_or(0);
        }
    }
    Ok(total)
}

async fn bench(a: Args) -> Result<(), String> {
    let counts = Counts::new(a.quick);
    let mut phases: Vec<(String, Duration)> = vec![];
    let mut rows: Vec<Row> = vec![];
    let mut phase = |name: &str, t: Instant| {
        let d = t.elapsed();
        eprintln!("bench: {name}: {:.1} s", d.as_secs_f64());
        phases.push((name.to_string(), d));
    };

    let t = Instant::now();
    let (db, how) = dataset(&a)?;
    phase("dataset", t);
    if !a.cold {
        let t = Instant::now();
        let bytes = read_folder(&db)?;
        eprintln!(
            "bench: read {:.1} GB of the database folder into the page cache",
            bytes as f64 / 1e9
        );
        phase("page cache (read the database folder once)", t);
    }

    let t = Instant::now();
    eprintln!("bench: starting {} on {}", a.server.display(), db.display());
    let server = start_server(&a, &db).await?;
    phase("server start (open the database)", t);
    let rss_idle = rss_kib(server.pid);
    let mut peaks = Peaks::new(server.pid);
    peaks.take("server start (open the database)");
    let api = Api::new(&server.base)?;

    let t = Instant::now();
    let ctx = Arc::new(context(api, &counts).await?);
    phase("setup (logins, known phones, clients)", t);
    peaks.take("setup (logins, known phones, clients)");
    eprintln!(
        "bench: today {}, {} known phones, {} clients, {} couriers, {} operators",
        ctx.today,
        ctx.phones.len(),
        ctx.clients.len(),
        ctx.couriers.len(),
        ctx.operators.len()
    );

    // On an abort, what was measured so far is still printed.
    macro_rules! partial {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(e) => {
                    println!("\nMeasured before the abort:\n\n{ROWS_HEADER}");
                    for r in &rows {
                        println!("{}", r.markdown());
                    }
                    return Err(e);
                }
            }
        };
    }
    if a.runs("lookups") {
        let t = Instant::now();
        let (known, unknown) = partial!(lookups(&ctx, &counts).await);
        let p99_5 = || vec![Check::P99(Duration::from_millis(5))];
        rows.push(Row::new("lookup, known number", &known, None, p99_5()));
        rows.push(Row::new("lookup, unknown number", &unknown, None, p99_5()));
        phase("phone lookups", t);
        peaks.take("phone lookups");
    }

    if a.runs("pop") {
        let t = Instant::now();
        let pop = partial!(screen_pop(&ctx, &counts).await);
        rows.push(Row::new(
            "screen pop (ringing → call.ringing)",
            &pop,
            None,
            vec![Check::P99(Duration::from_millis(15))],
        ));
        phase("screen pop", t);
        peaks.take("screen pop");
    }

    if a.runs("route") {
        let t = Instant::now();
        let (route, stops, day) = partial!(routes(&ctx, &counts).await);
        let which = if day == ctx.today {
            String::new()
        } else {
            format!(", {day}")
        };
        rows.push(Row::new(
            format!("route of the day ({stops:.0} stops on average{which})"),
            &route,
            None,
            vec![Check::P99(Duration::from_millis(10))],
        ));
        phase("route of the day", t);
        peaks.take("route of the day");
    }
    if a.runs("search") {
        rows.extend(partial!(scale_search::rows(&ctx, &counts).await));
        peaks.take("client search");
    }

    if a.runs("writes") {
        let t = Instant::now();
        // Warm-up of the write path, not measured.
        {
            let mut rng = Rng(5);
            for i in 0..counts.write_warm {
                partial!(
                    write_once(&ctx, &ctx.operators[0], &mut rng, i % 2 == 1, ctx.own_day).await
                );
            }
        }
        peaks.take("order writes: warm-up");
        for (dispatch, label) in [(false, "order create"), (true, "create+dispatch")] {
            for (salt, n) in [1usize, 8, 64].into_iter().enumerate() {
                let salt = salt as u64 + if dispatch { 10 } else { 0 };
                let (s, rate) =
                    partial!(writes(&ctx, n, a.seconds, dispatch, salt, ctx.own_day).await);
                let name = format!("{label}, {n} client{}", if n == 1 { "" } else { "s" });
                let checks = match (dispatch, n) {
                    (false, 8) => vec![
                        Check::P99(Duration::from_millis(20)),
                        Check::PerSecond(300.0),
                    ],
                    (true, 8) => vec![Check::P99(Duration::from_millis(25))],
                    _ => vec![],
                };
                match &s.first_error {
                    Some(e) => eprintln!(
                        "bench: {name}: {rate:.0}/s, {} errors; first: {e}",
                        s.errors
                    ),
                    None => eprintln!("bench: {name}: {rate:.0}/s, 0 errors"),
                }
                rows.push(Row::new(name.clone(), &s, Some(rate), checks));
                peaks.take(format!("order writes: {name}"));
                partial!(s.guard(&name));
            }
        }
        // The same on the day every earlier run wrote to (and cancelled): create
        // plus dispatch must not cost more for what else the day holds (issue 22).
        {
            let crowd = partial!(orders_on(&ctx, ctx.crowd_day, 20).await);
            let (s, rate) = partial!(writes(&ctx, 8, a.seconds, true, 30, ctx.crowd_day).await);
            let name = format!(
                "create+dispatch, 8 clients, on a crowded day ({}{} orders)",
                if crowd.1 { "" } else { "≥" },
                crowd.0
            );
            eprintln!("bench: {name}: {rate:.0}/s, {} errors", s.errors);
            rows.push(Row::new(
                name.clone(),
                &s,
                Some(rate),
                vec![Check::P99(Duration::from_millis(25))],
            ));
            peaks.take(format!("order writes: {name}"));
            partial!(s.guard(&name));
        }
        phase("order writes", t);
    }

    let fan = if a.runs("fanout") {
        let t = Instant::now();
        let fan = partial!(fanout(&ctx, &counts, a.sockets, server.pid).await);
        rows.push(Row::new(
            format!("fan-out to {} sockets (last delivery)", a.sockets),
            &fan.sample,
            None,
            vec![Check::P99(Duration::from_millis(100))],
        ));
        phase("live fan-out", t);
        peaks.take("live fan-out");
        Some(fan)
    } else {
        None
    };

    if a.runs("reports") {
        let t = Instant::now();
        rows.extend(partial!(reports(&ctx, &counts).await));
        peaks.take("reports (the four, as before)");
        rows.extend(partial!(
            scale_reports::rows(&ctx, &counts, server.pid).await
        ));
        peaks.take("reports (grouped, and the full table streamed)");
        phase("reports", t);
    }

    let t = Instant::now();
    let (cancelled, left) = cancel_created(&ctx).await;
    eprintln!("bench: cancelled the {cancelled} orders this run created ({left} could not be)");
    phase("clean-up (cancel this run's orders)", t);
    peaks.take("clean-up (cancel this run's orders)");

    let rss_end = rss_kib(server.pid);
    let db_size = dir_size(&db);
    drop(server);

    let pg = if a.no_pg {
        None
    } else {
        let t = Instant::now();
        let r = pg_reference(&a).await;
        phase("PostgreSQL reference", t);
        Some(r)
    };

    // The table.
    let mut out = Report { lines: vec![] };
    out.push("# Rodnik scale benchmark");
    out.push("");
    for m in machine() {
        out.push(format!("- {m}"));
    }
    out.push(format!("- command: `{}`", a.command_line));
    out.push(format!("- server: {}", a.server.display()));
    out.push(format!("- dataset: {} ({how})", db.display()));
    out.push(format!(
        "- server's today: {}; {} known phones from {} clients; {} couriers; {} operator logins",
        ctx.today,
        ctx.phones.len(),
        ctx.clients.len(),
        ctx.couriers.len(),
        ctx.operators.len()
    ));
    if !a.only.is_empty() {
        out.push(format!("- steps run: {} (`--only`)", a.only.join(", ")));
    }
    if let Some(fan) = &fan {
        out.push(format!(
            "- order writes: {} s per concurrency level; fan-out sockets connected in {:.1} s, {} resync messages",
            a.seconds,
            fan.connect_time.as_secs_f64(),
            fan.resyncs
        ));
    }
    out.push("");
    out.push(ROWS_HEADER);
    for r in &rows {
        out.push(r.markdown());
    }
    out.push("");
    let rss_target = 300 * 1024;
    let kib = |k: u64| mib(k * 1024);
    out.push("| resource | value | target | result |\n|---|---:|---|---|");
    if let Some((r, _)) = rss_idle {
        out.push(format!("| server RSS after start | {} | - | |", kib(r)));
    }
    let fan_rss_busy = fan.as_ref().and_then(|f| f.rss_busy);
    let fan_rss = fan.as_ref().and_then(|f| f.rss);
    if let Some((r, _)) = fan_rss_busy {
        out.push(format!(
            "| server RSS with {} sockets, right after the order writes | {} | - | |",
            a.sockets,
            kib(r)
        ));
    }
    match fan_rss {
        Some((r, _)) => out.push(format!(
            "| server RSS with {} sockets, idle 6 s | {} | ≤ 300.0 MiB | {} |",
            a.sockets,
            kib(r),
            if r <= rss_target { "ok" } else { "MISSED" }
        )),
        None => out.push(format!(
            "| server RSS with {} sockets | unknown | ≤ 300.0 MiB | |",
            a.sockets
        )),
    }
    if let Some((r, _)) = rss_end {
        out.push(format!("| server RSS at the end | {} | - | |", kib(r)));
    }
    out.push(format!(
        "| database size on disk | {} | - | |",
        mib(db_size)
    ));
    let peak_target = 600 * 1024;
    let peak_missed = peaks.highest().is_some_and(|p| p > peak_target);
    match peaks.highest() {
        Some(p) => out.push(format!(
            "| server peak RSS through the whole benchmark | {} | ≤ 600.0 MiB | {} |",
            kib(p),
            if peak_missed { "MISSED" } else { "ok" }
        )),
        None => out.push(
            "| server peak RSS through the whole benchmark | unknown | ≤ 600.0 MiB | |".to_string(),
        ),
    }
    out.push("");
    out.push(format!(
        "Server peak RSS by step ({}):",
        if peaks.resets {
            "each step's own peak: VmHWM, reset after every step through /proc/PID/clear_refs"
        } else {
            "the kernel refused the peak reset, so each figure is the peak so far"
        }
    ));
    out.push("");
    out.push("| step | peak RSS |\n|---|---:|");
    for (name, p) in &peaks.steps {
        out.push(format!(
            "| {name} | {} |",
            p.map(kib).unwrap_or_else(|| "unknown".into())
        ));
    }
    out.push("");
    match &pg {
        None => {}
        Some(Err(e)) => {
            out.push(format!("PostgreSQL reference: not run ({e})"));
            out.push("");
        }
        Some(Ok(pg)) => {
            out.push(format!(
                "PostgreSQL alone (the database's part of the same operations: SQL over loopback TCP, no HTTP; {}), and Rodnik end to end / PostgreSQL:",
                pg.about
            ));
            out.push("");
            out.push("| operation | samples | errors | p50 | p99 | max | throughput | Rodnik p50 / PG p50 | Rodnik p99 / PG p99 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            let ratio = |a: Duration, b: Duration| {
                if b.is_zero() {
                    "-".to_string()
                } else {
                    format!("{:.1}×", a.as_secs_f64() / b.as_secs_f64())
                }
            };
            let cells = |r: &Row| {
                format!(
                    "{} | {} | {} | {} | {} | {}",
                    r.samples,
                    r.errors,
                    ms(r.p50),
                    ms(r.p99),
                    ms(r.max),
                    r.throughput
                        .map(|t| format!("{t:.0}/s"))
                        .unwrap_or_else(|| "-".into())
                )
            };
            for (name, ours, s, rate) in &pg.rows {
                let r = Row::new(name.clone(), s, *rate, vec![]);
                let (r50, r99) = match rows.iter().find(|x| &x.name == ours) {
                    Some(o) => {
                        // Rodnik's end-to-end row, then PostgreSQL's beside it.
                        out.push(format!("| Rodnik: {} | {} | | |", o.name, cells(o)));
                        (ratio(o.p50, r.p50), ratio(o.p99, r.p99))
                    }
                    None => ("-".into(), "-".into()),
                };
                out.push(format!(
                    "| PostgreSQL alone: {} | {} | {r50} | {r99} |",
                    r.name,
                    cells(&r)
                ));
            }
            out.push("");
        }
    }
    out.push("| phase | time |\n|---|---:|");
    for (name, d) in &phases {
        out.push(format!("| {name} | {:.1} s |", d.as_secs_f64()));
    }
    let missed = rows.iter().filter(|r| r.ok() == Some(false)).count()
        + usize::from(fan_rss.is_some_and(|(r, _)| r > rss_target))
        + usize::from(peak_missed);
    out.push("");
    out.push(if missed == 0 {
        "All targets met.".to_string()
    } else {
        format!("{missed} target(s) MISSED.")
    });

    let text = out.text();
    println!("\n{text}");
    if let Some(path) = &a.out {
        std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("bench: wrote {}", path.display());
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let result = match args() {
        Ok(a) => bench(a).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("bench_scale: {e}");
        std::process::exit(1);
    }
}
