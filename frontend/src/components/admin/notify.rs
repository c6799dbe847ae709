//! Client notifications' settings (Administration → Уведомления, managers
//! and admins; issue 23, part 3): on or off, the SMS gateway (SMS.ru or
//! SMSC; its key write-only: "ключ сохранён", a key is sent only when one
//! is typed), e-mail through the company's mail server, the evening-before
//! and "on the way" messages, quiet hours, who gets messages by default,
//! the clients' links and the signature. Under the form: a test message
//! (queued, then its status as the worker sends it) and the evening
//! messages sent now. A 422 lands at its field.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use rodnik_shared::api::{
    Notification, NotifyChannel, NotifyRun, NotifySettings, SmsProvider, TestNotification,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::use_loader;
use super::{checked, field_error, input_value, other_errors, select_value, Errors};
use crate::api::notify::LogQuery;
use crate::api::{Api, ApiError};
use crate::components::notify::{error_text, status_badge};
use crate::i18n::notify::{channel_label, provider_label, run_result, texts};
use crate::state::notify::{default_url, provider_code, provider_of, SettingsDraft};
use crate::state::use_app;

/// Every field an error may name that has a place on the form.
const PLACED: [&str; 16] = [
    "enabled",
    "sms",
    "sms.provider",
    "sms.url",
    "sms.login",
    "sms.key",
    "sms.sender",
    "email",
    "evening",
    "evening_at",
    "on_the_way",
    "quiet_from",
    "quiet_to",
    "default_on",
    "link_base",
    "signature",
];

/// How often, and how many times, a queued test's status is asked again.
const TEST_POLL_MS: u32 = 1500;
const TEST_POLLS: u32 = 40;

#[derive(Clone, PartialEq)]
enum Note {
    None,
    Saved,
    Failed(Errors),
}

