//! Durability drill (`cargo xtask drill durability`): the kill -9 cycle of
//! `rodnik_tests::crash` repeated hundreds of times against the release server
//! on the default embedded engine, in four phases:
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
//! Prints each phase and the total: kills, acknowledged orders, lost,
//! duplicated and changed, the loss rate per order and per kill with its 95 %
//! upper confidence bound (exact binomial; with zero events, 1 − 0.05^(1/n)).
//! Exits 1 if anything was lost, changed, duplicated or stuck.
//!
//! ```text
//! drill_durability --server PATH_TO_rodnik [--kills N (500)] [--writers N (32)]
//!                  [--phase cold|long|rotations|cpu] [--out FILE.md]
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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = PathBuf::from(
        arg(&args, "--server").unwrap_or_else(|| fail("--server PATH_TO_rodnik is required")),
    );
    let kills: usize = arg(&args, "--kills")
        .map(|k| k.parse().unwrap_or_else(|_| fail("--kills N")))
        .unwrap_or(500);
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
        kill_after_ms: vec![150, 900, 400, 1500, 50, 2500, 10, 700, 1200, 300, 3500, 5],
        memtable_bytes: None,
        io_pressure: false,
        cpu_pressure: 0,
        fresh_folder_every: None,
        scratch: PathBuf::new(),
        verbose: false,
    };
    // Shares of the kills: cold 20 %, long-lived 30 %, rotations 30 %, CPU 20 %.
    let share = |pct: usize| (kills * pct).div_ceil(100).max(1);
    let phases: Vec<(&str, Options)> = vec![
        (
            "cold",
            Options {
                kills: share(20),
                fresh_folder_every: Some(10),
                ..base.clone()
            },
        ),
        (
            "long",
            Options {
                kills: share(30),
                io_pressure: true,
                ..base.clone()
            },
        ),
        (
            "rotations",
            Options {
                kills: share(30),
                memtable_bytes: Some(256 * 1024),
                io_pressure: true,
                ..base.clone()
            },
        ),
        (
            "cpu",
            Options {
                kills: share(20),
                io_pressure: true,
                cpu_pressure: 2,
                ..base.clone()
            },
        ),
    ];
    let mut total = Tally::default();
    let mut report = String::from(
        "| phase | kills | folders | acknowledged | dispatched | retried | lost | changed | duplicated | stuck | time |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for (name, mut opts) in phases {
        if only.as_deref().is_some_and(|p| p != name) {
            continue;
        }
        opts.scratch = std::env::temp_dir().join(format!(
            "rodnik-drill-{name}-{}",
            std::process::id()
        ));
        println!(
            "phase {name}: {} kills, {} writers, memtable {}, I/O pressure {}, CPU threads {}, {}",
            opts.kills,
            opts.writers,
            opts.memtable_bytes
                .map_or("default (64 MiB)".into(), |b| format!("{} KiB", b / 1024)),
            opts.io_pressure,
            opts.cpu_pressure,
            opts.fresh_folder_every
                .map_or("one folder".into(), |n| format!("a new folder every {n} kills")),
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
        report.push_str(&format!(
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
        ));
        total.add(&t);
    }
    println!("\ntotal: {}", total.summary());
    println!("total: {}", rates(&total));
    report.push_str(&format!(
        "| **total** | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |\n\n{}\n",
        total.kills,
        total.folders,
        total.acknowledged,
        total.dispatched,
        total.retried,
        total.lost.len(),
        total.changed.len(),
        total.duplicated.len(),
        total.stuck.len(),
        total.seconds,
        rates(&total)
    ));
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

#[cfg(test)]
mod tests {
    #[test]
    fn upper_bounds() {
        // Zero in n: the "rule of three", about 3/n.
        assert!((super::upper_bound(0, 1000) - 0.002_991).abs() < 1e-5);
        // 1 in 23 (the failure issue 14 saw): 95 % upper bound ~0.195.
        let u = super::upper_bound(1, 23);
        assert!((u - 0.1951).abs() < 2e-3, "{u}");
    }
}
