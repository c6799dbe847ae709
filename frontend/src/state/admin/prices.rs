//! A client's contract prices being typed, and the panel's reducer.

use std::collections::HashMap;
use std::rc::Rc;

use rodnik_shared::api::{ClientSummary, ContractPrices, PriceInput, ProductEntry, PutPrices};
use rodnik_shared::{ClientKind, Money};
use yew::prelude::*;

use super::products::money_error;
use super::{Errors, Load};
use crate::i18n::admin::AdminTexts;
use rodnik_shared::MoneyError;

pub(crate) const DEBOUNCE_MS: u32 = 250;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::admin::texts;
    use crate::i18n::Lang;
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
            deposit_bottles: 0,
            deposit_held: rodnik_shared::Money::ZERO,
            balance: rodnik_shared::Money::ZERO,
            contract: None,
            requisites: None,
            version: 0,
            noted_at: None,
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
