//! Month-end documents for legal clients (issue 20, item 2): the company's
//! requisites and document rules, the client's requisites, and the issued
//! documents (счёт на оплату, УПД or акт with счёт-фактура, акт сверки).
//! An issued document never changes: a later change of the month is a
//! correcting document.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::Money;

/// What goods leave with: one УПД, or an act (накладная) with a separate
/// счёт-фактура (for a company paying VAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferDoc {
    #[default]
    Upd,
    ActInvoice,
}

/// The company's requisites and document rules (`GET/PUT /api/settings/company`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CompanySettings {
    /// The full legal name (ООО «Родник»).
    pub name: String,
    pub inn: String,
    /// Empty for an individual entrepreneur.
    pub kpp: String,
    pub ogrn: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub bank_name: String,
    /// 9 digits.
    pub bik: String,
    /// Settlement account (р/с), 20 digits.
    pub account: String,
    /// Correspondent account (к/с), 20 digits.
    pub corr_account: String,
    /// Who signs: the director and the chief accountant.
    pub director: String,
    pub accountant: String,
    /// VAT rate in percent that prices include; `None`: без НДС (a
    /// simplified tax regime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<u32>,
    pub transfer_doc: TransferDoc,
    /// Put before a document's number per kind ("" by default): "С-" makes "С-17".
    pub invoice_prefix: String,
    pub transfer_prefix: String,
    /// Numbers start again from 1 every calendar year.
    pub yearly_numbers: bool,
    /// The outgoing mail server documents are sent through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpSettings>,
    /// The SBP link couriers show as a QR code at the door.
    pub sbp: super::SbpSettings,
    /// The cloud cash register that makes individuals' receipts (54-FZ).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal: Option<super::FiscalSettings>,
    /// The geocoder that places addresses on the map (issue 21).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geocoder: Option<super::GeocoderSettings>,
}

/// How to send documents by e-mail. The password is write-only: answers
/// carry `password_set` instead.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none` (a local relay), `starttls` or `tls`.
    pub security: String,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    pub password_set: bool,
    /// The sender's address ("Родник <billing@rodnik.ru>").
    pub from: String,
}

/// A legal client's requisites, as documents name the buyer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct Requisites {
    /// The full legal name, when it differs from the client's name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub full_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kpp: String,
    /// The legal address (юридический адрес).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub bank_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub bik: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub account: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub corr_account: String,
    /// Where documents are sent.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Счёт на оплату.
    Invoice,
    /// Универсальный передаточный документ.
    Upd,
    /// Акт (накладная) of goods and services transferred.
    Act,
    /// Счёт-фактура (with an act, for a VAT payer).
    Factura,
    /// A correcting document of an issued transfer document.
    Correction,
    /// Акт сверки взаимных расчётов.
    Reconciliation,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Upd => "upd",
            DocumentKind::Act => "act",
            DocumentKind::Factura => "factura",
            DocumentKind::Correction => "correction",
            DocumentKind::Reconciliation => "reconciliation",
        }
    }

    /// The title a document of this kind carries.
    pub fn title_ru(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "Счёт на оплату",
            DocumentKind::Upd => "Универсальный передаточный документ",
            DocumentKind::Act => "Акт",
            DocumentKind::Factura => "Счёт-фактура",
            DocumentKind::Correction => "Корректировочный документ",
            DocumentKind::Reconciliation => "Акт сверки взаимных расчётов",
        }
    }
}

/// A side of a document: who sells, who buys.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct Party {
    pub name: String,
    pub inn: String,
    pub kpp: String,
    pub address: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub corr_account: String,
}

/// A line of a document: goods or a service, summed over the month's
/// deliveries at one price. A correction's lines also say what was issued.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocLine {
    pub name: String,
    /// "шт", "усл".
    pub unit: String,
    pub qty: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Money,
    /// With VAT when the company pays it.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
    /// The VAT in `amount` (0 without VAT).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub vat: Money,
    /// A correction: the quantity and amount as issued before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qty_before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub amount_before: Option<Money>,
}

/// A reconciliation act's row: a document of the period and what it did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReconRow {
    /// YYYY-MM-DD.
    pub day: String,
    /// "Реализация (УПД № 17 от 30.11.2026)", "Оплата (п/п 5 от 03.12.2026)".
    pub text: String,
    /// What the client owes more (the company's sales) and paid.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub debit: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub credit: Money,
}

/// An issued document (never changed after issue).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    /// As printed, with the company's prefix.
    pub number: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// The month it covers (YYYY-MM); a reconciliation act's period is `from`..`to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub client_id: String,
    pub seller: Party,
    pub buyer: Party,
    /// "Договор № 17/2026 от 10.01.2026".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    #[serde(default)]
    pub lines: Vec<DocLine>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub vat_total: Money,
    /// `None`: без НДС.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<u32>,
    /// The document this one corrects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects_number: Option<String>,
    /// A reconciliation act: the balance at the start and end of the period
    /// (+ the client owes) and its rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub opening: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub closing: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<ReconRow>,
    /// The directors and accountants who sign, as they were at issue.
    #[serde(default)]
    pub director: String,
    #[serde(default)]
    pub accountant: String,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// When and where it was last e-mailed, or why that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_error: Option<String>,
    /// An invoice: what bank payments paid of it, and when it was paid in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub paid_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
}

/// `POST /api/documents/close`: issue the month's documents for every legal client.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CloseMonth {
    /// YYYY-MM, a month that has ended (or the current one, on its last day).
    pub month: String,
    /// Only this client (default: every legal client with deliveries in the month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Send each client's documents to their e-mail when issued.
    #[serde(default)]
    pub send: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

/// A month's closing as it goes (`GET /api/documents/jobs/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocJob {
    pub id: String,
    pub month: String,
    pub state: JobState,
    /// Clients to go through, and gone through.
    pub clients: i64,
    pub done: i64,
    /// Documents issued: first issues and corrections.
    pub issued: i64,
    pub corrected: i64,
    /// Clients whose documents were already issued and still hold.
    pub unchanged: i64,
    pub sent: i64,
    /// Per client, what went wrong (a missing e-mail, a refused send).
    #[serde(default)]
    pub errors: Vec<String>,
    pub started_by: String,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

/// `POST /api/documents/reconciliation`: an act for any period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewReconciliation {
    pub client_id: String,
    /// YYYY-MM-DD, inclusive.
    pub from: String,
    pub to: String,
}
