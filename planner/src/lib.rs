//! Route planning for Rodnik: a vehicle-routing-with-time-windows solver with no
//! database or HTTP code, the Solomon / Gehring–Homberger instance reader, an
//! independent feasibility checker for those instances, and a seedable RNG.
//!
//! The product builds a [`Problem`] (stops, vehicles, a travel matrix in whole
//! units) and calls [`solve`]; the benchmark reads Solomon files through
//! [`solomon`] and checks every answer with [`check`], which shares no code with
//! the solver. [`travel`] builds the matrix from points: the calibrated
//! straight-line model or an OSRM server's table. docs/planning.md explains
//! the design and what comes next.

pub mod check;
pub mod cli;
pub mod plan;
pub mod problem;
pub mod rng;
pub mod solomon;
pub mod solver;
pub mod travel;

pub use plan::{best_insertion, schedule, InsertionOption, RoutePlan, Visit, RELOAD};
pub use problem::{
    Break, Matrix, Problem, ProblemError, Reload, Solution, Stop, Time, Vehicle, Window,
};
pub use solver::{solve, solve_with, Budget, Progress, Settings};
