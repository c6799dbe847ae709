//! The courier app installs as a PWA: `rodnik serve` serves the service worker
//! as JavaScript, the web app manifest as `application/manifest+json` and the
//! icons as PNG, and the manifest names what an installable app needs. The
//! sources in frontend/ are checked directly (served from a scratch static
//! dir), and the Trunk build is checked to carry the same files.

use std::path::{Path, PathBuf};

use rodnik::config::Config;
use rodnik_tests::spawn_with;
use serde_json::Value;

fn frontend() -> PathBuf {
    rodnik_tests::manifest_dir().join("../frontend")
}

const FILES: [&str; 6] = [
    "sw.js",
    "manifest.webmanifest",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon.png",
];

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

fn scratch_static_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Rodnik</title>",
    )
    .expect("index.html");
    std::fs::create_dir_all(dir.path().join("icons")).expect("icons dir");
    for f in FILES {
        std::fs::copy(frontend().join(f), dir.path().join(f))
            .unwrap_or_else(|e| panic!("copy {f}: {e}"));
    }
    dir
}

async fn get(app: &rodnik_tests::App, path: &str) -> (u16, String, Vec<u8>) {
    let r = app.http.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, ct, r.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn the_service_worker_manifest_and_icons_are_served_with_their_types() {
    let dir = scratch_static_dir();
    let mut cfg = Config::for_tests();
    cfg.static_dir = Some(dir.path().to_path_buf());
    let app = spawn_with(cfg).await;

    let (status, ct, body) = get(&app, "/sw.js").await;
    assert_eq!(status, 200);
    assert!(
        ct.starts_with("text/javascript") || ct.starts_with("application/javascript"),
        "a service worker must be served as JavaScript, not {ct}"
    );
    let js = String::from_utf8(body).expect("utf-8");
    assert!(js.contains("addEventListener('fetch'"), "it is the worker");
    assert!(js.contains("'/api/'"), "it leaves the API alone");

    let (status, ct, body) = get(&app, "/manifest.webmanifest").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/manifest+json"), "{ct}");
    let m: Value = serde_json::from_slice(&body).expect("the manifest is JSON");
    for field in ["name", "short_name", "theme_color", "background_color"] {
        assert!(
            m[field].as_str().is_some_and(|s| !s.is_empty()),
            "manifest {field}: {m}"
        );
    }
    assert_eq!(m["start_url"], "/courier");
    assert_eq!(m["display"], "standalone");
    let icons = m["icons"].as_array().expect("icons");
    for want in ["192x192", "512x512"] {
        assert!(
            icons
                .iter()
                .any(|i| i["sizes"] == want && i["type"] == "image/png"),
            "no {want} PNG icon in {m}"
        );
    }
    for icon in icons {
        let src = icon["src"].as_str().expect("icon src");
        let (status, ct, body) = get(&app, src).await;
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{src}");
        let sizes = icon["sizes"].as_str().expect("sizes");
        let (w, h) = png_size(&body);
        assert_eq!(format!("{w}x{h}"), sizes, "{src}");
    }
    let (status, ct, body) = get(&app, "/icons/apple-touch-icon.png").await;
    assert_eq!((status, ct.as_str()), (200, "image/png"));
    assert_eq!(png_size(&body), (180, 180));

    // The app's own pages still fall back to index.html.
    let (status, ct, _) = get(&app, "/courier").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"), "{ct}");
}

#[test]
fn the_trunk_build_carries_the_pwa_files() {
    let dist = frontend().join("dist");
    let built = dist.join("index.html").exists();
    if std::env::var("RODNIK_FULL_SUITE").is_ok() {
        assert!(
            built,
            "frontend/dist is missing: `cargo xtask frontend` builds it"
        );
    }
    if !built {
        eprintln!("skipped: no frontend/dist");
        return;
    }
    for f in FILES {
        let (src, out) = (frontend().join(f), dist.join(f));
        assert!(
            out.exists(),
            "{} is not in dist: is it copied in index.html?",
            Path::new(f).display()
        );
        assert_eq!(
            std::fs::read(&src).expect("source"),
            std::fs::read(&out).expect("built"),
            "dist/{f} is stale: rebuild with trunk"
        );
    }
    let html = std::fs::read_to_string(dist.join("index.html")).expect("index.html");
    assert!(html.contains(r#"<link rel="manifest" href="/manifest.webmanifest""#));
    // The courier build (its own page at /courier) has its own worker and
    // links the same manifest.
    let (src, out) = (frontend().join("courier/sw.js"), dist.join("courier/sw.js"));
    assert_eq!(
        std::fs::read(&src).expect("courier/sw.js"),
        std::fs::read(&out).expect("dist/courier/sw.js: is the courier build there?"),
        "dist/courier/sw.js is stale: rebuild with `cargo xtask frontend`"
    );
    let html = std::fs::read_to_string(dist.join("courier/index.html")).expect("courier page");
    assert!(html.contains(r#"<link rel="manifest" href="/manifest.webmanifest""#));
}

#[test]
fn the_workers_keep_to_their_own_app_and_caches() {
    let console = std::fs::read_to_string(frontend().join("sw.js")).expect("sw.js");
    let courier = std::fs::read_to_string(frontend().join("courier/sw.js")).expect("courier sw");
    // Each deletes only its own older caches on activation (they share the origin's).
    assert!(console.contains("const PREFIX = 'rodnik-shell-'"));
    assert!(courier.contains("const PREFIX = 'rodnik-courier-'"));
    assert!(console.contains("n.startsWith(PREFIX)") && courier.contains("n.startsWith(PREFIX)"));
    // The console's worker leaves the courier's pages and files alone.
    assert!(console.contains("url.pathname.startsWith('/courier/')"));
    assert!(courier.contains("const SHELL = '/courier';"));
}
