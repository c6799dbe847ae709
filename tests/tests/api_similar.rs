//! `GET /api/clients/similar`: the possible duplicates shown before a new
//! client is saved — the same phone in any spelling, a name with the same
//! words, an address on the same street and house — and why each matched.

use rodnik_tests::*;
use serde_json::{json, Value};

/// A client with these phones and addresses; its id.
async fn client(app: &App, kind: &str, name: &str, phones: &[&str], addresses: &[&str]) -> String {
    let addresses: Vec<Value> = addresses.iter().map(|a| json!({ "text": a })).collect();
    let c = app
        .post(
            "/api/clients",
            &app.admin,
            json!({ "kind": kind, "name": name, "phones": phones, "addresses": addresses }),
        )
        .await
        .expect(201);
    id_of(&c)
}

/// The similar clients for these query parameters: `(id, reasons)` in the order given.
async fn similar(app: &App, token: &str, params: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
    let q: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    let body = app
        .get(&format!("/api/clients/similar?{}", q.join("&")), token)
        .await
        .expect(200);
    body["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no matches list: {body}"))
        .iter()
        .map(|m| {
            let reasons = m["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .map(|r| r.as_str().expect("reason").to_string())
                .collect();
            (id_of(&m["client"]), reasons)
        })
        .collect()
}

fn ids(found: &[(String, Vec<String>)]) -> Vec<String> {
    let mut v: Vec<String> = found.iter().map(|(id, _)| id.clone()).collect();
    v.sort();
    v
}

fn reasons_of<'a>(found: &'a [(String, Vec<String>)], id: &str) -> &'a [String] {
    found
        .iter()
        .find(|(i, _)| i == id)
        .map(|(_, r)| r.as_slice())
        .unwrap_or_else(|| panic!("{id} not among {found:?}"))
}

#[tokio::test]
async fn the_same_phone_in_any_spelling_is_a_duplicate() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let petrov = client(
        &app,
        "individual",
        "Пётр Петров",
        &["+79161234567"],
        &["Ленина 1"],
    )
    .await;
    let home_and_office = client(
        &app,
        "legal",
        "Кофейня",
        &["+74950001122", "8 916 123-45-67"],
        &["Тверская 7"],
    )
    .await;
    client(
        &app,
        "individual",
        "Анна Смирнова",
        &["+79165550000"],
        &["Гагарина 3"],
    )
    .await;

    for spelling in [
        "8 (916) 123-45-67",
        "+7 916 1234567",
        "9161234567",
        "89161234567",
    ] {
        let found = similar(&app, &op, &[("phone", spelling)]).await;
        assert_eq!(
            ids(&found),
            {
                let mut v = vec![petrov.clone(), home_and_office.clone()];
                v.sort();
                v
            },
            "{spelling}"
        );
        assert!(found.iter().all(|(_, r)| r == &["phone"]), "{found:?}");
    }
    // Several numbers at once, the way the form holds them; the matching one is named.
    let body = app
        .get(
            &format!(
                "/api/clients/similar?phone={}",
                enc("8 999 000-00-00, +7 495 000-11-22")
            ),
            &op,
        )
        .await
        .expect(200);
    let matches = body["matches"].as_array().expect("matches");
    assert_eq!(matches.len(), 1, "{body}");
    assert_eq!(matches[0]["client"]["id"], home_and_office.as_str());
    assert_eq!(matches[0]["phones"], json!(["+74950001122"]));
    // A half-typed number is no error, just nothing.
    assert!(similar(&app, &op, &[("phone", "8 916 12")])
        .await
        .is_empty());
    assert!(similar(&app, &op, &[]).await.is_empty());
}

#[tokio::test]
async fn names_match_whatever_the_case_quotes_order_and_legal_form() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let romashka = client(
        &app,
        "legal",
        "ООО \"Ромашка\"",
        &["+74951110000"],
        &["Лесная 2"],
    )
    .await;
    let ivanov = client(
        &app,
        "individual",
        "Иванов Иван",
        &["+79160000001"],
        &["Садовая 4"],
    )
    .await;
    let korolev = client(
        &app,
        "individual",
        "Сергей Королёв",
        &["+79160000002"],
        &["Советская 9"],
    )
    .await;
    // Not the same: other words, or only one word in common.
    client(
        &app,
        "legal",
        "ООО «Ромашка Плюс»",
        &["+74951110001"],
        &["Лесная 20"],
    )
    .await;
    client(
        &app,
        "individual",
        "Иванова Анна",
        &["+79160000003"],
        &["Садовая 40"],
    )
    .await;

    for typed in ["ромашка ооо", "«Ромашка»", "ИП Ромашка", "  РОМАШКА  "]
    {
        let found = similar(&app, &op, &[("name", typed)]).await;
        assert_eq!(ids(&found), vec![romashka.clone()], "{typed}");
        assert_eq!(reasons_of(&found, &romashka), ["name"]);
    }
    for typed in ["иван иванов", "Иванов  Иван", "Иванов Иван Петрович"]
    {
        let found = similar(&app, &op, &[("name", typed)]).await;
        assert_eq!(ids(&found), vec![ivanov.clone()], "{typed}");
    }
    let found = similar(&app, &op, &[("name", "королев сергей")]).await;
    assert_eq!(ids(&found), vec![korolev], "ё and е are one letter here");
    for unrelated in ["Петров Иван", "Ромашкин", "Иван", "Лесная"] {
        assert!(
            similar(&app, &op, &[("name", unrelated)]).await.is_empty(),
            "{unrelated} matched"
        );
    }
}

