//! The planning problem as the solver sees it: stops, vehicles and a travel
//! matrix, all in whole units (the caller picks them: metres and seconds in
//! the product, as `travel::TravelTable::to_matrix` gives them, tenths of a
//! unit for Solomon). Integers keep
//! the arithmetic exact, so a plan that is feasible here is feasible for the
//! checker too.
//!
//! Built once and validated by [`Problem::new`]; the solver never re-checks.
//! The product's constraints: stops pinned to vehicles ([`Stop::vehicles`]),
//! several trips a day with reloads at the depot ([`Vehicle::reload`]), the
//! courier's breaks ([`Vehicle::breaks`]) and stops already under way
//! ([`Vehicle::fixed`]); docs/planning.md, "The product's constraints".

use std::fmt;

use crate::plan::RoutePlan;

/// A time or duration in the problem's time unit.
pub type Time = i64;

/// `start <= end`, both inclusive: service may start at `start` and no later
/// than `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: Time,
    pub end: Time,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Index into the matrix.
    pub location: usize,
    /// Load taken from the vehicle (bottles in the product).
    pub demand: i64,
    pub window: Window,
    /// Time spent at the stop once service starts.
    pub service: Time,
    /// The vehicles allowed to serve it (a stop pinned to a courier); empty:
    /// any vehicle.
    pub vehicles: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vehicle {
    pub start: usize,
    pub end: usize,
    /// Leaves `start` no earlier than `shift.start`, back at `end` no later
    /// than `shift.end`.
    pub shift: Window,
    /// The load of one trip (the whole day's without `reload`).
    pub capacity: i64,
    /// Cost of using this vehicle at all (0 when only distance counts).
    pub fixed_cost: i64,
    /// Several trips a day: between two trips the vehicle goes to
    /// `reload.location`, spends `reload.duration` and leaves full again.
    /// `None`: one trip, `capacity` for the whole day.
    pub reload: Option<Reload>,
    /// The courier's breaks: each must start within its window and lasts its
    /// duration; taken between two stops (or waiting at a door), with no
    /// place of its own. A route with stops holds every break; an unused
    /// vehicle none.
    pub breaks: Vec<Break>,
    /// Stops (indices into the problem's stops) that must be this vehicle's
    /// first stops, in this order: started or committed when re-planning
    /// mid-day. The search never moves them nor puts a stop before or among
    /// them.
    pub fixed: Vec<usize>,
}

impl Vehicle {
    /// A vehicle with no fixed cost, no reloads, no breaks and no fixed stops.
    pub fn new(start: usize, end: usize, shift: Window, capacity: i64) -> Self {
        Vehicle {
            start,
            end,
            shift,
            capacity,
            fixed_cost: 0,
            reload: None,
            breaks: Vec::new(),
            fixed: Vec::new(),
        }
    }
}

/// A return to the depot between trips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reload {
    /// Index into the matrix (the depot).
    pub location: usize,
    /// Loading time there.
    pub duration: Time,
}

/// A courier's break: starts within `window` (both ends inclusive), lasts
/// `duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Break {
    pub window: Window,
    pub duration: Time,
}

/// Square matrices of distance (the cost) and travel time, row-major.
#[derive(Clone, Debug)]
pub struct Matrix {
    size: usize,
    distance: Vec<i64>,
    time: Vec<i64>,
}

impl Matrix {
    pub fn new(size: usize, distance: Vec<i64>, time: Vec<i64>) -> Result<Self, ProblemError> {
        if distance.len() != size * size || time.len() != size * size {
            return Err(ProblemError::MatrixShape { size });
        }
        if distance.iter().chain(&time).any(|&v| v < 0) {
            return Err(ProblemError::NegativeMatrixEntry);
        }
        Ok(Matrix {
            size,
            distance,
            time,
        })
    }

    pub fn size(&self) -> usize {
        self.size
    }

    #[inline]
    pub fn distance(&self, from: usize, to: usize) -> i64 {
        self.distance[from * self.size + to]
    }

    #[inline]
    pub fn time(&self, from: usize, to: usize) -> i64 {
        self.time[from * self.size + to]
    }
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub(crate) matrix: Matrix,
    pub(crate) stops: Vec<Stop>,
    pub(crate) vehicles: Vec<Vehicle>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ProblemError {
    MatrixShape {
        size: usize,
    },
    NegativeMatrixEntry,
    LocationOutOfRange {
        what: String,
        location: usize,
    },
    BadWindow {
        what: String,
    },
    NoSuchVehicle {
        what: String,
        vehicle: usize,
    },
    Negative {
        what: String,
    },
    NoVehicles,
    /// A fixed stop that does not exist.
    NoSuchStop {
        what: String,
        stop: usize,
    },
    /// A stop fixed to two vehicles, or twice to one.
    FixedTwice {
        stop: usize,
    },
    /// A stop fixed to a vehicle it is not pinned to.
    FixedElsewhere {
        stop: usize,
        vehicle: usize,
    },
    /// More breaks than [`MAX_BREAKS`] for one vehicle.
    TooManyBreaks {
        vehicle: usize,
    },
}

/// Breaks one vehicle may have.
pub const MAX_BREAKS: usize = 1000;

impl fmt::Display for ProblemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemError::MatrixShape { size } => {
                write!(f, "the matrix must have {size} x {size} entries")
            }
            ProblemError::NegativeMatrixEntry => write!(f, "the matrix has a negative entry"),
            ProblemError::LocationOutOfRange { what, location } => {
                write!(f, "{what}: location {location} is outside the matrix")
            }
            ProblemError::BadWindow { what } => write!(f, "{what}: window ends before it starts"),
            ProblemError::NoSuchVehicle { what, vehicle } => {
                write!(
                    f,
                    "{what}: pinned to vehicle {vehicle}, which does not exist"
                )
            }
            ProblemError::Negative { what } => {
                write!(f, "{what}: negative demand, service or capacity")
            }
            ProblemError::NoVehicles => write!(f, "no vehicles"),
            ProblemError::NoSuchStop { what, stop } => {
                write!(f, "{what}: fixed stop {stop} does not exist")
            }
            ProblemError::FixedTwice { stop } => write!(f, "stop {stop} is fixed twice"),
            ProblemError::TooManyBreaks { vehicle } => {
                write!(f, "vehicle {vehicle}: more than {MAX_BREAKS} breaks")
            }
            ProblemError::FixedElsewhere { stop, vehicle } => write!(
                f,
                "stop {stop} is fixed to vehicle {vehicle} but pinned to other vehicles"
            ),
        }
    }
}

