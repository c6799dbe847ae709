//! The reports screens in real headless Chromium against the real server: a
//! manager opens each report for a range and the figures on screen (tables,
//! totals, chart bars) equal the API's; sorting and grouping work; the CSV
//! and Excel downloads really land in the browser's download directory; a
//! call list is made from the lost clients in one click, and an operator
//! works it on /calls. Screenshots of each screen go to `screenshots/`.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

struct World {
    app: App,
    manager: String,
    kolya: String,
    lost: Vec<String>,
}

/// Creates an order as `token`, then takes it through `steps` as admin.
async fn placed(
    app: &App,
    token: &str,
    client: (&str, &str),
    date: &str,
    lines: Value,
    courier: &str,
    steps: &[&str],
) {
    let o = app
        .order(
            token,
            json!({ "client_id": client.0, "address_id": client.1, "lines": lines, "delivery_date": date,
                    "courier_id": courier }),
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
}

/// Orders around today for the range reports, and clients who stopped
/// ordering in 2024-2025 for the lost-clients report.
async fn world() -> World {
    let app = served_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (_, olga) = app.user("olga", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (petya, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUPS", "goods", 1500, false).await;
    let san = app.product("SAN", "service", 30000, false).await;
    let anna = app.client("Анна Иванова", "individual", "9123456789").await;
    let boris = app
        .client("Boris Smirnov", "individual", "9161112233")
        .await;
    let romashka = app.client("OOO Romashka", "legal", "9031112233").await;
    let d = |n: i64| app.day(n);
    let line = |id: &str, qty: i64| json!({ "product_id": id, "qty": qty });
    let done: &[&str] = &["dispatch", "deliver"];
    let a = (anna.0.as_str(), anna.1.as_str());
    let b = (boris.0.as_str(), boris.1.as_str());
    let r = (romashka.0.as_str(), romashka.1.as_str());
    placed(
        &app,
        &manager,
        a,
        &d(-5),
        json!([line(&water, 2), line(&cups, 3)]),
        &kolya,
        done,
    )
    .await;
    placed(
        &app,
        &manager,
        r,
        &d(-3),
        json!([line(&water, 10)]),
        &kolya,
        done,
    )
    .await;
    placed(
        &app,
        &olga,
        r,
        &d(0),
        json!([line(&water, 5), line(&san, 1)]),
        &petya,
        done,
    )
    .await;
    placed(
        &app,
        &olga,
        b,
        &d(0),
        json!([line(&water, 3)]),
        &kolya,
        &["dispatch", "fail", "dispatch", "deliver"],
    )
    .await;
    placed(
        &app,
        &manager,
        b,
        &d(1),
        json!([line(&water, 2)]),
        &petya,
        &["dispatch", "cancel"],
    )
    .await;
    placed(
        &app,
        &olga,
        a,
        &d(2),
        json!([line(&water, 4)]),
        &kolya,
        &["dispatch"],
    )
    .await;
    placed(
        &app,
        &manager,
        a,
        &d(4),
        json!([line(&water, 1), line(&cups, 2)]),
        &petya,
        done,
    )
    .await;
    placed(
        &app,
        &olga,
        r,
        &d(9),
        json!([line(&water, 7)]),
        &petya,
        done,
    )
    .await;
    // Lost as of 2025-05-31 (three months): the last delivery before 2025-02-28.
    let mut lost = vec![];
    for (i, (name, last)) in [
        ("Vera Lost", "2025-02-10"),
        ("Gleb Gone", "2024-11-20"),
        ("Recent Rita", "2025-04-01"),
    ]
    .into_iter()
    .enumerate()
    {
        let c = app
            .client(name, "individual", &format!("90300000{i:02}"))
            .await;
        placed(
            &app,
            &manager,
            (&c.0, &c.1),
            "2024-09-01",
            json!([line(&water, 1)]),
            &kolya,
            done,
        )
        .await;
        placed(
            &app,
            &manager,
            (&c.0, &c.1),
            last,
            json!([line(&water, 2)]),
            &kolya,
            done,
        )
        .await;
        if name != "Recent Rita" {
            lost.push(c.0);
        }
    }
    World {
        app,
        manager,
        kolya,
        lost,
    }
}

/// Waits until the screen shows this report (`data-loaded`) and is not loading.
async fn shown(c: &Client, key: &str) {
    wait_until(c, "#reports", Some("data-loaded"), |v| v == key).await;
    wait_until(c, "#reports", Some("aria-busy"), |v| v == "false").await;
}

/// Waits until the deliveries table shows an answer whose query has `part`
/// (`#deliveries-grouped[data-loaded]` is the query, once it is loaded).
async fn grouped(c: &Client, part: &str) {
    wait_until(c, "#deliveries-grouped", Some("data-loaded"), |v| {
        v.contains(part)
    })
    .await;
}

/// The table's rows as (data-key, column -> data-value), in screen order.
async fn table(c: &Client, id: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let script = format!(
        "return [...document.querySelectorAll('#{id} tbody tr.report-row')].map(tr =>
            [tr.dataset.key, Object.fromEntries([...tr.querySelectorAll('td')].map(td => [td.dataset.col, td.dataset.value]))]);"
    );
    serde_json::from_value(js(c, &script).await).expect("rows")
}

async fn totals(c: &Client, id: &str) -> BTreeMap<String, String> {
    let script = format!(
        "return Object.fromEntries([...document.querySelectorAll('#{id} tr.report-totals td')]
            .map(td => [td.dataset.col, td.dataset.value]));"
    );
    serde_json::from_value(js(c, &script).await).expect("totals")
}

/// Every bar of a chart: (category, series) -> value.
async fn bars(c: &Client, id: &str) -> BTreeMap<(String, String), i64> {
    let script = format!(
        "return [...document.querySelectorAll('#{id} rect.bar[data-category]')]
            .map(r => [r.dataset.category, r.dataset.series, Number(r.dataset.value)]);"
    );
    let list: Vec<(String, String, i64)> =
        serde_json::from_value(js(c, &script).await).expect("bars");
    list.into_iter().map(|(cat, s, v)| ((cat, s), v)).collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A file that finished downloading into `dir`.
async fn downloaded(dir: &Path, name: &str) -> Vec<u8> {
    let path: PathBuf = dir.join(name);
    let deadline = Instant::now() + WAIT;
    loop {
        let partial = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
            })
            .unwrap_or(false);
        if path.exists() && !partial {
            return std::fs::read(&path).expect("read download");
        }
        assert!(
            Instant::now() < deadline,
            "{name} was not downloaded; the directory has {:?}",
            std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page fits the 1366 px window: no sideways scrolling.
async fn fits(c: &Client) {
    let w = js(
        c,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    assert!(
        w[0].as_i64() <= w[1].as_i64(),
        "the page scrolls sideways: {w}"
    );
}

#[tokio::test]
async fn a_manager_reads_the_four_reports_downloads_them_and_operators_call_the_lost_clients() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let downloads = tempfile::tempdir().expect("download dir");
    let (_driver, c) = browser_with("en-US", Some(downloads.path())).await;
    log_in(&c, &w.app, "mira").await;
    click(&c, "#nav-reports").await;
    wait_until(&c, "#reports", Some("aria-busy"), |v| v == "false").await;
    let (from, to) = (w.app.day(-5), w.app.day(5));
    let q = format!("from={from}&to={to}");
    set_value(&c, "#range-from", &from).await;
    set_value(&c, "#range-to", &to).await;
    shown(&c, &format!("deliveries|{from}|{to}")).await;

    // ---- Water delivered: the table is the server's grouping, by courier
    // first, row for row.
    grouped(&c, "group=courier&").await;
    let api = w
        .app
        .get(
            &format!("/api/reports/deliveries?{q}&group=courier"),
            &w.manager,
        )
        .await
        .ok();
    let figures = |rows: &Value| -> BTreeMap<String, (String, String, String)> {
        rows.as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    text(&r["key"]),
                    (
                        text(&r["orders"]),
                        text(&r["water_qty"]),
                        text(&r["amount"]),
                    ),
                )
            })
            .collect()
    };
    let on_screen = |rows: &[(String, BTreeMap<String, String>)]| {
        rows.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    (
                        v["orders"].clone(),
                        v["water_qty"].clone(),
                        v["amount"].clone(),
                    ),
                )
            })
            .collect::<BTreeMap<_, _>>()
    };
    let rows = table(&c, "deliveries-table").await;
    assert_eq!(on_screen(&rows), figures(&api["rows"]));
    assert_eq!(rows.len(), 2, "two couriers");
    let t = totals(&c, "deliveries-table").await;
    assert_eq!(
        (
            t["orders"].as_str(),
            t["water_qty"].as_str(),
            t["amount"].as_str()
        ),
        ("5", "21", "562500")
    );
    assert_eq!(
        api["totals"],
        json!({ "orders": 5, "water_qty": 21, "amount": 562500 })
    );
    // The chart: water per courier per day, as the daily figures say.
    let daily = w
        .app
        .get(&format!("/api/reports/deliveries/daily?{q}"), &w.manager)
        .await
        .ok();
    let want_bars: BTreeMap<(String, String), i64> = daily["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                (text(&r["date"]), text(&r["courier_id"])),
                r["water_qty"].as_i64().expect("qty"),
            )
        })
        .collect();
    assert_eq!(bars(&c, "chart-water").await, want_bars);
    assert_eq!(want_bars[&(w.app.day(0), w.kolya.clone())], 3);
    let tip = js(
        &c,
        &format!("return document.querySelector(\"#chart-water rect[data-series='{}'] title\").textContent;", w.kolya),
    )
    .await;
    assert!(text(&tip).contains("kolya name: 2 units"), "{tip}");
    fits(&c).await;
    screenshot(&c, "reports-deliveries.png").await;

    // A courier's row opens their clients: the API's drill-down, row for row.
    click(
        &c,
        &format!("#deliveries-table tr.report-row[data-key='{}']", w.kolya),
    )
    .await;
    wait_until(&c, "#deliveries-drill", Some("data-courier"), |v| {
        v == w.kolya
    })
    .await;
    grouped(&c, &format!("group=client&courier_id={}&", w.kolya)).await;
    let drill = w
        .app
        .get(
            &format!(
                "/api/reports/deliveries?{q}&group=client&courier_id={}",
                w.kolya
            ),
            &w.manager,
        )
        .await
        .ok();
    let rows = table(&c, "deliveries-table").await;
    assert_eq!(on_screen(&rows), figures(&drill["rows"]));
    assert!(rows.len() >= 2, "{rows:?}");
    let t = totals(&c, "deliveries-table").await;
    assert_eq!(t["amount"], text(&drill["totals"]["amount"]));
    screenshot(&c, "reports-deliveries-courier.png").await;

    // Sorting is the server's: by amount, largest first, then the other way round.
    click(&c, "#deliveries-table th[data-col='amount'] button").await;
    grouped(&c, "sort=amount&dir=desc&").await;
    wait_until(
        &c,
        "#deliveries-table th[data-col='amount']",
        Some("aria-sort"),
        |v| v == "descending",
    )
    .await;
    let amounts = |rows: Vec<(String, BTreeMap<String, String>)>| -> Vec<i64> {
        rows.iter()
            .map(|(_, v)| v["amount"].parse().expect("amount"))
            .collect()
    };
    let desc = amounts(table(&c, "deliveries-table").await);
    assert!(desc.windows(2).all(|p| p[0] >= p[1]), "{desc:?}");
    click(&c, "#deliveries-table th[data-col='amount'] button").await;
    grouped(&c, "sort=amount&dir=asc&").await;
    let asc = amounts(table(&c, "deliveries-table").await);
    assert!(asc.windows(2).all(|p| p[0] <= p[1]), "{asc:?}");
    assert_eq!(asc.iter().rev().copied().collect::<Vec<_>>(), desc);
    click(&c, "#deliveries-drill-back").await;
    grouped(&c, "group=courier&page=1").await;

    // Grouping: by courier and client, the full table's first page.
    wait_for(&c, "#deliveries-group")
        .await
        .select_by_value("courier_client")
        .await
        .expect("group");
    grouped(&c, "group=courier_client&").await;
    let full = w
        .app
        .get(&format!("/api/reports/deliveries?{q}"), &w.manager)
        .await
        .ok();
    let rows = table(&c, "deliveries-table").await;
    assert_eq!(on_screen(&rows), figures(&full["rows"]));
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        full["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| text(&r["key"]))
            .collect::<Vec<_>>(),
        "in the server's order"
    );

    // Downloads: the CSV is the API's, byte for byte; the workbook opens.
    click(&c, "#export-csv").await;
    let csv = downloaded(downloads.path(), &format!("deliveries_{from}_{to}.csv")).await;
    let api_csv = w
        .app
        .get(
            &format!("/api/reports/deliveries?{q}&format=csv"),
            &w.manager,
        )
        .await;
    assert_eq!(String::from_utf8(csv).expect("utf-8"), api_csv.text);
    wait_until(&c, "#export-done", Some("data-file"), |f| {
        f.ends_with(".csv")
    })
    .await;
    click(&c, "#export-xlsx").await;
    let xlsx = downloaded(downloads.path(), &format!("deliveries_{from}_{to}.xlsx")).await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("a workbook");
    let sheet = book.worksheet_range("Deliveries").expect("sheet");
    let last: Vec<Data> = sheet.rows().last().expect("totals row").to_vec();
    assert_eq!(
        last,
        vec![
            Data::String("Total".into()),
            Data::Empty,
            Data::Empty,
            Data::Float(5.0),
            Data::Float(21.0),
            Data::Float(5625.0)
        ]
    );

    // ---- Goods and services.
    click(&c, "#tab-sales").await;
    shown(&c, &format!("sales|{from}|{to}")).await;
    let api = w
        .app
        .get(&format!("/api/reports/sales?{q}"), &w.manager)
        .await
        .ok();
    let want: BTreeMap<String, (String, String)> = api["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                text(&r["product_id"]),
                (text(&r["qty"]), text(&r["amount"])),
            )
        })
        .collect();
    let got: BTreeMap<String, (String, String)> = table(&c, "sales-table")
        .await
        .into_iter()
        .map(|(k, v)| (k, (v["qty"].clone(), v["amount"].clone())))
        .collect();
    assert_eq!(got, want);
    assert_eq!(got.len(), 2);
    let t = totals(&c, "sales-table").await;
    assert_eq!(
        (text(&api["totals"]["qty"]), text(&api["totals"]["amount"])),
        (t["qty"].clone(), t["amount"].clone())
    );
    assert_eq!(t["amount"], "37500");
    fits(&c).await;
    screenshot(&c, "reports-sales.png").await;

    // ---- Orders worked: the figures, the bars by state, the operators.
    click(&c, "#tab-orders").await;
    shown(&c, &format!("orders|{from}|{to}")).await;
    let api = w
        .app
        .get(&format!("/api/reports/orders?{q}"), &w.manager)
        .await
        .ok();
    for f in ["total", "delivered", "cancelled", "open", "failed_attempts"] {
        let el = wait_for(&c, &format!("#orders-figures [data-figure='{f}']")).await;
        assert_eq!(
            el.attr("data-value").await.expect("attr"),
            Some(text(&api[f])),
            "{f}"
        );
    }
    assert_eq!(
        (
            api["total"].as_i64(),
            api["open"].as_i64(),
            api["failed_attempts"].as_i64()
        ),
        (Some(7), Some(1), Some(1))
    );
    let daily = w
        .app
        .get(&format!("/api/reports/orders/daily?{q}"), &w.manager)
        .await
        .ok();
    let mut want_bars = BTreeMap::new();
    for r in daily["rows"].as_array().expect("rows") {
        for s in ["new", "delivery", "delivered", "cancelled"] {
            if r[s].as_i64() != Some(0) {
                want_bars.insert(
                    (text(&r["date"]), s.to_string()),
                    r[s].as_i64().expect("count"),
                );
            }
        }
    }
    assert_eq!(bars(&c, "chart-states").await, want_bars);
    let want: BTreeMap<String, (String, String)> = api["by_operator"]
        .as_array()
        .expect("operators")
        .iter()
        .map(|r| {
            (
                text(&r["user_id"]),
                (text(&r["created"]), text(&r["delivered"])),
            )
        })
        .collect();
    let got: BTreeMap<String, (String, String)> = table(&c, "orders-table")
        .await
        .into_iter()
        .map(|(k, v)| (k, (v["created"].clone(), v["delivered"].clone())))
        .collect();
    assert_eq!(got, want);
    fits(&c).await;
    screenshot(&c, "reports-orders.png").await;
    // The "this year" preset: the whole calendar year, the API's figures.
    click(&c, "#preset-this-year").await;
    let year = text(&js(&c, "return String(new Date().getFullYear());").await);
    shown(&c, &format!("orders|{year}-01-01|{year}-12-31")).await;
    let api = w
        .app
        .get(
            &format!("/api/reports/orders?from={year}-01-01&to={year}-12-31"),
            &w.manager,
        )
        .await
        .ok();
    let el = wait_for(&c, "#orders-figures [data-figure='total']").await;
    assert_eq!(
        el.attr("data-value").await.expect("attr"),
        Some(text(&api["total"]))
    );

    // ---- Lost clients as of 2025-05-31, and the call list in one click.
    click(&c, "#tab-lost").await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.starts_with("lost|") && v.ends_with("|3")
    })
    .await;
    set_value(&c, "#lost-as-of", "2025-05-31").await;
    shown(&c, "lost|2025-05-31|3").await;
    let api = w
        .app
        .get(
            "/api/reports/lost-clients?as_of=2025-05-31&months=3",
            &w.manager,
        )
        .await
        .ok();
    let want: Vec<String> = api["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| text(&r["client_id"]))
        .collect();
    let rows = table(&c, "lost-table").await;
    assert_eq!(
        rows.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        want
    );
    let mut sorted_lost = w.lost.clone();
    sorted_lost.sort();
    let mut on_screen = want.clone();
    on_screen.sort();
    assert_eq!(on_screen, sorted_lost);
    assert_eq!(rows[0].1["last_delivery_date"], "2025-02-10");
    let monthly = w
        .app
        .get(
            "/api/reports/lost-clients/monthly?as_of=2025-05-31&months=3&count=12",
            &w.manager,
        )
        .await
        .ok();
    let mut want_bars = BTreeMap::new();
    for m in monthly["rows"].as_array().expect("rows") {
        for s in ["lost", "won_back", "lost_at_end"] {
            if m[s].as_i64() != Some(0) {
                want_bars.insert(
                    (text(&m["month"]), s.to_string()),
                    m[s].as_i64().expect("n"),
                );
            }
        }
    }
    assert_eq!(bars(&c, "chart-lost").await, want_bars);
    // Gleb left on 2025-02-21, Vera on 2025-05-11.
    assert_eq!(want_bars[&("2025-02".to_string(), "lost".to_string())], 1);
    assert_eq!(
        want_bars[&("2025-05".to_string(), "lost_at_end".to_string())],
        2
    );
    fits(&c).await;
    screenshot(&c, "reports-lost.png").await;
    click(&c, "#export-xlsx").await;
    downloaded(downloads.path(), "lost-clients_2025-05-31_3m.xlsx").await;

    click(&c, "#make-call-list").await;
    wait_for(&c, "#call-list-made").await;
    let list_id = wait_for(&c, "#call-list-made")
        .await
        .attr("data-id")
        .await
        .expect("attr")
        .expect("data-id");
    // A second click makes no second list.
    click(&c, "#make-call-list").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    wait_until(&c, "#call-list-made", Some("data-id"), |v| v == list_id).await;
    assert_eq!(w.app.count("/api/call-lists", &w.manager).await, 1);
    let list = w
        .app
        .get(&format!("/api/call-lists/{list_id}"), &w.manager)
        .await
        .ok();
    let on_list: Vec<String> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| text(&i["client_id"]))
        .collect();
    assert_eq!(on_list, want);
    screenshot(&c, "reports-call-list-made.png").await;

    // ---- An operator works the list on /calls.
    click(&c, "#logout").await;
    wait_for(&c, "#login-form").await;
    log_in(&c, &w.app, "olga").await;
    wait_for(&c, "#nav-calls").await;
    assert!(
        c.find(Locator::Css("#nav-reports")).await.is_err(),
        "operators get no reports link"
    );
    click(&c, "#nav-calls").await;
    wait_for(
        &c,
        &format!("#call-lists li.call-list[data-id='{list_id}']"),
    )
    .await;
    wait_until(&c, "#call-list", Some("data-id"), |v| v == list_id).await;
    let first = &want[0];
    let item = format!("#call-items li.call-item[data-client-id='{first}']");
    let dial = wait_for(&c, &format!("{item} a.dial")).await;
    assert_eq!(
        dial.attr("href").await.expect("href"),
        Some("tel:+79030000000".to_string())
    );
    wait_for(&c, &format!("{item} .last-order")).await;
    screenshot(&c, "calls-open.png").await;
    wait_for(&c, &format!("{item} input.outcome"))
        .await
        .send_keys("will order on Monday")
        .await
        .expect("type");
    click(&c, &format!("{item} button.mark-done")).await;
    wait_until(&c, &item, Some("data-done"), |v| v == "true").await;
    wait_until(&c, &format!("{item} .outcome-done"), None, |t| {
        t.contains("will order on Monday")
    })
    .await;
    // The second with a quick outcome.
    let second = format!("#call-items li.call-item[data-client-id='{}']", want[1]);
    click(&c, &format!("{second} button.quick")).await;
    wait_until(&c, &second, Some("data-done"), |v| v == "true").await;
    wait_until(
        &c,
        &format!("#call-lists li.call-list[data-id='{list_id}']"),
        Some("data-done"),
        |v| v == "2",
    )
    .await;
    fits(&c).await;
    screenshot(&c, "calls.png").await;
    let list = w
        .app
        .get(&format!("/api/call-lists/{list_id}"), &w.manager)
        .await
        .ok();
    assert_eq!(list["done"], 2);
    let item = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["client_id"] == first.as_str())
        .expect("item")
        .clone();
    assert_eq!(item["outcome"], "will order on Monday");
    assert_eq!(item["done_by_name"], "olga name");
    let item = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["client_id"] == want[1].as_str())
        .expect("item")
        .clone();
    assert_eq!(item["outcome"], "Ordered");
}

