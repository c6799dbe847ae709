//! `GET /api/clients?q=` as the operator types, over the index of terms
//! `client_terms` (backend/src/store/client_search.rs): words in any order,
//! any case, `ё` as `е`, prefixes of words, phone fragments in any spelling,
//! the INN; whole-word and name matches first; the index kept by edits and
//! written on upgrade; and the plan of every search an index read.

use rodnik_tests::*;
use serde_json::{json, Value};

/// A client with these phones and addresses (with an optional INN); its id.
async fn client(
    app: &App,
    name: &str,
    phones: &[&str],
    addresses: &[&str],
    inn: Option<&str>,
) -> String {
    let addresses: Vec<Value> = addresses.iter().map(|a| json!({ "text": a })).collect();
    let mut body = json!({ "kind": if inn.is_some() { "legal" } else { "individual" },
                           "name": name, "phones": phones, "addresses": addresses });
    if let Some(inn) = inn {
        body["inn"] = json!(inn);
    }
    id_of(&app.post("/api/clients", &app.admin, body).await.expect(201))
}

/// The ids found for `q`, in the order given.
async fn search(app: &App, q: &str) -> Vec<String> {
    app.get(&format!("/api/clients?q={}", enc(q)), &app.admin)
        .await
        .expect(200)
        .as_array()
        .unwrap_or_else(|| panic!("{q}: not a list"))
        .iter()
        .map(id_of)
        .collect()
}

struct Town {
    fedor: String,
    anna: String,
    petr: String,
    romashka: String,
}

async fn town(app: &App) -> Town {
    Town {
        fedor: client(
            app,
            "Фёдор Иванов",
            &["+7 912 345-67-89"],
            &["Москва, ул. Ленина, д. 5, кв. 12"],
            None,
        )
        .await,
        anna: client(
            app,
            "Иванова Анна",
            &["8 916 000-11-22"],
            &["Ленина 7"],
            None,
        )
        .await,
        petr: client(app, "Пётр Сидоров", &["+79031112233"], &["Лесная 5"], None).await,
        romashka: client(
            app,
            "ООО «Ромашка»",
            &["+74957654321"],
            &["проспект Мира, д. 10к2, офис 3"],
            Some("7701234567"),
        )
        .await,
    }
}

#[tokio::test]
async fn words_match_in_any_order_and_case_with_e_for_yo() {
    let app = spawn_app().await;
    let t = town(&app).await;
    assert_eq!(search(&app, "ленина 5 иванов").await, vec![t.fedor.clone()]);
    assert_eq!(search(&app, "Иванов ЛЕНИНА 5").await, vec![t.fedor.clone()]);
    assert_eq!(
        search(&app, "ул. Ленина, д. 5").await,
        vec![t.fedor.clone()]
    );
    for q in ["федор", "ФЁДОР", "фёд", "Федор Иванов"] {
        assert_eq!(search(&app, q).await, vec![t.fedor.clone()], "{q}");
    }
    assert_eq!(search(&app, "петр сид").await, vec![t.petr.clone()]);
    assert_eq!(search(&app, "ромаш").await, vec![t.romashka.clone()]);
    // A house written together with its building, typed either way.
    assert_eq!(search(&app, "мира 10к2").await, vec![t.romashka.clone()]);
    assert_eq!(search(&app, "мира 10").await, vec![t.romashka.clone()]);
    // Both whole, neither by name: by name.
    assert_eq!(
        search(&app, "ленина").await,
        vec![t.anna.clone(), t.fedor.clone()]
    );
    // Every word must be there.
    assert!(search(&app, "ленина 9").await.is_empty());
    assert!(search(&app, "иванов лесная").await.is_empty());
    assert!(search(&app, "nothing like this").await.is_empty());
}

#[tokio::test]
async fn phone_fragments_in_any_spelling_and_the_inn_find_the_client() {
    let app = spawn_app().await;
    let t = town(&app).await;
    for q in [
        "8 912 345",
        "+7 912 345",
        "8(912)345-67-89",
        "912345",
        "345-67",
        "6789",
        "79123456789",
    ] {
        assert_eq!(search(&app, q).await, vec![t.fedor.clone()], "{q}");
    }
    assert_eq!(search(&app, "8 916").await, vec![t.anna.clone()]);
    assert_eq!(search(&app, "7701234567").await, vec![t.romashka.clone()]);
    assert_eq!(search(&app, "770123").await, vec![t.romashka.clone()]);
    // A long number beside a word is a phone fragment.
    assert_eq!(search(&app, "иванов 0011").await, vec![t.anna.clone()]);
    assert!(search(&app, "8 999 111").await.is_empty());
}

#[tokio::test]
async fn an_address_contact_phone_finds_its_client() {
    let app = spawn_app().await;
    let id = id_of(
        &app.post(
            "/api/clients",
            &app.admin,
            json!({ "kind": "legal", "name": "Бюро", "phones": ["+74950000001"],
                    "addresses": [{ "text": "Тверская 1", "contact_phone": "+7 926 555-44-33" }] }),
        )
        .await
        .expect(201),
    );
    assert_eq!(search(&app, "8 926 555").await, vec![id]);
}

