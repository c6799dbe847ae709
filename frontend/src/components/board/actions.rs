//! The selected order and what a dispatcher can do with it: give it to a
//! courier, dispatch, move it on the route, set a new date and window,
//! recall it from the courier, cancel it with a reason; a delivered one's
//! fiscal receipt.

use rodnik_shared::api::{Order, User};
use rodnik_shared::{OrderAction, OrderState, TimeWindow};
use yew::prelude::*;

use super::order_forms::{CancelForm, RescheduleForm};
use super::{goods_text, local_time, window_text};
use crate::i18n::board::texts;
use crate::i18n::{long_date, state_label, Lang};
use crate::pages::board::{Notice, Op};

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub order: Order,
    pub couriers: Vec<User>,
    /// The stops of the order's route (its courier and day), in order.
    pub route: Vec<String>,
    pub lang: Lang,
    pub busy: bool,
    pub notice: Option<Notice>,
    pub on_op: Callback<Op>,
    pub on_close: Callback<()>,
}

#[function_component]
pub fn ActionsPanel(p: &ActionsProps) -> Html {
    let lang = p.lang;
    let bt = texts(lang);
    let pt = crate::i18n::planning::texts(lang);
    let o = &p.order;
    // What the order allows is the shared domain's answer, as on the server.
    let open = o.state.is_open();
    let can_dispatch = o.allows(OrderAction::Dispatch) && o.courier_id.is_some();
    let can_recall = o.allows(OrderAction::Recall);
    let can_cancel = o.allows(OrderAction::Cancel);
    let (id, version) = (o.id.clone(), o.version);

    let field_error = |field: &str| field_error(&p.notice, field);
    let general = p.notice.as_ref().and_then(|n| match n.field.as_deref() {
        Some("stale") => Some(bt.stale.to_string()),
        Some("delivery_date" | "courier_id" | "reason" | "window") => None,
        _ => Some(n.text.clone()),
    });

    let on_courier = {
        let (on_op, id) = (p.on_op.clone(), id.clone());
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let v = sel.value();
            on_op.emit(Op::Assign {
                id: id.clone(),
                version,
                courier_id: (!v.is_empty()).then_some(v),
            });
        })
    };
    let op_button = |op: Op| {
        let on_op = p.on_op.clone();
        Callback::from(move |_: MouseEvent| on_op.emit(op.clone()))
    };
    let moved = |delta: i32| {
        let route = crate::state::board::move_by(&p.route, &o.id, delta);
        match (route, &o.courier_id) {
            (Some(order_ids), Some(c)) => Some(Op::Route {
                courier_id: c.clone(),
                date: o.delivery_date.clone(),
                order_ids,
            }),
            _ => None,
        }
    };
    let on_close = {
        let on_close = p.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };

    let on_route = o.state == OrderState::Delivery && p.route.iter().any(|r| *r == o.id);
    let up = moved(-1);
    let down = moved(1);

    html! {
        <div id="board-actions" class="panel actions" data-id={o.id.clone()}
            data-state={o.state.as_str()} data-version={o.version.to_string()}>
            <header class="actions-head">
                <span class="num">{ format!("№{}", o.number) }</span>
                <span class={classes!("badge", o.state.as_str())}>{ state_label(lang, o.state) }</span>
                { crate::components::notify::confirmed_mark(lang, o) }
                <button id="act-close" type="button" class="btn btn-ghost close" title={bt.close}
                    aria-label={bt.close} onclick={on_close}>{ "×" }</button>
            </header>
            <div class="actions-client">{ o.client_name.clone() }</div>
            <div class="actions-address">
                { o.address.text.clone() }
                if !o.address.located() {
                    <span class="no-point" title={crate::i18n::geo::texts(lang).no_point_title}>
                        { crate::i18n::geo::texts(lang).no_point }
                    </span>
                }
            </div>
            if o.address.contact_name.is_some() || o.address.contact_phone.is_some() {
                <div class="actions-contact">
                    { format!("{}: {} ", bt.contact, o.address.contact_name.clone().unwrap_or_default()) }
                    if let Some(ph) = &o.address.contact_phone {
                        <a href={format!("tel:{}", ph.as_str())}>{ ph.to_string() }</a>
                    }
                </div>
            }
            <div class="actions-when">
                { format!("{} {}", long_date(lang, &o.delivery_date), window_text(o.window)) }
                if let Some(c) = &o.courier_name {
                    { format!(" · {c}") }
                }
            </div>
            <div class="actions-goods">
                <span>{ goods_text(o) }</span>
                <b class="money">{ crate::money::text(lang, o.total) }</b>
            </div>
            if let Some(n) = &o.note {
                <div class="actions-note">{ format!("{}: {n}", bt.note) }</div>
            }
            if let Some(r) = &o.cancel_reason {
                <div class="actions-note">{ format!("{}: {r}", bt.cancel_reason) }</div>
            }
            <super::DoorChanges order={o.clone()} {lang} busy={p.busy} on_op={p.on_op.clone()} />
            if o.state == OrderState::Delivered {
                <crate::components::receipts::ReceiptLine order_id={o.id.clone()} {lang} />
            }
            if !o.attempts.is_empty() {
                <div class="attempts">
                    <h4>{ bt.attempts }</h4>
                    <ul>
                        { for o.attempts.iter().map(|a| html! {
                            <li class="attempt">
                                <span class="when">{ local_time(&a.at) }</span>
                                <span class="reason">{ a.reason.clone() }</span>
                            </li>
                        }) }
                    </ul>
                </div>
            }
            if let Some(g) = general {
                <p id="act-error" class="banner error" role="alert">{ g }</p>
            }
            if open {
                <div class="act-row">
                    <label for="act-courier">{ bt.courier }</label>
                    <select id="act-courier" onchange={on_courier} disabled={p.busy}>
                        <option value="" selected={o.courier_id.is_none()}>{ bt.nobody }</option>
                        { for p.couriers.iter().map(|c| html! {
                            <option value={c.id.clone()} selected={o.courier_id.as_deref() == Some(c.id.as_str())}>
                                { c.name.clone() }
                            </option>
                        }) }
                    </select>
                    { field_error("courier_id") }
                </div>
                <div class="act-row buttons">
                    if can_dispatch {
                        <button id="act-dispatch" type="button" class="btn btn-primary" disabled={p.busy}
                            onclick={op_button(Op::Dispatch { id: id.clone(), version })}>{ bt.dispatch }</button>
                    }
                    if on_route {
                        <button id="act-up" type="button" class="btn" disabled={p.busy || up.is_none()}
                            onclick={up.map(&op_button).unwrap_or_default()}>{ format!("↑ {}", bt.move_up) }</button>
                        <button id="act-down" type="button" class="btn" disabled={p.busy || down.is_none()}
                            onclick={down.map(&op_button).unwrap_or_default()}>{ format!("↓ {}", bt.move_down) }</button>
                    }
                    if o.state == OrderState::Delivery || o.courier_id.is_some() {
                        <button id="act-pin" type="button" class={classes!("btn", o.pinned.then_some("pinned"))}
                            disabled={p.busy || o.courier_id.is_none()} data-pinned={o.pinned.to_string()}
                            title={pt.pinned}
                            onclick={op_button(Op::Pin { id: id.clone(), version, pinned: !o.pinned })}>
                            { crate::components::planning::pin_icon() }
                            { if o.pinned { pt.unpin } else { pt.pin } }
                        </button>
                    }
                    if can_recall {
                        <button id="act-recall" type="button" class="btn" disabled={p.busy}
                            onclick={op_button(Op::Recall { id: id.clone(), version })}>{ bt.recall }</button>
                    }
                </div>
                <RescheduleForm order={o.clone()} {lang} busy={p.busy} notice={p.notice.clone()} on_op={p.on_op.clone()} />
                if can_cancel {
                    <CancelForm order={o.clone()} {lang} busy={p.busy} notice={p.notice.clone()} on_op={p.on_op.clone()} />
                }
            }
        </div>
    }
}

/// `"09:00-13:00"` (the console's value for a window), or empty for any time.
pub(super) fn window_value(w: Option<TimeWindow>) -> String {
    w.map(crate::state::console::window_value)
        .unwrap_or_default()
}

pub(super) fn parse_window(v: &str) -> Option<TimeWindow> {
    TimeWindow::standard()
        .into_iter()
        .find(|w| window_value(Some(*w)) == v)
}

/// The notice's error when it concerns `field`, shown next to it.
pub(super) fn field_error(notice: &Option<Notice>, field: &str) -> Html {
    match notice {
        Some(n) if n.field.as_deref() == Some(field) => html! {
            <span class="field-error" data-field={field.to_string()} role="alert">{ n.text.clone() }</span>
        },
        _ => html! {},
    }
}
