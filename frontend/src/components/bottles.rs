//! The client's bottle ledger on the card (issue 19): the latest movements
//! of their 19 L bottles, newest first, and for managers a correction with
//! its reason (`POST /api/clients/{id}/bottles`).

use rodnik_shared::api::{BottleMove, BottleMoveKind, ClientBottles, NewBottleMove};
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::new_client_form::value;
use crate::api::{new_idempotency_key, Api};
use crate::i18n::{client, Lang};

#[derive(Properties, PartialEq)]
pub struct LedgerProps {
    pub client_id: AttrValue,
    /// The card's count: a change (a delivery, a correction) reloads the ledger.
    pub balance: i64,
    pub token: AttrValue,
    pub lang: Lang,
    /// Managers may correct the count.
    pub manager: bool,
    /// A correction was recorded: the card reloads.
    pub on_moved: Callback<()>,
}

pub fn kind_label(lang: Lang, k: BottleMoveKind) -> &'static str {
    let t = client::texts(lang);
    match k {
        BottleMoveKind::Opening => t.move_opening,
        BottleMoveKind::Delivered => t.move_delivered,
        BottleMoveKind::Returned => t.move_returned,
        BottleMoveKind::Sold => t.move_sold,
        BottleMoveKind::DepositTaken => t.move_deposit_taken,
        BottleMoveKind::DepositRefunded => t.move_deposit_refunded,
        BottleMoveKind::WrittenOff => t.move_written_off,
        BottleMoveKind::Adjusted => t.move_adjusted,
    }
}

/// `+3`, `−1` (a real minus), `0`.
pub fn signed(n: i64) -> String {
    match n {
        n if n > 0 => format!("+{n}"),
        n if n < 0 => format!("−{}", n.unsigned_abs()),
        _ => "0".into(),
    }
}

