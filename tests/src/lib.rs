//! Test helpers: the real server on port 0 with a fresh `mem://` database,
//! a real HTTP client, and a real WebSocket client.

pub mod atol;
pub mod browser;
pub mod crash;
pub mod oracle;
pub mod pbx;
pub mod phones;
pub mod sms;
pub mod smtp;

use std::time::Duration;

use futures::StreamExt;
use rodnik::app::AppState;
use rodnik::config::Config;
use rodnik::http::serve;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

pub const ADMIN_PASSWORD: &str = "admin-password";
pub const TELEPHONY_SECRET: &str = "telephony-secret";

pub struct App {
    pub base: String,
    pub http: reqwest::Client,
    pub admin: String,
    pub state: AppState,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    /// Sends the request and keeps status, headers, text and (when it parses) JSON.
    pub async fn read(req: reqwest::RequestBuilder) -> Resp {
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            text,
            headers,
        }
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {}: {}",
            self.status,
            self.text
        );
        self.body
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self.body
    }

    /// Asserts an API error with this status, and that it has the error body.
    #[track_caller]
    pub fn error(self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert!(
            self.body["error"]["code"].is_string() && self.body["error"]["message"].is_string(),
            "error body missing: {}",
            self.text
        );
        self.body["error"].clone()
    }
}

pub async fn spawn_app() -> App {
    spawn_with(Config::for_tests()).await
}