#[tokio::test]
async fn the_reports_and_call_lists_fit_the_screen_in_russian() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let list = w
        .app
        .post(
            "/api/call-lists",
            &w.manager,
            json!({ "name": "Ушедшие за весну", "client_ids": w.lost }),
        )
        .await
        .expect(201);
    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &w.app, "mira").await;
    wait_until(&c, "#nav-reports", None, |t| t == "Отчёты").await;
    click(&c, "#nav-reports").await;
    wait_until(&c, "#reports", Some("aria-busy"), |v| v == "false").await;
    click(&c, "#preset-this-year").await;
    let year = text(&js(&c, "return String(new Date().getFullYear());").await);
    for tab in ["deliveries", "sales", "orders"] {
        click(&c, &format!("#tab-{tab}")).await;
        shown(&c, &format!("{tab}|{year}-01-01|{year}-12-31")).await;
        if tab == "deliveries" {
            // The grouped table in Russian: by courier, then a courier's clients.
            grouped(&c, "group=courier&").await;
            // Headers are upper case on screen (CSS).
            wait_until(&c, "#deliveries-table th[data-col='courier']", None, |t| {
                t.to_lowercase() == "курьер"
            })
            .await;
            click(
                &c,
                &format!("#deliveries-table tr.report-row[data-key='{}']", w.kolya),
            )
            .await;
            grouped(&c, &format!("courier_id={}&", w.kolya)).await;
            wait_until(&c, "#deliveries-drill", None, |t| {
                t.contains("Клиенты курьера") && t.contains("← Все курьеры")
            })
            .await;
            fits(&c).await;
            screenshot(&c, "reports-deliveries-ru.png").await;
        }
        fits(&c).await;
    }
    // A year is drawn by month; the Russian labels are month.year.
    wait_for(
        &c,
        &format!("#chart-states g.category[data-category='{year}-01']"),
    )
    .await;
    screenshot(&c, "reports-orders-ru.png").await;
    click(&c, "#tab-lost").await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.starts_with("lost|")
    })
    .await;
    fits(&c).await;
    click(&c, "#nav-calls").await;
    wait_until(&c, "#call-list", Some("data-id"), |v| v == id_of(&list)).await;
    wait_until(&c, "#call-list .cl-progress", None, |t| {
        t == "обзвонено 0 из 2"
    })
    .await;
    fits(&c).await;
    screenshot(&c, "calls-ru.png").await;
}

