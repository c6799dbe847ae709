//! The PBX adapters' webhooks (Mango Office, Zadarma), their settings,
//! operator presence (`PUT /api/me/extension`) and click-to-call.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rodnik_shared::api::{
    CallEventKind, CallState, ErrorBody, ErrorDetail, OriginateRequest, OriginateResponse,
    PbxProvider, PutTelephonySettings, SetExtension, TelephonySettingsView, User,
};
use rodnik_shared::validate;

use super::extract::{ApiJson, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::telephony::originate::{originate, OriginateError};
use crate::telephony::recordings::{self, FetchError};
use crate::telephony::{ingest, mango, zadarma, Incoming};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/telephony/mango/{*path}", post(mango_event))
        .route("/telephony/zadarma", post(zadarma_event).get(zadarma_echo))
        .route("/settings/telephony", get(get_settings).put(put_settings))
        .route("/me/extension", put(set_extension))
        .route("/calls/originate", post(originate_call))
        .route("/recordings/{id}", get(play_recording))
}

fn form(body: &[u8]) -> Result<BTreeMap<String, String>> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| Error::BadRequest("expected an application/x-www-form-urlencoded body".into()))
}

/// Mango Office's form, as the spec describes it (read as a map).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MangoForm {
    pub vpbx_api_key: String,
    /// hex SHA-256 of api_key + json + api_salt
    pub sign: String,
    /// the event, as JSON text
    pub json: String,
}

/// Zadarma's notification form, as the spec describes it (read as a map;
/// other fields Zadarma adds are ignored).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ZadarmaForm {
    /// NOTIFY_START, NOTIFY_INTERNAL, NOTIFY_ANSWER, NOTIFY_END, NOTIFY_OUT_*, ...
    pub event: String,
    /// `YYYY-MM-DD HH:MM:SS` on the account's clock
    pub call_start: Option<String>,
    pub pbx_call_id: Option<String>,
    pub caller_id: Option<String>,
    pub called_did: Option<String>,
    pub internal: Option<String>,
    pub destination: Option<String>,
    pub disposition: Option<String>,
}

/// Mango Office posts every event here: `events/call` and `events/summary`
/// change calls; the other `events/...` it may send are acknowledged.
#[utoipa::path(post, path = "/api/telephony/mango/{path}",
    params(("path" = String, Path, description = "events/call, events/summary, or any other events/... Mango posts")),
    request_body(content = MangoForm, content_type = "application/x-www-form-urlencoded",
                 description = "vpbx_api_key, sign = hex SHA-256 of key + json + salt, json"),
    responses((status = 200), (status = 401, body = ErrorBody)))]
pub async fn mango_event(
    State(state): State<AppState>,
    Path(path): Path<String>,
    body: Bytes,
) -> Result<StatusCode> {
    let eff = state.telephony.settings().await?;
    let (Some(key), Some(salt), true) = (
        eff.mango.get("api_key"),
        eff.mango.get("api_salt"),
        eff.mango.active(),
    ) else {
        return Err(Error::Unauthorized);
    };
    let f = form(&body)?;
    let field = |n: &str| f.get(n).map(String::as_str).unwrap_or("");
    let json = field("json");
    if !mango::verify(key, salt, field("vpbx_api_key"), json, field("sign")) {
        return Err(Error::Unauthorized);
    }
    let bad = |_| Error::BadRequest("the json field does not match Mango's event format".into());
    let path = path.trim_matches('/');
    match path {
        "events/call" => {
            let ev: mango::CallEvent = serde_json::from_str(json).map_err(bad)?;
            let seen = format!(
                "mango|{}|{}|{}",
                ev.call_id,
                ev.seq.map(|s| s.to_string()).unwrap_or_default(),
                ev.call_state
            );
            if state.store.pbx_event_seen(&seen).await? {
                return Ok(StatusCode::OK);
            }
            if let Some(inc) = mango::leg_event(&ev) {
                // A leg's end ends the call only when it was the answered leg:
                // a call that stops ringing at one operator may ring at another.
                let apply = match inc.kind {
                    CallEventKind::Ended => {
                        state.store.find_call(&inc.call_id).await?.is_some_and(|c| {
                            c.state == CallState::Answered && c.extension == inc.extension
                        })
                    }
                    _ => true,
                };
                if apply {
                    ingest(&state.store, &state.cfg, inc).await?;
                }
            }
            state
                .store
                .mark_pbx_event(&seen, &chrono::Utc::now().to_rfc3339())
                .await?;
        }
        "events/summary" => {
            let s: mango::Summary = serde_json::from_str(json).map_err(bad)?;
            let seen = format!("mango|summary|{}", s.entry_id);
            if state.store.pbx_event_seen(&seen).await? {
                return Ok(StatusCode::OK);
            }
            for inc in mango::summary_events(&s) {
                ingest(&state.store, &state.cfg, inc).await?;
            }
            state
                .store
                .mark_pbx_event(&seen, &chrono::Utc::now().to_rfc3339())
                .await?;
        }
        // A recording in the cloud storage: the call's history can play it.
        "events/record/added" | "events/recording" => {
            let kept = if path == "events/record/added" {
                let r: mango::RecordAdded = serde_json::from_str(json).map_err(bad)?;
                Some((r.recording_id, r.entry_id, r.timestamp, None))
            } else {
                let r: mango::RecordingEvent = serde_json::from_str(json).map_err(bad)?;
                r.kept_in_cloud()
                    .then_some((r.recording_id, r.entry_id, r.timestamp, r.extension))
            };
            if let Some((recording, entry, at, extension)) = kept {
                state
                    .store
                    .add_recording(
                        PbxProvider::Mango,
                        &recording,
                        &mango::rodnik_call_id(&entry),
                        &mango::when(at).to_rfc3339(),
                        extension.as_deref(),
                    )
                    .await?;
            }
        }
        // DTMF, SMS, call-back results...: signed, and not needed.
        _ => {}
    }
    Ok(StatusCode::OK)
}