pub async fn spawn_with(cfg: Config) -> App {
    let state = AppState::start(cfg).await.expect("server state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve(listener, state.clone()));
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let mut app = App {
        base,
        http,
        admin: String::new(),
        state,
    };
    app.admin = app.login("admin", ADMIN_PASSWORD).await;
    app
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        idem: Option<&str>,
    ) -> Resp {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        Resp::read(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.send(reqwest::Method::GET, path, Some(token), None, None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(token), Some(&body), None)
            .await
    }

    pub async fn post_idem(&self, path: &str, token: &str, body: Value, key: &str) -> Resp {
        self.send(
            reqwest::Method::POST,
            path,
            Some(token),
            Some(&body),
            Some(key),
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(reqwest::Method::PATCH, path, Some(token), Some(&body), None)
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(reqwest::Method::PUT, path, Some(token), Some(&body), None)
            .await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self
            .send(
                reqwest::Method::POST,
                "/api/auth/login",
                None,
                Some(&json!({ "username": username, "password": password })),
                None,
            )
            .await
            .ok();
        r["token"].as_str().expect("token").to_string()
    }

    /// Creates a user with this role and logs them in: (user id, token).
    pub async fn user(
        &self,
        username: &str,
        role: &str,
        extension: Option<&str>,
    ) -> (String, String) {
        let u = self
            .post(
                "/api/users",
                &self.admin,
                json!({ "username": username, "password": "password-1", "name": format!("{username} name"),
                        "role": role, "extension": extension }),
            )
            .await
            .expect(201);
        let token = self.login(username, "password-1").await;
        (u["id"].as_str().expect("id").to_string(), token)
    }

    pub async fn product(&self, sku: &str, kind: &str, price: i64, returnable: bool) -> String {
        let p = self
            .post(
                "/api/products",
                &self.admin,
                json!({ "sku": sku, "name": format!("Product {sku}"), "kind": kind, "unit": "pc",
                        "price": price, "returnable": returnable }),
            )
            .await
            .expect(201);
        p["id"].as_str().expect("id").to_string()
    }

    /// The client holds `n` more bottles: an admin's correction in the
    /// bottle ledger (a delivery then expects as many empties back as it
    /// brings full ones, up to these).
    pub async fn holds(&self, client: &str, n: i64) {
        self.post(
            &format!("/api/clients/{client}/bottles"),
            &self.admin,
            json!({ "kind": "adjusted", "qty": n, "reason": "bottles held before the test" }),
        )
        .await
        .expect(201);
    }

    /// A client with one phone and one address: (client id, address id).
    pub async fn client(&self, name: &str, kind: &str, phone: &str) -> (String, String) {
        let c = self
            .post(
                "/api/clients",
                &self.admin,
                json!({ "kind": kind, "name": name, "phones": [phone],
                        "addresses": [{ "text": format!("{name} street 1"), "contact_name": "Contact" }] }),
            )
            .await
            .expect(201);
        (
            c["id"].as_str().expect("id").to_string(),
            c["addresses"][0]["id"]
                .as_str()
                .expect("address")
                .to_string(),
        )
    }

    /// A legal client with `qty` of `product` delivered by `courier` on each
    /// of `days` (from today; negative: past), taken and closed by the
    /// admin: (client id, address id).
    pub async fn delivered_client(
        &self,
        (name, phone): (&str, &str),
        (product, qty): (&str, u32),
        courier: &str,
        days: &[i64],
    ) -> (String, String) {
        let (client, address) = self.client(name, "legal", phone).await;
        for d in days {
            let o = self
                .order(
                    &self.admin,
                    json!({ "client_id": client, "address_id": address,
                            "lines": [{ "product_id": product, "qty": qty }],
                            "delivery_date": self.day(*d), "courier_id": courier }),
                )
                .await;
            let id = id_of(&o);
            for step in ["dispatch", "deliver"] {
                self.post(&format!("/api/orders/{id}/{step}"), &self.admin, json!({}))
                    .await
                    .expect(200);
            }
        }
        (client, address)
    }

    pub async fn order(&self, token: &str, body: Value) -> Value {
        self.post("/api/orders", token, body).await.expect(201)
    }

    pub fn today(&self) -> String {
        self.state.cfg.today().to_string()
    }

    /// A stop on `courier`'s route today: an order of `qty` of `product` for
    /// the client at `address`, taken by `operator` and dispatched. Its id.
    pub async fn dispatched_stop(
        &self,
        operator: &str,
        (client, address): (&str, &str),
        (product, qty): (&str, u32),
        courier: &str,
    ) -> String {
        let o = self
            .order(
                operator,
                json!({ "client_id": client, "address_id": address,
                        "lines": [{ "product_id": product, "qty": qty }],
                        "delivery_date": self.today(), "courier_id": courier }),
            )
            .await;
        let id = id_of(&o);
        self.post(&format!("/api/orders/{id}/dispatch"), operator, json!({}))
            .await
            .expect(200);
        id
    }

    pub fn sign(&self, body: &[u8]) -> String {
        rodnik::telephony::sign(TELEPHONY_SECRET, body)
    }

    /// Posts a signed telephony event.
    pub async fn call_event(&self, body: Value) -> u16 {
        let raw = serde_json::to_vec(&fresh(body)).expect("json");
        let sig = self.sign(&raw);
        self.http
            .post(self.url("/api/telephony/events"))
            .header("content-type", "application/json")
            .header("X-Rodnik-Signature", sig)
            .body(raw)
            .send()
            .await
            .expect("webhook")
            .status()
            .as_u16()
    }

    pub async fn live(&self, token: &str) -> Live {
        let url = format!(
            "{}/api/live?token={}",
            self.base.replace("http://", "ws://"),
            token
        );
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket");
        Live { ws }
    }
}

/// Percent-encodes a query parameter value (`+7 912...` -> `%2B7%20912...`).
/// A webhook body with `sent_at` (now) and a new `nonce`, unless it has them.
pub fn fresh(mut body: Value) -> Value {
    if let Some(o) = body.as_object_mut() {
        o.entry("sent_at")
            .or_insert_with(|| json!(chrono::Utc::now().timestamp()));
        o.entry("nonce")
            .or_insert_with(|| json!(rodnik::auth::new_token()));
    }
    body
}

pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `id` of a JSON object, as an owned string.
#[track_caller]
pub fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

impl App {
    /// Sends a raw body (malformed JSON, a wrong content type) as it is.
    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> Resp {
        let mut req = self
            .http
            .request(method, self.url(path))
            .body(body.to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        Resp::read(req).await
    }

    /// A sheet of the workbook a GET of `path` answers with, every cell as
    /// text (money as roubles), the header row first.
    pub async fn xlsx_sheet(&self, path: &str, token: &str, sheet: &str) -> Vec<Vec<String>> {
        use calamine::Reader as _;
        let resp = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("xlsx");
        assert_eq!(resp.status(), 200, "{path}");
        let bytes = resp.bytes().await.expect("bytes").to_vec();
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        let range = wb
            .worksheet_range(sheet)
            .unwrap_or_else(|e| panic!("no sheet {sheet} in {path}: {e}"));
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    /// The CSV a GET of `path` answers with: its header row and records.
    pub async fn csv_rows(
        &self,
        path: &str,
        token: &str,
    ) -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let resp = self.get(path, token).await;
        assert_eq!(resp.status, 200, "{path}: {}", resp.text);
        let mut reader = csv::Reader::from_reader(resp.text.as_bytes());
        let headers = reader.headers().expect("csv headers").clone();
        let rows = reader.records().map(|r| r.expect("csv row")).collect();
        (headers, rows)
    }

    /// The length of the JSON array a GET answers with.
    pub async fn count(&self, path: &str, token: &str) -> usize {
        let v = self.get(path, token).await.ok();
        v.as_array()
            .unwrap_or_else(|| panic!("{path} is not a list: {v}"))
            .len()
    }

    /// Today plus `days` (negative for the past), in the company's time zone.
    pub fn day(&self, days: i64) -> String {
        (self.state.cfg.today() + chrono::Duration::days(days)).to_string()
    }
}

pub struct Live {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Live {
    /// The next JSON message, or None after `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
            match tokio::time::timeout(left, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).ok(),
                Ok(Some(Ok(_))) => continue,
                _ => return None,
            }
        }
    }

    /// The next message of this type, skipping others; panics after 5 s.
    pub async fn expect_type(&mut self, kind: &str) -> Value {
        loop {
            match self.next_within(Duration::from_secs(5)).await {
                Some(m) if m["type"] == kind => return m,
                Some(_) => continue,
                None => panic!("no '{kind}' message within 5 s"),
            }
        }
    }

    /// All messages that arrive within `wait`.
    pub async fn drain(&mut self, wait: Duration) -> Vec<Value> {
        let mut out = vec![];
        while let Some(m) = self.next_within(wait).await {
            out.push(m);
        }
        out
    }
}

/// The tests crate's folder. Read at run time (cargo sets it for test
/// binaries) before the compile-time value: two clones sharing one
/// CARGO_TARGET_DIR can end up running each other's binaries, whose
/// compile-time path points into the other clone.
pub fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
