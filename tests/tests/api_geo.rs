//! Points of addresses (issue 21, item 1): with a geocoder set up, a new
//! address is placed in the background (DaData or Yandex, the company's
//! keys); only a house-level answer puts a point on it; a point set by hand
//! is never replaced; a changed text is placed again; an operator asks
//! again ("find on the map"); the geocoder's failures are clear errors.
//! Against fake services that answer with the recorded answers
//! (tests/fixtures/geo/) and keep the requests.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rodnik_tests::*;
use serde_json::{json, Value};

const HOUSE: &str = include_str!("../fixtures/geo/dadata_house.json");
const STREET: &str = include_str!("../fixtures/geo/dadata_street.json");
const UNKNOWN: &str = include_str!("../fixtures/geo/dadata_unknown.json");
const FORBIDDEN: &str = include_str!("../fixtures/geo/dadata_forbidden.json");
const YANDEX_HOUSE: &str = include_str!("../fixtures/geo/yandex_house.json");
const YANDEX_FORBIDDEN: &str = include_str!("../fixtures/geo/yandex_forbidden.json");

/// What the fake geocoders were asked: (Authorization or apikey, X-Secret, query).
type Asked = Arc<Mutex<Vec<(String, String, String)>>>;

fn answer(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn dadata(State(asked): State<Asked>, headers: HeaderMap, body: String) -> Response {
    let q: Vec<String> = serde_json::from_str(&body).unwrap_or_default();
    let text = q.first().cloned().unwrap_or_default();
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    asked.lock().unwrap_or_else(|p| p.into_inner()).push((
        h("authorization"),
        h("x-secret"),
        text.clone(),
    ));
    if h("x-secret") != "dadata-secret" {
        return answer(403, FORBIDDEN);
    }
    if text.contains("Сухонская, 11") {
        answer(200, HOUSE)
    } else if text.contains("Сухонская") {
        answer(200, STREET)
    } else {
        answer(200, UNKNOWN)
    }
}

async fn yandex(
    State(asked): State<Asked>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let key = q.get("apikey").cloned().unwrap_or_default();
    let text = q.get("geocode").cloned().unwrap_or_default();
    asked.lock().unwrap_or_else(|p| p.into_inner()).push((
        key.clone(),
        q.get("format").cloned().unwrap_or_default(),
        text,
    ));
    if key != "yandex-key" {
        return answer(403, YANDEX_FORBIDDEN);
    }
    answer(200, YANDEX_HOUSE)
}

/// The fake geocoders' base address and what they were asked.
async fn fake() -> (String, Asked) {
    let asked: Asked = Arc::default();
    let app = Router::new()
        .route("/api/v1/clean/address", post(dadata))
        .route("/1.x/", get(yandex))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), asked)
}

fn settings(geocoder: Value) -> Value {
    json!({ "name": "ООО «Родник»", "inn": "7701234567", "geocoder": geocoder })
}

fn dadata_settings(base: &str) -> Value {
    settings(json!({ "enabled": true, "provider": "dadata",
        "url": format!("{base}/api/v1/clean/address"),
        "key": "dadata-key", "secret": "dadata-secret", "city": "Москва" }))
}

