//! The search with the product's constraints: reloads, breaks, fixed and
//! pinned stops, the progress callback. Every answer goes through the
//! independent `check_plan`.

use std::time::{Duration, Instant};

use rodnik_planner::check::check_plan;
use rodnik_planner::rng::Rng;
use rodnik_planner::{
    best_insertion, schedule, solve, solve_with, Break, Budget, Matrix, Problem, Reload, Settings,
    Solution, Stop, Vehicle, Visit, Window,
};

const HOUR: i64 = 3600;

fn w(start: i64, end: i64) -> Window {
    Window { start, end }
}

/// A city day in metres and seconds: a depot at the centre of a square of
/// `side` metres, `n` stops at random points, 30 km/h plus a minute to park,
/// windows of a morning (9-13), an afternoon (13-18) or the whole day,
/// 1-4 bottles and 5 minutes each.
fn city(n: usize, side: f64, seed: u64) -> (Matrix, Vec<Stop>) {
    let mut rng = Rng::new(seed);
    let mut pts = vec![(side / 2.0, side / 2.0)];
    pts.extend((0..n).map(|_| (rng.unit() * side, rng.unit() * side)));
    let size = pts.len();
    let mut distance = Vec::with_capacity(size * size);
    let mut time = Vec::with_capacity(size * size);
    for a in &pts {
        for b in &pts {
            let metres = 1.3 * (a.0 - b.0).hypot(a.1 - b.1);
            distance.push(metres.round() as i64);
            time.push(if metres < 1.0 {
                0
            } else {
                (metres / 8.33).round() as i64 + 60
            });
        }
    }
    let windows = [
        w(9 * HOUR, 13 * HOUR),
        w(13 * HOUR, 18 * HOUR),
        w(9 * HOUR, 18 * HOUR),
    ];
    let stops = (0..n)
        .map(|i| Stop {
            location: i + 1,
            demand: 1 + rng.below(4) as i64,
            window: windows[rng.below(3)],
            service: 300,
            vehicles: vec![],
        })
        .collect();
    (Matrix::new(size, distance, time).unwrap(), stops)
}

fn courier(capacity: i64) -> Vehicle {
    let mut v = Vehicle::new(0, 0, w(8 * HOUR, 20 * HOUR), capacity);
    v.reload = Some(Reload {
        location: 0,
        duration: 15 * 60,
    });
    v.breaks = vec![Break {
        window: w(12 * HOUR, 15 * HOUR),
        duration: 30 * 60,
    }];
    v
}

fn checked(p: &Problem, s: &Solution) {
    if let Err(v) = check_plan(p, s) {
        let lines: Vec<String> = v.iter().map(|v| v.to_string()).collect();
        panic!("{}", lines.join("\n"));
    }
    for plan in &s.plans {
        assert!(plan.feasible, "{plan:?}");
        // The solver's plan is the schedule of its own trips.
        let again = schedule(p, plan.vehicle, &plan.order());
        assert!(again.feasible, "{again:?}");
        assert_eq!(
            (again.distance, again.trips()),
            (plan.distance, plan.trips())
        );
    }
}

#[test]
fn a_van_of_ten_makes_three_trips_for_25_bottles() {
    let (matrix, mut stops) = city(10, 6000.0, 1);
    let demands = [3, 2, 3, 2, 3, 2, 3, 2, 3, 2];
    for (s, d) in stops.iter_mut().zip(demands) {
        s.demand = d;
        s.window = w(8 * HOUR, 20 * HOUR);
    }
    let mut v = courier(10);
    v.breaks.clear();
    let p = Problem::new(matrix, stops, vec![v]).unwrap();
    let s = solve(&p, &Settings::for_problem(&p, Budget::Iterations(2000), 1));
    assert!(s.unassigned.is_empty(), "{:?}", s.unassigned);
    checked(&p, &s);
    assert_eq!(s.plans[0].trips(), 3, "{:?}", s.plans[0].visits);
    // Each trip within 10.
    let mut load = 0;
    for visit in &s.plans[0].visits {
        match visit {
            Visit::Stop { stop, .. } => load += p.stops()[*stop].demand,
            Visit::Reload { .. } => {
                assert!(load <= 10 && load > 0);
                load = 0;
            }
            Visit::Break { .. } => {}
        }
    }
    assert!(load <= 10 && load > 0);
    // Without a reload the van takes what fits and leaves the rest.
    let mut one = p.vehicles()[0].clone();
    one.reload = None;
    let q = Problem::new(p.matrix().clone(), p.stops().to_vec(), vec![one]).unwrap();
    let s = solve(&q, &Settings::for_problem(&q, Budget::Iterations(2000), 1));
    checked(&q, &s);
    let served: i64 = s.routes[0].iter().map(|&i| q.stops()[i].demand).sum();
    assert_eq!(served, 10);
}

