//! Settings from flags and `RODNIK_*` variables, validated once at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono_tz::Tz;
use rodnik_shared::Role;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// A SurrealDB endpoint: `surrealkv://data/rodnik`, `mem://`, `ws://host:port`.
    pub db: String,
    pub tz: Tz,
    pub phone_region: String,
    pub admin_password: Option<String>,
    pub telephony_secret: Option<String>,
    /// Root credentials for a SurrealDB server (`ws://`): `RODNIK_DB_USER`, `RODNIK_DB_PASS`.
    pub db_root: Option<(String, String)>,
    /// How often live sockets are pinged and their session re-checked.
    pub live_ping: std::time::Duration,
    /// How long a request that answers after its effect holds its
    /// Idempotency-Key before a retry may take it over (store/idem.rs).
    pub idempotency_lease: std::time::Duration,
    /// The longest an API request may run before it is answered 503
    /// `timeout` (a request with an Idempotency-Key still completes and
    /// stores its answer for the retry).
    pub request_timeout: std::time::Duration,
    /// The listener's header-read deadline and connection caps.
    pub connections: ConnectionLimits,
    /// How long sessions last (idle and absolute, office and courier).
    pub sessions: SessionLimits,
    /// Reverse proxies on other machines whose `X-Forwarded-For` names the
    /// client (`RODNIK_TRUSTED_PROXIES`); a proxy on this machine always is.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The Trunk build of the front-end, served at `/`.
    pub static_dir: Option<PathBuf>,
    /// PBX adapters' values from `RODNIK_MANGO_*`, `RODNIK_ZADARMA_*`,
    /// `RODNIK_ASTERISK_*` (they win over the stored settings; docs/telephony.md).
    pub telephony: TelephonyEnv,
    /// `RODNIK_METRICS_TOKEN`: the bearer token that opens `GET /metrics` on
    /// the main listener. Without it (and without `--metrics-listen`),
    /// `/metrics` is off (404).
    pub metrics_token: Option<String>,
    /// A bearer token that may download `GET /api/backup` besides an admin's
    /// session: `serve` makes one at every start and writes it, owner-only,
    /// into the database folder's control file (`rodnik backup --db` reads it).
    pub backup_token: Option<String>,
    /// The receipts worker's beat (`RODNIK_FISCAL_TICK_MS`, default 5 s): how
    /// often it looks for due receipts, the first wait for a cash register's
    /// answer, and the base of the growing delay after errors.
    pub fiscal_tick: Duration,
    /// The notifications worker's beat (`RODNIK_NOTIFY_TICK_MS`, default
    /// 5 s): how often it looks for due messages, and the base of the
    /// growing delay after a gateway's error.
    pub notify_tick: Duration,
}

impl Config {
    /// A config for tests: in-memory database, Moscow time, RU numbers.
    pub fn for_tests() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: "mem://".into(),
            tz: chrono_tz::Europe::Moscow,
            phone_region: "RU".into(),
            admin_password: Some("admin-password".into()),
            telephony_secret: Some("telephony-secret".into()),
            db_root: None,
            live_ping: std::time::Duration::from_secs(30),
            idempotency_lease: std::time::Duration::from_secs(60),
            request_timeout: std::time::Duration::from_secs(60),
            sessions: Default::default(),
            connections: Default::default(),
            trusted_proxies: vec![],
            static_dir: None,
            telephony: Default::default(),
            metrics_token: Some("metrics-token".into()),
            backup_token: None,
            fiscal_tick: Duration::from_millis(100),
            notify_tick: Duration::from_millis(100),
        }
    }

    pub fn parse_tz(s: &str) -> Result<Tz, String> {
        s.parse::<Tz>()
            .map_err(|_| format!("RODNIK_TZ: '{s}' is not an IANA time zone (e.g. Europe/Moscow)"))
    }

    pub fn check_region(s: &str) -> Result<String, String> {
        rodnik_shared::Phone::parse("+79123456789", s)
            .map(|_| s.to_ascii_uppercase())
            .map_err(|_| format!("RODNIK_PHONE_REGION: '{s}' is not a country code (e.g. RU)"))
    }

    /// `./data` becomes an embedded on-disk SurrealKV database.
    pub fn db_url(raw: &str) -> String {
        if raw.contains("://") {
            raw.to_string()
        } else {
            format!("surrealkv://{raw}")
        }
    }

    /// Today's date in the company's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now().with_timezone(&self.tz).date_naive()
    }
}

