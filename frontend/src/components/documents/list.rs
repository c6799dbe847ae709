//! The month's documents (`GET /api/documents?month=`): date, kind, number,
//! client, total, whether and where it was e-mailed (or why not), and per
//! row the PDF and XLSX downloads and "Отправить" (`POST
//! /api/documents/{id}/send`; a refusal shows in the row).

use std::collections::HashMap;

use rodnik_shared::api::{Document, DocumentKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::FileLink;
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::components::reports::format;
use crate::i18n::documents::{kind_label, texts};
use crate::i18n::Lang;
use crate::state::documents::localize;
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ListProps {
    /// `YYYY-MM`.
    pub month: AttrValue,
    /// Grows when the documents may have changed: load again.
    pub reload: u32,
}

#[derive(Clone, PartialEq)]
enum Loaded {
    Loading,
    Docs(Vec<Document>),
    Failed(String),
}

/// A refused send, in words.
fn send_error(lang: Lang, e: &ApiError) -> String {
    let t = texts(lang);
    match (e.field(), e) {
        (Some("requisites.email"), _) => t.no_client_email.to_string(),
        (Some("send" | "smtp.host" | "smtp.from" | "smtp.security"), _) => {
            t.no_mail_server.to_string()
        }
        (_, ApiError::Network(_)) => lang.t().network_error.to_string(),
        (field, _) => localize(lang, field.unwrap_or_default(), &e.message()),
    }
}

#[function_component]
pub fn DocumentsList(p: &ListProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let loaded = use_state(|| Loaded::Loading);
    let sending = use_state(HashMap::<String, bool>::new);
    let row_errors = use_state(HashMap::<String, String>::new);
    let file_error = use_state(|| None::<String>);
    let seq = use_mut_ref(|| 0u32);
    let refresh = use_state(|| 0u32);

    {
        let (loaded, token, seq) = (loaded.clone(), token.clone(), seq.clone());
        use_effect_with(
            (p.month.clone(), p.reload, *refresh),
            move |(month, _, _)| {
                let mine = {
                    let mut s = seq.borrow_mut();
                    *s += 1;
                    *s
                };
                let month = month.to_string();
                spawn_local(async move {
                    let r = Api::with_token(&token).documents_of(&month).await;
                    if *seq.borrow() != mine {
                        return;
                    }
                    match r {
                        Ok(d) => loaded.set(Loaded::Docs(d)),
                        Err(e) => loaded.set(Loaded::Failed(e.message())),
                    }
                });
            },
        );
    }

    let on_file_error = {
        let file_error = file_error.clone();
        Callback::from(move |m: String| file_error.set(Some(m)))
    };
    let send = {
        let (loaded, sending, row_errors, token, refresh) = (
            loaded.clone(),
            sending.clone(),
            row_errors.clone(),
            token.clone(),
            refresh.clone(),
        );
        move |id: String| {
            let (loaded, sending, row_errors, token, refresh) = (
                loaded.clone(),
                sending.clone(),
                row_errors.clone(),
                token.clone(),
                refresh.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                if sending.get(&id).copied().unwrap_or(false) {
                    return;
                }
                let mut s = (*sending).clone();
                s.insert(id.clone(), true);
                sending.set(s.clone());
                let mut errs = (*row_errors).clone();
                errs.remove(&id);
                row_errors.set(errs.clone());
                let (loaded, sending, row_errors, token, refresh, id) = (
                    loaded.clone(),
                    sending.clone(),
                    row_errors.clone(),
                    token.clone(),
                    refresh.clone(),
                    id.clone(),
                );
                spawn_local(async move {
                    let key = new_idempotency_key();
                    let r = Api::with_token(&token).send_document(&id, &key).await;
                    let mut s = s;
                    s.remove(&id);
                    sending.set(s);
                    match r {
                        Ok(doc) => {
                            if let Loaded::Docs(docs) = &*loaded {
                                let docs = docs
                                    .iter()
                                    .map(|d| {
                                        if d.id == doc.id {
                                            doc.clone()
                                        } else {
                                            d.clone()
                                        }
                                    })
                                    .collect();
                                loaded.set(Loaded::Docs(docs));
                            }
                        }
                        Err(e) => {
                            let mut errs = errs;
                            errs.insert(id.clone(), send_error(lang, &e));
                            row_errors.set(errs);
                            // A refused send is kept on the document (`send_error`).
                            if matches!(e, ApiError::Api { status: 502, .. }) {
                                refresh.set(*refresh + 1);
                            }
                        }
                    }
                });
            })
        }
    };

    let body = match &*loaded {
        Loaded::Loading => html! {
            <tr class="empty"><td colspan="8">{ lang.t().loading }</td></tr>
        },
        Loaded::Failed(m) => html! {
            <tr class="empty"><td colspan="8" class="form-error" id="doc-list-error">{ format!("{}: {m}", t.load_failed) }</td></tr>
        },
        Loaded::Docs(docs) if docs.is_empty() => html! {
            <tr class="empty"><td colspan="8" id="doc-list-empty">{ t.empty }</td></tr>
        },
        Loaded::Docs(docs) => html! {
            { for docs.iter().map(|d| {
                let busy = sending.get(&d.id).copied().unwrap_or(false);
                let error = row_errors.get(&d.id).cloned();
                row(lang, d, busy, error, send(d.id.clone()), on_file_error.clone())
            }) }
        },
    };
    let count = match &*loaded {
        Loaded::Docs(d) => d.len().to_string(),
        _ => String::new(),
    };
    let reload = {
        let refresh = refresh.clone();
        Callback::from(move |_: MouseEvent| refresh.set(*refresh + 1))
    };
    html! {
        <section id="doc-list" class="doc-list" data-month={p.month.clone()} data-count={count}
            aria-busy={(*loaded == Loaded::Loading).to_string()}>
            <div class="doc-list-head">
                <h2>{ format!("{} {}", t.list_title, format::month_label(lang, &p.month)) }</h2>
                <button id="doc-list-reload" type="button" class="btn btn-ghost" onclick={reload}>{ t.reload }</button>
                <super::export::AccountingExport month={p.month.clone()} on_error={on_file_error.clone()} />
                if let Some(m) = &*file_error {
                    <span id="doc-file-error" class="form-error" role="alert">{ m.clone() }</span>
                }
            </div>
            <div class="doc-table-wrap">
                <table class="doc-table" id="doc-table">
                    <thead>
                        <tr>
                            <th>{ t.col_date }</th>
                            <th>{ t.col_kind }</th>
                            <th>{ t.col_number }</th>
                            <th>{ t.col_client }</th>
                            <th class="num">{ t.col_total }</th>
                            <th>{ crate::i18n::money::texts(lang).col_paid }</th>
                            <th>{ t.col_sent }</th>
                            <th>{ t.col_actions }</th>
                        </tr>
                    </thead>
                    <tbody>{ body }</tbody>
                </table>
            </div>
        </section>
    }
}