#[test]
fn every_used_route_takes_its_breaks_within_their_windows() {
    let (matrix, stops) = city(120, 15000.0, 2);
    let mut vehicles = vec![courier(40); 4];
    // One courier with two breaks.
    vehicles[1].breaks.push(Break {
        window: w(16 * HOUR, 18 * HOUR),
        duration: 15 * 60,
    });
    let p = Problem::new(matrix, stops, vehicles).unwrap();
    let s = solve(&p, &Settings::for_problem(&p, Budget::Iterations(3000), 5));
    assert!(s.unassigned.is_empty(), "{:?}", s.unassigned);
    checked(&p, &s);
    for (v, plan) in s.plans.iter().enumerate() {
        let breaks: Vec<(i64, i64)> = plan
            .visits
            .iter()
            .filter_map(|x| match *x {
                Visit::Break { start, end } => Some((start, end)),
                _ => None,
            })
            .collect();
        if plan.visits.is_empty() {
            assert!(breaks.is_empty());
            continue;
        }
        assert_eq!(breaks.len(), p.vehicles()[v].breaks.len(), "{plan:?}");
        let (start, end) = breaks[0];
        assert!((12 * HOUR..=15 * HOUR).contains(&start));
        assert_eq!(end - start, 1800);
    }
    // The same seed and iterations give the same plan.
    let again = solve(&p, &Settings::for_problem(&p, Budget::Iterations(3000), 5));
    assert_eq!(s, again);
}

#[test]
fn fixed_stops_stay_first_across_solves_and_pins_hold() {
    let (matrix, mut stops) = city(80, 12000.0, 3);
    for s in &mut stops[10..16] {
        s.vehicles = vec![2];
    }
    stops[16].vehicles = vec![0, 1];
    let vehicles = vec![courier(30); 3];
    let p = Problem::new(matrix.clone(), stops.clone(), vehicles.clone()).unwrap();
    let first = solve(&p, &Settings::for_problem(&p, Budget::Iterations(2000), 7));
    assert!(first.unassigned.is_empty(), "{:?}", first.unassigned);
    checked(&p, &first);
    // Mid-day: each courier's first three stops are committed.
    let mut vehicles = vehicles;
    for (v, route) in first.routes.iter().enumerate() {
        vehicles[v].fixed = route.iter().take(3).copied().collect();
    }
    let q = Problem::new(matrix, stops, vehicles.clone()).unwrap();
    for seed in [1, 2] {
        let s = solve(
            &q,
            &Settings::for_problem(&q, Budget::Iterations(2000), seed),
        );
        checked(&q, &s);
        for (v, route) in s.routes.iter().enumerate() {
            assert_eq!(&route[..vehicles[v].fixed.len()], &vehicles[v].fixed[..]);
        }
        for i in 10..16 {
            assert!(s.routes[2].contains(&i));
        }
        assert!(!s.routes[2].contains(&16));
    }
}

