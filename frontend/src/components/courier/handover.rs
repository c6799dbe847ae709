//! The day's cash, stop by stop, and handing it in to the cashier: the
//! amount (the cash collected filled in), sent once every close has reached
//! the server; then what the cashier confirmed.

use rodnik_shared::api::{Handover, HandoverState, Order, SubmitHandover};
use rodnik_shared::{Money, OrderState};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::rub;
use crate::api::Api;
use crate::i18n::courier::texts;
use crate::i18n::Lang;
use crate::state::courier::{by_method, cash_totals};

#[derive(Properties, PartialEq)]
pub struct HandoverProps {
    pub lang: Lang,
    pub token: String,
    /// The route's day.
    pub date: Option<String>,
    pub stops: Vec<Order>,
    /// Cash collected today (queued closes included).
    pub collected: Money,
    /// Closes not yet confirmed by the server.
    pub unsent: usize,
}

#[function_component]
pub fn CashHandover(p: &HandoverProps) -> Html {
    let lang = p.lang;
    let ct = texts(lang);
    let handover = use_state(|| None::<Handover>);
    let amount = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    {
        let (handover, token) = (handover.setter(), p.token.clone());
        use_effect_with(p.date.clone(), move |date| {
            if let Some(date) = date.clone() {
                spawn_local(async move {
                    if let Ok(h) = Api::with_token(&token).my_handover(&date).await {
                        handover.set(h);
                    }
                });
            }
        });
    }
    let amount_v = (*amount)
        .clone()
        .unwrap_or_else(|| crate::money::input(lang, p.collected));
    let oninput = {
        let (amount, error) = (amount.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            amount.set(Some(i.value()));
            error.set(None);
        })
    };
    let onsubmit = {
        let (handover, error, busy, token, date, amount_v) = (
            handover.clone(),
            error.clone(),
            busy.clone(),
            p.token.clone(),
            p.date.clone(),
            amount_v.clone(),
        );
        let bad = ct.bad_cash;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(m) = Money::parse_roubles(&amount_v) else {
                error.set(Some(bad.to_string()));
                return;
            };
            let (handover, error, busy, token, date) = (
                handover.clone(),
                error.clone(),
                busy.clone(),
                token.clone(),
                date.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let req = SubmitHandover {
                    date,
                    declared: m.0,
                    note: None,
                };
                match Api::with_token(&token).submit_handover(&req).await {
                    Ok(h) => {
                        handover.set(Some(h));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
                busy.set(false);
            });
        })
    };
    let delivered: Vec<&Order> = p
        .stops
        .iter()
        .filter(|o| o.state == OrderState::Delivered)
        .collect();
    // As the server's handover counts: the cash due after card and SBP.
    let totals = cash_totals(delivered.iter().copied());
    let other = |card: Money, sbp: Money| {
        [(ct.pay_card, card), (ct.pay_sbp, sbp)]
            .into_iter()
            .filter(|(_, m)| m.0 != 0)
            .map(|(how, m)| format!("{how} {}", rub(lang, m)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let confirmed = handover
        .as_ref()
        .is_some_and(|h| h.state == HandoverState::Confirmed);
    html! {
        <section id="cash" class="cash-handover">
            <h2>{ ct.cash_title }</h2>
            <table class="cash-stops">
                <thead><tr><th>{ "№" }</th><th>{ ct.cash_client }</th><th>{ ct.cash_due_col }</th><th>{ ct.cash_got_col }</th>
                    if !(totals.card.0 == 0 && totals.sbp.0 == 0) { <th>{ ct.cash_other_col }</th> }</tr></thead>
                <tbody>
                    { for delivered.iter().map(|o| {
                        let (card, sbp) = by_method(&o.payments);
                        html! {
                            <tr class="cash-stop" data-id={o.id.clone()}
                                data-due={o.cash_due_in_cash().0.to_string()}
                                data-collected={o.cash_collected.unwrap_or(Money::ZERO).0.to_string()}
                                data-card={card.0.to_string()} data-sbp={sbp.0.to_string()}>
                                <td>{ o.number }</td>
                                <td>{ o.client_name.clone() }</td>
                                <td>{ rub(lang, o.cash_due_in_cash()) }</td>
                                <td>{ rub(lang, o.cash_collected.unwrap_or(Money::ZERO)) }</td>
                                if !(totals.card.0 == 0 && totals.sbp.0 == 0) {
                                    <td class="cash-other">{ other(card, sbp) }</td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
                if !delivered.is_empty() {
                    <tfoot>
                        <tr id="cash-totals" class="cash-totals" data-due={totals.due.0.to_string()}
                            data-collected={totals.collected.0.to_string()}
                            data-card={totals.card.0.to_string()} data-sbp={totals.sbp.0.to_string()}>
                            <td></td>
                            <td>{ ct.cash_total }</td>
                            <td>{ rub(lang, totals.due) }</td>
                            <td>{ rub(lang, totals.collected) }</td>
                            if !(totals.card.0 == 0 && totals.sbp.0 == 0) {
                                <td class="cash-other">{ other(totals.card, totals.sbp) }</td>
                            }
                        </tr>
                    </tfoot>
                }
            </table>
            if let Some(h) = &*handover {
                <p id="handover-state" class={classes!("handover-state", if confirmed { "confirmed" } else { "submitted" })}
                    data-state={if confirmed { "confirmed" } else { "submitted" }} data-declared={h.declared.0.to_string()}>
                    if let Some(r) = h.received {
                        { format!("{}: {}", ct.cash_received, rub(lang, r)) }
                        if let Some(c) = &h.comment {
                            { format!(" — {c}") }
                        }
                    } else {
                        { format!("{}: {} · {}", ct.cash_handed, rub(lang, h.declared), ct.cash_waiting) }
                    }
                </p>
            }
            if !confirmed {
                <form id="handover-form" class="close-form" {onsubmit}>
                    <label for="handover-amount">{ ct.cash_amount }</label>
                    <input id="handover-amount" class="big-input" type="text" inputmode="decimal"
                        value={amount_v} {oninput} />
                    if p.unsent > 0 {
                        <p class="field-error" role="status">{ ct.cash_unsent }</p>
                    }
                    if let Some(e) = &*error {
                        <p class="field-error" data-field="declared" role="alert">{ e.clone() }</p>
                    }
                    <button id="handover-submit" type="submit" class="btn big btn-deliver"
                        disabled={*busy || p.unsent > 0}>{ ct.cash_submit }</button>
                </form>
            }
        </section>
    }
}