#[tokio::test]
async fn whole_words_and_names_come_first_and_the_limit_holds() {
    let app = spawn_app().await;
    let on_street = client(
        &app,
        "Пётр Орлов",
        &["+79160000001"],
        &["Ивановская 3"],
        None,
    )
    .await;
    let prefix = client(
        &app,
        "Ивановский Олег",
        &["+79160000002"],
        &["Лесная 1"],
        None,
    )
    .await;
    let whole = client(&app, "Иванов Олег", &["+79160000003"], &["Лесная 2"], None).await;
    let found = search(&app, "иванов").await;
    assert_eq!(found[0], whole, "the whole word first: {found:?}");
    assert_eq!(found[1], prefix, "then names before addresses: {found:?}");
    assert_eq!(found[2], on_street, "{found:?}");

    for i in 0..55 {
        client(
            &app,
            &format!("Клиент {i}"),
            &[&format!("+7903000{i:04}")],
            &["Садовая 1"],
            None,
        )
        .await;
    }
    assert_eq!(search(&app, "клиент").await.len(), 50);
    assert_eq!(search(&app, "садовая 1").await.len(), 50);
}

#[tokio::test]
async fn edits_move_the_client_in_the_index() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let card = app
        .get(&format!("/api/clients/{}", t.petr), &app.admin)
        .await
        .expect(200);
    app.patch(
        &format!("/api/clients/{}", t.petr),
        &app.admin,
        json!({ "version": card["version"], "name": "Пётр Кузнецов", "phones": ["+79037778899"],
                "addresses": [{ "text": "Садовая 40" }] }),
    )
    .await
    .expect(200);
    assert!(search(&app, "сидоров").await.is_empty());
    assert!(search(&app, "лесная").await.is_empty());
    assert!(search(&app, "1112233").await.is_empty());
    assert_eq!(
        search(&app, "кузнецов садовая 40").await,
        vec![t.petr.clone()]
    );
    assert_eq!(search(&app, "777 88 99").await, vec![t.petr.clone()]);
}

#[tokio::test]
async fn every_search_reads_the_index_not_the_table() {
    let app = spawn_app().await;
    town(&app).await;
    for q in [
        "иванов",
        "ленина 5 иванов",
        "ив",
        "8 912 345",
        "+7 912",
        "6789",
        "7701234567",
        "иванов 0011",
    ] {
        let plans = app
            .state
            .store
            .client_search_plans(q)
            .await
            .expect("explain");
        assert!(!plans.is_empty(), "{q}: no statement");
        for plan in plans {
            let text = plan.to_string();
            // As EXPLAIN shows it in SurrealDB 3.3: ProjectValue > Limit >
            // RecordIdScan {record_id: client_terms:[$p0]..[$e0]}: one key
            // range; a scan of a table would be a TableScan or DynamicScan.
            assert!(
                text.contains("\"RecordIdScan\"")
                    && text.contains("client_terms:[$p0]..[$e0]")
                    && !text.contains("TableScan")
                    && !text.contains("DynamicScan"),
                "{q}: not an index read: {text}"
            );
        }
    }
}

#[tokio::test]
async fn a_database_from_before_the_index_is_searched_after_the_upgrade() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let store = &app.state.store;
    // Schema 8: the search text was the plain lowercase text, without the index.
    store
        .run(
            "UPDATE clients SET search = string::lowercase(name);
             DELETE client_terms;
             DELETE meta:client_terms;
             DELETE meta:client_terms_3;
             UPSERT meta:schema SET version = 8;",
            json!(null),
        )
        .await
        .expect("set back to schema 8");
    store.migrate().await.expect("the upgrade");
    assert_eq!(search(&app, "ленина 5 иванов").await, vec![t.fedor.clone()]);
    assert_eq!(search(&app, "8 912 345").await, vec![t.fedor.clone()]);
    store.migrate().await.expect("again");
    assert_eq!(search(&app, "ромаш мира").await, vec![t.romashka.clone()]);
    // Terms already right but no index keys (a build that indexed them
    // otherwise): the keys are written, not only changed terms.
    store
        .run(
            "DELETE client_terms; DELETE meta:client_terms;",
            json!(null),
        )
        .await
        .expect("drop the keys");
    assert!(search(&app, "ромаш мира").await.is_empty());
    store.migrate().await.expect("the upgrade");
    assert_eq!(search(&app, "ромаш мира").await, vec![t.romashka.clone()]);
    // Terms from before the street and house and the name pairs (version
    // 1): written again with them.
    store
        .run(
            "UPDATE clients SET search = array::join(array::filter(
                 string::split(search, ' '),
                 |$t| !string::contains($t, '~') AND !string::starts_with($t, '+')), ' ');
             DELETE meta:client_terms_3;",
            json!(null),
        )
        .await
        .expect("terms without pairs");
    // The clients holding a pair term: the street and whole house of
    // "проспект Мира, д. 10к2", a name's two words.
    let pair_keys = |term: &'static str| async move {
        store
            .many(
                "SELECT VALUE record::id(id)[1] FROM client_terms:[$t]..[$e]",
                json!({ "t": term, "e": format!("{term}~") }),
                vec![],
            )
            .await
            .expect("the pair's keys")
    };
    for term in ["мира~10$", "мира~10к2$", "+иванов+федор$"] {
        let pairs: Vec<Value> = pair_keys(term).await;
        assert!(pairs.is_empty(), "{term}: {pairs:?}");
    }
    store.migrate().await.expect("the upgrade");
    assert_eq!(pair_keys("мира~10$").await, vec![json!(t.romashka)]);
    assert_eq!(pair_keys("мира~10к2$").await, vec![json!(t.romashka)]);
    assert_eq!(pair_keys("+иванов+федор$").await, vec![json!(t.fedor)]);
    assert_eq!(search(&app, "Иванов Фёд").await, vec![t.fedor.clone()]);
}

