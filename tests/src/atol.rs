//! A fake ATOL Online v5 service on a free port, for the receipts tests: it
//! answers with the service's answers as recorded in `tests/fixtures/atol/`
//! (see the README there), checks each request the way the service does
//! (the token, the body's required fields and sums), keeps every request
//! and every receipt it registered, and can be told to misbehave (a wrong
//! password, a refused receipt, a server error, an expired token, an
//! answer lost after registering, a cash register that never takes it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

const TOKEN_OK: &str = include_str!("../fixtures/atol/token_ok.json");
const TOKEN_WRONG: &str = include_str!("../fixtures/atol/token_wrong_password.json");
const SELL_ACCEPTED: &str = include_str!("../fixtures/atol/sell_accepted.json");
const SELL_DUPLICATE: &str = include_str!("../fixtures/atol/sell_duplicate.json");
const SELL_INVALID: &str = include_str!("../fixtures/atol/sell_invalid.json");
const TOKEN_EXPIRED: &str = include_str!("../fixtures/atol/token_expired.json");
const SERVER_ERROR: &str = include_str!("../fixtures/atol/server_error.json");
const REPORT_NOT_READY: &str = include_str!("../fixtures/atol/report_not_ready.json");
const REPORT_DONE: &str = include_str!("../fixtures/atol/report_done.json");
const REPORT_TIMEOUT: &str = include_str!("../fixtures/atol/report_timeout.json");

pub const GROUP: &str = "v5-online-atol-ru_5179";
pub const LOGIN: &str = "v5-online-atol-ru";
pub const PASSWORD: &str = "zUr0OxfI";

/// How the service behaves from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// As it should.
    Normal,
    /// Every request answers 503 with an HTML page (a proxy in front of a
    /// service that is down).
    Down,
    /// `sell` answers 500 with error 50.
    ServerError,
    /// `sell` refuses every receipt (error 32), as if it were invalid.
    Refuse,
    /// `sell` registers the receipt, then the answer is lost (502, HTML).
    LoseAnswer,
    /// Reports say the cash register never took the receipt (a `timeout` fail).
    RegisterTimesOut,
}

/// A request as the service got it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub token: Option<String>,
    pub body: Value,
}

/// A receipt the service registered.
#[derive(Debug, Clone)]
pub struct Registered {
    pub uuid: String,
    pub external_id: String,
    pub operation: String,
    pub body: Value,
    pub reports: u32,
    pub document_number: i64,
}

#[derive(Default)]
struct Inner {
    mode: Option<Mode>,
    password: String,
    tokens: u32,
    token: Option<String>,
    /// Answer 11 to the next `sell` or `report` (the token expired).
    expire: bool,
    /// Reports answer 34 ("not found yet") this many times per receipt first.
    not_ready: u32,
    requests: Vec<Request>,
    registered: Vec<Registered>,
    by_external: HashMap<String, usize>,
    counter: i64,
}

#[derive(Clone)]
pub struct FakeAtol {
    /// The API's base, as a company sets it: `http://127.0.0.1:N/possystem/v5`.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

fn now() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

/// A recorded answer with its `{name}`s filled in.
fn answer(template: &str, fill: &[(&str, String)]) -> Value {
    let mut text = template
        .replace("{timestamp}", &now())
        .replace("{error_id}", "5b1e2a9c-4f0e-4d3c-9c1f-0e8d2a6b7c11");
    for (k, v) in fill {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {template}: {e}"))
}

fn reply(status: u16, v: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [("content-type", "application/json; charset=utf-8")],
        v.to_string(),
    )
        .into_response()
}

fn html(status: u16) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
        [("content-type", "text/html")],
        "<html><body><h1>Service Unavailable</h1></body></html>",
    )
        .into_response()
}

/// Roubles as the service reads them, to kopecks (None: not a number with
/// at most two decimals).
fn kopecks(v: &Value) -> Option<i64> {
    let f = v.as_f64()?;
    let k = (f * 100.0).round();
    ((f * 100.0 - k).abs() < 1e-6).then_some(k as i64)
}

