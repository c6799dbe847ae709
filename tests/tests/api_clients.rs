//! Clients: phones normalized to E.164, lookup by any spelling, search,
//! edits, addresses, and the bottle balance.

use rodnik_shared::Phone;
use rodnik_tests::*;
use serde_json::{json, Value};

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list.as_array().expect("a list").iter().map(id_of).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn lookup(app: &App, token: &str, phone: &str) -> Value {
    app.get(&format!("/api/clients/lookup?phone={}", enc(phone)), token)
        .await
        .expect(200)
}

async fn search(app: &App, token: &str, q: &str) -> Vec<String> {
    ids(&app
        .get(&format!("/api/clients?q={}", enc(q)), token)
        .await
        .expect(200))
}

#[tokio::test]
async fn creating_a_client_normalizes_phones_and_gives_every_address_an_id() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "  ООО Ромашка  ", "inn": "7701234567", "note": "gate code 12",
                    "phones": ["8 (912) 345-67-89", "+7 912 3456789", "9031112233"],
                    "addresses": [
                        { "text": "ул. Ленина, 1, офис 5", "label": "office", "contact_name": "Анна",
                          "contact_phone": "8 903 111-22-33", "lat": 55.75, "lon": 37.61 },
                        { "text": "Склад, Промзона 7" }
                    ] }),
        )
        .await
        .expect(201);
    assert!(c["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(c["kind"], "legal");
    assert_eq!(c["name"], "ООО Ромашка");
    assert_eq!(c["inn"], "7701234567");
    assert_eq!(c["note"], "gate code 12");
    // Two spellings of one number collapse into one.
    assert_eq!(c["phones"], json!(["+79123456789", "+79031112233"]));
    let addrs = c["addresses"].as_array().unwrap();
    assert_eq!(addrs.len(), 2);
    assert!(addrs
        .iter()
        .all(|a| a["id"].as_str().is_some_and(|s| !s.is_empty())));
    assert_ne!(addrs[0]["id"], addrs[1]["id"]);
    assert_eq!(addrs[0]["text"], "ул. Ленина, 1, офис 5");
    assert_eq!(addrs[0]["label"], "office");
    assert_eq!(addrs[0]["contact_name"], "Анна");
    assert_eq!(addrs[0]["contact_phone"], "+79031112233");
    assert_eq!(addrs[0]["lat"], 55.75);
    assert_eq!(c["bottles_held"], 0);
    // The card reads back the same.
    let card = app
        .get(&format!("/api/clients/{}", id_of(&c)), &op)
        .await
        .expect(200);
    for field in [
        "id",
        "kind",
        "name",
        "phones",
        "addresses",
        "inn",
        "note",
        "bottles_held",
    ] {
        assert_eq!(card[field], c[field], "{field}");
    }
    assert_eq!(card["active_orders"], json!([]));
    assert_eq!(card["recent_orders"], json!([]));
}

#[tokio::test]
async fn lookup_finds_a_client_by_any_spelling_of_the_number() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (id, _) = app
        .client("Иван Петров", "individual", "+7 912 345-67-89")
        .await;
    for spelling in [
        "8 (912) 345-67-89",
        "+7 912 3456789",
        "9123456789",
        "+79123456789",
        "89123456789",
        "+7(912)345-67-89",
    ] {
        let r = lookup(&app, &op, spelling).await;
        assert_eq!(r["phone"], "+79123456789", "{spelling}");
        let m = r["matches"].as_array().unwrap();
        assert_eq!(m.len(), 1, "{spelling}: {r}");
        assert_eq!(m[0]["id"], id.as_str());
        assert_eq!(m[0]["name"], "Иван Петров");
        assert!(m[0]["active_orders"].is_array() && m[0]["recent_orders"].is_array());
    }
    let none = lookup(&app, &op, "9990001122").await;
    assert_eq!(none["phone"], "+79990001122");
    assert_eq!(none["matches"], json!([]));
    let e = app
        .get("/api/clients/lookup?phone=hello", &op)
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("phone"), "{e}");
}

#[tokio::test]
async fn several_clients_sharing_a_number_are_all_returned() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (a, _) = app.client("Иван Петров", "individual", "9123456789").await;
    let (b, _) = app.client("ООО Ромашка", "legal", "8 912 345 67 89").await;
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": "Мария Петрова", "phones": ["9035550000", "+79123456789"],
                    "addresses": [{ "text": "Садовая 3" }] }),
        )
        .await
        .expect(201);
    let (_, _) = app.client("Someone else", "individual", "9035551111").await;
    let r = lookup(&app, &op, "+7 (912) 345-67-89").await;
    assert_eq!(ids(&r["matches"]), sorted(vec![a, b, id_of(&c)]));
}