#[function_component]
pub fn BottleLedger(p: &LedgerProps) -> Html {
    let t = client::texts(p.lang);
    let ledger = use_state(|| None::<Result<ClientBottles, String>>);
    let kind = use_state(|| "adjusted".to_string());
    let qty = use_state(String::new);
    let reason = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<(String, String)>);
    let load = {
        let (ledger, token, id) = (ledger.clone(), p.token.clone(), p.client_id.clone());
        move |before: Option<String>| {
            let (ledger, token, id) = (ledger.clone(), token.clone(), id.clone());
            spawn_local(async move {
                let page = Api::with_token(&token)
                    .client_bottles(&id, before.as_deref())
                    .await;
                let next = match (page, before, &*ledger) {
                    (Ok(mut page), Some(_), Some(Ok(had))) => {
                        let mut moves = had.moves.clone();
                        moves.append(&mut page.moves);
                        Ok(ClientBottles { moves, ..page })
                    }
                    (Ok(page), _, _) => Ok(page),
                    (Err(e), _, _) => Err(e.message()),
                };
                ledger.set(Some(next));
            });
        }
    };
    {
        let load = load.clone();
        use_effect_with((p.client_id.clone(), p.balance), move |_| load(None));
    }
    let onsubmit = {
        let (qty, reason, kind, busy, error) = (
            qty.clone(),
            reason.clone(),
            kind.clone(),
            busy.clone(),
            error.clone(),
        );
        let (token, id, lang, on_moved) = (
            p.token.clone(),
            p.client_id.clone(),
            p.lang,
            p.on_moved.clone(),
        );
        // One key per correction sent: a retry after a lost answer records it once.
        let key = use_mut_ref(new_idempotency_key);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let n = match qty.trim().replace('−', "-").parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    error.set(Some(("qty".into(), client::texts(lang).correct_qty.into())));
                    return;
                }
            };
            let req = NewBottleMove {
                kind: if *kind == "written_off" {
                    BottleMoveKind::WrittenOff
                } else {
                    BottleMoveKind::Adjusted
                },
                qty: n,
                reason: (*reason).clone(),
            };
            busy.set(true);
            let (qty, reason, busy, error, token, id, on_moved, key) = (
                qty.clone(),
                reason.clone(),
                busy.clone(),
                error.clone(),
                token.clone(),
                id.clone(),
                on_moved.clone(),
                key.clone(),
            );
            spawn_local(async move {
                let k = key.borrow().clone();
                match Api::with_token(&token).move_bottles(&id, &req, &k).await {
                    Ok(_) => {
                        *key.borrow_mut() = new_idempotency_key();
                        qty.set(String::new());
                        reason.set(String::new());
                        error.set(None);
                        on_moved.emit(());
                    }
                    Err(e) => {
                        // The server answered: the next try is another request
                        // (a lost answer keeps the key for the retry).
                        if !matches!(e, crate::api::ApiError::Network(_)) {
                            *key.borrow_mut() = new_idempotency_key();
                        }
                        error.set(Some(e.field_error(lang)));
                    }
                }
                busy.set(false);
            });
        })
    };
    let row = |m: &BottleMove| {
        let when = crate::clock::date_time_of(&m.at);
        // A deposit move leaves the balance: it shows the bottles covered and the money.
        let deposit = m.deposit_bottles != 0 || m.amount.0 != 0;
        let n = if deposit { m.deposit_bottles } else { m.qty };
        let class = if n >= 0 { "plus" } else { "minus" };
        let mut what = vec![];
        if deposit {
            what.push(crate::money::text(p.lang, m.amount));
        }
        if let Some(n) = m.order_number {
            what.push(format!("№{n}"));
        }
        if let Some(r) = &m.reason {
            what.push(r.clone());
        }
        if let Some(b) = &m.by_name {
            what.push(b.clone());
        }
        html! {
            <li class={classes!("bottle-move", m.kind.as_str())} data-kind={m.kind.as_str()}>
                <span class="when">{ when }</span>
                <span class="kind">{ kind_label(p.lang, m.kind) }</span>
                <b class={classes!("qty", class, deposit.then_some("deposit"))}>{ signed(n) }</b>
                <span class="what muted" title={what.join(" · ")}>{ what.join(" · ") }</span>
            </li>
        }
    };
    let more = {
        let (load, ledger) = (load.clone(), ledger.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(l)) = &*ledger {
                load(l.next_before.clone());
            }
        })
    };
    let field_error = |f: &str| match &*error {
        Some((field, m)) if field == f || (f == "reason" && field.is_empty()) => {
            html! { <span class="field-error" data-field={field.clone()}>{ m.clone() }</span> }
        }
        _ => html! {},
    };
    html! {
        <section id="bottle-ledger" class="bottle-ledger">
            <h3>{ t.ledger }</h3>
            { match &*ledger {
                None => html! { <p class="muted">{ "…" }</p> },
                Some(Err(e)) => html! { <p class="form-error">{ format!("{}: {e}", t.ledger_failed) }</p> },
                Some(Ok(l)) if l.moves.is_empty() => html! { <p class="muted">{ t.ledger_empty }</p> },
                Some(Ok(l)) => html! {
                    <div>
                        <p id="bottle-deposits" class="muted" data-bottles={l.deposit_bottles.to_string()}
                            data-value={l.deposit_held.0.to_string()} data-free={l.free.to_string()}>
                            { format!("{}: {} ({}) · {}: {}", t.deposit_covers, l.deposit_bottles,
                                crate::money::text(p.lang, l.deposit_held), t.deposit_free, l.free) }
                        </p>
                        <ul class="bottle-moves">{ for l.moves.iter().map(row) }</ul>
                        if l.next_before.is_some() {
                            <button type="button" id="bottle-ledger-more" class="btn btn-link" onclick={more}>
                                { t.ledger_more }
                            </button>
                        }
                    </div>
                },
            } }
            if p.manager {
                <form id="bottle-correct" class="bottle-correct" {onsubmit}>
                    <select id="bottle-correct-kind" aria-label={t.correct_count}
                        onchange={{
                            let kind = kind.clone();
                            Callback::from(move |e: Event| kind.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
                        }}>
                        <option value="adjusted" selected={*kind == "adjusted"}>{ t.move_adjusted }</option>
                        <option value="written_off" selected={*kind == "written_off"}>{ t.move_written_off }</option>
                    </select>
                    <input id="bottle-correct-qty" type="text" inputmode="numeric" placeholder={t.correct_qty}
                        value={(*qty).clone()} oninput={{
                            let qty = qty.clone();
                            Callback::from(move |e: InputEvent| qty.set(value(e)))
                        }} />
                    <input id="bottle-correct-reason" type="text" placeholder={t.correct_reason}
                        value={(*reason).clone()} oninput={{
                            let reason = reason.clone();
                            Callback::from(move |e: InputEvent| reason.set(value(e)))
                        }} />
                    <button id="bottle-correct-save" type="submit" class="btn" disabled={*busy}>{ t.correct_save }</button>
                    { field_error("qty") }
                    { field_error("reason") }
                    { field_error("kind") }
                </form>
            }
        </section>
    }
}
