//! Telephony: the generic signed webhook (HMAC-SHA256 of the raw body), the
//! provider adapters (Mango Office, Zadarma, Asterisk AMI) that turn a PBX's
//! own events into Rodnik call events, and click-to-call through them.

pub mod asterisk;
pub mod mango;
pub mod originate;
pub mod recordings;
pub mod settings;
pub mod zadarma;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rodnik_shared::api::CallEventKind;
use rodnik_shared::Phone;
use sha2::Sha256;

use crate::config::Config;
use crate::error::Result;
use crate::store::calls::CallEvent;
use crate::store::Store;

/// A call event as an adapter hands it over: raw numbers, the PBX's call id.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub kind: CallEventKind,
    pub call_id: String,
    pub from: String,
    pub to: String,
    pub extension: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// Normalizes the numbers, finds the caller's clients and records the event
/// (which pushes it on the live channel when it changes the call).
pub async fn ingest(store: &Store, cfg: &Config, ev: Incoming) -> Result<()> {
    let region = &cfg.phone_region;
    // A caller id that is not a phone number (hidden, internal) is kept as sent.
    let caller = pbx_phone(&ev.from, region);
    let from = caller
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_else(|| ev.from.trim().to_string());
    let to = pbx_phone(&ev.to, region)
        .map(|p| p.to_string())
        .unwrap_or_else(|| ev.to.trim().to_string());
    let at = ev.at.unwrap_or_else(Utc::now);
    let client_ids = match &caller {
        Some(p) => store.client_ids_by_phone(p).await?,
        None => vec![],
    };
    store
        .record_call_event(&CallEvent {
            kind: ev.kind,
            call_id: ev.call_id,
            from,
            to,
            extension: ev.extension.filter(|e| !e.trim().is_empty()),
            at: at.to_rfc3339(),
            date: at.with_timezone(&cfg.tz).date_naive().to_string(),
            client_ids,
        })
        .await?;
    Ok(())
}

/// A number as PBXs spell it: anything `Phone::parse` reads with the
/// company's region (`8 812 123-45-67`, `+7...`), a SIP or tel URI
/// (`sip:78121234567@vpbx.example`, `tel:+78121234567;ext=1`), or the
/// international digits without `+` that Mango and Zadarma send for every
/// country (`375291234567`). `None` for a hidden or internal caller.
pub fn pbx_phone(raw: &str, region: &str) -> Option<Phone> {
    let text = raw.trim();
    let lower = text.to_ascii_lowercase();
    let text = match ["sip:", "sips:", "tel:"]
        .iter()
        .find(|scheme| lower.starts_with(**scheme))
    {
        Some(scheme) => {
            let rest = &text[scheme.len()..];
            let user = rest.split('@').next().unwrap_or(rest);
            user.split(';').next().unwrap_or(user)
        }
        None => text,
    };
    Phone::parse(text, region).ok().or_else(|| {
        let digits = text.len() >= 8 && text.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| Phone::parse_international(&format!("+{text}")).ok())
            .flatten()
    })
}

/// Equal in constant time (for signatures compared as text).
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// "Mango Office could not be reached": only the kind of failure, never the
/// error's text (a URL could carry a secret in another API).
pub fn unreachable(name: &str, e: &reqwest::Error) -> String {
    let why = if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "failed"
    };
    format!("{name} {why}")
}

/// What the telephony side of the server keeps running: the HTTP client for
/// the providers' APIs and the AMI connection.
#[derive(Clone)]
pub struct Telephony {
    pub http: reqwest::Client,
    /// For recordings: no limit on the whole answer (a long call's audio may
    /// take a while on a slow line), only on each wait for more of it.
    pub media: reqwest::Client,
    pub ami: asterisk::Ami,
    store: Store,
    cfg: Arc<Config>,
}

