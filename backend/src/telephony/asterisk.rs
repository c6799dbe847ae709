//! Asterisk through the Asterisk Manager Interface (AMI): one TCP connection
//! that logs in, follows `Newchannel`, `DialBegin`, `BridgeEnter` and `Hangup`,
//! and sends `Originate` for click-to-call. It reconnects on its own, with
//! backoff (0.5 s doubling to 30 s), and again whenever its settings change.
//! A Rodnik call is Asterisk's `Linkedid` (the first channel of a call).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rodnik_shared::api::CallEventKind;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};

use super::Incoming;
use crate::config::Config;
use crate::store::Store;

pub const DEFAULT_PORT: u16 = 5038;
pub const DEFAULT_CHANNEL: &str = "PJSIP/{extension}";
pub const DEFAULT_CONTEXT: &str = "from-internal";

/// Where and as whom to connect: `user:secret@host:port` (port 5038 when
/// left out), plus the `Originate` channel template and dialplan context.
#[derive(Clone, PartialEq, Eq)]
pub struct AmiTarget {
    pub user: String,
    pub secret: String,
    pub host: String,
    pub port: u16,
    pub channel: String,
    pub context: String,
}

impl std::fmt::Debug for AmiTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AmiTarget({}@{}:{})", self.user, self.host, self.port)
    }
}

impl AmiTarget {
    pub fn parse(s: &str) -> Result<AmiTarget, String> {
        const FORMAT: &str = "must look like user:secret@host:port";
        let s = s.trim().trim_start_matches("ami://");
        let (cred, addr) = s.rsplit_once('@').ok_or(FORMAT)?;
        let (user, secret) = cred.split_once(':').ok_or(FORMAT)?;
        let (host, port) = match addr.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>().map_err(|_| "the port must be a number")?,
            ),
            None => (addr, DEFAULT_PORT),
        };
        if user.is_empty() || secret.is_empty() || host.is_empty() || port == 0 {
            return Err(FORMAT.into());
        }
        Ok(AmiTarget {
            user: user.to_string(),
            secret: secret.to_string(),
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            channel: DEFAULT_CHANNEL.into(),
            context: DEFAULT_CONTEXT.into(),
        })
    }
}

/// One AMI message: its `Key: Value` lines, in order.
pub type Frame = Vec<(String, String)>;

pub fn get<'a>(f: &'a Frame, key: &str) -> Option<&'a str> {
    f.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// A value must not break the line protocol.
