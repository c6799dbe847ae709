//! Route planning in the web app (issue 21): the planning settings
//! (Administration → Маршруты), optimising the board's day with its
//! progress, preview and map, the order form's delivery windows, and the
//! expected arrivals' refresh.

pub mod etas;
mod optimise;
mod route_map;
mod settings;
mod slots;

pub use optimise::OptimiseDialog;
pub use route_map::RouteMap;
pub use settings::PlanningSettingsPanel;
pub use slots::SlotsPanel;
