//! The price list (admin, manager): every product with inline editing of its
//! fields, list price in roubles, returnable and on-sale flags; changed rows
//! are saved one by one or all at once; and the form that adds a product.

use std::rc::Rc;

use rodnik_shared::api::{CreateProduct, PatchProduct, ProductEntry};
use rodnik_shared::{Money, ProductKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::{use_loader, AdminTable, PanelBar};
use super::{
    checked, errors_from, field_error, input_value, matches, other_errors, select_value, Errors,
    Load,
};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::admin::{product_kind_label, texts, AdminTexts};
use crate::i18n::Lang;
use crate::state::use_app;
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
pub struct NewProduct {
    pub open: bool,
    pub draft: ProductDraft,
    pub errors: Errors,
    pub busy: bool,
    pub key: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProductsState {
    pub load: Load,
    pub rows: Vec<Row>,
    pub filter: String,
    pub hide_off_sale: bool,
    pub new: NewProduct,
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
            new: NewProduct {
                open: false,
                draft: ProductDraft::default(),
                errors: vec![],
                busy: false,
                key: None,
            },
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
            ProductsAction::NewToggle => s.new.open = !s.new.open,
            ProductsAction::NewEdit(f) => {
                if !s.new.busy {
                    s.new.draft.set(f);
                    s.new.key = None;
                }
            }
            ProductsAction::NewBusy(key) => {
                s.new.busy = true;
                s.new.key = Some(key);
                s.new.errors.clear();
            }
            ProductsAction::NewDone(Ok(entry)) => {
                s.new.busy = false;
                s.new.key = None;
                s.new.errors.clear();
                // Ready for the next product of the same kind and unit.
                s.new.draft = ProductDraft {
                    kind: s.new.draft.kind,
                    unit: s.new.draft.unit.clone(),
                    returnable: s.new.draft.returnable,
                    ..ProductDraft::default()
                };
                s.rows.push(Row {
                    saved: true,
                    ..Row::new(entry, comma)
                });
            }
            ProductsAction::NewDone(Err(errors)) => {
                s.new.busy = false;
                s.new.errors = errors;
            }
        }
        Rc::new(s)
    }
}

// ---------- view ----------

#[function_component]
pub fn ProductsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let state = use_reducer(|| ProductsState::new(lang == Lang::Ru));

    {
        let (token, d) = (token.clone(), state.dispatcher().to_callback());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).all_products().await }
            },
            d.reform(|_| ProductsAction::Loading),
            d.reform(|r: Result<Vec<ProductEntry>, ApiError>| match r {
                Ok(list) => ProductsAction::Loaded(list),
                Err(e) => ProductsAction::LoadFailed(e.message()),
            }),
        );
    }

    // Saves one row; `None` saves every changed row, one after another.
    let save = {
        let (state, token, app) = (state.clone(), token.clone(), app.clone());
        Callback::from(move |only: Option<String>| {
            let t = texts(app.lang);
            let mut jobs = vec![];
            for r in state.rows.iter().filter(|r| !r.busy) {
                if only.as_ref().is_some_and(|id| *id != r.entry.product.id) {
                    continue;
                }
                let id = r.entry.product.id.clone();
                match r.draft.patch(&r.entry, t) {
                    Ok(p) if is_empty_patch(&p) => {}
                    Ok(p) => jobs.push((id, p)),
                    Err(errors) => state.dispatch(ProductsAction::Failed(id, errors)),
                }
            }
            for (id, _) in &jobs {
                state.dispatch(ProductsAction::Busy(id.clone()));
            }
            let (state, token, app) = (state.clone(), token.clone(), app.clone());
            spawn_local(async move {
                let api = Api::with_token(&token);
                for (id, patch) in jobs {
                    match api.patch_product(&id, &patch).await {
                        Ok(entry) => state.dispatch(ProductsAction::Saved(entry)),
                        Err(e) => state
                            .dispatch(ProductsAction::Failed(id, errors_from(&e, texts(app.lang)))),
                    }
                }
            });
        })
    };

    let create = {
        let (state, token, app) = (state.clone(), token.clone(), app.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.new.busy {
                return;
            }
            let req = match state.new.draft.request(texts(app.lang)) {
                Ok(r) => r,
                Err(errors) => return state.dispatch(ProductsAction::NewDone(Err(errors))),
            };
            let key = state.new.key.clone().unwrap_or_else(new_idempotency_key);
            state.dispatch(ProductsAction::NewBusy(key.clone()));
            let (state, token, app) = (state.clone(), token.clone(), app.clone());
            spawn_local(async move {
                match Api::with_token(&token).create_product(&req, &key).await {
                    Ok(entry) => state.dispatch(ProductsAction::NewDone(Ok(entry))),
                    Err(e) => state.dispatch(ProductsAction::NewDone(Err(errors_from(
                        &e,
                        texts(app.lang),
                    )))),
                }
            });
        })
    };

    let on_filter = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(ProductsAction::Filter(input_value(&e))))
    };
    let on_hide = {
        let state = state.clone();
        Callback::from(move |e: Event| state.dispatch(ProductsAction::HideOffSale(checked(&e))))
    };
    let toggle_new = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(ProductsAction::NewToggle))
    };

    let dirty = state.rows.iter().filter(|r| r.dirty(t)).count();
    let busy = state.rows.iter().any(|r| r.busy);
    let visible = state.visible();
    let shown = visible.len();
    let body = visible
        .into_iter()
        .map(|r| product_row(r, &state, lang, &save))
        .collect::<Html>();
    let on_sale = state.rows.iter().filter(|r| r.entry.on_sale).count();
    let count = format!(
        "{} {on_sale} · {} {}",
        t.on_sale_count,
        t.total_count,
        state.rows.len()
    );
    let head = html! {
        <>
            <th>{ t.sku }</th><th>{ t.product_name }</th><th>{ t.kind }</th><th>{ t.unit }</th>
            <th class="money">{ t.list_price }</th><th title={t.returnable}>{ t.returnable }</th><th title={t.on_sale}>{ t.on_sale }</th><th></th>
        </>
    };

    html! {
        <section id="admin-products" class="admin-panel" aria-labelledby="tab-products">
            <PanelBar title={t.products} {count} filter_id="products-filter" filter_label={t.filter_products}
                filter={state.filter.clone()} {on_filter} new_id="new-product" new_label={t.new_product}
                new_open={state.new.open} on_new={toggle_new} {lang}
                actions={html! {
                    <button id="products-save-all" type="button" class="btn btn-primary" disabled={dirty == 0 || busy}
                        onclick={save.reform(|_: MouseEvent| None)}>
                        { format!("{} ({dirty})", t.save_all) }
                    </button>
                }}>
                <label class="check">
                    <input id="products-hide-off-sale" type="checkbox" checked={state.hide_off_sale} onchange={on_hide} />
                    { t.hide_off_sale }
                </label>
            </PanelBar>
            if state.new.open {
                { new_product_form(&state, lang, create) }
            }
            <p class="hint muted">{ t.products_hint }</p>
            <AdminTable id="products-table" class="products" {lang} load={state.load.clone()}
                loaded={!state.rows.is_empty()} {shown} empty={t.nothing_found}
                cols={vec!["c-sku", "c-name", "c-kind", "c-unit", "c-price", "c-flag", "c-flag", "c-actions"]}
                {head}>
                { body }
            </AdminTable>
        </section>
    }
}

