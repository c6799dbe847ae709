//! The state every request shares (`AppState`: the store, the settings, the
//! live hub, the PBX adapters, the login throttle, the heavy-report queue),
//! how it starts (the first admin included), and the process's background
//! work. `http::serve` builds the router on it; `main` and the tests run that.

use std::sync::Arc;

use crate::auth;
use crate::config::Config;
use crate::error::Result;
use crate::live::Hub;
use crate::store::users::NewUser;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub cfg: Arc<Config>,
    pub hub: Hub,
    /// PBX adapters: the AMI connection and the providers' HTTP client.
    pub telephony: crate::telephony::Telephony,
    /// Failed logins per username and address (auth.rs).
    pub logins: Arc<auth::LoginThrottle>,
    /// The queue of reports that read whole tables (reports/gate.rs).
    pub heavy_reports: Arc<crate::reports::gate::Gate>,
    /// The deliveries report's packs held as numbers between reports.
    pub deliveries: Arc<crate::reports::deliveries::PackCache>,
}

impl AppState {
    /// Connects the database, applies the schema, creates the first admin,
    /// and starts the live subscribers.
    pub async fn start(cfg: Config) -> Result<AppState> {
        let store = Store::connect_as(&cfg.db, cfg.db_root.clone()).await?;
        store.set_session_limits(cfg.sessions);
        store.set_time_zone(cfg.tz);
        // A month's closing a stopped process left running: marked failed.
        store
            .fail_interrupted_jobs(&chrono::Utc::now().to_rfc3339())
            .await?;
        if let Some(password) = first_admin(&store, cfg.admin_password.clone()).await? {
            // Printed once, on purpose, so the operator of the server can log in.
            println!("Created user 'admin' with password: {password}");
        }
        let hub = Hub::start(store.clone()).await?;
        let cfg = Arc::new(cfg);
        let telephony = crate::telephony::Telephony::start(store.clone(), cfg.clone()).await?;
        Ok(AppState {
            store,
            cfg,
            hub,
            telephony,
            logins: Arc::default(),
            heavy_reports: Arc::new(crate::reports::gate::Gate::new(1, 32)),
            deliveries: Arc::default(),
        })
    }
}

/// Creates `admin` on an empty database. Returns the password when it was generated.
async fn first_admin(store: &Store, password: Option<String>) -> Result<Option<String>> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let generated = password.is_none();
    let password = password.unwrap_or_else(auth::random_password);
    // The same rule as for every other user (RODNIK_ADMIN_PASSWORD).
    auth::check_password(&password)
        .map_err(|e| crate::error::Error::Internal(format!("RODNIK_ADMIN_PASSWORD: {e}")))?;
    store
        .create_user(NewUser {
            username: "admin".into(),
            name: "Administrator".into(),
            role: rodnik_shared::Role::Admin,
            phone: None,
            extension: None,
            password_hash: auth::hash_password(&password)?,
        })
        .await?;
    tracing::info!("created the first admin user");
    Ok(generated.then_some(password))
}

/// The background work of a serving process: heap trimming and the hourly
/// purge of old Idempotency-Keys and webhook nonces, the fiscal receipts'
/// worker (`http::serve` starts it, with the standing orders' generator and
/// the rhythms' one-time fill, which are the HTTP layer's).
pub fn start_background(state: &AppState) {
    trim_heap_periodically();
    purge_idempotency_keys(state);
    crate::fiscal::worker::start(state.store.clone(), state.cfg.fiscal_tick);
}

/// When a request last started or ended, in milliseconds since the process's
/// first request (0: none yet): the heap trim waits for a quiet moment.
static LAST_REQUEST_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn process_ms() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_millis() as u64
        + 1
}

/// Whether the process's heap is glibc's, which the trim below is for
/// (cleared by `own_allocator`).
static GLIBC_HEAP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Says the process runs on an allocator of its own (the `rodnik` binary's
/// mimalloc), before the server starts: no heap trim, and no request marks
/// for it.
pub fn own_allocator() {
    GLIBC_HEAP.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// Marks the server busy (the HTTP layer calls it as a request starts and ends).
pub fn note_request() {
    if GLIBC_HEAP.load(std::sync::atomic::Ordering::Relaxed) {
        LAST_REQUEST_MS.store(process_ms(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// Gives freed heap memory back to the system, for a process on glibc's
/// allocator (the tests, which run the server in-process; not the `rodnik`
/// binary, which runs on mimalloc: that returns pages by itself). A large report (tens of MB
/// of rows and JSON) leaves glibc's arenas holding pages it will not return
/// by itself: the server's RSS stayed near 1 GB after one year-long
/// deliveries report; trimmed, it falls back to its working set. A trim
/// holds each arena's lock while it walks it, stalling every request that
/// allocates meanwhile, so it runs when no request started or ended for a
/// second (checked every second), and under load without such a pause at
/// most once a minute.
fn trim_heap_periodically() {
    if !GLIBC_HEAP.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    // One trimmer per process, however many servers it runs (the tests run many).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    static STARTED: std::sync::Once = std::sync::Once::new();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    STARTED.call_once(|| {
        tokio::spawn(async {
            const QUIET_MS: u64 = 1_000;
            const AT_LEAST_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            let mut trimmed = std::time::Instant::now();
            // The last request mark a trim saw: no trim again until one more came.
            let mut seen = u64::MAX;
            loop {
                tick.tick().await;
                let last = LAST_REQUEST_MS.load(std::sync::atomic::Ordering::Relaxed);
                let quiet = process_ms().saturating_sub(last) >= QUIET_MS;
                let due = trimmed.elapsed() >= AT_LEAST_EVERY;
                if (quiet && last != seen) || due {
                    seen = last;
                    trimmed = std::time::Instant::now();
                    // SAFETY: malloc_trim only releases free memory of the allocator's
                    // own arenas; it takes no pointers and is thread-safe.
                    let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
                }
            }
        });
    });
}

/// Deletes Idempotency-Keys older than [`KEEP_DAYS`] every hour (an offline
/// courier app retries within a week; the keys would otherwise grow forever),
/// and webhook nonces older than an hour.
fn purge_idempotency_keys(state: &AppState) {
    use crate::store::idem::KEEP_DAYS;
    let store = state.store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store.idem_purge(KEEP_DAYS).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(keys = n, days = KEEP_DAYS, "purged old idempotency keys"),
                Err(e) => tracing::warn!(error = %e, "purging old idempotency keys failed"),
            }
            if let Err(e) = store.purge_webhook_nonces().await {
                tracing::warn!(error = %e, "purging old webhook nonces failed");
            }
        }
    });
}

impl crate::backup::Source {
    /// This server's database.
    pub fn of(state: &AppState) -> crate::backup::Result<crate::backup::Source> {
        crate::backup::Source::for_url(
            &state.cfg.db,
            state.store.clone(),
            state.cfg.db_root.clone(),
        )
    }
}
