//! Real headless Chromium for the browser tests: chromedriver on a free port,
//! fantoccini sessions, waits, screenshots, and the real server serving the
//! Trunk build. Without `frontend/dist` or Chromium the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{spawn_with, App};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use rodnik::config::Config;
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const WAIT: Duration = Duration::from_secs(15);
/// How long a live change may take to reach an open page.
pub const LIVE_WAIT: Duration = Duration::from_secs(5);

pub fn repo() -> PathBuf {
    crate::manifest_dir().join("..")
}

pub fn dist() -> PathBuf {
    repo().join("frontend/dist")
}

/// Whether the browser test can run here; with RODNIK_FULL_SUITE it must.
pub fn runnable() -> bool {
    // Both builds: the console's and the courier's (frontend/dist/courier).
    let built = dist().join("index.html").exists() && dist().join("courier/index.html").exists();
    let browser = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if std::env::var("RODNIK_FULL_SUITE").is_ok() {
        assert!(
            built,
            "frontend/dist/index.html or frontend/dist/courier/index.html is missing: `cargo xtask frontend` builds both"
        );
        assert!(browser, "{CHROMEDRIVER} or {CHROMIUM} is missing");
    }
    if !built || !browser {
        eprintln!("skipped: needs frontend/dist and {CHROMEDRIVER} (set RODNIK_FULL_SUITE to require them)");
    }
    built && browser
}

/// chromedriver on a free port, in a process group of its own: dropping it
/// kills the group, Chromium included (killing chromedriver alone left every
/// test's Chromium running, ~180 MB each).
pub struct Driver {
    child: Child,
    /// chromedriver's own URL (for commands fantoccini does not have).
    pub url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) takes no pointers; a negative pid names the
            // process group chromedriver leads (`process_group(0)` below).
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium at 1366x768 with a fresh profile, speaking `lang`
/// (both `navigator.language` and Accept-Language).
pub async fn browser(lang: &str) -> (Driver, Client) {
    browser_with(lang, None).await
}

/// As `browser`; with `downloads`, files the page downloads are saved there
/// without asking.
pub async fn browser_with(lang: &str, downloads: Option<&Path>) -> (Driver, Client) {
    launch(lang, downloads, false, None).await
}

/// As `browser`, on a machine whose clock is set to the IANA zone `tz`.
pub async fn browser_in_zone(lang: &str, tz: &str) -> (Driver, Client) {
    launch(lang, None, false, Some(tz)).await
}

/// Headless Chromium emulating a 360x740 phone (device pixel ratio 2, touch).
pub async fn phone_browser(lang: &str) -> (Driver, Client) {
    launch(lang, None, true, None).await
}

async fn launch(
    lang: &str,
    downloads: Option<&Path>,
    phone: bool,
    tz: Option<&str>,
) -> (Driver, Client) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        // The browser's own zone: the company's unless a test asks for
        // another (the web app follows the company's zone from the server
        // whatever the browser's is; `browser_in_zone` proves it).
        .env(
            "TZ",
            tz.unwrap_or(rodnik::config::Config::for_tests().tz.name()),
        )
        .process_group(0)
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
    let mut prefs = json!({ "intl.accept_languages": lang });
    if let Some(dir) = downloads {
        prefs["download.default_directory"] = json!(dir.display().to_string());
        prefs["download.prompt_for_download"] = json!(false);
    }
    let window = if phone { "480,900" } else { "1366,768" };
    let mut caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", format!("--window-size={window}"),
                format!("--lang={lang}"), format!("--accept-lang={lang}"),
                format!("--user-data-dir={profile}"),
            ],
            "prefs": prefs,
        }
    });
    if phone {
        caps["goog:chromeOptions"]["mobileEmulation"] = json!({
            "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 2.0, "touch": true, "mobile": true }
        });
    }
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

pub async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// As [`wait_for`], up to `within`: for a page that loads the other app's
/// build (the console's wasm is four times the courier's; on a loaded machine
/// fetching and compiling it takes longer than one screen's wait).
pub async fn wait_for_within(c: &Client, css: &str, within: Duration) -> Element {
    c.wait()
        .at_most(within)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear within {within:?}: {e}"))
}