#[function_component]
pub fn NotifySettingsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let draft = use_state(|| None::<SettingsDraft>);
    let note = use_state(|| Note::None);
    let busy = use_state(|| false);
    let load_error = use_state(|| None::<String>);
    {
        let (draft, load_error, token) = (draft.setter(), load_error.setter(), token.clone());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).notify_settings().await }
            },
            Callback::noop(),
            Callback::from(move |r: Result<NotifySettings, ApiError>| match r {
                Ok(s) => draft.set(Some(SettingsDraft::of(&s))),
                Err(e) => load_error.set(Some(e.message())),
            }),
        );
    }
    let current = (*draft)
        .clone()
        .unwrap_or_else(|| SettingsDraft::of(&NotifySettings::default()));
    let errors = match &*note {
        Note::Failed(e) => e.clone(),
        _ => vec![],
    };
    let change = {
        let (draft, note, current) = (draft.clone(), note.clone(), current.clone());
        Rc::new(move |f: &dyn Fn(&mut SettingsDraft)| {
            let mut next = current.clone();
            f(&mut next);
            draft.set(Some(next));
            if *note == Note::Saved {
                note.set(Note::None);
            }
        })
    };
    let disabled = draft.is_none() || *busy;
    // A text input with its label and its error.
    let input = |id: &'static str,
                 field: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 placeholder: String,
                 value: &str,
                 set: fn(&mut SettingsDraft, String)| {
        let change = change.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            change(&|d| set(d, v.clone()));
        });
        html! {
            <div class={classes!("company-field", field.replace('.', "-"))}>
                <label for={id}>{ label }</label>
                <input {id} type={kind} value={value.to_string()} {placeholder} {oninput} {disabled}
                    autocomplete={if kind == "password" { "new-password" } else { "off" }} />
                { field_error(&errors, field) }
            </div>
        }
    };
    let time = |id: &'static str,
                field: &'static str,
                label: &'static str,
                value: &str,
                set: fn(&mut SettingsDraft, String)| {
        let change = change.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            change(&|d| set(d, v.clone()));
        });
        html! {
            <div class={classes!("company-field", "notify-time", field.to_string())}>
                <label for={id}>{ label }</label>
                <input {id} type="text" inputmode="numeric" maxlength="5" placeholder="18:00"
                    value={value.to_string()} {oninput} {disabled} autocomplete="off" />
                { field_error(&errors, field) }
            </div>
        }
    };
    let check = |id: &'static str,
                 field: &'static str,
                 label: &'static str,
                 value: bool,
                 set: fn(&mut SettingsDraft, bool)| {
        let change = change.clone();
        let onchange = Callback::from(move |e: Event| {
            let v = checked(&e);
            change(&|d| set(d, v));
        });
        html! {
            <>
                <label class="company-check">
                    <input {id} type="checkbox" checked={value} {onchange} {disabled} />
                    { label }
                </label>
                { field_error(&errors, field) }
            </>
        }
    };
    let on_provider = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = provider_of(&select_value(&e));
            change(&|d| d.provider = v);
        })
    };
    let onsubmit = {
        let (draft, note, busy, token, current) = (
            draft.clone(),
            note.clone(),
            busy.clone(),
            token.clone(),
            current.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || draft.is_none() {
                return;
            }
            let put = match current.to_settings(lang) {
                Ok(p) => p,
                Err(e) => {
                    note.set(Note::Failed(vec![e]));
                    return;
                }
            };
            busy.set(true);
            note.set(Note::None);
            let (draft, note, busy, token) =
                (draft.clone(), note.clone(), busy.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).put_notify_settings(&put).await {
                    Ok(s) => {
                        draft.set(Some(SettingsDraft::of(&s)));
                        note.set(Note::Saved);
                    }
                    Err(e) => note.set(Note::Failed(vec![e.field_error(lang)])),
                }
                busy.set(false);
            });
        })
    };
    let status = match &*note {
        Note::Saved => {
            html! { <span id="notify-saved" class="ok" role="status">{ t.saved }</span> }
        }
        _ => html! {},
    };
    let d = &current;
    let sms = d.provider.map(|p| {
        html! {
            <>
                { input("notify-url", "sms.url", t.url, "url", default_url(p).to_string(), &d.url, |d, v| d.url = v) }
                if p == SmsProvider::Smsc {
                    { input("notify-login", "sms.login", t.login, "text", String::new(), &d.login, |d, v| d.login = v) }
                }
                { input("notify-key", "sms.key", t.key, "password",
                    if d.key_set { t.key_keep.to_string() } else { String::new() }, &d.key, |d, v| d.key = v) }
                if d.key_set {
                    <span id="notify-key-set" class="ok password-set">{ t.key_set }</span>
                }
                { input("notify-sender", "sms.sender", t.sender, "text", t.sender_hint.to_string(), &d.sender, |d, v| d.sender = v) }
            </>
        }
    });
    html! {
        <section id="notify-settings" class="notify-settings" data-loaded={draft.is_some().to_string()}
            data-enabled={d.enabled.to_string()} data-provider={provider_code(d.provider)}
            data-key-set={d.key_set.to_string()}>
            <h2>{ t.title }</h2>
            <p class="muted company-hint">{ t.hint }</p>
            if let Some(e) = &*load_error {
                <p class="form-error" role="alert">{ format!("{}: {e}", t.load_failed) }</p>
            }
            <form id="notify-settings-form" class="company-settings" {onsubmit} novalidate=true>
                <div class="notify-enabled-row">
                    { check("notify-enabled", "enabled", t.enabled, d.enabled, |d, v| d.enabled = v) }
                </div>
                <div class="company-grid">
                    <fieldset class="company-block" id="notify-sms">
                        <legend>{ t.sms_title }</legend>
                        <div class="company-field sms-provider">
                            <label for="notify-provider">{ t.provider }</label>
                            <select id="notify-provider" onchange={on_provider} {disabled}>
                                { for [None, Some(SmsProvider::SmsRu), Some(SmsProvider::Smsc)].into_iter().map(|p| html! {
                                    <option value={provider_code(p)} selected={d.provider == p}>{ provider_label(lang, p) }</option>
                                }) }
                            </select>
                            { field_error(&errors, "sms.provider") }
                            { field_error(&errors, "sms") }
                        </div>
                        { for sms }
                    </fieldset>
                    <fieldset class="company-block" id="notify-messages">
                        <legend>{ t.messages_title }</legend>
                        <div class="notify-inline">
                            { check("notify-evening", "evening", t.evening, d.evening, |d, v| d.evening = v) }
                            { time("notify-evening-at", "evening_at", t.evening_at, &d.evening_at, |d, v| d.evening_at = v) }
                        </div>
                        { check("notify-on-the-way", "on_the_way", t.on_the_way, d.on_the_way, |d, v| d.on_the_way = v) }
                        <h4>{ t.quiet }</h4>
                        <div class="company-row2">
                            { time("notify-quiet-from", "quiet_from", t.quiet_from, &d.quiet_from, |d, v| d.quiet_from = v) }
                            { time("notify-quiet-to", "quiet_to", t.quiet_to, &d.quiet_to, |d, v| d.quiet_to = v) }
                        </div>
                        <p class="muted">{ t.quiet_hint }</p>
                    </fieldset>
                    <fieldset class="company-block" id="notify-whom">
                        <legend>{ t.whom_title }</legend>
                        { check("notify-default-on", "default_on", t.default_on, d.default_on, |d, v| d.default_on = v) }
                        <p class="muted">{ t.default_on_hint }</p>
                        <h4>{ t.email_title }</h4>
                        { check("notify-email", "email", t.email, d.email, |d, v| d.email = v) }
                    </fieldset>
                    <fieldset class="company-block" id="notify-links">
                        <legend>{ t.links_title }</legend>
                        { input("notify-link-base", "link_base", t.link_base, "url", t.link_base_hint.to_string(), &d.link_base, |d, v| d.link_base = v) }
                        { input("notify-signature", "signature", t.signature, "text", t.signature_hint.to_string(), &d.signature, |d, v| d.signature = v) }
                    </fieldset>
                </div>
                { other_errors(&errors, &PLACED) }
                <div class="form-actions">
                    <button id="notify-save" type="submit" class="btn btn-primary" {disabled}>
                        { if *busy { t.saving } else { t.save } }
                    </button>
                    { status }
                </div>
            </form>
            <div class="company-grid notify-actions">
                <TestMessage default_channel={if d.provider.is_some() { NotifyChannel::Sms } else { NotifyChannel::Email }} />
                <RunNow />
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TestProps {
    default_channel: NotifyChannel,
}

/// "Send test": the queued message, then its status as the worker sends it.
#[function_component]
fn TestMessage(p: &TestProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let channel = use_state(|| None::<NotifyChannel>);
    let to = use_state(String::new);
    let busy = use_state(|| false);
    let sent = use_state(|| None::<Notification>);
    let errors = use_state(Errors::new);
    // Each test polls its own status; a newer test (or leaving) stops the older.
    let poll_gen = use_mut_ref(|| 0u32);
    {
        let poll_gen = poll_gen.clone();
        use_effect_with((), move |_| move || *poll_gen.borrow_mut() += 1);
    }
    let chosen = (*channel).unwrap_or(p.default_channel);
    let on_channel = {
        let channel = channel.clone();
        Callback::from(move |e: Event| {
            channel.set(Some(if select_value(&e) == "email" {
                NotifyChannel::Email
            } else {
                NotifyChannel::Sms
            }))
        })
    };
    let on_to = {
        let to = to.clone();
        Callback::from(move |e: InputEvent| to.set(input_value(&e)))
    };
    let onsubmit = {
        let (to, busy, sent, errors, token, poll_gen) = (
            to.clone(),
            busy.clone(),
            sent.clone(),
            errors.clone(),
            token.clone(),
            poll_gen.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let req = TestNotification {
                channel: chosen,
                to: to.trim().to_string(),
            };
            if req.to.is_empty() {
                errors.set(vec![("to".into(), lang.t().required.to_string())]);
                return;
            }
            busy.set(true);
            errors.set(vec![]);
            sent.set(None);
            let my = next_gen(&poll_gen);
            let (busy, sent, errors, token, poll_gen) = (
                busy.clone(),
                sent.clone(),
                errors.clone(),
                token.clone(),
                poll_gen.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                let first = api.test_notification(&req).await;
                busy.set(false);
                let mut n = match first {
                    Ok(n) => n,
                    Err(e) => {
                        let (field, m) = e.field_error(lang);
                        // The address is the only thing typed here.
                        let field = if field.is_empty() || field == "to" || field == "channel" {
                            field
                        } else {
                            String::new()
                        };
                        errors.set(vec![(field, m)]);
                        return;
                    }
                };
                sent.set(Some(n.clone()));
                // The worker sends it in a moment: its status follows.
                let q = LogQuery {
                    limit: Some(20),
                    ..LogQuery::default()
                };
                for _ in 0..TEST_POLLS {
                    if n.status != rodnik_shared::api::NotifyStatus::Pending {
                        return;
                    }
                    TimeoutFuture::new(TEST_POLL_MS).await;
                    if *poll_gen.borrow() != my {
                        return;
                    }
                    match api.notifications(&q).await {
                        Ok(list) => {
                            if let Some(now) = list.into_iter().find(|x| x.id == n.id) {
                                if now != n {
                                    n = now;
                                    if *poll_gen.borrow() == my {
                                        sent.set(Some(n.clone()));
                                    }
                                }
                            }
                        }
                        Err(ApiError::Network(_)) => {}
                        Err(_) => return,
                    }
                }
            });
        })
    };
    let result = match &*sent {
        Some(n) => html! {
            <p id="notify-test-result" class="notify-test-result" role="status" data-id={n.id.clone()}
                data-status={n.status.as_str()}>
                { format!("{}: {} → {} · ", t.test_queued, channel_label(lang, n.channel), n.to) }
                { status_badge(lang, n) }
                if !error_text(lang, n).is_empty() {
                    <span class="muted">{ format!(" {}", error_text(lang, n)) }</span>
                }
            </p>
        },
        None => html! {},
    };
    html! {
        <form id="notify-test" class="company-block notify-test" {onsubmit} novalidate=true>
            <h4>{ t.test_title }</h4>
            <p class="muted">{ t.test_hint }</p>
            <div class="notify-inline">
                <div class="company-field">
                    <label for="notify-test-channel">{ t.test_channel }</label>
                    <select id="notify-test-channel" onchange={on_channel} disabled={*busy}>
                        { for [NotifyChannel::Sms, NotifyChannel::Email].into_iter().map(|c| html! {
                            <option value={c.as_str()} selected={c == chosen}>{ channel_label(lang, c) }</option>
                        }) }
                    </select>
                    { field_error(&errors, "channel") }
                </div>
                <div class="company-field notify-test-to">
                    <label for="notify-test-to">{ t.test_to }</label>
                    <input id="notify-test-to" type="text" value={(*to).clone()} oninput={on_to}
                        placeholder={if chosen == NotifyChannel::Sms { "+7 916 123-45-67" } else { "name@example.ru" }}
                        autocomplete="off" />
                    { field_error(&errors, "to") }
                </div>
                <button id="notify-test-send" type="submit" class="btn" disabled={*busy}>
                    { if *busy { t.test_sending } else { t.test_send } }
                </button>
            </div>
            { other_errors(&errors, &["to", "channel"]) }
            { result }
        </form>
    }
}

