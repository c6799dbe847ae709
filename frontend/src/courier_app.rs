//! The courier app's root (the `courier` build, served at `/courier`): the
//! session kept as in the console, the courier's own top bar, and the route.
//! A visitor without a session signs in here, without loading the console;
//! anyone but a courier is sent to the console.

use rodnik_shared::Role;
use yew::prelude::*;

use crate::app::use_session_upkeep;
use crate::components::courier::{register_service_worker, CourierHeader};
use crate::pages::{Courier, Login};
use crate::state::{use_app, AppHandle, AppState};

#[function_component]
pub fn CourierApp() -> Html {
    let state = use_reducer(AppState::restore);
    use_effect_with((), |_| {
        register_service_worker("/courier/sw.js", Some(crate::app::COURIER_URL))
    });
    use_session_upkeep(&state);
    html! {
        <ContextProvider<AppHandle> context={state}>
            <CourierHeader />
            <main class="page">
                <Gate />
            </main>
        </ContextProvider<AppHandle>>
    }
}

#[function_component]
fn Gate() -> Html {
    let app = use_app();
    let t = app.lang.t();
    match app.session.as_ref().map(|s| s.user.role) {
        None => html! { <Login /> },
        Some(Role::Courier) if app.calendar.is_none() => {
            html! { <p class="loading" id="calendar-wait">{ t.loading }</p> }
        }
        Some(Role::Courier) => html! { <Courier /> },
        Some(_) => html! { <ConsoleHandoff /> },
    }
}

/// Someone else's session: the console is theirs (a page load of `/`).
/// The session is stored first: this effect runs before the app's own,
/// which keeps it, and the page may be gone before that one runs.
#[function_component]
fn ConsoleHandoff() -> Html {
    let app = use_app();
    let t = app.lang.t();
    use_effect_with((), move |_| {
        app.persist();
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace("/");
        }
    });
    html! { <p class="loading" id="console-handoff">{ t.loading }</p> }
}
