//! Standing orders (issue 23): per client and address, what to bring and
//! when (`crate::standing::Plan`); the server generates the real orders a
//! few days ahead, exactly once per date.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{double_option, LineInput, WindowInput};
use crate::standing::{Pause, Plan, Schedule};

/// A standing order as the API answers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StandingOrder {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub address_id: String,
    /// The lines of each order, priced when the order is generated (the
    /// client's prices of that day).
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub window: Option<WindowInput>,
    /// The courier each order is dispatched to; none: the orders wait on
    /// the board for dispatch.
    #[serde(default)]
    pub courier_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub plan: Plan,
    /// The schedule in words, in Russian and English.
    #[serde(default)]
    pub described: Described,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    pub version: i64,
    /// Ended (`DELETE`): kept for history, generates nothing more.
    #[serde(default)]
    pub ended: bool,
    /// Why the last order due could not be generated, when it could not.
    #[serde(default)]
    pub last_error: Option<StandingError>,
    /// The dates due from today on (up to 10 within the next 60 days), with
    /// the order made for each when it is already generated.
    #[serde(default)]
    pub upcoming: Vec<StandingDate>,
}

/// The schedule in words.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Described {
    pub ru: String,
    pub en: String,
}

/// A date a standing order falls due.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StandingDate {
    /// YYYY-MM-DD
    pub date: String,
    /// The order generated for it, once it is.
    #[serde(default)]
    pub order_id: Option<String>,
}

/// A generation that failed: the date, and the error the order would have
/// got from `POST /api/orders` (a deactivated courier, a product off sale,
/// a credit hold...).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StandingError {
    /// YYYY-MM-DD
    pub date: String,
    pub code: String,
    pub message: String,
    /// RFC 3339.
    pub at: String,
}

/// `POST /api/standing-orders` (operator and up).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateStandingOrder {
    pub client_id: String,
    pub address_id: String,
    pub lines: Vec<LineInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub schedule: Schedule,
    /// YYYY-MM-DD; today or later.
    pub starts_on: String,
    /// YYYY-MM-DD, the last day (inclusive); none: until ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<String>,
}

/// `PATCH /api/standing-orders/{id}` (operator and up): absent fields stay
/// as they are, `null` clears a nullable one. Changes apply to the orders
/// not generated yet; a date skipped or paused whose order was generated
/// and not dispatched yet has that order cancelled.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchStandingOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineInput>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WindowInput>))]
    pub window: Option<Option<WindowInput>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub courier_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// YYYY-MM-DD
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<String>,
    /// YYYY-MM-DD
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ends_on: Option<Option<String>>,
    /// The whole list of pauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pauses: Option<Vec<Pause>>,
    /// The whole list of dates skipped once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub skips: Option<Vec<chrono::NaiveDate>>,
    /// Refused with 409 `stale_version` when the standing order changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<i64>,
}

/// `POST /api/standing-orders/generate` (manager and up): what one run of
/// the generator did (it also runs by itself every few minutes).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GenerationRun {
    /// YYYY-MM-DD: the last day generated for.
    pub through: String,
    /// Orders made by this run.
    pub created: usize,
    /// Dates already generated (by an earlier run or another server).
    pub existing: usize,
    /// Dates that could not be generated (see each standing order's
    /// `last_error`).
    pub failed: usize,
}
