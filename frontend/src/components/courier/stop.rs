//! One stop of the route: where, when, who to call, what to hand over and
//! collect; the two big close buttons, or the close waiting to be sent (with
//! Undo and its countdown during the grace period), or how it was closed.

use rodnik_shared::api::Order;
use rodnik_shared::OrderState;
use yew::prelude::*;

use std::collections::BTreeMap;

use rodnik_shared::api::Product;
use rodnik_shared::Money;

use super::close_form::{DeliverForm, FailForm, MoveForm};
use super::{map_href, phone_text, rub, tel_href};
use crate::components::board::{local_time, window_text};
use crate::i18n::courier::{sends_in, texts};
use crate::i18n::{state_label, Lang};
use crate::state::courier::{cash_due, Close, QueuedClose};

/// Empties the courier should bring back: the exchange with what the client
/// holds (when known) plus bottles whose deposit the stop pays back.
/// `full`: the returnable bottles brought (the order's, or those changed at the door).
pub fn expected_empties(o: &Order, full: u32, held: Option<i64>) -> u32 {
    let full = i64::from(full);
    let n = match held {
        Some(h) => rodnik_shared::bottles::empties_expected(h, full, o.deposit_bottles()),
        None => full + (-o.deposit_bottles()).max(0),
    };
    u32::try_from(n.max(0)).unwrap_or(0)
}

/// Which close form is open on a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Deliver,
    Fail,
    Move,
}

#[derive(Properties, PartialEq)]
pub struct StopProps {
    pub order: Order,
    /// 1-based place on the route.
    pub pos: usize,
    /// The first stop still to deliver.
    pub next: bool,
    pub lang: Lang,
    pub queued: Option<QueuedClose>,
    /// The clock for the undo countdown; only passed with a queued close.
    pub now: f64,
    /// The bottles the client held when the route was fetched.
    #[prop_or_default]
    pub held: Option<i64>,
    /// The client's phones, for an address without a contact phone.
    pub phones: Vec<String>,
    /// The price list and this client's contract prices (for the open form).
    pub products: Vec<Product>,
    pub contract: BTreeMap<String, Money>,
    /// The payment QR's settings (for the open deliver form).
    #[prop_or_default]
    pub qr: Option<rodnik_shared::api::PaymentQrSettings>,
    /// The route's day.
    pub today: String,
    /// The company's reasons for the open form (fail or move).
    pub reasons: Vec<rodnik_shared::api::Reason>,
    pub open: Option<Mode>,
    pub on_open: Callback<(String, Option<Mode>)>,
    pub on_close: Callback<(String, Close)>,
    pub on_undo: Callback<String>,
    /// The expected arrival (issue 21), as last answered.
    #[prop_or_default]
    pub eta: Option<crate::state::planning::EtaMark>,
}

