//! `rodnik vrptw FILE --time-limit-ms N --seed S` (issue 21, item 4): the
//! real binary reads a Solomon file and prints one line,
//! `{"routes": [[...], ...], "distance": D}`, that visits every customer once
//! within the file's vehicles; the same seed and iterations give the same
//! line; a bad file is a clear error with exit code 2.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rodnik");

/// Six customers around a depot; capacity 20 per vehicle (demands of 10).
const TINY: &str = "TINY6

VEHICLE
NUMBER     CAPACITY
  4          20

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      50         50          0          0       1000          0
    1      60         50         10          0        200         10
    2      70         50         10          0        300         10
    3      50         60         10          0        200         10
    4      50         70         10          0        300         10
    5      40         50         10          0        200         10
    6      30         50         10          0        300         10
";

fn vrptw(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("vrptw")
        .args(args)
        .output()
        .expect("run rodnik vrptw");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn it_prints_a_feasible_plan_and_refuses_bad_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("tiny.txt");
    std::fs::write(&file, TINY).expect("write");
    let f = file.to_str().expect("path");
    let (code, out, err) = vrptw(&[f, "--iterations", "3000", "--seed", "7"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    let routes: Vec<Vec<u32>> = serde_json::from_value(v["routes"].clone()).expect("routes");
    let mut seen: Vec<u32> = routes.iter().flatten().copied().collect();
    seen.sort();
    assert_eq!(seen, [1, 2, 3, 4, 5, 6], "every customer once");
    assert!(
        routes.len() <= 4 && routes.iter().all(|r| r.len() <= 2),
        "capacity 20: {routes:?}"
    );
    // Three out-and-back spokes of 20 each: the distance is 3 × 40 = 120.
    assert_eq!(v["distance"].as_f64(), Some(120.0), "{out}");
    // The same seed and iterations: the same line.
    let (_, again, _) = vrptw(&[f, "--iterations", "3000", "--seed", "7"]);
    assert_eq!(out, again);
    let (code, out, err) = vrptw(&["/nonexistent/file.txt", "--time-limit-ms", "100"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("/nonexistent/file.txt"), "{err}");
    std::fs::write(&file, "not an instance").expect("write");
    let (code, _, err) = vrptw(&[f, "--time-limit-ms", "100"]);
    assert_eq!(code, 2, "{err}");
}
