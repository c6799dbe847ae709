//! Reasons the company manages (issue 18, item 6): lists of cancel, fail and
//! reschedule reasons that admins edit (Russian and English labels), stored
//! on orders by id, and the reasons report (by reason, courier, operator,
//! period) as JSON, CSV and XLSX, read back.

use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    water: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        water,
        client,
        addr,
    }
}

impl World {
    async fn stop(&self) -> String {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": self.client, "address_id": self.addr,
                        "lines": [{ "product_id": self.water, "qty": 1 }],
                        "delivery_date": self.app.today(), "courier_id": self.kolya_id }),
            )
            .await;
        let id = id_of(&o);
        self.app
            .post(&format!("/api/orders/{id}/dispatch"), &self.op, json!({}))
            .await
            .expect(200);
        id
    }

    async fn reasons(&self, kind: &str, all: bool) -> Vec<Value> {
        let path = format!(
            "/api/reasons?kind={kind}{}",
            if all { "&all=true" } else { "" }
        );
        let r = self.app.get(&path, &self.kolya).await.expect(200);
        r.as_array().expect("a list").clone()
    }
}

fn ids(list: &[Value]) -> Vec<String> {
    list.iter().map(id_of).collect()
}

#[tokio::test]
async fn a_company_starts_with_the_usual_reasons_and_admins_edit_them() {
    let w = world().await;
    assert_eq!(
        ids(&w.reasons("fail", false).await),
        ["absent", "wrong_address", "refused", "no_access", "late"]
    );
    assert_eq!(
        ids(&w.reasons("reschedule", false).await),
        ["no_time", "client_asks", "not_there"]
    );
    let cancel = w.reasons("cancel", false).await;
    assert_eq!(cancel[0]["ru"], "Клиент отказался");
    assert_eq!(cancel[0]["en"], "Client cancelled");
    let all = w.app.get("/api/reasons", &w.op).await.expect(200);
    assert_eq!(all.as_array().map(Vec::len), Some(12));

    // Only admins change them.
    let new = json!({ "kind": "cancel", "ru": "Купил в магазине", "en": "Bought in a shop" });
    w.app
        .post("/api/reasons", &w.manager, new.clone())
        .await
        .error(403);
    let made = w
        .app
        .post("/api/reasons", &w.app.admin, new)
        .await
        .expect(201);
    assert_eq!(made["active"], true);
    assert_eq!(
        ids(&w.reasons("cancel", false).await).last(),
        Some(&id_of(&made))
    );
    for (bad, field) in [
        (json!({ "kind": "cancel", "ru": " ", "en": "x" }), "ru"),
        (
            json!({ "kind": "cancel", "ru": "x", "en": "y".repeat(121) }),
            "en",
        ),
    ] {
        let e = w
            .app
            .post("/api/reasons", &w.app.admin, bad)
            .await
            .error(422);
        assert_eq!(e["field"], field);
    }
    let e = w
        .app
        .post(
            "/api/reasons",
            &w.app.admin,
            json!({ "kind": "other", "ru": "x", "en": "y" }),
        )
        .await
        .error(422);
    assert!(e["message"].as_str().is_some(), "{e}");

    // Renamed, moved first, retired and brought back.
    let path = format!("/api/reasons/{}", id_of(&made));
    let renamed = w
        .app
        .patch(
            &path,
            &w.app.admin,
            json!({ "en": "Bought in a shop nearby", "position": 0 }),
        )
        .await
        .expect(200);
    assert_eq!(renamed["ru"], "Купил в магазине");
    assert_eq!(renamed["en"], "Bought in a shop nearby");
    assert_eq!(ids(&w.reasons("cancel", false).await)[0], id_of(&made));
    w.app
        .patch(&path, &w.app.admin, json!({ "active": false }))
        .await
        .expect(200);
    assert!(!ids(&w.reasons("cancel", false).await).contains(&id_of(&made)));
    assert!(ids(&w.reasons("cancel", true).await).contains(&id_of(&made)));
    w.app
        .patch("/api/reasons/nope", &w.app.admin, json!({ "active": true }))
        .await
        .error(404);
    w.app
        .patch(&path, &w.op, json!({ "active": true }))
        .await
        .error(403);
    let e = w
        .app
        .patch(&path, &w.app.admin, json!({ "position": -1 }))
        .await
        .error(422);
    assert_eq!(e["field"], "position");
}

