//! Clients: registration, the phone lookup behind the screen pop, search,
//! the client card, edits.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rodnik_shared::api::{
    AddressInput, ClientCard, ClientSummary, CreateClient, Lookup, PatchClient, Similar,
};
use rodnik_shared::validate;
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::clients::to_address;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clients", post(create_client).get(search_clients))
        .route("/clients/lookup", get(lookup))
        .route("/clients/similar", get(similar_clients))
        .route("/clients/{id}", get(get_client).patch(patch_client))
        .route("/clients/{id}/addresses", post(add_address))
}

#[utoipa::path(post, path = "/api/clients", request_body = CreateClient, responses((status = 201, body = ClientCard)))]
pub async fn create_client(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateClient>,
) -> Result<(StatusCode, Json<ClientCard>)> {
    user.require_operator()?;
    let valid = validate::client(&req, &state.cfg.phone_region)?;
    let client = state.store.create_client(valid).await?;
    Ok((
        StatusCode::CREATED,
        Json(ClientCard {
            client,
            active_orders: vec![],
            recent_orders: vec![],
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LookupQuery {
    pub phone: String,
}

#[utoipa::path(get, path = "/api/clients/lookup", params(LookupQuery), responses((status = 200, body = Lookup)))]
pub async fn lookup(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> Result<Json<Lookup>> {
    user.require_operator()?;
    let phone = validate::phone(&q.phone, &state.cfg.phone_region, "phone")?;
    let matches = state.store.cards_by_phone(&phone).await?;
    Ok(Json(Lookup {
        phone: phone.to_string(),
        matches,
    }))
}

/// Possible duplicates of a client being typed: clients with one of the
/// numbers, a name with the same words, or an address on the same street and
/// house. Lenient, as it runs while the operator types: numbers that do not
/// parse (yet) are skipped, and nothing given means no matches.
#[utoipa::path(get, path = "/api/clients/similar",
    params(
        ("phone" = Option<String>, Query, description = "one or more numbers, separated by commas; may repeat"),
        ("name" = Option<String>, Query, description = "the client's name as typed"),
        ("address" = Option<String>, Query, description = "an address as typed; may repeat"),
    ),
    responses((status = 200, body = Similar)))]
pub async fn similar_clients(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> Result<Json<Similar>> {
    user.require_operator()?;
    const MAX_VALUES: usize = 10;
    const MAX_LEN: usize = 500;
    let values = |key: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| v.len() <= MAX_LEN)
            .take(MAX_VALUES)
            .collect()
    };
    let mut phones: Vec<rodnik_shared::Phone> = values("phone")
        .into_iter()
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|p| validate::phone(p, &state.cfg.phone_region, "phone").ok())
        .take(MAX_VALUES)
        .collect();
    phones.dedup();
    let name = values("name").first().copied().unwrap_or_default();
    let addresses: Vec<String> = values("address").into_iter().map(str::to_string).collect();
    let matches = state
        .store
        .similar_clients(&phones, name, &addresses, 20)
        .await?;
    Ok(Json(Similar { matches }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/clients", params(SearchQuery), responses((status = 200, body = Vec<ClientSummary>)))]
pub async fn search_clients(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<ClientSummary>>> {
    user.require_operator()?;
    let q = q.q.unwrap_or_default();
    if q.trim().chars().count() < 2 {
        return Err(Error::invalid("q", "type at least 2 characters"));
    }
    Ok(Json(state.store.search_clients(&q, 50).await?))
}

#[utoipa::path(get, path = "/api/clients/{id}", responses((status = 200, body = ClientCard)))]
pub async fn get_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ClientCard>> {
    let mut c = state.store.require_card(&id).await?;
    if user.role().is_operator_or_up() {
        return Ok(Json(c));
    }
    // A courier sees a client only through their own stops, and only those stops.
    let mine = |o: &rodnik_shared::api::Order| {
        o.courier_id.as_deref() == Some(user.id()) && o.state.is_on_route()
    };
    c.active_orders.retain(mine);
    c.recent_orders.retain(mine);
    if c.active_orders.is_empty() && c.recent_orders.is_empty() {
        return Err(Error::not_found("client"));
    }
    Ok(Json(c))
}

#[utoipa::path(patch, path = "/api/clients/{id}", request_body = PatchClient, responses((status = 200, body = ClientCard)))]
pub async fn patch_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchClient>,
) -> Result<Json<ClientCard>> {
    user.require_operator()?;
    let region = state.cfg.phone_region.clone();
    // Applied to the client as stored; again to the fresh client if a
    // concurrent edit came first (the store's compare-and-set on its revision).
    state
        .store
        .edit_client(&id, |mut c| {
            if let Some(kind) = req.kind {
                c.kind = kind;
            }
            if let Some(name) = &req.name {
                c.name = validate::required_text(name, "name")?;
            }
            if let Some(phones) = &req.phones {
                c.phones = validate::phones(phones, &region)?;
            }
            if let Some(addresses) = &req.addresses {
                if addresses.is_empty() {
                    return Err(Error::invalid(
                        "addresses",
                        "at least one address is required",
                    ));
                }
                validate::at_most(addresses, validate::MAX_ADDRESSES, "addresses")?;
                let mut next = Vec::with_capacity(addresses.len());
                for (i, a) in addresses.iter().enumerate() {
                    let valid = validate::address(&a.address, &region, &format!("addresses[{i}]"))?;
                    if let Some(aid) = &a.id {
                        if !c.addresses.iter().any(|x| &x.id == aid) {
                            return Err(Error::invalid(
                                format!("addresses[{i}].id"),
                                "no such address of this client",
                            ));
                        }
                    }
                    next.push(to_address(valid, a.id.clone()));
                }
                c.addresses = next;
            }
            if let Some(inn) = &req.inn {
                c.inn = validate::inn(inn.as_deref())?;
            }
            if let Some(note) = &req.note {
                c.note = validate::optional_text(note.as_deref(), "note")?;
            }
            Ok(c)
        })
        .await?;
    Ok(Json(state.store.require_card(&id).await?))
}

#[utoipa::path(post, path = "/api/clients/{id}/addresses", request_body = AddressInput, responses((status = 201, body = ClientCard)))]
pub async fn add_address(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AddressInput>,
) -> Result<(StatusCode, Json<ClientCard>)> {
    user.require_operator()?;
    let valid = validate::address(&req, &state.cfg.phone_region, "address")?;
    let client = state.store.require_client(&id).await?;
    if client.addresses.len() >= validate::MAX_ADDRESSES {
        return Err(Error::invalid(
            "address",
            format!("a client has at most {} addresses", validate::MAX_ADDRESSES),
        ));
    }
    state
        .store
        .add_client_address(&id, &to_address(valid, None))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.require_card(&id).await?),
    ))
}
