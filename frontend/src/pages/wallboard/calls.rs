//! The wallboard's manager view: today's calls per operator (offered,
//! answered, missed, called back, mean talk, orders per answered call),
//! fetched again a moment after the live channel reports calls or orders.

use rodnik_shared::api::{OperatorCalls, WallboardCalls};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::components::reports::format::ratio;
use crate::i18n::wallboard::texts;
use crate::i18n::Lang;
use crate::state::history::talk_time;

/// How long after a call or order event the figures are fetched: a burst
/// of events costs one request.
const SETTLE_MS: u32 = 1500;

#[derive(Properties, PartialEq)]
pub struct CallsProps {
    pub token: AttrValue,
    pub lang: Lang,
    /// Changes when the live channel (re)connects or reports a call or an order.
    pub tick: u32,
}

#[function_component]
pub fn WallboardCallsPanel(p: &CallsProps) -> Html {
    let wt = texts(p.lang);
    let figures = use_state(|| None::<WallboardCalls>);
    {
        let (figures, token) = (figures.clone(), p.token.clone());
        use_effect_with(p.tick, move |tick| {
            let fetch = move || {
                spawn_local(async move {
                    // A failed fetch keeps the last figures: the next event retries.
                    if let Ok(f) = Api::with_token(&token).wallboard_calls().await {
                        figures.set(Some(f));
                    }
                })
            };
            let delay = if *tick == 0 { 0 } else { SETTLE_MS };
            let timer = gloo_timers::callback::Timeout::new(delay, fetch);
            move || drop(timer)
        });
    }
    let Some(f) = &*figures else {
        return html! { <section id="wb-calls" class="wb-calls" aria-busy="true"></section> };
    };
    let lang = p.lang;
    let row = |o: &OperatorCalls, class: &'static str, name: String| {
        html! {
            <tr class={classes!("wb-op", class)} data-user-id={o.user_id.clone().unwrap_or_default()}>
                <td class="name">{ name }</td>
                <td class="n offered">{ o.offered }</td>
                <td class="n answered">{ o.answered }</td>
                <td class="n missed">{ o.missed }</td>
                <td class="n called-back">{ o.called_back }</td>
                <td class="n talk">{ talk_time(o.avg_talk_seconds) }</td>
                <td class="n per-call">{ ratio(lang, o.orders_per_answered) }</td>
            </tr>
        }
    };
    html! {
        <section id="wb-calls" class="wb-calls" data-date={f.date.clone()}>
            <h2>{ wt.calls_title }</h2>
            if f.operators.is_empty() {
                <p class="muted">{ wt.no_operators }</p>
            } else {
                <table class="wb-calls-table">
                    <thead>
                        <tr>
                            <th>{ wt.operator }</th>
                            <th class="n">{ wt.c_offered }</th>
                            <th class="n">{ wt.c_answered }</th>
                            <th class="n">{ wt.c_missed }</th>
                            <th class="n">{ wt.c_called_back }</th>
                            <th class="n">{ wt.c_talk }</th>
                            <th class="n">{ wt.c_per_call }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for f.operators.iter().map(|o| row(o, "", o.name.clone())) }
                    </tbody>
                    <tfoot>
                        { row(&f.total, "total", wt.all_operators.to_string()) }
                    </tfoot>
                </table>
            }
        </section>
    }
}
