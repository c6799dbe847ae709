//! A fake SMS gateway on a free port, for the notification tests: one
//! server that is both SMS.ru (`/sms/send`) and SMSC (`/sys/send.php`). It
//! answers with the gateways' answers as recorded in `tests/fixtures/sms/`
//! (see the README there), the number and ids filled in per request; checks
//! each request the way the gateway does (the key, SMSC's login and
//! password, the number); keeps every request; and can be told to misbehave
//! (down, no money on the account, every number refused).

use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use rodnik_shared::api::{SmsProvider, SmsSettings};
use serde_json::{json, Value};

const SMSRU_OK: &str = include_str!("../fixtures/sms/smsru_ok.json");
const SMSRU_BAD_KEY: &str = include_str!("../fixtures/sms/smsru_bad_key.json");
const SMSRU_NO_MONEY: &str = include_str!("../fixtures/sms/smsru_no_money.json");
const SMSRU_BAD_NUMBER: &str = include_str!("../fixtures/sms/smsru_bad_number.json");
const SMSC_OK: &str = include_str!("../fixtures/sms/smsc_ok.json");
const SMSC_BAD_LOGIN: &str = include_str!("../fixtures/sms/smsc_bad_login.json");
const SMSC_NO_MONEY: &str = include_str!("../fixtures/sms/smsc_no_money.json");
const SMSC_BAD_NUMBER: &str = include_str!("../fixtures/sms/smsc_bad_number.json");

/// SMS.ru's `api_id` the fake accepts.
pub const SMSRU_KEY: &str = "5C8E1D2A-7B3F-4E61-9A0D-2F6B8C4E1A93";
/// SMSC's login and password the fake accepts.
pub const SMSC_LOGIN: &str = "rodnik-water";
pub const SMSC_PASSWORD: &str = "Zq7-wX2p-Lm9";

/// How the gateway behaves from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsMode {
    /// As it should.
    Normal,
    /// Every request answers 503 with an HTML page (a proxy in front of a
    /// gateway that is down).
    Down,
    /// The account has no money: SMS.ru's error 201, SMSC's error 3.
    NoMoney,
    /// Every number is refused: SMS.ru's per-number error 202, SMSC's error 7.
    BadNumber,
}

/// A request as the gateway got it.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    /// "smsru" or "smsc".
    pub provider: &'static str,
    /// "GET" or "POST".
    pub method: String,
    /// The number's digits (SMS.ru's `to`, SMSC's `phones`).
    pub to: String,
    /// SMS.ru's `msg`, SMSC's `mes`.
    pub text: String,
    /// SMS.ru's `from`, SMSC's `sender`, when given.
    pub sender: Option<String>,
    /// SMS.ru's `api_id`, SMSC's `psw`.
    pub key: String,
    /// SMSC's `login`.
    pub login: Option<String>,
    /// SMSC's `id` (our message id), when given.
    pub id: Option<String>,
    /// Every parameter as received (query string, then form body).
    pub params: Vec<(String, String)>,
}

impl SmsRequest {
    /// A parameter's value as received.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Inner {
    mode: SmsMode,
    requests: Vec<SmsRequest>,
    counter: u64,
}

#[derive(Clone)]
pub struct FakeSms {
    /// The gateway's address, as a company sets it: `http://127.0.0.1:N`.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeSms {
    pub async fn start() -> FakeSms {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake SMS gateway");
        let addr = listener.local_addr().expect("addr");
        let fake = FakeSms {
            url: format!("http://{addr}"),
            inner: Arc::new(Mutex::new(Inner {
                mode: SmsMode::Normal,
                requests: vec![],
                counter: 0,
            })),
        };
        let app = Router::new()
            .route("/sms/send", any(smsru_send))
            .route("/sys/send.php", any(smsc_send))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_mode(&self, m: SmsMode) {
        self.lock().mode = m;
    }

    /// Every request as received, oldest first.
    pub fn requests(&self) -> Vec<SmsRequest> {
        self.lock().requests.clone()
    }

    /// Settings that send through this fake as SMS.ru, with the right key.
    pub fn smsru_settings(&self) -> SmsSettings {
        SmsSettings {
            provider: SmsProvider::SmsRu,
            url: self.url.clone(),
            login: String::new(),
            key: Some(SMSRU_KEY.into()),
            key_set: true,
            sender: String::new(),
        }
    }

    /// Settings that send through this fake as SMSC, with the right login
    /// and password.
    pub fn smsc_settings(&self) -> SmsSettings {
        SmsSettings {
            provider: SmsProvider::Smsc,
            url: self.url.clone(),
            login: SMSC_LOGIN.into(),
            key: Some(SMSC_PASSWORD.into()),
            key_set: true,
            sender: String::new(),
        }
    }
}

/// `a=1&b=%D0%B0+b` decoded as a form (or a query string).
fn decode(s: &str) -> Vec<(String, String)> {
    if s.is_empty() {
        return vec![];
    }
    match reqwest::Url::parse(&format!("http://fake/?{s}")) {
        Ok(u) => u.query_pairs().into_owned().collect(),
        Err(_) => vec![],
    }
}

fn params(query: Option<String>, body: &str) -> Vec<(String, String)> {
    let mut p = decode(query.as_deref().unwrap_or(""));
    p.extend(decode(body));
    p
}

fn get(p: &[(String, String)], name: &str) -> Option<String> {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A Russian mobile number as the gateways take it: 11 digits from 7.
fn number_ok(to: &str) -> bool {
    to.len() == 11 && to.starts_with('7')
}

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture {text}: {e}"))
}

fn reply(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json; charset=utf-8")],
        v.to_string(),
    )
        .into_response()
}

