//! The `vrptw` command (`planner/src/bin/vrptw.rs`; later `rodnik vrptw`,
//! which only has to pass its arguments here): `vrptw FILE --time-limit-ms N
//! --seed S` solves a Solomon or Gehring–Homberger instance under the
//! distance-only DIMACS convention and prints `{"routes": [[customer
//! numbers], ...], "distance": D}`.
//! With `--iterations N` the search stops after N iterations instead of the
//! time limit, and the answer is the same on every machine for a seed.
//! `--verbose` prints the iteration count and time on stderr;
//! `--temperature START,END` overrides the annealing temperatures (in the
//! file's distance units) for tuning.

use std::path::PathBuf;
use std::time::Duration;

use crate::solomon::{format_tenths, read};
use crate::Budget;

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

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut file = None;
    let (mut millis, mut iterations, mut seed, mut verbose) = (None, None, 1, false);
    let mut temperature = None;
    let mut it = args.into_iter();
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

/// Why `vrptw` gave no answer, and the exit code that says so: 2 for bad
/// arguments or an unreadable file, 1 when no plan keeps every customer.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

fn fail(code: u8, message: String) -> Failure {
    Failure { code, message }
}

/// Runs `vrptw` on its arguments (without the program name) and returns the
/// line to print on stdout. `--verbose` notes go to stderr.
pub fn vrptw(args: impl IntoIterator<Item = String>) -> Result<String, Failure> {
    let args = parse_args(args).map_err(|e| fail(2, e))?;
    let instance =
        read(&args.file).map_err(|e| fail(2, format!("{}: {e}", args.file.display())))?;
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
        return Err(fail(
            1,
            format!(
                "no plan within {} vehicles found: customers {:?} left out",
                instance.vehicles, answer.left_out
            ),
        ));
    }
    let routes = serde_json::to_string(&answer.routes).expect("numbers serialise");
    Ok(format!(
        "{{\"routes\": {routes}, \"distance\": {}}}",
        format_tenths(answer.distance)
    ))
}
