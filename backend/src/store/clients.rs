//! Clients (контрагенты), their addresses, and the phone index used by the
//! screen pop.

use rodnik_shared::api::{Address, ClientCard, ClientSummary};
use rodnik_shared::validate::{ValidAddress, ValidClient};
use rodnik_shared::Phone;
use serde_json::{json, Value};

use super::{decode, decode_all, new_key, rid, strip_nulls, Store};
use crate::error::{Error, Result};

pub fn to_address(a: ValidAddress, id: Option<String>) -> Address {
    Address {
        id: id.unwrap_or_else(new_key),
        text: a.text,
        label: a.label,
        contact_name: a.contact_name,
        contact_phone: a.contact_phone,
        lat: a.lat,
        lon: a.lon,
    }
}

/// The lowercase text that `?q=` searches: name, phone digits, addresses, INN.
fn search_text(c: &ClientSummary) -> String {
    let mut s = c.name.to_lowercase();
    for p in &c.phones {
        s.push(' ');
        s.push_str(&p.digits());
    }
    for a in &c.addresses {
        s.push_str(&address_search_text(a));
    }
    if let Some(inn) = &c.inn {
        s.push(' ');
        s.push_str(inn);
    }
    s
}

/// An address's part of the search text, with its leading space.
fn address_search_text(a: &Address) -> String {
    let mut s = format!(" {}", a.text.to_lowercase());
    if let Some(p) = &a.contact_phone {
        s.push(' ');
        s.push_str(&p.digits());
    }
    s
}

fn client_doc(c: &ClientSummary) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(c).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        map.remove("id");
        map.insert("search".into(), Value::String(search_text(c)));
    }
    doc
}

fn phone_rows(c: &ClientSummary) -> Vec<Value> {
    c.phones
        .iter()
        .map(|p| json!({ "phone": p.as_str(), "client_id": c.id }))
        .collect()
}

impl Store {
    pub async fn create_client(&self, v: ValidClient) -> Result<ClientSummary> {
        let client = ClientSummary {
            id: new_key(),
            kind: v.kind,
            name: v.name,
            phones: v.phones,
            addresses: v
                .addresses
                .into_iter()
                .map(|a| to_address(a, None))
                .collect(),
            inn: v.inn,
            note: v.note,
            bottles_held: 0,
        };
        let mut doc = client_doc(&client);
        doc["created_at"] = json!(chrono::Utc::now().to_rfc3339());
        doc["prices"] = json!({});
        self.retrying(|| async {
            self.run_with(
                "BEGIN TRANSACTION;
                 CREATE $rid CONTENT $doc;
                 INSERT INTO client_phones $phones;
                 COMMIT TRANSACTION;",
                json!({ "doc": doc, "phones": phone_rows(&client) }),
                vec![("rid", rid("clients", &client.id))],
            )
            .await
        })
        .await?;
        Ok(client)
    }

