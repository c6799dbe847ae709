//! The only code that speaks SurrealQL. One long-lived `Surreal<Any>`: the
//! URL picks the engine (`surrealkv://`, `mem://`, `ws://`).

pub mod account;
pub mod backup;
pub mod bank;
pub mod bottles;
pub mod bulk;
pub mod call_lists;
pub mod calls;
pub mod cash;
pub mod catalogue;
pub mod client_search;
pub mod client_turns;
pub mod clients;
pub mod documents;
pub mod equipment;
pub mod idem;
pub mod notify;
pub mod orders;
pub mod packs;
pub mod phones;
pub mod planning;
pub mod reasons;
pub mod receipts;
pub mod rentals;
pub mod reports;
pub mod rhythm;
pub mod route_cache;
pub mod settings;
pub mod standing;
pub mod stats;
pub mod telephony;
pub mod users;
pub mod wallboards;

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde::de::DeserializeOwned;
use serde_json::Value;
use surrealdb::engine::any::Any;
use surrealdb::types::{RecordId, SurrealValue, Value as SValue};
use surrealdb::{IndexedResults, Surreal};

use crate::error::{Error, Result};

const SCHEMA: &str = include_str!("schema.surql");
/// 2: the pre-aggregated report figures (`stat_*`), built from the orders on upgrade.
/// 3: the client card's order ids on `stat_client` (filled from a light read of the orders).
/// 4: `stat_lost` (lost-client candidates by last delivery date), from `stat_client`.
/// 5: stored phone numbers in the current parser's E.164 form (`phones.rs`).
/// 8: the bottle ledger (`bottle_moves`), opened with the stored balances.
/// 9: `clients.search` holds the client's search terms (`client_search`),
///    each a key of `client_terms` (written once, marked by `meta:client_terms`).
pub const SCHEMA_VERSION: i64 = 9;

/// Cheap to clone. The client sits behind an `Arc` on purpose: cloning a
/// `Surreal` opens a new database session (on a server, one per clone, up to a
/// cap), so the whole process shares one session.
#[derive(Clone)]
pub struct Store {
    db: Arc<Surreal<Any>>,
    /// Numbers this process reserved and has not handed out yet, per
    /// sequence: `[next, end)`.
    numbers: Arc<tokio::sync::Mutex<std::collections::HashMap<String, (i64, i64)>>>,
    /// Sessions this process looked up lately (see `users::SESSION_TTL`).
    sessions: users::SessionCache,
    /// Couriers' days read lately (emptied by any order change).
    routes: Arc<route_cache::RouteCache>,
    /// How long sessions last (set from the config at start).
    session_limits: Arc<std::sync::RwLock<users::SessionLimits>>,
    /// The company's time zone (set from the config at start): what day
    /// "today" is for the accounts' due dates.
    tz: Arc<std::sync::RwLock<chrono_tz::Tz>>,
    /// Wakes this process's receipts worker when a delivery queued one.
    pub receipts_wake: Arc<tokio::sync::Notify>,
}

/// Numbers a process reserves at once: one write to the shared counter per
/// this many orders, instead of every order creation conflicting on it. A
/// restart skips what was reserved and not used; two nodes interleave blocks.
const NUMBER_BLOCK: i64 = 16;

/// The key part of a stored record id (`orders:abc` -> `abc`).
pub fn key_of(id: &str) -> String {
    let key = id.split_once(':').map(|(_, k)| k).unwrap_or(id);
    key.trim_start_matches(['⟨', '`'])
        .trim_end_matches(['⟩', '`'])
        .to_string()
}

/// A fresh record key: lowercase letters and digits, starting with a letter,
/// so that it never needs escaping.
pub fn new_key() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let mut s = String::with_capacity(20);
    s.push(char::from(ALPHABET[rng.gen_range(0..26)]));
    for _ in 0..19 {
        s.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
    }
    s
}

/// A record id to bind as a query parameter.
pub fn rid(table: &str, key: &str) -> SValue {
    RecordId::new(table, key.to_string()).into_value()
}

