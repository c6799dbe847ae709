//! The deliveries report grouped on the server (issue 22): a year's courier ×
//! client table is ~200,000 rows, more than a browser tab should parse, so
//! the server groups, totals, sorts and pages it, and the whole table is a
//! streamed download. The groupings, sort columns and paging bounds live
//! here, so the server's checks and the web app's choices are one list.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::DeliveryTotals;
use crate::values::{ClientKind, FieldError};

/// What the report's rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryGroup {
    /// One row per courier and client (the full table).
    CourierClient,
    Courier,
    Client,
    /// Individuals and legal entities.
    Kind,
    Day,
    /// One row per day and courier.
    CourierDay,
}

/// A column of the grouped report: a label of the grouping or a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryColumn {
    Courier,
    Client,
    Kind,
    Day,
    Orders,
    WaterQty,
    Amount,
}

/// Rows a page holds by default and at most: 1,000 rows are ~250 KB of JSON.
pub const DELIVERIES_LIMIT: u32 = 100;
pub const DELIVERIES_LIMIT_MAX: u32 = 1_000;
/// The last page a query may name (100 million rows at the largest page).
pub const DELIVERIES_PAGE_MAX: u32 = 100_000;

impl DeliveryGroup {
    pub const ALL: [DeliveryGroup; 6] = [
        DeliveryGroup::Courier,
        DeliveryGroup::Client,
        DeliveryGroup::CourierClient,
        DeliveryGroup::Kind,
        DeliveryGroup::CourierDay,
        DeliveryGroup::Day,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryGroup::CourierClient => "courier_client",
            DeliveryGroup::Courier => "courier",
            DeliveryGroup::Client => "client",
            DeliveryGroup::Kind => "kind",
            DeliveryGroup::Day => "day",
            DeliveryGroup::CourierDay => "courier_day",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryGroup> {
        DeliveryGroup::ALL.into_iter().find(|g| g.code() == s)
    }

    /// The columns that name a row, in the grouping's own order (the
    /// default sort: names A to Z, days oldest first).
    pub fn labels(self) -> &'static [DeliveryColumn] {
        use DeliveryColumn as C;
        match self {
            DeliveryGroup::CourierClient => &[C::Courier, C::Client, C::Kind],
            DeliveryGroup::Courier => &[C::Courier],
            DeliveryGroup::Client => &[C::Client, C::Kind],
            DeliveryGroup::Kind => &[C::Kind],
            DeliveryGroup::Day => &[C::Day],
            DeliveryGroup::CourierDay => &[C::Day, C::Courier],
        }
    }

    /// Every column of the grouping: its labels, then the figures.
    pub fn columns(self) -> Vec<DeliveryColumn> {
        let mut c = self.labels().to_vec();
        c.extend(DeliveryColumn::FIGURES);
        c
    }
}

impl DeliveryColumn {
    pub const FIGURES: [DeliveryColumn; 3] = [
        DeliveryColumn::Orders,
        DeliveryColumn::WaterQty,
        DeliveryColumn::Amount,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryColumn::Courier => "courier",
            DeliveryColumn::Client => "client",
            DeliveryColumn::Kind => "kind",
            DeliveryColumn::Day => "day",
            DeliveryColumn::Orders => "orders",
            DeliveryColumn::WaterQty => "water_qty",
            DeliveryColumn::Amount => "amount",
        }
    }

    pub fn numeric(self) -> bool {
        DeliveryColumn::FIGURES.contains(&self)
    }
}

/// A checked query of the grouped report. `courier`: only one courier's
/// deliveries (the drill-down from a courier to their clients); `Some("")`
/// names the deliveries without a courier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveriesQuery {
    pub group: DeliveryGroup,
    pub courier: Option<String>,
    pub sort: DeliveryColumn,
    pub desc: bool,
    /// 1-based.
    pub page: u32,
    pub limit: u32,
}

/// The query's parameters as they came (all optional).
#[derive(Debug, Clone, Default)]
pub struct DeliveriesParams<'a> {
    pub group: Option<&'a str>,
    pub courier_id: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub dir: Option<&'a str>,
    pub page: Option<&'a str>,
    pub limit: Option<&'a str>,
}

fn bounded(v: Option<&str>, field: &str, default: u32, max: u32) -> Result<u32, FieldError> {
    let Some(v) = v else { return Ok(default) };
    match v.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            field,
            format!("must be a whole number from 1 to {max}"),
        )),
    }
}

