//! The board screen.

use yew::prelude::*;

use crate::i18n::board::texts;
use crate::state::use_app;

#[function_component]
pub fn Board() -> Html {
    let app = use_app();
    let t = texts(app.lang);
    html! {
        <section id="board" class="board">
            <h1>{ t.title }</h1>
        </section>
    }
}
