//! The wallboard (`/wallboard`): today's deliveries for a big screen, live,
//! with no interaction needed. Opened with a read-only link
//! (`/wallboard?key=...`, remembered by the browser) or by a signed-in
//! manager, who also sees the operators' calls (`calls`). It reconnects and reloads on its own, follows the clock to mark
//! late stops, and moves to the next day after midnight.//!
//! `feed` loads and follows the day.

mod calls;
mod feed;

use chrono::{FixedOffset, NaiveTime, Timelike};
use gloo_storage::{LocalStorage, Storage};
use rodnik_shared::api::WallboardCourier;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::live::LiveAuth;
use crate::app::Route;
use crate::components::board::{local_time, window_text};
use crate::components::LiveIndicator;
use crate::i18n::wallboard::texts;
use crate::i18n::{long_date, Lang};
use crate::state::planning::at_risk;
use crate::state::wallboard::{late, rows, ticker, totals, CourierRow, Stats, TickKind};
use crate::state::{use_app, OrdersState};

const KEY_STORE: &str = "rodnik.wallboard";

/// The link's key from `?key=` (remembered), and the remembered one.
fn wallboard_key() -> (Option<String>, Option<String>) {
    let from_url = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| {
            search
                .trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("key="))
                .and_then(|v| js_sys::decode_uri_component(v).ok())
                .map(String::from)
        })
        .filter(|k| !k.is_empty());
    if let Some(k) = &from_url {
        let _ = LocalStorage::set(KEY_STORE, k);
    }
    (from_url, LocalStorage::get::<String>(KEY_STORE).ok())
}

/// The company's UTC offset and time of day (to the minute), and now.
fn clock() -> (FixedOffset, NaiveTime, f64) {
    let ms = crate::clock::now_ms();
    let t = crate::clock::local(ms).time();
    let time = NaiveTime::from_hms_opt(t.hour(), t.minute(), 0).unwrap_or_default();
    (crate::clock::offset_at(ms), time, ms)
}