fn kind_options(lang: Lang, selected: ProductKind) -> Html {
    html! {
        { for ProductKind::ALL.iter().map(|k| html! {
            <option value={k.as_str()} selected={*k == selected}>{ product_kind_label(lang, *k) }</option>
        }) }
    }
}

fn product_row(
    r: &Row,
    state: &UseReducerHandle<ProductsState>,
    lang: Lang,
    save: &Callback<Option<String>>,
) -> Html {
    let t = texts(lang);
    let id = r.entry.product.id.clone();
    let d = &r.draft;
    let dirty = r.dirty(t);
    let on = |make: fn(String) -> Field| {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |e: InputEvent| {
            state.dispatch(ProductsAction::Edit(id.clone(), make(input_value(&e))))
        })
    };
    let on_flag = |make: fn(bool) -> Field| {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |e: Event| {
            state.dispatch(ProductsAction::Edit(id.clone(), make(checked(&e))))
        })
    };
    let on_kind = {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |e: Event| {
            if let Ok(k) = select_value(&e).parse::<ProductKind>() {
                state.dispatch(ProductsAction::Edit(id.clone(), Field::Kind(k)));
            }
        })
    };
    let on_revert = {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |_: MouseEvent| state.dispatch(ProductsAction::Revert(id.clone())))
    };
    let onkeydown = {
        let (state, save, id) = (state.clone(), save.clone(), id.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                save.emit(Some(id.clone()));
            }
            "Escape" => state.dispatch(ProductsAction::Revert(id.clone())),
            _ => {}
        })
    };
    let on_save = {
        let (save, id) = (save.clone(), id.clone());
        Callback::from(move |_: MouseEvent| save.emit(Some(id.clone())))
    };
    let list_price = r.entry.product.price;
    let price_changed =
        rodnik_shared::Money::parse_roubles(&d.price).is_ok_and(|p| p != list_price);
    html! {
        <tr class={classes!("product-row", dirty.then_some("dirty"), (!r.entry.on_sale).then_some("off-sale"),
                r.saved.then_some("touched"), (!r.errors.is_empty()).then_some("has-error"))}
            data-id={id.clone()} data-sku={r.entry.product.sku.clone()} data-on-sale={r.entry.on_sale.to_string()}
            data-price={list_price.0.to_string()}>
            <td>
                <input class="sku" type="text" value={d.sku.clone()} oninput={on(Field::Sku)}
                    onkeydown={onkeydown.clone()} disabled={r.busy} aria-label={t.sku} />
                { field_error(&r.errors, "sku") }
            </td>
            <td>
                <input class="name" type="text" value={d.name.clone()} oninput={on(Field::Name)}
                    onkeydown={onkeydown.clone()} disabled={r.busy} aria-label={t.product_name} />
                { field_error(&r.errors, "name") }
            </td>
            <td>
                <select class="kind" onchange={on_kind} disabled={r.busy} aria-label={t.kind}>
                    { kind_options(lang, d.kind) }
                </select>
                { field_error(&r.errors, "kind") }
            </td>
            <td>
                <input class="unit" type="text" value={d.unit.clone()} oninput={on(Field::Unit)}
                    onkeydown={onkeydown.clone()} disabled={r.busy} aria-label={t.unit} />
                { field_error(&r.errors, "unit") }
            </td>
            <td class="money">
                <input class="price" type="text" inputmode="decimal" value={d.price.clone()} oninput={on(Field::Price)}
                    onkeydown={onkeydown.clone()} disabled={r.busy} aria-label={t.list_price} />
                if price_changed {
                    <span class="was">{ format!("{} {}", t.was, crate::money::number(lang, list_price)) }</span>
                }
                { field_error(&r.errors, "price") }
            </td>
            <td class="flag">
                <input class="returnable" type="checkbox" checked={d.returnable} onchange={on_flag(Field::Returnable)}
                    onkeydown={onkeydown.clone()} disabled={r.busy} aria-label={t.returnable} />
            </td>
            <td class="flag">
                <input class="on-sale" type="checkbox" checked={d.on_sale} onchange={on_flag(Field::OnSale)}
                    onkeydown={onkeydown} disabled={r.busy} aria-label={t.on_sale} />
                { field_error(&r.errors, "on_sale") }
            </td>
            <td class="row-actions">
                if dirty || r.busy {
                    <button type="button" class="btn btn-primary save" disabled={r.busy} onclick={on_save}>
                        { if r.busy { t.saving } else { t.save } }
                    </button>
                    <button type="button" class="btn btn-ghost revert" disabled={r.busy} onclick={on_revert}>{ t.revert }</button>
                } else if r.saved {
                    <span class="saved-note">{ t.saved }</span>
                }
                { other_errors(&r.errors, &["sku", "name", "kind", "unit", "price", "on_sale"]) }
            </td>
        </tr>
    }
}

