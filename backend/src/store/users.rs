//! Users and their login sessions. Sessions are stored by the SHA-256 of
//! the bearer token, so a leaked database holds no usable token.

use rodnik_shared::api::User;
use rodnik_shared::{Phone, Role};
use serde_json::{json, Map, Value};

use super::{decode, decode_all, new_key, rid, strip_nulls, Store};
use crate::error::{Error, Result};

pub use crate::config::SessionLimits;

/// How long a session looked up stays trusted in this process without
/// asking the database again. Every request names its session, and two reads
/// per request were a third of a phone lookup. A logout or user change made
/// through this process takes effect at once (the entry is dropped); one made
/// through another node of a cluster, within this time.
pub const SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// Entries above which the cache is emptied (a bound, not a working size).
const SESSION_CACHE_MAX: usize = 10_000;

/// A signed-in session as an admin sees it (never its token).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// An opaque id of the session (not its token).
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
}

/// A session's `last_seen` is written at most this often.
const TOUCH_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

pub(super) type SessionCache =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (User, std::time::Instant)>>>;

pub struct NewUser {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub phone: Option<Phone>,
    pub extension: Option<String>,
    pub password_hash: String,
}

/// The fields `update_user` changes; `None` leaves a field alone.
#[derive(Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` clears.
    pub phone: Option<Option<Phone>>,
    /// `Some(None)` clears.
    pub extension: Option<Option<String>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    /// End the user's sessions, all but the one with this token hash when
    /// given (an admin who resets their own password stays logged in).
    pub end_sessions: Option<Option<String>>,
}

impl UserChange {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.role.is_none()
            && self.phone.is_none()
            && self.extension.is_none()
            && self.active.is_none()
            && self.password_hash.is_none()
            && self.end_sessions.is_none()
    }
}

pub(super) const USER_FIELDS: &str = "id, username, name, role, phone, extension, active";

/// Every user creation and change writes this record first, so two of them at
/// the same time conflict (and one is retried) instead of both passing a check
/// that only one of them may pass (the last admin, a free extension).
const GUARD: &str = "UPSERT counters:user_edits SET n = (n ?? 0) + 1;";

/// Fails when `$rid` and another active user who takes calls (operators and
/// up: the extension routes the screen pop) share an extension. Couriers
/// never get calls, so theirs clashes with nobody's.
const EXTENSION_CHECK: &str = "LET $me = (SELECT extension, active, role FROM ONLY $rid);
     IF $me.active = true AND $me.extension != NONE AND $me.role != 'courier'
        AND count(SELECT id FROM users WHERE extension = $me.extension AND active = true
                  AND role != 'courier' AND id != $rid) > 0
     { THROW 'extension_taken' };";

/// Fails when no active admin would be left.
const ADMIN_CHECK: &str =
    "IF count(SELECT id FROM users WHERE role = 'admin' AND active = true) = 0
     { THROW 'last_admin' };";

impl Store {
    pub async fn create_user(&self, u: NewUser) -> Result<User> {
        let key = new_key();
        let extension = u.extension.clone();
        let doc = strip_nulls(json!({
            "username": u.username,
            "name": u.name,
            "role": u.role,
            "phone": u.phone,
            "extension": u.extension,
            "password_hash": u.password_hash,
            "active": true,
            "created_at": chrono::Utc::now().to_rfc3339(),
        }));
        let sql = format!(
            "BEGIN TRANSACTION;
             {GUARD}
             CREATE $rid CONTENT $doc;
             {EXTENSION_CHECK}
             COMMIT TRANSACTION;"
        );
        let written = self
            .retrying(|| async {
                self.run_with(
                    &sql,
                    json!({ "doc": doc }),
                    vec![("rid", rid("users", &key))],
                )
                .await
            })
            .await;
        if let Err(e) = written {
            return Err(match e {
                Error::Conflict {
                    code: "duplicate", ..
                } => Error::conflict("username_taken", "that username is already taken"),
                other => self.explain(other, &key, extension.as_deref(), None).await,
            });
        }
        self.get_user(&key)
            .await?
            .ok_or_else(|| Error::Internal("user not created".into()))
    }

