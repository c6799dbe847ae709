//! The console's effects: what it loads, keeps, checks and follows while
//! the operator works (each a hook, so the page reads as its layout).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use rodnik_shared::api::{CallWithMatches, ClientSummary};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::submit::ask_similar;
use super::{document, focus, store_snapshot, Catalogue};
use crate::api::live::{use_live, LiveEvent, LiveStatus};
use crate::api::Api;
use crate::state::console::{ConsoleAction, ConsoleState, Panel};
use crate::state::AppHandle;

type State = UseReducerHandle<ConsoleState>;

const SIMILAR_DEBOUNCE_MS: u32 = 300;
/// The order form's windows are asked this long after the last change.
const SLOTS_DEBOUNCE_MS: u32 = 400;

/// Products and couriers, once.
#[hook]
pub fn use_catalogue(token: &str) -> UseStateHandle<Catalogue> {
    let catalogue = use_state(Catalogue::default);
    let token = token.to_string();
    let handle = catalogue.clone();
    use_effect_with((), move |_| {
        let catalogue = handle;
        spawn_local(async move {
            let api = Api::with_token(&token);
            let (products, couriers, bottles) =
                futures::join!(api.products(), api.couriers(), api.bottle_settings());
            match (products, couriers) {
                (Ok(products), Ok(couriers)) => catalogue.set(Catalogue {
                    products,
                    couriers,
                    // Without them the server still applies the rule: the
                    // form just does not show the deposit ahead.
                    bottles: bottles.unwrap_or_default(),
                    error: None,
                }),
                (Err(e), _) | (_, Err(e)) => catalogue.set(Catalogue {
                    error: Some(e.to_string()),
                    ..Default::default()
                }),
            }
        });
    });
    catalogue
}

/// The client on screen's contract prices; the drafts kept in this tab's
/// storage on every change; after a reload, the card that was on screen.
#[hook]
pub fn use_drafts(state: &State, token: &str, saved_key: Option<String>) {
    let client_id = state.card().map(|c| c.client.id.clone());
    let (dispatcher, prices_token) = (state.dispatcher(), token.to_string());
    use_effect_with(client_id, move |id| {
        if let Some(id) = id.clone() {
            spawn_local(async move {
                if let Ok(p) = Api::with_token(&prices_token).client_prices(&id).await {
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
    use_effect_with(state.snapshot(), move |snap| {
        if let Some(key) = saved_key {
            store_snapshot(&key, snap);
        }
    });
    let restoring = state.restoring.as_ref().map(|(id, _)| id.clone());
    let (dispatcher, token) = (state.dispatcher(), token.to_string());
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

/// Possible duplicates of the client being typed, a moment after the last keystroke.
#[hook]
pub fn use_similar_check(state: &State, app: &AppHandle, token: &str) {
    let token = token.to_string();
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

/// A client just popped or was picked: focus where the next keystroke goes.
#[hook]
pub fn use_focus_order(state: &State, repeat_ref: &NodeRef, first_qty_ref: &NodeRef) {
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

/// Calls ringing, answered and ended, and clients changed, from the live channel.
#[hook]
pub fn use_call_feed(state: &State, app: &AppHandle, token: &str) -> LiveStatus {
    // This operator's extension now (it can change while the socket is open).
    let my_extension = use_mut_ref(|| None::<String>);
    *my_extension.borrow_mut() = app.session.as_ref().and_then(|s| s.user.extension.clone());

    let on_live = {
        let (dispatcher, _app) = (state.dispatcher(), app.dispatcher());
        let my_extension = my_extension.clone();
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Unauthorized | LiveEvent::Opened => {}
            LiveEvent::Message(m) => {
                let call = || crate::api::live::data::<CallWithMatches>(&m).ok();
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
                    "client.updated" => {
                        if let Ok(c) = crate::api::live::data::<ClientSummary>(&m) {
                            dispatcher.dispatch(ConsoleAction::ClientChanged(Box::new(c)));
                        }
                    }
                    _ => {}
                }
            }
        })
    };
    use_live(Some(token.to_string()), on_live)
}

/// Shortcuts anywhere on the page; the handler sees this render's state.
#[hook]
pub fn use_shortcuts(
    state: &State,
    search_ref: &NodeRef,
    repeat: &Callback<()>,
    submit_order: &Callback<()>,
    new_client: &Callback<String>,
) {
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
}

/// The order form's delivery windows (issue 21): asked a moment after the
/// client, address, bottles or date last changed (and again after a slot
/// was taken meanwhile).
#[hook]
pub fn use_slots(state: &State, catalogue: &UseStateHandle<Catalogue>, token: &str) {
    let key = state.card().and_then(|c| {
        state
            .order
            .slot_key(&c.client.id, &catalogue.products, state.today)
    });
    let nonce = state.order.slots_nonce;
    let (dispatcher, token) = (state.dispatcher(), token.to_string());
    use_effect_with((key, nonce), move |(key, _)| {
        let timer = key.clone().map(|key| {
            Timeout::new(SLOTS_DEBOUNCE_MS, move || {
                dispatcher.dispatch(ConsoleAction::SlotsAsked(key.clone()));
                spawn_local(async move {
                    let answer = Api::with_token(&token)
                        .slots(&key)
                        .await
                        .map_err(|e| e.message());
                    dispatcher.dispatch(ConsoleAction::SlotsLoaded(key, answer));
                });
            })
        });
        move || drop(timer)
    });
}
