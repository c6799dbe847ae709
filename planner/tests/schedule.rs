//! `schedule` and `best_insertion` on small hand-computed examples, and
//! `best_insertion` against a full schedule of every position on random
//! instances.

use rodnik_planner::plan::best_insertion_by_schedules;
use rodnik_planner::rng::Rng;
use rodnik_planner::{
    best_insertion, schedule, Break, InsertionOption, Matrix, Problem, Reload, Stop, Vehicle,
    Visit, Window, RELOAD,
};

fn w(start: i64, end: i64) -> Window {
    Window { start, end }
}

/// Four places on a line at 0, 10, 20, 30: 100 metres and 1 minute per unit.
fn line() -> Matrix {
    let xs = [0i64, 10, 20, 30];
    let mut distance = Vec::new();
    let mut time = Vec::new();
    for a in xs {
        for b in xs {
            distance.push(100 * (a - b).abs());
            time.push((a - b).abs());
        }
    }
    Matrix::new(4, distance, time).unwrap()
}

fn stop(location: usize, demand: i64, window: Window, service: i64) -> Stop {
    Stop {
        location,
        demand,
        window,
        service,
        vehicles: vec![],
    }
}

fn example(s1_window: Window, break_window: Window) -> Problem {
    let stops = vec![
        stop(1, 6, w(0, 100), 2),
        stop(2, 6, s1_window, 2),
        stop(3, 3, w(0, 150), 2),
    ];
    let mut v = Vehicle::new(0, 0, w(0, 200), 10);
    v.reload = Some(Reload {
        location: 0,
        duration: 5,
    });
    v.breaks = vec![Break {
        window: break_window,
        duration: 10,
    }];
    Problem::new(line(), stops, vec![v]).unwrap()
}

#[test]
fn a_route_with_a_reload_and_a_break_by_hand() {
    let p = example(w(30, 100), w(25, 40));
    let plan = schedule(&p, 0, &[0, 1, 2]);
    // Stop 0 at 10-12; the 6 + 6 bottles do not fit 10, so back to the depot
    // (10 minutes, there at 22), the break's window opens at 25 while there:
    // break 25-35, reload 35-40; stop 1 at 60 (20 away), stop 2 at 72, home
    // at 74 + 30.
    assert_eq!(
        plan.visits,
        vec![
            Visit::Stop {
                stop: 0,
                arrival: 10,
                start: 10,
                depart: 12
            },
            Visit::Break { start: 25, end: 35 },
            Visit::Reload {
                arrival: 22,
                depart: 40
            },
            Visit::Stop {
                stop: 1,
                arrival: 60,
                start: 60,
                depart: 62
            },
            Visit::Stop {
                stop: 2,
                arrival: 72,
                start: 72,
                depart: 74
            },
        ]
    );
    assert_eq!((plan.start, plan.end), (0, 104));
    assert_eq!(plan.distance, 1000 + 1000 + 2000 + 1000 + 3000);
    assert_eq!(plan.driving, 80);
    // 104 - 80 driving - 6 service - 5 reload - 10 break: 22-25 at the depot.
    assert_eq!(plan.waiting, 3);
    assert!(plan.feasible, "{plan:?}");
    assert_eq!(plan.trips(), 2);
    assert_eq!(plan.order(), vec![0, RELOAD, 1, 2]);
    assert_eq!(schedule(&p, 0, &plan.order()), plan);
}

#[test]
fn a_break_moves_on_when_it_would_make_a_stop_late() {
    // Stop 1 must start by 50: a break at 15 (where its window opens, on the
    // way back to the depot) would bring it at 57, one after the reload too;
    // after stop 1 (served 47-49) the break keeps every window.
    let p = example(w(30, 50), w(15, 60));
    let plan = schedule(&p, 0, &[0, 1, 2]);
    assert!(plan.feasible, "{plan:?}");
    assert_eq!(plan.visits[3], Visit::Break { start: 49, end: 59 });
    assert_eq!(
        plan.visits[4],
        Visit::Stop {
            stop: 2,
            arrival: 69,
            start: 69,
            depart: 71
        }
    );
    assert_eq!(plan.end, 101);
    // When no place keeps it feasible, the break goes where its window opens
    // and the lateness is reported.
    let p = example(w(30, 55), w(25, 40));
    let plan = schedule(&p, 0, &[0, 1, 2]);
    assert!(!plan.feasible);
    assert_eq!(plan.late, vec![(1, 5)]);
    assert_eq!(plan.visits[1], Visit::Break { start: 25, end: 35 });
}

