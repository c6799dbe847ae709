//! Call lists: a list record and one item record per client (unique per
//! list), written together in one transaction. Marking an item called is a
//! single conditional UPDATE, so two operators can never both close it.

use std::collections::HashMap;

use rodnik_shared::api::{CallList, CallListItem, CallListSummary, LastOrder, Order};
use rodnik_shared::ClientKind;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{decode, key_of, rid, rids, strip_nulls, Store};
use crate::error::{Error, Result};

/// A new list, its clients in calling order.
pub struct NewCallList<'a> {
    pub key: String,
    pub name: &'a str,
    pub note: Option<&'a str>,
    pub created_by: &'a str,
    pub created_by_name: &'a str,
    pub created_at: &'a str,
    pub client_ids: &'a [String],
}

/// Who marked an item called, when, and what came of it.
pub struct Called<'a> {
    pub at: &'a str,
    pub by: &'a str,
    pub by_name: &'a str,
    pub outcome: &'a str,
}

#[derive(Debug, Deserialize)]
struct ListRow {
    id: String,
    name: String,
    note: Option<String>,
    created_by: String,
    created_by_name: String,
    created_at: String,
    total: i64,
}

#[derive(Debug, Deserialize)]
struct ItemRow {
    client_id: String,
    done_at: Option<String>,
    done_by: Option<String>,
    done_by_name: Option<String>,
    outcome: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ClientRow {
    id: String,
    name: String,
    kind: ClientKind,
    phones: Vec<String>,
}

impl ListRow {
    fn summary(self, done: i64) -> CallListSummary {
        CallListSummary {
            id: self.id,
            name: self.name,
            note: self.note,
            created_by: self.created_by,
            created_by_name: self.created_by_name,
            created_at: self.created_at,
            total: self.total,
            done,
        }
    }
}

impl Store {
    /// Which of `ids` name an existing client.
    pub async fn existing_client_ids(&self, ids: &[String]) -> Result<Vec<String>> {
        let rows = self
            .many(
                "SELECT VALUE id FROM $ids",
                Value::Null,
                vec![("ids", rids("clients", ids))],
            )
            .await?;
        Ok(rows.iter().filter_map(Value::as_str).map(key_of).collect())
    }

    pub async fn create_call_list(&self, l: &NewCallList<'_>) -> Result<()> {
        let doc = strip_nulls(json!({
            "name": l.name,
            "note": l.note,
            "created_by": l.created_by,
            "created_by_name": l.created_by_name,
            "created_at": l.created_at,
            "total": l.client_ids.len(),
        }));
        let items: Vec<Value> = l
            .client_ids
            .iter()
            .enumerate()
            .map(|(pos, c)| json!({ "list_id": l.key, "client_id": c, "pos": pos }))
            .collect();
        self.run_with(
            "BEGIN TRANSACTION;
             CREATE $rid CONTENT $doc;
             INSERT INTO call_list_items $items;
             COMMIT TRANSACTION;",
            json!({ "doc": doc, "items": items }),
            vec![("rid", rid("call_lists", &l.key))],
        )
        .await?;
        Ok(())
    }

