//! The one click that makes a call list of a report's clients (lost
//! clients, sanitation due, at risk by their rhythm).

use rodnik_shared::api::CreateCallList;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::reports::fnv1a;
use crate::api::Api;

/// What came of the click: the list's (id, name), or the error.
pub type Made = Option<Result<(String, String), String>>;

/// Makes `req` a call list on a click, once at a time (`busy`); a repeated
/// click with the same name and clients makes one list (the Idempotency-Key
/// is made of them).
pub fn make_on_click(
    req: CreateCallList,
    token: String,
    busy: UseStateHandle<bool>,
    made: UseStateHandle<Made>,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        if *busy {
            return;
        }
        busy.set(true);
        let key = format!(
            "call-list:{:016x}",
            fnv1a(&format!("{}|{}", req.name, req.client_ids.join(",")))
        );
        let (made, busy, token, req) = (made.clone(), busy.clone(), token.clone(), req.clone());
        spawn_local(async move {
            match Api::with_token(&token).create_call_list(&req, &key).await {
                Ok(list) => made.set(Some(Ok((list.summary.id, list.summary.name)))),
                Err(e) => made.set(Some(Err(e.message()))),
            }
            busy.set(false);
        });
    })
}
