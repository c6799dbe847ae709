//! An act of reconciliation (акт сверки) for any client and period: find the
//! client (`ClientPick`: `GET /api/clients?q=`, legal clients first),
//! pick the period (from the first of the year to today by default), make
//! the act (`POST /api/documents/reconciliation`) and download its PDF or
//! XLSX. A 422 shows at its field.

use rodnik_shared::api::{ClientSummary, Document, NewReconciliation};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::client_pick::ClientPick;
use super::FileLink;
use crate::api::{new_idempotency_key, Api};
use crate::components::new_client_form::field_error;
use crate::i18n::documents::texts;
use crate::state::documents::{field_error as api_field_error, reconciliation_period, FieldError};
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ReconProps {
    /// An act was made.
    pub on_made: Callback<()>,
}

#[function_component]
pub fn ReconciliationPanel(p: &ReconProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let picked = use_state(|| None::<ClientSummary>);
    let period = use_state(|| reconciliation_period(crate::clock::today_date()));
    let busy = use_state(|| false);
    let errors = use_state(Vec::<FieldError>::new);
    let made = use_state(|| None::<Document>);
    let file_error = use_state(|| None::<String>);

    let on_pick = {
        let (picked, errors, made) = (picked.clone(), errors.clone(), made.clone());
        Callback::from(move |c: Option<ClientSummary>| {
            picked.set(c);
            errors.set(vec![]);
            made.set(None);
        })
    };
    let on_date = |from: bool| {
        let (period, made) = (period.clone(), made.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*period).clone();
            if from {
                next.0 = v;
            } else {
                next.1 = v;
            }
            period.set(next);
            made.set(None);
        })
    };
    let onsubmit = {
        let (picked, period, busy, errors, made, token, on_made) = (
            picked.clone(),
            period.clone(),
            busy.clone(),
            errors.clone(),
            made.clone(),
            token.clone(),
            p.on_made.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let Some(client) = (*picked).clone() else {
                errors.set(vec![(
                    "client_id".to_string(),
                    texts(lang).recon_pick_client.to_string(),
                )]);
                return;
            };
            let req = NewReconciliation {
                client_id: client.id.clone(),
                from: period.0.clone(),
                to: period.1.clone(),
            };
            busy.set(true);
            errors.set(vec![]);
            let (busy, errors, made, token, on_made) = (
                busy.clone(),
                errors.clone(),
                made.clone(),
                token.clone(),
                on_made.clone(),
            );
            spawn_local(async move {
                let key = new_idempotency_key();
                match Api::with_token(&token).reconciliation(&req, &key).await {
                    Ok(d) => {
                        made.set(Some(d));
                        on_made.emit(());
                    }
                    Err(e) => errors.set(vec![api_field_error(lang, &e)]),
                }
                busy.set(false);
            });
        })
    };
    let on_file_error = {
        let file_error = file_error.clone();
        Callback::from(move |m: String| file_error.set(Some(m)))
    };

    let client = html! { <ClientPick prefix="recon" picked={(*picked).clone()} {on_pick} /> };
    let result = made.as_ref().map(|d| {
        let money = |m: Option<rodnik_shared::Money>| {
            crate::money::text(lang, m.unwrap_or(rodnik_shared::Money::ZERO))
        };
        html! {
            <div id="recon-result" class="recon-result banner ok" data-id={d.id.clone()}
                data-number={d.number.clone()} data-closing={d.closing.map(|m| m.0).unwrap_or(0).to_string()}>
                <span>{ format!("{} {}", t.recon_made, d.number) }</span>
                <span class="recon-balances">
                    { format!("{} {} · {} {}", t.opening, money(d.opening), t.closing_balance, money(d.closing)) }
                </span>
                <span class="recon-files">
                    <FileLink id={d.id.clone()} format="pdf" on_error={on_file_error.clone()} />
                    <FileLink id={d.id.clone()} format="xlsx" on_error={on_file_error.clone()} />
                </span>
            </div>
        }
    });
    html! {
        <form id="doc-recon" class="doc-panel doc-recon" {onsubmit} novalidate=true>
            <h2>{ t.recon_title }</h2>
            <label for="recon-search">{ t.recon_client }</label>
            { client }
            { field_error(&errors, "client_id") }
            <div class="recon-period">
                <label for="recon-from">{ t.recon_from }</label>
                <input id="recon-from" type="date" value={period.0.clone()} onchange={on_date(true)} />
                <label for="recon-to">{ t.recon_to }</label>
                <input id="recon-to" type="date" value={period.1.clone()} onchange={on_date(false)} />
            </div>
            { field_error(&errors, "from") }
            { field_error(&errors, "to") }
            { for errors.iter().filter(|(f, _)| !["client_id", "from", "to"].contains(&f.as_str())).map(|(_, m)| html! {
                <p class="form-error" role="alert">{ m.clone() }</p>
            }) }
            <button id="recon-make" type="submit" class="btn btn-primary" disabled={*busy}>
                { if *busy { t.recon_making } else { t.recon_make } }
            </button>
            { for result }
            if let Some(m) = &*file_error {
                <p class="form-error" role="alert">{ m.clone() }</p>
            }
        </form>
    }
}
