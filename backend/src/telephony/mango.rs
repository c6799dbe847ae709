//! Mango Office VPBX: its signed form posts and its call-back command.
//!
//! Every request in either direction is a form with `vpbx_api_key`, `sign`
//! and `json`, where `sign` is the hex SHA-256 of key + json + salt. Mango
//! posts call events to `<base>/events/call` (one per change of a call leg,
//! `call_id` + `seq`), the end of a whole call to `<base>/events/summary`, and
//! other events (recording, dtmf, sms...) to other `<base>/events/...` paths.
//! A Rodnik call is Mango's `entry_id` (one incoming call with all its legs).

use chrono::{TimeZone, Utc};
use rodnik_shared::api::CallEventKind;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{same_secret, Incoming};

pub fn sign(api_key: &str, json: &str, api_salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(api_key.as_bytes());
    h.update(json.as_bytes());
    h.update(api_salt.as_bytes());
    hex::encode(h.finalize())
}

/// The form's key is ours and its signature matches.
pub fn verify(api_key: &str, api_salt: &str, form_key: &str, json: &str, form_sign: &str) -> bool {
    let key_ok = same_secret(form_key.trim().as_bytes(), api_key.as_bytes());
    let expected = sign(api_key, json, api_salt);
    let sign_ok = same_secret(
        form_sign.trim().to_ascii_lowercase().as_bytes(),
        expected.as_bytes(),
    );
    key_ok & sign_ok
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Party {
    #[serde(default, deserialize_with = "text")]
    pub extension: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub number: Option<String>,
}

/// `/events/call`.
#[derive(Debug, Clone, Deserialize)]
pub struct CallEvent {
    #[serde(default, deserialize_with = "text")]
    pub entry_id: Option<String>,
    pub call_id: String,
    #[serde(default)]
    pub timestamp: Option<i64>,
    #[serde(default)]
    pub seq: Option<i64>,
    pub call_state: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub from: Party,
    #[serde(default)]
    pub to: Party,
}

/// `/events/summary`: the end of a whole call.
#[derive(Debug, Clone, Deserialize)]
pub struct Summary {
    #[serde(deserialize_with = "text_required")]
    pub entry_id: String,
    /// 0 internal, 1 incoming, 2 outgoing.
    #[serde(default)]
    pub call_direction: Option<i64>,
    #[serde(default)]
    pub from: Party,
    #[serde(default)]
    pub to: Party,
    /// 1 answered, 0 lost.
    #[serde(default)]
    pub entry_result: Option<i64>,
    #[serde(default)]
    pub end_time: Option<i64>,
}

/// `/events/record/added`: the recording is in the cloud storage and can be
/// fetched through `queries/recording/post`.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordAdded {
    #[serde(deserialize_with = "text_required")]
    pub entry_id: String,
    #[serde(deserialize_with = "text_required")]
    pub recording_id: String,
    #[serde(default)]
    pub timestamp: Option<i64>,
}

/// `/events/recording`: a recording started, moved to another leg, or ended.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordingEvent {
    #[serde(deserialize_with = "text_required")]
    pub recording_id: String,
    /// Started, Continued, Completed.
    pub recording_state: String,
    #[serde(deserialize_with = "text_required")]
    pub entry_id: String,
    #[serde(default, deserialize_with = "text")]
    pub extension: Option<String>,
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// Cloud, Mail or CloudAndMail (only when Completed).
    #[serde(default)]
    pub recipient: Option<String>,
}

impl RecordingEvent {
    /// A finished recording kept in the cloud storage: one Rodnik can play.
    /// (Mail-only recordings go to someone's mailbox and are not fetchable.)
    pub fn kept_in_cloud(&self) -> bool {
        self.recording_state == "Completed"
            && self
                .recipient
                .as_deref()
                .is_none_or(|r| r.to_ascii_lowercase().contains("cloud"))
    }
}

/// The form of `queries/recording/post` (`action`: `play` or `download`):
/// Mango answers 302 to a one-time link on its file service.
pub fn recording_form(api_key: &str, api_salt: &str, recording_id: &str) -> Vec<(String, String)> {
    let json = serde_json::json!({ "recording_id": recording_id, "action": "play" }).to_string();
    vec![
        ("vpbx_api_key".into(), api_key.to_string()),
        ("sign".into(), sign(api_key, &json, api_salt)),
        ("json".into(), json),
    ]
}

pub fn when(ts: Option<i64>) -> chrono::DateTime<Utc> {
    at(ts).unwrap_or_else(Utc::now)
}

/// Mango sends ids and numbers as strings, sometimes as numbers.
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn text_required<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    text(d)?.ok_or_else(|| serde::de::Error::custom("empty"))
}

pub fn rodnik_call_id(entry_id: &str) -> String {
    format!("mango:{entry_id}")
}

fn at(ts: Option<i64>) -> Option<chrono::DateTime<Utc>> {
    ts.and_then(|t| Utc.timestamp_opt(t, 0).single())
}

/// What a leg's change means for the Rodnik call, if anything. A leg that
/// rings or is answered at an operator's extension pops (or drops) that
/// operator's screen; legs in the IVR or a queue and outgoing legs do not.
/// A leg's `Disconnected` is handled by the caller (it ends the call only when
/// that leg was the answered one); `/events/summary` ends every call.
pub fn leg_event(ev: &CallEvent) -> Option<Incoming> {
    // An outgoing or internal call starts at an extension.
    if ev.from.extension.is_some() {
        return None;
    }
    let ext = ev.to.extension.clone()?;
    let kind = match ev.call_state.as_str() {
        "Appeared" => CallEventKind::Ringing,
        "Connected" => CallEventKind::Answered,
        "Disconnected" => CallEventKind::Ended,
        _ => return None,
    };
    Some(Incoming {
        kind,
        call_id: rodnik_call_id(ev.entry_id.as_deref().unwrap_or(&ev.call_id)),
        from: ev.from.number.clone().unwrap_or_default(),
        to: ev.to.number.clone().unwrap_or_default(),
        extension: Some(ext),
        at: at(ev.timestamp),
    })
}