/// The listener's limits (`RODNIK_HEADER_TIMEOUT_SECS`,
/// `RODNIK_MAX_CONNECTIONS`, `RODNIK_MAX_CONNECTIONS_PER_ADDRESS`).
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// A connection must send a whole request head within this time after
    /// it opens or after its previous answer; otherwise it is closed. This is
    /// also how long an idle kept-alive connection stays open.
    pub header_read_timeout: Duration,
    /// Connections open at once. At the cap the server stops accepting:
    /// newcomers wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// Connections open at once from one address; more are closed at once.
    /// A reverse proxy (loopback, `RODNIK_TRUSTED_PROXIES`) is exempt: it
    /// carries every client, and limits them itself.
    pub max_per_address: usize,
    /// Whether loopback peers are exempt from `max_per_address` (a proxy on
    /// this machine). Tests turn it off to exercise the cap over loopback.
    pub exempt_loopback: bool,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(20),
            max_connections: 4096,
            max_per_address: 256,
            exempt_loopback: true,
        }
    }
}

/// How long sessions last: an office PC signs in each shift, a courier's
/// phone stays signed in through days off (its offline queue waits on it).
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Operators, managers, admins: ended after this long unused ...
    pub office_idle: std::time::Duration,
    /// ... and this long after sign-in, used or not.
    pub office_max: std::time::Duration,
    pub courier_idle: std::time::Duration,
    pub courier_max: std::time::Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        const H: u64 = 3600;
        SessionLimits {
            office_idle: std::time::Duration::from_secs(12 * H),
            office_max: std::time::Duration::from_secs(7 * 24 * H),
            courier_idle: std::time::Duration::from_secs(7 * 24 * H),
            courier_max: std::time::Duration::from_secs(30 * 24 * H),
        }
    }
}

impl SessionLimits {
    /// Whether a session of a user with `role`, made at `created` and last
    /// used at `seen`, is over.
    pub fn expired(
        &self,
        role: Role,
        created: chrono::DateTime<chrono::Utc>,
        seen: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        let (idle, max) = match role {
            Role::Courier => (self.courier_idle, self.courier_max),
            _ => (self.office_idle, self.office_max),
        };
        let over = |since: chrono::DateTime<chrono::Utc>, limit: std::time::Duration| {
            (now - since).to_std().is_ok_and(|d| d > limit)
        };
        over(created, max) || over(seen, idle)
    }
}

/// Values from the environment, read once at start. `Debug` shows names only.
#[derive(Clone, Default)]
pub struct TelephonyEnv {
    values: BTreeMap<(String, String), String>,
    /// `RODNIK_PROVIDER_HOSTS`: hosts besides the providers' own that may
    /// receive secrets set in the environment (a test PBX, a proxy).
    pub provider_hosts: Vec<String>,
}

impl std::fmt::Debug for TelephonyEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .values
            .keys()
            .map(|(a, n)| format!("{a}.{n}"))
            .collect();
        f.debug_struct("TelephonyEnv").field("set", &names).finish()
    }
}

impl TelephonyEnv {
    pub fn set(&mut self, adapter: &str, name: &str, value: &str) {
        self.values
            .insert((adapter.to_string(), name.to_string()), value.to_string());
    }

    pub fn get(&self, adapter: &str, name: &str) -> Option<&str> {
        self.values
            .get(&(adapter.to_string(), name.to_string()))
            .map(String::as_str)
    }
}
