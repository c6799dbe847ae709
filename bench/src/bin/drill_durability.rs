//! Durability drill (`cargo xtask drill durability`): the kill -9 cycle of
//! `rodnik_tests::crash` repeated hundreds of times against the release server
//! on the default embedded engine, 600 kills by default (500 of them under I/O
//! pressure) in four phases:
//!
//! 1. **cold**: a new folder every 10 kills (kills right after a cold start),
//!    the default memtable, no pressure;
//! 2. **long-lived, I/O**: one folder for the whole phase, the default
//!    memtable (64 MiB: a rotation every few thousand orders), a thread
//!    writing and fsyncing 256 MiB beside it;
//! 3. **rotations, I/O**: one folder, a 256 KiB memtable (a rotation every few
//!    dozen orders: the window issue 14's loss needed), I/O pressure;
//! 4. **CPU and I/O**: one folder, the default memtable, I/O pressure and two
//!    threads spinning on the two cores.
//!
//! First (phase **fsync**), the server under `strace`: every `201` of 20
//! orders must come after a WAL write and a completed fsync of the WAL.
//!
//! Prints each phase and the total: kills, acknowledged orders, lost,
//! duplicated and changed, the loss rate per order and per kill with its 95 %
//! upper confidence bound (exact binomial; with zero events, 1 − 0.05^(1/n)).
//! Exits 1 if anything was lost, changed, duplicated or stuck.
//!
//! ```text
//! drill_durability --server PATH_TO_rodnik [--kills N (600)] [--writers N (32)]
//!                  [--phase fsync|cold|long|rotations|cpu] [--out FILE.md]
//! ```

use std::path::PathBuf;
use std::time::Duration;

use rodnik_tests::crash::{self, Options, Tally};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn fail(msg: &str) -> ! {
    eprintln!("drill_durability: {msg}");
    std::process::exit(2)
}