impl Telephony {
    /// Starts the AMI client with the current settings.
    pub async fn start(store: Store, cfg: Arc<Config>) -> Result<Telephony> {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| crate::error::Error::Internal(format!("HTTP client: {e}")))?;
        let media = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .read_timeout(std::time::Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| crate::error::Error::Internal(format!("HTTP client: {e}")))?;
        let ami = asterisk::Ami::start(store.clone(), cfg.clone());
        let t = Telephony {
            http,
            media,
            ami,
            store,
            cfg,
        };
        t.reload().await?;
        Ok(t)
    }

    /// The effective settings: stored ones with the environment laid over them.
    pub async fn settings(&self) -> Result<settings::Effective> {
        let (stored, _) = self.store.telephony_settings().await?;
        Ok(settings::Effective::build(
            &stored,
            &self.cfg.telephony,
            self.cfg.telephony_secret.as_deref(),
        ))
    }

    /// Applies changed settings to what runs (the AMI connection).
    pub async fn reload(&self) -> Result<()> {
        let eff = self.settings().await?;
        let target = if eff.asterisk.active() {
            eff.asterisk
                .get("ami")
                .and_then(|v| asterisk::AmiTarget::parse(v).ok())
                .map(|mut t| {
                    if let Some(c) = eff.asterisk.get("channel") {
                        t.channel = c.to_string();
                    }
                    if let Some(c) = eff.asterisk.get("context") {
                        t.context = c.to_string();
                    }
                    t
                })
        } else {
            None
        };
        self.ami.configure(target);
        Ok(())
    }
}

/// Checks `X-Rodnik-Signature: sha256=<MAC>` against the raw body in constant
/// time. The MAC is hex, or base64 / base64url (what PBXs such as Kamailio's
/// `crypto_hmac_sha256` produce).
pub fn verify_signature(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(text) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Some(sig) = decode_mac(text.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// A 32-byte MAC from hex, base64 or base64url (padded or not).
fn decode_mac(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let e = base64::engine::general_purpose::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
    let url = base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, e);
    let std = base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, e);
    if text.len() == 64 {
        if let Ok(b) = hex::decode(text) {
            return Some(b);
        }
    }
    [url.decode(text).ok(), std.decode(text).ok()]
        .into_iter()
        .flatten()
        .find(|b| b.len() == 32)
}

pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbx_spellings_of_a_number() {
        let e164 = |raw: &str| pbx_phone(raw, "RU").map(|p| p.to_string());
        for raw in [
            "78121234567",
            "88121234567",
            "+7 812 123-45-67",
            "sip:78121234567@vpbx400.mangosip.ru",
            "SIP:+78121234567@10.0.0.1:5060;transport=udp",
            "tel:+7-812-123-45-67;ext=12",
        ] {
            assert_eq!(e164(raw).as_deref(), Some("+78121234567"), "{raw}");
        }
        assert_eq!(e164("375291234567").as_deref(), Some("+375291234567"));
        assert_eq!(e164("998901234567").as_deref(), Some("+998901234567"));
        for raw in [
            "",
            "anonymous",
            "101",
            "sip:olga@vpbx400.mangosip.ru",
            "Unknown",
        ] {
            assert_eq!(e164(raw), None, "{raw}");
        }
    }

    #[test]
    fn signature_round_trip_and_forgeries() {
        let body = br#"{"event":"ringing"}"#;
        let sig = sign("s", body);
        assert!(verify_signature("s", body, Some(&sig)));
        assert!(!verify_signature("other", body, Some(&sig)));
        assert!(!verify_signature("s", b"{}", Some(&sig)));
        assert!(!verify_signature("s", body, None));
        assert!(!verify_signature("s", body, Some("sha256=zz")));
        assert!(!verify_signature(
            "s",
            body,
            Some(&sig.replace("sha256=", "md5="))
        ));
        // The same MAC in base64url (Kamailio) and base64.
        use base64::Engine;
        let raw = hex::decode(sig.trim_start_matches("sha256=")).unwrap();
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw);
        let std = base64::engine::general_purpose::STANDARD.encode(&raw);
        assert!(verify_signature("s", body, Some(&format!("sha256={url}"))));
        assert!(verify_signature("s", body, Some(&format!("sha256={std}"))));
        assert!(!verify_signature(
            "other",
            body,
            Some(&format!("sha256={url}"))
        ));
    }
}
