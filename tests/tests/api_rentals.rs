//! Equipment rentals (issue 19, item 3): renting a cooler in stock creates
//! the agreement and the order that delivers it, reserving the cooler; the
//! delivery puts it at the client and starts the agreement; ending orders
//! the collection, whose delivery brings it back and ends the agreement;
//! cancelling either order undoes what it would have done. Deposits are
//! part of the cash at the door. The month's charges: prorated by the days
//! in force, waived by the bottles the address took. Concurrent rentals of
//! one cooler and retried deliveries stay exact.

use chrono::Datelike;
use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    manager: String,
    op: String,
    kolya_id: String,
    kolya: String,
    water: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25_000, true).await;
    World {
        app,
        manager,
        op,
        kolya_id,
        kolya,
        water,
    }
}

impl World {
    async fn cooler(&self, serial: &str) -> String {
        let c = self
            .app
            .post(
                "/api/equipment",
                &self.manager,
                json!({ "kind": "cooler", "model": "Ecotronic H1-LN", "serial": serial }),
            )
            .await
            .expect(201);
        id_of(&c)
    }

    fn rental(&self, (client, address): (&str, &str), cooler: &str, date: &str) -> Value {
        json!({
            "client_id": client, "address_id": address, "equipment_id": cooler,
            "months": 12, "monthly_fee": 50_000, "free_from_bottles": 4, "deposit": 100_000,
            "note": "кулер в офис",
            "delivery": { "delivery_date": date, "courier_id": self.kolya_id,
                          "window": { "from": "10:00", "to": "14:00" },
                          "lines": [{ "product_id": self.water, "qty": 2 }] }
        })
    }

    async fn equipment(&self, id: &str) -> Value {
        self.app
            .get(&format!("/api/equipment/{id}"), &self.op)
            .await
            .ok()
    }

    async fn agreement(&self, id: &str) -> Value {
        self.app
            .get(&format!("/api/rentals/{id}"), &self.op)
            .await
            .ok()
    }

    async fn dispatch(&self, order: &str) {
        self.app
            .post(
                &format!("/api/orders/{order}/dispatch"),
                &self.op,
                json!({}),
            )
            .await
            .expect(200);
    }

    async fn deliver(&self, order: &str, cash: i64) -> Resp {
        self.app
            .post(
                &format!("/api/orders/{order}/deliver"),
                &self.kolya,
                json!({ "cash_collected": cash, "empties_returned": 0,
                        "empties_note": "новый клиент" }),
            )
            .await
    }
}

