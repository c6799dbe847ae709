//! The board's toolbar: the day (previous, pick, next, back to today), the
//! day's figures, the cancelled-orders switch, the live status, reload.

use yew::prelude::*;

use super::shift_date;
use crate::api::live::LiveStatus;
use crate::components::LiveIndicator;
use crate::i18n::board::texts;
use crate::i18n::{long_date, Lang};
use crate::pages::today::summary;
use crate::state::OrdersState;

pub struct Toolbar<'a> {
    pub lang: Lang,
    pub date: &'a str,
    pub today: &'a str,
    pub orders: &'a OrdersState,
    pub show_cancelled: &'a UseStateHandle<bool>,
    pub live: LiveStatus,
    pub set_date: &'a Callback<String>,
    pub reload: &'a Callback<()>,
    /// "Оптимизировать день" (issue 21).
    pub on_optimise: &'a Callback<()>,
}

pub fn toolbar(p: Toolbar) -> Html {
    let Toolbar {
        lang, orders, live, ..
    } = p;
    let (t, bt) = (lang.t(), texts(lang));
    let (date, today) = (p.date.to_string(), p.today.to_string());
    let show_cancelled = p.show_cancelled;
    let step = |days: i64| {
        let set_date = p.set_date.clone();
        let date = date.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = shift_date(&date, days) {
                set_date.emit(d);
            }
        })
    };
    let on_pick_date = {
        let set_date = p.set_date.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            set_date.emit(input.value());
        })
    };
    let to_today = {
        let (set_date, today) = (p.set_date.clone(), today.clone());
        Callback::from(move |_: MouseEvent| set_date.emit(today.clone()))
    };
    let toggle_cancelled = {
        let show = show_cancelled.clone();
        Callback::from(move |_: Event| show.set(!*show))
    };
    let onreload = {
        let reload = p.reload.clone();
        Callback::from(move |_: MouseEvent| reload.emit(()))
    };
    let optimise = {
        let on = p.on_optimise.clone();
        Callback::from(move |_: MouseEvent| on.emit(()))
    };
    let pt = crate::i18n::planning::texts(lang);
    html! {
        <div class="toolbar">
            <div class="title">
                <h1>{ bt.title }</h1>
                <div class="day-nav">
                    <button id="board-prev" type="button" class="btn btn-ghost" title={bt.prev_day}
                        aria-label={bt.prev_day} onclick={step(-1)}>{ "‹" }</button>
                    <input id="board-date" type="date" value={date.clone()} onchange={on_pick_date} />
                    <button id="board-next" type="button" class="btn btn-ghost" title={bt.next_day}
                        aria-label={bt.next_day} onclick={step(1)}>{ "›" }</button>
                    if date != today {
                        <button id="board-today" type="button" class="btn btn-ghost" onclick={to_today}>
                            { bt.to_today }
                        </button>
                    }
                    <span class="date">{ long_date(lang, &date) }</span>
                </div>
            </div>
            { summary(lang, &orders, "board-summary",
                html! { <span class="sum" id="board-sum">{ crate::money::text(lang, orders.total()) }</span> }) }
            <div class="toolbar-right">
                <button id="plan-open" type="button" class="btn btn-primary" onclick={optimise}>
                    { pt.optimise }
                </button>
                <label class="check">
                    <input id="board-show-cancelled" type="checkbox" checked={**show_cancelled}
                        onchange={toggle_cancelled} />
                    { bt.show_cancelled }
                </label>
                if orders.loading {
                    <span class="loading">{ t.loading }</span>
                }
                <LiveIndicator status={live} {lang} />
                <button id="board-reload" type="button" class="btn btn-ghost" onclick={onreload}>
                    { t.reload }
                </button>
            </div>
        </div>
    }
}
