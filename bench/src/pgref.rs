//! The PostgreSQL reference of the scale benchmark: Rodnik's two hot paths,
//! the phone lookup behind the screen pop and the order write, done as
//! plain SQL on a local PostgreSQL that this module starts, loads and stops
//! within the benchmark run. The report then shows Rodnik's end-to-end
//! figure (HTTP, JSON, validation, SurrealDB) beside what a conventional
//! stack's database alone costs for the same work on the same machine.
//!
//! What is measured, each from the client's side of a loopback TCP
//! connection (like Rodnik's HTTP; no Unix socket), with prepared statements:
//!
//! - **Phone lookup** (what `GET /api/clients/lookup` does at the database):
//!   the client ids for the phone from `client_phones`; when there are any,
//!   those clients' rows, their active orders and their last 10 closed
//!   orders (`client_id = ANY($1)`). Separate statements on one connection,
//!   no transaction, as Rodnik reads. Known phones are sampled from the
//!   loaded `client_phones`; unknown ones are `+7999…`, which the loader
//!   never makes. Rows are fetched, not decoded.
//! - **Order write**: one transaction — `BEGIN`; the client's prices, kind,
//!   name and first address; `UPDATE counters … RETURNING n` for the order
//!   number; `INSERT INTO orders`; `COMMIT` — from one connection in a loop,
//!   then from 8 connections at once. Concurrent writers queue on the
//!   counter row's lock until each holder's commit is flushed, so the
//!   8-connection figure is bounded by one commit flush at a time. (Rodnik
//!   hands out numbers from a block it reserves in a transaction of its
//!   own, so its order writes do not queue that way; a PostgreSQL stack
//!   would use a sequence for the same effect. The counter row is kept
//!   because it is the plain, portable way; read the 8-connection
//!   throughput as a conservative figure for PostgreSQL.)
//!
//! **Durability is on** (`fsync=on`, `synchronous_commit=on`, full page
//! writes, the default WAL level): every timed commit waits for its WAL to
//! reach the disk, because Rodnik's writes are durable too. Turning either
//! off would compare a database that may lose acknowledged orders with one
//! that may not. Only the load is helped along (a large `max_wal_size` so it
//! does not checkpoint every few seconds, a larger `maintenance_work_mem`
//! for the index builds); neither changes what a commit promises.
//!
//! The dataset has the shape of `rodnik generate`'s: clients (70%
//! individuals with one address, 30% legal entities with 1-5), one or two
//! `+79…` phones each, orders over five years with an address of about 200
//! bytes of Russian text and 1-3 priced lines, mostly delivered, some
//! cancelled or with a failed attempt. It is made inside the server by
//! `INSERT … SELECT … FROM generate_series` with `setseed`/`random()` (the
//! same seed gives the same rows; dates count back from today), over two
//! connections, with the indexes built after the load,
//! then `VACUUM ANALYZE`, as a conventional deployment would have them:
//! `clients(id)`, `client_phones(phone)`, `client_phones(client_id)`,
//! `orders(id)`, `orders(number)`, `orders(courier_id, delivery_date)`,
//! `orders(client_id)`, `orders(state)`, `orders(delivery_date)`.
//!
//! PostgreSQL comes from `/usr/lib/postgresql/*/bin` (Debian's packages; as
//! root, `apt-get install -y postgresql` when it is missing). `initdb` and
//! `postgres` refuse to run as root, so as root they run as the `postgres`
//! system user (`runuser`). Everything lives in a fresh temporary directory;
//! a guard stops the server (`pg_ctl stop -m immediate`) and removes the
//! directory when [`run`] returns, also on an error, a panic or a dropped
//! future (not on SIGKILL). The load's phases are reported on stderr.
//!
//! At full size (100,000 clients, 3,000,000 orders) the load takes about
//! 80 s on two busy cores and the database about 3.4 GB.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio_postgres::{Client, NoTls, Statement};

/// What to load and how long to measure.
#[derive(Debug, Clone)]
pub struct PgRefOptions {
    /// Clients to load.
    pub clients: usize,
    /// Orders to load.
    pub orders: usize,
    /// The same seed gives the same rows and the same samples.
    pub seed: u64,
    /// Fewer samples and shorter write runs (200 phones of each kind, 1 s
    /// per write run) instead of 2,000 phones, 3 s and 5 s.
    pub quick: bool,
}

/// The figures, each latency one sample as the client saw it.
#[derive(Debug, Clone)]
pub struct PgRefReport {
    /// PostgreSQL server version (`SHOW server_version`).
    pub version: String,
    /// Loading the dataset: tables, rows, indexes, `VACUUM ANALYZE`.
    pub load_seconds: f64,
    /// `pg_database_size` of the loaded database, before the timed writes.
    pub db_bytes: u64,
    /// Lookups of phones that belong to a client (each found one).
    pub lookup_known: Vec<Duration>,
    /// Lookups of phones no client has (each found none).
    pub lookup_unknown: Vec<Duration>,
    /// Order-write transactions from one connection, one after another.
    pub order_write_1: Vec<Duration>,
    /// Order-write transactions from 8 connections at once.
    pub order_write_8: Vec<Duration>,
    /// Completed transactions per second over the 8-connection run.
    pub order_write_8_per_sec: f64,
    /// Orders in the table after the load.
    pub orders_before: u64,
    /// Orders in the table at the end: `orders_before` plus every write
    /// (warm-up ones included), checked by [`run`].
    pub orders_after: u64,
}

