//! Serialised equipment (issue 19, item 3): coolers, pumps and dispensers
//! with a serial number and where each is, and every move it made.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::values::{EquipmentKind, EquipmentState};

/// A piece of equipment the company owns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Equipment {
    pub id: String,
    pub kind: EquipmentKind,
    /// The make and model, e.g. "Ecotronic H1-LN".
    pub model: String,
    /// Unique across the company's equipment.
    pub serial: String,
    pub state: EquipmentState,
    /// Where it is while `at_client`.
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub address_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Grows on every change; changes may name the version they were made on.
    pub version: i64,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /api/equipment`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewEquipment {
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `PATCH /api/equipment/{id}`: absent fields stay.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchEquipment {
    #[serde(default)]
    pub model: Option<String>,
    /// `""` clears it.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// What a manager does with a piece of equipment in the office (deliveries
/// and collections are the couriers').
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EquipmentAction {
    Repair,
    Repaired,
    WriteOff,
}

/// `POST /api/equipment/{id}/move`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MoveEquipment {
    pub action: EquipmentAction,
    /// Required: why.
    pub reason: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// One move of a piece of equipment, as its history shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EquipmentEvent {
    pub id: String,
    pub equipment_id: String,
    /// `None`: it was registered.
    #[serde(default)]
    pub from: Option<EquipmentState>,
    pub to: EquipmentState,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    pub by: String,
    pub by_name: String,
    /// RFC 3339.
    pub at: String,
}

/// `GET /api/equipment/{id}`: the equipment and its history, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EquipmentDetail {
    #[serde(flatten)]
    pub equipment: Equipment,
    pub history: Vec<EquipmentEvent>,
}
