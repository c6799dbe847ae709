//! Independent feasibility checkers: [`check`] for Solomon answers,
//! [`check_plan`] for the product's plans (reloads, breaks, fixed and pinned
//! stops).
//!
//! [`check`], for Solomon answers: It shares nothing
//! with the solver but the parsed file: it recomputes every arc from the
//! coordinates (its own arithmetic, `hypot`), walks each route in time and
//! reports every broken rule of the distance-only DIMACS convention. The
//! benchmark runs every answer, ours and PyVRP's, through it.

use std::fmt;

use crate::plan::Visit;
use crate::problem::{Break, Problem, Solution};
use crate::solomon::{Customer, Instance};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Total distance in tenths.
    pub distance: i64,
    pub routes: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    UnknownCustomer {
        route: usize,
        number: usize,
    },
    Visited {
        number: usize,
        times: usize,
    },
    TooManyRoutes {
        used: usize,
        allowed: usize,
    },
    OverCapacity {
        route: usize,
        load: i64,
        capacity: i64,
    },
    /// Arrival after the due date; times in tenths.
    Late {
        route: usize,
        number: usize,
        arrival: i64,
        due: i64,
    },
    LateReturn {
        route: usize,
        arrival: i64,
        due: i64,
    },
    DistanceMismatch {
        claimed: String,
        actual: i64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = |v: &i64| format!("{:.1}", *v as f64 / 10.0);
        match self {
            Violation::UnknownCustomer { route, number } => {
                write!(f, "route {route}: no customer {number}")
            }
            Violation::Visited { number, times } => {
                write!(f, "customer {number} visited {times} times")
            }
            Violation::TooManyRoutes { used, allowed } => {
                write!(f, "{used} routes, at most {allowed}")
            }
            Violation::OverCapacity {
                route,
                load,
                capacity,
            } => {
                write!(f, "route {route}: load {load} over capacity {capacity}")
            }
            Violation::Late {
                route,
                number,
                arrival,
                due,
            } => {
                write!(
                    f,
                    "route {route}: customer {number} reached at {} after its due {}",
                    t(arrival),
                    t(due)
                )
            }
            Violation::LateReturn {
                route,
                arrival,
                due,
            } => {
                write!(
                    f,
                    "route {route}: back at the depot at {} after {}",
                    t(arrival),
                    t(due)
                )
            }
            Violation::DistanceMismatch { claimed, actual } => {
                write!(f, "claimed distance {claimed}, recomputed {}", t(actual))
            }
        }
    }
}

fn arc(a: &Customer, b: &Customer) -> i64 {
    ((a.x - b.x).hypot(a.y - b.y) * 10.0).floor() as i64
}

