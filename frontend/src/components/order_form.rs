//! Order entry for the client on screen: address, products with steppers and
//! a live total, date, time window, courier, note; "repeat last order" and one
//! "save & dispatch". Enter anywhere in the form submits.

use std::collections::HashMap;

use rodnik_shared::api::{ClientCard, Product, User};
use rodnik_shared::pricing::unit_price;
use rodnik_shared::{Money, TimeWindow};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::state::console::{
    catalogue_item, error_for, last_order, lines_order, unplaced, window_value, OrderDraft,
    OrderEdit,
};

#[derive(Properties, PartialEq)]
pub struct OrderFormProps {
    pub card: ClientCard,
    pub draft: OrderDraft,
    pub products: Vec<Product>,
    pub couriers: Vec<User>,
    pub contract: HashMap<String, Money>,
    /// The company's bottle rules: the deposit line.
    #[prop_or_default]
    pub bottles: rodnik_shared::api::BottleSettings,
    pub lang: Lang,
    pub min_date: String,
    /// The company's today: a credit hold is decided on it.
    pub today: chrono::NaiveDate,
    /// A manager may take an order past a credit hold.
    #[prop_or_default]
    pub manager: bool,
    pub on_edit: Callback<OrderEdit>,
    pub on_repeat: Callback<()>,
    pub on_submit: Callback<()>,
    pub repeat_ref: NodeRef,
    pub first_qty_ref: NodeRef,
    /// Changing an order: back to a new one.
    #[prop_or_default]
    pub on_stop_changing: Callback<()>,
    /// Changing an order: its cancellation (the board's cancel form).
    #[prop_or_default]
    pub on_cancel_order: Callback<crate::pages::board::Op>,
    /// A delivery window of the list taken (issue 21).
    #[prop_or_default]
    pub on_choose_slot: Callback<crate::state::planning::SlotChoice>,
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

fn select_value(e: Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

#[function_component]
pub fn OrderForm(p: &OrderFormProps) -> Html {
    let t = p.lang.t();
    let d = &p.draft;
    let client = &p.card.client;
    let last = last_order(&p.card);
    let edit_select = |f: fn(String) -> OrderEdit| {
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: Event| on_edit.emit(f(select_value(e))))
    };
    let edit_input = |f: fn(String) -> OrderEdit| {
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            on_edit.emit(f(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let onsubmit = {
        let on_submit = p.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_submit.emit(());
        })
    };
    let on_repeat = {
        let on_repeat = p.on_repeat.clone();
        Callback::from(move |_: MouseEvent| on_repeat.emit(()))
    };
    let on_stop = {
        let on_stop = p.on_stop_changing.clone();
        Callback::from(move |_: MouseEvent| on_stop.emit(()))
    };
    let ct = crate::i18n::client::texts(p.lang);

    let lines = lines_order(&p.products, &p.card).into_iter().enumerate().map(|(i, prod)| {
        let qty = d.qty.get(&prod.id).copied().unwrap_or(0);
        let price = unit_price(&catalogue_item(prod), &p.contract);
        let contract = price != prod.price;
        let set = |n: u32| {
            let (on_edit, id) = (p.on_edit.clone(), prod.id.clone());
            Callback::from(move |_: MouseEvent| on_edit.emit(OrderEdit::Qty(id.clone(), n)))
        };
        let oninput = {
            let (on_edit, id) = (p.on_edit.clone(), prod.id.clone());
            Callback::from(move |e: InputEvent| {
                let v = e.target_unchecked_into::<HtmlInputElement>().value();
                let n = v.trim().parse::<u32>().unwrap_or(0);
                on_edit.emit(OrderEdit::Qty(id.clone(), n))
            })
        };
        // Arrow keys step like the buttons, without leaving the keyboard.
        let onkeydown = {
            let (on_edit, id) = (p.on_edit.clone(), prod.id.clone());
            Callback::from(move |e: KeyboardEvent| {
                let n = match e.key().as_str() {
                    "ArrowUp" | "+" => qty.saturating_add(1),
                    "ArrowDown" | "-" => qty.saturating_sub(1),
                    _ => return,
                };
                e.prevent_default();
                on_edit.emit(OrderEdit::Qty(id.clone(), n))
            })
        };
        let input_ref = if i == 0 { p.first_qty_ref.clone() } else { NodeRef::default() };
        html! {
            <tr class={classes!("line", (qty > 0).then_some("ordered"))} data-product-id={prod.id.clone()}>
                <td class="name">{ prod.name.clone() }</td>
                <td class="money price">
                    if contract {
                        <s class="list-price">{ crate::money::text(p.lang, prod.price) }</s>
                        <span class="contract" title={t.contract_price}>{ crate::money::text(p.lang, price) }</span>
                    } else {
                        { crate::money::text(p.lang, price) }
                    }
                </td>
                <td class="stepper">
                    <button type="button" class="step minus" tabindex="-1" aria-label={t.less}
                        onclick={set(qty.saturating_sub(1))} disabled={qty == 0}>{ "−" }</button>
                    <input class="qty" type="text" inputmode="numeric" ref={input_ref}
                        aria-label={format!("{} {}", t.qty, prod.name)}
                        value={if qty == 0 { String::new() } else { qty.to_string() }}
                        placeholder="0" {oninput} {onkeydown} />
                    <button type="button" class="step plus" tabindex="-1" aria-label={t.more}
                        onclick={set(qty.saturating_add(1))}>{ "+" }</button>
                </td>
                <td class="money amount">
                    if qty > 0 { { crate::money::text(p.lang, Money(price.0.saturating_mul(i64::from(qty)))) } }
                </td>
            </tr>
        }
    });

    let last_courier = last.and_then(|o| o.courier_id.clone());
    let couriers = p.couriers.iter().map(|c| {
        let label = if last_courier.as_deref() == Some(c.id.as_str()) {
            format!("{} ({})", c.name, t.last_time)
        } else {
            c.name.clone()
        };
        html! { <option value={c.id.clone()} selected={d.courier_id == c.id}>{ label }</option> }
    });
    let windows = TimeWindow::standard().into_iter().map(|w| {
        let v = window_value(w);
        let label = v.replace('-', "–");
        html! { <option value={v.clone()} selected={d.window == v}>{ label }</option> }
    });
    let addresses = client.active_addresses().map(|a| {
        let label = match &a.contact_name {
            Some(n) => format!("{} · {n}", a.text),
            None => a.text.clone(),
        };
        html! { <option value={a.id.clone()} selected={d.address_id == a.id}>{ label }</option> }
    });
    let keys = [
        "address_id",
        "lines",
        "delivery_date",
        "window",
        "courier_id",
        "note",
        "client_id",
        "deposit_bottles",
        "deposit_reason",
        "allow_credit",
        "slot",
    ]
    .map(String::from);
    let rest = unplaced(&d.errors, &keys);
    let total = d.total(&p.products, &p.contract);
    let deposit = deposit_row(p, total);
    let hold = d.credit_hold(&p.card, &p.products, &p.contract, &p.bottles, p.today);
    // An operator cannot take a held order; a manager ticks the allowance.
    let blocked = hold.is_some() && !(p.manager && d.allow_credit);
    let hold_row = credit_row(p, hold);

    html! {
        <>
        <form id="order-form" class="order-form" {onsubmit} novalidate=true aria-busy={d.busy.to_string()}>
            <div class="order-head">
                if let Some(o) = d.created.as_ref().filter(|_| d.changing) {
                    <h2 id="changing-order" data-id={o.id.clone()}>{ format!("{} №{}", ct.changing_order, o.number) }</h2>
                    <button type="button" id="stop-changing" class="btn btn-ghost" onclick={on_stop} disabled={d.busy}>
                        { ct.new_order_instead }
                    </button>
                } else {
                    <h2>{ t.order_title }</h2>
                    <button type="button" id="repeat-last" class="btn btn-ghost" ref={p.repeat_ref.clone()}
                        onclick={on_repeat} disabled={last.is_none() || d.busy} title="Alt+R">
                        { t.repeat_last }<kbd>{ "Alt+R" }</kbd>
                    </button>
                }
            </div>
            <label for="order-address">{ t.address }</label>
            <select id="order-address" onchange={edit_select(OrderEdit::Address)} disabled={d.busy}>
                if d.address_id.is_empty() { <option value="" selected=true>{ t.choose }</option> }
                { for addresses }
            </select>
            { field_error(&d.errors, "address_id") }
            <div class="lines-wrap">
                <table id="order-lines" class="lines">
                    <thead><tr>
                        <th>{ t.product }</th><th class="money">{ t.price }</th>
                        <th class="stepper">{ t.qty }</th><th class="money">{ t.amount }</th>
                    </tr></thead>
                    <tbody>{ for lines }</tbody>
                </table>
            </div>
            { field_error(&d.errors, "lines") }
            { deposit }
            <div class="order-row3">
                <div>
                    <label for="order-date">{ t.delivery_date }</label>
                    <input id="order-date" type="date" value={d.date.clone()} min={p.min_date.clone()}
                        oninput={edit_input(OrderEdit::Date)} disabled={d.busy} />
                    { field_error(&d.errors, "delivery_date") }
                </div>
                <div>
                    <label for="order-window">{ t.time_window }</label>
                    <select id="order-window" onchange={edit_select(OrderEdit::Window)} disabled={d.busy}>
                        <option value="" selected={d.window.is_empty()}>{ t.any_time }</option>
                        { for windows }
                    </select>
                    { field_error(&d.errors, "window") }
                </div>
                <div>
                    <label for="order-courier">{ t.courier }</label>
                    <select id="order-courier" onchange={edit_select(OrderEdit::Courier)} disabled={d.busy}>
                        <option value="" selected={d.courier_id.is_empty()}>{ t.choose }</option>
                        { for couriers }
                    </select>
                    { field_error(&d.errors, "courier_id") }
                </div>
            </div>
            <super::planning::SlotsPanel view={d.slots.clone()} held={d.slot.clone().filter(|_| d.slot_matches())}
                today={p.today} lang={p.lang} busy={d.busy} on_choose={p.on_choose_slot.clone()}
                error={error_for(&d.errors, "slot").map(str::to_string)} />
            <label for="order-note">{ t.note }</label>
            <input id="order-note" type="text" value={d.note.clone()}
                oninput={edit_input(OrderEdit::Note)} disabled={d.busy} />
            { field_error(&d.errors, "note") }
            { hold_row }
            { field_error(&d.errors, "allow_credit") }
            { for rest.iter().map(|m| html! { <p class="form-error field-error">{ m.to_string() }</p> }) }
            <div class="order-foot">
                <span class="total">{ t.total }{ ": " }<b id="order-total" data-value={total.0.to_string()}>{ crate::money::text(p.lang, total) }</b></span>
                <button type="submit" id="save-dispatch" class="btn btn-primary" disabled={d.busy || blocked} title="Ctrl+Enter">
                    { if d.busy { t.saving } else if d.changing { ct.save_changes } else { t.save_dispatch } }<kbd>{ "Ctrl+Enter" }</kbd>
                </button>
            </div>
        </form>
        // Its own form, beside the order's (forms do not nest).
        if let Some(o) = d.created.as_ref().filter(|_| d.changing) {
            <div id="change-cancel" class="order-cancel">
                <super::board::order_forms::CancelForm order={(**o).clone()} lang={p.lang} busy={d.busy}
                    notice={None::<crate::pages::board::Notice>} on_op={p.on_cancel_order.clone()} />
            </div>
        }
        </>
    }
}

/// The deposit line: the rule's bottles (or the operator's, with a
/// reason), its money, and the total with it. Nothing when the company
/// takes no deposits and the client has none.
fn deposit_row(p: &OrderFormProps, total: Money) -> Html {
    let t = p.lang.t();
    let d = &p.draft;
    let client = &p.card.client;
    let price = p.bottles.deposit_price;
    let rule = d.deposit_rule(client, &p.products, &p.bottles);
    let bottles = d.deposit.unwrap_or(rule);
    if price.0 <= 0 || (rule == 0 && d.deposit.is_none() && client.deposit_bottles <= 0) {
        // Always one element here: the form's children keep their places.
        return html! { <div class="order-deposit" hidden=true></div> };
    }
    let amount = Money(price.0.saturating_mul(bottles));
    let set = |v: Option<i64>| {
        let on_edit = p.on_edit.clone();
        Callback::from(move |_: MouseEvent| on_edit.emit(OrderEdit::Deposit(v)))
    };
    // Down to paying back every bottle a deposit covers.
    let floor = -client.deposit_bottles.max(0);
    let on_reason = {
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            on_edit.emit(OrderEdit::DepositReason(
                e.target_unchecked_into::<HtmlInputElement>().value(),
            ))
        })
    };
    let label = if bottles < 0 {
        t.deposit_refund
    } else {
        t.deposit
    };
    html! {
        <div id="order-deposit" class="order-deposit" data-bottles={bottles.to_string()}
            data-rule={rule.to_string()} data-amount={amount.0.to_string()}>
            <span class="deposit-label">{ label }</span>
            <span class="stepper">
                <button type="button" id="deposit-minus" class="step minus" aria-label={t.less}
                    onclick={set(Some(bottles - 1))} disabled={bottles <= floor || d.busy}>{ "−" }</button>
                <b class="deposit-bottles">{ bottles.abs() }</b>
                <button type="button" id="deposit-plus" class="step plus" aria-label={t.more}
                    onclick={set(Some(bottles + 1))} disabled={d.busy}>{ "+" }</button>
            </span>
            <span class="money">{ format!("× {} = {}", crate::money::text(p.lang, price),
                crate::money::text(p.lang, amount)) }</span>
            if bottles != rule {
                <span class="muted">{ format!("({}: {rule})", t.deposit_by_rule) }</span>
                <button type="button" id="deposit-to-rule" class="btn btn-link"
                    onclick={set(None)}>{ t.deposit_to_rule }</button>
                <input id="deposit-reason" type="text" placeholder={t.deposit_reason}
                    aria-label={t.deposit_reason} value={d.deposit_reason.clone()}
                    oninput={on_reason} disabled={d.busy} />
            }
            { field_error(&d.errors, "deposit_reason") }
            { field_error(&d.errors, "deposit_bottles") }
            if amount.0 != 0 {
                <span class="deposit-due">{ t.to_pay }{ ": " }
                    <b id="order-due" data-value={(total + amount).0.to_string()}>
                        { crate::money::text(p.lang, total + amount) }
                    </b>
                </span>
            }
        </div>
    }
}

/// The client's credit hold for this order: why, with the figures; an
/// operator is told a manager is needed, a manager may allow the delivery.
fn credit_row(p: &OrderFormProps, hold: Option<(rodnik_shared::api::CreditHold, Money)>) -> Html {
    let Some((h, extra)) = hold else {
        // Always one element here: the form's children keep their places.
        return html! { <div class="credit-hold" hidden=true></div> };
    };
    let t = crate::i18n::account::texts(p.lang);
    let d = &p.draft;
    let on_allow = {
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: Event| {
            on_edit.emit(OrderEdit::AllowCredit(
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            ))
        })
    };
    html! {
        <div id="credit-hold" class="credit-hold" role="alert" data-hold={super::account::hold_code(h)}
            data-extra={extra.0.to_string()}>
            <p class="credit-hold-text">
                { crate::i18n::account::order_hold_text(p.lang, h, &p.card.account, extra) }
            </p>
            if p.manager {
                <label class="allow-credit">
                    <input id="allow-credit" type="checkbox" checked={d.allow_credit}
                        onchange={on_allow} disabled={d.busy} />
                    { t.allow_credit }
                </label>
            } else {
                <p id="credit-need-manager" class="need-manager">{ t.need_manager }</p>
            }
        </div>
    }
}
