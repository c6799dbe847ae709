//! `vrptw FILE --time-limit-ms N --seed S`: see `rodnik_planner::cli`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match rodnik_planner::cli::vrptw(std::env::args().skip(1)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
    }
}
