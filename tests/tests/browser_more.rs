//! More of the console in real headless Chromium (chromedriver through
//! fantoccini) against the real server serving the Trunk build: a Russian
//! browser gets a Russian UI with a working language switch, and two
//! sessions watch an order change live, without a reload; a browser in
//! another time zone shows the company's day, clock and money as people
//! read them.
//!
//! The field-level 422 error is covered by `browser_console.rs`
//! (`an_unknown_number_pops_a_new_client_form_that_keeps_input_on_errors`).
//!
//! Needs `frontend/dist` (`trunk build --release`) and /usr/bin/chromedriver
//! with /usr/bin/chromium; without them the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::id_of;
use serde_json::json;

/// Opens Today and waits for the loaded table and an online live channel;
/// then marks the page so that a reload would be noticed.
async fn open_today(c: &Client) {
    wait_for(c, "#nav-today")
        .await
        .click()
        .await
        .expect("nav today");
    wait_for(c, "#orders-table").await;
    wait_until(c, "#orders-table", Some("aria-busy"), |b| b == "false").await;
    wait_until(c, "#live-status", Some("data-state"), |s| s == "online").await;
    js(c, "window.__rodnikNoReload = true;").await;
}

#[tokio::test]
async fn russian_browser_locale_shows_russian_text() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_driver, c) = browser("ru-RU").await;
    c.goto(&app.url("/login")).await.expect("open login");

    let lang = js(&c, "return navigator.language;").await;
    assert!(
        lang.as_str().is_some_and(|l| l.starts_with("ru")),
        "the browser should speak Russian: {lang}"
    );

    // Russian, from frontend/src/i18n.rs (RU).
    wait_until(&c, "#login-form h1", None, |t| t == "Вход").await;
    wait_until(&c, "#login-submit", None, |t| t == "Войти").await;
    wait_until(&c, "#lang-switch", None, |t| t == "EN").await;
    assert_eq!(js(&c, "return document.documentElement.lang;").await, "ru");
    screenshot(&c, "login-ru.png").await;

    // The switch: to English ...
    wait_for(&c, "#lang-switch")
        .await
        .click()
        .await
        .expect("switch to English");
    wait_until(&c, "#login-form h1", None, |t| t == "Sign in").await;
    wait_until(&c, "#login-submit", None, |t| t == "Sign in").await;
    wait_until(&c, "#lang-switch", None, |t| t == "RU").await;
    assert_eq!(js(&c, "return document.documentElement.lang;").await, "en");
    screenshot(&c, "login-en.png").await;

    // ... and back.
    wait_for(&c, "#lang-switch")
        .await
        .click()
        .await
        .expect("switch to Russian");
    wait_until(&c, "#login-form h1", None, |t| t == "Вход").await;
    wait_until(&c, "#login-submit", None, |t| t == "Войти").await;
    wait_until(&c, "#lang-switch", None, |t| t == "EN").await;
    assert_eq!(js(&c, "return document.documentElement.lang;").await, "ru");

    c.close().await.expect("close browser");
}

#[tokio::test]
async fn a_second_session_sees_orders_change_without_reload() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("op1", "operator", Some("101")).await;
    app.user("op2", "operator", Some("102")).await;
    let (courier_id, _) = app.user("courier1", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client_id, address_id) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;

    let (_d1, c1) = browser("en-US").await;
    let (_d2, c2) = browser("en-US").await;
    log_in(&c1, &app, "op1").await;
    log_in(&c2, &app, "op2").await;
    open_today(&c1).await;
    open_today(&c2).await;

    // The day the page shows (the browser's date), so the order lands on it.
    let day = wait_for(&c1, "#orders-date")
        .await
        .attr("data-date")
        .await
        .expect("data-date")
        .expect("#orders-date has data-date");
    let order = app
        .order(
            &app.admin,
            json!({ "client_id": client_id, "address_id": address_id,
                    "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": day,
                    "window": { "from": "10:00", "to": "14:00" }, "courier_id": courier_id }),
        )
        .await;
    let id = id_of(&order);
    let row = format!("#orders-table tr.order-row[data-id='{id}']");

    for c in [&c1, &c2] {
        wait_until_within(c, &row, Some("data-state"), LIVE_WAIT, |s| s == "new").await;
    }

    app.post(&format!("/api/orders/{id}/dispatch"), &app.admin, json!({}))
        .await
        .ok();
    for c in [&c1, &c2] {
        wait_until_within(c, &row, Some("data-state"), LIVE_WAIT, |s| s == "delivery").await;
        assert_eq!(
            js(c, "return window.__rodnikNoReload === true;").await,
            true,
            "the page was reloaded"
        );
        assert_eq!(
            c.find_all(Locator::Css("#orders-table tr.order-row"))
                .await
                .expect("rows")
                .len(),
            1,
            "one row, patched in place"
        );
    }
    screenshot(&c1, "today-live.png").await;
    screenshot(&c2, "today-live-2.png").await;

    c1.close().await.expect("close browser 1");
    c2.close().await.expect("close browser 2");
}

