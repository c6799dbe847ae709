//! `cargo xtask run | test | frontend | setup | bench`: set-up and orchestration in Rust.
//! Installs what the build needs (the wasm32 target, Trunk, wasm-bindgen-cli,
//! Chromium with its driver when root, Schemathesis in a Python venv) or
//! stops saying how.

use std::path::{Path, PathBuf};
use std::process::{exit, Command};

mod bench_extra;
mod vendor;

const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` pinned in the workspace Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The OpenAPI fuzzer the test suite runs (tests/tests/fuzz_openapi.rs), from PyPI.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

fn main() {
    forget_cargo_run_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root)
        .unwrap_or_else(|e| fail(&format!("cannot enter {}: {e}", root.display())));
    let command = args.first().map(String::as_str);
    // Every command that builds needs the patched SurrealDB crates.
    if matches!(
        command,
        Some("run" | "test" | "frontend" | "bench" | "drill")
    ) {
        if let Err(e) = vendor::ensure(&root) {
            fail(&e);
        }
    }
    let result = match command {
        Some("vendor-surrealdb") => vendor::command(&root, &args[1..]),
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("frontend") => frontend(),
        Some("setup") => setup(true),
        Some("bench") => bench(&args[1..]),
        Some("drill") => drill(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  run [--dev]   build everything and start Rodnik with demo data on the embedded database\n  test          run the whole test suite\n  frontend      build the web apps with Trunk (the console, then the courier's)\n  setup         install the build tools only\n  bench [scale] [--data DIR] [--clients N --orders N --seed N --years N] [--quick] [--no-pg] [--cold] [--out FILE.md] [--sockets N] [--seconds N]\n                the server at scale: latency, throughput, fan-out, reports, memory on a generated dataset (the default benchmark)\n  bench first-load [--runs N] [--throttle MBIT/RTT_MS] [--app console|courier]\n                measure a web app's first load in headless Chromium (docs/benchmarks.md)\n  bench login [--seconds N] [--attackers N]\n                phone lookups alone and under a flood of wrong-password logins (docs/benchmarks.md)\n  bench routes [--time-limit-ms N (1000)] [--seed S] [--only C101,R205] [--no-pyvrp] [--markdown]\n                the route planner on the 56 Solomon VRPTW instances against the best known and PyVRP (docs/planning.md)\n  bench planning [--stops N (150)] [--couriers N (20)] [--requests N (500)] [--time-limit-ms N (30000)]\n                slots, ETAs and optimise-the-day in the release server, 20 couriers in Moscow (docs/benchmarks.md)\n  bench nodes [--nodes 1,2,3] [--writers 8,32] [--seconds N] [--pops N] [--sockets N] [--quick]\n                1-3 rodnik nodes on one SurrealDB server: order creation, screen pop across nodes, fan-out\n  bench tails [--clients N --orders N | --data DIR] [--pops N] [--seconds N] [--rounds N] [--http plain,nodelay]\n                the tails a plain Python client sees (urllib, websocket-client) on 20k clients (docs/benchmarks.md)\n  drill durability [--kills N (600)] [--writers N (32)] [--phase fsync|cold|long|rotations|cpu] [--out FILE.md]\n                kill -9 the release server during concurrent order writes, hundreds of times; count lost orders (docs/storage.md)\n  vendor-surrealdb [VERSION] [--check | --save]\n                make third_party/ from the published SurrealDB crates and patches/ (patches/README.md);\n                a new VERSION re-makes the patches for it; --check compares, --save turns edits in third_party/ into patches"
            );
            exit(2)
        }
    };
    if let Err(e) = result {
        fail(&e);
    }
}

/// `cargo xtask` runs us through `cargo run`, which sets `CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*` and friends for the xtask package. Nested cargo (and Trunk's
/// cargo) would pass them on to build scripts that fingerprint env, so a build
/// typed in a shell and the same build run from here would recompile each other
/// (SurrealDB included). Drop them while still single-threaded.
fn forget_cargo_run_env() {
    const PREFIXES: [&str; 2] = ["CARGO_PKG_", "CARGO_MANIFEST_"];
    const NAMES: [&str; 4] = [
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_RUSTC_CURRENT_DIR",
    ];
    let stale: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| PREFIXES.iter().any(|p| k.starts_with(p)) || NAMES.contains(&k.as_str()))
        .collect();
    for key in stale {
        std::env::remove_var(key);
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("\nxtask: {msg}");
    exit(1)
}

/// The repository this command was run in, found at run time (a compile-time
/// path would point into whatever clone built the cached xtask binary): the
/// nearest directory up from here with both `Cargo.toml` and `xtask/`.
/// Not `cargo locate-project`: it loads the workspace, whose `[patch]` paths
/// (third_party/) may not exist yet.
fn workspace_root() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_else(|e| fail(&format!("current directory: {e}")));
    match here
        .ancestors()
        .find(|d| d.join("Cargo.toml").is_file() && d.join("xtask").join("Cargo.toml").is_file())
    {
        Some(dir) => dir.to_path_buf(),
        None => fail("run this inside the Rodnik repository (no Cargo.toml with an xtask/ beside it here or above)"),
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn status(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: $ {shown}");
    let st = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({st})"))
    }
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    let p = home.join("bin").join(name);
    if p.exists() {
        p
    } else {
        PathBuf::from(name)
    }
}

fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|s| s.trim() == "0")
}

/// Installs the tools the build needs, or says how to.
fn setup(browser: bool) -> Result<(), String> {
    match output("rustup", &["target", "list", "--installed"]) {
        Some(t) if t.lines().any(|l| l.trim() == "wasm32-unknown-unknown") => {}
        Some(_) => status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?,
        None => {
            return Err("rustup was not found. Install Rust with rustup (https://rustup.rs), or add the wasm32-unknown-unknown target to your toolchain yourself.".into())
        }
    }
    let trunk = cargo_bin("trunk");
    let have_trunk = output(trunk.to_str().unwrap_or("trunk"), &["--version"]).unwrap_or_default();
    if !have_trunk.contains(TRUNK_VERSION) {
        eprintln!("xtask: installing trunk {TRUNK_VERSION} (about 5 minutes, once)");
        status(Command::new(cargo()).args([
            "install",
            "--locked",
            &format!("trunk@{TRUNK_VERSION}"),
        ]))?;
    }
    let wb = cargo_bin("wasm-bindgen");
    let have_wb = output(wb.to_str().unwrap_or("wasm-bindgen"), &["--version"]).unwrap_or_default();
    if !have_wb.contains(WASM_BINDGEN_VERSION) {
        eprintln!(
            "xtask: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (about 2 minutes, once)"
        );
        // Not --locked: its lockfile wants a webpki-roots release the registry lacks.
        status(Command::new(cargo()).args([
            "install",
            "--force",
            &format!("wasm-bindgen-cli@{WASM_BINDGEN_VERSION}"),
        ]))?;
    }
    // The documents' tests read their PDFs back with pdftotext.
    if browser && !Path::new("/usr/bin/pdftotext").exists() {
        if is_root() {
            status(Command::new("apt-get").args(["update", "-qq"]))?;
            status(
                Command::new("apt-get")
                    .args([
                        "install",
                        "-y",
                        "-qq",
                        "--no-install-recommends",
                        "poppler-utils",
                    ])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        } else {
            return Err("The documents' tests read PDFs with pdftotext: run `sudo apt-get install -y poppler-utils`, then run this again.".into());
        }
    }
    if browser {
        let have =
            Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists();
        if !have {
            if is_root() {
                status(Command::new("apt-get").args(["update", "-qq"]))?;
                status(
                    Command::new("apt-get")
                        .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
                        .env("DEBIAN_FRONTEND", "noninteractive"),
                )?;
            } else {
                return Err("Chromium and chromedriver are needed for the browser tests: run `sudo apt-get install -y chromium chromium-driver`, then run this again.".into());
            }
        }
        // The real SIP call path (tests/tests/telephony_sip.rs): Kamailio with
        // its http_client (utils) and crypto (tls) modules, and sipsak.
        let have_sip = Path::new("/usr/sbin/kamailio").exists()
            && Path::new("/usr/bin/sipsak").exists()
            && Path::new("/usr/lib/x86_64-linux-gnu/kamailio/modules/crypto.so").exists()
            && Path::new("/usr/lib/x86_64-linux-gnu/kamailio/modules/http_client.so").exists();
        if !have_sip {
            let pkgs = [
                "kamailio",
                "kamailio-utils-modules",
                "kamailio-tls-modules",
                "sipsak",
            ];
            if is_root() {
                status(Command::new("apt-get").args(["update", "-qq"]))?;
                status(
                    Command::new("apt-get")
                        .args(["install", "-y", "-qq", "--no-install-recommends"])
                        .args(pkgs)
                        .env("DEBIAN_FRONTEND", "noninteractive"),
                )?;
            } else {
                eprintln!(
                    "xtask: the SIP test is skipped without {}: `sudo apt-get install -y {}`",
                    pkgs.join(", "),
                    pkgs.join(" ")
                );
            }
        }
    }
    Ok(())
}

/// Schemathesis in a venv beside the cargo target directory (outside the
/// clone, kept between runs); returns the path of its command.
fn schemathesis() -> Result<PathBuf, String> {
    let venv = target_dir().join("schemathesis-venv");
    let bin = venv.join("bin").join("schemathesis");
    let have = output(bin.to_str().unwrap_or("schemathesis"), &["--version"]).unwrap_or_default();
    if have.contains(SCHEMATHESIS_VERSION) {
        return Ok(bin);
    }
    let venv_ok = output("python3", &["-c", "import venv, ensurepip"]).is_some();
    if !venv_ok {
        if is_root() {
            status(Command::new("apt-get").args(["update", "-qq"]))?;
            status(
                Command::new("apt-get")
                    .args(["install", "-y", "-qq", "python3-venv"])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        } else {
            return Err("The API fuzzing test needs Python 3 with venv: run `sudo apt-get install -y python3-venv`, then run this again.".into());
        }
    }
    eprintln!(
        "xtask: installing schemathesis {SCHEMATHESIS_VERSION} into {} (once)",
        venv.display()
    );
    status(
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    status(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")),
    )
    .map_err(|e| format!("{e}\nInstalling schemathesis from PyPI failed: is the package index reachable (PIP_INDEX_URL)?"))?;
    Ok(bin)
}

/// Builds both web apps with Trunk: the dispatcher console into
/// `frontend/dist` (Trunk empties that folder first, so it goes first), then
/// the courier app (`frontend/courier/index.html`, the `courier` binary) into
/// `frontend/dist/courier`, served at `/courier`.
fn frontend() -> Result<(), String> {
    setup(false)?;
    trunk(&["build", "--release"])?;
    trunk(&[
        "build",
        "--release",
        "--dist",
        "frontend/dist/courier",
        "--public-url",
        "/courier/",
        "frontend/courier/index.html",
    ])
}

fn trunk(args: &[&str]) -> Result<(), String> {
    let mut cmd = Command::new(cargo_bin("trunk"));
    cmd.args(args);
    // Trunk finds wasm-bindgen in ~/.cargo/bin through PATH.
    let path = std::env::var("PATH").unwrap_or_default();
    let bin = cargo_bin("wasm-bindgen");
    if let Some(dir) = bin.parent().filter(|d| !d.as_os_str().is_empty()) {
        cmd.env("PATH", format!("{}:{path}", dir.display()));
    }
    status(&mut cmd)
}

fn run(args: &[String]) -> Result<(), String> {
    let dev = args.iter().any(|a| a == "--dev");
    frontend()?;
    let mut build = Command::new(cargo());
    build.args(["build", "-p", "rodnik", "--bin", "rodnik"]);
    if !dev {
        eprintln!("xtask: building the server in release mode (about 15 minutes the first time; `cargo xtask run --dev` is quicker to build, slower to run)");
        build.arg("--release");
    }
    status(&mut build)?;
    let bin = target_dir()
        .join(if dev { "debug" } else { "release" })
        .join("rodnik");
    let listen = std::env::var("RODNIK_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    eprintln!("xtask: starting Rodnik on http://{listen}/ with the embedded database in ./data (Ctrl-C stops it)");
    status(Command::new(bin).args([
        "serve",
        "--demo",
        "--static-dir",
        "frontend/dist",
        "--listen",
        &listen,
    ]))
}

fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target"))
}

/// Builds the SurrealDB server (tools/surreal-server, its own workspace so its
/// features stay out of Rodnik's build) for the `ws://` tests; returns its path.
fn surreal_server() -> Result<PathBuf, String> {
    let dir = target_dir().join("surreal-server");
    status(
        Command::new(cargo())
            .args([
                "build",
                "--manifest-path",
                "tools/surreal-server/Cargo.toml",
            ])
            .env("CARGO_TARGET_DIR", &dir),
    )?;
    Ok(dir.join("debug").join("surreal-server"))
}

