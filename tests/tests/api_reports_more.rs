//! The reports' XLSX exports opened and read cell by cell, the figures
//! behind the charts against hand-worked data, and call lists made from the
//! lost clients and worked by operators (roles, idempotency, races).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
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

/// A GET's raw bytes with its content type and disposition.
async fn download(app: &App, token: &str, path: &str) -> (Vec<u8>, String, String) {
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    (r.bytes().await.expect("body").to_vec(), ct, cd)
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook's sheets, each as rows of cells, and the cell styles.
struct Book {
    wb: Xlsx<Cursor<Vec<u8>>>,
}

impl Book {
    async fn get(app: &App, token: &str, path: &str, file: &str) -> Book {
        let (bytes, ct, cd) = download(app, token, path).await;
        assert_eq!(ct, XLSX, "{path}");
        assert_eq!(cd, format!("attachment; filename=\"{file}\""), "{path}");
        let wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a readable XLSX");
        Book { wb }
    }

    fn names(&self) -> Vec<String> {
        self.wb.sheet_names()
    }

    fn rows(&mut self, sheet: &str) -> Vec<Vec<Data>> {
        let range = self.wb.worksheet_range(sheet).expect("sheet");
        assert_eq!(range.start(), Some((0, 0)), "{sheet} starts at A1");
        range.rows().map(|r| r.to_vec()).collect()
    }

    /// The number format of a cell, and whether it is bold.
    fn style(&mut self, sheet: &str, row: u32, col: u32) -> (String, bool) {
        let styles = self.wb.worksheet_style(sheet).expect("styles");
        let s = styles.get((row, col)).cloned().unwrap_or_default();
        (
            s.number_format.map(|f| f.format_code).unwrap_or_default(),
            s.font.is_some_and(|f| f.is_bold()),
        )
    }
}

fn s(v: &str) -> Data {
    Data::String(v.to_string())
}

fn n(v: f64) -> Data {
    Data::Float(v)
}

/// Excel's serial number of a date (days since 1899-12-30).
fn serial(date: &str) -> f64 {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
    (d - epoch).num_days() as f64
}

fn date_of(cell: &Data) -> f64 {
    match cell {
        Data::DateTime(d) => d.as_f64(),
        other => panic!("not a date cell: {other:?}"),
    }
}

struct World {
    app: App,
    manager: String,
    olga: String,
    kolya: String,
    petya: String,
}

/// The data set of `api_reports.rs`, worked out by hand there: two couriers,
/// two operators and a manager, three clients, twelve orders around today.
async fn world() -> World {
    let app = spawn_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (_, olga) = app.user("olga", "operator", None).await;
    let (_, oleg) = app.user("oleg", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (petya, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let w5 = app.product("W5", "water", 9000, false).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 50000, false).await;
    let san = app.product("SAN", "service", 30000, false).await;
    let (anna, anna_addr) = app.client("Анна Иванова", "individual", "9123456789").await;
    let (boris, boris_addr) = app
        .client("Boris Smirnov", "individual", "9161112233")
        .await;
    let r = app
        .post(
            "/api/clients",
            &manager,
            json!({ "kind": "legal", "name": "OOO \"Romashka\", Moscow", "phones": ["9031112233"],
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
    #[allow(clippy::type_complexity)]
    let orders: Vec<(&str, &str, &str, String, Value, Option<&str>, &[&str])> = vec![
        // 1. T-5: 2 bottles + 3 cups = 54500, Kolya.
        (
            &manager,
            &anna,
            &anna_addr,
            d(-5),
            json!([line(&water, 2), line(&cups, 3)]),
            k,
            delivered,
        ),
        // 2. T-3: 10 x 200.00 + pump 450.00 = 245000, Kolya.
        (
            &manager,
            &romashka,
            &rb1,
            d(-3),
            json!([line(&water, 10), line(&pump, 1)]),
            k,
            delivered,
        ),
        // 3. T: 5 x 20000 + 2 x 9000 + 30000 = 148000, Petya.
        (
            &olga,
            &romashka,
            &rb2,
            d(0),
            json!([line(&water, 5), line(&w5, 2), line(&san, 1)]),
            p,
            delivered,
        ),
        // 4. T+5: 25000, Petya.
        (
            &oleg,
            &anna,
            &anna_addr,
            d(5),
            json!([line(&water, 1)]),
            p,
            delivered,
        ),
        // 5. T: 75000, Kolya, one failed attempt first.
        (
            &olga,
            &boris,
            &boris_addr,
            d(0),
            json!([line(&water, 3)]),
            k,
            &["dispatch", "fail", "dispatch", "deliver"],
        ),
        // 6. T+1: cancelled after dispatch.
        (
            &olga,
            &boris,
            &boris_addr,
            d(1),
            json!([line(&water, 2), line(&cups, 1)]),
            p,
            &["dispatch", "cancel"],
        ),
        // 7. T+2: failed twice, open (new).
        (
            &oleg,
            &anna,
            &anna_addr,
            d(2),
            json!([line(&water, 4)]),
            k,
            &["dispatch", "fail", "dispatch", "fail"],
        ),
        // 8. T: dispatched, open.
        (
            &oleg,
            &romashka,
            &rb1,
            d(0),
            json!([line(&cups, 10)]),
            p,
            &["dispatch"],
        ),
        // 9. T-6 (outside): 7 x 25000 + 50000 = 225000, Kolya.
        (
            &manager,
            &anna,
            &anna_addr,
            d(-6),
            json!([line(&water, 7), line(&pump, 1)]),
            k,
            delivered,
        ),
        // 10. T+6 (outside): 9 x 20000 + 2 x 1500 = 183000, Petya.
        (
            &olga,
            &romashka,
            &rb1,
            d(6),
            json!([line(&water, 9), line(&cups, 2)]),
            p,
            delivered,
        ),
        // 11. T-1: 25000 + 2 x 1500 = 28000, Kolya.
        (
            &manager,
            &anna,
            &anna_addr,
            d(-1),
            json!([line(&water, 1), line(&cups, 2)]),
            k,
            delivered,
        ),
        // 12. T+4: 2 x 20000 = 40000, Kolya.
        (
            &olga,
            &romashka,
            &rb2,
            d(4),
            json!([line(&water, 2)]),
            k,
            delivered,
        ),
    ];
    for (token, client, addr, date, lines, courier, steps) in orders {
        placed(&app, token, client, addr, &date, lines, courier, steps).await;
    }
    World {
        app,
        manager,
        olga,
        kolya,
        petya,
    }
}

impl World {
    fn range(&self, report: &str, from: i64, to: i64) -> String {
        format!(
            "/api/reports/{report}?from={}&to={}",
            self.app.day(from),
            self.app.day(to)
        )
    }
}

// ---------- XLSX ----------

#[tokio::test]
async fn xlsx_exports_have_a_header_typed_cells_and_a_totals_row() {
    let w = world().await;
    let (from, to) = (w.app.day(-5), w.app.day(5));
    let path = format!("{}&format=xlsx", w.range("deliveries", -5, 5));
    let mut book = Book::get(
        &w.app,
        &w.manager,
        &path,
        &format!("deliveries_{from}_{to}.xlsx"),
    )
    .await;
    assert_eq!(book.names(), ["Deliveries"]);
    let rows = book.rows("Deliveries");
    assert_eq!(
        rows[0],
        [
            "Courier",
            "Client",
            "Client type",
            "Orders",
            "Water, units",
            "Amount"
        ]
        .map(s)
    );
    // The rows of the JSON report, in its order: by courier, then client.
    let json_r = w
        .app
        .get(&w.range("deliveries", -5, 5), &w.manager)
        .await
        .ok();
    let want: Vec<Vec<Data>> = json_r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            vec![
                s(r["courier_name"].as_str().expect("courier")),
                s(r["client_name"].as_str().expect("client")),
                s(r["client_kind"]
                    .as_str()
                    .map(|k| if k == "legal" { "legal entity" } else { k })
                    .expect("kind")),
                n(r["orders"].as_f64().expect("orders")),
                n(r["water_qty"].as_f64().expect("water")),
                n(r["amount"].as_f64().expect("amount") / 100.0),
            ]
        })
        .collect();
    assert_eq!(rows[1..6], want[..]);
    // Worked by hand: Kolya and Anna, 2 orders, 3 bottles, 825.00.
    let anna = vec![
        s("kolya name"),
        s("Анна Иванова"),
        s("individual"),
        n(2.0),
        n(3.0),
        n(825.0),
    ];
    assert!(rows.contains(&anna), "{rows:?}");
    assert_eq!(
        rows[6],
        vec![
            s("Total"),
            Data::Empty,
            Data::Empty,
            n(7.0),
            n(26.0),
            n(6155.0)
        ]
    );
    assert_eq!(rows.len(), 7);
    // Money has two decimals, counts none; the header and the totals are bold.
    assert_eq!(
        book.style("Deliveries", 1, 5),
        ("#,##0.00".to_string(), false)
    );
    assert_eq!(book.style("Deliveries", 1, 3).0, "0");
    assert!(book.style("Deliveries", 0, 0).1);
    assert_eq!(
        book.style("Deliveries", 6, 5),
        ("#,##0.00".to_string(), true)
    );

    // Sales, with Russian headers.
    let path = format!("{}&format=xlsx&lang=ru", w.range("sales", -5, 5));
    let mut book = Book::get(
        &w.app,
        &w.manager,
        &path,
        &format!("sales_{from}_{to}.xlsx"),
    )
    .await;
    assert_eq!(book.names(), ["Продажи"]);
    let rows = book.rows("Продажи");
    assert_eq!(rows[0], ["Товар", "Вид", "Количество", "Сумма"].map(s));
    let mut body: Vec<Vec<Data>> = rows[1..rows.len() - 1].to_vec();
    body.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(
        body,
        vec![
            vec![s("Product CUPS"), s("товар"), n(5.0), n(75.0)],
            vec![s("Product PUMP"), s("товар"), n(1.0), n(450.0)],
            vec![s("Product SAN"), s("услуга"), n(1.0), n(300.0)],
        ]
    );
    assert_eq!(
        rows[rows.len() - 1],
        vec![s("Итого"), Data::Empty, n(7.0), n(825.0)]
    );

    // Orders: the figures with their total, then the operators with theirs.
    let path = format!("{}&format=xlsx", w.range("orders", -5, 5));
    let mut book = Book::get(
        &w.app,
        &w.manager,
        &path,
        &format!("orders_{from}_{to}.xlsx"),
    )
    .await;
    assert_eq!(book.names(), ["Orders", "By operator", "Calls"]);
    let rows = book.rows("Orders");
    assert_eq!(
        rows,
        vec![
            vec![s("Measure"), s("Orders")],
            vec![s("Delivered"), n(7.0)],
            vec![s("Cancelled"), n(1.0)],
            vec![s("Open"), n(2.0)],
            vec![s("Total"), n(10.0)],
            vec![Data::Empty, Data::Empty],
            vec![s("Failed delivery attempts"), n(3.0)],
        ]
    );
    let rows = book.rows("By operator");
    assert_eq!(rows[0], ["Operator", "Created", "Delivered"].map(s));
    let ops: BTreeMap<String, (f64, f64)> = rows[1..rows.len() - 1]
        .iter()
        .map(|r| match r.as_slice() {
            [Data::String(name), Data::Float(c), Data::Float(d)] => (name.clone(), (*c, *d)),
            other => panic!("operator row {other:?}"),
        })
        .collect();
    assert_eq!(
        ops,
        BTreeMap::from([
            ("mira name".to_string(), (3.0, 3.0)),
            ("olga name".to_string(), (4.0, 3.0)),
            ("oleg name".to_string(), (3.0, 1.0)),
        ])
    );
    assert_eq!(rows[rows.len() - 1], vec![s("Total"), n(10.0), n(7.0)]);

    // The chart data exports too.
    let path = format!("{}&format=xlsx", w.range("deliveries/daily", 0, 0));
    let day = w.app.day(0);
    let mut book = Book::get(
        &w.app,
        &w.manager,
        &path,
        &format!("deliveries-daily_{day}_{day}.xlsx"),
    )
    .await;
    let rows = book.rows("Water per day");
    assert_eq!(rows.len(), 4);
    assert_eq!(date_of(&rows[1][0]), serial(&day));
    assert_eq!(rows[1][1..], [s("kolya name"), n(1.0), n(3.0), n(750.0)]);
    assert_eq!(rows[2][1..], [s("petya name"), n(1.0), n(7.0), n(1480.0)]);
    assert_eq!(
        rows[3],
        vec![s("Total"), Data::Empty, n(2.0), n(10.0), n(2230.0)]
    );
    assert_eq!(book.style("Water per day", 1, 0).0, "yyyy-mm-dd");

    // A grouping of the deliveries report, streamed, in Russian: a day and
    // courier per row, as the JSON rows, with the totals under them.
    let (from, to) = (w.app.day(-5), w.app.day(5));
    let q = format!("{}&group=courier_day", w.range("deliveries", -5, 5));
    let json_r = w.app.get(&q, &w.manager).await.ok();
    let mut book = Book::get(
        &w.app,
        &w.manager,
        &format!("{q}&format=xlsx&lang=ru"),
        &format!("deliveries-by-courier_day_{from}_{to}.xlsx"),
    )
    .await;
    assert_eq!(book.names(), ["Доставки"]);
    let rows = book.rows("Доставки");
    assert_eq!(
        rows[0],
        ["Дата", "Курьер", "Заказов", "Воды, шт.", "Сумма"].map(s)
    );
    let want: Vec<Vec<Data>> = json_r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            vec![
                Data::Float(serial(r["date"].as_str().expect("date"))),
                s(r["courier_name"].as_str().expect("courier")),
                n(r["orders"].as_f64().expect("orders")),
                n(r["water_qty"].as_f64().expect("water")),
                n(r["amount"].as_f64().expect("amount") / 100.0),
            ]
        })
        .collect();
    let got: Vec<Vec<Data>> = rows[1..rows.len() - 1]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r[0] = Data::Float(date_of(&r[0]));
            r
        })
        .collect();
    assert_eq!(got, want);
    let t = &json_r["totals"];
    assert_eq!(
        rows[rows.len() - 1],
        vec![
            s("Итого"),
            Data::Empty,
            n(t["orders"].as_f64().expect("orders")),
            n(t["water_qty"].as_f64().expect("water")),
            n(t["amount"].as_f64().expect("amount") / 100.0)
        ]
    );
    assert!(
        book.style("Доставки", (rows.len() - 1) as u32, 4).1,
        "bold totals"
    );
}

