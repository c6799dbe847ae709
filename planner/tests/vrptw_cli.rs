//! `vrptw` as a user runs it: the exact output line, and clear errors for a
//! bad file or bad flags.

use std::process::Command;

use rodnik_planner::check::check;
use rodnik_planner::solomon::parse;

const INSTANCE: &str = "TINY

VEHICLE
NUMBER     CAPACITY
  3         10

CUSTOMER
CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    0          0       0           0       0         100           0
    1          3       4           4       0          20           2
    2          6       8           4      10          30           2
    3          0       5           5       0          50           1
    4          1       1           3      40          60           1
    5         -4       2           2       0          90           3
";

fn vrptw(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vrptw"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("rodnik-vrptw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn prints_routes_and_distance_that_the_checker_accepts() {
    let file = write("tiny.txt", INSTANCE);
    let (ok, out, err) = vrptw(&[&file, "--iterations", "2000", "--seed", "5"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("{\"routes\": [[") && out.ends_with("}\n"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let routes: Vec<Vec<usize>> = serde_json::from_value(v["routes"].clone()).unwrap();
    let distance = v["distance"].as_f64().unwrap();
    let verdict = check(&parse(INSTANCE).unwrap(), &routes, Some(distance)).unwrap();
    assert_eq!(verdict.distance as f64, (distance * 10.0).round());
    // The same seed and iteration budget give the same line.
    assert_eq!(
        vrptw(&[&file, "--iterations", "2000", "--seed", "5"]).1,
        out
    );
    // A time budget answers too.
    let (ok, out, _) = vrptw(&[&file, "--time-limit-ms", "50", "--seed", "5"]);
    assert!(ok && out.contains("\"distance\": "), "{out}");
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let (ok, _, err) = vrptw(&["/nonexistent/r101.txt", "--time-limit-ms", "10"]);
    assert!(!ok && err.contains("cannot read"), "{err}");
    let file = write(
        "broken.txt",
        &INSTANCE
            .replace("1x", "")
            .replace("    3          0       5", "    3          0       x"),
    );
    let (ok, _, err) = vrptw(&[&file, "--time-limit-ms", "10"]);
    assert!(
        !ok && err.contains("line") && err.contains("'x' is not a number"),
        "{err}"
    );
    let tiny = write("tiny2.txt", INSTANCE);
    let (ok, _, err) = vrptw(&[&tiny, "--time-limit-ms", "ten"]);
    assert!(!ok && err.contains("'ten' is not a whole"), "{err}");
    let (ok, _, err) = vrptw(&[&tiny]);
    assert!(!ok && err.contains("--time-limit-ms"), "{err}");
    let (ok, _, err) = vrptw(&[&tiny, "--time-limit-ms", "10", "--fast"]);
    assert!(!ok && err.contains("unknown option --fast"), "{err}");
    // One vehicle cannot serve everyone in time: no answer rather than a wrong one.
    let one = write(
        "one.txt",
        &INSTANCE.replace("  3         10", "  1         10"),
    );
    let (ok, out, err) = vrptw(&[&one, "--iterations", "200"]);
    assert!(!ok && out.is_empty() && err.contains("left out"), "{err}");
}
