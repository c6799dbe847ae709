//! `GET /api/ready`: readiness for a load balancer or an orchestrator. Unlike
//! `/api/health` (the process answers), it reads the database: 200 when the
//! schema is at this version's, 503 otherwise (still migrating, the database
//! unreachable). Public, like health: it tells nothing about the data.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::store::SCHEMA_VERSION;

pub fn router() -> Router<AppState> {
    Router::new().route("/ready", get(ready))
}

#[utoipa::path(get, path = "/api/ready",
    description = "200 when the database answers and its schema is this version's; 503 with the reason otherwise.",
    responses((status = 200, description = "ready"), (status = 503, description = "not ready")))]
pub async fn ready(State(state): State<AppState>) -> Response {
    let check = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        state
            .store
            .one("RETURN meta:schema.version", Value::Null, vec![]),
    )
    .await;
    let (status, reason) = match check {
        Ok(Ok(Some(v))) if v.as_i64() == Some(SCHEMA_VERSION) => (StatusCode::OK, None),
        Ok(Ok(v)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some(format!("schema version {v:?}, expected {SCHEMA_VERSION}")),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("the database did not answer".to_string()),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("the database did not answer within 5 s".to_string()),
        ),
    };
    let body = match &reason {
        None => json!({ "status": "ready", "schema_version": SCHEMA_VERSION }),
        Some(r) => json!({ "status": "not_ready", "reason": r }),
    };
    (status, Json(body)).into_response()
}
