//! SMS through the company's gateway: SMS.ru (`POST {url}/sms/send`, the
//! `api_id` as the key) or SMSC (`POST {url}/sys/send.php`, login and
//! password). Both take a form-encoded POST and answer JSON; what an answer
//! means is decided by the pure `classify_smsru` / `classify_smsc`, checked
//! against the answers recorded in `tests/fixtures/sms/` (see the README
//! there for where their shapes and codes come from).
//!
//! A message the gateway will never take (a wrong, landline or stop-listed
//! number, a text it refuses) is `SendError::Refused`; everything else
//! (no answer, a server error, our settings: a wrong key, no money, a limit)
//! is `SendError::Retry`. The key or password never goes into an error or a
//! log line.

use std::sync::OnceLock;
use std::time::Duration;

use async_trait::async_trait;
use rodnik_shared::api::{SmsProvider, SmsSettings};
use serde_json::Value;

use super::{Channel, Outgoing, SendError, Sent};
use crate::error::{Error, Result};

/// SMS.ru's address when the settings name none.
pub const SMSRU_URL: &str = "https://sms.ru";
/// SMSC's address when the settings name none.
pub const SMSC_URL: &str = "https://smsc.ru";

/// One HTTP client for every gateway (a connection pool, a 20 s timeout).
fn http() -> reqwest::Client {
    static HTTP: OnceLock<reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default()
    })
    .clone()
}

/// The channel the settings describe, once they are checked: a key, SMSC's
/// login, an http(s) address.
pub fn gateway(s: &SmsSettings) -> Result<Box<dyn Channel>> {
    let key = s
        .key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "sms.key",
                match s.provider {
                    SmsProvider::SmsRu => "SMS.ru's api_id is not set",
                    SmsProvider::Smsc => "SMSC's password or API key is not set",
                },
            )
        })?
        .to_string();
    let sender = s.sender.trim().to_string();
    match s.provider {
        SmsProvider::SmsRu => Ok(Box::new(SmsRu {
            http: http(),
            url: base_url(&s.url, SMSRU_URL)?,
            key,
            sender,
        })),
        SmsProvider::Smsc => {
            let login = s.login.trim();
            if login.is_empty() {
                return Err(Error::invalid(
                    "sms.login",
                    "SMSC needs the account's login",
                ));
            }
            Ok(Box::new(Smsc {
                http: http(),
                url: base_url(&s.url, SMSC_URL)?,
                login: login.to_string(),
                password: key,
                sender,
            }))
        }
    }
}

/// The gateway's address without a trailing '/': the settings' one, or
/// `default` when they name none.
fn base_url(url: &str, default: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(default.to_string());
    }
    let bad = || {
        Error::invalid(
            "sms.url",
            "the gateway's address must be an http:// or https:// address, like https://sms.ru",
        )
    };
    let parsed = reqwest::Url::parse(url).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(url.to_string())
}

/// A phone number's digits (`+7 916 123-45-67` -> `79161234567`).
pub fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// SMS.ru: `POST {url}/sms/send` with the `api_id`.
pub struct SmsRu {
    http: reqwest::Client,
    url: String,
    key: String,
    sender: String,
}

/// SMSC: `POST {url}/sys/send.php` with the login and password.
pub struct Smsc {
    http: reqwest::Client,
    url: String,
    login: String,
    password: String,
    sender: String,
}

impl std::fmt::Debug for SmsRu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsRu")
            .field("url", &self.url)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Smsc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smsc")
            .field("url", &self.url)
            .field("login", &self.login)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Channel for SmsRu {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let to = recipient(message)?;
        let mut form: Vec<(&str, &str)> = vec![
            ("api_id", &self.key),
            ("to", &to),
            ("msg", &message.text),
            ("json", "1"),
        ];
        if !self.sender.is_empty() {
            form.push(("from", &self.sender));
        }
        let url = format!("{}/sms/send", self.url);
        let answer = post(&self.http, &url, &form, "SMS.ru").await;
        let result = answer.and_then(|(status, body)| {
            let r = classify_smsru(status, &body, &to);
            r.map_err(|e| hide(e, &body, &self.key))
        });
        trace_result("SMS.ru", &message.id, &result);
        result
    }
}

