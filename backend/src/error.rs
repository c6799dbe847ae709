//! The one error type of the server. Each variant maps to one HTTP status;
//! database failures are logged with context and answered as a plain 500.

use rodnik_shared::{FieldError, RuleError, TransitionError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("not logged in")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    Validation(#[from] FieldError),
    #[error("database error: {0}")]
    Db(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// Too many failed logins: wait this long (429 with `Retry-After`).
    #[error("too many failed attempts; try again in {} s", .0.as_secs().max(1))]
    TooManyAttempts(std::time::Duration),
    /// A queue of heavy work (whole-table reports, password checks) is full:
    /// come back after this long (503 with `Retry-After`).
    #[error("the server is busy; try again in {} s", .0.as_secs().max(1))]
    Busy(std::time::Duration),
    /// The request ran longer than the server allows.
    #[error("the request took too long")]
    Timeout,
    /// A server we depend on (the mail server, the fiscal service) refused
    /// or did not answer (502).
    #[error("{0}")]
    Upstream(String),
}

impl Error {
    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound(what.into())
    }

    pub fn forbidden(why: impl Into<String>) -> Self {
        Error::Forbidden(why.into())
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Error::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(FieldError::new(field, message))
    }

    /// A compare-and-set on `what` ("order", "client", ...) named a version
    /// it is no longer at.
    pub fn stale_version(what: &str, expected: i64, actual: i64) -> Self {
        Error::conflict(
            "stale_version",
            format!("the {what} is at version {actual}, not {expected}: reload it"),
        )
    }
}

impl From<TransitionError> for Error {
    fn from(e: TransitionError) -> Self {
        Error::conflict("invalid_transition", e.to_string())
    }
}

impl From<RuleError> for Error {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::Transition(t) => t.into(),
            RuleError::Invalid(f) => Error::Validation(f),
        }
    }
}

impl From<surrealdb::Error> for Error {
    fn from(e: surrealdb::Error) -> Self {
        Error::Db(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("stored data did not decode: {e}"))
    }
}
