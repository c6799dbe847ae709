//! The providers' side of telephony, for tests: a small AMI server that
//! speaks Asterisk's line protocol, and an HTTP server standing in for a
//! provider's API that records every request Rodnik sends to it.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Mutex};

pub type Frame = Vec<(String, String)>;

pub fn field<'a>(f: &'a Frame, key: &str) -> Option<&'a str> {
    f.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

fn encode(f: &[(&str, &str)]) -> String {
    let mut s: String = f.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    s.push_str("\r\n");
    s
}

/// A fake Asterisk Manager Interface on a free port.
pub struct FakeAmi {
    pub port: u16,
    conns: mpsc::Receiver<AmiConn>,
}

/// One client connection: the test writes events, and reads the actions the
/// client sent (Login, Ping and Originate are answered on their own).
pub struct AmiConn {
    write: Arc<Mutex<OwnedWriteHalf>>,
    pub actions: mpsc::UnboundedReceiver<Frame>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for AmiConn {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl FakeAmi {
    /// Accepts logins with this user and secret; refuses others as Asterisk does.
    pub async fn start(user: &str, secret: &str) -> FakeAmi {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind AMI");
        let port = listener.local_addr().expect("addr").port();
        let (tx, conns) = mpsc::channel(16);
        let (user, secret) = (user.to_string(), secret.to_string());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (r, mut w) = stream.into_split();
                if w.write_all(b"Asterisk Call Manager/9.0.0\r\n")
                    .await
                    .is_err()
                {
                    continue;
                }
                let write = Arc::new(Mutex::new(w));
                let (atx, actions) = mpsc::unbounded_channel();
                let reader =
                    tokio::spawn(serve(r, write.clone(), atx, user.clone(), secret.clone()));
                if tx
                    .send(AmiConn {
                        write,
                        actions,
                        reader,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        FakeAmi { port, conns }
    }

    /// The next client connection (after its login was answered), within `wait`.
    pub async fn next_conn(&mut self, wait: Duration) -> Option<AmiConn> {
        tokio::time::timeout(wait, self.conns.recv())
            .await
            .ok()
            .flatten()
    }
}

async fn serve(
    r: tokio::net::tcp::OwnedReadHalf,
    write: Arc<Mutex<OwnedWriteHalf>>,
    actions: mpsc::UnboundedSender<Frame>,
    user: String,
    secret: String,
) {
    let mut r = BufReader::new(r);
    let mut frame = Frame::new();
    let mut line = String::new();
    loop {
        line.clear();
        match r.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let l = line.trim_end();
        if !l.is_empty() {
            if let Some((k, v)) = l.split_once(':') {
                frame.push((k.trim().to_string(), v.trim().to_string()));
            }
            continue;
        }
        if frame.is_empty() {
            continue;
        }
        let f = std::mem::take(&mut frame);
        let id = field(&f, "ActionID").unwrap_or("").to_string();
        let reply = match field(&f, "Action").unwrap_or("") {
            "Login"
                if field(&f, "Username") == Some(&user) && field(&f, "Secret") == Some(&secret) =>
            {
                encode(&[
                    ("Response", "Success"),
                    ("ActionID", &id),
                    ("Message", "Authentication accepted"),
                ])
            }
            "Login" => encode(&[
                ("Response", "Error"),
                ("ActionID", &id),
                ("Message", "Authentication failed"),
            ]),
            "Ping" => encode(&[("Response", "Success"), ("ActionID", &id), ("Ping", "Pong")]),
            "Originate" if field(&f, "Exten").is_some_and(|e| e.starts_with("7999")) => encode(&[
                ("Response", "Error"),
                ("ActionID", &id),
                ("Message", "Originate failed"),
            ]),
            "Originate" => encode(&[
                ("Response", "Success"),
                ("ActionID", &id),
                ("Message", "Originate successfully queued"),
            ]),
            _ => encode(&[
                ("Response", "Error"),
                ("ActionID", &id),
                ("Message", "Invalid/unknown command"),
            ]),
        };
        let _ = actions.send(f);
        if write
            .lock()
            .await
            .write_all(reply.as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

impl AmiConn {
    /// Writes one event, as Asterisk does: `Event: ...` first.
    pub async fn event(&self, fields: &[(&str, &str)]) {
        self.try_event(fields).await.expect("write AMI event");
    }

    /// Writes one event; the client may have closed the connection.
    pub async fn try_event(&self, fields: &[(&str, &str)]) -> std::io::Result<()> {
        let text = encode(fields);
        self.write.lock().await.write_all(text.as_bytes()).await
    }

    /// The next action of this kind the client sent, within 5 s.
    pub async fn expect_action(&mut self, action: &str) -> Frame {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, self.actions.recv()).await {
                Ok(Some(f)) if field(&f, "Action") == Some(action) => return f,
                Ok(Some(_)) => continue,
                _ => panic!("no {action} action within 5 s"),
            }
        }
    }

    /// Closes the connection from the server's side.
    pub async fn drop_connection(self) {
        let _ = self.write.lock().await.shutdown().await;
    }
}

/// One request a provider's API received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A provider's HTTP API on a free port: answers every request with
/// `status` and `body` (JSON), and records it.
pub struct FakeApi {
    pub base: String,
    pub requests: mpsc::UnboundedReceiver<Recorded>,
}

impl FakeApi {
    pub async fn start(status: u16, body: &str) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind API");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, requests) = mpsc::unbounded_channel();
        let body = body.to_string();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (tx, body) = (tx.clone(), body.clone());
                tokio::spawn(async move {
                    let (r, mut w) = stream.into_split();
                    let mut r = BufReader::new(r);
                    let mut first = String::new();
                    if r.read_line(&mut first).await.is_err() {
                        return;
                    }
                    let mut parts = first.split_whitespace();
                    let method = parts.next().unwrap_or("").to_string();
                    let target = parts.next().unwrap_or("").to_string();
                    let mut headers = vec![];
                    let mut len = 0usize;
                    loop {
                        let mut l = String::new();
                        if r.read_line(&mut l).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let l = l.trim_end();
                        if l.is_empty() {
                            break;
                        }
                        if let Some((k, v)) = l.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                len = v.trim().parse().unwrap_or(0);
                            }
                            headers.push((k.trim().to_string(), v.trim().to_string()));
                        }
                    }
                    let mut buf = vec![0u8; len];
                    if r.read_exact(&mut buf).await.is_err() {
                        return;
                    }
                    let _ = tx.send(Recorded {
                        method,
                        target,
                        headers,
                        body: String::from_utf8_lossy(&buf).to_string(),
                    });
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = w.write_all(reply.as_bytes()).await;
                    let _ = w.shutdown().await;
                });
            }
        });
        FakeApi { base, requests }
    }

    pub async fn next(&mut self) -> Recorded {
        tokio::time::timeout(Duration::from_secs(5), self.requests.recv())
            .await
            .ok()
            .flatten()
            .expect("a request to the provider's API within 5 s")
    }
}

