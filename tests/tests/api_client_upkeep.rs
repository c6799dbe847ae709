//! Client upkeep from the console (issue 18, items 1 and 2): edits are
//! compare-and-set on the client's version, addresses are added, edited and
//! retired (staying on old orders), notes carry who and when, other screens
//! hear of every change, and an address's contact phone pops its client.

use std::time::Duration;

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    client: String,
    office: String,
    water: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "ООО Ромашка", "phones": ["+79161112233"],
                    "addresses": [{ "text": "Москва, ул. Ленина, 5, офис 12", "label": "Офис",
                                    "contact_name": "Анна", "contact_phone": "8 903 444-55-66",
                                    "entrance": "2", "floor": "5", "access_note": "лифт до 4-го",
                                    "delivery_note": "пустые у ресепшн" }] }),
        )
        .await
        .expect(201);
    World {
        client: id_of(&c),
        office: id_of(&c["addresses"][0]),
        app,
        op,
        water,
    }
}

impl World {
    async fn card(&self) -> Value {
        self.app
            .get(&format!("/api/clients/{}", self.client), &self.op)
            .await
            .expect(200)
    }

    async fn lookup(&self, phone: &str) -> Vec<String> {
        let r = self
            .app
            .get(
                &format!("/api/clients/lookup?phone={}", enc(phone)),
                &self.op,
            )
            .await
            .expect(200);
        r["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .map(id_of)
            .collect()
    }

    async fn order_at(&self, address: &str) -> rodnik_tests::Resp {
        self.app
            .post(
                "/api/orders",
                &self.op,
                json!({ "client_id": self.client, "address_id": address,
                        "lines": [{ "product_id": self.water, "qty": 2 }],
                        "delivery_date": self.app.today() }),
            )
            .await
    }
}

#[tokio::test]
async fn an_address_keeps_its_entrance_floor_access_and_delivery_notes() {
    let w = world().await;
    let a = &w.card().await["addresses"][0];
    assert_eq!(a["entrance"], "2");
    assert_eq!(a["floor"], "5");
    assert_eq!(a["access_note"], "лифт до 4-го");
    assert_eq!(a["delivery_note"], "пустые у ресепшн");
    assert_eq!(a["retired"], false);
    // The order carries them to the courier.
    let o = w.order_at(&w.office).await.expect(201);
    assert_eq!(o["address"]["entrance"], "2");
    assert_eq!(o["address"]["delivery_note"], "пустые у ресепшн");
}

#[tokio::test]
async fn an_edit_made_on_an_old_version_is_refused_and_changes_nothing() {
    let w = world().await;
    let card = w.card().await;
    let v = card["version"].as_i64().expect("version");
    let path = format!("/api/clients/{}", w.client);
    let first = w
        .app
        .patch(
            &path,
            &w.op,
            json!({ "version": v, "name": "ООО Ромашка-2", "inn": "7701234567" }),
        )
        .await
        .expect(200);
    assert_eq!(first["name"], "ООО Ромашка-2");
    assert_eq!(first["version"], v + 1);
    // A second operator still looking at version v.
    let e = w
        .app
        .patch(
            &path,
            &w.op,
            json!({ "version": v, "name": "Ромашка (старое)" }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "stale_version");
    assert_eq!(w.card().await["name"], "ООО Ромашка-2");
    // Kind, phones and the free-text note, on the current version.
    let second = w
        .app
        .patch(
            &path,
            &w.op,
            json!({ "version": v + 1, "kind": "individual", "phones": ["+79161112233", "8 926 000-11-22"],
                    "note": "звонить после 10" }),
        )
        .await
        .expect(200);
    assert_eq!(second["kind"], "individual");
    assert_eq!(second["phones"], json!(["+79161112233", "+79260001122"]));
    assert_eq!(second["note"], "звонить после 10");
    assert_eq!(second["inn"], "7701234567");
    assert_eq!(w.lookup("+79260001122").await, vec![w.client.clone()]);
    // Bad input: a clear error, nothing lost.
    let e = w
        .app
        .patch(&path, &w.op, json!({ "version": v + 2, "phones": ["12"] }))
        .await
        .error(422);
    assert_eq!(e["field"], "phones[0]");
    assert_eq!(w.card().await["phones"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn addresses_are_added_edited_and_retired_and_old_orders_keep_theirs() {
    let w = world().await;
    let v = w.card().await["version"].as_i64().expect("version");
    let added = w
        .app
        .post(
            &format!("/api/clients/{}/addresses", w.client),
            &w.op,
            json!({ "version": v, "text": "Москва, Складская 7", "label": "Склад", "floor": "1" }),
        )
        .await
        .expect(201);
    assert_eq!(added["version"], v + 1);
    let store = added["addresses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["label"] == "Склад"))
        .map(id_of)
        .expect("the new address");
    // Adding on the old version is refused.
    let e = w
        .app
        .post(
            &format!("/api/clients/{}/addresses", w.client),
            &w.op,
            json!({ "version": v, "text": "Ещё один адрес" }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "stale_version");

    let old = w.order_at(&w.office).await.expect(201);
    let office_path = format!("/api/clients/{}/addresses/{}", w.client, w.office);
    // Edit: every field as sent; an absent optional one is cleared.
    let edited = w
        .app
        .put(
            &office_path,
            &w.op,
            json!({ "version": v + 1, "text": "Москва, ул. Ленина, 5, офис 14", "label": "Офис",
                    "contact_name": "Анна", "contact_phone": "+79034445566", "entrance": "3" }),
        )
        .await
        .expect(200);
    let office = &edited["addresses"][0];
    assert_eq!(office["text"], "Москва, ул. Ленина, 5, офис 14");
    assert_eq!(office["entrance"], "3");
    assert!(office.get("floor").is_none_or(Value::is_null), "{office}");
    // Retire the office: it stays on the card, marked, and on the old order.
    let retired = w
        .app
        .put(
            &office_path,
            &w.op,
            json!({ "version": v + 2, "text": "Москва, ул. Ленина, 5, офис 14", "retired": true }),
        )
        .await
        .expect(200);
    assert_eq!(retired["addresses"][0]["retired"], true);
    let e = w.order_at(&w.office).await.error(422);
    assert_eq!(e["field"], "address_id");
    assert!(w.order_at(&store).await.status == 201);
    let old_now = w
        .app
        .get(&format!("/api/orders/{}", id_of(&old)), &w.op)
        .await
        .expect(200);
    assert_eq!(old_now["address"]["text"], "Москва, ул. Ленина, 5, офис 12");
    // The old order can still be edited without moving it.
    w.app
        .patch(
            &format!("/api/orders/{}", id_of(&old)),
            &w.op,
            json!({ "address_id": w.office, "note": "звонить" }),
        )
        .await
        .expect(200);
    // The last address in use cannot be retired.
    let e = w
        .app
        .put(
            &format!("/api/clients/{}/addresses/{store}", w.client),
            &w.op,
            json!({ "version": v + 3, "text": "Москва, Складская 7", "retired": true }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "retired");
    // An unknown address is 404; bad text a clear 422.
    w.app
        .put(
            &format!("/api/clients/{}/addresses/nope", w.client),
            &w.op,
            json!({ "version": v + 3, "text": "x" }),
        )
        .await
        .error(404);
    let e = w
        .app
        .put(
            &office_path,
            &w.op,
            json!({ "version": v + 3, "text": "  " }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "address.text");
    // Brought back.
    let back = w
        .app
        .put(
            &office_path,
            &w.op,
            json!({ "version": v + 3, "text": "Москва, ул. Ленина, 5, офис 14" }),
        )
        .await
        .expect(200);
    assert_eq!(back["addresses"][0]["retired"], false);
    assert_eq!(w.order_at(&w.office).await.status, 201);
}

#[tokio::test]
async fn notes_say_who_wrote_them_and_when_newest_first() {
    let w = world().await;
    let path = format!("/api/clients/{}/notes", w.client);
    let first = w
        .app
        .post(
            &path,
            &w.op,
            json!({ "text": "просили звонить после обеда" }),
        )
        .await
        .expect(201);
    assert_eq!(first["by_name"], "olga name");
    assert!(first["at"].as_str().is_some_and(|t| t.contains('T')));
    w.app
        .post(&path, &w.op, json!({ "text": "второй офис с января" }))
        .await
        .expect(201);
    let notes = w.app.get(&path, &w.op).await.expect(200);
    let texts: Vec<&str> = notes
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["text"].as_str())
        .collect();
    assert_eq!(
        texts,
        ["второй офис с января", "просили звонить после обеда"]
    );
    let e = w
        .app
        .post(&path, &w.op, json!({ "text": " " }))
        .await
        .error(422);
    assert_eq!(e["field"], "text");
    w.app
        .post("/api/clients/nope/notes", &w.op, json!({ "text": "x" }))
        .await
        .error(404);
    // A note does not move the client's version: an edit in progress stays valid.
    assert_eq!(w.card().await["version"], 0);
}

#[tokio::test]
async fn other_operators_hear_of_edits_and_notes_and_couriers_do_not() {
    let w = world().await;
    let (_, other) = w.app.user("irina", "operator", None).await;
    let (_, courier) = w.app.user("kolya", "courier", None).await;
    let mut watching = w.app.live(&other).await;
    let mut courier_live = w.app.live(&courier).await;
    w.app
        .patch(
            &format!("/api/clients/{}", w.client),
            &w.op,
            json!({ "version": 0, "name": "ООО Ромашка и К" }),
        )
        .await
        .expect(200);
    let m = watching.expect_type("client.updated").await;
    assert_eq!(m["data"]["id"], w.client);
    assert_eq!(m["data"]["name"], "ООО Ромашка и К");
    assert_eq!(m["data"]["version"], 1);
    assert!(m["data"].get("search").is_none(), "{m}");
    w.app
        .post(
            &format!("/api/clients/{}/notes", w.client),
            &w.op,
            json!({ "text": "новый бухгалтер" }),
        )
        .await
        .expect(201);
    let m = watching.expect_type("client.updated").await;
    assert_eq!(m["data"]["id"], w.client);
    let heard = courier_live.drain(Duration::from_millis(500)).await;
    assert!(
        heard.iter().all(|m| m["type"] != "client.updated"),
        "{heard:?}"
    );
}

#[tokio::test]
async fn a_call_from_an_address_contact_phone_pops_the_client() {
    let w = world().await;
    assert_eq!(w.lookup("+7 903 444-55-66").await, vec![w.client.clone()]);
    // The contact moves to another number: the old one no longer pops.
    let path = format!("/api/clients/{}/addresses/{}", w.client, w.office);
    w.app
        .put(
            &path,
            &w.op,
            json!({ "version": 0, "text": "Москва, ул. Ленина, 5, офис 12", "contact_phone": "+79035556677" }),
        )
        .await
        .expect(200);
    assert!(w.lookup("+79034445566").await.is_empty());
    assert_eq!(w.lookup("+79035556677").await, vec![w.client.clone()]);
    // A second client sharing that contact (a business centre's reception):
    // both pop, for the operator to choose.
    let other = w
        .app
        .post(
            "/api/clients",
            &w.op,
            json!({ "kind": "legal", "name": "ООО Лютик", "phones": ["+79160000001"],
                    "addresses": [{ "text": "Москва, ул. Ленина, 5, офис 20", "contact_phone": "+79035556677" }] }),
        )
        .await
        .expect(201);
    let mut both = w.lookup("+79035556677").await;
    both.sort();
    let mut expected = vec![w.client.clone(), id_of(&other)];
    expected.sort();
    assert_eq!(both, expected);
    // The ringing call carries both cards.
    let mut live = w.app.live(&w.op).await;
    assert_eq!(
        w.app
            .call_event(json!({ "call_id": "c-contact", "event": "ringing", "from": "+79035556677", "to": "+74950000000" }))
            .await,
        204
    );
    let m = live.expect_type("call.ringing").await;
    assert_eq!(
        m["data"]["matches"].as_array().map(Vec::len),
        Some(2),
        "{m}"
    );
    // A retired address's contact no longer pops its client.
    w.app
        .put(
            &path,
            &w.op,
            json!({ "version": 1, "text": "Москва, ул. Ленина, 5, офис 12",
                    "contact_phone": "+79035556677", "retired": true }),
        )
        .await
        .error(422);
    w.app
        .post(
            &format!("/api/clients/{}/addresses", w.client),
            &w.op,
            json!({ "version": 1, "text": "Москва, Складская 7" }),
        )
        .await
        .expect(201);
    w.app
        .put(
            &path,
            &w.op,
            json!({ "version": 2, "text": "Москва, ул. Ленина, 5, офис 12",
                    "contact_phone": "+79035556677", "retired": true }),
        )
        .await
        .expect(200);
    assert_eq!(w.lookup("+79035556677").await, vec![id_of(&other)]);
}

#[tokio::test]
async fn contact_phones_stored_before_schema_6_are_indexed_by_the_upgrade() {
    let w = world().await;
    w.app
        .state
        .store
        .run(
            "DELETE client_phones WHERE address_id != NONE; UPSERT meta:schema SET version = 5",
            json!(null),
        )
        .await
        .expect("set back to schema 5");
    assert!(w.lookup("+79034445566").await.is_empty());
    w.app.state.store.migrate().await.expect("the upgrade");
    assert_eq!(w.lookup("+79034445566").await, vec![w.client.clone()]);
    assert_eq!(w.lookup("+79161112233").await, vec![w.client.clone()]);
}

#[tokio::test]
async fn the_history_pages_orders_newest_first_with_calls_and_notes() {
    let w = world().await;
    let (_, op2) = w.app.user("irina", "operator", Some("102")).await;
    let mut numbers = vec![];
    for _ in 0..5 {
        let o = w.order_at(&w.office).await.expect(201);
        numbers.push(o["number"].as_i64().expect("number"));
    }
    let cancelled = w.order_at(&w.office).await.expect(201);
    w.app
        .post(
            &format!("/api/orders/{}/cancel", id_of(&cancelled)),
            &w.op,
            json!({ "reason": "клиент отказался" }),
        )
        .await
        .expect(200);
    // A call answered at 102 and a missed one, from the client's number.
    for (call, answered) in [("h-1", true), ("h-2", false)] {
        let ring = json!({ "event": "ringing", "call_id": call, "from": "+79161112233",
                           "to": "+74950000000", "extension": "102" });
        assert_eq!(w.app.call_event(ring).await, 204);
        if answered {
            let ev = json!({ "event": "answered", "call_id": call, "from": "+79161112233",
                             "to": "+74950000000", "extension": "102" });
            assert_eq!(w.app.call_event(ev).await, 204);
        }
        let end = json!({ "event": "ended", "call_id": call, "from": "+79161112233",
                          "to": "+74950000000" });
        assert_eq!(w.app.call_event(end).await, 204);
    }
    w.app
        .post(
            &format!("/api/clients/{}/notes", w.client),
            &op2,
            json!({ "text": "бухгалтер Анна" }),
        )
        .await
        .expect(201);

    let path = format!("/api/clients/{}/history", w.client);
    let first = w
        .app
        .get(&format!("{path}?limit=4"), &w.op)
        .await
        .expect(200);
    let got: Vec<i64> = first["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .filter_map(|o| o["number"].as_i64())
        .collect();
    let mut all = numbers.clone();
    all.push(cancelled["number"].as_i64().expect("number"));
    all.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(got, all[..4], "newest first");
    let before = first["next_before"]
        .as_str()
        .expect("a next page")
        .to_string();
    let second = w
        .app
        .get(&format!("{path}?limit=4&before={before}"), &w.op)
        .await
        .expect(200);
    let rest: Vec<i64> = second["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .filter_map(|o| o["number"].as_i64())
        .collect();
    assert_eq!(rest, all[4..]);
    assert!(second["next_before"].is_null());
    let only = w
        .app
        .get(&format!("{path}?state=cancelled"), &w.op)
        .await
        .expect(200);
    assert_eq!(only["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(only["orders"][0]["id"], cancelled["id"]);

    let calls = first["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 2, "{calls:?}");
    let answered = calls
        .iter()
        .find(|c| c["answered"] == true)
        .expect("answered");
    assert_eq!(answered["operator"], "irina name");
    assert!(answered["talk_seconds"].as_i64().is_some_and(|s| s >= 0));
    let missed = calls
        .iter()
        .find(|c| c["answered"] == false)
        .expect("missed");
    assert_eq!(missed["missed"], true);
    assert!(missed["talk_seconds"].is_null());
    assert_eq!(first["notes"][0]["text"], "бухгалтер Анна");
    assert_eq!(first["notes"][0]["by_name"], "irina name");

    // A page cursor that is not a number is a malformed query (400).
    let r = w.app.get(&format!("{path}?before=x"), &w.op).await;
    assert_eq!(r.status, 400, "{}", r.text);
    for bad in ["state=lost", "limit=0", "limit=101"] {
        let r = w.app.get(&format!("{path}?{bad}"), &w.op).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
    }
    w.app
        .get("/api/clients/nope/history", &w.op)
        .await
        .error(404);
}

/// Item 8: the operators' call figures per day in the orders-worked report
/// (JSON, CSV and XLSX read back).
#[tokio::test]
async fn the_orders_report_counts_each_operators_calls() {
    let w = world().await;
    let (_, ira) = w.app.user("ira", "operator", Some("101")).await;
    let (_, lena) = w.app.user("lena", "operator", Some("102")).await;
    let (_, manager) = w.app.user("boss", "manager", None).await;
    let ev = |kind: &str, call: &str, ext: Option<&str>| {
        let mut e =
            json!({ "event": kind, "call_id": call, "from": "+79161112233", "to": "+74950000000" });
        if let Some(x) = ext {
            e["extension"] = json!(x);
        }
        e
    };
    // Answered at 101, an order taken on it; missed at 101; missed everywhere.
    for e in [
        ev("ringing", "r-1", Some("101")),
        ev("answered", "r-1", Some("101")),
        ev("ringing", "r-2", Some("101")),
        ev("ended", "r-2", None),
        ev("ringing", "r-3", None),
        ev("ended", "r-3", None),
    ] {
        assert_eq!(w.app.call_event(e).await, 204);
    }
    let calls = w
        .app
        .get(&format!("/api/calls?date={}", w.app.today()), &ira)
        .await
        .expect(200);
    let id_of_call = |pbx: &str| {
        calls
            .as_array()
            .and_then(|a| a.iter().find(|c| c["call_id"] == pbx))
            .map(id_of)
            .unwrap_or_else(|| panic!("{pbx} in {calls}"))
    };
    w.app
        .post(
            "/api/orders",
            &ira,
            json!({ "client_id": w.client, "address_id": w.office, "call_id": id_of_call("r-1"),
                    "lines": [{ "product_id": w.water, "qty": 2 }], "delivery_date": w.app.today() }),
        )
        .await
        .expect(201);
    assert_eq!(w.app.call_event(ev("ended", "r-1", Some("101"))).await, 204);
    w.app
        .post(
            &format!("/api/calls/{}/callback", id_of_call("r-3")),
            &lena,
            json!({}),
        )
        .await
        .expect(200);

    let today = w.app.today();
    let path = format!("/api/reports/orders?from={today}&to={today}");
    let r = w.app.get(&path, &manager).await.expect(200);
    let rows = r["calls"].as_array().expect("calls").clone();
    let row = |name: &str| {
        rows.iter()
            .find(|x| x["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {rows:?}"))
    };
    let i = row("ira name");
    assert_eq!(
        (&i["offered"], &i["answered"], &i["missed"], &i["orders"]),
        (&json!(2), &json!(1), &json!(1), &json!(1))
    );
    assert_eq!(i["orders_per_answered"], 1.0);
    assert_eq!(i["date"], json!(today));
    let nobody = row("—");
    assert_eq!(
        (&nobody["offered"], &nobody["missed"]),
        (&json!(1), &json!(1))
    );
    assert!(nobody["user_id"].is_null());
    assert_eq!(row("lena name")["called_back"], 1);

    // CSV: the third section, the same figures.
    let csv = w.app.get(&format!("{path}&format=csv"), &manager).await;
    assert_eq!(csv.status, 200);
    let section = csv
        .text
        .trim_end()
        .split("\n\n")
        .nth(2)
        .expect("calls section")
        .to_string();
    let mut reader = csv::Reader::from_reader(section.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(headers.get(0), Some("date"));
    let ira_row = reader
        .records()
        .filter_map(|r| r.ok())
        .find(|r| r.get(2) == Some("ira name"))
        .expect("ira's row");
    let col = |h: &str| headers.iter().position(|x| x == h).expect(h);
    assert_eq!(ira_row.get(col("offered")), Some("2"));
    assert_eq!(ira_row.get(col("answered")), Some("1"));
    assert_eq!(ira_row.get(col("orders_per_answered")), Some("1.0"));

    // XLSX in Russian: the "Звонки" sheet with a totals row.
    let cells = w
        .app
        .xlsx_sheet(&format!("{path}&format=xlsx&lang=ru"), &manager, "Звонки")
        .await;
    assert_eq!(cells[0][1], "Оператор");
    let ira_cells = cells
        .iter()
        .find(|r| r[1] == "ira name")
        .expect("ira in the sheet");
    assert_eq!(ira_cells[2..6], ["2", "1", "1", "0"]);
    assert_eq!(ira_cells[8], "1.00");
    let totals = cells.last().expect("totals");
    assert_eq!(totals[0], "Итого");
    assert_eq!(totals[2], "3", "offered in all");

    // The wallboard's manager view: today's figures, busiest first, an
    // operator at a phone with no calls yet listed with zeros, and all together.
    w.app.user("vera", "operator", Some("103")).await;
    let b = w
        .app
        .get("/api/wallboard/calls", &manager)
        .await
        .expect(200);
    assert_eq!(b["date"], json!(today));
    let names: Vec<&str> = b["operators"]
        .as_array()
        .expect("operators")
        .iter()
        .map(|o| o["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["ira name", "—", "lena name", "vera name"], "{b}");
    let ira_b = &b["operators"][0];
    assert_eq!(
        (
            &ira_b["offered"],
            &ira_b["answered"],
            &ira_b["orders_per_answered"]
        ),
        (&json!(2), &json!(1), &json!(1.0))
    );
    assert_eq!(b["operators"][3]["offered"], 0);
    let t = &b["total"];
    assert_eq!(
        (
            &t["offered"],
            &t["answered"],
            &t["missed"],
            &t["called_back"],
            &t["orders"]
        ),
        (&json!(3), &json!(1), &json!(2), &json!(1), &json!(1))
    );
    // Not for a screen's link: only a signed-in manager sees who took what.
    w.app.get("/api/wallboard/calls", &ira).await.error(403);
    let r = w
        .app
        .raw(reqwest::Method::GET, "/api/wallboard/calls", None, None, "")
        .await;
    assert_eq!(r.status, 401);
}
