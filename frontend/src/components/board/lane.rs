//! One lane of the board (no courier, or one courier's day) and its cards.
//! Cards are draggable: dropped on a lane they go to that courier, dropped on
//! a stop of the same route they go before it.

use rodnik_shared::api::Order;
use rodnik_shared::OrderState;
use yew::prelude::*;

use super::{goods_text, window_text};
use crate::i18n::board::{stops, texts};
use crate::i18n::{state_label, Lang};
use crate::state::board::Lane;
use crate::state::orders::needs_new_date;
use crate::state::planning::{EtaFlag, EtaMark};

/// Where a dragged order was dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct DropAt {
    /// The lane's courier (`None`: the no-courier lane).
    pub courier_id: Option<String>,
    /// The card it was dropped on, if any.
    pub before: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct LaneProps {
    pub lane: Lane,
    pub lang: Lang,
    pub selected: Option<String>,
    pub touched: Vec<String>,
    pub on_select: Callback<Option<String>>,
    pub on_drag: Callback<String>,
    pub on_drop: Callback<DropAt>,
    /// The stops' expected arrivals (issue 21), by order id.
    #[prop_or_default]
    pub etas: std::rc::Rc<std::collections::HashMap<String, EtaMark>>,
}

#[function_component]
pub fn LaneView(p: &LaneProps) -> Html {
    let bt = texts(p.lang);
    let over = use_state_eq(|| false);
    let lane = &p.lane;
    let name = lane
        .courier_name
        .clone()
        .unwrap_or_else(|| bt.unassigned.to_string());
    let total = lane.route.len() + lane.waiting.len();
    let done = lane.delivered();
    let pct = if lane.route.is_empty() {
        0
    } else {
        done * 100 / lane.route.len()
    };

    let ondragover = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            // Allows the drop.
            e.prevent_default();
            over.set(true);
        })
    };
    let ondragleave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    let ondrop = {
        let (over, on_drop, courier_id) =
            (over.clone(), p.on_drop.clone(), lane.courier_id.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(false);
            let before = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|el| el.closest(".stop").ok().flatten())
                .and_then(|card| card.get_attribute("data-id"));
            on_drop.emit(DropAt {
                courier_id: courier_id.clone(),
                before,
            });
        })
    };

    let card = |o: &Order, pos: Option<usize>| {
        html! {
            <Card key={o.id.clone()} order={o.clone()} {pos} lang={p.lang}
                eta={p.etas.get(&o.id).cloned()}
                selected={p.selected.as_deref() == Some(o.id.as_str())}
                touched={p.touched.contains(&o.id)}
                on_select={p.on_select.clone()} on_drag={p.on_drag.clone()} />
        }
    };

    html! {
        <div class={classes!("lane", lane.courier_id.is_none().then_some("unassigned"), over.then_some("drag-over"))}
            data-courier-id={lane.courier_id.clone().unwrap_or_default()}
            title={bt.drop_here}
            {ondragover} {ondragleave} {ondrop}>
            <header class="lane-head">
                <span class="lane-name" title={name.clone()}>{ name.clone() }</span>
                <span class="lane-stats">
                    if lane.courier_id.is_some() {
                        <span class="lane-done" title={bt.done}>{ format!("{done}/{}", lane.route.len()) }</span>
                    }
                    <span class="lane-left" title={bt.left}>{ stops(p.lang, lane.left()) }</span>
                    if lane.bottles_left() > 0 {
                        <span class="lane-bottles" title={bt.bottles}>{ format!("{} {}", lane.bottles_left(), bt.bottles_short) }</span>
                    }
                </span>
                if lane.courier_id.is_some() {
                    <div class="progress" aria-hidden="true"><span style={format!("width:{pct}%")}></span></div>
                }
            </header>
            <div class="lane-body">
                if !lane.route.is_empty() {
                    <ol class="route" aria-label={bt.route}>
                        { for lane.route.iter().enumerate().map(|(i, o)| card(o, Some(i + 1))) }
                    </ol>
                }
                if !lane.waiting.is_empty() {
                    if lane.courier_id.is_some() {
                        <h4 class="lane-sub">{ bt.waiting }</h4>
                    }
                    <ul class="waiting">
                        { for lane.waiting.iter().map(|o| card(o, None)) }
                    </ul>
                }
                if !lane.cancelled.is_empty() {
                    <h4 class="lane-sub">{ bt.cancelled }</h4>
                    <ul class="cancelled">
                        { for lane.cancelled.iter().map(|o| card(o, None)) }
                    </ul>
                }
                if total == 0 && lane.cancelled.is_empty() {
                    <p class="lane-empty">{ bt.empty_lane }</p>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    order: Order,
    /// Position on the route, for stops.
    pos: Option<usize>,
    lang: Lang,
    selected: bool,
    touched: bool,
    on_select: Callback<Option<String>>,
    on_drag: Callback<String>,
    eta: Option<EtaMark>,
}

#[function_component]
fn Card(p: &CardProps) -> Html {
    let bt = texts(p.lang);
    let o = &p.order;
    let failed = needs_new_date(o);
    let onclick = {
        let (on_select, id) = (p.on_select.clone(), o.id.clone());
        Callback::from(move |_: MouseEvent| on_select.emit(Some(id.clone())))
    };
    let onkeydown = {
        let (on_select, id) = (p.on_select.clone(), o.id.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_select.emit(Some(id.clone()));
            }
        })
    };
    let ondragstart = {
        let (on_drag, id) = (p.on_drag.clone(), o.id.clone());
        Callback::from(move |e: DragEvent| {
            if let Some(dt) = e.data_transfer() {
                let _ = dt.set_data("text/plain", &id);
                dt.set_effect_allowed("move");
            }
            on_drag.emit(id.clone());
        })
    };
    let draggable = o.state.is_open();
    let pt = crate::i18n::planning::texts(p.lang);
    let last_attempt = o.attempts.last();
    html! {
        <li key={format!("{}@{}", o.id, o.version)}
            class={classes!("stop", o.state.as_str(), p.selected.then_some("selected"),
                p.touched.then_some("touched"), failed.then_some("failed"))}
            data-id={o.id.clone()} data-number={o.number.to_string()} data-state={o.state.as_str()}
            data-pinned={o.pinned.to_string()}
            data-eta={p.eta.as_ref().and_then(|e| e.eta.clone()).unwrap_or_default()}
            data-eta-flag={p.eta.as_ref().map(|e| e.flag.code()).unwrap_or_default()}
            tabindex="0" draggable={draggable.to_string()} {onclick} {onkeydown} {ondragstart}>
            <div class="card-top">
                if let Some(pos) = p.pos {
                    <span class="pos">{ pos }</span>
                }
                <span class="num">{ format!("№{}", o.number) }</span>
                <span class="window">{ window_text(o.window) }</span>
                if o.state != OrderState::New {
                    <span class={classes!("badge", o.state.as_str())}>{ state_label(p.lang, o.state) }</span>
                }
                if o.pinned {
                    <span class="pin" title={pt.pinned} aria-label={pt.pinned}>{ crate::components::planning::pin_icon() }</span>
                }
                { crate::components::notify::confirmed_mark(p.lang, o) }
            </div>
            if let Some(e) = &p.eta {
                { eta_line(p.lang, e) }
            }
            <div class="card-client" title={o.client_name.clone()}>{ o.client_name.clone() }</div>
            <div class="card-address" title={o.address.text.clone()}>{ o.address.text.clone() }</div>
            <div class="card-goods">
                <span class="goods" title={goods_text(o)}>{ goods_text(o) }</span>
                <span class="money">{ crate::money::text(p.lang, o.total) }</span>
            </div>
            if let (true, Some(r)) = (failed, &o.proposal) {
                <div class="card-failed proposal">{ format!("{}: {}", bt.proposal, super::proposal_text(p.lang, r)) }</div>
            } else if let (true, Some(a)) = (failed, last_attempt) {
                <div class="card-failed">{ format!("{}: {}", bt.failed, a.reason) }</div>
            }
        </li>
    }
}

/// "≈ 10:40", flagged at risk or late (issue 21).
fn eta_line(lang: Lang, e: &EtaMark) -> Html {
    let pt = crate::i18n::planning::texts(lang);
    let Some(at) = &e.eta else {
        return html! {};
    };
    let (class, note) = match e.flag {
        EtaFlag::OnTime => ("on-time", String::new()),
        EtaFlag::AtRisk => ("at-risk", pt.at_risk.to_string()),
        EtaFlag::Late => ("late", crate::i18n::planning::late_by(lang, e.late_minutes)),
    };
    html! {
        <div class={classes!("card-eta", class)} title={format!("{} ≈ {at}", pt.eta)}>
            <span class="eta-time">{ format!("≈ {at}") }</span>
            if !note.is_empty() {
                <span class="eta-flag">{ note }</span>
            }
        </div>
    }
}
