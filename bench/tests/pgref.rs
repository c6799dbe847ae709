//! The scale benchmark's PostgreSQL reference (src/pgref.rs) at a small
//! size: it starts a local PostgreSQL, loads, measures, checks its own
//! results and stops it again.

use std::time::Duration;

use rodnik_bench::pgref::{percentile, run, PgRefOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgresql_reference_loads_measures_and_stops() {
    let o = PgRefOptions {
        clients: 2000,
        orders: 20000,
        seed: 7,
        quick: true,
    };
    let r = run(&o).await.expect("pgref run");
    let p = |v: &[Duration]| {
        format!(
            "p50 {:?} p99 {:?} n {}",
            percentile(v, 50.0),
            percentile(v, 99.0),
            v.len()
        )
    };
    eprintln!(
        "PostgreSQL {}: load {:.1} s, {} MB; lookup known {}; unknown {}; \
         write x1 {}; write x8 {} ({:.0}/s)",
        r.version,
        r.load_seconds,
        r.db_bytes / 1_000_000,
        p(&r.lookup_known),
        p(&r.lookup_unknown),
        p(&r.order_write_1),
        p(&r.order_write_8),
        r.order_write_8_per_sec
    );

    assert!(
        r.version.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "{}",
        r.version
    );
    assert!(
        r.load_seconds > 0.0 && r.load_seconds < 60.0,
        "{}",
        r.load_seconds
    );
    assert!(r.db_bytes > 1_000_000, "{}", r.db_bytes);
    // `run` checks each lookup itself: known phones found a client, unknown
    // ones none; here, that they all ran.
    assert_eq!(r.lookup_known.len(), 200);
    assert_eq!(r.lookup_unknown.len(), 200);
    assert!(!r.order_write_1.is_empty());
    assert!(r.order_write_8.len() >= 8, "{}", r.order_write_8.len());
    assert!(r.order_write_8_per_sec > 0.0);
    assert_eq!(r.orders_before, 20000);
    // Warm-up writes (10) count too.
    assert_eq!(
        r.orders_after,
        r.orders_before + 10 + r.order_write_1.len() as u64 + r.order_write_8.len() as u64
    );
    for v in [
        &r.lookup_known,
        &r.lookup_unknown,
        &r.order_write_1,
        &r.order_write_8,
    ] {
        assert!(v
            .iter()
            .all(|d| *d > Duration::ZERO && *d < Duration::from_secs(5)));
    }
}
