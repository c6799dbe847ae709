//! The send log of client notifications (`/notifications`, operators and
//! up; issue 23, part 3): every message newest first, by delivery day and
//! status, with its client (a click opens the client's card beside the
//! log), order, kind, channel, address, status in colour, why it failed or
//! waits, and the text; clients' answers through the link ("Ответ клиента")
//! among them. "Раньше" loads the next page.

use rodnik_shared::api::{ClientCard, Notification, NotifyStatus};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::notify::LogQuery;
use crate::api::Api;
use crate::components::admin::{input_value, select_value};
use crate::components::notify::{error_text, status_badge};
use crate::components::ClientCardView;
use crate::i18n::notify::{channel_label, kind_label, status_label, texts, STATUSES};
use crate::state::use_app;

/// Messages per page.
const PAGE: usize = 50;

#[function_component]
pub fn NotifyLog() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let date = use_state(String::new);
    let status = use_state(|| None::<NotifyStatus>);
    let rows = use_state(|| None::<Result<Vec<Notification>, String>>);
    // The last page came full: there may be more.
    let more = use_state(|| false);
    let loading = use_state(|| false);
    let reloads = use_state(|| 0u32);
    // Answers to an older filter are dropped.
    let generation = use_mut_ref(|| 0u32);
    let card = use_state(|| None::<ClientCard>);
    let card_error = use_state(|| None::<String>);

    let query = |offset: usize| LogQuery {
        date: Some((*date).clone()),
        status: *status,
        limit: Some(PAGE),
        offset: Some(offset),
        ..LogQuery::default()
    };
    {
        let (rows, more, loading, generation, token) = (
            rows.clone(),
            more.clone(),
            loading.clone(),
            generation.clone(),
            token.clone(),
        );
        let q = query(0);
        use_effect_with(((*date).clone(), *status, *reloads), move |_| {
            let my = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            loading.set(true);
            spawn_local(async move {
                let got = Api::with_token(&token).notifications(&q).await;
                if *generation.borrow() != my {
                    return;
                }
                more.set(got.as_ref().is_ok_and(|l| l.len() >= PAGE));
                rows.set(Some(got.map_err(|e| e.message())));
                loading.set(false);
            });
        });
    }
    let load_more = {
        let (rows, more, loading, generation, token) = (
            rows.clone(),
            more.clone(),
            loading.clone(),
            generation.clone(),
            token.clone(),
        );
        let shown = match &*rows {
            Some(Ok(l)) => l.clone(),
            _ => vec![],
        };
        let q = query(shown.len());
        Callback::from(move |_: MouseEvent| {
            if *loading {
                return;
            }
            let my = *generation.borrow();
            loading.set(true);
            let (rows, more, loading, generation, token, q, shown) = (
                rows.clone(),
                more.clone(),
                loading.clone(),
                generation.clone(),
                token.clone(),
                q.clone(),
                shown.clone(),
            );
            spawn_local(async move {
                let got = Api::with_token(&token).notifications(&q).await;
                if *generation.borrow() != my {
                    return;
                }
                match got {
                    Ok(next) => {
                        more.set(next.len() >= PAGE);
                        // A message logged meanwhile shifts the pages: none twice.
                        let mut all = shown;
                        for n in next {
                            if !all.iter().any(|x| x.id == n.id) {
                                all.push(n);
                            }
                        }
                        rows.set(Some(Ok(all)));
                    }
                    Err(e) => rows.set(Some(Err(e.message()))),
                }
                loading.set(false);
            });
        })
    };
    let on_date = {
        let date = date.clone();
        Callback::from(move |e: InputEvent| date.set(input_value(&e)))
    };
    let all_days = {
        let date = date.clone();
        Callback::from(move |_: MouseEvent| date.set(String::new()))
    };
    let on_status = {
        let status = status.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            status.set(STATUSES.into_iter().find(|s| s.as_str() == v));
        })
    };
    let reload = {
        let reloads = reloads.clone();
        Callback::from(move |_: MouseEvent| reloads.set(*reloads + 1))
    };
    let open_client = {
        let (card, card_error, token) = (card.clone(), card_error.clone(), token.clone());
        Callback::from(move |id: String| {
            let (card, card_error, token) = (card.clone(), card_error.clone(), token.clone());
            card_error.set(None);
            spawn_local(async move {
                match Api::with_token(&token).client(&id).await {
                    Ok(c) => card.set(Some(c)),
                    Err(e) => card_error.set(Some(e.message())),
                }
            });
        })
    };
    let close_card = {
        let (card, card_error) = (card.clone(), card_error.clone());
        Callback::from(move |_: MouseEvent| {
            card.set(None);
            card_error.set(None);
        })
    };
    let on_card_changed = {
        let card = card.clone();
        Callback::from(move |c: ClientCard| card.set(Some(c)))
    };
    let open_id = card.as_ref().map(|c| c.client.id.clone());

    let row = |n: &Notification| {
        let onclick = {
            let (open_client, id) = (open_client.clone(), n.client_id.clone());
            Callback::from(move |_: MouseEvent| open_client.emit(id.clone()))
        };
        let open = open_id.as_deref() == Some(n.client_id.as_str());
        let why = error_text(lang, n);
        html! {
            <tr key={n.id.clone()} class={classes!("notify-row", open.then_some("selected"))}
                data-id={n.id.clone()} data-kind={n.kind.as_str()} data-channel={n.channel.as_str()}
                data-status={n.status.as_str()} data-client-id={n.client_id.clone()}
                data-order-number={n.order_number.map(|x| x.to_string())} data-date={n.date.clone()}>
                <td class="n-time" title={n.sent_at.as_deref().map(crate::clock::date_time_of).unwrap_or_default()}>
                    { crate::clock::date_time_of(&n.created_at) }
                </td>
                <td class="n-client">
                    if !n.client_id.is_empty() {
                        <button type="button" class="link notify-client" data-client-id={n.client_id.clone()}
                            title={t.open_card} {onclick}>{ n.client_name.clone() }</button>
                    }
                </td>
                <td class="n-order">{ n.order_number.map(|x| format!("№{x}")).unwrap_or_default() }</td>
                <td class="n-kind">{ kind_label(lang, n.kind) }</td>
                <td class="n-channel">{ channel_label(lang, n.channel) }</td>
                <td class="n-to">{ n.to.clone() }</td>
                <td class="n-status">{ status_badge(lang, n) }</td>
                <td class="n-error">{ why }</td>
                <td class="n-text" title={n.text.clone()}>{ n.text.clone() }</td>
            </tr>
        }
    };
    let body = match &*rows {
        None => html! { <p class="loading">{ lang.t().loading }</p> },
        Some(Err(e)) => html! { <p class="banner error" role="alert">{ e.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => {
            html! { <p id="notify-log-empty" class="muted">{ t.log_empty }</p> }
        }
        Some(Ok(list)) => html! {
            <div class="report-table-wrap notify-log-wrap">
                <table id="notify-log" class="report-table notify-log" data-count={list.len().to_string()}>
                    <thead>
                        <tr>
                            <th>{ t.c_time }</th>
                            <th>{ t.c_client }</th>
                            <th>{ t.c_order }</th>
                            <th>{ t.c_kind }</th>
                            <th>{ t.c_channel }</th>
                            <th>{ t.c_to }</th>
                            <th>{ t.c_status }</th>
                            <th>{ t.c_error }</th>
                            <th>{ t.c_text }</th>
                        </tr>
                    </thead>
                    <tbody>{ for list.iter().map(row) }</tbody>
                </table>
                if *more {
                    <button id="notify-more" type="button" class="btn btn-ghost" disabled={*loading}
                        onclick={load_more}>{ t.earlier }</button>
                }
            </div>
        },
    };
    html! {
        <section id="notify-page" class={classes!("notify-page", card.is_some().then_some("with-card"))}>
            <div class="reports-head notify-head">
                <h1>{ t.log_title }</h1>
                <span class="muted">{ t.log_hint }</span>
            </div>
            <div class="range notify-filters">
                <label>{ t.f_date }
                    <input id="notify-date" type="date" value={(*date).clone()} oninput={on_date} />
                </label>
                <button id="notify-all-days" type="button" class="btn preset" disabled={date.is_empty()}
                    onclick={all_days}>{ t.f_all_days }</button>
                <label>{ t.f_status }
                    <select id="notify-status" onchange={on_status}>
                        <option value="" selected={status.is_none()}>{ t.f_all_statuses }</option>
                        { for STATUSES.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={*status == Some(s)}>{ status_label(lang, s) }</option>
                        }) }
                    </select>
                </label>
                <button id="notify-reload" type="button" class="btn btn-ghost" disabled={*loading}
                    onclick={reload}>{ lang.t().reload }</button>
            </div>
            <div class="notify-body">
                <div class="notify-main">{ body }</div>
                if let Some(e) = &*card_error {
                    <aside id="notify-card" class="notify-card">
                        <button id="notify-card-close" type="button" class="btn btn-ghost close"
                            title={t.close_card} aria-label={t.close_card} onclick={close_card.clone()}>{ "×" }</button>
                        <p class="form-error" role="alert">{ e.clone() }</p>
                    </aside>
                } else if let Some(c) = &*card {
                    <aside id="notify-card" class="notify-card" data-client-id={c.client.id.clone()}>
                        <button id="notify-card-close" type="button" class="btn btn-ghost close"
                            title={t.close_card} aria-label={t.close_card} onclick={close_card}>{ "×" }</button>
                        <ClientCardView card={c.clone()} {lang} token={token.clone()} on_changed={on_card_changed} />
                    </aside>
                }
            </div>
        </section>
    }
}
