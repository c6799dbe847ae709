//! A manager's form for the client's contract (issue 20): number, date,
//! days of deferment, credit limit and an allowance to deliver past a hold
//! until a day (`PUT /api/clients/{id}/contract` at the client's version).
//! A change made meanwhile (409 `stale_version`) reloads the card and keeps
//! what was typed; saving again applies it to the client as it is now.

use rodnik_shared::api::{ClientCard, ClientSummary};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::new_client_form::value;
use crate::api::Api;
use crate::i18n::account::texts;
use crate::i18n::Lang;
use crate::state::account::{ContractDraft, FieldError};

#[derive(Properties, PartialEq)]
pub struct ContractFormProps {
    pub client: ClientSummary,
    pub token: AttrValue,
    pub lang: Lang,
    /// Saved: the card as the server now has it.
    pub on_saved: Callback<ClientCard>,
    /// Refused as stale: the card reloads.
    pub on_stale: Callback<()>,
    pub on_close: Callback<()>,
}

const FIELDS: [&str; 5] = [
    "number",
    "date",
    "payment_days",
    "credit_limit",
    "allowed_until",
];

#[function_component]
pub fn ContractForm(p: &ContractFormProps) -> Html {
    let t = texts(p.lang);
    let comma = p.lang == Lang::Ru;
    let of = move |c: Option<&rodnik_shared::api::Contract>| {
        ContractDraft::of(c, crate::clock::today_date(), comma)
    };
    let draft = {
        let contract = p.client.contract.clone();
        use_state(move || of(contract.as_ref()))
    };
    // What the form started from: a contract changed meanwhile (a stale
    // save reloads the card) replaces the fields not typed into.
    let base = {
        let contract = p.client.contract.clone();
        use_mut_ref(move || of(contract.as_ref()))
    };
    {
        let (draft, base) = (draft.clone(), base.clone());
        use_effect_with(p.client.contract.clone(), move |c| {
            let fresh = of(c.as_ref());
            let mut was = base.borrow_mut();
            if *was != fresh {
                draft.set(draft.rebased(&was, &fresh));
                *was = fresh;
            }
        });
    }
    let errors = use_state(Vec::<FieldError>::new);
    let busy = use_state(|| false);
    let stale = use_state(|| false);
    let onsubmit = {
        let (draft, errors, busy, stale) =
            (draft.clone(), errors.clone(), busy.clone(), stale.clone());
        let (client_id, version, token, lang) = (
            p.client.id.clone(),
            p.client.version,
            p.token.clone(),
            p.lang,
        );
        let (on_saved, on_stale) = (p.on_saved.clone(), p.on_stale.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let req = match draft.to_request(version, texts(lang)) {
                Ok(r) => r,
                Err(e) => return errors.set(e),
            };
            busy.set(true);
            let (errors, busy, stale, token, id, on_saved, on_stale) = (
                errors.clone(),
                busy.clone(),
                stale.clone(),
                token.clone(),
                client_id.clone(),
                on_saved.clone(),
                on_stale.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).put_contract(&id, &req).await {
                    Ok(card) => {
                        errors.set(vec![]);
                        stale.set(false);
                        on_saved.emit(card);
                    }
                    Err(e) if e.is_stale() => {
                        errors.set(vec![]);
                        stale.set(true);
                        on_stale.emit(());
                    }
                    Err(e) => errors.set(vec![e.field_error(lang)]),
                }
                busy.set(false);
            });
        })
    };
    let edit = |f: fn(&mut ContractDraft, String)| {
        let (draft, errors) = (draft.clone(), errors.clone());
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(&mut d, value(e));
            draft.set(d);
            errors.set(vec![]);
        })
    };
    let error_at = |field: &str| {
        errors
            .iter()
            .filter(|(f, _)| f == field || (field.is_empty() && !FIELDS.contains(&f.as_str())))
            .map(|(f, m)| {
                html! { <span class="field-error" data-field={f.clone()} role="alert">{ m.clone() }</span> }
            })
            .collect::<Html>()
    };
    let cancel = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <form id="contract-form" class="account-form contract-form" {onsubmit} novalidate=true
            data-version={p.client.version.to_string()}>
            <h4>{ t.contract_title }</h4>
            if *stale {
                <p class="banner warning stale" role="alert">{ t.stale }</p>
            }
            <label>{ t.number }
                <input id="contract-number" type="text" value={draft.number.clone()}
                    oninput={edit(|d, v| d.number = v)} disabled={*busy} />
                { error_at("number") }
            </label>
            <label>{ t.date }
                <input id="contract-date" type="date" value={draft.date.clone()}
                    oninput={edit(|d, v| d.date = v)} disabled={*busy} />
                { error_at("date") }
            </label>
            <label>{ t.payment_days }
                <input id="contract-days" type="text" inputmode="numeric" value={draft.payment_days.clone()}
                    oninput={edit(|d, v| d.payment_days = v)} disabled={*busy} />
                { error_at("payment_days") }
            </label>
            <label>{ t.credit_limit }
                <input id="contract-limit" type="text" inputmode="decimal" placeholder={t.credit_limit_hint}
                    value={draft.credit_limit.clone()} oninput={edit(|d, v| d.credit_limit = v)} disabled={*busy} />
                { error_at("credit_limit") }
            </label>
            <label>{ t.allow_until }
                <input id="contract-allowed-until" type="date" min={crate::clock::today()}
                    value={draft.allowed_until.clone()} oninput={edit(|d, v| d.allowed_until = v)} disabled={*busy} />
                { error_at("allowed_until") }
            </label>
            { error_at("") }
            <div class="form-actions">
                <button id="contract-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.saving } else { t.save_contract } }
                </button>
                <button id="contract-cancel" type="button" class="btn btn-ghost" onclick={cancel}>{ t.cancel }</button>
            </div>
        </form>
    }
}