#[test]
fn a_break_while_waiting_at_a_door_and_a_late_start() {
    // One stop at 10 minutes, open from 60; the break (30 minutes, from 40)
    // is taken at the door while waiting. Leaving at 0 the van waits at the
    // door from 10; no stop before the break, so it leaves at 0.
    let stops = vec![stop(1, 1, w(60, 100), 5)];
    let mut v = Vehicle::new(0, 0, w(0, 200), 10);
    v.breaks = vec![Break {
        window: w(40, 90),
        duration: 30,
    }];
    let p = Problem::new(line(), stops, vec![v]).unwrap();
    let plan = schedule(&p, 0, &[0]);
    assert_eq!(
        plan.visits,
        vec![
            Visit::Break { start: 40, end: 70 },
            Visit::Stop {
                stop: 0,
                arrival: 10,
                start: 70,
                depart: 75
            }
        ]
    );
    assert_eq!((plan.start, plan.end, plan.waiting), (0, 85, 30));
    // Without the break the van leaves late rather than wait at the door.
    let mut p2 = p.vehicles()[0].clone();
    p2.breaks.clear();
    let p2 = Problem::new(line(), p.stops().to_vec(), vec![p2]).unwrap();
    let plan = schedule(&p2, 0, &[0]);
    assert_eq!((plan.start, plan.end, plan.waiting), (50, 75, 0));
    assert_eq!(
        plan.visits[0],
        Visit::Stop {
            stop: 0,
            arrival: 60,
            start: 60,
            depart: 65
        }
    );
    // No stops, no break.
    let empty = schedule(&p, 0, &[]);
    assert!(empty.visits.is_empty() && empty.feasible);
}

#[test]
fn violations_are_reported_not_refused() {
    let stops = vec![stop(3, 12, w(0, 20), 0), stop(1, 1, w(0, 5), 0)];
    let v = Vehicle::new(0, 0, w(0, 50), 10);
    let p = Problem::new(line(), stops, vec![v]).unwrap();
    let plan = schedule(&p, 0, &[0, 1]);
    assert_eq!(plan.late, vec![(0, 10), (1, 45)]);
    assert_eq!(plan.over_capacity, vec![(0, 3)]);
    assert_eq!(plan.over_shift, 60 - 50);
    assert!(!plan.feasible);
}

#[test]
fn the_cheapest_place_by_hand() {
    // Stops at 10 and 30; a new one at 20 goes between them for nothing.
    let stops = vec![
        stop(1, 1, w(0, 100), 0),
        stop(3, 1, w(0, 100), 0),
        stop(2, 1, w(0, 100), 0),
    ];
    let v = Vehicle::new(0, 0, w(0, 100), 10);
    let p = Problem::new(line(), stops, vec![v]).unwrap();
    let o = best_insertion(&p, 0, &[0, 1], 2).unwrap();
    assert_eq!(
        o,
        InsertionOption {
            position: 1,
            added_distance: 0,
            added_time: 0,
            arrival: 20,
            start: 20
        }
    );
    // At 30 after 10 or after 20 adds the same 2,000 and 20 minutes: the
    // first place wins.
    let o = best_insertion(&p, 0, &[0, 2], 1).unwrap();
    assert_eq!((o.position, o.added_distance, o.added_time), (1, 2000, 20));
    // Already there, or nowhere in time.
    assert_eq!(best_insertion(&p, 0, &[0, 2], 0), None);
}

