//! Clients (контрагенты), their addresses, and the phone index used by the
//! screen pop.

use rodnik_shared::api::{
    Address, Call, ClientCard, ClientHistory, ClientNote, ClientSummary, HistoryCall,
    SimilarClient, SimilarReason,
};
use rodnik_shared::validate::{ValidAddress, ValidClient};
use rodnik_shared::OrderState;
use rodnik_shared::Phone;
use serde_json::{json, Value};

use super::account::{open_amount, summary_of, UNPAID_FIELD};
use super::{decode, decode_all, new_key, rid, strip_nulls, Store};
use crate::error::{Error, Result};
use crate::figures::CARD_RECENT;

pub fn to_address(a: ValidAddress, id: Option<String>) -> Address {
    let mut address = Address {
        id: id.unwrap_or_else(new_key),
        text: a.text,
        label: a.label,
        contact_name: a.contact_name,
        contact_phone: a.contact_phone,
        lat: a.lat,
        lon: a.lon,
        entrance: a.entrance,
        floor: a.floor,
        access_note: a.access_note,
        delivery_note: a.delivery_note,
        no_lift: a.no_lift,
        retired: false,
        geo: None,
    };
    // A point given with a new address is set by hand.
    address.carry_point(None, &chrono::Utc::now().to_rfc3339());
    address
}

pub(super) fn client_doc(c: &ClientSummary) -> Value {
    let mut doc = strip_nulls(serde_json::to_value(c).unwrap_or(Value::Null));
    if let Value::Object(map) = &mut doc {
        map.remove("id");
        // Stored as `rev` (the compare-and-set field), read back as `version`.
        map.remove("version");
        // Notes own it (a note added while an edit is decided is not undone).
        map.remove("noted_at");
        map.insert(
            "search".into(),
            Value::String(super::client_search::index_text(c)),
        );
    }
    doc
}

