//! One piece of equipment, opened from the register: its model and note
//! (edited with the version seen), the office's moves its state allows
//! (to repair, back from repair, written off), each with a reason, and its
//! history. A change someone made meanwhile (409 `stale_version`) reloads
//! the card and says so; what was typed stays.

use rodnik_shared::api::{EquipmentAction, EquipmentEvent};
use rodnik_shared::EquipmentState;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::equipment::{errors_of, state_badge};
use super::{field_error, input_value, other_errors};
use crate::api::{new_idempotency_key, Api};
use crate::i18n::admin::texts;
use crate::i18n::equipment::{
    action_confirm, action_label, kind_label, reason_placeholder, state_label, texts as eq_texts,
};
use crate::i18n::Lang;
use crate::state::admin::equipment::*;
use crate::state::admin::Load;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub id: AttrValue,
    pub lang: Lang,
    pub token: AttrValue,
    /// Something changed: the register reloads.
    pub on_changed: Callback<()>,
    pub on_close: Callback<()>,
}

fn notice_kind(n: &Notice) -> &'static str {
    match n {
        Notice::Saved => "saved",
        Notice::Moved => "moved",
        Notice::Stale => "stale",
        Notice::Refused => "refused",
    }
}

#[function_component]
pub fn EquipmentCard(p: &CardProps) -> Html {
    let lang = p.lang;
    let (t, te) = (texts(lang), eq_texts(lang));
    let state = use_reducer(CardState::default);

    let reload = {
        let (d, token, id) = (state.dispatcher(), p.token.clone(), p.id.clone());
        Callback::from(move |_: ()| {
            d.dispatch(CardAction::Loading);
            let (d, token, id) = (d.clone(), token.clone(), id.clone());
            spawn_local(async move {
                d.dispatch(match Api::with_token(&token).equipment(&id).await {
                    Ok(detail) => CardAction::Loaded(detail),
                    Err(e) => CardAction::LoadFailed(e.message()),
                });
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(p.id.clone(), move |_| reload.emit(()));
    }
    // After a 409 or a change: the card and the register read it again.
    let refresh = {
        let (reload, on_changed) = (reload.clone(), p.on_changed.clone());
        Callback::from(move |_: ()| {
            reload.emit(());
            on_changed.emit(());
        })
    };

    let save = {
        let (state, token, id, refresh) = (
            state.clone(),
            p.token.clone(),
            p.id.clone(),
            refresh.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = state.equipment() else {
                return;
            };
            if state.saving {
                return;
            }
            let patch = match state.edit.patch(current, texts(lang)) {
                Ok(Some(p)) => p,
                Ok(None) => return,
                Err(errors) => return state.dispatch(CardAction::SaveFailed(errors)),
            };
            state.dispatch(CardAction::Saving);
            let (state, token, id, refresh) =
                (state.clone(), token.clone(), id.clone(), refresh.clone());
            spawn_local(async move {
                match Api::with_token(&token).patch_equipment(&id, &patch).await {
                    Ok(e) => {
                        state.dispatch(CardAction::Saved(e));
                        refresh.emit(());
                    }
                    Err(e) if e.is_stale() => {
                        state.dispatch(CardAction::Conflict(Notice::Stale));
                        refresh.emit(());
                    }
                    Err(e) => state.dispatch(CardAction::SaveFailed(errors_of(&e, lang))),
                }
            });
        })
    };

    let send_move = {
        let (state, token, id, refresh) = (
            state.clone(),
            p.token.clone(),
            p.id.clone(),
            refresh.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(current), Some(m)) = (state.equipment(), state.moving.as_ref()) else {
                return;
            };
            if m.busy {
                return;
            }
            let body = match m.request(current, eq_texts(lang)) {
                Ok(b) => b,
                Err(errors) => return state.dispatch(CardAction::MoveFailed(errors)),
            };
            let key = m.key_for(&body).unwrap_or_else(new_idempotency_key);
            state.dispatch(CardAction::Moving(key.clone(), body.clone()));
            let (state, token, id, refresh) =
                (state.clone(), token.clone(), id.clone(), refresh.clone());
            spawn_local(async move {
                match Api::with_token(&token)
                    .move_equipment(&id, &body, &key)
                    .await
                {
                    Ok(e) => {
                        state.dispatch(CardAction::Moved(e));
                        refresh.emit(());
                    }
                    Err(e) if e.is_stale() => {
                        state.dispatch(CardAction::Conflict(Notice::Stale));
                        refresh.emit(());
                    }
                    Err(e) if e.code() == Some("invalid_transition") => {
                        state.dispatch(CardAction::Conflict(Notice::Refused));
                        refresh.emit(());
                    }
                    Err(e) => state.dispatch(CardAction::MoveFailed(errors_of(&e, lang))),
                }
            });
        })
    };

    let close = p.on_close.reform(|_: MouseEvent| ());
    let busy = state.load == Load::Loading;
    let Some(e) = state.equipment() else {
        let body = match &state.load {
            Load::Failed(m) => html! {
                <p class="form-error" role="alert">{ format!("{}: {m}", t.load_failed) }</p>
            },
            _ => html! { <p class="muted">{ te.loading }</p> },
        };
        return html! {
            <aside id="equipment-card" class="equipment-card" data-id={p.id.clone()} aria-busy={busy.to_string()}>
                <div class="card-head">
                    <span></span>
                    <button id="equipment-card-close" type="button" class="btn btn-ghost" onclick={close}>{ te.close }</button>
                </div>
                { body }
            </aside>
        };
    };

    let notice = match &state.notice {
        Some(n) => {
            let (text, class) = match n {
                Notice::Saved => (te.saved, "ok"),
                Notice::Moved => (te.moved, "ok"),
                Notice::Stale => (te.stale, "warn"),
                Notice::Refused => (te.refused, "warn"),
            };
            html! {
                <p id="equipment-notice" class={classes!("eq-notice", class)} data-kind={notice_kind(n)} role="status">
                    { text }
                </p>
            }
        }
        None => html! {},
    };
    let edit = {
        let on_model = {
            let state = state.clone();
            Callback::from(move |e: InputEvent| {
                state.dispatch(CardAction::EditModel(input_value(&e)))
            })
        };
        let on_note = {
            let state = state.clone();
            Callback::from(move |e: InputEvent| {
                state.dispatch(CardAction::EditNote(input_value(&e)))
            })
        };
        let on_revert = {
            let state = state.clone();
            Callback::from(move |_: MouseEvent| state.dispatch(CardAction::Revert))
        };
        let edited = state.edited();
        let errors = &state.edit_errors;
        html! {
            <form id="equipment-edit" class={classes!("eq-edit", edited.then_some("dirty"))} onsubmit={save} novalidate=true>
                <h4>{ te.edit_title }</h4>
                <label for="equipment-edit-model">{ te.model }</label>
                <input id="equipment-edit-model" type="text" value={state.edit.model.clone()}
                    oninput={on_model} disabled={state.saving} />
                { field_error(errors, "model") }
                <label for="equipment-edit-note">{ te.note }</label>
                <input id="equipment-edit-note" type="text" value={state.edit.note.clone()}
                    oninput={on_note} disabled={state.saving} />
                { field_error(errors, "note") }
                <div class="eq-buttons">
                    <button id="equipment-edit-save" type="submit" class="btn btn-primary"
                        disabled={!edited || state.saving}>
                        { if state.saving { t.saving } else { t.save } }
                    </button>
                    if edited && !state.saving {
                        <button id="equipment-edit-revert" type="button" class="btn btn-ghost" onclick={on_revert}>
                            { t.revert }
                        </button>
                    }
                </div>
                { other_errors(errors, &["model", "note"]) }
            </form>
        }
    };

    let moves = {
        // Under an agreement the office does not move it: its stops do.
        let actions = if e.rental_number.is_some() {
            vec![]
        } else {
            allowed(e.state)
        };
        let open = |a: EquipmentAction| {
            let state = state.clone();
            Callback::from(move |_: MouseEvent| state.dispatch(CardAction::OpenMove(a)))
        };
        let buttons = actions.iter().map(|&a| {
            let current = state.moving.as_ref().is_some_and(|m| m.action == a);
            html! {
                <button id={format!("equipment-move-{}", action_slug(a))} type="button"
                    class={classes!("btn", "move", if current { "btn-primary" } else { "btn-ghost" },
                        (a == EquipmentAction::WriteOff).then_some("danger"))}
                    data-action={action_slug(a)} aria-expanded={current.to_string()}
                    disabled={state.moving.as_ref().is_some_and(|m| m.busy)} onclick={open(a)}>
                    { action_label(lang, a) }
                </button>
            }
        });
        let form = state.moving.as_ref().map(|m| {
            let on_reason = {
                let state = state.clone();
                Callback::from(move |e: InputEvent| state.dispatch(CardAction::Reason(input_value(&e))))
            };
            let on_cancel = {
                let state = state.clone();
                Callback::from(move |_: MouseEvent| state.dispatch(CardAction::CancelMove))
            };
            html! {
                <form id="equipment-move-form" class="eq-move-form" data-action={action_slug(m.action)}
                    onsubmit={send_move.clone()} novalidate=true>
                    <label for="equipment-move-reason">{ te.reason }</label>
                    <input id="equipment-move-reason" type="text" value={m.reason.clone()}
                        placeholder={reason_placeholder(lang, m.action)} oninput={on_reason}
                        disabled={m.busy} autofocus=true />
                    { field_error(&m.errors, "reason") }
                    if m.action == EquipmentAction::WriteOff {
                        <p class="warn">{ te.write_off_warning }</p>
                    }
                    <div class="eq-buttons">
                        <button id="equipment-move-confirm" type="submit"
                            class={classes!("btn", "btn-primary", (m.action == EquipmentAction::WriteOff).then_some("danger"))}
                            disabled={m.busy}>
                            { if m.busy { t.saving } else { action_confirm(lang, m.action) } }
                        </button>
                        <button id="equipment-move-cancel" type="button" class="btn btn-ghost"
                            disabled={m.busy} onclick={on_cancel}>{ t.cancel }</button>
                    </div>
                    { other_errors(&m.errors, &["reason"]) }
                </form>
            }
        });
        html! {
            <div id="equipment-moves" class="eq-moves">
                <h4>{ te.moves_title }</h4>
                if actions.is_empty() {
                    <p class="muted">{ te.no_moves }</p>
                } else {
                    <div class="eq-buttons">{ for buttons }</div>
                }
                { form.unwrap_or_default() }
            </div>
        }
    };

    let history = state.detail.as_ref().map_or(vec![], |d| d.history.clone());
    let client = match (&e.client_name, e.state) {
        (Some(name), EquipmentState::AtClient) => html! {
            <span class="eq-client">{ format!("{}: {name}", te.client) }</span>
        },
        _ => html! {},
    };
    html! {
        <aside id="equipment-card" class="equipment-card" data-id={e.id.clone()} data-serial={e.serial.clone()}
            data-state={e.state.as_str()} data-version={e.version.to_string()} aria-busy={busy.to_string()}>
            <div class="card-head">
                <h3 class="serial">{ e.serial.clone() }</h3>
                { state_badge(lang, e.state) }
                <button id="equipment-card-close" type="button" class="btn btn-ghost" onclick={close}>{ te.close }</button>
            </div>
            <p class="eq-sub">
                <span class="eq-kind">{ kind_label(lang, e.kind) }</span>{ " · " }
                <span class="eq-model">{ e.model.clone() }</span>
                { client }
            </p>
            if e.rental_number.is_some() || e.sanitized_on.is_some() {
                <p class="eq-rental">
                    if let Some(n) = e.rental_number {
                        <span class="eq-rental-number" data-number={n.to_string()}>
                            { match lang { Lang::Ru => format!("Договор аренды №{n}"), Lang::En => format!("Rental agreement №{n}") } }
                        </span>
                    }
                    if let Some(d) = &e.sanitized_on {
                        <span class="eq-sanitized" data-date={d.clone()}>
                            { match lang { Lang::Ru => format!(" · санобработка {}", crate::components::client_card::short_date(d)),
                                Lang::En => format!(" · sanitised {}", crate::components::client_card::short_date(d)) } }
                        </span>
                    }
                </p>
            }
            <p class="muted eq-dates">
                { format!("{} {} · {} {}", te.registered_on, crate::clock::date_time_of(&e.created_at),
                    te.changed_on, crate::clock::date_time_of(&e.updated_at)) }
            </p>
            // A failed reload keeps the card as it was, under a banner.
            if let Load::Failed(m) = &state.load {
                <p class="banner error">{ format!("{}: {m}", t.load_failed) }</p>
            }
            { notice }
            { moves }
            { edit }
            <h4>{ te.history }</h4>
            if history.is_empty() {
                <p class="muted">{ te.history_empty }</p>
            } else {
                <ol id="equipment-history" class="eq-history">
                    { for history.iter().map(|ev| event_row(ev, lang)) }
                </ol>
            }
        </aside>
    }
}

fn action_slug(a: EquipmentAction) -> &'static str {
    match a {
        EquipmentAction::Repair => "repair",
        EquipmentAction::Repaired => "repaired",
        EquipmentAction::WriteOff => "write_off",
    }
}

fn event_row(ev: &EquipmentEvent, lang: Lang) -> Html {
    let te = eq_texts(lang);
    let what = match ev.from {
        None => format!("{} ({})", te.registered, state_label(lang, ev.to)),
        Some(from) => format!("{} → {}", state_label(lang, from), state_label(lang, ev.to)),
    };
    html! {
        <li class="equipment-event" data-from={ev.from.map_or("", |s| s.as_str())} data-to={ev.to.as_str()}>
            <span class="when">{ crate::clock::date_time_of(&ev.at) }</span>
            <span class="move">{ what }</span>
            <span class="who muted">{ ev.by_name.clone() }</span>
            if let Some(r) = &ev.reason {
                <span class="reason">{ r.clone() }</span>
            }
            if let Some(n) = ev.order_number {
                <span class="reason order-number">{ match lang { Lang::Ru => format!("заказ №{n}"), Lang::En => format!("order №{n}") } }</span>
            }
        </li>
    }
}
