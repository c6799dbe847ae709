//! The `rodnik` command: `serve` (the server; `--demo` fills an empty
//! database), `backup`, `restore`, `verify-backup`, `demo` (a demo company),
//! `generate` (a large company for the benchmarks). Flags and `RODNIK_*`
//! variables become a `Config` here; the server itself is the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use rodnik::app::AppState;
use rodnik::config::Config;
use rodnik::http::serve;

#[derive(Parser)]
#[command(
    name = "rodnik",
    version,
    about = "Order taking and delivery dispatch for water delivery companies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// SurrealDB endpoint: a folder (embedded SurrealKV), `mem://`, or `ws://host:port`.
    #[arg(long, env = "RODNIK_DB", default_value = "data/rodnik")]
    db: String,
    /// The company's time zone.
    #[arg(long, env = "RODNIK_TZ", default_value = "Europe/Moscow")]
    tz: String,
    /// Default country for phone numbers without a country code.
    #[arg(long, env = "RODNIK_PHONE_REGION", default_value = "RU")]
    phone_region: String,
}

#[derive(Subcommand)]
enum Command {
    /// Start the API, the live channel and the web app.
    Serve {
        #[command(flatten)]
        common: Common,
        #[arg(long, env = "RODNIK_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The built web app (Trunk's dist folder).
        #[arg(long, env = "RODNIK_STATIC", default_value = "frontend/dist")]
        static_dir: PathBuf,
        /// Fill the database with demo data first if it has none.
        #[arg(long)]
        demo: bool,
        /// Write a backup into this folder every `--backup-every`.
        #[arg(long, env = "RODNIK_BACKUP_DIR")]
        backup_dir: Option<PathBuf>,
        /// How often: `30m`, `6h`, `1d`.
        #[arg(long, env = "RODNIK_BACKUP_EVERY", default_value = "6h", value_parser = rodnik::backup::parse_every)]
        backup_every: std::time::Duration,
        /// How many scheduled backups to keep (older ones are deleted).
        #[arg(long, env = "RODNIK_BACKUP_KEEP", default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..))]
        backup_keep: u32,
        /// Serve `/metrics` on this address too, without a token unless
        /// `RODNIK_METRICS_TOKEN` is set (e.g. 127.0.0.1:9100).
        #[arg(long, env = "RODNIK_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
    },
    /// Write a consistent backup of a database to a file, also while a
    /// server is running on it (docs/operations.md).
    Backup {
        /// The database: the folder a server runs on, or `ws://host:port`.
        #[arg(long, env = "RODNIK_DB", default_value = "data/rodnik")]
        db: String,
        /// The backup file to write (replaced only once the new one is complete).
        #[arg(long)]
        out: PathBuf,
    },
    /// Where an embedded database's bytes go: its files, and its keys by
    /// table and index (run it on a stopped server's folder).
    DiskUsage {
        /// The database folder.
        #[arg(long, env = "RODNIK_DB", default_value = "data/rodnik")]
        db: PathBuf,
    },
    /// Check a backup file and restore it into a new, empty folder.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The folder to create (must not exist, or be empty).
        #[arg(long)]
        db: PathBuf,
    },
    /// Check that a backup file is complete and undamaged.
    VerifyBackup { file: PathBuf },
    /// Fill a database with realistic demo data.
    Demo {
        #[command(flatten)]
        common: Common,
        /// Random seed, for the same data every time.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Solve a Solomon or Gehring–Homberger VRPTW instance file under the
    /// distance-only DIMACS convention and print `{"routes": [...], "distance": D}`
    /// (the route planner's benchmark, docs/planning.md).
    /// Usage: `rodnik vrptw FILE --time-limit-ms N --seed S`.
    #[command(disable_help_flag = true)]
    Vrptw {
        /// FILE, `--time-limit-ms N` (or `--iterations N`), `--seed S`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<String>,
    },
    /// Fill an empty database with a large company's history (for benchmarks).
    Generate {
        #[command(flatten)]
        common: Common,
        /// Random seed: the same seed and figures give the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 100_000)]
        clients: usize,
        #[arg(long, default_value_t = 3_000_000)]
        orders: usize,
        #[arg(long, default_value_t = 5)]
        years: u32,
        #[arg(long, default_value_t = 20)]
        couriers: usize,
        #[arg(long, default_value_t = 12)]
        operators: usize,
    },
}

