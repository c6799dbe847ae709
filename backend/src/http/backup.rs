//! `GET /api/backup`: a consistent backup of the whole database, streamed
//! (crate::backup has the format). For admins, and for the token that
//! `serve` writes into its database folder's control file, which is what
//! `rodnik backup --db FOLDER` uses while the server has the folder open.

use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::{header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use crate::backup::{backup_stream, Source};
use crate::error::{Error, Result};
use crate::http::extract::{bearer, CurrentUser};
use crate::http::metrics::same_secret;

pub fn router() -> Router<AppState> {
    Router::new().route("/backup", get(download))
}

#[utoipa::path(get, path = "/api/backup",
    description = "The whole database as one snapshot (SurrealQL between a header line and an end line with a SHA-256 of the rest; see docs/operations.md). Admins only, or the server's local backup token from its control file.",
    responses((status = 200, description = "the backup file", content_type = "application/octet-stream"),
              (status = 401, description = "not logged in"),
              (status = 403, description = "not an admin")))]
pub async fn download(State(state): State<AppState>, mut parts: Parts) -> Result<Response> {
    let local = match (bearer(&parts.headers), state.cfg.backup_token.as_deref()) {
        (Some(given), Some(token)) => same_secret(given, token),
        _ => false,
    };
    let who = if local {
        "the local backup token".to_string()
    } else {
        let user = CurrentUser::from_request_parts(&mut parts, &state).await?;
        user.require_admin()?;
        format!("user {}", user.0.username)
    };
    let source = Source::of(&state).map_err(|e| Error::Internal(e.to_string()))?;
    let stream = backup_stream(&source).await.map_err(|e| {
        tracing::error!(error = %e, "starting a backup");
        Error::Internal(e.to_string())
    })?;
    tracing::info!(by = %who, "backup download started");
    let name = format!(
        "rodnik-{}.surql",
        chrono::Utc::now().format("%Y%m%d-%H%M%SZ")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
