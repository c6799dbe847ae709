//! What queues client messages and what sends them.
//!
//! - `evening`: after the company's `evening_at`, the next day's open
//!   orders get their window by each channel the client said yes to (or did
//!   not say no to, with `default_on`); a scan every tick queues only orders
//!   it has not queued before, so an order taken at 19:30 for tomorrow is
//!   told too.
//! - `on_the_way`: when a courier's stop closes, the next stop on the route
//!   gets "on the way, ETA hh:mm" (the route planner's expected arrival).
//! - `start`: the sender. It takes due messages one by one (a lease), holds
//!   them through quiet hours, drops those that no longer matter (the order
//!   cancelled or moved, the client said no, the window began), sends the
//!   rest through their channel, and keeps a failed try for later with a
//!   growing delay; a gateway's refusal of the message itself fails it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::Rng;
use rodnik_shared::api::{
    ClientNotify, Consent, NotifyChannel, NotifyKind, NotifyRun, NotifySettings, NotifyStatus,
    Order,
};
use rodnik_shared::OrderState;
use sha2::Digest;

use super::{Channel, Outgoing, SendError};
use crate::app::AppState;
use crate::error::{Error, Result};
// The receipts queue's retry timing: a growing delay to ten minutes.
use crate::fiscal::worker::{delay, later};
use crate::store::notify::{NewMessage, Outcome, Queued};
use crate::store::receipts::stamp;
use crate::store::Store;

/// Messages taken per pass.
const BATCH: usize = 16;
/// How long a taken message is this worker's.
const LEASE: Duration = Duration::from_secs(120);
/// An on-the-way message not sent within this is dropped.
const ON_THE_WAY_LIFE: Duration = Duration::from_secs(30 * 60);
/// The short link's token: 12 letters and digits (71 bits).
const TOKEN_LEN: usize = 12;

/// Wakes the senders of this process (a message was queued).
fn wake() -> &'static tokio::sync::Notify {
    static WAKE: std::sync::OnceLock<tokio::sync::Notify> = std::sync::OnceLock::new();
    WAKE.get_or_init(tokio::sync::Notify::new)
}

/// The rules changed: messages held for quiet hours are looked at again now.
pub async fn settings_changed(store: &Store) -> Result<()> {
    store.wake_quiet_messages(&stamp(Utc::now())).await?;
    wake().notify_waiters();
    Ok(())
}

/// Starts the sender and the evening scan of `state`'s store.
pub fn start(state: &AppState) {
    let state = state.clone();
    let tick = state.cfg.notify_tick;
    tokio::spawn(async move {
        let mut last_scan: Option<std::time::Instant> = None;
        loop {
            // The evening scan at most every 30 s: it reads the next day's orders.
            if last_scan.is_none_or(|t| t.elapsed() >= Duration::from_secs(30).min(tick * 50)) {
                last_scan = Some(std::time::Instant::now());
                if let Err(e) = evening(&state, false).await {
                    tracing::warn!(error = %e, "the evening notifications' scan failed");
                }
            }
            match send_due(&state.store, tick).await {
                Ok(n) if n >= BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the notifications worker's pass failed"),
            }
            tokio::select! {
                _ = wake().notified() => {}
                _ = tokio::time::sleep(tick) => {}
            }
        }
    });
}

fn hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// When quiet hours that hold at `now` (local) end, if they hold.
pub fn quiet_until(s: &NotifySettings, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let (from, to) = (hhmm(&s.quiet_from)?, hhmm(&s.quiet_to)?);
    if from == to {
        return None;
    }
    let t = now.time();
    let quiet = if from < to {
        t >= from && t < to
    } else {
        t >= from || t < to
    };
    if !quiet {
        return None;
    }
    let day = if t >= to {
        now.date() + Days::new(1)
    } else {
        now.date()
    };
    Some(day.and_time(to))
}

fn local_to_utc(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // A time skipped by a clock change: an hour later exists.
        .unwrap_or_else(|| Utc.from_utc_datetime(&(t + chrono::Duration::hours(1))))
}

