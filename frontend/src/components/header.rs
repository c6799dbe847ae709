//! The top bar: brand, the signed-in user with a logout button, the language switch.

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::LangSwitch;
use crate::api::Api;
use crate::app::Route;
use crate::i18n::admin::texts as admin_texts;
use crate::i18n::board::texts as board_texts;
use crate::i18n::role_label;
use crate::state::{use_app, AppAction};

#[function_component]
pub fn Header() -> Html {
    let app = use_app();
    let t = app.lang.t();
    let board_t = board_texts(app.lang);
    let admin_t = admin_texts(app.lang);
    let route = use_route::<Route>();
    // The wallboard is a full screen of its own.
    if route == Some(Route::Wallboard) {
        return html! {};
    }
    let nav = app.session.as_ref().map(|s| {
        let link = |to: Route, id: &'static str, text: &'static str| {
            let current = route.as_ref() == Some(&to);
            html! {
                <Link<Route> to={to} classes={classes!("nav-link", current.then_some("current"))}>
                    <span id={id}>{ text }</span>
                </Link<Route>>
            }
        };
        html! {
            <nav class="nav">
                if s.user.role.is_operator_or_up() {
                    { link(Route::Console, "nav-console", t.console) }
                    { link(Route::Board, "nav-board", board_t.nav) }
                    { link(Route::Calls, "nav-calls", crate::i18n::reports::calls_texts(app.lang).nav) }
                    { link(Route::Notifications, "nav-notifications", crate::i18n::notify::texts(app.lang).nav) }
                }
                if s.user.role == rodnik_shared::Role::Courier {
                    { link(Route::Courier, "nav-courier", crate::i18n::courier::texts(app.lang).nav) }
                } else {
                    { link(Route::Today, "nav-today", t.today) }
                }
                if s.user.role.is_manager_or_up() {
                    { link(Route::Reports, "nav-reports", crate::i18n::reports::texts(app.lang).nav) }
                    { link(Route::Documents, "nav-documents", crate::i18n::documents::texts(app.lang).nav) }
                    { link(Route::Admin, "nav-admin", admin_t.nav) }
                }
            </nav>
        }
    });
    html! {
        <header class="topbar">
            <Brand />
            { for nav }
            <div class="topbar-right">
                <UserBox><super::dial::MyExtension /></UserBox>
                <LangSwitch />
            </div>
        </header>
    }
}

/// The logo and the app's name.
#[function_component]
pub fn Brand() -> Html {
    let t = use_app().lang.t();
    html! {
        <div class="brand">
            <span class="logo" aria-hidden="true"></span>
            <span class="brand-name">{ t.app_name }</span>
            <span class="brand-tagline">{ t.app_tagline }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct UserBoxProps {
    /// Shown before the logout button (the console's extension field).
    #[prop_or_default]
    pub children: Html,
}

/// The signed-in user with the logout button (nothing when signed out).
#[function_component]
pub fn UserBox(p: &UserBoxProps) -> Html {
    let app = use_app();
    let t = app.lang.t();
    let Some(s) = app.session.as_ref() else {
        return html! {};
    };
    let onclick = {
        let app = app.clone();
        let token = s.token.clone();
        let drafts = format!("rodnik.console.{}", s.user.id);
        Callback::from(move |_: MouseEvent| {
            // Logging out on purpose leaves nothing typed behind on a
            // shared office PC (an expired session keeps the drafts).
            <gloo_storage::SessionStorage as gloo_storage::Storage>::delete(&drafts);
            let token = token.clone();
            // The token is dropped here at once; telling the server is best effort.
            spawn_local(async move {
                let _ = Api::with_token(&token).logout().await;
            });
            app.dispatch(AppAction::LoggedOut);
        })
    };
    html! {
        <div class="user">
            <span id="user-name" class="user-name" title={role_label(app.lang, s.user.role)}>{ s.user.name.clone() }</span>
            <span class="user-role">{ role_label(app.lang, s.user.role) }</span>
            { p.children.clone() }
            <button id="logout" type="button" class="btn btn-ghost" {onclick}>{ t.logout }</button>
        </div>
    }
}
