//! The company's bottle rules (admin, manager): the deposit per bottle
//! (залог за тару) and the bottles each kind of client holds without one.
//! The order form adds the deposit line by these rules.

use rodnik_shared::api::BottleSettings;
use rodnik_shared::Money;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::use_loader;
use crate::api::Api;
use crate::i18n::Lang;
use crate::state::use_app;

struct Texts {
    title: &'static str,
    price: &'static str,
    price_hint: &'static str,
    free_individual: &'static str,
    free_legal: &'static str,
    fleet: &'static str,
    fleet_hint: &'static str,
    counted: &'static str,
    save: &'static str,
    saved: &'static str,
    bad_price: &'static str,
    bad_count: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            title: "Bottles and deposits",
            price: "Deposit per bottle, ₽",
            price_hint: "0: the company takes no deposits",
            free_individual: "Bottles an individual holds without a deposit",
            free_legal: "Bottles a legal client holds without a deposit",
            fleet: "The company's bottles in all (last count)",
            fleet_hint: "empty: not counted",
            counted: "counted",
            save: "Save",
            saved: "Saved",
            bad_price: "Enter the deposit in roubles, e.g. 300.",
            bad_count: "Enter a number of bottles from 0 to 10000.",
        },
        Lang::Ru => Texts {
            title: "Тара и залог",
            price: "Залог за бутыль, ₽",
            price_hint: "0 — компания не берёт залог",
            free_individual: "Бутылей у физлица без залога",
            free_legal: "Бутылей у юрлица без залога (по договору)",
            fleet: "Всего бутылей у компании (по инвентаризации)",
            fleet_hint: "пусто — не считали",
            counted: "посчитано",
            save: "Сохранить",
            saved: "Сохранено",
            bad_price: "Введите залог в рублях, например 300.",
            bad_count: "Введите число бутылей от 0 до 10000.",
        },
    }
}

/// The form's fields as typed.
#[derive(Clone, PartialEq, Default)]
struct Typed {
    price: String,
    individual: String,
    legal: String,
    fleet: String,
    counted_at: Option<String>,
}

impl Typed {
    fn of(lang: Lang, s: &BottleSettings) -> Typed {
        Typed {
            price: crate::money::input(lang, s.deposit_price),
            individual: s.free_individual.to_string(),
            legal: s.free_legal.to_string(),
            fleet: s.fleet.map(|n| n.to_string()).unwrap_or_default(),
            counted_at: s.fleet_counted_at.clone(),
        }
    }
}

#[function_component]
pub fn BottleSettingsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let typed = use_state(|| None::<Typed>);
    let note = use_state(|| None::<Result<(), String>>);
    {
        let (typed, note, token) = (typed.setter(), note.setter(), token.clone());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).bottle_settings().await }
            },
            Callback::noop(),
            Callback::from(
                move |r: Result<BottleSettings, crate::api::ApiError>| match r {
                    Ok(s) => typed.set(Some(Typed::of(lang, &s))),
                    Err(e) => note.set(Some(Err(e.to_string()))),
                },
            ),
        );
    }
    let current = (*typed).clone().unwrap_or_default();
    let field = |f: fn(&mut Typed, String)| {
        let (typed, note, current) = (typed.clone(), note.clone(), current.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = current.clone();
            f(
                &mut next,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            typed.set(Some(next));
            note.set(None);
        })
    };
    let onsubmit = {
        let (typed, note, token, current) =
            (typed.clone(), note.clone(), token.clone(), current.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let t = texts(lang);
            let Ok(price) = Money::parse_roubles(&current.price) else {
                note.set(Some(Err(t.bad_price.to_string())));
                return;
            };
            let count = |s: &str| s.trim().parse::<u32>().ok().filter(|n| *n <= 10_000);
            let (Some(free_individual), Some(free_legal)) =
                (count(&current.individual), count(&current.legal))
            else {
                note.set(Some(Err(t.bad_count.to_string())));
                return;
            };
            let fleet = match current.fleet.trim() {
                "" => None,
                v => match v.parse::<i64>() {
                    Ok(n) if n >= 0 => Some(n),
                    _ => {
                        note.set(Some(Err(t.bad_count.to_string())));
                        return;
                    }
                },
            };
            let put = BottleSettings {
                deposit_price: price,
                free_individual,
                free_legal,
                fleet,
                fleet_counted_at: None,
            };
            let (typed, note, token) = (typed.clone(), note.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).put_bottle_settings(&put).await {
                    Ok(s) => {
                        typed.set(Some(Typed::of(lang, &s)));
                        note.set(Some(Ok(())));
                    }
                    Err(e) => note.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let status = match &*note {
        Some(Ok(())) => {
            html! { <span id="bottle-settings-saved" class="ok" role="status">{ t.saved }</span> }
        }
        Some(Err(e)) => html! { <span class="form-error" role="alert">{ e.clone() }</span> },
        None => html! { <span></span> },
    };
    html! {
        <form id="bottle-settings" class="panel settings-form" {onsubmit}>
            <h2>{ t.title }</h2>
            <label for="deposit-price">{ t.price }</label>
            <input id="deposit-price" type="text" inputmode="decimal" value={current.price.clone()}
                placeholder={t.price_hint} oninput={field(|s, v| s.price = v)} />
            <label for="free-individual">{ t.free_individual }</label>
            <input id="free-individual" type="text" inputmode="numeric" value={current.individual.clone()}
                oninput={field(|s, v| s.individual = v)} />
            <label for="free-legal">{ t.free_legal }</label>
            <input id="free-legal" type="text" inputmode="numeric" value={current.legal.clone()}
                oninput={field(|s, v| s.legal = v)} />
            <label for="bottle-fleet">{ t.fleet }</label>
            <input id="bottle-fleet" type="text" inputmode="numeric" value={current.fleet.clone()}
                placeholder={t.fleet_hint} oninput={field(|s, v| s.fleet = v)} />
            if let Some(at) = &current.counted_at {
                <span id="bottle-fleet-counted" class="muted">{ format!("{} {}", t.counted, crate::clock::date_time_of(at)) }</span>
            }
            <div class="form-actions">
                <button id="bottle-settings-save" type="submit" class="btn btn-primary"
                    disabled={typed.is_none()}>{ t.save }</button>
                { status }
            </div>
        </form>
    }
}
