//! The store's side of backups (the `backup` module): a connection that is not
//! migrated (to read a folder as it is), and the import of a backup file
//! into an empty database, followed by the usual migration.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use surrealdb::engine::any::Any;
use surrealdb::Surreal;

use super::Store;
use crate::error::{Error, Result};

impl Store {
    /// A store over a connection as it is, schema untouched: for exporting a
    /// database without upgrading it.
    pub fn without_migrations(db: Surreal<Any>) -> Store {
        Store {
            db: Arc::new(db),
            numbers: Arc::default(),
            sessions: Arc::default(),
            routes: Arc::default(),
            session_limits: Arc::default(),
            tz: Arc::new(std::sync::RwLock::new(chrono_tz::Europe::Moscow)),
            receipts_wake: Arc::default(),
        }
    }

    /// Imports `file` (a SurrealDB export, checked by the caller) into the
    /// empty database at `url`, then migrates it as every start does. The
    /// export runs in import mode: events do not fire, so the report
    /// figures come back exactly as they were stored.
    pub async fn restore_from(url: &str, file: &Path) -> Result<Store> {
        let db = surrealdb::engine::any::connect(url).await?;
        db.use_ns("rodnik").use_db("rodnik").await?;
        let existing: Option<Value> = db.query("RETURN meta:schema.version").await?.take(0)?;
        if existing.is_some_and(|v| !v.is_null()) {
            return Err(Error::Internal(format!("{url} already holds a database")));
        }
        db.import(file).await?;
        let store = Store::without_migrations(db);
        store.migrate().await?;
        Ok(store)
    }

    /// How many records `table` holds.
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        let v = self
            .one(
                &format!("RETURN count(SELECT VALUE id FROM {table})"),
                Value::Null,
                vec![],
            )
            .await?;
        Ok(v.and_then(|v| v.as_i64()).unwrap_or(0))
    }
}
