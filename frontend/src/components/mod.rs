//! Small views shared by the pages.

pub mod account;
pub mod admin;
pub mod board;
pub mod bottles;
pub mod client_card;
pub mod client_edit;
pub mod client_search;
pub mod contract_form;
pub mod courier;
pub mod dial;
pub mod documents;
pub mod header;
pub mod lang_switch;
pub mod live_status;
pub mod map_picker;
pub mod new_client_form;
pub mod notify;
pub mod order_form;
pub mod orders_table;
pub mod planning;
pub mod receipts;
pub mod recording;
pub mod rentals;
pub mod reports;
pub mod standing;

pub use client_card::ClientCardView;
pub use client_search::ClientSearch;
pub use header::Header;
pub use lang_switch::LangSwitch;
pub use live_status::LiveIndicator;
pub use new_client_form::NewClientForm;
pub use order_form::OrderForm;
pub use orders_table::OrdersTable;
