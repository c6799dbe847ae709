//! The company's reasons (`GET /api/reasons`), and their admin calls. The
//! lists are read once per page load and kept; until they arrive (or with
//! no connection) the defaults a new company starts with stand in.

use std::cell::RefCell;

use gloo_net::http::Request;
use rodnik_shared::api::{default_reasons, CreateReason, PatchReason, Reason, ReasonKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{enc, Api, ApiError};

impl Api {
    /// Every reason, the retired ones too with `all`.
    pub async fn reasons(&self, all: bool) -> Result<Vec<Reason>, ApiError> {
        let mut r = self.auth(Request::get("/api/reasons"));
        if all {
            r = r.query([("all", "true")]);
        }
        self.json(r.send().await).await
    }

    pub async fn create_reason(&self, req: &CreateReason) -> Result<Reason, ApiError> {
        self.post("/api/reasons", req, None).await
    }

    pub async fn patch_reason(&self, id: &str, req: &PatchReason) -> Result<Reason, ApiError> {
        let path = format!("/api/reasons/{}", enc(id));
        let r = self
            .auth(Request::patch(&path))
            .json(req)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }
}

thread_local! {
    static LOADED: RefCell<Option<Vec<Reason>>> = const { RefCell::new(None) };
}

/// The active reasons of `kind`, in list order, from `all`.
pub fn of_kind(all: &[Reason], kind: ReasonKind) -> Vec<Reason> {
    let mut v: Vec<Reason> = all
        .iter()
        .filter(|r| r.kind == kind && r.active)
        .cloned()
        .collect();
    v.sort_by_key(|r| r.position);
    v
}

/// The active reasons of `kind`: the company's once loaded (this page
/// load), the defaults until then.
#[hook]
pub fn use_reasons(token: Option<String>, kind: ReasonKind) -> Vec<Reason> {
    let list = use_state(|| {
        LOADED
            .with(|l| l.borrow().clone())
            .unwrap_or_else(default_reasons)
    });
    {
        let list = list.setter();
        use_effect_with(token, move |token| {
            if let Some(token) = token.clone() {
                if LOADED.with(|l| l.borrow().is_none()) {
                    spawn_local(async move {
                        if let Ok(all) = Api::with_token(&token).reasons(false).await {
                            LOADED.with(|l| *l.borrow_mut() = Some(all.clone()));
                            list.set(all);
                        }
                    });
                }
            }
        });
    }
    of_kind(&list, kind)
}

/// Forgets the loaded lists (an admin changed them).
pub fn forget() {
    LOADED.with(|l| *l.borrow_mut() = None);
}