/// A random small instance: places on a 50 x 50 square (distance in
/// "metres", time in "minutes" at one unit per minute plus a minute to park),
/// stops with windows, a vehicle with a reload and a break or two, maybe a
/// fixed stop.
fn random_instance(rng: &mut Rng) -> Problem {
    let places = 2 + rng.below(9);
    let pts: Vec<(i64, i64)> = (0..places)
        .map(|_| (rng.below(51) as i64, rng.below(51) as i64))
        .collect();
    let mut distance = Vec::new();
    let mut time = Vec::new();
    for a in &pts {
        for b in &pts {
            let d = ((a.0 - b.0) as f64).hypot((a.1 - b.1) as f64);
            distance.push((d * 10.0) as i64);
            time.push(if d == 0.0 { 0 } else { d.ceil() as i64 + 1 });
        }
    }
    let matrix = Matrix::new(places, distance, time).unwrap();
    let n = 2 + rng.below(9);
    let stops: Vec<Stop> = (0..n)
        .map(|_| {
            let start = rng.below(300) as i64;
            stop(
                rng.below(places),
                1 + rng.below(5) as i64,
                w(start, start + 20 + rng.below(200) as i64),
                rng.below(10) as i64,
            )
        })
        .collect();
    let mut v = Vehicle::new(0, rng.below(places), w(0, 400 + rng.below(200) as i64), 8);
    if rng.below(3) > 0 {
        v.reload = Some(Reload {
            location: rng.below(places),
            duration: rng.below(15) as i64,
        });
    }
    for _ in 0..rng.below(3) {
        let start = rng.below(300) as i64;
        v.breaks.push(Break {
            window: w(start, start + rng.below(120) as i64),
            duration: 5 + rng.below(30) as i64,
        });
    }
    if rng.below(4) == 0 {
        v.fixed = vec![rng.below(n)];
    }
    Problem::new(matrix, stops, vec![v]).unwrap()
}

#[test]
fn best_insertion_agrees_with_a_full_schedule_of_every_place() {
    let mut rng = Rng::new(21);
    let (mut found, mut none) = (0, 0);
    for _ in 0..20_000 {
        let p = random_instance(&mut rng);
        let n = p.stops().len();
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let new = order.pop().unwrap();
        // Fixed stops first, as a route from the solver has them.
        let fixed = p.vehicles()[0].fixed.clone();
        order.retain(|s| !fixed.contains(s));
        let mut route: Vec<usize> = fixed.iter().copied().filter(|&s| s != new).collect();
        route.extend(order.iter().take(rng.below(n)));
        if rng.below(3) == 0 && !route.is_empty() {
            let at = rng.below(route.len() + 1);
            route.insert(at, RELOAD);
        }
        // Often the route as given is late; keep those that are feasible
        // half the time, so both paths are tried.
        let fast = best_insertion(&p, 0, &route, new);
        let slow = best_insertion_by_schedules(&p, 0, &route, new);
        assert_eq!(fast, slow, "route {route:?} + {new}: {p:?}");
        if let Some(o) = fast {
            found += 1;
            let mut with = route.clone();
            with.insert(o.position, new);
            assert!(schedule(&p, 0, &with).feasible);
            assert!(o.position >= route.iter().filter(|s| fixed.contains(s)).count());
        } else {
            none += 1;
        }
    }
    assert!(found > 2000 && none > 2000, "{found} found, {none} none");
}