#[tokio::test]
async fn a_bad_format_or_language_is_refused() {
    let w = world().await;
    for (q, field) in [("format=pdf", "format"), ("format=xlsx&lang=de", "lang")] {
        for report in [
            "deliveries",
            "sales",
            "orders",
            "deliveries/daily",
            "orders/daily",
        ] {
            let e = w
                .app
                .get(&format!("/api/reports/{report}?{q}"), &w.manager)
                .await
                .error(422);
            assert_eq!(e["field"], field, "{report}?{q}");
        }
        for report in ["lost-clients", "lost-clients/monthly"] {
            let e = w
                .app
                .get(&format!("/api/reports/{report}?{q}"), &w.manager)
                .await
                .error(422);
            assert_eq!(e["field"], field, "{report}?{q}");
        }
    }
    // CSV files are named after the report and its range too.
    let (_, ct, cd) = download(
        &w.app,
        &w.manager,
        "/api/reports/sales?from=2025-01-01&to=2025-01-31&format=csv",
    )
    .await;
    assert!(ct.starts_with("text/csv"));
    assert_eq!(
        cd,
        "attachment; filename=\"sales_2025-01-01_2025-01-31.csv\""
    );
}

// ---------- chart data ----------

#[tokio::test]
async fn water_per_courier_per_day_adds_up_to_the_deliveries_report() {
    let w = world().await;
    let r = w
        .app
        .get(&w.range("deliveries/daily", -5, 5), &w.manager)
        .await
        .expect(200);
    let d = |n: i64| w.app.day(n);
    let rows: Vec<(String, String, i64, i64, i64)> = r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|x| {
            (
                x["date"].as_str().expect("date").to_string(),
                x["courier_id"].as_str().expect("courier").to_string(),
                x["orders"].as_i64().expect("orders"),
                x["water_qty"].as_i64().expect("water"),
                x["amount"].as_i64().expect("amount"),
            )
        })
        .collect();
    let (k, p) = (w.kolya.clone(), w.petya.clone());
    // By day, then courier name; the cancelled, open and outside orders do not count.
    assert_eq!(
        rows,
        vec![
            (d(-5), k.clone(), 1, 2, 54500),
            (d(-3), k.clone(), 1, 10, 245000),
            (d(-1), k.clone(), 1, 1, 28000),
            (d(0), k.clone(), 1, 3, 75000),
            (d(0), p.clone(), 1, 7, 148000),
            (d(4), k.clone(), 1, 2, 40000),
            (d(5), p.clone(), 1, 1, 25000),
        ]
    );
    assert_eq!(r["rows"][3]["courier_name"], "kolya name");
    assert_eq!(
        r["totals"],
        json!({ "orders": 7, "water_qty": 26, "amount": 615500 })
    );
    // The same totals as the deliveries report of the range.
    let deliveries = w
        .app
        .get(&w.range("deliveries", -5, 5), &w.manager)
        .await
        .ok();
    assert_eq!(r["totals"], deliveries["totals"]);
    // CSV has the same rows.
    let (bytes, _, _) = download(
        &w.app,
        &w.manager,
        &format!("{}&format=csv", w.range("deliveries/daily", -5, 5)),
    )
    .await;
    let text = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "date,courier_id,courier_name,orders,water_qty,amount"
    );
    assert_eq!(lines[5], format!("{},{p},petya name,1,7,148000", d(0)));
    assert_eq!(lines.len(), 8);

    // By month (a chart drawn by month): the same rows summed per courier
    // and month, dated on the month's first day.
    let by_month = w
        .app
        .get(
            &format!("{}&by=month", w.range("deliveries/daily", -5, 5)),
            &w.manager,
        )
        .await
        .expect(200);
    assert_eq!(by_month["totals"], r["totals"]);
    let mut want: std::collections::BTreeMap<(String, String), (i64, i64, i64)> =
        Default::default();
    for (date, courier, o, q, a) in &rows {
        let e = want
            .entry((format!("{}-01", &date[..7]), courier.clone()))
            .or_default();
        e.0 += o;
        e.1 += q;
        e.2 += a;
    }
    let got: std::collections::BTreeMap<(String, String), (i64, i64, i64)> = by_month["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|x| {
            (
                (
                    x["date"].as_str().expect("date").to_string(),
                    x["courier_id"].as_str().expect("courier").to_string(),
                ),
                (
                    x["orders"].as_i64().expect("orders"),
                    x["water_qty"].as_i64().expect("water"),
                    x["amount"].as_i64().expect("amount"),
                ),
            )
        })
        .collect();
    assert_eq!(got, want);
    let bad = w
        .app
        .get(
            &format!("{}&by=week", w.range("deliveries/daily", -5, 5)),
            &w.manager,
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
}

