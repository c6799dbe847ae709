//! Users and their login sessions. Sessions are stored by the SHA-256 of
//! the bearer token, so a leaked database holds no usable token.

use rodnik_shared::api::User;
use rodnik_shared::{Phone, Role};
use serde_json::{json, Value};

use super::{decode, decode_all, new_key, rid, strip_nulls, Store};
use crate::error::{Error, Result};

pub struct NewUser {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub phone: Option<Phone>,
    pub extension: Option<String>,
    pub password_hash: String,
}

const USER_FIELDS: &str = "id, username, name, role, phone, extension";

impl Store {
    pub async fn create_user(&self, u: NewUser) -> Result<User> {
        let key = new_key();
        let doc = strip_nulls(json!({
            "username": u.username,
            "name": u.name,
            "role": u.role,
            "phone": u.phone,
            "extension": u.extension,
            "password_hash": u.password_hash,
            "created_at": chrono::Utc::now().to_rfc3339(),
        }));
        let row = self
            .one(
                &format!("CREATE ONLY $rid CONTENT $doc RETURN {USER_FIELDS}"),
                json!({ "doc": doc }),
                vec![("rid", rid("users", &key))],
            )
            .await
            .map_err(|e| match e {
                Error::Conflict {
                    code: "duplicate", ..
                } => Error::conflict("username_taken", "that username is already taken"),
                other => other,
            })?;
        decode(row.ok_or_else(|| Error::Internal("user not created".into()))?)
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

    pub async fn list_users(&self, role: Option<Role>) -> Result<Vec<User>> {
        let rows = match role {
            Some(role) => {
                self.many(
                    &format!("SELECT {USER_FIELDS} FROM users WHERE role = $r ORDER BY name"),
                    json!({ "r": role }),
                    vec![],
                )
                .await?
            }
            None => {
                self.many(
                    &format!("SELECT {USER_FIELDS} FROM users ORDER BY name"),
                    Value::Null,
                    vec![],
                )
                .await?
            }
        };
        decode_all(rows)
    }

    pub async fn users_with_extension(&self, ext: &str) -> Result<Vec<User>> {
        let rows = self
            .many(
                &format!("SELECT {USER_FIELDS} FROM users WHERE extension = $e"),
                json!({ "e": ext }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    pub async fn create_session(&self, token_hash: &str, user_id: &str) -> Result<()> {
        self.run_with(
            "CREATE $rid CONTENT $doc",
            json!({ "doc": { "user_id": user_id, "created_at": chrono::Utc::now().to_rfc3339() } }),
            vec![("rid", rid("sessions", token_hash))],
        )
        .await?;
        Ok(())
    }

    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>> {
        let row = self
            .one(
                "SELECT VALUE user_id FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("sessions", token_hash))],
            )
            .await?;
        match row.as_ref().and_then(Value::as_str) {
            Some(user_id) => self.get_user(user_id).await,
            None => Ok(None),
        }
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.run_with(
            "DELETE $rid",
            Value::Null,
            vec![("rid", rid("sessions", token_hash))],
        )
        .await?;
        Ok(())
    }
}

/// `SELECT ... LIMIT 1` answers with an array.
pub(crate) fn first(v: Value) -> Option<Value> {
    match v {
        Value::Array(mut a) => (!a.is_empty()).then(|| a.swap_remove(0)),
        Value::Null => None,
        other => Some(other),
    }
}
