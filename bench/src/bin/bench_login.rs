//! `cargo xtask bench login`: can a flood of wrong-password logins slow the
//! operators down? The release server on a fresh folder; phone lookups (the
//! screen pop's request) are timed alone, then again while 200 clients post
//! wrong passwords as fast as they can (each under its own username and
//! address, so that every attempt costs a real argon2 check and the
//! throttle's 429 does not do the work), with live sockets open throughout.
//! Prints the lookups' p50/p99 in both phases, their ratio (the target: the
//! loaded p99 within 2x of the idle one) and the logins answered per second.
//!
//! Options: `--server PATH` (set by xtask), `--seconds N` (per phase, 10),
//! `--attackers N` (200), `--readers N` (4), `--sockets N` (20).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rodnik_tests::crash::{self, Options};
use serde_json::{json, Value};

struct Args {
    server: PathBuf,
    seconds: u64,
    attackers: usize,
    readers: usize,
    sockets: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        server: PathBuf::new(),
        seconds: 10,
        attackers: 200,
        readers: 4,
        sockets: 20,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--server" => a.server = PathBuf::from(value()?),
            "--seconds" => a.seconds = number(value()?)?,
            "--attackers" => a.attackers = number(value()?)? as usize,
            "--readers" => a.readers = number(value()?)? as usize,
            "--sockets" => a.sockets = number(value()?)? as usize,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if a.server.as_os_str().is_empty() {
        return Err("--server PATH is required (cargo xtask bench login sets it)".into());
    }
    Ok(a)
}

/// Phone lookups by `readers` tasks for `secs`: each latency in microseconds.
async fn lookups(
    base: &str,
    token: &str,
    phones: &[String],
    readers: usize,
    secs: u64,
) -> Vec<u64> {
    let until = Instant::now() + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..readers)
        .map(|r| {
            let (base, token, phones) = (base.to_string(), token.to_string(), phones.to_vec());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut out = vec![];
                let mut i = r;
                while Instant::now() < until {
                    let phone = &phones[i % phones.len()];
                    i += readers;
                    let t = Instant::now();
                    let ok = http
                        .get(format!(
                            "{base}/api/clients/lookup?phone={}",
                            rodnik_tests::enc(phone)
                        ))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    if ok {
                        out.push(t.elapsed().as_micros() as u64);
                    }
                }
                out
            })
        })
        .collect();
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    all.sort_unstable();
    all
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench login: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let a = args()?;
    let opts = Options {
        memtable_bytes: None,
        io_pressure: false,
        verbose: false,
        ..Options::ci(a.server.clone())
    };
    std::fs::create_dir_all(&opts.scratch).map_err(|e| format!("scratch: {e}"))?;
    let db = opts.scratch.join("db");
    let server = crash::start(&opts, &db, opts.scratch.join("server.log")).await?;
    let base = format!("http://{}", server.addr);
    let admin = crash::login(&server.addr).await?;
    let http = reqwest::Client::new();
    let post = |path: &str, token: &str, body: Value| {
        http.post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    post(
        "/api/users",
        &admin,
        json!({ "username": "olga", "password": "password-1", "name": "Olga", "role": "operator" }),
    )
    .await
    .map_err(|e| e.to_string())?;
    let op: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({ "username": "olga", "password": "password-1" }))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let op = op["token"].as_str().ok_or("operator login")?.to_string();
    let mut phones = vec![];
    for i in 0..200 {
        let phone = format!("+7916{:07}", 1_000_000 + i);
        post(
            "/api/clients",
            &op,
            json!({ "kind": "individual", "name": format!("Client {i}"), "phones": [phone],
                    "addresses": [{ "text": format!("Lenina {i}") }] }),
        )
        .await
        .map_err(|e| e.to_string())?;
        phones.push(phone);
    }
    // Live sockets stay open through both phases.
    let ws_base = base.replace("http://", "ws://");
    let mut sockets = vec![];
    for _ in 0..a.sockets {
        let (ws, _) = tokio_tungstenite::connect_async(format!("{ws_base}/api/live?token={op}"))
            .await
            .map_err(|e| format!("live socket: {e}"))?;
        sockets.push(ws);
    }
    // Warm up, then the idle phase.
    lookups(&base, &op, &phones, a.readers, 2).await;
    let idle = lookups(&base, &op, &phones, a.readers, a.seconds).await;

    // The flood.
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, throttled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let flood: Vec<_> = (0..a.attackers)
        .map(|n| {
            let (base, stop) = (base.clone(), stop.clone());
            let (answered, throttled) = (answered.clone(), throttled.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let r = http
                        .post(format!("{base}/api/auth/login"))
                        .header("X-Forwarded-For", format!("10.{}.{}.{}", n / 250, n % 250, i % 250))
                        .json(&json!({ "username": format!("guess-{n}-{i}"), "password": "wrong-password" }))
                        .send()
                        .await;
                    match r.map(|r| r.status().as_u16()) {
                        Ok(429) => {
                            throttled.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) => {
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = answered.load(Ordering::Relaxed);
    let started = Instant::now();
    let loaded = lookups(&base, &op, &phones, a.readers, a.seconds).await;
    let logins =
        (answered.load(Ordering::Relaxed) - before) as f64 / started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for f in flood {
        let _ = f.await;
    }
    drop(sockets);
    drop(server);
    let _ = std::fs::remove_dir_all(&opts.scratch);

    let (i50, i99) = (pct(&idle, 0.5), pct(&idle, 0.99));
    let (l50, l99) = (pct(&loaded, 0.5), pct(&loaded, 0.99));
    println!(
        "lookups alone:            {} requests, p50 {i50:.2} ms, p99 {i99:.2} ms",
        idle.len()
    );
    println!(
        "lookups under {} wrong-password logins: {} requests, p50 {l50:.2} ms, p99 {l99:.2} ms",
        a.attackers,
        loaded.len()
    );
    println!("p99 loaded / idle: {:.2} (target: at most 2)", l99 / i99);
    println!(
        "wrong-password logins answered: {logins:.0}/s (401), throttled (429): {}",
        throttled.load(Ordering::Relaxed)
    );
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    Ok(())
}
