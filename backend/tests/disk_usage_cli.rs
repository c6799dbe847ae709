//! `rodnik disk-usage` on a folder `rodnik generate` filled: every record of
//! the generated clients and orders is counted under its table, the indexes
//! are named from the catalog, and the files' sizes add up to the folder's.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rodnik");

fn run(args: &[&str], db: &std::path::Path) -> String {
    let out = Command::new(BIN)
        .args(args)
        .arg("--db")
        .arg(db)
        .env("RODNIK_ADMIN_PASSWORD", "admin-password-du")
        .env("RODNIK_LOG", "warn")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run rodnik");
    assert!(
        out.status.success(),
        "rodnik {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The figures of a table's row: (records, index keys).
fn row(report: &str, table: &str) -> (u64, u64) {
    let line = report
        .lines()
        .find(|l| l.split_whitespace().next() == Some(table))
        .unwrap_or_else(|| panic!("no row for {table}:\n{report}"));
    let cells: Vec<&str> = line.split_whitespace().collect();
    // table, records, N, MB, index keys, N, MB, ...
    (
        cells[1].parse().expect("records"),
        cells[4].parse().expect("index keys"),
    )
}

#[test]
fn the_breakdown_counts_every_generated_record_under_its_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let made = run(
        &[
            "generate",
            "--clients",
            "300",
            "--orders",
            "3000",
            "--years",
            "1",
            "--couriers",
            "3",
            "--operators",
            "2",
        ],
        &db,
    );
    assert!(made.contains("Generated 300 clients"), "{made}");
    let report = run(&["disk-usage"], &db);
    let (clients, client_index_keys) = row(&report, "clients");
    assert_eq!(clients, 300, "{report}");
    assert!(
        client_index_keys >= 300,
        "the phone index at least: {report}"
    );
    let generated: u64 = made
        .split(" orders")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no order count in: {made}"));
    let (orders, order_index_keys) = row(&report, "orders");
    assert_eq!(orders, generated, "{report}");
    assert!(order_index_keys > orders, "{report}");
    // The search index: ~25 terms a client.
    let (terms, _) = row(&report, "client_terms");
    assert!(terms > 300 * 10, "{report}");
    assert!(report.contains("orders.orders_route_key"), "{report}");
    // The files add up to the total on disk.
    let on_disk = report
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("On disk: "))
        .and_then(|l| l.strip_suffix(" MB"))
        .and_then(|n| n.parse::<f64>().ok())
        .expect("the first line: On disk: N MB");
    let files: f64 = report
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .sum();
    assert!(
        (on_disk - files).abs() < 0.2,
        "{on_disk} vs {files}: {report}"
    );
    assert!(on_disk > 0.0);
}
