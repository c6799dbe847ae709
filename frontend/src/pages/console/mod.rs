//! The operator console, one window: search or screen pop on the left, the
//! client's order on the right. Keyboard first: Alt+F search, Alt+N new
//! client, Alt+R repeat the last order, Enter or Ctrl+Enter save & dispatch,
//! Esc close the call.
//!
//! `hooks` holds what the page loads, keeps and follows; `submit` what the
//! operator's actions do; `panels` the two halves of the window.

mod hooks;
mod panels;
mod submit;

use gloo_storage::{SessionStorage, Storage};
use rodnik_shared::api::{CallState, Product, User};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::client_card::short_date;
use crate::components::{ClientSearch, LiveIndicator};
use crate::i18n::Lang;
use crate::state::console::{ConsoleAction, ConsoleState, Panel, Snapshot};
use crate::state::use_app;

#[derive(Clone, PartialEq, Default)]
pub struct Catalogue {
    pub products: Vec<Product>,
    pub couriers: Vec<User>,
    /// The company's bottle rules (the order's deposit line).
    pub bottles: rodnik_shared::api::BottleSettings,
    pub error: Option<String>,
}

#[function_component]
pub fn Console() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = lang.t();
    let token = app.token().unwrap_or_default().to_string();
    let manager = app
        .session
        .as_ref()
        .is_some_and(|s| s.user.role.is_manager_or_up());
    // Drafts survive a reload of this tab: sessionStorage, one entry per user.
    let saved_key = app
        .session
        .as_ref()
        .map(|s| format!("rodnik.console.{}", s.user.id));
    let state = {
        let saved_key = saved_key.clone();
        use_reducer(move || {
            let snap = saved_key.as_deref().and_then(load_snapshot);
            ConsoleState::restored(crate::clock::today_date(), snap)
        })
    };
    let catalogue = hooks::use_catalogue(&token);
    let search_ref = use_node_ref();
    let repeat_ref = use_node_ref();
    let first_qty_ref = use_node_ref();
    // A double click or Enter + Ctrl+Enter must not start a second submit
    // before the first one's state has rendered.
    let in_flight = use_mut_ref(|| false);
    hooks::use_drafts(&state, &token, saved_key);
    hooks::use_similar_check(&state, &app, &token);
    hooks::use_focus_order(&state, &repeat_ref, &first_qty_ref);
    hooks::use_slots(&state, &catalogue, &token);
    let live = hooks::use_call_feed(&state, &app, &token);

    let pick = submit::pick(state.clone(), app.clone(), token.clone());
    let new_client = submit::new_client(state.clone());
    let submit_client =
        submit::submit_client(state.clone(), app.clone(), token.clone(), in_flight.clone());
    let submit_order = submit::submit_order(
        state.clone(),
        catalogue.clone(),
        app.clone(),
        token.clone(),
        in_flight.clone(),
    );
    let repeat = submit::repeat(state.clone(), catalogue.clone());
    let repeat_order = submit::repeat_order(state.clone(), catalogue.clone());
    let cancel_order = submit::cancel_order(state.clone(), app.clone(), token.clone());
    hooks::use_shortcuts(&state, &search_ref, &repeat, &submit_order, &new_client);

    let close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ConsoleAction::Close))
    };
    let take_waiting = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ConsoleAction::TakeWaiting))
    };
    let on_new_click = {
        let new_client = new_client.clone();
        Callback::from(move |_: MouseEvent| new_client.emit(String::new()))
    };

    let left = panels::pop_panel(&state, lang, &token, &submit_client, &pick, &repeat_order);
    let right = panels::order_panel(
        &state,
        lang,
        &catalogue,
        &repeat,
        &submit_order,
        &repeat_ref,
        &first_qty_ref,
        &cancel_order,
        manager,
    );

    html! {
        <section class="console">
            <div class="console-left">
                <div class="search-row">
                    <ClientSearch token={token.clone()} {lang} input={search_ref.clone()}
                        on_pick={pick} on_new={new_client.clone()} />
                    <button type="button" id="new-client" class="btn btn-ghost" onclick={on_new_click} title="Alt+N">
                        { t.new_client }
                    </button>
                    <LiveIndicator status={live} {lang} />
                </div>
                if let Some(w) = &state.waiting {
                    <div id="call-waiting" class="banner call-waiting" role="alert">
                        <span>{ t.call_waiting }{ ": " }<b>{ w.call.from.clone() }</b>
                            { w.matches.first().map(|m| format!(" · {}", m.client.name)).unwrap_or_default() }
                            if let [only] = w.matches.as_slice() {
                                { " " }{ crate::components::account::debt_badge(lang, &only.account) }
                            }</span>
                        <button type="button" id="take-call" class="btn btn-primary" onclick={take_waiting}>{ t.take_call }</button>
                    </div>
                }
                if let Some(e) = &catalogue.error {
                    <p class="banner error" role="alert">{ format!("{}: {e}", t.catalogue_failed) }</p>
                }
                <div id="pop" class={classes!("pop", state.call.is_some().then_some("calling"))}
                    data-call-id={state.call.as_ref().map(|c| c.call.id.clone())}>
                    if let Some(c) = &state.call {
                        <div class="call-bar">
                            <span class="call-icon" aria-hidden="true">{ "☎" }</span>
                            <span>{ t.incoming_call }{ ": " }<b id="call-from">{ c.call.from.clone() }</b></span>
                            <span class={classes!("call-state", call_state_class(c.call.state))}>{ call_state_text(lang, c.call.state) }</span>
                        </div>
                    }
                    if state.panel != Panel::Empty {
                        <button type="button" id="pop-close" class="btn btn-link close" onclick={close} title="Esc">
                            { t.close }<kbd>{ "Esc" }</kbd>
                        </button>
                    }
                    { left }
                </div>
            </div>
            <div class="console-right">
                if let Some(o) = &state.saved {
                    <p id="order-saved" class="banner ok" data-id={o.id.clone()} data-number={o.number.to_string()}
                        data-state={o.state.as_str()} role="status">
                        { saved_text(lang, o) }
                    </p>
                }
                { right }
            </div>
        </section>
    }
}