/// Several record ids of one table, bound as an array.
pub fn rids(table: &str, keys: &[String]) -> SValue {
    keys.iter()
        .map(|k| RecordId::new(table, k.clone()))
        .collect::<Vec<_>>()
        .into_value()
}

/// `WHERE a AND b` for the conditions whose value is present, or nothing.
pub fn where_clause(conds: &[(&str, bool)]) -> String {
    let present: Vec<&str> = conds
        .iter()
        .filter(|(_, on)| *on)
        .map(|(c, _)| *c)
        .collect();
    if present.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", present.join(" AND "))
    }
}

/// JSON nulls become absent fields: SurrealDB's `option<T>` holds NONE, not NULL.
pub fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// A stored row with its `id` replaced by the bare key, decoded into `T`.
pub fn decode<T: DeserializeOwned>(mut row: Value) -> Result<T> {
    if let Some(Value::String(id)) = row.get("id") {
        let key = key_of(id);
        row["id"] = Value::String(key);
    }
    Ok(serde_json::from_value(row)?)
}

pub fn decode_all<T: DeserializeOwned>(rows: Vec<Value>) -> Result<Vec<T>> {
    rows.into_iter().map(decode).collect()
}

/// `THROW`n markers of refusals decided inside a transaction, with the
/// message the API answers (409, the marker as the code).
const REFUSALS: &[(&str, &str)] = &[
    (
        "equipment_taken",
        "that equipment is not in stock or is reserved for another agreement",
    ),
    (
        "equipment_not_ready",
        "the rented equipment is not where this stop expects it (check the register)",
    ),
    (
        "rental_changed",
        "the rental agreement changed meanwhile: reload it",
    ),
];

/// What a failed statement meant, so callers can retry or answer properly.
/// Conflicts and existing records are told by the error's kind (the SDK's
/// `QueryError::TransactionConflict`, `AlreadyExists`), never by its words;
/// `THROW`s are ours, told by their marker. Only a unique-index violation has
/// no kind in SurrealDB 3.3 (`internal`), so its message is read.
fn classify(e: &surrealdb::Error) -> Error {
    let chain = std::iter::successors(Some(e), |e| e.cause());
    for e in chain {
        // Our THROWs' markers (a COMMIT may echo them in its own error).
        let m = e.message();
        if m.contains("cas_failed") {
            return Error::conflict("stale_version", "the record changed meanwhile");
        }
        if let Some(refusal) = REFUSALS.iter().find(|(code, _)| m.contains(code)) {
            return Error::conflict(refusal.0, refusal.1);
        }
        if m.contains("idem_lost") {
            return Error::conflict(
                "idempotency_key_in_use",
                "another request with this Idempotency-Key took it over",
            );
        }
        if e.query_details() == Some(&surrealdb::types::QueryError::TransactionConflict) {
            tracing::debug!(db = %e, "transaction conflict");
            return Error::conflict(
                "retry",
                "the database was busy with the same records; try again",
            );
        }
        if e.is_already_exists() || (e.is_internal() && e.message().contains("already contains")) {
            // The database's own words stay in the log, never in an answer.
            tracing::debug!(db = %e, "duplicate record");
            return Error::conflict("duplicate", "that record already exists");
        }
    }
    Error::Db(e.to_string())
}

/// A statement skipped because an earlier one in its transaction failed.
fn not_executed(e: &surrealdb::Error) -> bool {
    e.query_details() == Some(&surrealdb::types::QueryError::NotExecuted)
}

/// Transaction conflicts retried before the caller gets `409 retry`. At 64
/// concurrent order creations on two cores, 8 was once not enough.
const RETRIES: u32 = 12;

pub fn is_retry(e: &Error) -> bool {
    matches!(e, Error::Conflict { code: "retry", .. })
}