fn clean(v: &str) -> String {
    v.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

fn encode(fields: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in fields {
        out.push_str(&clean(k));
        out.push_str(": ");
        out.push_str(&clean(v));
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out
}

/// `PJSIP/101-00000002` -> `101`; `Local/101@from-internal-0001;1` -> `101`.
pub fn extension_of_channel(channel: &str) -> Option<String> {
    let (_, rest) = channel.split_once('/')?;
    let peer = match rest.split_once('@') {
        Some((p, _)) => p,
        None => rest.rsplit_once('-').map(|(p, _)| p).unwrap_or(rest),
    };
    Some(peer.to_string()).filter(|p| !p.is_empty())
}

/// Follows the channels of the calls in progress and says what each event
/// means for them. Only memory: after a reconnection, calls already in
/// progress are picked up from their next `DialBegin`.
#[derive(Default)]
pub struct Tracker {
    /// Linkedid -> (caller's number, number dialled).
    calls: HashMap<String, (String, String)>,
    /// The dialled channel's Uniqueid -> (Linkedid, extension).
    dialled: HashMap<String, (String, String)>,
}

const TRACKED: usize = 10_000;

impl Tracker {
    pub fn on_event(&mut self, f: &Frame) -> Vec<Incoming> {
        let g = |k: &str| get(f, k).unwrap_or("").trim().to_string();
        let uid = g("Uniqueid");
        let linked = Some(g("Linkedid"))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| uid.clone());
        let call = |kind, linked: &str, ext: &str, calls: &HashMap<String, (String, String)>| {
            let (from, to) = calls.get(linked).cloned().unwrap_or_default();
            Incoming {
                kind,
                call_id: format!("asterisk:{linked}"),
                from,
                to,
                extension: Some(ext.to_string()).filter(|e| !e.is_empty()),
                at: None,
            }
        };
        match g("Event").as_str() {
            "Newchannel" if !uid.is_empty() && uid == linked => {
                if self.calls.len() >= TRACKED {
                    self.calls.clear();
                }
                self.calls.insert(linked, (g("CallerIDNum"), g("Exten")));
                vec![]
            }
            "DialBegin" => {
                let dest_uid = g("DestUniqueid");
                let ext = extension_of_channel(&g("DestChannel"))
                    .or_else(|| Some(g("DialString")).filter(|d| !d.is_empty()));
                let (Some(ext), false) = (ext, dest_uid.is_empty()) else {
                    return vec![];
                };
                // A call we did not see start (we connected after it did).
                self.calls
                    .entry(linked.clone())
                    .or_insert_with(|| (g("CallerIDNum"), g("Exten")));
                if self.dialled.len() >= TRACKED {
                    self.dialled.clear();
                }
                self.dialled.insert(dest_uid, (linked.clone(), ext.clone()));
                vec![call(CallEventKind::Ringing, &linked, &ext, &self.calls)]
            }
            "BridgeEnter" => match self.dialled.get(&uid) {
                Some((linked, ext)) => {
                    vec![call(CallEventKind::Answered, linked, ext, &self.calls)]
                }
                None => vec![],
            },
            "Hangup" if !uid.is_empty() => {
                if uid == linked {
                    let ev = self
                        .calls
                        .contains_key(&linked)
                        .then(|| call(CallEventKind::Ended, &linked, "", &self.calls));
                    self.calls.remove(&linked);
                    self.dialled.retain(|_, (l, _)| *l != linked);
                    ev.into_iter().collect()
                } else {
                    self.dialled.remove(&uid);
                    vec![]
                }
            }
            _ => vec![],
        }
    }
}

struct Action {
    fields: Vec<(String, String)>,
    reply: oneshot::Sender<Result<Frame, String>>,
}

/// The handle of the AMI client.
#[derive(Clone)]
pub struct Ami {
    target: Arc<watch::Sender<Option<AmiTarget>>>,
    actions: mpsc::Sender<Action>,
    connected: Arc<AtomicBool>,
    logins: Arc<AtomicU64>,
}

impl Ami {
    pub fn start(store: Store, cfg: Arc<Config>) -> Ami {
        let (target, target_rx) = watch::channel(None);
        let (actions, actions_rx) = mpsc::channel(64);
        let ami = Ami {
            target: Arc::new(target),
            actions,
            connected: Arc::new(AtomicBool::new(false)),
            logins: Arc::new(AtomicU64::new(0)),
        };
        let (events_tx, mut events_rx) = mpsc::channel::<Incoming>(1024);
        tokio::spawn(async move {
            // One at a time, in the order Asterisk sent them.
            while let Some(ev) = events_rx.recv().await {
                if let Err(e) = super::ingest(&store, &cfg, ev).await {
                    tracing::warn!(error = %e, "an Asterisk call event was not recorded");
                }
            }
        });
        tokio::spawn(supervise(ami.clone(), target_rx, actions_rx, events_tx));
        ami
    }

    /// Connects to a new target (or disconnects); unchanged settings keep the connection.
    pub fn configure(&self, target: Option<AmiTarget>) {
        self.target.send_if_modified(|cur| {
            if *cur == target {
                false
            } else {
                *cur = target;
                true
            }
        });
    }

    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::SeqCst)
    }

    /// How many times the client has logged in (tests watch reconnections).
    pub fn logins(&self) -> u64 {
        self.logins.load(Ordering::SeqCst)
    }

    /// Sends one action and waits for its response.
    pub async fn action(&self, fields: Vec<(String, String)>) -> Result<Frame, String> {
        let (reply, rx) = oneshot::channel();
        self.actions
            .send(Action { fields, reply })
            .await
            .map_err(|_| "the AMI client has stopped".to_string())?;
        match tokio::time::timeout(Duration::from_secs(10), rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err("the AMI connection dropped".into()),
            Err(_) => Err("Asterisk did not answer within 10 s".into()),
        }
    }

    /// Rings `extension`, then dials `number` from the dialplan `context`.
    pub async fn originate(
        &self,
        extension: &str,
        number: &str,
        request_id: &str,
    ) -> Result<(), String> {
        let Some(t) = self.target.borrow().clone() else {
            return Err("Asterisk is not configured".into());
        };
        let fields: Vec<(String, String)> = vec![
            ("Action".into(), "Originate".into()),
            (
                "Channel".into(),
                t.channel.replace("{extension}", extension),
            ),
            ("Context".into(), t.context.clone()),
            ("Exten".into(), number.into()),
            ("Priority".into(), "1".into()),
            ("CallerID".into(), format!("\"{number}\" <{number}>")),
            ("Timeout".into(), "30000".into()),
            ("Async".into(), "true".into()),
            ("Variable".into(), format!("RODNIK_REQUEST={request_id}")),
        ];
        let r = self.action(fields).await?;
        match get(&r, "Response") {
            Some(s) if s.eq_ignore_ascii_case("Success") => Ok(()),
            _ => Err(get(&r, "Message")
                .unwrap_or("Asterisk refused the call")
                .to_string()),
        }
    }
}

