//! Route planning (issue 21, items 5-7) through the API: the planning
//! settings and their checks; "optimise the day" (a job with progress, a
//! preview, one compare-and-set accept that leaves a stop changed meanwhile
//! as it is, pinned stops kept, stops without a point left after); promised
//! slots by insertion into the committed routes (shift, capacity with and
//! without reloads, no point, the re-check on saving); expected arrivals.

use std::time::{Duration, Instant};

use rodnik_tests::*;
use serde_json::{json, Value};

/// The depot and two groups of addresses ~9 km west and east of it.
const DEPOT: (f64, f64) = (55.7500, 37.6000);
const WEST: [(f64, f64); 4] = [
    (55.7550, 37.4500),
    (55.7450, 37.4520),
    (55.7600, 37.4600),
    (55.7400, 37.4450),
];
const EAST: [(f64, f64); 4] = [
    (55.7550, 37.7500),
    (55.7450, 37.7520),
    (55.7600, 37.7600),
    (55.7400, 37.7450),
];

struct World {
    app: App,
    op: String,
    water: String,
    couriers: Vec<(String, String)>,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("op", "operator", None).await;
    let a = app.user("courier-a", "courier", None).await;
    let b = app.user("courier-b", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    World {
        app,
        op,
        water,
        couriers: vec![a, b],
    }
}

impl World {
    /// A client with one address at `point` (none: no point): (client, address).
    async fn client_at(&self, name: &str, point: Option<(f64, f64)>) -> (String, String) {
        let mut address = json!({ "text": format!("Москва, {name}, д. 1"), "floor": "3" });
        if let Some((lat, lon)) = point {
            address["lat"] = json!(lat);
            address["lon"] = json!(lon);
        }
        let phone = format!(
            "+7916{:07}",
            name.bytes().map(u32::from).sum::<u32>() * 97 % 10_000_000
        );
        let c = self
            .app
            .post(
                "/api/clients",
                &self.app.admin,
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

    /// A dispatched stop of `qty` bottles on `courier`'s route of `date`.
    async fn stop(
        &self,
        (client, address): &(String, String),
        qty: u32,
        date: &str,
        courier: &str,
        window: Option<(&str, &str)>,
    ) -> Value {
        let mut body = json!({ "client_id": client, "address_id": address,
            "lines": [{ "product_id": self.water, "qty": qty }],
            "delivery_date": date, "courier_id": courier });
        if let Some((f, t)) = window {
            body["window"] = json!({ "from": f, "to": t });
        }
        let o = self.app.order(&self.op, body).await;
        self.app
            .post(
                &format!("/api/orders/{}/dispatch", id_of(&o)),
                &self.op,
                json!({}),
            )
            .await
            .ok()
    }

    async fn settings(&self, change: impl FnOnce(&mut Value)) -> Value {
        let mut s = self
            .app
            .get("/api/planning/settings", &self.app.admin)
            .await
            .ok();
        change(&mut s);
        self.app
            .put("/api/planning/settings", &self.app.admin, s)
            .await
            .ok()
    }

    async fn with_depot(&self) {
        self.settings(|s| {
            s["depots"] =
                json!([{ "id": "main", "name": "Склад", "lat": DEPOT.0, "lon": DEPOT.1 }]);
        })
        .await;
    }

    /// Polls a plan until it is no longer running.
    async fn finished(&self, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen_progress = false;
        loop {
            let p = self
                .app
                .get(&format!("/api/plans/{id}"), &self.op)
                .await
                .ok();
            if p["state"] != "running" {
                let _ = seen_progress;
                return p;
            }
            seen_progress |= p["progress"]["iterations"].as_u64().unwrap_or(0) > 0;
            assert!(Instant::now() < deadline, "the plan never finished: {p}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Optimises `date` with a time limit and waits for the plan to finish.
    async fn planned(&self, date: &str, limit_ms: u64) -> Value {
        let started = self
            .app
            .post(
                "/api/plans",
                &self.op,
                json!({ "date": date, "time_limit_ms": limit_ms }),
            )
            .await
            .expect(202);
        self.finished(&id_of(&started)).await
    }

    async fn route_ids(&self, courier: &str, date: &str) -> Vec<String> {
        let r = self
            .app
            .get(
                &format!("/api/route?courier_id={courier}&date={date}"),
                &self.op,
            )
            .await
            .ok();
        r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .map(id_of)
            .collect()
    }
}

fn ids(route: &Value) -> Vec<String> {
    route["stops"]
        .as_array()
        .expect("stops")
        .iter()
        .map(|s| s["order_id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn settings_are_checked_and_kept() {
    let w = world().await;
    let s = w.app.get("/api/planning/settings", &w.op).await.ok();
    assert_eq!(s["capacity"], 120);
    assert_eq!(s["shift"]["start"], "08:00");
    assert_eq!(s["depots"], json!([]));
    let bad = |change: Value| {
        let mut s = s.clone();
        if let (Value::Object(m), Value::Object(c)) = (&mut s, change) {
            m.extend(c);
        }
        s
    };
    for (change, field) in [
        (json!({ "capacity": 0 }), "capacity"),
        (
            json!({ "shift": { "start": "10:00", "end": "09:00", "break_minutes": 0 } }),
            "shift.end",
        ),
        (
            json!({ "depots": [{ "id": "d", "name": "Склад", "lat": 91.0, "lon": 37.0 }] }),
            "depots[0].lat",
        ),
        (
            json!({ "couriers": [{ "courier_id": w.couriers[0].0, "depot_id": "nowhere" }] }),
            "couriers[0].depot_id",
        ),
        (
            json!({ "couriers": [{ "courier_id": "nobody" }] }),
            "couriers[0].courier_id",
        ),
        (json!({ "travel": { "model": "osrm" } }), "travel.osrm_url"),
        (
            json!({ "travel": { "speeds": [{ "from_hour": 0, "kmh": 30 }, { "from_hour": 0, "kmh": 20 }] } }),
            "travel.speeds[1].from_hour",
        ),
    ] {
        let e = w
            .app
            .put("/api/planning/settings", &w.app.admin, bad(change.clone()))
            .await
            .error(422);
        assert_eq!(e["field"], field, "{change}: {e}");
    }
    // An operator reads them, only a manager changes them.
    w.app
        .put("/api/planning/settings", &w.op, s.clone())
        .await
        .error(403);
    let saved = w
        .settings(|s| {
            s["capacity"] = json!(80);
            s["couriers"] =
                json!([{ "courier_id": w.couriers[1].0, "end": "18:00", "off": false }]);
        })
        .await;
    assert_eq!(saved["capacity"], 80);
    let again = w.app.get("/api/planning/settings", &w.op).await.ok();
    assert_eq!(again, saved);
}

#[tokio::test]
async fn optimising_a_day_untangles_routes_and_accepts_in_one_step() {
    let w = world().await;
    w.with_depot().await;
    // 20 minutes a stop and every stop in the morning: one courier cannot
    // serve all eight, so each takes one side of town.
    w.settings(|s| {
        s["service"] =
            json!({ "stop_seconds": 1200, "per_bottle_seconds": 0, "per_floor_seconds": 0 });
    })
    .await;
    let date = w.app.day(1);
    let (a, b) = (&w.couriers[0].0, &w.couriers[1].0);
    // Each courier has two stops in the west and two in the east,
    // interleaved: both drive across town twice.
    let mut stops = vec![];
    let morning = Some(("09:00", "11:00"));
    for i in 0..4 {
        let west = w.client_at(&format!("Запад {i}"), Some(WEST[i])).await;
        let east = w.client_at(&format!("Восток {i}"), Some(EAST[i])).await;
        let courier = if i % 2 == 0 { a } else { b };
        stops.push(w.stop(&west, 2, &date, courier, morning).await);
        stops.push(w.stop(&east, 2, &date, courier, morning).await);
    }
    // One stop is pinned to its courier: it stays with them.
    let pinned = &stops[0];
    let pinned = w
        .app
        .patch(
            &format!("/api/orders/{}", id_of(pinned)),
            &w.op,
            json!({ "pinned": true }),
        )
        .await
        .ok();
    assert_eq!(pinned["pinned"], true);
    // A stop without a point stays on its route, after the planned ones.
    let nowhere = w.client_at("Без точки", None).await;
    let unplaced = w.stop(&nowhere, 1, &date, b, None).await;

    let started = w
        .app
        .post(
            "/api/plans",
            &w.op,
            json!({ "date": date, "time_limit_ms": 1500 }),
        )
        .await
        .expect(202);
    assert_eq!(started["state"], "running");
    let mut chosen: Vec<String> = started["courier_ids"]
        .as_array()
        .expect("couriers")
        .iter()
        .map(|c| c.as_str().expect("id").to_string())
        .collect();
    chosen.sort();
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(chosen, both);
    // A second plan of the day waits for the first.
    w.app
        .post("/api/plans", &w.op, json!({ "date": date }))
        .await
        .error(409);
    let plan = w.finished(&id_of(&started)).await;
    assert_eq!(plan["state"], "done", "{plan}");
    assert_eq!(plan["progress"]["percent"], 100);
    assert!(plan["progress"]["iterations"].as_u64().unwrap_or(0) > 0);
    let (before, after) = (&plan["before"], &plan["after"]);
    let km = |v: &Value| v["km"].as_f64().expect("km");
    assert!(
        km(after) < km(before) * 0.8,
        "the plan drives less: before {before}, after {after}"
    );
    assert_eq!(after["late"], 0);
    assert_eq!(after["stops"], 8);
    assert_eq!(plan["unplaced"], json!([id_of(&unplaced)]));
    assert_eq!(plan["unassigned"], json!([]));
    // Every stop is planned exactly once; each courier's route keeps to one
    // side of town; the pinned one stays with its courier.
    let routes = plan["routes"].as_array().expect("routes");
    let mut all: Vec<String> = routes.iter().flat_map(ids).collect();
    all.sort();
    let mut expected: Vec<String> = stops.iter().map(id_of).collect();
    expected.push(id_of(&unplaced));
    expected.sort();
    assert_eq!(all, expected);
    let route_of = |c: &str| {
        routes
            .iter()
            .find(|r| r["courier_id"] == c)
            .expect("route")
            .clone()
    };
    assert!(ids(&route_of(a)).contains(&id_of(&stops[0])));
    for r in routes {
        let lons: Vec<f64> = r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .filter_map(|s| s["lon"].as_f64())
            .collect();
        assert!(
            lons.iter().all(|&l| l < 37.6) || lons.iter().all(|&l| l > 37.6),
            "a route stays on one side: {r}"
        );
        // ETAs in order, and the stop without a point last, unplanned.
        let etas: Vec<&str> = r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .filter_map(|s| s["eta"].as_str())
            .collect();
        assert!(etas.windows(2).all(|p| p[0] <= p[1]), "{etas:?}");
        assert!(etas.iter().all(|e| *e >= "08:00"), "{etas:?}");
    }
    let b_route = route_of(b);
    let last = b_route["stops"]
        .as_array()
        .expect("stops")
        .last()
        .expect("last")
        .clone();
    assert_eq!(last["order_id"], id_of(&unplaced));
    assert_eq!(last["fixed"], true);
    assert!(last.get("eta").is_none());
    // Nothing moved yet.
    assert_eq!(
        w.route_ids(a, &date).await,
        [0, 1, 4, 5]
            .iter()
            .map(|&i| id_of(&stops[i]))
            .collect::<Vec<_>>()
    );

    // Meanwhile an operator changes one planned stop: accepting leaves it.
    let changed = ids(&route_of(b))[0].clone();
    w.app
        .patch(
            &format!("/api/orders/{changed}"),
            &w.op,
            json!({ "note": "позвонить" }),
        )
        .await
        .ok();
    let accepted = w
        .app
        .post_idem(
            &format!("/api/plans/{}/accept", id_of(&plan)),
            &w.op,
            json!({}),
            "accept-1",
        )
        .await
        .ok();
    assert_eq!(accepted["state"], "accepted");
    let outcome = &accepted["accepted"];
    assert_eq!(outcome["applied"], 8);
    assert_eq!(
        outcome["skipped"],
        json!([{ "order_id": changed, "number": outcome["skipped"][0]["number"], "reason": "changed" }])
    );
    // The couriers' routes are the plan's (the changed stop kept its place).
    for c in [a, b] {
        let planned: Vec<String> = ids(&route_of(c));
        let now = w.route_ids(c, &date).await;
        let without = |v: &[String]| {
            v.iter()
                .filter(|i| **i != changed)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(without(&now), without(&planned), "courier {c}");
    }
    // The same request again gets the same answer; a new one is refused.
    let again = w
        .app
        .post_idem(
            &format!("/api/plans/{}/accept", id_of(&plan)),
            &w.op,
            json!({}),
            "accept-1",
        )
        .await
        .ok();
    assert_eq!(again["accepted"]["applied"], 8);
    w.app
        .post(
            &format!("/api/plans/{}/accept", id_of(&plan)),
            &w.op,
            json!({}),
        )
        .await
        .error(409);
    let listed = w
        .app
        .get(&format!("/api/plans?date={date}"), &w.op)
        .await
        .ok();
    assert_eq!(listed[0]["id"], plan["id"]);
    assert_eq!(listed[0]["state"], "accepted");
}

#[tokio::test]
async fn a_plan_can_be_cancelled_and_refuses_bad_requests() {
    let w = world().await;
    let date = w.app.day(1);
    let a = &w.couriers[0].0;
    for i in 0..3 {
        let c = w.client_at(&format!("Клиент {i}"), Some(WEST[i])).await;
        w.stop(&c, 1, &date, a, None).await;
    }
    for (body, field) in [
        (json!({ "date": w.app.day(-1) }), "date"),
        (
            json!({ "date": date, "time_limit_ms": 10 }),
            "time_limit_ms",
        ),
        (
            json!({ "date": date, "courier_ids": ["nobody"] }),
            "courier_ids[0]",
        ),
        (json!({ "date": date, "courier_ids": [] }), "courier_ids"),
        (json!({ "date": w.app.day(2) }), "courier_ids"),
    ] {
        let e = w
            .app
            .post("/api/plans", &w.op, body.clone())
            .await
            .error(422);
        assert_eq!(e["field"], field, "{body}: {e}");
    }
    let started = w
        .app
        .post(
            "/api/plans",
            &w.op,
            json!({ "date": date, "time_limit_ms": 30000 }),
        )
        .await
        .expect(202);
    let id = id_of(&started);
    let e = w
        .app
        .post(&format!("/api/plans/{id}/accept"), &w.op, json!({}))
        .await
        .error(409);
    assert_eq!(e["code"], "plan_not_done");
    let cancelled = w
        .app
        .post(&format!("/api/plans/{id}/cancel"), &w.op, json!({}))
        .await
        .ok();
    assert_eq!(cancelled["state"], "cancelled");
    // The search stops and the row stays cancelled.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let p = w.app.get(&format!("/api/plans/{id}"), &w.op).await.ok();
    assert_eq!(p["state"], "cancelled");
    // Another plan of the day may start at once.
    w.app
        .post(
            "/api/plans",
            &w.op,
            json!({ "date": date, "time_limit_ms": 1000 }),
        )
        .await
        .expect(202);
}

fn window<'a>(day: &'a Value, from: &str) -> &'a Value {
    day["windows"]
        .as_array()
        .expect("windows")
        .iter()
        .find(|w| w["from"] == from)
        .expect("window")
}

#[tokio::test]
async fn slots_are_insertion_checks_on_the_committed_routes() {
    let w = world().await;
    w.with_depot().await;
    let date = w.app.day(1);
    let a = &w.couriers[0].0;
    // Courier b is off: only a is offered.
    let b = w.couriers[1].0.clone();
    w.settings(|s| {
        s["couriers"] = json!([{ "courier_id": b, "off": true }]);
    })
    .await;
    let new = w.client_at("Новый", Some(EAST[0])).await;
    let slots = |qty: u32| {
        let (app, op, new, date) = (&w.app, &w.op, new.clone(), date.clone());
        async move {
            app.get(
                &format!(
                    "/api/slots?client_id={}&address_id={}&qty={qty}&from={date}&days=2",
                    new.0, new.1
                ),
                op,
            )
            .await
            .ok()
        }
    };
    // An empty day: every window, courier a, a few minutes' drive each way.
    let s = slots(2).await;
    assert_eq!(s["days"].as_array().expect("days").len(), 2);
    let day = &s["days"][0];
    assert_eq!(day["date"], date);
    for w_ in day["windows"].as_array().expect("windows") {
        assert_eq!(w_["feasible"], true, "{w_}");
        assert_eq!(w_["courier_id"], json!(a));
        let added = w_["added_minutes"].as_u64().expect("minutes");
        assert!((10..=150).contains(&added), "to the east and back: {w_}");
    }
    assert!(day["best"].is_number());

    // Courier a's shift ends at 18:00: the evening cannot be promised.
    w.settings(|s| {
        s["couriers"] =
            json!([{ "courier_id": b, "off": true }, { "courier_id": a, "end": "18:00" }]);
    })
    .await;
    let s = slots(2).await;
    let evening = window(&s["days"][0], "18:00");
    assert_eq!(evening["feasible"], false);
    assert_eq!(evening["reason"], "full");
    assert_eq!(window(&s["days"][0], "09:00")["feasible"], true);

    // A busy morning in the west with 9:00-13:00 windows leaves no room in
    // the morning for a stop in the east, but the afternoon is free.
    w.settings(|s| {
        s["couriers"] = json!([{ "courier_id": b, "off": true }]);
        s["service"] =
            json!({ "stop_seconds": 1800, "per_bottle_seconds": 0, "per_floor_seconds": 0 });
    })
    .await;
    for i in 0..4 {
        let c = w.client_at(&format!("Утро {i}"), Some(WEST[i])).await;
        w.stop(&c, 1, &date, a, Some(("09:00", "11:00"))).await;
    }
    let c = w.client_at("Утро 4", Some(WEST[0])).await;
    w.stop(&c, 1, &date, a, Some(("12:00", "13:00"))).await;
    let s = slots(1).await;
    let morning = window(&s["days"][0], "09:00");
    assert_eq!(morning["feasible"], false, "{morning}");
    assert_eq!(morning["reason"], "full");
    let afternoon = window(&s["days"][0], "13:00");
    assert_eq!(afternoon["feasible"], true, "{afternoon}");
    // The best window of the first day is a feasible one.
    let best = s["days"][0]["best"].as_u64().expect("best") as usize;
    assert_eq!(s["days"][0]["windows"][best]["feasible"], true);

    // Saving re-checks: the morning is refused with the next best named.
    let body = json!({ "client_id": new.0, "address_id": new.1,
        "lines": [{ "product_id": w.water, "qty": 1 }], "delivery_date": date,
        "courier_id": a, "window": { "from": "09:00", "to": "13:00" }, "slot_check": true });
    let e = w
        .app
        .post("/api/orders", &w.op, body.clone())
        .await
        .error(409);
    assert_eq!(e["code"], "slot_taken");
    let message = e["message"].as_str().expect("message");
    assert!(message.contains("next best"), "{message}");
    // Without the check the operator may still overbook on purpose.
    let mut without = body.clone();
    without["slot_check"] = json!(false);
    w.app.post("/api/orders", &w.op, without).await.expect(201);
    let mut afternoon = body;
    afternoon["window"] = json!({ "from": "13:00", "to": "18:00" });
    w.app
        .post("/api/orders", &w.op, afternoon)
        .await
        .expect(201);
}

#[tokio::test]
async fn capacity_is_per_trip_and_needs_a_depot_to_reload() {
    let w = world().await;
    let date = w.app.day(1);
    let a = &w.couriers[0].0;
    let b = w.couriers[1].0.clone();
    w.settings(|s| {
        s["capacity"] = json!(10);
        s["couriers"] = json!([{ "courier_id": b, "off": true }]);
    })
    .await;
    let c = w.client_at("Офис", Some(WEST[0])).await;
    w.stop(&c, 10, &date, a, None).await;
    let new = w.client_at("Ещё", Some(WEST[1])).await;
    let ask_path = format!(
        "/api/slots?client_id={}&address_id={}&qty=3&from={date}&days=1",
        new.0, new.1
    );
    let ask = || w.app.get(&ask_path, &w.op);
    // No depot: the van cannot load again; the day is full.
    let s = ask().await.ok();
    for w_ in s["days"][0]["windows"].as_array().expect("windows") {
        assert_eq!(w_["feasible"], false, "{w_}");
        assert_eq!(w_["reason"], "full");
    }
    // With a depot the van goes back for more.
    w.with_depot().await;
    let s = ask().await.ok();
    for w_ in s["days"][0]["windows"].as_array().expect("windows") {
        assert_eq!(w_["feasible"], true, "{w_}");
    }
    // An address without a point cannot be checked.
    let nowhere = w.client_at("Нигде", None).await;
    let s = w
        .app
        .get(
            &format!(
                "/api/slots?client_id={}&address_id={}&qty=1&from={date}&days=1",
                nowhere.0, nowhere.1
            ),
            &w.op,
        )
        .await
        .ok();
    for w_ in s["days"][0]["windows"].as_array().expect("windows") {
        assert_eq!(w_["reason"], "no_point");
    }
    for (q, status) in [
        (
            format!("client_id={}&address_id={}&qty=0", new.0, new.1),
            422,
        ),
        (
            format!("client_id={}&address_id={}&qty=1&days=15", new.0, new.1),
            422,
        ),
        (
            format!(
                "client_id={}&address_id={}&qty=1&from={}",
                new.0,
                new.1,
                w.app.day(-1)
            ),
            422,
        ),
        (format!("client_id=nobody&address_id={}&qty=1", new.1), 404),
        (format!("client_id={}&address_id=nowhere&qty=1", new.0), 404),
    ] {
        let r = w.app.get(&format!("/api/slots?{q}"), &w.op).await;
        assert_eq!(r.status, status, "{q}: {}", r.text);
    }
}

#[tokio::test]
async fn etas_follow_the_route_and_flag_stops_at_risk() {
    let w = world().await;
    w.with_depot().await;
    let date = w.app.day(1);
    let (a, courier_token) = (&w.couriers[0].0, &w.couriers[0].1);
    let mut stops = vec![];
    for i in 0..3 {
        let c = w.client_at(&format!("Маршрут {i}"), Some(WEST[i])).await;
        stops.push(w.stop(&c, 2, &date, a, None).await);
    }
    // The last stop wants to be served before the first two can be done.
    let c = w.client_at("Срочно", Some(EAST[0])).await;
    let urgent = w.stop(&c, 2, &date, a, Some(("08:00", "09:30"))).await;
    let etas = w
        .app
        .get(&format!("/api/etas?date={date}&courier_id={a}"), &w.op)
        .await
        .ok();
    let etas = etas.as_array().expect("etas");
    assert_eq!(etas.len(), 4);
    let times: Vec<&str> = etas
        .iter()
        .map(|e| e["eta"].as_str().expect("eta"))
        .collect();
    assert!(times.windows(2).all(|p| p[0] < p[1]), "{times:?}");
    assert!(times[0] > "08:10" && times[0] < "09:10", "{times:?}");
    assert_eq!(
        etas.iter()
            .map(|e| e["pos"].as_u64().expect("pos"))
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    let last = &etas[3];
    assert_eq!(last["order_id"], id_of(&urgent));
    assert_eq!(last["at_risk"], true);
    assert!(last["late_minutes"].as_u64().expect("late") > 0);
    assert_eq!(etas[0]["at_risk"], false);
    // Moving the urgent stop first puts it in time.
    let mut order: Vec<String> = vec![id_of(&urgent)];
    order.extend(stops.iter().map(id_of));
    w.app
        .put(
            "/api/route",
            &w.op,
            json!({ "courier_id": a, "date": date, "order_ids": order }),
        )
        .await
        .ok();
    let etas = w
        .app
        .get(&format!("/api/etas?date={date}"), courier_token)
        .await
        .ok();
    let first = &etas[0];
    assert_eq!(first["order_id"], id_of(&urgent));
    assert_eq!(first["at_risk"], false, "{first}");
    assert_eq!(first["late_minutes"], 0);
    // A courier sees only their own.
    w.app
        .get(
            &format!("/api/etas?courier_id={}", w.couriers[1].0),
            courier_token,
        )
        .await
        .error(403);
}

/// The recorded OSRM answer for three Moscow points (planner/tests/fixtures/osrm).
const OSRM_3X3: &str = include_str!("../../planner/tests/fixtures/osrm/table_3x3.json");

/// A fake osrm-routed: answers `GET /table/v1/driving/{lon,lat;...}` for
/// any order of the recorded answer's three points, with its figures
/// permuted to the order asked, and counts the requests.
async fn fake_osrm() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::extract::{Path, State};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let asked = Arc::new(AtomicUsize::new(0));
    async fn table(
        State(asked): State<Arc<AtomicUsize>>,
        Path(coords): Path<String>,
    ) -> (axum::http::StatusCode, String) {
        asked.fetch_add(1, Ordering::SeqCst);
        let recorded: Value = serde_json::from_str(OSRM_3X3).expect("fixture");
        let places: Vec<(f64, f64)> = recorded["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| {
                (
                    s["location"][0].as_f64().expect("lon"),
                    s["location"][1].as_f64().expect("lat"),
                )
            })
            .collect();
        let mut order = vec![];
        for c in coords.split(';') {
            let mut it = c.split(',').map(|x| x.parse::<f64>().unwrap_or(f64::NAN));
            let (lon, lat) = (it.next().unwrap_or(f64::NAN), it.next().unwrap_or(f64::NAN));
            match places
                .iter()
                .position(|p| (p.0 - lon).abs() < 1e-5 && (p.1 - lat).abs() < 1e-5)
            {
                Some(i) => order.push(i),
                None => {
                    return (
                        axum::http::StatusCode::BAD_REQUEST,
                        json!({ "code": "NoSegment", "message": format!("no road near {c}") })
                            .to_string(),
                    )
                }
            }
        }
        let pick = |m: &Value| {
            Value::Array(
                order
                    .iter()
                    .map(|&i| Value::Array(order.iter().map(|&j| m[i][j].clone()).collect()))
                    .collect(),
            )
        };
        let waypoints = Value::Array(
            order
                .iter()
                .map(|&i| recorded["sources"][i].clone())
                .collect(),
        );
        let answer = json!({ "code": "Ok", "durations": pick(&recorded["durations"]),
            "distances": pick(&recorded["distances"]), "sources": waypoints.clone(),
            "destinations": waypoints });
        (axum::http::StatusCode::OK, answer.to_string())
    }
    let app = axum::Router::new()
        .route("/table/v1/driving/{coords}", axum::routing::get(table))
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

#[tokio::test]
async fn a_company_osrm_server_gives_the_road_distances() {
    let w = world().await;
    let (base, asked) = fake_osrm().await;
    // The depot at Таганская, stops at Ленинский and Мясницкая (the
    // recorded answer's points), in the longer order.
    w.settings(|s| {
        s["depots"] =
            json!([{ "id": "t", "name": "Таганская", "lat": 55.741493, "lon": 37.653346 }]);
        s["travel"]["model"] = json!("osrm");
        s["travel"]["osrm_url"] = json!(base);
    })
    .await;
    let date = w.app.day(1);
    let a = &w.couriers[0].0;
    let leninsky = w.client_at("Ленинский", Some((55.729833, 37.601192))).await;
    let myasnitskaya = w.client_at("Мясницкая", Some((55.760069, 37.634527))).await;
    w.stop(&leninsky, 1, &date, a, None).await;
    w.stop(&myasnitskaya, 1, &date, a, None).await;
    let plan = w.planned(&date, 1000).await;
    assert_eq!(plan["state"], "done", "{plan}");
    assert!(asked.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    // OSRM's metres: 4,567.2 + 5,888.0 + 3,867.2 before, 3,451.8 + 5,569.7
    // + 4,802.6 after (Мясницкая first).
    assert_eq!(plan["before"]["km"], 14.3);
    assert_eq!(plan["after"]["km"], 13.8);
    assert_eq!(plan["routes"][0]["stops"][0]["client_name"], "Мясницкая");

    // The server gone: the plan fails and says why.
    w.settings(|s| {
        s["travel"]["osrm_url"] = json!("http://127.0.0.1:9");
    })
    .await;
    let failed = w.planned(&date, 1000).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(
        failed["error"].as_str().unwrap_or("").contains("OSRM"),
        "{failed}"
    );
}
