//! The company's sanitation rule (admin, manager): coolers at clients are
//! sanitised every N months (0: no reminders), and the service a sanitation
//! stop sells. The reports' "Санобработка" list and the card follow it.

use rodnik_shared::api::{EquipmentSettings, Product};
use rodnik_shared::ProductKind;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::Lang;
use crate::state::use_app;

struct Texts {
    title: &'static str,
    months: &'static str,
    months_hint: &'static str,
    product: &'static str,
    no_product: &'static str,
    save: &'static str,
    saved: &'static str,
    bad_months: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            title: "Cooler sanitation",
            months: "Sanitise every, months",
            months_hint: "0: no reminders",
            product: "The service a sanitation stop sells",
            no_product: "— none —",
            save: "Save",
            saved: "Saved",
            bad_months: "Enter a number of months from 0 to 24.",
        },
        Lang::Ru => Texts {
            title: "Санобработка кулеров",
            months: "Санобработка каждые, мес.",
            months_hint: "0 — без напоминаний",
            product: "Услуга, которую продаёт выезд на санобработку",
            no_product: "— без услуги —",
            save: "Сохранить",
            saved: "Сохранено",
            bad_months: "Введите число месяцев от 0 до 24.",
        },
    }
}

#[function_component]
pub fn SanitationSettingsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    // (months as typed, product id)
    let typed = use_state(|| None::<(String, String)>);
    let services = use_state(Vec::<Product>::new);
    let note = use_state(|| None::<Result<(), String>>);
    {
        let (typed, services, note, token) =
            (typed.clone(), services.clone(), note.clone(), token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let api = Api::with_token(&token);
                match api.equipment_settings().await {
                    Ok(s) => typed.set(Some((
                        s.sanitation_months.to_string(),
                        s.sanitation_product_id.unwrap_or_default(),
                    ))),
                    Err(e) => note.set(Some(Err(e.to_string()))),
                }
                if let Ok(list) = api.products().await {
                    services.set(
                        list.into_iter()
                            .filter(|p| p.kind == ProductKind::Service)
                            .collect(),
                    );
                }
            });
        });
    }
    let (months, product) = (*typed).clone().unwrap_or_default();
    let on_months = {
        let (typed, note, product) = (typed.clone(), note.clone(), product.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            typed.set(Some((v, product.clone())));
            note.set(None);
        })
    };
    let on_product = {
        let (typed, note, months) = (typed.clone(), note.clone(), months.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            typed.set(Some((months.clone(), v)));
            note.set(None);
        })
    };
    let onsubmit = {
        let (typed, note, token) = (typed.clone(), note.clone(), token.clone());
        let (months, product) = (months.clone(), product.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(m) = months.trim().parse::<u32>().ok().filter(|m| *m <= 24) else {
                note.set(Some(Err(texts(lang).bad_months.to_string())));
                return;
            };
            let put = EquipmentSettings {
                sanitation_months: m,
                sanitation_product_id: Some(product.clone()).filter(|p| !p.is_empty()),
            };
            let (typed, note, token) = (typed.clone(), note.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).put_equipment_settings(&put).await {
                    Ok(s) => {
                        typed.set(Some((
                            s.sanitation_months.to_string(),
                            s.sanitation_product_id.unwrap_or_default(),
                        )));
                        note.set(Some(Ok(())));
                    }
                    Err(e) => note.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let status = match &*note {
        Some(Ok(())) => {
            html! { <span id="sanitation-settings-saved" class="ok" role="status">{ t.saved }</span> }
        }
        Some(Err(e)) => html! { <span class="form-error" role="alert">{ e.clone() }</span> },
        None => html! { <span></span> },
    };
    html! {
        <form id="sanitation-settings" class="panel settings-form" {onsubmit}>
            <h2>{ t.title }</h2>
            <label for="sanitation-months">{ t.months }</label>
            <input id="sanitation-months" type="text" inputmode="numeric" value={months}
                placeholder={t.months_hint} oninput={on_months} />
            <label for="sanitation-product">{ t.product }</label>
            <select id="sanitation-product" onchange={on_product}>
                <option value="" selected={product.is_empty()}>{ t.no_product }</option>
                { for services.iter().map(|p| html! {
                    <option value={p.id.clone()} selected={p.id == product}>{ p.name.clone() }</option>
                }) }
            </select>
            <div class="form-actions">
                <button id="sanitation-settings-save" type="submit" class="btn btn-primary"
                    disabled={typed.is_none()}>{ t.save }</button>
                { status }
            </div>
        </form>
    }
}