impl Store {
    /// Connects to `url` and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        Self::connect_as(url, None).await
    }

    /// As `connect`, signing in as a root user first (a SurrealDB server).
    pub async fn connect_as(url: &str, root: Option<(String, String)>) -> Result<Store> {
        let db = surrealdb::engine::any::connect(url).await?;
        if let Some((username, password)) = root {
            db.signin(surrealdb::opt::auth::Root { username, password })
                .await?;
        }
        db.use_ns("rodnik").use_db("rodnik").await?;
        let store = Store {
            db: Arc::new(db),
            numbers: Arc::default(),
            sessions: Arc::default(),
            routes: Arc::default(),
            session_limits: Arc::default(),
            tz: Arc::new(std::sync::RwLock::new(chrono_tz::Europe::Moscow)),
            receipts_wake: Arc::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Sets the company's time zone (the config's).
    pub fn set_time_zone(&self, tz: chrono_tz::Tz) {
        *self.tz.write().unwrap_or_else(|p| p.into_inner()) = tz;
    }

    /// The company's time zone.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        *self.tz.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The company's day now.
    pub fn today(&self) -> chrono::NaiveDate {
        let tz = *self.tz.read().unwrap_or_else(|p| p.into_inner());
        chrono::Utc::now().with_timezone(&tz).date_naive()
    }

    /// Applies the schema and the upgrades from the stored `meta:schema`
    /// version. Runs at every connect; tests run it again on a database they
    /// set back to an older version.
    pub async fn migrate(&self) -> Result<()> {
        let was = self
            .one("RETURN meta:schema.version", Value::Null, vec![])
            .await?
            .and_then(|v| v.as_i64());
        self.run(SCHEMA, Value::Null).await?;
        if was.is_some_and(|v| v < 2) {
            tracing::info!("building the report figures from the orders (once, after an upgrade)");
            let started = std::time::Instant::now();
            let s = self.rebuild_stats().await?;
            tracing::info!(
                "report figures built: {} client rows in {:.1} s",
                s.clients.len(),
                started.elapsed().as_secs_f64()
            );
        } else {
            if was.is_some_and(|v| v < 3) {
                tracing::info!("filling the client cards' order ids (once, after an upgrade)");
                self.rebuild_client_cards().await?;
            }
            if was.is_some_and(|v| v < 4) {
                tracing::info!("listing lost-client candidates (once, after an upgrade)");
                let n = self.rebuild_lost().await?;
                tracing::info!("lost-client candidates: {n}");
            }
        }
        if was.is_some_and(|v| v < 4) {
            // Only the lost-clients report read this index; `stat_lost` replaces it.
            self.run(
                "REMOVE INDEX IF EXISTS stat_client_last ON stat_client",
                Value::Null,
            )
            .await?;
        }
        if was.is_some_and(|v| v < 5) {
            tracing::info!("re-reading stored phone numbers (once, after an upgrade)");
            let n = self.renormalise_phones().await?;
            tracing::info!("clients and users with rewritten phone numbers: {n}");
        }
        if was.is_some_and(|v| v < 6) {
            tracing::info!("indexing the addresses' contact phones (once, after an upgrade)");
            self.index_contact_phones().await?;
        }
        if was.is_some_and(|v| v < 7) {
            tracing::info!("listing the reasons given so far (once, after an upgrade)");
            let n = self.rebuild_reason_events().await?;
            tracing::info!("reasons given: {n}");
        }
        if was.is_some_and(|v| v < 8) {
            tracing::info!(
                "opening the bottle ledger with the stored balances (once, after an upgrade)"
            );
            let n = self
                .open_bottle_ledger(&chrono::Utc::now().to_rfc3339())
                .await?;
            tracing::info!("clients with an opening bottle balance: {n}");
        }
        self.fill_client_terms(was.is_none()).await?;
        self.fill_route_keys(was.is_none()).await?;
        self.seed_reasons().await?;
        self.run(
            "UPSERT meta:schema SET version = $v",
            serde_json::json!({ "v": SCHEMA_VERSION }),
        )
        .await?;
        Ok(())
    }

    /// A LIVE query on every row of `table` (the live channel's feed).
    pub async fn live_rows(&self, table: &str) -> Result<surrealdb::method::Stream<Vec<Value>>> {
        Ok(self.db.select::<Vec<Value>>(table).live().await?)
    }

    /// The whole database as SurrealQL, as SurrealDB exports it (backups).
    pub async fn export(&self) -> std::result::Result<surrealdb::method::Backup, surrealdb::Error> {
        self.db.export(()).await
    }

    /// Runs `sql` with `vars` (a JSON object) and checks every statement's
    /// result, so that a failed statement inside a transaction (or a failed
    /// COMMIT) is never mistaken for success.
    pub async fn run(&self, sql: &str, vars: Value) -> Result<IndexedResults> {
        self.run_with(sql, vars, Vec::new()).await
    }

    /// As `run`, binding record ids too (`$rid` etc.).
    pub async fn run_with(
        &self,
        sql: &str,
        vars: Value,
        ids: Vec<(&'static str, SValue)>,
    ) -> Result<IndexedResults> {
        let mut q = self.db.query(sql);
        if let Value::Object(_) = vars {
            q = q.bind(vars);
        }
        for (name, id) in ids {
            q = q.bind((name, id));
        }
        let mut response = q.await.map_err(|e| classify(&e))?;
        let errors = response.take_errors();
        if !errors.is_empty() {
            let mut errors: Vec<(usize, surrealdb::Error)> = errors.into_iter().collect();
            errors.sort_by_key(|(k, _)| *k);
            let joined: Vec<String> = errors.iter().map(|(_, e)| e.to_string()).collect();
            tracing::debug!(errors = ?joined, "query failed");
            // Our own THROW explains the rest; otherwise the first statement
            // that really failed ("not executed" only echoes the cause, which
            // may come later: a failed COMMIT is the last statement).
            let ours = errors.iter().find(|(_, e)| {
                let m = e.message();
                m.contains("cas_failed")
                    || m.contains("idem_lost")
                    || REFUSALS.iter().any(|(code, _)| m.contains(code))
            });
            let cause = ours
                .or_else(|| errors.iter().find(|(_, e)| !not_executed(e)))
                .or(errors.first())
                .map(|(_, e)| e);
            return Err(match cause {
                Some(e) => classify(e),
                None => Error::Db("a statement failed".into()),
            });
        }
        Ok(response)
    }

    /// Retries `f` on transaction conflicts, with jitter (growing to 1-160 ms).
    /// The one retry policy of the server: nothing that calls a store
    /// function retries it again.
    pub async fn retrying<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.retry_when(is_retry, f).await
    }

    /// As `retrying`, and also when `f` lost a compare-and-set race
    /// (`stale_version`): for a read-decide-write `f` that reads afresh each
    /// time, so that it decides again on what the winner wrote.
    pub async fn retrying_races<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.retry_when(
            |e| {
                is_retry(e)
                    || matches!(
                        e,
                        Error::Conflict {
                            code: "stale_version",
                            ..
                        }
                    )
            },
            f,
        )
        .await
    }

    async fn retry_when<T, F, Fut>(&self, again: fn(&Error) -> bool, mut f: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let mut attempt = 0u32;
        loop {
            match f().await {
                Err(e) if again(&e) && attempt < RETRIES => {
                    let m = crate::metrics::metrics();
                    m.tx_conflicts.inc();
                    m.tx_retries.inc();
                    attempt += 1;
                    let jitter = rand::thread_rng().gen_range(1..=5u64 << attempt.min(5));
                    tokio::time::sleep(Duration::from_millis(jitter)).await;
                }
                Err(e) if again(&e) => {
                    let m = crate::metrics::metrics();
                    m.tx_conflicts.inc();
                    m.tx_gave_up.inc();
                    return Err(e);
                }
                other => return other,
            }
        }
    }

    pub async fn one(
        &self,
        sql: &str,
        vars: Value,
        ids: Vec<(&'static str, SValue)>,
    ) -> Result<Option<Value>> {
        let mut r = self.run_with(sql, vars, ids).await?;
        let v: Option<Value> = r.take(0)?;
        Ok(v.filter(|v| !v.is_null()))
    }

    pub async fn many(
        &self,
        sql: &str,
        vars: Value,
        ids: Vec<(&'static str, SValue)>,
    ) -> Result<Vec<Value>> {
        let mut r = self.run_with(sql, vars, ids).await?;
        let v: Vec<Value> = r.take(0)?;
        Ok(v)
    }

    /// Whether the one-time upgrade that marks `meta:{name}` (version 1) ran.
    pub(super) async fn marked(&self, name: &str) -> Result<bool> {
        Ok(self
            .one(
                &format!("RETURN meta:{name}.version ?? 0"),
                Value::Null,
                vec![],
            )
            .await?
            .and_then(|v| v.as_i64())
            .is_some_and(|v| v >= 1))
    }

    /// Marks the one-time upgrade `meta:{name}` as done.
    pub(super) async fn mark(&self, name: &str) -> Result<()> {
        self.run(&format!("UPSERT meta:{name} SET version = 1"), Value::Null)
            .await?;
        Ok(())
    }

    /// The next number of a named sequence (order numbers): from this
    /// process's reserved block, reserving the next block in its own
    /// transaction when it runs out.
    pub async fn next_number(&self, name: &str) -> Result<i64> {
        let mut blocks = self.numbers.lock().await;
        if let Some((next, end)) = blocks.get_mut(name) {
            if *next < *end {
                *next += 1;
                return Ok(*next - 1);
            }
        }
        let top = self
            .retrying(|| async {
                let v = self
                    .one(
                        "UPSERT ONLY $rid SET n = (n ?? 0) + $k RETURN VALUE n",
                        serde_json::json!({ "k": NUMBER_BLOCK }),
                        vec![("rid", rid("counters", name))],
                    )
                    .await?;
                v.and_then(|v| v.as_i64())
                    .ok_or_else(|| Error::Internal("counter did not advance".into()))
            })
            .await?;
        // Reserved: (top - NUMBER_BLOCK, top]; hand out the first now.
        let first = top - NUMBER_BLOCK + 1;
        blocks.insert(name.to_string(), (first + 1, top + 1));
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stripped_of_table_and_escapes() {
        assert_eq!(key_of("orders:abc"), "abc");
        assert_eq!(key_of("orders:⟨a-b⟩"), "a-b");
        assert_eq!(key_of("abc"), "abc");
        let k = new_key();
        assert_eq!(k.len(), 20);
        assert!(k.chars().next().unwrap().is_ascii_lowercase());
    }

    #[test]
    fn nulls_are_removed_deeply() {
        let v = serde_json::json!({"a": null, "b": {"c": null, "d": 1}, "e": [{"f": null}]});
        assert_eq!(
            strip_nulls(v),
            serde_json::json!({"b": {"d": 1}, "e": [{}]})
        );
    }
}

/// The storage engine linked is the patched surrealkv (patches/surrealkv-0.21.4.patch,
/// docs/storage.md): `rodnik_relogged_batches` exists only there, so against
/// the published 0.21.4 this does not compile. It also drives the patched path:
/// a 64 KiB memtable rotates under concurrent commits, and the commits that a
/// rotation overtook are logged again (the published crate lost them in a
/// crash) and are all readable.
#[cfg(test)]
mod storage_engine {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn storage_engine_is_patched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tree = std::sync::Arc::new(
            surrealkv::TreeBuilder::new()
                .with_path(dir.path().to_path_buf())
                .with_max_memtable_size(64 * 1024)
                .build()
                .expect("open"),
        );
        let before = surrealkv::rodnik_relogged_batches();
        let tasks: Vec<_> = (0..8)
            .map(|w| {
                let tree = tree.clone();
                tokio::spawn(async move {
                    for i in 0..400 {
                        let mut tx = tree.begin().expect("begin");
                        tx.set(format!("w{w}-{i}").as_bytes(), vec![w as u8; 700])
                            .expect("set");
                        tx.commit().await.expect("commit");
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("writer");
        }
        assert!(
            surrealkv::rodnik_relogged_batches() > before,
            "no commit was overtaken by a rotation: the patched path did not run"
        );
        let tx = tree.begin().expect("begin");
        for w in 0..8u8 {
            for i in 0..400 {
                let v = tx.get(format!("w{w}-{i}").as_bytes()).expect("get");
                assert_eq!(v.as_deref(), Some(&vec![w; 700][..]), "w{w}-{i}");
            }
        }
    }

    /// Range scans beside commits on a 16 KiB memtable (a rotation, a flush
    /// and now and then a compaction every few dozen commits). surrealkv
    /// 0.21.4 deadlocked here: a scan held the immutable memtables' read lock
    /// and waited for the manifest's, while a flush held the manifest's write
    /// lock and waited for the immutables'; every later commit and read then
    /// queued behind them (a server that never finished starting, issue 17;
    /// `tools/skv-crash stall` hangs within a second on the published crate).
    /// The work runs on plain threads; the test fails if it stops moving.
    #[test]
    fn scans_beside_flushes_do_not_deadlock() {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        use std::sync::Arc;
        use std::time::{Duration, Instant};
        use surrealkv::LSMIterator;
        const WRITERS: u64 = 4;
        const COMMITS: u64 = 1500;
        let dir = tempfile::tempdir().expect("temp dir");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let tree = {
            let _enter = rt.enter();
            Arc::new(
                surrealkv::TreeBuilder::new()
                    .with_path(dir.path().to_path_buf())
                    .with_max_memtable_size(16 * 1024)
                    .build()
                    .expect("open"),
            )
        };
        let progress = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (tree, progress, handle) =
                    (tree.clone(), progress.clone(), rt.handle().clone());
                std::thread::spawn(move || {
                    for i in 0..COMMITS {
                        let mut tx = tree.begin().expect("begin");
                        tx.set(
                            format!("w{w}-{:05}", i % 500).as_bytes(),
                            vec![w as u8; 300],
                        )
                        .expect("set");
                        handle.block_on(tx.commit()).expect("commit");
                        progress.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for r in 0..4u64 {
            let (tree, progress, done) = (tree.clone(), progress.clone(), done.clone());
            std::thread::spawn(move || {
                let mut i = r;
                while !done.load(Ordering::Relaxed) {
                    let tx = tree.begin().expect("begin");
                    let w = i % WRITERS;
                    let (from, to) = (format!("w{w}-"), format!("w{w}-~"));
                    let mut it = tx.range(from.as_bytes(), to.as_bytes()).expect("range");
                    let mut more = it.seek_first().expect("seek");
                    let mut n = 0;
                    while more && n < 50 {
                        n += 1;
                        more = it.next().expect("next");
                    }
                    progress.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            });
        }
        // Not a time limit on the work: a check that it still moves at all.
        let mut last = (0, Instant::now());
        while !writers.iter().all(|w| w.is_finished()) {
            std::thread::sleep(Duration::from_millis(100));
            let now = progress.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, Instant::now());
            }
            assert!(
                last.1.elapsed() < Duration::from_secs(30),
                "no commit or scan finished for 30 s ({now} so far): the engine is deadlocked"
            );
        }
        done.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().expect("writer");
        }
        let tx = tree.begin().expect("begin");
        for w in 0..WRITERS {
            let v = tx.get(format!("w{w}-00499").as_bytes()).expect("get");
            assert_eq!(v.as_deref(), Some(&vec![w as u8; 300][..]), "w{w}");
        }
    }

    /// The patched SurrealDB crates are the ones linked (patches/): each
    /// exposes something its published version lacks, and it works.
    #[tokio::test]
    async fn patched_surrealdb_crates_are_linked() {
        // surrealdb-kvs-surrealkv: the engine's memory from the environment.
        let cfg =
            surrealdb_kvs_surrealkv::SurrealKvConfig::default().with_overrides(|name| match name {
                "SURREAL_SURREALKV_MAX_MEMTABLE_SIZE" => Some("262144".into()),
                "SURREAL_SURREALKV_BLOCK_CACHE_CAPACITY" => Some(" 1048576 ".into()),
                _ => None,
            });
        assert_eq!(
            (cfg.max_memtable_size, cfg.block_cache_capacity),
            (262_144, 1_048_576)
        );
        // surrealdb-datastore: compiled field definitions shared across
        // transactions, filled by any statement on a table with fields.
        let store = super::Store::connect("mem://").await.expect("store");
        store
            .run(
                "SELECT * FROM products WHERE sku = 'W1'",
                serde_json::Value::Null,
            )
            .await
            .expect("select");
        assert!(
            surrealdb_datastore::rodnik_field_cache_len() > 0,
            "the field-definition cache stayed empty: the datastore patch is not the code linked"
        );
    }
}

#[cfg(test)]
mod explain {
    use super::*;

    /// The plan of `sql` must scan `index` (a table scan turns 1 ms into 1 s at scale).
    async fn assert_uses(store: &Store, sql: &str, vars: Value, index: &str) {
        let rows = store
            .many(&format!("{sql} EXPLAIN"), vars, vec![])
            .await
            .expect("explain");
        let plan = serde_json::to_string(&rows).unwrap_or_default();
        assert!(
            plan.contains("IndexScan\"") && plan.contains(&format!("\"index\":\"{index}\"")),
            "{sql}\n does not scan {index}: {plan}"
        );
    }

    #[tokio::test]
    async fn hot_queries_use_their_indexes() {
        let store = Store::connect("mem://").await.expect("store");
        let v = serde_json::json!({ "p": "+79123456789", "c": "x", "d": "2026-11-27", "k": "x|2026-11-27",
                                    "from": "2026-11-01", "to": "2026-11-27" });
        assert_uses(
            &store,
            "SELECT VALUE client_id FROM client_phones WHERE phone = $p",
            v.clone(),
            "client_phones_phone",
        )
        .await;
        assert_uses(
            &store,
            "SELECT * OMIT delivered_by FROM orders WHERE route_key = $k
             ORDER BY route_pos, number",
            v.clone(),
            "orders_route_key",
        )
        .await;
        assert_uses(
            &store,
            "SELECT * OMIT delivered_by FROM orders WHERE route_day = $d
             ORDER BY courier_id, route_pos, number",
            v.clone(),
            "orders_route_day",
        )
        .await;
        assert_uses(
            &store,
            "SELECT * FROM orders WHERE client_id = $c AND state IN ['new', 'delivery'] ORDER BY delivery_date, number",
            v.clone(),
            "orders_client",
        )
        .await;
        assert_uses(
            &store,
            "SELECT * FROM orders WHERE delivery_date >= $from AND delivery_date <= $to",
            v.clone(),
            "orders_date",
        )
        .await;
        assert_uses(
            &store,
            "SELECT * FROM users WHERE username = $p LIMIT 1",
            v,
            "users_username",
        )
        .await;
    }
}

#[cfg(test)]
mod classify_tests {
    use super::*;
    use surrealdb::types::QueryError;

    #[test]
    fn conflicts_and_duplicates_are_told_by_kind_not_by_words() {
        // A conflict whose words say nothing of conflicts is still a retry.
        let e = surrealdb::Error::query("write failed".into(), QueryError::TransactionConflict);
        assert!(is_retry(&classify(&e)));
        // Words alone make no retry: a plain failure that mentions a
        // "transaction" and a "conflict" is a database error.
        let e = surrealdb::Error::internal("transaction read conflict, can be retried".into());
        assert!(matches!(classify(&e), Error::Db(_)));
        let e = surrealdb::Error::already_exists("x".into(), None);
        assert!(matches!(
            classify(&e),
            Error::Conflict {
                code: "duplicate",
                ..
            }
        ));
        // Our own markers.
        let e = surrealdb::Error::thrown("An error occurred: cas_failed".into());
        assert!(matches!(
            classify(&e),
            Error::Conflict {
                code: "stale_version",
                ..
            }
        ));
        // A conflict found further down the chain.
        let e = surrealdb::Error::internal("commit".into()).with_cause(surrealdb::Error::query(
            "busy".into(),
            QueryError::TransactionConflict,
        ));
        assert!(is_retry(&classify(&e)));
        // Skipped statements are not the cause.
        let skipped = surrealdb::Error::query("not executed".into(), QueryError::NotExecuted);
        assert!(not_executed(&skipped));
    }
}