fn row(
    lang: Lang,
    d: &Document,
    busy: bool,
    error: Option<String>,
    on_send: Callback<MouseEvent>,
    on_file_error: Callback<String>,
) -> Html {
    let t = texts(lang);
    let kind = match (d.kind, &d.corrects_number) {
        (DocumentKind::Correction, Some(n)) => {
            format!("{} {}{n}", kind_label(lang, d.kind), t.corrects)
        }
        _ => kind_label(lang, d.kind).to_string(),
    };
    let (sent_state, sent) = match (&d.sent_at, &d.send_error) {
        (Some(at), _) => (
            "sent",
            format!(
                "{} · {}",
                d.sent_to.clone().unwrap_or_default(),
                crate::clock::date_time_of(at)
            ),
        ),
        (None, Some(e)) => ("failed", format!("{} {e}", t.send_failed)),
        (None, None) => ("none", t.not_sent.to_string()),
    };
    html! {
        <tr key={d.id.clone()} class={classes!("doc-row", d.kind.as_str())} data-id={d.id.clone()}
            data-kind={d.kind.as_str()} data-number={d.number.clone()} data-total={d.total.0.to_string()}
            data-client-id={d.client_id.clone()}>
            <td class="doc-date">{ format::date(lang, &d.date) }</td>
            <td class="doc-kind">{ kind }</td>
            <td class="doc-number">{ d.number.clone() }</td>
            <td class="doc-client">{ d.buyer.name.clone() }</td>
            <td class="doc-total num">{ crate::money::number(lang, d.total) }</td>
            { paid_cell(lang, d) }
            <td class={classes!("doc-sent", sent_state)} data-state={sent_state}>
                { sent }
                if let Some(e) = error {
                    <span class="doc-send-error form-error" role="alert">{ e }</span>
                }
            </td>
            <td class="doc-actions">
                <FileLink id={d.id.clone()} format="pdf" on_error={on_file_error.clone()} />
                <FileLink id={d.id.clone()} format="xlsx" on_error={on_file_error} />
                <button type="button" class="btn btn-ghost doc-send" data-id={d.id.clone()}
                    disabled={busy} onclick={on_send}>{ if busy { t.sending } else { t.send } }</button>
            </td>
        </tr>
    }
}

/// An invoice's payment: "Оплачен 03.12.2026", "Оплачено 500,00 из 850,00",
/// "Не оплачен"; empty for other documents.
fn paid_cell(lang: Lang, d: &Document) -> Html {
    let Some(paid) = crate::state::money::Paid::of(d) else {
        return html! { <td class="doc-paid"></td> };
    };
    let day = match &paid {
        crate::state::money::Paid::Full { at } => paid_day(at),
        _ => String::new(),
    };
    html! {
        <td class={classes!("doc-paid", paid.code())} data-state={paid.code()}
            data-paid={d.paid_amount.map(|m| m.0).unwrap_or(0).to_string()}>
            { paid.text(lang, &day) }
        </td>
    }
}

/// The day an instant falls on in the company's zone, `DD.MM.YYYY`.
fn paid_day(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => crate::clock::local(t.timestamp_millis() as f64)
            .format("%d.%m.%Y")
            .to_string(),
        Err(_) => crate::state::money::day(at),
    }
}
