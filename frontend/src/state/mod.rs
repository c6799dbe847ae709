//! Reducers: the whole app's state (session, language) and the Today page's orders.

pub mod app;
pub mod orders;

pub use app::{use_app, AppAction, AppHandle, AppState, Session};
pub use orders::{OrdersAction, OrdersState};
