//! Rodnik's dispatcher console: a Yew single-page app served by `rodnik serve`
//! from the Trunk build in `frontend/dist` (see docs/frontend.md).

mod api;
mod app;
mod clock;
mod components;
mod i18n;
mod money;
mod pages;
mod state;

fn main() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    yew::Renderer::<app::App>::new().render();
}
