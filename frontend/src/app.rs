//! The root: app state (session, language) as context, the router, and the
//! guard that sends a visitor without a session to the login page.

use gloo_timers::callback::Interval;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{session, Api, ApiError};
use crate::components::Header;
use crate::i18n::Lang;
use crate::pages::{Admin, Board, Console, Login, NotFound, Today, Wallboard};
use crate::pages::{CallLists, Documents, NotifyLog, Reports};
use crate::state::{use_app, AppAction, AppHandle, AppState};

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Today,
    #[at("/console")]
    Console,
    #[at("/board")]
    Board,
    #[at("/admin")]
    Admin,
    /// The courier app: today's route (the PWA manifest's `start_url`).
    #[at("/courier")]
    Courier,
    /// A big screen: by a read-only link's key, or a manager's session.
    #[at("/wallboard")]
    Wallboard,
    /// The managers' reports.
    #[at("/reports")]
    Reports,
    /// Month-end documents: closing a month, invoices, acts (managers and up).
    #[at("/documents")]
    Documents,
    /// Call lists for operators (made from the lost clients report).
    #[at("/calls")]
    Calls,
    /// The send log of client notifications (operators and up).
    #[at("/notifications")]
    Notifications,
    #[at("/login")]
    Login,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// How often the server's today is asked again (a page left open overnight).
const CALENDAR_REFRESH_MS: u32 = 10 * 60 * 1000;

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(AppState::restore);
    use_effect_with((), |_| {
        crate::components::courier::register_service_worker("/sw.js", None)
    });
    use_session_upkeep(&state);

    html! {
        <ContextProvider<AppHandle> context={state}>
            <BrowserRouter>
                <Header />
                <main class="page">
                    <Switch<Route> render={|route| html! { <Guarded {route} /> }} />
                </main>
            </BrowserRouter>
        </ContextProvider<AppHandle>>
    }
}

/// What both apps do with the session: keep it (and the language) in
/// localStorage, end it on any 401, check a stored token once and ask the
/// server's calendar again now and then.
#[hook]
pub fn use_session_upkeep(state: &AppHandle) {
    use_effect_with((**state).clone(), |s| {
        s.persist();
        show_language(s.lang);
    });

    // Every 401 to this session's requests ends it, here and nowhere else.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            session::on_expired(Some(Callback::from(move |token| {
                dispatcher.dispatch(AppAction::Expired(token))
            })));
            || session::on_expired(None)
        });
    }

    // A stored token may have been logged out elsewhere: check it once per
    // token, and ask again now and then for the server's today.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.token().map(str::to_string), move |token| {
            let refresh = token.clone().map(|token| {
                let ask = move || {
                    let (dispatcher, token) = (dispatcher.clone(), token.clone());
                    spawn_local(async move {
                        match Api::with_token(&token).me().await {
                            Ok(me) => dispatcher.dispatch(AppAction::MeRefreshed(me)),
                            Err(ApiError::Unauthorized) => {}
                            Err(_) => dispatcher
                                .dispatch(AppAction::CalendarUnavailable(crate::clock::today())),
                        }
                    });
                };
                ask();
                Interval::new(CALENDAR_REFRESH_MS, ask)
            });
            move || drop(refresh)
        });
    }
    // Dates and times on every screen follow the server's calendar.
    crate::clock::set_calendar(state.calendar.as_ref());
}

#[derive(Properties, PartialEq)]
struct GuardedProps {
    route: Route,
}

