//! The queue for reports that read whole tables (lost clients as of a past
//! date, lost clients month by month): they run one at a time, at most
//! `queue` wait behind it and the rest are answered 503 `busy` with
//! `Retry-After`, so ten managers opening them at once cannot take the
//! database and the cores from the operators.
//!
//! Requests for the same report that all arrived before a computation of it
//! started share that computation's answer: it read data at least as new as
//! each of them would have.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// How long a client is told to wait when the queue is full.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

type Answer = Arc<dyn std::any::Any + Send + Sync>;

pub struct Gate {
    running: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
    /// The latest answer per report key, with the instant its computation began.
    latest: Mutex<HashMap<String, (Instant, Answer)>>,
}

/// Counts a request as waiting until it is dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gate {
    /// `running` computations at once, `queue` more waiting.
    pub fn new(running: usize, queue: usize) -> Gate {
        Gate {
            running: Semaphore::new(running.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
            latest: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `compute` for the report `key` in turn, or shares the answer of
    /// a computation that began after this request arrived.
    pub async fn run<T, F, Fut>(&self, key: &str, compute: F) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let arrived = Instant::now();
        if let Some(answer) = self.shared(key, arrived) {
            return Ok(answer);
        }
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let waiting = Waiting(&self.waiting);
        if queued >= self.queue {
            crate::metrics::metrics().reports_refused.inc();
            return Err(Error::Busy(RETRY_AFTER));
        }
        let _permit = self
            .running
            .acquire()
            .await
            .map_err(|_| Error::Internal("report queue closed".into()))?;
        drop(waiting);
        if let Some(answer) = self.shared(key, arrived) {
            crate::metrics::metrics().reports_shared.inc();
            return Ok(answer);
        }
        let began = Instant::now();
        let answer = Arc::new(compute().await?);
        crate::metrics::metrics().reports_computed.inc();
        let mut latest = self.latest.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map small: only answers begun in the last minute matter.
        latest.retain(|_, (at, _)| at.elapsed() < Duration::from_secs(60));
        latest.insert(key.to_string(), (began, answer.clone() as Answer));
        Ok(answer)
    }

    fn shared<T: Send + Sync + 'static>(&self, key: &str, arrived: Instant) -> Option<Arc<T>> {
        let latest = self.latest.lock().unwrap_or_else(|p| p.into_inner());
        let (began, answer) = latest.get(key)?;
        (*began >= arrived)
            .then(|| answer.clone().downcast::<T>().ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_runs_some_wait_the_rest_are_told_to_come_back() {
        let gate = Arc::new(Gate::new(1, 3));
        let computed = Arc::new(AtomicUsize::new(0));
        let mut tasks = vec![];
        for i in 0..10 {
            let (gate, computed) = (gate.clone(), computed.clone());
            tasks.push(tokio::spawn(async move {
                // Distinct reports: nothing to share.
                gate.run(&format!("r{i}"), || async {
                    computed.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Ok(i)
                })
                .await
            }));
            tokio::task::yield_now().await;
        }
        let mut ok = 0;
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(Error::Busy(wait)) => {
                    assert_eq!(wait, RETRY_AFTER);
                    busy += 1
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!((ok, busy), (4, 6), "one running + three queued");
        assert_eq!(computed.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn requests_that_arrived_before_a_computation_share_it() {
        let gate = Arc::new(Gate::new(1, 16));
        let computed = Arc::new(AtomicUsize::new(0));
        let mut tasks = vec![];
        for _ in 0..10 {
            let (gate, computed) = (gate.clone(), computed.clone());
            tasks.push(tokio::spawn(async move {
                gate.run("same", || async {
                    let n = computed.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok(n)
                })
                .await
            }));
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        // The first, then one for all who arrived while it ran.
        assert_eq!(computed.load(Ordering::SeqCst), 2);
        // A request after both is computed afresh: never an older answer.
        let n = gate
            .run("same", || async {
                Ok(computed.fetch_add(1, Ordering::SeqCst))
            })
            .await
            .unwrap();
        assert_eq!(*n, 2);
    }
}
