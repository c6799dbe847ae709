//! `skv-crash drill [--rounds N] [--writers N] [--memtable BYTES] [--fresh-every N] [--dir DIR]`
//!
//! Repeats: start a child (`skv-crash write DIR`) that commits keys from
//! several tasks and prints each key once its commit and the WAL fsync
//! returned (as SurrealDB's `sync=every` grouped commit does: `Durability::
//! Eventual` commit, then `Tree::flush_wal(true)`); kill it with SIGKILL at a
//! varied moment; reopen the folder and read every printed key back. Prints
//! kills, acknowledged keys and lost keys, and exits 1 if any was lost.
//!
//! `skv-crash stall [--seconds N] [--writers N] [--readers N] [--memtable BYTES] [--dir DIR]`
//!
//! Writers commit while readers run range scans, on a tiny memtable so that
//! rotations, flushes and compactions never stop. Exits 1 if the whole tree
//! makes no progress for 10 s: surrealkv 0.21.4 deadlocked here when a scan
//! took its read locks (active, immutables, manifest) while a flush held the
//! manifest and waited for the immutables (patches/surrealkv-0.21.4.md,
//! change 4).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use surrealkv::{Durability, Tree, TreeBuilder};

fn open(dir: &Path, memtable: usize) -> Tree {
    TreeBuilder::new()
        .with_path(dir.to_path_buf())
        .with_max_memtable_size(memtable)
        .build()
        .unwrap_or_else(|e| panic!("open {}: {e}", dir.display()))
}

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn value(key: &str) -> Vec<u8> {
    // 100 B .. 3 KB, derived from the key so the reader can check it.
    let n = 100 + key.bytes().map(usize::from).sum::<usize>() * 37 % 2900;
    key.bytes().cycle().take(n).collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => write(&args).await,
        Some("drill") => drill(&args).await,
        Some("stall") => stall(&args).await,
        _ => {
            eprintln!("usage: skv-crash drill [--rounds N] [--writers N] [--memtable BYTES] [--fresh-every N] [--dir DIR]\n       skv-crash stall [--seconds N] [--writers N] [--readers N] [--memtable BYTES] [--dir DIR]");
            std::process::exit(2)
        }
    }
}

