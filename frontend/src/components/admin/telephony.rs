//! Telephony settings for admins: each PBX adapter on or off, its secrets
//! (write-only: the form shows only whether one is set) and options, and
//! which provider carries click-to-call. Values from the server's
//! environment win and are shown as such.

use std::collections::BTreeMap;

use rodnik_shared::api::{
    AdapterChange, AdapterView, PbxProvider, PutTelephonySettings, TelephonySettingsView,
    TELEPHONY_VALUES,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::Lang;
use crate::state::use_app;

const ADAPTERS: [(&str, &str); 4] = [
    ("generic", "Webhook (Kamailio, scripts)"),
    ("mango", "Mango Office"),
    ("zadarma", "Zadarma"),
    ("asterisk", "Asterisk AMI"),
];

struct Words {
    title: &'static str,
    hint: &'static str,
    enabled: &'static str,
    active: &'static str,
    inactive: &'static str,
    is_set: &'static str,
    not_set: &'static str,
    from_env: &'static str,
    originate: &'static str,
    first_active: &'static str,
    save: &'static str,
    saved: &'static str,
    clear: &'static str,
    connected: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    static EN: Words = Words {
        title: "Telephony",
        hint: "Secrets are never shown again once saved; type a new value to replace one. Values set in the server's environment win over these.",
        enabled: "On",
        active: "receiving events",
        inactive: "not configured",
        is_set: "set",
        not_set: "not set",
        from_env: "from the server's environment",
        originate: "Click-to-call through",
        first_active: "the first configured one",
        save: "Save",
        saved: "Saved",
        clear: "clear",
        connected: "connected",
    };
    static RU: Words = Words {
        title: "Телефония",
        hint: "Сохранённые секреты больше не показываются; чтобы заменить, введите новое значение. Значения из окружения сервера важнее этих.",
        enabled: "Вкл.",
        active: "принимает события",
        inactive: "не настроено",
        is_set: "задан",
        not_set: "не задан",
        from_env: "из окружения сервера",
        originate: "Звонок из карточки через",
        first_active: "первую настроенную",
        save: "Сохранить",
        saved: "Сохранено",
        clear: "очистить",
        connected: "подключено",
    };
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

fn view_of<'a>(v: &'a TelephonySettingsView, adapter: &str) -> &'a AdapterView {
    match adapter {
        "mango" => &v.mango,
        "zadarma" => &v.zadarma,
        "asterisk" => &v.asterisk,
        _ => &v.generic,
    }
}

fn provider_value(p: Option<PbxProvider>) -> &'static str {
    match p {
        Some(PbxProvider::Mango) => "mango",
        Some(PbxProvider::Zadarma) => "zadarma",
        Some(PbxProvider::Asterisk) => "asterisk",
        None => "",
    }
}

/// The form's edits: typed values (`None`: clear), switches, the provider.
#[derive(Clone, PartialEq, Default)]
struct Edits {
    values: BTreeMap<(String, String), Option<String>>,
    enabled: BTreeMap<String, bool>,
    originate: Option<Option<PbxProvider>>,
}

impl Edits {
    fn to_put(&self) -> PutTelephonySettings {
        let mut put = PutTelephonySettings {
            originate: self.originate,
            ..Default::default()
        };
        for (adapter, _) in ADAPTERS {
            let mut change = AdapterChange {
                enabled: self.enabled.get(adapter).copied(),
                ..Default::default()
            };
            for ((a, name), v) in &self.values {
                if a == adapter {
                    change.values.insert(name.clone(), v.clone());
                }
            }
            if change.enabled.is_none() && change.values.is_empty() {
                continue;
            }
            let slot = match adapter {
                "mango" => &mut put.mango,
                "zadarma" => &mut put.zadarma,
                "asterisk" => &mut put.asterisk,
                _ => &mut put.generic,
            };
            *slot = Some(change);
        }
        put
    }
}

