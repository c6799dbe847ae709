//! `cargo xtask bench planning`: route planning in the product (issue 21,
//! items 5 and 6). The release server on a fresh folder, a company with 20
//! couriers and a depot in Moscow (the default planning settings otherwise),
//! and two days of dispatched stops made through the API:
//!
//! - tomorrow (day a), for promised slots and expected arrivals: 20 couriers
//!   × 150 stops, each courier's stops a sector of the city around the depot
//!   in a sensible order (by window, then by angle around the depot);
//! - the day after (day b), for the optimiser: 1,500 stops given to the 20
//!   couriers at random, in random order (a bad plan).
//!
//! Addresses are real buildings (`backend/assets/addresses/moscow.csv`; if
//! the file is missing, uniform points over Moscow). Windows 09-13, 13-18,
//! 18-21 or none, 1-3 bottles a stop.
//!
//! Measured and printed:
//! 1. `GET /api/slots` (qty 2, 3 days from today) for new clients on no
//!    route: `--requests` requests from one client, then as many from 4
//!    concurrent clients; p50/p90/p99/max and the share of windows feasible
//!    per day. Target: p99 < 100 ms.
//! 2. `GET /api/etas` for the whole of day a and for one courier: p50/p99
//!    over 100 requests each.
//! 3. "Optimise the day" on day b (`POST /api/plans`, 30 s, polled every
//!    500 ms): the progress seen, the wall time to `done` (target: about
//!    32 s, reading and the travel table included), the totals before and
//!    after, then the accept's time and what it applied and skipped.
//! 4. The server's RSS after each phase and its peak (VmHWM).
//!
//! Options: `--server PATH` (set by xtask), `--stops N` (per courier on day
//! a, 150; day b gets half as many), `--couriers N` (20), `--requests N`
//! (slot requests per phase, 500), `--time-limit-ms N` (the plan's, 30000),
//! `--seed N` (1).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use reqwest::Method;
use rodnik_tests::crash::{self, Options};
use serde_json::{json, Value};

/// The depot: a warehouse in the north of Moscow.
const DEPOT: (f64, f64) = (55.8046, 37.5969);
/// Concurrent tasks making the data (each its own HTTP client).
const SETUP_TASKS: usize = 4;
/// New clients (on no route) whose slots are asked for.
const SLOT_CLIENTS: usize = 100;
/// Concurrent clients in the second slots phase.
const SLOT_READERS: usize = 4;
/// Requests per ETA measurement.
const ETA_REQUESTS: usize = 100;

struct Args {
    server: PathBuf,
    stops: usize,
    couriers: usize,
    requests: usize,
    time_limit_ms: u64,
    seed: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        server: PathBuf::new(),
        stops: 150,
        couriers: 20,
        requests: 500,
        time_limit_ms: 30_000,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--server" => a.server = PathBuf::from(value()?),
            "--stops" => a.stops = number(value()?)? as usize,
            "--couriers" => a.couriers = number(value()?)? as usize,
            "--requests" => a.requests = number(value()?)? as usize,
            "--time-limit-ms" => a.time_limit_ms = number(value()?)?,
            "--seed" => a.seed = number(value()?)?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if a.server.as_os_str().is_empty() {
        return Err("--server PATH is required (cargo xtask bench planning sets it)".into());
    }
    if a.stops == 0 || a.couriers == 0 || a.requests == 0 {
        return Err("--stops, --couriers and --requests must be above 0".into());
    }
    Ok(a)
}

/// SplitMix64: a small seeded generator, so every run makes the same data.
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
        (self.next() % n as u64) as usize
    }

    /// In [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// A building a client lives in.
#[derive(Clone, Debug)]
struct Building {
    text: String,
    lat: f64,
    lon: f64,
}

/// The real buildings of `backend/assets/addresses/moscow.csv` (street,
/// house, lat, lon), or `None` when the file is not there.
fn moscow_buildings() -> Option<Vec<Building>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../backend/assets/addresses/moscow.csv"
    );
    let text = std::fs::read_to_string(path).ok()?;
    let rows: Vec<Building> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let [street, house, lat, lon] = f[..] else {
                return None;
            };
            Some(Building {
                text: format!("Москва, {street}, д. {house}"),
                lat: lat.parse().ok()?,
                lon: lon.parse().ok()?,
            })
        })
        .collect();
    (!rows.is_empty()).then_some(rows)
}

