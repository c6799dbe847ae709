//! Orders. Every change is a compare-and-set on `version` inside one
//! transaction with whatever else it touches (the client's bottle balance).

use std::sync::Arc;

use rodnik_shared::api::Order;
use rodnik_shared::{Effects, EquipmentState, OrderState};
use serde_json::{json, Value};

use super::stats::apply_stats;
use super::{decode, decode_all, rid, rids, strip_nulls, where_clause, Store};
use crate::error::{Error, Result};
use crate::figures::equipment::Effect;
use crate::figures::{account, bottles, equipment, reasons, Stats};

#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub date: Option<String>,
    pub state: Option<OrderState>,
    pub courier_id: Option<String>,
    pub client_id: Option<String>,
    /// Only orders whose failed attempt still waits for a new date.
    pub needs_new_date: bool,
    /// Only stops on a route (dispatched or delivered): what a courier may see.
    pub on_route: bool,
    /// At most this many (default and ceiling: `MAX_LIST`), after skipping `offset`.
    pub limit: Option<usize>,
    pub offset: usize,
}

/// The most orders one list answer holds; the rest is paged with `offset`.
pub const MAX_LIST: usize = 5000;

pub(super) fn order_doc(o: &Order, delivered_by: Option<&str>) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(o).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        map.remove("id");
        if let Some(by) = delivered_by {
            map.insert("delivered_by".into(), json!(by));
        }
    }
    doc
}

const ON_ROUTE: &str = "state IN ['delivery', 'delivered']";

/// The value of `orders.route_key` (schema.surql) for a courier's day.
pub(super) fn route_key(courier_id: &str, date: &str) -> String {
    format!("{courier_id}|{date}")
}

/// The statements that record reasons given (bound as `$reason0`, ...).
/// `CREATE bottle_moves` for each move, bound as `$bottle<i>`.
pub(super) fn bottle_moves(moves: &[bottles::MoveRow], vars: &mut Value) -> String {
    let mut sql = String::new();
    for (i, m) in moves.iter().enumerate() {
        let name = format!("bottle{i}");
        vars[&name] = strip_nulls(serde_json::to_value(m).unwrap_or(Value::Null));
        sql.push_str(&format!("CREATE bottle_moves CONTENT ${name};"));
    }
    sql
}

