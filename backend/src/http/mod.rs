//! The HTTP API: one module per resource, each with its own `router()`.

mod account;
mod backup;
mod bank;
mod call_lists;
mod cash;
mod catalogue;
mod clients;
mod documents;
mod equipment;
pub mod error;
pub mod extract;
mod idempotency;
mod live;
pub mod metrics;
mod notify;
mod openapi;
mod orders;
mod pbx;
mod planning;
mod ready;
mod reasons;
mod receipts;
mod rentals;
mod reports;
pub(crate) mod rhythm;
pub mod server;
pub(crate) mod standing;
mod telephony;
mod users;
mod wallboard;

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{middleware, Json, Router};
use rodnik_shared::api::{ErrorBody, ErrorDetail};
use tower_http::services::{ServeDir, ServeFile};

use crate::app::AppState;
use crate::error::Error;

/// Answers 503 `timeout` to an API request that runs longer than
/// `request_timeout` (the live channel's upgrade answers at once; the socket
/// it opens is not a request; `GET /api/backup` is not limited).
async fn time_limit(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(state.cfg.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => Error::Timeout.into_response(),
    }
}

/// Serves until the listener fails or the process ends (and starts the
/// process's background work, `app::start_background`).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    crate::app::start_background(&state);
    standing::generate_periodically(&state);
    rhythm::fill_in_background(&state);
    notify::start(&state);
    // Header-read deadline, connection caps, and the peer's address for
    // handlers (login throttling, Zadarma's sources): http/server.rs.
    let limits = state.cfg.connections.clone();
    let exempt = state.cfg.trusted_proxies.clone();
    server::serve(listener, router(state), limits, exempt).await
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(users::router())
        .merge(catalogue::router())
        .merge(clients::router())
        .merge(account::router())
        .merge(documents::router())
        .merge(bank::router())
        .merge(equipment::router())
        .merge(orders::router())
        .merge(rentals::router())
        .merge(reasons::router())
        .merge(receipts::router())
        .merge(cash::router())
        .merge(telephony::router())
        .merge(pbx::router())
        .merge(planning::router())
        .merge(reports::router())
        .merge(call_lists::router())
        .merge(standing::router())
        .merge(rhythm::router())
        .merge(notify::router())
        .merge(wallboard::router())
        .merge(ready::router())
        .route("/live", get(live::upgrade))
        .route("/openapi.json", get(openapi::spec))
        .fallback(|| async { Error::not_found("endpoint") })
        .method_not_allowed_fallback(|| async {
            let error = ErrorDetail {
                code: "method_not_allowed".into(),
                message: "this endpoint does not take that method".into(),
                field: None,
            };
            (StatusCode::METHOD_NOT_ALLOWED, Json(ErrorBody { error }))
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        // After the layers: a backup of a large company takes as long as it takes.
        .merge(backup::router());
    let app = Router::new()
        .nest("/api", api)
        // Routed even when off, so that it is a 404 and not the web app.
        .route("/metrics", get(metrics::scrape))
        // A client's page of a notification's short link (no session).
        .merge(notify::page_router());
    let app = match state.cfg.static_dir.as_ref().filter(|d| d.join("index.html").exists()) {
        Some(dir) => app.fallback_service(
            web_app(dir)
                // The console's wasm is ~3.3 MB raw, ~1.1 MB gzipped.
                .layer(tower_http::compression::CompressionLayer::new())
                .layer(middleware::from_fn(cache_headers)),
        ),
        None => app.fallback(|| async {
            (
                StatusCode::OK,
                Html("<h1>Rodnik</h1><p>The API is up at <code>/api</code>. The web app is not built: run <code>cargo xtask run</code>.</p>"),
            )
                .into_response()
        }),
    };
    let csp = content_security_policy(state.cfg.static_dir.as_deref());
    app.with_state(state)
        // Applied to each route, so it sees the route's pattern (MatchedPath).
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(move |req, next| {
            security_headers(csp.clone(), req, next)
        }))
        .layer(
            // The path only: the live channel's query string carries a token.
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                },
            ),
        )
}

