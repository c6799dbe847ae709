//! Clients: registration, the phone lookup behind the screen pop, search,
//! the client card, edits.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rodnik_shared::api::{
    ClientCard, ClientHistory, ClientNote, ClientSummary, CreateClient, CreateNote, EditAddress,
    Lookup, NewAddress, PatchClient, Similar,
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
        .route("/clients/{id}/addresses/{address_id}", put(edit_address))
        .route(
            "/clients/{id}/addresses/{address_id}/geocode",
            post(geocode_address),
        )
        .route("/clients/{id}/notes", post(add_note).get(list_notes))
        .route("/clients/{id}/history", get(history))
        .route("/clients/{id}/bottles", get(bottles).post(move_bottles))
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
    place_addresses(&state, &client);
    Ok((
        StatusCode::CREATED,
        Json(ClientCard {
            client,
            active_orders: vec![],
            recent_orders: vec![],
            account: Default::default(),
            rhythm: None,
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
    let c = state.store.require_card(&id).await?;
    if user.role().is_operator_or_up() {
        return Ok(Json(c));
    }
    Ok(Json(courier_view(c, &user)?))
}

/// A courier sees a client only through their own stops, and only those
/// stops; a client with none is not found.
pub(super) fn courier_view(mut c: ClientCard, user: &CurrentUser) -> Result<ClientCard> {
    let mine = |o: &rodnik_shared::api::Order| {
        o.courier_id.as_deref() == Some(user.id()) && o.state.is_on_route()
    };
    c.active_orders.retain(mine);
    c.recent_orders.retain(mine);
    if c.active_orders.is_empty() && c.recent_orders.is_empty() {
        return Err(Error::not_found("client"));
    }
    Ok(c)
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
    // concurrent edit came first (unless the operator named the version).
    state
        .store
        .edit_client(&id, req.version, |mut c| {
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
                validate::at_most(addresses, validate::MAX_ADDRESSES, "addresses")?;
                let mut next = Vec::with_capacity(addresses.len());
                for (i, a) in addresses.iter().enumerate() {
                    let valid = validate::address(&a.address, &region, &format!("addresses[{i}]"))?;
                    let kept = match &a.id {
                        Some(aid) => {
                            Some(c.addresses.iter().find(|x| &x.id == aid).ok_or_else(|| {
                                Error::invalid(
                                    format!("addresses[{i}].id"),
                                    "no such address of this client",
                                )
                            })?)
                        }
                        None => None,
                    };
                    let mut address = to_address(valid, a.id.clone());
                    address.retired = kept.is_some_and(|k| k.retired);
                    address.carry_point(kept, &chrono::Utc::now().to_rfc3339());
                    next.push(address);
                }
                c.addresses = next;
            }
            if let Some(inn) = &req.inn {
                c.inn = validate::inn(inn.as_deref())?;
            }
            if let Some(note) = &req.note {
                c.note = validate::optional_text(note.as_deref(), "note")?;
            }
            if let Some(r) = &req.requisites {
                c.requisites = validate::requisites(r.as_ref())?;
            }
            keeps_an_address(&c, "addresses")?;
            Ok(c)
        })
        .await
        .map(|c| place_addresses(&state, &c))?;
    Ok(Json(state.store.require_card(&id).await?))
}

/// Addresses without a point are placed by the geocoder in the background.
fn place_addresses(state: &AppState, c: &rodnik_shared::api::ClientSummary) {
    if c.active_addresses().any(|a| !a.located()) {
        crate::geo::locate_client(state.store.clone(), c.id.clone());
    }
}

/// Finds the address with the geocoder and puts a house-level point on it
/// (never over one set by hand); a rougher answer is returned for the map
/// to start from. 409 `geocoder_off`, 409 `not_located`, 502 when the
/// geocoder failed.
#[utoipa::path(post, path = "/api/clients/{id}/addresses/{address_id}/geocode",
    responses((status = 200, body = rodnik_shared::api::Geocoded),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody),
              (status = 502, body = rodnik_shared::api::ErrorBody)))]
pub async fn geocode_address(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, address_id)): Path<(String, String)>,
) -> Result<Json<rodnik_shared::api::Geocoded>> {
    user.require_operator()?;
    Ok(Json(
        crate::geo::geocode_address(&state.store, &id, &address_id).await?,
    ))
}

/// A client keeps at least one address in use: orders need one.
fn keeps_an_address(c: &ClientSummary, field: &str) -> Result<()> {
    match c.active_addresses().next() {
        Some(_) => Ok(()),
        None => Err(Error::invalid(
            field,
            "at least one address in use is required",
        )),
    }
}

#[utoipa::path(post, path = "/api/clients/{id}/addresses", request_body = NewAddress, responses((status = 201, body = ClientCard)))]
pub async fn add_address(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewAddress>,
) -> Result<(StatusCode, Json<ClientCard>)> {
    user.require_operator()?;
    let valid = validate::address(&req.address, &state.cfg.phone_region, "address")?;
    let address = to_address(valid, None);
    // Addresses added at the same time are all kept: each is appended to the
    // client as it is then (compare-and-set, again on a race).
    state
        .store
        .edit_client(&id, req.version, |mut c| {
            if c.addresses.len() >= validate::MAX_ADDRESSES {
                return Err(Error::invalid(
                    "address",
                    format!("a client has at most {} addresses", validate::MAX_ADDRESSES),
                ));
            }
            c.addresses.push(address.clone());
            Ok(c)
        })
        .await
        .map(|c| place_addresses(&state, &c))?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.require_card(&id).await?),
    ))
}

