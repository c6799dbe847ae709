//! Telephony beyond the call log: the operator's extension (presence),
//! click-to-call, and the PBX adapters' settings (secrets are write-only).

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::double_option;

/// `PUT /api/me/extension`: the phone this operator sits at; `null` leaves it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetExtension {
    pub extension: Option<String>,
}

/// Which PBX carries click-to-call.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PbxProvider {
    Mango,
    Zadarma,
    Asterisk,
}

/// `POST /api/calls/originate`: ring the operator's extension, then `phone`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OriginateRequest {
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OriginateResponse {
    pub provider: PbxProvider,
    /// The number dialled, normalized (E.164).
    pub phone: String,
    /// The operator's extension: the phone that rings first.
    pub extension: String,
    /// Our id of the request, sent to the PBX where it takes one.
    pub request_id: String,
}

/// One adapter as `GET /api/settings/telephony` shows it: never a secret,
/// only whether it is set and where it comes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdapterView {
    /// Switched on in the settings (an adapter is on by default).
    pub enabled: bool,
    /// Enabled and every secret it needs is set: events are accepted.
    pub active: bool,
    /// The names of the secrets that are set, e.g. `["api_key", "api_salt"]`.
    pub secrets_set: Vec<String>,
    /// The names of the values taken from the environment (they win over the settings).
    pub from_env: Vec<String>,
    /// Non-secret values (API base URL, AMI host, originate channel...).
    #[serde(default)]
    pub options: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TelephonySettingsView {
    pub generic: AdapterView,
    pub mango: AdapterView,
    pub zadarma: AdapterView,
    pub asterisk: AdapterView,
    /// The provider that carries click-to-call (`null`: the first active one
    /// of Mango, Zadarma, Asterisk).
    pub originate: Option<PbxProvider>,
    /// Whether the AMI connection is logged in right now.
    pub asterisk_connected: bool,
}

/// A partial change of one adapter. A secret given as `null` or `""` is
/// cleared; an absent one is left alone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdapterChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Secrets and options by name: generic `secret`; Mango `api_key`,
    /// `api_salt`, `api_url`; Zadarma `key`, `secret`, `api_url`, `tz` (the
    /// account's time zone, e.g. `Europe/Moscow`; the company's by default),
    /// `sources` (addresses or networks notifications may come from, comma
    /// separated; any when empty); Asterisk
    /// `ami` (`user:secret@host:port`), `channel` (`PJSIP/{extension}`), `context`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, Option<String>>))]
    pub values: std::collections::BTreeMap<String, Option<String>>,
}

/// `PUT /api/settings/telephony` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PutTelephonySettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic: Option<AdapterChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mango: Option<AdapterChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zadarma: Option<AdapterChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asterisk: Option<AdapterChange>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PbxProvider>))]
    pub originate: Option<Option<PbxProvider>>,
}

/// Every value an adapter takes: (adapter, value name, secret?, the
/// environment variable that overrides it). The server and the settings
/// screen both read this list.
pub const TELEPHONY_VALUES: &[(&str, &str, bool, &str)] = &[
    ("generic", "secret", true, "RODNIK_TELEPHONY_SECRET"),
    ("mango", "api_key", true, "RODNIK_MANGO_API_KEY"),
    ("mango", "api_salt", true, "RODNIK_MANGO_API_SALT"),
    ("mango", "api_url", false, "RODNIK_MANGO_API_URL"),
    ("zadarma", "key", true, "RODNIK_ZADARMA_KEY"),
    ("zadarma", "secret", true, "RODNIK_ZADARMA_SECRET"),
    ("zadarma", "api_url", false, "RODNIK_ZADARMA_API_URL"),
    ("zadarma", "tz", false, "RODNIK_ZADARMA_TZ"),
    ("zadarma", "sources", false, "RODNIK_ZADARMA_SOURCES"),
    ("asterisk", "ami", true, "RODNIK_ASTERISK_AMI"),
    ("asterisk", "channel", false, "RODNIK_ASTERISK_CHANNEL"),
    ("asterisk", "context", false, "RODNIK_ASTERISK_CONTEXT"),
];
