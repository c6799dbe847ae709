//! ATOL Online, API v5 (ФФД 1.2): `POST {url}/getToken`, `POST
//! {url}/{group_code}/sell` (or `sell_refund`) with the `Token` header, and
//! `GET {url}/{group_code}/report/{uuid}`. Amounts are roubles with two
//! decimals; the answers' error codes are the service's published ones
//! (docs/fiscal.md lists how each is handled). Tests hold this adapter to
//! recorded request and answer shapes (tests/fixtures/atol/).

use std::time::{Duration, Instant};

use rodnik_shared::api::{
    CompanySettings, FiscalData, FiscalSettings, ReceiptError, ReceiptKind, Sno,
};
use serde_json::{json, Value};

use crate::figures::receipts::{Item, ItemObject};
use crate::store::receipts::QueuedReceipt;

/// How long a token is used before a new one is asked for (ATOL's last 24 h).
const TOKEN_LIFE: Duration = Duration::from_secs(23 * 3600);
/// ATOL's limit on a line's name.
const NAME_MAX: usize = 128;

/// What the service said about a receipt.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Accepted for registration (or accepted before: a resent `external_id`).
    Accepted { uuid: String },
    /// Registered.
    Done(FiscalData),
    /// The cash register has not finished it yet.
    Waiting,
    /// The service refused it for good: a manager fixes the cause and retries.
    Failed(ReceiptError),
    /// The service gave up on it unregistered: send it again as a new request.
    Resend(ReceiptError),
    /// Try again later (no answer, a server error, our settings or login).
    Retry(ReceiptError),
    /// The token is not valid any more: ask for a new one.
    TokenExpired,
}

fn err(code: Option<i64>, text: impl Into<String>, kind: &str) -> ReceiptError {
    ReceiptError {
        code,
        text: text.into(),
        kind: kind.into(),
    }
}

/// The service's `error` object, if the answer has one.
fn service_error(body: &Value) -> Option<ReceiptError> {
    let e = body.get("error").filter(|e| e.is_object())?;
    Some(err(
        e.get("code").and_then(Value::as_i64),
        e.get("text")
            .and_then(Value::as_str)
            .unwrap_or("error without text")
            .trim(),
        e.get("type").and_then(Value::as_str).unwrap_or("system"),
    ))
}

/// The answer to a `sell`/`sell_refund` request.
pub fn classify_register(status: u16, body: &Value) -> Answer {
    let uuid = body
        .get("uuid")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    match service_error(body) {
        None => match uuid {
            Some(uuid) if status < 300 => Answer::Accepted { uuid },
            _ => Answer::Retry(err(
                None,
                format!("unexpected answer (HTTP {status}) without an id"),
                "network",
            )),
        },
        Some(e) => match e.code {
            Some(10 | 11) => Answer::TokenExpired,
            // Registered before under this external_id: follow that one.
            Some(33) => match uuid {
                Some(uuid) => Answer::Accepted { uuid },
                None => Answer::Retry(e),
            },
            // The login, a blocked user, the group code, the protocol
            // version, the service itself: fixed in the settings or by
            // waiting; the receipt stays queued.
            Some(12 | 14 | 20 | 21 | 50) => Answer::Retry(e),
            Some(1 | 13 | 30 | 31 | 32 | 40 | 41) => Answer::Failed(e),
            _ if status >= 500 => Answer::Retry(e),
            _ => Answer::Failed(e),
        },
    }
}

