//! The console's two halves: on the left what the call or the search
//! brought (the matches of a screen pop, the client's card, the new-client
//! form), on the right the order being taken.

use yew::prelude::*;

use super::Catalogue;
use crate::components::account::debt_badge;
use crate::components::{ClientCardView, NewClientForm, OrderForm};
use crate::i18n::{kind_label, Lang};
use crate::state::console::{ConsoleAction, ConsoleState, Panel};

type State = UseReducerHandle<ConsoleState>;

/// What the call or the search brought, under the call bar.
pub fn pop_panel(
    state: &State,
    lang: Lang,
    token: &str,
    submit_client: &Callback<bool>,
    pick: &Callback<String>,
    repeat_order: &Callback<rodnik_shared::api::Order>,
) -> Html {
    let t = lang.t();
    match &state.panel {
        Panel::Empty => html! { <p class="hint muted">{ t.console_hint }</p> },
        Panel::Choose(matches) => html! {
            <div id="pop-matches" class="matches">
                <p class="lead">{ t.choose_client }</p>
                { for matches.iter().map(|c| {
                    let onclick = {
                        let (d, card) = (state.dispatcher(), c.clone());
                        Callback::from(move |_: MouseEvent| d.dispatch(ConsoleAction::Select(Box::new(card.clone()))))
                    };
                    // The address whose contact called, else the first in use.
                    let from = state.call.as_ref().map(|c| c.call.from.as_str()).unwrap_or_default();
                    let address = c.client.address_for_phone(from)
                        .or_else(|| c.client.active_addresses().next())
                        .map(|a| a.text.clone()).unwrap_or_default();
                    html! {
                        <button type="button" class="pop-match" data-id={c.client.id.clone()} {onclick}>
                            <span class="name">{ c.client.name.clone() }</span>
                            <span class={classes!("kind", c.client.kind.as_str())}>{ kind_label(lang, c.client.kind) }</span>
                            <span class="address">{ address }</span>
                            { debt_badge(lang, &c.account) }
                        </button>
                    }
                }) }
            </div>
        },
        Panel::Card(card) => {
            let on_changed = {
                let d = state.dispatcher();
                Callback::from(move |c| d.dispatch(ConsoleAction::CardRefreshed(Box::new(c))))
            };
            let caller_address = state.caller_address().map(AttrValue::from);
            let on_change_order = {
                let d = state.dispatcher();
                Callback::from(move |o| d.dispatch(ConsoleAction::ChangeOrder(Box::new(o))))
            };
            html! {
                <ClientCardView card={(**card).clone()} {lang} token={token.to_string()} {on_changed}
                    {caller_address} {on_change_order} on_repeat_order={repeat_order.clone()} />
            }
        }
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
    }
}

/// The order form for the client on screen, or the shortcuts.
#[allow(clippy::too_many_arguments)]
pub fn order_panel(
    state: &State,
    lang: Lang,
    catalogue: &Catalogue,
    repeat: &Callback<()>,
    submit_order: &Callback<()>,
    repeat_ref: &NodeRef,
    first_qty_ref: &NodeRef,
    cancel_order: &Callback<crate::pages::board::Op>,
    manager: bool,
) -> Html {
    let t = lang.t();
    match state.card() {
        Some(card) => {
            let on_edit = {
                let d = state.dispatcher();
                Callback::from(move |e| d.dispatch(ConsoleAction::EditOrder(e)))
            };
            let on_stop_changing = {
                let d = state.dispatcher();
                Callback::from(move |_| d.dispatch(ConsoleAction::StopChanging))
            };
            let on_choose_slot = {
                let d = state.dispatcher();
                Callback::from(move |c| d.dispatch(ConsoleAction::ChooseSlot(Box::new(c))))
            };
            html! {
                <OrderForm card={card.clone()} draft={state.order.clone()}
                    products={catalogue.products.clone()} couriers={catalogue.couriers.clone()}
                    contract={state.contract.clone()} {lang} min_date={state.today.to_string()}
                    today={state.today} {manager}
                    bottles={catalogue.bottles.clone()}
                    {on_edit} on_repeat={repeat.clone()} on_submit={submit_order.clone()}
                    repeat_ref={repeat_ref.clone()} first_qty_ref={first_qty_ref.clone()}
                    {on_stop_changing} on_cancel_order={cancel_order.clone()} {on_choose_slot} />
            }
        }
        None => html! { <p class="hint muted shortcuts">{ t.shortcuts }</p> },
    }
}