fn test(args: &[String]) -> Result<(), String> {
    setup(true)?;
    frontend()?;
    let server = surreal_server()?;
    let fuzzer = schemathesis()?;
    let mut cmd = Command::new(cargo());
    // The front-end is tested in a run of its own: built together with the
    // server, its wasm-minded features would unify into the server's
    // dependencies and rebuild SurrealDB.
    // Every test binary runs even after one fails: one run names every
    // failure (a CI run is half an hour).
    cmd.args([
        "test",
        "--workspace",
        "--exclude",
        "rodnik-frontend",
        "--no-fail-fast",
    ]);
    cmd.args(args);
    // Every test runs: none may skip for want of a built part.
    cmd.env("RODNIK_FULL_SUITE", "1");
    cmd.env("RODNIK_SURREAL_SERVER", server);
    cmd.env("RODNIK_SCHEMATHESIS", fuzzer);
    status(&mut cmd)?;
    status(
        Command::new(cargo())
            .args(["test", "-p", "rodnik-frontend"])
            .args(args),
    )
}

/// `cargo xtask bench routes`: the 56 Solomon instances, each answered by
/// `rodnik vrptw` (1,000 ms unless told otherwise), checked by the planner's
/// independent checker, beside PyVRP given the same time
/// (`planner/src/bin/bench_routes.rs`). Fetches the instances and PyVRP into
/// ~/.cache/rodnik-bench the first time.
fn bench_routes(args: &[String]) -> Result<(), String> {
    eprintln!("xtask: building the server and the route benchmark in release mode");
    // The same package selection as the other benchmarks (`run_bench`):
    // one release build of SurrealDB serves them all.
    status(Command::new(cargo()).args([
        "build",
        "--release",
        "--workspace",
        "--exclude",
        "rodnik-frontend",
        "--bin",
        "rodnik",
        "--bin",
        "bench_routes",
    ]))?;
    let target = target_dir();
    let bench = target.join("release").join("bench_routes");
    let home = std::env::var("HOME").unwrap_or_default();
    let solomon = std::path::Path::new(&home).join(".cache/rodnik-bench/solomon/C101.txt");
    if !solomon.exists() && !args.iter().any(|a| a == "--dir") {
        status(Command::new(&bench).arg("--fetch"))?;
    }
    let mut fixed: Vec<String> = vec![
        "--server".into(),
        target.join("release").join("rodnik").display().to_string(),
    ];
    if !args
        .iter()
        .any(|a| a == "--time-limit-ms" || a == "--iterations")
    {
        fixed.extend(["--time-limit-ms".to_string(), "1000".to_string()]);
    }
    status(Command::new(&bench).args(&fixed).args(args))
}

