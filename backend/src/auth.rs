//! Passwords (argon2) and bearer tokens (random, stored as SHA-256).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// argon2 runs on its own threads, one per core, at the lowest scheduling
/// priority (nice 19, docs/benchmarks.md "Logins under attack"): a flood of logins queues here and takes only the CPU
/// that serving requests leaves over, instead of taking every thread (and the
/// memory argon2 needs) or the operators' cores.
struct Argon2Pool {
    jobs: std::sync::mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

/// Logins waiting for a thread; past this a login is told to come back.
const ARGON2_QUEUE: usize = 1024;

static ARGON2_POOL: LazyLock<Argon2Pool> = LazyLock::new(|| {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (jobs, queue) = std::sync::mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(ARGON2_QUEUE);
    let queue = std::sync::Arc::new(Mutex::new(queue));
    for i in 0..threads {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || {
                lower_this_threads_priority();
                loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(p) => p.into_inner().recv(),
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start an argon2 thread");
        }
    }
    Argon2Pool { jobs }
});

/// The calling thread's nice value to [`argon2_nice`] (Linux gives each
/// thread its own; `setpriority(PRIO_PROCESS, 0, ..)` sets the caller's).
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes no pointers; it changes only this thread's nice value.
    unsafe {
        let _ = libc::setpriority(libc::PRIO_PROCESS, 0, argon2_nice());
    }
}

/// `RODNIK_ARGON2_NICE` (0-19, default 19): how far below the server's own
/// threads password checks run. 0 runs them at the same priority: logins
/// are answered faster under a flood, lookups slower (docs/benchmarks.md).
fn argon2_nice() -> i32 {
    std::env::var("RODNIK_ARGON2_NICE")
        .ok()
        .and_then(|v| v.trim().parse::<i32>().ok())
        .filter(|n| (0..=19).contains(n))
        .unwrap_or(19)
}

/// A hash for unknown usernames, so their check costs a real one.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8";

async fn on_pool<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    ARGON2_POOL
        .jobs
        .try_send(Box::new(move || {
            let _ = tx.send(f());
        }))
        .map_err(|_| Error::Busy(Duration::from_secs(1)))?;
    rx.await
        .map_err(|e| Error::Internal(format!("argon2 task: {e}")))
}

/// Checks a password on the bounded pool; `None` (an unknown user) costs the same.
pub async fn verify(password: &str, hash: Option<String>) -> Result<bool> {
    let password = password.to_string();
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
    let ok = on_pool(move || verify_password(&password, &hash)).await?;
    Ok(ok && known)
}

/// Hashes a password on the bounded pool.
pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_string();
    on_pool(move || hash_password(&password)).await?
}

/// The password rule (`rodnik_shared::validate::password`), for every user
/// including the first admin.
pub fn check_password(password: &str) -> Result<()> {
    Ok(rodnik_shared::validate::password(password, "password")?)
}

/// Failed logins per username and per client address, with growing waits:
/// after [`FREE_PER_USER`] failures for a username (or [`FREE_PER_ADDRESS`]
/// from one address) each new failure doubles the wait, from 1 s up to 15
/// minutes. A success clears the username. Kept in memory: a restart forgives.
#[derive(Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Strikes>>,
}

struct Strikes {
    failures: u32,
    until: Instant,
    last: Instant,
}

pub const FREE_PER_USER: u32 = 5;
pub const FREE_PER_ADDRESS: u32 = 30;
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Entries kept before old ones (quiet for an hour) are dropped.
const MAX_ENTRIES: usize = 100_000;

impl LoginThrottle {
    fn keys(username: &str, addr: Option<IpAddr>) -> Vec<(String, u32)> {
        let mut keys = vec![(
            format!("u:{}", username.trim().to_lowercase()),
            FREE_PER_USER,
        )];
        if let Some(a) = addr {
            keys.push((format!("a:{a}"), FREE_PER_ADDRESS));
        }
        keys
    }

    /// `Err(wait)` while the username or the address must wait.
    pub fn check(&self, username: &str, addr: Option<IpAddr>) -> std::result::Result<(), Duration> {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let wait = Self::keys(username, addr)
            .iter()
            .filter_map(|(k, _)| entries.get(k))
            .map(|s| s.until.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    pub fn failed(&self, username: &str, addr: Option<IpAddr>) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, s| now.duration_since(s.last) < Duration::from_secs(3600));
        }
        for (key, free) in Self::keys(username, addr) {
            let s = entries.entry(key).or_insert(Strikes {
                failures: 0,
                until: now,
                last: now,
            });
            s.failures += 1;
            s.last = now;
            if s.failures >= free {
                let doublings = (s.failures - free).min(20);
                let wait = Duration::from_secs(1u64 << doublings).min(MAX_WAIT);
                s.until = now + wait;
            }
        }
    }

    pub fn succeeded(&self, username: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&format!("u:{}", username.trim().to_lowercase()));
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new bearer token: 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable random password for the first admin.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| char::from(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn password_checks_run_below_the_servers_priority() {
        let nice = on_pool(|| {
            // SAFETY: getpriority takes no pointers.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
        })
        .await
        .unwrap();
        assert!(
            nice >= 10,
            "argon2 threads run below the server's priority, not at nice {nice}"
        );
        assert!(verify("whatever-password", None).await.is_ok());
    }

    #[test]
    fn password_round_trip() {
        let h = hash_password("s3cret").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("s3cret", "not a hash"));
    }

    #[test]
    fn failed_logins_wait_longer_and_longer_and_a_success_clears_the_name() {
        let t = LoginThrottle::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..FREE_PER_USER - 1 {
            t.failed("Olga", Some(ip));
            assert!(t.check("olga", Some(ip)).is_ok());
        }
        t.failed("olga ", Some(ip));
        let first = t.check("OLGA", None).unwrap_err();
        assert!(first <= Duration::from_secs(1) && !first.is_zero());
        t.failed("olga", Some(ip));
        let second = t.check("olga", None).unwrap_err();
        assert!(second > Duration::from_secs(1), "{second:?}");
        // Another name from the same address is not yet held...
        assert!(t.check("pavel", Some(ip)).is_ok());
        t.succeeded("olga");
        assert!(t.check("olga", None).is_ok());
        // ... until the address itself failed too often.
        for i in 0..FREE_PER_ADDRESS {
            t.failed(&format!("guess{i}"), Some(ip));
        }
        assert!(t.check("pavel", Some(ip)).is_err());
        assert!(t.check("pavel", Some([10, 0, 0, 2].into())).is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
