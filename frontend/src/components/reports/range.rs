//! The date range of a report: two dates and the presets managers use most.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format::{iso, parse, preset, Preset};
use crate::i18n::reports::texts;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct RangePickerProps {
    pub lang: Lang,
    pub from: String,
    pub to: String,
    /// The browser's today, for the presets.
    pub today: String,
    pub on_change: Callback<(String, String)>,
}

#[function_component]
pub fn RangePicker(p: &RangePickerProps) -> Html {
    let t = texts(p.lang);
    let on_from = {
        let (cb, to) = (p.on_change.clone(), p.to.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if parse(&v).is_some() {
                // A start after the end moves the end along.
                let end = if v > to { v.clone() } else { to.clone() };
                cb.emit((v, end));
            }
        })
    };
    let on_to = {
        let (cb, from) = (p.on_change.clone(), p.from.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if parse(&v).is_some() {
                let start = if v < from { v.clone() } else { from.clone() };
                cb.emit((start, v));
            }
        })
    };
    let today = parse(&p.today);
    let button = |id: &'static str, label: &'static str, which: Preset| {
        let Some(today) = today else {
            return html! {};
        };
        let (from, to) = preset(today, which);
        let (from, to) = (iso(from), iso(to));
        let current = p.from == from && p.to == to;
        let onclick = {
            let cb = p.on_change.clone();
            Callback::from(move |_: MouseEvent| cb.emit((from.clone(), to.clone())))
        };
        html! {
            <button type="button" {id} class={classes!("btn", "preset", current.then_some("current"))}
                aria-pressed={current.to_string()} {onclick}>{ label }</button>
        }
    };
    html! {
        <div class="range" id="range">
            <label>{ t.from }<input id="range-from" type="date" value={p.from.clone()} onchange={on_from} /></label>
            <label>{ t.to }<input id="range-to" type="date" value={p.to.clone()} onchange={on_to} /></label>
            { button("preset-this-month", t.this_month, Preset::ThisMonth) }
            { button("preset-last-month", t.last_month, Preset::LastMonth) }
            { button("preset-this-year", t.this_year, Preset::ThisYear) }
        </div>
    }
}
