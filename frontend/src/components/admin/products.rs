//! The price list (admin, manager): every product with inline editing of its
//! fields, list price in roubles, returnable and on-sale flags; changed rows
//! are saved one by one or all at once; and the form that adds a product.

use rodnik_shared::api::ProductEntry;
use rodnik_shared::ProductKind;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::{use_loader, AdminTable, PanelBar};
use super::{checked, errors_from, field_error, input_value, other_errors, select_value};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::admin::{product_kind_label, texts};
use crate::i18n::Lang;
pub use crate::state::admin::products::*;
use crate::state::use_app;

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