/// The child: commits until killed, one acknowledged key a line on stdout.
async fn write(args: &[String]) {
    let dir = PathBuf::from(arg(args, "--dir", "skv-crash-db"));
    let memtable: usize = arg(args, "--memtable", "262144")
        .parse()
        .expect("--memtable");
    let writers: usize = arg(args, "--writers", "8").parse().expect("--writers");
    let round = arg(args, "--round", "0");
    let tree = Arc::new(open(&dir, memtable));
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let mut tasks = vec![];
    for w in 0..writers {
        let (tree, out, round) = (tree.clone(), out.clone(), round.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0u64.. {
                let key = format!("r{round}-w{w}-{i:08}");
                let mut tx = tree.begin().expect("begin");
                tx.set_durability(Durability::Eventual);
                tx.set(key.as_bytes(), value(&key)).expect("set");
                if tx.commit().await.is_err() {
                    continue;
                }
                tree.flush_wal(true).expect("fsync");
                let mut o = out.lock().unwrap();
                let _ = writeln!(o, "{key}");
                let _ = o.flush();
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

async fn drill(args: &[String]) {
    let rounds: usize = arg(args, "--rounds", "50").parse().expect("--rounds");
    let writers = arg(args, "--writers", "8");
    let memtable = arg(args, "--memtable", "262144");
    let base = PathBuf::from(arg(args, "--dir", "/tmp/skv-crash-db"));
    // A new folder every this many rounds: the first WAL segment (#0) and the
    // first rotations of a database get their kills too.
    let fresh: usize = arg(args, "--fresh-every", "5")
        .parse()
        .expect("--fresh-every");
    let mut dir = base.clone();
    let exe = std::env::current_exe().expect("own path");
    let started = Instant::now();
    let (mut acked_total, mut lost_total) = (0usize, 0usize);
    for round in 0..rounds {
        if round % fresh.max(1) == 0 {
            let _ = std::fs::remove_dir_all(&dir);
            dir = base.join(format!("db-{round}"));
        }
        let mut child = Command::new(&exe)
            .args(["write", "--dir"])
            .arg(&dir)
            .args([
                "--memtable",
                &memtable,
                "--writers",
                &writers,
                "--round",
                &round.to_string(),
            ])
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start writer");
        let stdout = child.stdout.take().expect("stdout");
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let reader = {
            let acked = acked.clone();
            std::thread::spawn(move || {
                // Only whole lines: the kill may cut the last one short.
                let mut r = BufReader::new(stdout);
                let mut line = Vec::new();
                while matches!(r.read_until(b'\n', &mut line), Ok(n) if n > 0) {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                        acked
                            .lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&line).into_owned());
                    }
                    line.clear();
                }
            })
        };
        // Kill at a moment that differs each round: 30 ms .. ~1.2 s of writes.
        let wait = 30 + (round as u64 * 7919) % 1200;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        reader.join().expect("reader");
        let acked = acked.lock().unwrap().clone();
        let tree = open(&dir, memtable.parse().expect("--memtable"));
        let tx = tree.begin().expect("begin");
        let mut lost = vec![];
        let mut seen = HashSet::new();
        for k in &acked {
            if !seen.insert(k) {
                continue;
            }
            match tx.get(k.as_bytes()) {
                Ok(Some(v)) if v == value(k) => {}
                Ok(Some(_)) => lost.push(format!("{k} (changed)")),
                Ok(None) => lost.push(k.clone()),
                Err(e) => lost.push(format!("{k} ({e})")),
            }
        }
        drop(tx);
        tree.close().await.expect("close");
        drop(tree);

        acked_total += seen.len();
        lost_total += lost.len();
        println!(
            "round {round:>4}: killed after {wait:>4} ms, {:>6} acknowledged, {:>3} lost{}",
            seen.len(),
            lost.len(),
            if lost.is_empty() {
                String::new()
            } else {
                format!(": {:?}", &lost[..lost.len().min(5)])
            }
        );
    }
    println!(
        "skv-crash: {rounds} kills, {acked_total} acknowledged commits, {lost_total} lost; {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&base);
    if lost_total > 0 {
        std::process::exit(1);
    }
}

/// Writers and range-scanning readers on one tree; a watchdog fails the run
/// when no operation completes for 10 s (a deadlock: the process is stuck).
async fn stall(args: &[String]) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let seconds: u64 = arg(args, "--seconds", "60").parse().expect("--seconds");
    let writers: usize = arg(args, "--writers", "4").parse().expect("--writers");
    let readers: usize = arg(args, "--readers", "4").parse().expect("--readers");
    let memtable: usize = arg(args, "--memtable", "16384").parse().expect("--memtable");
    let dir = PathBuf::from(arg(args, "--dir", "/tmp/skv-stall-db"));
    let _ = std::fs::remove_dir_all(&dir);
    let tree = Arc::new(open(&dir, memtable));
    let commits = Arc::new(AtomicU64::new(0));
    let scans = Arc::new(AtomicU64::new(0));
    for w in 0..writers {
        let (tree, commits) = (tree.clone(), commits.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                for i in 0u64.. {
                    let key = format!("w{w}-{:06}", i % 5000);
                    let mut tx = tree.begin().expect("begin");
                    tx.set_durability(Durability::Eventual);
                    tx.set(key.as_bytes(), value(&key)).expect("set");
                    if tx.commit().await.is_ok() {
                        commits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        });
    }
    for r in 0..readers {
        let (tree, scans) = (tree.clone(), scans.clone());
        std::thread::spawn(move || {
            use surrealkv::LSMIterator;
            for i in 0u64.. {
                let tx = tree.begin().expect("begin");
                let w = (r as u64 + i) % writers.max(1) as u64;
                let (from, to) = (format!("w{w}-"), format!("w{w}-~"));
                let mut it = tx.range(from.as_bytes(), to.as_bytes()).expect("range");
                let mut ok = it.seek_first().expect("seek");
                let mut n = 0;
                while ok && n < 50 {
                    n += 1;
                    ok = it.next().expect("next");
                }
                scans.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let started = Instant::now();
    let mut last = (0, 0, Instant::now());
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = (commits.load(Ordering::Relaxed), scans.load(Ordering::Relaxed));
        if now != (last.0, last.1) {
            last = (now.0, now.1, Instant::now());
        } else if last.2.elapsed() > Duration::from_secs(10) {
            println!(
                "skv-crash stall: HUNG after {:.1} s: no commit or scan for 10 s ({} commits, {} scans)",
                started.elapsed().as_secs_f64(), now.0, now.1
            );
            std::process::exit(1);
        }
    }
    println!(
        "skv-crash stall: {} commits and {} range scans in {} s, no hang",
        commits.load(Ordering::Relaxed),
        scans.load(Ordering::Relaxed),
        seconds
    );
    std::process::exit(0);
}
