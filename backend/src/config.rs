//! Settings from flags and `RODNIK_*` variables, validated once at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono_tz::Tz;

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
    pub connections: crate::http::server::ConnectionLimits,
    /// How long sessions last (idle and absolute, office and courier).
    pub sessions: crate::store::users::SessionLimits,
    /// Reverse proxies on other machines whose `X-Forwarded-For` names the
    /// client (`RODNIK_TRUSTED_PROXIES`); a proxy on this machine always is.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The Trunk build of the front-end, served at `/`.
    pub static_dir: Option<PathBuf>,
    /// PBX adapters' values from `RODNIK_MANGO_*`, `RODNIK_ZADARMA_*`,
    /// `RODNIK_ASTERISK_*` (they win over the stored settings; docs/telephony.md).
    pub telephony: crate::telephony::settings::TelephonyEnv,
    /// `RODNIK_METRICS_TOKEN`: the bearer token that opens `GET /metrics` on
    /// the main listener. Without it (and without `--metrics-listen`),
    /// `/metrics` is off (404).
    pub metrics_token: Option<String>,
    /// A bearer token that may download `GET /api/backup` besides an admin's
    /// session: `serve` makes one at every start and writes it, owner-only,
    /// into the database folder's control file (`rodnik backup --db` reads it).
    pub backup_token: Option<String>,
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
