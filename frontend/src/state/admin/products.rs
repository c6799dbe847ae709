//! The price list's drafts (typed prices in roubles) and the panel's reducer.

use std::rc::Rc;

use rodnik_shared::api::{CreateProduct, PatchProduct, ProductEntry};
use rodnik_shared::{Money, ProductKind};
use yew::prelude::*;

use super::{matches, Errors, Load, NewForm};
use crate::i18n::admin::AdminTexts;
use rodnik_shared::MoneyError;

/// A product's fields as typed; the price in roubles.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductDraft {
    pub sku: String,
    pub name: String,
    pub kind: ProductKind,
    pub unit: String,
    pub price: String,
    pub returnable: bool,
    pub on_sale: bool,
}

impl Default for ProductDraft {
    fn default() -> Self {
        ProductDraft {
            sku: String::new(),
            name: String::new(),
            kind: ProductKind::Water,
            unit: String::new(),
            price: String::new(),
            returnable: false,
            on_sale: true,
        }
    }
}

pub fn money_error(e: MoneyError, t: &AdminTexts) -> String {
    match e {
        MoneyError::Empty => t.required,
        MoneyError::Malformed => t.price_format,
        MoneyError::Negative => t.price_negative,
        MoneyError::TooLarge => t.price_too_large,
    }
    .to_string()
}

/// The checked fields of a draft.
struct Valid {
    sku: String,
    name: String,
    unit: String,
    price: Money,
}

impl ProductDraft {
    pub fn of(p: &ProductEntry, comma: bool) -> ProductDraft {
        ProductDraft {
            sku: p.product.sku.clone(),
            name: p.product.name.clone(),
            kind: p.product.kind,
            unit: p.product.unit.clone(),
            price: p.product.price.roubles_input(comma),
            returnable: p.product.returnable,
            on_sale: p.on_sale,
        }
    }

    fn check(&self, t: &AdminTexts) -> Result<Valid, Errors> {
        let mut errors = Errors::new();
        let sku = self.sku.trim();
        if sku.is_empty() {
            errors.push(("sku".into(), t.required.into()));
        } else if sku.chars().any(char::is_whitespace) || sku.chars().count() > 64 {
            errors.push(("sku".into(), t.sku_format.into()));
        }
        if self.name.trim().is_empty() {
            errors.push(("name".into(), t.required.into()));
        }
        if self.unit.trim().is_empty() {
            errors.push(("unit".into(), t.required.into()));
        }
        let price = rodnik_shared::Money::parse_roubles(&self.price);
        if let Err(e) = price {
            errors.push(("price".into(), money_error(e, t)));
        }
        match price {
            Ok(price) if errors.is_empty() => Ok(Valid {
                sku: sku.to_string(),
                name: self.name.trim().to_string(),
                unit: self.unit.trim().to_string(),
                price,
            }),
            _ => Err(errors),
        }
    }

    /// The changes against `p`; an empty patch when nothing changed.
    pub fn patch(&self, p: &ProductEntry, t: &AdminTexts) -> Result<PatchProduct, Errors> {
        let v = self.check(t)?;
        let o = &p.product;
        Ok(PatchProduct {
            sku: (v.sku != o.sku).then_some(v.sku),
            name: (v.name != o.name).then_some(v.name),
            kind: (self.kind != o.kind).then_some(self.kind),
            unit: (v.unit != o.unit).then_some(v.unit),
            price: (v.price != o.price).then_some(v.price.0),
            returnable: (self.returnable != o.returnable).then_some(self.returnable),
            on_sale: (self.on_sale != p.on_sale).then_some(self.on_sale),
        })
    }

    pub fn request(&self, t: &AdminTexts) -> Result<CreateProduct, Errors> {
        let v = self.check(t)?;
        Ok(CreateProduct {
            sku: v.sku,
            name: v.name,
            kind: self.kind,
            unit: v.unit,
            price: v.price.0,
            returnable: self.returnable,
            on_sale: Some(self.on_sale),
        })
    }
}

pub fn is_empty_patch(p: &PatchProduct) -> bool {
    p.sku.is_none()
        && p.name.is_none()
        && p.kind.is_none()
        && p.unit.is_none()
        && p.price.is_none()
        && p.returnable.is_none()
        && p.on_sale.is_none()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Sku(String),
    Name(String),
    Kind(ProductKind),
    Unit(String),
    Price(String),
    Returnable(bool),
    OnSale(bool),
}

