//! Call lists: clients for operators to call (the lost clients, say), made
//! by a manager in one click and worked through by operators.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::OrderLine;
use crate::order::OrderState;
use crate::values::{ClientKind, Money};

/// `POST /api/call-lists` (manager and up).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateCallList {
    pub name: String,
    /// In calling order; a repeated id is kept once.
    pub client_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/call-lists/{id}/items/{client_id}/done` (operator and up).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkCalled {
    /// What came of the call ("ordered", "no answer", "moved away", ...).
    pub outcome: String,
}

/// The client's most recent order that was not cancelled.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LastOrder {
    pub id: String,
    pub number: i64,
    pub state: OrderState,
    /// YYYY-MM-DD
    pub delivery_date: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
    pub lines: Vec<OrderLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallListItem {
    pub client_id: String,
    pub name: String,
    pub kind: ClientKind,
    /// E.164
    pub phones: Vec<String>,
    pub last_order: Option<LastOrder>,
    /// When an operator marked the call made (RFC 3339), who, and the outcome.
    pub done_at: Option<String>,
    pub done_by: Option<String>,
    pub done_by_name: Option<String>,
    pub outcome: Option<String>,
}

/// A list without its clients: `GET /api/call-lists`, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallListSummary {
    pub id: String,
    pub name: String,
    pub note: Option<String>,
    pub created_by: String,
    pub created_by_name: String,
    /// RFC 3339
    pub created_at: String,
    /// Clients on the list, and how many of them were called.
    pub total: i64,
    pub done: i64,
}

/// `GET /api/call-lists/{id}`: the list with its clients in calling order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallList {
    #[serde(flatten)]
    pub summary: CallListSummary,
    pub items: Vec<CallListItem>,
}
