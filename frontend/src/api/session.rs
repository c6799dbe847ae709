//! The one path from an expired session to the login screen: the client
//! reports a 401 to any request made with a token here, and the app (which
//! registers with `on_expired`) ends that session. Pages never handle it.

use std::cell::RefCell;

use yew::Callback;

thread_local! {
    static ON_EXPIRED: RefCell<Option<Callback<String>>> = const { RefCell::new(None) };
}

/// Who hears that a token stopped working (the app's session; `None` stops).
pub fn on_expired(listener: Option<Callback<String>>) {
    ON_EXPIRED.with(|l| *l.borrow_mut() = listener);
}

/// `token` got a 401. Told after the current task's own handling of the
/// answer (a later tick), so a page finishes what it does with the error
/// (the courier's queue keeps its close) before it is unmounted.
pub(super) fn expired(token: &str) {
    let Some(listener) = ON_EXPIRED.with(|l| l.borrow().clone()) else {
        return;
    };
    let token = token.to_string();
    yew::platform::spawn_local(async move { listener.emit(token) });
}
