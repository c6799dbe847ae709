//! A client's contract prices (admin, manager): find the client, see every
//! product with its list price and type the contract price where the
//! agreement has one (empty = the list price); saving replaces the whole list.

use std::collections::HashMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use rodnik_shared::api::{ClientSummary, ContractPrices, PriceInput, ProductEntry, PutPrices};
use rodnik_shared::{ClientKind, Money};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::products::money_error;
use super::table::AdminTable;
use super::{errors_from, field_error, input_value, other_errors, Errors, Load};
use crate::api::Api;
use crate::i18n::admin::{product_kind_label, texts, AdminTexts};
use crate::i18n::{kind_label, Lang};
use crate::state::use_app;
use rodnik_shared::MoneyError;

const DEBOUNCE_MS: u32 = 250;

#[derive(Debug, Clone, PartialEq)]
pub struct PricesState {
    pub client: Option<ClientSummary>,
    pub load: Load,
    /// Every product, those off sale too (a contract may still name them).
    pub products: Vec<ProductEntry>,
    /// The contract prices as stored, by product id.
    pub saved: HashMap<String, Money>,
    /// What is typed, by product id (absent or empty: the list price).
    pub inputs: HashMap<String, String>,
    /// Keyed by product id; an empty key is about the whole list.
    pub errors: Errors,
    pub busy: bool,
    pub just_saved: bool,
    pub comma: bool,
}

pub enum PricesAction {
    Pick(Box<ClientSummary>),
    Loaded(Vec<ProductEntry>, ContractPrices),
    LoadFailed(String),
    Input(String, String),
    Clear(String),
    ClearAll,
    Revert,
    Busy,
    Saved(ContractPrices),
    Failed(Errors),
}

impl PricesState {
    pub fn new(comma: bool) -> PricesState {
        PricesState {
            client: None,
            load: Load::Ready,
            products: vec![],
            saved: HashMap::new(),
            inputs: HashMap::new(),
            errors: vec![],
            busy: false,
            just_saved: false,
            comma,
        }
    }

    fn inputs_of(saved: &HashMap<String, Money>, comma: bool) -> HashMap<String, String> {
        saved
            .iter()
            .map(|(id, m)| (id.clone(), m.roubles_input(comma)))
            .collect()
    }

    /// The typed contract price of a product: `Ok(None)` when empty.
    pub fn typed(&self, product_id: &str) -> Result<Option<Money>, MoneyError> {
        match self.inputs.get(product_id).map(|s| s.trim()) {
            None | Some("") => Ok(None),
            Some(s) => rodnik_shared::Money::parse_roubles(s).map(Some),
        }
    }

    /// The request, with the product ids in its order (to place a server's
    /// `prices[i].price` error), or the typing errors by product id.
    pub fn request(&self, t: &AdminTexts) -> Result<(PutPrices, Vec<String>), Errors> {
        let mut errors = Errors::new();
        let mut prices = vec![];
        let mut order = vec![];
        for p in &self.products {
            let id = &p.product.id;
            match self.typed(id) {
                Ok(Some(price)) => {
                    prices.push(PriceInput {
                        product_id: id.clone(),
                        price: price.0,
                    });
                    order.push(id.clone());
                }
                Ok(None) => {}
                Err(e) => errors.push((id.clone(), money_error(e, t))),
            }
        }
        if errors.is_empty() {
            Ok((PutPrices { prices }, order))
        } else {
            Err(errors)
        }
    }

    /// Typed differently from what is stored.
    pub fn dirty(&self) -> bool {
        self.products.iter().any(|p| {
            let id = &p.product.id;
            match self.typed(id) {
                Ok(v) => v != self.saved.get(id).copied(),
                Err(_) => true,
            }
        })
    }

    pub fn contract_count(&self) -> usize {
        self.products
            .iter()
            .filter(|p| matches!(self.typed(&p.product.id), Ok(Some(_))))
            .count()
    }
}

impl Reducible for PricesState {
    type Action = PricesAction;

    fn reduce(self: Rc<Self>, action: PricesAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            PricesAction::Pick(c) => {
                s = PricesState {
                    client: Some(*c),
                    load: Load::Loading,
                    ..PricesState::new(s.comma)
                };
            }
            PricesAction::Loaded(products, prices) => {
                if s.client.as_ref().map(|c| c.id.as_str()) != Some(prices.client_id.as_str()) {
                    return self;
                }
                s.products = products;
                s.saved = prices
                    .prices
                    .iter()
                    .map(|p| (p.product_id.clone(), p.price))
                    .collect();
                s.inputs = PricesState::inputs_of(&s.saved, s.comma);
                s.load = Load::Ready;
            }
            PricesAction::LoadFailed(m) => s.load = Load::Failed(m),
            PricesAction::Input(id, v) => {
                if !s.busy {
                    s.errors.retain(|(f, _)| *f != id && !f.is_empty());
                    s.inputs.insert(id, v);
                    s.just_saved = false;
                }
            }
            PricesAction::Clear(id) => {
                if !s.busy {
                    s.errors.retain(|(f, _)| *f != id);
                    s.inputs.remove(&id);
                    s.just_saved = false;
                }
            }
            PricesAction::ClearAll => {
                if !s.busy {
                    s.inputs.clear();
                    s.errors.clear();
                    s.just_saved = false;
                }
            }
            PricesAction::Revert => {
                if !s.busy {
                    s.inputs = PricesState::inputs_of(&s.saved, s.comma);
                    s.errors.clear();
                }
            }
            PricesAction::Busy => {
                s.busy = true;
                s.errors.clear();
                s.just_saved = false;
            }
            PricesAction::Saved(prices) => {
                if s.client.as_ref().map(|c| c.id.as_str()) != Some(prices.client_id.as_str()) {
                    return self;
                }
                s.busy = false;
                s.saved = prices
                    .prices
                    .iter()
                    .map(|p| (p.product_id.clone(), p.price))
                    .collect();
                s.inputs = PricesState::inputs_of(&s.saved, s.comma);
                s.just_saved = true;
            }
            PricesAction::Failed(errors) => {
                s.busy = false;
                s.errors = errors;
            }
        }
        Rc::new(s)
    }
}

