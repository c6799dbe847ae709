//! "Оптимизировать день" on the board (issue 21): choose the couriers
//! (the day's, not off, by default), the search time and whether stops may
//! move between couriers; `POST /api/plans`, then `GET /api/plans/{id}`
//! every 500 ms with a progress bar; when done, the preview: totals before
//! and after, each route's stops in the new order with their ETAs (moved
//! ones marked with where they were), the stops without a point and those
//! nobody can take, and a map of the routes. "Принять" applies it
//! (`Idempotency-Key` per plan) and shows what was applied and skipped;
//! "Отмена" cancels it.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use rodnik_shared::api::{NewPlan, Order, Plan, PlanState, PlannedRoute, User};
use rodnik_shared::OrderState;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::RouteMap;
use crate::api::{Api, ApiError};
use crate::i18n::planning::{
    applied, hours, km, late_by, progress, seconds, signed, stops, texts, was_pos,
};
use crate::i18n::{long_date, Lang};
use crate::state::planning::{figures, route_colour, running, state_code, stop_move, StopMove};

/// How often a running plan is asked about.
const POLL_MS: u32 = 500;
/// The search times offered, in seconds.
const TIME_LIMITS: [u64; 5] = [5, 10, 20, 30, 60];

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Choosing what to optimise.
    Form,
    Starting,
    /// Running, done (the preview), failed, cancelled or accepted.
    Plan(Box<Plan>),
    Accepting(Box<Plan>),
}

#[derive(Properties, PartialEq)]
pub struct OptimiseProps {
    pub date: AttrValue,
    pub couriers: Vec<User>,
    /// The board's orders (the day's, and those waiting for a date).
    pub orders: Rc<Vec<Order>>,
    pub token: AttrValue,
    pub lang: Lang,
    pub on_close: Callback<()>,
    /// A plan was accepted: the board reads the day again.
    pub on_accepted: Callback<()>,
}

