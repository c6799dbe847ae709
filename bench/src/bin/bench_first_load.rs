//! First-load benchmark of the dispatcher web app (`cargo xtask bench first-load`).
//!
//! Starts the real server (`rodnik serve`, the release build, with demo data
//! in `mem://`) serving the Trunk release build, and headless Chromium through
//! chromedriver. Loads the app N times cold (a fresh browser profile each
//! time: empty HTTP cache and code cache) and N times warm (one profile,
//! already loaded once), and prints p50 / p95 / max of:
//! navigation → DOMContentLoaded, navigation → login form on screen (the wasm
//! loaded and rendered), and sign-in → console usable (search box on screen)
//! and → live channel online; with the bytes the page load transferred.
//!
//! The times are taken inside the page (`performance.now()`, whose zero is the
//! navigation start) by a MutationObserver installed before any page script
//! runs (CDP `Page.addScriptToEvaluateOnNewDocument` through chromedriver), at
//! the animation frame after the element appears: WebDriver's polling adds
//! nothing to them.
//!
//! `--throttle MBIT/RTT` (say `10/40`) emulates a link of that many Mbit/s
//! each way and that round-trip time in ms (chromedriver's network
//! conditions); without it the browser talks to the server over loopback.
//!
//! `--app courier` measures the courier app instead (its own build at
//! `/courier`, issue 22 item 6): a courier with a route of 15 stops today;
//! cold, navigation → the courier's sign-in form, and sign-in → the first
//! stop of the route on screen (their sum is "first route on screen", the
//! typing left out); warm, a repeat visit of the signed-in courier:
//! navigation → the first stop on screen (the service worker's page and
//! files, the route kept on the phone).
//!
//! `bench_first_load --server PATH [--dist DIR] [--runs N] [--throttle MBIT/RTT] [--app console|courier]`

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(30);
const ADMIN_PASSWORD: &str = "bench-admin-password";
const OPERATOR: &str = "bench-operator";
const PASSWORD: &str = "bench-password-1";

/// Installed before the page's own scripts: when each milestone first shows.
const OBSERVER: &str = r#"
(() => {
  const m = (window.__rodnikMarks = {});
  const seen = (key, test) => {
    if (m[key] === undefined && test()) {
      m[key] = -1;
      requestAnimationFrame(() => { m[key] = performance.now(); });
    }
  };
  const check = () => {
    seen('login', () => document.getElementById('login-form'));
    seen('route', () => document.querySelector('#route li.route-stop'));
    seen('console', () => document.getElementById('client-search'));
    seen('live', () => {
      const e = document.getElementById('live-status');
      return e && e.dataset.state === 'online';
    });
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'],
  });
  const submitted = () => { if (m.submit === undefined) m.submit = performance.now(); };
  document.addEventListener('submit', (e) => { if (e.target && e.target.id === 'login-form') submitted(); }, true);
  document.addEventListener('click', (e) => { if (e.target && e.target.id === 'login-submit') submitted(); }, true);
})();
"#;

struct Args {
    server: PathBuf,
    dist: PathBuf,
    runs: usize,
    /// Mbit/s and round-trip ms.
    throttle: Option<(f64, f64)>,
    /// The courier app rather than the console.
    courier: bool,
}

fn throttle(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("--throttle {s}: expected MBIT/RTT_MS, say 10/40");
    let (mbit, rtt) = s.split_once('/').ok_or_else(bad)?;
    let mbit: f64 = mbit.trim().parse().map_err(|_| bad())?;
    let rtt: f64 = rtt.trim().parse().map_err(|_| bad())?;
    if mbit > 0.0 && rtt >= 0.0 {
        Ok((mbit, rtt))
    } else {
        Err(bad())
    }
}

fn args() -> Result<Args, String> {
    let mut server = None;
    let mut dist = PathBuf::from("frontend/dist");
    let mut runs = 20;
    let mut limit = None;
    let mut courier = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--server" => server = Some(PathBuf::from(value()?)),
            "--dist" => dist = PathBuf::from(value()?),
            "--throttle" => limit = Some(throttle(&value()?)?),
            "--app" => {
                courier = match value()?.as_str() {
                    "console" => false,
                    "courier" => true,
                    other => return Err(format!("--app {other}: console or courier")),
                }
            }
            "--runs" => {
                runs = value()?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))
                    .and_then(|n: usize| {
                        if n > 0 {
                            Ok(n)
                        } else {
                            Err("--runs must be at least 1".into())
                        }
                    })?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let server = server.ok_or("--server PATH (the rodnik binary) is required")?;
    if !dist.join("index.html").exists() {
        return Err(format!(
            "{} has no index.html: run `trunk build --release`",
            dist.display()
        ));
    }
    Ok(Args {
        server,
        dist,
        runs,
        throttle: limit,
        courier,
    })
}

