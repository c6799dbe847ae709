//! More of the console in real headless Chromium (chromedriver through
//! fantoccini) against the real server serving the Trunk build: a Russian
//! browser gets a Russian UI with a working language switch, and two
//! sessions watch an order change live, without a reload.
//!
//! The field-level 422 error is covered by `browser_console.rs`
//! (`an_unknown_number_pops_a_new_client_form_that_keeps_input_on_errors`).
//!
//! Needs `frontend/dist` (`trunk build --release`) and /usr/bin/chromedriver
//! with /usr/bin/chromium; without them the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use rodnik::config::Config;
use rodnik_tests::{id_of, spawn_with, App};
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(15);
/// How long a live change may take to reach an open page.
const LIVE_WAIT: Duration = Duration::from_secs(5);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn dist() -> PathBuf {
    repo().join("frontend/dist")
}

/// Whether the browser test can run here; with RODNIK_FULL_SUITE it must.
fn runnable() -> bool {
    let built = dist().join("index.html").exists();
    let browser = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if std::env::var("RODNIK_FULL_SUITE").is_ok() {
        assert!(
            built,
            "frontend/dist/index.html is missing: `trunk build --release` builds it"
        );
        assert!(browser, "{CHROMEDRIVER} or {CHROMIUM} is missing");
    }
    if !built || !browser {
        eprintln!("skipped: needs frontend/dist and {CHROMEDRIVER} (set RODNIK_FULL_SUITE to require them)");
    }
    built && browser
}

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium at 1366x768 with a fresh profile, speaking `lang`
/// (both `navigator.language` and Accept-Language).
async fn browser(lang: &str) -> (Driver, Client) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: tempfile::tempdir().expect("profile dir"),
    };
    let deadline = Instant::now() + WAIT;
    while reqwest::get(format!("{}/status", driver.url))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = driver._profile.path().display().to_string();
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1366,768",
                format!("--lang={lang}"), format!("--accept-lang={lang}"),
                format!("--user-data-dir={profile}"),
            ],
            "prefs": { "intl.accept_languages": lang },
        }
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("webdriver session");
    (driver, client)
}

async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// Polls up to `within` until `check` holds for the element's attribute or text.
async fn wait_until_within<F: Fn(&str) -> bool>(
    c: &Client,
    css: &str,
    attr: Option<&str>,
    within: Duration,
    check: F,
) {
    let deadline = Instant::now() + within;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            let v = match attr {
                Some(a) => el.attr(a).await.ok().flatten(),
                None => el.text().await.ok(),
            };
            if let Some(v) = v {
                if check(&v) {
                    return;
                }
                last = v;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} {attr:?} never matched within {within:?}; last value: {last:?}");
}

async fn wait_until<F: Fn(&str) -> bool>(c: &Client, css: &str, attr: Option<&str>, check: F) {
    wait_until_within(c, css, attr, WAIT, check).await
}

async fn screenshot(c: &Client, name: &str) {
    let dir = repo().join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(name), png).expect("write screenshot");
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("execute script")
}

async fn log_in(c: &Client, app: &App, username: &str) {
    c.goto(&app.url("/login")).await.expect("open login");
    wait_for(c, "#login-username")
        .await
        .send_keys(username)
        .await
        .expect("username");
    wait_for(c, "#login-password")
        .await
        .send_keys("password-1")
        .await
        .expect("password");
    wait_for(c, "#login-submit")
        .await
        .click()
        .await
        .expect("sign in");
    // Operators land on the console.
    wait_for(c, "#client-search").await;
}

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

async fn served_app() -> App {
    let mut cfg = Config::for_tests();
    cfg.static_dir = Some(dist());
    spawn_with(cfg).await
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