#[function_component]
pub fn StopCard(p: &StopProps) -> Html {
    let lang = p.lang;
    let ct = texts(lang);
    let rt = crate::i18n::rental::texts(lang);
    let o = &p.order;
    let due = cash_due(o);
    let empties = expected_empties(o, o.returnable_qty(), p.held);
    let delivered = o.state == OrderState::Delivered;
    let pending = p.queued.as_ref().map(|q| match q.close {
        Close::Delivered { .. } => "delivered",
        Close::Failed { .. } => "failed",
        Close::Moved { .. } => "moved",
    });
    let phones: Vec<String> = match &o.address.contact_phone {
        Some(ph) => vec![ph.as_str().to_string()],
        None => p.phones.clone(),
    };
    let window = match o.window {
        Some(_) => window_text(o.window),
        None => ct.any_time.to_string(),
    };
    let open = |mode: Option<Mode>| {
        let (on_open, id) = (p.on_open.clone(), o.id.clone());
        Callback::from(move |_: MouseEvent| on_open.emit((id.clone(), mode)))
    };
    let on_confirm = {
        let (on_close, id) = (p.on_close.clone(), o.id.clone());
        Callback::from(move |c: Close| on_close.emit((id.clone(), c)))
    };

    let foot = if let Some(q) = &p.queued {
        let what = super::close_text(lang, &q.close);
        let status = if q.undoable(p.now) {
            let onclick = {
                let (on_undo, key) = (p.on_undo.clone(), q.key.clone());
                Callback::from(move |_: MouseEvent| on_undo.emit(key.clone()))
            };
            let left = q.seconds_left(p.now);
            html! {
                <>
                    <span class="countdown" data-seconds={left.to_string()}>{ sends_in(lang, left) }</span>
                    <button type="button" class="btn undo" {onclick}>
                        { format!("{} ({left})", ct.undo) }
                    </button>
                </>
            }
        } else if q.in_flight {
            html! { <span class="sending">{ ct.sending }</span> }
        } else {
            html! { <span class="waiting">{ ct.waiting_connection }</span> }
        };
        html! {
            <div class={classes!("pending", pending)} data-key={q.key.clone()} role="status">
                <span class="pending-what">{ what }</span>
                { status }
            </div>
        }
    } else if delivered {
        let cash = o
            .cash_collected
            .filter(|m| !(m.0 == 0 && !o.payments.is_empty()))
            .map(|m| rub(lang, m))
            .unwrap_or_default();
        // Card and SBP, and what stays owing when less than due was paid.
        let paid = super::paid_text(lang, &o.payments);
        let (card, sbp) = crate::state::courier::by_method(&o.payments);
        let owes = crate::state::courier::debt_left(
            o.cash_due(),
            o.cash_collected.unwrap_or(Money::ZERO).0,
            &o.payments,
        );
        let back = o
            .empties_returned
            .map(|e| format!("{}: {e}", ct.empties_returned.to_lowercase()))
            .unwrap_or_default();
        let at = o
            .delivered_at
            .as_deref()
            .map(local_time)
            .unwrap_or_default();
        html! {
            <div class="closed-info">
                { format!("{} {at}", ct.delivered_at) }
                if !cash.is_empty() { { format!(" · {cash}") } }
                if !paid.is_empty() {
                    <span class="paid-by" data-card={card.0.to_string()} data-sbp={sbp.0.to_string()}>{ paid }</span>
                }
                if owes.0 > 0 {
                    <span class="owes" data-value={owes.0.to_string()}>{ format!(" · {} {}", ct.owes, rub(lang, owes)) }</span>
                }
                if !back.is_empty() { { format!(" · {back}") } }
            </div>
        }
    } else {
        match p.open {
            Some(Mode::Deliver) => html! {
                <DeliverForm order={o.clone()} {lang} products={p.products.clone()} contract={p.contract.clone()}
                    held={p.held} qr={p.qr.clone()} on_confirm={on_confirm.clone()} on_back={open(None)} />
            },
            Some(Mode::Move) => html! {
                <MoveForm order={o.clone()} {lang} today={p.today.clone()} reasons={p.reasons.clone()}
                    on_confirm={on_confirm.clone()} on_back={open(None)} />
            },
            Some(Mode::Fail) => html! {
                <FailForm {lang} reasons={p.reasons.clone()} on_confirm={on_confirm.clone()} on_back={open(None)} />
            },
            None => html! {
                <div class="stop-actions">
                    <button type="button" class="btn big btn-deliver" onclick={open(Some(Mode::Deliver))}>
                        { ct.delivered_btn }
                    </button>
                    <button type="button" class="btn big btn-fail" onclick={open(Some(Mode::Fail))}>
                        { ct.failed_btn }
                    </button>
                    <button type="button" class="btn big btn-move" onclick={open(Some(Mode::Move))}>
                        { ct.move_btn }
                    </button>
                </div>
            },
        }
    };

    html! {
        <li class={classes!("route-stop", o.state.as_str(), p.next.then_some("next"),
                pending.map(|_| "is-pending"), p.open.map(|_| "is-open"))}
            data-id={o.id.clone()} data-number={o.number.to_string()} data-state={o.state.as_str()}
            data-version={o.version.to_string()} data-pending={pending.unwrap_or_default()}>
            <div class="stop-head">
                <span class="pos">{ p.pos }</span>
                <span class="num">{ format!("№{}", o.number) }</span>
                <span class="window">{ window }</span>
                if p.next && p.queued.is_none() {
                    <span class="badge next">{ ct.next }</span>
                }
                if delivered {
                    <span class="badge delivered">{ state_label(lang, o.state) }</span>
                }
            </div>
            if let Some(e) = p.eta.as_ref().filter(|_| !delivered && p.queued.is_none()) {
                if let Some(at) = &e.eta {
                    <div class={classes!("stop-eta", e.flag.code().replace('_', "-"))} data-eta={at.clone()}
                        data-flag={e.flag.code()}>
                        { format!("{} ≈ {at}", crate::i18n::planning::texts(lang).eta) }
                        { match e.flag {
                            crate::state::planning::EtaFlag::OnTime => String::new(),
                            crate::state::planning::EtaFlag::AtRisk =>
                                format!(" · {}", crate::i18n::planning::texts(lang).at_risk),
                            crate::state::planning::EtaFlag::Late =>
                                format!(" · {}", crate::i18n::planning::late_by(lang, e.late_minutes)),
                        } }
                    </div>
                }
            }
            <div class="stop-client">{ o.client_name.clone() }</div>
            <a class="stop-address map" href={map_href(&o.address)} target="_blank" rel="noopener">
                <span class="address-text">{ o.address.text.clone() }</span>
                <span class="map-label">{ ct.map }</span>
            </a>
            if !delivered {
                <div class="contact">
                    if let Some(name) = &o.address.contact_name {
                        <span class="contact-name">{ name.clone() }</span>
                    }
                    { for phones.iter().map(|ph| html! {
                        <a class="call" href={tel_href(ph)} aria-label={ct.call}>{ phone_text(ph) }</a>
                    }) }
                </div>
                <ul class="goods" aria-label={ct.deliver}>
                    { for o.lines.iter().map(|l| html! {
                        <li class="good" data-product-id={l.product_id.clone()}>
                            <span class="good-name">{ l.name.clone() }</span>
                            <b class="good-qty">{ format!("× {}", l.qty) }</b>
                        </li>
                    }) }
                </ul>
                if !o.equipment.is_empty() {
                    <ul class="equipment-tasks">
                        { for o.equipment.iter().map(|t| html! {
                            <li class={classes!("equipment-task", t.action.as_str())}
                                data-serial={t.serial.clone()} data-action={t.action.as_str()}>
                                <b class="task-line">{ crate::i18n::rental::task_line(lang, t.action, t.kind, &t.serial) }</b>
                                <span class="task-model">{ format!(" · {}", t.model) }</span>
                                if t.deposit.0 != 0 {
                                    <span class="task-deposit" data-value={t.deposit.0.to_string()}>
                                        { format!(" · {}: {}",
                                            if t.deposit.0 > 0 { rt.deposit_take } else { rt.deposit_back },
                                            rub(lang, Money(t.deposit.0.abs()))) }
                                    </span>
                                }
                            </li>
                        }) }
                    </ul>
                }
                <div class="collect">
                    <span class="cash-due" data-value={due.0.to_string()}>
                        if due.0 > 0 {
                            { ct.cash_due }{ ": " }<b>{ rub(lang, due) }</b>
                        } else if due.0 < 0 {
                            // A deposit paid back beyond the goods: the courier pays out.
                            <span class="pay-back">{ ct.pay_back }{ ": " }<b>{ rub(lang, Money(-due.0)) }</b></span>
                        } else if o.client_kind == rodnik_shared::ClientKind::Legal {
                            { ct.invoiced }
                        }
                    </span>
                    <span class="empties-due" data-value={empties.to_string()}
                        hidden={empties == 0 && p.held.unwrap_or(0) <= 0}>
                        { ct.empties_expected }{ ": " }<b>{ empties }</b>
                        if let Some(h) = p.held {
                            <span class="client-holds" data-value={h.to_string()}>
                                { format!(" ({} {h})", ct.client_holds) }
                            </span>
                        }
                    </span>
                    if let Some(d) = o.deposit.as_ref().filter(|d| d.amount.0 != 0) {
                        <span class="deposit-due" data-value={d.amount.0.to_string()}
                            data-bottles={d.bottles.to_string()}>
                            { if d.amount.0 > 0 { ct.deposit_take } else { ct.deposit_back } }{ ": " }
                            <b>{ format!("{} × {}", d.bottles.abs(), rub(lang, d.price)) }</b>
                        </span>
                    }
                </div>
                if let Some(note) = &o.note {
                    <div class="stop-note">{ note.clone() }</div>
                }
            }
            { foot }
        </li>
    }
}
