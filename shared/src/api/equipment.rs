//! Serialised equipment (issue 19, item 3): coolers, pumps and dispensers
//! with a serial number and where each is, and every move it made.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::api::LineInput;
use crate::values::{
    ClientKind, EquipmentKind, EquipmentState, EquipmentTaskAction, Money, RentalState, WindowInput,
};

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
    /// The rental agreement it is reserved for or rented under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rental_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rental_number: Option<i64>,
    /// YYYY-MM-DD: when it was last sanitised (санобработка): the day it was
    /// delivered to the client, or the day a sanitation stop was delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitized_on: Option<String>,
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
    /// The order whose delivery moved it (rental stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rental_number: Option<i64>,
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

/// A stop's work with a rented piece of equipment: bring it to the client
/// (the agreement starts), take it back (the agreement ends), or sanitise it
/// at the client (its sanitation date starts again).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EquipmentTask {
    pub action: EquipmentTaskAction,
    pub equipment_id: String,
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: String,
    pub rental_id: String,
    pub rental_number: i64,
    /// The agreement's deposit: taken on delivery (+), paid back on
    /// collection (-), none for a sanitation; part of an individual's cash due.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub deposit: Money,
}

/// A rental agreement: a piece of equipment at a client's address, its fee
/// and deposit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Rental {
    pub id: String,
    pub number: i64,
    pub state: RentalState,
    pub version: i64,
    pub client_id: String,
    pub client_name: String,
    pub client_kind: ClientKind,
    pub address_id: String,
    pub address_text: String,
    pub equipment_id: String,
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: String,
    /// YYYY-MM-DD: the day planned for the delivery while `pending`, the
    /// day it was delivered once `active`.
    pub start: String,
    /// The term in months (`None`: open-ended).
    #[serde(default)]
    pub months: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub monthly_fee: Money,
    /// No fee in a month the address took at least this many 19 L bottles.
    #[serde(default)]
    pub free_from_bottles: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub deposit: Money,
    /// YYYY-MM-DD: the day the equipment came back.
    #[serde(default)]
    pub ended_on: Option<String>,
    /// YYYY-MM-DD: the equipment was last sanitised (or delivered) on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitized_on: Option<String>,
    /// YYYY-MM-DD: its next sanitation, by the company's interval (in
    /// force only; computed when read, not stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitation_due: Option<String>,
    pub deliver_order_id: String,
    pub deliver_order_number: i64,
    /// The collection ordered, while it is open.
    #[serde(default)]
    pub collect_order_id: Option<String>,
    #[serde(default)]
    pub collect_order_number: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// The stop that brings or collects the equipment, as an order.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RentalStop {
    /// YYYY-MM-DD.
    pub delivery_date: String,
    #[serde(default)]
    pub window: Option<WindowInput>,
    #[serde(default)]
    pub courier_id: Option<String>,
    /// Goods brought on the same stop (water with the cooler); may be empty.
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/rentals`: the agreement and the order that delivers the
/// equipment, in one step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewRental {
    pub client_id: String,
    pub address_id: String,
    /// Equipment in stock, not reserved for another agreement.
    pub equipment_id: String,
    /// 1 to 120 months; absent: open-ended.
    #[serde(default)]
    pub months: Option<u32>,
    /// Kopecks a month (0: free).
    pub monthly_fee: i64,
    /// 1 to 1000 bottles a month; absent: the fee is always charged.
    #[serde(default)]
    pub free_from_bottles: Option<u32>,
    /// Kopecks (0: none).
    #[serde(default)]
    pub deposit: i64,
    #[serde(default)]
    pub note: Option<String>,
    pub delivery: RentalStop,
}

/// `POST /api/rentals/{id}/end`: the order that collects the equipment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EndRental {
    pub collection: RentalStop,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// `PATCH /api/rentals/{id}`: the terms from now on (absent fields stay;
/// `null` clears the term, the minimum or the note).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchRental {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_fee: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::api::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub months: Option<Option<u32>>,
    #[serde(
        default,
        deserialize_with = "crate::api::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub free_from_bottles: Option<Option<u32>>,
    #[serde(
        default,
        deserialize_with = "crate::api::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<i64>,
}

/// `POST /api/rentals` answers the agreement and its delivery order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RentalWithOrder {
    pub rental: Rental,
    pub order: crate::api::Order,
}

/// One agreement's charge for a month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RentalCharge {
    pub rental_id: String,
    pub number: i64,
    pub client_id: String,
    pub client_name: String,
    pub client_kind: ClientKind,
    pub address_text: String,
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: String,
    pub start: String,
    #[serde(default)]
    pub ended_on: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub monthly_fee: Money,
    #[serde(default)]
    pub free_from_bottles: Option<u32>,
    /// Days in force that month, of `days_in_month`.
    pub days: u32,
    pub days_in_month: u32,
    /// 19 L bottles delivered to the address that month.
    pub bottles: u32,
    /// The bottles reached the minimum: no fee.
    pub waived: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
}

/// `GET /api/rentals/charges?month=YYYY-MM`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RentalCharges {
    /// YYYY-MM.
    pub month: String,
    pub rows: Vec<RentalCharge>,
    pub agreements: u32,
    pub waived: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
}

/// The company's equipment rules (`GET/PUT /api/settings/equipment`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EquipmentSettings {
    /// Coolers at clients are sanitised every this many months (1-24);
    /// 0: no reminders.
    #[serde(default = "default_sanitation_months")]
    pub sanitation_months: u32,
    /// The service product a sanitation stop sells (priced for the client);
    /// none: the stop carries no line.
    #[serde(default)]
    pub sanitation_product_id: Option<String>,
}

fn default_sanitation_months() -> u32 {
    6
}

impl Default for EquipmentSettings {
    fn default() -> Self {
        EquipmentSettings {
            sanitation_months: default_sanitation_months(),
            sanitation_product_id: None,
        }
    }
}

/// A cooler at a client whose sanitation is due (or soon).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SanitationDue {
    pub equipment_id: String,
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: String,
    pub client_id: String,
    pub client_name: String,
    pub client_kind: ClientKind,
    pub address_id: String,
    pub address_text: String,
    #[serde(default)]
    pub rental_id: Option<String>,
    #[serde(default)]
    pub rental_number: Option<i64>,
    /// YYYY-MM-DD: last sanitised (or delivered).
    pub sanitized_on: String,
    /// YYYY-MM-DD.
    pub due: String,
    /// Days past due (negative: days left).
    pub overdue_days: i64,
    /// An open order that sanitises it, if one is taken already.
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub order_number: Option<i64>,
}

/// `GET /api/reports/sanitation`: due within `within_days` of `as_of`,
/// the longest overdue first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SanitationReport {
    pub as_of: String,
    pub within_days: u32,
    pub sanitation_months: u32,
    pub rows: Vec<SanitationDue>,
    pub overdue: u32,
    /// Of the rows, those with a sanitation order taken.
    pub ordered: u32,
}