#[tokio::test]
async fn orders_per_day_by_state_add_up_to_the_orders_report() {
    let w = world().await;
    let r = w
        .app
        .get(&w.range("orders/daily", -5, 5), &w.manager)
        .await
        .expect(200);
    let d = |n: i64| w.app.day(n);
    let day = |date: String, new, delivery, delivered, cancelled, failed| {
        json!({ "date": date, "new": new, "delivery": delivery, "delivered": delivered,
                "cancelled": cancelled, "failed_attempts": failed })
    };
    assert_eq!(
        r["rows"],
        json!([
            day(d(-5), 0, 0, 1, 0, 0),
            day(d(-3), 0, 0, 1, 0, 0),
            day(d(-1), 0, 0, 1, 0, 0),
            day(d(0), 0, 1, 2, 0, 1),
            day(d(1), 0, 0, 0, 1, 0),
            day(d(2), 1, 0, 0, 0, 2),
            day(d(4), 0, 0, 1, 0, 0),
            day(d(5), 0, 0, 1, 0, 0),
        ])
    );
    assert_eq!(
        r["totals"],
        json!({ "new": 1, "delivery": 1, "delivered": 7, "cancelled": 1, "failed_attempts": 3 })
    );
    let report = w.app.get(&w.range("orders", -5, 5), &w.manager).await.ok();
    assert_eq!(report["total"], 10);
    assert_eq!(report["open"], 2);
    assert_eq!(report["failed_attempts"], 3);
}

