//! The call log. A call's record key comes from the PBX's call id, so a
//! repeated event finds the same record; its state only moves forward.

use rodnik_shared::api::{Call, CallEventKind, CallRecording, CallState, PbxProvider};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{decode, decode_all, rid, rids, strip_nulls, where_clause, Store};
use crate::error::{Error, Result};

pub fn call_key(provider_call_id: &str) -> String {
    let digest = Sha256::digest(provider_call_id.as_bytes());
    format!("c{}", &hex::encode(digest)[..24])
}

pub struct CallEvent {
    pub kind: CallEventKind,
    pub call_id: String,
    pub from: String,
    pub to: String,
    pub extension: Option<String>,
    pub at: String,
    /// The company-time-zone date of the call, for the daily log.
    pub date: String,
    pub client_ids: Vec<String>,
}

fn rank(s: CallState) -> u8 {
    match s {
        CallState::Ringing => 0,
        CallState::Answered => 1,
        CallState::Ended => 2,
    }
}

fn event_name(k: CallEventKind) -> &'static str {
    match k {
        CallEventKind::Ringing => "ringing",
        CallEventKind::Answered => "answered",
        CallEventKind::Ended => "ended",
    }
}

/// Applies one event to a call (or starts it). `None` when the event adds nothing.
fn apply(existing: Option<&Call>, ev: &CallEvent) -> Option<Call> {
    let target = match ev.kind {
        CallEventKind::Ringing => CallState::Ringing,
        CallEventKind::Answered => CallState::Answered,
        CallEventKind::Ended => CallState::Ended,
    };
    let mut call = match existing {
        Some(c) => c.clone(),
        None => Call {
            id: call_key(&ev.call_id),
            call_id: ev.call_id.clone(),
            from: ev.from.clone(),
            to: ev.to.clone(),
            extension: ev.extension.clone(),
            state: target,
            started_at: ev.at.clone(),
            answered_at: None,
            ended_at: None,
            missed: false,
            client_ids: ev.client_ids.clone(),
            order_ids: vec![],
            called_back_at: None,
            called_back_by: None,
            client_names: vec![],
        },
    };
    // A call still ringing that rings at another extension now (a queue
    // moving on, a hunt group) pops on that operator's screen instead.
    let rings_elsewhere = target == CallState::Ringing
        && call.state == CallState::Ringing
        && ev.extension.is_some()
        && ev.extension != call.extension;
    let changed = existing.is_none() || rank(target) > rank(call.state) || rings_elsewhere || {
        // An event arriving late (answered after ended) still fills in its time.
        target == CallState::Answered && call.answered_at.is_none()
    };
    if !changed {
        return None;
    }
    if rank(target) > rank(call.state) {
        call.state = target;
    }
    match ev.kind {
        CallEventKind::Ringing => {
            if rings_elsewhere {
                call.extension = ev.extension.clone();
            }
        }
        CallEventKind::Answered => {
            call.answered_at.get_or_insert_with(|| ev.at.clone());
            if ev.extension.is_some() {
                call.extension = ev.extension.clone();
            }
        }
        CallEventKind::Ended => {
            call.ended_at.get_or_insert_with(|| ev.at.clone());
        }
    }
    call.missed = call.state == CallState::Ended && call.answered_at.is_none();
    Some(call)
}

impl Store {
    /// Records an event; returns the call and whether it changed.
    pub async fn record_call_event(&self, ev: &CallEvent) -> Result<(Call, bool)> {
        let key = call_key(&ev.call_id);
        self.retrying(|| async {
            let row = self
                .one("SELECT * FROM ONLY $rid", Value::Null, vec![("rid", rid("calls", &key))])
                .await?;
            let existing = row.clone().map(|r| decode::<Call>(call_from_row(r))).transpose()?;
            let seen: Vec<String> = row
                .as_ref()
                .and_then(|r| r.get("events"))
                .and_then(|e| serde_json::from_value(e.clone()).ok())
                .unwrap_or_default();
            let Some(call) = apply(existing.as_ref(), ev) else {
                return Ok((existing.ok_or_else(|| Error::Internal("call vanished".into()))?, false));
            };
            let mut events = seen.clone();
            events.push(match (&ev.extension, ev.kind) {
                (Some(x), CallEventKind::Ringing) if existing.is_some() => format!("ringing@{x}"),
                _ => event_name(ev.kind).to_string(),
            });
            let mut doc = call_doc(&call);
            doc["events"] = json!(events);
            doc["date"] = json!(if existing.is_some() {
                row.as_ref().and_then(|r| r.get("date")).cloned().unwrap_or(json!(ev.date))
            } else {
                json!(ev.date)
            });
            if existing.is_some() {
                self.run_with(
                    "BEGIN TRANSACTION;
                     LET $changed = (UPDATE $rid CONTENT $doc WHERE array::len(events) = $n RETURN id);
                     IF array::len($changed) = 0 { THROW 'cas_failed' };
                     COMMIT TRANSACTION;",
                    json!({ "doc": doc, "n": seen.len() }),
                    vec![("rid", rid("calls", &key))],
                )
                .await
                .map_err(|e| match e {
                    Error::Conflict { code: "stale_version", .. } => Error::conflict("retry", "call changed"),
                    other => other,
                })?;
            } else {
                self.run_with(
                    "CREATE $rid CONTENT $doc",
                    json!({ "doc": doc }),
                    vec![("rid", rid("calls", &key))],
                )
                .await
                .map_err(|e| match e {
                    Error::Conflict { code: "duplicate", .. } => Error::conflict("retry", "call created meanwhile"),
                    other => other,
                })?;
            }
            Ok((call, true))
        })
        .await
    }

