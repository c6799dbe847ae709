//! When the expected arrivals are asked again: a moment after what they
//! depend on changed (the day's orders, as the live channel brings them),
//! and every minute (the clock moves them on).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

/// After a change, wait this long (a burst of changes costs one request).
const SETTLE_MS: u32 = 800;
/// And ask at least this often.
pub const EVERY_MS: u32 = 60_000;

/// Runs `refresh` a moment after `key` changes and every minute.
#[hook]
pub fn use_refresh<K: PartialEq + Clone + 'static>(key: K, refresh: Callback<()>) {
    // The interval calls this render's callback, not the first one's.
    let latest: Rc<RefCell<Callback<()>>> = use_mut_ref(Callback::noop);
    *latest.borrow_mut() = refresh.clone();
    use_effect_with(key, move |_| {
        let timer = Timeout::new(SETTLE_MS, move || refresh.emit(()));
        move || drop(timer)
    });
    use_effect_with((), move |_| {
        let every = Interval::new(EVERY_MS, move || latest.borrow().emit(()));
        move || drop(every)
    });
}

/// A cheap signature of orders: any change of one moves its version.
pub fn signature<'a>(orders: impl Iterator<Item = &'a rodnik_shared::api::Order>) -> (usize, i64) {
    orders.fold((0, 0), |(n, v), o| (n + 1, v + o.version))
}
