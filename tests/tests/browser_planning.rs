//! Route planning (issue 21) in real headless Chromium, in Russian, against
//! the real server. A manager sets the planning settings in
//! Administration → Маршруты (a capacity of 0 refused at its field, a depot
//! put on the map and typed exactly, 20 minutes a stop), checked through the
//! API. Tomorrow three stops west of the depot and three east, all wanted
//! 09:00-11:00, alternate between two couriers (both cross town), and one
//! stop has no point. On the board every
//! located stop shows the API's expected arrival with its flag; one stop is
//! pinned to its courier (the pin mark, `pinned` in the API). "Оптимизировать
//! день": both couriers chosen by default, 5 s; the progress bar runs, then
//! the preview (the totals as the API's plan has them, the moved stops
//! marked, the stop without a point listed, a map with one line per
//! courier); "Принять" applies it and the couriers' routes through the API
//! are the plan's. In the order form the windows of the coming days are
//! offered with the API's best preselected (date, window, courier); the
//! order saved takes that window and courier.
//! Screenshots: planning-settings.png, planning-board-etas.png,
//! planning-progress.png, planning-preview.png, planning-accepted.png,
//! planning-slots.png.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::Duration;

use fantoccini::Client;
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

/// The depot and two groups of addresses ~9 km west and east of it.
const DEPOT: (f64, f64) = (55.7500, 37.6000);
const WEST: [(f64, f64); 3] = [(55.7550, 37.4500), (55.7450, 37.4520), (55.7600, 37.4600)];
const EAST: [(f64, f64); 3] = [(55.7550, 37.7500), (55.7450, 37.7520), (55.7600, 37.7600)];

/// A client with one address at `point` (none: no point): (client, address).
async fn client_at(
    app: &App,
    name: &str,
    phone: &str,
    point: Option<(f64, f64)>,
) -> (String, String) {
    let mut address = json!({ "text": format!("Москва, {name}, д. 1"), "floor": "3" });
    if let Some((lat, lon)) = point {
        address["lat"] = json!(lat);
        address["lon"] = json!(lon);
    }
    let c = app
        .post(
            "/api/clients",
            &app.admin,
            json!({ "kind": "individual", "name": name, "phones": [phone], "addresses": [address] }),
        )
        .await
        .expect(201);
    (
        id_of(&c),
        c["addresses"][0]["id"]
            .as_str()
            .expect("address")
            .to_string(),
    )
}

/// A dispatched stop of 2 bottles on `courier`'s route of `date`; its id.
async fn stop(
    app: &App,
    op: &str,
    water: &str,
    (client, address): &(String, String),
    date: &str,
    courier: &str,
) -> String {
    let o = app
        .order(
            op,
            json!({ "client_id": client, "address_id": address,
                    "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": date,
                    "window": { "from": "09:00", "to": "11:00" }, "courier_id": courier }),
        )
        .await;
    let id = id_of(&o);
    app.post(&format!("/api/orders/{id}/dispatch"), op, json!({}))
        .await
        .expect(200);
    id
}

async fn route_ids(app: &App, token: &str, courier: &str, date: &str) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/route?courier_id={courier}&date={date}"),
            token,
        )
        .await
        .expect(200);
    r["stops"]
        .as_array()
        .expect("stops")
        .iter()
        .map(id_of)
        .collect()
}

fn plan_ids(route: &Value) -> Vec<String> {
    route["stops"]
        .as_array()
        .expect("stops")
        .iter()
        .map(|s| s["order_id"].as_str().expect("id").to_string())
        .collect()
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    wait_for(c, css)
        .await
        .attr(name)
        .await
        .expect("attribute")
        .unwrap_or_default()
}