#[tokio::test]
async fn addresses_match_on_street_and_house_but_not_another_flat() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let flat12 = client(
        &app,
        "individual",
        "Мария Сидорова",
        &["+79160000011"],
        &["Москва, ул. Ленина, д. 5, кв. 12"],
    )
    .await;
    let office = client(
        &app,
        "legal",
        "Бюро",
        &["+79160000012"],
        &["Склад, Промзона 7", "проспект Мира, д. 10, корп. 2, офис 3"],
    )
    .await;
    // Same street, other houses; same house, other flat.
    client(
        &app,
        "individual",
        "Олег Сидоров",
        &["+79160000013"],
        &["ул. Ленина, 7, кв. 12"],
    )
    .await;
    client(
        &app,
        "individual",
        "Ольга Ким",
        &["+79160000014"],
        &["ул. Ленина, 5, кв. 14"],
    )
    .await;
    client(
        &app,
        "individual",
        "Павел Ким",
        &["+79160000015"],
        &["Гагарина 5-12"],
    )
    .await;

    for typed in [
        "Ленина 5-12",
        "ул Ленина, дом 5, квартира 12",
        "Ленина 5",
        "ленина д5",
    ] {
        let found = similar(&app, &op, &[("address", typed)]).await;
        assert!(ids(&found).contains(&flat12), "{typed}: {found:?}");
        assert_eq!(reasons_of(&found, &flat12), ["address"]);
    }
    let found = similar(&app, &op, &[("address", "Ленина 5-12")]).await;
    assert_eq!(ids(&found), vec![flat12.clone()], "no other house or flat");

    let body = app
        .get(
            &format!(
                "/api/clients/similar?address={}",
                enc("пр-т Мира 10к2, оф. 3")
            ),
            &op,
        )
        .await
        .expect(200);
    assert_eq!(body["matches"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["matches"][0]["client"]["id"], office.as_str());
    let addresses = &body["matches"][0]["client"]["addresses"];
    assert_eq!(
        body["matches"][0]["address_ids"],
        json!([addresses[1]["id"]]),
        "the matching address is named"
    );
    // Several addresses in one query: any may match.
    let found = similar(
        &app,
        &op,
        &[
            ("address", "Мира 10 корпус 2"),
            ("address", "Ленина 5, кв 12"),
        ],
    )
    .await;
    assert_eq!(ids(&found), {
        let mut v = vec![flat12, office];
        v.sort();
        v
    });
    for unrelated in ["Ленина", "Ленина 9", "Тверская 5-12", "5"] {
        assert!(
            similar(&app, &op, &[("address", unrelated)])
                .await
                .is_empty(),
            "{unrelated} matched"
        );
    }
}

#[tokio::test]
async fn a_client_alike_in_several_ways_comes_first_with_every_reason() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let same = client(
        &app,
        "individual",
        "Иванов Иван",
        &["+79161112233"],
        &["ул. Садовая, 4, кв. 1"],
    )
    .await;
    let namesake = client(
        &app,
        "individual",
        "Иван Иванов",
        &["+79160000099"],
        &["Лесная 1"],
    )
    .await;
    let neighbour = client(
        &app,
        "individual",
        "Пётр Орлов",
        &["+79160000098"],
        &["Садовая 4"],
    )
    .await;
    let found = similar(
        &app,
        &op,
        &[
            ("phone", "8 916 111 22 33"),
            ("name", "иванов иван"),
            ("address", "Садовая 4-1"),
        ],
    )
    .await;
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, same);
    assert_eq!(found[0].1, ["phone", "name", "address"]);
    assert_eq!(reasons_of(&found, &namesake), ["name"]);
    assert_eq!(reasons_of(&found, &neighbour), ["address"]);
}

#[tokio::test]
async fn only_operators_and_up_may_look_for_duplicates() {
    let app = spawn_app().await;
    let (_, manager) = app.user("mila", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, courier) = app.user("kolya", "courier", None).await;
    let id = client(
        &app,
        "individual",
        "Иванов Иван",
        &["+79161112233"],
        &["Садовая 4"],
    )
    .await;
    let path = format!("/api/clients/similar?phone={}", enc("+79161112233"));
    for token in [&app.admin, &manager, &op] {
        let body = app.get(&path, token).await.expect(200);
        assert_eq!(body["matches"][0]["client"]["id"], id.as_str());
    }
    app.get(&path, &courier).await.error(403);
    let anonymous = Resp::read(app.http.get(app.url(&path))).await;
    anonymous.error(401);
}
