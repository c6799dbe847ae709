//! Rental agreements (issue 19, item 3). An agreement is created with the
//! order that delivers its equipment and reserves that equipment, in one
//! transaction; a collection order is ordered against it the same way. The
//! orders' deliveries and cancellations move the agreement on
//! (`orders::equipment_moves`, in the order's transaction).

use std::collections::HashMap;

use rodnik_shared::api::{Order, Rental};
use rodnik_shared::RentalState;
use serde_json::{json, Value};

use super::idem::IdemAnswer;
use super::{decode, decode_all, rid, strip_nulls, where_clause, Store};
use crate::error::{Error, Result};

#[derive(serde::Deserialize)]
struct OpenTasks {
    id: String,
    number: i64,
    #[serde(default)]
    equipment: Vec<rodnik_shared::api::EquipmentTask>,
}

/// What the list of agreements is filtered by.
#[derive(Debug, Default)]
pub struct RentalFilter {
    pub client_id: Option<String>,
    pub equipment_id: Option<String>,
    pub state: Option<RentalState>,
    pub limit: usize,
}

fn rental_doc(r: &Rental) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(r).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        map.remove("id");
        // Computed when read.
        map.remove("sanitation_due");
    }
    doc
}

impl Store {
    /// Stores the agreement `r` and its delivery order `o`, reserving the
    /// equipment (in stock and free, else `Conflict(equipment_taken)`), with
    /// the idempotency key's answer, in one transaction.
    pub async fn create_rental(
        &self,
        r: &Rental,
        o: &Order,
        answer: Option<&IdemAnswer<'_>>,
    ) -> Result<()> {
        let reserve = "LET $reserved = (UPDATE $equipment SET rental_id = $rental_id,
                 rental_number = $number, version += 1, updated_at = $now
               WHERE state = 'in_stock' AND rental_id = NONE RETURN id);
             IF array::len($reserved) = 0 { THROW 'equipment_taken' };
             CREATE $rental CONTENT $rdoc RETURN NONE;";
        let vars = json!({
            "rdoc": rental_doc(r),
            "rental_id": r.id,
            "number": r.number,
            "now": r.created_at,
        });
        let ids = vec![
            ("rental", rid("rentals", &r.id)),
            ("equipment", rid("equipment", &r.equipment_id)),
        ];
        self.insert_order_with(o, reserve, vars, ids, answer).await
    }

    /// Stores the collection order `o` of the agreement `r` (active, at
    /// `r.version`, no collection ordered yet, else `Conflict(rental_changed)`),
    /// with the key's answer, in one transaction.
    pub async fn order_collection(
        &self,
        r: &Rental,
        o: &Order,
        answer: Option<&IdemAnswer<'_>>,
    ) -> Result<()> {
        let mark = "LET $ordered = (UPDATE $rental SET collect_order_id = $oid,
                 collect_order_number = $onum, version += 1, updated_at = $now
               WHERE version = $v AND state = 'active' AND collect_order_id = NONE RETURN id);
             IF array::len($ordered) = 0 { THROW 'rental_changed' };";
        let vars = json!({ "v": r.version, "oid": o.id, "onum": o.number, "now": o.created_at });
        let ids = vec![("rental", rid("rentals", &r.id))];
        self.insert_order_with(o, mark, vars, ids, answer).await
    }

    /// Writes `new` (its terms) over the stored agreement only if it is
    /// still at `old_version`.
    pub async fn save_rental(&self, new: &Rental, old_version: i64) -> Result<()> {
        self.retrying(|| async {
            self.run_with(
                "BEGIN TRANSACTION;
                 LET $changed = (UPDATE $rid CONTENT $doc WHERE version = $old RETURN id);
                 IF array::len($changed) = 0 { THROW 'cas_failed' };
                 COMMIT TRANSACTION;",
                json!({ "doc": rental_doc(new), "old": old_version }),
                vec![("rid", rid("rentals", &new.id))],
            )
            .await
            .map(|_| ())
        })
        .await
    }

    pub async fn get_rental(&self, id: &str) -> Result<Option<Rental>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("rentals", id))],
            )
            .await?;
        row.filter(|r| !r.is_null()).map(decode).transpose()
    }

    pub async fn require_rental(&self, id: &str) -> Result<Rental> {
        self.get_rental(id)
            .await?
            .ok_or_else(|| Error::not_found("rental"))
    }

    /// Agreements, newest first.
    pub async fn list_rentals(&self, f: &RentalFilter) -> Result<Vec<Rental>> {
        let filter = where_clause(&[
            ("client_id = $client", f.client_id.is_some()),
            ("equipment_id = $equipment", f.equipment_id.is_some()),
            ("state = $state", f.state.is_some()),
        ]);
        let rows = self
            .many(
                &format!("SELECT * FROM rentals {filter} ORDER BY number DESC LIMIT $limit"),
                strip_nulls(json!({
                    "client": f.client_id,
                    "equipment": f.equipment_id,
                    "state": f.state.map(RentalState::as_str),
                    "limit": f.limit,
                })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Agreements in force on some day from `first` to `last` (YYYY-MM-DD):
    /// delivered by then and not ended before.
    pub async fn rentals_in_force(&self, first: &str, last: &str) -> Result<Vec<Rental>> {
        let rows = self
            .many(
                "SELECT * FROM rentals
                 WHERE state IN ['active', 'ended'] AND start <= $last
                   AND (ended_on = NONE OR ended_on >= $first)
                 ORDER BY number",
                json!({ "first": first, "last": last }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Agreements in force (their equipment at the client), by number.
    pub async fn active_rentals(&self) -> Result<Vec<Rental>> {
        let rows = self
            .many(
                "SELECT * FROM rentals WHERE state = 'active' ORDER BY number",
                Value::Null,
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Open orders that sanitise equipment: (equipment id, order id, number).
    pub async fn open_sanitations(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = self
            .many(
                "SELECT id, number, equipment FROM orders
                 WHERE state IN ['new', 'delivery'] AND array::len(equipment ?? []) > 0",
                Value::Null,
                vec![],
            )
            .await?;
        let mut out = vec![];
        for row in rows {
            let Ok(o) = decode::<OpenTasks>(row) else {
                continue;
            };
            for t in o.equipment {
                if t.action == rodnik_shared::EquipmentTaskAction::Sanitize {
                    out.push((t.equipment_id, o.id.clone(), o.number));
                }
            }
        }
        Ok(out)
    }

    /// The 19 L bottles delivered from `first` to `last` to each
    /// (client, address) of `clients`.
    pub async fn bottles_by_address(
        &self,
        clients: &[String],
        first: &str,
        last: &str,
    ) -> Result<HashMap<(String, String), u32>> {
        let mut out = HashMap::new();
        for client in clients {
            let rows = self
                .many(
                    "SELECT address.id AS address_id, lines FROM orders
                     WHERE client_id = $c AND state = 'delivered'
                       AND delivery_date >= $first AND delivery_date <= $last",
                    json!({ "c": client, "first": first, "last": last }),
                    vec![],
                )
                .await?;
            for row in rows {
                let address = row["address_id"].as_str().unwrap_or_default().to_string();
                let qty: u64 = row["lines"]
                    .as_array()
                    .map(|lines| {
                        lines
                            .iter()
                            .filter(|l| l["returnable"].as_bool() == Some(true))
                            .filter_map(|l| l["qty"].as_u64())
                            .sum()
                    })
                    .unwrap_or(0);
                *out.entry((client.clone(), address)).or_insert(0) +=
                    u32::try_from(qty).unwrap_or(u32::MAX);
            }
        }
        Ok(out)
    }
}
