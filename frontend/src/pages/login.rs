//! Sign-in form: `POST /api/auth/login`; the session goes to the app state
//! (and from there to localStorage).

use rodnik_shared::api::LoginRequest;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::i18n::Texts;
use crate::state::{use_app, AppAction, Session};

/// Kept as a kind rather than text so that switching language re-translates it.
#[derive(Clone, PartialEq)]
enum LoginError {
    WrongCredentials,
    Network,
    Server(String),
}

impl LoginError {
    fn text(&self, t: &Texts) -> String {
        match self {
            LoginError::WrongCredentials => t.wrong_credentials.to_string(),
            LoginError::Network => t.network_error.to_string(),
            LoginError::Server(m) => m.clone(),
        }
    }
}

#[function_component]
pub fn Login() -> Html {
    let app = use_app();
    let t = app.lang.t();
    let username = use_node_ref();
    let password = use_node_ref();
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<LoginError>);

    let onsubmit = {
        let (app, username, password) = (app.clone(), username.clone(), password.clone());
        let (busy, error) = (busy.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let req = LoginRequest {
                username: value(&username).trim().to_string(),
                password: value(&password),
            };
            busy.set(true);
            error.set(None);
            let (app, busy, error, password) =
                (app.clone(), busy.clone(), error.clone(), password.clone());
            spawn_local(async move {
                match Api::anonymous().login(&req).await {
                    Ok(r) => app.dispatch(AppAction::LoggedIn(Session {
                        token: r.token,
                        user: r.user,
                    })),
                    Err(e) => {
                        error.set(Some(match e {
                            ApiError::Unauthorized => LoginError::WrongCredentials,
                            ApiError::Network(_) => LoginError::Network,
                            ApiError::Api { message, .. } => LoginError::Server(message),
                            ApiError::Decode(m) => LoginError::Server(m),
                        }));
                        if let Some(i) = password.cast::<HtmlInputElement>() {
                            i.set_value("");
                            let _ = i.focus();
                        }
                    }
                }
                busy.set(false);
            });
        })
    };

    html! {
        <section class="login">
            <form id="login-form" class="card login-card" {onsubmit}>
                <h1>{ t.login_title }</h1>
                <label for="login-username">{ t.username }</label>
                <input id="login-username" name="username" type="text" autocomplete="username"
                    required=true autofocus=true ref={username} disabled={*busy} />
                <label for="login-password">{ t.password }</label>
                <input id="login-password" name="password" type="password"
                    autocomplete="current-password" required=true ref={password} disabled={*busy} />
                if let Some(e) = &*error {
                    <p id="login-error" class="form-error" role="alert">{ e.text(t) }</p>
                }
                <button id="login-submit" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.signing_in } else { t.sign_in } }
                </button>
            </form>
        </section>
    }
}
