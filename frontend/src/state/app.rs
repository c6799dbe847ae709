//! Who is signed in and which language the UI speaks; kept in localStorage so a
//! reload keeps both.

use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use rodnik_shared::api::{Me, User};
use yew::prelude::*;

use crate::clock::Calendar;
use crate::i18n::Lang;

const TOKEN_KEY: &str = "rodnik.token";
const USER_KEY: &str = "rodnik.user";
const LANG_KEY: &str = "rodnik.lang";
const CALENDAR_KEY: &str = "rodnik.calendar";

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub token: String,
    pub user: User,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub session: Option<Rc<Session>>,
    pub lang: Lang,
    /// The server's today and the company's zone (`GET /api/me`).
    pub calendar: Option<Calendar>,
}

pub enum AppAction {
    LoggedIn(Session),
    /// `/api/me` answered with fresh details of the same session.
    UserRefreshed(User),
    /// `/api/me` answered: the user, and the server's calendar.
    MeRefreshed(Me),
    /// `/api/me` could not be asked and no calendar is known: the browser's
    /// date and zone, the last resort, so the pages do not wait forever.
    CalendarUnavailable(String),
    LoggedOut,
    /// A request with this token got a 401: if it is still the session's,
    /// the session is over (a late answer to an older session's request
    /// does not end a newer one).
    Expired(String),
    SetLang(Lang),
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AppAction::LoggedIn(session) => next.session = Some(Rc::new(session)),
            AppAction::UserRefreshed(user) => {
                let Some(s) = &self.session else { return self };
                if s.user == user {
                    return self;
                }
                next.session = Some(Rc::new(Session {
                    token: s.token.clone(),
                    user,
                }));
            }
            AppAction::MeRefreshed(me) => {
                next.calendar = Some(Calendar {
                    today: me.today,
                    time_zone: me.time_zone,
                });
                if let Some(s) = &self.session {
                    if s.user != me.user {
                        next.session = Some(Rc::new(Session {
                            token: s.token.clone(),
                            user: me.user,
                        }));
                    }
                }
            }
            AppAction::CalendarUnavailable(today) => {
                if self.calendar.is_some() {
                    return self;
                }
                next.calendar = Some(Calendar {
                    today,
                    time_zone: String::new(),
                });
            }
            AppAction::LoggedOut => next.session = None,
            AppAction::Expired(token) => {
                if self.token() == Some(token.as_str()) {
                    next.session = None;
                }
            }
            AppAction::SetLang(lang) => next.lang = lang,
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

impl AppState {
    /// What the last visit left in localStorage; the language otherwise comes
    /// from the browser (`ru*` → Russian).
    pub fn restore() -> AppState {
        let session = match (
            LocalStorage::get::<String>(TOKEN_KEY),
            LocalStorage::get::<User>(USER_KEY),
        ) {
            (Ok(token), Ok(user)) if !token.is_empty() => Some(Rc::new(Session { token, user })),
            _ => None,
        };
        let lang = LocalStorage::get::<String>(LANG_KEY)
            .ok()
            .and_then(|c| Lang::from_code(&c))
            .unwrap_or_else(|| {
                let tag = web_sys::window()
                    .and_then(|w| w.navigator().language())
                    .unwrap_or_default();
                Lang::from_browser(&tag)
            });
        let calendar = LocalStorage::get::<Calendar>(CALENDAR_KEY).ok();
        AppState {
            session,
            lang,
            calendar,
        }
    }

    pub fn persist(&self) {
        match &self.session {
            Some(s) => {
                let _ = LocalStorage::set(TOKEN_KEY, &s.token);
                let _ = LocalStorage::set(USER_KEY, &s.user);
            }
            None => {
                LocalStorage::delete(TOKEN_KEY);
                LocalStorage::delete(USER_KEY);
            }
        }
        let _ = LocalStorage::set(LANG_KEY, self.lang.code());
        if let Some(c) = self.calendar.as_ref().filter(|c| !c.time_zone.is_empty()) {
            let _ = LocalStorage::set(CALENDAR_KEY, c);
        }
    }

    pub fn token(&self) -> Option<&str> {
        self.session.as_deref().map(|s| s.token.as_str())
    }
}

pub type AppHandle = UseReducerHandle<AppState>;

/// The app state provided by `App`; every page sits below it.
#[hook]
pub fn use_app() -> AppHandle {
    use_context::<AppHandle>().expect("AppState context is provided by App")
}
