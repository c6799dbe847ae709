//! `rodnik serve` serves the web app built by Trunk, with SPA fallback, and
//! keeps `/api` answers as JSON.

use std::path::PathBuf;

use rodnik::config::Config;
use rodnik_tests::spawn_with;

fn dist() -> PathBuf {
    rodnik_tests::manifest_dir().join("../frontend/dist")
}

#[tokio::test]
async fn the_web_app_is_served_with_spa_fallback() {
    let built = dist().join("index.html").exists();
    if std::env::var("RODNIK_FULL_SUITE").is_ok() {
        assert!(
            built,
            "frontend/dist/index.html is missing: `cargo xtask frontend` builds it"
        );
    }
    let mut cfg = Config::for_tests();
    cfg.static_dir = Some(dist());
    let app = spawn_with(cfg).await;
    for path in ["/", "/console", "/courier/route"] {
        let r = app.http.get(app.url(path)).send().await.expect("get");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let ct = r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .to_string();
        assert!(ct.starts_with("text/html"), "{path}: {ct}");
        let body = r.text().await.expect("body");
        if built {
            assert!(
                body.contains(".wasm") || body.contains("wasm"),
                "{path} is not the Trunk build"
            );
        } else {
            assert!(body.contains("Rodnik"));
        }
    }
    // The courier app is its own build, at /courier and under it; the
    // console's pages are not.
    if built {
        for path in ["/courier", "/courier/", "/courier/route"] {
            let body = app
                .http
                .get(app.url(path))
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("body");
            assert!(
                body.contains("'/courier/courier-"),
                "{path} is not the courier build"
            );
            assert!(!body.contains("rodnik-frontend"), "{path}");
        }
        for path in ["/", "/console", "/courierx"] {
            let body = app
                .http
                .get(app.url(path))
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("body");
            assert!(
                body.contains("rodnik-frontend"),
                "{path} is not the console"
            );
        }
    }
    let r = app
        .http
        .get(app.url("/api/no-such-endpoint"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 404);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["error"]["code"], "not_found");
}

/// The app goes out gzipped when the browser accepts it; Trunk's hashed files
/// are cached for good and everything else is revalidated.
#[tokio::test]
async fn the_web_app_is_compressed_and_cached_by_name() {
    let index = dist().join("index.html");
    if !index.exists() {
        assert!(
            std::env::var("RODNIK_FULL_SUITE").is_err(),
            "frontend/dist/index.html is missing"
        );
        return;
    }
    let wasm = std::fs::read_dir(dist())
        .expect("dist")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|n| n.ends_with("_bg.wasm"))
        .expect("a wasm in dist");
    let raw = std::fs::metadata(dist().join(&wasm)).expect("wasm").len();
    let mut cfg = Config::for_tests();
    cfg.static_dir = Some(dist());
    let app = spawn_with(cfg).await;

    let r = app
        .http
        .get(app.url(&format!("/{wasm}")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("get wasm");
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-encoding"], "gzip");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    let sent = r.bytes().await.expect("body").len() as u64;
    assert!(sent * 2 < raw, "gzip sent {sent} bytes of {raw}");

    let plain = app
        .http
        .get(app.url(&format!("/{wasm}")))
        .send()
        .await
        .expect("get");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.expect("body").len() as u64, raw);

    for path in ["/", "/courier", "/sw.js", "/courier/sw.js"] {
        let r = app.http.get(app.url(path)).send().await.expect("get");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
    }
    // The courier's worker, in /courier/, may look after /courier itself.
    let r = app
        .http
        .get(app.url("/courier/sw.js"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.headers()["service-worker-allowed"], "/courier");
    // Its page runs under the same security policy (its inline module's hash).
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert_eq!(csp.matches("'sha256-").count(), 2, "{csp}");
    // API answers keep their own headers.
    let r = app
        .http
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("health");
    assert!(r.headers().get("cache-control").is_none());
}
