//! The equipment register (managers and admins; issue 19, item 3): every
//! cooler, pump and dispenser by serial number with where it is, filters
//! by state (with the counts), kind and serial, the form that registers a
//! piece, and the card of the piece clicked (`equipment_card.rs`).

use gloo_timers::future::TimeoutFuture;
use rodnik_shared::api::Equipment;
use rodnik_shared::{EquipmentKind, EquipmentState};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::equipment_card::EquipmentCard;
use super::table::{AdminTable, PanelBar};
use super::{errors_from, field_error, input_value, other_errors, select_value};
use crate::api::equipment::EquipmentQuery;
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::admin::texts;
use crate::i18n::equipment::{kind_label, state_label, texts as eq_texts};
use crate::i18n::Lang;
use crate::state::admin::equipment::*;
use crate::state::admin::Errors;
use crate::state::use_app;

pub fn tab_label(lang: Lang) -> &'static str {
    eq_texts(lang).tab
}

/// What a refused request means for the register's forms: `serial_taken`
/// at the serial, the serial's rule in the UI's language, else as every
/// admin panel says it.
pub fn errors_of(e: &ApiError, lang: Lang) -> Errors {
    let te = eq_texts(lang);
    match e {
        ApiError::Api { code, .. } if code == "serial_taken" => {
            vec![("serial".into(), te.serial_taken.into())]
        }
        ApiError::Api {
            field: Some(f),
            code,
            ..
        } if f == "serial" && code == "validation_failed" => {
            vec![("serial".into(), te.serial_format.into())]
        }
        _ => errors_from(e, texts(lang)),
    }
}

/// Every piece of the filter's kind and serial, and the state's own list
/// when that answer stopped at the limit.
async fn fetch(token: &str, f: &Filter) -> Result<Listing, ApiError> {
    let api = Api::with_token(token);
    let mut q = EquipmentQuery {
        state: None,
        kind: f.kind,
        serial: &f.serial,
        limit: LIMIT,
    };
    let all = api.equipment_list(&q).await?;
    let cut = all.len() >= LIMIT;
    let of_state = match f.state {
        Some(s) if cut => {
            q.state = Some(s);
            Some(api.equipment_list(&q).await?)
        }
        _ => None,
    };
    Ok(Listing { all, cut, of_state })
}

const STATES: [EquipmentState; 4] = [
    EquipmentState::InStock,
    EquipmentState::AtClient,
    EquipmentState::InRepair,
    EquipmentState::WrittenOff,
];

