//! Client upkeep on the console's card: the client's details form, the
//! address form (new or existing), retiring and bringing back addresses, and
//! the client's history (orders, calls and notes in one timeline). The drafts and requests are `state::client_edit`; a save that
//! comes back 409 `stale_version` reloads the card and keeps what was typed.

use rodnik_shared::api::{ClientCard, ClientSummary, Order};
use rodnik_shared::ClientKind;
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::client_card::{lines_text, short_date};
use super::new_client_form::{field_error, value};
use super::recording::RecordingPlayer;
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::{client, kind_label, state_label, Lang};
use crate::state::client_edit::{retire, AddressField, Editing, Editor, Request, RequisitesField};
use crate::state::console::unplaced;
use crate::state::history::{self, History};

/// Saves what `editor` holds; on success the fresh card goes to
/// `on_changed` and the form closes.
pub fn save(
    editor: UseStateHandle<Editor>,
    client: ClientSummary,
    token: AttrValue,
    lang: Lang,
    on_changed: Callback<ClientCard>,
) {
    let Some(request) = editor.request(&client) else {
        return;
    };
    let mut busy = (*editor).clone();
    busy.busy = true;
    busy.stale = false;
    busy.errors.clear();
    if busy.key.is_empty() {
        busy.key = new_idempotency_key();
    }
    let key = busy.key.clone();
    editor.set(busy.clone());
    spawn_local(async move {
        let api = Api::with_token(&token);
        let answer = match &request {
            Request::Patch(p) => api.patch_client(&client.id, p).await,
            Request::Add(a) => api.add_address(&client.id, a, &key).await,
            Request::Edit(id, e) => api.edit_address(&client.id, id, e).await,
        };
        finish(answer, &api, &client.id, busy, &editor, lang, &on_changed).await;
    });
}

/// Retires an address or brings it back, on the version the card shows.
pub fn set_retired(
    client: ClientSummary,
    address_id: String,
    retired: bool,
    editor: UseStateHandle<Editor>,
    token: AttrValue,
    lang: Lang,
    on_changed: Callback<ClientCard>,
) {
    let Some(a) = client.addresses.iter().find(|a| a.id == address_id) else {
        return;
    };
    let req = retire(a, client.version, retired);
    let mut busy = Editor::open(Editing::Nothing, &client);
    busy.busy = true;
    editor.set(busy.clone());
    spawn_local(async move {
        let api = Api::with_token(&token);
        let answer = api.edit_address(&client.id, &address_id, &req).await;
        finish(answer, &api, &client.id, busy, &editor, lang, &on_changed).await;
    });
}

async fn finish(
    answer: Result<ClientCard, ApiError>,
    api: &Api,
    client_id: &str,
    mut ed: Editor,
    editor: &UseStateHandle<Editor>,
    lang: Lang,
    on_changed: &Callback<ClientCard>,
) {
    match answer {
        Ok(card) => {
            on_changed.emit(card);
            editor.set(Editor::default());
        }
        Err(e) if e.is_stale() => {
            // Show what the other operator saved; keep the typing for another save.
            if let Ok(card) = api.client(client_id).await {
                ed.refused_stale(&card.client);
                on_changed.emit(card);
            } else {
                ed.busy = false;
                ed.stale = true;
            }
            editor.set(ed);
        }
        Err(e) => {
            ed.busy = false;
            ed.errors = vec![match e.field() {
                Some(f) if f.starts_with("requisites.") => {
                    crate::state::documents::field_error(lang, &e)
                }
                _ => e.field_error(lang),
            }];
            editor.set(ed);
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub editor: UseStateHandle<Editor>,
    pub lang: Lang,
    pub on_save: Callback<()>,
}

fn submit(on_save: &Callback<()>) -> Callback<SubmitEvent> {
    let on_save = on_save.clone();
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        on_save.emit(());
    })
}

fn close(editor: &UseStateHandle<Editor>) -> Callback<MouseEvent> {
    let editor = editor.clone();
    Callback::from(move |_: MouseEvent| editor.set(Editor::default()))
}