impl std::error::Error for ProblemError {}

impl Problem {
    pub fn new(
        matrix: Matrix,
        stops: Vec<Stop>,
        vehicles: Vec<Vehicle>,
    ) -> Result<Self, ProblemError> {
        let n = matrix.size();
        if vehicles.is_empty() {
            return Err(ProblemError::NoVehicles);
        }
        for (i, s) in stops.iter().enumerate() {
            let what = || format!("stop {i}");
            if s.location >= n {
                return Err(ProblemError::LocationOutOfRange {
                    what: what(),
                    location: s.location,
                });
            }
            if s.window.start > s.window.end {
                return Err(ProblemError::BadWindow { what: what() });
            }
            if s.demand < 0 || s.service < 0 {
                return Err(ProblemError::Negative { what: what() });
            }
            if let Some(&vehicle) = s.vehicles.iter().find(|&&v| v >= vehicles.len()) {
                return Err(ProblemError::NoSuchVehicle {
                    what: what(),
                    vehicle,
                });
            }
        }
        let mut fixed_to: Vec<Option<usize>> = vec![None; stops.len()];
        for (i, v) in vehicles.iter().enumerate() {
            let what = || format!("vehicle {i}");
            for location in [v.start, v.end] {
                if location >= n {
                    return Err(ProblemError::LocationOutOfRange {
                        what: what(),
                        location,
                    });
                }
            }
            if v.shift.start > v.shift.end {
                return Err(ProblemError::BadWindow { what: what() });
            }
            if v.capacity < 0 || v.fixed_cost < 0 {
                return Err(ProblemError::Negative { what: what() });
            }
            if let Some(r) = v.reload {
                if r.location >= n {
                    return Err(ProblemError::LocationOutOfRange {
                        what: format!("vehicle {i}'s reload"),
                        location: r.location,
                    });
                }
                if r.duration < 0 {
                    return Err(ProblemError::Negative {
                        what: format!("vehicle {i}'s reload"),
                    });
                }
            }
            if v.breaks.len() > MAX_BREAKS {
                return Err(ProblemError::TooManyBreaks { vehicle: i });
            }
            for (b, br) in v.breaks.iter().enumerate() {
                let what = || format!("vehicle {i}'s break {b}");
                if br.window.start > br.window.end {
                    return Err(ProblemError::BadWindow { what: what() });
                }
                if br.duration < 0 {
                    return Err(ProblemError::Negative { what: what() });
                }
            }
            for &stop in &v.fixed {
                if stop >= stops.len() {
                    return Err(ProblemError::NoSuchStop { what: what(), stop });
                }
                if fixed_to[stop].is_some() {
                    return Err(ProblemError::FixedTwice { stop });
                }
                fixed_to[stop] = Some(i);
                if !stops[stop].vehicles.is_empty() && !stops[stop].vehicles.contains(&i) {
                    return Err(ProblemError::FixedElsewhere { stop, vehicle: i });
                }
            }
        }
        Ok(Problem {
            matrix,
            stops,
            vehicles,
        })
    }

    pub fn matrix(&self) -> &Matrix {
        &self.matrix
    }

    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    pub fn vehicles(&self) -> &[Vehicle] {
        &self.vehicles
    }

    /// The vehicle a stop is fixed to, if any.
    pub fn fixed_to(&self, stop: usize) -> Option<usize> {
        self.vehicles.iter().position(|v| v.fixed.contains(&stop))
    }

    /// Whether `vehicle` may serve `stop` (its pins and the fixed stops).
    pub fn allowed(&self, stop: usize, vehicle: usize) -> bool {
        let pins = &self.stops[stop].vehicles;
        (pins.is_empty() || pins.contains(&vehicle))
            && self.fixed_to(stop).is_none_or(|v| v == vehicle)
    }
}

/// A plan: `routes[v]` lists the stops (indices into the problem's stops) that
/// vehicle `v` visits in order; empty when the vehicle stays at home.
/// `plans[v]` is the same route with its times, reloads and breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub routes: Vec<Vec<usize>>,
    /// One per vehicle: every visit's times (stops, reloads, breaks).
    pub plans: Vec<RoutePlan>,
    /// Stops no vehicle could take within the constraints.
    pub unassigned: Vec<usize>,
    /// Total distance of all routes, in matrix units.
    pub distance: i64,
    /// Ruin-and-recreate iterations the search ran.
    pub iterations: u64,
}

impl Solution {
    pub fn used_vehicles(&self) -> usize {
        self.routes.iter().filter(|r| !r.is_empty()).count()
    }
}
