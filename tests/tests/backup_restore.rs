//! Backups and restore (docs/operations.md): the drill — demo data on the
//! embedded engine in a temporary folder, a backup taken through the
//! server's `GET /api/backup` (as `rodnik backup --db` does) while orders are
//! being written, a restore into a new folder and a server on it — and the
//! refusals: a cut or damaged file, a folder that is not empty.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rodnik::app::AppState;
use rodnik::backup::{self, BackupError};
use rodnik::config::Config;
use rodnik::http::serve;
use rodnik_tests::*;
use serde_json::{json, Value};

const BACKUP_TOKEN: &str = "local-backup-token-for-tests";

fn config_on(folder: &Path) -> Config {
    let mut cfg = Config::for_tests();
    cfg.db = format!("surrealkv://{}", folder.display());
    cfg.backup_token = Some(BACKUP_TOKEN.into());
    cfg
}

/// A server on `folder`. A folder this process opened a moment ago (the
/// restore) is released when its engine has shut down: wait for that.
async fn serve_folder(folder: &Path) -> App {
    let cfg = config_on(folder);
    let mut tries = 0;
    let state = loop {
        match AppState::start(cfg.clone()).await {
            Ok(s) => break s,
            Err(e) if tries < 100 => {
                tries += 1;
                if tries == 100 {
                    panic!("cannot open {}: {e}", folder.display());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot open {}: {e}", folder.display()),
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve(listener, state.clone()));
    let mut app = App {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        admin: String::new(),
        state,
    };
    app.admin = app.login("admin", ADMIN_PASSWORD).await;
    app
}

/// Every report for the days before today, as JSON (and the lost clients as of yesterday).
async fn reports(app: &App) -> Vec<(String, Value)> {
    let from = app.day(-200);
    let to = app.day(-1);
    let mut out = vec![];
    for path in [
        format!("/api/reports/deliveries?from={from}&to={to}"),
        format!("/api/reports/sales?from={from}&to={to}"),
        format!("/api/reports/orders?from={from}&to={to}"),
        format!("/api/reports/deliveries/daily?from={from}&to={to}"),
        format!("/api/reports/orders/daily?from={from}&to={to}"),
        format!("/api/reports/lost-clients?as_of={to}"),
        format!("/api/reports/deliveries?from={from}&to={to}&format=csv"),
    ] {
        let r = app.get(&path, &app.admin).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let v = if r.body.is_null() {
            Value::String(r.text)
        } else {
            r.body
        };
        out.push((path, v));
    }
    out
}

#[derive(Default)]
struct Acks {
    /// Orders answered 201, with the answer.
    orders: Vec<Value>,
    running: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_orders_are_written_restores_every_acknowledged_order_and_the_same_reports(
) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = serve_folder(&tmp.path().join("company")).await;
    rodnik::demo::fill(&src.state, 7).await.expect("demo data");
    let before = reports(&src).await;
    let demo_day = src.day(-3);
    let demo_orders = src
        .get(&format!("/api/orders?date={demo_day}"), &src.admin)
        .await
        .ok();
    assert!(
        demo_orders.as_array().is_some_and(|a| !a.is_empty()),
        "the demo has orders on {demo_day}"
    );

    let products = src.get("/api/products", &src.admin).await.ok();
    let product = id_of(&products[0]);
    let (client, address) = src
        .client("Writer client", "individual", "9031234567")
        .await;
    let acks = Arc::new(Mutex::new(Acks {
        running: true,
        ..Default::default()
    }));
    let mut writers = vec![];
    for w in 0..4 {
        let (base, admin, acks) = (src.base.clone(), src.admin.clone(), acks.clone());
        let body = json!({ "client_id": client, "address_id": address,
                           "lines": [{ "product_id": product, "qty": 1 + w }],
                           "delivery_date": src.day(1), "note": format!("writer {w}") });
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            while acks.lock().expect("lock").running {
                let r = Resp::read(
                    http.post(format!("{base}/api/orders"))
                        .bearer_auth(&admin)
                        .json(&body),
                )
                .await;
                assert_eq!(r.status, 201, "{}", r.text);
                acks.lock().expect("lock").orders.push(r.body);
            }
        }));
    }
    // Writes are going on before, during and after the backup.
    while acks.lock().expect("lock").orders.len() < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let acked_before: Vec<Value> = acks.lock().expect("lock").orders.clone();
    let file = tmp.path().join("company.surql");
    let v = backup::from_server(&src.base, BACKUP_TOKEN, &file)
        .await
        .expect("backup");
    let during = acks.lock().expect("lock").orders.len() - acked_before.len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    acks.lock().expect("lock").running = false;
    for w in writers {
        w.await.expect("writer");
    }
    let total = acks.lock().expect("lock").orders.len();
    println!(
        "backup: {} bytes; orders acknowledged before it {}, during it {during}, in all {total}",
        v.bytes,
        acked_before.len()
    );
    assert!(
        total > acked_before.len(),
        "no write after the backup began"
    );
    // The history did not move while the writers wrote tomorrow's orders.
    assert_eq!(reports(&src).await, before);

    let copy = tmp.path().join("restored");
    let r = backup::restore(&file, &copy).await.expect("restore");
    assert!(r.orders > acked_before.len() as i64, "{r:?}");
    let dst = serve_folder(&copy).await;

    for o in &acked_before {
        let id = id_of(o);
        let got = dst.get(&format!("/api/orders/{id}"), &dst.admin).await;
        assert_eq!(
            got.status, 200,
            "order {id} acknowledged before the backup is missing"
        );
        assert_eq!(&got.body, o, "order {id} changed");
    }
    assert_eq!(reports(&dst).await, before, "reports differ after restore");
    let restored_demo = dst
        .get(&format!("/api/orders?date={demo_day}"), &dst.admin)
        .await
        .ok();
    assert_eq!(restored_demo, demo_orders);
    // The copy is a working database: it takes new orders, numbered on.
    let last = acked_before
        .iter()
        .filter_map(|o| o["number"].as_i64())
        .max()
        .unwrap_or(0);
    let o = dst
        .order(
            &dst.admin,
            json!({ "client_id": client, "address_id": address,
                    "lines": [{ "product_id": product, "qty": 1 }],
                    "delivery_date": dst.day(1) }),
        )
        .await;
    assert!(o["number"].as_i64().unwrap_or(0) > last, "{o}");
    // Upgraded as at every start.
    let schema = dst
        .state
        .store
        .one("RETURN meta:schema.version", Value::Null, vec![])
        .await
        .expect("schema");
    assert_eq!(
        schema.and_then(|v| v.as_i64()),
        Some(rodnik::store::SCHEMA_VERSION)
    );
}

