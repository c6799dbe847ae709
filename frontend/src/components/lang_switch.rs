//! The EN/RU button; the choice is remembered with the rest of the app state.

use yew::prelude::*;

use crate::state::{use_app, AppAction};

#[function_component]
pub fn LangSwitch() -> Html {
    let app = use_app();
    let lang = app.lang;
    let onclick = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(AppAction::SetLang(lang.other())))
    };
    html! {
        <button id="lang-switch" type="button" class="btn btn-ghost lang-switch"
            lang={lang.other().code()} title={lang.t().switch_title} {onclick}>
            { lang.t().switch_label }
        </button>
    }
}
