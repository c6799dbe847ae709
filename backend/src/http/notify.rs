//! Client notifications (issue 23, part 3): the company's rules, each
//! client's choice, the send log, a manager's test and "send the evening
//! messages now" under `/api`; and the short link's page `/s/{token}`, where
//! a client (no login) sees the delivery and confirms, moves or cancels it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Days, NaiveDate, Utc};
use rodnik_shared::api::{
    ClientNotify, Notification, NotifyChannel, NotifyRun, NotifySettings, NotifyStatus,
    SetClientNotify, SmsProvider, TestNotification,
};
use rodnik_shared::{OrderState, Phone, TimeWindow};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use super::orders::{client_change, ClientChange};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::notify::worker;
use crate::store::notify::LogFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/settings/notifications",
            get(get_settings).put(put_settings),
        )
        .route(
            "/clients/{id}/notify",
            get(get_client_notify).put(put_client_notify),
        )
        .route("/notifications", get(list))
        .route("/notifications/test", post(test))
        .route("/notifications/run", post(run))
}

/// The client's page of a short link (outside `/api`: no session).
pub fn page_router() -> Router<AppState> {
    Router::new().route("/s/{token}", get(page).post(act))
}

/// Starts the sender and the evening scan (`http::serve`).
pub fn start(state: &AppState) {
    worker::start(state);
}

fn hhmm(v: &str, field: &str) -> Result<()> {
    chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M")
        .map(|_| ())
        .map_err(|_| Error::invalid(field, "must be a time HH:MM"))
}

fn bounded(v: &str, field: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

fn web_address(v: &str, field: &str) -> Result<()> {
    let v = v.trim();
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() > "http://".len() + 2
        && !v.contains(char::is_whitespace);
    if !ok {
        return Err(Error::invalid(
            field,
            "must be a web address like https://rodnik.example.ru",
        ));
    }
    Ok(())
}

/// The rules, checked (the SMS key is checked by the store against the kept one).
fn checked(s: &NotifySettings) -> Result<NotifySettings> {
    let mut s = s.clone();
    for (v, f) in [
        (&s.evening_at, "evening_at"),
        (&s.quiet_from, "quiet_from"),
        (&s.quiet_to, "quiet_to"),
    ] {
        hhmm(v, f)?;
    }
    s.link_base = s.link_base.trim().trim_end_matches('/').to_string();
    bounded(&s.link_base, "link_base", 200)?;
    if !s.link_base.is_empty() {
        web_address(&s.link_base, "link_base")?;
    }
    s.signature = s.signature.trim().to_string();
    bounded(&s.signature, "signature", 40)?;
    if let Some(sms) = s.sms.as_mut() {
        sms.url = sms.url.trim().trim_end_matches('/').to_string();
        bounded(&sms.url, "sms.url", 200)?;
        if !sms.url.is_empty() {
            web_address(&sms.url, "sms.url")?;
        }
        sms.login = sms.login.trim().to_string();
        bounded(&sms.login, "sms.login", 100)?;
        if let Some(k) = &sms.key {
            bounded(k, "sms.key", 200)?;
            if k.trim().is_empty() {
                return Err(Error::invalid("sms.key", "must not be blank"));
            }
        }
        sms.sender = sms.sender.trim().to_string();
        // Gateways register sender names of up to 11 Latin letters and digits.
        if sms.sender.chars().count() > 11
            || !sms
                .sender
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .-_".contains(c))
        {
            return Err(Error::invalid(
                "sms.sender",
                "must be up to 11 Latin letters, digits, spaces, dots or dashes",
            ));
        }
        if sms.provider == SmsProvider::Smsc && sms.login.is_empty() {
            return Err(Error::invalid("sms.login", "SMSC needs its login"));
        }
    }
    if s.enabled {
        if s.link_base.is_empty() {
            return Err(Error::invalid(
                "link_base",
                "is required: the address clients open the message's link at",
            ));
        }
        if s.sms.is_none() && !s.email {
            return Err(Error::invalid(
                "sms",
                "choose an SMS gateway or e-mail to send through",
            ));
        }
    }
    Ok(s)
}

#[utoipa::path(get, path = "/api/settings/notifications",
    responses((status = 200, body = NotifySettings),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins")))]
pub async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<NotifySettings>> {
    user.require_manager()?;
    Ok(Json(hidden(state.store.notify_settings().await?)))
}

/// The key never leaves the server.
fn hidden(mut s: NotifySettings) -> NotifySettings {
    if let Some(sms) = s.sms.as_mut() {
        sms.key_set = sms.key.is_some();
        sms.key = None;
    }
    s
}

#[utoipa::path(put, path = "/api/settings/notifications", request_body = NotifySettings,
    responses((status = 200, body = NotifySettings),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins"),
        (status = 422, body = rodnik_shared::api::ErrorBody, description = "a field is wrong, or the SMS key or the company's mail server is missing")))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NotifySettings>,
) -> Result<Json<NotifySettings>> {
    user.require_manager()?;
    let s = checked(&req)?;
    if s.email && state.store.company_settings().await?.smtp.is_none() {
        return Err(Error::invalid(
            "email",
            "set the mail server in the company settings first",
        ));
    }
    let saved = state.store.set_notify_settings(&s).await?;
    worker::settings_changed(&state.store).await?;
    tracing::info!(by = %user.0.username, enabled = saved.enabled, "notification settings changed");
    Ok(Json(hidden(saved)))
}

