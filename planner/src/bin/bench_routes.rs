//! The route benchmark (issue 21, item 4): the 56 Solomon 100-customer
//! instances at a fixed time each, every answer checked by the independent
//! checker, distance, routes and gap to the best known, ours beside PyVRP's
//! hybrid genetic search given the same time (and vrp-cli's when asked).
//!
//! ```sh
//! CARGO_TARGET_DIR=~/.cache/rodnik-target-planner cargo build --release -p rodnik-planner
//! ~/.cache/rodnik-target-planner/release/bench_routes --fetch        # once: instances + PyVRP venv
//! ~/.cache/rodnik-target-planner/release/bench_routes --time-limit-ms 1000 --seed 1
//! ```
//! Options: `--dir DIR` (default ~/.cache/rodnik-bench/solomon),
//! `--only C101,R205`, `--iterations N` (ours stops after N iterations
//! instead of the time limit: the same figures on every machine), `--no-pyvrp`, `--python PATH`, `--vrp-cli PATH`,
//! `--markdown` (the table for docs/benchmarks.md), `--server PATH` (ours as
//! `PATH vrptw`, the `rodnik` binary: `cargo xtask bench routes` passes it). `--vrp-cli PATH` adds the
//! vrp-core solver through bench/vrp_cli_solomon.py (same matrix and a
//! distance-only objective; install with `cargo install vrp-cli@1.25.0`).
//! Each solver runs as its own process, one instance at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use rodnik_planner::check::check;
use rodnik_planner::solomon::{format_tenths, read, Instance};

const WHEEL: &str = "VRPSolverEasy-0.1.4-py3-none-any.whl";
const WHEEL_DIR: &str = "VRPSolverEasy/demos/data/CVRPTW/";

fn cache() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache/rodnik-bench")
}

fn how_to_fetch(dir: &Path) -> String {
    format!(
        "The Solomon instances are not in {dir}. They ship in the PyPI package VRPSolverEasy 0.1.4 \
         (licence unclear, so not in git). Run `bench_routes --fetch`, or by hand:\n  \
         pip download --no-deps VRPSolverEasy==0.1.4 -d {c}/dl\n  \
         python3 -c \"import zipfile; z = zipfile.ZipFile('{c}/dl/{WHEEL}'); ...\"  # extract {WHEEL_DIR}*.txt into {dir}\n\
         PyVRP: python3 -m venv {c}/venv && {c}/venv/bin/pip install pyvrp",
        dir = dir.display(),
        c = cache().display(),
    )
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Downloads the wheel, extracts the Solomon files, makes the PyVRP venv.
fn fetch(dir: &Path) -> Result<(), String> {
    let c = cache();
    let dl = c.join("dl");
    if !dl.join(WHEEL).exists() {
        run(Command::new("python3")
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "VRPSolverEasy==0.1.4",
                "-d",
            ])
            .arg(&dl))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let script = format!(
        "import zipfile, os\nz = zipfile.ZipFile({w:?})\nfor n in z.namelist():\n    \
         if n.startswith({p:?}) and n.endswith('.txt'):\n        \
         open(os.path.join({d:?}, os.path.basename(n)), 'wb').write(z.read(n))\n",
        w = dl.join(WHEEL).display().to_string(),
        p = WHEEL_DIR,
        d = dir.display().to_string(),
    );
    run(Command::new("python3").args(["-c", &script]))?;
    let venv = c.join("venv");
    if !venv.join("bin/python").exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run(Command::new(venv.join("bin/pip")).args(["install", "-q", "pyvrp"]))?;
    eprintln!(
        "instances in {}, PyVRP in {}",
        dir.display(),
        venv.display()
    );
    Ok(())
}

struct Opts {
    dir: PathBuf,
    millis: u64,
    iterations: Option<u64>,
    seed: u64,
    only: Option<Vec<String>>,
    python: Option<PathBuf>,
    vrp_cli: Option<PathBuf>,
    markdown: bool,
    fetch: bool,
    /// `rodnik` itself: ours runs as `rodnik vrptw` (what `cargo xtask bench routes` does).
    server: Option<PathBuf>,
}

