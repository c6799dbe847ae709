//! `rodnik serve` serves the web app built by Trunk, with SPA fallback, and
//! keeps `/api` answers as JSON.

use std::path::PathBuf;

use rodnik::config::Config;
use rodnik_tests::spawn_with;

fn dist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist")
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
