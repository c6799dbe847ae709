//! The operator console, one window: search or screen pop on the left, the
//! client's order on the right. Keyboard first: Alt+F search, Alt+N new
//! client, Alt+R repeat the last order, Enter or Ctrl+Enter save & dispatch,
//! Esc close the call.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_storage::{SessionStorage, Storage};
use gloo_timers::callback::Timeout;
use rodnik_shared::api::CallState;
use rodnik_shared::api::{
    CallWithMatches, CreateOrder, PatchOrder, Product, SimilarClient, SimilarReason, User,
};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::live::{use_live, LiveEvent};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::components::client_card::short_date;
use crate::components::{ClientCardView, ClientSearch, LiveIndicator, NewClientForm, OrderForm};
use crate::i18n::{kind_label, Lang};
use crate::state::console::{
    ConsoleAction, ConsoleDispatcher, ConsoleState, FieldErrors, Missing, Panel, SimilarQuery,
    Snapshot,
};
use crate::state::{use_app, AppHandle};

#[derive(Clone, PartialEq, Default)]
struct Catalogue {
    products: Vec<Product>,
    couriers: Vec<User>,
    error: Option<String>,
}

#[function_component]
pub fn Console() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = lang.t();
    let token = app.token().unwrap_or_default().to_string();
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
    let catalogue = use_state(Catalogue::default);
    let search_ref = use_node_ref();
    let repeat_ref = use_node_ref();
    let first_qty_ref = use_node_ref();
    // A double click or Enter + Ctrl+Enter must not start a second submit
    // before the first one's state has rendered.
    let in_flight = use_mut_ref(|| false);

    // Products and couriers, once.
    {
        let (catalogue, _app, token) = (catalogue.clone(), app.clone(), token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let api = Api::with_token(&token);
                let (products, couriers) = futures::join!(api.products(), api.couriers());
                match (products, couriers) {
                    (Ok(products), Ok(couriers)) => catalogue.set(Catalogue {
                        products,
                        couriers,
                        error: None,
                    }),
                    (Err(e), _) | (_, Err(e)) => catalogue.set(Catalogue {
                        error: Some(e.to_string()),
                        ..Default::default()
                    }),
                }
            });
        });
    }

    // The contract prices of the client on screen.
    {
        let client_id = state.card().map(|c| c.client.id.clone());
        let (dispatcher, token) = (state.dispatcher(), token.clone());
        use_effect_with(client_id, move |id| {
            if let Some(id) = id.clone() {
                spawn_local(async move {
                    if let Ok(p) = Api::with_token(&token).client_prices(&id).await {
                        let map: HashMap<_, _> = p
                            .prices
                            .into_iter()
                            .map(|c| (c.product_id, c.price))
                            .collect();
                        dispatcher.dispatch(ConsoleAction::ContractPrices(id, map));
                    }
                });
            }
        });
    }

    // Every change of the drafts, the client on screen or the call is kept.
    {
        let saved_key = saved_key.clone();
        use_effect_with(state.snapshot(), move |snap| {
            if let Some(key) = saved_key {
                store_snapshot(&key, snap);
            }
        });
    }

    // After a reload: the card of the client that was on screen.
    {
        let restoring = state.restoring.as_ref().map(|(id, _)| id.clone());
        let (dispatcher, _app, token) = (state.dispatcher(), app.clone(), token.clone());
        use_effect_with(restoring, move |id| {
            if let Some(id) = id.clone() {
                spawn_local(async move {
                    match Api::with_token(&token).client(&id).await {
                        Ok(card) => dispatcher.dispatch(ConsoleAction::Restored(Box::new(card))),
                        Err(_) => dispatcher.dispatch(ConsoleAction::RestoreFailed),
                    }
                });
            }
        });
    }

    // Possible duplicates of the client being typed, a moment after the last keystroke.
    {
        let query = (state.panel == Panel::NewClient)
            .then(|| state.client_draft.similar_query())
            .flatten()
            .filter(|q| state.client_draft.similar_for.as_ref() != Some(q));
        let (dispatcher, app, token) = (state.dispatcher(), app.clone(), token.clone());
        use_effect_with(query, move |q| {
            let timer = q.clone().map(|q| {
                Timeout::new(SIMILAR_DEBOUNCE_MS, move || {
                    spawn_local(async move {
                        if let Some(found) = ask_similar(&app, &token, &q).await {
                            dispatcher.dispatch(ConsoleAction::Similar(q, found));
                        }
                    });
                })
            });
            move || drop(timer)
        });
    }

    // A client just popped or was picked: focus where the next keystroke goes.
    {
        let (repeat_ref, first_qty_ref) = (repeat_ref.clone(), first_qty_ref.clone());
        use_effect_with(state.focus_order, move |n| {
            if *n > 0 {
                let enabled = repeat_ref
                    .cast::<web_sys::HtmlButtonElement>()
                    .filter(|b| !b.disabled());
                match enabled {
                    Some(b) => {
                        let _ = b.focus();
                    }
                    None => focus(&first_qty_ref),
                }
            }
        });
    }

    // This operator's extension now (it can change while the socket is open).
    let my_extension = use_mut_ref(|| None::<String>);
    *my_extension.borrow_mut() = app.session.as_ref().and_then(|s| s.user.extension.clone());

    let on_live = {
        let (dispatcher, _app) = (state.dispatcher(), app.dispatcher());
        let my_extension = my_extension.clone();
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Unauthorized | LiveEvent::Opened => {}
            LiveEvent::Message(m) => {
                let call = || serde_json::from_value::<CallWithMatches>(m.data.clone()).ok();
                match m.kind.as_str() {
                    "call.ringing" => {
                        if let Some(c) = call() {
                            dispatcher.dispatch(ConsoleAction::Ringing(Box::new(c)));
                        }
                    }
                    "call.answered" | "call.ended" => {
                        if let Some(c) = call() {
                            let elsewhere = m.kind == "call.answered"
                                && c.call.extension.is_some()
                                && c.call.extension != *my_extension.borrow();
                            dispatcher.dispatch(if elsewhere {
                                ConsoleAction::AnsweredElsewhere(Box::new(c))
                            } else {
                                ConsoleAction::CallChanged(Box::new(c))
                            });
                        }
                    }
                    _ => {}
                }
            }
        })
    };
    let live = use_live(Some(token.clone()), on_live);

    let pick = {
        let (dispatcher, app, token) = (state.dispatcher(), app.clone(), token.clone());
        Callback::from(move |id: String| {
            let (dispatcher, _app, token) = (dispatcher.clone(), app.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).client(&id).await {
                    Ok(card) => dispatcher.dispatch(ConsoleAction::Select(Box::new(card))),
                    Err(_) => {}
                }
            });
        })
    };

    let new_client = {
        let dispatcher = state.dispatcher();
        Callback::from(move |typed: String| {
            // What was typed into the search becomes the phone when it looks like one.
            let phone = if typed.chars().filter(char::is_ascii_digit).count() >= 5 {
                typed
            } else {
                String::new()
            };
            dispatcher.dispatch(ConsoleAction::NewClient(phone));
        })
    };

    // `true`: "create anyway", despite a client with the same phone.
    let submit_client = {
        let (state, app, token, in_flight) =
            (state.clone(), app.clone(), token.clone(), in_flight.clone());
        Callback::from(move |anyway: bool| {
            let d = &state.client_draft;
            if d.busy || *in_flight.borrow() {
                return;
            }
            let anyway = anyway || d.anyway;
            let fresh = d.similar_fresh();
            if !anyway && fresh && d.phone_duplicate() {
                state.dispatch(ConsoleAction::ConfirmDuplicate);
                return;
            }
            // Typed faster than the debounce: ask about duplicates first.
            let check = (!anyway && !fresh).then(|| d.similar_query()).flatten();
            let key = if d.key.is_empty() {
                new_idempotency_key()
            } else {
                d.key.clone()
            };
            let req = d.to_request();
            state.dispatch(ConsoleAction::ClientSubmitting {
                key: key.clone(),
                anyway,
            });
            *in_flight.borrow_mut() = true;
            let (dispatcher, app, token, in_flight) = (
                state.dispatcher(),
                app.clone(),
                token.clone(),
                in_flight.clone(),
            );
            spawn_local(async move {
                if let Some(q) = check {
                    if let Some(found) = ask_similar(&app, &token, &q).await {
                        let same_phone = found
                            .iter()
                            .any(|s| s.reasons.contains(&SimilarReason::Phone));
                        dispatcher.dispatch(ConsoleAction::Similar(q, found));
                        if same_phone {
                            dispatcher.dispatch(ConsoleAction::ConfirmDuplicate);
                            *in_flight.borrow_mut() = false;
                            return;
                        }
                    }
                }
                match Api::with_token(&token).create_client(&req, &key).await {
                    Ok(card) => dispatcher.dispatch(ConsoleAction::ClientCreated(Box::new(card))),
                    Err(e) => fail(&app, &dispatcher, e, ConsoleAction::ClientFailed),
                }
                *in_flight.borrow_mut() = false;
            });
        })
    };

    let submit_order = {
        let (state, catalogue, app, token, in_flight) = (
            state.clone(),
            catalogue.clone(),
            app.clone(),
            token.clone(),
            in_flight.clone(),
        );
        Callback::from(move |_: ()| {
            let Some(card) = state.card() else { return };
            let d = &state.order;
            if d.busy || *in_flight.borrow() {
                return;
            }
            let missing: FieldErrors = d
                .missing(&catalogue.products)
                .into_iter()
                .map(|(f, m)| (f.to_string(), missing_text(lang, m).to_string()))
                .collect();
            if !missing.is_empty() {
                state.dispatch(ConsoleAction::OrderFailed(missing));
                return;
            }
            let key = if d.key.is_empty() {
                new_idempotency_key()
            } else {
                d.key.clone()
            };
            let create = d.to_request(&card.client.id, &catalogue.products, state.call_id());
            let patch = d
                .created
                .as_ref()
                .map(|o| (o.id.clone(), d.to_patch(&catalogue.products, o.version)));
            let client_id = card.client.id.clone();
            state.dispatch(ConsoleAction::OrderSubmitting(key.clone()));
            *in_flight.borrow_mut() = true;
            let (dispatcher, app, token, in_flight) = (
                state.dispatcher(),
                app.clone(),
                token.clone(),
                in_flight.clone(),
            );
            spawn_local(async move {
                save_and_dispatch(&app, &dispatcher, &token, key, create, patch, client_id).await;
                *in_flight.borrow_mut() = false;
            });
        })
    };

    let repeat = {
        let (dispatcher, catalogue) = (state.dispatcher(), catalogue.clone());
        Callback::from(move |_: ()| {
            let ids = catalogue.products.iter().map(|p| p.id.clone()).collect();
            dispatcher.dispatch(ConsoleAction::RepeatLast(ids));
            // Next: Enter saves and dispatches.
            if let Some(b) = document().get_element_by_id("save-dispatch") {
                if let Ok(b) = b.dyn_into::<HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };

    // Shortcuts anywhere on the page; the handler sees this render's state.
    let on_key: Rc<RefCell<Callback<KeyboardEvent>>> = use_mut_ref(Callback::noop);
    {
        let (state, search_ref, repeat, submit_order, new_client) = (
            state.clone(),
            search_ref.clone(),
            repeat.clone(),
            submit_order.clone(),
            new_client.clone(),
        );
        *on_key.borrow_mut() = Callback::from(move |e: KeyboardEvent| {
            let key = e.key().to_lowercase();
            let code = e.code();
            let handled = if e.alt_key() && (key == "f" || code == "KeyF") {
                focus(&search_ref);
                true
            } else if e.alt_key() && (key == "r" || code == "KeyR") {
                state.card().is_some() && {
                    repeat.emit(());
                    true
                }
            } else if e.alt_key() && (key == "n" || code == "KeyN") {
                new_client.emit(String::new());
                true
            } else if e.ctrl_key() && key == "enter" {
                state.card().is_some() && {
                    submit_order.emit(());
                    true
                }
            } else if key == "escape" && state.panel != Panel::Empty {
                state.dispatch(ConsoleAction::Close);
                focus(&search_ref);
                true
            } else {
                false
            };
            if handled {
                e.prevent_default();
            }
        });
    }
    {
        let on_key = on_key.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&document(), "keydown", move |e| {
                if let Some(e) = e.dyn_ref::<KeyboardEvent>() {
                    on_key.borrow().emit(e.clone());
                }
            });
            move || drop(listener)
        });
    }

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

    let left = match &state.panel {
        Panel::Empty => html! { <p class="hint muted">{ t.console_hint }</p> },
        Panel::Choose(matches) => html! {
            <div id="pop-matches" class="matches">
                <p class="lead">{ t.choose_client }</p>
                { for matches.iter().map(|c| {
                    let onclick = {
                        let (d, card) = (state.dispatcher(), c.clone());
                        Callback::from(move |_: MouseEvent| d.dispatch(ConsoleAction::Select(Box::new(card.clone()))))
                    };
                    let address = c.client.addresses.first().map(|a| a.text.clone()).unwrap_or_default();
                    html! {
                        <button type="button" class="pop-match" data-id={c.client.id.clone()} {onclick}>
                            <span class="name">{ c.client.name.clone() }</span>
                            <span class={classes!("kind", c.client.kind.as_str())}>{ kind_label(lang, c.client.kind) }</span>
                            <span class="address">{ address }</span>
                        </button>
                    }
                }) }
            </div>
        },
        Panel::Card(card) => html! { <ClientCardView card={(**card).clone()} {lang} /> },
        Panel::NewClient => {
            let on_edit = {
                let d = state.dispatcher();
                Callback::from(move |e| d.dispatch(ConsoleAction::EditClient(e)))
            };
            let lead = state
                .call
                .as_ref()
                .filter(|c| c.matches.is_empty())
                .map(|_| AttrValue::from(t.unknown_number));
            html! {
                <NewClientForm draft={state.client_draft.clone()} {lang} {on_edit}
                    on_submit={submit_client.reform(|_| false)}
                    on_create_anyway={submit_client.reform(|_| true)}
                    on_open={pick.clone()} {lead} />
            }
        }
    };

    let right = match state.card() {
        Some(card) => {
            let on_edit = {
                let d = state.dispatcher();
                Callback::from(move |e| d.dispatch(ConsoleAction::EditOrder(e)))
            };
            html! {
                <OrderForm card={card.clone()} draft={state.order.clone()}
                    products={catalogue.products.clone()} couriers={catalogue.couriers.clone()}
                    contract={state.contract.clone()} {lang} min_date={state.today.to_string()}
                    {on_edit} on_repeat={repeat.clone()} on_submit={submit_order.clone()}
                    repeat_ref={repeat_ref.clone()} first_qty_ref={first_qty_ref.clone()} />
            }
        }
        None => html! { <p class="hint muted shortcuts">{ t.shortcuts }</p> },
    };

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
                            { w.matches.first().map(|m| format!(" · {}", m.client.name)).unwrap_or_default() }</span>
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
                        { format!("{} {} ({}, {}) {} {}", t.order_word, o.number, short_date(&o.delivery_date),
                            crate::money::text(lang, o.total), t.dispatched_to, o.courier_name.clone().unwrap_or_default()) }
                    </p>
                }
                { right }
            </div>
        </section>
    }
}