#[tokio::test]
async fn a_rented_cooler_goes_to_the_client_with_its_delivery_and_comes_back_with_its_collection() {
    let w = world().await;
    let cooler = w.cooler("ECO-1").await;
    let (client, address) = w.app.client("Анна", "individual", "+79161234567").await;
    let today = w.app.today();
    let body = w.rental((&client, &address), &cooler, &today);

    // Rented once, whatever the retries.
    let made = w
        .app
        .post_idem("/api/rentals", &w.op, body.clone(), "rent-1")
        .await
        .expect(201);
    let again = w
        .app
        .post_idem("/api/rentals", &w.op, body.clone(), "rent-1")
        .await
        .expect(201);
    assert_eq!(made, again);
    let rental = made["rental"].clone();
    let order = made["order"].clone();
    let (rid, oid) = (id_of(&rental), id_of(&order));
    assert_eq!(
        (
            &rental["state"],
            &rental["serial"],
            &rental["start"],
            &rental["deposit"]
        ),
        (
            &json!("pending"),
            &json!("ECO-1"),
            &json!(today),
            &json!(100_000)
        )
    );
    assert_eq!(rental["deliver_order_id"], json!(oid));
    assert_eq!(
        order["equipment"],
        json!([{ "action": "deliver", "equipment_id": cooler, "kind": "cooler",
                 "model": "Ecotronic H1-LN", "serial": "ECO-1", "rental_id": rid,
                 "rental_number": rental["number"], "deposit": 100_000 }])
    );
    assert_eq!(order["total"], 50_000, "the water on the same stop");
    assert_eq!(
        w.app
            .count(&format!("/api/orders?client_id={client}"), &w.op)
            .await,
        1
    );
    // Reserved: not rented twice, not sent to repair meanwhile.
    let e = w.equipment(&cooler).await;
    assert_eq!(
        (&e["state"], &e["rental_id"]),
        (&json!("in_stock"), &json!(rid))
    );
    let (other, other_addr) = w.app.client("Борис", "individual", "+79161234568").await;
    let taken = w
        .app
        .post(
            "/api/rentals",
            &w.op,
            w.rental((&other, &other_addr), &cooler, &today),
        )
        .await
        .error(409);
    assert_eq!(taken["code"], "equipment_taken", "{taken}");
    let rented = w
        .app
        .post(
            &format!("/api/equipment/{cooler}/move"),
            &w.manager,
            json!({ "action": "repair", "reason": "шумит" }),
        )
        .await
        .error(409);
    assert_eq!(rented["code"], "rented", "{rented}");

    // The courier's stop: the cooler, its deposit in the cash due.
    w.dispatch(&oid).await;
    let route = w.app.get("/api/route", &w.kolya).await.ok();
    assert_eq!(route["stops"][0]["equipment"][0]["serial"], "ECO-1");
    // An individual pays the water, the bottle deposit the rule asks (none
    // here) and the cooler's deposit; more than that is refused below zero only.
    let delivered = w.deliver(&oid, 150_000).await.expect(200);
    assert_eq!(delivered["state"], "delivered");
    let e = w.equipment(&cooler).await;
    assert_eq!(
        (
            &e["state"],
            &e["client_id"],
            &e["address_id"],
            &e["rental_number"]
        ),
        (
            &json!("at_client"),
            &json!(client),
            &json!(address),
            &rental["number"]
        )
    );
    assert_eq!(e["history"][0]["order_number"], order["number"]);
    assert_eq!(e["history"][0]["to"], "at_client");
    let a = w.agreement(&rid).await;
    assert_eq!(
        (&a["state"], &a["start"]),
        (&json!("active"), &json!(today))
    );
    assert_eq!(
        w.app
            .count(
                &format!("/api/rentals?client_id={client}&state=active"),
                &w.op
            )
            .await,
        1
    );

    // Ending it orders the collection, once.
    let end = json!({ "collection": { "delivery_date": today, "courier_id": w.kolya_id } });
    let ended = w
        .app
        .post_idem(
            &format!("/api/rentals/{rid}/end"),
            &w.op,
            end.clone(),
            "end-1",
        )
        .await
        .expect(201);
    let collect = ended["order"].clone();
    assert_eq!(collect["equipment"][0]["action"], "collect");
    assert_eq!(collect["equipment"][0]["deposit"], -100_000);
    assert_eq!(collect["lines"], json!([]), "nothing but the cooler");
    assert_eq!(ended["rental"]["collect_order_id"], json!(id_of(&collect)));
    let twice = w
        .app
        .post(&format!("/api/rentals/{rid}/end"), &w.op, end.clone())
        .await
        .error(409);
    assert_eq!(twice["code"], "invalid_transition", "{twice}");
    // The collection's address is the agreement's.
    let card = w
        .app
        .post(
            &format!("/api/clients/{client}/addresses"),
            &w.op,
            json!({ "text": "Другой адрес 5" }),
        )
        .await
        .expect(201);
    let second = card["addresses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["text"] == "Другой адрес 5"))
        .map(id_of)
        .expect("second address");
    let moved = w
        .app
        .patch(
            &format!("/api/orders/{}", id_of(&collect)),
            &w.op,
            json!({ "address_id": second }),
        )
        .await
        .error(422);
    assert_eq!(moved["field"], "address_id", "{moved}");

    // The courier pays the deposit back; the cooler is in stock again.
    let cid = id_of(&collect);
    w.dispatch(&cid).await;
    let back = w.deliver(&cid, -100_000).await.expect(200);
    assert_eq!(back["cash_collected"], -100_000);
    let e = w.equipment(&cooler).await;
    assert_eq!(e["state"], "in_stock");
    for field in ["client_id", "address_id", "rental_id", "rental_number"] {
        assert!(e.get(field).is_none_or(Value::is_null), "{field}: {e}");
    }
    assert_eq!(e["history"][0]["from"], "at_client");
    let a = w.agreement(&rid).await;
    assert_eq!(
        (&a["state"], &a["ended_on"]),
        (&json!("ended"), &json!(today))
    );
    // Free again: the next client may rent it.
    w.app
        .post(
            "/api/rentals",
            &w.op,
            w.rental((&other, &other_addr), &cooler, &today),
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn cancelling_the_delivery_cancels_the_agreement_and_cancelling_the_collection_keeps_it() {
    let w = world().await;
    let cooler = w.cooler("ECO-2").await;
    let (client, address) = w.app.client("Вера", "individual", "+79161234569").await;
    let today = w.app.today();
    let made = w
        .app
        .post(
            "/api/rentals",
            &w.op,
            w.rental((&client, &address), &cooler, &today),
        )
        .await
        .expect(201);
    let rid = id_of(&made["rental"]);
    w.app
        .post(
            &format!("/api/orders/{}/cancel", id_of(&made["order"])),
            &w.op,
            json!({ "reason": "передумали" }),
        )
        .await
        .expect(200);
    assert_eq!(w.agreement(&rid).await["state"], "cancelled");
    let e = w.equipment(&cooler).await;
    assert!(e.get("rental_id").is_none_or(Value::is_null), "{e}");
    // A cancelled agreement cannot end or change.
    let e = w
        .app
        .post(
            &format!("/api/rentals/{rid}/end"),
            &w.op,
            json!({ "collection": { "delivery_date": today } }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "invalid_transition");
    w.app
        .patch(
            &format!("/api/rentals/{rid}"),
            &w.manager,
            json!({ "monthly_fee": 1 }),
        )
        .await
        .error(409);

    // In force: a cancelled collection leaves it in force, to be ordered again.
    let made = w
        .app
        .post(
            "/api/rentals",
            &w.op,
            w.rental((&client, &address), &cooler, &today),
        )
        .await
        .expect(201);
    let rid = id_of(&made["rental"]);
    w.dispatch(&id_of(&made["order"])).await;
    w.deliver(&id_of(&made["order"]), 150_000).await.expect(200);
    let end = json!({ "collection": { "delivery_date": today } });
    let ended = w
        .app
        .post(&format!("/api/rentals/{rid}/end"), &w.op, end.clone())
        .await
        .expect(201);
    w.app
        .post(
            &format!("/api/orders/{}/cancel", id_of(&ended["order"])),
            &w.op,
            json!({ "reason": "остаётся" }),
        )
        .await
        .expect(200);
    let a = w.agreement(&rid).await;
    assert_eq!(a["state"], "active");
    assert!(a.get("collect_order_id").is_none_or(Value::is_null), "{a}");
    assert_eq!(w.equipment(&cooler).await["state"], "at_client");
    w.app
        .post(&format!("/api/rentals/{rid}/end"), &w.op, end)
        .await
        .expect(201);

    // A manager changes the terms, named by version.
    let a = w.agreement(&rid).await;
    let changed = w
        .app
        .patch(
            &format!("/api/rentals/{rid}"),
            &w.manager,
            json!({ "monthly_fee": 40_000, "free_from_bottles": null, "expected_version": a["version"] }),
        )
        .await
        .expect(200);
    assert_eq!(changed["monthly_fee"], 40_000);
    assert!(changed.get("free_from_bottles").is_none_or(Value::is_null));
    let stale = w
        .app
        .patch(
            &format!("/api/rentals/{rid}"),
            &w.manager,
            json!({ "monthly_fee": 1, "expected_version": a["version"] }),
        )
        .await
        .error(409);
    assert_eq!(stale["code"], "stale_version");
    // Bad terms are refused at their field, nothing stored.
    for (patch, field) in [
        (json!({ "monthly_fee": -1 }), "monthly_fee"),
        (json!({ "months": 0 }), "months"),
        (json!({ "free_from_bottles": 5000 }), "free_from_bottles"),
    ] {
        let e = w
            .app
            .patch(&format!("/api/rentals/{rid}"), &w.manager, patch)
            .await
            .error(422);
        assert_eq!(e["field"], field, "{e}");
    }
    let spare = w.cooler("ECO-2B").await;
    let mut bad = w.rental((&client, &address), &spare, &today);
    bad["delivery"]["lines"][0]["qty"] = json!(0);
    let e = w.app.post("/api/rentals", &w.op, bad).await.error(422);
    assert_eq!(e["field"], "delivery.lines[0].qty", "{e}");
}

#[tokio::test]
async fn one_cooler_rented_by_two_operators_at_once_goes_to_one_and_a_retried_delivery_moves_it_once(
) {
    let w = world().await;
    let (_, op2) = w.app.user("oksana", "operator", None).await;
    let cooler = w.cooler("ECO-3").await;
    let (a, a_addr) = w.app.client("Галина", "individual", "+79161234570").await;
    let (b, b_addr) = w.app.client("Дмитрий", "individual", "+79161234571").await;
    let today = w.app.today();
    let (ra, rb) = tokio::join!(
        w.app.post(
            "/api/rentals",
            &w.op,
            w.rental((&a, &a_addr), &cooler, &today)
        ),
        w.app.post(
            "/api/rentals",
            &op2,
            w.rental((&b, &b_addr), &cooler, &today)
        ),
    );
    let statuses = [ra.status, rb.status];
    assert!(
        statuses.contains(&201) && statuses.contains(&409),
        "{statuses:?}"
    );
    let won = if ra.status == 201 { ra.ok() } else { rb.ok() };
    // Exactly one order exists for the two clients together.
    let orders = w
        .app
        .count(&format!("/api/orders?client_id={a}"), &w.op)
        .await
        + w.app
            .count(&format!("/api/orders?client_id={b}"), &w.op)
            .await;
    assert_eq!(orders, 1);
    let oid = id_of(&won["order"]);
    w.dispatch(&oid).await;
    // The courier's delivery, sent three times with one key at once.
    let body = json!({ "cash_collected": 150_000, "empties_returned": 0, "empties_note": "новый" });
    let path = format!("/api/orders/{oid}/deliver");
    let (x, y, z) = tokio::join!(
        w.app.post_idem(&path, &w.kolya, body.clone(), "dlv-1"),
        w.app.post_idem(&path, &w.kolya, body.clone(), "dlv-1"),
        w.app.post_idem(&path, &w.kolya, body.clone(), "dlv-1"),
    );
    for r in [x, y, z] {
        assert!(matches!(r.status, 200 | 409), "{}", r.text);
    }
    let again = w
        .app
        .post_idem(&path, &w.kolya, body, "dlv-1")
        .await
        .expect(200);
    assert_eq!(again["state"], "delivered");
    let e = w.equipment(&cooler).await;
    assert_eq!(e["state"], "at_client");
    let moves = e["history"]
        .as_array()
        .map(|h| h.iter().filter(|m| m["to"] == "at_client").count());
    assert_eq!(moves, Some(1), "{e}");
    assert_eq!(w.agreement(&id_of(&won["rental"])).await["state"], "active");
}

#[tokio::test]
async fn the_months_rent_is_prorated_and_waived_by_the_bottles_the_address_took() {
    let w = world().await;
    // Last month, from its first day and from its 15th.
    let today = chrono::NaiveDate::parse_from_str(&w.app.today(), "%Y-%m-%d").expect("today");
    let this_month = today.format("%Y-%m-01").to_string();
    let last_first = chrono::NaiveDate::parse_from_str(&this_month, "%Y-%m-%d")
        .expect("first")
        .pred_opt()
        .expect("last month")
        .format("%Y-%m-01")
        .to_string();
    let month = last_first[..7].to_string();
    let first = chrono::NaiveDate::parse_from_str(&last_first, "%Y-%m-%d").expect("first");
    let days_in_month = i64::from(
        (chrono::NaiveDate::parse_from_str(&this_month, "%Y-%m-%d").expect("this") - first)
            .num_days() as u32,
    );
    let fifteenth = first.with_day0(14).expect("15th").to_string();

    for (name, phone, serial, start, bottles) in [
        (
            "Офис Альфа",
            "+79161234580",
            "A-1",
            last_first.as_str(),
            4u32,
        ),
        ("Офис Бета", "+79161234581", "B-1", last_first.as_str(), 2),
        ("Офис Гамма", "+79161234582", "C-1", fifteenth.as_str(), 0),
    ] {
        let (client, address) = w.app.client(name, "legal", phone).await;
        let cooler = w.cooler(serial).await;
        // A manager enters what happened last month.
        let mut body = w.rental((&client, &address), &cooler, start);
        body["delivery"]["lines"] = json!([]);
        let made = w
            .app
            .post("/api/rentals", &w.manager, body)
            .await
            .expect(201);
        let oid = id_of(&made["order"]);
        w.dispatch(&oid).await;
        w.deliver(&oid, 0).await.expect(200);
        if bottles > 0 {
            let o = w
                .app
                .order(
                    &w.manager,
                    json!({ "client_id": client, "address_id": address,
                            "lines": [{ "product_id": w.water, "qty": bottles }],
                            "delivery_date": fifteenth, "courier_id": w.kolya_id }),
                )
                .await;
            w.dispatch(&id_of(&o)).await;
            w.deliver(&id_of(&o), 0).await.expect(200);
        }
    }
    let r = w
        .app
        .get(&format!("/api/reports/rentals?month={month}"), &w.manager)
        .await
        .ok();
    assert_eq!(r["month"], json!(month));
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{r}");
    let row = |name: &str| {
        rows.iter()
            .find(|x| x["client_name"] == name)
            .unwrap_or_else(|| panic!("{name} in {r}"))
            .clone()
    };
    let alpha = row("Офис Альфа");
    assert_eq!(
        (&alpha["bottles"], &alpha["waived"], &alpha["amount"]),
        (&json!(4), &json!(true), &json!(0))
    );
    let beta = row("Офис Бета");
    assert_eq!(
        (
            &beta["bottles"],
            &beta["waived"],
            &beta["amount"],
            &beta["days"]
        ),
        (
            &json!(2),
            &json!(false),
            &json!(50_000),
            &json!(days_in_month)
        )
    );
    let gamma = row("Офис Гамма");
    let days = days_in_month - 14;
    let prorated = (50_000 * days * 2 + days_in_month) / (2 * days_in_month);
    assert_eq!(
        (&gamma["days"], &gamma["amount"]),
        (&json!(days), &json!(prorated))
    );
    assert_eq!(r["total"], json!(50_000 + prorated));
    assert_eq!((&r["agreements"], &r["waived"]), (&json!(3), &json!(1)));

    // The CSV and the workbook say the same.
    let (headers, records) = w
        .app
        .csv_rows(
            &format!("/api/reports/rentals?month={month}&format=csv"),
            &w.manager,
        )
        .await;
    let col = |h: &str| headers.iter().position(|x| x == h).expect(h);
    let amounts: i64 = records
        .iter()
        .map(|r| r[col("amount")].parse::<i64>().expect("amount"))
        .sum();
    assert_eq!(amounts, 50_000 + prorated);
    let waived: Vec<&str> = records
        .iter()
        .filter(|r| &r[col("waived")] == "true")
        .map(|r| &r[col("serial")])
        .collect();
    assert_eq!(waived, ["A-1"]);
    let sheet = w
        .app
        .xlsx_sheet(
            &format!("/api/reports/rentals?month={month}&format=xlsx&lang=ru"),
            &w.manager,
            "Аренда к оплате",
        )
        .await;
    assert_eq!(sheet[0][0], "Договор");
    let total = sheet.last().expect("totals");
    assert_eq!(total[0], "Итого");
    let expected = (50_000 + prorated) as f64 / 100.0;
    assert_eq!(
        total.last().map(|s| s.parse::<f64>().ok()),
        Some(Some(expected))
    );
    // This month: each still in force, none waived yet.
    let now = w.app.get("/api/reports/rentals", &w.manager).await.ok();
    assert_eq!(now["agreements"], 3);
    // A month before any of them: nothing.
    let before = first
        .pred_opt()
        .expect("before")
        .format("%Y-%m")
        .to_string();
    let empty = w
        .app
        .get(&format!("/api/reports/rentals?month={before}"), &w.manager)
        .await
        .ok();
    assert_eq!(
        (&empty["agreements"], &empty["total"]),
        (&json!(0), &json!(0))
    );
    for bad in ["2026-13", "26-01", "2026-1", "x"] {
        let e = w
            .app
            .get(&format!("/api/reports/rentals?month={bad}"), &w.manager)
            .await
            .error(422);
        assert_eq!(e["field"], "month", "{bad}: {e}");
    }
}

#[tokio::test]
async fn coolers_come_due_for_sanitation_and_a_sanitation_stop_starts_the_interval_again() {
    let w = world().await;
    let settings = w.app.get("/api/settings/equipment", &w.op).await.ok();
    assert_eq!(settings["sanitation_months"], 6, "{settings}");
    for (body, field) in [
        (json!({ "sanitation_months": 25 }), "sanitation_months"),
        (
            json!({ "sanitation_months": 6, "sanitation_product_id": "nope" }),
            "sanitation_product_id",
        ),
    ] {
        let e = w
            .app
            .put("/api/settings/equipment", &w.manager, body)
            .await
            .error(422);
        assert_eq!(e["field"], field, "{e}");
    }
    let san = w.app.product("SAN", "service", 80_000, false).await;
    w.app
        .put(
            "/api/settings/equipment",
            &w.manager,
            json!({ "sanitation_months": 6, "sanitation_product_id": san }),
        )
        .await
        .expect(200);

    // One cooler went out seven months ago, another today.
    let long_ago = w.app.day(-210);
    let today = w.app.today();
    let mut coolers = vec![];
    for (name, phone, serial, day) in [
        ("Старый Кулер", "+79161234590", "OLD-1", long_ago.as_str()),
        ("Новый Кулер", "+79161234591", "NEW-1", today.as_str()),
    ] {
        let (client, address) = w.app.client(name, "individual", phone).await;
        let cooler = w.cooler(serial).await;
        let mut body = w.rental((&client, &address), &cooler, day);
        body["delivery"]["lines"] = json!([]);
        let made = w
            .app
            .post("/api/rentals", &w.manager, body)
            .await
            .expect(201);
        let oid = id_of(&made["order"]);
        w.dispatch(&oid).await;
        w.deliver(&oid, 100_000).await.expect(200);
        coolers.push((cooler, id_of(&made["rental"])));
    }
    let (old, old_rental) = coolers[0].clone();
    assert_eq!(w.equipment(&old).await["sanitized_on"], json!(long_ago));
    let due_old = (chrono::NaiveDate::parse_from_str(&long_ago, "%Y-%m-%d").expect("day")
        + chrono::Months::new(6))
    .to_string();
    assert_eq!(
        w.agreement(&old_rental).await["sanitation_due"],
        json!(due_old)
    );

    let r = w.app.get("/api/reports/sanitation", &w.manager).await.ok();
    let rows = r["rows"].as_array().expect("rows").clone();
    assert_eq!(rows.len(), 1, "only the old one is due within 30 days: {r}");
    assert_eq!(
        (&rows[0]["serial"], &rows[0]["due"], &rows[0]["client_name"]),
        (&json!("OLD-1"), &json!(due_old), &json!("Старый Кулер"))
    );
    assert!(
        rows[0]["overdue_days"].as_i64().is_some_and(|d| d > 0),
        "{r}"
    );
    assert_eq!(r["overdue"], 1);
    // Looking further ahead finds the new one too, after the old one.
    let far = w
        .app
        .get("/api/reports/sanitation?within_days=200", &w.manager)
        .await
        .ok();
    let serials: Vec<&Value> = far["rows"]
        .as_array()
        .map(|r| r.iter().map(|x| &x["serial"]).collect())
        .unwrap_or_default();
    assert_eq!(serials, [&json!("OLD-1"), &json!("NEW-1")]);
    w.app
        .get("/api/reports/sanitation?within_days=400", &w.manager)
        .await
        .error(422);

    // The operator orders the sanitation: the company's service, at the address.
    let body = json!({ "delivery_date": today, "courier_id": w.kolya_id });
    let o = w
        .app
        .post_idem(
            &format!("/api/equipment/{old}/sanitation"),
            &w.op,
            body.clone(),
            "san-1",
        )
        .await
        .expect(201);
    let again = w
        .app
        .post_idem(
            &format!("/api/equipment/{old}/sanitation"),
            &w.op,
            body,
            "san-1",
        )
        .await
        .expect(201);
    assert_eq!(o, again, "one order for the retried request");
    assert_eq!(o["equipment"][0]["action"], "sanitize");
    assert_eq!(o["lines"][0]["product_id"], json!(san));
    assert_eq!(o["total"], 80_000);
    let listed = w.app.get("/api/reports/sanitation", &w.manager).await.ok();
    assert_eq!(listed["rows"][0]["order_number"], o["number"]);
    assert_eq!(listed["ordered"], 1);
    // Read back as CSV and as a workbook.
    let (_, records) = w
        .app
        .csv_rows("/api/reports/sanitation?format=csv", &w.manager)
        .await;
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][3], "OLD-1");
    assert_eq!(&records[0][11], o["number"].to_string());
    let sheet = w
        .app
        .xlsx_sheet(
            "/api/reports/sanitation?format=xlsx&lang=ru",
            &w.manager,
            "Санобработка",
        )
        .await;
    assert_eq!(sheet.len(), 2, "{sheet:?}");
    assert_eq!(sheet[1][3], "OLD-1");

    // Delivered: sanitised today, due again in six months, off the list.
    let oid = id_of(&o);
    w.dispatch(&oid).await;
    w.deliver(&oid, 80_000).await.expect(200);
    assert_eq!(w.equipment(&old).await["sanitized_on"], json!(today));
    let next = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").expect("today")
        + chrono::Months::new(6))
    .to_string();
    assert_eq!(
        w.agreement(&old_rental).await["sanitation_due"],
        json!(next)
    );
    let after = w.app.get("/api/reports/sanitation", &w.manager).await.ok();
    assert_eq!(after["rows"], json!([]), "{after}");

    // Only equipment at a client is sanitised there.
    let spare = w.cooler("SPARE-1").await;
    let e = w
        .app
        .post(
            &format!("/api/equipment/{spare}/sanitation"),
            &w.op,
            json!({ "delivery_date": today }),
        )
        .await
        .error(409);
    assert_eq!(e["code"], "invalid_transition");
}
