//! What the operator's actions do: open a client, start a new one, save a
//! new client (after the duplicate check), save and dispatch the order,
//! repeat the last order.

use std::cell::RefCell;
use std::rc::Rc;

use rodnik_shared::api::{CreateOrder, Order, PatchOrder, SimilarClient, SimilarReason};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{document, Catalogue};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::Lang;
use crate::pages::board::Op;
use crate::state::console::{
    ConsoleAction, ConsoleDispatcher, ConsoleState, FieldErrors, Missing, SimilarQuery,
};
use crate::state::AppHandle;

type State = UseReducerHandle<ConsoleState>;
/// Set while a save runs: a double click or Enter + Ctrl+Enter must not
/// start a second one before the first one's state has rendered.
pub type InFlight = Rc<RefCell<bool>>;

/// Opens a client's card (from the search or a screen-pop match).
pub fn pick(state: State, app: AppHandle, token: String) -> Callback<String> {
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
}

/// Starts a new client; what was typed into the search becomes the phone.
pub fn new_client(state: State) -> Callback<String> {
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
}

/// Saves the new client. `true`: "create anyway", despite a client with the same phone.
pub fn submit_client(
    state: State,
    app: AppHandle,
    token: String,
    in_flight: InFlight,
) -> Callback<bool> {
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
}

/// Saves the order and dispatches it (Enter, Ctrl+Enter).
pub fn submit_order(
    state: State,
    catalogue: UseStateHandle<Catalogue>,
    app: AppHandle,
    token: String,
    in_flight: InFlight,
) -> Callback<()> {
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
            .map(|(f, m)| (f.to_string(), missing_text(app.lang, m).to_string()))
            .collect();
        if !missing.is_empty() {
            state.dispatch(ConsoleAction::OrderFailed(missing));
            return;
        }
        // Held by the contract: an operator cannot send it (the button says
        // so); a manager sends it once the allowance is ticked.
        let manager = app
            .session
            .as_ref()
            .is_some_and(|s| s.user.role.is_manager_or_up());
        let held = d
            .credit_hold(
                card,
                &catalogue.products,
                &state.contract,
                &catalogue.bottles,
                state.today,
            )
            .is_some();
        if held && !(manager && d.allow_credit) {
            let t = crate::i18n::account::texts(app.lang);
            state.dispatch(ConsoleAction::OrderFailed(vec![(
                "allow_credit".into(),
                t.need_manager.into(),
            )]));
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
}

/// Cancels the order being changed, with the reason chosen on the board's
/// cancel form; the card is reloaded.
pub fn cancel_order(state: State, app: AppHandle, token: String) -> Callback<Op> {
    Callback::from(move |op: Op| {
        let Op::Cancel {
            id,
            version,
            reason_id,
            reason,
        } = op
        else {
            return;
        };
        let Some(client_id) = state.card().map(|c| c.client.id.clone()) else {
            return;
        };
        let (dispatcher, app, token) = (state.dispatcher(), app.clone(), token.clone());
        dispatcher.dispatch(ConsoleAction::OrderSubmitting(String::new()));
        spawn_local(async move {
            let api = Api::with_token(&token);
            match api
                .cancel(&id, version, reason_id.as_deref(), &reason)
                .await
            {
                Ok(o) => dispatcher.dispatch(ConsoleAction::OrderCancelled(Box::new(o))),
                Err(e) => return fail(&app, &dispatcher, e, ConsoleAction::OrderFailed),
            }
            if let Ok(card) = api.client(&client_id).await {
                dispatcher.dispatch(ConsoleAction::CardRefreshed(Box::new(card)));
            }
        });
    })
}

/// Fills a new order with one from the history ("repeat").
pub fn repeat_order(state: State, catalogue: UseStateHandle<Catalogue>) -> Callback<Order> {
    let (dispatcher, catalogue) = (state.dispatcher(), catalogue.clone());
    Callback::from(move |o: Order| {
        let ids = catalogue.products.iter().map(|p| p.id.clone()).collect();
        dispatcher.dispatch(ConsoleAction::RepeatOrder(Box::new(o), ids));
        focus_save();
    })
}

/// Fills the order with the client's last one (Alt+R).
pub fn repeat(state: State, catalogue: UseStateHandle<Catalogue>) -> Callback<()> {
    let (dispatcher, catalogue) = (state.dispatcher(), catalogue.clone());
    Callback::from(move |_: ()| {
        let ids = catalogue.products.iter().map(|p| p.id.clone()).collect();
        dispatcher.dispatch(ConsoleAction::RepeatLast(ids));
        focus_save();
    })
}

/// Next: Enter saves and dispatches.
fn focus_save() {
    if let Some(b) = document().get_element_by_id("save-dispatch") {
        if let Ok(b) = b.dyn_into::<HtmlElement>() {
            let _ = b.focus();
        }
    }
}

/// Possible duplicates for `q`; `None` when the server could not say (the
/// check never blocks a save).
pub async fn ask_similar(
    _app: &AppHandle,
    token: &str,
    q: &SimilarQuery,
) -> Option<Vec<SimilarClient>> {
    match Api::with_token(token)
        .similar_clients(&q.phones, &q.name, &q.addresses)
        .await
    {
        Ok(r) => Some(r.matches),
        Err(_) => None,
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
        Err(e) if e.code() == Some("credit_hold") => {
            // The card was behind the server's account: it shows the hold now.
            let t = crate::i18n::account::texts(app.lang);
            dispatcher.dispatch(ConsoleAction::OrderFailed(vec![(
                "allow_credit".into(),
                format!("{}: {}", t.refused, e.message()),
            )]));
            if let Ok(card) = api.client(&client_id).await {
                dispatcher.dispatch(ConsoleAction::CardRefreshed(Box::new(card)));
            }
            return;
        }
        Err(e) if e.code() == Some("slot_taken") => {
            // Another order took the window meanwhile: the message names the
            // next best; the windows are asked again, the typing stays.
            dispatcher.dispatch(ConsoleAction::SlotTaken(e.message()));
            return;
        }
        Err(e) => return fail(app, dispatcher, e, ConsoleAction::OrderFailed),
    };
    dispatcher.dispatch(ConsoleAction::OrderCreated(Box::new(order.clone())));
    if order.allows(rodnik_shared::OrderAction::Dispatch) {
        // The same key would be a different body after a change: one per version.
        let dispatch_key = format!("{key}:dispatch:{}", order.version);
        match api.dispatch(&order.id, order.version, &dispatch_key).await {
            Ok(o) => dispatcher.dispatch(ConsoleAction::OrderDispatched(Box::new(o))),
            Err(e) => return fail(app, dispatcher, e, ConsoleAction::OrderFailed),
        }
    } else {
        // A changed order that is on its route already: it stays there.
        dispatcher.dispatch(ConsoleAction::OrderDispatched(Box::new(order)));
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
    dispatcher.dispatch(to(vec![e.field_error(app.lang)]));
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