impl DeliveriesQuery {
    /// Checks the parameters: a known grouping (default `courier_client`), a
    /// column of that grouping to sort by (default its first label), `asc` or
    /// `desc` (default: text A to Z, figures largest first), a page from 1
    /// and a limit from 1 to [`DELIVERIES_LIMIT_MAX`].
    pub fn parse(p: &DeliveriesParams<'_>) -> Result<DeliveriesQuery, FieldError> {
        let group = match p.group {
            None => DeliveryGroup::CourierClient,
            Some(g) => DeliveryGroup::parse(g).ok_or_else(|| {
                let all: Vec<&str> = DeliveryGroup::ALL.iter().map(|g| g.code()).collect();
                FieldError::new("group", format!("must be one of {}", all.join(", ")))
            })?,
        };
        let columns = group.columns();
        let sort = match p.sort {
            None => group.labels()[0],
            Some(s) => columns
                .iter()
                .copied()
                .find(|c| c.code() == s)
                .ok_or_else(|| {
                    let all: Vec<&str> = columns.iter().map(|c| c.code()).collect();
                    FieldError::new(
                        "sort",
                        format!("grouped by {}: one of {}", group.code(), all.join(", ")),
                    )
                })?,
        };
        let desc = match p.dir {
            None => sort.numeric(),
            Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(FieldError::new("dir", "must be asc or desc")),
        };
        let courier = match p.courier_id {
            Some(c) if c.len() > 200 => {
                return Err(FieldError::new("courier_id", "must be a courier's id"))
            }
            c => c.map(str::to_string),
        };
        Ok(DeliveriesQuery {
            group,
            courier,
            sort,
            desc,
            page: bounded(p.page, "page", 1, DELIVERIES_PAGE_MAX)?,
            limit: bounded(p.limit, "limit", DELIVERIES_LIMIT, DELIVERIES_LIMIT_MAX)?,
        })
    }
}

/// One row of the grouped report; a grouping fills the fields that name
/// its rows (`date` for days, `courier_*` for couriers, `client_*` for
/// clients, `client_kind` for clients and kinds) and leaves out the rest.
/// Deliveries without a courier are the courier row with key `""` and no
/// `courier_id`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveryGroupRow {
    /// The row's identity within the grouping: a courier id (`""`: no
    /// courier), a client id, `individual`/`legal`, a date, `courier|client`
    /// or `date|courier`.
    pub key: String,
    /// YYYY-MM-DD
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_kind: Option<ClientKind>,
    pub orders: i64,
    pub water_qty: i64,
    pub amount: i64,
}

/// `GET /api/reports/deliveries` as JSON: one page of the grouped rows and
/// the totals of all of them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupedDeliveries {
    pub group: DeliveryGroup,
    /// The courier drilled into, when the query named one (`""`: no courier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_id: Option<String>,
    pub sort: DeliveryColumn,
    pub desc: bool,
    pub page: u32,
    pub limit: u32,
    /// Rows of the grouping over every page.
    pub total_rows: u64,
    pub rows: Vec<DeliveryGroupRow>,
    /// Of every row (not only this page's).
    pub totals: DeliveryTotals,
}

impl GroupedDeliveries {
    /// Pages the rows fill (at least 1).
    pub fn pages(&self) -> u64 {
        self.total_rows
            .div_ceil(u64::from(self.limit.max(1)))
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: DeliveriesParams<'_>) -> Result<DeliveriesQuery, FieldError> {
        DeliveriesQuery::parse(&p)
    }

    #[test]
    fn defaults_are_the_full_table_by_name_first_page() {
        let q = parse(DeliveriesParams::default()).expect("defaults");
        assert_eq!(q.group, DeliveryGroup::CourierClient);
        assert_eq!((q.sort, q.desc), (DeliveryColumn::Courier, false));
        assert_eq!((q.page, q.limit), (1, DELIVERIES_LIMIT));
        let q = parse(DeliveriesParams {
            group: Some("client"),
            sort: Some("amount"),
            ..Default::default()
        })
        .expect("client by amount");
        assert_eq!((q.sort, q.desc), (DeliveryColumn::Amount, true));
    }

    #[test]
    fn bad_values_name_their_field() {
        let field = |p| parse(p).expect_err("refused").field;
        assert_eq!(
            field(DeliveriesParams {
                group: Some("operator"),
                ..Default::default()
            }),
            "group"
        );
        assert_eq!(
            field(DeliveriesParams {
                group: Some("day"),
                sort: Some("client"),
                ..Default::default()
            }),
            "sort"
        );
        for (page, limit) in [("0", "10"), ("x", "10"), ("1", "0"), ("1", "1001")] {
            let f = field(DeliveriesParams {
                page: Some(page),
                limit: Some(limit),
                ..Default::default()
            });
            assert!(f == "page" || f == "limit", "{page} {limit}: {f}");
        }
        assert_eq!(
            field(DeliveriesParams {
                dir: Some("up"),
                ..Default::default()
            }),
            "dir"
        );
    }
}
