//! `GET /metrics`: the Prometheus text format, behind its token, with
//! latency histograms per route pattern and the counters operators watch.

use std::collections::HashMap;

use rodnik::config::Config;
use rodnik_tests::*;
use serde_json::json;

const TOKEN: &str = "metrics-token";

/// One sample line of the text format: name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

/// A reader for the Prometheus text format (0.0.4): `# HELP`/`# TYPE`
/// comments, and `name{label="value",...} number` lines.
fn parse(text: &str) -> (Vec<Sample>, HashMap<String, String>) {
    let mut samples = vec![];
    let mut types = HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            types.insert(name.to_string(), kind.to_string());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series value");
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("number in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect("closing brace");
                let mut labels = HashMap::new();
                // Values here hold no commas or quotes.
                for pair in body.split(',').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').expect("label=value");
                    labels.insert(k.to_string(), v.trim_matches('"').to_string());
                }
                (name.to_string(), labels)
            }
            None => (series.to_string(), HashMap::new()),
        };
        samples.push(Sample {
            name,
            labels,
            value,
        });
    }
    (samples, types)
}

fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .collect()
}

async fn scrape(app: &App, token: Option<&str>) -> Resp {
    let mut req = app.http.get(app.url("/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Resp::read(req).await
}

#[tokio::test]
async fn metrics_have_a_histogram_per_route_pattern_and_need_the_token() {
    let app = spawn_app().await;
    let (client, address) = app.client("ООО Ромашка", "legal", "9123456789").await;
    let product = app.product("W19", "water", 25000, true).await;
    let mut ids = vec![];
    for _ in 0..3 {
        let o = app
            .order(
                &app.admin,
                json!({ "client_id": client, "address_id": address,
                        "lines": [{ "product_id": product, "qty": 1 }],
                        "delivery_date": app.today() }),
            )
            .await;
        app.get(&format!("/api/orders/{}", id_of(&o)), &app.admin)
            .await
            .expect(200);
        ids.push(id_of(&o));
    }
    let mut live = app.live(&app.admin).await;
    let _ = live
        .next_within(std::time::Duration::from_millis(200))
        .await;

    scrape(&app, None).await.error(401);
    scrape(&app, Some("wrong")).await.error(403);
    scrape(&app, Some(&app.admin)).await.error(403);
    let r = scrape(&app, Some(TOKEN)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    let (samples, types) = parse(&r.text);

    assert_eq!(
        types
            .get("rodnik_http_request_duration_seconds")
            .map(String::as_str),
        Some("histogram")
    );
    // The pattern, never the raw path: one series for every order id.
    let route = [
        ("route", "/api/orders/{id}"),
        ("method", "GET"),
        ("status", "2xx"),
    ];
    let count = find(
        &samples,
        "rodnik_http_request_duration_seconds_count",
        &route,
    );
    assert_eq!(count.len(), 1, "{}", r.text);
    assert!(count[0].value >= 3.0, "{count:?}");
    let inf = find(
        &samples,
        "rodnik_http_request_duration_seconds_bucket",
        &[route[0], route[1], route[2], ("le", "+Inf")],
    );
    assert_eq!(inf.len(), 1, "{}", r.text);
    assert_eq!(inf[0].value, count[0].value);
    let buckets = find(
        &samples,
        "rodnik_http_request_duration_seconds_bucket",
        &route,
    );
    assert!(buckets.len() > 5, "{buckets:?}");
    for id in &ids {
        assert!(
            !r.text.contains(id.as_str()),
            "the raw path of {id} is a label"
        );
    }
    let created = find(
        &samples,
        "rodnik_http_request_duration_seconds_count",
        &[
            ("route", "/api/orders"),
            ("method", "POST"),
            ("status", "2xx"),
        ],
    );
    assert!(
        created.first().is_some_and(|s| s.value >= 3.0),
        "{created:?}"
    );

    for name in [
        "rodnik_tx_conflicts_total",
        "rodnik_tx_retries_total",
        "rodnik_tx_retries_exhausted_total",
        "rodnik_live_dropped_messages_total",
        "rodnik_backup_age_seconds",
        "rodnik_backup_last_success_timestamp_seconds",
    ] {
        assert_eq!(
            find(&samples, name, &[]).len(),
            1,
            "{name} missing:\n{}",
            r.text
        );
    }
    assert_eq!(
        types.get("rodnik_tx_conflicts_total").map(String::as_str),
        Some("counter")
    );
    let sockets = find(&samples, "rodnik_live_sockets", &[]);
    assert!(
        sockets.first().is_some_and(|s| s.value >= 1.0),
        "{sockets:?}"
    );
    drop(live);
}

#[tokio::test]
async fn metrics_are_off_without_a_token_and_listed_in_the_openapi_document() {
    let mut cfg = Config::for_tests();
    cfg.metrics_token = None;
    let app = spawn_with(cfg).await;
    scrape(&app, None).await.error(404);
    scrape(&app, Some("metrics-token")).await.error(404);
    let spec = app.get("/api/openapi.json", &app.admin).await.ok();
    assert!(
        spec["paths"]["/metrics"]["get"].is_object(),
        "/metrics not in openapi.json"
    );
    assert!(
        spec["paths"]["/api/backup"]["get"].is_object(),
        "/api/backup not in openapi.json"
    );
}

#[tokio::test]
async fn conflicting_transactions_are_counted() {
    let app = spawn_app().await;
    let before = rodnik::metrics::metrics().tx_conflicts.get();
    let tries = std::sync::atomic::AtomicU32::new(0);
    let r: Result<(), rodnik::error::Error> = app
        .state
        .store
        .retrying(|| async {
            if tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
                Err(rodnik::error::Error::conflict("retry", "a conflict"))
            } else {
                Ok(())
            }
        })
        .await;
    assert!(r.is_ok());
    assert!(rodnik::metrics::metrics().tx_conflicts.get() >= before + 2);
    let r = scrape(&app, Some(TOKEN)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (samples, _) = parse(&r.text);
    let conflicts = find(&samples, "rodnik_tx_conflicts_total", &[]);
    assert!(conflicts[0].value >= 2.0, "{conflicts:?}");
}

#[tokio::test]
async fn readiness_reads_the_database_and_health_does_not() {
    let app = spawn_app().await;
    let r = Resp::read(app.http.get(app.url("/api/ready"))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "ready");
    // A database whose schema is not this version's (an upgrade under way).
    app.state
        .store
        .run(
            "UPDATE meta:schema SET version = 1",
            serde_json::Value::Null,
        )
        .await
        .expect("set back");
    let r = Resp::read(app.http.get(app.url("/api/ready"))).await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(r.body["status"], "not_ready");
    let h = Resp::read(app.http.get(app.url("/api/health"))).await;
    assert_eq!(h.status, 200, "{}", h.text);
}
