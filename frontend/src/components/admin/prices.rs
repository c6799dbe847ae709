//! A client's contract prices (admin, manager): find the client, see every
//! product with its list price and type the contract price where the
//! agreement has one (empty = the list price); saving replaces the whole list.

use gloo_timers::callback::Timeout;
use rodnik_shared::api::{ClientSummary, ProductEntry};
use rodnik_shared::ClientKind;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::AdminTable;
use super::{errors_from, field_error, input_value, other_errors, Load};
use crate::api::Api;
use crate::i18n::admin::{product_kind_label, texts};
use crate::i18n::{kind_label, Lang};
pub use crate::state::admin::prices::*;
use crate::state::use_app;

// ---------- view ----------

#[derive(Clone, PartialEq)]
enum Found {
    Idle,
    Searching,
    List(Vec<ClientSummary>),
    Failed(String),
}

#[function_component]
pub fn PricesPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let state = use_reducer(|| PricesState::new(lang == Lang::Ru));
    let query = use_state(String::new);
    let found = use_state(|| Found::Idle);
    let timer = use_mut_ref(|| None::<Timeout>);
    let seq = use_mut_ref(|| 0u32);

    let oninput = {
        let (query, found, token) = (query.clone(), found.clone(), token.clone());
        Callback::from(move |e: InputEvent| {
            let q = input_value(&e);
            query.set(q.clone());
            let id = {
                let mut s = seq.borrow_mut();
                *s += 1;
                *s
            };
            if q.trim().chars().count() < 2 {
                timer.borrow_mut().take();
                found.set(Found::Idle);
                return;
            }
            found.set(Found::Searching);
            let (found, token, seq) = (found.clone(), token.clone(), seq.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                spawn_local(async move {
                    let r = Api::with_token(&token).search_clients(q.trim()).await;
                    if *seq.borrow() != id {
                        return;
                    }
                    found.set(match r {
                        Ok(list) => Found::List(legal_first(list)),
                        Err(e) => Found::Failed(e.message()),
                    });
                });
            }));
        })
    };

    let pick = {
        let (state, token, app) = (state.clone(), token.clone(), app.clone());
        Callback::from(move |c: ClientSummary| {
            if state.dirty() && !confirm(texts(app.lang).discard_changes) {
                return;
            }
            let id = c.id.clone();
            state.dispatch(PricesAction::Pick(Box::new(c)));
            let (state, token, _app) = (state.clone(), token.clone(), app.clone());
            spawn_local(async move {
                let api = Api::with_token(&token);
                let (products, prices) = futures::join!(api.all_products(), api.client_prices(&id));
                match (products, prices) {
                    (Ok(products), Ok(prices)) => {
                        state.dispatch(PricesAction::Loaded(products, prices))
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        state.dispatch(PricesAction::LoadFailed(e.message()))
                    }
                }
            });
        })
    };

    let save = {
        let (state, token, app) = (state.clone(), token.clone(), app.clone());
        Callback::from(move |_: ()| {
            let Some(client) = state.client.clone() else {
                return;
            };
            if state.busy || state.load != Load::Ready {
                return;
            }
            let (req, order) = match state.request(texts(app.lang)) {
                Ok(r) => r,
                Err(errors) => return state.dispatch(PricesAction::Failed(errors)),
            };
            state.dispatch(PricesAction::Busy);
            let (state, token, app) = (state.clone(), token.clone(), app.clone());
            spawn_local(async move {
                match Api::with_token(&token)
                    .put_client_prices(&client.id, &req)
                    .await
                {
                    Ok(prices) => state.dispatch(PricesAction::Saved(prices)),
                    Err(e) => state.dispatch(PricesAction::Failed(place_errors(
                        errors_from(&e, texts(app.lang)),
                        &order,
                    ))),
                }
            });
        })
    };

    let results = match &*found {
        Found::Idle => html! { <p class="muted hint">{ t.find_client_hint }</p> },
        Found::Searching => html! { <p class="muted hint">{ lang.t().loading }</p> },
        Found::Failed(m) => {
            html! { <p class="form-error">{ format!("{}: {m}", lang.t().search_failed) }</p> }
        }
        Found::List(l) if l.is_empty() => {
            html! { <p id="prices-client-none" class="muted hint">{ lang.t().search_none }</p> }
        }
        Found::List(l) => html! {
            <ul id="prices-client-results" class="client-list">
                { for l.iter().map(|c| {
                    let chosen = state.client.as_ref().is_some_and(|x| x.id == c.id);
                    let onclick = {
                        let (pick, c) = (pick.clone(), c.clone());
                        Callback::from(move |_: MouseEvent| pick.emit(c.clone()))
                    };
                    let phones = c.phones.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
                    html! {
                        <li>
                            <button type="button" class={classes!("prices-client", chosen.then_some("chosen"))}
                                data-id={c.id.clone()} data-kind={c.kind.as_str()} {onclick}>
                                <span class="name">{ c.name.clone() }</span>
                                <span class={classes!("kind", c.kind.as_str())}>{ kind_label(lang, c.kind) }</span>
                                <span class="sub">
                                    if let Some(inn) = &c.inn { { format!("{} {inn} · ", t.inn) } }
                                    { phones }
                                </span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };

    html! {
        <section id="admin-prices" class="admin-panel prices-panel" aria-labelledby="tab-prices">
            <div class="prices-left">
                <h2>{ t.contract_prices }</h2>
                <input id="prices-client-search" type="search" autocomplete="off" placeholder={t.find_client}
                    aria-label={t.find_client} value={(*query).clone()} {oninput} />
                { results }
            </div>
            <div class="prices-right">
                { prices_view(&state, lang, &save) }
            </div>
        </section>
    }
}

fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(true)
}

fn prices_view(state: &UseReducerHandle<PricesState>, lang: Lang, save: &Callback<()>) -> Html {
    let t = texts(lang);
    let Some(client) = &state.client else {
        return html! { <p id="prices-empty" class="muted placeholder">{ t.choose_client_first }</p> };
    };
    let head = html! {
        <div id="prices-client" class="prices-client-head" data-id={client.id.clone()} data-kind={client.kind.as_str()}>
            <h3>{ client.name.clone() }</h3>
            <span class={classes!("kind", client.kind.as_str())}>{ kind_label(lang, client.kind) }</span>
            if let Some(inn) = &client.inn { <span class="muted">{ format!("{} {inn}", t.inn) }</span> }
            if client.kind == ClientKind::Individual {
                <span class="muted note">{ t.individual_note }</span>
            }
        </div>
    };
    let body = match &state.load {
        Load::Loading => html! { <p class="muted">{ lang.t().loading }</p> },
        Load::Failed(m) => {
            html! { <p class="banner error">{ format!("{}: {m}", t.load_failed) }</p> }
        }
        Load::Ready => {
            let rows = state
                .products
                .iter()
                .map(|p| price_row(p, state, lang, save))
                .collect::<Html>();
            let on_clear_all = {
                let state = state.clone();
                Callback::from(move |_: MouseEvent| state.dispatch(PricesAction::ClearAll))
            };
            let on_revert = {
                let state = state.clone();
                Callback::from(move |_: MouseEvent| state.dispatch(PricesAction::Revert))
            };
            let dirty = state.dirty();
            let placed: Vec<&str> = state
                .products
                .iter()
                .map(|p| p.product.id.as_str())
                .collect();
            html! {
                <>
                    <AdminTable id="prices-table" class="prices" {lang} load={Load::Ready} loaded=true
                        shown={state.products.len()} empty={t.no_products}
                        cols={vec!["c-name", "c-kind", "c-price", "c-contract", "c-diff", "c-clear"]}
                        head={html! {
                            <>
                                <th>{ t.product_name }</th><th>{ t.kind }</th><th class="money">{ t.list_price }</th>
                                <th>{ t.contract_price }</th><th class="money">{ t.difference }</th><th></th>
                            </>
                        }}>
                        { rows }
                    </AdminTable>
                    <div class="prices-foot">
                        <span class="muted">
                            { format!("{}: {}", t.contract_count, state.contract_count()) }
                            { " · " }{ t.empty_means_list }
                        </span>
                        { other_errors(&state.errors, &placed) }
                        if state.just_saved && !dirty {
                            <span id="prices-saved" class="saved-note">{ t.saved }</span>
                        }
                        if dirty && !state.busy {
                            <span id="prices-unsaved" class="warn">{ t.unsaved }</span>
                        }
                        <div class="panel-bar-right">
                            <button id="prices-clear-all" type="button" class="btn btn-ghost" onclick={on_clear_all}
                                disabled={state.busy || state.inputs.values().all(|v| v.trim().is_empty())}>{ t.clear_all }</button>
                            <button id="prices-revert" type="button" class="btn btn-ghost" onclick={on_revert}
                                disabled={state.busy || !dirty}>{ t.revert }</button>
                            <button id="prices-save" type="button" class="btn btn-primary" disabled={state.busy || !dirty}
                                onclick={save.reform(|_: MouseEvent| ())}>
                                { if state.busy { t.saving } else { t.save_prices } }
                            </button>
                        </div>
                    </div>
                </>
            }
        }
    };
    html! { <>{ head }{ body }</> }
}

fn price_row(
    p: &ProductEntry,
    state: &UseReducerHandle<PricesState>,
    lang: Lang,
    save: &Callback<()>,
) -> Html {
    let t = texts(lang);
    let comma = lang == Lang::Ru;
    let id = p.product.id.clone();
    let list = p.product.price;
    let typed = state.typed(&id);
    let value = state.inputs.get(&id).cloned().unwrap_or_default();
    let changed = match typed {
        Ok(v) => v != state.saved.get(&id).copied(),
        Err(_) => true,
    };
    let oninput = {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |e: InputEvent| {
            state.dispatch(PricesAction::Input(id.clone(), input_value(&e)))
        })
    };
    let on_clear = {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |_: MouseEvent| state.dispatch(PricesAction::Clear(id.clone())))
    };
    let onkeydown = {
        let save = save.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                save.emit(());
            }
        })
    };
    let diff = match typed {
        Ok(Some(c)) if list.0 > 0 => {
            let pct = (c.0 - list.0) as f64 * 100.0 / list.0 as f64;
            let class = if c < list {
                "down"
            } else if c > list {
                "up"
            } else {
                "same"
            };
            html! { <span class={classes!("diff", class)}>{ format!("{:+.1}%", pct) }</span> }
        }
        _ => html! {},
    };
    html! {
        <tr class={classes!("price-row", changed.then_some("dirty"), (!p.on_sale).then_some("off-sale"),
                matches!(typed, Ok(Some(_))).then_some("has-contract"))}
            data-product-id={id.clone()} data-list-price={list.0.to_string()}
            data-contract-price={state.saved.get(&id).map(|m| m.0.to_string()).unwrap_or_default()}>
            <td class="name">
                { p.product.name.clone() }
                <span class="muted sku">{ p.product.sku.clone() }</span>
                if !p.on_sale { <span class="off-sale-tag">{ t.off_sale }</span> }
            </td>
            <td>{ product_kind_label(lang, p.product.kind) }</td>
            <td class="money">{ crate::money::number(lang, list) }</td>
            <td>
                <input class="contract-price" type="text" inputmode="decimal" value={value}
                    placeholder={list.roubles_input(comma)} {oninput} {onkeydown} disabled={state.busy}
                    aria-label={format!("{}: {}", t.contract_price, p.product.name)} />
                { field_error(&state.errors, &id) }
            </td>
            <td class="money">{ diff }</td>
            <td>
                if matches!(typed, Ok(Some(_)) | Err(_)) {
                    <button type="button" class="btn btn-link clear" title={t.clear} onclick={on_clear}
                        disabled={state.busy}>{ "×" }</button>
                }
            </td>
        </tr>
    }
}