/// The phone index rows of a client: its own numbers, and the contact
/// phones of its addresses in use (with the address, so that a call from
/// one pops the client with that address).
pub(super) fn phone_rows(c: &ClientSummary) -> Vec<Value> {
    let mut rows: Vec<Value> = c
        .phones
        .iter()
        .map(|p| json!({ "phone": p.as_str(), "client_id": c.id }))
        .collect();
    for a in c.active_addresses() {
        if let Some(p) = &a.contact_phone {
            if !c.phones.contains(p) {
                rows.push(json!({ "phone": p.as_str(), "client_id": c.id, "address_id": a.id }));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r["phone"].as_str().unwrap_or_default().to_string()));
    rows
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
            deposit_bottles: 0,
            deposit_held: rodnik_shared::Money::ZERO,
            balance: rodnik_shared::Money::ZERO,
            contract: None,
            requisites: v.requisites,
            version: 0,
            noted_at: None,
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

    /// Reads the client, lets `edit` change it and writes it back with
    /// compare-and-set on its version, all again (under the store's retry
    /// policy) when a concurrent edit came first: `edit` then applies to the
    /// fresh client instead of overwriting it. With `expected`, a client at
    /// another version is refused (409 `stale_version`) instead: the operator
    /// edited what someone else has changed since. An error from `edit` is
    /// final. Returns the client as saved.
    pub async fn edit_client<F>(
        &self,
        id: &str,
        expected: Option<i64>,
        edit: F,
    ) -> Result<ClientSummary>
    where
        F: Fn(ClientSummary) -> Result<ClientSummary>,
    {
        // Ok(Err(..)): a final answer, not to be retried.
        let attempt = || async {
            let c = self.client_for_update(id).await?;
            let rev = c.version;
            if let Some(v) = expected.filter(|v| *v != rev) {
                return Ok(Err(Error::stale_version("client", v, rev)));
            }
            let mut c = match edit(c) {
                Ok(c) => c,
                Err(e) => return Ok(Err(e)),
            };
            self.save_client(&c, rev).await?;
            c.version = rev + 1;
            Ok(Ok(c))
        };
        match self.retrying_races(attempt).await.and_then(|r| r) {
            Err(Error::Conflict {
                code: "stale_version" | "retry",
                ..
            }) if expected.is_none() => Err(Error::conflict(
                "busy",
                "the client is changing too often; try again",
            )),
            other => other,
        }
    }

    /// A client with its version, for a compare-and-set edit.
    async fn client_for_update(&self, id: &str) -> Result<ClientSummary> {
        self.get_client(id)
            .await?
            .ok_or_else(|| Error::not_found("client"))
    }

    /// Writes an edited client (name, phones, addresses...; `bottles_held` is
    /// not touched here: deliveries own it) only if it is still at `rev`
    /// (`Conflict(stale_version)` otherwise), with its phone rows, in one
    /// transaction. Not retried here: `edit_client` runs read-edit-write again.
    async fn save_client(&self, c: &ClientSummary, rev: i64) -> Result<()> {
        let mut doc = client_doc(c);
        if let Value::Object(map) = &mut doc {
            map.remove("bottles_held");
            map.remove("deposit_bottles");
            map.remove("deposit_held");
            map.remove("balance");
            // Set whole below: a MERGE would keep a cleared field.
            map.remove("contract");
            map.remove("requisites");
            map.insert("rev".into(), json!(rev + 1));
        }
        // MERGE never removes a field, so a cleared optional one is unset explicitly.
        let cleared: Vec<&str> = [
            ("inn", c.inn.is_none()),
            ("note", c.note.is_none()),
            ("contract", c.contract.is_none()),
            ("requisites", c.requisites.is_none()),
        ]
        .into_iter()
        .filter_map(|(f, none)| none.then_some(f))
        .collect();
        let unset = if cleared.is_empty() {
            String::new()
        } else {
            format!("UPDATE $rid UNSET {};", cleared.join(", "))
        };
        let contract = match (&c.contract, &c.requisites) {
            (Some(_), Some(_)) => {
                "UPDATE $rid SET contract = $contract, requisites = $requisites RETURN NONE;"
            }
            (Some(_), None) => "UPDATE $rid SET contract = $contract RETURN NONE;",
            (None, Some(_)) => "UPDATE $rid SET requisites = $requisites RETURN NONE;",
            (None, None) => "",
        };
        let sql = format!(
            "BEGIN TRANSACTION;
             LET $changed = (UPDATE $rid MERGE $doc WHERE (rev ?? 0) = $rev RETURN id);
             IF array::len($changed) = 0 {{ THROW 'cas_failed' }};
             {unset}
             {contract}
             DELETE client_phones WHERE client_id = $cid;
             INSERT INTO client_phones $phones;
             COMMIT TRANSACTION;"
        );
        self.run_with(
            &sql,
            json!({ "doc": doc, "cid": c.id, "phones": phone_rows(c), "rev": rev,
                    "contract": c.contract, "requisites": c.requisites }),
            vec![("rid", rid("clients", &c.id))],
        )
        .await?;
        Ok(())
    }

    /// A page of the client's orders (newest first, `before` an order
    /// number, optionally of one state), its latest calls with who took
    /// them, and its latest notes: one round trip.
    pub async fn client_history(
        &self,
        client_id: &str,
        state: Option<OrderState>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<ClientHistory> {
        let mut filter = String::from("client_id = $c");
        if state.is_some() {
            filter.push_str(" AND state = $state");
        }
        if before.is_some() {
            filter.push_str(" AND number < $before");
        }
        let sql = format!(
            "SELECT * OMIT delivered_by FROM orders WHERE {filter} ORDER BY number DESC LIMIT $limit;
             SELECT * FROM calls WHERE client_ids CONTAINS $c ORDER BY started_at DESC LIMIT $side;
             SELECT *, record::id(id) AS id FROM client_notes WHERE client_id = $c ORDER BY at DESC LIMIT $side;
             SELECT extension, name FROM users WHERE extension != NONE AND active != false;"
        );
        let vars = json!({
            "c": client_id, "state": state.map(|s| s.as_str()), "before": before,
            "limit": limit + 1, "side": HISTORY_SIDE,
        });
        let mut r = self.run(&sql, vars).await?;
        let mut orders: Vec<rodnik_shared::api::Order> = decode_all(r.take::<Vec<Value>>(0)?)?;
        let calls: Vec<Call> = r
            .take::<Vec<Value>>(1)?
            .into_iter()
            .map(|row| decode(crate::store::calls::call_from_row(row)))
            .collect::<Result<_>>()?;
        let notes: Vec<ClientNote> = decode_all(r.take::<Vec<Value>>(2)?)?;
        let operators: std::collections::HashMap<String, String> = r
            .take::<Vec<Value>>(3)?
            .into_iter()
            .filter_map(|u| {
                Some((
                    u["extension"].as_str()?.to_string(),
                    u["name"].as_str()?.to_string(),
                ))
            })
            .collect();
        let next_before = (orders.len() > limit).then(|| {
            orders.truncate(limit);
            orders.last().map(|o| o.number.to_string())
        });
        let call_ids: Vec<String> = calls.iter().map(|c| c.call_id.clone()).collect();
        let mut recordings = self.recordings_of(&call_ids).await?;
        Ok(ClientHistory {
            orders,
            next_before: next_before.flatten(),
            calls: calls
                .into_iter()
                .map(|c| {
                    let r = recordings.remove(&c.call_id).unwrap_or_default();
                    history_call(c, &operators, r)
                })
                .collect(),
            notes,
        })
    }

    /// Notes on a client, newest first.
    pub async fn client_notes(&self, client_id: &str, limit: usize) -> Result<Vec<ClientNote>> {
        let rows = self
            .many(
                "SELECT *, record::id(id) AS id FROM client_notes
                 WHERE client_id = $c ORDER BY at DESC LIMIT $limit",
                json!({ "c": client_id, "limit": limit }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Adds a note to an existing client; the client's row is touched (not
    /// its version) in the same transaction, so that screens showing the
    /// client hear of it live.
    pub async fn add_client_note(&self, note: &ClientNote) -> Result<()> {
        let mut doc = serde_json::to_value(note).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut doc {
            m.remove("id");
        }
        self.retrying(|| async {
            self.run_with(
                "BEGIN TRANSACTION;
                 UPDATE $cid SET noted_at = $at RETURN NONE;
                 CREATE $rid CONTENT $doc RETURN NONE;
                 COMMIT TRANSACTION;",
                json!({ "doc": doc, "at": note.at }),
                vec![
                    ("cid", rid("clients", &note.client_id)),
                    ("rid", rid("client_notes", &note.id)),
                ],
            )
            .await
        })
        .await?;
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

    /// The ids of the clients who have this number, in one round trip.
    pub async fn client_ids_by_phone(&self, phone: &Phone) -> Result<Vec<String>> {
        let ids = self
            .many(
                "SELECT VALUE record::id(id) FROM
                   array::distinct((SELECT VALUE client_id FROM client_phones WHERE phone = $p))
                     .map(|$i| type::record('clients', $i))",
                json!({ "p": phone.as_str() }),
                vec![],
            )
            .await?;
        Ok(ids
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    }

    /// The card an operator sees: the client with open and recent orders.
    pub async fn require_card(&self, id: &str) -> Result<ClientCard> {
        self.cards_by_id(&[id.to_string()])
            .await?
            .pop()
            .ok_or_else(|| Error::not_found("client"))
    }

    /// The cards of the clients who have this number (the lookup): an unknown
    /// number costs one index read.
    pub async fn cards_by_phone(&self, phone: &Phone) -> Result<Vec<ClientCard>> {
        let ids = self.client_ids_by_phone(phone).await?;
        self.cards_by_id(&ids).await
    }

    /// The cards of these clients (unknown ids are left out), in one round
    /// trip: the clients, their card ids from `stat_client` (kept in every
    /// order's transaction), and those orders.
    pub async fn cards_by_id(&self, ids: &[String]) -> Result<Vec<ClientCard>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "LET $cl = SELECT *,
                 (SELECT open_ids, recent FROM ONLY type::record('stat_client', [record::id($parent.id)])) AS card,
                 (SELECT * OMIT id FROM ONLY type::record('client_rhythm', [record::id($parent.id)])) AS rhythm,
                 {UNPAID_FIELD}
               OMIT search, prices, created_at, debited
               FROM $ids.map(|$i| type::record('clients', $i));
             RETURN $cl;
             SELECT * OMIT delivered_by FROM array::flatten($cl.map(|$c| array::concat(
                 $c.card.open_ids ?? [],
                 array::slice(($c.card.recent ?? []).map(|$x| $x[2]), 0, {CARD_RECENT})
               ))).map(|$i| type::record('orders', $i));"
        );
        let vars = json!({ "ids": ids });
        let mut r = self.run(&sql, vars).await?;
        let rows: Vec<Value> = r.take(1)?;
        let orders: Vec<rodnik_shared::api::Order> = decode_all(r.take::<Vec<Value>>(2)?)?;
        let mut by_id: std::collections::HashMap<String, rodnik_shared::api::Order> =
            orders.into_iter().map(|o| (o.id.clone(), o)).collect();
        let mut out = Vec::with_capacity(rows.len());
        let today = self.today();
        for mut row in rows {
            let (card, unpaid, rhythm) = match row.as_object_mut() {
                Some(m) => (
                    m.remove("card").unwrap_or(Value::Null),
                    json!({ "unpaid": m.remove("unpaid"), "credited": m.remove("credited") }),
                    m.remove("rhythm").unwrap_or(Value::Null),
                ),
                None => (Value::Null, Value::Null, Value::Null),
            };
            let client: ClientSummary = decode(row)?;
            let ids = |field: &str, pick: fn(&Value) -> Option<&str>| -> Vec<String> {
                card.get(field)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(pick).map(str::to_string).collect())
                    .unwrap_or_default()
            };
            let open = ids("open_ids", Value::as_str);
            let closed = ids("recent", |x| x.get(2).and_then(Value::as_str));
            let mut active_orders: Vec<_> = open.iter().filter_map(|id| by_id.remove(id)).collect();
            active_orders
                .sort_by(|a, b| (&a.delivery_date, a.number).cmp(&(&b.delivery_date, b.number)));
            let recent_orders = closed
                .iter()
                .take(CARD_RECENT)
                .filter_map(|id| by_id.remove(id))
                .collect();
            let account = summary_of(
                &unpaid,
                client.kind,
                client.contract.clone(),
                client.balance,
                active_orders.iter().map(open_amount).sum(),
                today,
            );
            out.push(ClientCard {
                client,
                active_orders,
                recent_orders,
                account,
                rhythm: super::rhythm::rhythm_of(&rhythm, today),
            });
        }
        Ok(out)
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

/// How many calls and notes the history brings (the newest).
const HISTORY_SIDE: usize = 50;

fn history_call(
    c: Call,
    operators: &std::collections::HashMap<String, String>,
    recordings: Vec<rodnik_shared::api::CallRecording>,
) -> HistoryCall {
    let talk_seconds = c.talk_seconds();
    HistoryCall {
        operator: c.extension.as_ref().and_then(|e| operators.get(e)).cloned(),
        id: c.id,
        from: c.from,
        started_at: c.started_at,
        answered: c.answered_at.is_some(),
        missed: c.missed,
        talk_seconds,
        extension: c.extension,
        called_back_at: c.called_back_at,
        order_ids: c.order_ids,
        recordings,
    }
}

/// Possible duplicates of a client being registered: the same phone (the
/// phone index), a similar name or a similar address. Names and addresses are
/// compared as normalized keys in Rust, over candidates picked by the search
/// index in one round trip (`client_search::duplicate_queries`).
impl Store {
    pub async fn similar_clients(
        &self,
        phones: &[Phone],
        name: &str,
        addresses: &[String],
        limit: usize,
    ) -> Result<Vec<SimilarClient>> {
        let mut found: Vec<SimilarClient> = vec![];
        for p in phones {
            for c in self.clients_by_phone(p).await? {
                let i = slot(&mut found, c);
                found[i].reasons.push(SimilarReason::Phone);
                found[i].phones.push(p.as_str().to_string());
            }
        }
        let name_key = similar::name_key(name);
        let address_keys: Vec<similar::AddressKey> = addresses
            .iter()
            .filter_map(|a| similar::address_key(a))
            .collect();
        let queries = super::client_search::duplicate_queries(&name_key, &address_keys);
        let candidates = self
            .clients_matching_all(&queries, SIMILAR_CANDIDATES)
            .await?;
        for c in candidates {
            let same_name = !name_key.is_empty()
                && similar::names_alike(&name_key, &similar::name_key(&c.name));
            let places: Vec<String> = c
                .addresses
                .iter()
                .filter(|a| {
                    similar::address_key(&a.text)
                        .is_some_and(|k| address_keys.iter().any(|t| t.alike(&k)))
                })
                .map(|a| a.id.clone())
                .collect();
            if !same_name && places.is_empty() {
                continue;
            }
            let i = slot(&mut found, c);
            if same_name {
                found[i].reasons.push(SimilarReason::Name);
            }
            if !places.is_empty() {
                found[i].reasons.push(SimilarReason::Address);
                found[i].address_ids = places;
            }
        }
        for f in &mut found {
            f.reasons.sort_by_key(|r| *r as u8);
            f.reasons.dedup();
            f.phones.dedup();
        }
        found.sort_by(|a, b| {
            let phone = |s: &SimilarClient| s.reasons.contains(&SimilarReason::Phone);
            phone(b)
                .cmp(&phone(a))
                .then(b.reasons.len().cmp(&a.reasons.len()))
                .then_with(|| a.client.name.cmp(&b.client.name))
        });
        found.truncate(limit);
        Ok(found)
    }
}

/// How many clients one duplicate query may bring back to compare in Rust.
const SIMILAR_CANDIDATES: usize = 200;

/// The index of `c` in `found`, added when new.
fn slot(found: &mut Vec<SimilarClient>, c: ClientSummary) -> usize {
    if let Some(i) = found.iter().position(|f| f.client.id == c.id) {
        return i;
    }
    found.push(SimilarClient {
        client: c,
        reasons: vec![],
        phones: vec![],
        address_ids: vec![],
    });
    found.len() - 1
}

/// Normalized keys of names and addresses, for the duplicate check.
pub mod similar {
    /// Legal forms: «ООО "Ромашка"» and "ИП Ромашка" are the same words.
    #[rustfmt::skip]
    const LEGAL_FORMS: &[&str] = &[
        "ооо", "оао", "зао", "пао", "ао", "ип", "нко", "ано", "тоо", "чп", "llc", "ltd",
        "inc", "gmbh", "corp",
    ];
    /// Street types and places that say nothing about which street it is.
    #[rustfmt::skip]
    const PLACE_WORDS: &[&str] = &[
        "ул", "улица", "пр", "просп", "проспект", "пер", "переулок", "бул", "бульвар",
        "ш", "шоссе", "пл", "площадь", "наб", "набережная", "проезд", "туп", "тупик",
        "аллея", "мкр", "мкрн", "микрорайон", "г", "гор", "город", "пос", "поселок",
        "село", "дер", "деревня", "обл", "область", "район", "край", "респ",
        "республика", "street", "st", "avenue", "ave", "road", "rd", "lane", "ln",
        "boulevard", "blvd", "city",
    ];
    const HOUSE_WORDS: &[&str] = &["д", "дом", "house", "no"];
    #[rustfmt::skip]
    const BUILDING_WORDS: &[&str] = &[
        "к", "корп", "корпус", "стр", "строение", "лит", "литера", "building", "bldg",
    ];
    #[rustfmt::skip]
    const FLAT_WORDS: &[&str] = &[
        "кв", "квартира", "оф", "офис", "пом", "помещение", "комн", "комната", "apt",
        "apartment", "flat", "office", "suite", "ste", "room",
    ];

    /// Lowercase, `ё` as `е`.
    pub fn fold(s: &str) -> String {
        s.to_lowercase().replace('ё', "е")
    }

    /// "к", "корп", "стр": a word that says a building number follows.
    pub fn is_building(word: &str) -> bool {
        BUILDING_WORDS.contains(&word)
    }

    /// A legal form, a street type or a house, building or flat marker: a
    /// word that does not tell clients apart.
    pub fn is_filler(word: &str) -> bool {
        [
            LEGAL_FORMS,
            PLACE_WORDS,
            HOUSE_WORDS,
            BUILDING_WORDS,
            FLAT_WORDS,
        ]
        .iter()
        .any(|list| list.contains(&word))
    }

    /// The words of a name, sorted, without punctuation and legal forms:
    /// «ООО "Ромашка"» and "ромашка ооо" have the same key.
    pub fn name_key(name: &str) -> Vec<String> {
        let mut words: Vec<String> = fold(name)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !LEGAL_FORMS.contains(w))
            .map(str::to_string)
            .collect();
        words.sort();
        words.dedup();
        words
    }

    /// The same words; or, for names of two words or more, all the words of
    /// one in the other ("Иванов Иван" and "Иванов Иван Петрович").
    pub fn names_alike(a: &[String], b: &[String]) -> bool {
        if a.is_empty() || b.is_empty() {
            return false;
        }
        if a == b {
            return true;
        }
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        short.len() >= 2 && short.iter().all(|w| long.contains(w))
    }

    /// Street and house of an address, and the flat or office when there is one.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AddressKey {
        /// The street's own words, sorted ("ленина"; "1 тверская ямская").
        pub street: Vec<String>,
        /// "5", "5а", "10к2", "5/1".
        pub house: String,
        pub flat: Option<String>,
    }

    impl AddressKey {
        /// Same house on the same street (one street's words may hold the
        /// other's: a city written without a comma), and not two different flats.
        pub fn alike(&self, other: &AddressKey) -> bool {
            let (short, long) = if self.street.len() <= other.street.len() {
                (&self.street, &other.street)
            } else {
                (&other.street, &self.street)
            };
            self.house == other.house
                && short.iter().all(|w| long.contains(w))
                && match (&self.flat, &other.flat) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        }
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Marker {
        House,
        Building,
        Flat,
    }

    fn marker(word: &str) -> Option<Marker> {
        if HOUSE_WORDS.contains(&word) {
            Some(Marker::House)
        } else if BUILDING_WORDS.contains(&word) {
            Some(Marker::Building)
        } else if FLAT_WORDS.contains(&word) {
            Some(Marker::Flat)
        } else {
            None
        }
    }

    /// "д5" or "кв12" written together: the marker and the number.
    fn split_glued(token: &str) -> Option<(Marker, &str)> {
        let at = token.find(|c: char| c.is_ascii_digit())?;
        let (word, number) = token.split_at(at);
        Some((marker(word)?, number))
    }

    fn is_number(token: &str) -> bool {
        token.starts_with(|c: char| c.is_ascii_digit())
    }

    /// "10к2" -> ("10", Some("2")), "5а" -> ("5а", None), "5/1" -> ("5/1", None).
    fn house_parts(token: &str) -> (String, Option<String>) {
        let digits = token.len() - token.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, rest) = token.split_at(digits);
        match split_glued(rest) {
            Some((Marker::Building, b)) if !b.is_empty() => {
                (number.to_string(), Some(b.to_string()))
            }
            _ => (token.to_string(), None),
        }
    }

    /// Parses a free-text address ("Москва, ул. Ленина, д. 5, кв. 12",
    /// "Ленина 5-12", "Lenina st 5, apt 12"); `None` without a street and house.
    pub fn address_key(text: &str) -> Option<AddressKey> {
        let folded = fold(text);
        let mut previous_words: Vec<String> = vec![];
        let mut street: Vec<String> = vec![];
        let mut house: Option<String> = None;
        let mut building: Option<String> = None;
        let mut flat: Option<String> = None;
        for segment in folded.split([',', ';', '\n']) {
            let tokens: Vec<&str> = segment
                .split(|c: char| !(c.is_alphanumeric() || c == '/'))
                .filter(|t| !t.is_empty())
                .collect();
            let mut words: Vec<String> = vec![];
            let mut pending: Option<Marker> = None;
            for (i, raw) in tokens.iter().enumerate() {
                let (glued, token) = match split_glued(raw) {
                    Some((m, n)) if !n.is_empty() && !is_number(raw) => (Some(m), n),
                    _ => (None, *raw),
                };
                if let Some(m) = glued {
                    pending = Some(m);
                }
                if !is_number(token) {
                    if let Some(m) = marker(token) {
                        pending = Some(m);
                    } else if token.chars().count() > 1 && !PLACE_WORDS.contains(&token) {
                        pending = None;
                        if house.is_none() {
                            words.push(token.to_string());
                        }
                    }
                    continue;
                }
                match pending.take() {
                    Some(Marker::Building) if house.is_some() => building = Some(token.into()),
                    Some(Marker::Flat) if house.is_some() => flat = Some(token.into()),
                    Some(Marker::House) if house.is_none() => {
                        house = Some(token.into());
                    }
                    _ if house.is_none() => {
                        let postcode =
                            token.len() >= 5 && token.chars().all(|c| c.is_ascii_digit());
                        if postcode {
                            continue;
                        }
                        // "8 Марта", "1-я линия": a number before the street's words is its name.
                        let names_street = tokens[i + 1..]
                            .iter()
                            .take_while(|t| !is_number(t) && marker(t).is_none())
                            .any(|t| t.chars().count() > 1 && !PLACE_WORDS.contains(t));
                        if names_street {
                            words.push(token.to_string());
                            continue;
                        }
                        house = Some(token.into());
                    }
                    _ => {
                        // "Ленина 5-12", "Ленина 5, 12": the number after the house.
                        if flat.is_none() {
                            flat = Some(token.into());
                        }
                    }
                }
                if house.is_some() && street.is_empty() {
                    street = if words.is_empty() {
                        previous_words.clone()
                    } else {
                        words.clone()
                    };
                }
            }
            if !words.is_empty() {
                previous_words = words;
            }
        }
        // "12 Baker Street": the number came first and was taken for the street's.
        if house.is_none() {
            if let Some(first) = previous_words.first().filter(|w| is_number(w)).cloned() {
                if previous_words.len() > 1 {
                    house = Some(first);
                    street = previous_words[1..].to_vec();
                }
            }
        }
        let house = house?;
        if street.is_empty() {
            return None;
        }
        let (number, glued_building) = house_parts(&house);
        let house = match building.or(glued_building) {
            Some(b) => format!("{number}к{b}"),
            None => number,
        };
        street.sort();
        street.dedup();
        Some(AddressKey {
            street,
            house,
            flat,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn key(street: &[&str], house: &str, flat: Option<&str>) -> Option<AddressKey> {
            Some(AddressKey {
                street: street.iter().map(|s| s.to_string()).collect(),
                house: house.into(),
                flat: flat.map(str::to_string),
            })
        }

        #[test]
        fn names_ignore_case_quotes_order_and_legal_form() {
            let a = name_key("ООО \"Ромашка\"");
            assert_eq!(a, vec!["ромашка"]);
            assert_eq!(name_key("ромашка ооо"), a);
            assert_eq!(name_key("«Ромашка», ООО"), a);
            assert!(names_alike(
                &name_key("Иванов Иван"),
                &name_key("иван  ИВАНОВ")
            ));
            assert!(names_alike(
                &name_key("Иванов Иван"),
                &name_key("Иванов Иван Петрович")
            ));
            assert!(names_alike(
                &name_key("Королёв Сергей"),
                &name_key("Королев Сергей")
            ));
            assert!(!names_alike(
                &name_key("Ромашка"),
                &name_key("Ромашка Плюс")
            ));
            assert!(!names_alike(
                &name_key("Иванов Иван"),
                &name_key("Иванов Пётр")
            ));
            assert!(!names_alike(&name_key("ООО"), &name_key("ООО")));
        }

        #[test]
        fn addresses_reduce_to_street_house_and_flat() {
            let lenina = key(&["ленина"], "5", Some("12"));
            assert_eq!(address_key("Москва, ул. Ленина, д. 5, кв. 12"), lenina);
            assert_eq!(address_key("ул Ленина 5-12"), lenina);
            assert_eq!(address_key("Ленина ул., 5, кв.12"), lenina);
            assert_eq!(
                address_key("123456, г. Москва, улица Ленина, дом 5, квартира 12"),
                lenina
            );
            assert_eq!(
                address_key("Lenina 5, apt 12"),
                key(&["lenina"], "5", Some("12"))
            );
            assert_eq!(address_key("пр-т Мира, 10к2"), key(&["мира"], "10к2", None));
            assert_eq!(
                address_key("проспект Мира, д. 10, корп. 2, офис 3"),
                key(&["мира"], "10к2", Some("3"))
            );
            assert_eq!(
                address_key("ул. 8 Марта, 5"),
                key(&["8", "марта"], "5", None)
            );
            assert_eq!(address_key("12 Baker Street"), key(&["baker"], "12", None));
            assert_eq!(
                address_key("Академика Королёва 3"),
                key(&["академика", "королева"], "3", None)
            );
            assert_eq!(address_key("Ленина"), None);
            assert_eq!(address_key("5"), None);
        }

        #[test]
        fn addresses_alike_need_the_same_house_and_no_other_flat() {
            let k = |s| address_key(s).expect(s);
            assert!(k("Москва, ул. Ленина, д. 5, кв. 12").alike(&k("Ленина 5-12")));
            assert!(k("Москва Ленина 5").alike(&k("ул. Ленина, 5, кв. 3")));
            assert!(!k("Ленина 5, кв. 12").alike(&k("Ленина 5, кв. 14")));
            assert!(!k("Ленина 5").alike(&k("Ленина 7")));
            assert!(!k("Ленина 5").alike(&k("Гагарина 5")));
        }
    }
}