#[tokio::test]
async fn only_managers_see_the_chart_data() {
    let w = world().await;
    let (_, courier) = w.app.user("vova", "courier", None).await;
    for path in [
        "/api/reports/deliveries/daily",
        "/api/reports/orders/daily",
        "/api/reports/lost-clients/monthly",
        "/api/reports/deliveries?format=xlsx",
    ] {
        w.app.get(path, &w.olga).await.error(403);
        w.app.get(path, &courier).await.error(403);
        w.app.get(path, &w.app.admin).await.expect(200);
    }
}

// ---------- lost clients per month ----------

struct Lost {
    app: App,
    manager: String,
    ids: BTreeMap<&'static str, String>,
}

/// The lost-clients histories of `api_reports.rs` around as_of = 2025-05-31.
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
    let delivered: &[&str] = &["dispatch", "deliver"];
    let histories: Vec<(&str, &str, &[&str], i64)> = vec![
        ("lost", "2025-01-10", delivered, 1),
        ("lost", "2025-02-27", delivered, 2),
        ("lost", "2025-04-01", &["cancel"], 3),
        ("calendar", "2025-03-01", delivered, 1),
        ("edge", "2025-02-28", delivered, 1),
        ("today", "2024-06-01", delivered, 1),
        ("today", "2025-05-31", delivered, 1),
        ("open", "2024-12-01", delivered, 1),
        ("open", "2025-07-01", &[], 1),
        ("dispatched", "2024-10-01", delivered, 1),
        ("dispatched", "2024-11-01", &["dispatch"], 1),
        ("never", "2024-10-01", &["cancel"], 1),
        ("later", "2025-01-15", delivered, 1),
        ("later", "2025-06-10", delivered, 1),
        ("old", "2024-03-15", delivered, 4),
    ];
    for (name, date, steps, qty) in histories {
        placed(
            &app,
            &manager,
            &ids[name],
            &addrs[name],
            date,
            json!([{ "product_id": water, "qty": qty }]),
            k,
            steps,
        )
        .await;
    }
    Lost { app, manager, ids }
}

