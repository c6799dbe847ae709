//! One module per screen.

pub mod console;
pub mod login;
pub mod not_found;
pub mod today;

pub use console::Console;
pub use login::Login;
pub use not_found::NotFound;
pub use today::Today;
