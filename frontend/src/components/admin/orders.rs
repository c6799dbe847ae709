//! The company's order settings (admin, manager): what happens to a stop a
//! courier moves to another day at the door; and the reasons the company
//! keeps (cancel, fail, move), which admins edit and managers read.

use rodnik_shared::api::{
    CreateReason, OrderSettings, OtherDayRule, PatchReason, Reason, ReasonKind,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::use_loader;
use crate::api::Api;
use crate::i18n::Lang;
use crate::state::use_app;

struct Texts {
    title: &'static str,
    other_day: &'static str,
    to_dispatch: &'static str,
    to_route: &'static str,
    save: &'static str,
    saved: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            title: "Orders",
            other_day: "A courier moves a stop to another day at the door",
            to_dispatch: "Back to dispatch, with the day proposed (dispatch accepts or changes it)",
            to_route: "Straight onto that day's route of the same courier",
            save: "Save",
            saved: "Saved",
        },
        Lang::Ru => Texts {
            title: "Заказы",
            other_day: "Курьер переносит доставку на другой день",
            to_dispatch: "Вернуть диспетчеру с предложенным днём (диспетчер принимает или меняет)",
            to_route: "Сразу в маршрут этого курьера на тот день",
            save: "Сохранить",
            saved: "Сохранено",
        },
    }
}

pub fn tab_label(lang: Lang) -> &'static str {
    texts(lang).title
}

