//! Smoke test of the scale benchmark (`bench/src/bin/bench_scale.rs`): a tiny
//! generated dataset in a temporary folder, `--quick`, and every operation's
//! row in the table.
//!
//! It needs a built `rodnik` server binary, which this package cannot ask
//! cargo to build: `RODNIK_BENCH_SERVER` when set, else the newest of
//! `rodnik` in the debug folder beside the bench binary (a workspace
//! `cargo test` builds it for backend/tests/crash_safety.rs) and in the
//! release folder next to it (`cargo xtask bench`, `cargo xtask run`). Without
//! one the test is skipped, or fails when RODNIK_FULL_SUITE is set.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The server binary, or None.
fn server() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RODNIK_BENCH_SERVER") {
        return Some(PathBuf::from(p));
    }
    let bench = PathBuf::from(env!("CARGO_BIN_EXE_bench_scale"));
    let debug = bench.parent()?.to_path_buf();
    let release = debug.parent()?.join("release");
    [debug.join("rodnik"), release.join("rodnik")]
        .into_iter()
        .filter_map(|p| {
            let t = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            Some((t, p))
        })
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p)
}

#[test]
fn bench_scale_quick_run_prints_every_row() {
    let Some(server) = server() else {
        assert!(
            std::env::var_os("RODNIK_FULL_SUITE").is_none(),
            "RODNIK_FULL_SUITE: no rodnik server binary beside the bench (build it, or set RODNIK_BENCH_SERVER)"
        );
        eprintln!("skipped: no rodnik server binary built (set RODNIK_BENCH_SERVER, or RODNIK_FULL_SUITE to require it)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("db");
    let out = dir.path().join("result.md");
    let stdout = dir.path().join("stdout.txt");
    let stderr = dir.path().join("stderr.txt");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bench_scale"))
        .arg("--server")
        .arg(&server)
        // An empty --data folder: the bench generates the shape into it.
        .arg("--data")
        .arg(&data)
        .args(["--quick", "--no-pg", "--clients", "300", "--orders", "3000"])
        .args(["--sockets", "50"])
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("start bench_scale");
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if started.elapsed() > Duration::from_secs(240) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "bench_scale ran over 240 s; stderr:\n{}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = std::fs::read_to_string(&stdout).unwrap_or_default();
    let log = std::fs::read_to_string(&stderr).unwrap_or_default();
    println!("{text}");
    eprintln!(
        "bench_scale took {:.1} s (server {}); its stderr:\n{log}",
        started.elapsed().as_secs_f64(),
        server.display()
    );
    assert!(status.success(), "bench_scale failed ({status}):\n{log}");
    for row in [
        "| lookup, known number |",
        "| lookup, unknown number |",
        "| screen pop (ringing → call.ringing) |",
        "| route of the day (",
        "| order create, 1 client |",
        "| order create, 8 clients |",
        "| order create, 64 clients |",
        "| create+dispatch, 1 client |",
        "| create+dispatch, 8 clients |",
        "| create+dispatch, 64 clients |",
        "| fan-out to 50 sockets (last delivery) |",
        "| report deliveries, month |",
        "| report deliveries, year |",
        "| report sales, month |",
        "| report sales, year |",
        "| report orders, month |",
        "| report orders, year |",
        "| report lost clients, 1 month window |",
        "| report lost clients, 12 months window |",
        "| lost clients, full history |",
        "| server RSS with 50 sockets, right after the order writes |",
        "| server RSS with 50 sockets, idle 6 s |",
        "| database size on disk |",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row:?} in:\n{text}"));
        // Measured rows: some samples and no error.
        if !row.contains("RSS") && !row.contains("size") {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let samples: usize = cells[2].parse().expect("samples");
            assert!(samples > 0, "no samples: {line}");
            assert_eq!(cells[3], "0", "errors: {line}");
        }
    }
    // Every target is judged.
    assert!(
        text.contains(" ok |") || text.contains(" MISSED |"),
        "{text}"
    );
    let md = std::fs::read_to_string(&out).expect("--out file");
    assert!(md.contains("| operation | samples |"), "{md}");
    assert!(md.contains("CPUs (nproc)"), "{md}");
    // The data folder was generated into, and no marker is written for --data.
    assert!(
        data.join("manifest").exists()
            || std::fs::read_dir(&data).is_ok_and(|mut d| d.next().is_some())
    );
    assert!(!data.join(".rodnik-bench-complete").exists());
}