/// Checks `routes` (customer numbers in visiting order; empty routes are
/// unused vehicles) and, when given, the claimed distance in the file's
/// units.
pub fn check(
    instance: &Instance,
    routes: &[Vec<usize>],
    claimed: Option<f64>,
) -> Result<Verdict, Vec<Violation>> {
    let mut problems = Vec::new();
    let n = instance.customers.len();
    let mut visits = vec![0usize; n + 1];
    let depot = &instance.depot;
    let mut total = 0;
    let used: Vec<&Vec<usize>> = routes.iter().filter(|r| !r.is_empty()).collect();
    if used.len() > instance.vehicles {
        problems.push(Violation::TooManyRoutes {
            used: used.len(),
            allowed: instance.vehicles,
        });
    }
    for (route, numbers) in used.iter().enumerate() {
        let mut here = depot;
        let mut clock = 10 * depot.ready;
        let mut load = 0;
        let mut known = true;
        for &number in numbers.iter() {
            if number == 0 || number > n {
                problems.push(Violation::UnknownCustomer { route, number });
                known = false;
                continue;
            }
            visits[number] += 1;
            let next = &instance.customers[number - 1];
            let d = arc(here, next);
            total += d;
            let arrival = clock + d;
            if arrival > 10 * next.due {
                problems.push(Violation::Late {
                    route,
                    number,
                    arrival,
                    due: 10 * next.due,
                });
            }
            clock = arrival.max(10 * next.ready) + 10 * next.service;
            load += next.demand;
            here = next;
        }
        let d = arc(here, depot);
        total += d;
        if known && clock + d > 10 * depot.due {
            problems.push(Violation::LateReturn {
                route,
                arrival: clock + d,
                due: 10 * depot.due,
            });
        }
        if load > instance.capacity {
            problems.push(Violation::OverCapacity {
                route,
                load,
                capacity: instance.capacity,
            });
        }
    }
    for (number, &times) in visits.iter().enumerate().skip(1) {
        if times != 1 {
            problems.push(Violation::Visited { number, times });
        }
    }
    if let Some(c) = claimed {
        if !((c * 10.0).round() as i64 == total && (c * 10.0 - total as f64).abs() < 1e-6) {
            problems.push(Violation::DistanceMismatch {
                claimed: c.to_string(),
                actual: total,
            });
        }
    }
    if problems.is_empty() {
        Ok(Verdict {
            distance: total,
            routes: used.len(),
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solomon::parse;

    // Depot at (0,0), due 100; capacity 10, two vehicles.
    const SMALL: &str = "TINY
VEHICLE
NUMBER CAPACITY
2 10
CUSTOMER
CUST NO. XCOORD. YCOORD. DEMAND READY DUE SERVICE
0 0 0 0 0 100 0
1 3 4 4 0 20 2
2 6 8 4 10 30 2
3 0 5 5 0 50 1
4 1 1 3 40 60 1
";

    fn small() -> Instance {
        parse(SMALL).unwrap()
    }

    #[test]
    fn a_feasible_answer_gets_its_distance() {
        // 0-1: 5.0, 1-2: 5.0, 2-0: 10.0; 0-3: 5.0, 3-4: sqrt(17) = 4.1, 4-0: 1.4.
        let v = check(&small(), &[vec![1, 2], vec![3, 4]], Some(30.5)).unwrap();
        assert_eq!(
            v,
            Verdict {
                distance: 305,
                routes: 2
            }
        );
        // Waiting for the ready time is allowed: 4 is ready at 40.
        assert!(check(&small(), &[vec![1, 2], vec![], vec![3, 4]], None).is_ok());
    }

    #[test]
    fn catches_each_kind_of_violation() {
        let i = small();
        let one = |routes: &[Vec<usize>], claimed| check(&i, routes, claimed).unwrap_err();
        assert_eq!(
            one(&[vec![1, 2], vec![3, 4]], Some(30.4)),
            vec![Violation::DistanceMismatch {
                claimed: "30.4".into(),
                actual: 305
            }]
        );
        assert_eq!(
            one(&[vec![1, 2], vec![3], vec![4]], None),
            vec![Violation::TooManyRoutes {
                used: 3,
                allowed: 2
            }]
        );
        assert_eq!(
            one(&[vec![1, 2], vec![3, 4, 9]], None)[0],
            Violation::UnknownCustomer {
                route: 1,
                number: 9
            }
        );
        assert_eq!(
            one(&[vec![1, 2], vec![3]], None),
            vec![Violation::Visited {
                number: 4,
                times: 0
            }]
        );
        assert_eq!(
            one(&[vec![1, 2, 4], vec![3, 4]], None),
            vec![
                Violation::OverCapacity {
                    route: 0,
                    load: 11,
                    capacity: 10
                },
                Violation::Visited {
                    number: 4,
                    times: 2
                }
            ]
        );
        // 4 then 1: 4 waits until 40 and leaves at 41, 1 is reached at 41 + 3.6 > 20.
        assert_eq!(
            one(&[vec![4, 1], vec![3, 2]], None),
            vec![Violation::Late {
                route: 0,
                number: 1,
                arrival: 446,
                due: 200
            }]
        );
        let mut tight = small();
        tight.depot.due = 30;
        // 3, 4 is back at 41 + 1.4 = 42.4.
        let e = check(&tight, &[vec![1, 2], vec![3, 4]], None).unwrap_err();
        assert_eq!(
            e,
            vec![Violation::LateReturn {
                route: 1,
                arrival: 424,
                due: 300
            }]
        );
    }
}

/// A broken rule in a product plan ([`check_plan`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanViolation {
    /// The vehicle whose plan breaks it (`None`: the solution as a whole).
    pub vehicle: Option<usize>,
    pub message: String,
}

impl fmt::Display for PlanViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.vehicle {
            Some(v) => write!(f, "vehicle {v}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// Checks a solution of a product [`Problem`] from its plans' visits and
/// times alone, against the matrix and the problem's rules (it does not
/// re-run the scheduler): every stop served once or reported left out, a
/// fixed stop never; pinned stops on an allowed vehicle; each vehicle's
/// fixed stops first and in order; each trip within capacity, reloads only
/// for a vehicle that has one; every drive fits the time between two visits
/// outside the breaks; service within the window, after the arrival and
/// after the gap's breaks; every break of the vehicle present once in a
/// route with stops (none in an unused vehicle), starting within its window,
/// lasting its duration, not overlapping another or a service; the shift
/// kept; and the distances (per plan and in total).
pub fn check_plan(problem: &Problem, solution: &Solution) -> Result<(), Vec<PlanViolation>> {
    let mut out = Vec::new();
    let mut bad =
        |vehicle: Option<usize>, message: String| out.push(PlanViolation { vehicle, message });
    let m = problem.matrix();
    let stops = problem.stops();
    let vehicles = problem.vehicles();
    if solution.plans.len() != vehicles.len() || solution.routes.len() != vehicles.len() {
        bad(
            None,
            format!(
                "{} plans and {} routes for {} vehicles",
                solution.plans.len(),
                solution.routes.len(),
                vehicles.len()
            ),
        );
        return Err(out);
    }
    let mut seen = vec![0usize; stops.len()];
    for &s in &solution.unassigned {
        if s >= stops.len() {
            bad(None, format!("left out stop {s} does not exist"));
        } else {
            seen[s] += 1;
            if vehicles.iter().any(|v| v.fixed.contains(&s)) {
                bad(None, format!("fixed stop {s} left out"));
            }
        }
    }
    let mut total = 0;
    for (vi, (v, plan)) in vehicles.iter().zip(&solution.plans).enumerate() {
        let here = Some(vi);
        if plan.vehicle != vi {
            bad(here, format!("plan says vehicle {}", plan.vehicle));
        }
        let served: Vec<usize> = plan
            .visits
            .iter()
            .filter_map(|x| match x {
                Visit::Stop { stop, .. } => Some(*stop),
                _ => None,
            })
            .collect();
        if served != solution.routes[vi] {
            bad(
                here,
                format!("route {:?} but plan {served:?}", solution.routes[vi]),
            );
        }
        if served.is_empty() {
            if !plan.visits.is_empty() || plan.distance != 0 {
                bad(here, "an unused vehicle with visits or distance".into());
            }
            if !v.fixed.is_empty() {
                bad(here, "fixed stops not served".into());
            }
            continue;
        }
        if served.len() < v.fixed.len() || served[..v.fixed.len()] != v.fixed[..] {
            bad(
                here,
                format!("does not start with its fixed stops {:?}", v.fixed),
            );
        }
        for &s in &served {
            if s >= stops.len() {
                bad(here, format!("no stop {s}"));
                continue;
            }
            seen[s] += 1;
            if !stops[s].vehicles.is_empty() && !stops[s].vehicles.contains(&vi) {
                bad(
                    here,
                    format!("stop {s} is pinned to {:?}", stops[s].vehicles),
                );
            }
        }
        // Walk the visits: physical ones in order, breaks between them.
        if plan.start < v.shift.start {
            bad(here, format!("leaves at {} before its shift", plan.start));
        }
        let (mut at, mut free) = (v.start, plan.start);
        let mut distance = 0;
        let mut gap: Vec<(i64, i64)> = Vec::new();
        let mut taken: Vec<(i64, i64)> = Vec::new();
        let mut load = 0;
        let mut physical: Vec<(Option<usize>, usize, i64, i64, i64)> = plan
            .visits
            .iter()
            .filter_map(|x| match *x {
                Visit::Stop {
                    stop,
                    arrival,
                    start,
                    depart,
                } if stop < stops.len() => {
                    Some((Some(stop), stops[stop].location, arrival, start, depart))
                }
                Visit::Reload { arrival, depart } => {
                    let loc = v.reload.map_or(v.start, |r| r.location);
                    let dur = v.reload.map_or(0, |r| r.duration);
                    Some((None, loc, arrival, depart - dur, depart))
                }
                _ => None,
            })
            .collect();
        // The end: reached and "served" at `plan.end`.
        physical.push((None, v.end, plan.end, plan.end, plan.end));
        let mut visits = plan.visits.iter().peekable();
        for (k, &(stop, loc, arrival, start, depart)) in physical.iter().enumerate() {
            let is_end = k + 1 == physical.len();
            gap.clear();
            while let Some(Visit::Break { start, end }) = visits.peek() {
                gap.push((*start, *end));
                visits.next();
            }
            if !is_end {
                visits.next();
            }
            let drive = m.time(at, loc);
            distance += m.distance(at, loc);
            let mut t = free;
            let mut driving_time = 0;
            // Drive in the free time before, between and after the breaks.
            for &(bs, be) in &gap {
                if bs < t {
                    bad(here, format!("a break at {bs} overlaps the work before it"));
                }
                driving_time += (bs.min(arrival) - t).max(0);
                t = t.max(be);
                taken.push((bs, be));
            }
            let reach = if is_end { start } else { arrival };
            driving_time += (reach - t).max(0);
            if driving_time < drive {
                bad(
                    here,
                    format!(
                        "{} reached at {reach}: {driving_time} free to drive, needs {drive}",
                        what(stop, is_end)
                    ),
                );
            }
            if start < arrival || start < t {
                bad(
                    here,
                    format!(
                        "{} starts at {start}, before arriving or during a break",
                        what(stop, is_end)
                    ),
                );
            }
            match stop {
                Some(s) => {
                    let st = &stops[s];
                    if start < st.window.start || start > st.window.end {
                        bad(
                            here,
                            format!("stop {s} served at {start} outside its window"),
                        );
                    }
                    if depart != start + st.service {
                        bad(
                            here,
                            format!("stop {s} leaves at {depart}, served at {start}"),
                        );
                    }
                    load += st.demand;
                }
                None if !is_end => {
                    if v.reload.is_none() {
                        bad(here, "a reload without a reload place".into());
                    }
                    if load > v.capacity {
                        bad(
                            here,
                            format!("a trip of {load} over capacity {}", v.capacity),
                        );
                    }
                    load = 0;
                }
                None => {
                    if load > v.capacity {
                        bad(
                            here,
                            format!("a trip of {load} over capacity {}", v.capacity),
                        );
                    }
                    if plan.end > v.shift.end {
                        bad(here, format!("back at {} after the shift", plan.end));
                    }
                }
            }
            at = loc;
            free = depart;
        }
        if visits.next().is_some() {
            bad(here, "visits after the end".into());
        }
        if distance != plan.distance {
            bad(
                here,
                format!("distance {} but the arcs sum to {distance}", plan.distance),
            );
        }
        total += distance;
        if !breaks_match(&v.breaks, &taken) {
            bad(
                here,
                format!("breaks {taken:?} do not match {:?}", v.breaks),
            );
        }
    }
    for (s, &n) in seen.iter().enumerate() {
        if n != 1 {
            bad(None, format!("stop {s} served or left out {n} times"));
        }
    }
    if total != solution.distance {
        bad(
            None,
            format!(
                "distance {} but the plans sum to {total}",
                solution.distance
            ),
        );
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

fn what(stop: Option<usize>, is_end: bool) -> String {
    match (stop, is_end) {
        (Some(s), _) => format!("stop {s}"),
        (None, false) => "a reload".into(),
        (None, true) => "the end".into(),
    }
}

/// Whether the breaks taken are the vehicle's, one each: some assignment
/// puts each within its window with its duration.
fn breaks_match(breaks: &[Break], taken: &[(i64, i64)]) -> bool {
    fn assign(breaks: &[Break], used: &mut [bool], taken: &[(i64, i64)]) -> bool {
        let Some(&(start, end)) = taken.first() else {
            return true;
        };
        for (i, b) in breaks.iter().enumerate() {
            if !used[i]
                && end - start == b.duration
                && start >= b.window.start
                && start <= b.window.end
            {
                used[i] = true;
                if assign(breaks, used, &taken[1..]) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    taken.len() == breaks.len() && assign(breaks, &mut vec![false; breaks.len()], taken)
}
