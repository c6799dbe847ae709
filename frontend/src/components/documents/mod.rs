//! The Documents screen's parts (issue 20, item 2): closing a month with its
//! progress, the month's documents, an act of reconciliation, the recent
//! closings; and the link that downloads a document's PDF or XLSX with the
//! session's token.

pub mod bank;
pub mod client_pick;
pub mod close;
pub mod export;
pub mod jobs;
pub mod list;
pub mod payments;
pub mod recon;

pub use bank::StatementPanel;
pub use close::CloseMonthPanel;
pub use jobs::JobsList;
pub use list::DocumentsList;
pub use payments::UnmatchedPayments;
pub use recon::ReconciliationPanel;

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::documents::file_path;
use crate::api::Api;
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct FileLinkProps {
    /// The document's id.
    pub id: AttrValue,
    /// `pdf` or `xlsx`.
    pub format: &'static str,
    /// What went wrong, in words.
    pub on_error: Callback<String>,
}

/// "PDF" / "XLSX": a link to `/api/documents/{id}/{format}` whose click
/// fetches the file with the token and saves it under the server's name (a
/// plain link could not send the token).
#[function_component]
pub fn FileLink(p: &FileLinkProps) -> Html {
    let app = use_app();
    let busy = use_state(|| false);
    let href = file_path(&p.id, p.format);
    let onclick = {
        let (busy, token, href, on_error) = (
            busy.clone(),
            app.token().unwrap_or_default().to_string(),
            href.clone(),
            p.on_error.clone(),
        );
        let failed = crate::i18n::documents::texts(app.lang).download_failed;
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, token, href, on_error) =
                (busy.clone(), token.clone(), href.clone(), on_error.clone());
            spawn_local(async move {
                if let Err(e) = Api::with_token(&token).download(&href, &vec![]).await {
                    on_error.emit(format!("{failed}: {}", e.message()));
                }
                busy.set(false);
            });
        })
    };
    html! {
        <a class={classes!("doc-file", format!("doc-{}", p.format))} href={href} data-id={p.id.clone()}
            aria-busy={busy.to_string()} {onclick}>{ p.format.to_uppercase() }</a>
    }
}
