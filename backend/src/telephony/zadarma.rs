//! Zadarma: its PBX call notifications and its call-back request.
//!
//! Zadarma posts a form to one URL per account, the kind in `event`, and signs
//! each kind over its own fields: `Signature` = base64 of the *hex* HMAC-SHA1
//! (PHP's `hash_hmac`) of those fields with the API secret. Before saving the
//! URL it checks it with `GET ?zd_echo=<value>`, which must answer the value.
//!
//! The signature covers only `caller_id`, `called_did` (or `destination`) and
//! `call_start`; `pbx_call_id`, `event`, `internal` and `disposition` are not
//! signed. So a Rodnik call is named after what is signed (the caller and the
//! call's start, `call_identity`), a notification whose `call_start` is not
//! within the call's plausible life is refused (`check_fresh`), and a repeat
//! is recognised by the signed fields too. What remains possible for someone
//! who captured a notification is written in docs/telephony.md.

use std::collections::BTreeMap;

use base64::Engine;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use rodnik_shared::api::CallEventKind;
use sha1::Sha1;

use super::{same_secret, Incoming};

/// base64(hex(HMAC-SHA1(secret, text))), as Zadarma's PHP computes it.
pub fn signature(secret: &str, text: &str) -> String {
    let hex_mac = match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(text.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    base64::engine::general_purpose::STANDARD.encode(hex_mac)
}

fn field<'a>(form: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or("")
}

/// The signed text of each event kind we act on or acknowledge; `None` for a
/// kind we neither know nor need.
pub fn signed_text(form: &BTreeMap<String, String>) -> Option<String> {
    let f = |n: &str| field(form, n);
    let text = match f("event") {
        "NOTIFY_START" | "NOTIFY_INTERNAL" | "NOTIFY_END" | "NOTIFY_IVR" => {
            format!("{}{}{}", f("caller_id"), f("called_did"), f("call_start"))
        }
        "NOTIFY_ANSWER" => format!("{}{}{}", f("caller_id"), f("destination"), f("call_start")),
        "NOTIFY_OUT_START" | "NOTIFY_OUT_END" => {
            format!("{}{}{}", f("internal"), f("destination"), f("call_start"))
        }
        "NOTIFY_RECORD" => format!("{}{}", f("pbx_call_id"), f("call_id_with_rec")),
        _ => return None,
    };
    Some(text)
}

/// `Some(true)`: a known kind, correctly signed; `Some(false)`: forged or
/// unsigned; `None`: a kind we do not know (acknowledged, never acted on).
pub fn verify(secret: &str, form: &BTreeMap<String, String>, header: Option<&str>) -> Option<bool> {
    let text = signed_text(form)?;
    let Some(got) = header.map(str::trim).filter(|h| !h.is_empty()) else {
        return Some(false);
    };
    Some(same_secret(
        got.as_bytes(),
        signature(secret, &text).as_bytes(),
    ))
}

/// The incoming-call kinds Rodnik acts on (every one signs `caller_id` and
/// `call_start`).
pub fn is_incoming(form: &BTreeMap<String, String>) -> bool {
    matches!(
        field(form, "event"),
        "NOTIFY_START" | "NOTIFY_INTERNAL" | "NOTIFY_ANSWER" | "NOTIFY_END"
    )
}

/// How long after its start a notification of a call is still believed: a
/// call's end comes when it ends. Older ones are refused, so a captured
/// notification cannot be replayed later.
pub const MAX_CALL_AGE: chrono::Duration = chrono::Duration::hours(3);
/// How far ahead of the server's clock `call_start` may be (clock skew).
pub const MAX_CLOCK_AHEAD: chrono::Duration = chrono::Duration::minutes(5);

/// `call_start` (`YYYY-MM-DD HH:MM:SS` on the account's clock) as an instant.
pub fn call_start(form: &BTreeMap<String, String>, tz: Tz) -> Result<DateTime<Utc>, String> {
    let raw = field(form, "call_start").trim();
    // `YYYY-MM-DD HH:MM:SS` exactly: chrono's %Y also reads `+12345`.
    if raw.len() != 19 || !raw.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err("must be YYYY-MM-DD HH:MM:SS".to_string());
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S")
        .map_err(|_| "must be YYYY-MM-DD HH:MM:SS".to_string())?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{raw} does not exist in {tz}"))
}