/// Zadarma's PBX notifications (`NOTIFY_*`), signed in the `Signature` header.
#[utoipa::path(post, path = "/api/telephony/zadarma",
    request_body(content = ZadarmaForm, content_type = "application/x-www-form-urlencoded",
                 description = "Zadarma's NOTIFY_START / NOTIFY_INTERNAL / NOTIFY_ANSWER / NOTIFY_END form"),
    responses((status = 200), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "the sender's address is not in the Zadarma `sources` setting", body = ErrorBody),
        (status = 422, description = "`call_start` is missing, unreadable, or not within the call's life (stale or replayed)",
         body = ErrorBody)))]
pub async fn zadarma_event(
    State(state): State<AppState>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode> {
    let eff = state.telephony.settings().await?;
    let (Some(secret), true) = (eff.zadarma.get("secret"), eff.zadarma.active()) else {
        return Err(Error::Unauthorized);
    };
    if let Some(sources) = eff.zadarma.get("sources") {
        let allowed = crate::telephony::settings::parse_sources(sources).unwrap_or_default();
        let from = super::extract::client_address(
            peer.map(|p| p.0 .0),
            &headers,
            &state.cfg.trusted_proxies,
        );
        if !allowed.is_empty() && !from.is_some_and(|a| allowed.iter().any(|n| n.contains(&a))) {
            tracing::warn!(
                ?from,
                "Zadarma notification from an address not in its sources"
            );
            return Err(Error::Forbidden(
                "this address may not send Zadarma notifications".into(),
            ));
        }
    }
    let f = form(&body)?;
    let sig = headers.get("signature").and_then(|v| v.to_str().ok());
    match zadarma::verify(secret, &f, sig) {
        // A kind we do not act on: acknowledged, nothing recorded.
        None => return Ok(StatusCode::OK),
        Some(false) => return Err(Error::Unauthorized),
        Some(true) => {}
    }
    if !zadarma::is_incoming(&f) {
        return Ok(StatusCode::OK);
    }
    // Only the signed fields are trusted: the call's start must fall within
    // the call's plausible life, so a captured notification goes stale.
    let tz = eff
        .zadarma
        .get("tz")
        .and_then(|t| crate::telephony::settings::parse_tz(t).ok())
        .unwrap_or(state.cfg.tz);
    let start = zadarma::call_start(&f, tz).map_err(|m| Error::invalid("call_start", m))?;
    zadarma::check_fresh(start, chrono::Utc::now()).map_err(|m| Error::invalid("call_start", m))?;
    let seen = zadarma::dedupe_key(&f);
    if state.store.pbx_event_seen(&seen).await? {
        return Ok(StatusCode::OK);
    }
    let events: Vec<Incoming> = zadarma::events(&f);
    let Some(first) = events.first() else {
        return Ok(StatusCode::OK);
    };
    // NOTIFY_END is Zadarma's last word on a call and carries whether it was
    // answered: after it, nothing (an unsigned `disposition` or `internal` in
    // a copy) may change the call again.
    if let Some(call) = state.store.find_call(&first.call_id).await? {
        if call.state == CallState::Ended {
            return Ok(StatusCode::OK);
        }
    }
    for inc in events {
        ingest(&state.store, &state.cfg, inc).await?;
    }
    state
        .store
        .mark_pbx_event(&seen, &chrono::Utc::now().to_rfc3339())
        .await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct EchoQuery {
    pub zd_echo: Option<String>,
}

/// Zadarma checks the URL with `?zd_echo=<value>` before saving it.
#[utoipa::path(get, path = "/api/telephony/zadarma", params(EchoQuery),
    responses((status = 200, description = "the echo value, as text"), (status = 400, body = ErrorBody)))]