#[tokio::test]
async fn search_matches_name_phone_and_address_fragments() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let ivan = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": "Иван Петров", "phones": ["9123456789"],
                    "addresses": [{ "text": "ул. Ленина, 10" }] }),
        )
        .await
        .expect(201);
    let romashka = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "legal", "name": "ООО Ромашка", "phones": ["9037778899"],
                    "addresses": [{ "text": "Проспект Мира, 5" }, { "text": "Склад на Ленина" }] }),
        )
        .await
        .expect(201);
    let (ivan, romashka) = (id_of(&ivan), id_of(&romashka));
    // Name fragments, in any case.
    assert_eq!(search(&app, &op, "петров").await, vec![ivan.clone()]);
    assert_eq!(search(&app, &op, "РОМАШ").await, vec![romashka.clone()]);
    // Phone fragments, in any spelling.
    assert_eq!(search(&app, &op, "345-67").await, vec![ivan.clone()]);
    assert_eq!(search(&app, &op, "912 345").await, vec![ivan.clone()]);
    assert_eq!(
        search(&app, &op, "8 (903) 777-88-99").await,
        vec![romashka.clone()]
    );
    assert_eq!(search(&app, &op, "7778899").await, vec![romashka.clone()]);
    // A fragment typed with the trunk prefix 8, as people say numbers here.
    assert_eq!(search(&app, &op, "8 912 345").await, vec![ivan.clone()]);
    assert_eq!(search(&app, &op, "8(903)777").await, vec![romashka.clone()]);
    // Address fragments, including a second address.
    assert_eq!(search(&app, &op, "Мира").await, vec![romashka.clone()]);
    assert_eq!(
        search(&app, &op, "ленина").await,
        sorted(vec![ivan.clone(), romashka.clone()])
    );
    assert_eq!(
        search(&app, &op, "nothing like this").await,
        Vec::<String>::new()
    );
    // Search results are summaries with the usual fields.
    let r = app
        .get(&format!("/api/clients?q={}", enc("Иван")), &op)
        .await
        .expect(200);
    assert_eq!(r[0]["phones"], json!(["+79123456789"]));
    assert_eq!(r[0]["kind"], "individual");
}

#[tokio::test]
async fn search_returns_at_most_fifty_clients() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    for i in 0..55 {
        app.post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": format!("Bulk client {i}"), "phones": [format!("90300{i:05}")],
                    "addresses": [{ "text": "Bulk street" }] }),
        )
        .await
        .expect(201);
    }
    assert_eq!(search(&app, &op, "bulk client").await.len(), 50);
}

#[tokio::test]
async fn patching_phones_moves_the_lookup_to_the_new_number() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (id, _) = app.client("Иван Петров", "individual", "9123456789").await;
    let c = app
        .patch(
            &format!("/api/clients/{id}"),
            &op,
            json!({ "phones": ["8 (903) 000-11-22", "+7 916 555 44 33"] }),
        )
        .await
        .expect(200);
    assert_eq!(c["phones"], json!(["+79030001122", "+79165554433"]));
    assert_eq!(lookup(&app, &op, "9123456789").await["matches"], json!([]));
    assert_eq!(
        ids(&lookup(&app, &op, "89030001122").await["matches"]),
        vec![id.clone()]
    );
    assert_eq!(
        ids(&lookup(&app, &op, "+79165554433").await["matches"]),
        vec![id.clone()]
    );
    // Search follows the change too.
    assert_eq!(search(&app, &op, "3456789").await, Vec::<String>::new());
    assert_eq!(search(&app, &op, "0001122").await, vec![id.clone()]);
    // A bad phone in a patch is refused and changes nothing.
    let e = app
        .patch(
            &format!("/api/clients/{id}"),
            &op,
            json!({ "name": "Changed", "phones": ["9030001122", "abc"] }),
        )
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("phones[1]"), "{e}");
    let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
    assert_eq!(card["name"], "Иван Петров");
    assert_eq!(card["phones"], json!(["+79030001122", "+79165554433"]));
    app.patch(&format!("/api/clients/{id}"), &op, json!({ "phones": [] }))
        .await
        .error(422);
    assert_eq!(
        ids(&lookup(&app, &op, "9030001122").await["matches"]),
        vec![id]
    );
}

