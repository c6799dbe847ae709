//! Bank statements (issue 20, item 4): incoming payments imported from the
//! `1CClientBankExchange` file banks export, matched to legal clients by
//! INN and by the invoice number their purpose names; the rest wait for a
//! manager to assign them.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BankPaymentState {
    /// On a client's account.
    Matched,
    /// Waiting for a manager to assign (or ignore).
    Unmatched,
    /// Not a client's payment (a manager said so, with why).
    Ignored,
}

impl BankPaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            BankPaymentState::Matched => "matched",
            BankPaymentState::Unmatched => "unmatched",
            BankPaymentState::Ignored => "ignored",
        }
    }
}

/// How a payment found its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The payer's INN is one client's (with the КПП when several share it).
    Inn,
    /// The invoice number in the purpose.
    Invoice,
    /// A manager assigned it.
    Manager,
}

/// An incoming payment of a statement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BankPayment {
    pub id: String,
    /// The payment document: its number and date (YYYY-MM-DD).
    pub number: String,
    pub date: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
    pub payer_name: String,
    pub payer_inn: String,
    #[serde(default)]
    pub payer_kpp: String,
    #[serde(default)]
    pub payer_account: String,
    pub purpose: String,
    /// The day the money came (YYYY-MM-DD).
    pub received_on: String,
    pub state: BankPaymentState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
    /// The invoices it pays (numbers), oldest first.
    #[serde(default)]
    pub invoices: Vec<String>,
    /// Why a manager ignored it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub imported_at: String,
    pub imported_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// `POST /api/bank/statements`: what the import found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatementImport {
    /// The statement's account and period (YYYY-MM-DD).
    pub account: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Documents in the file, incoming payments among them, and what became of those.
    pub documents: i64,
    pub incoming: i64,
    pub matched: i64,
    pub unmatched: i64,
    /// Imported before (the same document): left as they were.
    pub duplicates: i64,
    /// Money the company paid out (not imported).
    pub outgoing: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub matched_amount: Money,
    /// The payments this import added.
    pub payments: Vec<BankPayment>,
}

/// `POST /api/bank/payments/{id}/assign`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssignPayment {
    pub client_id: String,
}

/// `POST /api/bank/payments/{id}/ignore`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IgnorePayment {
    /// Why it is not a client's payment.
    pub note: String,
}
