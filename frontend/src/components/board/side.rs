//! The board's side lists: failed deliveries waiting for a new date, and the
//! day's missed calls with call-back.

use rodnik_shared::api::Order;
use yew::prelude::*;

use super::local_time;
use crate::i18n::board::texts;
use crate::i18n::{long_date, Lang};
use crate::pages::board::Op;
use crate::state::board::CallsState;

#[derive(Properties, PartialEq)]
pub struct NeedsDateProps {
    pub orders: Vec<Order>,
    pub lang: Lang,
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
}

#[function_component]
pub fn NeedsDate(p: &NeedsDateProps) -> Html {
    let bt = texts(p.lang);
    html! {
        <section id="needs-date" class="side-list">
            <h3>{ bt.needs_date_title }<b class="count">{ p.orders.len() }</b></h3>
            if p.orders.is_empty() {
                <p class="muted">{ bt.needs_date_empty }</p>
            } else {
                <ul>
                    { for p.orders.iter().map(|o| {
                        let onclick = {
                            let (on_select, id) = (p.on_select.clone(), o.id.clone());
                            Callback::from(move |_: MouseEvent| on_select.emit(Some(id.clone())))
                        };
                        // The courier's proposed day, else the failed attempt's reason.
                        let reason = match &o.proposal {
                            Some(r) => format!("→ {}", super::proposal_text(p.lang, r)),
                            None => o.attempts.last().map(|a| a.reason.clone()).unwrap_or_default(),
                        };
                        let selected = p.selected.as_deref() == Some(o.id.as_str());
                        html! {
                            <li key={o.id.clone()} class={classes!("needs-date", selected.then_some("selected"))}
                                data-id={o.id.clone()}>
                                <button type="button" class="link" {onclick}>
                                    <span class="num">{ format!("№{}", o.number) }</span>
                                    <span class="who">{ o.client_name.clone() }</span>
                                    <span class="when">{ long_date(p.lang, &o.delivery_date) }</span>
                                    <span class="reason">{ reason }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct MissedCallsProps {
    pub calls: CallsState,
    pub lang: Lang,
    pub busy: bool,
    pub on_op: Callback<Op>,
}

#[function_component]
pub fn MissedCalls(p: &MissedCallsProps) -> Html {
    let bt = texts(p.lang);
    html! {
        <section id="missed-calls" class="side-list">
            <h3>{ bt.missed_title }<b class="count">{ p.calls.open() }</b></h3>
            if let Some(e) = &p.calls.error {
                <p class="banner error">{ e.clone() }</p>
            }
            if p.calls.calls.is_empty() {
                <p class="muted">{ bt.missed_empty }</p>
            } else {
                <ul>
                    { for p.calls.calls.iter().map(|c| {
                        let done = c.called_back_at.is_some();
                        let onclick = {
                            let (on_op, call_id) = (p.on_op.clone(), c.id.clone());
                            Callback::from(move |_: MouseEvent| on_op.emit(Op::CalledBack { call_id: call_id.clone() }))
                        };
                        let who = if c.client_names.is_empty() {
                            if c.client_ids.is_empty() { bt.new_number.to_string() } else { String::new() }
                        } else {
                            c.client_names.join(", ")
                        };
                        html! {
                            <li key={c.id.clone()} class={classes!("missed-call", done.then_some("done"))}
                                data-id={c.id.clone()} data-called-back={done.to_string()}>
                                <span class="when">{ local_time(&c.started_at) }</span>
                                <span class="from">{ c.from.clone() }</span>
                                <span class="who">{ who }</span>
                                if done {
                                    <span class="called-back">
                                        { format!("{} {} {}", c.called_back_by.clone().unwrap_or_default(), bt.called_back,
                                            c.called_back_at.as_deref().map(local_time).unwrap_or_default()) }
                                    </span>
                                } else {
                                    <span class="call-actions">
                                        // One click: the PBX rings the operator's phone, then the caller.
                                        <crate::components::dial::Dial phone={c.from.clone()}
                                            client_id={c.client_ids.first().cloned()} lang={p.lang}
                                            label={Some(AttrValue::from(bt.dial))} />
                                        <button type="button" class="btn mark-called-back" disabled={p.busy} {onclick}>
                                            { bt.mark_called_back }
                                        </button>
                                    </span>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
