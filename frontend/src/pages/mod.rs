//! One module per screen.

pub mod admin;
pub mod board;
pub mod console;
pub mod login;
pub mod not_found;
pub mod today;
pub mod wallboard;

pub use admin::Admin;
pub use board::Board;
pub use console::Console;
pub use login::Login;
pub use not_found::NotFound;
pub use today::Today;
pub use wallboard::Wallboard;
