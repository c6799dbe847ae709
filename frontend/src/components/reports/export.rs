//! CSV and Excel buttons: the file is fetched with the session's token and
//! saved by the browser under the server's file name.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::reports::Query;
use crate::api::Api;
use crate::i18n::reports::texts;
use crate::i18n::Lang;
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub lang: Lang,
    /// `/api/reports/...`
    pub path: AttrValue,
    pub query: Query,
}

#[function_component]
pub fn ExportButtons(p: &ExportProps) -> Html {
    let app = use_app();
    let t = texts(p.lang);
    let busy = use_state(|| false);
    let result = use_state(|| None::<Result<String, String>>);
    let token = app.token().unwrap_or_default().to_string();
    let button = |id: &'static str, format: &'static str, label: &'static str| {
        let onclick = {
            let (busy, result, token, app) = (
                busy.clone(),
                result.clone(),
                token.clone(),
                app.dispatcher(),
            );
            let (path, lang) = (p.path.to_string(), p.lang);
            let mut query = p.query.clone();
            query.push(("format", format.to_string()));
            query.push(("lang", lang.code().to_string()));
            Callback::from(move |_: MouseEvent| {
                if *busy {
                    return;
                }
                busy.set(true);
                let (busy, result, token, _app, path, query) = (
                    busy.clone(),
                    result.clone(),
                    token.clone(),
                    app.clone(),
                    path.clone(),
                    query.clone(),
                );
                spawn_local(async move {
                    match Api::with_token(&token).download(&path, &query).await {
                        Ok(name) => result.set(Some(Ok(name))),
                        Err(e) => result.set(Some(Err(e.message()))),
                    }
                    busy.set(false);
                });
            })
        };
        html! {
            <button type="button" {id} class="btn btn-ghost export" title={t.export_title}
                disabled={*busy} {onclick}>{ label }</button>
        }
    };
    html! {
        <div class="export">
            { button("export-csv", "csv", t.export_csv) }
            { button("export-xlsx", "xlsx", t.export_xlsx) }
            { match &*result {
                Some(Ok(name)) => html! { <span id="export-done" class="muted" data-file={name.clone()}>{ name.clone() }</span> },
                Some(Err(e)) => html! { <span id="export-error" class="form-error">{ format!("{}: {e}", t.download_failed) }</span> },
                None => html! {},
            } }
        </div>
    }
}