enum End {
    Reconfigured,
    Stopped,
}

async fn supervise(
    ami: Ami,
    mut target_rx: watch::Receiver<Option<AmiTarget>>,
    mut actions: mpsc::Receiver<Action>,
    events: mpsc::Sender<Incoming>,
) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let target = target_rx.borrow_and_update().clone();
        let Some(target) = target else {
            tokio::select! {
                r = target_rx.changed() => if r.is_err() { return },
                a = actions.recv() => match a {
                    Some(a) => { let _ = a.reply.send(Err("Asterisk is not configured".into())); }
                    None => return,
                },
            }
            continue;
        };
        let started = Instant::now();
        let end = session(&ami, &target, &mut target_rx, &mut actions, &events).await;
        ami.connected.store(false, Ordering::SeqCst);
        match end {
            Ok(End::Reconfigured) => {
                backoff = Duration::from_millis(500);
                continue;
            }
            Ok(End::Stopped) => return,
            Err(e) => {
                tracing::warn!(ami = ?target, error = %e, "AMI connection lost; reconnecting");
            }
        }
        if started.elapsed() > Duration::from_secs(30) {
            backoff = Duration::from_millis(500);
        }
        let sleep = tokio::time::sleep(backoff);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                r = target_rx.changed() => { if r.is_err() { return } break }
                a = actions.recv() => match a {
                    Some(a) => { let _ = a.reply.send(Err("not connected to Asterisk".into())); }
                    None => return,
                },
            }
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// Reads frames into a channel (so the session's select never cancels a read).
async fn read_frames<R: tokio::io::AsyncBufRead + Unpin>(
    mut r: R,
    tx: mpsc::Sender<Result<Frame, String>>,
) {
    let mut frame = Frame::new();
    let mut line = String::new();
    loop {
        line.clear();
        match r.read_line(&mut line).await {
            Ok(0) => {
                let _ = tx.send(Err("Asterisk closed the connection".into())).await;
                return;
            }
            Ok(_) => {}
            Err(e) => {
                let _ = tx.send(Err(e.to_string())).await;
                return;
            }
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            if !frame.is_empty() && tx.send(Ok(std::mem::take(&mut frame))).await.is_err() {
                return;
            }
            continue;
        }
        if frame.len() < 500 {
            match l.split_once(':') {
                Some((k, v)) => frame.push((k.trim().to_string(), v.trim().to_string())),
                None => frame.push((String::new(), l.to_string())),
            }
        }
    }
}