/// The statements that carry an order change over to the rented equipment
/// it brings or collects and to their agreements (`figures::equipment`),
/// bound as `$eq<i>`. A stop delivered with equipment that is not where it
/// should be, or an agreement that moved on, fails the whole change.
pub(super) fn equipment_moves(
    new: &Order,
    by: Option<&str>,
    vars: &mut Value,
    old: &Order,
) -> String {
    let mut sql = String::new();
    for (i, (effect, t)) in equipment::effects(old, new).into_iter().enumerate() {
        let v = format!("eq{i}");
        let (from, to) = match effect {
            Effect::Delivered => (EquipmentState::InStock, EquipmentState::AtClient),
            _ => (EquipmentState::AtClient, EquipmentState::InStock),
        };
        let event = super::equipment::event_doc(
            &t.equipment_id,
            &super::equipment::EventRow {
                from: Some(from),
                to,
                client_id: Some(&new.client_id),
                reason: None,
                order_number: Some(new.number),
                rental_number: Some(t.rental_number),
                by: (
                    by.or(new.courier_id.as_deref()).unwrap_or_default(),
                    new.courier_name.as_deref().unwrap_or_default(),
                ),
                at: &new.updated_at,
            },
        );
        vars[&v] = json!({
            "equipment": t.equipment_id,
            "rental": t.rental_id,
            "client_id": new.client_id,
            "client_name": new.client_name,
            "address_id": new.address.id,
            "day": new.delivery_date,
            "now": new.updated_at,
            "order_id": new.id,
            "event": event,
        });
        let e = format!("type::record('equipment', ${v}.equipment)");
        let r = format!("type::record('rentals', ${v}.rental)");
        sql.push_str(&match effect {
            Effect::Delivered => format!(
                "LET $m{i} = (UPDATE {e} SET state = 'at_client', client_id = ${v}.client_id,
                     client_name = ${v}.client_name, address_id = ${v}.address_id,
                     sanitized_on = ${v}.day, version += 1, updated_at = ${v}.now
                   WHERE state = 'in_stock' AND rental_id = ${v}.rental RETURN id);
                 IF array::len($m{i}) = 0 {{ THROW 'equipment_not_ready' }};
                 CREATE equipment_events CONTENT ${v}.event RETURN NONE;
                 LET $r{i} = (UPDATE {r} SET state = 'active', start = ${v}.day,
                     sanitized_on = ${v}.day, version += 1, updated_at = ${v}.now
                   WHERE state = 'pending' RETURN id);
                 IF array::len($r{i}) = 0 {{ THROW 'rental_changed' }};"
            ),
            Effect::Collected => format!(
                "LET $m{i} = (UPDATE {e} SET state = 'in_stock', client_id = NONE,
                     client_name = NONE, address_id = NONE, rental_id = NONE,
                     rental_number = NONE, version += 1, updated_at = ${v}.now
                   WHERE state = 'at_client' AND rental_id = ${v}.rental RETURN id);
                 IF array::len($m{i}) = 0 {{ THROW 'equipment_not_ready' }};
                 CREATE equipment_events CONTENT ${v}.event RETURN NONE;
                 LET $r{i} = (UPDATE {r} SET state = 'ended', ended_on = ${v}.day,
                     version += 1, updated_at = ${v}.now
                   WHERE state = 'active' RETURN id);
                 IF array::len($r{i}) = 0 {{ THROW 'rental_changed' }};"
            ),
            // Nothing moved: the reservation or the ordered collection goes.
            Effect::DeliveryCancelled => format!(
                "UPDATE {e} SET rental_id = NONE, rental_number = NONE, version += 1,
                     updated_at = ${v}.now
                   WHERE rental_id = ${v}.rental AND state = 'in_stock' RETURN NONE;
                 UPDATE {r} SET state = 'cancelled', version += 1, updated_at = ${v}.now
                   WHERE state = 'pending' RETURN NONE;"
            ),
            // No state moves: the date it was sanitised, on it and its agreement.
            Effect::Sanitized => format!(
                "LET $m{i} = (UPDATE {e} SET sanitized_on = ${v}.day, version += 1,
                     updated_at = ${v}.now
                   WHERE state = 'at_client' AND client_id = ${v}.client_id RETURN id);
                 IF array::len($m{i}) = 0 {{ THROW 'equipment_not_ready' }};
                 UPDATE {r} SET sanitized_on = ${v}.day, version += 1, updated_at = ${v}.now
                   WHERE state = 'active' RETURN NONE;"
            ),
            Effect::CollectionCancelled => format!(
                "UPDATE {r} SET collect_order_id = NONE, collect_order_number = NONE,
                     version += 1, updated_at = ${v}.now
                   WHERE collect_order_id = ${v}.order_id RETURN NONE;"
            ),
        });
    }
    sql
}

pub(super) fn reason_events(events: &[reasons::ReasonEvent], vars: &mut Value) -> String {
    let mut sql = String::new();
    for (i, e) in events.iter().enumerate() {
        let name = format!("reason{i}");
        vars[&name] = strip_nulls(serde_json::to_value(e).unwrap_or(Value::Null));
        sql.push_str(&format!("CREATE reason_events CONTENT ${name};"));
    }
    sql
}

pub use super::idem::IdemAnswer;

impl Store {
    pub async fn insert_order(&self, o: &Order) -> Result<()> {
        self.insert_order_answered(o, None, None).await
    }

    /// Creates the order and, in the same transaction, links it to the call
    /// it was taken on (`call_key`) and writes `answer` (an idempotency record
    /// and the response body).
    pub async fn insert_order_answered(
        &self,
        o: &Order,
        call_key: Option<&str>,
        answer: Option<&IdemAnswer<'_>>,
    ) -> Result<()> {
        let mut ids = vec![];
        let link = match call_key {
            Some(k) => {
                ids.push(("call", rid("calls", k)));
                "UPDATE $call SET order_ids = array::union(order_ids, [$oid]);"
            }
            None => "",
        };
        self.insert_order_with(o, link, json!({ "oid": o.id }), ids, answer)
            .await
    }

