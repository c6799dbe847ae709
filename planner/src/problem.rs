//! The planning problem as the solver sees it: stops, vehicles and a travel
//! matrix, all in whole units (the caller picks them: metres and seconds in
//! the product, as `travel::TravelTable::to_matrix` gives them, tenths of a
//! unit for Solomon). Integers keep
//! the arithmetic exact, so a plan that is feasible here is feasible for the
//! checker too.
//!
//! Built once and validated by [`Problem::new`]; the solver never re-checks.
//! Product constraints still to come (reloads, breaks, per-bottle service,
//! pinned stops) are listed in docs/planning.md with where each one goes.

use std::fmt;

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
    pub capacity: i64,
    /// Cost of using this vehicle at all (0 when only distance counts).
    pub fixed_cost: i64,
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
    MatrixShape { size: usize },
    NegativeMatrixEntry,
    LocationOutOfRange { what: String, location: usize },
    BadWindow { what: String },
    NoSuchVehicle { what: String, vehicle: usize },
    Negative { what: String },
    NoVehicles,
}

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
}

/// A plan: `routes[v]` lists the stops (indices into the problem's stops) that
/// vehicle `v` visits in order; empty when the vehicle stays at home.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub routes: Vec<Vec<usize>>,
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
