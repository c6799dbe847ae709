//! Rodnik's web apps: one crate, two Trunk builds. The dispatcher console
//! (`src/main.rs`: every screen, served at `/`) and the courier app
//! (`src/bin/courier.rs`: the route, the close forms and sign-in, served at
//! `/courier`). Each binary links only what its root component reaches, so
//! the courier's phone downloads a fraction of the console (see
//! docs/frontend.md, "Two builds").

mod api;
mod app;
mod clock;
mod components;
mod courier_app;
mod i18n;
mod money;
mod pages;
mod state;

/// Starts the dispatcher console (every screen but the courier's route).
pub fn run_dispatcher() {
    drop_boot_screen();
    app::remember_loaded_path();
    yew::Renderer::<app::App>::new().render();
}

/// Starts the courier app alone.
pub fn run_courier() {
    drop_boot_screen();
    yew::Renderer::<courier_app::CourierApp>::new().render();
}

/// The page's "loading" placeholder (index.html) goes once the wasm runs.
fn drop_boot_screen() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}