#[tokio::test]
async fn a_manager_plans_the_day_from_the_board_and_the_order_form_offers_windows() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, manager) = app.user("marina", "manager", None).await;
    let (a, _) = app.user("kolya", "courier", None).await;
    let (b, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let date = app.day(1);

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "marina").await;

    // --- Administration → Маршруты ---
    c.goto(&app.url("/admin#planning")).await.expect("admin");
    wait_until(&c, "#admin", Some("data-tab"), |t| t == "planning").await;
    wait_for(&c, "#planning-settings[data-loaded='true']").await;
    assert_eq!(text_of(&c, "#tab-planning").await, "Маршруты");
    wait_for(
        &c,
        &format!("#planning-couriers tr.courier-row[data-courier-id='{a}']"),
    )
    .await;
    // A capacity of 0 stays in the browser, at its field, in Russian.
    retype(&c, "#planning-capacity", "0").await;
    click(&c, "#planning-save").await;
    wait_until(
        &c,
        "#planning-settings .field-error[data-field='capacity']",
        None,
        |t| t == "От 1 до 1000 бутылей.",
    )
    .await;
    retype(&c, "#planning-capacity", "120").await;
    // A depot: put on the map (it opens on Moscow), then typed exactly.
    click(&c, "#depot-add").await;
    retype(&c, "#depot-name-0", "Склад на Складочной").await;
    click(&c, "#planning-depots .depot-map").await;
    wait_for(&c, "#depot-map").await;
    click(&c, "#depot-map").await;
    wait_for(&c, "#depot-marker").await;
    let lat: f64 = js(&c, "return document.querySelector('#depot-lat-0').value")
        .await
        .as_str()
        .expect("lat")
        .parse()
        .expect("a latitude");
    assert!((lat - 55.7558).abs() < 0.01, "the map's click put {lat}");
    retype(&c, "#depot-lat-0", "55,75").await;
    retype(&c, "#depot-lon-0", "37.6").await;
    // Twenty minutes a stop: one courier cannot serve the whole town by 11:00.
    retype(&c, "#planning-stop-seconds", "1200").await;
    retype(&c, "#planning-bottle-seconds", "0").await;
    retype(&c, "#planning-floor-seconds", "0").await;
    click(&c, "#planning-save").await;
    wait_until(&c, "#planning-saved", None, |t| t == "Сохранено").await;
    js(
        &c,
        "document.querySelector('#planning-settings').scrollTop = 0; return true",
    )
    .await;
    screenshot(&c, "planning-settings.png").await;
    let s = app
        .get("/api/planning/settings", &manager)
        .await
        .expect(200);
    assert_eq!(s["depots"].as_array().expect("depots").len(), 1, "{s}");
    assert_eq!(s["depots"][0]["name"], "Склад на Складочной");
    assert_eq!(s["depots"][0]["lat"], json!(DEPOT.0));
    assert_eq!(s["depots"][0]["lon"], json!(DEPOT.1));
    assert_eq!(s["service"]["stop_seconds"], 1200);
    assert_eq!(s["capacity"], 120);
    assert_eq!(s["couriers"], json!([]), "no courier overrides were typed");

    // --- Tomorrow: interleaved routes across town, one stop without a point ---
    let mut stops = vec![];
    let mut wests = vec![];
    for i in 0..3 {
        let west = client_at(
            &app,
            &format!("Запад {i}"),
            &format!("+7916100000{i}"),
            Some(WEST[i]),
        )
        .await;
        wests.push(west.clone());
        let east = client_at(
            &app,
            &format!("Восток {i}"),
            &format!("+7916200000{i}"),
            Some(EAST[i]),
        )
        .await;
        let courier = if i % 2 == 0 { &a } else { &b };
        stops.push(stop(&app, &manager, &water, &west, &date, courier).await);
        stops.push(stop(&app, &manager, &water, &east, &date, courier).await);
    }
    let nowhere = client_at(&app, "Без точки", "+79163000000", None).await;
    let unplaced = stop(&app, &manager, &water, &nowhere, &date, &b).await;

    // --- The board: expected arrivals, a pinned stop ---
    click(&c, "#nav-board").await;
    wait_for(&c, "#board").await;
    click(&c, "#board-next").await;
    wait_until(&c, "#board", Some("data-date"), |d| d == date).await;
    wait_for(&c, &format!(".stop[data-id='{}']", stops[0])).await;
    let etas = app
        .get(&format!("/api/etas?date={date}"), &manager)
        .await
        .expect(200);
    let etas = etas.as_array().expect("etas").clone();
    assert_eq!(etas.len(), 7, "{etas:?}");
    for e in &etas {
        let id = e["order_id"].as_str().expect("id");
        let card = format!(".stop[data-id='{id}']");
        let want_eta = e["eta"].as_str().unwrap_or_default().to_string();
        let want_flag = if e["late_minutes"].as_u64().unwrap_or(0) > 0 {
            "late"
        } else if e["at_risk"] == true {
            "at_risk"
        } else {
            "on_time"
        };
        wait_until(&c, &card, Some("data-eta"), |v| v == want_eta).await;
        if !want_eta.is_empty() {
            wait_until(&c, &card, Some("data-eta-flag"), |v| v == want_flag).await;
            let line = text_of(&c, &format!("{card} .card-eta")).await;
            assert!(line.starts_with(&format!("≈ {want_eta}")), "{line}");
            if want_flag == "late" {
                assert!(line.contains("опоздание"), "{line}");
            }
        }
    }
    assert_eq!(
        attr(&c, &format!(".stop[data-id='{unplaced}']"), "data-eta").await,
        ""
    );
    // Pin Kolya's first stop to him.
    click(&c, &format!(".stop[data-id='{}']", stops[0])).await;
    wait_until(&c, "#act-pin", None, |t| {
        t.contains("Закрепить за курьером")
    })
    .await;
    click(&c, "#act-pin").await;
    wait_until(
        &c,
        &format!(".stop[data-id='{}']", stops[0]),
        Some("data-pinned"),
        |p| p == "true",
    )
    .await;
    wait_for(&c, &format!(".stop[data-id='{}'] .pin", stops[0])).await;
    wait_until(&c, "#act-pin", None, |t| t.contains("Открепить")).await;
    let pinned = app
        .get(&format!("/api/orders/{}", stops[0]), &manager)
        .await
        .expect(200);
    assert_eq!(pinned["pinned"], true);
    screenshot(&c, "planning-board-etas.png").await;
    click(&c, "#act-close").await;

    // --- Оптимизировать день ---
    let before_a = route_ids(&app, &manager, &a, &date).await;
    click(&c, "#plan-open").await;
    wait_for(&c, "#plan-form").await;
    assert_eq!(text_of(&c, "#plan-open").await, "Оптимизировать день");
    for courier in [&a, &b] {
        let checked = js(
            &c,
            &format!(
                "return document.querySelector(\"#plan-couriers input[data-courier-id='{courier}']\").checked"
            ),
        )
        .await;
        assert_eq!(checked, json!(true), "the day's couriers are chosen");
    }
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#plan-reassign').checked"
        )
        .await,
        json!(true)
    );
    set_value(&c, "#plan-time-limit", "5").await;
    click(&c, "#plan-start").await;
    wait_for(&c, "#plan-progress").await;
    wait_until_within(
        &c,
        "#plan-progress",
        Some("data-percent"),
        Duration::from_secs(10),
        |p| p.parse::<u32>().unwrap_or(0) > 0,
    )
    .await;
    let shown = text_of(&c, "#plan-progress-text").await;
    assert!(shown.contains("% · ") && shown.ends_with(" с"), "{shown}");
    screenshot(&c, "planning-progress.png").await;
    wait_until_within(
        &c,
        "#plan-preview",
        Some("data-state"),
        Duration::from_secs(60),
        |s| s == "done",
    )
    .await;
    let plan_id = attr(&c, "#plan-preview", "data-plan-id").await;
    let plan = app
        .get(&format!("/api/plans/{plan_id}"), &manager)
        .await
        .expect(200);
    assert_eq!(plan["state"], "done", "{plan}");
    assert_eq!(plan["reassign"], true);
    assert_eq!(plan["time_limit_ms"], 5000);
    let km = |v: &Value| v["km"].as_f64().expect("km");
    assert!(km(&plan["after"]) < km(&plan["before"]), "{plan}");
    let ru = |v: f64| format!("{v:.1} км").replace('.', ",");
    assert_eq!(
        text_of(&c, "#plan-totals tr[data-row='km'] td.before").await,
        ru(km(&plan["before"]))
    );
    assert_eq!(
        text_of(&c, "#plan-totals tr[data-row='km'] td.after").await,
        ru(km(&plan["after"]))
    );
    assert!(text_of(&c, "#plan-totals tr[data-row='km'] td.change")
        .await
        .starts_with('−'));
    // Each route in the plan's order, with its ETAs; moved stops say from whom.
    for r in plan["routes"].as_array().expect("routes") {
        let courier = r["courier_id"].as_str().expect("courier");
        let shown = js(
            &c,
            &format!(
                "return [...document.querySelectorAll(\".plan-route[data-courier-id='{courier}'] li.plan-stop\")]\
                 .map(li => li.dataset.orderId + '@' + li.dataset.eta)"
            ),
        )
        .await;
        let want: Vec<String> = r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .map(|s| {
                format!(
                    "{}@{}",
                    s["order_id"].as_str().expect("order id"),
                    s["eta"].as_str().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(shown, json!(want), "courier {courier}");
        for s in r["stops"].as_array().expect("stops") {
            if let Some(from) = s["from_courier_id"].as_str().filter(|f| *f != courier) {
                let li = format!(
                    "li.plan-stop[data-order-id='{}']",
                    s["order_id"].as_str().expect("order id")
                );
                assert_eq!(attr(&c, &li, "data-move").await, "moved");
                assert_eq!(attr(&c, &li, "data-from").await, from);
                let note = text_of(&c, &format!("{li} .move-note")).await;
                let name = if from == a {
                    "kolya name"
                } else {
                    "petya name"
                };
                assert!(note.starts_with(&format!("от {name}")), "{note}");
            }
        }
    }
    let moved = js(
        &c,
        "return document.querySelectorAll(\"li.plan-stop[data-move='moved']\").length",
    )
    .await;
    assert!(moved.as_u64().unwrap_or(0) > 0, "some stops change courier");
    wait_for(
        &c,
        &format!("#plan-unplaced li[data-order-id='{unplaced}']"),
    )
    .await;
    // The map: one line per courier, in colours of their own.
    let lines = js(
        &c,
        "return [...document.querySelectorAll('#plan-map polyline.plan-line')]\
         .map(l => l.getAttribute('stroke') + ' ' + l.getAttribute('points').split(' ').length)",
    )
    .await;
    let lines = lines.as_array().expect("lines").clone();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_ne!(
        lines[0].as_str().expect("line").split(' ').next(),
        lines[1].as_str().expect("line").split(' ').next(),
        "distinct colours"
    );
    screenshot(&c, "planning-preview.png").await;
    assert_eq!(
        route_ids(&app, &manager, &a, &date).await,
        before_a,
        "nothing moves before it is accepted"
    );

    // --- Принять ---
    click(&c, "#plan-accept").await;
    wait_for(&c, "#plan-accepted").await;
    let accepted = app
        .get(&format!("/api/plans/{plan_id}"), &manager)
        .await
        .expect(200);
    assert_eq!(accepted["state"], "accepted");
    let applied = accepted["accepted"]["applied"].as_u64().expect("applied");
    assert!(applied > 0);
    assert_eq!(
        attr(&c, "#plan-accepted", "data-applied").await,
        applied.to_string()
    );
    assert!(text_of(&c, "#plan-accepted")
        .await
        .starts_with("Маршруты обновлены: "));
    screenshot(&c, "planning-accepted.png").await;
    for r in accepted["routes"].as_array().expect("routes") {
        let courier = r["courier_id"].as_str().expect("courier");
        assert_eq!(
            route_ids(&app, &manager, courier, &date).await,
            plan_ids(r),
            "courier {courier}'s route is the plan's"
        );
    }
    let a_route = route_ids(&app, &manager, &a, &date).await;
    assert!(
        a_route.contains(&stops[0]),
        "the pinned stop stays with Kolya"
    );
    // Each route stays on one side of town now.
    for r in accepted["routes"].as_array().expect("routes") {
        let lons: Vec<f64> = r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .filter_map(|s| s["lon"].as_f64())
            .collect();
        assert!(
            lons.iter().all(|&l| l < DEPOT.1) || lons.iter().all(|&l| l > DEPOT.1),
            "{r}"
        );
    }
    click(&c, "#plan-close").await;
    // The board shows the new order.
    let lane = format!(".lane[data-courier-id='{a}'] ol.route .stop");
    let want = json!(a_route);
    wait_js(
        &c,
        &format!(
            "return JSON.stringify([...document.querySelectorAll(\"{lane}\")].map(s => s.dataset.id)) === {:?}",
            want.to_string()
        ),
        "Kolya's lane in the plan's order",
    )
    .await;

    // --- The order form: windows of the coming days, the best preselected ---
    click(&c, "#nav-console").await;
    retype(&c, "#client-search", "Запад 1").await;
    let (client, address_id) = wests[1].clone();
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{client}']"),
    )
    .await;
    wait_for(&c, "#order-form").await;
    let qty = format!("#order-lines tr.line[data-product-id='{water}'] input.qty");
    retype(&c, &qty, "3").await;
    wait_until(&c, "#slots-box", Some("data-state"), |s| s == "ready").await;
    wait_for(&c, "#slots li.slot.best.chosen").await;
    let slots = app
        .get(
            &format!("/api/slots?client_id={client}&address_id={address_id}&qty=3&days=3"),
            &manager,
        )
        .await
        .expect(200);
    let (best_day, best) = slots["days"]
        .as_array()
        .expect("days")
        .iter()
        .find_map(|d| {
            Some((
                d["date"].as_str()?.to_string(),
                d["windows"][d["best"].as_u64()? as usize].clone(),
            ))
        })
        .expect("a best window");
    let best_window = format!(
        "{}-{}",
        best["from"].as_str().expect("from"),
        best["to"].as_str().expect("to")
    );
    let best_courier = best["courier_id"].as_str().expect("courier").to_string();
    let li = "#slots li.slot.best";
    assert_eq!(attr(&c, li, "data-date").await, best_day);
    assert_eq!(attr(&c, li, "data-window").await, best_window);
    assert_eq!(attr(&c, li, "data-courier-id").await, best_courier);
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#slots li.slot').classList.contains('best')"
        )
        .await,
        json!(true),
        "the best is listed first"
    );
    let form = js(
        &c,
        "return [document.querySelector('#order-date').value, document.querySelector('#order-window').value,\
         document.querySelector('#order-courier').value]",
    )
    .await;
    assert_eq!(
        form,
        json!([best_day, best_window, best_courier]),
        "preselected"
    );
    // Feasible windows first, then the ones that cannot be promised, with why.
    let rows = js(
        &c,
        "return [...document.querySelectorAll('#slots li.slot')].map(l => l.dataset.feasible + '|' + l.dataset.reason)",
    )
    .await;
    let rows: Vec<String> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r.as_str().expect("row").to_string())
        .collect();
    assert_eq!(rows.len(), 9, "3 days × 3 windows: {rows:?}");
    let first_bad = rows
        .iter()
        .position(|r| r.starts_with("false"))
        .unwrap_or(rows.len());
    assert!(
        rows[first_bad..]
            .iter()
            .all(|r| r.starts_with("false|") && r.len() > 6),
        "{rows:?}"
    );
    screenshot(&c, "planning-slots.png").await;
    click(&c, "#save-dispatch").await;
    wait_for(&c, "#order-saved").await;
    let saved_id = attr(&c, "#order-saved", "data-id").await;
    let saved = app
        .get(&format!("/api/orders/{saved_id}"), &manager)
        .await
        .expect(200);
    assert_eq!(saved["delivery_date"], best_day);
    assert_eq!(saved["courier_id"], best_courier.as_str());
    assert_eq!(
        format!(
            "{}-{}",
            saved["window"]["from"].as_str().unwrap_or_default(),
            saved["window"]["to"].as_str().unwrap_or_default()
        ),
        best_window
    );
    c.close().await.expect("close browser");
}