    /// Marks a missed call as called back; a second mark keeps the first.
    /// `None` when there is no such call.
    pub async fn mark_called_back(&self, id: &str, at: &str, by: &str) -> Result<Option<Call>> {
        let Some(call) = self.find_call(id).await? else {
            return Ok(None);
        };
        if !call.missed {
            return Err(Error::conflict(
                "not_missed",
                "only a missed call can be called back",
            ));
        }
        if call.called_back_at.is_some() {
            return Ok(Some(call));
        }
        self.run_with(
            "UPDATE $rid SET called_back_at = $at, called_back_by = $by
             WHERE missed = true AND called_back_at = NONE RETURN NONE",
            json!({ "at": at, "by": by }),
            vec![("rid", rid("calls", &call.id))],
        )
        .await?;
        self.find_call(&call.id).await
    }

    /// Fills in `client_names` of each call with one read of the clients.
    pub async fn name_call_clients(&self, calls: &mut [Call]) -> Result<()> {
        let mut ids: Vec<String> = calls
            .iter()
            .flat_map(|c| c.client_ids.iter().cloned())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Ok(());
        }
        let rows = self
            .many(
                "SELECT id, name FROM $ids",
                Value::Null,
                vec![("ids", rids("clients", &ids))],
            )
            .await?;
        let mut names = std::collections::HashMap::new();
        for row in rows {
            if let (Some(Value::String(id)), Some(Value::String(name))) =
                (row.get("id"), row.get("name"))
            {
                names.insert(super::key_of(id), name.clone());
            }
        }
        for c in calls.iter_mut() {
            c.client_names = c
                .client_ids
                .iter()
                .filter_map(|id| names.get(id).cloned())
                .collect();
        }
        Ok(())
    }

    /// A call by its id, or by the PBX's call id.
    pub async fn find_call(&self, id_or_call_id: &str) -> Result<Option<Call>> {
        for key in [id_or_call_id.to_string(), call_key(id_or_call_id)] {
            let row = self
                .one(
                    "SELECT * FROM ONLY $rid",
                    Value::Null,
                    vec![("rid", rid("calls", &key))],
                )
                .await?;
            if let Some(row) = row {
                return Ok(Some(decode(call_from_row(row))?));
            }
        }
        Ok(None)
    }

    /// The calls of the days `from..=to` with their day (reports).
    pub async fn calls_between(&self, from: &str, to: &str) -> Result<Vec<(String, Call)>> {
        let rows = self
            .many(
                "SELECT * FROM calls WHERE date >= $from AND date <= $to",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                let date = row["date"].as_str().unwrap_or_default().to_string();
                Ok((date, decode(call_from_row(row))?))
            })
            .collect()
    }

    pub async fn list_calls(&self, date: Option<&str>, missed: Option<bool>) -> Result<Vec<Call>> {
        let filter = where_clause(&[
            ("date = $date", date.is_some()),
            ("missed = $missed", missed.is_some()),
        ]);
        let rows = self
            .many(
                &format!("SELECT * FROM calls {filter} ORDER BY started_at DESC LIMIT 2000"),
                strip_nulls(json!({ "date": date, "missed": missed })),
                vec![],
            )
            .await?;
        decode_all(rows.into_iter().map(call_from_row).collect())
    }
}

/// A recording the PBX keeps, as stored: what plays it back.
#[derive(Debug, Clone)]
pub struct StoredRecording {
    pub provider: PbxProvider,
    /// The PBX's own id (what its API wants).
    pub recording_id: String,
    pub call_id: String,
}

pub fn recording_key(provider: PbxProvider, recording_id: &str) -> String {
    let digest = Sha256::digest(format!("{}|{recording_id}", provider_name(provider)).as_bytes());
    format!("r{}", &hex::encode(digest)[..24])
}

fn provider_name(p: PbxProvider) -> &'static str {
    match p {
        PbxProvider::Mango => "mango",
        PbxProvider::Zadarma => "zadarma",
        PbxProvider::Asterisk => "asterisk",
    }
}

