//! Fiscal receipts on the staff's screens (issue 20, item 5): an order's
//! receipt line where its details open (fetched then, not for every row),
//! and the Money tab's receipts not yet registered; managers and admins
//! send a failed or pending one again ("Повторить").

use rodnik_shared::api::Receipt;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::receipts::{status_label, texts};
use crate::i18n::Lang;
use crate::state::receipts::{can_retry, receipt_line, STATUS_FILTER};
use crate::state::use_app;

/// "следующая попытка в 12:05" wants the time of `next_at` on screen.
fn line(lang: Lang, r: &Receipt) -> String {
    let next = r.next_at.as_deref().map(crate::clock::time_of);
    receipt_line(lang, r, next.as_deref())
}

#[derive(Properties, PartialEq)]
struct RetryProps {
    receipt: Receipt,
    lang: Lang,
    /// The receipt as the server has it after the retry.
    on_done: Callback<Receipt>,
}

/// "Повторить" with its own busy state and refusal.
#[function_component]
fn RetryButton(p: &RetryProps) -> Html {
    let app = use_app();
    let t = texts(p.lang);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let onclick = {
        let (busy, error, on_done, id) = (
            busy.clone(),
            error.clone(),
            p.on_done.clone(),
            p.receipt.id.clone(),
        );
        let token = app.token().unwrap_or_default().to_string();
        let lang = p.lang;
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, error, on_done, id, token) = (
                busy.clone(),
                error.clone(),
                on_done.clone(),
                id.clone(),
                token.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).retry_receipt(&id).await {
                    Ok(r) => {
                        error.set(None);
                        on_done.emit(r);
                    }
                    Err(e) => error.set(Some(match e.code() {
                        Some("receipt_not_retryable") => t.not_retryable.to_string(),
                        Some("retry") => t.changed.to_string(),
                        _ if matches!(e, crate::api::ApiError::Network(_)) => {
                            lang.t().network_error.to_string()
                        }
                        _ => e.message(),
                    })),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <>
            <button type="button" class="btn btn-link receipt-retry" disabled={*busy} {onclick}>
                { if *busy { t.retrying } else { t.retry } }
            </button>
            if let Some(e) = &*error {
                <span class="field-error receipt-retry-error" role="alert">{ format!("{}: {e}", t.retry_failed) }</span>
            }
        </>
    }
}