/// Kills the child process when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

async fn wait_http(url: &str, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !reqwest::get(url)
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        if Instant::now() > deadline {
            return Err(format!("{what} did not answer at {url}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// `rodnik serve` with demo data in memory; the base URL.
async fn start_server(a: &Args) -> Result<(Process, String), String> {
    let port = free_port()?;
    let child = Command::new(&a.server)
        .args(["serve", "--demo", "--db", "mem://", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--static-dir")
        .arg(&a.dist)
        .env("RODNIK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", a.server.display()))?;
    let server = Process(child);
    let base = format!("http://127.0.0.1:{port}");
    wait_http(&format!("{base}/api/health"), "the server").await?;
    Ok((server, base))
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: Value,
) -> Result<Value, String> {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| format!("{url}: {e}"))?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {v}"));
    }
    Ok(v)
}

/// The operator the browser signs in as.
async fn operator(base: &str) -> Result<(), String> {
    let http = reqwest::Client::new();
    let login = post(
        &http,
        &format!("{base}/api/auth/login"),
        None,
        json!({ "username": "admin", "password": ADMIN_PASSWORD }),
    )
    .await?;
    let token = login["token"].as_str().ok_or("no admin token")?;
    post(
        &http,
        &format!("{base}/api/users"),
        Some(token),
        json!({ "username": OPERATOR, "password": PASSWORD, "name": "Bench Operator",
                "role": "operator", "extension": "199" }),
    )
    .await?;
    Ok(())
}

const COURIER: &str = "bench-courier";
/// Stops on the courier's route today.
const STOPS: usize = 15;

async fn get(http: &reqwest::Client, url: &str, token: &str) -> Result<Value, String> {
    let r = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| format!("{url}: {e}"))?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {v}"));
    }
    Ok(v)
}

/// The courier the browser signs in as, with a route of `STOPS` stops today:
/// the demo's orders of a coming day, taken again for today and dispatched.
async fn courier_with_route(base: &str) -> Result<(), String> {
    let http = reqwest::Client::new();
    let login = post(
        &http,
        &format!("{base}/api/auth/login"),
        None,
        json!({ "username": "admin", "password": ADMIN_PASSWORD }),
    )
    .await?;
    let token = login["token"].as_str().ok_or("no admin token")?;
    let user = post(
        &http,
        &format!("{base}/api/users"),
        Some(token),
        json!({ "username": COURIER, "password": PASSWORD, "name": "Bench Courier",
                "role": "courier" }),
    )
    .await?;
    let courier_id = user["id"].as_str().ok_or("no courier id")?;
    let me = get(&http, &format!("{base}/api/me"), token).await?;
    let today = me["today"].as_str().ok_or("no today")?;
    let today = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let mut made = 0;
    for ahead in 1..=7 {
        let day = today + chrono::Duration::days(ahead);
        let orders = get(&http, &format!("{base}/api/orders?date={day}"), token).await?;
        for o in orders.as_array().into_iter().flatten() {
            if made == STOPS {
                return Ok(());
            }
            let lines: Vec<Value> = o["lines"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| json!({ "product_id": l["product_id"], "qty": l["qty"] }))
                .collect();
            let created = post(
                &http,
                &format!("{base}/api/orders"),
                Some(token),
                json!({ "client_id": o["client_id"], "address_id": o["address"]["id"],
                        "lines": lines, "delivery_date": today.to_string(),
                        "courier_id": courier_id, "allow_credit": true }),
            )
            .await?;
            let id = created["id"].as_str().ok_or("no order id")?;
            post(
                &http,
                &format!("{base}/api/orders/{id}/dispatch"),
                Some(token),
                json!({}),
            )
            .await?;
            made += 1;
        }
    }
    Err(format!("only {made} orders to copy onto the route"))
}

struct Driver {
    _process: Process,
    url: String,
}

async fn start_driver() -> Result<Driver, String> {
    let port = free_port()?;
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver {
        _process: Process(child),
        url,
    };
    wait_http(&format!("{}/status", driver.url), "chromedriver").await?;
    Ok(driver)
}

/// A headless Chromium with a fresh profile, and the observer installed.
async fn session(
    driver: &Driver,
    profile: &tempfile::TempDir,
    throttle: Option<(f64, f64)>,
) -> Result<Client, String> {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1366,768", "--lang=en-US",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }
    });
    let Value::Object(caps) = caps else {
        return Err("capabilities".into());
    };
    let c = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .map_err(|e| format!("webdriver session: {e}"))?;
    let sid = c
        .session_id()
        .await
        .map_err(|e| format!("session id: {e}"))?
        .ok_or("no session id")?;
    post(
        &reqwest::Client::new(),
        &format!("{}/session/{sid}/goog/cdp/execute", driver.url),
        None,
        json!({ "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": { "source": OBSERVER } }),
    )
    .await?;
    if let Some((mbit, rtt)) = throttle {
        let bytes_per_s = mbit * 1_000_000.0 / 8.0;
        post(
            &reqwest::Client::new(),
            &format!("{}/session/{sid}/chromium/network_conditions", driver.url),
            None,
            json!({ "network_conditions": { "offline": false, "latency": rtt,
                    "download_throughput": bytes_per_s, "upload_throughput": bytes_per_s } }),
        )
        .await?;
    }
    Ok(c)
}