/// A client's choice with where messages would go now.
async fn client_view(state: &AppState, client_id: &str) -> Result<ClientNotify> {
    let s = state.store.notify_settings().await?;
    let mut c = state.store.client_notify(client_id).await?;
    let (phones, email) = state.store.client_reach(client_id).await?;
    let (sms_to, email_to) = if s.enabled {
        worker::reach(&s, &c, &phones, email.as_deref())
    } else {
        (None, None)
    };
    c.sms_to = sms_to;
    c.email_to = email_to;
    Ok(c)
}

#[utoipa::path(get, path = "/api/clients/{id}/notify",
    params(("id" = String, Path, description = "the client's id")),
    responses((status = 200, body = ClientNotify),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_client_notify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ClientNotify>> {
    user.require_operator()?;
    Ok(Json(client_view(&state, &id).await?))
}

#[utoipa::path(put, path = "/api/clients/{id}/notify", request_body = SetClientNotify,
    params(("id" = String, Path, description = "the client's id")),
    responses((status = 200, body = ClientNotify),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody, description = "a phone not the client's, or not an e-mail address")))]
pub async fn put_client_notify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(mut req): ApiJson<SetClientNotify>,
) -> Result<Json<ClientNotify>> {
    user.require_operator()?;
    let (phones, _) = state.store.client_reach(&id).await?;
    req.phone = req
        .phone
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if let Some(p) = &req.phone {
        let parsed = Phone::parse(p, &state.cfg.phone_region)
            .map_err(|_| Error::invalid("phone", "is not a phone number"))?;
        let e164 = parsed.to_string();
        if !phones.contains(&e164) {
            return Err(Error::invalid("phone", "is not one of the client's phones"));
        }
        req.phone = Some(e164);
    }
    req.email_address = req
        .email_address
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if let Some(e) = &req.email_address {
        bounded(e, "email_address", 200)?;
        if e.parse::<lettre::Address>().is_err() {
            return Err(Error::invalid("email_address", "is not an e-mail address"));
        }
    }
    let now = Utc::now().to_rfc3339();
    state
        .store
        .set_client_notify(&id, &req, &user.0.username, &now)
        .await?;
    tracing::info!(by = %user.0.username, client = %id, sms = ?req.sms, email = ?req.email, "a client's notification choice changed");
    Ok(Json(client_view(&state, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogQuery {
    pub client_id: Option<String>,
    pub order_id: Option<String>,
    /// YYYY-MM-DD: the delivery's day.
    pub date: Option<String>,
    /// pending, sent, failed, skipped or received.
    pub status: Option<NotifyStatus>,
    /// 1 to 500; default 100.
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

#[utoipa::path(get, path = "/api/notifications", params(LogQuery),
    responses((status = 200, body = Vec<Notification>, description = "the messages sent, waiting or refused and the clients' answers, newest first"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<Vec<Notification>>> {
    user.require_operator()?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 500"));
    }
    let offset = q.offset.unwrap_or(0);
    if offset > 1_000_000 {
        return Err(Error::invalid("offset", "must be at most 1000000"));
    }
    if let Some(d) = &q.date {
        rodnik_shared::validate::date(d, "date")?;
    }
    for (v, f) in [(&q.client_id, "client_id"), (&q.order_id, "order_id")] {
        if let Some(v) = v {
            bounded(v, f, 100)?;
        }
    }
    let f = LogFilter {
        client_id: q.client_id,
        order_id: q.order_id,
        date: q.date,
        status: q.status,
        limit,
        offset,
    };
    Ok(Json(state.store.list_notifications(&f).await?))
}

#[utoipa::path(post, path = "/api/notifications/test", request_body = TestNotification,
    responses((status = 200, body = Notification, description = "queued: the worker sends it at once"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins"),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`notifications_off`: turn them on first"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn test(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TestNotification>,
) -> Result<Json<Notification>> {
    user.require_manager()?;
    let s = state.store.notify_settings().await?;
    if !s.enabled {
        return Err(Error::conflict(
            "notifications_off",
            "client notifications are off: turn them on and save first",
        ));
    }
    let to = match req.channel {
        NotifyChannel::Sms => {
            let p = Phone::parse(req.to.trim(), &state.cfg.phone_region)
                .map_err(|_| Error::invalid("to", "is not a phone number"))?
                .to_string();
            if !(p.starts_with("+79") && p.len() == 12) {
                return Err(Error::invalid("to", "SMS go to mobile numbers (+7 9xx)"));
            }
            if s.sms.is_none() {
                return Err(Error::invalid("channel", "no SMS gateway is set"));
            }
            p
        }
        NotifyChannel::Email => {
            let e = req.to.trim().to_string();
            bounded(&e, "to", 200)?;
            if e.parse::<lettre::Address>().is_err() {
                return Err(Error::invalid("to", "is not an e-mail address"));
            }
            if !s.email {
                return Err(Error::invalid("channel", "e-mail is not turned on"));
            }
            e
        }
        NotifyChannel::Link => {
            return Err(Error::invalid("channel", "must be sms or email"));
        }
    };
    let id = worker::test(&state.store, req.channel, &to, &user.0.username).await?;
    let n = state
        .store
        .notification(&id)
        .await?
        .ok_or_else(|| Error::Internal("a queued test message is missing".into()))?;
    Ok(Json(n))
}

#[utoipa::path(post, path = "/api/notifications/run",
    responses((status = 200, body = NotifyRun, description = "tomorrow's orders' evening messages queued now (those queued before are not queued again)"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins")))]
pub async fn run(State(state): State<AppState>, user: CurrentUser) -> Result<Json<NotifyRun>> {
    user.require_manager()?;
    Ok(Json(worker::evening(&state, true).await?))
}

// ---------------------------------------------------------------------------
// The short link's page.

/// What the page says, in the client's language (Russian unless the
/// browser asks for English first).
struct Words {
    en: bool,
}

impl Words {
    fn of(headers: &HeaderMap) -> Words {
        let lang = headers
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Words {
            en: lang.trim_start().to_ascii_lowercase().starts_with("en"),
        }
    }

    fn t(&self, ru: &'static str, en: &'static str) -> &'static str {
        if self.en {
            en
        } else {
            ru
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f7fb;color:#1b2733}\
main{max-width:30rem;margin:0 auto;padding:1rem}h1{font-size:1.3rem}\
.card{background:#fff;border-radius:.6rem;padding:1rem;margin:.8rem 0;box-shadow:0 1px 3px #0002}\
.state{font-weight:600}.done{background:#e5f6ea;border-left:4px solid #2b8a3e}\
.err{background:#fdecea;border-left:4px solid #c92a2a}\
button{font-size:1rem;padding:.6rem 1rem;border-radius:.4rem;border:0;background:#1864ab;color:#fff;width:100%;margin-top:.5rem}\
button.danger{background:#c92a2a}select{font-size:1rem;padding:.4rem;width:100%;margin:.3rem 0}\
ul{padding-left:1.2rem}";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html_page(status: StatusCode, w: &Words, title: &str, body: &str) -> Response {
    use base64::Engine as _;
    use sha2::Digest as _;
    let style_hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(STYLE));
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>",
        if w.en { "en" } else { "ru" },
        esc(title)
    );
    let mut r = (status, Html(html)).into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{style_hash}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )) {
        h.insert("content-security-policy", v);
    }
    // The page's address is its key: never cached by a proxy, never kept.
    h.insert("cache-control", HeaderValue::from_static("no-store"));
    r
}

fn gone(w: &Words) -> Response {
    html_page(
        StatusCode::NOT_FOUND,
        w,
        w.t("Ссылка не действует", "Link not valid"),
        &format!(
            "<div class=\"card err\"><h1>{}</h1><p>{}</p></div>",
            w.t("Ссылка больше не действует", "This link is no longer valid"),
            w.t(
                "Срок ссылки истёк или её адрес неполный. Позвоните нам, мы всё поправим.",
                "It has expired or its address is incomplete. Please call us.",
            )
        ),
    )
}

/// The link of `token` while it is valid: its order's id.
async fn valid_link(state: &AppState, token: &str) -> Result<Option<crate::store::notify::Link>> {
    if token.len() != 12 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let Some(link) = state.store.notify_link(&worker::token_hash(token)).await? else {
        return Ok(None);
    };
    if link.expires_at.as_str() <= crate::store::receipts::stamp(Utc::now()).as_str() {
        return Ok(None);
    }
    Ok(Some(link))
}

const DAYS_RU: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn day_label(w: &Words, d: NaiveDate) -> String {
    use chrono::Datelike;
    let wd = d.weekday().num_days_from_monday() as usize;
    if w.en {
        format!("{} {}", DAYS_EN[wd], d.format("%d.%m"))
    } else {
        format!("{} {}", DAYS_RU[wd], d.format("%d.%m"))
    }
}

fn window_label(w: Option<TimeWindow>, words: &Words) -> String {
    match w {
        Some(w) => format!("{}–{}", w.from.format("%H:%M"), w.to.format("%H:%M")),
        None => words.t("в течение дня", "during the day").into(),
    }
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let w = Words::of(&headers);
    let Some(link) = valid_link(&state, &token).await? else {
        return Ok(gone(&w));
    };
    let Some(o) = state.store.get_order(&link.order_id).await? else {
        return Ok(gone(&w));
    };
    let note = match q.done.as_deref() {
        Some("confirm") => Some(w.t(
            "Спасибо! Доставка подтверждена.",
            "Thank you! The delivery is confirmed.",
        )),
        Some("move") => Some(w.t(
            "Готово: доставка перенесена.",
            "Done: the delivery is moved.",
        )),
        Some("cancel") => Some(w.t("Заказ отменён.", "The order is cancelled.")),
        Some("changed") => Some(w.t(
            "Заказ только что изменился — посмотрите ещё раз.",
            "The order has just changed: please look again.",
        )),
        _ => None,
    };
    Ok(render(&state, &w, &o, note).await?)
}

async fn render(
    state: &AppState,
    w: &Words,
    o: &rodnik_shared::api::Order,
    note: Option<&str>,
) -> Result<Response> {
    let company = state.store.company_settings().await?;
    let s = state.store.notify_settings().await?;
    let sig = if s.signature.is_empty() {
        company.name.clone()
    } else {
        s.signature.clone()
    };
    let mut b = String::new();
    b.push_str(&format!("<h1>{}</h1>", esc(&sig)));
    if let Some(n) = note {
        b.push_str(&format!(
            "<div class=\"card done\" id=\"done\">{}</div>",
            esc(n)
        ));
    }
    let date = NaiveDate::parse_from_str(&o.delivery_date, "%Y-%m-%d").ok();
    let state_text = match o.state {
        OrderState::New => w.t("Ожидает доставки", "Awaiting delivery"),
        OrderState::Delivery => w.t("Передан курьеру", "With the courier"),
        OrderState::Delivered => w.t("Доставлен", "Delivered"),
        OrderState::Cancelled => w.t("Отменён", "Cancelled"),
    };
    b.push_str(&format!(
        "<div class=\"card\" id=\"order\"><div>{} №{}</div>\
         <p><b id=\"when\">{}, {}</b></p><p>{}</p><ul>",
        w.t("Заказ", "Order"),
        o.number,
        esc(&date
            .map(|d| day_label(w, d))
            .unwrap_or_else(|| o.delivery_date.clone())),
        esc(&window_label(o.window, w)),
        esc(&o.address.text),
    ));
    for l in &o.lines {
        b.push_str(&format!("<li>{} × {}</li>", esc(&l.name), l.qty));
    }
    b.push_str(&format!(
        "</ul><p>{}: {}</p><p class=\"state\" id=\"state\">{}</p>",
        w.t("Сумма", "Total"),
        esc(&format!("{} ₽", o.total.display())),
        state_text
    ));
    if let Some(at) = &o.confirmed_at {
        let t = chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| {
                t.with_timezone(&state.cfg.tz)
                    .format("%d.%m %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        b.push_str(&format!(
            "<p id=\"confirmed\">✓ {} {}</p>",
            w.t("Вы подтвердили доставку", "You confirmed the delivery"),
            esc(&t)
        ));
    }
    b.push_str("</div>");
    if o.state.is_open() {
        let v = o.version;
        if o.confirmed_at.is_none() {
            b.push_str(&format!(
                "<form method=\"post\" class=\"card\"><input type=\"hidden\" name=\"v\" value=\"{v}\">\
                 <button id=\"confirm\" name=\"action\" value=\"confirm\">{}</button></form>",
                w.t("Подтверждаю доставку", "I confirm the delivery")
            ));
        }
        let today = state.cfg.today();
        let mut days = String::new();
        for i in 1..=7u64 {
            let d = today + Days::new(i);
            let value = d.format("%Y-%m-%d").to_string();
            let selected = if value == o.delivery_date {
                " selected"
            } else {
                ""
            };
            days.push_str(&format!(
                "<option value=\"{value}\"{selected}>{}</option>",
                esc(&day_label(w, d))
            ));
        }
        let mut windows = String::new();
        for tw in TimeWindow::standard() {
            let value = format!("{}-{}", tw.from.format("%H:%M"), tw.to.format("%H:%M"));
            let selected = if Some(tw) == o.window {
                " selected"
            } else {
                ""
            };
            windows.push_str(&format!(
                "<option value=\"{value}\"{selected}>{}</option>",
                esc(&window_label(Some(tw), w))
            ));
        }
        b.push_str(&format!(
            "<form method=\"post\" class=\"card\" id=\"move\"><input type=\"hidden\" name=\"v\" value=\"{v}\">\
             <div>{}</div><select name=\"date\" id=\"move-date\">{days}</select>\
             <select name=\"window\" id=\"move-window\">{windows}</select>\
             <button id=\"move-go\" name=\"action\" value=\"move\">{}</button></form>",
            w.t("Перенести на другой день или время", "Move to another day or time"),
            w.t("Перенести", "Move")
        ));
        b.push_str(&format!(
            "<form method=\"post\" class=\"card\" id=\"cancel\"><input type=\"hidden\" name=\"v\" value=\"{v}\">\
             <label><input type=\"checkbox\" name=\"sure\" value=\"1\" id=\"cancel-sure\" required> {}</label>\
             <button class=\"danger\" id=\"cancel-go\" name=\"action\" value=\"cancel\">{}</button></form>",
            w.t("Да, заказ не нужен", "Yes, I do not need this order"),
            w.t("Отменить заказ", "Cancel the order")
        ));
    }
    if !company.phone.is_empty() {
        b.push_str(&format!(
            "<p>{} <a href=\"tel:{}\">{}</a></p>",
            w.t("Вопросы:", "Questions:"),
            esc(&company.phone.replace([' ', '(', ')', '-'], "")),
            esc(&company.phone)
        ));
    }
    Ok(html_page(
        StatusCode::OK,
        w,
        &format!("{} №{}", w.t("Заказ", "Order"), o.number),
        &b,
    ))
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    action: String,
    v: i64,
    date: Option<String>,
    window: Option<String>,
    sure: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: std::result::Result<Form<ActForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response> {
    let w = Words::of(&headers);
    let Some(link) = valid_link(&state, &token).await? else {
        return Ok(gone(&w));
    };
    let Ok(Form(f)) = form else {
        return Ok(Redirect::to(&format!("/s/{token}")).into_response());
    };
    let bad = |why: &str| -> Response {
        html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &w,
            "",
            &format!(
                "<div class=\"card err\">{}</div><p><a href=\"/s/{}\">{}</a></p>",
                esc(why),
                esc(&token),
                w.t("Назад", "Back")
            ),
        )
    };
    let change = match f.action.as_str() {
        "confirm" => ClientChange::Confirm,
        "cancel" if f.sure.as_deref() == Some("1") => ClientChange::Cancel,
        "cancel" => {
            return Ok(bad(w.t(
                "Отметьте, что заказ не нужен.",
                "Tick that you do not need the order.",
            )))
        }
        "move" => {
            let today = state.cfg.today();
            let date = f
                .date
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .filter(|d| *d > today && *d <= today + Days::new(7));
            let window = f.window.as_deref().and_then(|v| {
                let (a, b) = v.split_once('-')?;
                TimeWindow::parse(
                    &rodnik_shared::values::WindowInput {
                        from: a.into(),
                        to: b.into(),
                    },
                    "window",
                )
                .ok()
            });
            match (date, window) {
                (Some(d), Some(tw)) if TimeWindow::standard().contains(&tw) => ClientChange::Move {
                    date: d.format("%Y-%m-%d").to_string(),
                    window: tw,
                },
                _ => {
                    return Ok(bad(w.t(
                        "Выберите день и время из списка.",
                        "Choose a day and a time from the list.",
                    )))
                }
            }
        }
        _ => return Ok(bad(w.t("Непонятное действие.", "Unknown action."))),
    };
    let done = match &change {
        ClientChange::Confirm => "confirm",
        ClientChange::Cancel => "cancel",
        ClientChange::Move { .. } => "move",
    };
    match client_change(&state, &link.order_id, f.v, &change).await {
        Ok(o) => {
            let what = match &change {
                ClientChange::Confirm => "Клиент подтвердил доставку".to_string(),
                ClientChange::Cancel => "Клиент отменил заказ".to_string(),
                ClientChange::Move { date, window } => format!(
                    "Клиент перенёс доставку на {} {}–{}",
                    date,
                    window.from.format("%H:%M"),
                    window.to.format("%H:%M")
                ),
            };
            if let ClientChange::Move { date, .. } = &change {
                // The link lives to the end of the new day.
                if let Ok(d) = NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                    let end = (d + Days::new(1)).and_time(chrono::NaiveTime::MIN);
                    let end = chrono::TimeZone::from_local_datetime(&state.cfg.tz, &end)
                        .earliest()
                        .map(|t| crate::store::receipts::stamp(t.with_timezone(&Utc)));
                    if let Some(end) = end {
                        state
                            .store
                            .extend_notify_link(&worker::token_hash(&token), &end)
                            .await?;
                    }
                }
            }
            if let Err(e) = worker::reply(&state.store, &o, &what).await {
                tracing::warn!(order = %o.id, error = %e, "a client's answer was not logged");
            }
            tracing::info!(order = %o.id, action = done, "a client answered through the link");
            Ok(Redirect::to(&format!("/s/{token}?done={done}")).into_response())
        }
        Err(Error::Conflict { code, .. }) if code != "invalid_transition" => {
            Ok(Redirect::to(&format!("/s/{token}?done=changed")).into_response())
        }
        Err(Error::Conflict { .. }) | Err(Error::Validation(_)) => Ok(bad(w.t(
            "Этот заказ уже нельзя изменить. Позвоните нам.",
            "This order can no longer be changed. Please call us.",
        ))),
        Err(e) => Err(e),
    }
}
