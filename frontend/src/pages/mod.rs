//! One module per screen.

pub mod admin;
pub mod board;
pub mod call_lists;
pub mod console;
pub mod courier;
pub mod documents;
pub mod login;
pub mod not_found;
pub mod notifications;
pub mod reports;
pub mod today;
pub mod wallboard;

pub use admin::Admin;
pub use board::Board;
pub use call_lists::CallLists;
pub use console::Console;
pub use courier::Courier;
pub use documents::Documents;
pub use login::Login;
pub use not_found::NotFound;
pub use notifications::NotifyLog;
pub use reports::Reports;
pub use today::Today;
pub use wallboard::Wallboard;
