//! Address points on the map (issue 21, item 1) in real headless Chromium,
//! in Russian. An operator opens a client whose address has no point: the
//! card flags it ("нет точки на карте"), the other address (with a point)
//! is not flagged. "На карте" opens the picker; no tile loads here (no
//! network), and the grid still works: a click puts the point where the
//! map's centre is, the east arrow moves the map, "Найти" says no geocoder
//! is set up, a latitude out of range is refused at its field, typed
//! coordinates are saved: the API then has the point, set by hand, and the
//! flag is gone. Screenshots: geo-map.png, geo-saved.png.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use rodnik_tests::browser::*;
use serde_json::{json, Value};

fn address<'a>(card: &'a Value, id: &str) -> &'a Value {
    card["addresses"]
        .as_array()
        .expect("addresses")
        .iter()
        .find(|a| a["id"] == id)
        .expect("the address")
}

/// The point the picker shows in `#map-coords`: "55.755800, 37.617300".
async fn shown_point(c: &fantoccini::Client) -> (f64, f64) {
    let text = text_of(c, "#map-coords").await;
    let (lat, lon) = text
        .split_once(", ")
        .unwrap_or_else(|| panic!("a point: {text:?}"));
    (
        lat.trim().parse().expect("latitude"),
        lon.trim().parse().expect("longitude"),
    )
}

