//! Call lists for operators: the lists on the left (newest first, with how
//! many were called), the chosen list's clients on the right, each with a
//! `tel:` link for the softphone, the last order, and "Done" with the
//! outcome. Marking is once only: if a colleague was first, the list reloads.

use rodnik_shared::api::{CallList, CallListItem, CallListSummary};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::components::board::local_time;
use crate::components::reports::format::{date, money};
use crate::components::reports::{RhythmKind, RhythmList};
use crate::i18n::reports::{calls_texts, progress};
use crate::i18n::{kind_label, state_label, Lang};
use crate::state::use_app;

#[function_component]
pub fn CallLists() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = calls_texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let lists = use_state(|| None::<Result<Vec<CallListSummary>, String>>);
    let selected = use_state(|| None::<String>);
    let list = use_state(|| None::<CallList>);
    let hide_done = use_state(|| false);
    let notice = use_state(|| None::<String>);
    let reloads = use_state(|| 0u32);

    // The lists, at start and on every reload; the first one is chosen.
    {
        let (lists, selected, _app, token) = (
            lists.clone(),
            selected.clone(),
            app.dispatcher(),
            token.clone(),
        );
        use_effect_with(*reloads, move |_| {
            spawn_local(async move {
                match Api::with_token(&token).call_lists().await {
                    Ok(l) => {
                        if selected.is_none() {
                            selected.set(l.first().map(|s| s.id.clone()));
                        }
                        lists.set(Some(Ok(l)));
                    }
                    Err(e) => lists.set(Some(Err(e.message()))),
                }
            });
        });
    }
    // The chosen list with its clients.
    {
        let (list, _app, token) = (list.clone(), app.dispatcher(), token.clone());
        use_effect_with(((*selected).clone(), *reloads), move |(id, _)| {
            if let Some(id) = id.clone() {
                spawn_local(async move {
                    match Api::with_token(&token).call_list(&id).await {
                        Ok(l) => list.set(Some(l)),
                        Err(_) => list.set(None),
                    }
                });
            }
        });
    }

    let reload = {
        let reloads = reloads.clone();
        Callback::from(move |_: MouseEvent| reloads.set(*reloads + 1))
    };
    let on_done = {
        let (list, lists, notice) = (list.clone(), lists.clone(), notice.clone());
        Callback::from(move |item: CallListItem| {
            notice.set(None);
            let Some(mut l) = (*list).clone() else { return };
            if let Some(slot) = l.items.iter_mut().find(|i| i.client_id == item.client_id) {
                *slot = item;
            }
            l.summary.done = l.items.iter().filter(|i| i.done_at.is_some()).count() as i64;
            if let Some(Ok(all)) = &*lists {
                let mut all = all.clone();
                if let Some(s) = all.iter_mut().find(|s| s.id == l.summary.id) {
                    s.done = l.summary.done;
                }
                lists.set(Some(Ok(all)));
            }
            list.set(Some(l));
        })
    };
    let on_error = {
        let (notice, reloads) = (notice.clone(), reloads.clone());
        Callback::from(move |(conflict, message): (bool, String)| {
            notice.set(Some(if conflict {
                t.already_done.to_string()
            } else {
                message
            }));
            if conflict {
                reloads.set(*reloads + 1);
            }
        })
    };

    let left = match &*lists {
        None => html! { <p class="loading">{ lang.t().loading }</p> },
        Some(Err(e)) => html! { <p class="banner error">{ format!("{}: {e}", t.load_failed) }</p> },
        Some(Ok(all)) if all.is_empty() => {
            html! { <p id="call-lists-empty" class="muted">{ t.empty }</p> }
        }
        Some(Ok(all)) => html! {
            <ul id="call-lists">
                { for all.iter().map(|s| {
                    let current = selected.as_deref() == Some(s.id.as_str());
                    let onclick = {
                        let (selected, id) = (selected.clone(), s.id.clone());
                        Callback::from(move |_: MouseEvent| selected.set(Some(id.clone())))
                    };
                    html! {
                        <li key={s.id.clone()} class={classes!("call-list", current.then_some("current"))}
                            data-id={s.id.clone()} data-done={s.done.to_string()} data-total={s.total.to_string()}>
                            <button type="button" {onclick}>
                                <span class="name">{ s.name.clone() }</span>
                                <span class="cl-progress">{ progress(lang, s.done, s.total) }</span>
                                <progress max={s.total.max(1).to_string()} value={s.done.to_string()} />
                                <span class="muted">{ format!("{} {} · {}", t.made_by, s.created_by_name,
                                    date(lang, s.created_at.get(..10).unwrap_or_default())) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };

    let right = match &*list {
        None => html! { <p class="muted">{ t.choose }</p> },
        Some(l) => {
            let shown: Vec<&CallListItem> = l
                .items
                .iter()
                .filter(|i| !*hide_done || i.done_at.is_none())
                .collect();
            let toggle = {
                let hide_done = hide_done.clone();
                Callback::from(move |e: Event| {
                    hide_done.set(e.target_unchecked_into::<HtmlInputElement>().checked())
                })
            };
            html! {
                <section id="call-list" data-id={l.summary.id.clone()} data-done={l.summary.done.to_string()}>
                    <header class="call-list-head">
                        <h2>{ l.summary.name.clone() }</h2>
                        <span class="cl-progress">{ progress(lang, l.summary.done, l.summary.total) }</span>
                        <label class="check"><input id="hide-done" type="checkbox" checked={*hide_done} onchange={toggle} />{ t.hide_done }</label>
                    </header>
                    if let Some(note) = &l.summary.note {
                        <p class="note">{ note.clone() }</p>
                    }
                    if let Some(n) = &*notice {
                        <p id="calls-notice" class="banner error">{ n.clone() }</p>
                    }
                    if shown.is_empty() {
                        <p class="muted">{ t.all_done }</p>
                    }
                    <ul id="call-items">
                        { for shown.into_iter().map(|i| html! {
                            <CallItemView key={i.client_id.clone()} list_id={l.summary.id.clone()} item={i.clone()}
                                {lang} on_done={on_done.clone()} on_error={on_error.clone()} />
                        }) }
                    </ul>
                </section>
            }
        }
    };

    html! {
        <>
            <section id="calls" class="calls">
                <div class="calls-left">
                    <div class="calls-head">
                        <h1>{ t.title }</h1>
                        <button id="calls-reload" type="button" class="btn btn-ghost" onclick={reload}>{ lang.t().reload }</button>
                    </div>
                    { left }
                </div>
                <div class="calls-right">{ right }</div>
            </section>
            // Clients whose own rhythm says they are due (issue 23).
            <RhythmList kind={RhythmKind::Due} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct CallItemProps {
    list_id: String,
    item: CallListItem,
    lang: Lang,
    on_done: Callback<CallListItem>,
    /// (someone else was first, message)
    on_error: Callback<(bool, String)>,
}

#[function_component]
fn CallItemView(p: &CallItemProps) -> Html {
    let app = use_app();
    let t = calls_texts(p.lang);
    let outcome = use_state(String::new);
    let busy = use_state(|| false);
    let i = &p.item;
    let done = i.done_at.is_some();
    let submit = {
        let (outcome, busy, token, app) = (
            outcome.clone(),
            busy.clone(),
            app.token().unwrap_or_default().to_string(),
            app.dispatcher(),
        );
        let (list, client, on_done, on_error) = (
            p.list_id.clone(),
            i.client_id.clone(),
            p.on_done.clone(),
            p.on_error.clone(),
        );
        Callback::from(move |text: String| {
            let text = text.trim().to_string();
            if text.is_empty() || *busy {
                return;
            }
            busy.set(true);
            outcome.set(text.clone());
            let (busy, token, _app, list, client, on_done, on_error) = (
                busy.clone(),
                token.clone(),
                app.clone(),
                list.clone(),
                client.clone(),
                on_done.clone(),
                on_error.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token)
                    .mark_called(&list, &client, &text)
                    .await
                {
                    Ok(item) => on_done.emit(item),
                    Err(e) => {
                        let conflict = matches!(&e, ApiError::Api { status: 409, .. });
                        on_error.emit((conflict, e.message()));
                    }
                }
                busy.set(false);
            });
        })
    };
    let oninput = {
        let outcome = outcome.clone();
        Callback::from(move |e: InputEvent| {
            outcome.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (submit, outcome) = (submit.clone(), outcome.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit.emit((*outcome).clone());
        })
    };
    let last = match &i.last_order {
        None => html! { <span class="muted">{ t.no_orders }</span> },
        Some(o) => {
            let goods: Vec<String> = o
                .lines
                .iter()
                .map(|l| format!("{} × {}", l.qty, l.name))
                .collect();
            html! {
                <span class="last-order" data-number={o.number.to_string()}>
                    { format!("{}: №{} · {} · {} · {} · {}", t.last_order, o.number, date(p.lang, &o.delivery_date),
                        state_label(p.lang, o.state), goods.join(", "), money(p.lang, o.total.0)) }
                </span>
            }
        }
    };
    html! {
        <li class={classes!("call-item", done.then_some("done"))} data-client-id={i.client_id.clone()} data-done={done.to_string()}>
            <div class="who">
                <b class="name">{ i.name.clone() }</b>
                <span class="kind">{ kind_label(p.lang, i.kind) }</span>
                { for i.phones.iter().map(|ph| html! {
                    <a class="btn dial" href={format!("tel:{ph}")} title={t.dial}>{ ph.clone() }</a>
                }) }
            </div>
            { last }
            if done {
                <p class="outcome-done">
                    { format!("{} {} {} · {}", t.called_by, i.done_by_name.clone().unwrap_or_default(),
                        i.done_at.as_deref().map(local_time).unwrap_or_default(),
                        i.outcome.clone().unwrap_or_default()) }
                </p>
            } else {
                <form class="mark" {onsubmit}>
                    <input class="outcome" type="text" placeholder={t.outcome} aria-label={t.outcome}
                        value={(*outcome).clone()} {oninput} />
                    { for t.outcomes.iter().map(|o| {
                        let (submit, text) = (submit.clone(), o.to_string());
                        html! { <button type="button" class="btn quick" disabled={*busy}
                            onclick={Callback::from(move |_: MouseEvent| submit.emit(text.clone()))}>{ *o }</button> }
                    }) }
                    <button type="submit" class="btn btn-primary mark-done" disabled={*busy || outcome.trim().is_empty()}>{ t.done }</button>
                </form>
            }
        </li>
    }
}
