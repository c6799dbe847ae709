//! Route planning for Rodnik: a vehicle-routing-with-time-windows solver with no
//! database or HTTP code, the Solomon / Gehring–Homberger instance reader,
//! independent feasibility checkers, and a seedable RNG.
//!
//! The product builds a [`Problem`] (stops, vehicles with their reloads,
//! breaks and fixed stops, a travel matrix in whole units) and calls
//! [`solve`] or [`solve_with`] (progress and cancel) with
//! [`Settings::for_problem`]; every [`Solution`] carries a [`RoutePlan`] per
//! vehicle with each visit's times. [`schedule`] times a given order of
//! stops (previews, ETAs, a hand-made route) and [`best_insertion`] finds
//! the cheapest place for one more stop without moving the others (promised
//! slots). The benchmark reads Solomon files through [`solomon`] and checks
//! every answer with [`check::check`]; product plans go through
//! [`check::check_plan`]; neither shares code with the solver. [`travel`]
//! builds the matrix from points: the calibrated straight-line model or an
//! OSRM server's table. docs/planning.md explains the design.

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
