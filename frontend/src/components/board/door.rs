//! What the courier changed at the door, for dispatch to see: the day they
//! propose (with the button that accepts it), every move they made, and what
//! was ordered beside what was delivered.

use rodnik_shared::api::{Order, Reschedule};
use yew::prelude::*;

use super::{goods_of, local_time, window_text};
use crate::i18n::board::texts;
use crate::i18n::{long_date, Lang};
use crate::pages::board::Op;

/// "6 December, 09:00–13:00 — не успеваю сегодня".
pub fn proposal_text(lang: Lang, r: &Reschedule) -> String {
    let window = match r.to_window {
        Some(_) => window_text(r.to_window),
        None => texts(lang).any_time.to_string(),
    };
    format!("{}, {window} — {}", long_date(lang, &r.to_date), r.reason)
}

#[derive(Properties, PartialEq)]
pub struct DoorProps {
    pub order: Order,
    pub lang: Lang,
    pub busy: bool,
    pub on_op: Callback<Op>,
}

#[function_component]
pub fn DoorChanges(p: &DoorProps) -> Html {
    let (lang, o) = (p.lang, &p.order);
    let bt = texts(lang);
    let accept = o.proposal.as_ref().map(|r| {
        let op = Op::Reschedule {
            id: o.id.clone(),
            version: o.version,
            date: r.to_date.clone(),
            window: Some(r.to_window),
        };
        let on_op = p.on_op.clone();
        Callback::from(move |_: MouseEvent| on_op.emit(op.clone()))
    });
    // One element, never a fragment: a component whose fragment grows or
    // empties among siblings trips Yew 0.23's DOM positioning (it panicked
    // inserting before a sibling it no longer owned).
    html! {
        <div class="door-changes">
            if let (Some(r), Some(onclick)) = (&o.proposal, accept) {
                <div id="door-proposal" class="door-proposal banner" data-date={r.to_date.clone()}>
                    <b>{ format!("{}: ", bt.proposal) }</b>
                    <span class="proposal-text">{ proposal_text(lang, r) }</span>
                    <button id="act-accept-proposal" type="button" class="btn btn-primary"
                        disabled={p.busy} {onclick}>{ bt.accept_proposal }</button>
                </div>
            }
            if let Some(ordered) = &o.ordered {
                <div id="door-ordered" class="door-ordered">
                    <div class="ordered">
                        <span class="label">{ format!("{}: ", bt.ordered) }</span>
                        <s>{ goods_of(&ordered.lines) }</s>
                        <span class="money">{ format!(" · {}", crate::money::text(lang, ordered.total)) }</span>
                    </div>
                    <div class="delivered">
                        <span class="label">{ format!("{}: ", bt.delivered_lines) }</span>
                        <span>{ goods_of(&o.lines) }</span>
                        <b class="money">{ format!(" · {}", crate::money::text(lang, o.total)) }</b>
                    </div>
                </div>
            }
            if !o.reschedules.is_empty() {
                <div class="attempts door-moves">
                    <h4>{ bt.moves }</h4>
                    <ul>
                        { for o.reschedules.iter().map(|r| html! {
                            <li class="door-move" data-outcome={outcome(r)}>
                                <span class="when">{ format!("{} · ", local_time(&r.at)) }</span>
                                <span class="what">{ format!("{} {} → {}", long_date(lang, &r.from_date),
                                    window_text(r.from_window), proposal_text(lang, r)) }</span>
                            </li>
                        }) }
                    </ul>
                </div>
            }
        </div>
    }
}

fn outcome(r: &Reschedule) -> &'static str {
    match r.outcome {
        rodnik_shared::api::RescheduleOutcome::SameDay => "same_day",
        rodnik_shared::api::RescheduleOutcome::ToRoute => "to_route",
        rodnik_shared::api::RescheduleOutcome::ToDispatch => "to_dispatch",
    }
}