const SIMILAR_DEBOUNCE_MS: u32 = 300;

/// Possible duplicates for `q`; `None` when the server could not say (the
/// check never blocks a save).
async fn ask_similar(_app: &AppHandle, token: &str, q: &SimilarQuery) -> Option<Vec<SimilarClient>> {
    match Api::with_token(token)
        .similar_clients(&q.phones, &q.name, &q.addresses)
        .await
    {
        Ok(r) => Some(r.matches),
        Err(_) => None,
    }
}

fn load_snapshot(key: &str) -> Option<Snapshot> {
    let raw = SessionStorage::raw().get_item(key).ok().flatten()?;
    let snap = Snapshot::from_json(&raw);
    if snap.is_none() {
        SessionStorage::delete(key);
    }
    snap
}

fn store_snapshot(key: &str, snap: &Snapshot) {
    if snap.is_empty() {
        SessionStorage::delete(key);
    } else {
        // A full or disabled storage only loses the reload safety net.
        let _ = SessionStorage::raw().set_item(key, &snap.to_json());
    }
}

/// Creates the order (or changes the one an earlier attempt created), then
/// dispatches it; the client's card is reloaded to show it.
async fn save_and_dispatch(
    app: &AppHandle,
    dispatcher: &ConsoleDispatcher,
    token: &str,
    key: String,
    create: CreateOrder,
    patch: Option<(String, PatchOrder)>,
    client_id: String,
) {
    let api = Api::with_token(token);
    // An earlier attempt created the order and then failed to dispatch it:
    // change that order instead of creating another.
    let saved = match patch {
        Some((id, patch)) => api.patch_order(&id, &patch).await,
        None => api.create_order(&create, &key).await,
    };
    let order = match saved {
        Ok(o) => o,
        Err(e) => return fail(app, dispatcher, e, ConsoleAction::OrderFailed),
    };
    dispatcher.dispatch(ConsoleAction::OrderCreated(Box::new(order.clone())));
    // The same key would be a different body after a change: one per version.
    let dispatch_key = format!("{key}:dispatch:{}", order.version);
    match api.dispatch(&order.id, order.version, &dispatch_key).await {
        Ok(o) => dispatcher.dispatch(ConsoleAction::OrderDispatched(Box::new(o))),
        Err(e) => return fail(app, dispatcher, e, ConsoleAction::OrderFailed),
    }
    if let Ok(card) = api.client(&client_id).await {
        dispatcher.dispatch(ConsoleAction::CardRefreshed(Box::new(card)));
    }
}

