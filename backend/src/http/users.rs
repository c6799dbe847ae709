//! Health, login and logout, the current user, and user administration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use rodnik_shared::api::{CreateUser, Health, LoginRequest, LoginResponse, Me, PatchUser, User};
use rodnik_shared::validate::{self, phone, required_text};
use rodnik_shared::Role;
use serde::Deserialize;

use super::extract::{bearer, ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::auth;
use crate::error::{Error, Result};
use crate::store::users::{NewUser, UserChange};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/users", post(create_user).get(list_users))
        .route("/users/{id}", patch(patch_user))
        .route("/users/{id}/sessions", get(list_sessions))
        .route("/users/{id}/sessions/{session}/end", post(end_session))
}

/// An admin sees a user's signed-in sessions (never their tokens).
#[utoipa::path(get, path = "/api/users/{id}/sessions",
    responses((status = 200, body = Vec<crate::store::users::SessionInfo>),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<crate::store::users::SessionInfo>>> {
    user.require_admin()?;
    state
        .store
        .get_user(&id)
        .await?
        .ok_or_else(|| Error::not_found("user"))?;
    Ok(Json(state.store.user_sessions(&id).await?))
}

/// An admin ends one session of a user: its token stops working and its live
/// socket closes within a second.
#[utoipa::path(post, path = "/api/users/{id}/sessions/{session}/end",
    responses((status = 204), (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn end_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, session)): Path<(String, String)>,
) -> Result<StatusCode> {
    user.require_admin()?;
    if session.len() > 64 || !state.store.end_user_session(&id, &session).await? {
        return Err(Error::not_found("session"));
    }
    state.hub.sessions_ended();
    tracing::info!(by = %user.0.username, user = %id, "session ended by an admin");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(post, path = "/api/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = rodnik_shared::api::ErrorBody),
        (status = 429, description = "too many failed logins for this username or address; wait `Retry-After` seconds",
         body = rodnik_shared::api::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let username = req.username.trim();
    if username.chars().count() > 100 || req.password.chars().count() > 256 {
        return Err(Error::Unauthorized);
    }
    let addr =
        super::extract::client_address(peer.map(|p| p.0 .0), &headers, &state.cfg.trusted_proxies);
    state
        .logins
        .check(username, addr)
        .map_err(Error::TooManyAttempts)?;
    let found = state.store.user_for_login(username).await?;
    // An unknown user costs a real check too, so usernames cannot be probed.
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let ok = auth::verify(&req.password, hash).await?;
    // A deactivated user gets the same answer as a wrong password.
    let Some(user) = user.filter(|u| ok && u.active) else {
        state.logins.failed(username, addr);
        tracing::info!(username, ?addr, "login refused");
        return Err(Error::Unauthorized);
    };
    state.logins.succeeded(username);
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
        state.hub.sessions_ended();
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The user, with today's date and the zone the company's dates are in.
#[utoipa::path(get, path = "/api/me", responses((status = 200, body = Me)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> Json<Me> {
    Json(Me {
        user: user.0,
        today: state.cfg.today().to_string(),
        time_zone: state.cfg.tz.name().to_string(),
    })
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
    check_password(&req.password)?;
    let name = required_text(&req.name, "name")?;
    let phone = optional_phone(&state, req.phone.as_deref())?;
    let extension = extension(req.extension.as_deref())?;
    let password_hash = hash(&req.password).await?;
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
    /// `true` only active users, `false` only deactivated ones. Without it, a
    /// `role` lists that role's active users (pickers) and no `role` lists
    /// every user (administration). Operators and managers always get active couriers.
    pub active: Option<bool>,
}

#[utoipa::path(get, path = "/api/users", params(UsersQuery), responses((status = 200, body = Vec<User>)))]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> Result<Json<Vec<User>>> {
    let active = match (user.role(), q.role) {
        (Role::Admin, role) => q.active.or(role.map(|_| true)),
        (r, Some(Role::Courier)) if r.is_operator_or_up() => Some(true),
        _ => {
            return Err(Error::forbidden(
                "only admins list users; operators may list couriers",
            ))
        }
    };
    Ok(Json(state.store.find_users(q.role, active).await?))
}

#[utoipa::path(patch, path = "/api/users/{id}", request_body = PatchUser,
    params(("id" = String, Path, description = "the user's id")),
    responses((status = 200, body = User),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins only"),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody,
            description = "a bad field, an extension another active user has, or the last active admin demoted or deactivated")))]
