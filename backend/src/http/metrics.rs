//! `GET /metrics` (Prometheus text format) and the layer that times every
//! request by its route pattern. Off unless `RODNIK_METRICS_TOKEN` is set
//! (then the bearer token must match) or `--metrics-listen` gives it a
//! listener of its own (there the token is asked for only if one is set).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::{Error, Result};
use crate::http::extract::bearer;
use crate::metrics::{metrics, HttpLabels, CONTENT_TYPE};

/// Times the request under its route pattern (`/api/orders/{id}`); requests
/// that matched no route (static files, unknown paths) share `other`.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "other".to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    crate::app::note_request();
    let resp = next.run(req).await;
    crate::app::note_request();
    let status = format!("{}xx", resp.status().as_u16() / 100);
    metrics().observe_request(
        HttpLabels {
            method,
            route,
            status,
        },
        started.elapsed(),
    );
    resp
}

/// Equal without telling by its timing how much of a guess was right.
pub fn same_secret(given: &str, secret: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(secret.as_bytes())
}

#[utoipa::path(get, path = "/metrics",
    description = "Prometheus text format (0.0.4): request latency per route, live sockets, live drops and resyncs, transaction conflicts and retries, backups and backup age. Needs `Authorization: Bearer <RODNIK_METRICS_TOKEN>`; 404 when metrics are off on this listener. User sessions are refused (403).",
    responses((status = 200, description = "the metrics", content_type = "text/plain"),
              (status = 401, description = "no bearer token"),
              (status = 403, description = "not the metrics token"),
              (status = 404, description = "metrics are off here")))]
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let Some(token) = state.cfg.metrics_token.as_deref() else {
        return Err(Error::not_found("endpoint"));
    };
    check(&headers, token)?;
    Ok(render())
}

fn check(headers: &HeaderMap, token: &str) -> Result<()> {
    let given = bearer(headers).ok_or(Error::Unauthorized)?;
    if same_secret(given, token) {
        Ok(())
    } else {
        Err(Error::forbidden("only the metrics token opens /metrics"))
    }
}

fn render() -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics().render()).into_response()
}

/// The router of `--metrics-listen`: `/metrics` only.
pub fn own_listener(token: Option<String>) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move |headers: HeaderMap| {
                let token = token.clone();
                async move {
                    if let Some(t) = token.as_deref() {
                        check(&headers, t)?;
                    }
                    Ok::<_, Error>(render())
                }
            }),
        )
        .fallback(|| async { Error::not_found("endpoint") })
}