/// A list with one receipt put in its place (a retry's answer).
fn replaced(list: &[Receipt], r: Receipt) -> Vec<Receipt> {
    list.iter()
        .map(|x| if x.id == r.id { r.clone() } else { x.clone() })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct ReceiptLineProps {
    pub order_id: AttrValue,
    pub lang: Lang,
}

/// The receipts of one order (`GET /api/orders/{id}/receipts`), each as a
/// line; nothing when the order has none (a legal client, no cash register).
#[function_component]
pub fn ReceiptLine(p: &ReceiptLineProps) -> Html {
    let app = use_app();
    let lang = p.lang;
    let t = texts(lang);
    let manager = app
        .session
        .as_ref()
        .is_some_and(|s| s.user.role.is_manager_or_up());
    let list = use_state(|| None::<Result<Vec<Receipt>, String>>);
    {
        let (list, token) = (list.clone(), app.token().unwrap_or_default().to_string());
        use_effect_with(p.order_id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                let got = Api::with_token(&token).order_receipts(&id).await;
                list.set(Some(got.map_err(|e| e.message())));
            });
        });
    }
    let on_done = {
        let list = list.clone();
        Callback::from(move |r: Receipt| {
            if let Some(Ok(l)) = &*list {
                list.set(Some(Ok(replaced(l, r))));
            }
        })
    };
    let body = match &*list {
        None => html! {},
        Some(Err(e)) => html! {
            <p class="receipt-line field-error">{ format!("{}: {e}", t.load_failed) }</p>
        },
        Some(Ok(l)) => l
            .iter()
            .map(|r| {
                html! {
                    <p class="receipt-line" data-id={r.id.clone()} data-status={r.status.as_str()}
                        data-kind={r.kind.as_str()}>
                        <span class="receipt-text">{ line(lang, r) }</span>
                        if manager && can_retry(r) {
                            { " " }
                            <RetryButton receipt={r.clone()} {lang} on_done={on_done.clone()} />
                        }
                    </p>
                }
            })
            .collect(),
    };
    html! {
        <div class="order-receipts" data-order-id={p.order_id.clone()}
            data-loaded={list.is_some().to_string()}
            data-count={match &*list { Some(Ok(l)) => l.len().to_string(), _ => String::new() }}>
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReceiptsReportProps {
    pub lang: Lang,
    pub receipts: Vec<Receipt>,
    /// `""` (not registered) or a status.
    pub status: AttrValue,
    pub on_status: Callback<String>,
}

/// The Money tab's receipts (`GET /api/reports/receipts`), oldest first:
/// day, order, client, how it was paid, status and error, attempts; the
/// reports are for managers and admins, so every failed or pending row
/// has "Повторить".
#[function_component]
pub fn ReceiptsReport(p: &ReceiptsReportProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    // A retry's answer replaces its row until the report loads again.
    let shown = use_state(|| p.receipts.clone());
    {
        let shown = shown.clone();
        use_effect_with(p.receipts.clone(), move |r| shown.set(r.clone()));
    }
    let on_done = {
        let shown = shown.clone();
        Callback::from(move |r: Receipt| shown.set(replaced(&shown, r)))
    };
    let on_status = {
        let on = p.on_status.clone();
        Callback::from(move |e: Event| on.emit(crate::components::admin::select_value(&e)))
    };
    let money = |m: rodnik_shared::Money| crate::money::number(lang, m);
    let total: rodnik_shared::Money = shown.iter().map(|r| r.total).sum();
    let count = t
        .count
        .replace("{n}", &shown.len().to_string())
        .replace("{sum}", &crate::money::text(lang, total));
    html! {
        <div class="money-report" id="money-receipts" data-count={shown.len().to_string()}
            data-status={p.status.clone()}>
            <div class="receipts-bar">
                <label for="receipts-status">{ t.status_filter }</label>
                <select id="receipts-status" onchange={on_status}>
                    { for STATUS_FILTER.iter().map(|s| {
                        let label = match *s {
                            "" => t.not_done,
                            "pending" => status_label(lang, rodnik_shared::api::ReceiptStatus::Pending),
                            "wait" => status_label(lang, rodnik_shared::api::ReceiptStatus::Wait),
                            "failed" => status_label(lang, rodnik_shared::api::ReceiptStatus::Failed),
                            _ => status_label(lang, rodnik_shared::api::ReceiptStatus::Done),
                        };
                        html! { <option value={*s} selected={p.status.as_str() == *s}>{ label }</option> }
                    }) }
                </select>
                <span id="receipts-count" class="muted">{ count }</span>
            </div>
            if shown.is_empty() {
                <p id="receipts-empty" class="muted">{ t.none_left }</p>
            } else {
                <table id="receipts-table" class="report-table receipts-table">
                    <thead>
                        <tr>
                            <th>{ t.c_day }</th>
                            <th>{ t.c_order }</th>
                            <th>{ t.c_client }</th>
                            <th class="num">{ t.c_total }</th>
                            <th class="num">{ t.c_cash }</th>
                            <th class="num">{ t.c_electronic }</th>
                            <th class="num">{ t.c_credit }</th>
                            <th>{ t.c_status }</th>
                            <th class="num">{ t.c_attempts }</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for shown.iter().map(|r| html! {
                            <tr class="receipt-row" key={r.id.clone()} data-id={r.id.clone()}
                                data-status={r.status.as_str()} data-order-number={r.order_number.to_string()}
                                data-total={r.total.0.to_string()}
                                data-error={r.error.as_ref().map(|e| e.text.clone())}
                                data-attempts={r.attempts.to_string()} data-updated-at={r.updated_at.clone()}>
                                <td class="r-day">{ crate::state::money::day(&r.day) }</td>
                                <td class="r-order">{ format!("№{}", r.order_number) }</td>
                                <td class="r-client">{ r.client_name.clone() }</td>
                                <td class="num r-total">{ money(r.total) }</td>
                                <td class="num">{ money(r.cash) }</td>
                                <td class="num">{ money(r.electronic) }</td>
                                <td class="num">{ money(r.credit) }</td>
                                <td class="r-status">
                                    { line(lang, r) }
                                </td>
                                <td class="num r-attempts">{ r.attempts }</td>
                                <td>
                                    if can_retry(r) {
                                        <RetryButton receipt={r.clone()} {lang} on_done={on_done.clone()} />
                                    }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
