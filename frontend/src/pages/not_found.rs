//! Any path the router does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::state::use_app;

#[function_component]
pub fn NotFound() -> Html {
    let t = use_app().lang.t();
    html! {
        <section class="card narrow">
            <p>{ t.not_found }</p>
            <Link<Route> to={Route::Today}>{ t.today }</Link<Route>>
        </section>
    }
}
