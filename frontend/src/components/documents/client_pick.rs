//! A small client search for the Documents screen (`GET /api/clients?q=`,
//! 250 ms after typing, legal clients first): the console's `ClientSearch`
//! owns `#client-search`, so this one names its parts by a prefix
//! (`#<prefix>-search`, `#<prefix>-results button.<prefix>-pick[data-id]`,
//! `#<prefix>-none`, `#<prefix>-client[data-id]`, `#<prefix>-change`).

use gloo_timers::callback::Timeout;
use rodnik_shared::api::ClientSummary;
use rodnik_shared::ClientKind;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::documents::texts;
use crate::i18n::kind_label;
use crate::state::use_app;

const DEBOUNCE_MS: u32 = 250;

#[derive(Clone, PartialEq)]
enum Found {
    Idle,
    List(Vec<ClientSummary>),
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct ClientPickProps {
    /// Names the ids and classes (`recon`, `assign`).
    pub prefix: &'static str,
    pub picked: Option<ClientSummary>,
    /// A client picked, or `None` for "another client".
    pub on_pick: Callback<Option<ClientSummary>>,
}

#[function_component]
pub fn ClientPick(p: &ClientPickProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let query = use_state(String::new);
    let found = use_state(|| Found::Idle);
    let timer = use_mut_ref(|| None::<Timeout>);
    let seq = use_mut_ref(|| 0u32);
    let id = |part: &str| format!("{}-{part}", p.prefix);

    let oninput = {
        let (query, found, token) = (query.clone(), found.clone(), token.clone());
        Callback::from(move |e: InputEvent| {
            let q = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(q.clone());
            let mine = {
                let mut s = seq.borrow_mut();
                *s += 1;
                *s
            };
            if q.trim().chars().count() < 2 {
                timer.borrow_mut().take();
                found.set(Found::Idle);
                return;
            }
            let (found, token, seq) = (found.clone(), token.clone(), seq.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                spawn_local(async move {
                    let r = Api::with_token(&token).search_clients(q.trim()).await;
                    if *seq.borrow() != mine {
                        return;
                    }
                    found.set(match r {
                        Ok(mut list) => {
                            // Legal clients (who pay by bank and get documents) first.
                            list.sort_by_key(|c| c.kind != ClientKind::Legal);
                            Found::List(list)
                        }
                        Err(e) => Found::Failed(e.message()),
                    });
                });
            }));
        })
    };
    let pick = |c: ClientSummary| {
        let (found, on_pick) = (found.clone(), p.on_pick.clone());
        Callback::from(move |_: MouseEvent| {
            found.set(Found::Idle);
            on_pick.emit(Some(c.clone()));
        })
    };
    let unpick = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |_: MouseEvent| on_pick.emit(None))
    };

    match &p.picked {
        Some(c) => html! {
            <div id={id("client")} class="recon-client-picked" data-id={c.id.clone()}>
                <span class="name">{ c.name.clone() }</span>
                if let Some(inn) = &c.inn {
                    <span class="muted">{ format!(" · {} {inn}", t.c_inn) }</span>
                }
                <button id={id("change")} type="button" class="btn btn-link" onclick={unpick}>{ t.recon_other }</button>
            </div>
        },
        None => html! {
            <div class="recon-search">
                <input id={id("search")} type="search" autocomplete="off" placeholder={t.recon_search}
                    aria-label={t.recon_search} value={(*query).clone()} {oninput} />
                { match &*found {
                    Found::Idle => html! {},
                    Found::Failed(m) => html! { <p class="form-error">{ m.clone() }</p> },
                    Found::List(l) if l.is_empty() => html! { <p id={id("none")} class="muted">{ t.recon_none }</p> },
                    Found::List(l) => html! {
                        <ul id={id("results")} class="recon-results">
                            { for l.iter().take(12).map(|c| html! {
                                <li>
                                    <button type="button" class={classes!("recon-pick", format!("{}-pick", p.prefix))}
                                        data-id={c.id.clone()} data-kind={c.kind.as_str()} onclick={pick(c.clone())}>
                                        <span class="name">{ c.name.clone() }</span>
                                        <span class={classes!("kind", c.kind.as_str())}>{ kind_label(lang, c.kind) }</span>
                                    </button>
                                </li>
                            }) }
                        </ul>
                    },
                } }
            </div>
        },
    }
}