/// The two Trunk builds: the courier app (`<dir>/courier`, its own smaller
/// build) at `/courier` and under it, every other path the console, each
/// falling back to its own `index.html` so that a reload of any page works.
fn web_app(dir: &std::path::Path) -> Router {
    let console = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    let courier = dir.join(COURIER_DIR);
    if !courier.join("index.html").exists() {
        tracing::warn!(
            "{} has no courier build ({COURIER_DIR}/index.html): `cargo xtask frontend` builds both apps",
            dir.display()
        );
        return Router::new().fallback_service(console);
    }
    let index = courier.join("index.html");
    Router::new()
        .nest_service(
            "/courier",
            ServeDir::new(&courier).fallback(ServeFile::new(index)),
        )
        .fallback_service(console)
}

/// Where the courier build sits in the static dir, and its URL.
const COURIER_DIR: &str = "courier";

/// The Content-Security-Policy of every answer: only this origin's scripts,
/// plus the one inline module Trunk writes into index.html (allowed by its
/// hash, read from the built file), WebAssembly compilation, and nothing may
/// frame the app.
fn content_security_policy(static_dir: Option<&std::path::Path>) -> Arc<HeaderValue> {
    use base64::Engine as _;
    use sha2::Digest as _;
    // Both builds' pages (the console's and the courier's) carry an inline module.
    let index: String = static_dir
        .map(|d| {
            [d.join("index.html"), d.join(COURIER_DIR).join("index.html")]
                .iter()
                .filter_map(|f| std::fs::read_to_string(f).ok())
                .collect()
        })
        .unwrap_or_default();
    let mut hashes = String::new();
    let mut rest = index.as_str();
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let (Some(tag_end), Some(close)) = (after.find('>'), after.find("</script>")) else {
            break;
        };
        let tag = &after[..tag_end];
        if !tag.contains("src=") && tag_end < close {
            let body = &after[tag_end + 1..close];
            let digest = sha2::Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[close + "</script>".len()..];
    }
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    Arc::new(
        HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'",
        )),
    )
}

/// Security headers on every answer (pages, files and the API).
async fn security_headers(
    csp: Arc<HeaderValue>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    // A page with a policy of its own (the short link's) keeps it.
    if !h.contains_key("content-security-policy") {
        h.insert("content-security-policy", (*csp).clone());
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // The wallboard's key is in its address: never sent on to another site.
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    r
}

/// Trunk's hashed files (`name-<16 hex>.ext`) never change: cache them for a
/// year. Everything else (index.html, sw.js, the manifest, icons) is checked
/// with the server on every load, so a new build is picked up at once. The
/// courier's service worker may take `/courier` as its scope.
async fn cache_headers(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let hashed = is_hashed_asset(req.uri().path());
    // The courier's worker sits in /courier/ and looks after /courier itself.
    let courier_worker = req.uri().path() == "/courier/sw.js";
    let mut resp = next.run(req).await;
    if courier_worker {
        resp.headers_mut().insert(
            "service-worker-allowed",
            HeaderValue::from_static("/courier"),
        );
    }
    if resp.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        resp.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static(value),
        );
    }
    resp
}

fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    // "rodnik-frontend-c6f0ea6c5011d6f6_bg" or "styles-db28a156f6f64ddc"
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // Trunk prints a u64 in hex without padding: up to 16 digits.
    stem.rsplit_once('-').is_some_and(|(_, h)| {
        (8..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_assets_are_told_apart() {
        assert!(super::is_hashed_asset(
            "/rodnik-frontend-c6f0ea6c5011d6f6_bg.wasm"
        ));
        assert!(super::is_hashed_asset("/styles-db28a156f6f64ddc.css"));
        assert!(super::is_hashed_asset(
            "/rodnik-frontend-6b6bb0bb964359_bg.wasm"
        ));
        assert!(!super::is_hashed_asset("/rodnik-frontend.js"));
        assert!(!super::is_hashed_asset("/index.html"));
        assert!(!super::is_hashed_asset("/sw.js"));
        assert!(!super::is_hashed_asset("/courier"));
        assert!(!super::is_hashed_asset("/icons/icon-192.png"));
    }
}
