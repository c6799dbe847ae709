//! `surreal-server start --bind 127.0.0.1:PORT --user root --pass root memory`:
//! the SurrealDB server, for tests of Rodnik's `ws://` mode.
// The release build (`cargo xtask bench nodes`) overflows the default depth
// computing the layout of SurrealDB's expression evaluator's future.
#![recursion_limit = "256"]

use std::process::ExitCode;

fn main() -> ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
