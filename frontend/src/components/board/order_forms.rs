//! The selected order's two forms: a new date and window, and a
//! cancellation with its reason.

use rodnik_shared::api::Order;
use rodnik_shared::TimeWindow;
use yew::prelude::*;

use super::actions::{field_error, parse_window, window_value};
use super::window_text;
use crate::i18n::board::texts;
use crate::i18n::Lang;
use crate::pages::board::{shift_date, Notice, Op};

#[derive(Properties, PartialEq)]
pub struct OrderFormProps {
    pub order: Order,
    pub lang: Lang,
    pub busy: bool,
    pub notice: Option<Notice>,
    pub on_op: Callback<Op>,
}

/// A new date (the next day after today or the order's date is suggested)
/// and, if changed, a new window.
#[function_component]
pub fn RescheduleForm(p: &OrderFormProps) -> Html {
    let t = p.lang.t();
    let bt = texts(p.lang);
    let o = &p.order;
    let (id, version) = (o.id.clone(), o.version);
    // A failed order suggests the next day after today or its date.
    let suggested = {
        let today = crate::clock::today();
        let base = if o.delivery_date > today {
            o.delivery_date.clone()
        } else {
            today
        };
        shift_date(&base, 1).unwrap_or(base)
    };
    let new_date = use_state(|| suggested.clone());
    let window = use_state(|| window_value(o.window));
    let on_date = {
        let new_date = new_date.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            new_date.set(input.value());
        })
    };
    let on_window = {
        let window = window.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            window.set(sel.value());
        })
    };
    let reschedule = {
        let (on_op, id, new_date, window, current) = (
            p.on_op.clone(),
            id.clone(),
            new_date.clone(),
            window.clone(),
            window_value(o.window),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let w = if *window == current {
                None
            } else {
                Some(parse_window(&window))
            };
            on_op.emit(Op::Reschedule {
                id: id.clone(),
                version,
                date: (*new_date).clone(),
                window: w,
            });
        })
    };
    let windows = TimeWindow::standard();
    let field_error = |f: &str| field_error(&p.notice, f);
    html! {
        <form id="act-reschedule-form" class="act-row" onsubmit={reschedule}>
            <label for="act-date">{ bt.new_date }</label>
            <input id="act-date" type="date" value={(*new_date).clone()} onchange={on_date} disabled={p.busy} />
            <select id="act-window" onchange={on_window} disabled={p.busy} aria-label={t.time_window}>
                <option value="" selected={window.is_empty()}>{ t.any_time }</option>
                { for windows.into_iter().map(|w| {
                    let v = window_value(Some(w));
                    html! { <option value={v.clone()} selected={*window == v}>{ window_text(Some(w)) }</option> }
                }) }
            </select>
            <button id="act-reschedule" type="submit" class="btn" disabled={p.busy}>{ bt.reschedule }</button>
            { field_error("delivery_date") }
            { field_error("window") }
        </form>
    }
}

/// The value of "other" among the reasons: a typed one.
const OTHER: &str = "other";

/// Cancels with a reason from the company's list or a typed one.
#[function_component]
pub fn CancelForm(p: &OrderFormProps) -> Html {
    let bt = texts(p.lang);
    let app = crate::state::use_app();
    let reasons = crate::api::reasons::use_reasons(
        app.token().map(str::to_string),
        rodnik_shared::api::ReasonKind::Cancel,
    );
    let (id, version) = (p.order.id.clone(), p.order.version);
    let chosen = use_state(|| None::<String>);
    let other = use_state(String::new);
    // The first of the list until another is picked.
    let current = (*chosen)
        .clone()
        .or_else(|| reasons.first().map(|r| r.id.clone()))
        .unwrap_or_else(|| OTHER.to_string());
    let on_reason = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            chosen.set(Some(sel.value()));
        })
    };
    let on_other = {
        let other = other.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            other.set(input.value());
        })
    };
    let ru = p.lang == crate::i18n::Lang::Ru;
    let cancel = {
        let (on_op, id, other, current, reasons) = (
            p.on_op.clone(),
            id.clone(),
            other.clone(),
            current.clone(),
            reasons.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let picked = reasons.iter().find(|r| r.id == current);
            // An empty reason goes to the server, which names the field.
            on_op.emit(Op::Cancel {
                id: id.clone(),
                version,
                reason_id: picked.map(|r| r.id.clone()),
                reason: match picked {
                    Some(r) => r.label(ru).to_string(),
                    None => other.trim().to_string(),
                },
            });
        })
    };
    let field_error = |f: &str| field_error(&p.notice, f);
    html! {
        <form id="act-cancel-form" class="act-row" onsubmit={cancel}>
            <label for="act-cancel-reason">{ bt.cancel_reason }</label>
            <select id="act-cancel-reason" onchange={on_reason} disabled={p.busy}>
                { for reasons.iter().map(|r| html! {
                    <option value={r.id.clone()} selected={current == r.id}>{ r.label(ru).to_string() }</option>
                }) }
                <option value={OTHER} selected={current == OTHER}>{ bt.other_reason_option }</option>
            </select>
            if current == OTHER {
                <input id="act-cancel-other" type="text" placeholder={bt.other_reason}
                    value={(*other).clone()} oninput={on_other} disabled={p.busy} />
            }
            <button id="act-cancel" type="submit" class="btn btn-danger" disabled={p.busy}>{ bt.cancel }</button>
            { field_error("reason") }
            { field_error("reason_id") }
        </form>
    }
}