#[tokio::test]
async fn patching_other_fields_keeps_the_rest() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let c = app
        .post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": "Иван", "phones": ["9123456789"], "note": "old note",
                    "addresses": [{ "text": "Ленина 1", "label": "home" }] }),
        )
        .await
        .expect(201);
    let id = id_of(&c);
    let addr = c["addresses"][0]["id"].clone();
    let p = app
        .patch(
            &format!("/api/clients/{id}"),
            &op,
            json!({ "kind": "legal", "name": "ИП Иванов", "inn": "770123456789" }),
        )
        .await
        .expect(200);
    assert_eq!(p["kind"], "legal");
    assert_eq!(p["name"], "ИП Иванов");
    assert_eq!(p["inn"], "770123456789");
    assert_eq!(p["note"], "old note");
    assert_eq!(p["phones"], json!(["+79123456789"]));
    assert_eq!(p["addresses"][0]["id"], addr);
    // null clears an optional field.
    let p = app
        .patch(
            &format!("/api/clients/{id}"),
            &op,
            json!({ "note": null, "inn": null }),
        )
        .await
        .expect(200);
    assert!(p["note"].is_null(), "{p}");
    assert!(p["inn"].is_null(), "{p}");
    let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
    assert!(card["note"].is_null(), "{card}");
    assert!(card["inn"].is_null(), "{card}");
    assert_eq!(card["name"], "ИП Иванов");
    // A bad INN is refused.
    let e = app
        .patch(
            &format!("/api/clients/{id}"),
            &op,
            json!({ "inn": "12345" }),
        )
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("inn"), "{e}");
    app.patch("/api/clients/nosuchclient", &op, json!({ "name": "x" }))
        .await
        .error(404);
}