/// The answer to a `report` request.
pub fn classify_report(status: u16, body: &Value) -> Answer {
    let state = body.get("status").and_then(Value::as_str).unwrap_or("");
    let error = service_error(body);
    if let Some(e) = &error {
        match e.code {
            Some(10 | 11) => return Answer::TokenExpired,
            // "Состояние чека не найдено. Попробуйте позднее."
            Some(34) => return Answer::Waiting,
            Some(12 | 14 | 20 | 21 | 50) => return Answer::Retry(e.clone()),
            _ => {}
        }
    }
    match (state, error) {
        ("done", _) => match body.get("payload") {
            Some(p) if p.is_object() => Answer::Done(fiscal_data(p)),
            _ => Answer::Retry(err(
                None,
                "a done receipt without its fiscal data",
                "network",
            )),
        },
        ("wait", _) => Answer::Waiting,
        // The register never took it ("Превышено время ожидания чека в
        // очереди"): it was not registered, so a new request is safe.
        ("fail", Some(e)) if e.kind == "timeout" => Answer::Resend(e),
        ("fail", Some(e)) => Answer::Failed(e),
        ("fail", None) => Answer::Failed(err(None, "failed without a reason", "system")),
        (_, Some(e)) if status >= 500 => Answer::Retry(e),
        (_, Some(e)) => Answer::Failed(e),
        _ => Answer::Retry(err(
            None,
            format!("unexpected answer (HTTP {status})"),
            "network",
        )),
    }
}

fn fiscal_data(p: &Value) -> FiscalData {
    let s = |k: &str| match p.get(k) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    // Numbers come as numbers, or as strings from some cash registers.
    let n = |k: &str| match p.get(k) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or_default(),
        Some(Value::String(s)) => s.trim().parse().unwrap_or_default(),
        _ => 0,
    };
    FiscalData {
        fn_number: s("fn_number"),
        fiscal_document_number: n("fiscal_document_number"),
        fiscal_document_attribute: n("fiscal_document_attribute"),
        fiscal_receipt_number: n("fiscal_receipt_number"),
        shift_number: n("shift_number"),
        receipt_datetime: s("receipt_datetime"),
        ecr_registration_number: s("ecr_registration_number"),
        fns_site: s("fns_site"),
        ofd_receipt_url: s("ofd_receipt_url"),
    }
}

/// Kopecks as ATOL's roubles.
fn rub(kopecks: i64) -> Value {
    let v = kopecks as f64 / 100.0;
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn sno(s: Sno) -> &'static str {
    match s {
        Sno::Osn => "osn",
        Sno::UsnIncome => "usn_income",
        Sno::UsnIncomeOutcome => "usn_income_outcome",
        Sno::Esn => "esn",
        Sno::Patent => "patent",
    }
}

/// ATOL's VAT type for the company's rate (`None`: без НДС).
pub fn vat(rate: Option<u32>) -> Result<&'static str, ReceiptError> {
    Ok(match rate {
        None => "none",
        Some(0) => "vat0",
        Some(5) => "vat5",
        Some(7) => "vat7",
        Some(10) => "vat10",
        Some(20) => "vat20",
        Some(22) => "vat22",
        Some(r) => {
            return Err(err(
                None,
                format!("VAT {r}% cannot be printed on a receipt: set the company's rate"),
                "config",
            ))
        }
    })
}

/// The buyer's contact the receipt is sent to.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
}

fn item(i: &Item, method: &str, vat_type: &str) -> Value {
    let name: String = i.name.chars().take(NAME_MAX).collect();
    let (object, vat_type) = match i.object {
        ItemObject::Goods => (1, vat_type),
        ItemObject::Service => (4, vat_type),
        // A deposit is no sale of goods: no VAT.
        ItemObject::Deposit => (19, "none"),
    };
    json!({
        "name": name,
        "price": rub(i.price),
        "quantity": i.qty as f64,
        "measure": 0,
        "sum": rub(i.sum),
        "payment_method": method,
        "payment_object": object,
        "vat": { "type": vat_type },
    })
}

