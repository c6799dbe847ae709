//! The reports screens' parts: SVG bar charts, sortable tables, the date
//! range with presets, the download buttons, and one view per report.

pub mod bottles;
pub mod call_list;
pub mod cash;
pub mod chart;
pub mod deliveries;
pub mod export;
pub mod format;
pub mod grouped;
pub mod lost;
pub mod money;
pub mod orders;
pub mod range;
pub mod reasons;
pub mod rentals;
pub mod rhythm;
pub mod sales;
pub mod table;

pub use bottles::BottlesView;
pub use cash::CashView;
pub use deliveries::DeliveriesView;
pub use export::ExportButtons;
pub use lost::LostView;
pub use money::{MoneyData, MoneyView};
pub use orders::OrdersView;
pub use range::RangePicker;
pub use reasons::ReasonsView;
pub use rentals::{RentalsView, SanitationView};
pub use rhythm::{RhythmKind, RhythmList};
pub use sales::SalesView;
