//! The clients' own rhythms (issue 23): the reorder list operators call
//! through before clients buy elsewhere, and the at-risk report of clients
//! silent past their own rhythm. The card carries each client's rhythm
//! (`ClientCard.rhythm`).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use rodnik_shared::api::RhythmItem;
use serde::Deserialize;

use super::extract::{ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::rhythm::RhythmList;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reorder", get(reorder))
        .route("/reports/at-risk", get(at_risk))
}

/// The longest page.
const MAX_PAGE: usize = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1 to 500; default 100.
    pub limit: Option<usize>,
    /// Clients to skip.
    pub offset: Option<usize>,
}

fn page(q: &PageQuery) -> Result<(usize, usize)> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let offset = q.offset.unwrap_or(0);
    if offset > 1_000_000 {
        return Err(Error::invalid("offset", "must be at most 1000000"));
    }
    Ok((limit, offset))
}

/// A page of `list` today.
async fn listed(
    state: &AppState,
    list: RhythmList,
    q: &PageQuery,
) -> Result<Json<Vec<RhythmItem>>> {
    let (limit, offset) = page(q)?;
    let today = state.cfg.today();
    Ok(Json(
        state.store.rhythm_list(list, today, limit, offset).await?,
    ))
}

#[utoipa::path(get, path = "/api/reorder", params(PageQuery),
    responses((status = 200, body = Vec<RhythmItem>, description = "clients whose expected next order is today or past, not yet at risk, with no order open and no standing order: the longest waiting first"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn reorder(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Vec<RhythmItem>>> {
    user.require_operator()?;
    listed(&state, RhythmList::Due, &q).await
}

#[utoipa::path(get, path = "/api/reports/at-risk", params(PageQuery),
    responses((status = 200, body = Vec<RhythmItem>, description = "clients silent past their own rhythm (at most 90 days past it), with no order open: the longest silent first"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn at_risk(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Vec<RhythmItem>>> {
    user.require_manager()?;
    listed(&state, RhythmList::AtRisk, &q).await
}

/// Writes every client's rhythm once for a database from before them (in
/// the background: at 100,000 clients it reads a year of delivery figures).
pub fn fill_in_background(state: &AppState) {
    let store = state.store.clone();
    tokio::spawn(async move {
        match store.fill_rhythms().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(clients = n, "the clients' rhythms were written (once)"),
            Err(e) => {
                tracing::warn!(error = %e, "writing the clients' rhythms failed; the next start tries again")
            }
        }
    });
}