/// A small database and a backup of it.
async fn small_backup(dir: &Path) -> std::path::PathBuf {
    let app = spawn_app().await;
    app.client("ООО Ромашка", "legal", "9123456789").await;
    let file = dir.join("small.surql");
    let stream = backup::backup_stream(&backup::Source::of(&app.state).expect("source"))
        .await
        .expect("export");
    backup::write_file(stream, &file).await.expect("write");
    file
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[tokio::test]
async fn a_cut_or_damaged_backup_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let good = small_backup(tmp.path()).await;
    let bytes = std::fs::read(&good).expect("read");
    let bad = tmp.path().join("bad.surql");

    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x01;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut in the middle",
            bytes[..bytes.len() / 2].to_vec(),
            "truncated",
        ),
        (
            "cut before its last line break",
            bytes[..bytes.len() - 1].to_vec(),
            "truncated",
        ),
        ("one bit flipped", flipped, "damaged"),
        ("empty", vec![], "header"),
        ("not a backup", b"DEFINE TABLE x;\n".to_vec(), "header"),
    ];
    for (what, content, says) in cases {
        std::fs::write(&bad, &content).expect("write");
        let target = tmp
            .path()
            .join(format!("restore-{}", what.replace(' ', "-")));
        let e = backup::restore(&bad, &target).await.expect_err(what);
        assert!(
            matches!(e, BackupError::Invalid { .. }) && e.to_string().contains(says),
            "{what}: {e}"
        );
        assert!(
            !target.exists(),
            "{what}: restore created {}",
            target.display()
        );
    }
    // A file cut exactly at a line end, with the end line of another file
    // appended, is caught by the byte count.
    let end = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .expect("trailer")
        + 1;
    let body_end = bytes[..end - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .expect("a line")
        + 1;
    let mut spliced = bytes[..body_end / 2].to_vec();
    spliced.extend_from_slice(&bytes[end - 1..]);
    std::fs::write(&bad, &spliced).expect("write");
    let e = backup::restore(&bad, &tmp.path().join("spliced"))
        .await
        .expect_err("spliced");
    assert!(matches!(e, BackupError::Invalid { .. }), "{e}");
    assert!(!tmp.path().join("spliced").exists());

    // The good one restores, into an empty folder that exists too.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let r = backup::restore(&good, &empty).await.expect("restore");
    assert_eq!(r.clients, 1, "{r:?}");
    assert!(!empty.join(backup::RESTORE_MARKER).exists());
}

