//! The courier app is a build of its own (issue 22, item 6): `/courier`
//! serves `frontend/dist/courier`, whose page loads the courier's wasm and
//! never the console's; the courier's wasm stays within its size budget; a
//! courier who signs in on the console's page is handed over to it, and
//! anyone else who opens /courier is sent to the console.
//!
//! The size check reads the Trunk build (`cargo xtask frontend`); the page
//! checks need Chromium too (tests/src/browser.rs).

use std::path::Path;
use std::process::Command;

use rodnik_tests::browser::*;
use serde_json::Value;

/// The courier's wasm, gzip -9, in bytes: what it was when the build was
/// split off (362,056 on 2026-12-06, docs/benchmarks.md "Front-end size")
/// with room for small changes. The aim is 250 KB (issue 22, item 6); lower
/// this as the build shrinks, never raise it without saying why there.
const COURIER_WASM_GZIP_LIMIT: u64 = 375_000;

fn gzip9(file: &Path) -> u64 {
    let out = Command::new("gzip")
        .arg("-9c")
        .arg(file)
        .output()
        .expect("run gzip");
    assert!(out.status.success(), "gzip {}", file.display());
    out.stdout.len() as u64
}

/// The `*_bg.wasm` files directly in `dir`.
fn wasm_in(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with("_bg.wasm"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_courier_wasm_is_its_own_and_within_its_budget() {
    let courier = dist().join("courier");
    let built = courier.join("index.html").exists();
    if std::env::var("RODNIK_FULL_SUITE").is_ok() {
        assert!(
            built,
            "frontend/dist/courier is missing: `cargo xtask frontend` builds it"
        );
    }
    if !built {
        eprintln!("skipped: no frontend/dist/courier");
        return;
    }
    let wasm = wasm_in(&courier);
    assert_eq!(wasm.len(), 1, "one wasm in the courier build: {wasm:?}");
    let name = wasm[0].file_name().unwrap_or_default().to_string_lossy();
    assert!(name.starts_with("courier-"), "{name}");
    let html = std::fs::read_to_string(courier.join("index.html")).expect("index.html");
    assert!(
        html.contains(&format!("'/courier/{name}'")),
        "the courier page loads its own wasm"
    );
    assert!(
        !html.contains("rodnik-frontend"),
        "the courier page names nothing of the console's build"
    );
    let courier_gz = gzip9(&wasm[0]);
    let console: u64 = wasm_in(&dist()).iter().map(|f| gzip9(f)).sum();
    eprintln!("courier wasm {courier_gz} bytes gzip -9; console {console}");
    assert!(
        courier_gz <= COURIER_WASM_GZIP_LIMIT,
        "the courier's wasm is {courier_gz} bytes gzip -9, over its budget of {COURIER_WASM_GZIP_LIMIT}: \
         see docs/benchmarks.md, \"Front-end size\", for what it carries"
    );
    assert!(
        courier_gz * 2 < console,
        "the courier build ({courier_gz}) should be a fraction of the console ({console})"
    );
}

/// Paths of every resource the page has loaded so far.
async fn loaded(c: &fantoccini::Client) -> Vec<String> {
    let v = js(
        c,
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);",
    )
    .await;
    serde_json::from_value::<Vec<String>>(v).expect("paths")
}

#[tokio::test]
async fn the_courier_page_loads_only_the_courier_build() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("kolya", "courier", None).await;
    app.user("olga", "operator", None).await;

    // A courier opens /courier and signs in there.
    let (_p, c) = phone_browser("ru-RU").await;
    courier_log_in(&c, &app, "kolya").await;
    wait_for(&c, "#nav-courier").await;
    let paths = loaded(&c).await;
    let wasm: Vec<&String> = paths.iter().filter(|p| p.ends_with(".wasm")).collect();
    assert_eq!(wasm.len(), 1, "{paths:?}");
    assert!(wasm[0].starts_with("/courier/courier-"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.starts_with("/rodnik-frontend-") || p.contains("/admin-")),
        "the console's files were loaded on /courier: {paths:?}"
    );
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/courier");

    // Signed out, the courier app's own form is back, still at /courier.
    click(&c, "#logout").await;
    wait_for(&c, "#login-form").await;
    assert_eq!(c.current_url().await.expect("url").path(), "/courier");

    // A courier who signs in on the console's page is handed over to /courier.
    let (_p2, c2) = phone_browser("en-US").await;
    sign_in(&c2, &app, "kolya").await;
    // A full page load of the courier's own build.
    wait_for_within(&c2, "#courier", std::time::Duration::from_secs(60)).await;
    wait_until(&c2, "#courier", Some("aria-busy"), |b| b == "false").await;
    assert_eq!(c2.current_url().await.expect("url").path(), "/courier");
    let wasm: Vec<String> = loaded(&c2)
        .await
        .into_iter()
        .filter(|p| p.ends_with(".wasm"))
        .collect();
    assert_eq!(
        wasm.len(),
        1,
        "after the hand-over, the courier build alone: {wasm:?}"
    );
    assert!(wasm[0].starts_with("/courier/courier-"), "{wasm:?}");

    // An operator who opens /courier and signs in there goes to the console.
    let (_p3, c3) = browser("en-US").await;
    c3.goto(&app.url("/courier")).await.expect("open /courier");
    wait_for(&c3, "#login-username")
        .await
        .send_keys("olga")
        .await
        .expect("username");
    wait_for(&c3, "#login-password")
        .await
        .send_keys("password-1")
        .await
        .expect("password");
    click(&c3, "#login-submit").await;
    // A full page load of the console's own build.
    wait_for_within(&c3, "#nav-console", std::time::Duration::from_secs(60)).await;
    let path = c3.current_url().await.expect("url").path().to_string();
    assert!(!path.starts_with("/courier"), "{path}");
    let v: Value = js(&c3, "return document.querySelectorAll('#courier').length;").await;
    assert_eq!(v, 0);
}
