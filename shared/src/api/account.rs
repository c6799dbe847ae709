//! The client's account (лицевой счёт, issue 20): every charge and payment
//! is a row, written in the same transaction as what causes it; the balance
//! is their sum (+ the client owes, - the client paid in advance). Legal
//! clients have a contract: its number and date, the days of deferment and
//! a credit limit.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountMoveKind {
    /// What the client owed (+) or had paid ahead (-) when the account began.
    Opening,
    /// Goods and services delivered, at the prices they were delivered at.
    Delivery,
    /// A bottle or equipment deposit taken (+) or paid back (-).
    Deposit,
    /// Equipment rent for a month.
    Rent,
    /// Money received (cash at the door, card, SBP, bank transfer): always -,
    /// except cash paid out to the client (a deposit paid back in cash).
    Payment,
    /// A manager's correction, with its reason.
    Adjustment,
}

impl AccountMoveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountMoveKind::Opening => "opening",
            AccountMoveKind::Delivery => "delivery",
            AccountMoveKind::Deposit => "deposit",
            AccountMoveKind::Rent => "rent",
            AccountMoveKind::Payment => "payment",
            AccountMoveKind::Adjustment => "adjustment",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    /// A bank card (the courier's terminal, or at the office).
    Card,
    /// The fast-payment system (СБП), by QR code or link.
    Sbp,
    /// A bank transfer (платёжное поручение).
    Bank,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Sbp => "sbp",
            PaymentMethod::Bank => "bank",
        }
    }
}

/// A payment taken at the door other than cash (the courier's card
/// terminal, SBP by QR code or link); cash is the stop's `cash_collected`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DoorPayment {
    /// `card` or `sbp`.
    pub method: PaymentMethod,
    /// Kopecks, above zero.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
}

/// One row of a client's account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountMove {
    pub id: String,
    pub client_id: String,
    pub kind: AccountMoveKind,
    /// Kopecks: + the client owes more (a charge), - the client owes less
    /// (a payment, a refund).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
    /// How a payment was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<PaymentMethod>,
    /// The order that caused it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<i64>,
    /// YYYY-MM-DD, the company's day it counts on (a delivery's date, the
    /// day a payment was received).
    pub day: String,
    /// The payment document's number and date, as the bank or the client gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Why (adjustments say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who made it: the user's id and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_name: Option<String>,
    /// RFC 3339: when it was written.
    pub at: String,
}

/// A client's contract (legal clients): the terms the account is held to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Contract {
    pub number: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// Days of deferment after the month's transfer document (the last day
    /// of the month of delivery) before a charge is overdue.
    pub payment_days: u32,
    /// The most the client may owe, open orders included (kopecks); `None`:
    /// no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub credit_limit: Option<Money>,
    /// A manager allowed orders over the limit or while overdue, up to and
    /// including this day (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_until: Option<String>,
    /// Who allowed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_by: Option<String>,
}

/// `PUT /api/clients/{id}/contract` (managers): the contract's terms, or
/// `null` fields to clear the limit or the allowance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PutContract {
    /// The client's `version` as the manager saw it (409 `stale_version`).
    #[serde(default)]
    pub version: Option<i64>,
    pub number: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// 0 to 365.
    pub payment_days: i64,
    /// Kopecks, or `null`: no limit.
    #[serde(default)]
    pub credit_limit: Option<i64>,
    /// Allow orders over the limit or while overdue until this day (today
    /// to 90 days ahead), or `null`.
    #[serde(default)]
    pub allowed_until: Option<String>,
}

/// Why a new order needs a manager's allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CreditHold {
    /// Payments are overdue under the contract.
    Overdue,
    /// The balance with the open orders and this one would pass the limit.
    OverLimit,
}

/// Where a client's account stands today.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountSummary {
    /// + owed, - paid in advance (kopecks).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Money,
    /// The day of the oldest charge not yet paid (payments settle the oldest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt_since: Option<String>,
    /// Days since `debt_since` (0 when nothing is owed).
    #[serde(default)]
    pub debt_days: i64,
    /// The part of the balance past its due date.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub overdue: Money,
    /// Days the oldest overdue charge is past its due date.
    #[serde(default)]
    pub overdue_days: i64,
    /// Open orders' totals with their deposits: what the client will owe on
    /// delivery (legal clients; individuals pay at the door).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub open_orders: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Contract>,
    /// Whether new orders need a manager's allowance now, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<CreditHold>,
}

/// `GET /api/clients/{id}/account`: the summary and a page of moves, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientAccount {
    pub client_id: String,
    pub summary: AccountSummary,
    pub moves: Vec<AccountMove>,
    /// The `before` of the next page; `None`: no more.
    pub next_before: Option<String>,
}

/// `POST /api/clients/{id}/account`: a payment received or a manager's correction.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewAccountMove {
    /// `payment`, `opening` (what the client owed, or had paid ahead, when
    /// the account began, dated by `day`) or `adjustment`.
    pub kind: AccountMoveKind,
    /// Kopecks. A payment: what was received (> 0). An opening balance or
    /// an adjustment: signed, + the client owes more, - less.
    pub amount: i64,
    /// Required for a payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<PaymentMethod>,
    /// YYYY-MM-DD the money came (default today; not in the future, at most
    /// a year back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// The payment document (e.g. "п/п 123 от 01.12.2026").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Required for an adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A client's debt by age (`GET /api/reports/receivables`): what is owed,
/// split by how long ago it was charged (payments settle the oldest first).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReceivableRow {
    pub client_id: String,
    pub name: String,
    pub kind: crate::values::ClientKind,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Money,
    /// Charged 0-30, 31-60, 61-90 and over 90 days ago.
    #[cfg_attr(feature = "openapi", schema(value_type = [i64; 4]))]
    pub ages: [Money; 4],
    /// Past its due date under the contract.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub overdue: Money,
    pub debt_since: Option<String>,
    pub payment_days: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub credit_limit: Option<Money>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Receivables {
    /// YYYY-MM-DD: the day the ages count to.
    pub as_of: String,
    /// Most owed first.
    pub rows: Vec<ReceivableRow>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = [i64; 4]))]
    pub ages: [Money; 4],
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub overdue: Money,
    /// What clients paid ahead (their balances below zero), in all.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub advances: Money,
}

/// Payments of a day by one method (`GET /api/reports/payments`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PaymentsRow {
    pub day: String,
    pub method: PaymentMethod,
    pub payments: i64,
    /// Received (paid out in cash counts below zero).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PaymentsReport {
    pub from: String,
    pub to: String,
    pub rows: Vec<PaymentsRow>,
    /// The period by method.
    pub by_method: Vec<PaymentsRow>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
}

/// Documents issued in a month, by kind (`GET /api/reports/documents`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentsRow {
    /// YYYY-MM: the month they cover.
    pub month: String,
    pub kind: crate::api::DocumentKind,
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentsReport {
    pub from: String,
    pub to: String,
    pub rows: Vec<DocumentsRow>,
}

/// An invoice not wholly paid (`GET /api/reports/unpaid-invoices`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnpaidInvoice {
    pub id: String,
    pub number: String,
    pub date: String,
    pub client_id: String,
    pub client_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub paid: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub left: Money,
    /// The day it falls due under the client's contract (its date plus the deferment).
    pub due: String,
    /// Days past due (0 when not yet due).
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnpaidInvoices {
    pub as_of: String,
    /// Longest overdue first.
    pub rows: Vec<UnpaidInvoice>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub left: Money,
}