fn down() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [("content-type", "text/html")],
        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
    )
        .into_response()
}

/// SMS.ru's per-number answer with the recorded line moved under `to`.
fn smsru_for(template: &str, to: &str, sms_id: Option<String>) -> Value {
    let mut v = fixture(template);
    let line = v["sms"]
        .as_object()
        .and_then(|m| m.values().next().cloned())
        .unwrap_or_else(|| json!({}));
    let mut line = line;
    if let Some(id) = sms_id {
        line["sms_id"] = json!(id);
    }
    let mut sms = serde_json::Map::new();
    sms.insert(to.to_string(), line);
    v["sms"] = Value::Object(sms);
    v
}

async fn smsru_send(
    State(f): State<FakeSms>,
    method: Method,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let p = params(query, &body);
    let raw_to = get(&p, "to").unwrap_or_default();
    let to = digits(&raw_to);
    let key = get(&p, "api_id").unwrap_or_default();
    let mut s = f.lock();
    s.requests.push(SmsRequest {
        provider: "smsru",
        method: method.to_string(),
        to: to.clone(),
        text: get(&p, "msg").unwrap_or_default(),
        sender: get(&p, "from").filter(|v| !v.is_empty()),
        key: key.clone(),
        login: None,
        id: None,
        params: p,
    });
    if s.mode == SmsMode::Down {
        return down();
    }
    if key != SMSRU_KEY {
        return reply(fixture(SMSRU_BAD_KEY));
    }
    if s.mode == SmsMode::NoMoney {
        return reply(fixture(SMSRU_NO_MONEY));
    }
    let shown = if to.is_empty() { raw_to } else { to.clone() };
    if s.mode == SmsMode::BadNumber || !number_ok(&to) {
        return reply(smsru_for(SMSRU_BAD_NUMBER, &shown, None));
    }
    s.counter += 1;
    let sms_id = format!("202612-{:08}", 10_000_000 + s.counter);
    reply(smsru_for(SMSRU_OK, &to, Some(sms_id)))
}

/// SMSC's answer with `id` set to the request's (a number when it is one),
/// where the recorded answer has one.
fn smsc_with_id(template: &str, id: Option<&str>, fallback: u64) -> Value {
    let mut v = fixture(template);
    if v.get("id").is_some() {
        v["id"] = match id {
            Some(id) => id
                .parse::<u64>()
                .map(|n| json!(n))
                .unwrap_or_else(|_| json!(id)),
            None => json!(fallback),
        };
    }
    v
}

async fn smsc_send(
    State(f): State<FakeSms>,
    method: Method,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let p = params(query, &body);
    let to = digits(&get(&p, "phones").unwrap_or_default());
    let login = get(&p, "login").unwrap_or_default();
    let psw = get(&p, "psw").unwrap_or_default();
    let id = get(&p, "id").filter(|v| !v.is_empty());
    let mut s = f.lock();
    s.requests.push(SmsRequest {
        provider: "smsc",
        method: method.to_string(),
        to: to.clone(),
        text: get(&p, "mes").unwrap_or_default(),
        sender: get(&p, "sender").filter(|v| !v.is_empty()),
        key: psw.clone(),
        login: Some(login.clone()),
        id: id.clone(),
        params: p,
    });
    if s.mode == SmsMode::Down {
        return down();
    }
    if login != SMSC_LOGIN || psw != SMSC_PASSWORD {
        return reply(fixture(SMSC_BAD_LOGIN));
    }
    s.counter += 1;
    let fallback = s.counter;
    if s.mode == SmsMode::NoMoney {
        return reply(smsc_with_id(SMSC_NO_MONEY, id.as_deref(), fallback));
    }
    if s.mode == SmsMode::BadNumber || !number_ok(&to) {
        return reply(smsc_with_id(SMSC_BAD_NUMBER, id.as_deref(), fallback));
    }
    reply(smsc_with_id(SMSC_OK, id.as_deref(), fallback))
}

/// Notification rules that send by SMS.ru through the fake at `url` at once
/// (no quiet hours, the evening scan open all day), links at `link_base`.
pub fn rules(url: &str, link_base: &str) -> Value {
    json!({
        "enabled": true,
        "sms": { "provider": "sms_ru", "url": url, "key": SMSRU_KEY, "sender": "Rodnik" },
        "email": false,
        "evening": true, "evening_at": "00:00",
        "on_the_way": true,
        "quiet_from": "00:00", "quiet_to": "00:00",
        "default_on": false,
        "link_base": link_base,
        "signature": "Родник",
    })
}

/// The token of the short link (`{base}/s/{token}`) in a message's text.
pub fn link_token(text: &str, base: &str) -> String {
    let at = text
        .find(&format!("{base}/s/"))
        .unwrap_or_else(|| panic!("no link in {text}"));
    text[at + base.len() + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}
