//! The price list and clients' contract prices.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::{Json, Router};
use rodnik_shared::api::{ContractPrices, CreateProduct, Product, PutPrices};
use rodnik_shared::validate::required_text;
use rodnik_shared::Money;

use super::extract::{ApiJson, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::catalogue::NewProduct;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", post(create_product).get(list_products))
        .route("/clients/{id}/prices", put(put_prices).get(get_prices))
}

#[utoipa::path(post, path = "/api/products", request_body = CreateProduct, responses((status = 201, body = Product)))]
pub async fn create_product(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateProduct>,
) -> Result<(StatusCode, Json<Product>)> {
    user.require_manager()?;
    let p = NewProduct {
        sku: required_text(&req.sku, "sku")?,
        name: required_text(&req.name, "name")?,
        kind: req.kind,
        unit: required_text(&req.unit, "unit")?,
        price: Money::parse_price(req.price, "price")?,
        returnable: req.returnable,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_product(p).await?),
    ))
}

#[utoipa::path(get, path = "/api/products", responses((status = 200, body = Vec<Product>)))]
pub async fn list_products(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Vec<Product>>> {
    Ok(Json(state.store.list_products().await?))
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

#[utoipa::path(get, path = "/api/clients/{id}/prices", responses((status = 200, body = ContractPrices)))]
pub async fn get_prices(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ContractPrices>> {
    user.require_operator()?;
    state.store.require_client(&id).await?;
    Ok(Json(state.store.contract_price_list(&id).await?))
}
