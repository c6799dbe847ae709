//! The order form's delivery windows (issue 21): the coming days' windows
//! ranked (the best first, then the feasible ones by the time they add to a
//! route, then the ones that cannot be promised, with why), each with its
//! courier and expected arrival. A click takes the window's date, window
//! and courier; the one the form holds is marked.

use yew::prelude::*;

use crate::i18n::planning::{added_minutes, day_label, slot_reason, slot_reason_code, texts};
use crate::i18n::Lang;
use crate::state::planning::{ranked, ChosenSlot, SlotChoice, SlotsView};

#[derive(Properties, PartialEq)]
pub struct SlotsProps {
    pub view: SlotsView,
    /// The slot the form holds, when its date, window and courier still match.
    pub held: Option<ChosenSlot>,
    pub today: chrono::NaiveDate,
    pub lang: Lang,
    pub busy: bool,
    pub on_choose: Callback<SlotChoice>,
    /// A refusal of the chosen slot (409 `slot_taken`).
    #[prop_or_default]
    pub error: Option<String>,
}

#[function_component]
pub fn SlotsPanel(p: &SlotsProps) -> Html {
    let t = texts(p.lang);
    let state = match &p.view {
        SlotsView::None => "none",
        SlotsView::Loading(..) => "loading",
        SlotsView::Ready(..) => "ready",
        SlotsView::Failed(..) => "failed",
    };
    let error = p.error.as_ref().map(|m| {
        html! {
            <p id="slot-taken" class="field-error" data-field="slot" role="alert">
                { format!("{}: {m}", t.slot_taken) }
            </p>
        }
    });
    if matches!(p.view, SlotsView::None) && error.is_none() {
        // Always one element here: the form's children keep their places.
        return html! { <div id="slots-box" class="slots-box" data-state="none" hidden=true></div> };
    }
    let list = |slots: &rodnik_shared::api::Slots| {
        let list = ranked(slots);
        let any = list.iter().any(|c| c.feasible);
        html! {
            <>
                if !any {
                    <p id="slots-none" class="muted slots-note">{ t.slots_none }</p>
                }
                <ol id="slots" class="slots">
                    { for list.into_iter().map(|c| slot_row(p, c)) }
                </ol>
            </>
        }
    };
    let body = match &p.view {
        SlotsView::Loading(_, Some(last)) => list(last),
        SlotsView::None | SlotsView::Loading(_, None) => {
            html! { <p class="muted slots-note">{ t.slots_loading }</p> }
        }
        SlotsView::Failed(_, e) => {
            html! { <p id="slots-error" class="muted slots-note">{ format!("{}: {e}", t.slots_error) }</p> }
        }
        SlotsView::Ready(_, slots) => list(slots),
    };
    html! {
        <div id="slots-box" class="slots-box" data-state={state}>
            <div class="slots-head">
                <span class="slots-title">{ t.slots_title }</span>
                <span class="muted">{ t.slot_hint }</span>
            </div>
            { body }
            { for error }
        </div>
    }
}

fn slot_row(p: &SlotsProps, c: SlotChoice) -> Html {
    let t = texts(p.lang);
    let held = p.held.as_ref() == Some(&c.chosen()) && c.feasible;
    let onclick = {
        let (on_choose, c) = (p.on_choose.clone(), c.clone());
        Callback::from(move |_: MouseEvent| on_choose.emit(c.clone()))
    };
    let what = if c.feasible {
        let mut parts = vec![c.courier_name.clone().unwrap_or_default()];
        if let Some(e) = &c.eta {
            parts.push(format!("≈ {e}"));
        }
        if let Some(m) = c.added_minutes {
            parts.push(added_minutes(p.lang, m));
        }
        parts.retain(|s| !s.is_empty());
        parts.join(" · ")
    } else {
        c.reason
            .map(|r| slot_reason(p.lang, r).to_string())
            .unwrap_or_default()
    };
    html! {
        <li class={classes!("slot", c.feasible.then_some("feasible"), (!c.feasible).then_some("infeasible"),
                c.best.then_some("best"), held.then_some("chosen"))}
            data-date={c.date.clone()} data-window={c.window.clone()}
            data-courier-id={c.courier_id.clone().unwrap_or_default()}
            data-feasible={c.feasible.to_string()}
            data-reason={c.reason.map(slot_reason_code).unwrap_or_default()}
            data-added={c.added_minutes.map(|m| m.to_string()).unwrap_or_default()}>
            <button type="button" class="slot-pick" disabled={!c.feasible || p.busy} {onclick}
                aria-pressed={held.to_string()}>
                <span class="slot-day">{ day_label(p.lang, &c.date, p.today) }</span>
                <span class="slot-window">{ c.window.replace('-', "–") }</span>
                <span class="slot-what">{ what }</span>
                if c.best {
                    <span class="slot-badge best">{ t.slot_best }</span>
                }
                if held {
                    <span class="slot-badge chosen">{ t.slot_chosen }</span>
                }
            </button>
        </li>
    }
}