async fn session(
    ami: &Ami,
    target: &AmiTarget,
    target_rx: &mut watch::Receiver<Option<AmiTarget>>,
    actions: &mut mpsc::Receiver<Action>,
    events: &mpsc::Sender<Incoming>,
) -> Result<End, String> {
    let stream = tokio::time::timeout(
        Duration::from_secs(5),
        TcpStream::connect((target.host.as_str(), target.port)),
    )
    .await
    .map_err(|_| "connect timed out".to_string())?
    .map_err(|e| format!("connect: {e}"))?;
    let (r, mut w) = stream.into_split();
    let mut reader = BufReader::new(r);
    let mut banner = String::new();
    tokio::time::timeout(Duration::from_secs(5), reader.read_line(&mut banner))
        .await
        .map_err(|_| "no AMI banner".to_string())?
        .map_err(|e| e.to_string())?;
    if !banner.starts_with("Asterisk Call Manager") {
        return Err("not an AMI port (no 'Asterisk Call Manager' banner)".into());
    }
    let (frames_tx, mut frames) = mpsc::channel(256);
    let reader_task = tokio::spawn(read_frames(reader, frames_tx));
    let _abort = AbortOnDrop(reader_task);

    let login: Vec<(String, String)> = vec![
        ("Action".into(), "Login".into()),
        ("ActionID".into(), "rodnik-login".into()),
        ("Username".into(), target.user.clone()),
        ("Secret".into(), target.secret.clone()),
        ("Events".into(), "call".into()),
    ];
    w.write_all(encode(&login).as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let f = tokio::time::timeout_at(deadline, frames.recv())
            .await
            .map_err(|_| "no answer to Login".to_string())?
            .ok_or("connection closed")??;
        if get(&f, "ActionID") == Some("rodnik-login") {
            if get(&f, "Response").is_some_and(|r| r.eq_ignore_ascii_case("Success")) {
                break;
            }
            // Asterisk's message ("Authentication failed") never holds the secret.
            return Err(format!(
                "login refused: {}",
                get(&f, "Message").unwrap_or("")
            ));
        }
    }
    ami.connected.store(true, Ordering::SeqCst);
    ami.logins.fetch_add(1, Ordering::SeqCst);
    tracing::info!(ami = ?target, "AMI logged in");

    let mut tracker = Tracker::default();
    let mut pending: HashMap<String, oneshot::Sender<Result<Frame, String>>> = HashMap::new();
    let mut next_id: u64 = 0;
    let mut ping = tokio::time::interval(Duration::from_secs(20));
    ping.tick().await;
    loop {
        tokio::select! {
            f = frames.recv() => {
                let f = f.ok_or("connection closed")??;
                if get(&f, "Event").is_some() {
                    for ev in tracker.on_event(&f) {
                        if events.try_send(ev).is_err() {
                            tracing::warn!("AMI events are arriving faster than they are recorded; one dropped");
                        }
                    }
                } else if let Some(id) = get(&f, "ActionID") {
                    if let Some(reply) = pending.remove(id) {
                        let _ = reply.send(Ok(f));
                    }
                }
            }
            a = actions.recv() => {
                let Some(mut a) = a else { return Ok(End::Stopped) };
                next_id += 1;
                let id = format!("rodnik-{next_id}");
                a.fields.retain(|(k, _)| !k.eq_ignore_ascii_case("ActionID"));
                a.fields.insert(1.min(a.fields.len()), ("ActionID".into(), id.clone()));
                if let Err(e) = w.write_all(encode(&a.fields).as_bytes()).await {
                    let _ = a.reply.send(Err(e.to_string()));
                    return Err(e.to_string());
                }
                pending.retain(|_, s| !s.is_closed());
                pending.insert(id, a.reply);
            }
            _ = ping.tick() => {
                let p = encode(&[("Action".into(), "Ping".into()), ("ActionID".into(), "rodnik-ping".into())]);
                w.write_all(p.as_bytes()).await.map_err(|e| e.to_string())?;
            }
            r = target_rx.changed() => {
                if r.is_err() { return Ok(End::Stopped) }
                return Ok(End::Reconfigured);
            }
        }
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(pairs: &[(&str, &str)]) -> Frame {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_ami_setting_parses_and_never_prints_its_secret() {
        let t = AmiTarget::parse("rodnik:s3cr:et@pbx.local:5038").unwrap();
        assert_eq!(
            (t.user.as_str(), t.secret.as_str(), t.host.as_str(), t.port),
            ("rodnik", "s3cr:et", "pbx.local", 5038)
        );
        assert!(!format!("{t:?}").contains("s3cr"));
        assert_eq!(AmiTarget::parse("u:p@10.0.0.1").unwrap().port, 5038);
        assert!(AmiTarget::parse("pbx.local:5038").is_err());
        assert!(AmiTarget::parse("u:@h:1").is_err());
        assert!(AmiTarget::parse("u:p@h:port").is_err());
    }

    #[test]
    fn channels_name_their_extension() {
        assert_eq!(
            extension_of_channel("PJSIP/101-00000002").as_deref(),
            Some("101")
        );
        assert_eq!(
            extension_of_channel("SIP/office-101-0000000a").as_deref(),
            Some("office-101")
        );
        assert_eq!(
            extension_of_channel("Local/102@from-internal-00000001;1").as_deref(),
            Some("102")
        );
        assert_eq!(extension_of_channel("garbage"), None);
    }

    #[test]
    fn an_incoming_call_rings_is_answered_and_ends() {
        let mut t = Tracker::default();
        let caller = [("Uniqueid", "1700000000.1"), ("Linkedid", "1700000000.1")];
        let mut nc = frame(&[
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/trunk-00000001"),
            ("CallerIDNum", "79123456789"),
            ("Exten", "74951234567"),
        ]);
        nc.extend(frame(&caller));
        assert!(t.on_event(&nc).is_empty());
        let mut dial = frame(&[
            ("Event", "DialBegin"),
            ("CallerIDNum", "79123456789"),
            ("DestChannel", "PJSIP/101-00000002"),
            ("DestUniqueid", "1700000000.2"),
            ("DialString", "101"),
        ]);
        dial.extend(frame(&caller));
        let ev = t.on_event(&dial);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].kind, CallEventKind::Ringing);
        assert_eq!(ev[0].call_id, "asterisk:1700000000.1");
        assert_eq!(ev[0].extension.as_deref(), Some("101"));
        assert_eq!(
            (ev[0].from.as_str(), ev[0].to.as_str()),
            ("79123456789", "74951234567")
        );
        // The caller's side enters the bridge first: not an answer by itself.
        let mut be = frame(&[("Event", "BridgeEnter")]);
        be.extend(frame(&caller));
        assert!(t.on_event(&be).is_empty());
        let be2 = frame(&[
            ("Event", "BridgeEnter"),
            ("Uniqueid", "1700000000.2"),
            ("Linkedid", "1700000000.1"),
        ]);
        assert_eq!(t.on_event(&be2)[0].kind, CallEventKind::Answered);
        let hu2 = frame(&[
            ("Event", "Hangup"),
            ("Uniqueid", "1700000000.2"),
            ("Linkedid", "1700000000.1"),
        ]);
        assert!(t.on_event(&hu2).is_empty());
        let mut hu = frame(&[("Event", "Hangup")]);
        hu.extend(frame(&caller));
        assert_eq!(t.on_event(&hu)[0].kind, CallEventKind::Ended);
        assert!(
            t.on_event(&hu).is_empty(),
            "a repeated hangup is nothing new"
        );
    }
}