#[async_trait]
impl Channel for Smsc {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let to = recipient(message)?;
        let id = smsc_id(&message.id);
        let mut form: Vec<(&str, &str)> = vec![
            ("login", &self.login),
            ("psw", &self.password),
            ("phones", &to),
            ("mes", &message.text),
            ("fmt", "3"),
            ("charset", "utf-8"),
        ];
        if !self.sender.is_empty() {
            form.push(("sender", &self.sender));
        }
        if !id.is_empty() {
            form.push(("id", &id));
        }
        let url = format!("{}/sys/send.php", self.url);
        let answer = post(&self.http, &url, &form, "SMSC").await;
        let result = answer.and_then(|(status, body)| {
            let r = classify_smsc(status, &body);
            r.map_err(|e| hide(e, &body, &self.password))
        });
        trace_result("SMSC", &message.id, &result);
        result
    }
}

/// The number to send to, as digits; none: the message can never go.
fn recipient(message: &Outgoing) -> Result<String, SendError> {
    let to = digits(&message.to);
    if to.is_empty() {
        return Err(SendError::Refused(format!(
            "\"{}\" is not a phone number",
            message.to.trim()
        )));
    }
    Ok(to)
}

/// Our message id as SMSC takes it: letters, digits, '-', '_' and '.',
/// at most 40 of them (other characters dropped).
fn smsc_id(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect()
}

/// Posts the form; the HTTP status and the answer's text.
async fn post(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
    provider: &str,
) -> Result<(u16, String), SendError> {
    let resp = http.post(url).form(form).send().await.map_err(|e| {
        SendError::Retry(format!(
            "no answer from {provider}: {}",
            without_url(&e, provider)
        ))
    })?;
    let status = resp.status().as_u16();
    let body = resp.text().await.map_err(|e| {
        SendError::Retry(format!(
            "{provider}'s answer was cut (HTTP {status}): {}",
            without_url(&e, provider)
        ))
    })?;
    Ok((status, body))
}

fn trace_result(provider: &str, id: &str, result: &Result<Sent, SendError>) {
    match result {
        Ok(sent) => tracing::debug!(provider, id, provider_id = ?sent.provider_id, "SMS taken"),
        Err(e) => tracing::debug!(provider, id, error = %e, "SMS not taken"),
    }
}

/// A transport error's text without the URL.
fn without_url(e: &reqwest::Error, provider: &str) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), provider);
    }
    if e.is_timeout() {
        s = format!("no answer within 20 s ({s})");
    }
    s
}

/// The error with the secret masked, should the gateway's answer `body`
/// ever echo it (only then: a short secret may be a word of our own text).
fn hide(e: SendError, body: &str, secret: &str) -> SendError {
    if secret.is_empty() || !body.contains(secret) {
        return e;
    }
    match e {
        SendError::Retry(s) => SendError::Retry(s.replace(secret, "***")),
        SendError::Refused(s) => SendError::Refused(s.replace(secret, "***")),
    }
}

/// The start of an answer that is not what a gateway sends, for an error text.
fn snippet(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one_line.chars().take(160).collect();
    if one_line.chars().count() > 160 {
        s.push('…');
    }
    s
}

/// An answer that is not the JSON object a gateway sends (a proxy's error
/// page, an empty answer): always worth another try.
fn not_json(provider: &str, status: u16, body: &str) -> SendError {
    if body.trim().is_empty() {
        SendError::Retry(format!("{provider} answered HTTP {status} with nothing"))
    } else {
        SendError::Retry(format!(
            "{provider} answered HTTP {status}, not JSON: {}",
            snippet(body)
        ))
    }
}