#[test]
fn a_fixed_stop_already_late_is_planned_late_and_said_so() {
    let (matrix, mut stops) = city(20, 8000.0, 4);
    stops[0].window = w(8 * HOUR, 8 * HOUR + 60);
    let mut v = courier(40);
    v.shift.start = 10 * HOUR;
    v.fixed = vec![0];
    let p = Problem::new(matrix, stops, vec![v, courier(40)]).unwrap();
    let s = solve(&p, &Settings::for_problem(&p, Budget::Iterations(1000), 1));
    assert_eq!(s.routes[0][0], 0);
    assert!(s.unassigned.is_empty(), "{:?}", s.unassigned);
    let plan = &s.plans[0];
    assert!(!plan.feasible);
    assert_eq!(plan.late.len(), 1);
    assert_eq!(plan.late[0].0, 0);
    // Only that stop is late: the checker says so and nothing else.
    let e = check_plan(&p, &s).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].message.contains("stop 0 served"), "{e:?}");
}

#[test]
fn bad_fixed_stops_are_refused() {
    let (matrix, mut stops) = city(5, 1000.0, 5);
    let mut a = courier(10);
    a.fixed = vec![7];
    let e = Problem::new(matrix.clone(), stops.clone(), vec![a]).unwrap_err();
    assert_eq!(e.to_string(), "vehicle 0: fixed stop 7 does not exist");
    let (mut a, mut b) = (courier(10), courier(10));
    a.fixed = vec![1];
    b.fixed = vec![2, 1];
    let e = Problem::new(matrix.clone(), stops.clone(), vec![a.clone(), b]).unwrap_err();
    assert_eq!(e.to_string(), "stop 1 is fixed twice");
    stops[1].vehicles = vec![1];
    let e = Problem::new(matrix, stops, vec![a, courier(10)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "stop 1 is fixed to vehicle 0 but pinned to other vehicles"
    );
}

#[test]
fn progress_is_reported_and_a_stop_is_honoured() {
    let (matrix, stops) = city(200, 15000.0, 6);
    let p = Problem::new(matrix, stops, vec![courier(40); 5]).unwrap();
    // Asked to stop at the first report, a ten-second search ends at once.
    let started = Instant::now();
    let mut calls = Vec::new();
    let s = solve_with(
        &p,
        &Settings::for_problem(&p, Budget::Time(Duration::from_secs(10)), 1),
        &mut |pr| {
            calls.push(pr);
            false
        },
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    checked(&p, &s);
    // One report stopped it, one more at the end.
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[0].elapsed >= Duration::from_millis(100));
    assert_eq!(calls[1].iterations, s.iterations);
    assert_eq!(calls[1].best_distance, s.distance);
    assert_eq!(calls[1].unassigned, s.unassigned.len());
    // Left alone, it reports about every 100 ms and the answer is solve's.
    let settings = Settings::for_problem(&p, Budget::Iterations(3000), 2);
    let mut calls = Vec::new();
    let s = solve_with(&p, &settings, &mut |pr| {
        calls.push(pr);
        true
    });
    assert_eq!(s, solve(&p, &settings));
    let last = calls.last().unwrap();
    assert_eq!((last.iterations, last.best_distance), (3000, s.distance));
    for pair in calls.windows(2) {
        assert!(pair[0].iterations <= pair[1].iterations);
        assert!(pair[0].best_distance >= pair[1].best_distance || pair[0].unassigned > 0);
    }
    eprintln!(
        "{} reports over {:?}",
        calls.len(),
        calls.last().unwrap().elapsed
    );
}

/// `cargo test -p rodnik-planner --release --test product -- --ignored --nocapture`
#[test]
#[ignore = "30 s, run in release"]
fn a_day_of_1500_stops_for_20_couriers_with_reloads_and_breaks() {
    // 75 stops a courier, about 190 bottles in vans of 100: two or three
    // trips each.
    let (matrix, mut stops) = city(1500, 10000.0, 7);
    for s in &mut stops {
        s.service = 240;
    }
    let p = Problem::new(matrix, stops, vec![courier(100); 20]).unwrap();
    let started = Instant::now();
    let settings = Settings::for_problem(&p, Budget::Time(Duration::from_secs(30)), 1);
    let s = solve(&p, &settings);
    let elapsed = started.elapsed();
    let trips: usize = s.plans.iter().map(|p| p.trips()).sum();
    eprintln!(
        "1,500 stops, 20 couriers: {} iterations in {:?}, {} routes, {} trips, {} m, {} left out \
         (temperatures {:.0} -> {:.1})",
        s.iterations,
        elapsed,
        s.used_vehicles(),
        trips,
        s.distance,
        s.unassigned.len(),
        settings.start_temperature,
        settings.end_temperature
    );
    checked(&p, &s);
    assert!(s.unassigned.is_empty(), "{:?}", s.unassigned);
    assert!(elapsed < Duration::from_secs(32));
}

#[test]
fn the_plan_checker_catches_each_broken_rule() {
    let (matrix, mut stops) = city(30, 6000.0, 8);
    stops[3].vehicles = vec![0];
    let mut vehicles = vec![courier(20); 2];
    vehicles[1].fixed = vec![5, 6];
    let p = Problem::new(matrix, stops, vehicles).unwrap();
    let s = solve(&p, &Settings::for_problem(&p, Budget::Iterations(1000), 1));
    checked(&p, &s);
    assert!(s.plans[0].trips() >= 2 && s.plans[1].trips() >= 1);
    let says = |s: &Solution, what: &str| {
        let e = check_plan(&p, s).expect_err(what);
        assert!(
            e.iter().any(|v| v.to_string().contains(what)),
            "{what}: {e:?}"
        );
    };
    // A break moved out of its window, or missing.
    let mut bad = s.clone();
    let at = bad.plans[0]
        .visits
        .iter()
        .position(|x| matches!(x, Visit::Break { .. }))
        .unwrap();
    bad.plans[0].visits[at] = Visit::Break {
        start: 16 * HOUR,
        end: 16 * HOUR + 1800,
    };
    says(&bad, "breaks");
    bad.plans[0].visits.remove(at);
    says(&bad, "breaks");
    // A reload dropped: the two trips together are over capacity, and the
    // distance no longer adds up.
    let mut bad = s.clone();
    let at = bad.plans[0]
        .visits
        .iter()
        .position(|x| matches!(x, Visit::Reload { .. }))
        .unwrap();
    bad.plans[0].visits.remove(at);
    says(&bad, "over capacity");
    says(&bad, "arcs sum");
    // A stop served before its window opens, a late return.
    let mut bad = s.clone();
    for x in bad.plans[0].visits.iter_mut() {
        if let Visit::Stop { stop, start, .. } = x {
            *start = p.stops()[*stop].window.start - 1;
            break;
        }
    }
    says(&bad, "outside its window");
    let mut bad = s.clone();
    bad.plans[0].end = 21 * HOUR;
    says(&bad, "after the shift");
    // Fixed stops out of order; a pinned stop on another vehicle; a stop
    // twice; a drive too fast.
    let mut bad = s.clone();
    let at: Vec<usize> = (0..bad.plans[1].visits.len())
        .filter(|&i| matches!(bad.plans[1].visits[i], Visit::Stop { .. }))
        .take(2)
        .collect();
    bad.plans[1].visits.swap(at[0], at[1]);
    bad.routes[1] = bad.plans[1].stops();
    says(&bad, "fixed stops");
    let mut bad = s.clone();
    let from = bad.plans[0]
        .visits
        .iter()
        .position(|x| matches!(x, Visit::Stop { stop: 3, .. }))
        .unwrap();
    let moved = bad.plans[0].visits.remove(from);
    bad.plans[1].visits.push(moved);
    bad.routes = bad.plans.iter().map(|r| r.stops()).collect();
    says(&bad, "pinned");
    let mut bad = s.clone();
    bad.unassigned.push(bad.routes[0][0]);
    says(&bad, "2 times");
    let mut bad = s.clone();
    if let Some(Visit::Stop {
        arrival,
        start,
        depart,
        ..
    }) = bad.plans[0]
        .visits
        .iter_mut()
        .rev()
        .find(|x| matches!(x, Visit::Stop { .. }))
    {
        let early = *arrival - 5000;
        *depart -= *start - early.max(*start - 5000);
        *start = early.max(*start - 5000);
        *arrival = early;
    }
    says(&bad, "free to drive");
}

/// Small random days: places on a square, 1-3 vehicles with or without a
/// reload, 0-2 breaks, sometimes fixed stops, some pinned stops.
fn random_day(rng: &mut Rng) -> Problem {
    let n = 3 + rng.below(25);
    let (matrix, mut stops) = city(n, 3000.0 + rng.unit() * 10000.0, rng.next_u64());
    for s in &mut stops {
        let start = 8 * HOUR + rng.below(8 * 3600) as i64;
        s.window = w(start, start + 1800 + rng.below(4 * 3600) as i64);
        s.demand = rng.below(6) as i64;
        s.service = rng.below(600) as i64;
    }
    let k = 1 + rng.below(3);
    let mut vehicles = Vec::new();
    for v in 0..k {
        let start = 7 * HOUR + rng.below(3 * 3600) as i64;
        let mut veh = Vehicle::new(
            rng.below(n + 1),
            rng.below(n + 1),
            w(start, start + 6 * HOUR + rng.below(8 * 3600) as i64),
            5 + rng.below(20) as i64,
        );
        if rng.below(3) > 0 {
            veh.reload = Some(Reload {
                location: rng.below(n + 1),
                duration: rng.below(1200) as i64,
            });
        }
        for _ in 0..rng.below(3) {
            let s = 10 * HOUR + rng.below(6 * 3600) as i64;
            veh.breaks.push(Break {
                window: w(s, s + rng.below(3 * 3600) as i64),
                duration: rng.below(2400) as i64,
            });
        }
        if rng.below(4) == 0 {
            veh.fixed = (0..n)
                .filter(|s| s % k == v)
                .take(1 + rng.below(3))
                .collect();
        }
        vehicles.push(veh);
    }
    for s in 0..n {
        if rng.below(6) == 0 && !vehicles.iter().any(|v| v.fixed.contains(&s)) {
            stops[s].vehicles = vec![rng.below(k)];
        }
    }
    Problem::new(matrix, stops, vehicles).unwrap()
}

#[test]
fn random_days_give_plans_that_keep_every_rule() {
    let mut rng = Rng::new(33);
    let (mut planned, mut left, mut missed) = (0, 0, 0);
    for round in 0..300 {
        let p = random_day(&mut rng);
        let settings = Settings::for_problem(&p, Budget::Iterations(200), round);
        let s = solve(&p, &settings);
        // Only a fixed prefix that breaks a rule by itself may be reported.
        let broken: Vec<usize> = (0..p.vehicles().len())
            .filter(|&v| !schedule(&p, v, &p.vehicles()[v].fixed).feasible)
            .collect();
        if broken.is_empty() {
            checked(&p, &s);
        } else {
            for plan in &s.plans {
                assert!(plan.feasible || broken.contains(&plan.vehicle), "{plan:?}");
            }
        }
        for (v, route) in s.routes.iter().enumerate() {
            assert_eq!(
                &route[..p.vehicles()[v].fixed.len()],
                &p.vehicles()[v].fixed[..]
            );
        }
        assert_eq!(s, solve(&p, &settings));
        planned += s.routes.iter().map(|r| r.len()).sum::<usize>();
        left += s.unassigned.len();
        if broken.is_empty() {
            for &u in &s.unassigned {
                for (v, plan) in s.plans.iter().enumerate() {
                    if let Some(o) = best_insertion(&p, v, &plan.order(), u) {
                        missed += 1;
                        eprintln!("round {round}: stop {u} fits vehicle {v}: {o:?}");
                        break;
                    }
                }
            }
        }
    }
    // The days are tight (random windows and shifts): many stops fit no
    // vehicle. Of those left out, hardly any fits a route afterwards by
    // `best_insertion` (which may move a break or split a trip anew).
    eprintln!("{planned} planned, {left} left out, {missed} of them fit a route");
    assert!(planned > 4 * left, "{planned} planned, {left} left out");
    assert!(
        missed * 100 <= left,
        "{missed} of {left} left out fit a route"
    );
}