async fn address_when(app: &App, client: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let c = app
            .get(&format!("/api/clients/{client}"), &app.admin)
            .await
            .expect(200);
        let a = c["addresses"][0].clone();
        if ok(&a) {
            return a;
        }
        assert!(
            Instant::now() < deadline,
            "the address never got {what}: {a}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn client_at(app: &App, token: &str, address: Value) -> (String, String) {
    let c = app
        .post(
            "/api/clients",
            token,
            json!({ "kind": "individual", "name": "Иван Петров", "phones": ["9161110001"],
                    "addresses": [address] }),
        )
        .await
        .expect(201);
    (
        c["id"].as_str().expect("id").to_string(),
        c["addresses"][0]["id"]
            .as_str()
            .expect("address")
            .to_string(),
    )
}

#[tokio::test]
async fn dadata_places_new_addresses_and_never_a_point_set_by_hand() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (base, asked) = fake().await;
    // Without a geocoder: nothing is asked, "find" says so.
    let (client, addr) = client_at(&app, &op, json!({ "text": "ул Сухонская, 11" })).await;
    let path = format!("/api/clients/{client}/addresses/{addr}/geocode");
    let e = app.post(&path, &op, json!({})).await.error(409);
    assert_eq!(e["code"], "geocoder_off");
    app.put("/api/settings/company", &app.admin, dadata_settings(&base))
        .await
        .expect(200);
    // A new client: placed in the background, at the house.
    let (client, _) = client_at(&app, &op, json!({ "text": "ул Сухонская, 11" })).await;
    let a = address_when(&app, &client, "a point", |a| a["lat"].is_number()).await;
    assert_eq!(
        (a["lat"].as_f64(), a["lon"].as_f64()),
        (Some(55.8782557), Some(37.65372))
    );
    assert_eq!(a["geo"]["source"], "geocoder");
    assert_eq!(a["geo"]["quality"], "house");
    assert_eq!(a["geo"]["found"], "г Москва, ул Сухонская, д 11");
    {
        let asked = asked.lock().unwrap_or_else(|p| p.into_inner());
        let last = asked.last().expect("asked");
        assert_eq!(last.0, "Token dadata-key");
        assert_eq!(last.1, "dadata-secret");
        // The company's city before an address that does not name it.
        assert_eq!(last.2, "Москва, ул Сухонская, 11");
    }
    // Only the street is known: no point, and "find" returns it for the map.
    let (client, addr) = client_at(&app, &op, json!({ "text": "ул Сухонская, 999" })).await;
    let path = format!("/api/clients/{client}/addresses/{addr}/geocode");
    let g = app.post(&path, &op, json!({})).await.expect(200);
    assert_eq!(g["quality"], "street");
    assert_eq!(g["saved"], false);
    assert_eq!(g["lat"].as_f64(), Some(55.8787307));
    let card = app
        .get(&format!("/api/clients/{client}"), &op)
        .await
        .expect(200);
    assert!(card["addresses"][0]["lat"].is_null(), "{card}");
    // Not found at all: 409 not_located.
    let (client, addr) = client_at(&app, &op, json!({ "text": "абракадабра" })).await;
    let e = app
        .post(
            &format!("/api/clients/{client}/addresses/{addr}/geocode"),
            &op,
            json!({}),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "not_located");
    // A point set by hand stays: "find" reports, and does not move it.
    let (client, addr) = client_at(
        &app,
        &op,
        json!({ "text": "ул Сухонская, 11", "lat": 55.878, "lon": 37.654 }),
    )
    .await;
    let g = app
        .post(
            &format!("/api/clients/{client}/addresses/{addr}/geocode"),
            &op,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        (g["quality"].as_str(), g["saved"].as_bool()),
        (Some("house"), Some(false))
    );
    let card = app
        .get(&format!("/api/clients/{client}"), &op)
        .await
        .expect(200);
    let a = &card["addresses"][0];
    assert_eq!(
        (a["lat"].as_f64(), a["geo"]["source"].as_str()),
        (Some(55.878), Some("manual"))
    );
    // A wrong secret: 502 with the service's word, nothing saved.
    let mut wrong = dadata_settings(&base);
    wrong["geocoder"]["secret"] = json!("another");
    app.put("/api/settings/company", &app.admin, wrong)
        .await
        .expect(200);
    let (client, addr) = client_at(&app, &op, json!({ "text": "ул Сухонская, 12" })).await;
    let e = app
        .post(
            &format!("/api/clients/{client}/addresses/{addr}/geocode"),
            &op,
            json!({}),
        )
        .await
        .error(502);
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("403") && m.contains("X-Secret")),
        "{e}"
    );
    // Couriers do not ask.
    let (_, kolya) = app.user("kolya", "courier", None).await;
    app.post(
        &format!("/api/clients/{client}/addresses/{addr}/geocode"),
        &kolya,
        json!({}),
    )
    .await
    .error(403);
}

#[tokio::test]
async fn a_changed_text_is_placed_again_and_yandex_works_too() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (base, asked) = fake().await;
    app.put(
        "/api/settings/company",
        &app.admin,
        settings(
            json!({ "enabled": true, "provider": "yandex", "url": format!("{base}/1.x/"),
                         "key": "yandex-key", "city": "Москва" }),
        ),
    )
    .await
    .expect(200);
    let (client, addr) = client_at(&app, &op, json!({ "text": "улица Новый Арбат, 24" })).await;
    let a = address_when(&app, &client, "a point", |a| a["lat"].is_number()).await;
    // Yandex gives "longitude latitude".
    assert_eq!(
        (a["lat"].as_f64(), a["lon"].as_f64()),
        (Some(55.753083), Some(37.587614))
    );
    assert_eq!(a["geo"]["quality"], "house");
    {
        let asked = asked.lock().unwrap_or_else(|p| p.into_inner());
        let last = asked.last().expect("asked");
        assert_eq!((last.0.as_str(), last.1.as_str()), ("yandex-key", "json"));
        assert_eq!(last.2, "Москва, улица Новый Арбат, 24");
    }
    // The operator changes the text, the form sends the old point back: the
    // geocoder's point of the old text is dropped and the new text placed.
    let before = asked.lock().unwrap_or_else(|p| p.into_inner()).len();
    app.put(
        &format!("/api/clients/{client}/addresses/{addr}"),
        &op,
        json!({ "text": "улица Новый Арбат, 24, кв 5", "lat": a["lat"], "lon": a["lon"] }),
    )
    .await
    .expect(200);
    address_when(&app, &client, "a new point", |a| {
        a["lat"].is_number() && a["text"] == "улица Новый Арбат, 24, кв 5"
    })
    .await;
    assert_eq!(
        asked.lock().unwrap_or_else(|p| p.into_inner()).len(),
        before + 1
    );
    // The keys are write-only and kept when left out.
    let s = app
        .put(
            "/api/settings/company",
            &app.admin,
            settings(json!({ "enabled": true, "provider": "yandex", "url": format!("{base}/1.x/"), "city": "Москва" })),
        )
        .await
        .expect(200);
    assert_eq!(s["geocoder"]["key_set"], true);
    assert!(s["geocoder"].get("key").is_none());
    assert!(!s.to_string().contains("yandex-key"));
    // DaData needs its secret; a key with a space is refused.
    let e = app
        .put(
            "/api/settings/company",
            &app.admin,
            settings(json!({ "enabled": true, "provider": "dadata", "key": "k" })),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "geocoder.secret");
    let e = app
        .put(
            "/api/settings/company",
            &app.admin,
            settings(json!({ "enabled": true, "provider": "yandex", "key": "a b" })),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "geocoder.key");
}