/// The request body of a receipt (`timestamp` as ATOL wants it:
/// DD.MM.YYYY HH:MM:SS, the company's time).
pub fn body(
    r: &QueuedReceipt,
    s: &FiscalSettings,
    company: &CompanySettings,
    contact: &Contact,
    timestamp: &str,
) -> Result<Value, ReceiptError> {
    let missing = |what: &str| {
        err(
            None,
            format!("fiscal settings: {what} is not set"),
            "config",
        )
    };
    if company.inn.is_empty() {
        return Err(missing("the company's INN"));
    }
    if s.payment_address.trim().is_empty() {
        return Err(missing("the place of settlement"));
    }
    if s.email.trim().is_empty() {
        return Err(missing("the company's e-mail"));
    }
    let vat_type = vat(company.vat_rate)?;
    let q = &r.receipt;
    let method = crate::figures::receipts::payment_method(q.total.0, q.credit.0);
    let mut client = serde_json::Map::new();
    if let Some(p) = &contact.phone {
        client.insert("phone".into(), json!(p));
    }
    if let Some(e) = &contact.email {
        client.insert("email".into(), json!(e));
    }
    if client.is_empty() {
        return Err(err(
            None,
            "the client has no phone or e-mail to send the receipt to",
            "config",
        ));
    }
    let mut payments = vec![];
    for (kind, amount) in [(0, q.cash.0), (1, q.electronic.0), (3, q.credit.0)] {
        if amount > 0 {
            payments.push(json!({ "type": kind, "sum": rub(amount) }));
        }
    }
    Ok(json!({
        "external_id": q.external_id,
        "timestamp": timestamp,
        "receipt": {
            "client": client,
            "company": {
                "email": s.email.trim(),
                "sno": sno(s.sno),
                "inn": company.inn,
                "payment_address": s.payment_address.trim(),
            },
            "items": r.items.iter().map(|i| item(i, method, vat_type)).collect::<Vec<_>>(),
            "payments": payments,
            "total": rub(q.total.0),
        },
    }))
}

/// The adapter: an HTTP client and the token it holds.
pub struct Atol {
    http: reqwest::Client,
    /// (url and login it was issued for, token, when).
    token: tokio::sync::Mutex<Option<(String, String, Instant)>>,
}

impl Default for Atol {
    fn default() -> Self {
        Self::new()
    }
}

fn base(s: &FiscalSettings) -> String {
    s.url.trim().trim_end_matches('/').to_string()
}

impl Atol {
    pub fn new() -> Atol {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Atol {
            http,
            token: tokio::sync::Mutex::new(None),
        }
    }

