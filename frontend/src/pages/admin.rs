//! The admin screen.

use yew::prelude::*;

use crate::i18n::admin::texts;
use crate::state::use_app;

#[function_component]
pub fn Admin() -> Html {
    let app = use_app();
    let t = texts(app.lang);
    html! {
        <section id="admin" class="admin">
            <h1>{ t.title }</h1>
        </section>
    }
}