/// The stale warning, errors no input shows, and Save / Cancel.
fn form_end(
    ed: &Editor,
    t: &client::ClientTexts,
    keys: &[String],
    cancel: Callback<MouseEvent>,
) -> Html {
    let rest = unplaced(&ed.errors, keys);
    html! {
        <>
            if ed.stale {
                <p class="banner warning stale" role="alert">{ t.changed_meanwhile }</p>
            }
            { for rest.iter().map(|m| html! { <p class="form-error field-error">{ m.to_string() }</p> }) }
            <div class="actions">
                <button type="submit" class="btn btn-primary save" disabled={ed.busy}>
                    { if ed.busy { t.saving } else { t.save } }
                </button>
                <button type="button" class="btn btn-ghost cancel" onclick={cancel} disabled={ed.busy}>{ t.cancel }</button>
            </div>
        </>
    }
}

/// Name, kind, INN, phones and the free-text note.
#[function_component]
pub fn DetailsForm(p: &FormProps) -> Html {
    let t = client::texts(p.lang);
    let ed = (*p.editor).clone();
    let Editing::Details(d) = &ed.editing else {
        return html! {};
    };
    let on = |f: fn(&mut crate::state::client_edit::DetailsDraft, String)| {
        let editor = p.editor.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*editor).clone();
            if let Editing::Details(d) = &mut next.editing {
                f(d, value(e));
            }
            editor.set(next);
        })
    };
    let on_kind = {
        let editor = p.editor.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = (*editor).clone();
            if let Editing::Details(d) = &mut next.editing {
                d.kind = if v == "legal" {
                    ClientKind::Legal
                } else {
                    ClientKind::Individual
                };
            }
            editor.set(next);
        })
    };
    let keys: Vec<String> = ["kind", "name", "inn", "phones", "note", "requisites"]
        .map(String::from)
        .to_vec();
    let legal = d.kind == ClientKind::Legal;
    html! {
        <form id="client-edit-form" class="card-form" onsubmit={submit(&p.on_save)} novalidate=true>
            <h3>{ t.edit_title }</h3>
            <label for="edit-name">{ t.name }</label>
            <input id="edit-name" type="text" value={d.name.clone()} oninput={on(|d, v| d.name = v)} disabled={ed.busy} />
            { field_error(&ed.errors, "name") }
            <div class="row2">
                <div>
                    <label for="edit-kind">{ t.kind }</label>
                    <select id="edit-kind" onchange={on_kind} disabled={ed.busy}>
                        { for [ClientKind::Individual, ClientKind::Legal].map(|k| html! {
                            <option value={k.as_str()} selected={d.kind == k}>{ kind_label(p.lang, k) }</option>
                        }) }
                    </select>
                </div>
                <div>
                    <label for="edit-inn">{ t.inn }</label>
                    <input id="edit-inn" type="text" inputmode="numeric" value={d.inn.clone()}
                        oninput={on(|d, v| d.inn = v)} disabled={ed.busy} />
                    { field_error(&ed.errors, "inn") }
                </div>
            </div>
            <label for="edit-phones">{ t.phones }<span class="hint">{ " · " }{ t.phones_hint }</span></label>
            <input id="edit-phones" type="tel" value={d.phones.clone()} oninput={on(|d, v| d.phones = v)} disabled={ed.busy} />
            { field_error(&ed.errors, "phones") }
            <label for="edit-note">{ t.note }</label>
            <input id="edit-note" type="text" value={d.note.clone()} oninput={on(|d, v| d.note = v)} disabled={ed.busy} />
            { field_error(&ed.errors, "note") }
            if legal {
                { requisites_fields(&p.editor, p.lang) }
            }
            { form_end(&ed, t, &keys, close(&p.editor)) }
        </form>
    }
}

