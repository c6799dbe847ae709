//! Serialised equipment (issue 19, item 3): the register, its changes as
//! compare-and-set on `version`, and each move's history row written in the
//! same transaction.

use rodnik_shared::api::{Equipment, EquipmentEvent};
use rodnik_shared::{EquipmentKind, EquipmentState};
use serde_json::{json, Value};

use super::{decode, decode_all, new_key, rid, strip_nulls, where_clause, Store};
use crate::error::{Error, Result};

/// The key serials are unique by: trimmed, without inner spaces, upper case.
pub fn serial_key(serial: &str) -> String {
    serial
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// What the equipment list is filtered by.
#[derive(Debug, Default)]
pub struct EquipmentFilter {
    pub state: Option<EquipmentState>,
    pub kind: Option<EquipmentKind>,
    pub client_id: Option<String>,
    /// A fragment of the serial (any case, spaces ignored).
    pub serial: Option<String>,
    pub limit: usize,
}

fn serial_taken(e: Error) -> Error {
    match e {
        Error::Conflict {
            code: "duplicate", ..
        } => Error::conflict(
            "serial_taken",
            "equipment with that serial number is already registered",
        ),
        other => other,
    }
}

/// A history row as stored.
pub struct EventRow<'a> {
    pub from: Option<EquipmentState>,
    pub to: EquipmentState,
    pub client_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// The order and agreement of a rental stop's move.
    pub order_number: Option<i64>,
    pub rental_number: Option<i64>,
    pub by: (&'a str, &'a str),
    pub at: &'a str,
}

pub(super) fn event_doc(equipment_id: &str, e: &EventRow<'_>) -> Value {
    strip_nulls(json!({
        "equipment_id": equipment_id,
        "from": e.from.map(EquipmentState::as_str),
        "to": e.to.as_str(),
        "client_id": e.client_id,
        "reason": e.reason,
        "order_number": e.order_number,
        "rental_number": e.rental_number,
        "by": e.by.0,
        "by_name": e.by.1,
        "at": e.at,
    }))
}

fn equipment_doc(e: &Equipment) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(e).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        map.remove("id");
        map.insert("serial_key".into(), json!(serial_key(&e.serial)));
    }
    doc
}

impl Store {
    /// Registers `e` (in stock, version 1) with its first history row.
    pub async fn create_equipment(&self, e: &Equipment, by: (&str, &str)) -> Result<()> {
        let event = EventRow {
            from: None,
            to: e.state,
            client_id: None,
            reason: None,
            order_number: None,
            rental_number: None,
            by,
            at: &e.created_at,
        };
        self.retrying(|| async {
            self.run_with(
                "BEGIN TRANSACTION;
                 CREATE $rid CONTENT $doc RETURN NONE;
                 CREATE $eid CONTENT $event RETURN NONE;
                 COMMIT TRANSACTION;",
                json!({ "doc": equipment_doc(e), "event": event_doc(&e.id, &event) }),
                vec![
                    ("rid", rid("equipment", &e.id)),
                    ("eid", rid("equipment_events", &new_key())),
                ],
            )
            .await
            .map(|_| ())
        })
        .await
        .map_err(serial_taken)
    }

    pub async fn get_equipment(&self, id: &str) -> Result<Option<Equipment>> {
        let row = self
            .one(
                "SELECT * OMIT serial_key FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("equipment", id))],
            )
            .await?;
        row.filter(|r| !r.is_null()).map(decode).transpose()
    }

    pub async fn require_equipment(&self, id: &str) -> Result<Equipment> {
        self.get_equipment(id)
            .await?
            .ok_or_else(|| Error::not_found("equipment"))
    }

    /// The register, filtered, by serial.
    pub async fn list_equipment(&self, f: &EquipmentFilter) -> Result<Vec<Equipment>> {
        let filter = where_clause(&[
            ("state = $state", f.state.is_some()),
            ("kind = $kind", f.kind.is_some()),
            ("client_id = $client", f.client_id.is_some()),
            ("string::contains(serial_key, $serial)", f.serial.is_some()),
        ]);
        let rows = self
            .many(
                &format!(
                    "SELECT * OMIT serial_key FROM equipment {filter} ORDER BY serial_key LIMIT $limit"
                ),
                strip_nulls(json!({
                    "state": f.state.map(EquipmentState::as_str),
                    "kind": f.kind.map(EquipmentKind::as_str),
                    "client": f.client_id,
                    "serial": f.serial.as_deref().map(serial_key),
                    "limit": f.limit,
                })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// The equipment's history, newest first.
    pub async fn equipment_history(&self, id: &str) -> Result<Vec<EquipmentEvent>> {
        let rows = self
            .many(
                "SELECT * FROM equipment_events WHERE equipment_id = $id ORDER BY at DESC, id DESC LIMIT 200",
                json!({ "id": id }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Writes `new` over the stored equipment only if it is still at
    /// `old_version` (`Conflict(stale_version)` otherwise), with a history
    /// row when it moved, in one transaction.
    pub async fn save_equipment(
        &self,
        new: &Equipment,
        old_version: i64,
        event: Option<&EventRow<'_>>,
    ) -> Result<()> {
        let history = if event.is_some() {
            "CREATE $eid CONTENT $event RETURN NONE;"
        } else {
            ""
        };
        let sql = format!(
            "BEGIN TRANSACTION;
             LET $changed = (UPDATE $rid CONTENT $doc WHERE version = $old RETURN id);
             IF array::len($changed) = 0 {{ THROW 'cas_failed' }};
             {history}
             COMMIT TRANSACTION;"
        );
        let vars = json!({
            "doc": equipment_doc(new),
            "old": old_version,
            "event": event.map(|e| event_doc(&new.id, e)).unwrap_or(Value::Null),
        });
        self.run_with(
            &sql,
            vars,
            vec![
                ("rid", rid("equipment", &new.id)),
                ("eid", rid("equipment_events", &new_key())),
            ],
        )
        .await
        .map(|_| ())
    }
}
