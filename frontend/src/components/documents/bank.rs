//! "Выписка банка": the bank's statement file (1CClientBankExchange, .txt)
//! picked and sent as it is (`POST /api/bank/statements`, the file's bytes
//! as the body); then its period, how many incoming payments were matched
//! (and for how much), not recognised, loaded before, the payments out left
//! alone, and the payments it added. A refused file says why.

use rodnik_shared::api::{BankPayment, BankPaymentState, StatementImport};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::money::{matched_by_label, state_label, texts};
use crate::i18n::Lang;
use crate::state::money::{day, period, upload_error};
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct StatementProps {
    /// Payments were added: the lists load again.
    pub on_imported: Callback<()>,
}

#[function_component]
pub fn StatementPanel(p: &StatementProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let input = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let result = use_state(|| None::<StatementImport>);

    let onsubmit = {
        let (input, busy, error, result, on_imported) = (
            input.clone(),
            busy.clone(),
            error.clone(),
            result.clone(),
            p.on_imported.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let file = input
                .cast::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            let Some(file) = file else {
                error.set(Some(texts(lang).bank_pick_file.to_string()));
                return;
            };
            busy.set(true);
            error.set(None);
            let (busy, error, result, on_imported, token) = (
                busy.clone(),
                error.clone(),
                result.clone(),
                on_imported.clone(),
                token.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).import_statement(&file).await {
                    Ok(r) => {
                        result.set(Some(r));
                        on_imported.emit(());
                    }
                    Err(e) => {
                        result.set(None);
                        let t = texts(lang);
                        error.set(Some(format!(
                            "{}: {}",
                            t.bank_failed,
                            upload_error(lang, &e)
                        )));
                    }
                }
                busy.set(false);
            });
        })
    };
    let onchange = {
        let error = error.clone();
        Callback::from(move |_: Event| error.set(None))
    };

    html! {
        <form id="bank-statement" class="doc-panel bank-statement" {onsubmit} novalidate=true>
            <h2>{ t.bank_title }</h2>
            <label for="bank-file">{ t.bank_hint }</label>
            <input id="bank-file" type="file" accept=".txt,text/plain" ref={input} {onchange}
                aria-label={t.bank_file} />
            if let Some(m) = &*error {
                <p id="bank-error" class="form-error field-error" data-field="file" role="alert">{ m.clone() }</p>
            }
            <button id="bank-upload" type="submit" class="btn btn-primary" disabled={*busy}>
                { if *busy { t.bank_uploading } else { t.bank_upload } }
            </button>
            if let Some(r) = &*result {
                { summary(lang, r) }
            }
        </form>
    }
}

fn summary(lang: Lang, r: &StatementImport) -> Html {
    let t = texts(lang);
    let figure = |id: &'static str, label: &'static str, n: i64, extra: Option<String>| {
        html! {
            <li id={id} data-value={n.to_string()}>
                { format!("{label}: ") }<b>{ n }</b>
                if let Some(x) = extra { { format!(" ({x})") } }
            </li>
        }
    };
    html! {
        <div id="bank-result" class="bank-result" data-incoming={r.incoming.to_string()}
            data-matched={r.matched.to_string()} data-unmatched={r.unmatched.to_string()}
            data-duplicates={r.duplicates.to_string()} data-outgoing={r.outgoing.to_string()}
            data-matched-amount={r.matched_amount.0.to_string()}>
            <p class="bank-period">
                { format!("{}: {} · {}: {}", t.period, period(r), t.documents, r.documents) }
            </p>
            <ul class="doc-job-counts bank-counts">
                { figure("bank-incoming", t.incoming, r.incoming, None) }
                { figure("bank-matched", t.matched, r.matched,
                    Some(crate::money::text(lang, r.matched_amount))) }
                { figure("bank-unmatched", t.unmatched, r.unmatched, None) }
                { figure("bank-duplicates", t.duplicates, r.duplicates, None) }
                { figure("bank-outgoing", t.outgoing, r.outgoing, None) }
            </ul>
            <h4>{ t.new_payments }</h4>
            if r.payments.is_empty() {
                <p id="bank-new-none" class="muted">{ t.no_new_payments }</p>
            } else {
                <ul id="bank-new" class="bank-new">
                    { for r.payments.iter().map(|b| payment(lang, b)) }
                </ul>
            }
        </div>
    }
}

fn payment(lang: Lang, b: &BankPayment) -> Html {
    let how = match (b.state, &b.client_name, b.matched_by) {
        (BankPaymentState::Matched, Some(name), Some(by)) => {
            format!("→ {name}, {}", matched_by_label(lang, by))
        }
        (BankPaymentState::Matched, Some(name), None) => format!("→ {name}"),
        (s, _, _) => state_label(lang, s).to_string(),
    };
    html! {
        <li class={classes!("bank-payment", b.state.as_str())} data-id={b.id.clone()}
            data-state={b.state.as_str()} data-number={b.number.clone()}
            data-client-id={b.client_id.clone().unwrap_or_default()}>
            <span class="bank-payment-head">
                { format!("№ {} {} · {}", b.number, day(&b.date), b.payer_name) }
            </span>
            <b class="num">{ crate::money::text(lang, b.amount) }</b>
            <span class="bank-payment-how">{ how }</span>
        </li>
    }
}