#[tokio::test]
async fn adding_an_address_gives_it_an_id_and_keeps_the_others() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (id, first) = app.client("Иван", "individual", "9123456789").await;
    let c = app
        .post(
            &format!("/api/clients/{id}/addresses"),
            &op,
            json!({ "text": "Дача, СНТ Берёзка, уч. 12", "label": "dacha", "contact_phone": "8 916 000 00 01" }),
        )
        .await
        .expect(201);
    let addrs = c["addresses"].as_array().unwrap();
    assert_eq!(addrs.len(), 2);
    assert_eq!(addrs[0]["id"], first.as_str());
    let second = addrs[1]["id"].as_str().expect("new address id").to_string();
    assert!(!second.is_empty() && second != first);
    assert_eq!(addrs[1]["label"], "dacha");
    assert_eq!(addrs[1]["contact_phone"], "+79160000001");
    // The new address can be ordered to, and found by search.
    let o = app
        .order(&op, json!({ "client_id": id, "address_id": second, "lines": [{ "product_id": water, "qty": 1 }],
                            "delivery_date": app.today() }))
        .await;
    assert_eq!(o["address"]["id"], second.as_str());
    assert_eq!(o["address"]["text"], "Дача, СНТ Берёзка, уч. 12");
    assert_eq!(search(&app, &op, "берёзка").await, vec![id.clone()]);
    // Bad addresses are refused and add nothing.
    let e = app
        .post(
            &format!("/api/clients/{id}/addresses"),
            &op,
            json!({ "text": "   " }),
        )
        .await
        .error(422);
    assert!(e["message"].as_str().unwrap().contains("text"), "{e}");
    app.post(
        &format!("/api/clients/{id}/addresses"),
        &op,
        json!({ "text": "x", "contact_phone": "12" }),
    )
    .await
    .error(422);
    app.post(
        &format!("/api/clients/{id}/addresses"),
        &op,
        json!({ "text": "x", "lat": 123.0 }),
    )
    .await
    .error(422);
    app.post(
        "/api/clients/nosuchclient/addresses",
        &op,
        json!({ "text": "x" }),
    )
    .await
    .error(404);
    let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
    assert_eq!(card["addresses"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn unknown_client_is_404() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let e = app.get("/api/clients/nosuchclient", &op).await.error(404);
    assert_eq!(e["code"], "not_found");
}

async fn deliver(app: &App, token: &str, order: &str, empties: Option<i64>) -> Value {
    app.post(&format!("/api/orders/{order}/dispatch"), token, json!({}))
        .await
        .expect(200);
    let body = match empties {
        Some(e) => json!({ "empties_returned": e }),
        None => json!({}),
    };
    app.post(&format!("/api/orders/{order}/deliver"), token, body)
        .await
        .expect(200)
}

#[tokio::test]
async fn bottles_held_is_returnable_units_delivered_minus_empties_returned() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    let w19 = app.product("W19", "water", 25000, true).await;
    let w5 = app.product("W5", "water", 9000, false).await;
    let cooler = app.product("COOLER", "goods", 500000, false).await;
    let (id, addr) = app.client("Иван", "individual", "9123456789").await;
    let order = |lines: Value| json!({ "client_id": id, "address_id": addr, "lines": lines, "delivery_date": app.today(), "courier_id": courier });
    // 3 returnable bottles, 2 non-returnable, a cooler; 1 empty back: holds 2.
    let a = app
        .order(&op, order(json!([{ "product_id": w19, "qty": 3 }, { "product_id": w5, "qty": 2 }, { "product_id": cooler, "qty": 1 }])))
        .await;
    deliver(&app, &op, &id_of(&a), Some(1)).await;
    assert_eq!(
        app.get(&format!("/api/clients/{id}"), &op).await.ok()["bottles_held"],
        2
    );
    // 2 more, none back: holds 4.
    let b = app
        .order(&op, order(json!([{ "product_id": w19, "qty": 2 }])))
        .await;
    deliver(&app, &op, &id_of(&b), None).await;
    assert_eq!(
        app.get(&format!("/api/clients/{id}"), &op).await.ok()["bottles_held"],
        4
    );
    // Cancelled and failed orders change nothing.
    let c = app
        .order(&op, order(json!([{ "product_id": w19, "qty": 5 }])))
        .await;
    app.post(
        &format!("/api/orders/{}/cancel", id_of(&c)),
        &op,
        json!({ "reason": "no" }),
    )
    .await
    .expect(200);
    let d = app
        .order(&op, order(json!([{ "product_id": w19, "qty": 5 }])))
        .await;
    app.post(
        &format!("/api/orders/{}/dispatch", id_of(&d)),
        &op,
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/orders/{}/fail", id_of(&d)),
        &op,
        json!({ "reason": "nobody home" }),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&format!("/api/clients/{id}"), &op).await.ok()["bottles_held"],
        4
    );
    // 1 bottle delivered, 4 empties returned (they give all back): holds 1.
    let e = app
        .order(&op, order(json!([{ "product_id": w19, "qty": 1 }])))
        .await;
    deliver(&app, &op, &id_of(&e), Some(4)).await;
    let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
    assert_eq!(card["bottles_held"], 1);
    // A phone lookup shows the same balance.
    assert_eq!(
        lookup(&app, &op, "9123456789").await["matches"][0]["bottles_held"],
        1
    );
    // Editing the client never touches the balance.
    app.patch(
        &format!("/api/clients/{id}"),
        &op,
        json!({ "name": "Иван Иванов" }),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&format!("/api/clients/{id}"), &op).await.ok()["bottles_held"],
        1
    );
}

#[tokio::test]
async fn client_card_lists_active_and_recent_orders() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    let w19 = app.product("W19", "water", 25000, true).await;
    let (id, addr) = app.client("Иван", "individual", "9123456789").await;
    let body = json!({ "client_id": id, "address_id": addr, "lines": [{ "product_id": w19, "qty": 1 }],
                       "delivery_date": app.today(), "courier_id": courier });
    let open = id_of(&app.order(&op, body.clone()).await);
    let dispatched = id_of(&app.order(&op, body.clone()).await);
    app.post(
        &format!("/api/orders/{dispatched}/dispatch"),
        &op,
        json!({}),
    )
    .await
    .expect(200);
    let delivered = id_of(&app.order(&op, body.clone()).await);
    deliver(&app, &op, &delivered, None).await;
    let cancelled = id_of(&app.order(&op, body).await);
    app.post(
        &format!("/api/orders/{cancelled}/cancel"),
        &op,
        json!({ "reason": "no" }),
    )
    .await
    .expect(200);
    let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
    assert_eq!(ids(&card["active_orders"]), sorted(vec![open, dispatched]));
    assert_eq!(
        ids(&card["recent_orders"]),
        sorted(vec![delivered, cancelled])
    );
}