#[tokio::test]
async fn restore_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let good = small_backup(tmp.path()).await;
    let target = tmp.path().join("busy");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::write(target.join("keep-me.txt"), b"precious").expect("write");
    let e = backup::restore(&good, &target)
        .await
        .expect_err("not empty");
    assert!(matches!(e, BackupError::NotEmpty(_)), "{e}");
    assert!(e.to_string().contains("not empty"), "{e}");
    assert_eq!(entries(&target), vec!["keep-me.txt".to_string()]);
    assert_eq!(
        std::fs::read(target.join("keep-me.txt")).expect("read"),
        b"precious"
    );
}

#[tokio::test]
async fn the_backup_endpoint_takes_an_admin_or_the_local_token_only() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut cfg = Config::for_tests();
    cfg.backup_token = Some(BACKUP_TOKEN.into());
    let app = spawn_with(cfg).await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let out = tmp.path().join("x.surql");
    let e = backup::from_server(&app.base, "a-wrong-token", &out)
        .await
        .expect_err("wrong token");
    assert!(matches!(e, BackupError::Server { status: 401, .. }), "{e}");
    let e = backup::from_server(&app.base, &manager, &out)
        .await
        .expect_err("a manager");
    assert!(matches!(e, BackupError::Server { status: 403, .. }), "{e}");
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
    backup::from_server(&app.base, &app.admin, &out)
        .await
        .expect("an admin");
    backup::from_server(&app.base, BACKUP_TOKEN, &out)
        .await
        .expect("the local token");
    assert_eq!(entries(tmp.path()), vec!["x.surql".to_string()]);
}

#[tokio::test]
async fn scheduled_backups_keep_the_newest_n() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let app = spawn_app().await;
    let dir = tmp.path().join("backups");
    let schedule = backup::Schedule {
        dir: dir.clone(),
        every: Duration::from_millis(50),
        keep: 3,
    };
    let source = backup::Source::of(&app.state).expect("source");
    // A leftover of a backup that a crash interrupted is cleared.
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join(".rodnik-x.surql.partial-abc"), b"half").expect("write");
    let mut written = vec![];
    for i in 0..6 {
        app.client(
            &format!("Client {i}"),
            "individual",
            &format!("90312345{i:02}"),
        )
        .await;
        let (file, _, _) = backup::scheduled_once(&source, &schedule)
            .await
            .expect("backup");
        written.push(file);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let kept = backup::scheduled_files(&dir);
    assert_eq!(kept, written[3..].to_vec(), "{:?}", entries(&dir));
    assert_eq!(entries(&dir).len(), 3, "{:?}", entries(&dir));
    for f in &kept {
        backup::verify(f).await.expect("complete");
    }

    // The loop writes them by itself, and the age is published.
    let handle = backup::spawn_schedule(source.clone(), schedule.clone());
    tokio::time::sleep(Duration::from_millis(400)).await;
    handle.abort();
    let _ = handle.await;
    // The abort may land between a backup's last write and its pruning:
    // the next backup prunes.
    backup::scheduled_once(&source, &schedule)
        .await
        .expect("backup");
    let now = backup::scheduled_files(&dir);
    assert_eq!(now.len(), 3);
    assert!(now.last() > kept.last(), "{now:?}");
    let age = rodnik::metrics::metrics().backup_age().expect("an age");
    assert!(age < 5.0, "{age}");
}