/// Logs out on a 401; otherwise the error goes next to its field (or to the
/// form's foot when it names none).
fn fail(
    app: &AppHandle,
    dispatcher: &ConsoleDispatcher,
    e: ApiError,
    to: fn(FieldErrors) -> ConsoleAction,
) {
    let field = e.field().unwrap_or_default().to_string();
    let message = match &e {
        ApiError::Network(_) => app.lang.t().network_error.to_string(),
        _ => field_message(app.lang, &field, &e.message()),
    };
    dispatcher.dispatch(to(vec![(field, message)]));
}

/// The server's message without the field name it starts with (the error is
/// shown next to that field); the commonest one in the UI's language.
fn field_message(lang: Lang, field: &str, message: &str) -> String {
    let bare = message
        .strip_prefix(field)
        .and_then(|m| m.strip_prefix(": "))
        .filter(|_| !field.is_empty())
        .unwrap_or(message);
    match bare {
        "is required" => lang.t().required.to_string(),
        other => other.to_string(),
    }
}

fn missing_text(lang: Lang, m: Missing) -> &'static str {
    let t = lang.t();
    match m {
        Missing::Address => t.missing_address,
        Missing::Lines => t.missing_lines,
        Missing::Date => t.missing_date,
        Missing::Courier => t.missing_courier,
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

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}

fn focus(r: &NodeRef) {
    if let Some(el) = r.cast::<HtmlElement>() {
        let _ = el.focus();
    }
}