/// "Order 12 (07.12.26, 500,00 ₽) dispatched to Kolya", or "Order 12 cancelled".
fn saved_text(lang: Lang, o: &rodnik_shared::api::Order) -> String {
    let t = lang.t();
    if o.state == rodnik_shared::OrderState::Cancelled {
        return format!(
            "{} {} {}",
            t.order_word,
            o.number,
            crate::i18n::client::texts(lang).cancelled
        );
    }
    format!(
        "{} {} ({}, {}) {} {}",
        t.order_word,
        o.number,
        short_date(&o.delivery_date),
        crate::money::text(lang, o.total),
        t.dispatched_to,
        o.courier_name.clone().unwrap_or_default()
    )
}

pub(crate) fn load_snapshot(key: &str) -> Option<Snapshot> {
    let raw = SessionStorage::raw().get_item(key).ok().flatten()?;
    let snap = Snapshot::from_json(&raw);
    if snap.is_none() {
        SessionStorage::delete(key);
    }
    snap
}

pub(crate) fn store_snapshot(key: &str, snap: &Snapshot) {
    if snap.is_empty() {
        SessionStorage::delete(key);
    } else {
        // A full or disabled storage only loses the reload safety net.
        let _ = SessionStorage::raw().set_item(key, &snap.to_json());
    }
}

fn call_state_class(s: CallState) -> &'static str {
    match s {
        CallState::Ringing => "ringing",
        CallState::Answered => "answered",
        CallState::Ended => "ended",
    }
}

fn call_state_text(lang: Lang, s: CallState) -> &'static str {
    let t = lang.t();
    match s {
        CallState::Ringing => t.call_ringing,
        CallState::Answered => t.call_answered,
        CallState::Ended => t.call_ended,
    }
}

pub(crate) fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}

pub(crate) fn focus(r: &NodeRef) {
    if let Some(el) = r.cast::<HtmlElement>() {
        let _ = el.focus();
    }
}
