//! The client's own rhythm (issue 23): when the next order is expected and
//! how much, from the client's deliveries (`crate::forecast`), on the card,
//! in the operators' reorder list and the at-risk report.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::ClientKind;

/// A client's expected next order, kept up to date with every delivery.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientRhythm {
    /// YYYY-MM-DD: when the next order is expected.
    pub expected_on: String,
    /// Water units expected (19 L bottles): the order form's suggestion.
    pub expected_qty: u32,
    /// The client's usual days between deliveries.
    pub typical_interval_days: f64,
    /// YYYY-MM-DD: silent after this day, the client is at risk (measured
    /// against the client's own rhythm: a weekly client after two weeks or
    /// so, a monthly one after six or seven).
    pub at_risk_after: String,
    /// YYYY-MM-DD: the last delivery.
    pub last_on: String,
    /// Deliveries the forecast was made from.
    pub basis: usize,
    /// The expected day has come (today or past).
    #[serde(default)]
    pub due: bool,
    /// Past `at_risk_after` today.
    #[serde(default)]
    pub at_risk: bool,
}

/// A client of the reorder list or the at-risk report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RhythmItem {
    pub client_id: String,
    pub name: String,
    pub kind: ClientKind,
    /// E.164
    pub phones: Vec<String>,
    pub rhythm: ClientRhythm,
    /// Days since the expected day (0: due today).
    pub days_overdue: i64,
}
