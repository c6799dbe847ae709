//! The courier's cash at the end of the day: the handover the courier
//! submits, the amount a manager (the cashier) confirms receiving, and the
//! cash report.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoverState {
    /// The courier handed the cash in; the cashier has not confirmed it yet.
    Submitted,
    /// The cashier counted it and confirmed what was received.
    Confirmed,
}

/// One courier's cash of one day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Handover {
    pub id: String,
    pub courier_id: String,
    pub courier_name: String,
    /// YYYY-MM-DD, the company's day of the stops.
    pub date: String,
    pub state: HandoverState,
    pub version: i64,
    /// Cash the day's delivered stops should have brought (individuals' totals).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub due: Money,
    /// Cash the courier reported collecting at the stops.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub collected: Money,
    /// Delivered stops of the day.
    pub stops: i64,
    /// What the courier says they hand over.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub declared: Money,
    /// RFC 3339.
    pub submitted_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the cashier received (confirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub received: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_by_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    /// Why the received amount differs from what was collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Handover {
    /// Received minus collected, once confirmed (negative: short).
    pub fn difference(&self) -> Option<Money> {
        self.received.map(|r| Money(r.0 - self.collected.0))
    }
}

/// The courier hands the day's cash in (`POST /api/handovers`).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubmitHandover {
    /// YYYY-MM-DD; default: today.
    #[serde(default)]
    pub date: Option<String>,
    /// Kopecks handed over.
    pub declared: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// The cashier confirms what was received (`POST /api/handovers/{id}/confirm`).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConfirmHandover {
    /// Kopecks received.
    pub received: i64,
    /// Required when the received amount differs from what was collected.
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// A line of the cash report: one courier's day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CashRow {
    /// The day's handover, once handed in.
    pub handover_id: Option<String>,
    pub date: String,
    pub courier_id: String,
    pub courier_name: String,
    pub stops: i64,
    pub due: i64,
    pub collected: i64,
    /// Declared by the courier; `None`: not handed over.
    pub handed_over: Option<i64>,
    /// Confirmed by the cashier.
    pub received: Option<i64>,
    /// Received minus collected.
    pub difference: Option<i64>,
    pub state: Option<HandoverState>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CashReport {
    /// By day, then courier.
    pub rows: Vec<CashRow>,
    pub totals: CashTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CashTotals {
    pub due: i64,
    pub collected: i64,
    pub handed_over: i64,
    pub received: i64,
    pub difference: i64,
}
