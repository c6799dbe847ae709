//! Client notifications on the staff's screens (issue 23, part 3): the
//! client card's block (`#client-notify`: yes/no per channel, the phone and
//! e-mail messages go to, where they would go now, saved on every change;
//! the client's last messages under it), the parts of a log row shared with
//! the send log page, and the "✓ подтвердил" mark of an order the client
//! confirmed through the message's link.

use rodnik_shared::api::{ClientNotify, ClientSummary, Consent, Notification, NotifyStatus, Order};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::notify::LogQuery;
use crate::api::Api;
use crate::i18n::notify::{channel_label, consent_label, goes_to, kind_label, status_label, texts};
use crate::i18n::Lang;
use crate::state::notify::{consent_code, consent_of, with_change, ClientChange, FieldError};

/// How many of the client's messages the card shows.
const CARD_LOG: usize = 5;

/// "✓ подтвердил" on an order the client confirmed (nothing otherwise);
/// the title says when.
pub fn confirmed_mark(lang: Lang, o: &Order) -> Html {
    let Some(at) = &o.confirmed_at else {
        return html! {};
    };
    let t = texts(lang);
    html! {
        <span class="confirmed-mark" data-confirmed-at={at.clone()}
            title={format!("{} {}", t.confirmed_title, crate::clock::date_time_of(at))}>
            { t.confirmed }
        </span>
    }
}

/// A message's status as a coloured badge; the title carries why it failed,
/// waits or was skipped.
pub fn status_badge(lang: Lang, n: &Notification) -> Html {
    html! {
        // Prefixed: courier.css styles a bare `.pending`.
        <span class={classes!("notify-status", format!("ns-{}", n.status.as_str()))}
            data-status={n.status.as_str()} title={n.error.clone().unwrap_or_default()}>
            { status_label(lang, n.status) }
        </span>
    }
}

/// Why a message failed, waits or was skipped, with its attempts and next
/// try when it waits.
pub fn error_text(lang: Lang, n: &Notification) -> String {
    let t = texts(lang);
    let mut parts: Vec<String> = n.error.iter().cloned().collect();
    if n.status == NotifyStatus::Pending {
        if let Some(next) = n.next_at.as_deref().map(crate::clock::time_of) {
            if !next.is_empty() {
                parts.push(format!("{} {next}", t.next_try));
            }
        }
    }
    if n.attempts > 1 {
        parts.push(format!("{}: {}", t.attempts, n.attempts));
    }
    parts.join(" · ")
}

#[derive(Properties, PartialEq)]
pub struct ClientNotifyProps {
    pub client: ClientSummary,
    pub token: AttrValue,
    pub lang: Lang,
    /// Changes when the client's orders change: the last messages reload
    /// (a reply confirms or moves an order).
    #[prop_or_default]
    pub reload: AttrValue,
}