/// The fields the service would call invalid ("Ошибочные поля").
pub fn invalid_fields(b: &Value) -> Vec<String> {
    let mut bad = vec![];
    let ts = b["timestamp"].as_str().unwrap_or("");
    if chrono::NaiveDateTime::parse_from_str(ts, "%d.%m.%Y %H:%M:%S").is_err() {
        bad.push("timestamp".to_string());
    }
    let ext = b["external_id"].as_str().unwrap_or("");
    if ext.is_empty() || ext.len() > 128 {
        bad.push("external_id".into());
    }
    let r = &b["receipt"];
    let client = &r["client"];
    let phone_ok = client["phone"].as_str().is_some_and(|p| {
        p.starts_with('+') && p.len() >= 11 && p[1..].chars().all(|c| c.is_ascii_digit())
    });
    let email_ok = client["email"].as_str().is_some_and(|e| e.contains('@'));
    if !phone_ok && !email_ok {
        bad.push("receipt.client".into());
    }
    let c = &r["company"];
    if !c["inn"]
        .as_str()
        .is_some_and(|i| (i.len() == 10 || i.len() == 12) && i.chars().all(|c| c.is_ascii_digit()))
    {
        bad.push("receipt.company.inn".into());
    }
    if !["osn", "usn_income", "usn_income_outcome", "esn", "patent"]
        .contains(&c["sno"].as_str().unwrap_or(""))
    {
        bad.push("receipt.company.sno".into());
    }
    if !c["email"]
        .as_str()
        .is_some_and(|e| e.contains('@') && e.len() <= 64)
    {
        bad.push("receipt.company.email".into());
    }
    if c["payment_address"].as_str().map_or(true, str::is_empty) {
        bad.push("receipt.company.payment_address".into());
    }
    let mut items_total = 0;
    match r["items"].as_array() {
        Some(items) if !items.is_empty() && items.len() <= 100 => {
            for (i, it) in items.iter().enumerate() {
                let name_ok = it["name"]
                    .as_str()
                    .is_some_and(|n| !n.is_empty() && n.chars().count() <= 128);
                let price = kopecks(&it["price"]);
                let qty = it["quantity"].as_f64();
                let sum = kopecks(&it["sum"]);
                let vat_ok = [
                    "none", "vat0", "vat5", "vat7", "vat10", "vat20", "vat22", "vat105", "vat107",
                    "vat110", "vat120", "vat122",
                ]
                .contains(&it["vat"]["type"].as_str().unwrap_or(""));
                let method_ok = [
                    "full_prepayment",
                    "prepayment",
                    "advance",
                    "full_payment",
                    "partial_payment",
                    "credit",
                    "credit_payment",
                ]
                .contains(&it["payment_method"].as_str().unwrap_or(""));
                let object_ok = it["payment_object"]
                    .as_i64()
                    .is_some_and(|o| (1..=33).contains(&o));
                let measure_ok = it["measure"]
                    .as_i64()
                    .is_some_and(|m| (0..=255).contains(&m));
                let sum_ok = match (price, qty, sum) {
                    // The sum may be below price × quantity (a discount), never above.
                    (Some(p), Some(q), Some(s)) => s >= 0 && (s as f64) <= p as f64 * q + 0.5,
                    _ => false,
                };
                if !(name_ok && vat_ok && method_ok && object_ok && measure_ok && sum_ok) {
                    bad.push(format!("receipt.items[{i}]"));
                }
                items_total += sum.unwrap_or(0);
            }
        }
        _ => bad.push("receipt.items".into()),
    }
    let mut paid = 0;
    match r["payments"].as_array() {
        Some(ps) if !ps.is_empty() && ps.len() <= 10 => {
            for (i, p) in ps.iter().enumerate() {
                match (p["type"].as_i64(), kopecks(&p["sum"])) {
                    (Some(0..=9), Some(s)) if s > 0 => paid += s,
                    _ => bad.push(format!("receipt.payments[{i}]")),
                }
            }
        }
        _ => bad.push("receipt.payments".into()),
    }
    let total = kopecks(&r["total"]);
    if total != Some(items_total) || total != Some(paid) {
        bad.push("receipt.total".into());
    }
    bad
}

impl FakeAtol {
    pub async fn start() -> FakeAtol {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake ATOL");
        let addr = listener.local_addr().expect("addr");
        let fake = FakeAtol {
            url: format!("http://{addr}/possystem/v5"),
            inner: Arc::new(Mutex::new(Inner {
                mode: Some(Mode::Normal),
                password: PASSWORD.into(),
                ..Inner::default()
            })),
        };
        let app = Router::new()
            .route("/possystem/v5/getToken", post(get_token))
            .route("/possystem/v5/{group}/report/{uuid}", get(report))
            .route("/possystem/v5/{group}/{operation}", post(register))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_mode(&self, m: Mode) {
        self.lock().mode = Some(m);
    }

    /// The password the service accepts from now on.
    pub fn set_password(&self, p: &str) {
        self.lock().password = p.into();
    }

    /// The next `sell` or `report` finds the token expired.
    pub fn expire_token(&self) {
        self.lock().expire = true;
    }

    /// Reports answer "not found yet" `n` times per receipt before the result.
    pub fn not_ready_times(&self, n: u32) {
        self.lock().not_ready = n;
    }

    pub fn tokens_issued(&self) -> u32 {
        self.lock().tokens
    }

    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    pub fn registered(&self) -> Vec<Registered> {
        self.lock().registered.clone()
    }

    /// The `sell`/`sell_refund` requests made.
    pub fn sells(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && !r.path.ends_with("/getToken"))
            .collect()
    }
}

