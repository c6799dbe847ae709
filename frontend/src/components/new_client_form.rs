//! Registering a client: individual or legal, name, phones, one or more
//! addresses with a contact. The draft lives in the console's state, so a
//! server error (shown next to the field it names) loses nothing.

use rodnik_shared::ClientKind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{kind_label, Lang};
use crate::state::console::{error_for, unplaced, ClientDraft, ClientEdit};

#[derive(Properties, PartialEq)]
pub struct NewClientFormProps {
    pub draft: ClientDraft,
    pub lang: Lang,
    pub on_edit: Callback<ClientEdit>,
    pub on_submit: Callback<()>,
    /// Shown above the form (the pop says why it is here).
    #[prop_or_default]
    pub lead: Option<AttrValue>,
}

fn value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn field_error(errors: &[(String, String)], key: &str) -> Html {
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
            <div class="actions">
                <button type="button" id="add-address" class="btn btn-ghost" onclick={add_address} disabled={d.busy}>
                    { t.add_address }
                </button>
                <button type="submit" id="save-client" class="btn btn-primary" disabled={d.busy}>
                    { if d.busy { t.saving } else { t.save_client } }
                </button>
            </div>
        </form>
    }
}
