//! From points to a plan: the straight-line model's table becomes the
//! solver's matrix, with each stop's row at the speeds of its window.

use std::time::Instant;

use rodnik_planner::rng::Rng;
use rodnik_planner::travel::{Departures, Point, StraightLine, TravelModel};
use rodnik_planner::{solve, Budget, Problem, Settings, Stop, Vehicle, Window};

const HOUR: i64 = 3600;

/// A depot and `n` addresses in a 20 x 20 km square of Moscow.
fn points(n: usize, seed: u64) -> Vec<Point> {
    let mut rng = Rng::new(seed);
    let mut list = vec![Point::new(55.70, 37.62).expect("depot")];
    for _ in 0..n {
        let lat = 55.66 + 0.18 * rng.unit();
        let lon = 37.46 + 0.32 * rng.unit();
        list.push(Point::new(lat, lon).expect("valid"));
    }
    list
}

#[test]
fn a_day_planned_on_the_straight_line_model_keeps_every_window_at_its_speeds() {
    let list = points(40, 1);
    let windows: Vec<Window> = (0..40)
        .map(|i| match i % 3 {
            0 => Window {
                start: 9 * HOUR,
                end: 13 * HOUR,
            },
            1 => Window {
                start: 13 * HOUR,
                end: 18 * HOUR,
            },
            _ => Window {
                start: 9 * HOUR,
                end: 18 * HOUR,
            },
        })
        .collect();
    let service = 7 * 60;
    // The depot's row at 8:00, each stop's at the middle of its window.
    let mut departures = vec![8 * 3600];
    departures.extend(
        windows
            .iter()
            .map(|w| ((w.start + w.end) / 2 + service) as u32),
    );
    let model = StraightLine::default();
    let table = model
        .table(&list, &Departures::PerOrigin(departures))
        .expect("table");
    let matrix = table.to_matrix().expect("matrix");
    let stops: Vec<Stop> = windows
        .iter()
        .enumerate()
        .map(|(i, &window)| Stop {
            location: i + 1,
            demand: 3,
            window,
            service,
            vehicles: vec![],
        })
        .collect();
    let vehicle = Vehicle::new(
        0,
        0,
        Window {
            start: 8 * HOUR,
            end: 20 * HOUR,
        },
        120,
    );
    let problem = Problem::new(matrix.clone(), stops.clone(), vec![vehicle; 3]).expect("valid");
    let plan = solve(&problem, &Settings::new(1, Budget::Iterations(3_000)));
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    rodnik_planner::check::check_plan(&problem, &plan).unwrap_or_else(|v| panic!("{v:?}"));

    let mut metres = 0;
    for route in &plan.routes {
        let (mut at, mut now) = (0, 8 * HOUR);
        for &s in route {
            let stop = &stops[s];
            now = (now + matrix.time(at, stop.location)).max(stop.window.start);
            assert!(now <= stop.window.end, "stop {s} at {now}");
            metres += matrix.distance(at, stop.location);
            now += stop.service;
            at = stop.location;
        }
        metres += matrix.distance(at, 0);
        assert!(now + matrix.time(at, 0) <= 20 * HOUR);
    }
    assert_eq!(metres, plan.distance);
}

/// `cargo test -p rodnik-planner --release --test travel_plan -- --ignored --nocapture`
#[test]
#[ignore = "a timing, run in release"]
fn the_table_for_a_day_of_1500_stops_takes_well_under_a_second() {
    let list = points(1_500, 2);
    let departures =
        Departures::PerOrigin((0..list.len() as u32).map(|i| 8 * 3600 + i * 20).collect());
    let started = Instant::now();
    let table = StraightLine::default()
        .table(&list, &departures)
        .expect("table");
    let elapsed = started.elapsed();
    let matrix = table.to_matrix().expect("matrix");
    eprintln!(
        "1,501 points: table {:?}, with the matrix {:?}",
        elapsed,
        started.elapsed()
    );
    assert_eq!(matrix.size(), 1_501);
    assert!(elapsed.as_secs_f64() < 1.0);
}
