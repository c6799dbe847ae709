//! An independent feasibility checker for Solomon answers. It shares nothing
//! with the solver but the parsed file: it recomputes every arc from the
//! coordinates (its own arithmetic, `hypot`), walks each route in time and
//! reports every broken rule of the distance-only DIMACS convention. The
//! benchmark runs every answer, ours and PyVRP's, through it.

use std::fmt;

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