pub async fn patch_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<PatchUser>,
) -> Result<Json<User>> {
    user.require_admin()?;
    let current = state
        .store
        .get_user(&id)
        .await?
        .ok_or_else(|| Error::not_found("user"))?;
    let mut change = UserChange {
        name: req
            .name
            .as_deref()
            .map(|n| required_text(n, "name"))
            .transpose()?,
        role: req.role.filter(|r| *r != current.role),
        active: req.active.filter(|a| *a != current.active),
        ..UserChange::default()
    };
    if let Some(p) = &req.phone {
        change.phone = Some(optional_phone(&state, p.as_deref())?);
    }
    if let Some(x) = &req.extension {
        change.extension = Some(extension(x.as_deref())?);
    }
    if let Some(password) = &req.password {
        check_password(password)?;
        change.password_hash = Some(hash(password).await?);
    }
    // A new role or a deactivation ends every session (an open live channel
    // too, at once); a new password ends the others.
    if change.role.is_some() || change.active == Some(false) {
        change.end_sessions = Some(None);
    } else if change.password_hash.is_some() {
        let own = (id == user.id())
            .then(|| bearer(&headers).map(auth::token_hash))
            .flatten();
        change.end_sessions = Some(own);
    }
    if change.is_empty() {
        return Ok(Json(current));
    }
    let updated = state.store.update_user(&id, &change).await?;
    if change.end_sessions.is_some() {
        // Open live sockets of the ended sessions close now, not at a ping.
        state.hub.sessions_ended();
    }
    let fields: Vec<&str> = [
        ("name", change.name.is_some()),
        ("role", change.role.is_some()),
        ("phone", change.phone.is_some()),
        ("extension", change.extension.is_some()),
        ("active", change.active.is_some()),
        ("password", change.password_hash.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, on)| on.then_some(f))
    .collect();
    tracing::info!(by = %user.0.username, user = %updated.username, ?fields, "user changed");
    Ok(Json(updated))
}

fn check_password(password: &str) -> Result<()> {
    auth::check_password(password)
}

/// argon2 off the async threads, on the bounded pool.
async fn hash(password: &str) -> Result<String> {
    auth::hash(password).await
}

fn optional_phone(state: &AppState, raw: Option<&str>) -> Result<Option<rodnik_shared::Phone>> {
    Ok(match raw.map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(phone(p, &state.cfg.phone_region, "phone")?),
    })
}

fn extension(raw: Option<&str>) -> Result<Option<String>> {
    Ok(validate::extension(raw, "extension")?)
}

#[cfg(test)]
mod tests {
    use crate::http::extract::client_address;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn a_login_comes_from_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        let at = |ip: &str| Some(format!("{ip}:50000").parse().expect("addr"));
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        // A client on the internet cannot pick its own address.
        assert_eq!(
            client_address(at("198.51.100.9"), &h, &[]),
            Some(ip("198.51.100.9"))
        );
        // A proxy on this machine, or a listed one, names the client (its last hop).
        assert_eq!(
            client_address(at("127.0.0.1"), &h, &[]),
            Some(ip("203.0.113.7"))
        );
        let proxy = ip("10.0.0.5");
        assert_eq!(
            client_address(at("10.0.0.5"), &h, &[proxy]),
            Some(ip("203.0.113.7"))
        );
        assert_eq!(
            client_address(at("10.0.0.6"), &h, &[proxy]),
            Some(ip("10.0.0.6"))
        );
        // Without the header, the proxy itself.
        assert_eq!(
            client_address(at("10.0.0.5"), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
    }
}