/// The `p`-th percentile (0-100, nearest rank) of the samples; zero for none.
pub fn percentile(samples: &[Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut s = samples.to_vec();
    s.sort_unstable();
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

const DB: &str = "rodnik";
/// Unknown callers' numbers start with this; loaded phones never do.
const UNKNOWN_PREFIX: &str = "+7999";

/// Loads a dataset into a PostgreSQL started for the purpose, measures the
/// lookup and the order write, and stops it again.
pub async fn run(o: &PgRefOptions) -> Result<PgRefReport, String> {
    if o.clients == 0 {
        return Err("pgref: clients must be at least 1".into());
    }
    let bin = find_postgres().await?;
    let server = Server::start(&bin).await?;
    let port = server.port;

    let (admin, _) = connect(port, "postgres").await?;
    let version: String = admin
        .query_one("SHOW server_version", &[])
        .await
        .map_err(pg("server version"))?
        .get(0);
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .map_err(pg("create database"))?;
    drop(admin);

    let started = Instant::now();
    load(port, o).await?;
    let load_seconds = started.elapsed().as_secs_f64();

    let (c, _) = connect(port, DB).await?;
    let db_bytes: i64 = c
        .query_one("SELECT pg_database_size(current_database())", &[])
        .await
        .map_err(pg("database size"))?
        .get(0);
    let orders_before = count_orders(&c).await?;
    if orders_before != o.orders as u64 {
        return Err(format!(
            "pgref: loaded {orders_before} orders, expected {}",
            o.orders
        ));
    }

    // Samples: known phones from the table, unknown ones made up, and the
    // clients the writes are for.
    let (known_n, warm_n) = if o.quick { (200, 50) } else { (2000, 200) };
    c.execute("SELECT setseed($1)", &[&seed_frac(o.seed, 11)])
        .await
        .map_err(pg("setseed"))?;
    let known: Vec<String> = c
        .query(
            "SELECT phone FROM client_phones ORDER BY random() LIMIT $1",
            &[&(known_n as i64)],
        )
        .await
        .map_err(pg("sample phones"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let write_clients: Vec<String> = c
        .query("SELECT id FROM clients ORDER BY random() LIMIT 5000", &[])
        .await
        .map_err(pg("sample clients"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if known.is_empty() || write_clients.is_empty() {
        return Err("pgref: the loaded dataset has no phones or no clients".into());
    }
    let mut rng = Rng::new(o.seed ^ 0x5eed_0f_9a7e);
    let unknown: Vec<String> = (0..known_n)
        .map(|_| format!("{UNKNOWN_PREFIX}{:07}", rng.below(10_000_000)))
        .collect();

    // Lookups, after a warm-up of the same statements.
    let lk = LookupStmts::prepare(&c).await?;
    for p in known.iter().cycle().take(warm_n) {
        lookup(&c, &lk, p).await?;
    }
    for p in unknown.iter().take(warm_n / 4) {
        lookup(&c, &lk, p).await?;
    }
    let mut lookup_known = Vec::with_capacity(known.len());
    for p in &known {
        let t = Instant::now();
        let found = lookup(&c, &lk, p).await?;
        lookup_known.push(t.elapsed());
        if found == 0 {
            return Err(format!(
                "pgref: the lookup of known phone {p} found no client"
            ));
        }
    }
    let mut lookup_unknown = Vec::with_capacity(unknown.len());
    for p in &unknown {
        let t = Instant::now();
        let found = lookup(&c, &lk, p).await?;
        lookup_unknown.push(t.elapsed());
        if found != 0 {
            return Err(format!(
                "pgref: the lookup of unknown phone {p} found {found} clients"
            ));
        }
    }

    // Order writes: a warm-up, one connection, then eight.
    let (secs_1, secs_8) = if o.quick { (1.0, 1.0) } else { (3.0, 5.0) };
    let mut writes = 0u64;
    {
        let (mut w, _) = connect(port, DB).await?;
        let ws = WriteStmts::prepare(&w).await?;
        let warm = if o.quick { 10 } else { 50 };
        for _ in 0..warm {
            write_order(&mut w, &ws, &write_clients, &mut rng).await?;
            writes += 1;
        }
    }
    let (order_write_1, _) = write_run(
        port,
        1,
        Duration::from_secs_f64(secs_1),
        &write_clients,
        o.seed ^ 1,
    )
    .await?;
    writes += order_write_1.len() as u64;
    let (order_write_8, elapsed_8) = write_run(
        port,
        8,
        Duration::from_secs_f64(secs_8),
        &write_clients,
        o.seed ^ 8,
    )
    .await?;
    writes += order_write_8.len() as u64;
    let order_write_8_per_sec = order_write_8.len() as f64 / elapsed_8.as_secs_f64();

    let orders_after = count_orders(&c).await?;
    let counter: i64 = c
        .query_one("SELECT n FROM counters WHERE name = 'orders'", &[])
        .await
        .map_err(pg("read counter"))?
        .get(0);
    if orders_after != orders_before + writes || counter as u64 != orders_after {
        return Err(format!(
            "pgref: {writes} writes took the orders from {orders_before} to {orders_after} \
             (counter {counter})"
        ));
    }
    drop(c);
    drop(server);

    Ok(PgRefReport {
        version,
        load_seconds,
        db_bytes: db_bytes.max(0) as u64,
        lookup_known,
        lookup_unknown,
        order_write_1,
        order_write_8,
        order_write_8_per_sec,
        orders_before,
        orders_after,
    })
}

// ---------------------------------------------------------------------------
// The server

/// The PostgreSQL server binaries (`initdb`, `pg_ctl`, `postgres`), newest
/// version first; as root, installs Debian's package when there are none.
async fn find_postgres() -> Result<PathBuf, String> {
    if let Some(b) = newest_postgres() {
        return Ok(b);
    }
    if !is_root() {
        return Err(
            "pgref: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; \
                    install them with: sudo apt-get install -y postgresql"
                .into(),
        );
    }
    eprintln!("pgref: PostgreSQL not found; apt-get install -y postgresql");
    let install = || async {
        tokio::process::Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "postgresql"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .output()
            .await
    };
    let mut out = install()
        .await
        .map_err(|e| format!("pgref: apt-get: {e}"))?;
    if !out.status.success() {
        // A fresh machine has no package lists yet.
        let _ = tokio::process::Command::new("apt-get")
            .arg("update")
            .stdin(Stdio::null())
            .output()
            .await;
        out = install()
            .await
            .map_err(|e| format!("pgref: apt-get: {e}"))?;
    }
    if !out.status.success() {
        return Err(format!(
            "pgref: apt-get install -y postgresql failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    newest_postgres().ok_or_else(|| {
        "pgref: apt-get installed postgresql, but /usr/lib/postgresql/*/bin has no server".into()
    })
}

fn newest_postgres() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|b| bin.join(b).is_file())
                .then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

/// The effective user is root (`/proc/self/status`, no libc needed).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// A running server in a temporary directory; stopping it and removing the
/// directory is its `Drop`.
struct Server {
    bin: PathBuf,
    as_postgres: bool,
    data: PathBuf,
    port: u16,
    // Dropped (removed) after `Drop::drop` has stopped the server.
    dir: tempfile::TempDir,
}

impl Server {
    async fn start(bin: &Path) -> Result<Server, String> {
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("rodnik-pgref-")
            .tempdir()
            .map_err(|e| format!("pgref: temp dir: {e}"))?;
        if as_postgres {
            let out = tokio::process::Command::new("chown")
                .arg("postgres:")
                .arg(dir.path())
                .output()
                .await
                .map_err(|e| format!("pgref: chown: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "pgref: running as root, so PostgreSQL runs as the 'postgres' user, \
                     but chown to it failed (is there such a user? Debian's postgresql \
                     package makes it): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
        let mut server = Server {
            bin: bin.to_path_buf(),
            as_postgres,
            data: dir.path().join("data"),
            port: 0,
            dir,
        };
        let out = server
            .command("initdb")
            .args(["-D"])
            .arg(&server.data)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .await
            .map_err(|e| format!("pgref: initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "pgref: initdb failed: {}{}",
                String::from_utf8_lossy(&out.stdout).trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        // A free port can be taken between our probe and the server's bind:
        // try a few.
        let mut last = String::new();
        for _ in 0..3 {
            server.port = free_port()?;
            match server.pg_ctl_start().await {
                Ok(()) => return Ok(server),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// `prog` from the server's bin directory, as the `postgres` user when
    /// we are root, in the temporary directory.
    fn command(&self, prog: &str) -> tokio::process::Command {
        let path = self.bin.join(prog);
        let mut c = if self.as_postgres {
            let mut c = tokio::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            tokio::process::Command::new(path)
        };
        c.current_dir(self.dir.path()).stdin(Stdio::null());
        c
    }

    async fn pg_ctl_start(&self) -> Result<(), String> {
        let log = self.dir.path().join("postgres.log");
        let opts = format!(
            "-p {port} -k {sock} -c listen_addresses=127.0.0.1 \
             -c fsync=on -c synchronous_commit=on -c full_page_writes=on \
             -c shared_buffers=128MB -c max_wal_size=8GB -c maintenance_work_mem=256MB",
            port = self.port,
            sock = self.dir.path().display(),
        );
        // pg_ctl's own output goes to a file: a pipe would be inherited by
        // the postmaster and never reach EOF.
        let out_path = self.dir.path().join("pg_ctl.out");
        let out = std::fs::File::create(&out_path).map_err(|e| format!("pgref: {e}"))?;
        let err = out.try_clone().map_err(|e| format!("pgref: {e}"))?;
        let status = self
            .command("pg_ctl")
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&self.data)
            .arg("-l")
            .arg(&log)
            .args(["-o", &opts])
            .stdout(out)
            .stderr(err)
            .status()
            .await
            .map_err(|e| format!("pgref: pg_ctl: {e}"))?;
        if status.success() {
            return Ok(());
        }
        let tail = |p: &Path| {
            let s = std::fs::read_to_string(p).unwrap_or_default();
            let lines: Vec<&str> = s.lines().collect();
            lines[lines.len().saturating_sub(10)..].join("\n")
        };
        self.stop();
        Err(format!(
            "pgref: pg_ctl start failed: {}\n{}",
            tail(&out_path),
            tail(&log)
        ))
    }

    fn stop(&self) {
        let path = self.bin.join("pg_ctl");
        let mut c = if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            std::process::Command::new(path)
        };
        let _ = c
            .args(["stop", "-m", "immediate", "-w", "-D"])
            .arg(&self.data)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("pgref: bind: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("pgref: {e}"))
}

/// A connection over loopback TCP; its driver task ends when the client is
/// dropped (or the server stops).
async fn connect(port: u16, db: &str) -> Result<(Client, tokio::task::JoinHandle<()>), String> {
    let (client, conn) = tokio_postgres::connect(
        &format!("host=127.0.0.1 port={port} user=postgres dbname={db}"),
        NoTls,
    )
    .await
    .map_err(pg("connect"))?;
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok((client, task))
}

fn pg(ctx: &'static str) -> impl Fn(tokio_postgres::Error) -> String {
    move |e| match e.as_db_error() {
        Some(db) => format!("pgref: {ctx}: {}: {}", db.severity(), db.message()),
        None => format!("pgref: {ctx}: {e}"),
    }
}

async fn count_orders(c: &Client) -> Result<u64, String> {
    let n: i64 = c
        .query_one("SELECT count(*) FROM orders", &[])
        .await
        .map_err(pg("count orders"))?
        .get(0);
    Ok(n as u64)
}

// ---------------------------------------------------------------------------
// The dataset

// The price list, names, streets and reasons of `rodnik demo` and `rodnik
// generate` (`rodnik::sample`): (sku, name, kind, unit, list price in
// kopecks, returnable); the first, the 19 l bottle, is most lines' product.
use rodnik::sample::{sample_reasons, COMPANY, FIRST_F, FIRST_M, LAST, PRODUCTS};

/// Fourteen streets of the sample's real Moscow buildings (the reference's
/// SQL picks one of 14).
fn streets() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = vec![];
    for b in rodnik::sample::buildings() {
        if !v.contains(&b.street.as_str()) {
            v.push(b.street.as_str());
            if v.len() == 14 {
                break;
            }
        }
    }
    v
}
use rodnik_shared::api::ReasonKind;

/// A product kind as the reference schema spells it.
fn kind_text(k: rodnik_shared::ProductKind) -> &'static str {
    match k {
        rodnik_shared::ProductKind::Water => "water",
        rodnik_shared::ProductKind::Goods => "goods",
        rodnik_shared::ProductKind::Service => "service",
    }
}
const WINDOWS: &[(&str, &str)] = &[("09:00", "13:00"), ("13:00", "18:00"), ("18:00", "21:00")];
const COURIERS: i64 = 20;
const OPERATORS: i64 = 12;
/// Five years of delivery dates, up to 3 days ahead.
const DAYS: i64 = 5 * 365 + 4;

const SCHEMA: &str = "
CREATE TABLE clients (
  id text NOT NULL, kind text NOT NULL, name text NOT NULL, phones text[] NOT NULL,
  addresses jsonb NOT NULL, inn text, note text, bottles_held int NOT NULL,
  prices jsonb NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE client_phones (phone text NOT NULL, client_id text NOT NULL);
CREATE TABLE orders (
  id text NOT NULL, number bigint NOT NULL, state text NOT NULL, version int NOT NULL,
  client_id text NOT NULL, client_name text NOT NULL, client_kind text NOT NULL,
  address jsonb NOT NULL, lines jsonb NOT NULL, total bigint NOT NULL, delivery_date date NOT NULL,
  window_from text, window_to text, courier_id text, courier_name text,
  created_by text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  attempts jsonb NOT NULL, note text, route_pos int NOT NULL, cash_collected bigint,
  empties_returned int, delivered_at timestamptz, cancel_reason text,
  needs_new_date bool NOT NULL);
CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL);
";

/// `+79` and 9 digits whose first two are 00-98: never `+7999`.
const PHONE: &str = "('+79' || lpad(floor(random() * 99)::int::text, 2, '0') \
                     || lpad(floor(random() * 10000000)::int::text, 7, '0'))";

/// Product `p`'s (0-based) record key.
fn product_id(p: usize) -> String {
    format!("p{:019}", p + 1)
}

/// An order line: `qty` of product `p` (0-based) at `price`.
fn line(p: usize, qty: i64, price: i64) -> Value {
    let (_, name, kind, _, _, _) = PRODUCTS[p];
    let kind = kind_text(kind);
    json!({ "product_id": product_id(p), "name": name, "kind": kind, "qty": qty,
            "price": price, "amount": qty * price, "returnable": p == 0 })
}

/// An SQL text array literal.
/// The generator's reasons of a kind, as text (the reference keeps no ids).
fn reason_texts(kind: ReasonKind) -> Vec<String> {
    sample_reasons(kind).into_iter().map(|c| c.text).collect()
}

fn arr<S: AsRef<str>>(xs: &[S]) -> String {
    let items: Vec<String> = xs
        .iter()
        .map(|x| format!("'{}'", x.as_ref().replace('\'', "''")))
        .collect();
    format!("(ARRAY[{}]::text[])", items.join(","))
}

fn clients_sql(n: usize) -> String {
    "
INSERT INTO clients (id, kind, name, phones, addresses, inn, note, bottles_held, prices, created_at)
SELECT left(md5('c' || s.g), 20),
  CASE WHEN s.legal THEN 'legal' ELSE 'individual' END,
  CASE WHEN s.legal THEN {FORMS}[1 + s.n1 % 3] || ' «' || {COMPANY}[1 + s.n2 % 15] || '»'
       WHEN s.fem THEN {LAST}[1 + s.n1 % 20] || 'а ' || {FIRST_F}[1 + s.n2 % 12]
       ELSE {LAST}[1 + s.n1 % 20] || ' ' || {FIRST_M}[1 + s.n2 % 12] END,
  CASE WHEN s.two THEN ARRAY[s.p1, s.p2] ELSE ARRAY[s.p1] END,
  (SELECT jsonb_agg(jsonb_build_object(
      'id', left(md5('a' || s.g || '.' || x.k), 20),
      'text', 'Москва, ' || {STREETS}[x.st] || ', д. ' || x.h
              || CASE WHEN s.legal THEN ', офис ' ELSE ', кв. ' END || x.fl,
      'label', CASE WHEN s.legal THEN (ARRAY['Офис','Склад','Приёмная','Цех'])[1 + x.k % 4] END,
      'contact_name', {LAST}[x.ln] || ' ' || {FIRST_M}[x.fn],
      'contact_phone', x.ph,
      'lat', round(55.6 + x.la * 0.3, 6),
      'lon', round(37.4 + x.lo * 0.4, 6)) ORDER BY x.k)
   FROM (SELECT k, 1 + floor(random() * 14)::int AS st, 1 + floor(random() * 149)::int AS h,
                1 + floor(random() * 299)::int AS fl, 1 + floor(random() * 20)::int AS ln,
                1 + floor(random() * 12)::int AS fn, {PHONE} AS ph,
                random()::numeric AS la, random()::numeric AS lo
         FROM generate_series(1, CASE WHEN s.legal THEN s.na ELSE 1 END) k) x),
  CASE WHEN s.legal THEN lpad(floor(s.inn * 1e10)::bigint::text, 10, '0') END,
  CASE WHEN s.legal AND s.rn < 0.3 THEN 'Счёт в конце месяца'
       WHEN NOT s.legal AND s.rn < 0.1 THEN 'Звонить за час' END,
  s.bottles,
  CASE WHEN s.legal AND s.rp < 0.2
       THEN jsonb_build_array(jsonb_build_object('product_id', '{P1}', 'price', 32000))
       ELSE '[]'::jsonb END,
  current_date - s.age + time '10:00'
FROM (SELECT g, random() < 0.3 AS legal, random() < 0.5 AS fem, random() < 0.2 AS two,
             floor(random() * 1000)::int AS n1, floor(random() * 1000)::int AS n2,
             1 + floor(random() * 5)::int AS na, {PHONE} AS p1, {PHONE} AS p2,
             random() AS inn, random() AS rn, random() AS rp,
             floor(random() * 4)::int AS bottles, floor(random() * 1826)::int AS age
      FROM generate_series(1, {N}) g) s"
        .replace("{N}", &n.to_string())
        .replace("{PHONE}", PHONE)
        .replace("{P1}", &product_id(0))
        .replace("{FORMS}", &arr(&["ООО", "АО", "ИП"]))
        .replace("{COMPANY}", &arr(COMPANY))
        .replace("{LAST}", &arr(LAST))
        .replace("{FIRST_M}", &arr(FIRST_M))
        .replace("{FIRST_F}", &arr(FIRST_F))
        .replace("{STREETS}", &arr(&streets()))
}

/// Orders `from..=to` (their numbers), for `clients` clients.
fn orders_sql(from: usize, to: usize, clients: usize) -> String {
    let w_from: Vec<&str> = WINDOWS.iter().map(|w| w.0).collect();
    let w_to: Vec<&str> = WINDOWS.iter().map(|w| w.1).collect();
    // Order lines come from a table of every (product, quantity) pair: a
    // line is one subscript, not a jsonb built per row (twice the speed).
    let combos: Vec<(usize, i64)> = (0..PRODUCTS.len())
        .flat_map(|p| (1..=3).map(move |q| (p, q)))
        .collect();
    let line_json: Vec<String> = combos
        .iter()
        .map(|&(p, q)| line(p, q, PRODUCTS[p].4).to_string())
        .collect();
    let line_json: Vec<&str> = line_json.iter().map(String::as_str).collect();
    let ints = |f: &dyn Fn(usize, i64) -> i64| {
        let v: Vec<String> = combos.iter().map(|&(p, q)| f(p, q).to_string()).collect();
        format!("(ARRAY[{}]::bigint[])", v.join(","))
    };
    let amounts = ints(&|p, q| q * PRODUCTS[p].4);
    let empties = ints(&|p, q| if p == 0 { q } else { 0 });
    let sum = |a: &str| {
        format!(
            "({a}[s.i1] + CASE WHEN s.nl >= 2 THEN {a}[s.i2] ELSE 0 END \
             + CASE WHEN s.nl >= 3 THEN {a}[s.i3] ELSE 0 END)"
        )
    };
    "
INSERT INTO orders (id, number, state, version, client_id, client_name, client_kind, address,
  lines, total, delivery_date, window_from, window_to, courier_id, courier_name, created_by,
  created_at, updated_at, attempts, note, route_pos, cash_collected, empties_returned,
  delivered_at, cancel_reason, needs_new_date)
SELECT left(md5('o' || s.g), 20), s.g, s.state,
  CASE s.state WHEN 'new' THEN 1 WHEN 'delivery' THEN 2 ELSE 3 END,
  c.id, c.name, c.kind,
  c.addresses -> (s.ai % jsonb_array_length(c.addresses)),
  CASE s.nl WHEN 1 THEN jsonb_build_array({LJ}[s.i1])
       WHEN 2 THEN jsonb_build_array({LJ}[s.i1], {LJ}[s.i2])
       ELSE jsonb_build_array({LJ}[s.i1], {LJ}[s.i2], {LJ}[s.i3]) END,
  {TOTAL}, s.dd,
  CASE WHEN s.w < 3 THEN {WFROM}[s.w + 1] END,
  CASE WHEN s.w < 3 THEN {WTO}[s.w + 1] END,
  CASE WHEN s.courier > 0 THEN left(md5('u' || s.courier), 20) END,
  CASE WHEN s.courier > 0 THEN {LAST}[s.courier] || ' ' || {FIRST_M}[1 + s.courier % 12] END,
  left(md5('op' || s.op), 20),
  s.created,
  CASE WHEN s.state IN ('delivered', 'cancelled') THEN s.closed ELSE s.created END,
  CASE WHEN s.failed THEN jsonb_build_array(jsonb_build_object(
         'at', to_char(s.dd - 1 + time '15:00', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+03:00\"'),
         'reason', {FAIL}[1 + s.g % 5],
         'courier_id', left(md5('u' || s.courier), 20)))
       ELSE '[]'::jsonb END,
  CASE WHEN s.rnote < 0.05 THEN 'Позвонить за час до приезда' END,
  s.route_pos,
  CASE WHEN s.state = 'delivered' AND c.kind = 'individual' THEN {TOTAL} END,
  CASE WHEN s.state = 'delivered' THEN {EMPTIES} END,
  CASE WHEN s.state = 'delivered' THEN s.closed END,
  CASE WHEN s.state = 'cancelled' THEN {CANCEL}[1 + s.g % 4] END,
  false
FROM (
  SELECT s0.*,
    CASE WHEN s0.dd > current_date THEN 'new' WHEN s0.dd = current_date THEN 'delivery'
         WHEN s0.rs < 0.05 THEN 'cancelled' ELSE 'delivered' END AS state,
    s0.dd < current_date AND s0.rs >= 0.05 AND s0.rs < 0.08 AS failed,
    CASE WHEN s0.dd > current_date AND s0.rc < 0.15 THEN 0 ELSE s0.c20 END AS courier,
    (s0.dd - 1 - floor(s0.rcreated * 3)::int) + time '08:00'
      + s0.rcreated * interval '10 hours' AS created,
    s0.dd + time '09:00' + s0.rclosed * interval '12 hours' AS closed
  FROM (
    SELECT g, left(md5('c' || (1 + floor(random() * {CLIENTS})::bigint)), 20) AS cid,
      current_date + (3 - floor(random() * {DAYS})::int) AS dd,
      random() AS rs, floor(random() * 5)::int AS ai, floor(random() * 3.3)::int AS w,
      1 + floor(random() * {OPERATORS})::int AS op, random() AS rc,
      1 + floor(random() * {COURIERS})::int AS c20, random() AS rnote,
      1 + floor(random() * 40)::int AS route_pos, 1 + floor(random() * 3)::int AS nl,
      {LINE} AS i1, {LINE} AS i2, {LINE} AS i3,
      random() AS rcreated, random() AS rclosed
    FROM generate_series({FROM}, {TO}) g) s0
) s
JOIN clients c ON c.id = s.cid"
        .replace("{FROM}", &from.to_string())
        .replace("{TO}", &to.to_string())
        .replace("{CLIENTS}", &clients.to_string())
        .replace("{DAYS}", &DAYS.to_string())
        .replace("{OPERATORS}", &OPERATORS.to_string())
        .replace("{COURIERS}", &COURIERS.to_string())
        .replace(
            "{LINE}",
            &format!(
                "(CASE WHEN random() < 0.7 THEN 0 ELSE floor(random() * {})::int END * 3 \
              + floor(random() * 3)::int + 1)",
                PRODUCTS.len()
            ),
        )
        .replace("{LJ}", &arr(&line_json).replace("::text[]", "::jsonb[]"))
        .replace("{TOTAL}", &sum(&amounts))
        .replace("{EMPTIES}", &format!("{}::int", sum(&empties)))
        .replace("{WFROM}", &arr(&w_from))
        .replace("{WTO}", &arr(&w_to))
        .replace("{LAST}", &arr(LAST))
        .replace("{FIRST_M}", &arr(FIRST_M))
        .replace("{FAIL}", &arr(&reason_texts(ReasonKind::Fail)))
        .replace("{CANCEL}", &arr(&reason_texts(ReasonKind::Cancel)))
}

/// Session settings for the loading connections: the two connections are
/// the parallelism (one index build each), so no parallel workers on top.
const LOAD_SESSION: &str = "SET max_parallel_maintenance_workers = 0;";

/// Loads the dataset over two connections (the machine's two cores), the
/// orders in two halves, then builds the indexes, two at a time.
async fn load(port: u16, o: &PgRefOptions) -> Result<(), String> {
    let (a, _) = connect(port, DB).await?;
    let (b, _) = connect(port, DB).await?;
    for c in [&a, &b] {
        c.batch_execute(LOAD_SESSION)
            .await
            .map_err(pg("load session"))?;
    }
    a.batch_execute(SCHEMA).await.map_err(pg("schema"))?;

    let t = Instant::now();
    a.execute("SELECT setseed($1)", &[&seed_frac(o.seed, 1)])
        .await
        .map_err(pg("setseed"))?;
    a.batch_execute(&clients_sql(o.clients))
        .await
        .map_err(pg("load clients"))?;
    a.batch_execute(
        "INSERT INTO client_phones (phone, client_id) SELECT unnest(phones), id FROM clients;
         ALTER TABLE clients ADD PRIMARY KEY (id);
         ANALYZE clients;",
    )
    .await
    .map_err(pg("load client phones"))?;
    eprintln!(
        "pgref: {} clients loaded in {:.1} s",
        o.clients,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let half = o.orders / 2;
    tokio::try_join!(
        load_orders(&a, 1, half, o, 2),
        load_orders(&b, half + 1, o.orders, o, 3)
    )?;
    eprintln!(
        "pgref: {} orders loaded in {:.1} s",
        o.orders,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let idx_a = "CREATE UNIQUE INDEX orders_pkey ON orders (id);
                 CREATE INDEX orders_courier_day ON orders (courier_id, delivery_date);
                 CREATE INDEX orders_state ON orders (state);
                 CREATE INDEX client_phones_phone ON client_phones (phone);";
    let idx_b = "CREATE UNIQUE INDEX orders_number ON orders (number);
                 CREATE INDEX orders_client ON orders (client_id);
                 CREATE INDEX orders_day ON orders (delivery_date);
                 CREATE INDEX client_phones_client ON client_phones (client_id);";
    tokio::try_join!(
        async { a.batch_execute(idx_a).await.map_err(pg("indexes")) },
        async { b.batch_execute(idx_b).await.map_err(pg("indexes")) },
    )?;
    a.batch_execute(&format!(
        "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey;
         ALTER TABLE orders ADD CONSTRAINT orders_number UNIQUE USING INDEX orders_number;
         INSERT INTO counters (name, n) VALUES ('orders', {});",
        o.orders
    ))
    .await
    .map_err(pg("constraints"))?;
    eprintln!("pgref: indexes built in {:.1} s", t.elapsed().as_secs_f64());

    // VACUUM sets the hint bits and the visibility map now, so neither the
    // first timed reads nor an autovacuum during the measurements does it.
    let t = Instant::now();
    tokio::try_join!(
        async {
            a.batch_execute("VACUUM ANALYZE orders")
                .await
                .map_err(pg("vacuum"))
        },
        async {
            // One statement per call: several would be one transaction,
            // where VACUUM cannot run.
            for t in ["clients", "client_phones", "counters"] {
                b.batch_execute(&format!("VACUUM ANALYZE {t}"))
                    .await
                    .map_err(pg("vacuum"))?;
            }
            Ok(())
        },
    )?;
    eprintln!(
        "pgref: VACUUM ANALYZE in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Orders numbered `from..=to`, with their own seed.
async fn load_orders(
    c: &Client,
    from: usize,
    to: usize,
    o: &PgRefOptions,
    salt: u64,
) -> Result<(), String> {
    if from > to {
        return Ok(());
    }
    c.execute("SELECT setseed($1)", &[&seed_frac(o.seed, salt)])
        .await
        .map_err(pg("setseed"))?;
    c.batch_execute(&orders_sql(from, to, o.clients))
        .await
        .map_err(pg("load orders"))
}

/// A `setseed` argument in [-1, 1) from the seed and a salt per use.
fn seed_frac(seed: u64, salt: u64) -> f64 {
    let mut r = Rng::new(seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    (r.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// SplitMix64: deterministic samples without another dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn key(&mut self) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut s = String::with_capacity(20);
        s.push(char::from(ALPHABET[self.below(26) as usize]));
        for _ in 0..19 {
            s.push(char::from(ALPHABET[self.below(36) as usize]));
        }
        s
    }
}

// ---------------------------------------------------------------------------
// The measured work

struct LookupStmts {
    ids: Statement,
    clients: Statement,
    active: Statement,
    recent: Statement,
}

impl LookupStmts {
    async fn prepare(c: &Client) -> Result<LookupStmts, String> {
        let p = |sql: &'static str| async move { c.prepare(sql).await.map_err(pg("prepare")) };
        Ok(LookupStmts {
            ids: p("SELECT client_id FROM client_phones WHERE phone = $1").await?,
            clients: p("SELECT * FROM clients WHERE id = ANY($1)").await?,
            active: p(
                "SELECT * FROM orders WHERE client_id = ANY($1) AND state IN ('new', 'delivery')
                       ORDER BY delivery_date, number",
            )
            .await?,
            recent: p("SELECT * FROM orders WHERE client_id = ANY($1)
                         AND state IN ('delivered', 'cancelled')
                       ORDER BY delivery_date DESC, number DESC LIMIT 10")
            .await?,
        })
    }
}

/// What `/api/clients/lookup` reads: the clients with this phone, each with
/// active and recent orders. Returns how many clients it found.
async fn lookup(c: &Client, s: &LookupStmts, phone: &str) -> Result<usize, String> {
    let ids: Vec<String> = c
        .query(&s.ids, &[&phone])
        .await
        .map_err(pg("lookup phone"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let clients = c
        .query(&s.clients, &[&ids])
        .await
        .map_err(pg("lookup clients"))?;
    c.query(&s.active, &[&ids])
        .await
        .map_err(pg("lookup active orders"))?;
    c.query(&s.recent, &[&ids])
        .await
        .map_err(pg("lookup recent orders"))?;
    Ok(clients.len())
}

struct WriteStmts {
    client: Statement,
    counter: Statement,
    insert: Statement,
}

impl WriteStmts {
    async fn prepare(c: &Client) -> Result<WriteStmts, String> {
        let p = |sql: &'static str| async move { c.prepare(sql).await.map_err(pg("prepare")) };
        Ok(WriteStmts {
            client: p("SELECT prices, kind, name, addresses -> 0 FROM clients WHERE id = $1")
                .await?,
            counter: p("UPDATE counters SET n = n + 1 WHERE name = 'orders' RETURNING n").await?,
            insert: p(
                "INSERT INTO orders (id, number, state, version, client_id, client_name,
                         client_kind, address, lines, total, delivery_date, window_from, window_to,
                         created_by, created_at, updated_at, attempts, route_pos, needs_new_date)
                       VALUES ($1, $2, 'new', 1, $3, $4, $5, $6, $7, $8, current_date + 1, $9, $10,
                         $11, now(), now(), '[]', 0, false)",
            )
            .await?,
        })
    }
}

/// One order for a random client of `clients`: 1-3 lines at the client's
/// contract prices where it has them, numbered from the counter.
async fn write_order(
    c: &mut Client,
    s: &WriteStmts,
    clients: &[String],
    rng: &mut Rng,
) -> Result<(), String> {
    let client_id = &clients[rng.below(clients.len() as u64) as usize];
    let tx = c.transaction().await.map_err(pg("begin"))?;
    let row = tx
        .query_one(&s.client, &[client_id])
        .await
        .map_err(pg("order client"))?;
    let prices: Value = row.get(0);
    let kind: String = row.get(1);
    let name: String = row.get(2);
    let address: Value = row.get(3);
    let number: i64 = tx
        .query_one(&s.counter, &[])
        .await
        .map_err(pg("order number"))?
        .get(0);
    let mut lines = Vec::new();
    let mut total = 0i64;
    for _ in 0..1 + rng.below(3) {
        let p = if rng.below(10) < 7 {
            0
        } else {
            rng.below(PRODUCTS.len() as u64) as usize
        };
        let list = PRODUCTS[p].4;
        let product_id = product_id(p);
        let price = prices
            .as_array()
            .and_then(|a| a.iter().find(|x| x["product_id"] == product_id.as_str()))
            .and_then(|x| x["price"].as_i64())
            .unwrap_or(list);
        let qty = 1 + rng.below(3) as i64;
        total += qty * price;
        lines.push(line(p, qty, price));
    }
    let (wf, wt) = WINDOWS[rng.below(WINDOWS.len() as u64) as usize];
    let created_by = format!("op{}", 1 + rng.below(OPERATORS as u64));
    tx.execute(
        &s.insert,
        &[
            &rng.key(),
            &number,
            client_id,
            &name,
            &kind,
            &address,
            &Value::Array(lines),
            &total,
            &wf,
            &wt,
            &created_by,
        ],
    )
    .await
    .map_err(pg("insert order"))?;
    tx.commit().await.map_err(pg("commit"))
}

/// `conns` connections writing orders until `dur` has passed: every
/// transaction's latency, and the time from the start until the last one
/// finished.
async fn write_run(
    port: u16,
    conns: usize,
    dur: Duration,
    clients: &[String],
    seed: u64,
) -> Result<(Vec<Duration>, Duration), String> {
    let mut ready = Vec::with_capacity(conns);
    for i in 0..conns {
        let (c, _) = connect(port, DB).await?;
        let s = WriteStmts::prepare(&c).await?;
        ready.push((c, s, Rng::new(seed.wrapping_mul(31).wrapping_add(i as u64))));
    }
    let clients: std::sync::Arc<[String]> = clients.into();
    let start = Instant::now();
    let deadline = start + dur;
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|(mut c, s, mut rng)| {
            let clients = clients.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    write_order(&mut c, &s, &clients, &mut rng).await?;
                    lat.push(t.elapsed());
                }
                Ok::<_, String>(lat)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut first_err = None;
    for t in tasks {
        match t.await {
            Ok(Ok(lat)) => all.extend(lat),
            Ok(Err(e)) => first_err = first_err.or(Some(e)),
            Err(e) => first_err = first_err.or(Some(format!("pgref: writer task: {e}"))),
        }
    }
    let elapsed = start.elapsed();
    match first_err {
        Some(e) => Err(e),
        None => Ok((all, elapsed)),
    }
}