#[function_component]
pub fn EquipmentPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let (t, te) = (texts(lang), eq_texts(lang));
    let token = app.token().unwrap_or_default().to_string();
    let state = use_reducer(RegisterState::default);
    // The latest load asked for: an older answer (typing outran it) is dropped.
    let latest = use_mut_ref(|| 0u32);

    // Loads the list for a filter; `settle` waits for typing to pause first.
    let load = {
        let (d, token) = (state.dispatcher(), token.clone());
        Callback::from(move |(f, settle): (Filter, bool)| {
            *latest.borrow_mut() += 1;
            let mine = *latest.borrow();
            let (d, token, latest) = (d.clone(), token.clone(), latest.clone());
            spawn_local(async move {
                if settle {
                    TimeoutFuture::new(250).await;
                    if *latest.borrow() != mine {
                        return;
                    }
                }
                d.dispatch(RegisterAction::Loading);
                let r = fetch(&token, &f).await;
                if *latest.borrow() == mine {
                    d.dispatch(match r {
                        Ok(l) => RegisterAction::Loaded(l),
                        Err(e) => RegisterAction::LoadFailed(e.message()),
                    });
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit((Filter::default(), false)));
    }
    let reload = {
        let (load, f) = (load.clone(), state.filter.clone());
        Callback::from(move |_: ()| load.emit((f.clone(), false)))
    };

    let on_serial = {
        let (state, load) = (state.clone(), load.clone());
        Callback::from(move |e: InputEvent| {
            let f = Filter {
                serial: input_value(&e),
                ..state.filter.clone()
            };
            state.dispatch(RegisterAction::Filter(f.clone()));
            load.emit((f, true));
        })
    };
    let on_kind = {
        let (state, load) = (state.clone(), load.clone());
        Callback::from(move |e: Event| {
            let f = Filter {
                kind: select_value(&e).parse::<EquipmentKind>().ok(),
                ..state.filter.clone()
            };
            state.dispatch(RegisterAction::Filter(f.clone()));
            load.emit((f, false));
        })
    };
    let pick_state = |which: Option<EquipmentState>| {
        let (state, load) = (state.clone(), load.clone());
        Callback::from(move |_: MouseEvent| {
            let f = Filter {
                state: which,
                ..state.filter.clone()
            };
            state.dispatch(RegisterAction::Filter(f.clone()));
            if which.is_some() && state.state_needs_server() {
                load.emit((f, false));
            }
        })
    };
    let toggle_new = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(RegisterAction::NewToggle))
    };
    let create = {
        let (state, token, reload) = (state.clone(), token.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.new.busy {
                return;
            }
            let req = match state.new.draft.request(texts(lang), eq_texts(lang)) {
                Ok(r) => r,
                Err(errors) => return state.dispatch(RegisterAction::NewDone(Err(errors))),
            };
            let key = state.new.key.clone().unwrap_or_else(new_idempotency_key);
            state.dispatch(RegisterAction::NewBusy(key.clone()));
            let (state, token, reload) = (state.clone(), token.clone(), reload.clone());
            spawn_local(async move {
                match Api::with_token(&token).create_equipment(&req, &key).await {
                    Ok(e) => {
                        state.dispatch(RegisterAction::NewDone(Ok(e)));
                        reload.emit(());
                    }
                    Err(e) => state.dispatch(RegisterAction::NewDone(Err(errors_of(&e, lang)))),
                }
            });
        })
    };
    let on_close = {
        let state = state.clone();
        Callback::from(move |_: ()| state.dispatch(RegisterAction::Select(None)))
    };

    let listing = state.listing.clone().unwrap_or_default();
    let plus = if listing.cut { "+" } else { "" };
    let chip = |which: Option<EquipmentState>| {
        let n = listing.count(which);
        let current = state.filter.state == which;
        let label = which.map_or(te.all_states, |s| state_label(lang, s));
        html! {
            <button type="button" class={classes!("eq-state-filter", current.then_some("current"))}
                data-state={which.map_or("", |s| s.as_str())} data-count={n.to_string()}
                aria-pressed={current.to_string()} onclick={pick_state(which)}>
                { label }<span class="n">{ format!("{n}{plus}") }</span>
            </button>
        }
    };
    let visible = state.visible();
    let shown = visible.len();
    let body = visible
        .into_iter()
        .map(|e| equipment_row(e, &state, lang))
        .collect::<Html>();
    let head = html! {
        <>
            <th>{ te.serial }</th><th>{ te.kind }</th><th>{ te.model }</th>
            <th>{ te.state }</th><th>{ te.client }</th>
        </>
    };
    let card = state.selected.clone().map(|id| {
        let key = id.clone();
        html! {
            <EquipmentCard {key} {id} {lang} token={token.clone()} on_changed={reload.clone()} {on_close} />
        }
    });
    let filtered = state.filter != Filter::default();
    let count = format!("{} {}{plus}", t.total_count, listing.all.len());

    html! {
        <section id="admin-equipment" class="admin-panel equipment-panel" aria-labelledby="tab-equipment">
            <PanelBar title={te.title} {count} filter_id="equipment-serial" filter_label={te.serial_search}
                filter={state.filter.serial.clone()} on_filter={on_serial} new_id="new-equipment"
                new_label={te.new_equipment} new_open={state.new.open} on_new={toggle_new} {lang}>
                <select id="equipment-kind" class="kind-filter" aria-label={te.kind} onchange={on_kind}>
                    <option value="" selected={state.filter.kind.is_none()}>{ te.all_kinds }</option>
                    { for EquipmentKind::ALL.iter().map(|k| html! {
                        <option value={k.as_str()} selected={state.filter.kind == Some(*k)}>{ kind_label(lang, *k) }</option>
                    }) }
                </select>
            </PanelBar>
            <div id="equipment-states" class="eq-states" role="group" aria-label={te.state}>
                { chip(None) }
                { for STATES.iter().map(|s| chip(Some(*s))) }
            </div>
            if state.new.open {
                { new_equipment_form(&state, lang, create) }
            }
            if listing.cut {
                <p id="equipment-cut" class="hint warn">{ te.cut }</p>
            } else {
                <p class="hint muted">{ te.hint }</p>
            }
            <div class={classes!("equipment-body", state.selected.is_some().then_some("with-card"))}>
                <div class="equipment-list">
                    <AdminTable id="equipment-table" class="equipment" {lang} load={state.load.clone()}
                        loaded={state.listing.is_some()} {shown}
                        empty={if filtered { t.nothing_found } else { te.empty }}
                        cols={vec!["c-serial", "c-kind", "c-model", "c-state", "c-client"]} {head}>
                        { body }
                    </AdminTable>
                </div>
                { card }
            </div>
        </section>
    }
}