async fn js(c: &Client, script: &str) -> Result<Value, String> {
    c.execute(script, vec![])
        .await
        .map_err(|e| format!("script failed: {e}"))
}

/// Polls until the in-page mark is set; its time in ms since navigation start.
async fn mark(c: &Client, key: &str) -> Result<f64, String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let v = js(
            c,
            &format!("return (window.__rodnikMarks || {{}})['{key}'];"),
        )
        .await?;
        if let Some(t) = v.as_f64().filter(|t| *t >= 0.0) {
            return Ok(t);
        }
        if Instant::now() > deadline {
            return Err(format!("'{key}' never happened"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[derive(Default)]
struct Run {
    dcl: f64,
    login: f64,
    console: f64,
    live: f64,
    transferred: f64,
    decoded: f64,
}

/// One load of /login, a sign-in, and the console.
async fn load_once(c: &Client, base: &str) -> Result<Run, String> {
    c.goto(&format!("{base}/login"))
        .await
        .map_err(|e| format!("open /login: {e}"))?;
    let login = mark(c, "login").await?;
    let page = js(
        c,
        "const nav = performance.getEntriesByType('navigation')[0];
         const all = [nav, ...performance.getEntriesByType('resource')];
         return { dcl: nav.domContentLoadedEventEnd,
                  transferred: all.reduce((s, e) => s + (e.transferSize || 0), 0),
                  decoded: all.reduce((s, e) => s + (e.decodedBodySize || 0), 0) };",
    )
    .await?;
    let field = |name: &str| -> Result<f64, String> {
        page[name]
            .as_f64()
            .ok_or_else(|| format!("no {name} in {page}"))
    };
    let find = |css: &'static str| async move {
        c.find(Locator::Css(css))
            .await
            .map_err(|e| format!("{css}: {e}"))
    };
    find("#login-username")
        .await?
        .send_keys(OPERATOR)
        .await
        .map_err(|e| e.to_string())?;
    find("#login-password")
        .await?
        .send_keys(PASSWORD)
        .await
        .map_err(|e| e.to_string())?;
    find("#login-submit")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    let submit = mark(c, "submit").await?;
    let console = mark(c, "console").await?;
    let live = mark(c, "live").await?;
    // Signed out again for the next load (the server session simply stays).
    js(
        c,
        "localStorage.clear(); sessionStorage.clear(); return true;",
    )
    .await?;
    Ok(Run {
        dcl: field("dcl")?,
        login,
        console: console - submit,
        live: live - submit,
        transferred: field("transferred")?,
        decoded: field("decoded")?,
    })
}

/// What the page load transferred and decoded, and its DOMContentLoaded.
async fn page_figures(c: &Client) -> Result<(f64, f64, f64), String> {
    let page = js(
        c,
        "const nav = performance.getEntriesByType('navigation')[0];
         const all = [nav, ...performance.getEntriesByType('resource')];
         return { dcl: nav.domContentLoadedEventEnd,
                  transferred: all.reduce((s, e) => s + (e.transferSize || 0), 0),
                  decoded: all.reduce((s, e) => s + (e.decodedBodySize || 0), 0) };",
    )
    .await?;
    let field = |name: &str| -> Result<f64, String> {
        page[name]
            .as_f64()
            .ok_or_else(|| format!("no {name} in {page}"))
    };
    Ok((field("dcl")?, field("transferred")?, field("decoded")?))
}

/// A courier's first visit: /courier, the sign-in form, the route.
/// `console` holds navigation → form; `live` holds sign-in → first stop.
async fn courier_cold(c: &Client, base: &str) -> Result<Run, String> {
    c.goto(&format!("{base}/courier"))
        .await
        .map_err(|e| format!("open /courier: {e}"))?;
    let login = mark(c, "login").await?;
    let (dcl, transferred, decoded) = page_figures(c).await?;
    for (css, text) in [("#login-username", COURIER), ("#login-password", PASSWORD)] {
        c.find(Locator::Css(css))
            .await
            .map_err(|e| format!("{css}: {e}"))?
            .send_keys(text)
            .await
            .map_err(|e| e.to_string())?;
    }
    c.find(Locator::Css("#login-submit"))
        .await
        .map_err(|e| e.to_string())?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    let submit = mark(c, "submit").await?;
    let route = mark(c, "route").await?;
    Ok(Run {
        dcl,
        login,
        console: route - submit,
        live: login + route - submit,
        transferred,
        decoded,
    })
}

/// A signed-in courier opens the app again: navigation → first stop.
async fn courier_warm(c: &Client, base: &str) -> Result<Run, String> {
    c.goto(&format!("{base}/courier"))
        .await
        .map_err(|e| format!("open /courier: {e}"))?;
    let route = mark(c, "route").await?;
    let (dcl, transferred, decoded) = page_figures(c).await?;
    Ok(Run {
        dcl,
        login: route,
        console: 0.0,
        live: route,
        transferred,
        decoded,
    })
}

fn courier_table(title: &str, runs: &[Run], cold: bool) {
    println!("\n{title} ({} loads)\n", runs.len());
    println!("| | p50 | p95 | max |\n|---|---:|---:|---:|");
    let ms =
        |name: &str, f: &dyn Fn(&Run) -> f64| println!("{}", row(name, runs.iter().map(f), "ms"));
    ms("navigation → DOMContentLoaded, ms", &|r| r.dcl);
    if cold {
        ms("navigation → sign-in form on screen, ms", &|r| r.login);
        ms("sign-in → first stop on screen, ms", &|r| r.console);
        ms("first route on screen (the two above), ms", &|r| r.live);
    } else {
        ms("navigation → first stop on screen, ms", &|r| r.live);
    }
    println!(
        "{}",
        row(
            "page load transferred, KiB",
            runs.iter().map(|r| r.transferred),
            "KiB"
        )
    );
    println!(
        "{}",
        row(
            "page load decoded, KiB",
            runs.iter().map(|r| r.decoded),
            "KiB"
        )
    );
}

async fn bench_courier(a: &Args, base: &str, driver: &Driver) -> Result<(), String> {
    courier_with_route(base).await?;
    let mut cold = vec![];
    for i in 0..a.runs {
        let profile = tempfile::tempdir().map_err(|e| format!("profile dir: {e}"))?;
        let c = session(driver, &profile, a.throttle).await?;
        let r = courier_cold(&c, base).await;
        let _ = c.close().await;
        cold.push(r?);
        eprintln!("bench: cold {}/{}", i + 1, a.runs);
    }
    let profile = tempfile::tempdir().map_err(|e| format!("profile dir: {e}"))?;
    let c = session(driver, &profile, a.throttle).await?;
    let first = courier_cold(&c, base).await;
    // The service worker installs and keeps the app meanwhile.
    let ready = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(r => done(r.active ? r.active.scriptURL : ''))
               .catch(e => done('error: ' + e));",
            vec![],
        )
        .await
        .map_err(|e| e.to_string());
    let mut warm = vec![];
    let result = async {
        first?;
        eprintln!("bench: service worker {}", ready?);
        tokio::time::sleep(Duration::from_secs(2)).await;
        for i in 0..a.runs {
            warm.push(courier_warm(&c, base).await?);
            eprintln!("bench: warm {}/{}", i + 1, a.runs);
        }
        Ok::<(), String>(())
    }
    .await;
    let _ = c.close().await;
    result?;
    let courier_dir = a.dist.join("courier");
    println!("\nFirst load of the courier app (/courier, {STOPS} stops today)");
    println!("machine: {}", machine());
    println!(
        "server: {} (mem://, demo data); courier wasm {} bytes",
        a.server.display(),
        wasm_bytes(&courier_dir)?
    );
    match a.throttle {
        Some((mbit, rtt)) => {
            println!("network: {mbit} Mbit/s each way, {rtt} ms round trip (emulated)")
        }
        None => println!("network: loopback"),
    }
    courier_table(
        "Cold: a fresh browser profile per load, signing in",
        &cold,
        true,
    );
    courier_table(
        "Warm: the signed-in courier opens the app again (service worker)",
        &warm,
        false,
    );
    Ok(())
}

fn wasm_bytes(dir: &std::path::Path) -> Result<u64, String> {
    Ok(std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with("_bg.wasm"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum())
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn row(name: &str, values: impl Iterator<Item = f64>, unit: &str) -> String {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    let f = |x: f64| {
        if unit == "ms" {
            format!("{x:.0}")
        } else {
            format!("{:.0}", x / 1024.0)
        }
    };
    format!(
        "| {name} | {} | {} | {} |",
        f(pct(&v, 50.0)),
        f(pct(&v, 95.0)),
        f(v.last().copied().unwrap_or_default())
    )
}

fn table(title: &str, runs: &[Run]) {
    println!("\n{title} ({} loads)\n", runs.len());
    println!("| | p50 | p95 | max |\n|---|---:|---:|---:|");
    println!(
        "{}",
        row(
            "navigation → DOMContentLoaded, ms",
            runs.iter().map(|r| r.dcl),
            "ms"
        )
    );
    println!(
        "{}",
        row(
            "navigation → login form on screen, ms",
            runs.iter().map(|r| r.login),
            "ms"
        )
    );
    println!(
        "{}",
        row(
            "sign-in → console usable (search box), ms",
            runs.iter().map(|r| r.console),
            "ms"
        )
    );
    println!(
        "{}",
        row(
            "sign-in → live channel online, ms",
            runs.iter().map(|r| r.live),
            "ms"
        )
    );
    println!(
        "{}",
        row(
            "page load transferred, KiB",
            runs.iter().map(|r| r.transferred),
            "KiB"
        )
    );
    println!(
        "{}",
        row(
            "page load decoded, KiB",
            runs.iter().map(|r| r.decoded),
            "KiB"
        )
    );
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let chromium = Command::new(CHROMIUM)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpus} CPUs ({model}), {chromium}")
}

async fn bench(a: Args) -> Result<(), String> {
    eprintln!("bench: starting {} with demo data", a.server.display());
    let (_server, base) = start_server(&a).await?;
    let driver = start_driver().await?;
    if a.courier {
        return bench_courier(&a, &base, &driver).await;
    }
    operator(&base).await?;

    let mut cold = vec![];
    for i in 0..a.runs {
        let profile = tempfile::tempdir().map_err(|e| format!("profile dir: {e}"))?;
        let c = session(&driver, &profile, a.throttle).await?;
        let r = load_once(&c, &base).await;
        let _ = c.close().await;
        cold.push(r?);
        eprintln!("bench: cold {}/{}", i + 1, a.runs);
    }

    let profile = tempfile::tempdir().map_err(|e| format!("profile dir: {e}"))?;
    let c = session(&driver, &profile, a.throttle).await?;
    load_once(&c, &base).await?; // fills the caches
    let mut warm = vec![];
    for i in 0..a.runs {
        match load_once(&c, &base).await {
            Ok(r) => warm.push(r),
            Err(e) => {
                let _ = c.close().await;
                return Err(e);
            }
        }
        eprintln!("bench: warm {}/{}", i + 1, a.runs);
    }
    let _ = c.close().await;

    let wasm = wasm_bytes(&a.dist)?;
    println!("\nFirst load of the dispatcher web app");
    println!("machine: {}", machine());
    println!(
        "server: {} (mem://, demo data); wasm {} bytes",
        a.server.display(),
        wasm
    );
    match a.throttle {
        Some((mbit, rtt)) => {
            println!("network: {mbit} Mbit/s each way, {rtt} ms round trip (emulated)")
        }
        None => println!("network: loopback"),
    }
    table("Cold: a fresh browser profile per load", &cold);
    table("Warm: the same profile, loaded before", &warm);
    Ok(())
}

#[tokio::main]
async fn main() {
    let result = match args() {
        Ok(a) => bench(a).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("bench_first_load: {e}");
        std::process::exit(1);
    }
}
