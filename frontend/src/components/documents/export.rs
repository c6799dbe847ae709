//! "Выгрузка в 1С": the chosen month's sales as EnterpriseData XML (`GET
//! /api/accounting/export?month=`), a link whose click fetches the file
//! with the token and saves it under the server's name, as the documents'
//! PDF and XLSX links do.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::money::ACCOUNTING_EXPORT;
use crate::api::Api;
use crate::i18n::money::texts;
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    /// `YYYY-MM`.
    pub month: AttrValue,
    /// What went wrong, in words.
    pub on_error: Callback<String>,
}

#[function_component]
pub fn AccountingExport(p: &ExportProps) -> Html {
    let app = use_app();
    let t = texts(app.lang);
    let busy = use_state(|| false);
    let done = use_state(|| None::<String>);
    let href = format!("{ACCOUNTING_EXPORT}?month={}", p.month);
    let onclick = {
        let (busy, done, token, month, on_error) = (
            busy.clone(),
            done.clone(),
            app.token().unwrap_or_default().to_string(),
            p.month.to_string(),
            p.on_error.clone(),
        );
        let failed = crate::i18n::documents::texts(app.lang).download_failed;
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, done, token, month, on_error) = (
                busy.clone(),
                done.clone(),
                token.clone(),
                month.clone(),
                on_error.clone(),
            );
            spawn_local(async move {
                let q = vec![("month", month)];
                match Api::with_token(&token)
                    .download(ACCOUNTING_EXPORT, &q)
                    .await
                {
                    Ok(name) => done.set(Some(name)),
                    Err(e) => on_error.emit(format!("{failed}: {}", e.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <>
            <a id="doc-export-1c" class="btn btn-ghost doc-export-1c" href={href} title={t.export_1c_title}
                aria-busy={busy.to_string()} {onclick}>{ t.export_1c }</a>
            if let Some(name) = &*done {
                <span id="doc-export-done" class="muted" data-file={name.clone()}>{ name.clone() }</span>
            }
        </>
    }
}