pub async fn zadarma_echo(Query(q): Query<EchoQuery>) -> Result<Response> {
    let echo = q.zd_echo.unwrap_or_default();
    // Echo only what a check looks like: never arbitrary content.
    if echo.is_empty()
        || echo.len() > 128
        || !echo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::BadRequest(
            "zd_echo must be 1 to 128 letters or digits".into(),
        ));
    }
    Ok(([("content-type", "text/plain; charset=utf-8")], echo).into_response())
}

#[utoipa::path(get, path = "/api/settings/telephony",
    responses((status = 200, body = TelephonySettingsView), (status = 403, body = ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<TelephonySettingsView>> {
    user.require_admin()?;
    let eff = state.telephony.settings().await?;
    Ok(Json(eff.view(state.telephony.ami.connected())))
}

/// Secrets are write-only: the answer says which are set, never their values.
#[utoipa::path(put, path = "/api/settings/telephony", request_body = PutTelephonySettings,
    responses((status = 200, body = TelephonySettingsView), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(put): ApiJson<PutTelephonySettings>,
) -> Result<Json<TelephonySettingsView>> {
    user.require_admin()?;
    state
        .store
        .update_telephony_settings(|s| s.apply(&put))
        .await?;
    state.telephony.reload().await?;
    // Names only: values may be secrets.
    let changed: Vec<&str> = [
        ("generic", put.generic.is_some()),
        ("mango", put.mango.is_some()),
        ("zadarma", put.zadarma.is_some()),
        ("asterisk", put.asterisk.is_some()),
        ("originate", put.originate.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, c)| c.then_some(n))
    .collect();
    tracing::info!(by = %user.0.username, ?changed, "telephony settings changed");
    let eff = state.telephony.settings().await?;
    Ok(Json(eff.view(state.telephony.ami.connected())))
}

/// The operator sits at this phone: ringing calls for it pop on their screen.
/// Whoever held the extension before loses it.
#[utoipa::path(put, path = "/api/me/extension", request_body = SetExtension,
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_extension(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<SetExtension>,
) -> Result<Json<User>> {
    user.require_operator()?;
    let ext = validate::extension(req.extension.as_deref(), "extension")?;
    let me = state
        .store
        .take_extension(user.id(), ext.as_deref())
        .await?;
    Ok(Json(me))
}

struct PbxFailed(String);

impl IntoResponse for PbxFailed {
    fn into_response(self) -> Response {
        let error = ErrorDetail {
            code: "pbx_error".into(),
            message: self.0,
            field: None,
        };
        (StatusCode::BAD_GATEWAY, Json(ErrorBody { error })).into_response()
    }
}

/// Click-to-call: the PBX rings the operator's extension, then the number.
#[utoipa::path(post, path = "/api/calls/originate", request_body = OriginateRequest,
    responses((status = 200, body = OriginateResponse), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn originate_call(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<OriginateRequest>,
) -> std::result::Result<Json<OriginateResponse>, Response> {
    user.require_operator()
        .map_err(IntoResponse::into_response)?;
    let phone = validate::phone(&req.phone, &state.cfg.phone_region, "phone")
        .map_err(|e| Error::from(e).into_response())?;
    if let Some(id) = req.client_id.as_deref().filter(|s| !s.is_empty()) {
        let found = state
            .store
            .get_client(id)
            .await
            .map_err(IntoResponse::into_response)?;
        if found.is_none() {
            return Err(Error::invalid("client_id", "no such client").into_response());
        }
    }
    let Some(extension) = user.0.extension.clone() else {
        return Err(Error::invalid(
            "extension",
            "set the extension of your phone first (PUT /api/me/extension)",
        )
        .into_response());
    };
    let eff = state
        .telephony
        .settings()
        .await
        .map_err(IntoResponse::into_response)?;
    let number = phone.to_string().trim_start_matches('+').to_string();
    let request_id = format!("rodnik-{}", uuid::Uuid::new_v4().simple());
    match originate(&state.telephony, &eff, &extension, &number, &request_id).await {
        Ok(provider) => {
            tracing::info!(user = %user.0.username, ?provider, %request_id, "click-to-call placed");
            Ok(Json(OriginateResponse {
                provider,
                phone: phone.to_string(),
                extension,
                request_id,
            }))
        }
        Err(OriginateError::NotConfigured) => Err(Error::conflict(
            "telephony_not_configured",
            "no PBX that can place calls is configured (Settings, Telephony)",
        )
        .into_response()),
        Err(OriginateError::Refused(m)) => {
            tracing::warn!(user = %user.0.username, error = %m, "click-to-call refused");
            Err(Error::conflict("provider_host_not_allowed", m).into_response())
        }
        Err(OriginateError::Provider(m)) => {
            tracing::warn!(user = %user.0.username, error = %m, "click-to-call failed");
            Err(PbxFailed(m).into_response())
        }
    }
}

/// A call's recording (an id from the client's history), fetched from the PBX
/// and passed on as audio: `<audio>` plays it, a link downloads it.
#[utoipa::path(get, path = "/api/recordings/{id}",
    params(("id" = String, Path, description = "a recording's id from `GET /api/clients/{id}/history`")),
    responses((status = 200, description = "the audio, as the PBX keeps it (Mango: MP3, `audio/mpeg`; another PBX's type otherwise)",
               content_type = "audio/mpeg", body = Vec<u8>),
              (status = 403, body = ErrorBody),
              (status = 404, description = "no such recording, or the PBX does not have it (yet)", body = ErrorBody),
              (status = 409, description = "the PBX's keys are not set, or would go where they must not", body = ErrorBody),
              (status = 502, body = ErrorBody)))]
pub async fn play_recording(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> std::result::Result<Response, Response> {
    user.require_operator()
        .map_err(IntoResponse::into_response)?;
    let id = id.trim();
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::not_found("recording").into_response());
    }
    let rec = state
        .store
        .recording(id)
        .await
        .map_err(IntoResponse::into_response)?
        .ok_or_else(|| Error::not_found("recording").into_response())?;
    let eff = state
        .telephony
        .settings()
        .await
        .map_err(IntoResponse::into_response)?;
    let audio = match recordings::fetch(&state.telephony, &eff, &rec).await {
        Ok(r) => r,
        Err(FetchError::NotConfigured) => {
            return Err(Error::conflict(
                "telephony_not_configured",
                "the PBX's API keys are not set (Settings, Telephony)",
            )
            .into_response())
        }
        Err(FetchError::Refused(m)) => {
            tracing::warn!(user = %user.0.username, error = %m, "recording refused");
            return Err(Error::conflict("provider_host_not_allowed", m).into_response());
        }
        Err(FetchError::Unavailable) => {
            let error = ErrorDetail {
                code: "recording_unavailable".into(),
                message: "the PBX does not have this recording: it may still be uploading (try again in a minute) or it was deleted".into(),
                field: None,
            };
            return Err((StatusCode::NOT_FOUND, Json(ErrorBody { error })).into_response());
        }
        Err(FetchError::Provider(m)) => {
            tracing::warn!(user = %user.0.username, call = %rec.call_id, error = %m, "recording failed");
            return Err(PbxFailed(m).into_response());
        }
    };
    let kind = audio
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| k.starts_with("audio/"))
        // Mango says `audio/mp3`; MP3's registered type is `audio/mpeg`.
        .map(|k| match k.split(';').next().unwrap_or_default() {
            "audio/mp3" | "audio/mpeg3" | "audio/x-mp3" => "audio/mpeg".to_string(),
            _ => k,
        })
        .unwrap_or_else(|| "audio/mpeg".to_string());
    let mut resp = Response::builder()
        .status(StatusCode::OK)
        .header(axum::http::header::CONTENT_TYPE, kind)
        .header(axum::http::header::CACHE_CONTROL, "private, no-store")
        .header(
            axum::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"recording-{id}.mp3\""),
        );
    if let Some(len) = audio.content_length() {
        resp = resp.header(axum::http::header::CONTENT_LENGTH, len);
    }
    resp.body(axum::body::Body::from_stream(audio.bytes_stream()))
        .map_err(|e| Error::Internal(format!("recording response: {e}")).into_response())
}
