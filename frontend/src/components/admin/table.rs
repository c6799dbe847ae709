//! What every administration list shares: the bar above it (title, counts,
//! filter, the new-item button), its loader, and the table itself with its
//! loading, failed and empty states.

use std::future::Future;
use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use super::Load;
use crate::api::ApiError;
use crate::i18n::admin::texts;
use crate::i18n::Lang;

/// Loads the list when the panel opens and again on every emit of the
/// returned callback: `on_start` first, then `on_done` with the answer.
#[hook]
pub fn use_loader<T, F, Fut>(
    fetch: F,
    on_start: Callback<()>,
    on_done: Callback<Result<T, ApiError>>,
) -> Callback<()>
where
    T: 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let fetch = Rc::new(fetch);
    let reload = Callback::from(move |_: ()| {
        on_start.emit(());
        let (fetch, on_done) = (fetch.clone(), on_done.clone());
        spawn_local(async move { on_done.emit(fetch().await) });
    });
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    reload
}

#[derive(Properties, PartialEq)]
pub struct PanelBarProps {
    pub title: AttrValue,
    /// "Active 5 · All 7".
    pub count: AttrValue,
    pub filter_id: AttrValue,
    pub filter_label: AttrValue,
    pub filter: AttrValue,
    pub on_filter: Callback<InputEvent>,
    /// Buttons on the right, before the new-item button.
    #[prop_or_default]
    pub actions: Html,
    pub new_id: AttrValue,
    pub new_label: AttrValue,
    pub new_open: bool,
    pub on_new: Callback<MouseEvent>,
    pub lang: Lang,
    /// Between the filter and the buttons (a switch).
    #[prop_or_default]
    pub children: Html,
}

/// The bar above a list.
#[function_component]
pub fn PanelBar(p: &PanelBarProps) -> Html {
    let t = texts(p.lang);
    html! {
        <div class="panel-bar">
            <h2>{ p.title.clone() }</h2>
            <span class="muted count">{ p.count.clone() }</span>
            <input id={p.filter_id.clone()} type="search" class="filter" placeholder={p.filter_label.clone()}
                aria-label={p.filter_label.clone()} value={p.filter.clone()} oninput={p.on_filter.clone()} />
            { p.children.clone() }
            <div class="panel-bar-right">
                { p.actions.clone() }
                <button id={p.new_id.clone()} type="button" class={classes!("btn", if p.new_open { "btn-ghost" } else { "btn-primary" })}
                    aria-expanded={p.new_open.to_string()} onclick={p.on_new.clone()}>
                    { if p.new_open { AttrValue::from(t.hide_form) } else { p.new_label.clone() } }
                </button>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminTableProps {
    pub id: AttrValue,
    /// The table's own class besides `admin-table` (`users`, `products`, `prices`).
    pub class: AttrValue,
    pub lang: Lang,
    pub load: Load,
    /// Whether a list has been loaded (a failed reload keeps it on screen
    /// under a banner).
    pub loaded: bool,
    /// How many rows are shown; none shows `empty`.
    pub shown: usize,
    pub empty: AttrValue,
    /// The classes of the columns (`c-name`, `c-price`...).
    pub cols: Vec<&'static str>,
    /// The header cells.
    pub head: Html,
    /// The rows.
    pub children: Html,
}

/// A list's table: its columns, header, rows, and what to show while there
/// are none (loading, the load's error, nothing found).
#[function_component]
pub fn AdminTable(p: &AdminTableProps) -> Html {
    let t = texts(p.lang);
    let span = p.cols.len().to_string();
    let state_row = |class: Option<&'static str>, text: String| {
        html! { <tr class="empty"><td colspan={span.clone()} {class}>{ text }</td></tr> }
    };
    let body = match &p.load {
        Load::Loading if !p.loaded => state_row(None, p.lang.t().loading.to_string()),
        Load::Failed(m) if !p.loaded => {
            state_row(Some("form-error"), format!("{}: {m}", t.load_failed))
        }
        _ if p.shown == 0 => state_row(None, p.empty.to_string()),
        _ => p.children.clone(),
    };
    html! {
        <>
            if let Load::Failed(m) = &p.load {
                if p.loaded {
                    <p class="banner error">{ format!("{}: {m}", t.load_failed) }</p>
                }
            }
            <div class="table-wrap">
                <table id={p.id.clone()} class={classes!("admin-table", p.class.to_string())}
                    aria-busy={(p.load == Load::Loading).to_string()}>
                    <colgroup>
                        { for p.cols.iter().map(|c| html! { <col class={*c} /> }) }
                    </colgroup>
                    <thead><tr>{ p.head.clone() }</tr></thead>
                    <tbody>{ body }</tbody>
                </table>
            </div>
        </>
    }
}
