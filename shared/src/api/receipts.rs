//! Fiscal receipts under 54-FZ (issue 20, item 5): an individual's delivery
//! paid at the door gets a receipt from a cloud cash register (ATOL Online,
//! API v5). The receipt is a row written in the delivery's own transaction;
//! a worker sends it and asks for its result, retrying with backoff, across
//! restarts. And the company's SBP link the courier shows as a QR code.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::Money;

/// The taxation system printed on the receipt (ATOL's `sno`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sno {
    /// ОСН, the general system.
    #[default]
    Osn,
    /// УСН доходы.
    UsnIncome,
    /// УСН доходы минус расходы.
    UsnIncomeOutcome,
    /// ЕСХН.
    Esn,
    /// Патент.
    Patent,
}

/// The cloud cash register (`CompanySettings.fiscal`). The password is
/// write-only: answers carry `password_set` instead.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct FiscalSettings {
    /// Receipts are made for deliveries from now on.
    pub enabled: bool,
    /// ATOL Online's API v5 address (`https://online.atol.ru/possystem/v5`;
    /// the test service is `https://testonline.atol.ru/possystem/v5`).
    pub url: String,
    pub login: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    pub password_set: bool,
    /// The cash registers' group code from ATOL's account.
    pub group_code: String,
    pub sno: Sno,
    /// The place of settlement registered for the cash register (a site or
    /// an address), as ATOL's account shows it.
    pub payment_address: String,
    /// The company's e-mail printed on receipts.
    pub email: String,
}

/// The SBP payment link and what the courier's QR shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct SbpSettings {
    /// The company's SBP link from its bank (`https://qr.nspk.ru/...`), or "".
    pub link: String,
    /// The bank's link takes the amount (`sum` in kopecks, `cur=RUB`): the
    /// client's bank app opens with the amount filled in.
    pub link_takes_sum: bool,
}

/// What the courier app needs to show a payment QR (`GET /api/payments/qr-settings`):
/// the SBP link and the payee's bank details for a QR by requisites
/// (ГОСТ Р 56042-2014), which any Russian bank app reads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct PaymentQrSettings {
    pub sbp: SbpSettings,
    pub name: String,
    pub inn: String,
    pub kpp: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub corr_account: String,
}

impl PaymentQrSettings {
    /// The SBP link for `amount` (kopecks), when the company has one.
    pub fn sbp_link(&self, amount: Money) -> Option<String> {
        let link = self.sbp.link.trim();
        if link.is_empty() {
            return None;
        }
        if !self.sbp.link_takes_sum || amount.0 <= 0 {
            return Some(link.to_string());
        }
        let sep = if link.contains('?') { '&' } else { '?' };
        Some(format!("{link}{sep}sum={}&cur=RUB", amount.0))
    }

    /// The QR text of a payment by requisites (ГОСТ Р 56042-2014, UTF-8:
    /// `ST00012`), with the amount and the purpose filled in; `None` when
    /// the company's bank details are incomplete.
    pub fn requisites_qr(&self, amount: Money, purpose: &str) -> Option<String> {
        if self.name.trim().is_empty()
            || self.account.len() != 20
            || self.bik.len() != 9
            || self.bank_name.trim().is_empty()
        {
            return None;
        }
        // `|` separates the fields: none may carry one.
        let clean = |s: &str| s.replace('|', " ").trim().to_string();
        let mut out = format!(
            "ST00012|Name={}|PersonalAcc={}|BankName={}|BIC={}|CorrespAcc={}",
            clean(&self.name),
            self.account,
            clean(&self.bank_name),
            self.bik,
            if self.corr_account.is_empty() {
                "0"
            } else {
                &self.corr_account
            },
        );
        if !self.inn.is_empty() {
            out.push_str(&format!("|PayeeINN={}", self.inn));
        }
        if !self.kpp.is_empty() {
            out.push_str(&format!("|KPP={}", self.kpp));
        }
        if amount.0 > 0 {
            out.push_str(&format!("|Sum={}", amount.0));
        }
        let purpose = clean(purpose);
        if !purpose.is_empty() {
            out.push_str(&format!("|Purpose={purpose}"));
        }
        Some(out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    /// Приход: goods, services and deposits sold.
    Sell,
    /// Возврат прихода: a deposit paid back to the client.
    SellRefund,
}

impl ReceiptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Sell => "sell",
            ReceiptKind::SellRefund => "sell_refund",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// Not yet accepted by the fiscal service (waiting to be sent, or to be
    /// sent again after an error: see `error` and `next_at`).
    Pending,
    /// Accepted; the cash register has not answered yet.
    Wait,
    /// Registered: the fiscal data are on the receipt.
    Done,
    /// The service refused it; a manager retries it after fixing the cause.
    Failed,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Pending => "pending",
            ReceiptStatus::Wait => "wait",
            ReceiptStatus::Done => "done",
            ReceiptStatus::Failed => "failed",
        }
    }
}

/// The fiscal service's last error on a receipt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReceiptError {
    /// The service's error code (ATOL's `code`), if it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    pub text: String,
    /// `system`, `agent`, `driver`, `timeout`, or `network` (the service
    /// did not answer), `config` (our settings are incomplete).
    #[serde(rename = "type")]
    pub kind: String,
}

/// What the cash register registered (ATOL's `payload`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct FiscalData {
    /// ФН, the fiscal drive's number.
    pub fn_number: String,
    /// ФД.
    pub fiscal_document_number: i64,
    /// ФП.
    pub fiscal_document_attribute: i64,
    pub fiscal_receipt_number: i64,
    pub shift_number: i64,
    /// As the service gave it (DD.MM.YYYY HH:MM:SS).
    pub receipt_datetime: String,
    /// The cash register's registration number (РН ККТ).
    pub ecr_registration_number: String,
    pub fns_site: String,
    /// The fiscal data operator's page of the receipt, when given.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ofd_receipt_url: String,
}

/// A fiscal receipt of a delivery.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Receipt {
    pub id: String,
    pub order_id: String,
    pub order_number: i64,
    pub client_id: String,
    pub client_name: String,
    pub kind: ReceiptKind,
    pub status: ReceiptStatus,
    /// YYYY-MM-DD: the delivery's day.
    pub day: String,
    /// The receipt's total and how it was paid (kopecks): cash, card or SBP
    /// (`electronic`), and what stays owing (`credit`, a sale on credit).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub cash: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub electronic: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub credit: Money,
    /// Our id of the receipt at the service (`external_id`).
    pub external_id: String,
    /// The service's id, once it accepted the receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Requests made to the service.
    pub attempts: i64,
    /// RFC 3339: when the worker looks at it again (pending and wait).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ReceiptError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal: Option<FiscalData>,
    pub created_at: String,
    pub updated_at: String,
}
