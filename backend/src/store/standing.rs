//! Standing orders (issue 23): the records, their compare-and-set edits,
//! and the marks of the dates already generated (`standing_runs`), each
//! written in the generated order's own transaction.

use rodnik_shared::api::{Order, StandingError, StandingOrder};
use serde_json::{json, Value};

use super::{decode, decode_all, rid, strip_nulls, Store};
use crate::error::{Error, Result};

/// What is stored of a standing order: all but its id and what is worked
/// out on reading (`described`, `upcoming`).
fn standing_doc(s: &StandingOrder) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(s).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        for k in ["id", "described", "upcoming"] {
            map.remove(k);
        }
    }
    doc
}

impl Store {
    pub async fn create_standing(&self, s: &StandingOrder) -> Result<()> {
        self.run_with(
            "CREATE $rid CONTENT $doc RETURN NONE",
            json!({ "doc": standing_doc(s) }),
            vec![("rid", rid("standing_orders", &s.id))],
        )
        .await?;
        Ok(())
    }

    pub async fn get_standing(&self, id: &str) -> Result<Option<StandingOrder>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("standing_orders", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// A client's standing orders (the ended ones too when `all`), oldest
    /// first; or every standing order in force when `client_id` is `None`.
    pub async fn list_standing(
        &self,
        client_id: Option<&str>,
        all: bool,
    ) -> Result<Vec<StandingOrder>> {
        let rows = self
            .many(
                "SELECT * FROM standing_orders
                 WHERE ($client = NONE OR client_id = $client) AND ($all OR ended = false)
                 ORDER BY created_at, id",
                strip_nulls(json!({ "client": client_id, "all": all })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Writes `next` over the standing order at `current_version`: 409
    /// `stale_version` when someone else changed it first.
    pub async fn cas_standing(&self, next: &StandingOrder, current_version: i64) -> Result<()> {
        let r = self
            .run_with(
                "BEGIN TRANSACTION;
                 LET $now = (SELECT VALUE version FROM ONLY $rid);
                 IF $now != $expected { THROW 'cas_failed' };
                 UPDATE $rid CONTENT $doc RETURN NONE;
                 COMMIT TRANSACTION;",
                json!({ "doc": standing_doc(next), "expected": current_version }),
                vec![("rid", rid("standing_orders", &next.id))],
            )
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(Error::Conflict {
                code: "stale_version",
                ..
            }) => {
                let now = self.get_standing(&next.id).await?.map_or(0, |s| s.version);
                Err(Error::stale_version("standing order", current_version, now))
            }
            Err(e) => Err(e),
        }
    }

    /// Records why a date could not be generated (`None`: the last run
    /// went through), without touching the version.
    pub async fn set_standing_error(&self, id: &str, e: Option<&StandingError>) -> Result<()> {
        self.run_with(
            "UPDATE $rid SET last_error = $e RETURN NONE",
            strip_nulls(json!({ "e": e })),
            vec![("rid", rid("standing_orders", id))],
        )
        .await?;
        Ok(())
    }

    /// The orders generated for a standing order on `dates` (YYYY-MM-DD):
    /// (date, order id) for the dates already made.
    pub async fn standing_runs(&self, id: &str, dates: &[String]) -> Result<Vec<(String, String)>> {
        if dates.is_empty() {
            return Ok(vec![]);
        }
        let rows = self
            .many(
                "SELECT VALUE [record::id(id)[1], order_id]
                 FROM $dates.map(|$d| type::record('standing_runs', [$sid, $d]))",
                json!({ "sid": id, "dates": dates }),
                vec![],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r[0].as_str()?.to_string(), r[1].as_str()?.to_string())))
            .collect())
    }

    /// Stores an order generated from standing order `standing_id` for
    /// `date`, with the date's mark, in one transaction: `false` when the
    /// date was already made (by an earlier run, or another server at the
    /// same moment), nothing written then.
    pub async fn insert_standing_order(
        &self,
        o: &Order,
        standing_id: &str,
        date: &str,
        at: &str,
    ) -> Result<bool> {
        let mark = "CREATE type::record('standing_runs', [$sid, $day])
                    CONTENT { order_id: $oid, at: $at } RETURN NONE;";
        let vars = json!({ "sid": standing_id, "day": date, "oid": o.id, "at": at });
        match self.insert_order_with(o, mark, vars, vec![], None).await {
            Ok(()) => Ok(true),
            Err(e) => {
                let made = self.standing_runs(standing_id, &[date.to_string()]).await?;
                if made.is_empty() {
                    Err(e)
                } else {
                    Ok(false)
                }
            }
        }
    }
}
