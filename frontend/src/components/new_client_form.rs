//! Registering a client: individual or legal, name, phones, one or more
//! addresses with a contact. The draft lives in the console's state, so a
//! server error (shown next to the field it names) loses nothing. Possible
//! duplicates show above the Save button as they are found; with a client of
//! the same phone on the list, saving takes one more, explicit "create anyway".

use rodnik_shared::api::{SimilarClient, SimilarReason};
use rodnik_shared::ClientKind;
use web_sys::{HtmlButtonElement, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::{kind_label, Lang};
use crate::state::console::{error_for, unplaced, ClientDraft, ClientEdit};

#[derive(Properties, PartialEq)]
pub struct NewClientFormProps {
    pub draft: ClientDraft,
    pub lang: Lang,
    pub on_edit: Callback<ClientEdit>,
    pub on_submit: Callback<()>,
    /// Save despite a client with the same phone.
    pub on_create_anyway: Callback<()>,
    /// Show this possible duplicate's card instead.
    pub on_open: Callback<String>,
    /// Shown above the form (the pop says why it is here).
    #[prop_or_default]
    pub lead: Option<AttrValue>,
}

pub(crate) fn value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

pub(crate) fn field_error(errors: &[(String, String)], key: &str) -> Html {
    let errors = errors.to_vec();
    match error_for(&errors, key) {
        Some(m) => {
            html! { <span class="field-error" data-field={key.to_string()} role="alert">{ m.to_string() }</span> }
        }
        None => html! {},
    }
}

fn exact(errors: &[(String, String)], key: &str) -> Vec<(String, String)> {
    errors.iter().filter(|(f, _)| f == key).cloned().collect()
}

struct DuplicateTexts {
    title: &'static str,
    phone: &'static str,
    name: &'static str,
    address: &'static str,
    open: &'static str,
    same_phone: &'static str,
    create_anyway: &'static str,
}

fn duplicate_texts(lang: Lang) -> &'static DuplicateTexts {
    match lang {
        Lang::En => &DuplicateTexts {
            title: "Possible duplicates",
            phone: "same phone",
            name: "similar name",
            address: "similar address",
            open: "Open",
            same_phone: "A client with this phone already exists. Open them above, or create a new client anyway.",
            create_anyway: "Create anyway",
        },
        Lang::Ru => &DuplicateTexts {
            title: "Возможные дубли",
            phone: "тот же телефон",
            name: "похожее имя",
            address: "похожий адрес",
            open: "Открыть",
            same_phone: "Клиент с этим телефоном уже есть. Откройте его выше или всё равно создайте нового.",
            create_anyway: "Всё равно создать",
        },
    }
}

fn reason_code(r: SimilarReason) -> &'static str {
    match r {
        SimilarReason::Phone => "phone",
        SimilarReason::Name => "name",
        SimilarReason::Address => "address",
    }
}

