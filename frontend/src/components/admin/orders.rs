//! The company's order settings (admin, manager): what happens to a stop a
//! courier moves to another day at the door.

use rodnik_shared::api::{OrderSettings, OtherDayRule};
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
                let put = OrderSettings { other_day: rule };
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