/// Edits one address (every field as sent) or retires it / brings it back.
/// A retired address stays on the orders that name it and is not offered
/// for new ones; the client keeps at least one address in use.
#[utoipa::path(put, path = "/api/clients/{id}/addresses/{address_id}", request_body = EditAddress, responses((status = 200, body = ClientCard)))]
pub async fn edit_address(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, address_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<EditAddress>,
) -> Result<Json<ClientCard>> {
    user.require_operator()?;
    let valid = validate::address(&req.address, &state.cfg.phone_region, "address")?;
    let mut address = to_address(valid, Some(address_id.clone()));
    address.retired = req.retired;
    state
        .store
        .edit_client(&id, req.version, |mut c| {
            let slot = c
                .addresses
                .iter_mut()
                .find(|a| a.id == address_id)
                .ok_or_else(|| Error::not_found("address"))?;
            let mut next = address.clone();
            next.carry_point(Some(&*slot), &chrono::Utc::now().to_rfc3339());
            *slot = next;
            keeps_an_address(&c, "retired")?;
            Ok(c)
        })
        .await
        .map(|c| place_addresses(&state, &c))?;
    Ok(Json(state.store.require_card(&id).await?))
}

#[utoipa::path(post, path = "/api/clients/{id}/notes", request_body = CreateNote, responses((status = 201, body = ClientNote)))]
pub async fn add_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CreateNote>,
) -> Result<(StatusCode, Json<ClientNote>)> {
    user.require_operator()?;
    let text = validate::required_text(&req.text, "text")?;
    state.store.require_client(&id).await?;
    let note = ClientNote {
        id: crate::store::new_key(),
        client_id: id,
        text,
        by: user.id().to_string(),
        by_name: user.name().to_string(),
        at: chrono::Utc::now().to_rfc3339(),
    };
    state.store.add_client_note(&note).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The client's notes, newest first (at most 200).
#[utoipa::path(get, path = "/api/clients/{id}/notes", responses((status = 200, body = Vec<ClientNote>)))]
pub async fn list_notes(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<ClientNote>>> {
    user.require_operator()?;
    state.store.require_client(&id).await?;
    Ok(Json(state.store.client_notes(&id, 200).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HistoryQuery {
    /// Only orders in this state (`new`, `delivery`, `delivered`, `cancelled`).
    pub state: Option<String>,
    /// The `next_before` of the previous page (an order number).
    pub before: Option<i64>,
    /// Orders per page, 1 to 100 (default 20).
    pub limit: Option<usize>,
}

/// The client's history: a page of orders (newest first), the latest 50
/// calls with the operator and talk time, the latest 50 notes.
#[utoipa::path(get, path = "/api/clients/{id}/history", params(HistoryQuery), responses((status = 200, body = ClientHistory)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<ClientHistory>> {
    user.require_operator()?;
    let order_state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse::<rodnik_shared::OrderState>()
                .map_err(|_| Error::invalid("state", "not an order state"))?,
        ),
    };
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 100"));
    }
    state.store.require_client(&id).await?;
    Ok(Json(
        state
            .store
            .client_history(&id, order_state, q.before, limit)
            .await?,
    ))
}

/// A page of a ledger (bottles, account), newest first.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MovesQuery {
    /// The `next_before` of the previous page.
    pub before: Option<String>,
    /// Moves per page, 1 to 200 (default 50).
    pub limit: Option<usize>,
}

impl MovesQuery {
    /// The page size and the cursor (`at|id` as `next_before` gives it), checked.
    pub fn page(&self) -> Result<(usize, Option<(&str, &str)>)> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(Error::invalid("limit", "must be between 1 and 200"));
        }
        let before = match self
            .before
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(b) => Some(
                b.split_once('|')
                    .filter(|(at, id)| {
                        chrono::DateTime::parse_from_rfc3339(at).is_ok()
                            && !id.is_empty()
                            && id.len() <= 64
                            && id.chars().all(|c| c.is_ascii_alphanumeric())
                    })
                    .ok_or_else(|| Error::invalid("before", "must be a page's next_before"))?,
            ),
            None => None,
        };
        Ok((limit, before))
    }
}

/// The client's bottle balance and ledger, newest first (issue 19).
#[utoipa::path(get, path = "/api/clients/{id}/bottles", params(MovesQuery),
    responses((status = 200, body = rodnik_shared::api::ClientBottles),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn bottles(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<MovesQuery>,
) -> Result<Json<rodnik_shared::api::ClientBottles>> {
    user.require_operator()?;
    let (limit, before) = q.page()?;
    let client = state.store.require_client(&id).await?;
    let mut answer = state.store.client_bottles(&id, before, limit).await?;
    answer.free = state.store.bottle_settings().await?.free_for(client.kind);
    Ok(Json(answer))
}

/// A manager corrects a client's bottle count (`adjusted`, with the
/// difference) or writes bottles off (`written_off`); the reason is kept.
#[utoipa::path(post, path = "/api/clients/{id}/bottles", request_body = rodnik_shared::api::NewBottleMove,
    responses((status = 201, body = rodnik_shared::api::BottleMove),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn move_bottles(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<rodnik_shared::api::NewBottleMove>,
) -> Result<(StatusCode, Json<rodnik_shared::api::BottleMove>)> {
    user.require_manager()?;
    let row = crate::store::bottles::manual_move(
        &id,
        req.kind,
        req.qty,
        &req.reason,
        (user.id(), user.name()),
        &chrono::Utc::now().to_rfc3339(),
    )?;
    state.store.require_client(&id).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.add_bottle_move(&row).await?),
    ))
}
