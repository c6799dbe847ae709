//! The search box: clients by phone, name or address fragment, as you type
//! (debounced), with arrow keys and Enter to pick.

use gloo_timers::callback::Timeout;
use rodnik_shared::api::ClientSummary;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::{kind_label, Lang};

const DEBOUNCE_MS: u32 = 250;

#[derive(Properties, PartialEq)]
pub struct ClientSearchProps {
    pub token: String,
    pub lang: Lang,
    pub input: NodeRef,
    /// The id of the client picked.
    pub on_pick: Callback<String>,
    /// Enter with nothing found: register a client with what was typed.
    pub on_new: Callback<String>,
}

#[derive(Clone, PartialEq)]
enum Results {
    Idle,
    Found(Vec<ClientSummary>),
    Failed(String),
}

#[function_component]
pub fn ClientSearch(p: &ClientSearchProps) -> Html {
    let t = p.lang.t();
    let query = use_state(String::new);
    let results = use_state(|| Results::Idle);
    let active = use_state(|| 0usize);
    let timer = use_mut_ref(|| None::<Timeout>);
    // Answers to older queries are dropped.
    let seq = use_mut_ref(|| 0u32);

    let oninput = {
        let (query, results, active, token) = (
            query.clone(),
            results.clone(),
            active.clone(),
            p.token.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let q = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(q.clone());
            active.set(0);
            let id = {
                let mut s = seq.borrow_mut();
                *s += 1;
                *s
            };
            if q.trim().chars().count() < 2 {
                timer.borrow_mut().take();
                results.set(Results::Idle);
                return;
            }
            let (results, token, seq) = (results.clone(), token.clone(), seq.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                spawn_local(async move {
                    let r = Api::with_token(&token).search_clients(q.trim()).await;
                    if *seq.borrow() != id {
                        return;
                    }
                    results.set(match r {
                        Ok(list) => Results::Found(list),
                        Err(e) => Results::Failed(e.message()),
                    });
                });
            }));
        })
    };

    // A picked client's card opens: the list closes (the text stays; typing
    // searches again).
    let pick = {
        let (results, on_pick) = (results.clone(), p.on_pick.clone());
        Callback::from(move |id: String| {
            results.set(Results::Idle);
            on_pick.emit(id);
        })
    };

    let found: Vec<ClientSummary> = match &*results {
        Results::Found(l) => l.clone(),
        _ => vec![],
    };

    let onkeydown = {
        let (active, found, on_pick, on_new, query) = (
            active.clone(),
            found.clone(),
            pick.clone(),
            p.on_new.clone(),
            query.clone(),
        );
        let searched = matches!(&*results, Results::Found(_));
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" if !found.is_empty() => {
                e.prevent_default();
                active.set((*active + 1).min(found.len() - 1));
            }
            "ArrowUp" if !found.is_empty() => {
                e.prevent_default();
                active.set(active.saturating_sub(1));
            }
            "Enter" => {
                e.prevent_default();
                if let Some(c) = found.get(*active) {
                    on_pick.emit(c.id.clone());
                } else if searched {
                    on_new.emit((*query).clone());
                }
            }
            _ => {}
        })
    };

    let list = match &*results {
        Results::Idle => html! {},
        Results::Failed(m) => html! {
            <p id="search-error" class="form-error">{ format!("{}: {m}", t.search_failed) }</p>
        },
        Results::Found(l) if l.is_empty() => html! {
            <p id="search-none" class="muted">{ t.search_none }</p>
        },
        Results::Found(l) => html! {
            <ul id="search-results" class="search-results" role="listbox">
                { for l.iter().enumerate().map(|(i, c)| {
                    let onclick = {
                        let (on_pick, id) = (pick.clone(), c.id.clone());
                        Callback::from(move |_: MouseEvent| on_pick.emit(id.clone()))
                    };
                    let phones = c.phones.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
                    let address = c.addresses.first().map(|a| a.text.clone()).unwrap_or_default();
                    html! {
                        <li class={classes!("search-result", (i == *active).then_some("active"))}
                            data-id={c.id.clone()} role="option" aria-selected={(i == *active).to_string()}
                            {onclick}>
                            <span class="name">{ c.name.clone() }</span>
                            <span class={classes!("kind", c.kind.as_str())}>{ kind_label(p.lang, c.kind) }</span>
                            <span class="phones">{ phones }</span>
                            <span class="address">{ address }</span>
                        </li>
                    }
                }) }
            </ul>
        },
    };

    html! {
        <div class="client-search">
            <input id="client-search" type="search" ref={p.input.clone()} autocomplete="off"
                placeholder={t.search_placeholder} aria-label={t.search_placeholder}
                value={(*query).clone()} {oninput} {onkeydown} />
            { list }
        </div>
    }
}