/// `RODNIK_TRUSTED_PROXIES`: comma-separated addresses of reverse proxies.
fn trusted_proxies() -> Result<Vec<std::net::IpAddr>, String> {
    std::env::var("RODNIK_TRUSTED_PROXIES")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse()
                .map_err(|_| format!("RODNIK_TRUSTED_PROXIES: '{a}' is not an IP address"))
        })
        .collect()
}

/// Session lifetimes from `RODNIK_SESSION_{OFFICE,COURIER}_{IDLE,MAX}`
/// (hours), defaulting to `SessionLimits::default()`.
fn session_limits() -> Result<rodnik::store::users::SessionLimits, String> {
    let mut l = rodnik::store::users::SessionLimits::default();
    for (name, slot) in [
        ("RODNIK_SESSION_OFFICE_IDLE", &mut l.office_idle),
        ("RODNIK_SESSION_OFFICE_MAX", &mut l.office_max),
        ("RODNIK_SESSION_COURIER_IDLE", &mut l.courier_idle),
        ("RODNIK_SESSION_COURIER_MAX", &mut l.courier_max),
    ] {
        if let Ok(v) = std::env::var(name) {
            let hours: u64 = v
                .trim()
                .parse()
                .ok()
                .filter(|h| (1..=24 * 365).contains(h))
                .ok_or_else(|| format!("{name}: '{v}' is not a number of hours from 1 to 8760"))?;
            *slot = std::time::Duration::from_secs(hours * 3600);
        }
    }
    Ok(l)
}

/// The listener's limits from `RODNIK_HEADER_TIMEOUT_SECS`,
/// `RODNIK_MAX_CONNECTIONS` and `RODNIK_MAX_CONNECTIONS_PER_ADDRESS`.
fn connection_limits() -> Result<rodnik::http::server::ConnectionLimits, String> {
    let mut l = rodnik::http::server::ConnectionLimits::default();
    let number =
        |name: &str, range: std::ops::RangeInclusive<u64>| -> Result<Option<u64>, String> {
            match std::env::var(name) {
                Ok(v) => v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| range.contains(n))
                    .map(Some)
                    .ok_or_else(|| {
                        format!(
                            "{name}: '{v}' is not a number from {} to {}",
                            range.start(),
                            range.end()
                        )
                    }),
                Err(_) => Ok(None),
            }
        };
    if let Some(s) = number("RODNIK_HEADER_TIMEOUT_SECS", 1..=600)? {
        l.header_read_timeout = std::time::Duration::from_secs(s);
    }
    if let Some(n) = number("RODNIK_MAX_CONNECTIONS", 16..=1_000_000)? {
        l.max_connections = n as usize;
    }
    if let Some(n) = number("RODNIK_MAX_CONNECTIONS_PER_ADDRESS", 1..=1_000_000)? {
        l.max_per_address = n as usize;
    }
    Ok(l)
}

fn config(common: &Common) -> Result<Config, String> {
    Ok(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
        db: Config::db_url(&common.db),
        tz: Config::parse_tz(&common.tz)?,
        phone_region: Config::check_region(&common.phone_region)?,
        admin_password: std::env::var("RODNIK_ADMIN_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty()),
        telephony_secret: std::env::var("RODNIK_TELEPHONY_SECRET")
            .ok()
            .filter(|p| !p.is_empty()),
        db_root: db_root_from_env(),
        live_ping: std::time::Duration::from_secs(30),
        idempotency_lease: std::time::Duration::from_secs(60),
        request_timeout: std::time::Duration::from_secs(60),
        sessions: session_limits()?,
        connections: connection_limits()?,
        trusted_proxies: trusted_proxies()?,
        static_dir: None,
        telephony: rodnik::telephony::settings::env_from_process()?,
        metrics_token: std::env::var("RODNIK_METRICS_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty()),
        backup_token: None,
        fiscal_tick: tick_from_env("RODNIK_FISCAL_TICK_MS")?,
        notify_tick: tick_from_env("RODNIK_NOTIFY_TICK_MS")?,
    })
}

/// A worker's beat from `name` (`RODNIK_FISCAL_TICK_MS`,
/// `RODNIK_NOTIFY_TICK_MS`): 50 ms to 10 minutes, default 5 s.
fn tick_from_env(name: &str) -> Result<std::time::Duration, String> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (50..=600_000).contains(n))
            .map(std::time::Duration::from_millis)
            .ok_or_else(|| format!("{name}: '{v}' is not a number from 50 to 600000")),
        Err(_) => Ok(std::time::Duration::from_secs(5)),
    }
}