/// A code as the gateway wrote it (a number or a numeric string).
fn code_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An id as the gateway wrote it (a string or a number).
fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The gateway's own words, quoted for an error text ("" when it gave none).
fn quoted(text: Option<&str>) -> String {
    match text.map(str::trim) {
        Some(t) if !t.is_empty() => format!(": \"{t}\""),
        _ => String::new(),
    }
}

/// What an SMS.ru code means: (the message can never go, in plain words).
/// The codes are SMS.ru's published list (sms.ru/api/send, /api/status).
fn smsru_code(code: i64) -> (bool, &'static str) {
    match code {
        200 => (false, "the api_id (the key in the settings) is wrong"),
        201 => (false, "there is not enough money on the account"),
        202 => (true, "the number is wrong or there is no route to it"),
        203 => (true, "the message has no text"),
        204 => (false, "the sender's name is not approved by SMS.ru"),
        205 => (true, "the message is too long (over 8 SMS)"),
        206 => (false, "the account's daily limit of messages is reached"),
        207 => (true, "messages cannot be sent to this number (no route)"),
        208 => (false, "the send time is wrong"),
        209 => (true, "the number is in the account's stop list"),
        210 => (false, "the request used GET where POST is needed"),
        211 => (
            false,
            "the method was not found (check the gateway's address)",
        ),
        212 => (true, "the text is not in UTF-8"),
        213 => (false, "too many numbers in one request"),
        214 => (
            true,
            "the number is abroad and the account sends only to Russian numbers",
        ),
        215 => (
            true,
            "the number is in SMS.ru's stop list (its owner complained of spam)",
        ),
        216 => (true, "the text contains a forbidden word"),
        217 => (
            true,
            "the text advertises credit without the required warning",
        ),
        220 => (false, "the service is unavailable for now"),
        221 => (false, "the account needs an approved letter sender name"),
        230 => (
            false,
            "the day's limit of messages to this number is reached",
        ),
        231 => (
            false,
            "the limit of identical messages to this number per minute is reached",
        ),
        232 => (
            false,
            "the limit of identical messages to this number per day is reached",
        ),
        233 => (
            false,
            "too many repeated messages to this number in a short time",
        ),
        300 => (false, "the token is wrong or expired"),
        301 => (false, "the api_id or the login and password are wrong"),
        302 => (false, "the account is not confirmed"),
        500 => (false, "SMS.ru's server failed"),
        501..=508 => (false, "one of the account's limits is reached"),
        550 => (true, "the number's country is blocked by SMS.ru"),
        _ => (false, "an error SMS.ru does not describe"),
    }
}

fn smsru_error(code: Option<i64>, text: Option<&str>, number: Option<&str>) -> SendError {
    let (refused, plain) = code.map_or((false, "an error without a code"), smsru_code);
    let to = number.map(|n| format!(" to {n}")).unwrap_or_default();
    let code = code.map_or_else(|| "no code".to_string(), |c| format!("code {c}"));
    let text = format!(
        "SMS.ru did not take the message{to}: {plain} ({code}{})",
        quoted(text)
    );
    if refused {
        SendError::Refused(text)
    } else {
        SendError::Retry(text)
    }
}

/// What SMS.ru's answer to `sms/send` (`json=1`) means for the message to
/// `to_digits`: `status` "OK" or "ERROR" for the request, then per number
/// `sms.{number}.status` / `status_code` / `sms_id` / `status_text`.
pub fn classify_smsru(status: u16, body: &str, to_digits: &str) -> Result<Sent, SendError> {
    let v: Value = match serde_json::from_str(body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return Err(not_json("SMS.ru", status, body)),
    };
    let top_code = code_of(&v["status_code"]);
    match v["status"].as_str().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("OK") => {}
        Some(s) if s.eq_ignore_ascii_case("ERROR") => {
            return Err(smsru_error(top_code, v["status_text"].as_str(), None));
        }
        _ => {
            return Err(SendError::Retry(format!(
                "SMS.ru answered HTTP {status} without a status: {}",
                snippet(body)
            )))
        }
    }
    // The line for our number; a single line is ours whatever its key.
    let lines = v["sms"].as_object();
    let line = lines.and_then(|m| {
        m.get(to_digits)
            .or_else(|| (m.len() == 1).then(|| m.values().next()).flatten())
    });
    let Some(line) = line else {
        return Err(SendError::Retry(format!(
            "SMS.ru said OK but gave no result for {to_digits}"
        )));
    };
    let code = code_of(&line["status_code"]);
    let ok = line["status"]
        .as_str()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("OK"));
    if ok && code.is_none_or(|c| c == 100) {
        return Ok(Sent {
            provider_id: id_of(&line["sms_id"]),
        });
    }
    Err(smsru_error(
        code,
        line["status_text"].as_str(),
        Some(to_digits),
    ))
}