/// `cargo test -p rodnik-planner --release --test schedule -- --ignored --nocapture`
#[test]
#[ignore = "a timing, run in release"]
fn promised_slots_for_a_week_of_requests_are_fast() {
    use rodnik_planner::{solve, Budget, Settings};
    use std::time::Instant;
    // A day of 1,500 stops for 10 couriers (about 150 stops each: a quick
    // drop of 2 minutes), with reloads and a lunch break, on a 10 km city.
    let mut rng = Rng::new(5);
    let side = 10_000.0;
    let mut pts = vec![(side / 2.0, side / 2.0)];
    pts.extend((0..1600).map(|_| (rng.unit() * side, rng.unit() * side)));
    let size = pts.len();
    let (mut distance, mut time) = (Vec::new(), Vec::new());
    for a in &pts {
        for b in &pts {
            let m = 1.3 * (a.0 - b.0).hypot(a.1 - b.1);
            distance.push(m.round() as i64);
            time.push(if m < 1.0 {
                0
            } else {
                (m / 8.33).round() as i64 + 60
            });
        }
    }
    let h = 3600;
    let windows = [w(8 * h, 14 * h), w(14 * h, 21 * h), w(8 * h, 21 * h)];
    let stops: Vec<Stop> = (0..1600)
        .map(|i| stop(i + 1, 1 + rng.below(4) as i64, windows[rng.below(3)], 120))
        .collect();
    let mut v = Vehicle::new(0, 0, w(7 * h, 22 * h), 150);
    v.reload = Some(Reload {
        location: 0,
        duration: 900,
    });
    v.breaks = vec![Break {
        window: w(12 * h, 15 * h),
        duration: 1800,
    }];
    let matrix = Matrix::new(size, distance, time).unwrap();
    let day = Problem::new(matrix.clone(), stops[..1500].to_vec(), vec![v.clone(); 10]).unwrap();
    let plan = solve(
        &day,
        &Settings::for_problem(&day, Budget::Iterations(5000), 1),
    );
    let longest = plan.routes.iter().map(|r| r.len()).max().unwrap();
    // Requests: a new address, each window in turn, every courier.
    let mut asks = Vec::new();
    for r in 0..7 {
        for wi in 0..3 {
            let mut all = stops.clone();
            all[1500 + r].window = windows[wi];
            asks.push(all);
        }
    }
    let problems: Vec<Problem> = asks
        .into_iter()
        .map(|s| Problem::new(matrix.clone(), s, vec![v.clone(); 10]).unwrap())
        .collect();
    let started = Instant::now();
    let mut calls = 0;
    let mut found = 0;
    let orders: Vec<Vec<usize>> = plan.plans.iter().map(|r| r.order()).collect();
    for _day in 0..2 {
        for (k, p) in problems.iter().enumerate() {
            for (c, order) in orders.iter().enumerate() {
                if best_insertion(p, c, order, 1500 + k / 3).is_some() {
                    found += 1;
                }
                calls += 1;
            }
        }
    }
    let elapsed = started.elapsed();
    let again = Instant::now();
    for _ in 0..10 {
        for (c, order) in orders.iter().enumerate() {
            best_insertion(&problems[0], c, order, 1500);
        }
    }
    eprintln!("100 calls on one problem: {:?}", again.elapsed());
    // Stops only (no reload markers): `schedule` splits the trips itself.
    let bare: Vec<Vec<usize>> = plan.plans.iter().map(|r| r.stops()).collect();
    let again = Instant::now();
    let mut bare_found = 0;
    for (k, p) in problems.iter().enumerate() {
        for (c, order) in bare.iter().enumerate() {
            if best_insertion(p, c, order, 1500 + k / 3).is_some() {
                bare_found += 1;
            }
        }
    }
    eprintln!(
        "210 calls with stops only: {:?}, {bare_found} with a place",
        again.elapsed()
    );
    let again = Instant::now();
    for _ in 0..10 {
        for (c, order) in orders.iter().enumerate() {
            schedule(&problems[0], c, order);
        }
    }
    eprintln!("100 schedules: {:?}", again.elapsed());
    // The same answers as a full schedule of every place.
    let slow_started = Instant::now();
    for (k, p) in problems.iter().enumerate().take(6) {
        for (c, order) in orders.iter().enumerate() {
            let stop = 1500 + k / 3;
            assert_eq!(
                best_insertion(p, c, order, stop),
                best_insertion_by_schedules(p, c, order, stop)
            );
        }
    }
    eprintln!("60 by full schedules: {:?}", slow_started.elapsed());
    eprintln!(
        "{calls} calls on routes of up to {longest} stops ({} left out of the day): {elapsed:?}, \
         {:?} each, {found} with a place",
        plan.unassigned.len(),
        elapsed / calls
    );
}