/// `cargo xtask bench <name>`: measurements written up in docs/benchmarks.md.
fn bench(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("first-load") => bench_first_load(&args[1..]),
        Some("scale") => bench_scale(&args[1..]),
        Some("login") => run_bench("bench_login", &[], &args[1..]),
        Some("routes") => bench_routes(&args[1..]),
        Some("planning") => run_bench("bench_planning", &[], &args[1..]),
        Some("forecast") => run_bench("bench_forecast", &[], &args[1..]),
        Some("nodes") => bench_extra::nodes(&args[1..]),
        Some("tails") => bench_extra::tails(&args[1..]),
        // No name (or only options): the scale benchmark.
        None => bench_scale(args),
        Some(a) if a.starts_with('-') => bench_scale(args),
        other => Err(format!(
            "unknown benchmark {other:?}; available: scale (the default), first-load, login, routes, planning, forecast, nodes, tails"
        )),
    }
}

/// `cargo xtask drill <name>`: fault drills too long for the test suite.
fn drill(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("durability") => run_bench("drill_durability", &[], &args[1..]),
        other => Err(format!("unknown drill {other:?}; available: durability")),
    }
}

/// The release server on a large generated dataset, driven over HTTP and
/// WebSocket by `bench/src/bin/bench_scale.rs` (which generates the dataset
/// into ~/.cache/rodnik-bench the first time). No front-end needed.
fn bench_scale(args: &[String]) -> Result<(), String> {
    run_bench("bench_scale", &[], args)
}

/// The release server and the Trunk release build, loaded cold and warm in
/// headless Chromium by `bench/src/bin/bench_first_load.rs`.
fn bench_first_load(args: &[String]) -> Result<(), String> {
    setup(true)?;
    frontend()?;
    run_bench("bench_first_load", &["--dist", "frontend/dist"], args)
}

/// Builds the release server and the driver `bin` in one release build of
/// the test package selection (one SurrealDB build serves both; a debug
/// driver spent the two cores' time parsing answers, inflating the server's
/// figures), then runs the driver against the server.
fn run_bench(bin: &str, fixed: &[&str], args: &[String]) -> Result<(), String> {
    eprintln!("xtask: building the server and the driver in release mode (about 15 minutes the first time)");
    status(Command::new(cargo()).args([
        "build",
        "--release",
        "--workspace",
        "--exclude",
        "rodnik-frontend",
        "--bin",
        "rodnik",
        "--bin",
        bin,
    ]))?;
    let target = target_dir();
    status(
        Command::new(target.join("release").join(bin))
            .arg("--server")
            .arg(target.join("release").join("rodnik"))
            .args(fixed)
            .args(args),
    )
}
