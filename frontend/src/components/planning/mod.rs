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

/// A pushpin drawn in SVG (no emoji font needed): a pinned stop's mark.
pub fn pin_icon() -> yew::Html {
    yew::html! {
        <svg class="pin-icon" width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M5 1h6v1.5l-1 1V7l2.5 2.5V11H8.8L8 15l-.8-4H4.5V9.5L7 7V3.5l-1-1z" fill="currentColor" />
        </svg>
    }
}