/// What an SMSC error code means: (the message can never go, in plain words).
/// The codes are SMSC's published list for `send.php`.
fn smsc_code(code: i64) -> (bool, &'static str) {
    match code {
        1 => (false, "the request's parameters are wrong"),
        2 => (false, "the login or password is wrong"),
        3 => (false, "there is not enough money on the account"),
        4 => (
            false,
            "our IP address is blocked for a while after too many errors",
        ),
        5 => (false, "the date format is wrong"),
        6 => (
            true,
            "the message is forbidden (by its text or the sender's name)",
        ),
        7 => (true, "the phone number's format is wrong"),
        8 => (true, "the message cannot be delivered to this number"),
        9 => (
            false,
            "too many identical or simultaneous requests; wait a minute",
        ),
        _ => (false, "an error SMSC does not describe"),
    }
}

/// What SMSC's answer to `send.php` (`fmt=3`) means: `{"id": N, "cnt": N}`
/// when taken, `{"error": "...", "error_code": N}` (with `id` for some
/// codes) when not.
pub fn classify_smsc(status: u16, body: &str) -> Result<Sent, SendError> {
    let v: Value = match serde_json::from_str(body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return Err(not_json("SMSC", status, body)),
    };
    let code = code_of(&v["error_code"]);
    if code.is_some() || !v["error"].is_null() {
        let (refused, plain) = code.map_or((false, "an error without a code"), smsc_code);
        let code = code.map_or_else(|| "no code".to_string(), |c| format!("error {c}"));
        let text = format!(
            "SMSC did not take the message: {plain} ({code}{})",
            quoted(v["error"].as_str())
        );
        return Err(if refused {
            SendError::Refused(text)
        } else {
            SendError::Retry(text)
        });
    }
    if status >= 400 {
        return Err(SendError::Retry(format!(
            "SMSC answered HTTP {status}: {}",
            snippet(body)
        )));
    }
    match v.get("cnt").and_then(code_of) {
        Some(n) if n > 0 => Ok(Sent {
            provider_id: id_of(&v["id"]),
        }),
        _ => Err(SendError::Retry(format!(
            "SMSC answered without an error but sent nothing: {}",
            snippet(body)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMSRU_OK: &str = include_str!("../../../tests/fixtures/sms/smsru_ok.json");
    const SMSRU_BAD_KEY: &str = include_str!("../../../tests/fixtures/sms/smsru_bad_key.json");
    const SMSRU_NO_MONEY: &str = include_str!("../../../tests/fixtures/sms/smsru_no_money.json");
    const SMSRU_BAD_NUMBER: &str =
        include_str!("../../../tests/fixtures/sms/smsru_bad_number.json");
    const SMSRU_STOP_LIST: &str = include_str!("../../../tests/fixtures/sms/smsru_stop_list.json");
    const SMSRU_UNAVAILABLE: &str =
        include_str!("../../../tests/fixtures/sms/smsru_unavailable.json");
    const SMSC_OK: &str = include_str!("../../../tests/fixtures/sms/smsc_ok.json");
    const SMSC_BAD_LOGIN: &str = include_str!("../../../tests/fixtures/sms/smsc_bad_login.json");
    const SMSC_NO_MONEY: &str = include_str!("../../../tests/fixtures/sms/smsc_no_money.json");
    const SMSC_BAD_NUMBER: &str = include_str!("../../../tests/fixtures/sms/smsc_bad_number.json");
    const SMSC_TOO_MANY: &str = include_str!("../../../tests/fixtures/sms/smsc_too_many.json");

    fn retry(r: Result<Sent, SendError>) -> String {
        match r {
            Err(SendError::Retry(s)) => s,
            other => panic!("expected Retry, got {other:?}"),
        }
    }

    fn refused(r: Result<Sent, SendError>) -> String {
        match r {
            Err(SendError::Refused(s)) => s,
            other => panic!("expected Refused, got {other:?}"),
        }
    }

    #[test]
    fn smsru_answers_are_classified() {
        assert_eq!(
            classify_smsru(200, SMSRU_OK, "79255070602"),
            Ok(Sent {
                provider_id: Some("000000-10000000".into())
            })
        );
        let e = retry(classify_smsru(200, SMSRU_BAD_KEY, "79255070602"));
        assert!(e.contains("api_id") && e.contains("code 200"), "{e}");
        assert!(e.contains("Неправильный api_id"), "{e}");
        let e = retry(classify_smsru(200, SMSRU_NO_MONEY, "79255070602"));
        assert!(e.contains("money") && e.contains("code 201"), "{e}");
        let e = retry(classify_smsru(200, SMSRU_UNAVAILABLE, "79255070602"));
        assert!(e.contains("unavailable") && e.contains("code 220"), "{e}");

        let e = refused(classify_smsru(200, SMSRU_BAD_NUMBER, "74993221627"));
        assert!(
            e.contains("74993221627") && e.contains("code 202") && e.contains("wrong"),
            "{e}"
        );
        assert!(e.contains("Неправильно указан номер"), "{e}");
        let e = refused(classify_smsru(200, SMSRU_STOP_LIST, "79255070602"));
        assert!(e.contains("stop list") && e.contains("code 209"), "{e}");
    }

    #[test]
    fn smsru_codes_split_into_refused_and_retry() {
        for code in [202, 203, 205, 207, 209, 212, 214, 215, 216, 217, 550] {
            assert!(smsru_code(code).0, "{code} should be refused");
        }
        for code in [
            200, 201, 204, 206, 208, 210, 211, 213, 220, 221, 230, 231, 232, 233, 300, 301, 302,
            500, 503, 999,
        ] {
            assert!(!smsru_code(code).0, "{code} should be retried");
        }
        // A per-number error with a code as a string, no text.
        let body = r#"{"status":"OK","status_code":100,"sms":{"79001234567":{"status":"ERROR","status_code":"207"}}}"#;
        let e = refused(classify_smsru(200, body, "79001234567"));
        assert!(e.contains("code 207"), "{e}");
    }

    #[test]
    fn smsru_broken_answers_are_retried() {
        let e = retry(classify_smsru(
            503,
            "<html><body><h1>Service Unavailable</h1></body></html>",
            "79255070602",
        ));
        assert!(e.contains("HTTP 503") && e.contains("not JSON"), "{e}");
        let e = retry(classify_smsru(502, "", "79255070602"));
        assert!(e.contains("HTTP 502"), "{e}");
        retry(classify_smsru(200, "[1,2]", "79255070602"));
        retry(classify_smsru(200, r#"{"foo":"bar"}"#, "79255070602"));
        // OK, but not a word about the number (two other numbers).
        let body =
            r#"{"status":"OK","status_code":100,"sms":{"1":{"status":"OK"},"2":{"status":"OK"}}}"#;
        retry(classify_smsru(200, body, "79255070602"));
        // A single line is ours even under another spelling of the number.
        assert_eq!(
            classify_smsru(200, SMSRU_OK, "+7 925 507-06-02"),
            Ok(Sent {
                provider_id: Some("000000-10000000".into())
            })
        );
    }

    #[test]
    fn smsc_answers_are_classified() {
        assert_eq!(
            classify_smsc(200, SMSC_OK),
            Ok(Sent {
                provider_id: Some("8347".into())
            })
        );
        let e = retry(classify_smsc(200, SMSC_BAD_LOGIN));
        assert!(
            e.contains("login or password") && e.contains("error 2") && e.contains("authorise"),
            "{e}"
        );
        let e = retry(classify_smsc(200, SMSC_NO_MONEY));
        assert!(e.contains("money") && e.contains("error 3"), "{e}");
        let e = retry(classify_smsc(200, SMSC_TOO_MANY));
        assert!(e.contains("error 9"), "{e}");
        let e = refused(classify_smsc(200, SMSC_BAD_NUMBER));
        assert!(e.contains("number") && e.contains("error 7"), "{e}");
        for code in [6, 7, 8] {
            assert!(smsc_code(code).0, "{code}");
        }
        for code in [1, 2, 3, 4, 5, 9, 10] {
            assert!(!smsc_code(code).0, "{code}");
        }
        // A string id, a string count.
        assert_eq!(
            classify_smsc(200, r#"{"id":"n-42","cnt":"2"}"#),
            Ok(Sent {
                provider_id: Some("n-42".into())
            })
        );
    }

    #[test]
    fn smsc_broken_answers_are_retried() {
        let e = retry(classify_smsc(503, "<html>Service Unavailable</html>"));
        assert!(e.contains("HTTP 503"), "{e}");
        retry(classify_smsc(200, ""));
        retry(classify_smsc(200, r#"{"cnt":0}"#));
        retry(classify_smsc(500, r#"{}"#));
        let e = retry(classify_smsc(200, r#"{"error":"something"}"#));
        assert!(e.contains("something"), "{e}");
    }

    fn settings(provider: SmsProvider) -> SmsSettings {
        SmsSettings {
            provider,
            url: String::new(),
            login: "company".into(),
            key: Some("secret-key".into()),
            key_set: true,
            sender: "Rodnik".into(),
        }
    }

    fn field(r: Result<Box<dyn Channel>>) -> String {
        match r {
            Err(Error::Validation(f)) => format!("{f:?}"),
            Err(e) => panic!("expected a field error, got {e}"),
            Ok(_) => panic!("expected a field error, got a gateway"),
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(gateway(&settings(SmsProvider::SmsRu)).is_ok());
        assert!(gateway(&settings(SmsProvider::Smsc)).is_ok());

        let mut s = settings(SmsProvider::SmsRu);
        s.key = None;
        assert!(field(gateway(&s)).contains("sms.key"));
        s.key = Some("  ".into());
        assert!(field(gateway(&s)).contains("sms.key"));

        let mut s = settings(SmsProvider::Smsc);
        s.login = " ".into();
        assert!(field(gateway(&s)).contains("sms.login"));
        // SMS.ru has no login.
        let mut s = settings(SmsProvider::SmsRu);
        s.login = String::new();
        assert!(gateway(&s).is_ok());

        for url in ["ftp://sms.ru", "sms.ru", "https://", "javascript:alert(1)"] {
            let mut s = settings(SmsProvider::SmsRu);
            s.url = url.into();
            assert!(field(gateway(&s)).contains("sms.url"), "{url}");
        }
        assert_eq!(base_url("", SMSRU_URL).ok().as_deref(), Some(SMSRU_URL));
        assert_eq!(
            base_url(" http://127.0.0.1:8080/ ", SMSC_URL)
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    #[test]
    fn numbers_ids_and_secrets() {
        assert_eq!(digits("+7 (916) 123-45-67"), "79161234567");
        assert_eq!(smsc_id("notification:abc_1.2-x"), "notificationabc_1.2-x");
        assert_eq!(smsc_id(&"a".repeat(60)).len(), 40);
        let echoed = "HTTP 500, not JSON: key secret-key here";
        let e = hide(SendError::Retry(echoed.into()), echoed, "secret-key");
        assert_eq!(
            e,
            SendError::Retry("HTTP 500, not JSON: key *** here".into())
        );
        // Not echoed: our own words stay, even when the key is one of them.
        let e = hide(SendError::Retry("the key is wrong".into()), "{}", "wrong");
        assert_eq!(e, SendError::Retry("the key is wrong".into()));
        let m = Outgoing {
            to: "no phone".into(),
            subject: String::new(),
            text: "t".into(),
            id: "1".into(),
        };
        assert!(matches!(recipient(&m), Err(SendError::Refused(_))));
    }

    /// The adapters against a gateway on a local port: what they send, and
    /// that a dead address is worth another try.
    #[tokio::test]
    async fn adapters_post_the_documented_forms() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        async fn one_request(answer: &'static str) -> (String, tokio::task::JoinHandle<String>) {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let url = format!("http://{}", listener.local_addr().expect("addr"));
            let task = tokio::spawn(async move {
                let (mut sock, _) = listener.accept().await.expect("accept");
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.expect("read");
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let len = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .and_then(|v| v.trim().parse::<usize>().ok())
                            })
                            .unwrap_or(0);
                        if buf.len() >= head_end + 4 + len || n == 0 {
                            break;
                        }
                    }
                    if n == 0 {
                        break;
                    }
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    answer.len(),
                    answer
                );
                sock.write_all(resp.as_bytes()).await.expect("write");
                String::from_utf8_lossy(&buf).to_string()
            });
            (url, task)
        }

        let message = Outgoing {
            to: "+7 925 507-06-02".into(),
            subject: String::new(),
            text: "Завтра 10–12".into(),
            id: "notification:n1".into(),
        };

        let (url, task) = one_request(SMSRU_OK).await;
        let mut s = settings(SmsProvider::SmsRu);
        s.url = url;
        let sent = gateway(&s).expect("gateway").send(&message).await;
        assert_eq!(
            sent.map(|s| s.provider_id),
            Ok(Some("000000-10000000".into()))
        );
        let req = task.await.expect("request");
        assert!(req.starts_with("POST /sms/send "), "{req}");
        let body = req.split("\r\n\r\n").nth(1).unwrap_or("");
        let form: Vec<(String, String)> = serde_urlencoded::from_str(body).expect("form");
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("api_id"), Some("secret-key"));
        assert_eq!(get("to"), Some("79255070602"));
        assert_eq!(get("msg"), Some("Завтра 10–12"));
        assert_eq!(get("json"), Some("1"));
        assert_eq!(get("from"), Some("Rodnik"));

        let (url, task) = one_request(SMSC_OK).await;
        let mut s = settings(SmsProvider::Smsc);
        s.url = url;
        s.sender = String::new();
        let sent = gateway(&s).expect("gateway").send(&message).await;
        assert_eq!(sent.map(|s| s.provider_id), Ok(Some("8347".into())));
        let req = task.await.expect("request");
        assert!(req.starts_with("POST /sys/send.php "), "{req}");
        let body = req.split("\r\n\r\n").nth(1).unwrap_or("");
        let form: Vec<(String, String)> = serde_urlencoded::from_str(body).expect("form");
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("login"), Some("company"));
        assert_eq!(get("psw"), Some("secret-key"));
        assert_eq!(get("phones"), Some("79255070602"));
        assert_eq!(get("mes"), Some("Завтра 10–12"));
        assert_eq!(get("fmt"), Some("3"));
        assert_eq!(get("charset"), Some("utf-8"));
        assert_eq!(get("id"), Some("notificationn1"));
        assert_eq!(get("sender"), None);

        // Nobody listens: Retry, and the key is nowhere in the text.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let dead = format!("http://{}", listener.local_addr().expect("addr"));
        drop(listener);
        let mut s = settings(SmsProvider::SmsRu);
        s.url = dead;
        let e = retry(gateway(&s).expect("gateway").send(&message).await);
        assert!(e.contains("no answer from SMS.ru"), "{e}");
        assert!(!e.contains("secret-key"), "{e}");
    }
}