#[tokio::test]
async fn the_bottles_tab_shows_circulation_empties_per_courier_and_debtors() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (anna, addr) = app.client("Анна Тарова", "individual", "9123450001").await;
    app.holds(&anna, 3).await;
    let (office, _) = app.client("ООО Склад", "legal", "9123450002").await;
    app.holds(&office, 6).await;
    app.put(
        "/api/settings/bottles",
        &manager,
        json!({ "deposit_price": 30000, "free_individual": 0, "free_legal": 2 }),
    )
    .await
    .expect(200);
    // Two full to Anna, who holds three: two empties expected, one back.
    let id = app
        .dispatched_stop(&op, (&anna, &addr), (&water, 2), &kolya_id)
        .await;
    app.post(
        &format!("/api/orders/{id}/deliver"),
        &kolya,
        json!({ "cash_collected": 50000, "empties_returned": 1, "empties_note": "вернёт" }),
    )
    .await
    .expect(200);

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "mira").await;
    click(&c, "#nav-reports").await;
    wait_until(&c, "#reports", Some("aria-busy"), |v| v == "false").await;
    click(&c, "#tab-bottles").await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.starts_with("bottles|")
    })
    .await;
    wait_until(&c, "#reports", Some("aria-busy"), |v| v == "false").await;
    // Anna 4, the office 6: 10 at clients; Anna 4 beyond the rule, the office 4.
    wait_until(&c, "#bottle-figures", Some("data-at-clients"), |v| {
        v == "10"
    })
    .await;
    assert_eq!(
        wait_for(&c, "#bottle-figures")
            .await
            .attr("data-uncovered")
            .await
            .expect("attr")
            .as_deref(),
        Some("8")
    );
    wait_until(
        &c,
        &format!("#empties-table tr.empties-row[data-id='{kolya_id}']"),
        Some("data-short"),
        |v| v == "1",
    )
    .await;
    let owed = js(
        &c,
        "return [...document.querySelectorAll('#debtors-table tr.debtor-row')].map(r => [r.dataset.id, r.dataset.owed]);",
    )
    .await;
    // The office was never delivered to: first.
    assert_eq!(owed, json!([[office, "4"], [anna, "4"]]));
    wait_for(&c, "#bottle-moves-table tr[data-kind='written_off'], #bottle-moves-table tr[data-kind='delivered']").await;
    fits(&c).await;
    screenshot(&c, "reports-bottles-ru.png").await;
    c.close().await.expect("close browser");
}