/// More clients share a word than one key range is read for (2,000): the
/// words with fewer clients pick the candidates, and the common word is
/// checked on each of them, so nothing is missed and nothing extra is found.
#[tokio::test]
async fn a_word_shared_by_thousands_is_checked_on_the_candidates() {
    let app = spawn_app().await;
    let rows: Vec<rodnik::store::bulk::NewClientRow> = (0..2_100)
        .map(|i| {
            let client = serde_json::from_value(json!({
                "id": format!("bulk{i:05}"), "kind": "individual", "name": format!("Клиент {i}"),
                "phones": [format!("+7905{i:07}")],
                "addresses": [{ "id": format!("a{i}"), "text": format!("Садовая {}", i % 40 + 1),
                                "label": null, "contact_name": null, "contact_phone": null,
                                "lat": null, "lon": null }],
                "inn": null, "note": null, "bottles_held": 0,
            }))
            .expect("client");
            rodnik::store::bulk::NewClientRow {
                client,
                prices: Default::default(),
                created_at: "2026-01-01T00:00:00Z".into(),
            }
        })
        .collect();
    for batch in rows.chunks(500) {
        app.state
            .store
            .insert_clients_bulk(batch)
            .await
            .expect("bulk insert");
    }
    let special = client(
        &app,
        "Клиент Особый",
        &["+79161234567"],
        &["Лесная 3"],
        None,
    )
    .await;
    let other = client(&app, "Особов Иван", &["+79161234568"], &["Садовая 7"], None).await;
    assert_eq!(search(&app, "клиент особ").await, vec![special.clone()]);
    assert_eq!(search(&app, "особ садовая").await, vec![other.clone()]);
    assert_eq!(search(&app, "клиент лесная").await, vec![special.clone()]);
    // A street and a house, each shared by many: the clients at that house
    // (one pair range), not "Клиент 7" who lives at Садовая 8.
    let found = app
        .get(&format!("/api/clients?q={}", enc("Садовая 7")), &app.admin)
        .await
        .expect(200);
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), 50, "54 live at Садовая 7");
    for c in found {
        assert_eq!(c["addresses"][0]["text"], "Садовая 7", "{c}");
    }
    // A building typed, glued or not: the client in that building alone.
    let building = client(
        &app,
        "Особая Ирина",
        &["+79161234569"],
        &["ул. Садовая, д. 7, корп. 1"],
        None,
    )
    .await;
    for typed in ["Садовая 7к1", "садовая 7 к1", "Садовая д 7 корп 1"] {
        assert_eq!(search(&app, typed).await, vec![building.clone()], "{typed}");
    }
    // Two words of a name, the second cut short: one pair range, either order.
    for typed in ["Особов Ив", "иван особов", "Особая Ир"] {
        let found = search(&app, typed).await;
        let expected = if typed.contains("Ир") {
            &building
        } else {
            &other
        };
        assert_eq!(&found, &vec![expected.clone()], "{typed}");
    }
    // Nobody at that house: every word on its own ("Клиент 41", Садовая 2).
    let found = search(&app, "Садовая 41").await;
    assert!(found.contains(&"bulk00041".to_string()), "{found:?}");
    // "клиент 2099": a phone fragment, whose range is whole.
    let found = search(&app, "клиент 2099").await;
    assert_eq!(found, vec!["bulk02099".to_string()], "{found:?}");
    // Two common words: a full page, every one holding both.
    let found = app
        .get(
            &format!("/api/clients?q={}", enc("клиент садовая")),
            &app.admin,
        )
        .await
        .expect(200);
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), 50);
    for c in found {
        assert!(
            c["name"].as_str().is_some_and(|n| n.starts_with("Клиент"))
                && c["addresses"][0]["text"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("Садовая")),
            "{c}"
        );
    }
}