#[function_component]
pub fn OptimiseDialog(p: &OptimiseProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let date = p.date.to_string();
    // Couriers with stops out for delivery that day.
    let with_stops: BTreeSet<String> = p
        .orders
        .iter()
        .filter(|o| o.delivery_date == date && o.state == OrderState::Delivery)
        .filter_map(|o| o.courier_id.clone())
        .collect();
    let off = use_state(BTreeSet::<String>::new);
    let chosen = use_state(|| None::<BTreeSet<String>>);
    let time_limit = use_state(|| 10u64);
    let reassign = use_state(|| true);
    let stage = use_state(|| Stage::Form);
    let note = use_state(|| None::<String>);
    // Bumped to stop a poll (cancel, close, unmount).
    let poll_gen: Rc<RefCell<u32>> = use_mut_ref(|| 0);

    // Who is off, from the planning settings (they cannot be chosen).
    {
        let (off, token) = (off.setter(), p.token.to_string());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(s) = Api::with_token(&token).planning_settings().await {
                    off.set(
                        s.couriers
                            .into_iter()
                            .filter(|c| c.off)
                            .map(|c| c.courier_id)
                            .collect(),
                    );
                }
            });
        });
    }
    {
        let poll_gen = poll_gen.clone();
        use_effect_with((), move |_| move || *poll_gen.borrow_mut() += 1);
    }
    let default_set: BTreeSet<String> = with_stops.difference(&off).cloned().collect();
    let selected: BTreeSet<String> = (*chosen).clone().unwrap_or_else(|| default_set.clone());

    let poll = {
        let (stage, note, token, poll_gen) = (
            stage.setter(),
            note.setter(),
            p.token.to_string(),
            poll_gen.clone(),
        );
        Rc::new(move |first: Plan| {
            let my = {
                let mut g = poll_gen.borrow_mut();
                *g += 1;
                *g
            };
            let (stage, note, token, poll_gen) =
                (stage.clone(), note.clone(), token.clone(), poll_gen.clone());
            let id = first.id.clone();
            let go_on = running(&first);
            stage.set(Stage::Plan(Box::new(first)));
            if !go_on {
                return;
            }
            spawn_local(async move {
                let api = Api::with_token(&token);
                loop {
                    TimeoutFuture::new(POLL_MS).await;
                    if *poll_gen.borrow() != my {
                        return;
                    }
                    match api.plan(&id).await {
                        Ok(plan) => {
                            if *poll_gen.borrow() != my {
                                return;
                            }
                            let more = running(&plan);
                            stage.set(Stage::Plan(Box::new(plan)));
                            if !more {
                                return;
                            }
                        }
                        // No answer: ask again (the job runs on the server).
                        Err(ApiError::Network(_)) => {}
                        Err(e) => {
                            note.set(Some(e.message()));
                            return;
                        }
                    }
                }
            });
        })
    };

    let on_start = {
        let (stage, note, token, poll, selected, default_set, date) = (
            stage.clone(),
            note.clone(),
            p.token.to_string(),
            poll.clone(),
            selected.clone(),
            default_set.clone(),
            date.clone(),
        );
        let (time_limit, reassign) = (*time_limit, *reassign);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if selected.is_empty() {
                note.set(Some(t.o_none_chosen.to_string()));
                return;
            }
            let req = NewPlan {
                date: date.clone(),
                // The server's own default (the day's couriers, not off)
                // unless the dispatcher chose otherwise.
                courier_ids: (selected != default_set).then(|| selected.iter().cloned().collect()),
                time_limit_ms: Some(time_limit * 1000),
                reassign: Some(reassign),
            };
            stage.set(Stage::Starting);
            note.set(None);
            let (stage, note, token, poll, date) = (
                stage.clone(),
                note.clone(),
                token.clone(),
                poll.clone(),
                date.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                let key = crate::api::new_idempotency_key();
                match api.start_plan(&req, &key).await {
                    Ok(plan) => poll(plan),
                    Err(e) if e.code() == Some("plan_running") => {
                        // Someone started this day already: follow theirs.
                        let theirs = api
                            .plans_on(&date)
                            .await
                            .ok()
                            .and_then(|l| l.into_iter().find(running));
                        match theirs {
                            Some(plan) => {
                                note.set(Some(texts(lang).o_already_running.to_string()));
                                poll(plan);
                            }
                            None => {
                                note.set(Some(e.message()));
                                stage.set(Stage::Form);
                            }
                        }
                    }
                    Err(e) => {
                        let (field, m) = e.field_error(lang);
                        note.set(Some(if field.is_empty() {
                            m
                        } else {
                            format!("{field}: {m}")
                        }));
                        stage.set(Stage::Form);
                    }
                }
            });
        })
    };

    let cancel_plan = {
        let (stage, note, token, poll_gen, on_close) = (
            stage.clone(),
            note.clone(),
            p.token.to_string(),
            poll_gen.clone(),
            p.on_close.clone(),
        );
        Callback::from(move |close: bool| {
            let id = match &*stage {
                Stage::Plan(plan) => plan.id.clone(),
                _ => {
                    on_close.emit(());
                    return;
                }
            };
            *poll_gen.borrow_mut() += 1;
            let (stage, note, token, on_close) =
                (stage.clone(), note.clone(), token.clone(), on_close.clone());
            spawn_local(async move {
                match Api::with_token(&token).cancel_plan(&id).await {
                    Ok(plan) => {
                        if close {
                            on_close.emit(());
                        } else {
                            stage.set(Stage::Plan(Box::new(plan)));
                        }
                    }
                    Err(e) => note.set(Some(e.message())),
                }
            });
        })
    };

    let on_accept = {
        let (stage, note, token, on_accepted) = (
            stage.clone(),
            note.clone(),
            p.token.to_string(),
            p.on_accepted.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Stage::Plan(plan) = &*stage else {
                return;
            };
            let plan = plan.clone();
            stage.set(Stage::Accepting(plan.clone()));
            note.set(None);
            let (stage, note, token, on_accepted) = (
                stage.clone(),
                note.clone(),
                token.clone(),
                on_accepted.clone(),
            );
            spawn_local(async move {
                // One key per plan: a retry after a lost answer gets the first one.
                let key = format!("plan:{}:accept", plan.id);
                match Api::with_token(&token).accept_plan(&plan.id, &key).await {
                    Ok(done) => {
                        stage.set(Stage::Plan(Box::new(done)));
                        on_accepted.emit(());
                    }
                    Err(e) => {
                        note.set(Some(e.message()));
                        stage.set(Stage::Plan(plan));
                    }
                }
            });
        })
    };

    let close = {
        let (on_close, poll_gen) = (p.on_close.clone(), poll_gen.clone());
        Callback::from(move |_: MouseEvent| {
            *poll_gen.borrow_mut() += 1;
            on_close.emit(());
        })
    };

    let names: HashMap<String, String> = p
        .couriers
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let body = match &*stage {
        Stage::Form | Stage::Starting => {
            let starting = *stage == Stage::Starting;
            let toggle = |id: String| {
                let (chosen, selected) = (chosen.clone(), selected.clone());
                Callback::from(move |_: Event| {
                    let mut next = selected.clone();
                    if !next.remove(&id) {
                        next.insert(id.clone());
                    }
                    chosen.set(Some(next));
                })
            };
            let on_time = {
                let time_limit = time_limit.clone();
                Callback::from(move |e: Event| {
                    let v = e
                        .target_unchecked_into::<web_sys::HtmlSelectElement>()
                        .value();
                    time_limit.set(v.parse().unwrap_or(10));
                })
            };
            let on_reassign = {
                let reassign = reassign.clone();
                Callback::from(move |_: Event| reassign.set(!*reassign))
            };
            html! {
                <form id="plan-form" class="plan-form" onsubmit={on_start} novalidate=true>
                    <fieldset id="plan-couriers" class="plan-couriers">
                        <legend>{ t.o_couriers }</legend>
                        { for p.couriers.iter().map(|c| {
                            let is_off = off.contains(&c.id);
                            let has = with_stops.contains(&c.id);
                            let n = p.orders.iter().filter(|o| o.delivery_date == date
                                && o.courier_id.as_deref() == Some(c.id.as_str())
                                && o.state == OrderState::Delivery).count();
                            html! {
                                <label class={classes!("check", is_off.then_some("off"))}>
                                    <input type="checkbox" data-courier-id={c.id.clone()}
                                        checked={selected.contains(&c.id)} disabled={is_off || starting}
                                        onchange={toggle(c.id.clone())} />
                                    <span class="name">{ c.name.clone() }</span>
                                    <span class="muted">{
                                        if is_off { t.o_off.to_string() }
                                        else if has { stops(lang, n) }
                                        else { t.o_no_stops.to_string() }
                                    }</span>
                                </label>
                            }
                        }) }
                    </fieldset>
                    <div class="plan-options">
                        <label for="plan-time-limit">{ t.o_time_limit }</label>
                        <select id="plan-time-limit" onchange={on_time} disabled={starting}>
                            { for TIME_LIMITS.iter().map(|s| html! {
                                <option value={s.to_string()} selected={*time_limit == *s}>{ seconds(lang, *s) }</option>
                            }) }
                        </select>
                        <label class="check">
                            <input id="plan-reassign" type="checkbox" checked={*reassign}
                                onchange={on_reassign} disabled={starting} />
                            { t.o_reassign }
                        </label>
                        if !*reassign {
                            <span class="muted">{ format!("({})", t.o_reassign_off) }</span>
                        }
                    </div>
                    <div class="plan-buttons">
                        <button id="plan-start" type="submit" class="btn btn-primary" disabled={starting || selected.is_empty()}>
                            { if starting { t.o_starting } else { t.o_start } }
                        </button>
                        <button type="button" class="btn btn-ghost" onclick={close.clone()}>{ t.o_close }</button>
                    </div>
                </form>
            }
        }
        Stage::Plan(plan) | Stage::Accepting(plan) => {
            let accepting = matches!(&*stage, Stage::Accepting(_));
            plan_view(
                lang,
                plan,
                &names,
                &p.orders,
                accepting,
                &on_accept,
                &cancel_plan,
                &close,
            )
        }
    };
    html! {
        <div class="plan-overlay">
            <section id="plan" class="plan-dialog" role="dialog" aria-modal="true" data-date={date.clone()}>
                <header class="plan-head">
                    <h2>{ format!("{} · {}", t.optimise_title, long_date(lang, &date)) }</h2>
                    <button id="plan-close-x" type="button" class="btn btn-ghost close" title={t.o_close}
                        aria-label={t.o_close} onclick={close.clone()}>{ "×" }</button>
                </header>
                if let Some(n) = &*note {
                    <p id="plan-note" class="banner" role="status">{ n.clone() }</p>
                }
                { body }
            </section>
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_view(
    lang: Lang,
    plan: &Plan,
    names: &HashMap<String, String>,
    orders: &[Order],
    accepting: bool,
    on_accept: &Callback<MouseEvent>,
    cancel_plan: &Callback<bool>,
    close: &Callback<MouseEvent>,
) -> Html {
    let t = texts(lang);
    let state = state_code(plan.state);
    match plan.state {
        PlanState::Running => {
            let pct = plan.progress.percent.min(100);
            let cancel = cancel_plan.reform(|_: MouseEvent| false);
            html! {
                <div id="plan-running" class="plan-running" data-plan-id={plan.id.clone()} data-state={state}>
                    <p>{ t.o_running }</p>
                    <div id="plan-progress" class="plan-progress" data-percent={pct.to_string()}
                        data-elapsed={plan.progress.elapsed_ms.to_string()}
                        role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow={pct.to_string()}>
                        <span style={format!("width:{pct}%")}></span>
                    </div>
                    <p id="plan-progress-text" class="muted">{ progress(lang, pct, plan.progress.elapsed_ms) }</p>
                    <div class="plan-buttons">
                        <button id="plan-cancel" type="button" class="btn" onclick={cancel}>{ t.o_cancel }</button>
                    </div>
                </div>
            }
        }
        PlanState::Failed | PlanState::Cancelled => html! {
            <div id="plan-ended" class="plan-ended" data-plan-id={plan.id.clone()} data-state={state}>
                <p class={classes!((plan.state == PlanState::Failed).then_some("form-error"))}>
                    { if plan.state == PlanState::Failed {
                        format!("{}: {}", t.o_failed, plan.error.clone().unwrap_or_default())
                    } else {
                        t.o_cancelled.to_string()
                    } }
                </p>
                <div class="plan-buttons">
                    <button id="plan-close" type="button" class="btn btn-primary" onclick={close.clone()}>{ t.o_close }</button>
                </div>
            </div>
        },
        PlanState::Done | PlanState::Accepted => {
            let done = plan.state == PlanState::Done;
            let cancel = cancel_plan.reform(|_: MouseEvent| true);
            html! {
                <div id="plan-preview" class="plan-preview" data-plan-id={plan.id.clone()} data-state={state}>
                    if let Some(a) = &plan.accepted {
                        <div id="plan-accepted" class="banner ok" data-applied={a.applied.to_string()}
                            data-skipped={a.skipped.len().to_string()} role="status">
                            <p>{ applied(lang, a.applied) }</p>
                            if !a.skipped.is_empty() {
                                <p>{ format!("{}:", t.o_skipped) }</p>
                                <ul id="plan-skipped">
                                    { for a.skipped.iter().map(|s| html! {
                                        <li class="plan-skipped" data-order-id={s.order_id.clone()}
                                            data-number={s.number.to_string()} data-reason={s.reason.clone()}>
                                            { format!("№{} — {}", s.number, skip_reason(lang, &s.reason)) }
                                        </li>
                                    }) }
                                </ul>
                            }
                        </div>
                    }
                    <div class="plan-columns">
                        <div class="plan-left">
                            { totals(lang, plan) }
                            <div id="plan-routes" class="plan-routes">
                                { for plan.routes.iter().enumerate().map(|(i, r)| route_view(lang, i, r, names)) }
                            </div>
                            { id_list(lang, "plan-unplaced", t.o_unplaced, &plan.unplaced, orders) }
                            { id_list(lang, "plan-unassigned", t.o_unassigned, &plan.unassigned, orders) }
                        </div>
                        <div class="plan-right">
                            <h3>{ t.o_map }</h3>
                            <RouteMap routes={plan.routes.clone()} {lang} />
                        </div>
                    </div>
                    <div class="plan-buttons">
                        if done {
                            <button id="plan-accept" type="button" class="btn btn-primary" disabled={accepting}
                                onclick={on_accept.clone()}>{ if accepting { t.o_accepting } else { t.o_accept } }</button>
                            <button id="plan-cancel" type="button" class="btn" disabled={accepting}
                                onclick={cancel}>{ t.o_cancel }</button>
                        } else {
                            <button id="plan-close" type="button" class="btn btn-primary" onclick={close.clone()}>{ t.o_close }</button>
                        }
                    </div>
                </div>
            }
        }
    }
}

fn skip_reason(lang: Lang, reason: &str) -> String {
    let t = texts(lang);
    match reason {
        "changed" => t.o_skip_changed.to_string(),
        "not_on_route" => t.o_skip_not_on_route.to_string(),
        other => other.to_string(),
    }
}

/// The totals before and after, and the change (green when better).
fn totals(lang: Lang, plan: &Plan) -> Html {
    let t = texts(lang);
    let Some(f) = figures(plan) else {
        return html! {};
    };
    let unit_km = if lang == Lang::Ru { "км" } else { "km" };
    let row = |key: &'static str,
               label: &'static str,
               before: String,
               after: String,
               change: String,
               delta: f64| {
        let class = if delta < -1e-9 {
            "better"
        } else if delta > 1e-9 {
            "worse"
        } else {
            "same"
        };
        html! {
            <tr data-row={key}>
                <th>{ label }</th>
                <td class="before">{ before }</td>
                <td class="after">{ after }</td>
                <td class={classes!("change", class)}>{ change }</td>
            </tr>
        }
    };
    let pct = |c: &crate::state::planning::Change| {
        if c.before.abs() < 1e-9 {
            String::new()
        } else {
            format!(" ({:+.0}%)", c.percent()).replace('-', "−")
        }
    };
    let whole = |v: f64| format!("{v:.0}");
    let whole_delta = |v: f64| match v {
        v if v > 0.5 => format!("+{v:.0}"),
        v if v < -0.5 => format!("−{:.0}", -v),
        _ => "0".into(),
    };
    let minutes = (f.hours.delta() * 60.0).round();
    let hours_change = if minutes.abs() < 0.5 {
        "0".to_string()
    } else {
        format!(
            "{}{}",
            if minutes < 0.0 { "−" } else { "+" },
            hours(lang, minutes.abs() / 60.0)
        )
    };
    html! {
        <table id="plan-totals" class="plan-totals" data-moved={f.moved.to_string()} data-reordered={f.reordered.to_string()}>
            <thead><tr><th></th><th>{ t.o_now }</th><th>{ t.o_after }</th><th>{ t.o_change }</th></tr></thead>
            <tbody>
                { row("km", t.o_km, km(lang, f.km.before), km(lang, f.km.after),
                    format!("{}{}", signed(lang, f.km.delta(), unit_km), pct(&f.km)), f.km.delta()) }
                { row("hours", t.o_hours, hours(lang, f.hours.before), hours(lang, f.hours.after),
                    hours_change, f.hours.delta()) }
                { row("late", t.o_late, whole(f.late.before), whole(f.late.after),
                    whole_delta(f.late.delta()), f.late.delta()) }
                { row("couriers", t.o_couriers_row, whole(f.couriers.before), whole(f.couriers.after),
                    whole_delta(f.couriers.delta()), 0.0) }
            </tbody>
        </table>
    }
}

fn route_view(lang: Lang, i: usize, r: &PlannedRoute, names: &HashMap<String, String>) -> Html {
    let t = texts(lang);
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    html! {
        <section class="plan-route" data-courier-id={r.courier_id.clone()}
            data-km={format!("{:.1}", r.km)} data-stops={r.stops.len().to_string()}>
            <h3>
                <span class="swatch" style={format!("background:{}", route_colour(i))}></span>
                <span class="name">{ r.courier_name.clone() }</span>
                <span class="muted">{ format!("{} · {} ({} {}) · {}", stops(lang, r.stops.len()),
                    km(lang, r.km), t.o_was_pos, km(lang, r.km_before), hours(lang, r.hours)) }</span>
            </h3>
            <ol class="plan-stops">
                { for r.stops.iter().enumerate().map(|(k, s)| {
                    let mv = stop_move(r, k + 1, s);
                    let moved = match &mv {
                        StopMove::Same => String::new(),
                        StopMove::Reordered { was } => was_pos(lang, *was),
                        StopMove::Moved { from, was } => match was {
                            Some(w) => format!("{} {} ({})", t.o_moved_from, name_of(from), was_pos(lang, *w)),
                            None => format!("{} {}", t.o_moved_from, name_of(from)),
                        },
                    };
                    html! {
                        <li class={classes!("plan-stop", mv.code(), s.fixed.then_some("fixed"),
                                (s.late_minutes > 0).then_some("late"))}
                            data-order-id={s.order_id.clone()} data-number={s.number.to_string()}
                            data-move={mv.code()} data-eta={s.eta.clone().unwrap_or_default()}
                            data-from={match &mv { StopMove::Moved { from, .. } => from.clone(), _ => String::new() }}>
                            <span class="pos">{ k + 1 }</span>
                            <span class="eta">{ s.eta.clone().map(|e| format!("≈ {e}")).unwrap_or_else(|| "—".into()) }</span>
                            <span class="num">{ format!("№{}", s.number) }</span>
                            <span class="who" title={s.address.clone()}>{ format!("{} · {}", s.client_name, s.address) }</span>
                            if let Some(w) = &s.window {
                                <span class="window">{ w.replace('-', "–") }</span>
                            }
                            if s.late_minutes > 0 {
                                <span class="late-badge">{ late_by(lang, s.late_minutes) }</span>
                            }
                            if !moved.is_empty() {
                                <span class="move-note">{ moved }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if !r.reloads.is_empty() || r.brk.is_some() {
                <p class="muted plan-extras">
                    { for r.reloads.iter().map(|at| html! { <span class="reload">{ format!("{} {at}", t.o_reload) }</span> }) }
                    if let Some(b) = &r.brk {
                        <span class="break">{ format!("{} {}–{}", t.o_break, b.from, b.to) }</span>
                    }
                </p>
            }
        </section>
    }
}

/// Orders named by id (unplaced, unassigned), with their numbers as the board knows them.
fn id_list(
    lang: Lang,
    id: &'static str,
    title: &'static str,
    ids: &[String],
    orders: &[Order],
) -> Html {
    let _ = lang;
    if ids.is_empty() {
        return html! {};
    }
    html! {
        <div id={id} class="plan-list">
            <h4>{ title }</h4>
            <ul>
                { for ids.iter().map(|oid| {
                    let o = orders.iter().find(|o| &o.id == oid);
                    html! {
                        <li data-order-id={oid.clone()} data-number={o.map(|o| o.number.to_string()).unwrap_or_default()}>
                            { match o {
                                Some(o) => format!("№{} · {} · {}", o.number, o.client_name, o.address.text),
                                None => oid.clone(),
                            } }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