fn db_root_from_env() -> Option<(String, String)> {
    match (
        std::env::var("RODNIK_DB_USER"),
        std::env::var("RODNIK_DB_PASS"),
    ) {
        (Ok(u), Ok(p)) if !u.is_empty() => Some((u, p)),
        _ => None,
    }
}

/// The embedded engine's memory budget (SurrealKV's memtable and block
/// cache), from `RODNIK_DB_MEMTABLE_MB` and `RODNIK_DB_CACHE_MB`. Upstream would
/// size them from the host (a 1 GiB memtable and half the RAM as cache on a
/// large host); see patches/surrealdb-kvs-surrealkv-3.3.5.md.
/// Set before any thread starts: the engine reads them when it opens. The
/// cache was 128 MB until the client card read fewer blocks; at 64 MB the
/// 3M-order benchmark keeps its lookups and stays under 300 MB RSS.
/// Errors made by the libraries (the database's among them, some of them
/// on paths a request takes: a transaction conflict retried) capture no
/// backtrace, even where `RUST_BACKTRACE` asks panics for one: a capture
/// cost 2.5 % of order creation in a profile. `RUST_LIB_BACKTRACE` set by
/// whoever runs the server is left as it is.
fn no_error_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
}

fn storage_memory_budget() {
    for (ours, theirs, default_mb) in [
        (
            "RODNIK_DB_MEMTABLE_MB",
            "SURREAL_SURREALKV_MAX_MEMTABLE_SIZE",
            64u64,
        ),
        (
            "RODNIK_DB_CACHE_MB",
            "SURREAL_SURREALKV_BLOCK_CACHE_CAPACITY",
            64,
        ),
    ] {
        if std::env::var_os(theirs).is_some() {
            continue;
        }
        let mb = std::env::var(ours)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|mb| *mb > 0)
            .unwrap_or(default_mb);
        std::env::set_var(theirs, (mb * 1024 * 1024).to_string());
    }
}

/// The process's allocator: mimalloc (issue 22, item 5). glibc's malloc,
/// even held to two arenas, kept what a burst of requests had freed: on the
/// 20k-client benchmark the server's peak was 1,229 MB (909 MB right after
/// the benchmark's set-up of 1,000 client cards) against 412 MB with
/// mimalloc, whose pages go back to the system on their own; its lookups,
/// writes and reports were no slower (docs/benchmarks.md, "Memory").
/// `rodnik generate` spent a third of its time in glibc's free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    rodnik::app::own_allocator();
    no_error_backtraces();
    storage_memory_budget();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rodnik: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async_main());
}

async fn async_main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RODNIK_LOG").unwrap_or_else(|_| {
                "info,surrealdb=warn,surrealdb_core=warn,surrealkv=warn,tower_http=warn".into()
            }),
        )
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("rodnik: {e}");
        std::process::exit(1);
    }
}