#[tokio::test]
async fn addresses_added_at_the_same_time_are_all_kept() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (id, _) = app.client("Иван", "individual", "9123456789").await;
    let path = format!("/api/clients/{id}/addresses");
    let adds = (0..5).map(|i| app.post(&path, &op, json!({ "text": format!("Address {i}") })));
    for r in futures::future::join_all(adds).await {
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
    let texts: Vec<&str> = card["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 6, "an address was lost: {texts:?}");
}

#[tokio::test]
async fn concurrent_edits_and_new_addresses_are_all_kept() {
    let app = spawn_app().await;
    let (client, _) = app.client("Иван", "individual", "+79123456789").await;
    let path = format!("/api/clients/{client}");
    let mut tasks = Vec::new();
    for i in 0..6 {
        let (app_http, base, token, path) = (
            app.http.clone(),
            app.base.clone(),
            app.admin.clone(),
            path.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (method, url, body) = if i % 2 == 0 {
                (
                    reqwest::Method::POST,
                    format!("{base}{path}/addresses"),
                    json!({ "text": format!("Office {i}") }),
                )
            } else {
                (
                    reqwest::Method::PATCH,
                    format!("{base}{path}"),
                    json!({ "note": format!("note {i}") }),
                )
            };
            app_http
                .request(method, url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("send")
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        let status = t.await.expect("task");
        assert!(status == 200 || status == 201, "status {status}");
    }
    let card = app.get(&path, &app.admin).await.ok();
    let texts: Vec<&str> = card["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    for i in [0, 2, 4] {
        assert!(
            texts.contains(&format!("Office {i}").as_str()),
            "Office {i} was lost: {texts:?}"
        );
    }
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert!(card["note"].as_str().unwrap_or("").starts_with("note "));
}

#[tokio::test]
async fn every_russian_area_code_registers_and_is_found_in_every_spelling() {
    use rodnik_tests::phones::{e164, spellings, RU_AREA_CODES};
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let mut failures = vec![];
    for (i, abc) in RU_AREA_CODES.iter().enumerate() {
        let all = spellings(abc);
        // Registered in one spelling, looked up in every one.
        let written = &all[i % all.len()];
        let r = app
            .post(
                "/api/clients",
                &op,
                json!({ "kind": "legal", "name": format!("Офис {abc}"), "phones": [written],
                        "addresses": [{ "text": format!("Офис {abc}"), "contact_phone": written }] }),
            )
            .await;
        if r.status != 201 {
            failures.push(format!("{written}: registration {} {}", r.status, r.text));
            continue;
        }
        let c = r.body;
        assert_eq!(c["phones"], json!([e164(abc)]), "{written}");
        assert_eq!(c["addresses"][0]["contact_phone"], e164(abc), "{written}");
        for spelling in &all {
            let r = app
                .get(&format!("/api/clients/lookup?phone={}", enc(spelling)), &op)
                .await;
            if r.status != 200
                || r.body["phone"] != e164(abc)
                || ids(&r.body["matches"]) != vec![id_of(&c)]
            {
                failures.push(format!("{spelling}: lookup {} {}", r.status, r.text));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn mobiles_toll_free_kazakhstan_and_neighbours_register_and_are_found() {
    use rodnik_tests::phones::OTHER_NUMBERS;
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    for (written, e164) in OTHER_NUMBERS {
        let c = app
            .post(
                "/api/clients",
                &op,
                json!({ "kind": "individual", "name": format!("Клиент {e164}"), "phones": [written],
                        "addresses": [{ "text": "Улица 1" }] }),
            )
            .await
            .expect(201);
        assert_eq!(c["phones"], json!([e164]), "{written}");
        for spelling in [*written, *e164] {
            let r = lookup(&app, &op, spelling).await;
            assert_eq!(r["phone"], *e164, "{spelling}");
            assert_eq!(ids(&r["matches"]), vec![id_of(&c)], "{spelling}: {r}");
        }
    }
}

#[tokio::test]
async fn nonsense_numbers_are_refused_with_a_message_that_says_why() {
    use rodnik_tests::phones::NONSENSE;
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    for (written, why) in NONSENSE {
        let e = app
            .post(
                "/api/clients",
                &op,
                json!({ "kind": "individual", "name": "Никто", "phones": [written],
                        "addresses": [{ "text": "Улица 1" }] }),
            )
            .await
            .error(422);
        let text = e.to_string();
        assert!(
            text.contains("phones[0]") && text.contains(why),
            "{written}: {text}"
        );
        let e = app
            .get(&format!("/api/clients/lookup?phone={}", enc(written)), &op)
            .await
            .error(422);
        assert!(e.to_string().contains(why), "{written}: {e}");
    }
    let stored = app
        .state
        .store
        .many("SELECT VALUE id FROM clients", json!(null), vec![])
        .await
        .expect("clients");
    assert_eq!(
        stored,
        Vec::<Value>::new(),
        "a refused number stored a client"
    );
}

/// What the server before schema 5 wrote, from `phonenumber` 0.3.10: the
/// number as it was typed, and the E.164 string it stored for it.
const STORED_BEFORE_THE_FIX: &[(&str, &str)] = &[
    ("8 (912) 345-67-89", "+79123456789"),
    ("+7 495 123-45-67", "+74951234567"),
    ("+7 727 258-40-00", "+77272584000"),
    ("+375 29 123-45-67", "+375291234567"),
    // An Irish mobile: its national part begins with 8, and the old parser cut it.
    ("+353 89 566 9463", "+35395669463"),
];

#[tokio::test]
async fn clients_registered_before_the_fix_are_found_by_the_same_number_after_it() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    let w19 = app.product("W19", "water", 25000, true).await;
    let mut clients = vec![];
    for (written, before) in STORED_BEFORE_THE_FIX {
        let c = app
            .post(
                "/api/clients",
                &op,
                json!({ "kind": "individual", "name": format!("Клиент {before}"), "phones": [written],
                        "addresses": [{ "text": "Улица 1", "contact_phone": written }] }),
            )
            .await
            .expect(201);
        let (id, addr) = (id_of(&c), id_of(&c["addresses"][0]));
        // A delivered order and none open: the client is a lost-client candidate
        // (`stat_lost` copies the phones).
        let o = app
            .order(&op, json!({ "client_id": id, "address_id": addr, "courier_id": courier,
                                "lines": [{ "product_id": w19, "qty": 1 }], "delivery_date": app.today() }))
            .await;
        deliver(&app, &op, &id_of(&o), Some(0)).await;
        // Set back to what the old server stored, everywhere it copied the number.
        app.state
            .store
            .run(
                &format!(
                    "UPDATE clients:{id} SET phones = [$p], addresses[0].contact_phone = $p;
                     UPDATE client_phones SET phone = $p WHERE client_id = '{id}';
                     UPDATE stat_lost SET phones = [$p] WHERE record::id(id)[1] = '{id}';"
                ),
                json!({ "p": before }),
            )
            .await
            .expect("the old form written");
        clients.push(id);
    }
    app.state
        .store
        .run("UPSERT meta:schema SET version = 4", json!(null))
        .await
        .expect("schema 4");
    let cut = lookup(&app, &op, "+353 89 566 9463").await;
    assert_eq!(
        cut["matches"],
        json!([]),
        "the cut number is not found before the upgrade"
    );

    app.state.store.migrate().await.expect("the upgrade");

    let version = app
        .state
        .store
        .one("RETURN meta:schema.version", json!(null), vec![])
        .await
        .expect("version");
    assert_eq!(version, Some(json!(rodnik::store::SCHEMA_VERSION)));
    for ((written, _), id) in STORED_BEFORE_THE_FIX.iter().zip(&clients) {
        let now = Phone::parse(written, "RU").expect("parses").to_string();
        let r = lookup(&app, &op, written).await;
        assert_eq!(ids(&r["matches"]), vec![id.clone()], "{written}: {r}");
        let card = app.get(&format!("/api/clients/{id}"), &op).await.ok();
        assert_eq!(card["phones"], json!([now]), "{written}");
        assert_eq!(card["addresses"][0]["contact_phone"], now, "{written}");
        let lost = app
            .state
            .store
            .many(
                &format!("SELECT VALUE phones FROM stat_lost WHERE record::id(id)[1] = '{id}'"),
                json!(null),
                vec![],
            )
            .await
            .expect("stat_lost");
        assert_eq!(lost, vec![json!([now])], "{written}");
        // The search text holds the new digits.
        let digits: String = now.chars().filter(char::is_ascii_digit).collect();
        assert!(search(&app, &op, &digits).await.contains(id), "{written}");
    }
}
