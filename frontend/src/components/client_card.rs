//! The client card of the screen pop: who they are, where they get water,
//! how many bottles they hold, what is open and what they ordered lately,
//! and the notifications they agreed to.

use rodnik_shared::api::{Address, ClientCard, ClientSummary, Order};
use yew::prelude::*;

use super::client_edit as edit;
use crate::i18n::{client, kind_label, state_label, Lang};
use crate::state::client_edit::{AddressDraft, DetailsDraft, Editing, Editor};

#[derive(Properties, PartialEq)]
pub struct ClientCardProps {
    pub card: ClientCard,
    pub lang: Lang,
    pub token: AttrValue,
    /// The card after an edit here (or reloaded after a refused one).
    pub on_changed: Callback<ClientCard>,
    /// The address the call came from (its contact phone rang), marked.
    #[prop_or_default]
    pub caller_address: Option<AttrValue>,
    /// "Change" on an open order: the order form takes it.
    #[prop_or_default]
    pub on_change_order: Callback<Order>,
    /// "Repeat" on an order of the history.
    #[prop_or_default]
    pub on_repeat_order: Callback<Order>,
}

#[function_component]
pub fn ClientCardView(p: &ClientCardProps) -> Html {
    let t = p.lang.t();
    let ct = client::texts(p.lang);
    let at = crate::i18n::account::texts(p.lang);
    let c = &p.card.client;
    let kind = c.kind.as_str();
    let gt = crate::i18n::geo::texts(p.lang);
    let editor = use_state(Editor::default);
    // The address whose point is being set on the map (issue 21).
    let map_open = use_state(|| None::<String>);
    // Another client on screen: whatever was being edited was someone else's.
    {
        let (editor, map_open) = (editor.clone(), map_open.clone());
        use_effect_with(c.id.clone(), move |_| {
            editor.set(Editor::default());
            map_open.set(None);
        });
    }
    // The bottle ledger opens from the count (a manager corrects it there).
    let ledger_open = use_state(|| false);
    {
        let ledger_open = ledger_open.clone();
        use_effect_with(c.id.clone(), move |_| ledger_open.set(false));
    }
    let toggle_ledger = {
        let ledger_open = ledger_open.clone();
        Callback::from(move |_: MouseEvent| ledger_open.set(!*ledger_open))
    };
    // The account panel opens from the balance; a manager's contract form
    // from the account line.
    let account_open = use_state(|| false);
    let contract_open = use_state(|| false);
    {
        let (account_open, contract_open) = (account_open.clone(), contract_open.clone());
        use_effect_with(c.id.clone(), move |_| {
            account_open.set(false);
            contract_open.set(false);
        });
    }
    let manager = crate::state::use_app()
        .session
        .as_ref()
        .is_some_and(|s| s.user.role.is_manager_or_up());
    let reload_card = {
        let (token, id, on_changed) = (p.token.clone(), c.id.clone(), p.on_changed.clone());
        Callback::from(move |_: ()| {
            let (token, id, on_changed) = (token.clone(), id.clone(), on_changed.clone());
            yew::platform::spawn_local(async move {
                if let Ok(card) = crate::api::Api::with_token(&token).client(&id).await {
                    on_changed.emit(card);
                }
            });
        })
    };
    // The live channel moved the client's balance or contract: the card's
    // account (owed since, overdue, hold) follows.
    {
        let reload_card = reload_card.clone();
        let stale = c.balance != p.card.account.balance || c.contract != p.card.account.contract;
        use_effect_with((c.id.clone(), c.balance, c.contract.clone()), move |_| {
            if stale {
                reload_card.emit(());
            }
        });
    }
    let account = {
        let toggle = {
            let account_open = account_open.clone();
            Callback::from(move |_: MouseEvent| account_open.set(!*account_open))
        };
        let contract_button = if manager {
            let expanded = (*contract_open).to_string();
            let contract_open = contract_open.clone();
            let onclick = Callback::from(move |_: MouseEvent| contract_open.set(!*contract_open));
            let label = if c.contract.is_some() {
                at.edit_contract
            } else {
                at.add_contract
            };
            html! {
                <button type="button" id="edit-contract" class="btn btn-link"
                    aria-expanded={expanded} {onclick}>{ label }</button>
            }
        } else {
            html! {}
        };
        super::account::account_line(
            p.lang,
            &p.card.account,
            *account_open,
            toggle,
            contract_button,
        )
    };
    let open = |editing: fn(&ClientSummary) -> Editing| {
        let (editor, client) = (editor.clone(), c.clone());
        Callback::from(move |_: MouseEvent| editor.set(Editor::open(editing(&client), &client)))
    };
    let on_save = {
        let (editor, client, token, lang, on_changed) = (
            editor.clone(),
            c.clone(),
            p.token.clone(),
            p.lang,
            p.on_changed.clone(),
        );
        Callback::from(move |_: ()| {
            edit::save(
                editor.clone(),
                client.clone(),
                token.clone(),
                lang,
                on_changed.clone(),
            )
        })
    };
    let retire_button = |a: &Address, retired: bool| {
        let (editor, client, token, lang, on_changed) = (
            editor.clone(),
            c.clone(),
            p.token.clone(),
            p.lang,
            p.on_changed.clone(),
        );
        let (id, busy) = (a.id.clone(), editor.busy);
        let onclick = Callback::from(move |_: MouseEvent| {
            edit::set_retired(
                client.clone(),
                id.clone(),
                !retired,
                editor.clone(),
                token.clone(),
                lang,
                on_changed.clone(),
            )
        });
        let (class, text, title) = if retired {
            ("restore-address", ct.restore, "")
        } else {
            ("retire-address", ct.retire, ct.retire_title)
        };
        html! { <button type="button" class={classes!("btn", "btn-link", class)} {title} {onclick} disabled={busy}>{ text }</button> }
    };
    let in_use = c.active_addresses().count();
    let editing_address = match &editor.editing {
        Editing::Address(id, _) => Some(id.clone()),
        _ => None,
    };
    let address_row = |a: &Address| {
        let edit_it = {
            let (editor, client, a) = (editor.clone(), c.clone(), a.clone());
            Callback::from(move |_: MouseEvent| {
                editor.set(Editor::open(
                    Editing::Address(Some(a.id.clone()), AddressDraft::of(&a)),
                    &client,
                ))
            })
        };
        let access = a.access_line(
            ct.entrance.to_lowercase().as_str(),
            ct.floor.to_lowercase().as_str(),
        );
        let caller = p.caller_address.as_deref() == Some(a.id.as_str());
        let mapped = map_open.as_deref() == Some(a.id.as_str());
        let toggle_map = {
            let (map_open, id) = (map_open.clone(), a.id.clone());
            Callback::from(move |_: MouseEvent| {
                map_open.set((!mapped).then(|| id.clone()));
            })
        };
        let manual = a
            .geo
            .as_ref()
            .is_some_and(|g| g.source == rodnik_shared::api::GeoSource::Manual);
        html! {
            <li class={classes!("address", caller.then_some("caller"), a.retired.then_some("retired"))} data-id={a.id.clone()}>
                <div class="address-line">
                    if let Some(l) = &a.label {
                        <span class="label">{ l.clone() }</span>
                    }
                    <span class="text">{ a.text.clone() }</span>
                    if !a.located() {
                        <span class="no-point" title={gt.no_point_title}>{ gt.no_point }</span>
                    } else if manual {
                        <span class="point-manual muted" title={format!("{}: {}, {}", gt.manual, a.lat.unwrap_or_default(), a.lon.unwrap_or_default())}>{ "⌖" }</span>
                    }
                    if !a.retired {
                        <button type="button" class="btn btn-link map-address" onclick={toggle_map}
                            aria-expanded={mapped.to_string()}>{ gt.on_map }</button>
                        <button type="button" class="btn btn-link edit-address" onclick={edit_it}
                            disabled={editor.busy}>{ ct.edit }</button>
                    }
                    if a.retired || in_use > 1 {
                        { retire_button(a, a.retired) }
                    }
                </div>
                if !access.is_empty() {
                    <div class="access muted">{ access }</div>
                }
                if let Some(n) = &a.delivery_note {
                    <div class="delivery-note">{ n.clone() }</div>
                }
                if a.contact_name.is_some() || a.contact_phone.is_some() {
                    <div class="contact muted">
                        { a.contact_name.clone().unwrap_or_default() }
                        if let Some(ph) = &a.contact_phone {
                            { " " }<super::dial::Dial phone={ph.as_str().to_string()} client_id={Some(c.id.clone())}
                                lang={p.lang} show_number=true />
                        }
                    </div>
                }
                if mapped {
                    <super::map_picker::MapPicker client={c.clone()} address_id={a.id.clone()} token={p.token.clone()}
                        lang={p.lang} on_changed={p.on_changed.clone()} on_close={{
                            let map_open = map_open.clone();
                            Callback::from(move |_| map_open.set(None))
                        }} />
                }
            </li>
        }
    };
    let retired: Vec<&Address> = c.addresses.iter().filter(|a| a.retired).collect();
    // The history reloads when the client's orders or notes change.
    let history_key = p
        .card
        .active_orders
        .iter()
        .chain(&p.card.recent_orders)
        .map(|o| format!("{}:{}", o.id, o.version))
        .chain(c.noted_at.clone())
        .collect::<Vec<_>>()
        .join(",");
    html! {
        <section id="client-card" class="client-card" data-id={c.id.clone()} data-kind={kind}
            data-version={c.version.to_string()}>
            <div class="client-head">
                <span class={classes!("kind", kind)}>{ kind_label(p.lang, c.kind) }</span>
                <h2 id="client-name">{ c.name.clone() }</h2>
                <button type="button" id="edit-client" class="btn btn-link" disabled={editor.busy}
                    onclick={open(|c| Editing::Details(DetailsDraft::of(c)))}>{ ct.edit }</button>
            </div>
            if matches!(editor.editing, Editing::Details(_)) {
                <edit::DetailsForm editor={editor.clone()} lang={p.lang} on_save={on_save.clone()} />
            }
            <div class="client-facts">
                <span class="phones">
                    { for c.phones.iter().map(|ph| html! {
                        <span class="phone">
                            <super::dial::Dial phone={ph.as_str().to_string()} client_id={Some(c.id.clone())}
                                lang={p.lang} show_number=true />
                        </span>
                    }) }
                </span>
                <button type="button" id="bottles-held" class="bottles btn btn-link" title={ct.ledger}
                    aria-expanded={(*ledger_open).to_string()} onclick={toggle_ledger}>
                    { t.bottles_held }{ ": " }<b>{ c.bottles_held }</b>
                    if c.deposit_bottles != 0 {
                        <span id="deposit-held" class="deposit-held" data-bottles={c.deposit_bottles.to_string()}
                            data-value={c.deposit_held.0.to_string()}>
                            { format!(", {} {} ({})", t.deposit_for, c.deposit_bottles,
                                crate::money::text(p.lang, c.deposit_held)) }
                        </span>
                    }
                </button>
                if let Some(inn) = &c.inn {
                    <span class="inn">{ ct.inn }{ " " }{ inn.clone() }</span>
                }
            </div>
            { account }
            if *contract_open && manager {
                <super::contract_form::ContractForm client={c.clone()} token={p.token.clone()} lang={p.lang}
                    on_saved={{
                        let (on_changed, contract_open) = (p.on_changed.clone(), contract_open.clone());
                        Callback::from(move |card| {
                            contract_open.set(false);
                            on_changed.emit(card);
                        })
                    }}
                    on_stale={reload_card.clone()}
                    on_close={{
                        let contract_open = contract_open.clone();
                        Callback::from(move |_| contract_open.set(false))
                    }} />
            }
            if *account_open {
                <super::account::AccountPanel client_id={c.id.clone()} balance={p.card.account.balance.0}
                    token={p.token.clone()} lang={p.lang} {manager} on_moved={reload_card.clone()} />
            }
            if *ledger_open {
                <super::bottles::BottleLedger client_id={c.id.clone()} balance={c.bottles_held}
                    token={p.token.clone()} lang={p.lang} {manager} on_moved={reload_card.clone()} />
            }
            if let Some(note) = &c.note {
                <p id="client-note" class="client-note">{ note.clone() }</p>
            }
            <super::reports::rhythm::RhythmBadge rhythm={p.card.rhythm.clone()} lang={p.lang} />
            <ul class="addresses">
                { for c.active_addresses().map(address_row) }
            </ul>
            if editing_address.is_some() {
                <edit::AddressForm editor={editor.clone()} lang={p.lang} on_save={on_save.clone()} />
            } else {
                <button type="button" id="card-add-address" class="btn btn-link" disabled={editor.busy}
                    onclick={open(|_| Editing::Address(None, AddressDraft::default()))}>{ ct.add_address }</button>
            }
            if !retired.is_empty() {
                <details id="retired-addresses" class="retired-addresses">
                    <summary>{ format!("{} ({})", ct.retired, retired.len()) }</summary>
                    <ul class="addresses">{ for retired.into_iter().map(address_row) }</ul>
                </details>
            }
            <super::rentals::ClientRentals client={c.clone()} token={p.token.clone()} lang={p.lang}
                on_changed={reload_card.clone()} />
            <super::standing::ClientStanding card={p.card.clone()} token={p.token.clone()} lang={p.lang}
                on_changed={reload_card.clone()} />
            <super::notify::ClientNotifyBlock client={c.clone()} token={p.token.clone()} lang={p.lang}
                reload={history_key.clone()} />
            if !p.card.active_orders.is_empty() {
                <h3>{ t.active_orders }</h3>
                <ul id="active-orders" class="mini-orders">
                    { for p.card.active_orders.iter().map(|o| {
                        let onclick = {
                            let (on, o) = (p.on_change_order.clone(), o.clone());
                            Callback::from(move |_: MouseEvent| on.emit(o.clone()))
                        };
                        mini_order(o, p.lang, html! {
                            <button type="button" class="btn btn-link change-order" data-id={o.id.clone()} {onclick}>
                                { ct.change_order }
                            </button>
                        })
                    }) }
                </ul>
            }
            <h3>{ t.recent_orders }</h3>
            if p.card.recent_orders.is_empty() {
                <p class="muted">{ t.no_orders_yet }</p>
            } else {
                <ul id="recent-orders" class="mini-orders">
                    { for p.card.recent_orders.iter().take(5).map(|o| mini_order(o, p.lang, html! {})) }
                </ul>
            }
            <edit::ClientHistoryView client_id={c.id.clone()} reload={history_key} token={p.token.clone()}
                lang={p.lang} on_repeat={p.on_repeat_order.clone()} on_change={p.on_change_order.clone()} />
        </section>
    }
}

