//! Couriers' days read lately, kept in memory until any order changes.
//!
//! A courier's route is read far more often than it changes (the courier app
//! on every open and resync, the dispatch board), and each read of a
//! 90-stop day is ~190 KB decoded from the database (6 ms at the median on
//! 3M orders). Any order written through this process empties the cache
//! before the write returns (read-your-writes), and every order change that
//! reaches the live feed (this node's or another's) empties it again. A read
//! that overlapped a change is not kept (a generation counter), so a stale
//! day never outlives the change that made it stale on this node, and on
//! another node only until the live feed brings the change (milliseconds).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rodnik_shared::api::Order;

/// Days kept at most (then the cache starts over): a bound, not a size.
const MAX_DAYS: usize = 1_000;

type Day = (String, String);

#[derive(Default)]
pub struct RouteCache {
    generation: AtomicU64,
    days: Mutex<HashMap<Day, Arc<Vec<Order>>>>,
}

impl RouteCache {
    /// Drops every day: call for any order change.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut days) = self.days.lock() {
            days.clear();
        }
    }

    /// The day if kept; otherwise the generation to hand to [`Self::put`].
    pub fn get(&self, courier_id: &str, date: &str) -> Result<Arc<Vec<Order>>, u64> {
        let generation = self.generation.load(Ordering::SeqCst);
        let kept = self.days.lock().ok().and_then(|days| {
            days.get(&(courier_id.to_string(), date.to_string()))
                .cloned()
        });
        kept.ok_or(generation)
    }

    /// Keeps a day read at `generation`, unless an order changed meanwhile.
    pub fn put(&self, generation: u64, courier_id: &str, date: &str, stops: Arc<Vec<Order>>) {
        let Ok(mut days) = self.days.lock() else {
            return;
        };
        // Checked under the lock `clear` takes after bumping the counter.
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if days.len() >= MAX_DAYS {
            days.clear();
        }
        days.insert((courier_id.to_string(), date.to_string()), stops);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_overlapped_a_change_is_not_kept() {
        let c = RouteCache::default();
        let g = c.get("c1", "2026-11-27").expect_err("empty");
        c.clear();
        c.put(g, "c1", "2026-11-27", Arc::new(vec![]));
        assert!(c.get("c1", "2026-11-27").is_err(), "stale read kept");
        let g = c.get("c1", "2026-11-27").expect_err("empty");
        c.put(g, "c1", "2026-11-27", Arc::new(vec![]));
        assert!(c.get("c1", "2026-11-27").is_ok(), "fresh read kept");
        c.clear();
        assert!(c.get("c1", "2026-11-27").is_err(), "cleared");
    }
}