    /// Forgets the token (the service said it expired).
    pub async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    /// A valid token: the one held, or a new one from `getToken`.
    pub async fn token(&self, s: &FiscalSettings) -> Result<String, ReceiptError> {
        let who = format!("{}\n{}", base(s), s.login);
        let mut held = self.token.lock().await;
        if let Some((w, t, at)) = held.as_ref() {
            if *w == who && at.elapsed() < TOKEN_LIFE {
                return Ok(t.clone());
            }
        }
        let Some(pass) = s.password.as_deref() else {
            return Err(err(
                None,
                "fiscal settings: the password is not set",
                "config",
            ));
        };
        let (status, body) = self
            .send(
                self.http
                    .post(format!("{}/getToken", base(s)))
                    .json(&json!({ "login": s.login, "pass": pass })),
            )
            .await?;
        if let Some(e) = service_error(&body) {
            return Err(e);
        }
        match body.get("token").and_then(Value::as_str) {
            Some(t) if !t.is_empty() && status < 300 => {
                *held = Some((who, t.to_string(), Instant::now()));
                Ok(t.to_string())
            }
            _ => Err(err(
                None,
                format!("getToken answered HTTP {status} without a token"),
                "network",
            )),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<(u16, Value), ReceiptError> {
        let resp = req
            .header("Content-Type", "application/json; charset=utf-8")
            .send()
            .await
            .map_err(|e| {
                err(
                    None,
                    format!("no answer from the fiscal service: {}", without_url(&e)),
                    "network",
                )
            })?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(|e| {
            err(
                None,
                format!("the answer was cut: {}", without_url(&e)),
                "network",
            )
        })?;
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => Ok((status, v)),
            Err(_) => Err(err(
                None,
                format!(
                    "HTTP {status}, not JSON: {}",
                    text.chars().take(200).collect::<String>()
                ),
                "network",
            )),
        }
    }

    /// Sends a receipt for registration.
    pub async fn register(
        &self,
        s: &FiscalSettings,
        kind: ReceiptKind,
        token: &str,
        body: &Value,
    ) -> Answer {
        let url = format!("{}/{}/{}", base(s), s.group_code.trim(), kind.as_str());
        match self
            .send(self.http.post(url).header("Token", token).json(body))
            .await
        {
            Ok((status, v)) => classify_register(status, &v),
            Err(e) => Answer::Retry(e),
        }
    }

    /// Asks how the registration of `uuid` went.
    pub async fn report(&self, s: &FiscalSettings, token: &str, uuid: &str) -> Answer {
        let url = format!("{}/{}/report/{}", base(s), s.group_code.trim(), uuid);
        match self.send(self.http.get(url).header("Token", token)).await {
            Ok((status, v)) => classify_report(status, &v),
            Err(e) => Answer::Retry(e),
        }
    }
}

/// A transport error's text without the URL (it may carry a token).
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), "the service");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified_as_the_service_documents_them() {
        let ok = json!({"uuid": "u-1", "status": "wait", "error": null, "timestamp": "05.12.2026 12:00:00"});
        assert_eq!(
            classify_register(200, &ok),
            Answer::Accepted { uuid: "u-1".into() }
        );
        let dup = json!({"uuid": "u-1", "status": "wait", "timestamp": "x",
            "error": {"error_id": "e", "code": 33, "type": "system",
                      "text": "В системе существует чек с external_id : \"a\" и group_code: \"g\""}});
        assert_eq!(
            classify_register(400, &dup),
            Answer::Accepted { uuid: "u-1".into() }
        );
        let expired =
            json!({"error": {"code": 11, "text": "Переданный токен не активен", "type": "system"}});
        assert_eq!(classify_register(401, &expired), Answer::TokenExpired);
        let invalid = json!({"uuid": null, "status": "fail",
            "error": {"code": 32, "text": "Ошибка валидации входного чека. Ошибочные поля : receipt.total", "type": "system"}});
        match classify_register(400, &invalid) {
            Answer::Failed(e) => assert_eq!(e.code, Some(32)),
            other => panic!("{other:?}"),
        }
        let server = json!({"error": {"code": 50, "text": "Ошибка сервера. Обратитесь к Администратору.", "type": "system"}});
        assert!(matches!(classify_register(500, &server), Answer::Retry(_)));
        let not_yet = json!({"uuid": "u-1", "status": "wait",
            "error": {"code": 34, "text": "Состояние чека не найдено. Попробуйте позднее.", "type": "system"}});
        assert_eq!(classify_report(200, &not_yet), Answer::Waiting);
        let timeout = json!({"uuid": "u-1", "status": "fail",
            "error": {"code": 1, "text": "Превышено время ожидания чека в очереди.", "type": "timeout"}});
        assert!(matches!(classify_report(200, &timeout), Answer::Resend(_)));
        let done = json!({"uuid": "u-1", "status": "done", "error": null,
            "payload": {"total": 1850.0, "fns_site": "www.nalog.gov.ru", "fn_number": "9999078902004793",
                        "shift_number": 12, "receipt_datetime": "05.12.2026 12:00:05",
                        "fiscal_receipt_number": 3, "fiscal_document_number": 118,
                        "ecr_registration_number": "0000000001002292", "fiscal_document_attribute": 3526257040u64}});
        match classify_report(200, &done) {
            Answer::Done(f) => {
                assert_eq!(f.fiscal_document_number, 118);
                assert_eq!(f.fiscal_document_attribute, 3_526_257_040);
                assert_eq!(f.fn_number, "9999078902004793");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn vat_rates_map_to_the_services_types() {
        assert_eq!(vat(None), Ok("none"));
        assert_eq!(vat(Some(22)), Ok("vat22"));
        assert!(vat(Some(18)).is_err());
        assert_eq!(rub(185_050), json!(1850.5));
    }
}
