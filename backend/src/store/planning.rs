//! Route planning's rows (issue 21): the planning settings
//! (`settings:planning`), plan jobs (`plans`: the whole plan as JSON in
//! `doc`, rewritten as the search goes, compare-and-set on `rev`), the day's
//! stops the planner reads, and accepting a plan in one transaction.

use rodnik_shared::api::{Order, Plan, PlanState, PlanningSettings};
use serde_json::{json, Value};

use super::{decode_all, rid, Store};
use crate::error::{Error, Result};

/// A running plan whose row has not moved for this long was left by a
/// process that stopped: it reads as failed.
pub const PLAN_STALE_SECONDS: i64 = 30;

/// One stop's new place, as a plan's accept writes it.
#[derive(Debug, Clone)]
pub struct Placement {
    pub order_id: String,
    pub number: i64,
    /// The version the plan read.
    pub version: i64,
    pub courier_id: String,
    pub courier_name: String,
    pub route_pos: i64,
}

/// What accepting a plan did to one stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    Applied,
    /// Changed since the plan read it.
    Changed,
    /// No longer a stop waiting on a route (delivered, recalled, cancelled,
    /// moved to another day).
    NotOnRoute,
}

impl Store {
    pub async fn planning_settings(&self) -> Result<PlanningSettings> {
        Ok(self.settings_row("planning").await?.0)
    }

    pub async fn set_planning_settings(&self, new: &PlanningSettings) -> Result<PlanningSettings> {
        self.update_settings_row("planning", |s: &mut PlanningSettings| {
            *s = new.clone();
            Ok(())
        })
        .await
    }

    /// [`Store::day_stops`] from memory when no order changed since it was
    /// last read (the couriers' days' cache, `route_cache`, under a courier
    /// id no courier has): for slots and ETAs, which read the whole day on
    /// every request. Decisions (the slot check on save, plans) read the
    /// database.
    pub async fn day_view(&self, date: &str) -> Result<std::sync::Arc<Vec<Order>>> {
        const WHOLE_DAY: &str = "";
        match self.routes.get(WHOLE_DAY, date) {
            Ok(stops) => Ok(stops),
            Err(generation) => {
                let stops = std::sync::Arc::new(self.day_stops(date).await?);
                self.routes
                    .put(generation, WHOLE_DAY, date, std::sync::Arc::clone(&stops));
                Ok(stops)
            }
        }
    }

    /// Every stop on a route on `date` (dispatched and delivered), each
    /// courier's in route order.
    pub async fn day_stops(&self, date: &str) -> Result<Vec<Order>> {
        let rows = self
            // The `route_day` index: the stops on a route only, however
            // many cancelled or unassigned orders the day holds (the state
            // is checked again here).
            .many(
                "SELECT * OMIT delivered_by FROM orders WHERE route_day = $d
                 ORDER BY courier_id, route_pos, number",
                json!({ "d": date }),
                vec![],
            )
            .await?;
        let mut orders: Vec<Order> = decode_all(rows)?;
        orders.retain(|o| o.courier_id.is_some() && o.state.is_on_route());
        Ok(orders)
    }