/// A legal client's requisites for documents (issue 20): full name, КПП,
/// legal address, bank, БИК, accounts and the e-mail documents go to; a
/// 422 `requisites.<field>` shows at its input.
fn requisites_fields(editor: &UseStateHandle<Editor>, lang: Lang) -> Html {
    let t = crate::i18n::documents::texts(lang);
    let ed = (**editor).clone();
    let Editing::Details(d) = &ed.editing else {
        return html! {};
    };
    let input = |f: RequisitesField| {
        let label = match f {
            RequisitesField::FullName => t.r_full_name,
            RequisitesField::Kpp => t.r_kpp,
            RequisitesField::Address => t.r_address,
            RequisitesField::BankName => t.r_bank_name,
            RequisitesField::Bik => t.r_bik,
            RequisitesField::Account => t.r_account,
            RequisitesField::CorrAccount => t.r_corr_account,
            RequisitesField::Email => t.r_email,
        };
        let oninput = {
            let editor = editor.clone();
            Callback::from(move |e: InputEvent| {
                let mut next = (*editor).clone();
                if let Editing::Details(d) = &mut next.editing {
                    d.requisites.set(f, value(e));
                }
                editor.set(next);
            })
        };
        let id = format!("edit-req-{}", f.key().replace('_', "-"));
        let kind = if f == RequisitesField::Email {
            "email"
        } else {
            "text"
        };
        html! {
            <div class={classes!("field", f.key())}>
                <label for={id.clone()}>{ label }</label>
                <input {id} type={kind} value={d.requisites.get(f).to_string()} {oninput} disabled={ed.busy} />
                { field_error(&ed.errors, &format!("requisites.{}", f.key())) }
            </div>
        }
    };
    html! {
        <fieldset id="edit-requisites" class="requisites">
            <legend>{ t.r_title }</legend>
            { input(RequisitesField::FullName) }
            { input(RequisitesField::Address) }
            <div class="row2">
                { input(RequisitesField::Kpp) }
                { input(RequisitesField::Email) }
            </div>
            { input(RequisitesField::BankName) }
            <div class="row3">
                { input(RequisitesField::Bik) }
                { input(RequisitesField::Account) }
                { input(RequisitesField::CorrAccount) }
            </div>
        </fieldset>
    }
}

/// A new or an existing address: text, label, contact, entrance, floor,
/// how to get in, and the courier's note.
#[function_component]
pub fn AddressForm(p: &FormProps) -> Html {
    let t = client::texts(p.lang);
    let ed = (*p.editor).clone();
    let Editing::Address(id, d) = &ed.editing else {
        return html! {};
    };
    let input = |f: AddressField, label: &'static str, placeholder: &'static str| {
        let editor = p.editor.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let mut next = (*editor).clone();
            if let Editing::Address(_, d) = &mut next.editing {
                d.set(f, value(e));
            }
            editor.set(next);
        });
        let dom_id = format!("address-{}", f.key().replace('_', "-"));
        let kind = if f == AddressField::ContactPhone {
            "tel"
        } else {
            "text"
        };
        html! {
            <div class={classes!("field", f.key())}>
                <label for={dom_id.clone()}>{ label }</label>
                <input id={dom_id} type={kind} value={d.get(f).to_string()} {placeholder} {oninput} disabled={ed.busy} />
                { field_error(&ed.errors, &format!("address.{}", f.key())) }
            </div>
        }
    };
    let on_no_lift = {
        let editor = p.editor.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            let mut next = (*editor).clone();
            if let Editing::Address(_, d) = &mut next.editing {
                d.no_lift = on;
            }
            editor.set(next);
        })
    };
    let keys: Vec<String> = AddressField::ALL
        .iter()
        .map(|f| format!("address.{}", f.key()))
        .chain(std::iter::once("address.no_lift".to_string()))
        .collect();
    html! {
        <form id="address-form" class="card-form" data-id={id.clone()} onsubmit={submit(&p.on_save)} novalidate=true>
            <h3>{ if id.is_some() { t.edit_address } else { t.new_address } }</h3>
            { input(AddressField::Text, t.address, "") }
            <div class="row3">
                { input(AddressField::Label, t.label, "") }
                { input(AddressField::Entrance, t.entrance, "") }
                { input(AddressField::Floor, t.floor, "") }
            </div>
            <label class="check no-lift" title={t.no_lift_hint}>
                <input id="address-no-lift" type="checkbox" checked={d.no_lift} onchange={on_no_lift} disabled={ed.busy} />
                { t.no_lift }
            </label>
            { field_error(&ed.errors, "address.no_lift") }
            <div class="row2">
                { input(AddressField::ContactName, t.contact_name, "") }
                { input(AddressField::ContactPhone, t.contact_phone, "") }
            </div>
            { input(AddressField::AccessNote, t.access_note, t.access_hint) }
            { input(AddressField::DeliveryNote, t.delivery_note, t.delivery_hint) }
            { form_end(&ed, t, &keys, close(&p.editor)) }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    pub client_id: AttrValue,
    /// Changes when the client's orders or notes change: reload.
    pub reload: AttrValue,
    pub token: AttrValue,
    pub lang: Lang,
    /// "Repeat": this order again, as a new one.
    pub on_repeat: Callback<Order>,
    /// "Change" on an open order.
    pub on_change: Callback<Order>,
}

