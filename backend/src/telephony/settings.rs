//! The PBX adapters' settings: which adapters are on and their secrets.
//! They come from the database (`PUT /api/settings/telephony`) and from
//! `RODNIK_*` variables; a value set in the environment wins over the stored
//! one, name by name. Secrets are never returned and never logged.

use std::collections::BTreeMap;

use rodnik_shared::api::{
    AdapterChange, AdapterView, PbxProvider, PutTelephonySettings, TelephonySettingsView,
};

pub use crate::config::TelephonyEnv;
use crate::error::{Error, Result};
pub use crate::store::telephony::{Stored, StoredAdapter};

/// The adapters, by the name used in the API and in the stored settings.
pub const ADAPTERS: [&str; 4] = ["generic", "mango", "zadarma", "asterisk"];

use rodnik_shared::api::TELEPHONY_VALUES as VALUES;

/// What each adapter needs before it accepts events.
fn required(adapter: &str) -> &'static [&'static str] {
    match adapter {
        "generic" => &["secret"],
        "mango" => &["api_key", "api_salt"],
        "zadarma" => &["secret"],
        "asterisk" => &["ami"],
        _ => &[],
    }
}

pub const MANGO_API_URL: &str = "https://app.mango-office.ru/vpbx";
pub const ZADARMA_API_URL: &str = "https://api.zadarma.com";

/// Every `RODNIK_*` telephony variable that is set and not empty, except
/// `RODNIK_TELEPHONY_SECRET`, which `Config::telephony_secret` carries.
pub fn env_from_process() -> Result<TelephonyEnv, String> {
    let mut env = TelephonyEnv::default();
    for (adapter, name, _, var) in VALUES {
        if *var == "RODNIK_TELEPHONY_SECRET" {
            continue;
        }
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                env.set(adapter, name, v.trim());
            }
        }
    }
    if let Ok(hosts) = std::env::var("RODNIK_PROVIDER_HOSTS") {
        env.provider_hosts = hosts
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
    }
    if let Some(tz) = env.get("zadarma", "tz") {
        parse_tz(tz).map_err(|m| format!("RODNIK_ZADARMA_TZ: {m}"))?;
    }
    if let Some(s) = env.get("zadarma", "sources") {
        parse_sources(s).map_err(|m| format!("RODNIK_ZADARMA_SOURCES: {m}"))?;
    }
    if let Some(ami) = env.get("asterisk", "ami") {
        super::asterisk::AmiTarget::parse(ami).map_err(|m| format!("RODNIK_ASTERISK_AMI: {m}"))?;
    }
    Ok(env)
}

impl Stored {
    /// Applies a `PUT`: unknown adapters or value names are a 422, and
    /// nothing changes.
    pub fn apply(&mut self, put: &PutTelephonySettings) -> Result<()> {
        let changes: [(&str, &Option<AdapterChange>); 4] = [
            ("generic", &put.generic),
            ("mango", &put.mango),
            ("zadarma", &put.zadarma),
            ("asterisk", &put.asterisk),
        ];
        let mut next = self.clone();
        for (adapter, change) in changes {
            let Some(change) = change else { continue };
            let slot = next.adapters.entry(adapter.to_string()).or_default();
            if let Some(e) = change.enabled {
                slot.enabled = Some(e);
            }
            for (name, value) in &change.values {
                if !VALUES.iter().any(|(a, n, _, _)| *a == adapter && n == name) {
                    return Err(Error::invalid(
                        format!("{adapter}.values.{name}"),
                        format!("{adapter} has no setting '{name}'"),
                    ));
                }
                match value.as_deref().map(str::trim) {
                    None | Some("") => {
                        slot.values.remove(name);
                    }
                    Some(v) => {
                        if adapter == "asterisk" && name == "ami" {
                            super::asterisk::AmiTarget::parse(v)
                                .map_err(|m| Error::invalid("asterisk.values.ami", m))?;
                        }
                        if adapter == "zadarma" && name == "tz" {
                            parse_tz(v).map_err(|m| Error::invalid("zadarma.values.tz", m))?;
                        }
                        if adapter == "zadarma" && name == "sources" {
                            parse_sources(v)
                                .map_err(|m| Error::invalid("zadarma.values.sources", m))?;
                        }
                        if name == "api_url"
                            && !(v.starts_with("http://") || v.starts_with("https://"))
                        {
                            return Err(Error::invalid(
                                format!("{adapter}.values.api_url"),
                                "must start with https:// (or http://)",
                            ));
                        }
                        slot.values.insert(name.clone(), v.to_string());
                    }
                }
            }
        }
        if let Some(o) = put.originate {
            next.originate = o;
        }
        *self = next;
        Ok(())
    }
}