impl Store {
    /// Notes a recording of a call (Rodnik's call id, `mango:<entry_id>`).
    /// A repeat (Mango posts both `recording` and `record/added`) keeps the
    /// first. Returns the recording's id.
    pub async fn add_recording(
        &self,
        provider: PbxProvider,
        recording_id: &str,
        call_id: &str,
        at: &str,
        extension: Option<&str>,
    ) -> Result<String> {
        let key = recording_key(provider, recording_id);
        match self
            .run_with(
                "CREATE $rid CONTENT $doc RETURN NONE",
                json!({ "doc": strip_nulls(json!({
                    "call_id": call_id, "provider": provider_name(provider),
                    "recording_id": recording_id, "at": at, "extension": extension,
                })) }),
                vec![("rid", rid("recordings", &key))],
            )
            .await
        {
            Ok(_)
            | Err(Error::Conflict {
                code: "duplicate", ..
            }) => Ok(key),
            Err(e) => Err(e),
        }
    }

    pub async fn recording(&self, id: &str) -> Result<Option<StoredRecording>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("recordings", id))],
            )
            .await?;
        Ok(row.and_then(|r| {
            Some(StoredRecording {
                provider: serde_json::from_value(r.get("provider")?.clone()).ok()?,
                recording_id: r.get("recording_id")?.as_str()?.to_string(),
                call_id: r.get("call_id")?.as_str()?.to_string(),
            })
        }))
    }

    /// The recordings of these calls (Rodnik's call ids), oldest first.
    pub async fn recordings_of(
        &self,
        call_ids: &[String],
    ) -> Result<std::collections::HashMap<String, Vec<CallRecording>>> {
        let mut out: std::collections::HashMap<String, Vec<CallRecording>> = Default::default();
        if call_ids.is_empty() {
            return Ok(out);
        }
        let rows = self
            .many(
                "SELECT record::id(id) AS id, call_id, provider, at, extension FROM recordings
                 WHERE call_id IN $ids ORDER BY at",
                json!({ "ids": call_ids }),
                vec![],
            )
            .await?;
        for row in rows {
            let Some(call) = row
                .get("call_id")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            out.entry(call).or_default().push(decode(row)?);
        }
        Ok(out)
    }
}

fn call_doc(c: &Call) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(c).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        map.remove("id");
        map.remove("client_names");
        if let Some(f) = map.remove("from") {
            map.insert("from_number".into(), f);
        }
        if let Some(t) = map.remove("to") {
            map.insert("to_number".into(), t);
        }
    }
    doc
}

/// Stored calls name `from`/`to` differently (keywords in SurrealQL).
pub fn call_from_row(mut row: Value) -> Value {
    if let Value::Object(map) = &mut row {
        if let Some(f) = map.remove("from_number") {
            map.insert("from".into(), f);
        }
        if let Some(t) = map.remove("to_number") {
            map.insert("to".into(), t);
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: CallEventKind) -> CallEvent {
        CallEvent {
            kind,
            call_id: "x1".into(),
            from: "+79123456789".into(),
            to: "+74950000000".into(),
            extension: None,
            at: "2026-11-27T10:00:00Z".into(),
            date: "2026-11-27".into(),
            client_ids: vec![],
        }
    }

    #[test]
    fn ringing_then_ended_without_answer_is_missed() {
        let c = apply(None, &ev(CallEventKind::Ringing)).unwrap();
        assert!(apply(Some(&c), &ev(CallEventKind::Ringing)).is_none());
        let c = apply(Some(&c), &ev(CallEventKind::Ended)).unwrap();
        assert!(c.missed);
        assert_eq!(c.state, CallState::Ended);
    }

    #[test]
    fn a_ringing_call_moves_to_the_extension_that_rings_now() {
        let mut first = ev(CallEventKind::Ringing);
        first.extension = Some("101".into());
        let c = apply(None, &first).unwrap();
        assert!(apply(Some(&c), &first).is_none());
        let mut next = ev(CallEventKind::Ringing);
        next.extension = Some("102".into());
        let c = apply(Some(&c), &next).unwrap();
        assert_eq!(c.extension.as_deref(), Some("102"));
        let mut answered = ev(CallEventKind::Answered);
        answered.extension = Some("102".into());
        let c = apply(Some(&c), &answered).unwrap();
        // Once answered, a stray ringing changes nothing.
        assert!(apply(Some(&c), &first).is_none());
    }

    #[test]
    fn late_answer_after_end_is_not_missed() {
        let c = apply(None, &ev(CallEventKind::Ended)).unwrap();
        assert!(c.missed);
        let c = apply(Some(&c), &ev(CallEventKind::Answered)).unwrap();
        assert_eq!(c.state, CallState::Ended);
        assert!(!c.missed);
        assert!(apply(Some(&c), &ev(CallEventKind::Answered)).is_none());
    }
}
