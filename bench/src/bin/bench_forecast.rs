//! `cargo xtask bench forecast`: how well the client's own rhythm
//! (`rodnik_shared::forecast`, docs/forecast.md) foretells what the history
//! actually did next. Reads every delivery of a dataset (the delivery
//! figures, `stat_deliv`, five years by default as `bench_scale` generates
//! them), and for each client and each delivery after the third forecasts
//! it from the ones before; prints the errors in days and in bottles,
//! beside a naive reading (the last interval again, the last quantity
//! again) for scale.
//!
//! Options: `--data DIR` (a dataset folder not in use by a server; default
//! the 20,000-client one under ~/.cache/rodnik-bench), `--server PATH`
//! (set by xtask, not used).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rodnik::store::Store;
use rodnik_shared::forecast::{backtest, Backtest, Forecast, Rhythm, MIN_HISTORY};

fn args() -> Result<PathBuf, String> {
    let mut data = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => data = Some(PathBuf::from(value()?)),
            "--server" => {
                value()?;
            }
            "-h" | "--help" => return Err("usage: bench_forecast [--data DIR]".into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    match data {
        Some(d) => Ok(d),
        None => {
            let home = std::env::var("HOME").map_err(|_| "HOME is not set")?;
            Ok(PathBuf::from(home).join(".cache/rodnik-bench/s1-c20000-o200000"))
        }
    }
}

/// The naive reading: the last interval again, the last quantity again.
fn naive(history: &[(NaiveDate, u32)]) -> Backtest {
    let mut out = Backtest::default();
    for k in MIN_HISTORY..history.len() {
        let (last, qty) = history[k - 1];
        let gap = (last - history[k - 2].0).num_days().max(1) as u64;
        let Some(expected_on) = last.checked_add_days(Days::new(gap)) else {
            continue;
        };
        let f = Forecast {
            expected_on,
            expected_qty: qty,
            typical_interval_days: gap as f64,
            at_risk_after: expected_on + Days::new(7.max(gap / 2)),
            basis: k,
            rhythm: Rhythm::Calendar,
        };
        let (on, q) = history[k];
        out.record(&f, on, q);
    }
    out
}

/// Clients with a rhythm, two years each, seeded: offices on a fixed
/// weekday (5-7 bottles, now and then a double order, two weeks closed in
/// summer and over the new year), households that order when the water
/// runs out (2-4 bottles at 0.15-0.5 a day, a day early or late), and
/// fortnightly clients on a fixed weekday.
fn simulated(n: usize) -> Vec<(&'static str, Vec<(NaiveDate, u32)>)> {
    let mut rng = StdRng::seed_from_u64(7);
    let start = NaiveDate::from_ymd_opt(2024, 1, 8).unwrap_or_default();
    let end = start + Days::new(730);
    let closed = |d: NaiveDate| {
        let (m, day) = (d.format("%m").to_string(), d.format("%d").to_string());
        (m == "08" && day.as_str() < "15") || (m == "01" && day.as_str() < "09")
    };
    let mut out = vec![];
    for i in 0..n {
        let mut h = vec![];
        match i % 3 {
            0 | 2 => {
                let every = if i % 3 == 0 { 7 } else { 14 };
                let mut d = start + Days::new(rng.gen_range(0..7));
                while d < end {
                    if !closed(d) {
                        let mut q = rng.gen_range(5..=7);
                        if rng.gen_bool(0.05) {
                            q *= 2;
                        }
                        h.push((d, q));
                    }
                    d = d + Days::new(every);
                }
                out.push((
                    if every == 7 {
                        "offices, weekly"
                    } else {
                        "offices, fortnightly"
                    },
                    h,
                ));
            }
            _ => {
                let rate: f64 = rng.gen_range(0.15..0.5);
                let mut d = start + Days::new(rng.gen_range(0..7));
                while d < end {
                    let q: u32 = rng.gen_range(2..=4);
                    h.push((d, q));
                    let days = (f64::from(q) / rate).round() as i64 + rng.gen_range(-1..=1);
                    d = d + Days::new(days.max(1) as u64);
                }
                out.push(("households, when the water runs out", h));
            }
        }
    }
    out
}

fn row(name: &str, b: &Backtest) -> String {
    let f = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}"));
    let pct = |v: Option<f64>| v.map_or("-".into(), |v| format!("{:.1} %", v * 100.0));
    format!(
        "| {name} | {} | {} | {} | {} | {} | {} | {} |",
        b.count,
        f(b.mean_abs_days()),
        f(b.median_abs_days()),
        pct(b.share_within_2_days()),
        f(b.mean_late_days()),
        f(b.mean_abs_qty()),
        pct(b.share_after_risk()),
    )
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench_forecast: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let data = args()?;
    if !data.is_dir() {
        return Err(format!(
            "{} is not a dataset folder: generate one with `cargo xtask bench scale --clients 20000 --orders 200000` first",
            data.display()
        ));
    }
    let started = Instant::now();
    let url = format!("surrealkv://{}", data.display());
    let store = Store::connect(&url)
        .await
        .map_err(|e| format!("opening {url}: {e}"))?;
    // Every delivery: client -> (day, water units), since the first year
    // a generated history may start.
    let today = store.today();
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(today);
    let history = store
        .delivery_histories(first, today)
        .await
        .map_err(|e| format!("reading the delivery figures: {e}"))?;
    let deliveries: usize = history.values().map(Vec::len).sum();
    let from = history
        .values()
        .filter_map(|h| h.first().map(|(d, _)| *d))
        .min()
        .unwrap_or(today);
    let read = started.elapsed();
    let mut ours = Backtest::default();
    let mut base = Backtest::default();
    let mut clients = 0usize;
    for list in history.values() {
        if list.len() > MIN_HISTORY {
            clients += 1;
        }
        ours.merge(&backtest(list));
        base.merge(&naive(list));
    }
    println!("# Forecast of the client's own rhythm against the history");
    println!();
    println!("- dataset: {}", data.display());
    println!(
        "- {} clients, {} delivery days from {from} to {today}; {} clients with more than {MIN_HISTORY}",
        history.len(),
        deliveries,
        clients
    );
    println!(
        "- read in {:.1} s, checked in {:.1} s",
        read.as_secs_f64(),
        (started.elapsed() - read).as_secs_f64()
    );
    println!();
    println!("| reading | forecasts | mean error, days | median error, days | within ±2 days | mean lateness, days (+: later than expected) | mean error, bottles | next order after `at_risk_after` |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    println!("{}", row("the rhythm (docs/forecast.md)", &ours));
    println!(
        "{}",
        row("naive: the last interval and quantity again", &base)
    );
    println!();
    println!("Simulated clients with a rhythm (3,000, two years each, seeded; see `simulated`):");
    println!();
    println!("| clients, reading | forecasts | mean error, days | median error, days | within ±2 days | mean lateness, days (+: later than expected) | mean error, bottles | next order after `at_risk_after` |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut kinds: BTreeMap<&str, (Backtest, Backtest)> = BTreeMap::new();
    for (kind, h) in simulated(3000) {
        let e = kinds.entry(kind).or_default();
        e.0.merge(&backtest(&h));
        e.1.merge(&naive(&h));
    }
    for (kind, (ours, base)) in &kinds {
        println!("{}", row(&format!("{kind}: the rhythm"), ours));
        println!("{}", row(&format!("{kind}: naive"), base));
    }
    Ok(())
}
