//! The company's reasons (cancel, fail, reschedule) and the reasons given,
//! for the reasons report. A new database starts with
//! `rodnik_shared::api::DEFAULT_REASONS`.

use rodnik_shared::api::{default_reasons, Reason, ReasonKind};
use serde_json::{json, Value};

use super::{decode, decode_all, rid, Store};
use crate::error::{Error, Result};
use crate::figures::reasons::ReasonEvent;

impl Store {
    /// Writes the default reasons into a database that has none.
    pub async fn seed_reasons(&self) -> Result<()> {
        let any = self
            .one("SELECT VALUE id FROM reasons LIMIT 1", Value::Null, vec![])
            .await?;
        if any.is_some() {
            return Ok(());
        }
        for r in default_reasons() {
            self.run_with(
                "CREATE $rid CONTENT { kind: $kind, ru: $ru, en: $en, active: true, position: $pos } RETURN NONE",
                json!({ "kind": r.kind.as_str(), "ru": r.ru, "en": r.en, "pos": r.position }),
                vec![("rid", rid("reasons", &r.id))],
            )
            .await
            .map(|_| ())
            .or_else(|e| match e {
                // Another start seeded it first.
                Error::Conflict {
                    code: "duplicate", ..
                } => Ok(()),
                other => Err(other),
            })?;
        }
        Ok(())
    }

    /// The reasons, in list order (by kind, position); only the active
    /// ones unless `all`.
    pub async fn reasons(&self, kind: Option<ReasonKind>, all: bool) -> Result<Vec<Reason>> {
        let rows = self
            .many(
                "SELECT * FROM reasons WHERE ($kind = NONE OR kind = $kind) AND ($all OR active = true)
                 ORDER BY kind, position, ru",
                super::strip_nulls(json!({ "kind": kind.map(|k| k.as_str()), "all": all })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    pub async fn get_reason(&self, id: &str) -> Result<Option<Reason>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("reasons", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// Creates a reason at the end of its list.
    pub async fn create_reason(&self, r: &Reason) -> Result<Reason> {
        let last = self
            .one(
                "RETURN math::max((SELECT VALUE position FROM reasons WHERE kind = $kind)) ?? 0",
                json!({ "kind": r.kind.as_str() }),
                vec![],
            )
            .await?
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        let mut r = r.clone();
        r.position = last + 1;
        self.run_with(
            "CREATE $rid CONTENT { kind: $kind, ru: $ru, en: $en, active: $active, position: $pos } RETURN NONE",
            json!({ "kind": r.kind.as_str(), "ru": r.ru, "en": r.en, "active": r.active, "pos": r.position }),
            vec![("rid", rid("reasons", &r.id))],
        )
        .await?;
        Ok(r)
    }

    /// Writes an edited reason (the caller read it and changed it).
    pub async fn update_reason(&self, r: &Reason) -> Result<Reason> {
        self.run_with(
            "UPDATE $rid SET ru = $ru, en = $en, active = $active, position = $pos RETURN NONE",
            json!({ "ru": r.ru, "en": r.en, "active": r.active, "pos": r.position }),
            vec![("rid", rid("reasons", &r.id))],
        )
        .await?;
        Ok(r.clone())
    }

    /// The reasons given on days `from..=to` (YYYY-MM-DD).
    pub async fn reason_events(&self, from: &str, to: &str) -> Result<Vec<ReasonEvent>> {
        let rows = self
            .many(
                "SELECT * OMIT id FROM reason_events WHERE day >= $from AND day <= $to",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Records the reasons of orders written without their change (the
    /// generator, the demo, and an upgrade from before reasons were kept).
    pub async fn insert_reason_events(&self, events: &[ReasonEvent]) -> Result<()> {
        for chunk in events.chunks(1000) {
            let docs: Vec<Value> = chunk
                .iter()
                .map(|e| super::strip_nulls(serde_json::to_value(e).unwrap_or(Value::Null)))
                .collect();
            self.retrying(|| async {
                self.run_with(
                    "INSERT INTO reason_events $docs RETURN NONE",
                    json!({ "docs": docs }),
                    vec![],
                )
                .await
            })
            .await?;
        }
        Ok(())
    }

    /// Fills `reason_events` from the stored orders (once, after an upgrade),
    /// read with the figures' scan of every order.
    pub async fn rebuild_reason_events(&self) -> Result<usize> {
        let mut events: Vec<ReasonEvent> = vec![];
        self.scan_orders("reasons given", "* OMIT delivered_by", |row| {
            let o: rodnik_shared::api::Order = decode(row)?;
            events.extend(crate::figures::reasons::given(None, &o));
            Ok(())
        })
        .await?;
        self.insert_reason_events(&events).await?;
        Ok(events.len())
    }
}
