//! How errors look on the wire: `{"error": {"code", "message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rodnik_shared::api::{ErrorBody, ErrorDetail};

use crate::error::Error;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Db(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Error::Timeout | Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Upstream(_) => StatusCode::BAD_GATEWAY,
        }
    }

    fn detail(&self) -> ErrorDetail {
        let (code, message, field) = match self {
            Error::BadRequest(m) => ("bad_request", m.clone(), None),
            Error::Unauthorized => ("unauthorized", self.to_string(), None),
            Error::Forbidden(m) => ("forbidden", m.clone(), None),
            Error::NotFound(_) => ("not_found", self.to_string(), None),
            Error::Conflict { code, message } => (*code, message.clone(), None),
            Error::Validation(f) => ("validation_failed", f.to_string(), Some(f.field.clone())),
            Error::TooManyAttempts(_) => ("too_many_attempts", self.to_string(), None),
            Error::Busy(_) => ("busy", self.to_string(), None),
            Error::Upstream(m) => ("upstream_failed", m.clone(), None),
            Error::Timeout => (
                "timeout",
                "the server took too long; try again (with the same Idempotency-Key)".to_string(),
                None,
            ),
            Error::Db(_) | Error::Internal(_) => (
                "internal_error",
                "something went wrong on the server".to_string(),
                None,
            ),
        };
        ErrorDetail {
            code: code.to_string(),
            message,
            field,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if matches!(self, Error::Db(_) | Error::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (
            self.status(),
            Json(ErrorBody {
                error: self.detail(),
            }),
        )
            .into_response();
        if let Error::TooManyAttempts(wait) | Error::Busy(wait) = &self {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            if let Ok(v) = axum::http::HeaderValue::from_str(&secs.max(1).to_string()) {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}
