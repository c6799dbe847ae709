//! The HTTP API: one module per resource, each with its own `router()`.

mod call_lists;
mod catalogue;
mod clients;
pub mod error;
pub mod extract;
mod idempotency;
mod openapi;
mod orders;
mod pbx;
mod reports;
mod telephony;
mod users;
mod wallboard;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{middleware, Json, Router};
use rodnik_shared::api::{ErrorBody, ErrorDetail};
use tower_http::services::{ServeDir, ServeFile};

use crate::app::AppState;
use crate::error::Error;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(users::router())
        .merge(catalogue::router())
        .merge(clients::router())
        .merge(orders::router())
        .merge(telephony::router())
        .merge(pbx::router())
        .merge(reports::router())
        .merge(call_lists::router())
        .merge(wallboard::router())
        .route("/live", get(crate::live::socket::upgrade))
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
        ));
    let app = Router::new().nest("/api", api);
    let app = match state.cfg.static_dir.as_ref().filter(|d| d.join("index.html").exists()) {
        Some(dir) => app.fallback_service(
            ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))),
        ),
        None => app.fallback(|| async {
            (
                StatusCode::OK,
                Html("<h1>Rodnik</h1><p>The API is up at <code>/api</code>. The web app is not built: run <code>cargo xtask run</code>.</p>"),
            )
                .into_response()
        }),
    };
    app.with_state(state)
        .layer(
            // The path only: the live channel's query string carries a token.
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                },
            ),
        )
}