fn new_product_form(
    state: &UseReducerHandle<ProductsState>,
    lang: Lang,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let t = texts(lang);
    let n = &state.new;
    let d = &n.draft;
    let on = |make: fn(String) -> Field| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(ProductsAction::NewEdit(make(input_value(&e))))
        })
    };
    let on_flag = |make: fn(bool) -> Field| {
        let state = state.clone();
        Callback::from(move |e: Event| state.dispatch(ProductsAction::NewEdit(make(checked(&e)))))
    };
    let on_kind = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            if let Ok(k) = select_value(&e).parse::<ProductKind>() {
                state.dispatch(ProductsAction::NewEdit(Field::Kind(k)));
            }
        })
    };
    let placed = ["sku", "name", "kind", "unit", "price"];
    html! {
        <form id="new-product-form" class="admin-form" {onsubmit} novalidate=true>
            <div class="form-field">
                <label for="new-product-sku">{ t.sku }</label>
                <input id="new-product-sku" type="text" autocomplete="off" value={d.sku.clone()}
                    oninput={on(Field::Sku)} disabled={n.busy} autofocus=true />
                { field_error(&n.errors, "sku") }
            </div>
            <div class="form-field wide">
                <label for="new-product-name">{ t.product_name }</label>
                <input id="new-product-name" type="text" value={d.name.clone()} oninput={on(Field::Name)} disabled={n.busy} />
                { field_error(&n.errors, "name") }
            </div>
            <div class="form-field">
                <label for="new-product-kind">{ t.kind }</label>
                <select id="new-product-kind" onchange={on_kind} disabled={n.busy}>{ kind_options(lang, d.kind) }</select>
                { field_error(&n.errors, "kind") }
            </div>
            <div class="form-field narrow">
                <label for="new-product-unit">{ t.unit }</label>
                <input id="new-product-unit" type="text" value={d.unit.clone()} oninput={on(Field::Unit)} disabled={n.busy}
                    placeholder={t.unit_placeholder} />
                { field_error(&n.errors, "unit") }
            </div>
            <div class="form-field narrow">
                <label for="new-product-price">{ t.list_price }</label>
                <input id="new-product-price" type="text" inputmode="decimal" value={d.price.clone()}
                    oninput={on(Field::Price)} disabled={n.busy} placeholder="250,00" />
                { field_error(&n.errors, "price") }
            </div>
            <label class="check form-check">
                <input id="new-product-returnable" type="checkbox" checked={d.returnable}
                    onchange={on_flag(Field::Returnable)} disabled={n.busy} />
                { t.returnable }
            </label>
            <label class="check form-check">
                <input id="new-product-on-sale" type="checkbox" checked={d.on_sale}
                    onchange={on_flag(Field::OnSale)} disabled={n.busy} />
                { t.on_sale }
            </label>
            <div class="form-actions">
                <button id="new-product-save" type="submit" class="btn btn-primary" disabled={n.busy}>
                    { if n.busy { t.saving } else { t.create } }
                </button>
            </div>
            <div class="form-foot">{ other_errors(&n.errors, &placed) }</div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