/// A new short link's token and the hash it is stored under.
pub fn new_token() -> (String, String) {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let token: String = (0..TOKEN_LEN)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    let hash = token_hash(&token);
    (token, hash)
}

/// What a link's token is stored under (the token itself is never stored
/// for long: a copy of the database opens no client's page).
pub fn token_hash(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The short link of `token`.
pub fn link(s: &NotifySettings, token: &str) -> String {
    format!("{}/s/{token}", s.link_base.trim_end_matches('/'))
}

/// A link with its secret part hidden (the log's copy).
fn masked(text: &str, token: Option<&str>) -> String {
    match token {
        Some(t) if t.len() > 3 => text.replace(t, &format!("{}…", &t[..3])),
        _ => text.to_string(),
    }
}

/// Where a client's messages go by each channel, with the company's rules
/// and what the client chose: `(sms_to, email_to)`.
pub fn reach(
    s: &NotifySettings,
    choice: &ClientNotify,
    phones: &[String],
    requisites_email: Option<&str>,
) -> (Option<String>, Option<String>) {
    let yes = |c: Consent| match c {
        Consent::Yes => true,
        Consent::No => false,
        Consent::Default => s.default_on,
    };
    let mobile = |p: &&String| p.starts_with("+79") && p.len() == 12;
    let sms = (s.sms.is_some() && yes(choice.sms))
        .then(|| match &choice.phone {
            Some(p) if phones.contains(p) && mobile(&p) => Some(p.clone()),
            _ => phones.iter().find(mobile).cloned(),
        })
        .flatten();
    let email = (s.email && yes(choice.email))
        .then(|| {
            choice
                .email_address
                .clone()
                .or(requisites_email.map(str::to_string))
        })
        .flatten()
        .filter(|e| e.contains('@'));
    (sms, email)
}

const MONTHS: [&str; 12] = [
    "янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
];

fn day_ru(d: &str) -> String {
    match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            format!("{} {}", d.day(), MONTHS[d.month0() as usize])
        }
        Err(_) => d.to_string(),
    }
}

fn window_ru(o: &Order) -> String {
    match o.window {
        Some(w) => format!("{}–{}", w.from.format("%H:%M"), w.to.format("%H:%M")),
        None => "в течение дня".into(),
    }
}

/// The message of `kind` about `o`, with its link.
pub fn text(
    kind: NotifyKind,
    sig: &str,
    o: &Order,
    eta: Option<&str>,
    link: &str,
) -> (String, String) {
    let sig = if sig.is_empty() {
        String::new()
    } else {
        format!("{sig}: ")
    };
    match kind {
        NotifyKind::OnTheWay => {
            let when = match eta {
                Some(t) => format!("будет около {t}"),
                None => "вы следующий".into(),
            };
            (
                "Курьер едет к вам".into(),
                format!(
                    "{sig}курьер едет к вам, {when}. Заказ №{}: {link}",
                    o.number
                ),
            )
        }
        _ => (
            format!("Доставка {}", day_ru(&o.delivery_date)),
            format!(
                "{sig}доставка {} {}, заказ №{}. Подтвердить, перенести или отменить: {link}",
                day_ru(&o.delivery_date),
                window_ru(o),
                o.number
            ),
        ),
    }
}

/// How messages are signed.
async fn signature(store: &Store, s: &NotifySettings) -> Result<String> {
    if !s.signature.trim().is_empty() {
        return Ok(s.signature.trim().to_string());
    }
    Ok(store.company_settings().await?.name.trim().to_string())
}

