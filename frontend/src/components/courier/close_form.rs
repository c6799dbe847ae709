//! The ways to close a stop. Delivered: the cash collected (the amount due is
//! filled in) and the empties returned (the bottles expected back are filled
//! in), each changed with big buttons; what the client took can differ from
//! the order (fewer, more, something else from the price list), and the total
//! and the cash due follow; an SBP amount shows the QR the client scans
//! (`pay_qr`). Not delivered: a reason from the list, or "other"
//! with typed text. Moved: a later window today or another day, with a reason.

use std::collections::BTreeMap;

use rodnik_shared::api::{Order, OrderLine, PaymentQrSettings, Product, Reason};
use rodnik_shared::{ClientKind, Money, TimeWindow};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::rub;
use crate::components::board::window_text;
use crate::i18n::courier::texts;
use crate::i18n::{long_date, Lang};
use crate::state::courier::{debt_left, price_at_door, Close, PayDraft, PayWay};

#[derive(Properties, PartialEq)]
pub struct DeliverProps {
    pub order: Order,
    pub lang: Lang,
    /// The price list and this client's contract prices, for what the
    /// client takes at the door instead of the order.
    pub products: Vec<Product>,
    pub contract: BTreeMap<String, Money>,
    /// The bottles the client held when the route was fetched.
    #[prop_or_default]
    pub held: Option<i64>,
    /// The SBP link and bank details for the payment QR (kept offline).
    #[prop_or_default]
    pub qr: Option<PaymentQrSettings>,
    pub on_confirm: Callback<Close>,
    pub on_back: Callback<MouseEvent>,
}

/// The lines as (product id, quantity), in the order's order.
fn quantities(o: &Order) -> Vec<(String, u32)> {
    o.lines
        .iter()
        .map(|l| (l.product_id.clone(), l.qty))
        .collect()
}

