//! What the people who run Rodnik watch: request latency per route, the live
//! channel, transaction conflicts, backups. One registry per process (the
//! counters are bumped from the store, the live hub and the HTTP layer, none
//! of which hold the app state); `render` writes the Prometheus text format
//! (0.0.4) that `GET /metrics` serves (http/metrics.rs).

use std::sync::atomic::AtomicU64;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// `Content-Type` of what `render` writes.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    /// The route's pattern (`/api/orders/{id}`), never the raw path: one
    /// series per route, not per order.
    pub route: String,
    /// `2xx`, `4xx`, ...
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabels {
    pub result: &'static str,
}

pub struct Metrics {
    registry: Registry,
    http: Family<HttpLabels, Histogram, fn() -> Histogram>,
    pub live_sockets: Gauge,
    pub connections: Gauge,
    pub connections_refused: Counter,
    pub reports_computed: Counter,
    pub reports_shared: Counter,
    pub reports_refused: Counter,
    pub live_dropped: Counter,
    live_resyncs: Family<ReasonLabels, Counter>,
    pub tx_conflicts: Counter,
    pub tx_retries: Counter,
    pub tx_gave_up: Counter,
    backups: Family<ResultLabels, Counter>,
    backup_last_ok: Gauge<f64, AtomicU64>,
    backup_age: Gauge<f64, AtomicU64>,
}

/// 1 ms .. ~16 s: a lookup is a millisecond, a year-long report a few seconds.
fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0,
    ])
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("rodnik");
        let m = Metrics {
            http: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            live_sockets: Gauge::default(),
            connections: Gauge::default(),
            connections_refused: Counter::default(),
            reports_computed: Counter::default(),
            reports_shared: Counter::default(),
            reports_refused: Counter::default(),
            live_dropped: Counter::default(),
            live_resyncs: Family::default(),
            tx_conflicts: Counter::default(),
            tx_retries: Counter::default(),
            tx_gave_up: Counter::default(),
            backups: Family::default(),
            backup_last_ok: Gauge::default(),
            backup_age: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route pattern and status class",
            m.http.clone(),
        );
        registry.register(
            "live_sockets",
            "Live-channel WebSockets open now",
            m.live_sockets.clone(),
        );
        registry.register(
            "http_connections",
            "HTTP connections open now (live sockets included)",
            m.connections.clone(),
        );
        registry.register(
            "http_connections_refused",
            "Connections closed at once because their address had too many open",
            m.connections_refused.clone(),
        );
        registry.register(
            "heavy_reports_computed",
            "Whole-table reports (lost clients as of a past date, month by month) computed",
            m.reports_computed.clone(),
        );
        registry.register(
            "heavy_reports_shared",
            "Whole-table report requests answered with a computation that began after they arrived",
            m.reports_shared.clone(),
        );
        registry.register(
            "heavy_reports_refused",
            "Whole-table report requests answered 503 busy because the queue was full",
            m.reports_refused.clone(),
        );
        registry.register(
            "live_dropped_messages",
            "Live messages dropped because a socket's queue was full (the socket gets a resync)",
            m.live_dropped.clone(),
        );
        registry.register(
            "live_resyncs",
            "Resyncs sent to live sockets, by cause: hub (a LIVE query gap), lagged (the socket fell behind the hub), queue_full (its own queue overflowed)",
            m.live_resyncs.clone(),
        );
        registry.register(
            "tx_conflicts",
            "Database transactions that failed on a conflict (each attempt)",
            m.tx_conflicts.clone(),
        );
        registry.register(
            "tx_retries",
            "Conflicting transactions tried again",
            m.tx_retries.clone(),
        );
        registry.register(
            "tx_retries_exhausted",
            "Transactions still conflicting after every retry (the client got 409 retry)",
            m.tx_gave_up.clone(),
        );
        registry.register(
            "backups",
            "Backups written by this process, by result (ok, failed)",
            m.backups.clone(),
        );
        registry.register(
            "backup_last_success_timestamp_seconds",
            "Unix time of the newest complete backup (this process's, or the newest file in --backup-dir at start); 0 if none",
            m.backup_last_ok.clone(),
        );
        registry.register(
            "backup_age_seconds",
            "Seconds since the newest complete backup; -1 if there is none",
            m.backup_age.clone(),
        );
        Metrics { registry, ..m }
    }

    pub fn observe_request(&self, labels: HttpLabels, took: Duration) {
        self.http.get_or_create(&labels).observe(took.as_secs_f64());
    }

    pub fn live_resync(&self, reason: &'static str) {
        self.live_resyncs
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    pub fn backup_done(&self, ok: bool) {
        let result = if ok { "ok" } else { "failed" };
        self.backups.get_or_create(&ResultLabels { result }).inc();
    }

    /// Records a complete backup made at `at`; an older one than the newest
    /// known does not move the time back.
    pub fn backup_at(&self, at: SystemTime) {
        let secs = at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        if secs > self.backup_last_ok.get() {
            self.backup_last_ok.set(secs);
        }
    }

    /// Seconds since the newest complete backup, if any.
    pub fn backup_age(&self) -> Option<f64> {
        let last = self.backup_last_ok.get();
        (last > 0.0).then(|| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(last);
            (now - last).max(0.0)
        })
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> String {
        self.backup_age.set(self.backup_age().unwrap_or(-1.0));
        let mut out = String::new();
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            tracing::error!(error = %e, "encoding the metrics");
        }
        out
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_has_prefixed_names_and_histogram_buckets() {
        let m = Metrics::new();
        m.observe_request(
            HttpLabels {
                method: "GET".into(),
                route: "/api/orders/{id}".into(),
                status: "2xx".into(),
            },
            Duration::from_millis(3),
        );
        m.tx_conflicts.inc();
        let text = m.render();
        assert!(
            text.contains("rodnik_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/orders/{id}\",status=\"2xx\",le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(text.contains("rodnik_tx_conflicts_total 1"), "{text}");
        assert!(text.contains("rodnik_backup_age_seconds -1"), "{text}");
        m.backup_at(SystemTime::now() - Duration::from_secs(100));
        let age = m.backup_age().unwrap_or(0.0);
        assert!((99.0..200.0).contains(&age), "{age}");
    }
}