fn next_gen(g: &Rc<RefCell<u32>>) -> u32 {
    let mut g = g.borrow_mut();
    *g += 1;
    *g
}

/// "Send evening messages now": how many were queued and how many orders
/// get none.
#[function_component]
fn RunNow() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let busy = use_state(|| false);
    let result = use_state(|| None::<Result<NotifyRun, String>>);
    let onclick = {
        let (busy, result, token) = (busy.clone(), result.clone(), token.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            result.set(None);
            let (busy, result, token) = (busy.clone(), result.clone(), token.clone());
            spawn_local(async move {
                let got = Api::with_token(&token).run_notifications().await;
                result.set(Some(got.map_err(|e| match e {
                    ApiError::Network(_) => lang.t().network_error.to_string(),
                    e => e.message(),
                })));
                busy.set(false);
            });
        })
    };
    html! {
        <div id="notify-run-block" class="company-block notify-run">
            <h4>{ t.run_title }</h4>
            <p class="muted">{ t.run_hint }</p>
            <div class="notify-inline">
                <button id="notify-run" type="button" class="btn" disabled={*busy} {onclick}>
                    { if *busy { t.running } else { t.run } }
                </button>
            </div>
            { match &*result {
                Some(Ok(r)) => html! {
                    <p id="notify-run-result" class="ok" role="status" data-queued={r.queued.to_string()}
                        data-without={r.without.to_string()}>{ run_result(lang, r.queued, r.without) }</p>
                },
                Some(Err(e)) => html! {
                    <p id="notify-run-result" class="form-error" role="alert" data-error="true">{ e.clone() }</p>
                },
                None => html! {},
            } }
        </div>
    }
}