#[tokio::test]
async fn an_operator_puts_an_address_without_a_point_on_the_map() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let created = app
        .post(
            "/api/clients",
            &app.admin,
            json!({ "kind": "individual", "name": "Анна Безточкина", "phones": ["+79161230001"],
                    "addresses": [{ "text": "Москва, ул. Тверская, д. 7" },
                                  { "text": "Москва, ул. Арбат, д. 10" }] }),
        )
        .await
        .expect(201);
    let client = created["id"].as_str().expect("id").to_string();
    let bare = created["addresses"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let placed = created["addresses"][1]["id"]
        .as_str()
        .expect("id")
        .to_string();
    // The second address gets a point through the API, as the map would.
    let card = app
        .put(
            &format!("/api/clients/{client}/addresses/{placed}"),
            &op,
            json!({ "version": created["version"], "text": "Москва, ул. Арбат, д. 10",
                    "lat": 55.7503, "lon": 37.5927 }),
        )
        .await
        .expect(200);
    assert_eq!(address(&card, &placed)["geo"]["source"], "manual");
    assert!(address(&card, &bare)["lat"].is_null());

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "olga").await;
    retype(&c, "#client-search", "Безточкина").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{client}']"),
    )
    .await;
    let bare_row = format!("#client-card li.address[data-id='{bare}']");
    let placed_row = format!("#client-card li.address[data-id='{placed}']");
    wait_until(&c, &format!("{bare_row} .no-point"), None, |t| {
        t == "нет точки на карте"
    })
    .await;
    wait_for(&c, &format!("{placed_row} .map-address")).await;
    assert_eq!(
        js(
            &c,
            &format!("return document.querySelector(\"{placed_row} .no-point\") === null")
        )
        .await,
        json!(true),
        "an address with a point is not flagged"
    );

    // The map: tiles are asked of OpenStreetMap (none loads here), the grid works.
    click(&c, &format!("{bare_row} .map-address")).await;
    wait_for(&c, &format!("#map-picker[data-address-id='{bare}']")).await;
    assert_eq!(text_of(&c, "#map-coords").await, "Точка не задана");
    let tiles = js(
        &c,
        "return [...document.querySelectorAll('#map-view img.map-tile')].map(i => i.getAttribute('src'))",
    )
    .await;
    let tiles = tiles.as_array().expect("tiles");
    assert!((2..=9).contains(&tiles.len()), "{tiles:?}");
    assert!(
        tiles
            .iter()
            .any(|t| t == "https://tile.openstreetmap.org/10/619/320.png"),
        "Moscow's tile at zoom 10 around the default centre: {tiles:?}"
    );
    // A tile that cannot load is hidden, not shown as a broken image.
    wait_js(
        &c,
        "const t = [...document.querySelectorAll('#map-view img.map-tile[data-broken]')];\
         return t.length > 0 && t.every(i => i.naturalWidth === 0 && getComputedStyle(i).visibility === 'hidden');",
        "the tiles that failed hidden",
    )
    .await;
    // The map starts on the middle of Moscow: a click on its centre puts the point there.
    click(&c, "#map-view").await;
    wait_for(&c, "#map-marker").await;
    let (lat, lon) = shown_point(&c).await;
    assert!(
        (lat - 55.7558).abs() < 0.01 && (lon - 37.6173).abs() < 0.01,
        "{lat}, {lon}"
    );
    assert_eq!(
        js(&c, "return document.querySelector('#map-lat').value").await,
        json!(format!("{lat:.6}"))
    );
    // Zoomed in and moved east, the centre is further east, at the same latitude.
    click(&c, "#map-zoom-in").await;
    wait_until(&c, "#map-picker", Some("data-zoom"), |z| z == "11").await;
    click(&c, "#map-pan-e").await;
    click(&c, "#map-view").await;
    wait_js(
        &c,
        &format!("return parseFloat(document.querySelector('#map-lon').value) > {lon} + 0.05"),
        "a click after moving east puts the point further east",
    )
    .await;
    let (lat2, lon2) = shown_point(&c).await;
    assert!((lat2 - lat).abs() < 0.01, "{lat2} vs {lat}");
    // Half a tile at zoom 11 is 360° / 2^11 / 2 of longitude.
    let half_tile = 360.0 / 2048.0 / 2.0;
    assert!(
        (lon2 - lon - half_tile).abs() < 0.01,
        "{lon2} - {lon} vs {half_tile}"
    );

    // No geocoder is set up: "Найти" says so.
    click(&c, "#map-find").await;
    wait_until(&c, "#map-error", Some("data-code"), |k| k == "geocoder_off").await;
    assert!(text_of(&c, "#map-error")
        .await
        .contains("Геокодер не настроен"));
    screenshot(&c, "geo-map.png").await;

    // A latitude out of range stays in the browser, at its field.
    retype(&c, "#map-lat", "91").await;
    click(&c, "#map-save").await;
    wait_until(
        &c,
        "#map-picker .field-error[data-field='lat']",
        None,
        |t| t.contains("Широта"),
    )
    .await;
    let now = app
        .get(&format!("/api/clients/{client}"), &op)
        .await
        .expect(200);
    assert!(address(&now, &bare)["lat"].is_null(), "nothing saved");

    // Typed coordinates (a decimal comma too) are saved by hand.
    retype(&c, "#map-lat", "55,7601").await;
    retype(&c, "#map-lon", "37.6512").await;
    wait_until(&c, "#map-coords", None, |t| t == "55.760100, 37.651200").await;
    click(&c, "#map-save").await;
    wait_js(
        &c,
        &format!(
            "return document.querySelector('#map-picker') === null
                && document.querySelector(\"{bare_row} .no-point\") === null"
        ),
        "the picker closes and the flag is gone",
    )
    .await;
    let now = app
        .get(&format!("/api/clients/{client}"), &op)
        .await
        .expect(200);
    let saved = address(&now, &bare);
    assert_eq!(saved["lat"], json!(55.7601), "{saved}");
    assert_eq!(saved["lon"], json!(37.6512), "{saved}");
    assert_eq!(saved["geo"]["source"], "manual", "{saved}");
    assert_eq!(
        saved["text"], "Москва, ул. Тверская, д. 7",
        "the text is kept"
    );
    let other = address(&now, &placed);
    assert_eq!(other["lat"], json!(55.7503), "the other point is untouched");

    // Opened again, the map starts on the saved point.
    click(&c, &format!("{bare_row} .map-address")).await;
    wait_until(&c, "#map-picker", Some("data-zoom"), |z| z == "17").await;
    assert_eq!(text_of(&c, "#map-coords").await, "55.760100, 37.651200");
    wait_for(&c, "#map-marker").await;
    screenshot(&c, "geo-saved.png").await;
    c.close().await.expect("close browser");
}