/// The app runs under its Content-Security-Policy (the wasm starts, the
/// console works), and the policy holds in the browser: an inline script
/// injected into the page does not run.
#[tokio::test]
async fn the_app_runs_under_its_content_security_policy() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let page = app.http.get(app.url("/")).send().await.expect("index");
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("CSP on the page")
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    app.user("olga", "operator", None).await;
    let (_driver, c) = browser("en-US").await;
    log_in(&c, &app, "olga").await;
    open_today(&c).await;
    js(
        &c,
        "const s = document.createElement('script'); \
         s.textContent = 'window.__injected = true;'; document.body.appendChild(s);",
    )
    .await;
    assert_eq!(
        js(&c, "return window.__injected === true;").await,
        json!(false),
        "an injected inline script ran: the CSP is not in force"
    );
    c.close().await.expect("close browser");
}

/// The company's "HH:MM", `ago` seconds ago.
fn company_clock(ago: i64) -> String {
    let tz = rodnik::config::Config::for_tests().tz;
    (chrono::Utc::now() - chrono::Duration::seconds(ago))
        .with_timezone(&tz)
        .format("%H:%M")
        .to_string()
}

#[tokio::test]
async fn a_browser_in_another_zone_shows_the_companys_day_clock_and_money() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, manager) = app.user("pavel", "manager", None).await;
    let (_, op) = app.user("olga", "operator", Some("101")).await;
    let water = app.product("W19", "water", 62_500, true).await;
    let (client, addr) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    let today = app.today();
    let order = app
        .order(
            &op,
            json!({ "client_id": client, "address_id": addr,
                    "lines": [{ "product_id": water, "qty": 2 }],
                    "delivery_date": today, "window": { "from": "09:00", "to": "23:59" } }),
        )
        .await;

    // UTC+14, eleven hours ahead of Moscow: its clock never shows the
    // company's hour, and from 13:00 Moscow time it is already tomorrow there.
    let (_driver, c) = browser_in_zone("ru-RU", "Pacific/Kiritimati").await;
    c.goto(&app.url("/login")).await.expect("open login");
    assert_eq!(
        js(
            &c,
            "return Intl.DateTimeFormat().resolvedOptions().timeZone;"
        )
        .await,
        "Pacific/Kiritimati"
    );
    log_in(&c, &app, "olga").await;
    open_today(&c).await;
    wait_until(&c, "#orders-date", Some("data-date"), |d| d == today).await;
    let row = format!("#orders-table tr[data-id='{}']", id_of(&order));
    wait_for(&c, &row).await;
    // Money as a Russian reads it: thousands apart, a comma, the sign.
    // (WebDriver's text turns no-break spaces into spaces; the DOM keeps them.)
    wait_until(&c, "#orders-sum", None, |t| t == "1 250,00 ₽").await;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#orders-sum').textContent;"
        )
        .await,
        "1\u{a0}250,00\u{a0}₽"
    );

    // The wallboard's clock is the company's.
    let link = app
        .post("/api/wallboards", &manager, json!({ "name": "Office TV" }))
        .await
        .expect(201);
    c.goto(&app.url(link["path"].as_str().expect("path")))
        .await
        .expect("open wallboard");
    wait_until(&c, "#wallboard", Some("aria-busy"), |b| b == "false").await;
    // It ticks every 20 s: it may still show the minute before.
    let before = company_clock(30);
    let shown = wait_for(&c, "#wb-clock").await.text().await.expect("clock");
    let after = company_clock(0);
    assert!(
        shown == before || shown == after,
        "the wallboard shows {shown}, the company's clock is {before}..{after}"
    );
    c.close().await.expect("close browser");
}