fn opts() -> Result<Opts, String> {
    let mut o = Opts {
        dir: cache().join("solomon"),
        millis: 1000,
        iterations: None,
        seed: 1,
        only: None,
        python: Some(cache().join("venv/bin/python")),
        vrp_cli: None,
        markdown: false,
        fetch: false,
        server: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--dir" => o.dir = value()?.into(),
            "--time-limit-ms" => {
                o.millis = value()?
                    .parse()
                    .map_err(|_| "--time-limit-ms: a whole number")?
            }
            "--iterations" => {
                o.iterations = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--iterations: a whole number")?,
                )
            }
            "--seed" => o.seed = value()?.parse().map_err(|_| "--seed: a whole number")?,
            "--only" => {
                o.only = Some(
                    value()?
                        .split(',')
                        .map(|s| s.trim().to_uppercase())
                        .collect(),
                )
            }
            "--python" => o.python = Some(value()?.into()),
            "--no-pyvrp" => o.python = None,
            "--vrp-cli" => o.vrp_cli = Some(value()?.into()),
            "--markdown" => o.markdown = true,
            "--fetch" => o.fetch = true,
            "--server" => o.server = Some(value()?.into()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

/// (distance in tenths, routes) when the checker accepts the answer.
type Outcome = Result<(i64, usize), String>;
/// Runs one solver on one instance file.
type Solver<'a> = Box<dyn Fn(&Path, &Instance) -> Outcome + 'a>;

fn parse_answer(instance: &Instance, stdout: &str) -> Result<(i64, usize), String> {
    let v: serde_json::Value = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("not JSON ({e}): {}", stdout.trim()))?;
    let routes: Vec<Vec<usize>> =
        serde_json::from_value(v["routes"].clone()).map_err(|e| format!("routes: {e}"))?;
    let claimed = v["distance"].as_f64().ok_or("no distance")?;
    verdict(instance, &routes, Some(claimed))
}

fn verdict(
    instance: &Instance,
    routes: &[Vec<usize>],
    claimed: Option<f64>,
) -> Result<(i64, usize), String> {
    match check(instance, routes, claimed) {
        Ok(v) => Ok((v.distance, v.routes)),
        Err(violations) => Err(format!(
            "INFEASIBLE: {}",
            violations
                .iter()
                .take(3)
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn main_inner() -> Result<(), String> {
    let o = opts()?;
    if o.fetch {
        return fetch(&o.dir);
    }
    let bks_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/solomon-bks.csv");
    let bks_text = std::fs::read_to_string(&bks_path)
        .map_err(|e| format!("best-known file {}: {e}", bks_path.display()))?;
    let mut bks = BTreeMap::new();
    for line in bks_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("instance"))
    {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() == 3 {
            let d: f64 = f[2]
                .parse()
                .map_err(|_| format!("best-known: bad line {line}"))?;
            bks.insert(
                f[0].to_string(),
                (f[1].to_string(), (d * 10.0).round() as i64),
            );
        }
    }
    let names: Vec<String> = match &o.only {
        Some(only) => only.clone(),
        None => bks.keys().cloned().collect(),
    };
    if !o.dir.join("C101.txt").exists()
        && !names
            .iter()
            .all(|n| o.dir.join(format!("{n}.txt")).exists())
    {
        return Err(how_to_fetch(&o.dir));
    }
    // Ours: `rodnik vrptw` when the server is given, else the planner's own binary.
    let (vrptw, prefix): (PathBuf, &[&str]) = match &o.server {
        Some(server) => (server.clone(), &["vrptw"]),
        None => (
            std::env::current_exe()
                .map_err(|e| e.to_string())?
                .with_file_name("vrptw"),
            &[],
        ),
    };
    if !vrptw.exists() {
        return Err(format!(
            "{} is missing: build the planner crate's binaries",
            vrptw.display()
        ));
    }
    let python = o.python.clone().filter(|p| {
        let ok = p.exists();
        if !ok {
            eprintln!(
                "PyVRP skipped: {} is missing.\n{}",
                p.display(),
                how_to_fetch(&o.dir)
            );
        }
        ok
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/pyvrp_solomon.py");
    let vrp_cli_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/vrp_cli_solomon.py");
    let (ms, seed) = (o.millis.to_string(), o.seed.to_string());
    let iterations = o.iterations.map(|n| n.to_string());
    let (ms, seed, script, vrptw) = (&ms, &seed, &script, &vrptw);
    let iterations = iterations.as_deref();

    let mut solvers: Vec<(&str, Solver)> = Vec::new();
    solvers.push((
        "rodnik",
        Box::new(move |file, inst| {
            run(Command::new(vrptw)
                .args(prefix)
                .arg(file)
                .args(["--seed", seed])
                .args(match iterations {
                    Some(n) => ["--iterations", n],
                    None => ["--time-limit-ms", ms],
                }))
            .and_then(|out| parse_answer(inst, &out))
        }),
    ));
    if let Some(py) = &python {
        solvers.push((
            "pyvrp",
            Box::new(move |file, inst| {
                run(Command::new(py).arg(script).arg(file).args([
                    "--time-limit-ms",
                    ms,
                    "--seed",
                    seed,
                ]))
                .and_then(|out| parse_answer(inst, &out))
            }),
        ));
    }
    if let Some(cli) = &o.vrp_cli {
        let script = &vrp_cli_script;
        solvers.push((
            "vrp-cli",
            Box::new(move |file, inst| {
                run(Command::new("python3")
                    .arg(script)
                    .arg(cli)
                    .arg(file)
                    .args(["--time-limit-ms", ms]))
                .and_then(|out| parse_answer(inst, &out))
            }),
        ));
    }

    // (solver, instance) -> outcome; gaps in percent.
    let mut table: Vec<(String, i64, usize, Vec<Outcome>)> = Vec::new();
    let started = Instant::now();
    for name in &names {
        let (bks_routes, bks_dist) = bks
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no best-known value for {name}"))?;
        let file = o.dir.join(format!("{name}.txt"));
        let inst = read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let outcomes: Vec<Outcome> = solvers.iter().map(|(_, f)| f(&file, &inst)).collect();
        let mut line = format!(
            "{name:<6} bks {:>7} ({bks_routes:>2})",
            format_tenths(bks_dist)
        );
        for ((label, _), out) in solvers.iter().zip(&outcomes) {
            line += &match out {
                Ok((d, r)) => format!(
                    " | {label} {:>7} ({r:>2}) {:>5.2}%",
                    format_tenths(*d),
                    gap(*d, bks_dist)
                ),
                Err(e) => format!(" | {label} {e}"),
            };
        }
        eprintln!("{line}");
        table.push((
            name.clone(),
            bks_dist,
            bks_routes.parse().unwrap_or(0),
            outcomes,
        ));
    }
    eprintln!(
        "({} instances in {:.0} s)",
        names.len(),
        started.elapsed().as_secs_f64()
    );

    let mut summary = String::new();
    for (i, (label, _)) in solvers.iter().enumerate() {
        let ok: Vec<(i64, usize, i64)> = table
            .iter()
            .filter_map(|(_, bks, _, outs)| outs[i].as_ref().ok().map(|&(d, r)| (d, r, *bks)))
            .collect();
        let failed = table.len() - ok.len();
        let avg_gap = ok.iter().map(|&(d, _, b)| gap(d, b)).sum::<f64>() / ok.len().max(1) as f64;
        let routes: usize = ok.iter().map(|&(_, r, _)| r).sum();
        let dist: i64 = ok.iter().map(|&(d, _, _)| d).sum();
        let count = ok.len().max(1) as f64;
        summary += &format!(
            "{label}: {}/{} feasible, average gap {avg_gap:.2}%, average distance {:.1}, average routes {:.2}; \
             total distance {}, total routes {routes}\n",
            ok.len(),
            table.len(),
            dist as f64 / 10.0 / count,
            routes as f64 / count,
            format_tenths(dist),
        );
        if failed > 0 {
            summary += &format!("{label}: {failed} answers missing or infeasible\n");
        }
    }
    let bks_total: i64 = table.iter().map(|t| t.1).sum();
    let bks_routes: usize = table.iter().map(|t| t.2).sum();
    let count = table.len().max(1) as f64;
    summary += &format!(
        "best known: average distance {:.1}, average routes {:.2}; total distance {}, total routes {bks_routes}\n",
        bks_total as f64 / 10.0 / count,
        bks_routes as f64 / count,
        format_tenths(bks_total)
    );
    print!("{summary}");

    if o.markdown {
        let mut md = String::from("| instance | best known (routes) |");
        for (label, _) in &solvers {
            md += &format!(" {label} (routes) | gap |");
        }
        md += "\n|---|---:|";
        for _ in &solvers {
            md += "---:|---:|";
        }
        md += "\n";
        for (name, bks, bks_routes, outs) in &table {
            md += &format!("| {name} | {} ({bks_routes}) |", format_tenths(*bks));
            for out in outs {
                md += &match out {
                    Ok((d, r)) => format!(" {} ({r}) | {:.2}% |", format_tenths(*d), gap(*d, *bks)),
                    Err(_) => " infeasible | – |".to_string(),
                };
            }
            md += "\n";
        }
        println!("\n{md}");
    }
    Ok(())
}

fn gap(d: i64, bks: i64) -> f64 {
    100.0 * (d - bks) as f64 / bks as f64
}