#[function_component]
pub fn DeliverForm(p: &DeliverProps) -> Html {
    let lang = p.lang;
    let ct = texts(lang);
    let o = &p.order;
    let qty = use_state(|| quantities(o));
    let editing = use_state(|| false);
    // Typed by the courier: kept as typed; untouched, they follow the lines.
    let pay = use_state(PayDraft::default);
    let empties = use_state(|| None::<u32>);
    let note = use_state(String::new);
    let error = use_state(|| None::<&'static str>);

    let priced: Vec<OrderLine> = qty
        .iter()
        .filter(|(_, q)| *q > 0)
        .filter_map(|(pid, q)| price_at_door(o, &p.products, &p.contract, pid, *q))
        .collect();
    let changed = priced != o.lines;
    let total: Money = priced.iter().map(|l| l.amount).sum();
    let due = match o.client_kind {
        ClientKind::Individual => total + o.deposit_amount() + o.equipment_deposit(),
        ClientKind::Legal => Money::ZERO,
    };
    // A deposit paid back larger than the goods: the courier pays out.
    let pays_back = due.0 < 0;
    let returnable: u32 = priced.iter().filter(|l| l.returnable).map(|l| l.qty).sum();
    let way = pay.effective(due);
    let (cash_v, card_v, sbp_v) = pay.shown(lang, due);
    let sbp_amount = pay.sbp_amount(lang, due);
    // Less than due: the rest stays on the client's account.
    let debt = match pay.read(lang, due) {
        Ok((cash, payments)) if !pays_back => debt_left(due, cash, &payments),
        _ => Money::ZERO,
    };
    let expected = super::stop::expected_empties(o, returnable, p.held);
    let n = (*empties).unwrap_or(expected);
    // Fewer than the client can give back: the courier says why.
    let short = p.held.is_some() && n < expected;
    let on_note = |text: String| {
        let (note, error) = (note.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            note.set(text.clone());
            error.set(None);
        })
    };
    let on_note_input = {
        let (note, error) = (note.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            note.set(input.value());
            error.set(None);
        })
    };

    // Typing into one of the amounts: 0 cash, 1 card, 2 SBP.
    let on_amount = |field: usize| {
        let (pay, error) = (pay.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*pay).clone();
            let v = Some(input.value());
            match field {
                0 => next.cash = v,
                1 => next.card = v,
                _ => next.sbp = v,
            }
            pay.set(next);
            error.set(None);
        })
    };
    let set_way = |w: PayWay| {
        let (pay, error) = (pay.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            // The amounts start again from the way's defaults.
            pay.set(PayDraft {
                way: w,
                ..Default::default()
            });
            error.set(None);
        })
    };
    let set_empties = |v: u32| {
        let empties = empties.clone();
        Callback::from(move |_: MouseEvent| empties.set(Some(v)))
    };
    let on_empties = {
        let empties = empties.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let digits: String = input.value().chars().filter(char::is_ascii_digit).collect();
            empties.set(Some(digits.parse::<u32>().unwrap_or(0).min(10_000)));
        })
    };
    let set_qty = |pid: String, v: u32| {
        let (qty, error) = (qty.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*qty).clone();
            if let Some(e) = next.iter_mut().find(|(p, _)| *p == pid) {
                e.1 = v;
            }
            qty.set(next);
            error.set(None);
        })
    };
    let on_add = {
        let qty = qty.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let pid = sel.value();
            sel.set_value("");
            if pid.is_empty() {
                return;
            }
            let mut next = (*qty).clone();
            match next.iter_mut().find(|(p, _)| *p == pid) {
                Some(e) => e.1 += 1,
                None => next.push((pid, 1)),
            }
            qty.set(next);
        })
    };
    let toggle = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(!*editing))
    };
    let onsubmit = {
        let (error, on_confirm, pay_v, priced, note_v) = (
            error.clone(),
            p.on_confirm.clone(),
            (*pay).clone(),
            priced.clone(),
            (*note).trim().to_string(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if priced.is_empty() {
                error.set(Some("lines"));
                return;
            }
            if short && note_v.is_empty() {
                error.set(Some("empties_note"));
                return;
            }
            match pay_v.read(lang, due) {
                Ok((cash_collected, payments)) => on_confirm.emit(Close::Delivered {
                    cash_collected,
                    empties_returned: n,
                    empties_note: (short && !note_v.is_empty()).then(|| note_v.clone()),
                    lines: changed.then(|| priced.clone()),
                    payments,
                }),
                Err(field) => error.set(Some(field)),
            }
        })
    };
    let name_of = |pid: &str| {
        o.lines
            .iter()
            .find(|l| l.product_id == pid)
            .map(|l| l.name.clone())
            .or_else(|| {
                p.products
                    .iter()
                    .find(|x| x.id == pid)
                    .map(|x| x.name.clone())
            })
            .unwrap_or_default()
    };
    let addable: Vec<&Product> = p
        .products
        .iter()
        .filter(|x| !qty.iter().any(|(pid, _)| *pid == x.id))
        .collect();
    html! {
        <form id="close-form" class="close-form deliver" data-id={o.id.clone()} data-mode="deliver"
            data-changed={changed.to_string()} {onsubmit}>
            <button id="change-lines" type="button" class={classes!("btn", "change-lines", editing.then_some("open"))}
                aria-expanded={editing.to_string()} onclick={toggle}>{ ct.change_lines }</button>
            if *editing {
                <ul id="door-lines" class="door-lines">
                    { for qty.iter().map(|(pid, q)| html! {
                        <li class="door-line" data-product-id={pid.clone()} data-qty={q.to_string()}>
                            <span class="good-name">{ name_of(pid) }</span>
                            <span class="big-stepper small">
                                <button type="button" class="btn step line-minus" aria-label={ct.less}
                                    onclick={set_qty(pid.clone(), q.saturating_sub(1))} disabled={*q == 0}>{ "−" }</button>
                                <b class="line-qty">{ q }</b>
                                <button type="button" class="btn step line-plus" aria-label={ct.more}
                                    onclick={set_qty(pid.clone(), (q + 1).min(10_000))}>{ "+" }</button>
                            </span>
                        </li>
                    }) }
                </ul>
                if !addable.is_empty() {
                    <select id="door-add" class="big-input" onchange={on_add} aria-label={ct.add_product}>
                        <option value="" selected=true>{ format!("+ {}", ct.add_product) }</option>
                        { for addable.iter().map(|x| {
                            let price = price_at_door(o, &p.products, &p.contract, &x.id, 1)
                                .map(|l| rub(lang, l.price)).unwrap_or_default();
                            html! { <option value={x.id.clone()}>{ format!("{} · {price}", x.name) }</option> }
                        }) }
                    </select>
                }
            }
            if changed {
                <p id="door-total" class="door-total" data-value={total.0.to_string()}>
                    <span class="was">{ format!("{}: {}", ct.ordered, rub(lang, o.total)) }</span>
                    <b>{ format!("{}: {}", ct.total, rub(lang, total)) }</b>
                </p>
            }
            if due.0 > 0 {
                <fieldset id="pay-way" class="pay-way" data-way={way.as_str()}>
                    <legend>{ ct.pay_how }</legend>
                    <div class="chips">
                        { for PayWay::ALL.into_iter().map(|w| html! {
                            <button id={format!("pay-{}", w.as_str())} type="button"
                                class={classes!("btn", "chip", (way == w).then_some("chosen"))}
                                aria-pressed={(way == w).to_string()} onclick={set_way(w)}>{ ct.pay_way(w) }</button>
                        }) }
                    </div>
                </fieldset>
            }
            if matches!(way, PayWay::Cash | PayWay::Split) {
                <label for="cash-input">{ if pays_back { ct.pay_back } else { ct.cash_collected } }</label>
                <input id="cash-input" class="big-input" type="text" inputmode="decimal" autocomplete="off"
                    value={cash_v.clone()} oninput={on_amount(0)}
                    aria-invalid={(*error == Some("cash_collected")).to_string()} />
                if *error == Some("cash_collected") {
                    <p class="field-error" data-field="cash_collected" role="alert">{ ct.bad_cash }</p>
                }
            }
            if matches!(way, PayWay::Card | PayWay::Split) {
                <label for="card-input">{ ct.paid_card }</label>
                <input id="card-input" class="big-input" type="text" inputmode="decimal" autocomplete="off"
                    value={card_v.clone()} oninput={on_amount(1)} placeholder="0"
                    aria-invalid={(*error == Some("card")).to_string()} />
                if *error == Some("card") {
                    <p class="field-error" data-field="card" role="alert">{ ct.bad_cash }</p>
                }
            }
            if matches!(way, PayWay::Sbp | PayWay::Split) {
                <label for="sbp-input">{ ct.paid_sbp }</label>
                <input id="sbp-input" class="big-input" type="text" inputmode="decimal" autocomplete="off"
                    value={sbp_v.clone()} oninput={on_amount(2)} placeholder="0"
                    aria-invalid={(*error == Some("sbp")).to_string()} />
                if *error == Some("sbp") {
                    <p class="field-error" data-field="sbp" role="alert">{ ct.bad_cash }</p>
                }
                if let Some(amount) = sbp_amount {
                    <super::pay_qr::PayQrView {lang} settings={p.qr.clone()} {amount} number={o.number} />
                }
            }
            if debt.0 > 0 {
                <p id="pay-debt" class="pay-debt" data-value={debt.0.to_string()} role="status">
                    { format!("{} {}", ct.debt_left, rub(lang, debt)) }
                </p>
            }
            if *error == Some("lines") {
                <p class="field-error" data-field="lines" role="alert">{ ct.nothing_delivered }</p>
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
            if short {
                <fieldset id="empties-short" class="empties-short" data-expected={expected.to_string()}>
                    <legend>{ ct.empties_short }</legend>
                    <div class="chips">
                        { for [ct.short_next_time, ct.short_none].into_iter().map(|t| html! {
                            <button type="button" class={classes!("btn", "chip", (*note == t).then_some("chosen"))}
                                aria-pressed={(*note == t).to_string()} onclick={on_note(t.to_string())}>{ t }</button>
                        }) }
                    </div>
                    <input id="empties-note" class="big-input" type="text" autocomplete="off"
                        placeholder={ct.short_placeholder} value={(*note).clone()} oninput={on_note_input}
                        aria-invalid={(*error == Some("empties_note")).to_string()} />
                    if *error == Some("empties_note") {
                        <p class="field-error" data-field="empties_note" role="alert">{ ct.need_short_reason }</p>
                    }
                </fieldset>
            }
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

/// The value of "other" among the reasons: a typed one.
const OTHER: &str = "other";

#[derive(Properties, PartialEq)]
struct PickerProps {
    /// The radio group's name (`fail-reason`, `move-reason`).
    name: AttrValue,
    legend: Option<AttrValue>,
    reasons: Vec<Reason>,
    lang: Lang,
    chosen: Option<String>,
    other: String,
    on_pick: Callback<String>,
    on_other: Callback<String>,
    /// The id of the typed reason's input.
    other_id: AttrValue,
}

/// The company's reasons as big radio buttons, and "other" with typed text.
#[function_component]
fn ReasonPicker(p: &PickerProps) -> Html {
    let ct = texts(p.lang);
    let ru = p.lang == Lang::Ru;
    let pick = |id: String| {
        let on_pick = p.on_pick.clone();
        Callback::from(move |_: Event| on_pick.emit(id.clone()))
    };
    let on_other = {
        let on_other = p.on_other.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_other.emit(input.value());
        })
    };
    let options = p
        .reasons
        .iter()
        .map(|r| (r.id.clone(), r.label(ru).to_string()))
        .chain(std::iter::once((OTHER.to_string(), ct.other.to_string())));
    html! {
        <div class="reason-picker">
            <fieldset class="reasons">
                if let Some(l) = &p.legend {
                    <legend>{ l.clone() }</legend>
                }
                { for options.map(|(id, label)| {
                    let on = p.chosen.as_deref() == Some(id.as_str());
                    html! {
                        <label class={classes!("reason-option", on.then_some("chosen"))}>
                            <input type="radio" name={p.name.clone()} value={id.clone()} data-reason={id.clone()}
                                checked={on} onchange={pick(id.clone())} />
                            <span>{ label }</span>
                        </label>
                    }
                }) }
            </fieldset>
            if p.chosen.as_deref() == Some(OTHER) {
                <input id={p.other_id.clone()} class="big-input" type="text" placeholder={ct.other_placeholder}
                    value={p.other.clone()} oninput={on_other} />
            }
        </div>
    }
}