#[function_component]
pub fn OrderSettingsPanel() -> Html {
    let app = use_app();
    let t = texts(app.lang);
    let token = app.token().unwrap_or_default().to_string();
    let settings = use_state(|| None::<OrderSettings>);
    let chosen = use_state(|| None::<OtherDayRule>);
    let note = use_state(|| None::<Result<(), String>>);

    {
        let (settings, token) = (settings.setter(), token.clone());
        let note = note.setter();
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).order_settings().await }
            },
            Callback::noop(),
            Callback::from(
                move |r: Result<OrderSettings, crate::api::ApiError>| match r {
                    Ok(s) => settings.set(Some(s)),
                    Err(e) => note.set(Some(Err(e.to_string()))),
                },
            ),
        );
    }
    let current = (*chosen).or(settings.as_ref().map(|s| s.other_day));
    let pick = |rule: OtherDayRule| {
        let (chosen, note) = (chosen.clone(), note.clone());
        Callback::from(move |_: Event| {
            chosen.set(Some(rule));
            note.set(None);
        })
    };
    let onsubmit = {
        let (settings, chosen, note, token) = (
            settings.clone(),
            chosen.clone(),
            note.clone(),
            token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(rule) = *chosen else {
                return;
            };
            let (settings, chosen, note, token) = (
                settings.clone(),
                chosen.clone(),
                note.clone(),
                token.clone(),
            );
            spawn_local(async move {
                // The rest of the settings as they were read.
                let kept = (*settings).clone().unwrap_or_default();
                let put = OrderSettings {
                    other_day: rule,
                    ..kept
                };
                match Api::with_token(&token).put_order_settings(&put).await {
                    Ok(s) => {
                        settings.set(Some(s));
                        chosen.set(None);
                        note.set(Some(Ok(())));
                    }
                    Err(e) => note.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let option = |rule: OtherDayRule, value: &'static str, label: &'static str| {
        html! {
            <label class="radio-option">
                <input type="radio" name="other-day" {value} checked={current == Some(rule)}
                    onchange={pick(rule)} />
                <span>{ label }</span>
            </label>
        }
    };
    let status = match &*note {
        Some(Ok(())) => {
            html! { <span id="order-settings-saved" class="ok" role="status">{ t.saved }</span> }
        }
        Some(Err(e)) => html! { <span class="form-error" role="alert">{ e.clone() }</span> },
        None => html! {},
    };
    html! {
        <form id="order-settings" class="panel settings-form" {onsubmit}
            data-other-day={match settings.as_ref().map(|s| s.other_day) {
                Some(OtherDayRule::ToRoute) => "to_route",
                Some(OtherDayRule::ToDispatch) => "to_dispatch",
                None => "",
            }}>
            <h2>{ t.title }</h2>
            <fieldset>
                <legend>{ t.other_day }</legend>
                { option(OtherDayRule::ToDispatch, "to_dispatch", t.to_dispatch) }
                { option(OtherDayRule::ToRoute, "to_route", t.to_route) }
            </fieldset>
            <div class="form-actions">
                <button id="order-settings-save" type="submit" class="btn btn-primary"
                    disabled={chosen.is_none()}>{ t.save }</button>
                { status }
            </div>
        </form>
    }
}

struct ReasonTexts {
    title: &'static str,
    kinds: [&'static str; 3],
    ru: &'static str,
    en: &'static str,
    add: &'static str,
    save: &'static str,
    retire: &'static str,
    restore: &'static str,
    up: &'static str,
    down: &'static str,
    retired: &'static str,
    admins_only: &'static str,
}

fn reason_texts(lang: Lang) -> ReasonTexts {
    match lang {
        Lang::En => ReasonTexts {
            title: "Reasons",
            kinds: [
                "Cancelling an order",
                "A delivery that failed",
                "A courier's move at the door",
            ],
            ru: "Russian",
            en: "English",
            add: "Add",
            save: "Save",
            retire: "Retire",
            restore: "Bring back",
            up: "Up",
            down: "Down",
            retired: "retired",
            admins_only: "Only admins change the reasons.",
        },
        Lang::Ru => ReasonTexts {
            title: "Причины",
            kinds: ["Отмена заказа", "Недоставка", "Перенос курьером"],
            ru: "По-русски",
            en: "По-английски",
            add: "Добавить",
            save: "Сохранить",
            retire: "Убрать",
            restore: "Вернуть",
            up: "Выше",
            down: "Ниже",
            retired: "убрана",
            admins_only: "Причины меняют только администраторы.",
        },
    }
}

/// One reason's row: its labels (edited in place), its place, retire.
#[derive(Properties, PartialEq)]
struct RowProps {
    reason: Reason,
    lang: Lang,
    editable: bool,
    /// The neighbours' ids, for moving up and down.
    above: Option<Reason>,
    below: Option<Reason>,
    on_patch: Callback<(String, PatchReason)>,
}

#[function_component]
fn ReasonRowView(p: &RowProps) -> Html {
    let t = reason_texts(p.lang);
    let r = &p.reason;
    let ru = use_state(|| r.ru.clone());
    let en = use_state(|| r.en.clone());
    let input = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            h.set(i.value());
        })
    };
    let patch = |change: PatchReason| {
        let (on_patch, id) = (p.on_patch.clone(), r.id.clone());
        Callback::from(move |_: MouseEvent| on_patch.emit((id.clone(), change.clone())))
    };
    let save = {
        let (on_patch, id, ru, en) = (p.on_patch.clone(), r.id.clone(), ru.clone(), en.clone());
        Callback::from(move |_: MouseEvent| {
            on_patch.emit((
                id.clone(),
                PatchReason {
                    ru: Some((*ru).clone()),
                    en: Some((*en).clone()),
                    ..Default::default()
                },
            ))
        })
    };
    // Moving swaps the places of two neighbours.
    let swap = |other: &Option<Reason>| {
        other.as_ref().map(|o| {
            let (on_patch, me, them) = (p.on_patch.clone(), r.clone(), o.clone());
            Callback::from(move |_: MouseEvent| {
                let (a, b) = match me.position == them.position {
                    true => (them.position, me.position + 1),
                    false => (them.position, me.position),
                };
                on_patch.emit((
                    me.id.clone(),
                    PatchReason {
                        position: Some(a),
                        ..Default::default()
                    },
                ));
                on_patch.emit((
                    them.id.clone(),
                    PatchReason {
                        position: Some(b),
                        ..Default::default()
                    },
                ));
            })
        })
    };
    let changed = *ru != r.ru || *en != r.en;
    html! {
        <tr class={classes!("reason-row", (!r.active).then_some("retired"))} data-id={r.id.clone()}
            data-active={r.active.to_string()}>
            <td><input class="reason-ru" type="text" value={(*ru).clone()} oninput={input(&ru)}
                disabled={!p.editable} aria-label={t.ru} /></td>
            <td><input class="reason-en" type="text" value={(*en).clone()} oninput={input(&en)}
                disabled={!p.editable} aria-label={t.en} /></td>
            <td class="reason-actions">
                if !r.active {
                    <span class="muted">{ t.retired }</span>
                }
                if p.editable {
                    <button type="button" class="btn reason-save" disabled={!changed} onclick={save}>{ t.save }</button>
                    if r.active {
                        if let Some(up) = swap(&p.above) {
                            <button type="button" class="btn reason-up" title={t.up} onclick={up}>{ "↑" }</button>
                        }
                        if let Some(down) = swap(&p.below) {
                            <button type="button" class="btn reason-down" title={t.down} onclick={down}>{ "↓" }</button>
                        }
                        <button type="button" class="btn reason-retire"
                            onclick={patch(PatchReason { active: Some(false), ..Default::default() })}>{ t.retire }</button>
                    } else {
                        <button type="button" class="btn reason-restore"
                            onclick={patch(PatchReason { active: Some(true), ..Default::default() })}>{ t.restore }</button>
                    }
                }
            </td>
        </tr>
    }
}

/// The company's reasons, by kind: admins edit them, managers read them.
#[function_component]
pub fn ReasonsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = reason_texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let editable = app.session.as_ref().is_some_and(|s| s.user.role.is_admin());
    let list = use_state(Vec::<Reason>::new);
    let error = use_state(|| None::<String>);
    let drafts = use_state(|| {
        [
            (String::new(), String::new()),
            Default::default(),
            Default::default(),
        ]
    });

    let reload = {
        let (list, error, token) = (list.setter(), error.setter(), token.clone());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).reasons(true).await }
            },
            Callback::noop(),
            Callback::from(
                move |r: Result<Vec<Reason>, crate::api::ApiError>| match r {
                    Ok(l) => list.set(l),
                    Err(e) => error.set(Some(e.to_string())),
                },
            ),
        )
    };
    let on_patch = {
        let (token, error, reload) = (token.clone(), error.setter(), reload.clone());
        Callback::from(move |(id, change): (String, PatchReason)| {
            let (token, error, reload) = (token.clone(), error.clone(), reload.clone());
            spawn_local(async move {
                match Api::with_token(&token).patch_reason(&id, &change).await {
                    Ok(_) => error.set(None),
                    Err(e) => error.set(Some(e.to_string())),
                }
                crate::api::reasons::forget();
                reload.emit(());
            });
        })
    };
    let section = |i: usize, kind: ReasonKind| {
        let mut rows: Vec<Reason> = list.iter().filter(|r| r.kind == kind).cloned().collect();
        rows.sort_by_key(|r| (!r.active, r.position));
        let active: Vec<Reason> = rows.iter().filter(|r| r.active).cloned().collect();
        let (ru, en) = drafts[i].clone();
        let set = |which: usize| {
            let drafts = drafts.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut d = (*drafts).clone();
                match which {
                    0 => d[i].0 = input.value(),
                    _ => d[i].1 = input.value(),
                }
                drafts.set(d);
            })
        };
        let add = {
            let (token, error, reload, drafts) = (
                token.clone(),
                error.setter(),
                reload.clone(),
                drafts.clone(),
            );
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let (ru, en) = drafts[i].clone();
                let (token, error, reload, drafts) =
                    (token.clone(), error.clone(), reload.clone(), drafts.clone());
                spawn_local(async move {
                    let req = CreateReason { kind, ru, en };
                    match Api::with_token(&token).create_reason(&req).await {
                        Ok(_) => {
                            let mut d = (*drafts).clone();
                            d[i] = Default::default();
                            drafts.set(d);
                            error.set(None);
                        }
                        Err(e) => error.set(Some(e.to_string())),
                    }
                    crate::api::reasons::forget();
                    reload.emit(());
                });
            })
        };
        html! {
            <section class="reason-kind" data-kind={kind.as_str()}>
                <h3>{ t.kinds[i] }</h3>
                <table class="admin-table reasons-table">
                    <thead><tr><th>{ t.ru }</th><th>{ t.en }</th><th></th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| {
                            let at = active.iter().position(|a| a.id == r.id);
                            let above = at.and_then(|k| k.checked_sub(1)).and_then(|k| active.get(k).cloned());
                            let below = at.and_then(|k| active.get(k + 1).cloned());
                            html! {
                                <ReasonRowView key={format!("{}@{}:{}:{}", r.id, r.ru, r.en, r.position)}
                                    reason={r.clone()} {lang} {editable} {above} {below} on_patch={on_patch.clone()} />
                            }
                        }) }
                    </tbody>
                </table>
                if editable {
                    <form class="reason-add" onsubmit={add}>
                        <input class="reason-new-ru" type="text" placeholder={t.ru} value={ru} oninput={set(0)} />
                        <input class="reason-new-en" type="text" placeholder={t.en} value={en} oninput={set(1)} />
                        <button type="submit" class="btn btn-primary reason-add-btn">{ t.add }</button>
                    </form>
                }
            </section>
        }
    };
    html! {
        <div id="reasons" class="panel reasons-panel">
            <h2>{ t.title }</h2>
            if !editable {
                <p class="muted">{ t.admins_only }</p>
            }
            if let Some(e) = &*error {
                <p id="reasons-error" class="form-error" role="alert">{ e.clone() }</p>
            }
            { for ReasonKind::ALL.iter().enumerate().map(|(i, k)| section(i, *k)) }
        </div>
    }
}
