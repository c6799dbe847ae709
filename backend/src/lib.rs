//! Rodnik server: the HTTP API of `../shared/API.md`, the live channel, and
//! the SurrealDB store. `app::serve` is what `main` and the tests both run.

pub mod app;
pub mod auth;
pub mod backup;
pub mod config;
pub mod demo;
pub mod error;
pub mod generate;
pub mod http;
pub mod live;
pub mod metrics;
pub mod reports;
pub mod store;
pub mod telephony;