/// Where this machine reaches a listener: a wildcard address becomes loopback.
fn local_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve {
            common,
            listen,
            static_dir,
            demo,
            backup_dir,
            backup_every,
            backup_keep,
            metrics_listen,
        } => {
            let mut cfg = config(&common)?;
            cfg.listen = listen;
            cfg.static_dir = Some(static_dir);
            let folder = rodnik::backup::embedded_folder(&cfg.db);
            if let Some(f) = &folder {
                if f.join(rodnik::backup::RESTORE_MARKER).exists() {
                    return Err(format!(
                        "{}: a restore into this folder did not finish; restore again into a new folder",
                        f.display()
                    ));
                }
                cfg.backup_token =
                    Some(rodnik::auth::random_password() + &rodnik::auth::random_password());
            }
            let state = AppState::start(cfg.clone())
                .await
                .map_err(|e| e.to_string())?;
            if demo {
                rodnik::demo::fill_if_empty(&state, 42)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            // The deliveries report's packs of the last two years, built in
            // the background (a first start on a large history: ~0.5 s a month).
            let store = state.store.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                match store.warm_packs(25).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(
                        packs = n,
                        seconds = started.elapsed().as_secs_f64(),
                        "built the deliveries report's packs"
                    ),
                    Err(e) => tracing::warn!(error = %e, "building the deliveries report's packs"),
                }
            });
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            if let (Some(folder), Some(token)) = (&folder, &cfg.backup_token) {
                let control = rodnik::backup::Control {
                    url: format!("http://{}", local_addr(addr)),
                    token: token.clone(),
                    pid: std::process::id(),
                };
                if let Err(e) = rodnik::backup::write_control(folder, &control).await {
                    tracing::warn!(error = %e, "cannot write the control file: `rodnik backup --db` will not reach this server");
                }
            }
            if let Some(dir) = backup_dir {
                let source = rodnik::backup::Source::of(&state).map_err(|e| e.to_string())?;
                tracing::info!(dir = %dir.display(), every_s = backup_every.as_secs(), keep = backup_keep, "scheduled backups on");
                rodnik::backup::spawn_schedule(
                    source,
                    rodnik::backup::Schedule {
                        dir,
                        every: backup_every,
                        keep: backup_keep as usize,
                    },
                );
            }
            if let Some(at) = metrics_listen {
                let l = tokio::net::TcpListener::bind(at)
                    .await
                    .map_err(|e| format!("cannot listen on {at} for metrics: {e}"))?;
                let router = rodnik::http::metrics::own_listener(cfg.metrics_token.clone());
                tracing::info!(%at, "metrics at /metrics");
                tokio::spawn(async move {
                    if let Err(e) =
                        rodnik::http::server::serve(l, router, Default::default(), vec![]).await
                    {
                        tracing::error!(error = %e, "the metrics listener stopped");
                    }
                });
            }
            println!("Rodnik is running at http://{addr}/ (database: {})", cfg.db);
            serve(listener, state).await.map_err(|e| e.to_string())
        }
        Command::Backup { db, out } => {
            let started = std::time::Instant::now();
            let v = rodnik::backup::backup_cli(&Config::db_url(&db), db_root_from_env(), &out)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Backup written: {} ({} bytes, snapshot of {}, schema {}, sha256 {}) in {:.1} s",
                out.display(),
                v.bytes,
                v.header.created_at,
                v.header.schema_version,
                v.sha256,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { file, db } => {
            let r = rodnik::backup::restore(&file, &db)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Restored {} into {}: snapshot of {}, {} clients, {} orders. Start it with: rodnik serve --db {}",
                file.display(),
                db.display(),
                r.header.created_at,
                r.clients,
                r.orders,
                db.display()
            );
            Ok(())
        }
        Command::DiskUsage { db } => {
            let started = std::time::Instant::now();
            let report = tokio::task::spawn_blocking(move || rodnik::disk_usage::measure(&db))
                .await
                .map_err(|e| e.to_string())??;
            print!("{}", report.render());
            println!("(read in {:.0} s)", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::VerifyBackup { file } => {
            let v = rodnik::backup::verify(&file)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{}: complete ({} bytes, snapshot of {}, schema {}, Rodnik {}, sha256 {})",
                file.display(),
                v.bytes,
                v.header.created_at,
                v.header.schema_version,
                v.header.rodnik_version,
                v.sha256
            );
            Ok(())
        }
        Command::Vrptw { args } => match rodnik_planner::cli::vrptw(args) {
            Ok(line) => {
                println!("{line}");
                Ok(())
            }
            Err(f) => {
                eprintln!("rodnik vrptw: {}", f.message);
                std::process::exit(i32::from(f.code));
            }
        },
        Command::Demo { common, seed } => {
            let cfg = config(&common)?;
            let state = AppState::start(cfg).await.map_err(|e| e.to_string())?;
            rodnik::demo::fill(&state, seed)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        }
        Command::Generate {
            common,
            seed,
            clients,
            orders,
            years,
            couriers,
            operators,
        } => {
            let cfg = config(&common)?;
            let state = AppState::start(cfg).await.map_err(|e| e.to_string())?;
            let shape = rodnik::generate::Shape {
                seed,
                clients,
                orders,
                years,
                couriers,
                operators,
            };
            let made = rodnik::generate::generate(&state, &shape)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Generated {} clients and {} orders in {:.0} s. Logins (password '{}'): {}, {}..{}, {}..{}.",
                made.clients,
                made.orders,
                made.seconds,
                rodnik::demo::DEMO_PASSWORD,
                rodnik::generate::MANAGER_LOGIN,
                rodnik::generate::operator_login(0),
                rodnik::generate::operator_login(operators.saturating_sub(1)),
                rodnik::generate::courier_login(0),
                rodnik::generate::courier_login(couriers.saturating_sub(1)),
            );
            Ok(())
        }
    }
}
