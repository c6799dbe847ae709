//! The day in numbers: stops delivered, not delivered and left, the cash and
//! the empties collected (closes still queued on the phone count, and how many
//! of them are not sent yet is shown).

use yew::prelude::*;

use super::rub;
use crate::i18n::courier::texts;
use crate::i18n::{long_date, Lang};
use crate::state::courier::Summary;

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub lang: Lang,
    pub date: Option<String>,
    pub summary: Summary,
}

#[function_component]
pub fn DaySummary(p: &SummaryProps) -> Html {
    let ct = texts(p.lang);
    let s = p.summary;
    let row = |id: &'static str, label: &'static str, value: String, data: String| {
        html! {
            <div class="sum-row">
                <dt>{ label }</dt>
                <dd id={id} data-value={data}>{ value }</dd>
            </div>
        }
    };
    html! {
        <section id="day-summary" class="day-summary">
            <h2>
                { ct.summary_title }
                if let Some(d) = &p.date {
                    <span class="date">{ long_date(p.lang, d) }</span>
                }
            </h2>
            <dl class="sum-counts">
                { row("sum-delivered", ct.sum_delivered, s.delivered.to_string(), s.delivered.to_string()) }
                { row("sum-failed", ct.sum_failed, s.failed.to_string(), s.failed.to_string()) }
                if s.moved > 0 {
                    { row("sum-moved", ct.sum_moved, s.moved.to_string(), s.moved.to_string()) }
                }
                { row("sum-left", ct.sum_left, s.left.to_string(), s.left.to_string()) }
            </dl>
            <dl class="sum-money">
                { row("sum-cash", ct.sum_cash, rub(p.lang, s.cash), s.cash.0.to_string()) }
                { row("sum-empties", ct.sum_empties, s.empties.to_string(), s.empties.to_string()) }
                { row("sum-cash-left", ct.sum_cash_left, rub(p.lang, s.cash_due_left), s.cash_due_left.0.to_string()) }
                if s.unsent > 0 {
                    { row("sum-unsent", ct.sum_unsent, s.unsent.to_string(), s.unsent.to_string()) }
                }
            </dl>
        </section>
    }
}