/// What was picked: a reason of the list (its id and label), or the typed
/// text; `None` when nothing, or an empty "other".
fn picked(
    reasons: &[Reason],
    chosen: &Option<String>,
    other: &str,
    lang: Lang,
) -> Option<(Option<String>, String)> {
    match chosen.as_deref() {
        Some(OTHER) => Some((None, other.trim().to_string())).filter(|(_, t)| !t.is_empty()),
        Some(id) => reasons
            .iter()
            .find(|r| r.id == id)
            .map(|r| (Some(r.id.clone()), r.label(lang == Lang::Ru).to_string())),
        None => None,
    }
}

/// Picking a reason and typing "other": each clears the form's error.
fn pick_callbacks(
    chosen: &UseStateHandle<Option<String>>,
    other: &UseStateHandle<String>,
    error: &UseStateHandle<bool>,
) -> (Callback<String>, Callback<String>) {
    let on_pick = {
        let (chosen, error) = (chosen.clone(), error.clone());
        Callback::from(move |id: String| {
            chosen.set(Some(id));
            error.set(false);
        })
    };
    let on_other = {
        let (other, error) = (other.clone(), error.clone());
        Callback::from(move |v: String| {
            other.set(v);
            error.set(false);
        })
    };
    (on_pick, on_other)
}