/// One order in a line; `action` (a button) at its end.
fn mini_order(o: &Order, lang: Lang, action: Html) -> Html {
    let lines = lines_text(o);
    let state = o.state.as_str();
    html! {
        <li class="mini-order" data-id={o.id.clone()} data-state={state}>
            <span class="date">{ short_date(&o.delivery_date) }</span>
            <span class={classes!("badge", state)}>{ state_label(lang, o.state) }</span>
            if o.standing_id.is_some() {
                <span class="badge standing-tag" title={match lang {
                    Lang::En => "From a standing order",
                    Lang::Ru => "Из постоянного заказа",
                }}>{ "⟳" }</span>
            }
            { super::notify::confirmed_mark(lang, o) }
            <span class="lines" title={lines.clone()}>{ lines }</span>
            <span class="courier">{ o.courier_name.clone().unwrap_or_default() }</span>
            <span class="money">{ crate::money::text(lang, o.total) }</span>
            { action }
        </li>
    }
}

/// "Вода 19 л × 2, Стаканчики × 1".
pub fn lines_text(o: &Order) -> String {
    o.lines
        .iter()
        .map(|l| format!("{} × {}", l.name, l.qty))
        .chain(o.equipment.iter().map(super::board::equipment_text))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `2025-11-27` as `27.11.25`: both languages read it.
pub fn short_date(iso: &str) -> String {
    let mut p = iso.splitn(3, '-');
    match (p.next(), p.next(), p.next()) {
        (Some(y), Some(m), Some(d)) if y.len() == 4 => format!("{d}.{m}.{}", &y[2..]),
        _ => iso.to_string(),
    }
}
