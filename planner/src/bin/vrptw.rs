//! `vrptw FILE --time-limit-ms N --seed S [--iterations N]`: solves a Solomon
//! or Gehring–Homberger instance under the distance-only DIMACS convention and
//! prints `{"routes": [[customer numbers], ...], "distance": D}`.
//! With `--iterations` the search stops after that many iterations instead of
//! the time limit, and the answer is the same on every machine for a seed.
//! `--verbose` prints the iteration count and time on stderr;
//! `--temperature START,END` overrides the annealing temperatures (in the
//! file's distance units) for tuning.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use rodnik_planner::solomon::{format_tenths, read};
use rodnik_planner::Budget;

const USAGE: &str =
    "usage: vrptw FILE --time-limit-ms N [--seed S] [--iterations N] [--verbose] [--temperature START,END]";

struct Args {
    file: PathBuf,
    budget: Budget,
    seed: u64,
    verbose: bool,
    temperature: Option<(f64, f64)>,
}

fn number(flag: &str, value: Option<String>) -> Result<u64, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .parse()
        .map_err(|_| format!("{flag}: '{value}' is not a whole non-negative number"))
}

fn args() -> Result<Args, String> {
    let mut file = None;
    let (mut millis, mut iterations, mut seed, mut verbose) = (None, None, 1, false);
    let mut temperature = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--time-limit-ms" => millis = Some(number(&a, it.next())?),
            "--iterations" => iterations = Some(number(&a, it.next())?),
            "--seed" => seed = number(&a, it.next())?,
            "--verbose" => verbose = true,
            "--temperature" => {
                let v = it.next().ok_or("--temperature needs START,END")?;
                let parsed = v
                    .split_once(',')
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                    .filter(|&(a, b): &(f64, f64)| a > 0.0 && b > 0.0);
                temperature = Some(parsed.ok_or(format!(
                    "--temperature: '{v}' is not START,END (two positive numbers)"
                ))?);
            }
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            _ if file.is_some() => return Err(format!("one instance file only\n{USAGE}")),
            _ => file = Some(PathBuf::from(a)),
        }
    }
    let budget = match (iterations, millis) {
        (Some(n), _) => Budget::Iterations(n),
        (None, Some(ms)) => Budget::Time(Duration::from_millis(ms)),
        (None, None) => return Err(format!("give --time-limit-ms or --iterations\n{USAGE}")),
    };
    Ok(Args {
        file: file.ok_or_else(|| format!("no instance file\n{USAGE}"))?,
        budget,
        seed,
        verbose,
        temperature,
    })
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let instance = match read(&args.file) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let answer = match args.temperature {
        Some(t) => instance.solve_with(args.seed, args.budget, t),
        None => instance.solve(args.seed, args.budget),
    };
    if args.verbose {
        eprintln!(
            "{}: {} iterations in {} ms",
            instance.name,
            answer.iterations,
            started.elapsed().as_millis()
        );
    }
    if !answer.left_out.is_empty() {
        eprintln!(
            "no plan within {} vehicles found: customers {:?} left out",
            instance.vehicles, answer.left_out
        );
        return ExitCode::from(1);
    }
    let routes = serde_json::to_string(&answer.routes).expect("numbers serialise");
    println!(
        "{{\"routes\": {routes}, \"distance\": {}}}",
        format_tenths(answer.distance)
    );
    ExitCode::SUCCESS
}