/// The card's notifications block: what the client agreed to, where
/// messages go now, and the last few sent.
#[function_component]
pub fn ClientNotifyBlock(p: &ClientNotifyProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let c = &p.client;
    let choice = use_state(|| None::<Result<ClientNotify, String>>);
    let log = use_state(|| None::<Result<Vec<Notification>, String>>);
    let busy = use_state(|| false);
    // Saved, or the refusal beside its control.
    let note = use_state(|| None::<Result<(), FieldError>>);
    // The e-mail as typed, until it is saved (on change: Enter or leaving it).
    let typed_email = use_state(|| None::<String>);
    // Bumped on a refusal: the controls are drawn again from what is saved
    // (a select would otherwise keep showing the refused pick).
    let redraw = use_state(|| 0u32);

    {
        let (choice, note, typed_email, token) = (
            choice.clone(),
            note.clone(),
            typed_email.clone(),
            p.token.clone(),
        );
        use_effect_with(c.id.clone(), move |id| {
            let id = id.clone();
            choice.set(None);
            note.set(None);
            typed_email.set(None);
            spawn_local(async move {
                let got = Api::with_token(&token).client_notify(&id).await;
                choice.set(Some(got.map_err(|e| e.message())));
            });
        });
    }
    {
        let (log, token) = (log.clone(), p.token.clone());
        use_effect_with((c.id.clone(), p.reload.clone()), move |(id, _)| {
            let q = LogQuery {
                client_id: Some(id.clone()),
                limit: Some(CARD_LOG),
                ..LogQuery::default()
            };
            spawn_local(async move {
                let got = Api::with_token(&token).notifications(&q).await;
                log.set(Some(got.map_err(|e| e.message())));
            });
        });
    }

    let now = match &*choice {
        None => {
            return html! {
                <section id="client-notify" class="client-notify" data-loaded="false">
                    <h3>{ t.card_title }</h3>
                    <p class="muted">{ "…" }</p>
                </section>
            }
        }
        Some(Err(e)) => {
            return html! {
                <section id="client-notify" class="client-notify" data-loaded="false">
                    <h3>{ t.card_title }</h3>
                    <p class="form-error">{ e.clone() }</p>
                </section>
            }
        }
        Some(Ok(now)) => now.clone(),
    };

    let save = {
        let (choice, busy, note, typed_email, redraw, token, id) = (
            choice.clone(),
            busy.clone(),
            note.clone(),
            typed_email.clone(),
            redraw.clone(),
            p.token.clone(),
            c.id.clone(),
        );
        let now = now.clone();
        Callback::from(move |change: ClientChange| {
            if *busy {
                return;
            }
            let req = with_change(&now, change);
            busy.set(true);
            note.set(None);
            let (choice, busy, note, typed_email, redraw, token, id) = (
                choice.clone(),
                busy.clone(),
                note.clone(),
                typed_email.clone(),
                redraw.clone(),
                token.clone(),
                id.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).put_client_notify(&id, &req).await {
                    Ok(saved) => {
                        choice.set(Some(Ok(saved)));
                        typed_email.set(None);
                        note.set(Some(Ok(())));
                    }
                    Err(e) => {
                        note.set(Some(Err(e.field_error(lang))));
                        redraw.set(*redraw + 1);
                    }
                }
                busy.set(false);
            });
        })
    };
    let on_consent = |make: fn(Consent) -> ClientChange| {
        let save = save.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            save.emit(make(consent_of(&v)));
        })
    };
    let on_phone = {
        let save = save.clone();
        Callback::from(move |e: Event| {
            save.emit(ClientChange::Phone(
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    let on_email_input = {
        let typed_email = typed_email.clone();
        Callback::from(move |e: InputEvent| {
            typed_email.set(Some(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_email_change = {
        let (save, now) = (save.clone(), now.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if v.trim() != now.email_address.as_deref().unwrap_or_default() {
                save.emit(ClientChange::EmailAddress(v));
            }
        })
    };
    let consent_select = |id: &'static str,
                          label: &'static str,
                          value: Consent,
                          on: Callback<Event>| {
        html! {
            <label class="notify-control">
                <span>{ label }</span>
                <select {id} onchange={on} disabled={*busy}>
                    { for [Consent::Default, Consent::Yes, Consent::No].into_iter().map(|c| html! {
                        <option value={consent_code(c)} selected={c == value}>{ consent_label(lang, c) }</option>
                    }) }
                </select>
            </label>
        }
    };
    let field_error = |field: &str| match &*note {
        Some(Err((f, m))) if f == field => html! {
            <span class="field-error" data-field={f.clone()} role="alert">{ m.clone() }</span>
        },
        _ => html! {},
    };
    let other_error = match &*note {
        Some(Err((f, m))) if !matches!(f.as_str(), "phone" | "email_address") => html! {
            <p class="form-error field-error" data-field={f.clone()} role="alert">{ m.clone() }</p>
        },
        _ => html! {},
    };
    let phone = now.phone.clone().unwrap_or_default();
    let listed = phone.is_empty() || c.phones.iter().any(|ph| ph.as_str() == phone);
    let email_placeholder = match c.requisites.as_ref().map(|r| r.email.trim()) {
        Some(e) if !e.is_empty() => format!("{}: {e}", t.email_auto),
        _ => t.email_auto.to_string(),
    };
    let email_value = (*typed_email)
        .clone()
        .unwrap_or_else(|| now.email_address.clone().unwrap_or_default());
    let log_body = match &*log {
        None => html! {},
        Some(Err(e)) => html! { <p class="form-error">{ e.clone() }</p> },
        Some(Ok(rows)) if rows.is_empty() => {
            html! { <p id="client-notify-log-empty" class="muted">{ t.no_messages }</p> }
        }
        Some(Ok(rows)) => html! {
            <ul id="client-notify-log" class="notify-log-mini">
                { for rows.iter().take(CARD_LOG).map(|n| html! {
                    <li class="notify-row" key={n.id.clone()} data-id={n.id.clone()} data-kind={n.kind.as_str()}
                        data-channel={n.channel.as_str()} data-status={n.status.as_str()}>
                        <span class="n-kind">{ kind_label(lang, n.kind) }</span>
                        <span class="n-channel muted">{ channel_label(lang, n.channel) }</span>
                        { status_badge(lang, n) }
                        <span class="n-date muted">{ crate::clock::date_time_of(&n.created_at) }</span>
                        <span class="n-text" title={n.text.clone()}>{ n.text.clone() }</span>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section id="client-notify" class="client-notify" data-loaded="true"
            data-sms={consent_code(now.sms)} data-email={consent_code(now.email)}>
            <h3>{ t.card_title }</h3>
            <div class="notify-controls" key={redraw.to_string()}>
                { consent_select("client-notify-sms", "SMS", now.sms, on_consent(ClientChange::Sms)) }
                { consent_select("client-notify-email", "E-mail", now.email, on_consent(ClientChange::Email)) }
                if !c.phones.is_empty() || !phone.is_empty() {
                    <label class="notify-control">
                        <span>{ t.phone }</span>
                        <select id="client-notify-phone" onchange={on_phone} disabled={*busy}>
                            <option value="" selected={phone.is_empty()}>{ t.phone_auto }</option>
                            { for c.phones.iter().map(|ph| html! {
                                <option value={ph.as_str().to_string()} selected={ph.as_str() == phone}>{ ph.as_str().to_string() }</option>
                            }) }
                            if !listed {
                                <option value={phone.clone()} selected=true>{ phone.clone() }</option>
                            }
                        </select>
                        { field_error("phone") }
                    </label>
                }
                <label class="notify-control notify-email-address">
                    <span>{ t.email_address }</span>
                    <input id="client-notify-email-address" type="email" value={email_value}
                        placeholder={email_placeholder} oninput={on_email_input} onchange={on_email_change}
                        disabled={*busy} autocomplete="off" />
                    { field_error("email_address") }
                </label>
            </div>
            <p id="client-notify-to" class={classes!("notify-to", (now.sms_to.is_none() && now.email_to.is_none()).then_some("none"))}
                data-sms-to={now.sms_to.clone().unwrap_or_default()} data-email-to={now.email_to.clone().unwrap_or_default()}>
                { goes_to(lang, now.sms_to.as_deref(), now.email_to.as_deref()) }
                if let Some(Ok(())) = &*note {
                    <span id="client-notify-saved" class="ok" role="status">{ format!(" · {}", t.card_saved) }</span>
                }
            </p>
            { other_error }
            <h4>{ t.last_messages }</h4>
            { log_body }
        </section>
    }
}
