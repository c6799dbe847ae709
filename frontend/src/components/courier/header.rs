//! The courier app's top bar: the brand, "Route", the user with the logout
//! button and the language switch (the console's bar without its screens).

use yew::prelude::*;

use crate::components::header::{Brand, UserBox};
use crate::components::LangSwitch;
use crate::i18n::courier::texts;
use crate::state::use_app;

#[function_component]
pub fn CourierHeader() -> Html {
    let app = use_app();
    let nav = app.session.as_ref().map(|_| {
        html! {
            <nav class="nav">
                <a href={crate::app::COURIER_URL} class="nav-link current" aria-current="page">
                    <span id="nav-courier">{ texts(app.lang).nav }</span>
                </a>
            </nav>
        }
    });
    html! {
        <header class="topbar">
            <Brand />
            { for nav }
            <div class="topbar-right">
                <UserBox />
                <LangSwitch />
            </div>
        </header>
    }
}