/// `Err` with the reason when `start` is too old or too far ahead of `now`.
pub fn check_fresh(start: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if start > now + MAX_CLOCK_AHEAD {
        return Err(
            "is more than 5 minutes ahead of the server's clock (is the account's time zone set?)"
                .into(),
        );
    }
    if start < now - MAX_CALL_AGE {
        return Err("is more than 3 hours old: the notification is stale or replayed".into());
    }
    Ok(())
}

/// The Rodnik call id, from signed fields only: the caller and the start
/// (`zadarma:79123456789:20261127100000`). A copy of a notification with a new
/// `pbx_call_id` is the same call, so once it has ended a replay changes
/// nothing.
pub fn rodnik_call_id(form: &BTreeMap<String, String>) -> String {
    let digits: String = field(form, "call_start")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let caller = field(form, "caller_id").trim();
    let caller = if caller.is_empty() { "hidden" } else { caller };
    format!("zadarma:{caller}:{digits}")
}

/// A stable name of one notification, to drop Zadarma's repeats: the signed
/// call, the kind and the extension (a hunt group sends one `NOTIFY_INTERNAL`
/// per extension with the same signed fields).
pub fn dedupe_key(form: &BTreeMap<String, String>) -> String {
    format!(
        "{}|{}|{}",
        rodnik_call_id(form),
        field(form, "event"),
        field(form, "internal")
    )
}

/// The Rodnik events of one verified notification. `NOTIFY_START` (the call
/// reached the PBX, still in its menu) pops nobody: the pop comes with
/// `NOTIFY_INTERNAL`, when an extension rings. Outgoing calls are not ours.
pub fn events(form: &BTreeMap<String, String>) -> Vec<Incoming> {
    let f = |n: &str| field(form, n).trim().to_string();
    if f("call_start").is_empty() {
        return vec![];
    }
    let internal = Some(f("internal")).filter(|s| !s.is_empty());
    let base = Incoming {
        kind: CallEventKind::Ringing,
        call_id: rodnik_call_id(form),
        from: f("caller_id"),
        to: f("called_did"),
        extension: internal.clone(),
        at: None,
    };
    match f("event").as_str() {
        "NOTIFY_INTERNAL" if internal.is_some() => vec![base],
        "NOTIFY_ANSWER" => vec![Incoming {
            kind: CallEventKind::Answered,
            to: if base.to.is_empty() {
                f("destination")
            } else {
                base.to.clone()
            },
            ..base
        }],
        "NOTIFY_END" => {
            let mut out = vec![];
            // The end may overtake the answer: it says whether there was one.
            if f("disposition") == "answered" {
                out.push(Incoming {
                    kind: CallEventKind::Answered,
                    ..base.clone()
                });
            }
            out.push(Incoming {
                kind: CallEventKind::Ended,
                extension: None,
                ..base
            });
            out
        }
        _ => vec![],
    }
}

/// PHP's `http_build_query` (RFC 1738: a space is `+`).
pub fn build_query(params: &BTreeMap<String, String>) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    out.push(char::from(b))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `Authorization` header of an API request: `key:base64(hex(HMAC-SHA1(
/// secret, method + query + md5(query))))`, the parameters sorted by name.
pub fn api_authorization(
    key: &str,
    secret: &str,
    method: &str,
    params: &BTreeMap<String, String>,
) -> String {
    let query = build_query(params);
    let md5 = hex::encode(Md5::digest(query.as_bytes()));
    format!(
        "{key}:{}",
        signature(secret, &format!("{method}{query}{md5}"))
    )
}

pub const CALLBACK_METHOD: &str = "/v1/request/callback/";