    /// Delivered stops from `from` to `to` for calibrating travel times:
    /// `[courier_id, delivery_date, delivered_at, lat, lon, bottles, floor,
    /// no_lift]`, each courier's day in the order delivered. At most
    /// `limit` rows.
    pub async fn delivered_trips(&self, from: &str, to: &str, limit: usize) -> Result<Vec<Value>> {
        self.many(
            "SELECT VALUE [courier_id, delivery_date, delivered_at, address.lat, address.lon,
                 math::sum(lines[WHERE returnable = true].qty) ?? 0, address.floor,
                 address.no_lift ?? false]
             FROM orders
             WHERE delivery_date >= $from AND delivery_date <= $to AND state = 'delivered'
                 AND courier_id != NONE AND delivered_at != NONE AND address.lat != NONE
             ORDER BY courier_id, delivery_date, delivered_at LIMIT $limit",
            json!({ "from": from, "to": to, "limit": limit }),
            vec![],
        )
        .await
    }

    // ---- plans ----

    /// Writes a new plan row.
    pub async fn create_plan(&self, plan: &Plan, now: &str) -> Result<()> {
        let doc = serde_json::to_string(plan).map_err(|e| Error::Internal(e.to_string()))?;
        self.run_with(
            "CREATE $rid CONTENT { date: $date, state: $state, doc: $doc, rev: 1,
                 created_at: $now, beat: $now } RETURN NONE",
            json!({ "date": plan.date, "state": state_str(plan.state), "doc": doc, "now": now }),
            vec![("rid", rid("plans", &plan.id))],
        )
        .await?;
        Ok(())
    }

    /// Rewrites a running plan (progress, or its end) only while it is still
    /// running; `false` when it is not (cancelled meanwhile).
    pub async fn update_running_plan(&self, plan: &Plan, now: &str) -> Result<bool> {
        let doc = serde_json::to_string(plan).map_err(|e| Error::Internal(e.to_string()))?;
        let v = self
            .many(
                "UPDATE $rid SET state = $state, doc = $doc, rev += 1, beat = $now
                 WHERE state = 'running' RETURN VALUE id",
                json!({ "state": state_str(plan.state), "doc": doc, "now": now }),
                vec![("rid", rid("plans", &plan.id))],
            )
            .await?;
        Ok(!v.is_empty())
    }

    /// A plan and its revision; a running plan whose process stopped reads
    /// as failed.
    pub async fn get_plan(&self, id: &str) -> Result<Option<(Plan, i64)>> {
        let row = self
            .one(
                "SELECT doc, rev, state, beat FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("plans", id))],
            )
            .await?;
        row.map(|r| plan_of_row(&r)).transpose()
    }

    /// The latest 20 plans of a date, newest first.
    pub async fn plans_of(&self, date: &str) -> Result<Vec<Plan>> {
        let rows = self
            .many(
                "SELECT doc, rev, state, beat, created_at FROM plans WHERE date = $d
                 ORDER BY created_at DESC LIMIT 20",
                json!({ "d": date }),
                vec![],
            )
            .await?;
        rows.iter()
            .map(|r| plan_of_row(r).map(|(p, _)| p))
            .collect()
    }

    /// Whether a plan of the date is running (and alive).
    pub async fn plan_running(&self, date: &str) -> Result<bool> {
        let rows = self
            .many(
                "SELECT doc, rev, state, beat FROM plans WHERE date = $d AND state = 'running'",
                json!({ "d": date }),
                vec![],
            )
            .await?;
        for r in &rows {
            if plan_of_row(r)?.0.state == PlanState::Running {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Marks a plan cancelled if it is running or done; the plan as stored after.
    pub async fn cancel_plan(&self, id: &str, plan: &Plan, now: &str) -> Result<bool> {
        let mut p = plan.clone();
        p.state = PlanState::Cancelled;
        p.finished_at.get_or_insert_with(|| now.to_string());
        let doc = serde_json::to_string(&p).map_err(|e| Error::Internal(e.to_string()))?;
        let v = self
            .many(
                "UPDATE $rid SET state = 'cancelled', doc = $doc, rev += 1, beat = $now
                 WHERE state IN ['running', 'done'] RETURN VALUE id",
                json!({ "doc": doc, "now": now }),
                vec![("rid", rid("plans", id))],
            )
            .await?;
        Ok(!v.is_empty())
    }

    /// Writes an accepted plan's outcome (after `accept_plan`).
    pub async fn finish_accepted_plan(&self, plan: &Plan) -> Result<()> {
        let doc = serde_json::to_string(plan).map_err(|e| Error::Internal(e.to_string()))?;
        self.run_with(
            "UPDATE $rid SET doc = $doc, rev += 1 WHERE state = 'accepted' RETURN NONE",
            json!({ "doc": doc }),
            vec![("rid", rid("plans", &plan.id))],
        )
        .await?;
        Ok(())
    }

    /// Accepts a done plan: in one transaction, every placement whose order
    /// is still at the version the plan read, still waiting on a route
    /// (`delivery`) and still on the plan's date gets its courier and
    /// position; the plan is marked accepted with `accepted_doc`. The
    /// outcome per placement, in their order. `plan_rev` guards against a
    /// second accept (409 `plan_accepted`).
    pub async fn accept_plan(
        &self,
        plan_id: &str,
        plan_rev: i64,
        date: &str,
        placements: &[Placement],
        accepted_doc: &Plan,
        now: &str,
    ) -> Result<Vec<Placed>> {
        let doc =
            serde_json::to_string(accepted_doc).map_err(|e| Error::Internal(e.to_string()))?;
        let items: Vec<Value> = placements
            .iter()
            .map(|p| {
                json!({ "key": p.order_id, "v": p.version, "c": p.courier_id,
                        "cn": p.courier_name, "pos": p.route_pos })
            })
            .collect();
        let keys: Vec<String> = placements.iter().map(|p| p.order_id.clone()).collect();
        let sql = "BEGIN TRANSACTION;
             LET $p = (UPDATE $pid SET state = 'accepted', doc = $doc, rev += 1, beat = $now
                 WHERE rev = $rev AND state = 'done' RETURN VALUE id);
             IF array::len($p) = 0 { THROW 'plan_not_acceptable' };
             FOR $i IN $items {
                 UPDATE type::record('orders', $i.key) SET courier_id = $i.c,
                     courier_name = $i.cn, route_pos = $i.pos, version += 1, updated_at = $now
                 WHERE version = $i.v AND state = 'delivery' AND delivery_date = $date
                 RETURN NONE;
             };
             COMMIT TRANSACTION;";
        self.run_with(
            sql,
            json!({ "doc": doc, "rev": plan_rev, "now": now, "items": items, "date": date }),
            vec![("pid", rid("plans", plan_id))],
        )
        .await
        .map_err(|e| match e {
            Error::Db(m) if m.contains("plan_not_acceptable") => Error::conflict(
                "plan_accepted",
                "the plan was accepted or cancelled meanwhile",
            ),
            other => other,
        })?;
        self.forget_routes();
        // Which were written: the version one past the plan's, stamped with
        // this accept's time (read right after the commit).
        let rows = self
            .many(
                "SELECT record::id(id) AS key, version, updated_at, state, delivery_date FROM $ids",
                Value::Null,
                vec![("ids", super::rids("orders", &keys))],
            )
            .await?;
        let row_of = |key: &str| {
            rows.iter()
                .find(|r| r.get("key").and_then(Value::as_str) == Some(key))
        };
        let applied: Vec<String> = placements
            .iter()
            .filter(|p| {
                row_of(&p.order_id).is_some_and(|r| {
                    r.get("version").and_then(Value::as_i64) == Some(p.version + 1)
                        && r.get("updated_at").and_then(Value::as_str) == Some(now)
                })
            })
            .map(|p| p.order_id.clone())
            .collect();
        Ok(placements
            .iter()
            .map(|p| {
                if applied.contains(&p.order_id) {
                    return Placed::Applied;
                }
                let row = rows
                    .iter()
                    .find(|r| r.get("key").and_then(Value::as_str) == Some(&p.order_id));
                match row {
                    Some(r)
                        if r.get("state").and_then(Value::as_str) == Some("delivery")
                            && r.get("delivery_date").and_then(Value::as_str) == Some(date) =>
                    {
                        Placed::Changed
                    }
                    _ => Placed::NotOnRoute,
                }
            })
            .collect())
    }
}

fn state_str(s: PlanState) -> &'static str {
    match s {
        PlanState::Running => "running",
        PlanState::Done => "done",
        PlanState::Failed => "failed",
        PlanState::Accepted => "accepted",
        PlanState::Cancelled => "cancelled",
    }
}

fn plan_of_row(r: &Value) -> Result<(Plan, i64)> {
    let doc = r.get("doc").and_then(Value::as_str).unwrap_or("{}");
    let mut plan: Plan = serde_json::from_str(doc)
        .map_err(|e| Error::Internal(format!("a stored plan did not decode: {e}")))?;
    let rev = r.get("rev").and_then(Value::as_i64).unwrap_or(0);
    if plan.state == PlanState::Running {
        let beat = r
            .get("beat")
            .and_then(Value::as_str)
            .and_then(|b| chrono::DateTime::parse_from_rfc3339(b).ok());
        let stale = beat.is_none_or(|b| {
            chrono::Utc::now().signed_duration_since(b).num_seconds() > PLAN_STALE_SECONDS
        });
        if stale {
            plan.state = PlanState::Failed;
            plan.error = Some("the server running it stopped: start it again".into());
        }
    }
    Ok((plan, rev))
}