/// Where the stops' buildings come from.
struct Places {
    rows: Option<Vec<Building>>,
    made: usize,
}

impl Places {
    /// A random building: a row of the file, or a uniform point over Moscow
    /// (lat 55.60-55.90, lon 37.35-37.85).
    fn pick(&mut self, rng: &mut Rng) -> Building {
        if let Some(rows) = &self.rows {
            return rows[rng.below(rows.len())].clone();
        }
        self.made += 1;
        Building {
            text: format!("Москва, ул. Тестовая, д. {}", self.made),
            lat: 55.60 + 0.30 * rng.unit(),
            lon: 37.35 + 0.50 * rng.unit(),
        }
    }

    /// `n` buildings, each row of the file at most once while it lasts.
    fn distinct(&mut self, rng: &mut Rng, n: usize) -> Vec<Building> {
        match &self.rows {
            Some(rows) => {
                let mut all = rows.clone();
                rng.shuffle(&mut all);
                let mut out: Vec<Building> = all.into_iter().take(n).collect();
                while out.len() < n {
                    out.push(self.pick(rng));
                }
                out
            }
            None => (0..n).map(|_| self.pick(rng)).collect(),
        }
    }
}

/// The standard windows; `None` is a stop without one.
const WINDOWS: [Option<(&str, &str)>; 4] = [
    Some(("09:00", "13:00")),
    None,
    Some(("13:00", "18:00")),
    Some(("18:00", "21:00")),
];

/// A window index into `WINDOWS`: 30 % morning, 25 % none, 30 % afternoon,
/// 15 % evening.
fn random_window(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..30 => 0,
        30..55 => 1,
        55..85 => 2,
        _ => 3,
    }
}

/// One stop to make: a new client in `building`, an order of `qty` bottles.
#[derive(Clone, Debug)]
struct Stop {
    building: Building,
    window: usize,
    qty: u32,
}

/// The angle of a point around the depot, in radians (east 0, north π/2).
fn angle(b: &Building) -> f64 {
    let x = (b.lon - DEPOT.1) * DEPOT.0.to_radians().cos();
    let y = b.lat - DEPOT.0;
    y.atan2(x)
}

/// Day a: `couriers` × `per` stops; the buildings sorted by angle around the
/// depot and cut into equal sectors, one per courier; each route by window
/// (morning, no window, afternoon, evening), then by angle, sweeping back
/// and forth from one window to the next.
fn sensible_day(rng: &mut Rng, places: &mut Places, couriers: usize, per: usize) -> Vec<Vec<Stop>> {
    let mut buildings = places.distinct(rng, couriers * per);
    buildings.sort_by(|a, b| angle(a).total_cmp(&angle(b)));
    buildings
        .chunks(per)
        .map(|sector| {
            let mut stops: Vec<Stop> = sector
                .iter()
                .map(|b| Stop {
                    building: b.clone(),
                    window: random_window(rng),
                    qty: 1 + rng.below(3) as u32,
                })
                .collect();
            stops.sort_by(|a, b| {
                let sweep = |s: &Stop| {
                    if s.window % 2 == 0 {
                        angle(&s.building)
                    } else {
                        -angle(&s.building)
                    }
                };
                a.window.cmp(&b.window).then(sweep(a).total_cmp(&sweep(b)))
            });
            stops
        })
        .collect()
}

/// Day b: `total` stops anywhere, each given to a random courier, each route
/// in the order the stops came.
fn random_day(rng: &mut Rng, places: &mut Places, couriers: usize, total: usize) -> Vec<Vec<Stop>> {
    let mut routes = vec![vec![]; couriers];
    for _ in 0..total {
        let stop = Stop {
            building: places.pick(rng),
            window: random_window(rng),
            qty: 1 + rng.below(3) as u32,
        };
        routes[rng.below(couriers)].push(stop);
    }
    routes
}

/// The API as the admin, over one keep-alive HTTP client.
#[derive(Clone)]
struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

/// Numbers each POST's `Idempotency-Key`.
static KEYS: AtomicU64 = AtomicU64::new(0);
/// 409 `retry` answers seen (tried again).
static CONFLICTS: AtomicU64 = AtomicU64::new(0);

impl Api {
    /// A fresh client (its own connections) on the same server and token.
    fn fresh(&self) -> Api {
        Api {
            http: reqwest::Client::new(),
            ..self.clone()
        }
    }