/// The parameters of a call-back: Zadarma rings `from` (the extension), then `to`.
pub fn callback_params(extension: &str, number: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("format".to_string(), "json".to_string()),
        ("from".to_string(), extension.to_string()),
        ("to".to_string(), number.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_signature_is_base64_of_the_hex_hmac() {
        // PHP: base64_encode(hash_hmac('sha1', '79123456789749512345672026-11-27 10:00:00', 'secret'))
        let s = signature("secret", "79123456789749512345672026-11-27 10:00:00");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&s)
            .unwrap();
        assert_eq!(decoded.len(), 40, "hex of a 20-byte MAC");
        assert!(decoded.iter().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn each_kind_signs_its_own_fields() {
        let start = form(&[
            ("event", "NOTIFY_START"),
            ("caller_id", "7912"),
            ("called_did", "7495"),
            ("call_start", "t"),
        ]);
        assert_eq!(signed_text(&start).unwrap(), "79127495t");
        let answer = form(&[
            ("event", "NOTIFY_ANSWER"),
            ("caller_id", "7912"),
            ("destination", "101"),
            ("call_start", "t"),
        ]);
        assert_eq!(signed_text(&answer).unwrap(), "7912101t");
        let good = signature("s", "79127495t");
        assert_eq!(verify("s", &start, Some(&good)), Some(true));
        assert_eq!(verify("other", &start, Some(&good)), Some(false));
        assert_eq!(verify("s", &start, None), Some(false));
        assert_eq!(verify("s", &form(&[("event", "SMS")]), None), None);
    }

    #[test]
    fn the_api_signature_follows_the_php_client() {
        let p = callback_params("101", "79123456789");
        assert_eq!(build_query(&p), "format=json&from=101&to=79123456789");
        let auth = api_authorization("key", "secret", CALLBACK_METHOD, &p);
        let q = "format=json&from=101&to=79123456789";
        let text = format!(
            "{CALLBACK_METHOD}{q}{}",
            hex::encode(Md5::digest(q.as_bytes()))
        );
        assert_eq!(auth, format!("key:{}", signature("secret", &text)));
    }

    #[test]
    fn an_end_that_says_answered_also_answers() {
        let end = form(&[
            ("event", "NOTIFY_END"),
            ("pbx_call_id", "in_1"),
            ("caller_id", "79123456789"),
            ("called_did", "74951234567"),
            ("internal", "101"),
            ("call_start", "2026-11-27 10:00:00"),
            ("disposition", "answered"),
        ]);
        let ev = events(&end);
        assert_eq!(ev[0].call_id, "zadarma:79123456789:20261127100000");
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].kind, CallEventKind::Answered);
        assert_eq!(ev[1].kind, CallEventKind::Ended);
        let missed = form(&[
            ("event", "NOTIFY_END"),
            ("pbx_call_id", "in_1"),
            ("call_start", "2026-11-27 10:00:00"),
            ("disposition", "cancel"),
        ]);
        assert_eq!(events(&missed).len(), 1);
    }

    #[test]
    fn the_call_is_named_by_what_is_signed() {
        let a = form(&[
            ("event", "NOTIFY_INTERNAL"),
            ("pbx_call_id", "in_1"),
            ("caller_id", "79123456789"),
            ("called_did", "74951234567"),
            ("call_start", "2026-11-27 10:00:00"),
            ("internal", "100"),
        ]);
        let mut b = a.clone();
        b.insert("pbx_call_id".into(), "in_999".into());
        assert_eq!(rodnik_call_id(&a), rodnik_call_id(&b));
        assert_eq!(dedupe_key(&a), dedupe_key(&b));
        let mut other = a.clone();
        other.insert("call_start".into(), "2026-11-27 10:00:01".into());
        assert_ne!(rodnik_call_id(&a), rodnik_call_id(&other));
    }

    #[test]
    fn call_start_is_read_on_the_accounts_clock_and_must_be_fresh() {
        let f = form(&[("call_start", "2026-11-27 10:00:00")]);
        let moscow: Tz = "Europe/Moscow".parse().unwrap();
        let at = call_start(&f, moscow).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-27T07:00:00+00:00");
        let utc = call_start(&f, chrono_tz::UTC).unwrap();
        assert_eq!(utc.to_rfc3339(), "2026-11-27T10:00:00+00:00");
        for bad in [
            "",
            "27.11.2026 10:00",
            "2026-11-27T10:00:00Z",
            "+12345-01-01 00:00:00",
        ] {
            assert!(
                call_start(&form(&[("call_start", bad)]), moscow).is_err(),
                "{bad}"
            );
        }
        let now = at + chrono::Duration::minutes(30);
        assert!(check_fresh(at, now).is_ok());
        assert!(check_fresh(at, at + MAX_CALL_AGE + chrono::Duration::seconds(1)).is_err());
        assert!(check_fresh(at, at - chrono::Duration::minutes(6)).is_err());
        assert!(check_fresh(at, at - chrono::Duration::minutes(4)).is_ok());
    }
}