/// Queues `kind` about order `o` by every channel its client gets, unless
/// queued before. Returns how many were queued, or `None` when the client
/// gets none.
async fn queue_order(
    state: &AppState,
    s: &NotifySettings,
    kind: NotifyKind,
    o: &Order,
    choice: &ClientNotify,
    eta: Option<String>,
) -> Result<Option<usize>> {
    let store = &state.store;
    let tz = state.cfg.tz;
    let (phones, req_email) = store.client_reach(&o.client_id).await?;
    let (sms, email) = reach(s, choice, &phones, req_email.as_deref());
    if sms.is_none() && email.is_none() {
        return Ok(None);
    }
    let now_utc = Utc::now();
    let now = stamp(now_utc);
    let local = now_utc.with_timezone(&tz).naive_local();
    let quiet = quiet_until(s, local).map(|t| stamp(local_to_utc(tz, t)));
    let next_at = quiet.clone().unwrap_or_else(|| now.clone());
    let day = NaiveDate::parse_from_str(&o.delivery_date, "%Y-%m-%d")
        .map_err(|_| Error::Internal("an order's date did not parse".into()))?;
    let expires_at = match kind {
        NotifyKind::OnTheWay => later(ON_THE_WAY_LIFE),
        _ => {
            let start = o
                .window
                .map(|w| w.from)
                .unwrap_or_else(|| NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
            stamp(local_to_utc(tz, day.and_time(start)))
        }
    };
    // The link lives to the end of the delivery day.
    let link_until = stamp(local_to_utc(
        tz,
        (day + Days::new(1)).and_time(NaiveTime::MIN),
    ));
    let sig = signature(store, s).await?;
    let mut queued = 0;
    for (channel, to) in [(NotifyChannel::Sms, sms), (NotifyChannel::Email, email)] {
        let Some(to) = to else { continue };
        let (token, hash) = new_token();
        let (_, body) = text(kind, &sig, o, eta.as_deref(), &link(s, &token));
        let m = NewMessage {
            id: format!(
                "{}-{}-{}-{}",
                kind.as_str(),
                o.id,
                o.delivery_date,
                channel.as_str()
            ),
            kind,
            channel,
            status: NotifyStatus::Pending,
            client_id: o.client_id.clone(),
            client_name: o.client_name.clone(),
            order_id: Some(o.id.clone()),
            order_number: Some(o.number),
            date: o.delivery_date.clone(),
            to,
            text: masked(&body, Some(&token)),
            token: Some(token),
            eta: eta.clone(),
            next_at: Some(next_at.clone()),
            expires_at: Some(expires_at.clone()),
            error: quiet.as_ref().map(|_| "quiet hours".to_string()),
        };
        if store
            .queue_message(&m, Some((&hash, &link_until)), &now)
            .await?
        {
            queued += 1;
        }
    }
    if queued > 0 {
        wake().notify_waiters();
    }
    Ok(Some(queued))
}

/// The evening scan: tomorrow's open orders without an evening message get
/// one. Runs only after `evening_at` unless `now` (a manager's "send now").
pub async fn evening(state: &AppState, now: bool) -> Result<NotifyRun> {
    let s = state.store.notify_settings().await?;
    let mut run = NotifyRun::default();
    if !s.enabled || !s.evening {
        return Ok(run);
    }
    let local = Utc::now().with_timezone(&state.cfg.tz).naive_local();
    let at = hhmm(&s.evening_at)
        .unwrap_or_else(|| NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default());
    if !now && local.time() < at {
        return Ok(run);
    }
    let tomorrow = (local.date() + Days::new(1)).format("%Y-%m-%d").to_string();
    let done = state
        .store
        .notified_orders(NotifyKind::Evening, &tomorrow)
        .await?;
    let mut orders = vec![];
    let mut offset = 0;
    loop {
        let page = state
            .store
            .list_orders(&crate::store::orders::OrderFilter {
                date: Some(tomorrow.clone()),
                limit: Some(crate::store::orders::MAX_LIST),
                offset,
                ..Default::default()
            })
            .await?;
        let n = page.len();
        orders.extend(
            page.into_iter()
                .filter(|o| o.state.is_open() && !done.contains(&o.id)),
        );
        if n < crate::store::orders::MAX_LIST {
            break;
        }
        offset += n;
    }
    let clients: Vec<String> = orders.iter().map(|o| o.client_id.clone()).collect();
    let choices = state.store.clients_notify(&clients).await?;
    for o in &orders {
        let choice = choices.get(&o.client_id).cloned().unwrap_or_default();
        match queue_order(state, &s, NotifyKind::Evening, o, &choice, None).await {
            Ok(Some(n)) => run.queued += n,
            Ok(None) => run.without += 1,
            Err(e) => {
                tracing::warn!(order = %o.id, error = %e, "an evening message was not queued")
            }
        }
    }
    if run.queued > 0 {
        tracing::info!(queued = run.queued, date = %tomorrow, "evening messages queued");
    }
    Ok(run)
}

/// A courier's stop closed: the next stop of the route today gets "on the
/// way, ETA", once.
pub async fn on_the_way(state: &AppState, courier_id: &str) -> Result<()> {
    let s = state.store.notify_settings().await?;
    if !s.enabled || !s.on_the_way {
        return Ok(());
    }
    let today = state.cfg.today();
    let local = Utc::now().with_timezone(&state.cfg.tz).naive_local();
    if quiet_until(&s, local).is_some() {
        return Ok(());
    }
    let etas = crate::planning::slots::etas(state, today, Some(courier_id)).await?;
    let Some(next) = etas
        .iter()
        .filter(|e| e.state == OrderState::Delivery)
        .min_by_key(|e| e.pos)
    else {
        return Ok(());
    };
    let Some(o) = state.store.get_order(&next.order_id).await? else {
        return Ok(());
    };
    if o.state != OrderState::Delivery || o.delivery_date != today.format("%Y-%m-%d").to_string() {
        return Ok(());
    }
    let choice = state.store.client_notify(&o.client_id).await?;
    queue_order(
        state,
        &s,
        NotifyKind::OnTheWay,
        &o,
        &choice,
        next.eta.clone(),
    )
    .await?;
    Ok(())
}

/// Queues a manager's test message.
pub async fn test(store: &Store, channel: NotifyChannel, to: &str, by: &str) -> Result<String> {
    let s = store.notify_settings().await?;
    let sig = signature(store, &s).await?;
    let now = stamp(Utc::now());
    let id = format!("test-{}", uuid::Uuid::new_v4().simple());
    let text = format!(
        "{}проверка уведомлений Родника ({by})",
        if sig.is_empty() {
            String::new()
        } else {
            format!("{sig}: ")
        }
    );
    let m = NewMessage {
        id: id.clone(),
        kind: NotifyKind::Test,
        channel,
        status: NotifyStatus::Pending,
        client_id: String::new(),
        client_name: String::new(),
        order_id: None,
        order_number: None,
        date: Utc::now()
            .with_timezone(&store.time_zone())
            .format("%Y-%m-%d")
            .to_string(),
        to: to.to_string(),
        text,
        token: None,
        eta: None,
        next_at: Some(now.clone()),
        expires_at: Some(later(Duration::from_secs(3600))),
        error: None,
    };
    store.queue_message(&m, None, &now).await?;
    wake().notify_waiters();
    Ok(id)
}

/// Records a client's answer on the link's page in the log.
pub async fn reply(store: &Store, o: &Order, text: &str) -> Result<()> {
    let now = stamp(Utc::now());
    let m = NewMessage {
        id: format!("reply-{}", uuid::Uuid::new_v4().simple()),
        kind: NotifyKind::Reply,
        channel: NotifyChannel::Link,
        status: NotifyStatus::Received,
        client_id: o.client_id.clone(),
        client_name: o.client_name.clone(),
        order_id: Some(o.id.clone()),
        order_number: Some(o.number),
        date: o.delivery_date.clone(),
        to: String::new(),
        text: text.to_string(),
        token: None,
        eta: None,
        next_at: None,
        expires_at: None,
        error: None,
    };
    store.queue_message(&m, None, &now).await?;
    Ok(())
}

/// One pass of the sender: the due messages, each sent or put off.
pub async fn send_due(store: &Store, tick: Duration) -> Result<usize> {
    let now = stamp(Utc::now());
    let due = store.due_messages(&now, BATCH).await?;
    let n = due.len();
    if n == 0 {
        return Ok(0);
    }
    let s = store.notify_settings().await?;
    for m in due {
        let Some(m) = store.claim_message(&m, &now, &later(LEASE)).await? else {
            continue;
        };
        let outcome = decide(store, &s, &m, tick).await;
        if !store.save_message_outcome(&m, &outcome).await? {
            tracing::info!(message = %m.n.id, "a message changed while it was sent: left as it is");
        }
    }
    Ok(n)
}

fn skipped(why: impl Into<String>) -> Outcome {
    Outcome {
        status: Some(NotifyStatus::Skipped),
        error: Some(why.into()),
        ..Outcome::default()
    }
}

fn again(m: &Queued, tick: Duration, why: String) -> Outcome {
    tracing::warn!(message = %m.n.id, error = %why, "a message waits for another try");
    Outcome {
        next_at: Some(later(delay(tick, m.n.attempts + 1))),
        error: Some(why),
        attempted: true,
        ..Outcome::default()
    }
}

/// What to do with a due message, and the try when it is to be sent.
async fn decide(store: &Store, s: &NotifySettings, m: &Queued, tick: Duration) -> Outcome {
    match prepare(store, s, m).await {
        Ok(Prepared::Send(channel, out)) => {
            let body = out.text.clone();
            match channel.send(&out).await {
                Ok(sent) => {
                    tracing::info!(message = %m.n.id, channel = m.n.channel.as_str(), "a client message was sent");
                    Outcome {
                        status: Some(NotifyStatus::Sent),
                        provider_id: sent.provider_id,
                        text: Some(masked(&body, m.token.as_deref())),
                        sent_at: Some(stamp(Utc::now())),
                        attempted: true,
                        ..Outcome::default()
                    }
                }
                Err(SendError::Refused(why)) => {
                    tracing::warn!(message = %m.n.id, error = %why, "the gateway refused a client message");
                    Outcome {
                        status: Some(NotifyStatus::Failed),
                        error: Some(why),
                        text: Some(masked(&body, m.token.as_deref())),
                        attempted: true,
                        ..Outcome::default()
                    }
                }
                Err(SendError::Retry(why)) => again(m, tick, why),
            }
        }
        Ok(Prepared::Wait(until, why)) => Outcome {
            next_at: Some(until),
            error: Some(why),
            ..Outcome::default()
        },
        Ok(Prepared::Skip(why)) => skipped(why),
        Err(e) => again(m, tick, e.to_string()),
    }
}

enum Prepared {
    Send(Arc<dyn Channel>, Outgoing),
    Wait(String, String),
    Skip(String),
}

async fn prepare(store: &Store, s: &NotifySettings, m: &Queued) -> Result<Prepared> {
    let now = Utc::now();
    if !s.enabled {
        return Ok(Prepared::Skip("notifications are off".into()));
    }
    if m.expires_at
        .as_deref()
        .is_some_and(|e| e <= stamp(now).as_str())
    {
        return Ok(Prepared::Skip("too late: its time has passed".into()));
    }
    let tz = store.time_zone();
    if let Some(until) = quiet_until(s, now.with_timezone(&tz).naive_local()) {
        if m.n.kind != NotifyKind::Test {
            return Ok(Prepared::Wait(
                stamp(local_to_utc(tz, until)),
                "quiet hours".into(),
            ));
        }
    }
    let (subject, text) = match (m.n.kind, &m.n.order_id) {
        (NotifyKind::Evening | NotifyKind::OnTheWay, Some(order_id)) => {
            let Some(o) = store.get_order(order_id).await? else {
                return Ok(Prepared::Skip("the order is gone".into()));
            };
            let wanted = match m.n.kind {
                NotifyKind::OnTheWay => o.state == OrderState::Delivery,
                _ => o.state.is_open(),
            };
            if !wanted {
                return Ok(Prepared::Skip(format!(
                    "the order is {} now",
                    o.state.as_str()
                )));
            }
            if o.delivery_date != m.n.date {
                return Ok(Prepared::Skip(format!(
                    "the order moved to {}",
                    o.delivery_date
                )));
            }
            let choice = store.client_notify(&o.client_id).await?;
            let (phones, req_email) = store.client_reach(&o.client_id).await?;
            let (sms, email) = reach(s, &choice, &phones, req_email.as_deref());
            let to = match m.n.channel {
                NotifyChannel::Sms => sms,
                _ => email,
            };
            if to.as_deref() != Some(m.n.to.as_str()) {
                return Ok(Prepared::Skip(
                    "the client's choice or contact changed".into(),
                ));
            }
            let Some(token) = m.token.as_deref() else {
                return Ok(Prepared::Skip("the message lost its link".into()));
            };
            let sig = signature(store, s).await?;
            text(m.n.kind, &sig, &o, m.eta.as_deref(), &link(s, token))
        }
        _ => ("Проверка уведомлений".into(), m.n.text.clone()),
    };
    let channel: Arc<dyn Channel> = match m.n.channel {
        NotifyChannel::Sms => {
            let Some(sms) = &s.sms else {
                return Ok(Prepared::Skip("no SMS gateway is set".into()));
            };
            Arc::from(super::sms::gateway(sms)?)
        }
        NotifyChannel::Email => {
            let company = store.company_settings().await?;
            let Some(smtp) = company.smtp.as_ref() else {
                return Ok(Prepared::Skip("no mail server is set".into()));
            };
            Arc::new(super::email::Email::new(smtp)?)
        }
        NotifyChannel::Link => return Ok(Prepared::Skip("not a message to send".into())),
    };
    Ok(Prepared::Send(
        channel,
        Outgoing {
            to: m.n.to.clone(),
            subject,
            text,
            id: m.n.id.clone(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 7)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    #[test]
    fn quiet_hours_over_midnight_end_in_the_morning() {
        let s = NotifySettings::default(); // 21:00 .. 09:00
        assert_eq!(quiet_until(&s, at(20, 59)), None);
        assert_eq!(
            quiet_until(&s, at(21, 0)),
            Some(
                NaiveDate::from_ymd_opt(2026, 12, 8)
                    .and_then(|d| d.and_hms_opt(9, 0, 0))
                    .unwrap_or_default()
            )
        );
        assert_eq!(quiet_until(&s, at(3, 0)), Some(at(9, 0)));
        assert_eq!(quiet_until(&s, at(9, 0)), None);
        let day = NotifySettings {
            quiet_from: "13:00".into(),
            quiet_to: "14:00".into(),
            ..NotifySettings::default()
        };
        assert_eq!(quiet_until(&day, at(13, 30)), Some(at(14, 0)));
        assert_eq!(quiet_until(&day, at(12, 0)), None);
        let none = NotifySettings {
            quiet_from: "00:00".into(),
            quiet_to: "00:00".into(),
            ..NotifySettings::default()
        };
        assert_eq!(quiet_until(&none, at(3, 0)), None);
    }

    #[test]
    fn a_sent_text_keeps_three_letters_of_its_token() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), TOKEN_LEN);
        assert_eq!(hash, token_hash(&token));
        let t = format!("see https://x.ru/s/{token}");
        let m = masked(&t, Some(&token));
        assert!(!m.contains(&token));
        assert!(m.ends_with(&format!("{}…", &token[..3])));
    }

    #[test]
    fn sms_go_to_mobiles_only_and_the_choice_wins() {
        let s = NotifySettings {
            sms: Some(Default::default()),
            email: true,
            default_on: false,
            ..NotifySettings::default()
        };
        let phones = vec!["+74951234567".to_string(), "+79161234567".to_string()];
        let mut c = ClientNotify::default();
        assert_eq!(reach(&s, &c, &phones, Some("a@b.ru")), (None, None));
        c.sms = Consent::Yes;
        c.email = Consent::Yes;
        assert_eq!(
            reach(&s, &c, &phones, Some("a@b.ru")),
            (Some("+79161234567".into()), Some("a@b.ru".into()))
        );
        c.phone = Some("+74951234567".into());
        assert_eq!(reach(&s, &c, &phones, None).0, Some("+79161234567".into()));
        let on = NotifySettings {
            default_on: true,
            ..s.clone()
        };
        c.sms = Consent::No;
        assert_eq!(reach(&on, &c, &phones, None).0, None);
        c.sms = Consent::Default;
        assert!(reach(&on, &c, &phones, None).0.is_some());
    }
}