/// The state as a badge (`.eq-state.<state>`).
pub fn state_badge(lang: Lang, s: EquipmentState) -> Html {
    html! { <span class={classes!("eq-state", s.as_str())}>{ state_label(lang, s) }</span> }
}

fn equipment_row(e: &Equipment, state: &UseReducerHandle<RegisterState>, lang: Lang) -> Html {
    let selected = state.selected.as_deref() == Some(e.id.as_str());
    let touched = state.touched.as_deref() == Some(e.id.as_str());
    let open = {
        let (state, id) = (state.clone(), e.id.clone());
        move || state.dispatch(RegisterAction::Select(Some(id.clone())))
    };
    let onclick = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open())
    };
    let onkeydown = Callback::from(move |k: KeyboardEvent| {
        if k.key() == "Enter" || k.key() == " " {
            k.prevent_default();
            open();
        }
    });
    let title = match &e.note {
        Some(n) => format!("{} — {n}", e.model),
        None => e.model.clone(),
    };
    html! {
        <tr class={classes!("equipment-row", selected.then_some("selected"), touched.then_some("touched"),
                (e.state == EquipmentState::WrittenOff).then_some("written-off"))}
            data-id={e.id.clone()} data-serial={e.serial.clone()} data-state={e.state.as_str()}
            data-kind={e.kind.as_str()} data-version={e.version.to_string()}
            tabindex="0" aria-selected={selected.to_string()} {onclick} {onkeydown}>
            <td class="serial">{ e.serial.clone() }</td>
            <td class="eq-kind">{ kind_label(lang, e.kind) }</td>
            <td class="model" {title}>{ e.model.clone() }</td>
            <td class="state">{ state_badge(lang, e.state) }</td>
            <td class="client" title={e.client_name.clone().unwrap_or_default()}>
                { e.client_name.clone().unwrap_or_default() }
            </td>
        </tr>
    }
}

fn new_equipment_form(
    state: &UseReducerHandle<RegisterState>,
    lang: Lang,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let te = eq_texts(lang);
    let n = &state.new;
    let d = &n.draft;
    let on = |make: fn(String) -> DraftField| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(RegisterAction::NewEdit(make(input_value(&e))))
        })
    };
    let on_kind = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            if let Ok(k) = select_value(&e).parse::<EquipmentKind>() {
                state.dispatch(RegisterAction::NewEdit(DraftField::Kind(k)));
            }
        })
    };
    let placed = ["kind", "model", "serial", "note"];
    html! {
        <form id="new-equipment-form" class="admin-form" {onsubmit} novalidate=true>
            <div class="form-field">
                <label for="new-equipment-kind">{ te.kind }</label>
                <select id="new-equipment-kind" onchange={on_kind} disabled={n.busy}>
                    { for EquipmentKind::ALL.iter().map(|k| html! {
                        <option value={k.as_str()} selected={*k == d.kind}>{ kind_label(lang, *k) }</option>
                    }) }
                </select>
                { field_error(&n.errors, "kind") }
            </div>
            <div class="form-field wide">
                <label for="new-equipment-model">{ te.model }</label>
                <input id="new-equipment-model" type="text" value={d.model.clone()} oninput={on(DraftField::Model)}
                    disabled={n.busy} placeholder={te.model_placeholder} />
                { field_error(&n.errors, "model") }
            </div>
            <div class="form-field wide">
                <label for="new-equipment-serial">{ te.serial }</label>
                <input id="new-equipment-serial" type="text" autocomplete="off" value={d.serial.clone()}
                    oninput={on(DraftField::Serial)} disabled={n.busy} placeholder={te.serial_placeholder} />
                { field_error(&n.errors, "serial") }
            </div>
            <div class="form-field wide">
                <label for="new-equipment-note">{ te.note }</label>
                <input id="new-equipment-note" type="text" value={d.note.clone()} oninput={on(DraftField::Note)}
                    disabled={n.busy} />
                { field_error(&n.errors, "note") }
            </div>
            <div class="form-actions">
                <button id="new-equipment-save" type="submit" class="btn btn-primary" disabled={n.busy}>
                    { if n.busy { te.registering } else { te.register } }
                </button>
            </div>
            <div class="form-foot">{ other_errors(&n.errors, &placed) }</div>
        </form>
    }
}