#[function_component]
pub fn TelephonySettings() -> Html {
    let app = use_app();
    let w = words(app.lang);
    let token = app.token().unwrap_or_default().to_string();
    let view = use_state(|| None::<TelephonySettingsView>);
    let edits = use_state(Edits::default);
    let error = use_state(|| None::<(Option<String>, String)>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);

    {
        let (view, token, _app) = (view.setter(), token.clone(), app.dispatcher());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match Api::with_token(&token).telephony_settings().await {
                    Ok(v) => view.set(Some(v)),
                    Err(_) => {}
                }
            });
        });
    }

    let Some(v) = (*view).clone() else {
        return html! { <section id="telephony-settings" aria-busy="true"></section> };
    };

    let onsubmit = {
        let (edits, view, error, saved, busy, token) = (
            edits.clone(),
            view.setter(),
            error.setter(),
            saved.setter(),
            busy.clone(),
            token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let put = edits.to_put();
            let (edits, view, error, saved, busy, token) = (
                edits.clone(),
                view.clone(),
                error.clone(),
                saved.clone(),
                busy.clone(),
                token.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).put_telephony_settings(&put).await {
                    Ok(v) => {
                        view.set(Some(v));
                        edits.set(Edits::default());
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => {
                        saved.set(false);
                        error.set(Some((e.field().map(str::to_string), e.message())));
                    }
                }
                busy.set(false);
            });
        })
    };

    let adapters = ADAPTERS.iter().map(|(adapter, title)| {
        let av = view_of(&v, adapter);
        let enabled = edits.enabled.get(*adapter).copied().unwrap_or(av.enabled);
        let toggle = {
            let (edits, adapter) = (edits.clone(), adapter.to_string());
            Callback::from(move |_: Event| {
                let mut e = (*edits).clone();
                e.enabled.insert(adapter.clone(), !enabled);
                edits.set(e);
            })
        };
        let fields = TELEPHONY_VALUES.iter().filter(|(a, ..)| a == adapter).map(|(a, name, secret, _)| {
            let key = (a.to_string(), name.to_string());
            let typed = edits.values.get(&key).cloned();
            let env = av.from_env.iter().any(|n| n == name);
            let current = if *secret {
                String::new()
            } else {
                av.options.get(*name).cloned().unwrap_or_default()
            };
            let value = match &typed {
                Some(Some(t)) => t.clone(),
                Some(None) => String::new(),
                None => current,
            };
            let set = av.secrets_set.iter().any(|n| n == name);
            let oninput = {
                let (edits, key) = (edits.clone(), key.clone());
                Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let mut ed = (*edits).clone();
                    ed.values.insert(key.clone(), Some(input.value()));
                    edits.set(ed);
                })
            };
            let clear = {
                let (edits, key) = (edits.clone(), key.clone());
                Callback::from(move |_: MouseEvent| {
                    let mut ed = (*edits).clone();
                    ed.values.insert(key.clone(), None);
                    edits.set(ed);
                })
            };
            let id = format!("tel-{a}-{name}");
            let status = if env {
                w.from_env
            } else if set {
                w.is_set
            } else {
                w.not_set
            };
            html! {
                <div class="tel-field">
                    <label for={id.clone()}>{ *name }</label>
                    <input id={id.clone()} type={if *secret { "password" } else { "text" }}
                        autocomplete="off" value={value} {oninput} disabled={env || *busy}
                        placeholder={if *secret { status } else { "" }} />
                    if *secret {
                        <span class={classes!("tel-status", set.then_some("set"))} data-field={name.to_string()}>{ status }</span>
                        if set && !env {
                            <button type="button" class="btn btn-ghost tel-clear" onclick={clear}>{ w.clear }</button>
                        }
                    }
                </div>
            }
        });
        html! {
            <fieldset id={format!("tel-{adapter}")} class="tel-adapter" data-active={av.active.to_string()}>
                <legend>{ *title }</legend>
                <label class="check">
                    <input id={format!("tel-{adapter}-enabled")} type="checkbox" checked={enabled}
                        onchange={toggle} disabled={*busy} />
                    { w.enabled }
                </label>
                <span class={classes!("tel-state", av.active.then_some("active"))}>
                    { if av.active { w.active } else { w.inactive } }
                    if *adapter == "asterisk" && v.asterisk_connected {
                        { format!(" · {}", w.connected) }
                    }
                </span>
                { for fields }
            </fieldset>
        }
    });

    let originate = edits.originate.unwrap_or(v.originate);
    let on_originate = {
        let edits = edits.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let p = match sel.value().as_str() {
                "mango" => Some(PbxProvider::Mango),
                "zadarma" => Some(PbxProvider::Zadarma),
                "asterisk" => Some(PbxProvider::Asterisk),
                _ => None,
            };
            let mut ed = (*edits).clone();
            ed.originate = Some(p);
            edits.set(ed);
        })
    };

    html! {
        <section id="telephony-settings" class="telephony-settings" aria-busy="false">
            <h2>{ w.title }</h2>
            <p class="muted">{ w.hint }</p>
            <form id="tel-form" {onsubmit}>
                <div class="tel-grid">{ for adapters }</div>
                <div class="tel-field">
                    <label for="tel-originate">{ w.originate }</label>
                    <select id="tel-originate" onchange={on_originate} disabled={*busy}>
                        { for [("", w.first_active), ("mango", "Mango Office"), ("zadarma", "Zadarma"), ("asterisk", "Asterisk")]
                            .into_iter().map(|(val, label)| html! {
                                <option value={val} selected={provider_value(originate) == val}>{ label }</option>
                            }) }
                    </select>
                </div>
                if let Some((field, msg)) = &*error {
                    <p id="tel-error" class="field-error" data-field={field.clone().unwrap_or_default()}>{ msg.clone() }</p>
                }
                <button id="tel-save" type="submit" class="btn btn-primary" disabled={*busy}>{ w.save }</button>
                if *saved {
                    <span id="tel-saved" class="muted">{ w.saved }</span>
                }
            </form>
        </section>
    }
}
