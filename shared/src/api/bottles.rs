//! The returnable-bottle ledger (issue 19): every movement of a client's
//! 19 L bottles is a row, written in the same transaction as what causes it;
//! the client's balance is their sum.

use serde::{Deserialize, Serialize};

use crate::values::{ClientKind, Money};

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
    /// The change to the bottles the client holds (delivered +, returned -;
    /// 0 for deposit moves).
    pub qty: i64,
    /// The change to the bottles a deposit covers (deposit moves: taken +,
    /// refunded -).
    #[serde(default)]
    pub deposit_bottles: i64,
    /// The money of a deposit move, kopecks (taken +, refunded -).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
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
    /// Bottles a deposit covers, and the deposit money held (kopecks).
    #[serde(default)]
    pub deposit_bottles: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub deposit_held: Money,
    /// Bottles the company's rule lets this client hold without a deposit.
    #[serde(default)]
    pub free: i64,
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

/// The company's bottle rules (`GET/PUT /api/settings/bottles`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BottleSettings {
    /// The deposit per bottle, kopecks; 0: the company takes no deposits.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub deposit_price: Money,
    /// Bottles an individual may hold without a deposit.
    #[serde(default)]
    pub free_individual: u32,
    /// Bottles a legal client may hold without a deposit (by contract).
    #[serde(default)]
    pub free_legal: u32,
    /// The company's own bottles in all, at clients and in stock, at the last
    /// count (инвентаризация); `None`: not counted, no stock figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<i64>,
    /// When `fleet` was last changed (RFC 3339; set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_counted_at: Option<String>,
}

impl BottleSettings {
    /// Bottles a client of `kind` may hold without a deposit.
    pub fn free_for(&self, kind: ClientKind) -> i64 {
        i64::from(match kind {
            ClientKind::Individual => self.free_individual,
            ClientKind::Legal => self.free_legal,
        })
    }
}

/// An order's deposit line (залог за тару): paid with the order, written to
/// the client's ledger when it is delivered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderDeposit {
    /// Bottles: + a deposit taken for bottles the client keeps beyond the
    /// free ones; - a deposit paid back for bottles that come back.
    pub bottles: i64,
    /// The deposit per bottle when the order was taken, kopecks.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Money,
    /// `bottles` x `price`, kopecks (negative: paid back).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
    /// What the company's rule asked for when the order was taken.
    pub rule: i64,
    /// Why the operator chose other than the rule (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A kind of move in a period: how many, and their sums.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BottleKindTotal {
    pub kind: BottleMoveKind,
    pub moves: i64,
    /// The change to the bottles at clients.
    pub qty: i64,
    pub deposit_bottles: i64,
    /// Deposit money, kopecks.
    pub amount: i64,
}

/// A courier's empties in a period: what their delivered stops expected
/// back and what came back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CourierEmpties {
    pub courier_id: String,
    pub courier_name: String,
    /// Delivered stops.
    pub stops: i64,
    /// Full bottles delivered.
    pub full: i64,
    /// Empties expected back (a stop delivered before this was kept counts
    /// its full bottles).
    pub expected: i64,
    pub returned: i64,
    /// Expected minus returned where fewer came back, summed over stops.
    pub short: i64,
    /// Stops where fewer came back than expected.
    pub short_stops: i64,
}

/// `GET /api/reports/bottles`: bottles in circulation now, the period's
/// moves, and empties collected against expected per courier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BottleReport {
    pub from: String,
    pub to: String,
    /// Now: bottles at clients (positive balances) and how many clients.
    pub at_clients: i64,
    pub clients_holding: i64,
    /// Now: bottles deposits cover and the money held, kopecks.
    pub deposit_bottles: i64,
    pub deposit_held: i64,
    /// Now: bottles held beyond the free ones and the deposits (the
    /// debtors' total, `GET /api/reports/bottle-debtors`).
    pub uncovered: i64,
    /// Now, when the company counted its bottles (`BottleSettings::fleet`):
    /// the count, the bottles lost (written off) or sold since, and what is
    /// in stock: the count less those, less the bottles at clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_counted_at: Option<String>,
    #[serde(default)]
    pub gone_since_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_stock: Option<i64>,
    /// The period's moves by kind (`written_off`: lost).
    pub moves: Vec<BottleKindTotal>,
    /// By courier name.
    pub couriers: Vec<CourierEmpties>,
}

/// A client holding more bottles than the free ones and their deposits cover.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BottleDebtor {
    pub client_id: String,
    pub name: String,
    pub kind: ClientKind,
    pub held: i64,
    pub free: i64,
    pub deposit_bottles: i64,
    /// Held minus free minus covered.
    pub owed: i64,
    /// `owed` at the deposit price, kopecks.
    pub owed_amount: i64,
    /// The last delivery to the client (RFC 3339), if the ledger has one.
    pub last_delivery: Option<String>,
}

/// `GET /api/reports/bottle-debtors`: longest without a delivery first (never first of all).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BottleDebtors {
    pub debtors: Vec<BottleDebtor>,
    pub owed: i64,
    pub owed_amount: i64,
}