async fn get_token(State(f): State<FakeAtol>, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut s = f.lock();
    s.requests.push(Request {
        method: "POST".into(),
        path: "/possystem/v5/getToken".into(),
        token: None,
        body: body.clone(),
    });
    if s.mode == Some(Mode::Down) {
        return html(503);
    }
    if body["login"] != json!(LOGIN) || body["pass"].as_str() != Some(s.password.as_str()) {
        return reply(401, answer(TOKEN_WRONG, &[]));
    }
    s.tokens += 1;
    let token = format!("fake-token-{}-2f8c1b", s.tokens);
    s.token = Some(token.clone());
    reply(200, answer(TOKEN_OK, &[("token", token)]))
}

/// The token check every call but `getToken` makes.
fn token_refused(s: &mut Inner, headers: &HeaderMap) -> Option<Response> {
    let given = headers.get("Token").and_then(|v| v.to_str().ok());
    if s.expire || given.is_none() || given != s.token.as_deref() {
        s.expire = false;
        s.token = None;
        return Some(reply(401, answer(TOKEN_EXPIRED, &[])));
    }
    None
}

async fn register(
    State(f): State<FakeAtol>,
    Path((group, operation)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut s = f.lock();
    let token = headers
        .get("Token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    s.requests.push(Request {
        method: "POST".into(),
        path: format!("/possystem/v5/{group}/{operation}"),
        token,
        body: body.clone(),
    });
    let mode = s.mode.unwrap_or(Mode::Normal);
    if mode == Mode::Down {
        return html(503);
    }
    if let Some(r) = token_refused(&mut s, &headers) {
        return r;
    }
    if group != GROUP {
        return reply(
            401,
            json!({"error": {"error_id": "x", "code": 20,
            "text": "Код группы, указанный в запросе, не соответствует токену.", "type": "system"},
            "timestamp": now()}),
        );
    }
    if !["sell", "sell_refund"].contains(&operation.as_str()) {
        return reply(
            400,
            json!({"error": {"error_id": "x", "code": 31,
            "text": format!("Операция \"{operation}\" не поддерживается."), "type": "system"},
            "timestamp": now()}),
        );
    }
    if mode == Mode::ServerError {
        return reply(500, answer(SERVER_ERROR, &[]));
    }
    let external_id = body["external_id"].as_str().unwrap_or("").to_string();
    if let Some(&i) = s.by_external.get(&external_id) {
        let uuid = s.registered[i].uuid.clone();
        return reply(
            400,
            answer(
                SELL_DUPLICATE,
                &[
                    ("uuid", uuid),
                    ("external_id", external_id),
                    ("group_code", GROUP.into()),
                ],
            ),
        );
    }
    let mut bad = invalid_fields(&body);
    if mode == Mode::Refuse && bad.is_empty() {
        bad.push("receipt.items[0].name".into());
    }
    if !bad.is_empty() {
        return reply(400, answer(SELL_INVALID, &[("fields", bad.join(", "))]));
    }
    s.counter += 1;
    let uuid = format!("a1b2c3d4-0000-4000-8000-{:012}", s.counter);
    let i = s.registered.len();
    let document_number = 100 + s.counter;
    s.registered.push(Registered {
        uuid: uuid.clone(),
        external_id: external_id.clone(),
        operation,
        body,
        reports: 0,
        document_number,
    });
    s.by_external.insert(external_id, i);
    if mode == Mode::LoseAnswer {
        return html(502);
    }
    reply(200, answer(SELL_ACCEPTED, &[("uuid", uuid)]))
}

async fn report(
    State(f): State<FakeAtol>,
    Path((group, uuid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut s = f.lock();
    let token = headers
        .get("Token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    s.requests.push(Request {
        method: "GET".into(),
        path: format!("/possystem/v5/{group}/report/{uuid}"),
        token,
        body: Value::Null,
    });
    let mode = s.mode.unwrap_or(Mode::Normal);
    if mode == Mode::Down {
        return html(503);
    }
    if let Some(r) = token_refused(&mut s, &headers) {
        return r;
    }
    let not_ready = s.not_ready;
    let Some(r) = s.registered.iter_mut().find(|r| r.uuid == uuid) else {
        return reply(
            400,
            json!({"uuid": uuid, "status": "fail", "error": {"error_id": "x", "code": 30,
            "text": format!("Передан некорректный UUID : \"{uuid}\". Необходимо повторить запрос с корректными данными"),
            "type": "system"}, "timestamp": now()}),
        );
    };
    r.reports += 1;
    let fill = vec![
        ("uuid", r.uuid.clone()),
        ("external_id", r.external_id.clone()),
        ("group_code", GROUP.to_string()),
    ];
    if r.reports <= not_ready {
        return reply(200, answer(REPORT_NOT_READY, &fill));
    }
    if mode == Mode::RegisterTimesOut {
        return reply(200, answer(REPORT_TIMEOUT, &fill));
    }
    let mut fill = fill;
    fill.push(("total", r.body["receipt"]["total"].to_string()));
    fill.push(("receipt_datetime", now()));
    fill.push(("receipt_number", r.document_number.to_string()));
    fill.push(("document_number", r.document_number.to_string()));
    reply(200, answer(REPORT_DONE, &fill))
}