#[derive(Properties, PartialEq)]
pub struct FailProps {
    pub lang: Lang,
    /// The company's fail reasons.
    pub reasons: Vec<Reason>,
    pub on_confirm: Callback<Close>,
    pub on_back: Callback<MouseEvent>,
}

#[function_component]
pub fn FailForm(p: &FailProps) -> Html {
    let ct = texts(p.lang);
    let chosen = use_state(|| None::<String>);
    let other = use_state(String::new);
    let error = use_state(|| false);

    let (on_pick, on_other) = pick_callbacks(&chosen, &other, &error);
    let onsubmit = {
        let (chosen, other, error, on_confirm, reasons, lang) = (
            chosen.clone(),
            other.clone(),
            error.clone(),
            p.on_confirm.clone(),
            p.reasons.clone(),
            p.lang,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match picked(&reasons, &chosen, &other, lang) {
                Some((reason_id, reason)) => on_confirm.emit(Close::Failed { reason, reason_id }),
                None => error.set(true),
            }
        })
    };
    html! {
        <form id="close-form" class="close-form fail" data-mode="fail" {onsubmit}>
            <ReasonPicker name="fail-reason" legend={Some(AttrValue::from(ct.fail_title))} reasons={p.reasons.clone()}
                lang={p.lang} chosen={(*chosen).clone()} other={(*other).clone()} {on_pick} {on_other}
                other_id="fail-other" />
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

#[derive(Properties, PartialEq)]
pub struct MoveProps {
    pub order: Order,
    pub lang: Lang,
    /// The route's day (the company's today), `YYYY-MM-DD`.
    pub today: String,
    /// The company's reasons to move a stop.
    pub reasons: Vec<Reason>,
    pub on_confirm: Callback<Close>,
    pub on_back: Callback<MouseEvent>,
}

/// The day after `iso` (`YYYY-MM-DD`), or `iso` if it does not read.
pub fn next_day(iso: &str) -> String {
    crate::clock::parse_date(iso)
        .and_then(|d| d.succ_opt())
        .map(|d| d.to_string())
        .unwrap_or_else(|| iso.to_string())
}

#[function_component]
pub fn MoveForm(p: &MoveProps) -> Html {
    let lang = p.lang;
    let ct = texts(lang);
    let tomorrow = next_day(&p.today);
    let date = use_state(|| p.today.clone());
    let window = use_state(|| p.order.window);
    let chosen = use_state(|| None::<String>);
    let other = use_state(String::new);
    let error = use_state(|| false);

    let pick_day = |d: String| {
        let (date, error) = (date.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            date.set(d.clone());
            error.set(false);
        })
    };
    let on_date = {
        let (date, error) = (date.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            date.set(input.value());
            error.set(false);
        })
    };
    let on_window = {
        let (window, error) = (window.clone(), error.clone());
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let v = sel.value();
            window.set(
                TimeWindow::standard()
                    .into_iter()
                    .find(|w| window_text(Some(*w)) == v),
            );
            error.set(false);
        })
    };
    let (on_pick, on_other) = pick_callbacks(&chosen, &other, &error);
    let onsubmit = {
        let (date, window, chosen, other, error, on_confirm) = (
            date.clone(),
            window.clone(),
            chosen.clone(),
            other.clone(),
            error.clone(),
            p.on_confirm.clone(),
        );
        let (reasons, current, today, lang) =
            (p.reasons.clone(), p.order.window, p.today.clone(), p.lang);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let no_move = *date == today && *window == current;
            match picked(&reasons, &chosen, &other, lang) {
                Some((reason_id, reason)) if !no_move && *date >= today => {
                    on_confirm.emit(Close::Moved {
                        date: (*date).clone(),
                        window: *window,
                        reason,
                        reason_id,
                    })
                }
                _ => error.set(true),
            }
        })
    };
    let day_btn = |id: &'static str, label: &'static str, d: &str| {
        let current = *date == d;
        html! {
            <button {id} type="button" class={classes!("btn", "day-option", current.then_some("chosen"))}
                aria-pressed={current.to_string()} onclick={pick_day(d.to_string())}>{ label }</button>
        }
    };
    let other_day = *date != p.today && *date != tomorrow;
    html! {
        <form id="close-form" class="close-form move" data-mode="move" {onsubmit}>
            <fieldset class="move-day">
                <legend>{ ct.move_title }</legend>
                <div class="day-options">
                    { day_btn("move-today", ct.later_today, &p.today) }
                    { day_btn("move-tomorrow", ct.tomorrow, &tomorrow) }
                </div>
                <label for="move-date" class={classes!(other_day.then_some("chosen"))}>{ ct.other_day }</label>
                <input id="move-date" class="big-input" type="date" min={p.today.clone()}
                    value={(*date).clone()} onchange={on_date} />
                <span class="move-date-text">{ long_date(lang, &date) }</span>
            </fieldset>
            <label for="move-window">{ ct.window }</label>
            <select id="move-window" class="big-input" onchange={on_window}>
                <option value="" selected={window.is_none()}>{ ct.any_time }</option>
                { for TimeWindow::standard().into_iter().map(|w| {
                    let v = window_text(Some(w));
                    html! { <option value={v.clone()} selected={*window == Some(w)}>{ v }</option> }
                }) }
            </select>
            <ReasonPicker name="move-reason" legend={None::<AttrValue>} reasons={p.reasons.clone()}
                lang={p.lang} chosen={(*chosen).clone()} other={(*other).clone()} {on_pick} {on_other}
                other_id="move-other" />
            if *error {
                <p class="field-error" data-field="move" role="alert">{ ct.need_move }</p>
            }
            <div class="form-actions">
                <button id="close-back" type="button" class="btn big btn-back" onclick={p.on_back.clone()}>
                    { ct.back }
                </button>
                <button id="confirm-move" type="submit" class="btn big btn-move">{ ct.confirm_move }</button>
            </div>
        </form>
    }
}