#[function_component]
fn Guarded(p: &GuardedProps) -> Html {
    let app = use_app();
    let signed_in = app.session.is_some();
    let operator = app
        .session
        .as_ref()
        .is_some_and(|s| s.user.role.is_operator_or_up());
    let manager = app
        .session
        .as_ref()
        .is_some_and(|s| s.user.role.is_manager_or_up());
    let courier = app
        .session
        .as_ref()
        .is_some_and(|s| s.user.role == rodnik_shared::Role::Courier);
    // A signed-in page counts days in the company's zone: it waits for the
    // server's calendar (kept from the last visit, so only a first sign-in waits).
    let waiting = signed_in && app.calendar.is_none();
    match (&p.route, signed_in) {
        (Route::Wallboard, _) => html! { <Wallboard /> },
        (Route::NotFound, _) => html! { <NotFound /> },
        _ if waiting => {
            html! { <p class="loading" id="calendar-wait">{ app.lang.t().loading }</p> }
        }
        // Couriers live on their route.
        (Route::Today | Route::Login, true) if courier => {
            html! { <Redirect<Route> to={Route::Courier} /> }
        }
        // The courier app is a build of its own, served at /courier.
        (Route::Courier, true) if courier => html! { <CourierHandoff /> },
        (Route::Courier, true) => html! { <Redirect<Route> to={Route::Today} /> },
        (Route::Courier, false) => html! { <Redirect<Route> to={Route::Login} /> },
        (Route::Reports, true) if manager => html! { <Reports /> },
        (Route::Documents, true) if manager => html! { <Documents /> },
        (Route::Calls, true) if operator => html! { <CallLists /> },
        (Route::Notifications, true) if operator => html! { <NotifyLog /> },
        (Route::Reports | Route::Documents | Route::Calls | Route::Notifications, true) => {
            html! { <Redirect<Route> to={Route::Today} /> }
        }
        (Route::Reports | Route::Documents | Route::Calls | Route::Notifications, false) => {
            html! { <Redirect<Route> to={Route::Login} /> }
        }
        (Route::Today, true) => html! { <Today /> },
        (Route::Console, true) if operator => html! { <Console /> },
        (Route::Board, true) if operator => html! { <Board /> },
        (Route::Admin, true) if manager => html! { <Admin /> },
        (Route::Console | Route::Board | Route::Admin, true) => {
            html! { <Redirect<Route> to={Route::Today} /> }
        }
        (Route::Today | Route::Console | Route::Board | Route::Admin, false) => {
            html! { <Redirect<Route> to={Route::Login} /> }
        }
        (Route::Login, false) => html! { <Login /> },
        // Operators live in the console; everyone else starts on Today.
        (Route::Login, true) if operator => html! { <Redirect<Route> to={Route::Console} /> },
        (Route::Login, true) => html! { <Redirect<Route> to={Route::Today} /> },
    }
}

/// Loads `/courier` (the courier build) in place of this page: a courier who
/// signed in here, or followed a link of this app to the route.
/// The path this page was loaded at (before the router moved it): set once
/// at start-up (`lib.rs`).
static LOADED_AT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn remember_loaded_path() {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let _ = LOADED_AT.set(path);
}

/// Loaded at /courier itself, this console page means the server has no
/// courier build: said so rather than loading the same page again and again.
#[function_component]
fn CourierHandoff() -> Html {
    let app = use_app();
    let lang = app.lang;
    let location = web_sys::window().map(|w| w.location());
    let here = LOADED_AT
        .get()
        .is_some_and(|p| p == COURIER_URL || p.starts_with("/courier/"));
    // The session is stored before the page goes: this effect runs before
    // the app's own, which keeps it.
    use_effect_with(here, move |here| {
        app.persist();
        if let (false, Some(l)) = (*here, location) {
            let _ = l.replace(COURIER_URL);
        }
    });
    if here {
        let text = match lang {
            Lang::En => "The courier app is not installed on this server: ask the administrator to build it (cargo xtask frontend).",
            Lang::Ru => "Приложение курьера не установлено на этом сервере: попросите администратора собрать его (cargo xtask frontend).",
        };
        return html! { <p class="form-error" id="courier-missing" role="alert">{ text }</p> };
    }
    html! { <p class="loading" id="courier-handoff">{ lang.t().loading }</p> }
}

/// Where the courier app is served (its own build, `frontend/courier/`).
pub const COURIER_URL: &str = "/courier";

/// `<html lang>` and the tab title follow the chosen language.
pub fn show_language(lang: Lang) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
        doc.set_title(lang.t().app_name);
    }
}
