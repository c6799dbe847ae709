//! Small views shared by the pages.

pub mod header;
pub mod lang_switch;
pub mod live_status;
pub mod orders_table;

pub use header::Header;
pub use lang_switch::LangSwitch;
pub use live_status::LiveIndicator;
pub use orders_table::OrdersTable;