    /// Changes a user in one transaction that also keeps the rules: an
    /// extension belongs to one active user, and one active admin is left.
    pub async fn update_user(&self, id: &str, c: &UserChange) -> Result<User> {
        let mut set = Map::new();
        let mut unset = Vec::new();
        if let Some(name) = &c.name {
            set.insert("name".into(), json!(name));
        }
        if let Some(role) = c.role {
            set.insert("role".into(), json!(role));
        }
        match &c.phone {
            Some(Some(p)) => {
                set.insert("phone".into(), json!(p));
            }
            Some(None) => unset.push("phone"),
            None => {}
        }
        match &c.extension {
            Some(Some(e)) => {
                set.insert("extension".into(), json!(e));
            }
            Some(None) => unset.push("extension"),
            None => {}
        }
        if let Some(active) = c.active {
            set.insert("active".into(), json!(active));
        }
        if let Some(hash) = &c.password_hash {
            set.insert("password_hash".into(), json!(hash));
        }
        // MERGE never removes a field, so a cleared optional one is unset explicitly.
        let unset = if unset.is_empty() {
            String::new()
        } else {
            format!("UPDATE $rid UNSET {};", unset.join(", "))
        };
        let admins = if c.role.is_some() || c.active == Some(false) {
            ADMIN_CHECK
        } else {
            ""
        };
        let mut ids = vec![("rid", rid("users", id))];
        let sessions = match &c.end_sessions {
            None => "",
            Some(None) => "DELETE sessions WHERE user_id = $uid;",
            Some(Some(keep)) => {
                ids.push(("keep", rid("sessions", keep)));
                "DELETE sessions WHERE user_id = $uid AND id != $keep;"
            }
        };
        let sql = format!(
            "BEGIN TRANSACTION;
             {GUARD}
             LET $changed = (UPDATE $rid MERGE $set RETURN id);
             IF array::len($changed) = 0 {{ THROW 'user_not_found' }};
             {unset}
             {admins}
             {EXTENSION_CHECK}
             {sessions}
             COMMIT TRANSACTION;"
        );
        let vars = json!({ "set": Value::Object(set), "uid": id });
        let written = self
            .retrying(|| async { self.run_with(&sql, vars.clone(), ids.clone()).await })
            .await;
        if let Err(e) = written {
            let extension = c.extension.clone().flatten();
            return Err(self.explain(e, id, extension.as_deref(), c.active).await);
        }
        // Role, activity or sessions may have changed: ask the database again.
        self.forget_sessions(None);
        self.get_user(id)
            .await?
            .ok_or_else(|| Error::not_found("user"))
    }

