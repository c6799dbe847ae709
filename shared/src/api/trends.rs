//! The figures behind the reports' charts: water delivered per courier per
//! day, orders per day by state, and clients lost and won back per month.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::DeliveryTotals;

/// Delivered orders of one courier on one delivery day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DailyDeliveryRow {
    /// YYYY-MM-DD
    pub date: String,
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    pub orders: i64,
    pub water_qty: i64,
    pub amount: i64,
}

/// `GET /api/reports/deliveries/daily`: only the (day, courier) pairs with a
/// delivered order, by day then courier name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DailyDeliveries {
    pub rows: Vec<DailyDeliveryRow>,
    pub totals: DeliveryTotals,
}

/// Orders of a delivery day by their state now; `failed_attempts` counts the
/// attempts recorded on them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StateCounts {
    pub new: i64,
    pub delivery: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub failed_attempts: i64,
}

impl StateCounts {
    pub fn total(&self) -> i64 {
        self.new + self.delivery + self.delivered + self.cancelled
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DailyOrdersRow {
    /// YYYY-MM-DD
    pub date: String,
    #[serde(flatten)]
    pub counts: StateCounts,
}

/// `GET /api/reports/orders/daily`: the days with orders, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DailyOrders {
    pub rows: Vec<DailyOrdersRow>,
    pub totals: StateCounts,
}

/// One calendar month of the lost-clients history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LostMonth {
    /// YYYY-MM
    pub month: String,
    /// Clients who became lost during the month: the first day on which their
    /// last delivery was before the `months` calendar months window.
    pub lost: i64,
    /// Lost clients who got a delivery again during the month.
    pub won_back: i64,
    /// Lost clients at the end of the month (at `as_of` for its month).
    pub lost_at_end: i64,
}

/// `GET /api/reports/lost-clients/monthly`: `count` months up to `as_of`'s,
/// oldest first. By delivery history alone: open orders are not considered
/// (when they were open is not kept), unlike the lost-clients list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LostMonthly {
    pub as_of: String,
    pub months: u32,
    pub rows: Vec<LostMonth>,
}