#[tokio::test]
async fn orders_keep_the_reason_id_with_its_label() {
    let w = world().await;
    // A failed delivery with a reason from the list: its Russian label.
    let a = w.stop().await;
    let o = w
        .app
        .post(
            &format!("/api/orders/{a}/fail"),
            &w.kolya,
            json!({ "reason_id": "no_access" }),
        )
        .await
        .expect(200);
    assert_eq!(o["attempts"][0]["reason_id"], "no_access");
    assert_eq!(o["attempts"][0]["reason"], "Нет доступа");
    // The label typed in the courier's language is kept as given.
    let b = w.stop().await;
    let o = w
        .app
        .post(
            &format!("/api/orders/{b}/fail"),
            &w.kolya,
            json!({ "reason_id": "absent", "reason": "Client absent" }),
        )
        .await
        .expect(200);
    assert_eq!(o["attempts"][0]["reason"], "Client absent");
    // Typed text alone: no id.
    let c = w.stop().await;
    let o = w
        .app
        .post(
            &format!("/api/orders/{c}/fail"),
            &w.kolya,
            json!({ "reason": "собака во дворе" }),
        )
        .await
        .expect(200);
    assert!(o["attempts"][0].get("reason_id").is_none(), "{o}");

    // Refused: a reason of another list, an unknown one, a retired one, nothing at all.
    let d = w.stop().await;
    let before = w
        .app
        .get(&format!("/api/orders/{d}"), &w.op)
        .await
        .expect(200);
    w.app
        .patch(
            "/api/reasons/refused",
            &w.app.admin,
            json!({ "active": false }),
        )
        .await
        .expect(200);
    for (body, field) in [
        (json!({ "reason_id": "duplicate" }), "reason_id"),
        (json!({ "reason_id": "nope" }), "reason_id"),
        (json!({ "reason_id": "refused" }), "reason_id"),
        (json!({ "reason": "  " }), "reason"),
        (json!({}), "reason"),
    ] {
        let e = w
            .app
            .post(&format!("/api/orders/{d}/fail"), &w.kolya, body.clone())
            .await
            .error(422);
        assert_eq!(e["field"], field, "{body}");
    }
    assert_eq!(
        w.app
            .get(&format!("/api/orders/{d}"), &w.op)
            .await
            .expect(200),
        before
    );

    // Cancel and a move at the door take theirs too.
    let o = w
        .app
        .post(
            &format!("/api/orders/{d}/cancel"),
            &w.op,
            json!({ "reason_id": "duplicate" }),
        )
        .await
        .expect(200);
    assert_eq!(o["cancel_reason_id"], "duplicate");
    assert_eq!(o["cancel_reason"], "Дубль заказа");
    let e = w.stop().await;
    let o = w
        .app
        .post(
            &format!("/api/orders/{e}/reschedule"),
            &w.kolya,
            json!({ "reason_id": "client_asks", "delivery_date": w.app.day(1) }),
        )
        .await
        .expect(200);
    assert_eq!(o["proposal"]["reason_id"], "client_asks");
    assert_eq!(o["proposal"]["reason"], "Клиент просит перенести");
}

