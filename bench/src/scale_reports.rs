//! The scale benchmark's rows of the grouped deliveries report (`bench_scale`;
//! issue 22): over the last 365 days, by courier, by client (first page, a
//! deep page, sorted by amount), by client type, a courier's clients (the
//! drill-down) and the full table's first page, each against a p99 of
//! 200 ms, with the answer's size in the row's name (target: under 1 MB);
//! one grouped answer over the year before, whose packs no report has read
//! yet (the cold path: texts read and parsed); and the streamed downloads of
//! the full courier × client table over the year (CSV, XLSX): their time,
//! size, first byte, and the server's RSS before and at its peak while they
//! stream (sampled every 20 ms).
//!
//! Runs after the `reports` phase, whose year-long deliveries row has
//! already read the year's packs: the rows here are the server with its
//! pack cache warm, as a manager clicking through the report meets it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{rss_kib, Check, Counts, Ctx, Row, Sample};

const TARGET: Duration = Duration::from_millis(200);
const MAX_BYTES: usize = 1 << 20;

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

/// `n` sequential GETs of `path` after one unmeasured: the sample and the
/// largest answer's size.
async fn timed(ctx: &Ctx, path: &str, n: usize) -> (Sample, usize) {
    let mut s = Sample::default();
    let mut largest = 0;
    for i in 0..=n {
        let t0 = Instant::now();
        let r = ctx
            .api
            .call_raw(reqwest::Method::GET, path, Some(&ctx.manager), None)
            .await;
        let d = t0.elapsed();
        if let Ok(b) = &r {
            largest = largest.max(b.len());
        }
        if i > 0 {
            s.record(d, r.map(|_| ()));
        }
    }
    (s, largest)
}

/// The server's RSS sampled every 20 ms while `f` runs: (before, peak) in KiB.
async fn with_rss<T>(pid: u32, f: impl std::future::Future<Output = T>) -> (T, u64, u64) {
    let before = rss_kib(pid).map(|r| r.0).unwrap_or(0);
    let peak = Arc::new(AtomicU64::new(before));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Some((r, _)) = rss_kib(pid) {
                    peak.fetch_max(r, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let out = f.await;
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    (out, before, peak.load(Ordering::Relaxed))
}

/// A download read piece by piece: (first byte, whole, bytes).
async fn download(ctx: &Ctx, path: &str) -> Result<(Duration, Duration, usize), String> {
    let t0 = Instant::now();
    let mut r = ctx
        .api
        .http
        .get(format!("{}{path}", ctx.api.base))
        .bearer_auth(&ctx.manager)
        .send()
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    if !r.status().is_success() {
        return Err(format!("{path}: {}", r.status()));
    }
    let (mut first, mut bytes) = (None, 0usize);
    while let Some(piece) = r.chunk().await.map_err(|e| format!("{path}: {e}"))? {
        first.get_or_insert_with(|| t0.elapsed());
        bytes += piece.len();
    }
    Ok((first.unwrap_or_default(), t0.elapsed(), bytes))
}

pub(super) async fn rows(ctx: &Ctx, c: &Counts, pid: u32) -> Result<Vec<Row>, String> {
    let today = ctx.today;
    let year = today - chrono::Duration::days(364);
    let base = format!("/api/reports/deliveries?from={year}&to={today}");
    let couriers = ctx
        .api
        .get(&format!("{base}&group=courier"), &ctx.manager)
        .await?;
    // The courier with the most orders: the largest drill-down.
    let busiest = couriers["rows"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .max_by_key(|r| r["orders"].as_i64().unwrap_or(0))
        })
        .and_then(|r| r["key"].as_str())
        .unwrap_or_default()
        .to_string();
    let orders = couriers["totals"]["orders"].as_i64().unwrap_or(0);
    eprintln!("bench: grouped deliveries over {year}..{today}: {orders} orders");
    let cases = [
        ("by courier", format!("{base}&group=courier")),
        ("by client, first page", format!("{base}&group=client")),
        (
            "by client, largest amount first",
            format!("{base}&group=client&sort=amount"),
        ),
        (
            "by client, page 100",
            format!("{base}&group=client&page=100"),
        ),
        ("by client type", format!("{base}&group=kind")),
        (
            "a courier's clients (drill-down)",
            format!(
                "{base}&group=client&courier_id={}",
                rodnik_tests::enc(&busiest)
            ),
        ),
        (
            "courier x client, first page of 1,000",
            format!("{base}&group=courier_client&limit=1000"),
        ),
        (
            "by day and courier, first page",
            format!("{base}&group=courier_day"),
        ),
    ];
    let mut rows = vec![];
    for (name, path) in cases {
        let (s, bytes) = timed(ctx, &path, c.reports).await;
        s.guard(name)?;
        let mut row = Row::new(
            format!("deliveries, year, {name} (answer {})", size(bytes)),
            &s,
            None,
            vec![Check::P99(TARGET)],
        );
        if bytes > MAX_BYTES {
            // Over a screenful's budget: shown as missed whatever the time.
            row.checks = vec![Check::P99(Duration::ZERO)];
        }
        rows.push(row);
    }
    // The year before: packs no report has read in this run.
    let before = year - chrono::Duration::days(365);
    let last = year - chrono::Duration::days(1);
    let cold = format!("/api/reports/deliveries?from={before}&to={last}&group=client");
    let t0 = Instant::now();
    let r = ctx
        .api
        .call_raw(reqwest::Method::GET, &cold, Some(&ctx.manager), None)
        .await;
    let mut s = Sample::default();
    s.record(t0.elapsed(), r.map(|_| ()));
    s.guard("cold year")?;
    rows.push(Row::new(
        "deliveries, the year before, by client, first page (packs read and parsed: cold)",
        &s,
        None,
        vec![],
    ));
    // The full table, streamed.
    for format in ["csv", "xlsx"] {
        let path = format!("{base}&format={format}&lang=ru");
        let (got, rss0, peak) = with_rss(pid, download(ctx, &path)).await;
        let (first, whole, bytes) = got?;
        let mut s = Sample::default();
        s.record(whole, Ok(()));
        eprintln!(
            "bench: {format} of the full table: {} in {:.1} s, first byte after {:.0} ms; RSS {} -> peak {} KiB",
            size(bytes),
            whole.as_secs_f64(),
            first.as_secs_f64() * 1000.0,
            rss0,
            peak
        );
        rows.push(Row::new(
            format!(
                "deliveries, year, full courier x client table, {} streamed ({}, first byte {:.0} ms, server RSS {:.0} -> peak {:.0} MiB)",
                format.to_uppercase(),
                size(bytes),
                first.as_secs_f64() * 1000.0,
                rss0 as f64 / 1024.0,
                peak as f64 / 1024.0
            ),
            &s,
            None,
            vec![],
        ));
    }
    Ok(rows)
}