impl ProductDraft {
    fn set(&mut self, f: Field) {
        match f {
            Field::Sku(v) => self.sku = v,
            Field::Name(v) => self.name = v,
            Field::Kind(v) => self.kind = v,
            Field::Unit(v) => self.unit = v,
            Field::Price(v) => self.price = v,
            Field::Returnable(v) => self.returnable = v,
            Field::OnSale(v) => self.on_sale = v,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub entry: ProductEntry,
    pub draft: ProductDraft,
    pub errors: Errors,
    pub busy: bool,
    /// Just saved or created (shown until the row is edited again).
    pub saved: bool,
}

impl Row {
    fn new(entry: ProductEntry, comma: bool) -> Row {
        Row {
            draft: ProductDraft::of(&entry, comma),
            entry,
            errors: vec![],
            busy: false,
            saved: false,
        }
    }

    /// Typed differently from what is stored (an unparsable price counts).
    pub fn dirty(&self, t: &AdminTexts) -> bool {
        self.draft
            .patch(&self.entry, t)
            .map_or(true, |p| !is_empty_patch(&p))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProductsState {
    pub load: Load,
    pub rows: Vec<Row>,
    pub filter: String,
    pub hide_off_sale: bool,
    pub new: NewForm<ProductDraft>,
    /// Prices are typed with a comma (Russian) or a point.
    pub comma: bool,
}

impl ProductsState {
    pub fn new(comma: bool) -> ProductsState {
        ProductsState {
            load: Load::Loading,
            rows: vec![],
            filter: String::new(),
            hide_off_sale: false,
            new: NewForm::default(),
            comma,
        }
    }

    pub fn visible(&self) -> Vec<&Row> {
        let needle = self.filter.trim().to_lowercase();
        self.rows
            .iter()
            .filter(|r| !self.hide_off_sale || r.entry.on_sale || r.draft.on_sale)
            .filter(|r| {
                matches(
                    &format!("{} {}", r.entry.product.sku, r.entry.product.name),
                    &needle,
                )
            })
            .collect()
    }

    fn row(&mut self, id: &str) -> Option<&mut Row> {
        self.rows.iter_mut().find(|r| r.entry.product.id == id)
    }
}

pub enum ProductsAction {
    Loading,
    /// Fresh from the server; rows with unsaved edits keep them.
    Loaded(Vec<ProductEntry>),
    LoadFailed(String),
    Filter(String),
    HideOffSale(bool),
    Edit(String, Field),
    Revert(String),
    Busy(String),
    Saved(ProductEntry),
    Failed(String, Errors),
    NewToggle,
    NewEdit(Field),
    NewBusy(String),
    NewDone(Result<ProductEntry, Errors>),
}

impl Reducible for ProductsState {
    type Action = ProductsAction;

    fn reduce(self: Rc<Self>, action: ProductsAction) -> Rc<Self> {
        let mut s = (*self).clone();
        let comma = s.comma;
        match action {
            ProductsAction::Loading => s.load = Load::Loading,
            ProductsAction::Loaded(list) => {
                let old = std::mem::take(&mut s.rows);
                s.rows = list
                    .into_iter()
                    .map(|entry| {
                        match old.iter().find(|r| r.entry.product.id == entry.product.id) {
                            Some(r) if r.draft != ProductDraft::of(&r.entry, comma) => Row {
                                entry,
                                draft: r.draft.clone(),
                                errors: r.errors.clone(),
                                busy: false,
                                saved: false,
                            },
                            _ => Row::new(entry, comma),
                        }
                    })
                    .collect();
                s.load = Load::Ready;
            }
            ProductsAction::LoadFailed(m) => s.load = Load::Failed(m),
            ProductsAction::Filter(f) => s.filter = f,
            ProductsAction::HideOffSale(h) => s.hide_off_sale = h,
            ProductsAction::Edit(id, f) => {
                if let Some(r) = s.row(&id).filter(|r| !r.busy) {
                    r.draft.set(f);
                    r.saved = false;
                }
            }
            ProductsAction::Revert(id) => {
                if let Some(r) = s.row(&id).filter(|r| !r.busy) {
                    *r = Row::new(r.entry.clone(), comma);
                }
            }
            ProductsAction::Busy(id) => {
                if let Some(r) = s.row(&id) {
                    r.busy = true;
                    r.errors.clear();
                }
            }
            ProductsAction::Saved(entry) => {
                let id = entry.product.id.clone();
                if let Some(r) = s.row(&id) {
                    *r = Row {
                        saved: true,
                        ..Row::new(entry, comma)
                    };
                }
            }
            ProductsAction::Failed(id, errors) => {
                if let Some(r) = s.row(&id) {
                    r.busy = false;
                    r.errors = errors;
                }
            }
            ProductsAction::NewToggle => s.new.toggle(),
            ProductsAction::NewEdit(f) => s.new.edit(|d| d.set(f)),
            ProductsAction::NewBusy(key) => s.new.sending(key),
            ProductsAction::NewDone(Ok(entry)) => {
                // Ready for the next product of the same kind and unit.
                s.new.created(ProductDraft {
                    kind: s.new.draft.kind,
                    unit: s.new.draft.unit.clone(),
                    returnable: s.new.draft.returnable,
                    ..ProductDraft::default()
                });
                s.rows.push(Row {
                    saved: true,
                    ..Row::new(entry, comma)
                });
            }
            ProductsAction::NewDone(Err(errors)) => s.new.failed(errors),
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::admin::texts;
    use crate::i18n::Lang;
    use rodnik_shared::api::Product;

    fn entry(id: &str, price: i64, on_sale: bool) -> ProductEntry {
        ProductEntry {
            product: Product {
                id: id.into(),
                sku: id.to_uppercase(),
                name: format!("Product {id}"),
                kind: ProductKind::Water,
                unit: "bottle".into(),
                price: Money(price),
                returnable: true,
            },
            on_sale,
        }
    }

    fn t() -> &'static AdminTexts {
        texts(Lang::Ru)
    }

    #[test]
    fn a_price_typed_in_roubles_is_sent_in_kopecks_and_only_when_changed() {
        let e = entry("w", 25000, true);
        let mut d = ProductDraft::of(&e, true);
        assert_eq!(d.price, "250");
        assert!(is_empty_patch(&d.patch(&e, t()).unwrap()));
        d.price = "250,00".into();
        assert!(
            is_empty_patch(&d.patch(&e, t()).unwrap()),
            "same amount, other spelling"
        );
        d.price = "270,50".into();
        d.on_sale = false;
        let p = d.patch(&e, t()).unwrap();
        assert_eq!(p.price, Some(27050));
        assert_eq!(p.on_sale, Some(false));
        assert_eq!(p.name, None);
        d.price = "27O".into();
        let errors = d.patch(&e, t()).unwrap_err();
        assert_eq!(
            errors,
            vec![("price".to_string(), t().price_format.to_string())]
        );
    }

    #[test]
    fn edits_survive_a_failed_save_and_a_reload() {
        let s = Rc::new(ProductsState::new(true));
        let s = s.reduce(ProductsAction::Loaded(vec![
            entry("w", 25000, true),
            entry("c", 1500, true),
        ]));
        let s = s.reduce(ProductsAction::Edit("w".into(), Field::Price("260".into())));
        assert!(s.rows[0].dirty(t()) && !s.rows[1].dirty(t()));
        let s = s.reduce(ProductsAction::Busy("w".into()));
        let s = s.reduce(ProductsAction::Failed(
            "w".into(),
            vec![("price".into(), "bad".into())],
        ));
        assert_eq!(s.rows[0].draft.price, "260");
        assert!(!s.rows[0].busy);
        // Someone else changed the cups meanwhile: the reload shows it, and keeps our typing.
        let s = s.reduce(ProductsAction::Loaded(vec![
            entry("w", 25000, true),
            entry("c", 1600, true),
        ]));
        assert_eq!(s.rows[0].draft.price, "260");
        assert_eq!(s.rows[1].draft.price, "16");
        let s = s.reduce(ProductsAction::Saved(entry("w", 26000, true)));
        assert!(!s.rows[0].dirty(t()) && s.rows[0].saved);
        let s = s.reduce(ProductsAction::Edit("c".into(), Field::Name("Cups".into())));
        let s = s.reduce(ProductsAction::Revert("c".into()));
        assert!(!s.rows[1].dirty(t()));
    }

    #[test]
    fn a_new_product_needs_every_field_and_a_price() {
        let d = ProductDraft::default();
        let errors = d.request(t()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["sku", "name", "unit", "price"]);
        let d = ProductDraft {
            sku: "CUP-200".into(),
            name: "Стаканы 200 мл".into(),
            kind: ProductKind::Goods,
            unit: "уп.".into(),
            price: "150,5".into(),
            ..ProductDraft::default()
        };
        let r = d.request(t()).unwrap();
        assert_eq!(r.price, 15050);
        assert_eq!(r.on_sale, Some(true));
    }

    #[test]
    fn off_sale_products_can_be_hidden_and_the_filter_finds_sku_or_name() {
        let s = Rc::new(ProductsState::new(true));
        let s = s.reduce(ProductsAction::Loaded(vec![
            entry("w", 25000, true),
            entry("c", 1500, false),
        ]));
        assert_eq!(s.visible().len(), 2);
        let s = s.reduce(ProductsAction::HideOffSale(true));
        assert_eq!(s.visible().len(), 1);
        let s = s.reduce(ProductsAction::HideOffSale(false));
        let s = s.reduce(ProductsAction::Filter("Product C".into()));
        assert_eq!(s.visible().len(), 1);
        assert_eq!(s.visible()[0].entry.product.id, "c");
    }
}