/// The client's history, one timeline newest first: orders (filter by
/// state, more on demand, "repeat", "change" for open ones, details on a
/// click), calls (who took it, answered or missed, talk time) and notes
/// (who and when), with one line to add a note.
#[function_component]
pub fn ClientHistoryView(p: &HistoryProps) -> Html {
    let t = client::texts(p.lang);
    let history = use_state(|| None::<Result<History, String>>);
    let filter = use_state(String::new);
    let opened = use_state(|| None::<String>);
    let text = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let load = {
        let (history, token, id, filter) = (
            history.clone(),
            p.token.clone(),
            p.client_id.clone(),
            filter.clone(),
        );
        move |before: Option<String>| {
            let (history, token, id, state) = (
                history.clone(),
                token.clone(),
                id.clone(),
                (*filter).clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                let state = Some(state.as_str()).filter(|s| !s.is_empty());
                let page = api.client_history(&id, state, before.as_deref()).await;
                let next = match (page, before, &*history) {
                    (Ok(page), Some(_), Some(Ok(h))) => {
                        let mut h = h.clone();
                        h.more(page);
                        Ok(h)
                    }
                    (Ok(page), _, _) => Ok(History::first(page)),
                    (Err(e), _, _) => Err(e.message()),
                };
                history.set(Some(next));
            });
        }
    };
    {
        let load = load.clone();
        use_effect_with(
            (p.client_id.clone(), p.reload.clone(), (*filter).clone()),
            move |_| load(None),
        );
    }
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            filter.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_more = {
        let (load, history) = (load.clone(), history.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(h)) = &*history {
                load(h.next_before.clone());
            }
        })
    };
    let onsubmit = {
        let (text, busy, error, load) = (text.clone(), busy.clone(), error.clone(), load.clone());
        let (token, id, lang) = (p.token.clone(), p.client_id.clone(), p.lang);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if text.trim().is_empty() || *busy {
                return;
            }
            busy.set(true);
            let (text, busy, error, load, token, id) = (
                text.clone(),
                busy.clone(),
                error.clone(),
                load.clone(),
                token.clone(),
                id.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                match api.add_note(&id, &text, &new_idempotency_key()).await {
                    Ok(_) => {
                        text.set(String::new());
                        error.set(None);
                        load(None);
                    }
                    Err(e) => error.set(Some(e.field_error(lang).1)),
                }
                busy.set(false);
            });
        })
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(value(e)))
    };
    let lang = p.lang;
    let event = |e: &history::Event| -> Html {
        let when = crate::clock::date_time_of(e.at());
        match e {
            history::Event::Order(o) => {
                let open = o.state.is_open();
                let repeat = {
                    let (on, o) = (p.on_repeat.clone(), o.clone());
                    Callback::from(move |_: MouseEvent| on.emit(o.clone()))
                };
                let change = {
                    let (on, o) = (p.on_change.clone(), o.clone());
                    Callback::from(move |_: MouseEvent| on.emit(o.clone()))
                };
                let toggle = {
                    let (opened, id) = (opened.clone(), o.id.clone());
                    Callback::from(move |_: MouseEvent| {
                        opened.set(if opened.as_deref() == Some(id.as_str()) {
                            None
                        } else {
                            Some(id.clone())
                        })
                    })
                };
                let lines = lines_text(o);
                let state = o.state.as_str();
                html! {
                    <li class="event order" data-kind="order" data-id={o.id.clone()} data-state={state}>
                        <span class="when">{ when }</span>
                        <button type="button" class="btn btn-link open-order" onclick={toggle}>{ format!("№{}", o.number) }</button>
                        <span class={classes!("badge", state)}>{ state_label(lang, o.state) }</span>
                        <span class="what" title={lines.clone()}>{ format!("{} · {}", short_date(&o.delivery_date), lines) }</span>
                        <span class="money">{ crate::money::text(lang, o.total) }</span>
                        <button type="button" class="btn btn-link repeat-order" onclick={repeat}>{ t.repeat }</button>
                        if open {
                            <button type="button" class="btn btn-link change-order" onclick={change}>{ t.change_order }</button>
                        }
                        if opened.as_deref() == Some(o.id.as_str()) {
                            <div class="order-details muted">
                                { format!("{} · {}", o.address.text, o.courier_name.clone().unwrap_or_default()) }
                                if let Some(r) = &o.cancel_reason { { format!(" · {r}") } }
                                if let Some(n) = &o.note { { format!(" · {n}") } }
                                if o.state == rodnik_shared::OrderState::Delivered {
                                    <crate::components::receipts::ReceiptLine order_id={o.id.clone()} {lang} />
                                }
                            </div>
                        }
                    </li>
                }
            }
            history::Event::Call(c) => {
                let (class, text) = if c.missed {
                    ("missed", t.call_missed)
                } else {
                    ("answered", t.call_answered)
                };
                html! {
                    <li class={classes!("event", "call", class)} data-kind="call" data-id={c.id.clone()}>
                        <span class="when">{ when }</span>
                        <span class="icon" aria-hidden="true">{ "☎" }</span>
                        <span class={classes!("badge", class)}>{ text }</span>
                        <span class="what">
                            { c.operator.clone().or_else(|| c.extension.clone()).unwrap_or_default() }
                            if let Some(s) = c.talk_seconds { { format!(" · {}", history::talk_time(s)) } }
                            if !c.answered && c.called_back_at.is_some() { { format!(" · {}", t.called_back) } }
                        </span>
                        { for c.recordings.iter().map(|r| html! {
                            <RecordingPlayer key={r.id.clone()} id={r.id.clone()} token={p.token.clone()} {lang} />
                        }) }
                    </li>
                }
            }
            history::Event::Note(n) => html! {
                <li class="event note" data-kind="note" data-id={n.id.clone()}>
                    <span class="when">{ when }</span>
                    <span class="text">{ n.text.clone() }</span>
                    <span class="who muted">{ n.by_name.clone() }</span>
                </li>
            },
        }
    };
    let states = ["", "new", "delivery", "delivered", "cancelled"];
    html! {
        <section id="client-history" class="client-history">
            <div class="history-head">
                <h3>{ t.history }</h3>
                <select id="history-state" onchange={on_filter} aria-label={t.history}>
                    { for states.iter().map(|s| {
                        let label = match s.parse::<rodnik_shared::OrderState>() {
                            Ok(st) => state_label(lang, st),
                            Err(_) => t.all_orders,
                        };
                        html! { <option value={*s} selected={*filter == *s}>{ label }</option> }
                    }) }
                </select>
            </div>
            <form class="note-add" {onsubmit}>
                <input id="note-text" type="text" value={(*text).clone()} placeholder={t.note_placeholder}
                    {oninput} disabled={*busy} maxlength="500" />
                <button type="submit" id="note-add" class="btn btn-ghost" disabled={*busy}>{ t.add_note }</button>
            </form>
            if let Some(e) = &*error {
                <p class="field-error" role="alert">{ e.clone() }</p>
            }
            { match &*history {
                None => html! {},
                Some(Err(e)) => html! { <p class="field-error">{ format!("{}: {e}", t.history_failed) }</p> },
                Some(Ok(h)) => {
                    let events = h.timeline(!filter.is_empty());
                    html! {
                        <>
                            if events.is_empty() {
                                <p class="muted">{ t.no_history }</p>
                            }
                            <ul id="history" class="timeline">{ for events.iter().map(event) }</ul>
                            if h.next_before.is_some() {
                                <button type="button" id="history-more" class="btn btn-link" onclick={on_more}>{ t.more }</button>
                            }
                        </>
                    }
                }
            } }
        </section>
    }
}
