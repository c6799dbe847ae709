//! The backup commands as an operator runs them, on the real `rodnik` binary:
//! `rodnik backup --db FOLDER` while `rodnik serve` has that folder open
//! (through the control file), scheduled backups with rotation and their log
//! lines, `/metrics` on its own listener with the backup age, `rodnik
//! restore` (and its refusals), `rodnik backup` on a folder no server has
//! open, and a server on the restored folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_rodnik");
const PASSWORD: &str = "admin-password-cli";

struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn serve(db: &Path, log: PathBuf, extra: &[&str]) -> Server {
    let port = free_port();
    let out = std::fs::File::create(&log).expect("log file");
    let err = out.try_clone().expect("log file");
    let child = Command::new(BIN)
        .args(["serve", "--db"])
        .arg(db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--static-dir", "/nonexistent"])
        .args(extra)
        .env("RODNIK_ADMIN_PASSWORD", PASSWORD)
        .env(
            "RODNIK_LOG",
            "info,surrealdb=warn,surrealdb_core=warn,surrealkv=warn",
        )
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RODNIK_METRICS_TOKEN")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start rodnik serve");
    let mut server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("rodnik serve exited with {status}:\n{}", server.log_text());
        }
        if let Ok(r) = reqwest::get(format!("{}/api/health", server.base)).await {
            if r.status().is_success() {
                return server;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no start:\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn rodnik(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RODNIK_LOG", "warn")
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RODNIK_DB")
        .stdin(Stdio::null())
        .output()
        .expect("run rodnik")
}

fn text(o: &Output) -> String {
    format!(
        "status {}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn login(base: &str) -> String {
    let r: Value = reqwest::Client::new()
        .post(format!("{base}/api/auth/login"))
        .json(&json!({ "username": "admin", "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    r["token"].as_str().expect("token").to_string()
}

async fn client_names(base: &str) -> Vec<String> {
    let token = login(base).await;
    let r: Value = reqwest::Client::new()
        .get(format!("{base}/api/clients?q=client"))
        .bearer_auth(token)
        .send()
        .await
        .expect("clients")
        .json()
        .await
        .expect("clients json");
    let mut names: Vec<String> = r
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_restore_and_scheduled_backups_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("company");
    let sched = tmp.path().join("scheduled");
    let metrics_port = free_port();
    let server = serve(
        &db,
        tmp.path().join("serve.log"),
        &[
            "--backup-dir",
            p(&sched),
            "--backup-every",
            "1s",
            "--backup-keep",
            "2",
            "--metrics-listen",
            &format!("127.0.0.1:{metrics_port}"),
        ],
    )
    .await;
    let token = login(&server.base).await;
    for (name, phone) in [("Client one", "9031112233"), ("Client two", "9031112244")] {
        let r = reqwest::Client::new()
            .post(format!("{}/api/clients", server.base))
            .bearer_auth(&token)
            .json(
                &json!({ "kind": "individual", "name": name, "phones": [phone],
                           "addresses": [{ "text": "Lenina 1" }] }),
            )
            .send()
            .await
            .expect("client");
        assert_eq!(r.status().as_u16(), 201);
    }

    // While the server has the folder open.
    let file = tmp.path().join("company.surql");
    let o = rodnik(&["backup", "--db", p(&db), "--out", p(&file)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Backup written"),
        "{}",
        text(&o)
    );
    let o = rodnik(&["verify-backup", p(&file)]);
    assert!(o.status.success(), "{}", text(&o));

    // Scheduled: one a second, two kept, a log line each.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let kept: Vec<String> = std::fs::read_dir(&sched)
        .expect("backup dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .all(|n| n.starts_with("rodnik-") && n.ends_with(".surql")),
        "{kept:?}"
    );
    let log = server.log_text();
    assert!(log.matches("backup written").count() >= 3, "{log}");
    assert!(!log.contains(&token), "a session token in the log");
    // `rodnik backup` went through the server: the folder is locked.
    assert!(
        log.contains("backup download started") && log.contains("the local backup token"),
        "{log}"
    );
    // The metrics listener needs no token and shows a fresh backup.
    let m = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .expect("metrics");
    assert_eq!(m.status().as_u16(), 200);
    let m = m.text().await.expect("metrics text");
    let age: f64 = m
        .lines()
        .find_map(|l| l.strip_prefix("rodnik_backup_age_seconds "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no backup age in\n{m}"));
    assert!((0.0..5.0).contains(&age), "{age}");
    // The main listener has no metrics token: off there.
    let off = reqwest::get(format!("{}/metrics", server.base))
        .await
        .expect("metrics");
    assert_eq!(off.status().as_u16(), 404);

    // Restore, and the refusals.
    let copy = tmp.path().join("copy");
    let o = rodnik(&["restore", p(&file), "--db", p(&copy)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("2 clients"),
        "{}",
        text(&o)
    );
    let o = rodnik(&["restore", p(&file), "--db", p(&copy)]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not empty"),
        "{}",
        text(&o)
    );
    let bytes = std::fs::read(&file).expect("read");
    let cut = tmp.path().join("cut.surql");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).expect("write");
    let o = rodnik(&["restore", p(&cut), "--db", p(&tmp.path().join("from-cut"))]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("truncated"),
        "{}",
        text(&o)
    );
    assert!(!tmp.path().join("from-cut").exists());

    // A folder no server has open (its control file is stale now).
    drop(server);
    let again = tmp.path().join("again.surql");
    let o = rodnik(&["backup", "--db", p(&db), "--out", p(&again)]);
    assert!(o.status.success(), "{}", text(&o));

    // A server on the restored folder has the data.
    let restored = serve(&copy, tmp.path().join("restored.log"), &[]).await;
    assert_eq!(
        client_names(&restored.base).await,
        vec!["Client one".to_string(), "Client two".to_string()]
    );
}