#[tokio::test]
async fn lost_clients_per_month_count_who_left_who_came_back_and_who_is_gone() {
    let l = lost_data().await;
    let r = l
        .app
        .get(
            "/api/reports/lost-clients/monthly?as_of=2025-05-31&months=3&count=12",
            &l.manager,
        )
        .await
        .expect(200);
    assert_eq!(r["as_of"], "2025-05-31");
    assert_eq!(r["months"], 3);
    // Worked by hand. A client is lost on the first day whose window of three
    // calendar months starts after their last delivery:
    //   old 2024-03-15 -> 2024-06-16; today 2024-06-01 -> 2024-09-02 (back 2025-05-31);
    //   dispatched 2024-10-01 -> 2025-01-02; open 2024-12-01 -> 2025-03-02;
    //   later 2025-01-15 -> 2025-04-16; lost 2025-01-10 (next 02-27, in time),
    //   2025-02-27 -> 2025-05-28; edge 2025-02-28 -> 2025-06-01 and calendar
    //   2025-03-01 -> 2025-06-02 are after as_of; never had no delivery.
    let month = |m: &str, lost: i64, won: i64, end: i64| json!({ "month": m, "lost": lost, "won_back": won, "lost_at_end": end });
    assert_eq!(
        r["rows"],
        json!([
            month("2024-06", 1, 0, 1),
            month("2024-07", 0, 0, 1),
            month("2024-08", 0, 0, 1),
            month("2024-09", 1, 0, 2),
            month("2024-10", 0, 0, 2),
            month("2024-11", 0, 0, 2),
            month("2024-12", 0, 0, 2),
            month("2025-01", 1, 0, 3),
            month("2025-02", 0, 0, 3),
            month("2025-03", 1, 0, 4),
            month("2025-04", 1, 0, 5),
            month("2025-05", 1, 1, 5),
        ])
    );
    // By delivery history alone: the list of 2025-05-31 leaves out the two
    // clients with an open order (open, dispatched).
    let list = l
        .app
        .get(
            "/api/reports/lost-clients?as_of=2025-05-31&months=3",
            &l.manager,
        )
        .await
        .ok();
    assert_eq!(list["rows"].as_array().expect("rows").len(), 3);

    // Three months: the last three rows; the default count is twelve.
    let r3 = l
        .app
        .get(
            "/api/reports/lost-clients/monthly?as_of=2025-05-31&months=3&count=3",
            &l.manager,
        )
        .await
        .ok();
    assert_eq!(r3["rows"], json!(r["rows"].as_array().expect("rows")[9..]));
    let default = l
        .app
        .get(
            "/api/reports/lost-clients/monthly?as_of=2025-05-31",
            &l.manager,
        )
        .await
        .ok();
    assert_eq!(default, r);
    // As of mid-May, lost (2025-05-28) has not left yet and today has not come back.
    let mid = l
        .app
        .get(
            "/api/reports/lost-clients/monthly?as_of=2025-05-15&count=1",
            &l.manager,
        )
        .await
        .ok();
    assert_eq!(mid["rows"], json!([month("2025-05", 0, 0, 5)]));
    // Six months without a delivery: old leaves on 2024-09-16, today on 2024-12-02,
    let six = l
        .app
        .get(
            "/api/reports/lost-clients/monthly?as_of=2025-05-31&months=6&count=12",
            &l.manager,
        )
        .await
        .ok();
    let lost: Vec<(String, i64)> = six["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|m| m["lost"] != 0)
        .map(|m| {
            (
                m["month"].as_str().expect("month").to_string(),
                m["lost"].as_i64().expect("lost"),
            )
        })
        .collect();
    // dispatched on 2025-04-02; open on 2025-06-02, after as_of.
    let want = [("2024-09", 1), ("2024-12", 1), ("2025-04", 1)].map(|(m, n)| (m.to_string(), n));
    assert_eq!(lost, want);
    assert_eq!(six["rows"][11]["won_back"], 1);
    for bad in ["count=0", "count=61", "months=0", "as_of=2025-13-01"] {
        l.app
            .get(
                &format!("/api/reports/lost-clients/monthly?{bad}"),
                &l.manager,
            )
            .await
            .error(422);
    }
    // XLSX: months as dates, and the lost-clients list with its last delivery as a date.
    let path = "/api/reports/lost-clients/monthly?as_of=2025-05-31&format=xlsx";
    let mut book = Book::get(
        &l.app,
        &l.manager,
        path,
        "lost-clients-monthly_2025-05-31_3m.xlsx",
    )
    .await;
    let rows = book.rows("Lost per month");
    assert_eq!(rows.len(), 14);
    assert_eq!(date_of(&rows[12][0]), serial("2025-05-01"));
    assert_eq!(rows[12][1..], [n(1.0), n(1.0), n(5.0)]);
    assert_eq!(rows[13], vec![s("Total"), n(6.0), n(1.0), Data::Empty]);
    assert_eq!(book.style("Lost per month", 1, 0).0, "yyyy-mm");
    let path = "/api/reports/lost-clients?as_of=2025-05-31&format=xlsx";
    let mut book = Book::get(&l.app, &l.manager, path, "lost-clients_2025-05-31_3m.xlsx").await;
    let rows = book.rows("Lost clients");
    assert_eq!(
        rows[0],
        [
            "Client",
            "Client type",
            "Phones",
            "Last delivery",
            "Delivered orders"
        ]
        .map(s)
    );
    let row = rows
        .iter()
        .find(|r| r[0] == s("Client lost"))
        .expect("the lost client's row");
    assert_eq!(row[1..3], [s("legal entity"), s("+79030000001")]);
    assert_eq!(date_of(&row[3]), serial("2025-02-27"));
    assert_eq!(row[4], n(2.0));
    assert_eq!(
        rows[4],
        vec![s("Total"), n(3.0), Data::Empty, Data::Empty, n(4.0)]
    );
}

// ---------- call lists ----------

#[tokio::test]
async fn a_manager_makes_a_call_list_of_the_lost_clients_and_operators_work_it() {
    let l = lost_data().await;
    let (_, olga) = l.app.user("olga", "operator", None).await;
    let (_, oleg) = l.app.user("oleg", "operator", None).await;
    let lost = l
        .app
        .get(
            "/api/reports/lost-clients?as_of=2025-05-31&months=3",
            &l.manager,
        )
        .await
        .ok();
    let ids: Vec<String> = lost["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["client_id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    let body =
        json!({ "name": "Lost clients, 31 May", "client_ids": ids, "note": "offer a free pump" });
    let made = l
        .app
        .post_idem("/api/call-lists", &l.manager, body.clone(), "lost-1")
        .await
        .expect(201);
    let list_id = id_of(&made);
    assert_eq!(made["name"], "Lost clients, 31 May");
    assert_eq!(made["note"], "offer a free pump");
    assert_eq!(made["created_by_name"], "mira name");
    assert_eq!(
        (made["total"].as_i64(), made["done"].as_i64()),
        (Some(3), Some(0))
    );
    // A repeated click with the same key makes nothing new.
    let again = l
        .app
        .send(
            reqwest::Method::POST,
            "/api/call-lists",
            Some(&l.manager),
            Some(&body),
            Some("lost-1"),
        )
        .await;
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(id_of(&again.expect(201)), list_id);
    assert_eq!(l.app.count("/api/call-lists", &olga).await, 1);

    // Operators see the clients in the order given, with phones and last order.
    let list = l
        .app
        .get(&format!("/api/call-lists/{list_id}"), &olga)
        .await
        .expect(200);
    let items = list["items"].as_array().expect("items");
    let on_list: Vec<&str> = items
        .iter()
        .map(|i| i["client_id"].as_str().expect("id"))
        .collect();
    assert_eq!(on_list, ids);
    let item = items
        .iter()
        .find(|i| i["client_id"] == l.ids["lost"].as_str())
        .expect("lost client");
    assert_eq!(item["name"], "Client lost");
    assert_eq!(item["kind"], "legal");
    assert_eq!(item["phones"], json!(["+79030000001"]));
    // The last order that was not cancelled: the delivery of 2025-02-27.
    assert_eq!(item["last_order"]["delivery_date"], "2025-02-27");
    assert_eq!(item["last_order"]["state"], "delivered");
    assert_eq!(item["last_order"]["total"], 50000);
    assert_eq!(item["last_order"]["lines"][0]["qty"], 2);
    assert_eq!(item["done_at"], Value::Null);
    let old = items
        .iter()
        .find(|i| i["client_id"] == l.ids["old"].as_str())
        .expect("old client");
    assert_eq!(old["last_order"]["delivery_date"], "2024-03-15");

    // Olga calls the lost client.
    let done_path = format!("/api/call-lists/{list_id}/items/{}/done", l.ids["lost"]);
    let outcome = json!({ "outcome": "will order next week" });
    let done = l
        .app
        .post_idem(&done_path, &olga, outcome.clone(), "call-1")
        .await
        .expect(200);
    assert_eq!(done["client_id"], l.ids["lost"].as_str());
    assert_eq!(done["done_by_name"], "olga name");
    assert_eq!(done["outcome"], "will order next week");
    assert!(done["done_at"].is_string());
    assert_eq!(done["name"], "Client lost");
    // Her retry gets the same answer; Oleg is told someone was first.
    let retry = l
        .app
        .post_idem(&done_path, &olga, outcome.clone(), "call-1")
        .await
        .expect(200);
    assert_eq!(retry, done);
    let e = l
        .app
        .post(&done_path, &oleg, json!({ "outcome": "no answer" }))
        .await
        .error(409);
    assert_eq!(e["code"], "already_done");
    assert!(e["message"]
        .as_str()
        .expect("message")
        .contains("olga name"));
    let list = l
        .app
        .get(&format!("/api/call-lists/{list_id}"), &oleg)
        .await
        .ok();
    assert_eq!(list["done"], 1);
    let summaries = l.app.get("/api/call-lists", &oleg).await.ok();
    assert_eq!(summaries[0]["id"], list_id.as_str());
    assert_eq!(
        (
            summaries[0]["total"].as_i64(),
            summaries[0]["done"].as_i64()
        ),
        (Some(3), Some(1))
    );
    let item = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["client_id"] == l.ids["lost"].as_str())
        .expect("item")
        .clone();
    assert_eq!(item["outcome"], "will order next week");
}

#[tokio::test]
async fn two_operators_marking_the_same_call_at_once_close_it_once() {
    let l = lost_data().await;
    let (_, olga) = l.app.user("olga", "operator", None).await;
    let (_, oleg) = l.app.user("oleg", "operator", None).await;
    let ids = vec![l.ids["old"].clone(), l.ids["later"].clone()];
    let list = l
        .app
        .post(
            "/api/call-lists",
            &l.manager,
            json!({ "name": "Race", "client_ids": ids }),
        )
        .await
        .expect(201);
    let list_id = id_of(&list);
    for client in &ids {
        let path = format!("/api/call-lists/{list_id}/items/{client}/done");
        let (a, b) = tokio::join!(
            l.app.post(&path, &olga, json!({ "outcome": "ordered" })),
            l.app.post(&path, &oleg, json!({ "outcome": "no answer" }))
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
        let winner = if a.status == 200 { a.body } else { b.body };
        let stored = l
            .app
            .get(&format!("/api/call-lists/{list_id}"), &olga)
            .await
            .ok();
        let item = stored["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["client_id"] == client.as_str())
            .expect("item")
            .clone();
        assert_eq!(item["outcome"], winner["outcome"]);
        assert_eq!(item["done_by"], winner["done_by"]);
    }
}

#[tokio::test]
async fn call_lists_check_roles_and_input() {
    let l = lost_data().await;
    let (_, olga) = l.app.user("olga", "operator", None).await;
    let kolya = l.app.login("kolya", "password-1").await;
    let ids = vec![
        l.ids["old"].clone(),
        l.ids["old"].clone(),
        l.ids["lost"].clone(),
    ];
    let body = json!({ "name": "Mine", "client_ids": ids });
    // Only managers and admins make lists; couriers see none.
    l.app
        .post("/api/call-lists", &olga, body.clone())
        .await
        .error(403);
    l.app
        .post("/api/call-lists", &kolya, body.clone())
        .await
        .error(403);
    let list = l
        .app
        .post("/api/call-lists", &l.app.admin, body)
        .await
        .expect(201);
    let list_id = id_of(&list);
    // A repeated client is on the list once.
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    l.app.get("/api/call-lists", &kolya).await.error(403);
    l.app
        .get(&format!("/api/call-lists/{list_id}"), &kolya)
        .await
        .error(403);
    let path = format!("/api/call-lists/{list_id}/items/{}/done", l.ids["old"]);
    l.app
        .post(&path, &kolya, json!({ "outcome": "x" }))
        .await
        .error(403);
    // Input is checked, naming the field.
    let field = |e: Value| e["field"].as_str().unwrap_or_default().to_string();
    let bad = [
        (json!({ "name": " ", "client_ids": [l.ids["old"]] }), "name"),
        (json!({ "name": "x", "client_ids": [] }), "client_ids"),
        (
            json!({ "name": "x", "client_ids": [l.ids["old"], "nobody"] }),
            "client_ids[1]",
        ),
        (json!({ "name": "x", "client_ids": [""] }), "client_ids[0]"),
    ];
    for (body, f) in bad {
        let e = l
            .app
            .post("/api/call-lists", &l.manager, body.clone())
            .await
            .error(422);
        assert_eq!(field(e), f, "{body}");
    }
    let e = l
        .app
        .post(&path, &olga, json!({ "outcome": "" }))
        .await
        .error(422);
    assert_eq!(field(e), "outcome");
    l.app.post(&path, &olga, json!({})).await.error(422);
    // Unknown lists and clients not on the list are 404; nothing was marked.
    let e = l
        .app
        .post(
            "/api/call-lists/nope/items/x/done",
            &olga,
            json!({ "outcome": "x" }),
        )
        .await
        .error(404);
    assert!(e["message"]
        .as_str()
        .unwrap_or_default()
        .contains("call list"));
    l.app
        .post(
            &format!("/api/call-lists/{list_id}/items/{}/done", l.ids["today"]),
            &olga,
            json!({ "outcome": "x" }),
        )
        .await
        .error(404);
    l.app.get("/api/call-lists/nope", &olga).await.error(404);
    let list = l
        .app
        .get(&format!("/api/call-lists/{list_id}"), &olga)
        .await
        .ok();
    assert_eq!(list["done"], 0);
    assert_eq!(l.app.count("/api/call-lists", &olga).await, 1);
}

#[tokio::test]
async fn the_new_endpoints_are_in_the_openapi_document() {
    let app = spawn_app().await;
    let spec = app.get("/api/openapi.json", &app.admin).await.ok();
    for path in [
        "/api/reports/deliveries/daily",
        "/api/reports/orders/daily",
        "/api/reports/lost-clients/monthly",
        "/api/call-lists",
        "/api/call-lists/{id}",
        "/api/call-lists/{id}/items/{client_id}/done",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} is not documented");
    }
    for schema in [
        "DailyDeliveries",
        "DailyOrders",
        "LostMonthly",
        "CallList",
        "CreateCallList",
        "MarkCalled",
    ] {
        assert!(
            spec["components"]["schemas"][schema].is_object(),
            "{schema} is missing"
        );
    }
}