/// The summary of an incoming call: answered (when it was) then ended.
pub fn summary_events(s: &Summary) -> Vec<Incoming> {
    if s.call_direction.is_some_and(|d| d != 1) {
        return vec![];
    }
    let base = Incoming {
        kind: CallEventKind::Ended,
        call_id: rodnik_call_id(&s.entry_id),
        from: s.from.number.clone().unwrap_or_default(),
        to: s.to.number.clone().unwrap_or_default(),
        extension: s.to.extension.clone(),
        at: at(s.end_time),
    };
    let mut out = vec![];
    if s.entry_result == Some(1) {
        out.push(Incoming {
            kind: CallEventKind::Answered,
            ..base.clone()
        });
    }
    out.push(Incoming {
        extension: None,
        ..base
    });
    out
}

/// The form of `commands/callback`: Mango rings `extension`, then `number`.
pub fn callback_form(
    api_key: &str,
    api_salt: &str,
    command_id: &str,
    extension: &str,
    number: &str,
) -> Vec<(String, String)> {
    let json = serde_json::json!({
        "command_id": command_id,
        "from": { "extension": extension },
        "to_number": number,
    })
    .to_string();
    vec![
        ("vpbx_api_key".into(), api_key.to_string()),
        ("sign".into(), sign(api_key, &json, api_salt)),
        ("json".into(), json),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(json: serde_json::Value) -> CallEvent {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn signature_is_sha256_of_key_json_salt() {
        // echo -n 'k{"a":1}s' | sha256sum
        assert_eq!(
            sign("k", r#"{"a":1}"#, "s"),
            hex::encode(Sha256::digest(br#"k{"a":1}s"#))
        );
        let good = sign("k", "{}", "s");
        assert!(verify("k", "s", "k", "{}", &good));
        assert!(verify("k", "s", "k", "{}", &good.to_uppercase()));
        assert!(!verify("k", "s", "other", "{}", &good));
        assert!(!verify("k", "s", "k", "{ }", &good));
        assert!(!verify("k", "other", "k", "{}", &good));
        assert!(!verify("k", "s", "k", "{}", ""));
    }

    #[test]
    fn a_leg_ringing_at_an_extension_rings_that_operator() {
        let ev = call(serde_json::json!({
            "entry_id": "MjQ1Nzg2NDQ4OQ==", "call_id": "MToxMDA1NzU5Mzo1MDI6NjI1ODM4MzQ=",
            "timestamp": 1764230400, "seq": 2, "call_state": "Appeared", "location": "abonent",
            "from": { "number": "79123456789" },
            "to": { "extension": "101", "number": "sip:olga@vpbx400.mangosip.ru", "line_number": "74951234567" }
        }));
        let i = leg_event(&ev).unwrap();
        assert_eq!(i.kind, CallEventKind::Ringing);
        assert_eq!(i.call_id, "mango:MjQ1Nzg2NDQ4OQ==");
        assert_eq!(i.extension.as_deref(), Some("101"));
        assert_eq!(i.from, "79123456789");
    }

    #[test]
    fn ivr_and_outgoing_legs_pop_nothing() {
        let ivr = call(
            serde_json::json!({ "entry_id": "e", "call_id": "c", "seq": 1,
            "call_state": "Appeared", "location": "ivr", "from": { "number": "79123456789" },
            "to": { "number": "74951234567" } }),
        );
        assert!(leg_event(&ivr).is_none());
        let out = call(
            serde_json::json!({ "entry_id": "e", "call_id": "c", "seq": 1,
            "call_state": "Appeared", "location": "abonent",
            "from": { "extension": "101", "number": "sip:olga@x" }, "to": { "number": "79123456789" } }),
        );
        assert!(leg_event(&out).is_none());
    }

    #[test]
    fn recording_events_parse_as_mango_sends_them() {
        let added: RecordAdded = serde_json::from_value(serde_json::json!({
            "entry_id": "NTAwOTQxMTAyMg==", "product_id": 300022532, "user_id": 300049012,
            "timestamp": 1578664187, "recording_id": "MToxMDAwNjA4NTo1MDA5NDExMDIyOjE="
        }))
        .unwrap();
        assert_eq!(added.entry_id, "NTAwOTQxMTAyMg==");
        assert_eq!(added.recording_id, "MToxMDAwNjA4NTo1MDA5NDExMDIyOjE=");
        let ev = |state: &str, recipient: Option<&str>| -> RecordingEvent {
            serde_json::from_value(serde_json::json!({
                "recording_id": "r1", "recording_state": state, "seq": 2, "entry_id": "e1",
                "call_id": "c1", "extension": 101, "timestamp": 1578664187,
                "completion_code": 1000, "recipient": recipient
            }))
            .unwrap()
        };
        assert_eq!(
            ev("Completed", Some("Cloud")).extension.as_deref(),
            Some("101")
        );
        assert!(ev("Completed", Some("Cloud")).kept_in_cloud());
        assert!(ev("Completed", Some("CloudAndMail")).kept_in_cloud());
        assert!(!ev("Completed", Some("Mail")).kept_in_cloud());
        assert!(!ev("Started", None).kept_in_cloud());
        let form = recording_form("k", "s", "r1");
        let json = &form[2].1;
        assert_eq!(form[1].1, sign("k", json, "s"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(json).unwrap(),
            serde_json::json!({ "recording_id": "r1", "action": "play" })
        );
    }
}
