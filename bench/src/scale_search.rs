//! The scale benchmark's client search rows (`bench_scale`; issue 22): the
//! operator's search box (`GET /api/clients?q=`) with a name fragment, a
//! street and house, and a phone fragment, and the duplicate check of the
//! new-client form (`GET /api/clients/similar`), at 1 and 8 concurrent
//! clients, each against a p99 of 20 ms.
//!
//! What is typed comes from the dataset's own clients (the cards of the
//! benchmark's known clients): the first five letters of a surname, or the
//! surname and the start of the first name; the street's longest word and
//! the house ("Профсоюзная 104"); a phone as "8 916 123", "+7 916 123-45",
//! six digits from its middle or its last four; and for the duplicate check
//! a client's name and address with an unknown number, as an operator
//! registering someone already there would type them. An answer that finds
//! nothing counts as an error: every query is made to find its client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Check, Counts, Ctx, Row, Sample};

/// How many clients' cards the queries are made from.
const SOURCES: usize = 200;
const TARGET: Duration = Duration::from_millis(20);

/// The queries of each row, as paths.
struct Typed {
    name: Vec<String>,
    street: Vec<String>,
    phone: Vec<String>,
    similar: Vec<String>,
}

async fn typed(ctx: &Ctx) -> Result<Typed, String> {
    let mut t = Typed {
        name: vec![],
        street: vec![],
        phone: vec![],
        similar: vec![],
    };
    let enc = rodnik_tests::enc;
    for (i, (id, _)) in ctx.clients.iter().take(SOURCES).enumerate() {
        let card = ctx
            .api
            .get(&format!("/api/clients/{}", enc(id)), &ctx.manager)
            .await?;
        let name = card["name"].as_str().unwrap_or_default();
        let address = card["addresses"][0]["text"].as_str().unwrap_or_default();
        let phone = card["phones"][0].as_str().unwrap_or_default();
        let words: Vec<&str> = name.split_whitespace().collect();
        let search = |q: &str| format!("/api/clients?q={}", enc(q));
        if let Some(first) = words.first() {
            let q = match words.get(1) {
                Some(second) if i % 2 == 1 => {
                    format!("{first} {}", second.chars().take(3).collect::<String>())
                }
                _ => first.chars().take(5).collect(),
            };
            t.name.push(search(&q));
        }
        if let Some(key) = rodnik::store::clients::similar::address_key(address) {
            let street = key.street.iter().max_by_key(|w| w.chars().count());
            if let Some(street) = street {
                t.street.push(search(&format!("{street} {}", key.house)));
            }
        }
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 11 {
            let q = match i % 4 {
                0 => format!("8 {} {}", &digits[1..4], &digits[4..7]),
                1 => format!("+7 {} {}-{}", &digits[1..4], &digits[4..7], &digits[7..9]),
                2 => digits[3..9].to_string(),
                _ => digits[7..].to_string(),
            };
            t.phone.push(search(&q));
        }
        if !name.is_empty() && !address.is_empty() {
            t.similar.push(format!(
                "/api/clients/similar?phone={}&name={}&address={}",
                enc(&format!("+7999{:07}", 1_000_000 + i)),
                enc(name),
                enc(address)
            ));
        }
    }
    if t.name.is_empty() || t.street.is_empty() || t.phone.is_empty() || t.similar.is_empty() {
        return Err("client search: no client card to make queries from".into());
    }
    Ok(t)
}

/// `n` requests over `paths` by `clients` concurrent operators (each in
/// turn), after `warm` unmeasured ones; an empty answer is an error.
async fn run(
    ctx: &Arc<Ctx>,
    paths: &Arc<Vec<String>>,
    clients: usize,
    warm: usize,
    n: usize,
) -> Result<Sample, String> {
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let ctx = ctx.clone();
            let paths = paths.clone();
            tokio::spawn(async move {
                let token = &ctx.operators[c % ctx.operators.len()];
                let mut s = Sample::default();
                let per = n.div_ceil(clients);
                for k in 0..warm + per {
                    let path = &paths[(c * 7919 + k) % paths.len()];
                    let t0 = Instant::now();
                    let r = ctx
                        .api
                        .call_raw(reqwest::Method::GET, path, Some(token), None)
                        .await;
                    let d = t0.elapsed();
                    let r = r.and_then(|body| {
                        let empty = body == b"[]" || body.starts_with(b"{\"matches\":[]");
                        if empty {
                            Err(format!("GET {path}: found nothing"))
                        } else {
                            Ok(())
                        }
                    });
                    if k >= warm {
                        s.record(d, r);
                    }
                }
                s
            })
        })
        .collect();
    let mut s = Sample::default();
    for t in tasks {
        s.merge(t.await.map_err(|e| format!("search task: {e}"))?);
    }
    Ok(s)
}

/// The rows: each query kind at 1 and at 8 clients.
pub(crate) async fn rows(ctx: &Arc<Ctx>, c: &Counts) -> Result<Vec<Row>, String> {
    let started = Instant::now();
    let t = typed(ctx).await?;
    let n = (c.lookups / 4).max(20);
    let warm = (c.lookup_warm / 4).max(2);
    let kinds = [
        ("client search, name fragment", t.name),
        ("client search, street and house", t.street),
        ("client search, phone fragment", t.phone),
        ("duplicate check (name, address, new phone)", t.similar),
    ];
    let mut rows = vec![];
    for (label, paths) in kinds {
        let paths = Arc::new(paths);
        for clients in [1usize, 8] {
            let s = run(ctx, &paths, clients, warm, n).await?;
            let name = format!(
                "{label}, {clients} client{}",
                if clients == 1 { "" } else { "s" }
            );
            rows.push(Row::new(name.clone(), &s, None, vec![Check::P99(TARGET)]));
            s.guard(&name)?;
        }
    }
    eprintln!(
        "bench: client search and duplicate check: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(rows)
}
