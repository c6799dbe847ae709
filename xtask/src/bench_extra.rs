//! `cargo xtask bench nodes` and `cargo xtask bench tails` (issue 22, items
//! 7 and 9; docs/benchmarks.md "Several nodes and tails (issue 22)").
//!
//! `nodes`: the SurrealDB server from the `surrealdb-server` crate
//! (tools/surreal-server) built in release mode, and 1, 2, 3 release
//! `rodnik serve` nodes on it, driven by `bench/src/bin/bench_nodes.rs`.
//! `tails`: the release server on a generated dataset of 20,000 clients
//! and 200,000 orders (`--clients`, `--orders`, or `--data DIR`),
//! driven from outside by `bench/python/tails.py` (urllib and
//! websocket-client, in a venv beside the target directory).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cargo, is_root, output, run_bench, status, target_dir};

/// The live channel's client in the tails benchmark, from PyPI.
const WEBSOCKET_CLIENT_VERSION: &str = "1.9.2";

/// The SurrealDB server in release mode (a debug one is ~10x slower and
/// would be what the nodes measure), in its own target directory.
fn surreal_server_release() -> Result<PathBuf, String> {
    let dir = target_dir().join("surreal-server");
    eprintln!(
        "xtask: building the SurrealDB server in release mode (about 20 minutes the first time)"
    );
    status(
        Command::new(cargo())
            .args([
                "build",
                "--release",
                "--manifest-path",
                "tools/surreal-server/Cargo.toml",
            ])
            .env("CARGO_TARGET_DIR", &dir),
    )?;
    Ok(dir.join("release").join("surreal-server"))
}

pub fn nodes(args: &[String]) -> Result<(), String> {
    let surreal = surreal_server_release()?;
    let surreal = surreal.display().to_string();
    run_bench("bench_nodes", &["--surreal", &surreal], args)
}

/// A venv with websocket-client, beside the cargo target directory.
fn python() -> Result<PathBuf, String> {
    let venv = target_dir().join("tails-venv");
    let py = venv.join("bin").join("python");
    let probe = "import websocket; print(websocket.__version__)";
    let have = output(py.to_str().unwrap_or("python"), &["-c", probe]).unwrap_or_default();
    if have.trim() == WEBSOCKET_CLIENT_VERSION {
        return Ok(py);
    }
    if output("python3", &["-c", "import venv, ensurepip"]).is_none() {
        if !is_root() {
            return Err("The tails benchmark needs Python 3 with venv: run `sudo apt-get install -y python3-venv`, then run this again.".into());
        }
        status(Command::new("apt-get").args(["update", "-qq"]))?;
        status(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "python3-venv"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    status(
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    status(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("websocket-client=={WEBSOCKET_CLIENT_VERSION}")),
    )
    .map_err(|e| format!("{e}\nInstalling websocket-client from PyPI failed: is the package index reachable (PIP_INDEX_URL)?"))?;
    Ok(py)
}

/// The generated dataset, made once (a marker file says a generate finished,
/// as in bench_scale.rs).
fn dataset(rodnik: &Path, clients: &str, orders: &str) -> Result<PathBuf, String> {
    let home = std::env::var("HOME").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&home)
        .join(".cache/rodnik-bench")
        .join(format!("s1-c{clients}-o{orders}"));
    let marker = dir.join(".rodnik-bench-complete");
    if marker.exists() {
        return Ok(dir);
    }
    if dir.exists() {
        eprintln!(
            "xtask: {} has no marker (an interrupted generate): deleting it",
            dir.display()
        );
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    status(
        Command::new(rodnik)
            .args(["generate", "--db"])
            .arg(&dir)
            .args(["--seed", "1", "--years", "5", "--clients", clients])
            .args(["--orders", orders])
            .env("RODNIK_ADMIN_PASSWORD", "bench-scale-admin-password")
            .env("RODNIK_LOG", "warn"),
    )?;
    std::fs::write(
        &marker,
        format!("seed 1, {clients} clients, {orders} orders, 5 years\n"),
    )
    .map_err(|e| format!("{}: {e}", marker.display()))?;
    Ok(dir)
}

pub fn tails(args: &[String]) -> Result<(), String> {
    let mut rest = vec![];
    let (mut clients, mut orders, mut data) = ("20000".to_string(), "200000".to_string(), None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--clients" | "--orders" | "--data" => {
                let v = it
                    .next()
                    .ok_or_else(|| format!("{a} needs a value"))?
                    .clone();
                match a.as_str() {
                    "--clients" => clients = v,
                    "--orders" => orders = v,
                    _ => data = Some(PathBuf::from(v)),
                }
            }
            _ => rest.push(a.clone()),
        }
    }
    eprintln!("xtask: building the server in release mode (about 15 minutes the first time)");
    status(Command::new(cargo()).args([
        "build",
        "--release",
        "--workspace",
        "--exclude",
        "rodnik-frontend",
        "--bin",
        "rodnik",
    ]))?;
    let rodnik = target_dir().join("release").join("rodnik");
    let py = python()?;
    let data = match data {
        Some(d) => d,
        None => dataset(&rodnik, &clients, &orders)?,
    };
    status(
        Command::new(py)
            .arg("bench/python/tails.py")
            .arg("--server")
            .arg(&rodnik)
            .arg("--data")
            .arg(&data)
            .args(&rest),
    )
}