    /// The newest lists first, with how many of their clients were called.
    pub async fn call_list_summaries(&self) -> Result<Vec<CallListSummary>> {
        let lists = self
            .many(
                "SELECT * FROM call_lists ORDER BY created_at DESC LIMIT 500",
                Value::Null,
                vec![],
            )
            .await?;
        let done_rows = self
            .many(
                "SELECT list_id, count() AS n FROM call_list_items
                 WHERE done_at != NONE GROUP BY list_id",
                Value::Null,
                vec![],
            )
            .await?;
        let done: HashMap<String, i64> = done_rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.get("list_id")?.as_str()?.to_string(),
                    r.get("n")?.as_i64()?,
                ))
            })
            .collect();
        lists
            .into_iter()
            .map(|r| {
                let row: ListRow = decode(r)?;
                let n = done.get(&row.id).copied().unwrap_or(0);
                Ok(row.summary(n))
            })
            .collect()
    }

    /// The list with its clients (name, phones, last order) in calling order.
    pub async fn call_list(&self, id: &str) -> Result<Option<CallList>> {
        let Some(row) = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("call_lists", id))],
            )
            .await?
        else {
            return Ok(None);
        };
        let row: ListRow = decode(row)?;
        let items = self
            .many(
                "SELECT * FROM call_list_items WHERE list_id = $list ORDER BY pos",
                json!({ "list": row.id }),
                vec![],
            )
            .await?;
        let items: Vec<ItemRow> = items
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>()?;
        let done = items.iter().filter(|i| i.done_at.is_some()).count() as i64;
        let items = self.hydrate(items).await?;
        Ok(Some(CallList {
            summary: row.summary(done),
            items,
        }))
    }

    /// Marks the list's item of `client_id` called, once: a second mark is
    /// 409 `already_done`, naming who made the call.
    pub async fn mark_call_done(
        &self,
        list: &str,
        client_id: &str,
        c: &Called<'_>,
    ) -> Result<CallListItem> {
        let vars = json!({ "list": list, "client": client_id, "at": c.at, "by": c.by,
                           "name": c.by_name, "outcome": c.outcome });
        let changed = self
            .retrying(|| async {
                self.many(
                    "UPDATE call_list_items
                     SET done_at = $at, done_by = $by, done_by_name = $name, outcome = $outcome
                     WHERE list_id = $list AND client_id = $client AND done_at = NONE
                     RETURN AFTER",
                    vars.clone(),
                    vec![],
                )
                .await
            })
            .await?;
        let row = match changed.into_iter().next() {
            Some(row) => row,
            None => {
                let found = self
                    .many(
                        "SELECT * FROM call_list_items WHERE list_id = $list AND client_id = $client",
                        vars.clone(),
                        vec![],
                    )
                    .await?;
                let Some(item) = found.into_iter().next() else {
                    let list = self
                        .one(
                            "SELECT VALUE id FROM ONLY $rid",
                            Value::Null,
                            vec![("rid", rid("call_lists", list))],
                        )
                        .await?;
                    return Err(Error::not_found(if list.is_some() {
                        "client on this call list"
                    } else {
                        "call list"
                    }));
                };
                let item: ItemRow = serde_json::from_value(item)?;
                return Err(Error::conflict(
                    "already_done",
                    format!(
                        "{} already marked this call at {}",
                        item.done_by_name.unwrap_or_default(),
                        item.done_at.unwrap_or_default()
                    ),
                ));
            }
        };
        let item: ItemRow = serde_json::from_value(row)?;
        self.hydrate(vec![item])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("call list item vanished".into()))
    }

    /// Items with their clients' names and phones and last orders.
    async fn hydrate(&self, items: Vec<ItemRow>) -> Result<Vec<CallListItem>> {
        let ids: Vec<String> = items.iter().map(|i| i.client_id.clone()).collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let clients = self
            .many(
                "SELECT id, name, kind, phones FROM $ids",
                Value::Null,
                vec![("ids", rids("clients", &ids))],
            )
            .await?;
        let mut by_id: HashMap<String, ClientRow> = HashMap::new();
        for c in clients {
            let c: ClientRow = decode(c)?;
            by_id.insert(c.id.clone(), c);
        }
        let orders = self
            .many(
                "SELECT * OMIT delivered_by FROM orders
                 WHERE client_id IN $ids AND state != 'cancelled'",
                json!({ "ids": ids }),
                vec![],
            )
            .await?;
        let mut last: HashMap<String, Order> = HashMap::new();
        for o in orders {
            let o: Order = decode(o)?;
            let newer = last
                .get(&o.client_id)
                .is_none_or(|l| (&o.delivery_date, o.number) > (&l.delivery_date, l.number));
            if newer {
                last.insert(o.client_id.clone(), o);
            }
        }
        Ok(items
            .into_iter()
            .map(|i| {
                let client = by_id.remove(&i.client_id);
                CallListItem {
                    name: client.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                    kind: client
                        .as_ref()
                        .map(|c| c.kind)
                        .unwrap_or(ClientKind::Individual),
                    phones: client.map(|c| c.phones).unwrap_or_default(),
                    last_order: last.remove(&i.client_id).map(|o| LastOrder {
                        id: o.id,
                        number: o.number,
                        state: o.state,
                        delivery_date: o.delivery_date,
                        total: o.total,
                        lines: o.lines,
                    }),
                    client_id: i.client_id,
                    done_at: i.done_at,
                    done_by: i.done_by,
                    done_by_name: i.done_by_name,
                    outcome: i.outcome,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list's items and the mark of one item are index scans, not table scans.
    #[tokio::test]
    async fn item_reads_and_marks_use_the_list_client_index() {
        let store = Store::connect("mem://").await.expect("store");
        for sql in [
            "SELECT * FROM call_list_items WHERE list_id = $list ORDER BY pos",
            "SELECT * FROM call_list_items WHERE list_id = $list AND client_id = $client",
        ] {
            let rows = store
                .many(
                    &format!("{sql} EXPLAIN"),
                    json!({ "list": "l", "client": "c" }),
                    vec![],
                )
                .await
                .expect("explain");
            let plan = serde_json::to_string(&rows).unwrap_or_default();
            assert!(
                plan.contains("IndexScan") && plan.contains("call_list_items_list_client"),
                "{sql}: {plan}"
            );
        }
    }
}
