//! A small call button for any phone number: click-to-call through the
//! company's PBX (`POST /api/calls/originate`), which rings the operator's own
//! phone first and then the number. The number itself stays a `tel:` link for
//! a softphone on the same computer.

use rodnik_shared::api::OriginateRequest;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{new_idempotency_key, Api};
use crate::i18n::Lang;
use crate::state::app::{AppAction, AppHandle};

#[derive(Properties, PartialEq)]
pub struct DialProps {
    /// As shown and as dialled (E.164).
    pub phone: String,
    #[prop_or_default]
    pub client_id: Option<String>,
    pub lang: Lang,
    /// The button's text instead of "Call" (e.g. "Call back").
    #[prop_or_default]
    pub label: Option<AttrValue>,
    /// The PBX took the call (e.g. to mark a missed call as called back).
    #[prop_or_default]
    pub on_placed: Callback<()>,
    /// The number itself is shown, as the `tel:` link, before the button
    /// (instead of a ☎ after it): one link per number on a card.
    #[prop_or_default]
    pub show_number: bool,
}

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Calling,
    Placed,
    Failed(String),
}

struct Texts {
    call: &'static str,
    calling: &'static str,
    placed: &'static str,
    softphone: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            call: "Call",
            calling: "Calling…",
            placed: "Your phone is ringing",
            softphone: "Call from this computer",
        },
        Lang::Ru => Texts {
            call: "Позвонить",
            calling: "Звоним…",
            placed: "Звонит ваш телефон",
            softphone: "Позвонить с этого компьютера",
        },
    }
}

#[function_component]
pub fn Dial(p: &DialProps) -> Html {
    let app = use_context::<AppHandle>();
    let status = use_state(|| Status::Idle);
    let t = texts(p.lang);
    let token = app.as_ref().and_then(|a| a.token().map(str::to_string));
    let onclick = {
        let (status, app) = (status.clone(), app.clone());
        let (phone, client_id, on_placed) =
            (p.phone.clone(), p.client_id.clone(), p.on_placed.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            e.stop_propagation();
            let Some(token) = token.clone() else { return };
            if *status == Status::Calling {
                return;
            }
            status.set(Status::Calling);
            let req = OriginateRequest {
                phone: phone.clone(),
                client_id: client_id.clone(),
            };
            let (status, _app, on_placed) = (status.clone(), app.clone(), on_placed.clone());
            spawn_local(async move {
                // One key per click: a network retry of it never rings twice.
                let key = new_idempotency_key();
                match Api::with_token(&token).originate(&req, &key).await {
                    Ok(_) => {
                        status.set(Status::Placed);
                        on_placed.emit(());
                    }
                    Err(e) => status.set(Status::Failed(e.message())),
                }
            });
        })
    };
    let (class, note) = match &*status {
        Status::Idle => (None, String::new()),
        Status::Calling => (Some("calling"), t.calling.to_string()),
        Status::Placed => (Some("placed"), t.placed.to_string()),
        Status::Failed(m) => (Some("failed"), m.clone()),
    };
    html! {
        <span class={classes!("dial-to", class)} data-phone={p.phone.clone()}>
            if p.show_number {
                <a class="dial-tel number" href={format!("tel:{}", p.phone)} title={t.softphone}>{ p.phone.clone() }</a>
            }
            <button type="button" class="btn dial-call" title={t.call}
                    disabled={*status == Status::Calling} {onclick}>
                { p.label.clone().unwrap_or_else(|| AttrValue::from(t.call)) }
            </button>
            if !p.show_number {
                <a class="dial-tel" href={format!("tel:{}", p.phone)} title={t.softphone}>{ "☎" }</a>
            }
            if !note.is_empty() {
                <span class="dial-status" role="status">{ note }</span>
            }
        </span>
    }
}

/// "My phone": the extension this operator sits at, set at the start of a
/// shift (`PUT /api/me/extension`); calls ringing there pop on this screen.
#[function_component]
pub fn MyExtension() -> Html {
    let app = use_context::<AppHandle>();
    let error = use_state(|| None::<String>);
    let Some(app) = app else { return html! {} };
    let Some(session) = app.session.as_ref() else {
        return html! {};
    };
    if !session.user.role.is_operator_or_up() {
        return html! {};
    }
    let (label, hint) = match app.lang {
        Lang::En => (
            "My phone",
            "The extension of the phone on your desk: its calls pop here",
        ),
        Lang::Ru => (
            "Мой телефон",
            "Внутренний номер телефона на вашем столе: его звонки всплывают здесь",
        ),
    };
    let current = session.user.extension.clone().unwrap_or_default();
    let onchange = {
        let (app, error, token) = (app.clone(), error.clone(), session.token.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let value = input.value().trim().to_string();
            let ext = (!value.is_empty()).then_some(value);
            let (app, error, token) = (app.clone(), error.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).set_extension(ext).await {
                    Ok(user) => {
                        error.set(None);
                        app.dispatch(AppAction::UserRefreshed(user));
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    html! {
        <label class="my-extension" title={hint}>
            <span>{ label }</span>
            <input id="my-extension" type="text" inputmode="numeric" size="5" maxlength="16"
                   value={current} {onchange} />
            if let Some(e) = &*error {
                <span class="field-error" data-field="extension">{ e.clone() }</span>
            }
        </label>
    }
}
