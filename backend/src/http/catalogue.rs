//! The price list and clients' contract prices.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use rodnik_shared::api::{ContractPrices, CreateProduct, PatchProduct, ProductEntry, PutPrices};
use rodnik_shared::validate::required_text;
use rodnik_shared::Money;
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::catalogue::{NewProduct, ProductChange};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", post(create_product).get(list_products))
        .route("/products/{id}", patch(patch_product))
        .route("/clients/{id}/prices", put(put_prices).get(get_prices))
}

#[utoipa::path(post, path = "/api/products", request_body = CreateProduct,
    responses((status = 201, body = ProductEntry), (status = 409, body = rodnik_shared::api::ErrorBody, description = "`sku_taken`")))]
pub async fn create_product(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateProduct>,
) -> Result<(StatusCode, Json<ProductEntry>)> {
    user.require_manager()?;
    let p = NewProduct {
        sku: sku(&req.sku)?,
        name: required_text(&req.name, "name")?,
        kind: req.kind,
        unit: unit(&req.unit)?,
        price: Money::parse_price(req.price, "price")?,
        returnable: req.returnable,
    };
    let on_sale = req.on_sale.unwrap_or(true);
    let created = state.store.create_product_entry(p, on_sale).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProductsQuery {
    /// `true` lists the products off sale too.
    pub all: Option<bool>,
}

#[utoipa::path(get, path = "/api/products", params(ProductsQuery),
    responses((status = 200, body = Vec<ProductEntry>, description = "the products on sale, or with `all=true` every product")))]
pub async fn list_products(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(q): ApiQuery<ProductsQuery>,
) -> Result<Json<Vec<ProductEntry>>> {
    let all = q.all.unwrap_or(false);
    Ok(Json(state.store.product_entries(all).await?))
}

#[utoipa::path(patch, path = "/api/products/{id}", request_body = PatchProduct,
    params(("id" = String, Path, description = "the product's id")),
    responses((status = 200, body = ProductEntry),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins and managers only"),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`sku_taken`"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn patch_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchProduct>,
) -> Result<Json<ProductEntry>> {
    user.require_manager()?;
    let change = ProductChange {
        sku: req.sku.as_deref().map(sku).transpose()?,
        name: req
            .name
            .as_deref()
            .map(|n| required_text(n, "name"))
            .transpose()?,
        kind: req.kind,
        unit: req.unit.as_deref().map(unit).transpose()?,
        price: req
            .price
            .map(|p| Money::parse_price(p, "price"))
            .transpose()?,
        returnable: req.returnable,
        on_sale: req.on_sale,
    };
    let updated = state.store.update_product(&id, &change).await?;
    tracing::info!(by = %user.0.username, sku = %updated.product.sku,
        price = updated.product.price.0, on_sale = updated.on_sale, "product changed");
    Ok(Json(updated))
}

/// A SKU: one word of at most 64 characters.
fn sku(raw: &str) -> Result<String> {
    let v = required_text(raw, "sku")?;
    if v.chars().count() > 64 || v.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "sku",
            "must be one word of at most 64 characters",
        ));
    }
    Ok(v)
}

/// A unit of measure (`bottle`, `pc`, `шт`): at most 32 characters.
fn unit(raw: &str) -> Result<String> {
    let v = required_text(raw, "unit")?;
    if v.chars().count() > 32 {
        return Err(Error::invalid("unit", "must be at most 32 characters"));
    }
    Ok(v)
}

#[utoipa::path(put, path = "/api/clients/{id}/prices", request_body = PutPrices, responses((status = 200, body = ContractPrices)))]
pub async fn put_prices(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PutPrices>,
) -> Result<Json<ContractPrices>> {
    user.require_manager()?;
    state.store.require_client(&id).await?;
    let products = state.store.list_products().await?;
    let mut prices = HashMap::new();
    for (i, p) in req.prices.iter().enumerate() {
        if !products.iter().any(|x| x.id == p.product_id) {
            return Err(Error::invalid(
                format!("prices[{i}].product_id"),
                "no such product",
            ));
        }
        let price = Money::parse_price(p.price, &format!("prices[{i}].price"))?;
        if prices.insert(p.product_id.clone(), price).is_some() {
            return Err(Error::invalid(
                format!("prices[{i}].product_id"),
                "the product is listed twice",
            ));
        }
    }
    state.store.set_contract_prices(&id, &prices).await?;
    Ok(Json(state.store.contract_price_list(&id).await?))
}

#[utoipa::path(get, path = "/api/clients/{id}/prices",
    responses((status = 200, body = ContractPrices, description = "operators and up; a courier only for a client of their own stops"),
        (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_prices(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ContractPrices>> {
    if user.role().is_operator_or_up() {
        state.store.require_client(&id).await?;
    } else {
        // A courier prices what a client of their stops takes at the door.
        super::clients::courier_view(state.store.require_card(&id).await?, &user)?;
    }
    Ok(Json(state.store.contract_price_list(&id).await?))
}