    /// The API error for a rule a user write broke.
    async fn explain(
        &self,
        e: Error,
        id: &str,
        extension: Option<&str>,
        active: Option<bool>,
    ) -> Error {
        let Error::Db(message) = &e else { return e };
        if message.contains("user_not_found") {
            Error::not_found("user")
        } else if message.contains("last_admin") {
            let field = if active == Some(false) {
                "active"
            } else {
                "role"
            };
            Error::invalid(
                field,
                "this is the last active admin: make another user an admin first",
            )
        } else if message.contains("extension_taken") {
            let ext = match extension {
                Some(x) => Some(x.to_string()),
                None => self
                    .get_user(id)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|u| u.extension),
            };
            let holder = match &ext {
                Some(x) => self.users_with_extension(x).await.ok().and_then(|us| {
                    us.into_iter()
                        .find(|u| u.id != id && u.role != Role::Courier)
                }),
                None => None,
            };
            Error::invalid(
                "extension",
                match (ext, holder) {
                    (Some(x), Some(u)) => format!(
                        "extension {x} is already used by {} ({})",
                        u.name, u.username
                    ),
                    _ => "that extension is already used by another active operator".to_string(),
                },
            )
        } else {
            e
        }
    }

    pub async fn count_users(&self) -> Result<i64> {
        let v = self
            .one("RETURN count(SELECT id FROM users)", Value::Null, vec![])
            .await?;
        Ok(v.and_then(|v| v.as_i64()).unwrap_or(0))
    }

    /// The user and their password hash, for login.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = self
            .one(
                "SELECT * FROM users WHERE username = $u LIMIT 1",
                json!({ "u": username }),
                vec![],
            )
            .await?;
        let Some(row) = row.and_then(first) else {
            return Ok(None);
        };
        let hash = row
            .get("password_hash")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        Ok(Some((decode(row)?, hash)))
    }

    /// Any user, active or not.
    pub async fn get_user(&self, id: &str) -> Result<Option<User>> {
        let row = self
            .one(
                &format!("SELECT {USER_FIELDS} FROM ONLY $rid"),
                Value::Null,
                vec![("rid", rid("users", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// Every user (active or not), or those of one role.
    pub async fn list_users(&self, role: Option<Role>) -> Result<Vec<User>> {
        self.find_users(role, None).await
    }

    /// Users by role and by whether they are active; `None` does not filter.
    pub async fn find_users(&self, role: Option<Role>, active: Option<bool>) -> Result<Vec<User>> {
        let filter = super::where_clause(&[
            ("role = $r", role.is_some()),
            ("active = $a", active.is_some()),
        ]);
        let rows = self
            .many(
                &format!("SELECT {USER_FIELDS} FROM users {filter} ORDER BY name"),
                strip_nulls(json!({ "r": role, "a": active })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// The active users with this extension.
    pub async fn users_with_extension(&self, ext: &str) -> Result<Vec<User>> {
        let rows = self
            .many(
                &format!("SELECT {USER_FIELDS} FROM users WHERE extension = $e AND active = true"),
                json!({ "e": ext }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    pub async fn create_session(&self, token_hash: &str, user_id: &str) -> Result<()> {
        self.run_with(
            "CREATE $rid CONTENT $doc",
            json!({ "doc": { "user_id": user_id, "created_at": chrono::Utc::now().to_rfc3339(),
                             "last_seen": chrono::Utc::now().to_rfc3339() } }),
            vec![("rid", rid("sessions", token_hash))],
        )
        .await?;
        Ok(())
    }

    /// The user of a session, if both exist and the user is active (a session
    /// created while the user was being deactivated ends here too).
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>> {
        if let Ok(cache) = self.sessions.lock() {
            if let Some((user, at)) = cache.get(token_hash) {
                // `at`: the moment the entry stops being trusted.
                if std::time::Instant::now() < *at {
                    return Ok(Some(user.clone()));
                }
            }
        }
        // One round trip: the session, then its user.
        let mut r = self
            .run_with(
                &format!(
                    "LET $s = (SELECT user_id, created_at, last_seen FROM ONLY $rid);
                     RETURN $s;
                     IF $s {{ SELECT {USER_FIELDS} FROM ONLY type::record('users', $s.user_id) }}"
                ),
                Value::Null,
                vec![("rid", rid("sessions", token_hash))],
            )
            .await?;
        let session: Option<Value> = r.take(1)?;
        let row: Option<Value> = r.take(2)?;
        let user: Option<User> = row.filter(|v| !v.is_null()).map(decode).transpose()?;
        let user = user.filter(|u| u.active);
        let (Some(u), Some(session)) = (&user, session.filter(|v| !v.is_null())) else {
            return Ok(None);
        };
        let at = |field: &str| {
            session
                .get(field)
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        let now = chrono::Utc::now();
        let created = at("created_at").unwrap_or(now);
        let seen = at("last_seen").unwrap_or(created);
        let limits = *self
            .session_limits
            .read()
            .unwrap_or_else(|p| p.into_inner());
        if limits.expired(u.role, created, seen, now) {
            tracing::info!(user = %u.username, "session expired");
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        let (idle, max) = match u.role {
            Role::Courier => (limits.courier_idle, limits.courier_max),
            _ => (limits.office_idle, limits.office_max),
        };
        let left = [(created, max), (seen, idle)]
            .into_iter()
            .map(|(from, limit)| {
                let used = (now - from).to_std().unwrap_or_default();
                limit.saturating_sub(used)
            })
            .min()
            .unwrap_or_default();
        if (now - seen)
            .to_std()
            .is_ok_and(|d| d > TOUCH_EVERY.min(idle / 4))
        {
            self.run_with(
                "UPDATE $rid SET last_seen = $now RETURN NONE",
                json!({ "now": now.to_rfc3339() }),
                vec![("rid", rid("sessions", token_hash))],
            )
            .await?;
        }
        if let (Some(u), Ok(mut cache)) = (&user, self.sessions.lock()) {
            if cache.len() >= SESSION_CACHE_MAX {
                cache.clear();
            }
            cache.insert(
                token_hash.to_string(),
                // Never trusted past the session's own end.
                (u.clone(), std::time::Instant::now() + SESSION_TTL.min(left)),
            );
        }
        Ok(user)
    }

    /// Forgets cached sessions: one, or (`None`) all of them. Every write to
    /// `users` calls it (the cache holds the whole user).
    pub(super) fn forget_sessions(&self, token_hash: Option<&str>) {
        if let Ok(mut cache) = self.sessions.lock() {
            match token_hash {
                Some(h) => {
                    cache.remove(h);
                }
                None => cache.clear(),
            }
        }
    }

    /// How long sessions last from now on.
    pub fn set_session_limits(&self, limits: SessionLimits) {
        *self
            .session_limits
            .write()
            .unwrap_or_else(|p| p.into_inner()) = limits;
        self.forget_sessions(None);
    }

    /// A user's sessions, newest first (their ids are not tokens).
    pub async fn user_sessions(&self, user_id: &str) -> Result<Vec<SessionInfo>> {
        let rows = self
            .many(
                "SELECT meta::id(id) AS id, created_at, last_seen FROM sessions
                 WHERE user_id = $uid ORDER BY created_at DESC LIMIT 1000",
                json!({ "uid": user_id }),
                vec![],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let id = r.get("id")?.as_str()?;
                let created = r.get("created_at")?.as_str()?.to_string();
                Some(SessionInfo {
                    id: session_public_id(id),
                    last_seen_at: r
                        .get("last_seen")
                        .and_then(Value::as_str)
                        .map_or_else(|| created.clone(), str::to_string),
                    created_at: created,
                })
            })
            .collect())
    }

    /// Ends one session of a user by its public id; false if there is none.
    pub async fn end_user_session(&self, user_id: &str, public_id: &str) -> Result<bool> {
        let rows = self
            .many(
                "SELECT VALUE meta::id(id) FROM sessions WHERE user_id = $uid",
                json!({ "uid": user_id }),
                vec![],
            )
            .await?;
        let Some(hash) = rows
            .iter()
            .filter_map(Value::as_str)
            .find(|h| session_public_id(h) == public_id)
        else {
            return Ok(false);
        };
        self.delete_session(hash).await?;
        Ok(true)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.forget_sessions(Some(token_hash));
        self.run_with(
            "DELETE $rid",
            Value::Null,
            vec![("rid", rid("sessions", token_hash))],
        )
        .await?;
        Ok(())
    }
}

/// The id a session is shown by: a hash of its stored key (itself the
/// token's hash), so nothing shown can be used to sign in.
pub fn session_public_id(token_hash: &str) -> String {
    use sha2::Digest as _;
    hex::encode(&sha2::Sha256::digest(format!("session:{token_hash}").as_bytes())[..12])
}

/// `SELECT ... LIMIT 1` answers with an array.
pub(crate) fn first(v: Value) -> Option<Value> {
    match v {
        Value::Array(mut a) => (!a.is_empty()).then(|| a.swap_remove(0)),
        Value::Null => None,
        other => Some(other),
    }
}