#[function_component]
pub fn Wallboard() -> Html {
    let app = use_app();
    let lang = app.lang;
    let wt = texts(lang);
    let key = use_memo((), |_| wallboard_key());
    let manager_token = app
        .session
        .as_ref()
        .filter(|s| s.user.role.is_manager_or_up())
        .map(|s| s.token.clone());
    // A link in the address wins; then a signed-in manager (their own
    // view); then the link this screen remembers.
    let auth = match (&*key, manager_token) {
        ((Some(k), _), _) => Some(LiveAuth::Wallboard(k.clone())),
        ((None, _), Some(t)) => Some(LiveAuth::Token(t)),
        ((None, Some(k)), None) => Some(LiveAuth::Wallboard(k.clone())),
        ((None, None), None) => None,
    };
    // The manager's view (signed in, not a link) adds the operators' calls.
    let manager_view = match &auth {
        Some(LiveAuth::Token(t)) => Some(t.clone()),
        _ => None,
    };
    let calls_tick = use_state(|| 0u32);
    let calls_seen = use_mut_ref(|| 0u32);
    let on_calls_news = {
        let calls_tick = calls_tick.setter();
        Callback::from(move |_: ()| {
            let mut n = calls_seen.borrow_mut();
            *n += 1;
            calls_tick.set(*n);
        })
    };
    let orders = use_reducer(|| OrdersState::new(crate::clock::today()));
    let couriers = use_state(Vec::<WallboardCourier>::new);
    let denied = use_state(|| false);
    let now = use_state(clock);
    let updated = use_state(|| None::<f64>);
    let etas = use_state(Vec::<rodnik_shared::api::Eta>::new);
    let live = feed::use_wallboard_feed(
        &auth,
        &orders,
        &etas,
        &couriers,
        &denied,
        &updated,
        &now,
        on_calls_news,
    );
    // Expected arrivals (issue 21): the snapshot brings them; asked again a
    // moment after the orders change and every minute (a manager's view
    // with the session, a link's screen through its snapshot).
    {
        let sig = crate::components::planning::etas::signature(orders.orders.iter());
        let (etas, auth) = (etas.setter(), auth.clone());
        crate::components::planning::etas::use_refresh(
            (orders.date.clone(), sig),
            Callback::from(move |_: ()| {
                let (etas, auth) = (etas.clone(), auth.clone());
                yew::platform::spawn_local(async move {
                    let got = match &auth {
                        Some(LiveAuth::Token(t)) => crate::api::Api::with_token(t).etas(None).await,
                        Some(LiveAuth::Wallboard(k)) => crate::api::Api::anonymous()
                            .wallboard(Some(k))
                            .await
                            .map(|snap| snap.etas),
                        None => return,
                    };
                    // No answer keeps the last one.
                    if let Ok(list) = got {
                        etas.set(list);
                    }
                });
            }),
        );
    }
    if *denied || auth.is_none() {
        return html! {
            <section id="wallboard" class="wallboard denied" data-state="denied">
                <p class="wb-denied">{ wt.no_access }</p>
                <Link<Route> to={Route::Login} classes="btn btn-primary">{ wt.sign_in }</Link<Route>>
            </section>
        };
    }

    let (offset, time, _) = *now;
    let date = orders.date.clone();
    let couriers_rows = rows(&orders.orders, &couriers, &date, offset);
    let total = totals(&couriers_rows);
    let late_stops = late(&orders.orders, &date, time);
    let ticks = ticker(&orders.orders, &date, 10);
    // Stops expected late or at risk (issue 21), beyond those already late.
    let risky: Vec<(rodnik_shared::api::Order, crate::state::planning::EtaMark)> =
        at_risk(&orders.orders, &etas)
            .into_iter()
            .filter(|(o, _)| {
                o.delivery_date == date && !late_stops.iter().any(|(l, _)| l.id == o.id)
            })
            .map(|(o, m)| (o.clone(), m))
            .collect();
    let pt = crate::i18n::planning::texts(lang);

    html! {
        <section id="wallboard" class="wallboard" data-date={date.clone()}
            aria-busy={orders.loading.to_string()}>
            <header class="wb-head">
                <h1>{ wt.title }</h1>
                <span class="wb-date">{ long_date(lang, &date) }</span>
                <span id="wb-clock" class="wb-clock">{ time.format("%H:%M").to_string() }</span>
                <span class="wb-right">
                    if let Some(at) = *updated {
                        <span class="wb-updated">{ format!("{} {}", wt.updated, hhmm(at)) }</span>
                    }
                    <LiveIndicator status={live} {lang} />
                </span>
            </header>
            if let Some(e) = &orders.error {
                <p class="banner error" role="alert">{ e.clone() }</p>
            }
            <div id="wb-totals" class="wb-totals">
                { big("wb-total-done", wt.done, format!("{}", total.done), "done") }
                { big("wb-total-failed", wt.failed, total.failed.to_string(), "failed") }
                { big("wb-total-left", wt.left, total.left.to_string(), "left") }
                { big("wb-total-cash", wt.cash, crate::money::text(lang, total.cash), "cash") }
                { big("wb-total-bottles", wt.bottles, total.bottles.to_string(), "bottles") }
            </div>
            <div class="wb-main">
                <div class="wb-left">
                <table id="wb-couriers" class="wb-couriers">
                    <thead>
                        <tr>
                            <th>{ wt.courier }</th>
                            <th class="wb-bar-col"></th>
                            <th class="n">{ wt.done }</th>
                            <th class="n">{ wt.failed }</th>
                            <th class="n">{ wt.left }</th>
                            <th class="n">{ wt.cash }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for couriers_rows.iter().map(|r| courier_row(r, lang)) }
                    </tbody>
                </table>
                if let Some(token) = manager_view {
                    <calls::WallboardCallsPanel {token} {lang} tick={*calls_tick} />
                }
                </div>
                <aside class="wb-side">
                    // Only with arrivals to go by (a link the server refuses has none).
                    if !etas.is_empty() {
                    <section id="wb-risk" class="wb-late wb-risk">
                        <h2>{ pt.risk_title }<b class="count">{ risky.len() }</b></h2>
                        if risky.is_empty() {
                            <p class="muted">{ pt.risk_none }</p>
                        } else {
                            <ul>
                                { for risky.iter().take(6).map(|(o, m)| html! {
                                    <li class={classes!("wb-risk-stop", m.flag.code().replace('_', "-"))}
                                        data-id={o.id.clone()} data-flag={m.flag.code()}
                                        data-eta={m.eta.clone().unwrap_or_default()}>
                                        <span class="num">{ format!("№{}", o.number) }</span>
                                        <span class="who">{ o.client_name.clone() }</span>
                                        <span class="mins">{ match m.flag {
                                            crate::state::planning::EtaFlag::Late =>
                                                crate::i18n::planning::late_by(lang, m.late_minutes),
                                            _ => pt.at_risk.to_string(),
                                        } }</span>
                                        <span class="where">{ format!("≈ {} · {} · {}", m.eta.clone().unwrap_or_default(),
                                            window_text(o.window), o.courier_name.clone().unwrap_or_else(|| wt.nobody.to_string())) }</span>
                                    </li>
                                }) }
                            </ul>
                        }
                    </section>
                    }
                    <section id="wb-late" class="wb-late">
                        <h2>{ wt.late_title }<b class="count">{ late_stops.len() }</b></h2>
                        if late_stops.is_empty() {
                            <p class="muted">{ wt.no_late }</p>
                        } else {
                            <ul>
                                { for late_stops.iter().take(8).map(|(o, min)| html! {
                                    <li class="wb-late-stop" data-id={o.id.clone()}>
                                        <span class="num">{ format!("№{}", o.number) }</span>
                                        <span class="who">{ o.client_name.clone() }</span>
                                        <span class="mins">{ format!("{min} {}", wt.minutes_late) }</span>
                                        <span class="where">{ format!("{} · {} · {}", o.address.text,
                                            window_text(o.window), o.courier_name.clone().unwrap_or_else(|| wt.nobody.to_string())) }</span>
                                    </li>
                                }) }
                            </ul>
                        }
                    </section>
                    <section id="wb-ticker" class="wb-ticker">
                        <h2>{ wt.ticker_title }</h2>
                        if ticks.is_empty() {
                            <p class="muted">{ wt.quiet }</p>
                        } else {
                            <ul>
                                { for ticks.iter().map(|t| {
                                    let (class, what) = match &t.kind {
                                        TickKind::Created => ("created", wt.created.to_string()),
                                        TickKind::Delivered => ("delivered", format!("{}{}", wt.delivered,
                                            t.courier.as_ref().map(|c| format!(" · {c}")).unwrap_or_default())),
                                        TickKind::Failed(r) => ("failed", format!("{}: {r}", wt.failed_event)),
                                        TickKind::Cancelled => ("cancelled", wt.cancelled.to_string()),
                                    };
                                    html! {
                                        <li class={classes!("wb-tick", class)}>
                                            <span class="when">{ local_time(&t.at) }</span>
                                            <span class="num">{ format!("№{}", t.number) }</span>
                                            <span class="who">{ t.client.clone() }</span>
                                            <span class="what">{ what }</span>
                                        </li>
                                    }
                                }) }
                            </ul>
                        }
                    </section>
                </aside>
            </div>
        </section>
    }
}

