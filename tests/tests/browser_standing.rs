//! Standing orders in real headless Chromium (issue 23): an operator makes
//! a client's last order standing from the card (the form filled in from
//! it; a schedule without a weekday refused beside the form, nothing lost),
//! sees it listed with its Russian words and next dates, skips one date and
//! ends it, each step checked through the API.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use chrono::{Datelike, NaiveDate};
use fantoccini::Client;
use rodnik_shared::standing::{describe, Schedule};
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

async fn open_client(c: &Client, name: &str, id: &str) {
    retype(c, "#client-search", name).await;
    click(
        c,
        &format!("#search-results li.search-result[data-id='{id}']"),
    )
    .await;
    wait_for(c, "#standing-orders").await;
}

/// The ISO weekday (Monday = 1) of `YYYY-MM-DD`.
fn weekday(day: &str) -> u32 {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .expect("date")
        .weekday()
        .number_from_monday()
}

/// Ticks exactly `days` among the form's weekday boxes, as clicks would.
async fn tick_only(c: &Client, days: &[u32]) {
    for n in 1..=7 {
        let css = format!("#standing-day-{n}");
        let checked = js(
            c,
            &format!("return document.querySelector('{css}').checked;"),
        )
        .await;
        if checked != json!(days.contains(&n)) {
            click(c, &css).await;
        }
    }
}

/// The client's orders generated from standing order `id`.
async fn generated(app: &App, token: &str, client: &str, id: &str) -> Vec<Value> {
    let all = app
        .get(&format!("/api/orders?client_id={client}"), token)
        .await
        .ok();
    all.as_array()
        .expect("orders")
        .iter()
        .filter(|o| o["standing_id"] == id)
        .cloned()
        .collect()
}

