//! Route planning in the web app (issue 21): the planning settings
//! (Administration → Маршруты), optimising the board's day with its
//! progress, preview and map, the order form's delivery windows, and the
//! expected arrivals' refresh.

mod route_map;
mod slots;

pub use route_map::RouteMap;
pub use slots::SlotsPanel;
