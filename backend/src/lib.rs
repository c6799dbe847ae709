//! Rodnik server: the HTTP API of `docs/api.md`, the live channel, and the
//! SurrealDB store. `http::serve` is what `main` and the tests both run.
//!
//! Modules import downwards only (no cycles; `tests/module_layers.rs`):
//! `error`, `metrics`, `config`, `figures` at the bottom; `store` over them;
//! `auth`, `telephony`, `fiscal`, `geo`, `reports`, `live`, `backup` over the store; `app`
//! (the shared state) over those; `planning` (route planning, issue 21) over
//! `app`; `notify` (client notifications, issue 23) over `planning`; `http` on top.

pub mod app;
pub mod auth;
pub mod backup;
pub mod bank;
pub mod config;
pub mod demo;
pub mod disk_usage;
pub mod documents;
pub mod error;
pub mod figures;
pub mod fiscal;
pub mod generate;
pub mod geo;
pub mod http;
pub mod live;
pub mod metrics;
pub mod notify;
pub mod planning;
pub mod reports;
pub mod sample;
pub mod store;
pub mod telephony;
