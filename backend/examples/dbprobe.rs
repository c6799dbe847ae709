//! Times SurrealQL statements against a database without starting Rodnik or
//! migrating it: `cargo run --release -p rodnik --example dbprobe -- URL 'QUERY' ...`.
//! A developer's tool for checking query shapes at scale (EXPLAIN, timings).
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: dbprobe URL QUERY...")?;
    let db = surrealdb::engine::any::connect(url.as_str()).await?;
    db.use_ns("rodnik").use_db("rodnik").await?;
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2);
    for q in args {
        let mut times = vec![];
        for round in 0..rounds {
            let t = Instant::now();
            let mut res = db.query(q.as_str()).await?;
            let n = res.num_statements();
            let mut shown = String::new();
            for i in 0..n {
                let v: surrealdb::types::Value = res.take(i)?;
                let s = format!("{v:?}");
                let len = s.len();
                shown.push_str(&s.chars().take(600).collect::<String>());
                shown.push_str(&format!(" …[{len} chars]\n"));
            }
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            times.push(ms);
            if round < 2 {
                println!("round {round}: {ms:.2} ms  {q}\n{shown}");
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{} rounds: min {:.3} ms, median {:.3} ms  {q}\n",
            times.len(),
            times[0],
            times[times.len() / 2]
        );
    }
    Ok(())
}