/// `prices[3].price` -> the product id at index 3 of the request.
pub fn place_errors(errors: Errors, order: &[String]) -> Errors {
    errors
        .into_iter()
        .map(|(f, m)| {
            let index = f
                .strip_prefix("prices[")
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok());
            match index.and_then(|i| order.get(i)) {
                Some(id) => (id.clone(), m),
                None => (String::new(), m),
            }
        })
        .collect()
}

/// Legal entities first (contracts are theirs), then by name.
pub fn legal_first(mut list: Vec<ClientSummary>) -> Vec<ClientSummary> {
    list.sort_by(|a, b| {
        (a.kind != ClientKind::Legal)
            .cmp(&(b.kind != ClientKind::Legal))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    list
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{ContractPrice, Product};
    use rodnik_shared::ProductKind;

    fn entry(id: &str, price: i64) -> ProductEntry {
        ProductEntry {
            product: Product {
                id: id.into(),
                sku: id.into(),
                name: id.into(),
                kind: ProductKind::Water,
                unit: "pc".into(),
                price: Money(price),
                returnable: false,
            },
            on_sale: true,
        }
    }

    fn client(id: &str, name: &str, kind: ClientKind) -> ClientSummary {
        ClientSummary {
            id: id.into(),
            kind,
            name: name.into(),
            phones: vec![],
            addresses: vec![],
            inn: None,
            note: None,
            bottles_held: 0,
        }
    }

    fn loaded() -> Rc<PricesState> {
        let s = Rc::new(PricesState::new(true));
        let s = s.reduce(PricesAction::Pick(Box::new(client(
            "c1",
            "ООО Ромашка",
            ClientKind::Legal,
        ))));
        s.reduce(PricesAction::Loaded(
            vec![entry("w", 25000), entry("cup", 1500), entry("pump", 45000)],
            ContractPrices {
                client_id: "c1".into(),
                prices: vec![ContractPrice {
                    product_id: "w".into(),
                    name: "w".into(),
                    list_price: Money(25000),
                    price: Money(21050),
                }],
            },
        ))
    }

    #[test]
    fn stored_prices_fill_the_inputs_and_empty_means_the_list_price() {
        let s = loaded();
        assert_eq!(s.inputs.get("w").map(String::as_str), Some("210,50"));
        assert!(!s.dirty());
        let s = s.reduce(PricesAction::Input("cup".into(), "10".into()));
        let s = s.reduce(PricesAction::Clear("w".into()));
        assert!(s.dirty());
        let (req, order) = s.request(texts(Lang::Ru)).unwrap();
        assert_eq!(req.prices.len(), 1);
        assert_eq!(req.prices[0].product_id, "cup");
        assert_eq!(req.prices[0].price, 1000);
        assert_eq!(order, ["cup"]);
        let s = s.reduce(PricesAction::Revert);
        assert!(!s.dirty());
    }

    #[test]
    fn a_bad_price_is_shown_on_its_row_and_nothing_is_sent() {
        let s = loaded().reduce(PricesAction::Input("pump".into(), "400,999".into()));
        let errors = s.request(texts(Lang::En)).unwrap_err();
        assert_eq!(errors[0].0, "pump");
        // A server error names the request's index: it goes to that row.
        let placed = place_errors(
            vec![
                ("prices[1].price".into(), "bad".into()),
                ("".into(), "x".into()),
            ],
            &["w".to_string(), "pump".to_string()],
        );
        assert_eq!(placed[0].0, "pump");
        assert_eq!(placed[1].0, "");
    }

    #[test]
    fn a_save_takes_the_servers_answer_and_a_late_answer_for_another_client_is_dropped() {
        let s = loaded().reduce(PricesAction::Input("cup".into(), "10".into()));
        let s = s.reduce(PricesAction::Busy);
        let s = s.reduce(PricesAction::Input("cup".into(), "11".into()));
        assert_eq!(s.inputs["cup"], "10", "no typing while saving");
        let answer = ContractPrices {
            client_id: "c1".into(),
            prices: vec![ContractPrice {
                product_id: "cup".into(),
                name: "cup".into(),
                list_price: Money(1500),
                price: Money(1000),
            }],
        };
        let saved = s.clone().reduce(PricesAction::Saved(answer.clone()));
        assert!(saved.just_saved && !saved.dirty() && !saved.busy);
        assert_eq!(saved.inputs.get("w"), None);

        let other = s.reduce(PricesAction::Pick(Box::new(client(
            "c2",
            "ИП Иванов",
            ClientKind::Individual,
        ))));
        let late = other.reduce(PricesAction::Saved(answer));
        assert_eq!(late.client.as_ref().unwrap().id, "c2");
        assert!(late.saved.is_empty());
    }

    #[test]
    fn legal_entities_come_first() {
        let list = legal_first(vec![
            client("a", "Анна", ClientKind::Individual),
            client("b", "ООО Берёзка", ClientKind::Legal),
            client("c", "АО Вода", ClientKind::Legal),
        ]);
        let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }
}