/// What Mango's recording API was asked for.
#[derive(Debug, Clone)]
pub enum MangoAsked {
    /// `queries/recording/post`, signed right: its `json`.
    Recording(serde_json::Value),
    /// The one-time file link: the request's headers (the keys must not be there).
    File(Vec<(String, String)>),
}

/// Mango Office's recording API on a free port: `POST
/// /vpbx/queries/recording/post` (signed form) answers 302 to a one-time link
/// `/files/<n>` that serves the audio once, as Mango's file service does;
/// an unknown recording gets 404.
pub struct FakeMangoRecordings {
    pub base: String,
    pub asked: mpsc::UnboundedReceiver<MangoAsked>,
}

impl FakeMangoRecordings {
    /// `recordings`: Mango's recording id, the content type and the audio.
    pub async fn start(
        key: &str,
        salt: &str,
        recordings: Vec<(&str, &str, Vec<u8>)>,
    ) -> FakeMangoRecordings {
        use axum::extract::{Form, Path, State};
        use axum::http::{HeaderMap, StatusCode};
        use axum::response::{IntoResponse, Response};
        use std::collections::HashMap;

        #[derive(Clone)]
        struct Fake {
            key: String,
            salt: String,
            base: String,
            recordings: Arc<HashMap<String, (String, Vec<u8>)>>,
            links: Arc<Mutex<HashMap<String, String>>>,
            next: Arc<std::sync::atomic::AtomicU64>,
            tx: mpsc::UnboundedSender<MangoAsked>,
        }
        async fn post(
            State(f): State<Fake>,
            Form(form): Form<HashMap<String, String>>,
        ) -> Response {
            let json = form.get("json").cloned().unwrap_or_default();
            let signed = rodnik::telephony::mango::sign(&f.key, &json, &f.salt);
            if form.get("vpbx_api_key") != Some(&f.key) || form.get("sign") != Some(&signed) {
                return (StatusCode::UNAUTHORIZED, r#"{"result":3102}"#).into_response();
            }
            let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            let _ = f.tx.send(MangoAsked::Recording(v.clone()));
            let id = v["recording_id"].as_str().unwrap_or_default().to_string();
            if !f.recordings.contains_key(&id) {
                return (StatusCode::NOT_FOUND, "").into_response();
            }
            let n = f.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let token = format!("l{n}x{:x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            f.links.lock().await.insert(token.clone(), id);
            (
                StatusCode::FOUND,
                [("location", format!("{}/files/{token}", f.base))],
            )
                .into_response()
        }
        async fn file(
            State(f): State<Fake>,
            Path(token): Path<String>,
            headers: HeaderMap,
        ) -> Response {
            let _ = f.tx.send(MangoAsked::File(
                headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                    .collect(),
            ));
            // A link works once.
            let Some(id) = f.links.lock().await.remove(&token) else {
                return (StatusCode::NOT_FOUND, "").into_response();
            };
            let (kind, audio) = f.recordings[&id].clone();
            ([("content-type", kind)], audio).into_response()
        }

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind API");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, asked) = mpsc::unbounded_channel();
        let fake = Fake {
            key: key.into(),
            salt: salt.into(),
            base: base.clone(),
            recordings: Arc::new(
                recordings
                    .into_iter()
                    .map(|(id, kind, audio)| (id.to_string(), (kind.to_string(), audio)))
                    .collect(),
            ),
            links: Default::default(),
            next: Default::default(),
            tx,
        };
        let app = axum::Router::new()
            .route("/vpbx/queries/recording/post", axum::routing::post(post))
            .route("/files/{token}", axum::routing::get(file))
            .with_state(fake);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeMangoRecordings { base, asked }
    }

    pub async fn next(&mut self) -> MangoAsked {
        tokio::time::timeout(Duration::from_secs(5), self.asked.recv())
            .await
            .ok()
            .flatten()
            .expect("a request to Mango's recording API within 5 s")
    }
}

/// `seconds` of a 440 Hz tone as a WAV file (8 kHz, 16-bit mono): audio a
/// browser can decode and report the length of.
pub fn tone_wav(seconds: u32) -> Vec<u8> {
    let rate = 8000u32;
    let samples: Vec<i16> = (0..rate * seconds)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            ((t * 440.0 * std::f64::consts::TAU).sin() * 8000.0) as i16
        })
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut w = Vec::with_capacity(44 + data_len as usize);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data_len).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&(rate * 2).to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        w.extend_from_slice(&s.to_le_bytes());
    }
    w
}

/// Posts a form to `/api/telephony/mango{path}` as Mango Office does (`sign`
/// as given, so a test can forge one); the status.
pub async fn mango_post(app: &crate::App, path: &str, key: &str, json: &str, sign: &str) -> u16 {
    let body = format!(
        "vpbx_api_key={}&sign={}&json={}",
        crate::enc(key),
        crate::enc(sign),
        crate::enc(json)
    );
    app.http
        .post(app.url(&format!("/api/telephony/mango{path}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("mango post")
        .status()
        .as_u16()
}