    /// Creates the order with `also` (statements over `vars` and `ids`, which
    /// may THROW to refuse the whole), its report figures and `answer`, in
    /// one transaction, retried on conflicts.
    pub(super) async fn insert_order_with(
        &self,
        o: &Order,
        also: &str,
        mut vars: Value,
        mut ids: Vec<(&'static str, surrealdb::types::Value)>,
        answer: Option<&IdemAnswer<'_>>,
    ) -> Result<()> {
        ids.push(("rid", rid("orders", &o.id)));
        vars["doc"] = order_doc(o, None);
        let answered = answer
            .map(|a| a.statement(&mut vars, &mut ids))
            .unwrap_or_default();
        let apply = apply_stats(&Stats::change(None, o), &mut vars);
        let sql = format!(
            "BEGIN TRANSACTION; {also} CREATE $rid CONTENT $doc; {answered} {apply} COMMIT TRANSACTION;"
        );
        // A conflict on a shared figure row (or the call) cancels the whole
        // transaction, nothing written: run it again. The client's own row
        // is written by one transaction at a time (`client_turns`).
        let turn = super::client_turns::client_turn(&o.client_id).await;
        let written = self
            .retrying(|| self.run_with(&sql, vars.clone(), ids.clone()))
            .await;
        drop(turn);
        self.routes.clear();
        written?;
        Ok(())
    }

    pub async fn get_order(&self, id: &str) -> Result<Option<Order>> {
        let row = self
            .one(
                "SELECT * OMIT delivered_by FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("orders", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    pub async fn require_order(&self, id: &str) -> Result<Order> {
        self.get_order(id)
            .await?
            .ok_or_else(|| Error::not_found("order"))
    }

    /// Writes `new` over the stored order only if it is still at `old_version`.
    /// Returns `Conflict(stale_version)` when someone else changed it first.
    /// The report figures move by `new - old` in the same transaction.
    /// With `answer`, the idempotency key's answer is written in the same
    /// transaction (a retry then finds either both or neither).
    pub async fn cas_order(
        &self,
        old: &Order,
        new: &Order,
        fx: &Effects,
        answer: Option<&IdemAnswer<'_>>,
    ) -> Result<()> {
        let old_version = old.version;
        let stats = Stats::change(Some(old), new);
        // The bottle ledger's rows and the client's balance move together.
        let moves = bottles::moves(old, new);
        let delta = bottles::delta(&moves);
        let (deposit_bottles, deposit_money) = bottles::deposit_delta(&moves);
        debug_assert_eq!(
            delta, fx.bottles_delta,
            "the ledger and the order's effects agree"
        );
        let mut vars = json!({
            "doc": order_doc(new, fx.delivered_by.as_deref()),
            "old": old_version,
            "delta": delta,
            "dep": deposit_bottles,
            "money": deposit_money,
        });
        let apply = apply_stats(&stats, &mut vars);
        let mut ids = vec![("rid", rid("orders", &new.id))];
        // The account's rows and the client's sums move with the order.
        let charges = super::account::keyed(account::moves(old, new));
        if delta != 0 || deposit_bottles != 0 || deposit_money != 0 || !charges.is_empty() {
            ids.push(("cid", rid("clients", &new.client_id)));
        }
        let bottles = if delta != 0 || deposit_bottles != 0 || deposit_money != 0 {
            "UPDATE $cid SET bottles_held += $delta, deposit_bottles += $dep, deposit_held += $money;"
        } else {
            ""
        };
        let account = super::account::account_moves(&charges, &mut vars);
        let ledger = bottle_moves(&moves, &mut vars);
        let answered = answer
            .map(|a| a.statement(&mut vars, &mut ids))
            .unwrap_or_default();
        let reasons = reason_events(&reasons::given(Some(old), new), &mut vars);
        let equipment = equipment_moves(new, fx.delivered_by.as_deref(), &mut vars, old);
        // An individual's delivery queues its fiscal receipts with it.
        let plans = crate::figures::receipts::plans(old, new);
        let receipts = super::receipts::receipt_creates(
            &plans,
            new,
            &super::receipts::stamp(chrono::Utc::now()),
            &mut vars,
            &mut ids,
        );
        let sql = format!(
            "BEGIN TRANSACTION;
             LET $changed = (UPDATE $rid CONTENT $doc WHERE version = $old RETURN id);
             IF array::len($changed) = 0 {{ THROW 'cas_failed' }};
             {bottles}
             {ledger}
             {account}
             {equipment}
             {receipts}
             {answered}
             {apply}
             {reasons}
             COMMIT TRANSACTION;"
        );
        let turn = super::client_turns::client_turn(&new.client_id).await;
        let written = self.run_with(&sql, vars, ids).await;
        drop(turn);
        self.routes.clear();
        written?;
        if !plans.is_empty() {
            self.receipts_wake.notify_one();
        }
        Ok(())
    }

    pub async fn list_orders(&self, f: &OrderFilter) -> Result<Vec<Order>> {
        let filter = where_clause(&[
            ("delivery_date = $date", f.date.is_some()),
            ("state = $state", f.state.is_some()),
            ("courier_id = $courier", f.courier_id.is_some()),
            ("client_id = $client", f.client_id.is_some()),
            ("state = 'new' AND needs_new_date = true", f.needs_new_date),
            ("state IN ['delivery', 'delivered']", f.on_route),
        ]);
        // One over the ceiling lets a caller learn there is more.
        let limit = f.limit.unwrap_or(MAX_LIST).min(MAX_LIST + 1);
        let rows = self
            .many(
                &format!(
                    "SELECT * OMIT delivered_by FROM orders {filter}
                     ORDER BY delivery_date DESC, number DESC LIMIT $limit START $offset"
                ),
                strip_nulls(json!({
                    "date": f.date, "state": f.state, "courier": f.courier_id, "client": f.client_id,
                    "limit": limit, "offset": f.offset,
                })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// A courier's stops of the day as [`Store::route`], from memory when no
    /// order changed since it was last read (see `route_cache`). For showing
    /// the day; decisions (dispatch, reordering) read the database.
    pub async fn route_view(&self, courier_id: &str, date: &str) -> Result<Arc<Vec<Order>>> {
        match self.routes.get(courier_id, date) {
            Ok(stops) => Ok(stops),
            Err(generation) => {
                let stops = Arc::new(self.route(courier_id, date).await?);
                self.routes
                    .put(generation, courier_id, date, Arc::clone(&stops));
                Ok(stops)
            }
        }
    }

    /// Empties the couriers' days kept in memory (an order changed).
    pub fn forget_routes(&self) {
        self.routes.clear();
    }

    /// A courier's stops of the day (dispatched and delivered), in route order.
    pub async fn route(&self, courier_id: &str, date: &str) -> Result<Vec<Order>> {
        // The `route_key` index: only the stops on the route, however many
        // cancelled or unassigned orders the day holds (the state is
        // checked again here, as the index is kept by the database).
        let rows = self
            .many(
                "SELECT * OMIT delivered_by FROM orders WHERE route_key = $k
                 ORDER BY route_pos, number",
                json!({ "k": route_key(courier_id, date) }),
                vec![],
            )
            .await?;
        let orders: Vec<Order> = decode_all(rows)?;
        Ok(orders
            .into_iter()
            .filter(|o| o.state.is_on_route())
            .collect())
    }

    /// The next free route position on a courier's day.
    pub async fn next_route_pos(&self, courier_id: &str, date: &str) -> Result<i64> {
        let v = self
            .one(
                "RETURN math::max((SELECT VALUE route_pos FROM orders
                   WHERE route_key = $k)) ?? 0",
                json!({ "k": route_key(courier_id, date) }),
                vec![],
            )
            .await?;
        Ok(v.and_then(|v| v.as_i64()).unwrap_or(0) + 1)
    }

    /// Replaces the order of a courier's stops; every id must be one of that
    /// day's stops. One transaction; each moved stop's version grows.
    pub async fn set_route(
        &self,
        courier_id: &str,
        date: &str,
        order_ids: &[String],
        now: &str,
    ) -> Result<()> {
        let sql = format!(
            "BEGIN TRANSACTION;
             FOR $o IN $ids {{
               LET $m = (UPDATE $o SET route_pos = array::find_index($ids, $o) + 1,
                   version += 1, updated_at = $now
                 WHERE courier_id = $c AND delivery_date = $d AND {ON_ROUTE} RETURN id);
               IF array::len($m) = 0 {{ THROW 'not_on_route' }};
             }};
             COMMIT TRANSACTION;"
        );
        let ids = vec![("ids", rids("orders", order_ids))];
        let written = self
            .run_with(&sql, json!({ "c": courier_id, "d": date, "now": now }), ids)
            .await;
        self.routes.clear();
        written.map_err(|e| match e {
            Error::Db(m) if m.contains("not_on_route") => Error::invalid(
                "order_ids",
                "every order must be a dispatched or delivered stop of that courier and date",
            ),
            other => other,
        })?;
        Ok(())
    }
}