fn similar_list(list: &[SimilarClient], lang: Lang, on_open: &Callback<String>) -> Html {
    if list.is_empty() {
        return html! {};
    }
    let t = duplicate_texts(lang);
    let reason_text = |r: SimilarReason| match r {
        SimilarReason::Phone => t.phone,
        SimilarReason::Name => t.name,
        SimilarReason::Address => t.address,
    };
    html! {
        <section id="similar" class="similar" aria-live="polite">
            <h3>{ t.title }</h3>
            <ul>
                { for list.iter().map(|s| {
                    let c = &s.client;
                    let onclick = {
                        let (on_open, id) = (on_open.clone(), c.id.clone());
                        Callback::from(move |_: MouseEvent| on_open.emit(id.clone()))
                    };
                    let reasons = s.reasons.iter().map(|r| reason_code(*r)).collect::<Vec<_>>().join(" ");
                    let phones = c.phones.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
                    // The address that matched, else the first.
                    let address = s.address_ids.first()
                        .and_then(|id| c.addresses.iter().find(|a| &a.id == id))
                        .or_else(|| c.addresses.first())
                        .map(|a| a.text.clone())
                        .unwrap_or_default();
                    html! {
                        <li class="similar-client" data-id={c.id.clone()} data-reasons={reasons}>
                            <div class="who">
                                <span class="name">{ c.name.clone() }</span>
                                <span class={classes!("kind", c.kind.as_str())}>{ kind_label(lang, c.kind) }</span>
                                { for s.reasons.iter().map(|r| html! {
                                    <span class={classes!("reason", reason_code(*r))}>{ reason_text(*r) }</span>
                                }) }
                            </div>
                            <div class="where muted">{ phones }{ " · " }{ address }</div>
                            <button type="button" class="btn btn-ghost open-similar" {onclick}>{ t.open }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[function_component]
pub fn NewClientForm(p: &NewClientFormProps) -> Html {
    let t = p.lang.t();
    let d = &p.draft;
    let edit = |f: fn(String) -> ClientEdit| {
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: InputEvent| on_edit.emit(f(value(e))))
    };
    let onsubmit = {
        let on_submit = p.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_submit.emit(());
        })
    };
    let kinds = [ClientKind::Individual, ClientKind::Legal].map(|k| {
        let onchange = {
            let on_edit = p.on_edit.clone();
            Callback::from(move |_: Event| on_edit.emit(ClientEdit::Kind(k)))
        };
        let id = format!("client-kind-{}", k.as_str());
        html! {
            <label class="radio" for={id.clone()}>
                <input type="radio" id={id} name="kind" value={k.as_str()}
                    checked={d.kind == k} {onchange} disabled={d.busy} />
                { kind_label(p.lang, k) }
            </label>
        }
    });
    let mut keys = vec![
        "kind".to_string(),
        "name".to_string(),
        "phones".to_string(),
        "addresses".to_string(),
    ];
    let addresses = d.addresses.iter().enumerate().map(|(i, a)| {
        let k = |f: &str| format!("addresses[{i}].{f}");
        keys.extend([k("text"), k("contact_name"), k("contact_phone")]);
        let on = |f: fn(usize, String) -> ClientEdit| {
            let on_edit = p.on_edit.clone();
            Callback::from(move |e: InputEvent| on_edit.emit(f(i, value(e))))
        };
        let remove = {
            let on_edit = p.on_edit.clone();
            Callback::from(move |_: MouseEvent| on_edit.emit(ClientEdit::RemoveAddress(i)))
        };
        html! {
            <fieldset class="address-draft" data-index={i.to_string()}>
                <label for={format!("new-client-address-{i}")}>{ t.address }</label>
                <input id={format!("new-client-address-{i}")} class="address-text" type="text"
                    value={a.text.clone()} oninput={on(ClientEdit::AddressText)} disabled={d.busy} />
                { field_error(&d.errors, &k("text")) }
                <div class="row2">
                    <div>
                        <label for={format!("new-client-contact-{i}")}>{ t.contact_name }</label>
                        <input id={format!("new-client-contact-{i}")} class="contact-name" type="text"
                            value={a.contact_name.clone()} oninput={on(ClientEdit::ContactName)} disabled={d.busy} />
                        { field_error(&d.errors, &k("contact_name")) }
                    </div>
                    <div>
                        <label for={format!("new-client-contact-phone-{i}")}>{ t.contact_phone }</label>
                        <input id={format!("new-client-contact-phone-{i}")} class="contact-phone" type="tel"
                            value={a.contact_phone.clone()} oninput={on(ClientEdit::ContactPhone)} disabled={d.busy} />
                        { field_error(&d.errors, &k("contact_phone")) }
                    </div>
                </div>
                if d.addresses.len() > 1 {
                    <button type="button" class="btn btn-link remove-address" onclick={remove}>{ t.remove }</button>
                }
            </fieldset>
        }
    }).collect::<Html>();
    let add_address = {
        let on_edit = p.on_edit.clone();
        Callback::from(move |_: MouseEvent| on_edit.emit(ClientEdit::AddAddress))
    };
    let rest = unplaced(&d.errors, &keys);
    let dup = duplicate_texts(p.lang);
    let anyway_ref = use_node_ref();
    {
        // Asked to confirm: Enter now means "create anyway".
        let anyway_ref = anyway_ref.clone();
        use_effect_with(d.confirm, move |confirm| {
            if *confirm {
                if let Some(b) = anyway_ref.cast::<HtmlButtonElement>() {
                    let _ = b.focus();
                    b.scroll_into_view_with_bool(false);
                }
            }
        });
    }
    let create_anyway = {
        let on = p.on_create_anyway.clone();
        Callback::from(move |_: MouseEvent| on.emit(()))
    };

    html! {
        <form id="new-client-form" class="new-client" {onsubmit} novalidate=true>
            <h2>{ t.new_client }</h2>
            if let Some(lead) = &p.lead {
                <p class="lead">{ lead.clone() }</p>
            }
            <div class="kinds" role="radiogroup" aria-label={t.client_kind}>{ for kinds }</div>
            { field_error(&d.errors, "kind") }
            <label for="new-client-name">{ t.client_name }</label>
            <input id="new-client-name" type="text" value={d.name.clone()} autofocus=true
                oninput={edit(ClientEdit::Name)} disabled={d.busy} />
            { field_error(&d.errors, "name") }
            <label for="new-client-phones">{ t.phones }<span class="hint">{ " · " }{ t.phones_hint }</span></label>
            <input id="new-client-phones" type="tel" value={d.phones.clone()}
                oninput={edit(ClientEdit::Phones)} disabled={d.busy} />
            { field_error(&d.errors, "phones") }
            { addresses }
            // Only "addresses" itself: `addresses[0].text` has its own place.
            { field_error(&exact(&d.errors, "addresses"), "addresses") }
            { for rest.iter().map(|m| html! { <p class="form-error field-error">{ m.to_string() }</p> }) }
            { similar_list(&d.similar, p.lang, &p.on_open) }
            if d.confirm {
                <p id="duplicate-warning" class="banner warning" role="alert">{ dup.same_phone }</p>
            }
            <div class="actions">
                <button type="button" id="add-address" class="btn btn-ghost" onclick={add_address} disabled={d.busy}>
                    { t.add_address }
                </button>
                if d.confirm {
                    <button type="button" id="create-anyway" class="btn btn-danger" ref={anyway_ref}
                        onclick={create_anyway} disabled={d.busy}>
                        { dup.create_anyway }
                    </button>
                } else {
                    <button type="submit" id="save-client" class="btn btn-primary" disabled={d.busy}>
                        { if d.busy { t.saving } else { t.save_client } }
                    </button>
                }
            </div>
        </form>
    }
}