/// The 95 % upper bound of a rate with `k` events in `n` trials (exact,
/// Clopper-Pearson, found by bisection on the binomial tail).
fn upper_bound(k: usize, n: usize) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if k == 0 {
        return 1.0 - 0.05f64.powf(1.0 / n as f64);
    }
    // P(X <= k | p) = 0.05, solved for p.
    let tail = |p: f64| {
        let mut term = (1.0 - p).powi(n as i32); // P(X = 0)
        let mut sum = term;
        for i in 0..k {
            term *= (n - i) as f64 / (i + 1) as f64 * p / (1.0 - p);
            sum += term;
        }
        sum
    };
    let (mut lo, mut hi) = (k as f64 / n as f64, 1.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if tail(mid) > 0.05 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn rates(t: &Tally) -> String {
    format!(
        "loss rate {:.2e} per acknowledged order (95 % upper bound {:.2e}); \
         {} of {} kills with a problem (95 % upper bound per kill {:.4})",
        t.lost.len() as f64 / t.acknowledged.max(1) as f64,
        upper_bound(t.lost.len(), t.acknowledged),
        t.bad_kills,
        t.kills,
        upper_bound(t.bad_kills, t.kills),
    )
}

/// A row of the Markdown table (docs/storage.md).
fn row(name: &str, t: &Tally) -> String {
    format!(
        "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |\n",
        t.kills,
        t.folders,
        t.acknowledged,
        t.dispatched,
        t.retried,
        t.lost.len(),
        t.changed.len(),
        t.duplicated.len(),
        t.stuck.len(),
        t.seconds
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = PathBuf::from(
        arg(&args, "--server").unwrap_or_else(|| fail("--server PATH_TO_rodnik is required")),
    );
    let kills: usize = arg(&args, "--kills")
        .map(|k| k.parse().unwrap_or_else(|_| fail("--kills N")))
        .unwrap_or(600);
    let writers: usize = arg(&args, "--writers")
        .map(|k| k.parse().unwrap_or_else(|_| fail("--writers N")))
        .unwrap_or(32);
    let only = arg(&args, "--phase");
    let out = arg(&args, "--out");

    let base = Options {
        server,
        writers,
        kills: 0,
        budget: Duration::from_secs(24 * 3600),
        min_kills: 0,
        kill_after_ms: vec![150, 900, 400, 1500, 50, 2500, 10, 700, 1200, 300, 3500, 5],
        memtable_bytes: None,
        io_pressure: false,
        cpu_pressure: 0,
        fresh_folder_every: None,
        scratch: PathBuf::new(),
        verbose: false,
        wrap: vec![],
        env: vec![],
    };
    // Shares of the kills: cold 1/6 (no pressure), long-lived 1/3, rotations
    // 1/4, CPU 1/4 (all three under I/O pressure): 600 kills give 500 under it.
    let share = |twelfths: usize| (kills * twelfths).div_ceil(12).max(1);
    let phases: Vec<(&str, Options)> = vec![
        (
            "cold",
            Options {
                kills: share(2),
                fresh_folder_every: Some(10),
                ..base.clone()
            },
        ),
        (
            "long",
            Options {
                kills: share(4),
                io_pressure: true,
                ..base.clone()
            },
        ),
        (
            "rotations",
            Options {
                kills: share(3),
                memtable_bytes: Some(256 * 1024),
                io_pressure: true,
                ..base.clone()
            },
        ),
        (
            "cpu",
            Options {
                kills: share(3),
                io_pressure: true,
                cpu_pressure: 2,
                ..base.clone()
            },
        ),
    ];
    if only.is_none() || only.as_deref() == Some("fsync") {
        match fsync_before_answer(&base).await {
            Ok(line) => println!("phase fsync: {line}"),
            Err(e) => fail(&format!("phase fsync: {e}")),
        }
    }
    let mut total = Tally::default();
    let mut report = String::from(
        "| phase | kills | folders | acknowledged | dispatched | retried | lost | changed | duplicated | stuck | time |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for (name, mut opts) in phases {
        if only.as_deref().is_some_and(|p| p != name) {
            continue;
        }
        opts.scratch =
            std::env::temp_dir().join(format!("rodnik-drill-{name}-{}", std::process::id()));
        println!(
            "phase {name}: {} kills, {} writers, memtable {}, I/O pressure {}, CPU threads {}, {}",
            opts.kills,
            opts.writers,
            opts.memtable_bytes
                .map_or("default (64 MiB)".into(), |b| format!("{} KiB", b / 1024)),
            opts.io_pressure,
            opts.cpu_pressure,
            opts.fresh_folder_every
                .map_or("one folder".into(), |n| format!(
                    "a new folder every {n} kills"
                )),
        );
        let t = match crash::run(&opts).await {
            Ok(t) => t,
            Err(e) => fail(&format!("phase {name}: {e}")),
        };
        println!("phase {name}: {}", t.summary());
        println!("phase {name}: {}", rates(&t));
        if !t.clean() {
            println!("{}", t.problems(20));
        }
        report.push_str(&row(name, &t));
        total.add(&t);
    }
    println!("\ntotal: {}", total.summary());
    println!("total: {}", rates(&total));
    report.push_str(&row("**total**", &total));
    report.push_str(&format!("\n{}\n", rates(&total)));
    println!("\n{report}");
    if let Some(path) = out {
        if let Err(e) = std::fs::write(&path, &report) {
            fail(&format!("{path}: {e}"));
        }
    }
    if !total.clean() {
        std::process::exit(1);
    }
}

/// The power-loss promise, as far as a process can see it: the server runs
/// under `strace -f -y`; for each of 20 orders created one at a time, between
/// the read of its request and the write of its `201`, the trace must show a
/// write to a WAL segment and then a completed fsync/fdatasync of a WAL
/// segment. (A kill -9 cannot tell fsync from no fsync; this can.)
async fn fsync_before_answer(base: &Options) -> Result<String, String> {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        return Err("strace is not installed (apt-get install -y strace)".into());
    }
    let scratch = std::env::temp_dir().join(format!("rodnik-drill-fsync-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let trace = scratch.join("trace.txt");
    let opts = Options {
        wrap: vec![
            "strace".into(),
            "-f".into(),
            "-y".into(),
            "-s".into(),
            "48".into(),
            "-e".into(),
            "trace=read,recvfrom,write,writev,pwrite64,sendto,sendmsg,fsync,fdatasync".into(),
            "-o".into(),
            trace.display().to_string(),
            "--".into(),
        ],
        scratch: scratch.clone(),
        ..base.clone()
    };
    let result = async {
        let db = scratch.join("db");
        let server = crash::start(&opts, &db, scratch.join("server.log")).await?;
        let token = crash::login(&server.addr).await?;
        let cat = crash::seed(&server.addr, &token, 1).await?;
        let date = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        let (client, address) = cat.clients[0].clone();
        let mut created = 0;
        for i in 0..20 {
            let body = serde_json::json!({ "client_id": client, "address_id": address,
                "courier_id": cat.courier_id, "delivery_date": date,
                "lines": [{ "product_id": cat.product_ids[0], "qty": 1 + i % 3 }] });
            let (status, v, _) = crash::http(
                &server.addr,
                "POST",
                "/api/orders",
                Some(&token),
                None,
                Some(&body),
            )
            .await
            .map_err(|e| format!("order {i}: {e}"))?;
            if status != 201 {
                return Err(format!("order {i}: {status} {v}"));
            }
            created += 1;
        }
        server.kill9()?;
        let text =
            std::fs::read_to_string(&trace).map_err(|e| format!("{}: {e}", trace.display()))?;
        let checked = check_trace(&text, created);
        if checked.is_err() {
            let keep = std::env::temp_dir().join("rodnik-drill-fsync-trace.txt");
            let _ = std::fs::copy(&trace, &keep);
            eprintln!("the trace is kept at {}", keep.display());
        }
        checked
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// See `fsync_before_answer`. Returns a line of figures, or what broke.
fn check_trace(text: &str, expected: usize) -> Result<String, String> {
    // pid -> path of an fsync that is still running.
    let mut pending: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    // None: outside a request; Some(0) read; Some(1) WAL written since the last
    // sync; Some(2) WAL synced after the last write.
    let mut state: Option<u8> = None;
    let (mut ok, mut bad) = (0usize, vec![]);
    for (n, line) in text.lines().enumerate() {
        let pid = line.split_whitespace().next().unwrap_or("");
        let is_sync = line.contains("fsync(") || line.contains("fdatasync(");
        let wal = line.contains("/wal/");
        if (line.contains("read(") || line.contains("recvfrom(") || line.contains("resumed>"))
            && line.contains("POST /api/orders ")
        {
            state = Some(0);
        } else if is_sync && line.contains("<unfinished ...>") {
            pending.insert(pid, wal);
        } else if is_sync && line.contains(" = 0") {
            if wal && state == Some(1) {
                state = Some(2);
            }
        } else if (line.contains("fsync resumed>") || line.contains("fdatasync resumed>"))
            && line.contains(" = 0")
        {
            if pending.remove(pid) == Some(true) && state == Some(1) {
                state = Some(2);
            }
        } else if wal
            && (line.contains("write(") || line.contains("writev(") || line.contains("pwrite64("))
        {
            // The last WAL write before the answer must be synced after it.
            if state.is_some() {
                state = Some(1);
            }
        } else if line.contains("HTTP/1.1 201") {
            // (201s of other requests, such as the seeding, are not checked.)
            match state {
                None => {}
                Some(2) => ok += 1,
                Some(s) => bad.push(format!(
                    "line {}: a 201 sent with the WAL {}",
                    n + 1,
                    if s == 1 {
                        "written but not synced"
                    } else {
                        "not written"
                    }
                )),
            }
            state = None;
        }
    }
    if !bad.is_empty() || ok != expected {
        return Err(format!(
            "{ok} of {expected} answers came after their WAL fsync: {bad:?}"
        ));
    }
    Ok(format!(
        "all {ok} order answers were written after a WAL write and its fsync (strace)"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn trace_check_wants_a_wal_fsync_before_each_201() {
        let good = r#"101 recvfrom(9<TCP:[1->2]>, "POST /api/orders HTTP/1.1\r\nHost"..., 8192, 0, NULL, NULL) = 300
102 write(7</tmp/db/wal/00000000000000000001.wal>, "\1\2"..., 512) = 512
103 fsync(8</tmp/db/wal/00000000000000000001.wal> <unfinished ...>
103 <... fsync resumed>) = 0
101 writev(9<TCP:[1->2]>, [{iov_base="HTTP/1.1 201 Created\r\n"..., iov_len=200}], 1) = 200
"#;
        assert!(super::check_trace(good, 1).is_ok());
        let unsynced = good.replace("103 <... fsync resumed>) = 0\n", "");
        assert!(super::check_trace(&unsynced, 1).is_err());
        let synced_first = r#"103 fsync(8</tmp/db/wal/00000000000000000001.wal>) = 0
101 recvfrom(9<TCP:[1->2]>, "POST /api/orders HTTP/1.1\r\nHost"..., 8192, 0, NULL, NULL) = 300
102 write(7</tmp/db/wal/00000000000000000001.wal>, "\1\2"..., 512) = 512
101 writev(9<TCP:[1->2]>, [{iov_base="HTTP/1.1 201 Created\r\n"..., iov_len=200}], 1) = 200
"#;
        assert!(super::check_trace(synced_first, 1).is_err());
    }

    #[test]
    fn upper_bounds() {
        // Zero in n: the "rule of three", about 3/n.
        assert!((super::upper_bound(0, 1000) - 0.002_991).abs() < 1e-5);
        // 1 in 23 (the failure issue 14 saw): one-sided 95 % upper bound 0.190.
        let u = super::upper_bound(1, 23);
        assert!((u - 0.1902).abs() < 1e-3, "{u}");
    }
}