    pub async fn get_client(&self, id: &str) -> Result<Option<ClientSummary>> {
        let row = self
            .one(
                "SELECT * OMIT search, prices, created_at FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("clients", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    pub async fn require_client(&self, id: &str) -> Result<ClientSummary> {
        self.get_client(id)
            .await?
            .ok_or_else(|| Error::not_found("client"))
    }

    /// Writes a changed client (name, phones, addresses...) and its phone rows
    /// in one transaction. `bottles_held` is not touched here: deliveries own it.
    /// A client and its revision, for a compare-and-set edit.
    pub async fn client_for_update(&self, id: &str) -> Result<(ClientSummary, i64)> {
        let row = self
            .one(
                "SELECT * OMIT search, prices, created_at FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("clients", id))],
            )
            .await?
            .ok_or_else(|| Error::not_found("client"))?;
        let rev = row.get("rev").and_then(Value::as_i64).unwrap_or(0);
        Ok((decode(row)?, rev))
    }

    /// Writes an edited client only if it is still at `rev`
    /// (`Conflict(stale_version)` otherwise), with its phone rows, in one transaction.
    pub async fn save_client(&self, c: &ClientSummary, rev: i64) -> Result<()> {
        let mut doc = client_doc(c);
        if let Value::Object(map) = &mut doc {
            map.remove("bottles_held");
            map.insert("rev".into(), json!(rev + 1));
        }
        // MERGE never removes a field, so a cleared optional one is unset explicitly.
        let cleared: Vec<&str> = [("inn", c.inn.is_none()), ("note", c.note.is_none())]
            .into_iter()
            .filter_map(|(f, none)| none.then_some(f))
            .collect();
        let unset = if cleared.is_empty() {
            String::new()
        } else {
            format!("UPDATE $rid UNSET {};", cleared.join(", "))
        };
        let sql = format!(
            "BEGIN TRANSACTION;
             LET $changed = (UPDATE $rid MERGE $doc WHERE (rev ?? 0) = $rev RETURN id);
             IF array::len($changed) = 0 {{ THROW 'cas_failed' }};
             {unset}
             DELETE client_phones WHERE client_id = $cid;
             INSERT INTO client_phones $phones;
             COMMIT TRANSACTION;"
        );
        // Transaction conflicts are retried here; a lost compare-and-set is the caller's.
        self.retrying(|| async {
            self.run_with(
                &sql,
                json!({ "doc": doc, "cid": c.id, "phones": phone_rows(c), "rev": rev }),
                vec![("rid", rid("clients", &c.id))],
            )
            .await
        })
        .await?;
        Ok(())
    }

    /// Appends an address in one statement, so that addresses added at the
    /// same time are all kept (a read-modify-write would lose all but one).
    pub async fn add_client_address(&self, client_id: &str, a: &Address) -> Result<()> {
        let addr = strip_nulls(serde_json::to_value(a).unwrap_or(Value::Null));
        let updated = self
            .retrying(|| async {
                self.many(
                    "UPDATE $rid SET addresses = array::append(addresses, $a),
                       search = string::concat(search, $s), rev = (rev ?? 0) + 1 RETURN id",
                    json!({ "a": addr, "s": address_search_text(a) }),
                    vec![("rid", rid("clients", client_id))],
                )
                .await
            })
            .await?;
        if updated.is_empty() {
            return Err(Error::not_found("client"));
        }
        Ok(())
    }

    /// Clients who have this number among their phones.
    pub async fn clients_by_phone(&self, phone: &Phone) -> Result<Vec<ClientSummary>> {
        let ids = self
            .many(
                "SELECT VALUE client_id FROM client_phones WHERE phone = $p",
                json!({ "p": phone.as_str() }),
                vec![],
            )
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids.iter().filter_map(Value::as_str) {
            if let Some(c) = self.get_client(id).await? {
                if !out.iter().any(|o: &ClientSummary| o.id == c.id) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }

    /// Up to `limit` clients whose name, phone or address contains `q`.
    pub async fn search_clients(&self, q: &str, limit: usize) -> Result<Vec<ClientSummary>> {
        let text = q.trim().to_lowercase();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let phone_like = !digits.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c));
        // "8 912 ..." is how people say "+7 912 ...", whole or as a fragment:
        // search with the trunk prefix swapped too.
        let (needle, alt) = if phone_like {
            let alt = digits
                .strip_prefix('8')
                .filter(|rest| rest.len() >= 3)
                .map(|rest| format!("7{rest}"));
            (digits.clone(), alt.unwrap_or(digits))
        } else {
            (text.clone(), text)
        };
        let rows = self
            .many(
                "SELECT * OMIT search, prices, created_at FROM clients
                 WHERE string::contains(search, $q) OR string::contains(search, $alt)
                 ORDER BY name LIMIT $limit",
                json!({ "q": needle, "alt": alt, "limit": limit }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// The card an operator sees: the client with open and recent orders.
    pub async fn client_card(&self, client: ClientSummary) -> Result<ClientCard> {
        let (active_orders, recent_orders) = self.client_orders(&client.id, 10).await?;
        Ok(ClientCard {
            client,
            active_orders,
            recent_orders,
        })
    }

    pub async fn all_clients(&self) -> Result<Vec<ClientSummary>> {
        let rows = self
            .many(
                "SELECT * OMIT search, prices, created_at FROM clients",
                Value::Null,
                vec![],
            )
            .await?;
        decode_all(rows)
    }
}
