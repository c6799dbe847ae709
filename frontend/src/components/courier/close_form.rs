//! The two ways to close a stop. Delivered: the cash collected (the amount
//! due is filled in) and the empties returned (the bottles expected back are
//! filled in), each changed with big buttons. Not delivered: a reason from the
//! list, or "other" with typed text.

use rodnik_shared::api::Order;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::courier::{texts, FAIL_REASONS};
use crate::i18n::Lang;
use crate::state::courier::{cash_due, Close};

#[derive(Properties, PartialEq)]
pub struct DeliverProps {
    pub order: Order,
    pub lang: Lang,
    pub on_confirm: Callback<Close>,
    pub on_back: Callback<MouseEvent>,
}

#[function_component]
pub fn DeliverForm(p: &DeliverProps) -> Html {
    let ct = texts(p.lang);
    let due = cash_due(&p.order);
    let cash = use_state(|| crate::money::input(p.lang, due));
    let empties = use_state(|| p.order.returnable_qty());
    let error = use_state(|| false);

    let on_cash = {
        let (cash, error) = (cash.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cash.set(input.value());
            error.set(false);
        })
    };
    let set_empties = |n: u32| {
        let empties = empties.clone();
        Callback::from(move |_: MouseEvent| empties.set(n))
    };
    let on_empties = {
        let empties = empties.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let digits: String = input.value().chars().filter(char::is_ascii_digit).collect();
            empties.set(digits.parse::<u32>().unwrap_or(0).min(10_000));
        })
    };
    let onsubmit = {
        let (cash, empties, error, on_confirm) = (
            cash.clone(),
            empties.clone(),
            error.clone(),
            p.on_confirm.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match rodnik_shared::Money::parse_roubles(&cash) {
                Ok(m) => on_confirm.emit(Close::Delivered {
                    cash_collected: m.0,
                    empties_returned: *empties,
                }),
                Err(_) => error.set(true),
            }
        })
    };
    let n = *empties;
    html! {
        <form id="close-form" class="close-form deliver" data-id={p.order.id.clone()} data-mode="deliver" {onsubmit}>
            <label for="cash-input">{ ct.cash_collected }</label>
            <input id="cash-input" class="big-input" type="text" inputmode="decimal" autocomplete="off"
                value={(*cash).clone()} oninput={on_cash} aria-invalid={error.to_string()} />
            if *error {
                <p class="field-error" data-field="cash_collected" role="alert">{ ct.bad_cash }</p>
            }
            <label for="empties-input">{ ct.empties_returned }</label>
            <div class="big-stepper">
                <button id="empties-minus" type="button" class="btn step" aria-label={ct.less}
                    onclick={set_empties(n.saturating_sub(1))} disabled={n == 0}>{ "−" }</button>
                <input id="empties-input" class="big-input" type="text" inputmode="numeric"
                    value={n.to_string()} oninput={on_empties} />
                <button id="empties-plus" type="button" class="btn step" aria-label={ct.more}
                    onclick={set_empties(n.saturating_add(1).min(10_000))}>{ "+" }</button>
            </div>
            <div class="form-actions">
                <button id="close-back" type="button" class="btn big btn-back" onclick={p.on_back.clone()}>
                    { ct.back }
                </button>
                <button id="confirm-deliver" type="submit" class="btn big btn-deliver">
                    { ct.confirm_delivered }
                </button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct FailProps {
    pub lang: Lang,
    pub on_confirm: Callback<Close>,
    pub on_back: Callback<MouseEvent>,
}

const OTHER: usize = FAIL_REASONS.len() - 1;

#[function_component]
pub fn FailForm(p: &FailProps) -> Html {
    let ct = texts(p.lang);
    let chosen = use_state(|| None::<usize>);
    let other = use_state(String::new);
    let error = use_state(|| false);

    let pick = |i: usize| {
        let (chosen, error) = (chosen.clone(), error.clone());
        Callback::from(move |_: Event| {
            chosen.set(Some(i));
            error.set(false);
        })
    };
    let on_other = {
        let (other, error) = (other.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            other.set(input.value());
            error.set(false);
        })
    };
    let onsubmit = {
        let (chosen, other, error, on_confirm) = (
            chosen.clone(),
            other.clone(),
            error.clone(),
            p.on_confirm.clone(),
        );
        let reasons = ct.fail_reasons;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let reason = match *chosen {
                Some(OTHER) => other.trim().to_string(),
                Some(i) => reasons[i].to_string(),
                None => String::new(),
            };
            if reason.is_empty() {
                error.set(true);
            } else {
                on_confirm.emit(Close::Failed { reason });
            }
        })
    };
    html! {
        <form id="close-form" class="close-form fail" data-mode="fail" {onsubmit}>
            <fieldset class="reasons">
                <legend>{ ct.fail_title }</legend>
                { for FAIL_REASONS.iter().enumerate().map(|(i, name)| html! {
                    <label class={classes!("reason-option", (*chosen == Some(i)).then_some("chosen"))}>
                        <input type="radio" name="fail-reason" value={*name} data-reason={*name}
                            checked={*chosen == Some(i)} onchange={pick(i)} />
                        <span>{ ct.fail_reasons[i] }</span>
                    </label>
                }) }
            </fieldset>
            if *chosen == Some(OTHER) {
                <input id="fail-other" class="big-input" type="text" placeholder={ct.other_placeholder}
                    value={(*other).clone()} oninput={on_other} />
            }
            if *error {
                <p class="field-error" data-field="reason" role="alert">{ ct.need_reason }</p>
            }
            <div class="form-actions">
                <button id="close-back" type="button" class="btn big btn-back" onclick={p.on_back.clone()}>
                    { ct.back }
                </button>
                <button id="confirm-fail" type="submit" class="btn big btn-fail">{ ct.confirm_failed }</button>
            </div>
        </form>
    }
}
