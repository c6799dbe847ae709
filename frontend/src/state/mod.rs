//! Reducers: the whole app's state (session, language), the Today page's
//! orders, the operator console (call, client, drafts), the board, the
//! courier app, the wallboard and the administration panels.

pub mod account;
pub mod admin;
pub mod app;
pub mod board;
pub mod client_edit;
pub mod console;
pub mod courier;
pub mod documents;
pub mod history;
pub mod money;
pub mod notify;
pub mod orders;
pub mod planning;
pub mod receipts;
pub mod wallboard;

pub use app::{use_app, AppAction, AppHandle, AppState, Session};
pub use orders::{OrdersAction, OrdersState};
