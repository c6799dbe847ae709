//! Health, login and logout, the current user, and user administration.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rodnik_shared::api::{CreateUser, Health, LoginRequest, LoginResponse, User};
use rodnik_shared::validate::{optional_text, phone, required_text};
use rodnik_shared::Role;
use serde::Deserialize;

use super::extract::{bearer, ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::auth;
use crate::error::{Error, Result};
use crate::store::users::NewUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/users", post(create_user).get(list_users))
}

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(post, path = "/api/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = rodnik_shared::api::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let found = state.store.user_for_login(req.username.trim()).await?;
    let Some((user, hash)) = found else {
        // Spend the same time as a real check, so usernames cannot be probed.
        let _ = auth::verify_password(&req.password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8");
        return Err(Error::Unauthorized);
    };
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    if !ok {
        return Err(Error::Unauthorized);
    }
    let token = auth::new_token();
    state
        .store
        .create_session(&auth::token_hash(&token), &user.id)
        .await?;
    tracing::info!(user = %user.username, "logged in");
    Ok(Json(LoginResponse { token, user }))
}

#[utoipa::path(post, path = "/api/auth/logout", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    _user: CurrentUser,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode> {
    if let Some(token) = bearer(&headers) {
        state.store.delete_session(&auth::token_hash(token)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/me", responses((status = 200, body = User)))]
pub async fn me(user: CurrentUser) -> Json<User> {
    Json(user.0)
}

#[utoipa::path(post, path = "/api/users", request_body = CreateUser, responses((status = 201, body = User)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<User>)> {
    user.require_admin()?;
    let username = required_text(&req.username, "username")?;
    if username.chars().any(char::is_whitespace) || username.len() > 64 {
        return Err(Error::invalid(
            "username",
            "must be one word of at most 64 characters",
        ));
    }
    if req.password.chars().count() < 8 {
        return Err(Error::invalid("password", "must be at least 8 characters"));
    }
    let name = required_text(&req.name, "name")?;
    let phone = match req.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(phone(p, &state.cfg.phone_region, "phone")?),
    };
    let extension = optional_text(req.extension.as_deref(), "extension")?;
    let password = req.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let created = state
        .store
        .create_user(NewUser {
            username,
            name,
            role: req.role,
            phone,
            extension,
            password_hash,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UsersQuery {
    pub role: Option<Role>,
}

#[utoipa::path(get, path = "/api/users", params(UsersQuery), responses((status = 200, body = Vec<User>)))]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> Result<Json<Vec<User>>> {
    match (user.role(), q.role) {
        (Role::Admin, _) => {}
        (r, Some(Role::Courier)) if r.is_operator_or_up() => {}
        _ => {
            return Err(Error::forbidden(
                "only admins list users; operators may list couriers",
            ))
        }
    }
    Ok(Json(state.store.list_users(q.role).await?))
}
