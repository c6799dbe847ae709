//! The returnable-bottle ledger (issue 19): every movement of a client's
//! 19 L bottles is a row, written in the same transaction as what causes it;
//! the client's balance is their sum.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BottleMoveKind {
    /// The balance the client had when the ledger began (or a database was filled).
    Opening,
    /// Full bottles left at the client by a delivery.
    Delivered,
    /// Empties the courier took back.
    Returned,
    /// Bottles the client bought outright: theirs now, off the balance.
    Sold,
    /// A deposit was taken for bottles the client keeps (the balance stays).
    DepositTaken,
    /// A deposit was paid back (the balance stays).
    DepositRefunded,
    /// Bottles the company gave up on (lost, broken at the client).
    WrittenOff,
    /// A correction by a manager, with its reason.
    Adjusted,
}

impl BottleMoveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BottleMoveKind::Opening => "opening",
            BottleMoveKind::Delivered => "delivered",
            BottleMoveKind::Returned => "returned",
            BottleMoveKind::Sold => "sold",
            BottleMoveKind::DepositTaken => "deposit_taken",
            BottleMoveKind::DepositRefunded => "deposit_refunded",
            BottleMoveKind::WrittenOff => "written_off",
            BottleMoveKind::Adjusted => "adjusted",
        }
    }
}

/// One movement of a client's bottles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BottleMove {
    pub id: String,
    pub client_id: String,
    pub kind: BottleMoveKind,
    /// The change to the bottles the client holds (delivered +, returned -).
    pub qty: i64,
    /// The order that caused it, if one did.
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub order_number: Option<i64>,
    /// Why (adjustments and write-offs say).
    #[serde(default)]
    pub reason: Option<String>,
    /// Who made it: the user's id and name.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub by_name: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// `GET /api/clients/{id}/bottles`: the balance and a page of the ledger,
/// newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientBottles {
    pub client_id: String,
    /// Bottles the client holds: the sum of every move.
    pub balance: i64,
    pub moves: Vec<BottleMove>,
    /// The `before` of the next page; `None`: no more.
    pub next_before: Option<String>,
}

/// `POST /api/clients/{id}/bottles`: a manager's correction or write-off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewBottleMove {
    /// `adjusted` (qty signed: + the client has more than counted) or
    /// `written_off` (qty > 0 bottles the company gives up on).
    pub kind: BottleMoveKind,
    pub qty: i64,
    /// Required: why.
    pub reason: String,
}