/// A time zone by its IANA name (`Europe/Moscow`).
pub fn parse_tz(text: &str) -> std::result::Result<chrono_tz::Tz, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "'{}' is not a time zone name such as Europe/Moscow",
            text.trim()
        )
    })
}

/// Addresses and networks, separated by commas or spaces: `185.45.152.42,
/// 185.45.152.0/24, 2a01:4f8::/32`. At most 64.
pub fn parse_sources(text: &str) -> std::result::Result<Vec<ipnet::IpNet>, String> {
    let items: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > 64 {
        return Err("at most 64 addresses or networks".into());
    }
    items
        .into_iter()
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!("'{item}' is not an address or a network such as 185.45.152.0/24")
                })
        })
        .collect()
}

/// One adapter's values after the environment has been laid over the settings.
#[derive(Clone, Default)]
pub struct Adapter {
    pub name: &'static str,
    pub enabled: bool,
    values: BTreeMap<String, String>,
    from_env: Vec<String>,
}

impl std::fmt::Debug for Adapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapter")
            .field("name", &self.name)
            .field("enabled", &self.enabled)
            .field("set", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Adapter {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// On and configured: its events are accepted.
    pub fn active(&self) -> bool {
        self.enabled
            && required(self.name)
                .iter()
                .all(|n| self.values.contains_key(*n))
    }

    fn view(&self) -> AdapterView {
        let mut options = BTreeMap::new();
        let mut secrets_set = vec![];
        for (a, n, secret, _) in VALUES {
            if *a != self.name {
                continue;
            }
            if let Some(v) = self.values.get(*n) {
                if *secret {
                    secrets_set.push(n.to_string());
                } else {
                    options.insert(n.to_string(), v.clone());
                }
            }
        }
        // The AMI address without its user and secret.
        if let Some(t) = self
            .get("ami")
            .and_then(|v| super::asterisk::AmiTarget::parse(v).ok())
        {
            options.insert("host".into(), format!("{}:{}", t.host, t.port));
            options.insert("user".into(), t.user.clone());
        }
        AdapterView {
            enabled: self.enabled,
            active: self.active(),
            secrets_set,
            from_env: self.from_env.clone(),
            options,
        }
    }
}

/// Every adapter's effective settings.
#[derive(Debug, Clone, Default)]
pub struct Effective {
    pub generic: Adapter,
    pub mango: Adapter,
    pub zadarma: Adapter,
    pub asterisk: Adapter,
    pub originate: Option<PbxProvider>,
    /// Hosts besides the providers' own allowed to receive environment secrets.
    pub provider_hosts: Vec<String>,
}

impl Effective {
    pub fn build(stored: &Stored, env: &TelephonyEnv, generic_secret: Option<&str>) -> Effective {
        let adapter = |name: &'static str| {
            let s = stored.adapters.get(name).cloned().unwrap_or_default();
            let mut a = Adapter {
                name,
                enabled: s.enabled.unwrap_or(true),
                values: s.values,
                from_env: vec![],
            };
            for (ad, n, _, _) in VALUES {
                if *ad != name {
                    continue;
                }
                let from_env = if name == "generic" {
                    generic_secret.filter(|s| !s.is_empty())
                } else {
                    env.get(name, n)
                };
                if let Some(v) = from_env {
                    a.values.insert(n.to_string(), v.to_string());
                    a.from_env.push(n.to_string());
                }
            }
            a
        };
        Effective {
            generic: adapter("generic"),
            mango: adapter("mango"),
            zadarma: adapter("zadarma"),
            asterisk: adapter("asterisk"),
            originate: stored.originate,
            provider_hosts: env.provider_hosts.clone(),
        }
    }

    pub fn view(&self, asterisk_connected: bool) -> TelephonySettingsView {
        TelephonySettingsView {
            generic: self.generic.view(),
            mango: self.mango.view(),
            zadarma: self.zadarma.view(),
            asterisk: self.asterisk.view(),
            originate: self.originate,
            asterisk_connected,
        }
    }

    /// The provider for click-to-call: the chosen one, else the first active.
    pub fn originate_provider(&self) -> Option<PbxProvider> {
        let active = |p: PbxProvider| match p {
            PbxProvider::Mango => self.mango.active(),
            PbxProvider::Zadarma => self.zadarma.active() && self.zadarma.get("key").is_some(),
            PbxProvider::Asterisk => self.asterisk.active(),
        };
        match self.originate {
            Some(p) => active(p).then_some(p),
            None => [
                PbxProvider::Mango,
                PbxProvider::Zadarma,
                PbxProvider::Asterisk,
            ]
            .into_iter()
            .find(|p| active(*p)),
        }
    }

    /// Mango's API address. Secrets set in the environment go only to
    /// Mango's own host, an address also set in the environment, or a host in
    /// `RODNIK_PROVIDER_HOSTS`: an admin cannot send them elsewhere.
    pub fn mango_api_url(&self) -> std::result::Result<String, String> {
        self.api_url(&self.mango, MANGO_API_URL, &["api_key", "api_salt"])
    }

    /// Zadarma's API address, under the same rule as [`Self::mango_api_url`].
    pub fn zadarma_api_url(&self) -> std::result::Result<String, String> {
        self.api_url(&self.zadarma, ZADARMA_API_URL, &["key", "secret"])
    }

    fn api_url(
        &self,
        a: &Adapter,
        official: &str,
        secrets: &[&str],
    ) -> std::result::Result<String, String> {
        let url = a.get("api_url").unwrap_or(official).trim_end_matches('/');
        let env_secret = secrets.iter().any(|n| a.from_env.iter().any(|e| e == n));
        let env_url = a.from_env.iter().any(|e| e == "api_url");
        if env_secret && !env_url {
            let host = |u: &str| {
                reqwest::Url::parse(u)
                    .ok()
                    .and_then(|u| u.host_str().map(|h| (h.to_ascii_lowercase(), u.port())))
            };
            let allowed = match (host(url), host(official)) {
                (Some((h, port)), Some((own, _))) => {
                    h == own
                        || self.provider_hosts.iter().any(|p| {
                            *p == h || port.is_some_and(|port| *p == format!("{h}:{port}"))
                        })
                }
                _ => false,
            };
            if !allowed {
                return Err(format!(
                    "the {} API address in the settings is not {}'s own host; its keys come \
                     from the server's environment and are sent only there (or to a host in \
                     RODNIK_PROVIDER_HOSTS)",
                    a.name, a.name
                ));
            }
        }
        Ok(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn environment_wins_over_settings_and_secrets_are_never_shown() {
        let mut stored = Stored::default();
        let put: PutTelephonySettings = serde_json::from_value(json!({
            "mango": { "values": { "api_key": "db-key", "api_salt": "db-salt" } },
            "zadarma": { "enabled": false, "values": { "secret": "z" } }
        }))
        .unwrap();
        stored.apply(&put).unwrap();
        let mut env = TelephonyEnv::default();
        env.set("mango", "api_key", "env-key");
        let eff = Effective::build(&stored, &env, None);
        assert_eq!(eff.mango.get("api_key"), Some("env-key"));
        assert_eq!(eff.mango.get("api_salt"), Some("db-salt"));
        assert!(eff.mango.active());
        assert!(!eff.zadarma.active());
        assert!(!eff.generic.active());
        let view = serde_json::to_string(&eff.view(false)).unwrap();
        for secret in ["env-key", "db-key", "db-salt", "\"z\""] {
            assert!(!view.contains(secret), "{view}");
        }
        assert!(!format!("{eff:?} {stored:?} {env:?}").contains("db-salt"));
    }

    #[test]
    fn an_unknown_setting_changes_nothing() {
        let mut stored = Stored::default();
        let put: PutTelephonySettings = serde_json::from_value(json!({
            "mango": { "values": { "api_key": "k", "password": "p" } }
        }))
        .unwrap();
        assert!(stored.apply(&put).is_err());
        assert_eq!(stored, Stored::default());
    }
}