/// Polls up to `within` until `check` holds for the element's attribute or text.
pub async fn wait_until_within<F: Fn(&str) -> bool>(
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

pub async fn wait_until<F: Fn(&str) -> bool>(c: &Client, css: &str, attr: Option<&str>, check: F) {
    wait_until_within(c, css, attr, WAIT, check).await
}

/// Replaces an input's value as typed by a user. WebDriver's clear fires
/// no `input` event, so the app would still hold the old text, and a
/// re-render of a controlled input between the clear and the typing puts
/// it back (the typed text then lands after it: "500" + "480"; the courier
/// page's clock re-renders every second). So the field is emptied and the
/// `input` event sent in one script, with no render between them.
pub async fn retype(c: &Client, css: &str, text: &str) {
    let el = wait_for(c, css).await;
    let arg = serde_json::to_value(&el).expect("element reference");
    c.execute(
        "const e = arguments[0]; e.focus(); e.value = ''; \
         e.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![arg],
    )
    .await
    .expect("empty the field");
    if !text.is_empty() {
        el.send_keys(text).await.expect("type");
    }
}

/// The element's text with Russian typography's no-break spaces as spaces.
pub async fn text_of(c: &Client, css: &str) -> String {
    wait_for(c, css)
        .await
        .text()
        .await
        .expect("text")
        .replace('\u{a0}', " ")
}

pub async fn click(c: &Client, css: &str) {
    wait_for(c, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Sets a form control's value as a user's pick would (`input`, then `change`).
pub async fn set_value(c: &Client, css: &str, value: &str) {
    let done = js(
        c,
        &format!(
            "const e = document.querySelector({css:?}); if (!e) return false;
             e.value = {value:?};
             e.dispatchEvent(new Event('input', {{ bubbles: true }}));
             e.dispatchEvent(new Event('change', {{ bubbles: true }}));
             return true;"
        ),
    )
    .await;
    assert_eq!(done, json!(true), "{css} is on the page");
}

/// Polls until `script` (a JS body that returns a boolean) returns true.
pub async fn wait_js(c: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + WAIT;
    while js(c, script).await != json!(true) {
        assert!(Instant::now() < deadline, "{what} within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn screenshot(c: &Client, name: &str) {
    let dir = repo().join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(name), png).expect("write screenshot");
}

pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("execute script")
}

pub async fn log_in(c: &Client, app: &App, username: &str) {
    sign_in(c, app, username).await;
    // Operators land on the console; a ring must come after the live
    // channel is subscribed.
    wait_for(c, "#client-search").await;
    wait_until(c, "#live-status", Some("data-state"), |s| s == "online").await;
}

/// Fills in and sends the login form (test users' password).
pub async fn sign_in(c: &Client, app: &App, username: &str) {
    sign_in_with(c, app, username, "password-1").await
}

async fn sign_in_with(c: &Client, app: &App, username: &str, password: &str) {
    c.goto(&app.url("/login")).await.expect("open login");
    wait_for(c, "#login-username")
        .await
        .send_keys(username)
        .await
        .expect("username");
    wait_for(c, "#login-password")
        .await
        .send_keys(password)
        .await
        .expect("password");
    click(c, "#login-submit").await;
}

/// Logs in as the test server's admin; waits for the administration link.
pub async fn admin_log_in(c: &Client, app: &App) {
    sign_in_with(c, app, "admin", crate::ADMIN_PASSWORD).await;
    wait_for(c, "#nav-admin").await;
}

/// Logs in as a courier where couriers do, in the courier app at /courier
/// (its own build, with its own sign-in form), who lands on the route; waits
/// for it and for the live channel.
pub async fn courier_log_in(c: &Client, app: &App, username: &str) {
    c.goto(&app.url("/courier")).await.expect("open /courier");
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
    click(c, "#login-submit").await;
    wait_for(c, "#courier").await;
    wait_until(c, "#courier", Some("aria-busy"), |b| b == "false").await;
    wait_until(c, "#route-fresh", Some("data-state"), |s| s == "live").await;
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/courier", "couriers land on their route");
}

pub async fn served_app() -> App {
    let mut cfg = Config::for_tests();
    cfg.static_dir = Some(dist());
    spawn_with(cfg).await
}

/// `YYYY-MM-DD` moved by `days`.
pub fn shift(day: &str, days: i64) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a YYYY-MM-DD date");
    (d + chrono::Duration::days(days)).to_string()
}

/// Cuts (or restores) the page's network with Chrome's DevTools emulation.
pub async fn set_offline(driver_url: &str, c: &Client, offline: bool) {
    let sid = c
        .session_id()
        .await
        .expect("session id")
        .expect("a session");
    let url = format!("{driver_url}/session/{sid}/chromium/network_conditions");
    let http = reqwest::Client::new();
    let r = if offline {
        http.post(&url)
            .json(&json!({ "network_conditions": {
                "offline": true, "latency": 0, "download_throughput": -1, "upload_throughput": -1 } }))
            .send()
            .await
    } else {
        http.delete(&url).send().await
    }
    .expect("chromedriver network conditions");
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    assert!(status.is_success(), "network conditions: {status} {text}");
}
