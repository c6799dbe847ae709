//! Rodnik's benchmarks and drills, apart from the tests: the drivers in
//! `src/bin` (`bench_scale`, `bench_first_load`, `bench_login`,
//! `drill_durability`; `cargo xtask bench ...` and `cargo xtask drill ...`
//! build and run them against the release server) and the scale benchmark's
//! PostgreSQL reference (`pgref`). They reuse the test harness
//! (`rodnik_tests`: the HTTP helpers, the kill -9 cycle, the browser driver).
//! Figures go to docs/benchmarks.md and docs/storage.md.

pub mod pgref;