#[tokio::test]
async fn an_operator_makes_the_last_order_standing_skips_a_date_and_ends_it() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, op) = app.user("op1", "operator", Some("101")).await;
    let (kolya_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 30_000, false).await;
    let (client, address) = app.client("Офис Постоянный", "legal", "+79161117788").await;
    // The order the form is filled in from.
    app.order(
        &op,
        json!({ "client_id": client, "address_id": address,
                "lines": [{ "product_id": water, "qty": 6 }], "delivery_date": app.today(),
                "courier_id": kolya_id, "window": { "from": "10:00", "to": "14:00" } }),
    )
    .await;
    let (first, second) = (app.day(1), app.day(3));
    let mut days = vec![weekday(&first), weekday(&second)];
    days.sort_unstable();

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    open_client(&c, "Постоянный", &client).await;
    wait_until(&c, "#standing-orders .standing-none", None, |t| {
        t == "Постоянных заказов нет."
    })
    .await;
    click(&c, "#standing-new").await;
    wait_for(&c, "#standing-form").await;
    // Filled in from the last order: address, lines, window, courier; from tomorrow.
    wait_for(&c, &format!("#standing-courier option[value='{kolya_id}']")).await;
    let form = js(
        &c,
        "const v = s => document.querySelector(s).value;
         return [v('#standing-address'), v('#standing-form .standing-product'),
                 v('#standing-form .standing-qty'), v('#standing-window'), v('#standing-courier'),
                 v('#standing-start')];",
    )
    .await;
    assert_eq!(
        form.as_array().expect("values")[..],
        [
            json!(address),
            json!(water),
            json!("6"),
            json!("10:00-14:00"),
            json!(kolya_id),
            json!(first)
        ],
        "{form}"
    );
    // No weekday ticked: the server's refusal beside the schedule, the rest kept.
    tick_only(&c, &[]).await;
    click(&c, "#standing-submit").await;
    wait_until(
        &c,
        "#standing-form .field-error[data-field='schedule.weekdays']",
        None,
        |t| t == "отметьте хотя бы один день недели",
    )
    .await;
    screenshot(&c, "console-standing-form.png").await;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#standing-form .standing-qty').value;"
        )
        .await,
        "6"
    );
    // The two weekdays, and it is made.
    tick_only(&c, &days).await;
    let words = describe(
        &Schedule::Weekly {
            weekdays: days.clone(),
            every_weeks: 1,
        },
        true,
    );
    wait_until(&c, "#standing-preview", None, |t| t == words).await;
    click(&c, "#standing-submit").await;
    wait_until(&c, "#standing-done", None, |t| {
        t.starts_with("Постоянный заказ создан")
    })
    .await;
    let item = "#standing-orders li.standing-item";
    wait_until(&c, &format!("{item} .standing-described"), None, |t| {
        t == words
    })
    .await;
    let lines = text_of(&c, &format!("{item} .standing-lines")).await;
    assert_eq!(lines, "Product W19 × 6");
    for day in [&first, &second] {
        wait_for(
            &c,
            &format!("{item} .standing-date.generated[data-date='{day}']"),
        )
        .await;
    }
    screenshot(&c, "console-standing-order.png").await;

    let list = app
        .get(&format!("/api/standing-orders?client_id={client}"), &op)
        .await
        .ok();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let so = &list[0];
    let id = id_of(so);
    assert_eq!(
        so["plan"]["schedule"],
        json!({ "kind": "weekly", "weekdays": days, "every_weeks": 1 })
    );
    assert_eq!(
        (
            &so["address_id"],
            &so["lines"],
            &so["courier_id"],
            &so["window"]
        ),
        (
            &json!(address),
            &json!([{ "product_id": water, "qty": 6 }]),
            &json!(kolya_id),
            &json!({ "from": "10:00", "to": "14:00" })
        )
    );
    assert_eq!(so["plan"]["starts_on"], json!(first));
    let made = generated(&app, &op, &client, &id).await;
    let mut dates: Vec<&str> = made
        .iter()
        .filter_map(|o| o["delivery_date"].as_str())
        .collect();
    dates.sort_unstable();
    assert_eq!(dates, [first.as_str(), second.as_str()], "{made:?}");
    // The card's open orders mark the generated ones.
    for o in &made {
        let oid = o["id"].as_str().expect("id");
        wait_for(
            &c,
            &format!("#active-orders li.mini-order[data-id='{oid}'] .standing-tag"),
        )
        .await;
    }

    // Skip the first date: the card's picker, the plan's skips.
    click(&c, &format!("{item} .standing-skip")).await;
    wait_for(
        &c,
        &format!("{item} .standing-skip-date option[value='{first}']"),
    )
    .await;
    set_value(&c, &format!("{item} .standing-skip-date"), &first).await;
    click(&c, &format!("{item} .standing-skip-save")).await;
    wait_for(
        &c,
        &format!("{item} .standing-skipped[data-date='{first}']"),
    )
    .await;
    let so = app
        .get(&format!("/api/standing-orders/{id}"), &op)
        .await
        .ok();
    assert_eq!(so["plan"]["skips"], json!([first]), "{so}");
    assert_eq!(so["version"], 2);
    let skipped = generated(&app, &op, &client, &id).await;
    assert!(
        skipped
            .iter()
            .any(|o| o["delivery_date"] == first.as_str() && o["state"] == "cancelled"),
        "the skipped date's order is withdrawn: {skipped:?}"
    );
    assert!(
        js(
            &c,
            &format!(
                "return !document.querySelector(\"{item} .standing-date[data-date='{first}']\");"
            )
        )
        .await
            == json!(true),
        "the skipped date is no longer among the next ones"
    );

    // Pause the other date (the office is closed that day).
    click(&c, &format!("{item} .standing-pause")).await;
    set_value(&c, &format!("{item} .standing-pause-from"), &second).await;
    set_value(&c, &format!("{item} .standing-pause-to"), &second).await;
    retype(&c, &format!("{item} .standing-pause-reason"), "ремонт").await;
    click(&c, &format!("{item} .standing-pause-save")).await;
    wait_for(
        &c,
        &format!("{item} .standing-paused[data-from='{second}']"),
    )
    .await;
    let so = app
        .get(&format!("/api/standing-orders/{id}"), &op)
        .await
        .ok();
    assert_eq!(
        so["plan"]["pauses"],
        json!([{ "from": second, "to": second, "reason": "ремонт" }]),
        "{so}"
    );
    assert_eq!(so["plan"]["skips"], json!([first]), "the skip stays: {so}");
    assert!(
        generated(&app, &op, &client, &id)
            .await
            .iter()
            .all(|o| o["state"] == "cancelled"),
        "both dates' orders withdrawn"
    );

    // End it, after the card's own question.
    click(&c, &format!("{item} .standing-end")).await;
    wait_until(&c, &format!("{item} .standing-end-confirm"), None, |t| {
        t.contains("Завершить постоянный заказ?")
    })
    .await;
    click(&c, &format!("{item} .standing-end-yes")).await;
    wait_until(&c, "#standing-done", None, |t| {
        t == "Постоянный заказ завершён."
    })
    .await;
    wait_for(&c, "#standing-orders .standing-none").await;
    let so = app
        .get(&format!("/api/standing-orders/{id}"), &op)
        .await
        .ok();
    assert_eq!(so["ended"], true, "{so}");
    c.close().await.expect("close browser");
}