    /// One call; the answer's JSON when it succeeds. A POST carries an
    /// `Idempotency-Key`, so that a retry after a dropped connection or a
    /// 5xx cannot make the thing twice. A 409 `retry` (the server's own
    /// retries of a transaction conflict ran out; nothing was written, and
    /// the key keeps that answer) is tried again under a new key and
    /// counted in `CONFLICTS`. Up to 6 tries.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let new_key = || {
            format!(
                "bench-planning-{}-{}",
                std::process::id(),
                KEYS.fetch_add(1, Ordering::Relaxed)
            )
        };
        let mut key = new_key();
        let mut last = String::new();
        for attempt in 0..6 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
            let mut rq = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&self.token);
            if method == Method::POST {
                rq = rq.header("Idempotency-Key", &key);
            }
            if let Some(b) = body {
                rq = rq.json(b);
            }
            match rq.send().await {
                Ok(r) => {
                    let status = r.status();
                    let text = r.text().await.unwrap_or_default();
                    if status.is_success() {
                        return serde_json::from_str(&text)
                            .map_err(|e| format!("{method} {path}: {e}: {text}"));
                    }
                    last = format!("{method} {path}: {status} {text}");
                    if status == 409 && text.contains(r#""code":"retry""#) {
                        CONFLICTS.fetch_add(1, Ordering::Relaxed);
                        key = new_key();
                        continue;
                    }
                    let retry = status.is_server_error() || text.contains("idempotency_key_in_use");
                    if !retry {
                        break;
                    }
                }
                Err(e) => last = format!("{method} {path}: {e}"),
            }
        }
        Err(last)
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.call(Method::POST, path, Some(&body)).await
    }

    async fn put(&self, path: &str, body: Value) -> Result<Value, String> {
        self.call(Method::PUT, path, Some(&body)).await
    }

    /// A GET timed until its whole body is in: (microseconds, JSON).
    async fn timed_get(&self, path: &str) -> Result<(u64, Value), String> {
        let t = Instant::now();
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        let status = r.status();
        let body = r.bytes().await.map_err(|e| format!("GET {path}: {e}"))?;
        let micros = t.elapsed().as_micros() as u64;
        if !status.is_success() {
            return Err(format!(
                "GET {path}: {status} {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let v = serde_json::from_slice(&body).map_err(|e| format!("GET {path}: {e}"))?;
        Ok((micros, v))
    }
}

fn id_of(v: &Value, what: &str) -> Result<String, String> {
    v["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{what} without an id: {v}"))
}

/// A client living in `b` (one address with its point): (client, address).
async fn new_client(api: &Api, n: usize, b: &Building) -> Result<(String, String), String> {
    let c = api
        .post(
            "/api/clients",
            json!({ "kind": "individual", "name": format!("Клиент {n}"),
                    "phones": [format!("+7916{:07}", 1_000_000 + n)],
                    "addresses": [{ "text": b.text, "lat": b.lat, "lon": b.lon }] }),
        )
        .await?;
    let address = c["addresses"][0]["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("client without an address: {c}"))?;
    Ok((id_of(&c, "client")?, address))
}

/// One courier's route of one day to make: its stops in route order.
struct RouteJob {
    date: String,
    courier: usize,
    stops: Vec<Stop>,
    /// The client numbers of the stops start here (unique phones).
    first_client: usize,
}

/// Makes the routes with `SETUP_TASKS` tasks, each taking whole routes from
/// a shared queue and making their stops in route order (a client, its
/// order with the courier and window, the dispatch). Returns each route's
/// order ids by (date, courier).
async fn make_routes(
    api: &Api,
    product: &str,
    couriers: &[String],
    jobs: Vec<RouteJob>,
) -> Result<BTreeMap<(String, usize), Vec<String>>, String> {
    let total: usize = jobs.iter().map(|j| j.stops.len()).sum();
    let queue = Arc::new(Mutex::new(jobs));
    let made = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..SETUP_TASKS)
        .map(|_| {
            let (api, queue, made) = (api.fresh(), queue.clone(), made.clone());
            let (product, couriers) = (product.to_string(), couriers.to_vec());
            tokio::spawn(async move {
                let mut out = vec![];
                loop {
                    let Some(job) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let mut ids = vec![];
                    for (i, s) in job.stops.iter().enumerate() {
                        let (client, address) =
                            new_client(&api, job.first_client + i, &s.building).await?;
                        let mut body = json!({
                            "client_id": client, "address_id": address,
                            "lines": [{ "product_id": product, "qty": s.qty }],
                            "delivery_date": job.date, "courier_id": couriers[job.courier],
                        });
                        if let Some((from, to)) = WINDOWS[s.window] {
                            body["window"] = json!({ "from": from, "to": to });
                        }
                        let order = api.post("/api/orders", body).await?;
                        let id = id_of(&order, "order")?;
                        api.post(&format!("/api/orders/{id}/dispatch"), json!({}))
                            .await?;
                        ids.push(id);
                        let n = made.fetch_add(1, Ordering::Relaxed) + 1;
                        if n % 500 == 0 {
                            println!(
                                "  set-up: {n} of {total} stops, {:.0} s",
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                    out.push(((job.date, job.courier), ids));
                }
                Ok::<_, String>(out)
            })
        })
        .collect();
    let mut routes = BTreeMap::new();
    for t in tasks {
        for (k, ids) in t.await.map_err(|e| format!("set-up task: {e}"))?? {
            routes.insert(k, ids);
        }
    }
    Ok(routes)
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// "p50 a, p90 b, p99 c, max d ms" of latencies in microseconds.
fn summary(lat: &mut [u64]) -> String {
    lat.sort_unstable();
    format!(
        "{} requests, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        pct(lat, 0.5),
        pct(lat, 0.9),
        pct(lat, 0.99),
        pct(lat, 1.0)
    )
}

/// What the slot answers said, per date: windows asked, feasible, and the
/// reasons of the others.
#[derive(Default)]
struct SlotTally {
    per_date: BTreeMap<String, (usize, usize, BTreeMap<String, usize>)>,
    failed: usize,
}

impl SlotTally {
    fn add(&mut self, v: &Value) {
        for day in v["days"].as_array().into_iter().flatten() {
            let date = day["date"].as_str().unwrap_or("?").to_string();
            let e = self.per_date.entry(date).or_default();
            for w in day["windows"].as_array().into_iter().flatten() {
                e.0 += 1;
                if w["feasible"] == true {
                    e.1 += 1;
                } else {
                    let r = w["reason"].as_str().unwrap_or("none").to_string();
                    *e.2.entry(r).or_default() += 1;
                }
            }
        }
    }

    fn print(&self, label: &[(&str, &str)]) {
        for (date, (asked, ok, reasons)) in &self.per_date {
            let name = label.iter().find(|(d, _)| d == date).map_or("", |(_, n)| n);
            let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
            println!(
                "    {date} {name}: {ok} of {asked} windows feasible ({:.1} %){}",
                100.0 * *ok as f64 / (*asked).max(1) as f64,
                if reasons.is_empty() {
                    String::new()
                } else {
                    format!("; not: {}", reasons.join(", "))
                }
            );
        }
        if self.failed > 0 {
            println!("    requests that failed: {}", self.failed);
        }
    }
}

/// `requests` slot requests spread over `readers` concurrent clients, each
/// for a random one of `clients`: the latencies (µs) and what they said.
async fn slots_phase(
    api: &Api,
    clients: &[(String, String)],
    readers: usize,
    requests: usize,
    seed: u64,
) -> (Vec<u64>, SlotTally, Option<String>) {
    let tasks: Vec<_> = (0..readers)
        .map(|r| {
            let (api, clients) = (api.fresh(), clients.to_vec());
            let n = requests / readers + usize::from(r < requests % readers);
            tokio::spawn(async move {
                let mut rng = Rng(seed * 1000 + r as u64);
                let mut lat = vec![];
                let mut tally = SlotTally::default();
                let mut error = None;
                for _ in 0..n {
                    let (c, a) = &clients[rng.below(clients.len())];
                    let path = format!(
                        "/api/slots?client_id={}&address_id={}&qty=2&days=3",
                        rodnik_tests::enc(c),
                        rodnik_tests::enc(a)
                    );
                    match api.timed_get(&path).await {
                        Ok((us, v)) => {
                            lat.push(us);
                            tally.add(&v);
                        }
                        Err(e) => {
                            tally.failed += 1;
                            error.get_or_insert(e);
                        }
                    }
                }
                (lat, tally, error)
            })
        })
        .collect();
    let (mut all, mut tally, mut error) = (vec![], SlotTally::default(), None);
    for t in tasks {
        let Ok((lat, t, e)) = t.await else { continue };
        all.extend(lat);
        for (date, (asked, ok, reasons)) in t.per_date {
            let e = tally.per_date.entry(date).or_default();
            e.0 += asked;
            e.1 += ok;
            for (r, n) in reasons {
                *e.2.entry(r).or_default() += n;
            }
        }
        tally.failed += t.failed;
        if error.is_none() {
            error = e;
        }
    }
    (all, tally, error)
}

/// `n` sequential GETs of `path`: latencies (µs) and the last answer.
async fn repeat(api: &Api, path: &str, n: usize) -> Result<(Vec<u64>, Value), String> {
    let mut lat = vec![];
    let mut last = Value::Null;
    for _ in 0..n {
        let (us, v) = api.timed_get(path).await?;
        lat.push(us);
        last = v;
    }
    Ok((lat, last))
}

/// The server's process id: the process whose command line names our
/// database folder (crash::Server keeps its child to itself).
fn server_pid(db: &std::path::Path) -> Option<u32> {
    let needle = db.to_str()?;
    std::fs::read_dir("/proc").ok()?.find_map(|e| {
        let e = e.ok()?;
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
        let cmd = String::from_utf8_lossy(&cmd);
        (cmd.contains("serve") && cmd.split('\0').any(|a| a == needle)).then_some(pid)
    })
}

/// `VmRSS` and `VmHWM` (the peak so far) of a process, in KiB.
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

fn rss_line(pid: Option<u32>, when: &str) {
    if let Some((rss, peak)) = pid.and_then(rss_kib) {
        println!(
            "  server RSS {when}: {:.1} MiB (peak so far {:.1} MiB)",
            rss as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
}

/// "km 1234.5, hours 210.3, stops 1500, late 400, couriers 20" of a plan's
/// totals.
fn totals(v: &Value) -> String {
    if v.is_null() {
        return "-".into();
    }
    format!(
        "{} km, {} h, {} stops, {} late, {} couriers",
        v["km"], v["hours"], v["stops"], v["late"], v["couriers"]
    )
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench planning: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let a = args()?;
    let opts = Options {
        memtable_bytes: None,
        io_pressure: false,
        verbose: false,
        ..Options::ci(a.server.clone())
    };
    std::fs::create_dir_all(&opts.scratch).map_err(|e| format!("scratch: {e}"))?;
    let db = opts.scratch.join("db");
    let server = crash::start(&opts, &db, opts.scratch.join("server.log")).await?;
    let pid = server_pid(&db);
    let result = measure(&a, &server, pid).await;
    if result.is_err() {
        // The server's last words help more than the driver's.
        let log = server.log_text();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        eprintln!("the server's log, last lines:");
        for l in tail.into_iter().rev() {
            eprintln!("  {l}");
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&opts.scratch);
    result
}

async fn measure(a: &Args, server: &crash::Server, pid: Option<u32>) -> Result<(), String> {
    let api = Api {
        base: format!("http://{}", server.addr),
        token: crash::login(&server.addr).await?,
        http: reqwest::Client::new(),
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "bench planning: {} couriers, {} stops each on day a, {} on day b, {cores} cores",
        a.couriers,
        a.stops,
        a.couriers * a.stops / 2
    );

    // ---- Set-up ----
    let setup = Instant::now();
    let me = api.get("/api/me").await?;
    let today = me["today"]
        .as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| format!("/api/me without today: {me}"))?;
    let day_a = (today + chrono::Duration::days(1)).to_string();
    let day_b = (today + chrono::Duration::days(2)).to_string();

    // The default planning settings with a depot.
    let mut settings = api.get("/api/planning/settings").await?;
    settings["depots"] = json!([{ "id": "depot-1", "name": "Склад на Дмитровке",
                                   "lat": DEPOT.0, "lon": DEPOT.1 }]);
    api.put("/api/planning/settings", settings).await?;

    let product = id_of(
        &api.post(
            "/api/products",
            json!({ "sku": "W19", "name": "Вода питьевая «Родник» 19 л", "kind": "water",
                    "unit": "bottle", "price": 35000, "returnable": true }),
        )
        .await?,
        "product",
    )?;
    let mut couriers = vec![];
    for i in 0..a.couriers {
        let u = api
            .post(
                "/api/users",
                json!({ "username": format!("courier{i}"), "password": "password-1",
                        "name": format!("Курьер {}", i + 1), "role": "courier" }),
            )
            .await?;
        couriers.push(id_of(&u, "courier")?);
    }

    let mut rng = Rng(a.seed);
    let mut places = Places {
        rows: moscow_buildings(),
        made: 0,
    };
    println!(
        "  addresses: {}",
        match &places.rows {
            Some(r) => format!(
                "{} real buildings of backend/assets/addresses/moscow.csv",
                r.len()
            ),
            None => "uniform points over Moscow (moscow.csv not found)".into(),
        }
    );
    let sensible = sensible_day(&mut rng, &mut places, a.couriers, a.stops);
    let random = random_day(&mut rng, &mut places, a.couriers, a.couriers * a.stops / 2);
    let mut jobs = vec![];
    let mut next_client = 0;
    for (date, routes) in [(&day_a, &sensible), (&day_b, &random)] {
        for (courier, stops) in routes.iter().enumerate() {
            jobs.push(RouteJob {
                date: date.clone(),
                courier,
                stops: stops.clone(),
                first_client: next_client,
            });
            next_client += stops.len();
        }
    }
    // Taken from the end: day a's routes first.
    jobs.reverse();
    let routes = make_routes(&api, &product, &couriers, jobs).await?;
    // Day a's order as designed, whatever order the dispatches put the stops in.
    for (c, courier) in couriers.iter().enumerate() {
        let ids = &routes[&(day_a.clone(), c)];
        api.put(
            "/api/route",
            json!({ "courier_id": courier, "date": day_a, "order_ids": ids }),
        )
        .await?;
    }
    // New clients, on no route, whose slots are asked for.
    let mut slot_clients = vec![];
    for i in 0..SLOT_CLIENTS {
        let b = places.pick(&mut rng);
        slot_clients.push(new_client(&api, next_client + i, &b).await?);
    }
    let stops_a: usize = sensible.iter().map(Vec::len).sum();
    let stops_b: usize = random.iter().map(Vec::len).sum();
    println!(
        "set-up: {:.0} s ({} clients, {stops_a} stops on {day_a}, {stops_b} on {day_b}, \
         {SETUP_TASKS} tasks; 409 retry answers tried again: {})",
        setup.elapsed().as_secs_f64(),
        next_client + SLOT_CLIENTS,
        CONFLICTS.load(Ordering::Relaxed)
    );
    rss_line(pid, "after the set-up");

    // ---- 1. Promised slots ----
    let labels = [
        (today.to_string(), "(today, no stops)"),
        (day_a.clone(), "(day a)"),
        (day_b.clone(), "(day b)"),
    ];
    let labels: Vec<(&str, &str)> = labels.iter().map(|(d, n)| (d.as_str(), *n)).collect();
    println!(
        "1. GET /api/slots (qty 2, 3 days from today) for {SLOT_CLIENTS} new clients; target p99 < 100 ms"
    );
    slots_phase(&api, &slot_clients, 1, 10, a.seed + 100).await; // warm-up
    for readers in [1, SLOT_READERS] {
        let (mut lat, tally, error) = slots_phase(
            &api,
            &slot_clients,
            readers,
            a.requests,
            a.seed + readers as u64,
        )
        .await;
        println!("  {readers} client(s): {}", summary(&mut lat));
        tally.print(&labels);
        if let Some(e) = error {
            println!("    first error: {e}");
        }
    }
    rss_line(pid, "after the slots");

    // ---- 2. Expected arrivals ----
    println!("2. GET /api/etas, {ETA_REQUESTS} requests each");
    for (what, path) in [
        (
            format!("all couriers ({stops_a} stops)"),
            format!("/api/etas?date={day_a}"),
        ),
        (
            format!("one courier ({} stops)", sensible[0].len()),
            format!(
                "/api/etas?date={day_a}&courier_id={}",
                rodnik_tests::enc(&couriers[0])
            ),
        ),
    ] {
        repeat(&api, &path, 3).await?; // warm-up
        let (mut lat, last) = repeat(&api, &path, ETA_REQUESTS).await?;
        let list = last.as_array().cloned().unwrap_or_default();
        let timed = list.iter().filter(|e| e["eta"].is_string()).count();
        let late = list
            .iter()
            .filter(|e| e["late_minutes"].as_u64() > Some(0))
            .count();
        let risk = list.iter().filter(|e| e["at_risk"] == true).count();
        println!("  {what}: {}", summary(&mut lat));
        println!(
            "    the answer: {} stops, {timed} with an ETA, {late} late, {risk} at risk",
            list.len()
        );
    }
    rss_line(pid, "after the ETAs");

    // ---- 3. Optimise day b ----
    println!(
        "3. POST /api/plans for {day_b} ({stops_b} stops at random), time_limit_ms {}, polled every 500 ms",
        a.time_limit_ms
    );
    let t = Instant::now();
    let plan = api
        .post(
            "/api/plans",
            json!({ "date": day_b, "time_limit_ms": a.time_limit_ms }),
        )
        .await?;
    let answered = t.elapsed();
    let id = id_of(&plan, "plan")?;
    println!(
        "  POST answered in {:.0} ms",
        answered.as_secs_f64() * 1000.0
    );
    let mut peak_during = 0;
    let mut polls = vec![];
    let mut last_seen = (u64::MAX, u64::MAX);
    let done = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (us, p) = api.timed_get(&format!("/api/plans/{id}")).await?;
        polls.push(us);
        if let Some((rss, _)) = pid.and_then(rss_kib) {
            peak_during = peak_during.max(rss);
        }
        let pr = &p["progress"];
        let seen = (
            pr["percent"].as_u64().unwrap_or(0),
            pr["iterations"].as_u64().unwrap_or(0),
        );
        if seen != last_seen {
            println!(
                "  {:5.1} s: {} {:>3} %, {} iterations, elapsed_ms {}",
                t.elapsed().as_secs_f64(),
                p["state"].as_str().unwrap_or("?"),
                seen.0,
                seen.1,
                pr["elapsed_ms"]
            );
            last_seen = seen;
        }
        if p["state"] != "running" {
            break p;
        }
        if t.elapsed() > Duration::from_millis(a.time_limit_ms) + Duration::from_secs(120) {
            return Err(format!(
                "the plan still runs after {:.0} s: {p}",
                t.elapsed().as_secs_f64()
            ));
        }
    };
    let wall = t.elapsed();
    println!(
        "  state {} after {:.1} s wall (to the poll that saw it; target about {:.0} s), \
         job {} to {}",
        done["state"],
        wall.as_secs_f64(),
        a.time_limit_ms as f64 / 1000.0 + 2.0,
        done["created_at"],
        done["finished_at"]
    );
    println!("  polls: {}", summary(&mut polls));
    if done["state"] != "done" {
        return Err(format!("the plan did not finish: {}", done["error"]));
    }
    println!("  before: {}", totals(&done["before"]));
    println!("  after:  {}", totals(&done["after"]));
    let moved = done["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["stops"].as_array().into_iter().flatten())
        .filter(|s| s["from_courier_id"].is_string())
        .count();
    println!(
        "  routes {}, stops moved to another courier {moved}, unassigned {}, unplaced {}",
        done["routes"].as_array().map_or(0, Vec::len),
        done["unassigned"].as_array().map_or(0, Vec::len),
        done["unplaced"].as_array().map_or(0, Vec::len)
    );
    if let Some(kib) = pid.map(|_| peak_during).filter(|k| *k > 0) {
        println!(
            "  server RSS during the search (polled): up to {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    let t = Instant::now();
    let accepted = api
        .post(&format!("/api/plans/{id}/accept"), json!({}))
        .await?;
    let acc = &accepted["accepted"];
    let skipped = acc["skipped"].as_array().cloned().unwrap_or_default();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for s in &skipped {
        *reasons
            .entry(s["reason"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    println!(
        "  accept: {:.0} ms, applied {}, skipped {} {:?}",
        t.elapsed().as_secs_f64() * 1000.0,
        acc["applied"],
        skipped.len(),
        reasons
    );
    // The accepted day as the ETAs see it now.
    let (_, etas) = api.timed_get(&format!("/api/etas?date={day_b}")).await?;
    let list = etas.as_array().cloned().unwrap_or_default();
    println!(
        "  {day_b} after the accept (GET /api/etas): {} stops, {} late",
        list.len(),
        list.iter()
            .filter(|e| e["late_minutes"].as_u64() > Some(0))
            .count()
    );

    // ---- 4. Memory ----
    rss_line(pid, "at the end");
    if pid.is_none() {
        println!("  (the server's process was not found: no RSS)");
    }
    println!("cores: {cores}");
    Ok(())
}