#[tokio::test]
async fn the_reasons_report_counts_by_reason_courier_and_operator_in_every_format() {
    let w = world().await;
    let (petya_id, _) = w.app.user("petya", "courier", None).await;
    for _ in 0..2 {
        let s = w.stop().await;
        w.app
            .post(
                &format!("/api/orders/{s}/fail"),
                &w.kolya,
                json!({ "reason_id": "absent" }),
            )
            .await
            .expect(200);
    }
    let s = w.stop().await;
    w.app
        .post(
            &format!("/api/orders/{s}/fail"),
            &w.kolya,
            json!({ "reason": "злая собака" }),
        )
        .await
        .expect(200);
    // The failed stop goes to Petya, and fails again: his, not Kolya's.
    w.app
        .patch(
            &format!("/api/orders/{s}"),
            &w.op,
            json!({ "courier_id": petya_id, "delivery_date": w.app.today() }),
        )
        .await
        .expect(200);
    w.app
        .post(&format!("/api/orders/{s}/dispatch"), &w.op, json!({}))
        .await
        .expect(200);
    w.app
        .post(
            &format!("/api/orders/{s}/fail"),
            &w.op,
            json!({ "reason_id": "absent" }),
        )
        .await
        .expect(200);
    w.app
        .post(
            &format!("/api/orders/{s}/cancel"),
            &w.op,
            json!({ "reason_id": "unreachable" }),
        )
        .await
        .expect(200);
    let m = w.stop().await;
    w.app
        .post(
            &format!("/api/orders/{m}/reschedule"),
            &w.kolya,
            json!({ "reason_id": "no_time", "delivery_date": w.app.day(1) }),
        )
        .await
        .expect(200);

    let today = w.app.today();
    let path = format!("/api/reports/reasons?from={today}&to={today}");
    w.app.get(&path, &w.op).await.error(403);
    let r = w.app.get(&path, &w.manager).await.expect(200);
    let totals: Vec<(String, i64)> = r["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_string(),
                t["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("cancel".to_string(), 1),
            ("fail".to_string(), 4),
            ("reschedule".to_string(), 1)
        ]
    );
    let row = |kind: &str, reason: &str, courier: &str| -> i64 {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["kind"] == kind && x["reason"] == reason && x["courier_name"] == courier)
            .map(|x| x["count"].as_i64().unwrap())
            .sum()
    };
    // English labels by default; the typed reason as typed.
    assert_eq!(row("fail", "Client absent", "kolya name"), 2);
    assert_eq!(row("fail", "Client absent", "petya name"), 1);
    assert_eq!(row("fail", "злая собака", "kolya name"), 1);
    assert_eq!(row("reschedule", "I can't make it today", "kolya name"), 1);
    assert_eq!(row("cancel", "Client unreachable", "petya name"), 1);
    assert!(r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["operator_name"] == "olga name"));
    // Nothing on another day.
    let other = w.app.day(-3);
    let empty = w
        .app
        .get(
            &format!("/api/reports/reasons?from={other}&to={other}"),
            &w.manager,
        )
        .await
        .expect(200);
    assert_eq!(empty["rows"], json!([]));

    // CSV, read back.
    let csv = w
        .app
        .get(&format!("{path}&format=csv&lang=ru"), &w.manager)
        .await;
    assert_eq!(csv.status, 200);
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let col = |h: &str| headers.iter().position(|x| x == h).expect(h);
    let records: Vec<csv::StringRecord> = reader.records().filter_map(|r| r.ok()).collect();
    let absent: i64 = records
        .iter()
        .filter(|r| r.get(col("reason_id")) == Some("absent"))
        .map(|r| r.get(col("count")).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(absent, 3);
    assert!(records
        .iter()
        .any(|r| r.get(col("reason")) == Some("Клиента нет на месте")));

    // XLSX in Russian, read back.
    let cells = w
        .app
        .xlsx_sheet(
            &format!("{path}&format=xlsx&lang=ru"),
            &w.manager,
            "Причины",
        )
        .await;
    assert_eq!(
        cells[0][..5],
        ["Вид", "Причина", "Курьер", "Оператор", "Количество"]
    );
    let kolya_absent = cells
        .iter()
        .find(|r| r[1] == "Клиента нет на месте" && r[2] == "kolya name")
        .expect("kolya's absent row");
    assert_eq!(kolya_absent[0], "недоставка");
    assert_eq!(kolya_absent[4], "2");
    let fails = cells
        .iter()
        .find(|r| r[0] == "недоставка" && r.get(1).is_some_and(|c| c == "4"))
        .expect("the failed deliveries' total under the table");
    assert_eq!(fails[1], "4");
}

#[tokio::test]
async fn reasons_given_before_the_lists_are_counted_by_the_upgrade() {
    let w = world().await;
    let s = w.stop().await;
    w.app
        .post(
            &format!("/api/orders/{s}/fail"),
            &w.kolya,
            json!({ "reason_id": "absent" }),
        )
        .await
        .expect(200);
    w.app
        .state
        .store
        .run(
            "DELETE reason_events; UPSERT meta:schema SET version = 6",
            json!(null),
        )
        .await
        .expect("set back to schema 6");
    let today = w.app.today();
    let path = format!("/api/reports/reasons?from={today}&to={today}");
    assert_eq!(
        w.app.get(&path, &w.manager).await.expect(200)["rows"],
        json!([])
    );
    w.app.state.store.migrate().await.expect("the upgrade");
    let r = w.app.get(&path, &w.manager).await.expect(200);
    assert_eq!(r["rows"][0]["reason_id"], "absent");
    assert_eq!(r["rows"][0]["count"], 1);
}
