//! What the courier must notice: how fresh the route on screen is, what the
//! dispatcher changed on it, closes the server refused, and the stops failed today.

use yew::prelude::*;

use super::clock;
use crate::api::live::LiveStatus;
use crate::components::board::local_time;
use crate::components::LiveIndicator;
use crate::i18n::courier::{ago, conflict_text, note_text, texts};
use crate::i18n::{long_date, Lang};
use crate::state::courier::{Conflict, ConflictKind, FailedStop, Note};

#[derive(Properties, PartialEq)]
pub struct FreshnessProps {
    pub lang: Lang,
    pub live: LiveStatus,
    /// The browser believes it has a network (`navigator.onLine`).
    pub online: bool,
    pub fetched_at: Option<f64>,
    pub now: f64,
    pub loading: bool,
    pub on_reload: Callback<()>,
}

/// "Live", or the time of the saved route and how old it is.
#[function_component]
pub fn Freshness(p: &FreshnessProps) -> Html {
    let t = p.lang.t();
    let ct = texts(p.lang);
    let live = p.online && p.live == LiveStatus::Online;
    let (state, text) = match p.fetched_at {
        None => ("none", ct.never_loaded.to_string()),
        Some(at) if live => ("live", format!("{} {}", ct.as_of, clock(at))),
        Some(at) => (
            "cached",
            format!(
                "{} {} · {}",
                ct.as_of,
                clock(at),
                ago(p.lang, (p.now - at) / 1000.0)
            ),
        ),
    };
    let onclick = {
        let on_reload = p.on_reload.clone();
        Callback::from(move |_: MouseEvent| on_reload.emit(()))
    };
    let status = if p.online {
        p.live
    } else {
        LiveStatus::Offline
    };
    html! {
        <div id="route-fresh" class={classes!("fresh", state)} data-state={state}
            data-fetched-at={p.fetched_at.map(|f| format!("{f:.0}")).unwrap_or_default()}>
            <LiveIndicator {status} lang={p.lang} />
            <span class="fresh-text">{ text }</span>
            <button id="route-reload" type="button" class="btn reload" {onclick}
                disabled={p.loading} aria-label={t.reload} title={t.reload}>{ "↻" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NotesProps {
    pub lang: Lang,
    pub notes: Vec<Note>,
    pub on_dismiss: Callback<u32>,
}

/// Live changes of the route, newest first, each until dismissed.
#[function_component]
pub fn Notes(p: &NotesProps) -> Html {
    if p.notes.is_empty() {
        return html! {};
    }
    let ct = texts(p.lang);
    let item = |n: &Note| {
        let onclick = {
            let (on_dismiss, id) = (p.on_dismiss.clone(), n.id);
            Callback::from(move |_: MouseEvent| on_dismiss.emit(id))
        };
        let kind = match n.kind {
            crate::state::courier::NoteKind::Added => "added",
            crate::state::courier::NoteKind::Removed => "removed",
            crate::state::courier::NoteKind::Changed => "changed",
        };
        let o = &n.order;
        html! {
            <li key={n.id} class={classes!("route-note", kind)} data-kind={kind} data-id={o.id.clone()}>
                <span>{ note_text(p.lang, n.kind, o.number, &o.client_name, &o.address.text) }</span>
                <button type="button" class="btn dismiss" {onclick} aria-label={ct.dismiss}>{ "×" }</button>
            </li>
        }
    };
    html! {
        <ul id="route-notes" class="route-notes" role="status" aria-live="polite">
            { for p.notes.iter().rev().map(item) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConflictsProps {
    pub lang: Lang,
    pub conflicts: Vec<Conflict>,
    pub on_dismiss: Callback<String>,
}

/// Closes the server refused, said plainly, until the courier has read them.
#[function_component]
pub fn Conflicts(p: &ConflictsProps) -> Html {
    if p.conflicts.is_empty() {
        return html! {};
    }
    let ct = texts(p.lang);
    let item = |c: &Conflict| {
        let onclick = {
            let (on_dismiss, key) = (p.on_dismiss.clone(), c.key.clone());
            Callback::from(move |_: MouseEvent| on_dismiss.emit(key.clone()))
        };
        let kind = match c.kind {
            ConflictKind::NotYours => "not_yours",
            ConflictKind::Changed => "changed",
            ConflictKind::AlreadyClosed => "already_closed",
            ConflictKind::Refused => "refused",
        };
        let what = super::close_text(p.lang, &c.close);
        let o = &c.order;
        html! {
            <li key={c.key.clone()} class={classes!("conflict", kind)} data-id={o.id.clone()}
                data-kind={kind} data-key={c.key.clone()} role="alert">
                <b class="conflict-title">
                    { format!("{} · №{} · {}", ct.conflict_title, o.number, o.client_name) }
                </b>
                <span class="conflict-address">{ o.address.text.clone() }</span>
                <span class="conflict-text">{ conflict_text(p.lang, c.kind) }</span>
                if c.kind == ConflictKind::Refused && !c.message.is_empty() {
                    <span class="conflict-message">{ format!("{}: {}", ct.refused, c.message) }</span>
                }
                <span class="conflict-close">{ what }</span>
                <button type="button" class="btn big dismiss" {onclick}>{ ct.dismiss }</button>
            </li>
        }
    };
    html! {
        <ul id="conflicts" class="conflicts">{ for p.conflicts.iter().map(item) }</ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct FailedProps {
    pub lang: Lang,
    pub failed: Vec<FailedStop>,
}

/// Stops failed today on this device (the server takes them off the route).
#[function_component]
pub fn FailedStops(p: &FailedProps) -> Html {
    if p.failed.is_empty() {
        return html! {};
    }
    let ct = texts(p.lang);
    html! {
        <section id="failed-stops" class="failed-stops">
            <h2>{ ct.failed_title }</h2>
            <ul>
                { for p.failed.iter().map(|f| html! {
                    <li class={classes!("failed-stop", f.moved_to.as_ref().map(|_| "moved"))} data-id={f.order.id.clone()}
                        data-moved-to={f.moved_to.clone().unwrap_or_default()}>
                        <span class="num">{ format!("№{}", f.order.number) }</span>
                        <span class="who">{ f.order.client_name.clone() }</span>
                        <span class="where">{ f.order.address.text.clone() }</span>
                        <span class="why">{ match &f.moved_to {
                            Some(d) => format!("{} · {} {}: {}", local_time(&f.at), ct.moved_to, long_date(p.lang, d), f.reason),
                            None => format!("{} · {}", local_time(&f.at), f.reason),
                        } }</span>
                    </li>
                }) }
            </ul>
        </section>
    }
}
