//! The courier's cash at the end of the day (issue 18, item 7): the courier
//! hands it in, a manager (the cashier) confirms what was received, a
//! difference needs a comment, and the cash report (JSON, CSV, XLSX) shows
//! due, collected, handed over, received and the difference per courier per day.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    petya: String,
    water: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (_, petya) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        petya,
        water,
    }
}

impl World {
    /// A stop of Kolya's today for a new client, delivered with `cash`.
    async fn delivered(&self, name: &str, kind: &str, phone: &str, qty: u32, cash: i64) {
        let (client, addr) = self.app.client(name, kind, phone).await;
        let id = self
            .app
            .dispatched_stop(
                &self.op,
                (&client, &addr),
                (&self.water, qty),
                &self.kolya_id,
            )
            .await;
        self.app
            .post(
                &format!("/api/orders/{id}/deliver"),
                &self.kolya,
                json!({ "cash_collected": cash, "empties_returned": 0 }),
            )
            .await
            .expect(200);
    }
}

#[tokio::test]
async fn a_courier_hands_in_the_cash_and_the_cashier_confirms_it() {
    let w = world().await;
    // Two individuals pay 500.00 and 250.00 (one paid 240.00); a legal client is invoiced.
    w.delivered("Иван", "individual", "9161110001", 2, 50000)
        .await;
    w.delivered("Мария", "individual", "9161110002", 1, 24000)
        .await;
    w.delivered("ООО Вода", "legal", "4951110003", 4, 0).await;

    // Only a courier hands in cash; bad amounts and days are refused.
    let body = json!({ "declared": 74000 });
    w.app
        .post("/api/handovers", &w.op, body.clone())
        .await
        .error(403);
    for (bad, field) in [
        (json!({ "declared": -1 }), "declared"),
        (json!({ "declared": 100, "date": w.app.day(1) }), "date"),
        (json!({ "declared": 100, "date": w.app.day(-40) }), "date"),
    ] {
        let e = w.app.post("/api/handovers", &w.kolya, bad).await.error(422);
        assert_eq!(e["field"], field);
    }
    let h = w
        .app
        .post("/api/handovers", &w.kolya, json!({ "declared": 70000 }))
        .await
        .expect(200);
    assert_eq!(h["state"], "submitted");
    assert_eq!(
        (h["due"].clone(), h["collected"].clone()),
        (json!(75000), json!(74000))
    );
    assert_eq!(
        (h["stops"].clone(), h["declared"].clone()),
        (json!(3), json!(70000))
    );
    assert_eq!(h["version"], 1);
    // Handed in again (counted again): the same day's handover, a new version.
    let h = w
        .app
        .post(
            "/api/handovers",
            &w.kolya,
            json!({ "declared": 74000, "note": "пересчитал" }),
        )
        .await
        .expect(200);
    assert_eq!(
        (h["version"].clone(), h["declared"].clone()),
        (json!(2), json!(74000))
    );
    let id = id_of(&h);

    // Who sees what.
    let mine = w.app.get("/api/handovers", &w.kolya).await.expect(200);
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    let theirs = w.app.get("/api/handovers", &w.petya).await.expect(200);
    assert_eq!(theirs, json!([]));
    w.app
        .get(
            &format!("/api/handovers?courier_id={}", w.kolya_id),
            &w.petya,
        )
        .await
        .error(403);
    w.app.get("/api/handovers", &w.op).await.error(403);
    let waiting = w
        .app
        .get("/api/handovers?state=submitted", &w.manager)
        .await
        .expect(200);
    assert_eq!(waiting.as_array().map(Vec::len), Some(1));

    // The cashier: short by 10.00, so a comment is needed.
    let path = format!("/api/handovers/{id}/confirm");
    w.app
        .post(&path, &w.kolya, json!({ "received": 73000 }))
        .await
        .error(403);
    let e = w
        .app
        .post(&path, &w.manager, json!({ "received": 73000 }))
        .await
        .error(422);
    assert_eq!(e["field"], "comment");
    let e = w
        .app
        .post(
            &path,
            &w.manager,
            json!({ "received": 73000, "comment": "x", "expected_version": 1 }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "stale_version");
    let c = w
        .app
        .post(
            &path,
            &w.manager,
            json!({ "received": 73000, "comment": "недостача 10 ₽, объяснительная" }),
        )
        .await
        .expect(200);
    assert_eq!(c["state"], "confirmed");
    assert_eq!(c["received"], 73000);
    assert_eq!(c["confirmed_by_name"], "masha name");
    let e = w
        .app
        .post(&path, &w.manager, json!({ "received": 74000 }))
        .await
        .error(409);
    assert_eq!(e["code"], "invalid_transition");
    // A confirmed day is closed for the courier too.
    let e = w
        .app
        .post("/api/handovers", &w.kolya, json!({ "declared": 1 }))
        .await
        .error(409);
    assert_eq!(e["code"], "invalid_transition");
    w.app
        .post(
            "/api/handovers/nope/confirm",
            &w.manager,
            json!({ "received": 1 }),
        )
        .await
        .error(404);
}

#[tokio::test]
async fn the_cash_report_shows_every_couriers_day_in_every_format() {
    let w = world().await;
    w.delivered("Иван", "individual", "9161110001", 2, 50000)
        .await;
    w.delivered("Мария", "individual", "9161110002", 1, 25000)
        .await;
    let h = w
        .app
        .post("/api/handovers", &w.kolya, json!({ "declared": 75000 }))
        .await
        .expect(200);
    w.app
        .post(
            &format!("/api/handovers/{}/confirm", id_of(&h)),
            &w.manager,
            json!({ "received": 74500, "comment": "монета 5 ₽ фальшивая" }),
        )
        .await
        .expect(200);
    let today = w.app.today();
    let path = format!("/api/reports/cash?from={today}&to={today}");
    w.app.get(&path, &w.op).await.error(403);
    let r = w.app.get(&path, &w.manager).await.expect(200);
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{r}");
    let row: &Value = &rows[0];
    assert_eq!(row["courier_name"], "kolya name");
    assert_eq!(
        [
            &row["stops"],
            &row["due"],
            &row["collected"],
            &row["handed_over"],
            &row["received"],
            &row["difference"]
        ],
        [
            &json!(2),
            &json!(75000),
            &json!(75000),
            &json!(75000),
            &json!(74500),
            &json!(-500)
        ]
    );
    assert_eq!(row["state"], "confirmed");
    assert_eq!(row["handover_id"], id_of(&h).as_str());
    assert_eq!(r["totals"]["difference"], -500);

    // CSV, read back.
    let csv = w.app.get(&format!("{path}&format=csv"), &w.manager).await;
    assert_eq!(csv.status, 200);
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let col = |h: &str| headers.iter().position(|x| x == h).expect(h);
    let rec = reader.records().next().expect("a row").expect("csv");
    assert_eq!(rec.get(col("collected")), Some("75000"));
    assert_eq!(rec.get(col("received")), Some("74500"));
    assert_eq!(rec.get(col("difference")), Some("-500"));
    assert_eq!(rec.get(col("comment")), Some("монета 5 ₽ фальшивая"));

    // XLSX in Russian, read back.
    let cells = w
        .app
        .xlsx_sheet(&format!("{path}&format=xlsx&lang=ru"), &w.manager, "Касса")
        .await;
    assert_eq!(cells[0][1], "Курьер");
    let kolya = cells
        .iter()
        .find(|r| r[1] == "kolya name")
        .expect("kolya's row");
    assert_eq!(kolya[4], "750");
    assert_eq!(kolya[6], "745");
    assert_eq!(kolya[7], "-5");
    assert_eq!(kolya[8], "принято");
}

#[tokio::test]
async fn a_day_not_handed_in_shows_in_the_cash_report() {
    let w = world().await;
    w.delivered("Иван", "individual", "9161110001", 2, 50000)
        .await;
    let today = w.app.today();
    let r = w
        .app
        .get(
            &format!("/api/reports/cash?from={today}&to={today}"),
            &w.manager,
        )
        .await
        .expect(200);
    let row = &r["rows"][0];
    assert_eq!(
        (row["collected"].clone(), row["state"].clone()),
        (json!(50000), Value::Null)
    );
    assert!(
        row["handed_over"].is_null() && row["difference"].is_null(),
        "{row}"
    );
    assert_eq!(r["totals"]["handed_over"], 0);
}
