//! The couriers' cash handovers: one row per courier and day
//! (`handovers:[courier, date]`), changed with compare-and-set on `version`,
//! and the day's cash figures from the delivered stops.

use rodnik_shared::api::{Handover, HandoverState};
use rodnik_shared::{Money, OrderState};
use serde_json::{json, Value};

use super::{decode, decode_all, Store};
use crate::error::{Error, Result};

/// Cash of a courier's day: due, collected, delivered stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCash {
    pub due: Money,
    pub collected: Money,
    pub stops: i64,
}

/// A courier's day in the cash report (from the delivered orders).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CashDay {
    pub courier_id: String,
    pub date: String,
    pub stops: i64,
    pub due: i64,
    pub collected: i64,
}

/// The record key of a courier's day.
pub fn handover_key(courier_id: &str, date: &str) -> String {
    format!("{courier_id}_{}", date.replace('-', ""))
}

fn rid(key: &str) -> surrealdb::types::Value {
    super::rid("handovers", key)
}

fn doc(h: &Handover) -> Value {
    let mut v = super::strip_nulls(serde_json::to_value(h).unwrap_or(Value::Null));
    if let Value::Object(m) = &mut v {
        m.remove("id");
    }
    v
}

impl Store {
    /// The cash of a courier's delivered stops of a day.
    pub async fn day_cash(&self, courier_id: &str, date: &str) -> Result<DayCash> {
        let stops = self.route(courier_id, date).await?;
        let mut c = DayCash::default();
        for o in stops.iter().filter(|o| o.state == OrderState::Delivered) {
            c.stops += 1;
            c.due = c.due + o.cash_due_in_cash();
            c.collected = c.collected + o.cash_collected.unwrap_or(Money::ZERO);
        }
        Ok(c)
    }

    pub async fn get_handover(&self, key: &str) -> Result<Option<Handover>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid(key))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// Writes `new`: created when `old` is `None`, else only if the stored
    /// one is still at `old`'s version (409 `stale_version` otherwise).
    pub async fn put_handover(&self, old: Option<&Handover>, new: &Handover) -> Result<()> {
        let written = match old {
            None => {
                self.run_with(
                    "CREATE $rid CONTENT $doc RETURN NONE",
                    json!({ "doc": doc(new) }),
                    vec![("rid", rid(&new.id))],
                )
                .await
            }
            Some(old) => {
                self.run_with(
                    "BEGIN TRANSACTION;
                     LET $changed = (UPDATE $rid CONTENT $doc WHERE version = $old RETURN id);
                     IF array::len($changed) = 0 { THROW 'cas_failed' };
                     COMMIT TRANSACTION;",
                    json!({ "doc": doc(new), "old": old.version }),
                    vec![("rid", rid(&new.id))],
                )
                .await
            }
        };
        written.map(|_| ()).map_err(|e| match e {
            // Someone else created it first: a race like a stale version.
            Error::Conflict {
                code: "duplicate", ..
            } => Error::conflict("stale_version", "the handover changed meanwhile"),
            other => other,
        })
    }

    /// Handovers of a day (and of one courier), or every open one.
    pub async fn handovers(
        &self,
        date: Option<&str>,
        courier_id: Option<&str>,
        state: Option<HandoverState>,
    ) -> Result<Vec<Handover>> {
        let filter = super::where_clause(&[
            ("date = $date", date.is_some()),
            ("courier_id = $courier", courier_id.is_some()),
            ("state = $state", state.is_some()),
        ]);
        let rows = self
            .many(
                &format!(
                    "SELECT * FROM handovers {filter} ORDER BY date DESC, courier_name LIMIT 1000"
                ),
                super::strip_nulls(json!({ "date": date, "courier": courier_id, "state": state })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Handovers of days `from..=to`.
    pub async fn handovers_between(&self, from: &str, to: &str) -> Result<Vec<Handover>> {
        let rows = self
            .many(
                "SELECT * FROM handovers WHERE date >= $from AND date <= $to",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Each courier's delivered days in `from..=to` with their cash.
    pub async fn cash_days(&self, from: &str, to: &str) -> Result<Vec<CashDay>> {
        let rows = self
            .many(
                "SELECT courier_id, delivery_date AS date, count() AS stops,
                        math::sum(cash_collected ?? 0) AS collected,
                        math::sum(IF client_kind = 'individual' {
                            total + (deposit.amount ?? 0)
                                - array::fold((payments ?? []).amount, 0, |$a, $b| $a + $b)
                        } ELSE { 0 }) AS due
                 FROM orders
                 WHERE delivery_date >= $from AND delivery_date <= $to AND state = 'delivered'
                   AND courier_id != NONE
                 GROUP BY courier_id, date",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                serde_json::from_value(r).map_err(|e| Error::Internal(format!("cash day: {e}")))
            })
            .collect()
    }
}
