//! The reasons a company keeps: why an order was cancelled, why a delivery
//! failed, why a courier moved a stop. Admins edit the lists (labels in
//! Russian and English); orders store the reason's id with its label.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Why an order was cancelled.
    Cancel,
    /// Why a delivery failed.
    Fail,
    /// Why a courier moved a stop at the door.
    Reschedule,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Cancel => "cancel",
            ReasonKind::Fail => "fail",
            ReasonKind::Reschedule => "reschedule",
        }
    }

    pub const ALL: [ReasonKind; 3] = [ReasonKind::Cancel, ReasonKind::Fail, ReasonKind::Reschedule];
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reason {
    pub id: String,
    pub kind: ReasonKind,
    /// The label in Russian.
    pub ru: String,
    /// The label in English.
    pub en: String,
    /// Offered for new changes; a retired reason stays on the orders that have it.
    pub active: bool,
    /// Lower comes first in the lists.
    pub position: i64,
}

impl Reason {
    /// The label in a language: `ru` or anything else for English.
    pub fn label(&self, ru: bool) -> &str {
        if ru {
            &self.ru
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateReason {
    pub kind: ReasonKind,
    pub ru: String,
    pub en: String,
}

/// Absent fields stay as they are.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchReason {
    #[serde(default)]
    pub ru: Option<String>,
    #[serde(default)]
    pub en: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub position: Option<i64>,
}

/// One line of the reasons report: how often a reason was given, for one
/// courier and one operator (who took the order), in the period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReasonRow {
    pub kind: ReasonKind,
    /// `None`: a reason typed as text ("other").
    pub reason_id: Option<String>,
    /// The reason's label (in the report's language), or the typed text.
    pub reason: String,
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    pub operator_id: String,
    pub operator_name: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReasonsReport {
    /// By kind, then most frequent first.
    pub rows: Vec<ReasonRow>,
    /// Per kind: cancelled orders, failed deliveries, moves at the door.
    pub totals: Vec<ReasonTotal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReasonTotal {
    pub kind: ReasonKind,
    pub count: i64,
}

/// The reasons a new company starts with: (id, kind, Russian, English).
/// The ids of the courier's and the board's first lists are kept, so the
/// reasons given before the lists were managed read the same.
pub const DEFAULT_REASONS: &[(&str, ReasonKind, &str, &str)] = &[
    (
        "client_cancelled",
        ReasonKind::Cancel,
        "Клиент отказался",
        "Client cancelled",
    ),
    (
        "duplicate",
        ReasonKind::Cancel,
        "Дубль заказа",
        "Duplicate order",
    ),
    (
        "unreachable",
        ReasonKind::Cancel,
        "Клиент недоступен",
        "Client unreachable",
    ),
    (
        "out_of_area",
        ReasonKind::Cancel,
        "Вне зоны доставки",
        "Out of delivery area",
    ),
    (
        "absent",
        ReasonKind::Fail,
        "Клиента нет на месте",
        "Client absent",
    ),
    (
        "wrong_address",
        ReasonKind::Fail,
        "Неверный адрес",
        "Wrong address",
    ),
    ("refused", ReasonKind::Fail, "Отказ", "Refused"),
    ("no_access", ReasonKind::Fail, "Нет доступа", "No access"),
    (
        "late",
        ReasonKind::Fail,
        "Не успел по времени",
        "Ran out of time",
    ),
    (
        "no_time",
        ReasonKind::Reschedule,
        "Не успеваю сегодня",
        "I can't make it today",
    ),
    (
        "client_asks",
        ReasonKind::Reschedule,
        "Клиент просит перенести",
        "The client asks to move it",
    ),
    (
        "not_there",
        ReasonKind::Reschedule,
        "Нет на месте",
        "Nobody there",
    ),
];

/// The default reasons as records, in their order.
pub fn default_reasons() -> Vec<Reason> {
    DEFAULT_REASONS
        .iter()
        .enumerate()
        .map(|(i, (id, kind, ru, en))| Reason {
            id: id.to_string(),
            kind: *kind,
            ru: ru.to_string(),
            en: en.to_string(),
            active: true,
            position: i as i64 + 1,
        })
        .collect()
}
