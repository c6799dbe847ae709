//! Route planning in the product (issue 21, items 5-7; docs/planning.md):
//! the day's stops and couriers turned into the planner's problem
//! (`rodnik_planner`, which knows nothing of orders), and its answers turned
//! back into routes, slots and expected arrivals.
//!
//! - `model`: couriers' vans (shift, break, depot, capacity, where the day
//!   goes on from), stops (point, window, service time, bottles), the travel
//!   model from the settings, and the problem with its matrix;
//! - `jobs`: "optimise the day", a job off the request threads;
//! - `calibrate`: the travel model fitted to the couriers' own trips;
//! - `slots`: promised windows by insertion into the committed routes, and
//!   expected arrivals (ETAs) along the routes as they are.

pub mod calibrate;
pub mod jobs;
pub mod model;
pub mod slots;