fn big(id: &'static str, label: &'static str, value: String, class: &'static str) -> Html {
    html! {
        <div id={id} class={classes!("wb-big", class)}>
            <span class="value">{ value }</span>
            <span class="label">{ label }</span>
        </div>
    }
}

fn courier_row(r: &CourierRow, lang: Lang) -> Html {
    let wt = texts(lang);
    let Stats {
        done,
        failed,
        left,
        cash,
        ..
    } = r.stats;
    let pct = r.stats.percent();
    let done_pct = r.stats.done_percent();
    let name = r.name.clone().unwrap_or_else(|| {
        if r.id.is_none() {
            wt.nobody.to_string()
        } else {
            "—".into()
        }
    });
    html! {
        <tr class={classes!("wb-row", r.id.is_none().then_some("nobody"))}
            data-courier-id={r.id.clone().unwrap_or_default()}>
            <td class="name">{ name }</td>
            <td class="wb-bar-col">
                <div class="wb-bar" title={format!("{pct}%")}>
                    <span class="ok" style={format!("width:{done_pct}%")}></span>
                    <span class="bad" style={format!("width:{}%", pct - done_pct)}></span>
                </div>
            </td>
            <td class="n done">{ done }</td>
            <td class="n failed">{ failed }</td>
            <td class="n left">{ left }</td>
            <td class="n cash">{ crate::money::number(lang, cash) }</td>
        </tr>
    }
}

fn hhmm(ms: f64) -> String {
    crate::clock::hhmm(ms)
}
