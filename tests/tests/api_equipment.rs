//! The equipment register (issue 19, item 3): serialised coolers and pumps,
//! unique serials, the office's moves (repair, back, write-off) with a
//! reason and a history row in the same transaction, compare-and-set on
//! `version`, and who may do what.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    manager: String,
    op: String,
    kolya: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, kolya) = app.user("kolya", "courier", None).await;
    World {
        app,
        manager,
        op,
        kolya,
    }
}

impl World {
    async fn register(&self, kind: &str, serial: &str) -> Resp {
        self.app
            .post(
                "/api/equipment",
                &self.manager,
                json!({ "kind": kind, "model": "Ecotronic H1-LN", "serial": serial }),
            )
            .await
    }

    async fn act(&self, id: &str, body: Value) -> Resp {
        self.app
            .post(&format!("/api/equipment/{id}/move"), &self.manager, body)
            .await
    }
}

#[tokio::test]
async fn equipment_is_registered_once_per_serial_and_moves_only_where_it_can() {
    let w = world().await;
    let cooler = w.register("cooler", " ECO 0001 ").await.expect(201);
    assert_eq!(
        (&cooler["state"], &cooler["version"], &cooler["serial"]),
        (&json!("in_stock"), &json!(1), &json!("ECO 0001"))
    );
    let id = id_of(&cooler);
    // The same serial in another spelling is the same cooler.
    let e = w.register("pump", "eco0001").await.error(409);
    assert_eq!(e["code"], "serial_taken", "{e}");
    for (body, field) in [
        (
            json!({ "kind": "cooler", "model": "X", "serial": "#1" }),
            "serial",
        ),
        (
            json!({ "kind": "cooler", "model": "X", "serial": "  " }),
            "serial",
        ),
        (
            json!({ "kind": "cooler", "model": " ", "serial": "A1" }),
            "model",
        ),
    ] {
        let e = w
            .app
            .post("/api/equipment", &w.manager, body)
            .await
            .error(422);
        assert_eq!(e["field"], field, "{e}");
    }
    w.register("pump", "P-17").await.expect(201);

    // The list filters by state, kind and a fragment of the serial.
    let count = |q: &'static str| {
        let app = &w.app;
        let op = &w.op;
        async move { app.count(&format!("/api/equipment{q}"), op).await }
    };
    assert_eq!(count("").await, 2);
    assert_eq!(count("?state=in_stock&kind=cooler").await, 1);
    assert_eq!(count("?serial=co%2000").await, 1);
    assert_eq!(count("?kind=dispenser").await, 0);
    w.app
        .get("/api/equipment?state=lost", &w.op)
        .await
        .error(422);
    w.app.get("/api/equipment?limit=0", &w.op).await.error(422);

    // To repair with a reason; a stale version changes nothing.
    let e = w
        .act(&id, json!({ "action": "repair", "reason": " " }))
        .await
        .error(422);
    assert_eq!(e["field"], "reason");
    let r = w
        .act(
            &id,
            json!({ "action": "repair", "reason": "течёт кран", "expected_version": 1 }),
        )
        .await
        .expect(200);
    assert_eq!(
        (&r["state"], &r["version"]),
        (&json!("in_repair"), &json!(2))
    );
    let e = w
        .act(
            &id,
            json!({ "action": "write_off", "reason": "x", "expected_version": 1 }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "stale_version");
    // A note is no move: no history row.
    w.app
        .patch(
            &format!("/api/equipment/{id}"),
            &w.manager,
            json!({ "note": "на складе №2" }),
        )
        .await
        .expect(200);
    w.act(
        &id,
        json!({ "action": "write_off", "reason": "не ремонтируется" }),
    )
    .await
    .expect(200);
    let e = w
        .act(&id, json!({ "action": "repaired", "reason": "x" }))
        .await
        .error(409);
    assert_eq!(e["code"], "invalid_transition", "{e}");

    let d = w
        .app
        .get(&format!("/api/equipment/{id}"), &w.op)
        .await
        .expect(200);
    assert_eq!(
        (&d["state"], &d["version"], &d["note"]),
        (&json!("written_off"), &json!(4), &json!("на складе №2"))
    );
    let moves: Vec<(Value, Value, Value)> = d["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (h["from"].clone(), h["to"].clone(), h["reason"].clone()))
        .collect();
    assert_eq!(
        moves,
        [
            (
                json!("in_repair"),
                json!("written_off"),
                json!("не ремонтируется")
            ),
            (json!("in_stock"), json!("in_repair"), json!("течёт кран")),
            (Value::Null, json!("in_stock"), Value::Null),
        ]
    );
    assert_eq!(d["history"][0]["by_name"], "masha name");
    w.app.get("/api/equipment/nope", &w.op).await.error(404);
}

#[tokio::test]
async fn two_moves_of_one_cooler_at_once_leave_one_and_one_history_row() {
    let w = world().await;
    let id = id_of(&w.register("cooler", "C-1").await.expect(201));
    let (a, b) = futures::join!(
        w.act(
            &id,
            json!({ "action": "repair", "reason": "a", "expected_version": 1 })
        ),
        w.act(
            &id,
            json!({ "action": "write_off", "reason": "b", "expected_version": 1 })
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let d = w
        .app
        .get(&format!("/api/equipment/{id}"), &w.op)
        .await
        .expect(200);
    assert_eq!(d["version"], 2);
    assert_eq!(d["history"].as_array().map(Vec::len), Some(2), "{d}");
}

#[tokio::test]
async fn operators_read_the_register_managers_keep_it_couriers_neither() {
    let w = world().await;
    let id = id_of(&w.register("dispenser", "D-1").await.expect(201));
    w.app
        .post(
            "/api/equipment",
            &w.op,
            json!({ "kind": "cooler", "model": "X", "serial": "X-1" }),
        )
        .await
        .error(403);
    w.app
        .post(
            &format!("/api/equipment/{id}/move"),
            &w.op,
            json!({ "action": "repair", "reason": "x" }),
        )
        .await
        .error(403);
    w.app.get("/api/equipment", &w.kolya).await.error(403);
    w.app
        .get(&format!("/api/equipment/{id}"), &w.kolya)
        .await
        .error(403);
    w.app
        .get(&format!("/api/equipment/{id}"), &w.op)
        .await
        .expect(200);
}
