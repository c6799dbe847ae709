//! The client's standing orders on the card (issue 23): each one's schedule
//! in words, lines, window, courier and next dates (those already made
//! marked), why the last date could not be made; making the client's last
//! order standing in a few keystrokes; skipping one date, pausing, ending.
//! What was typed stays on a refusal, with the server's words beside it.

use chrono::{Datelike, Duration, NaiveDate};
use rodnik_shared::api::{
    ClientCard, CreateStandingOrder, LineInput, PatchStandingOrder, Product, StandingOrder, User,
};
use rodnik_shared::standing::{describe, Pause, Schedule};
use rodnik_shared::values::WindowInput;
use rodnik_shared::TimeWindow;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::client_card::short_date;
use super::new_client_form::value;
use crate::api::{Api, ApiError};
use crate::clock::parse_date;
use crate::i18n::standing::{server_message, texts};
use crate::i18n::Lang;
use crate::state::console::{field_matches, last_order, window_value};

#[derive(Properties, PartialEq)]
pub struct StandingProps {
    pub card: ClientCard,
    pub token: AttrValue,
    pub lang: Lang,
    /// Orders were made or withdrawn: the card reloads.
    pub on_changed: Callback<()>,
}

/// The form's fields as typed.
#[derive(Clone, Debug, PartialEq, Default)]
struct Draft {
    address_id: String,
    /// Product id and the quantity as typed.
    lines: Vec<(String, String)>,
    /// `09:00-13:00`, or empty: any time.
    window: String,
    courier_id: String,
    note: String,
    monthly: bool,
    /// Monday first.
    weekdays: [bool; 7],
    every_weeks: String,
    day: String,
    starts_on: String,
    ends_on: String,
    /// The number of the order it was filled in from.
    from_order: Option<i64>,
}

/// A field the error is about and what to say there.
type FieldError = (String, String);

impl Draft {
    /// The client's latest order as a standing one from tomorrow, on
    /// tomorrow's weekday: what most calls ask for.
    fn from_card(card: &ClientCard, today: NaiveDate) -> Draft {
        let start = today + Duration::days(1);
        let mut weekdays = [false; 7];
        weekdays[start.weekday().num_days_from_monday() as usize] = true;
        let last = last_order(card);
        let active = |id: &str| card.client.active_addresses().any(|a| a.id == id);
        let address_id = last
            .map(|o| o.address.id.clone())
            .filter(|id| active(id))
            .or_else(|| card.client.active_addresses().next().map(|a| a.id.clone()))
            .unwrap_or_default();
        Draft {
            address_id,
            lines: last
                .map(|o| {
                    o.lines
                        .iter()
                        .map(|l| (l.product_id.clone(), l.qty.to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            window: last
                .and_then(|o| o.window)
                .map(window_value)
                .unwrap_or_default(),
            courier_id: last.and_then(|o| o.courier_id.clone()).unwrap_or_default(),
            note: String::new(),
            monthly: false,
            weekdays,
            every_weeks: "1".into(),
            day: start.day().to_string(),
            starts_on: start.to_string(),
            ends_on: String::new(),
            from_order: last.map(|o| o.number),
        }
    }

    fn schedule(&self, lang: Lang) -> Result<Schedule, FieldError> {
        let number = |s: &str, field: &str, empty: u32| match s.trim() {
            "" => Ok(empty),
            v => v
                .parse::<u32>()
                .map_err(|_| (field.to_string(), texts(lang).bad_number.to_string())),
        };
        if self.monthly {
            Ok(Schedule::Monthly {
                day: number(&self.day, "schedule.day", 0)?,
            })
        } else {
            Ok(Schedule::Weekly {
                weekdays: (1..=7).filter(|d| self.weekdays[*d as usize - 1]).collect(),
                every_weeks: number(&self.every_weeks, "schedule.every_weeks", 1)?,
            })
        }
    }

    fn request(&self, client_id: &str, lang: Lang) -> Result<CreateStandingOrder, FieldError> {
        let t = texts(lang);
        if self.lines.is_empty() {
            return Err(("lines".into(), t.no_lines.into()));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, (product_id, qty))| {
                qty.trim()
                    .parse::<i64>()
                    .map(|qty| LineInput {
                        product_id: product_id.clone(),
                        qty,
                    })
                    .map_err(|_| (format!("lines[{i}].qty"), t.bad_number.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(CreateStandingOrder {
            client_id: client_id.to_string(),
            address_id: self.address_id.clone(),
            lines,
            window: window_input(&self.window),
            courier_id: text(&self.courier_id),
            note: text(&self.note),
            schedule: self.schedule(lang)?,
            starts_on: self.starts_on.trim().to_string(),
            ends_on: text(&self.ends_on),
        })
    }
}

/// `09:00-13:00` as the API's window; empty or malformed: none.
fn window_input(v: &str) -> Option<WindowInput> {
    let (from, to) = v.split_once('-')?;
    Some(WindowInput {
        from: from.trim().to_string(),
        to: to.trim().to_string(),
    })
}

/// `09:00–13:00`.
fn window_text(w: &WindowInput) -> String {
    format!("{}–{}", w.from, w.to)
}

/// A per-standing-order step in progress.
#[derive(Clone, Debug, PartialEq)]
enum Acting {
    None,
    Skip {
        id: String,
        date: String,
    },
    Pause {
        id: String,
        from: String,
        to: String,
        reason: String,
    },
    /// Asking before ending it.
    End(String),
}

impl Acting {
    fn id(&self) -> Option<&str> {
        match self {
            Acting::None => None,
            Acting::Skip { id, .. } | Acting::Pause { id, .. } | Acting::End(id) => Some(id),
        }
    }
}

/// "вт 08.12.26".
fn day_text(lang: Lang, iso: &str) -> String {
    match parse_date(iso) {
        Some(d) => format!(
            "{} {}",
            texts(lang).days[d.weekday().num_days_from_monday() as usize].to_lowercase(),
            short_date(iso)
        ),
        None => iso.to_string(),
    }
}

/// The message beside a refused request, in the UI's language.
fn refusal(lang: Lang, e: &ApiError) -> FieldError {
    let (field, message) = e.field_error(lang);
    let message = server_message(lang, &message);
    (field, message)
}

#[function_component]
pub fn ClientStanding(p: &StandingProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let client = &p.card.client;
    let list = use_state(|| None::<Result<Vec<StandingOrder>, String>>);
    let products = use_state(Vec::<Product>::new);
    let couriers = use_state(Vec::<User>::new);
    let form_open = use_state(|| false);
    let draft = use_state(Draft::default);
    let busy = use_state(|| false);
    let form_error = use_state(|| None::<FieldError>);
    let acting = use_state(|| Acting::None);
    let item_error = use_state(|| None::<(String, FieldError)>);
    let done = use_state(|| None::<String>);

    let load = {
        let (list, token, id) = (list.clone(), p.token.clone(), client.id.clone());
        Callback::from(move |_: ()| {
            let (list, token, id) = (list.clone(), token.clone(), id.clone());
            spawn_local(async move {
                let r = Api::with_token(&token).client_standing(&id).await;
                list.set(Some(r.map_err(|e| e.message())));
            });
        })
    };
    // The catalogue's names and the couriers, once.
    {
        let (products, couriers, token) = (products.clone(), couriers.clone(), p.token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let api = Api::with_token(&token);
                let (ps, cs) = futures::join!(api.products(), api.couriers());
                if let Ok(ps) = ps {
                    products.set(ps);
                }
                if let Ok(cs) = cs {
                    couriers.set(cs);
                }
            });
        });
    }
    // The form opens on the start date's weekday, ticked: Space, Tab and
    // Enter are all a usual call needs.
    {
        use_effect_with(*form_open, move |open| {
            if *open {
                let first = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| {
                        d.query_selector("#standing-form .standing-day input:checked")
                            .ok()
                            .flatten()
                    })
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(el) = first {
                    let _ = el.focus();
                }
            }
        });
    }
    // Another client: nothing of the last one's stays open.
    {
        let (load, form_open, acting, done, item_error) = (
            load.clone(),
            form_open.clone(),
            acting.clone(),
            done.clone(),
            item_error.clone(),
        );
        use_effect_with(client.id.clone(), move |_| {
            form_open.set(false);
            acting.set(Acting::None);
            done.set(None);
            item_error.set(None);
            load.emit(());
        });
    }
    // The card's orders moved (a generated one changed, cancelled): the
    // next dates follow.
    {
        let load = load.clone();
        let key = p
            .card
            .active_orders
            .iter()
            .filter(|o| o.standing_id.is_some())
            .map(|o| format!("{}:{}", o.id, o.version))
            .collect::<Vec<_>>()
            .join(",");
        let first = use_mut_ref(|| true);
        use_effect_with(key, move |_| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                load.emit(());
            }
        });
    }

    let product_name = {
        let (products, card) = (products.clone(), p.card.clone());
        move |id: &str| -> String {
            products
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.name.clone())
                .or_else(|| {
                    card.active_orders
                        .iter()
                        .chain(&card.recent_orders)
                        .flat_map(|o| &o.lines)
                        .find(|l| l.product_id == id)
                        .map(|l| l.name.clone())
                })
                .unwrap_or_else(|| id.to_string())
        }
    };

    let open_form = {
        let (form_open, draft, form_error, done, card, acting) = (
            form_open.clone(),
            draft.clone(),
            form_error.clone(),
            done.clone(),
            p.card.clone(),
            acting.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            draft.set(Draft::from_card(&card, crate::clock::today_date()));
            form_error.set(None);
            done.set(None);
            acting.set(Acting::None);
            form_open.set(true);
        })
    };
    let close_form = {
        let form_open = form_open.clone();
        Callback::from(move |_: MouseEvent| form_open.set(false))
    };
    let edit = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(&mut d, value(e));
            draft.set(d);
        })
    };
    let pick = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = (*draft).clone();
            f(
                &mut d,
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            );
            draft.set(d);
        })
    };
    let onsubmit = {
        let (draft, busy, form_error, form_open, done, load, on_changed, token) = (
            draft.clone(),
            busy.clone(),
            form_error.clone(),
            form_open.clone(),
            done.clone(),
            load.clone(),
            p.on_changed.clone(),
            p.token.clone(),
        );
        let client_id = client.id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let req = match draft.request(&client_id, lang) {
                Ok(r) => r,
                Err(fe) => {
                    form_error.set(Some(fe));
                    return;
                }
            };
            busy.set(true);
            let (busy, form_error, form_open, done, load, on_changed, token) = (
                busy.clone(),
                form_error.clone(),
                form_open.clone(),
                done.clone(),
                load.clone(),
                on_changed.clone(),
                token.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).create_standing(&req).await {
                    Ok(s) => {
                        let words = if lang == Lang::Ru {
                            s.described.ru
                        } else {
                            s.described.en
                        };
                        form_error.set(None);
                        form_open.set(false);
                        done.set(Some(format!("{}: {words}", texts(lang).created)));
                        load.emit(());
                        on_changed.emit(());
                    }
                    Err(e) => form_error.set(Some(refusal(lang, &e))),
                }
                busy.set(false);
            });
        })
    };

    // A change to one standing order (a skip, a pause): its new version
    // in the list, or the list as it is now when someone was first.
    let send_patch = {
        let (list, acting, item_error, done, busy, load, on_changed, token) = (
            list.clone(),
            acting.clone(),
            item_error.clone(),
            done.clone(),
            busy.clone(),
            load.clone(),
            p.on_changed.clone(),
            p.token.clone(),
        );
        Callback::from(
            move |(id, patch, message): (String, PatchStandingOrder, &'static str)| {
                if *busy {
                    return;
                }
                busy.set(true);
                let (list, acting, item_error, done, busy, load, on_changed, token) = (
                    list.clone(),
                    acting.clone(),
                    item_error.clone(),
                    done.clone(),
                    busy.clone(),
                    load.clone(),
                    on_changed.clone(),
                    token.clone(),
                );
                spawn_local(async move {
                    match Api::with_token(&token).patch_standing(&id, &patch).await {
                        Ok(s) => {
                            if let Some(Ok(items)) = &*list {
                                let items = items
                                    .iter()
                                    .map(|x| if x.id == s.id { s.clone() } else { x.clone() })
                                    .collect();
                                list.set(Some(Ok(items)));
                            }
                            acting.set(Acting::None);
                            item_error.set(None);
                            done.set(Some(message.to_string()));
                            on_changed.emit(());
                        }
                        Err(e) => {
                            let fe = if e.is_stale() || e.code() == Some("ended") {
                                load.emit(());
                                acting.set(Acting::None);
                                (String::new(), texts(lang).stale.to_string())
                            } else {
                                refusal(lang, &e)
                            };
                            item_error.set(Some((id, fe)));
                        }
                    }
                    busy.set(false);
                });
            },
        )
    };
    let end_it = {
        let (acting, item_error, done, busy, load, on_changed, token) = (
            acting.clone(),
            item_error.clone(),
            done.clone(),
            busy.clone(),
            load.clone(),
            p.on_changed.clone(),
            p.token.clone(),
        );
        Callback::from(move |id: String| {
            if *busy {
                return;
            }
            busy.set(true);
            let (acting, item_error, done, busy, load, on_changed, token) = (
                acting.clone(),
                item_error.clone(),
                done.clone(),
                busy.clone(),
                load.clone(),
                on_changed.clone(),
                token.clone(),
            );
            spawn_local(async move {
                match Api::with_token(&token).end_standing(&id).await {
                    Ok(_) => {
                        acting.set(Acting::None);
                        item_error.set(None);
                        done.set(Some(texts(lang).ended_done.to_string()));
                        load.emit(());
                        on_changed.emit(());
                    }
                    Err(e) => item_error.set(Some((id, refusal(lang, &e)))),
                }
                busy.set(false);
            });
        })
    };

    let today = crate::clock::today();
    let couriers_list = (*couriers).clone();
    let courier_text = |id: &Option<String>| match id {
        None => t.no_courier.to_string(),
        Some(id) => match couriers_list.iter().find(|u| &u.id == id) {
            Some(u) if u.active => u.name.clone(),
            Some(u) => format!("{} {}", u.name, t.courier_inactive),
            None => id.clone(),
        },
    };
    let address_text = |id: &str| {
        client
            .addresses
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.text.clone())
            .unwrap_or_default()
    };

    let row = |s: &StandingOrder| {
        let described = if lang == Lang::Ru {
            s.described.ru.clone()
        } else {
            s.described.en.clone()
        };
        let lines = s
            .lines
            .iter()
            .map(|l| format!("{} × {}", product_name(&l.product_id), l.qty))
            .collect::<Vec<_>>()
            .join(", ");
        let window = s
            .window
            .as_ref()
            .map(window_text)
            .unwrap_or_else(|| t.any_time.to_string());
        let term = match s.plan.ends_on {
            Some(end) => format!(
                "{} {} {} {}",
                t.since,
                short_date(&s.plan.starts_on.to_string()),
                t.until,
                short_date(&end.to_string())
            ),
            None => format!(
                "{} {}, {}",
                t.since,
                short_date(&s.plan.starts_on.to_string()),
                t.open_ended
            ),
        };
        let skips: Vec<String> = s
            .plan
            .skips
            .iter()
            .map(|d| d.to_string())
            .filter(|d| d.as_str() >= today.as_str())
            .collect();
        let pauses: Vec<&Pause> = s
            .plan
            .pauses
            .iter()
            .filter(|p| p.to.to_string().as_str() >= today.as_str())
            .collect();
        let mine = acting.id() == Some(s.id.as_str());
        let open = |a: Acting| {
            let (acting, item_error, done) = (acting.clone(), item_error.clone(), done.clone());
            Callback::from(move |_: MouseEvent| {
                item_error.set(None);
                done.set(None);
                acting.set(a.clone());
            })
        };
        let cancel = {
            let acting = acting.clone();
            Callback::from(move |_: MouseEvent| acting.set(Acting::None))
        };
        let first_date = s
            .upcoming
            .first()
            .map(|d| d.date.clone())
            .unwrap_or_default();
        let error = match &*item_error {
            Some((id, (field, m))) if *id == s.id => html! {
                <p class="form-error field-error standing-item-error" data-field={field.clone()} role="alert">
                    { m.clone() }
                </p>
            },
            _ => html! {},
        };
        let panel = match &*acting {
            Acting::Skip { id, date } if *id == s.id => {
                let onchange = {
                    let (acting, id) = (acting.clone(), id.clone());
                    Callback::from(move |e: Event| {
                        acting.set(Acting::Skip {
                            id: id.clone(),
                            date: e.target_unchecked_into::<HtmlSelectElement>().value(),
                        })
                    })
                };
                let onsubmit = {
                    let (send_patch, s, date) = (send_patch.clone(), s.clone(), date.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        let Some(day) = parse_date(&date) else {
                            return;
                        };
                        let mut skips = s.plan.skips.clone();
                        skips.push(day);
                        send_patch.emit((
                            s.id.clone(),
                            PatchStandingOrder {
                                skips: Some(skips),
                                expected_version: Some(s.version),
                                ..Default::default()
                            },
                            texts(lang).skipped_done,
                        ));
                    })
                };
                html! {
                    <form class="standing-skip-form standing-panel" {onsubmit}>
                        <label>{ t.skip_which }
                            <select class="standing-skip-date" {onchange}>
                                { for s.upcoming.iter().map(|d| html! {
                                    <option value={d.date.clone()} selected={d.date == *date}>
                                        { day_text(lang, &d.date) }
                                    </option>
                                }) }
                            </select>
                        </label>
                        <button type="submit" class="btn btn-primary standing-skip-save" disabled={*busy}>{ t.skip_save }</button>
                        <button type="button" class="btn standing-cancel" onclick={cancel.clone()}>{ t.cancel }</button>
                    </form>
                }
            }
            Acting::Pause {
                id,
                from,
                to,
                reason,
            } if *id == s.id => {
                let set = |f: fn(&mut String, &mut String, &mut String, String)| {
                    let acting = acting.clone();
                    Callback::from(move |e: InputEvent| {
                        if let Acting::Pause {
                            id,
                            mut from,
                            mut to,
                            mut reason,
                        } = (*acting).clone()
                        {
                            f(&mut from, &mut to, &mut reason, value(e));
                            acting.set(Acting::Pause {
                                id,
                                from,
                                to,
                                reason,
                            });
                        }
                    })
                };
                let onsubmit = {
                    let (send_patch, item_error, s) =
                        (send_patch.clone(), item_error.clone(), s.clone());
                    let (from, to, reason) = (from.clone(), to.clone(), reason.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        let (Some(from), Some(to)) = (parse_date(&from), parse_date(&to)) else {
                            let field = if parse_date(&from).is_none() {
                                "from"
                            } else {
                                "to"
                            };
                            item_error.set(Some((
                                s.id.clone(),
                                (
                                    field.into(),
                                    server_message(lang, "must be a date YYYY-MM-DD"),
                                ),
                            )));
                            return;
                        };
                        let mut pauses = s.plan.pauses.clone();
                        pauses.push(Pause {
                            from,
                            to,
                            reason: Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
                        });
                        send_patch.emit((
                            s.id.clone(),
                            PatchStandingOrder {
                                pauses: Some(pauses),
                                expected_version: Some(s.version),
                                ..Default::default()
                            },
                            texts(lang).paused_done,
                        ));
                    })
                };
                html! {
                    <form class="standing-pause-form standing-panel" {onsubmit}>
                        <label>{ t.pause_from }
                            <input type="date" class="standing-pause-from" value={from.clone()}
                                oninput={set(|f, _, _, v| *f = v)} />
                        </label>
                        <label>{ t.pause_to }
                            <input type="date" class="standing-pause-to" value={to.clone()}
                                oninput={set(|_, t, _, v| *t = v)} />
                        </label>
                        <label>{ t.reason }
                            <input type="text" class="standing-pause-reason" value={reason.clone()}
                                oninput={set(|_, _, r, v| *r = v)} />
                        </label>
                        <button type="submit" class="btn btn-primary standing-pause-save" disabled={*busy}>{ t.pause_save }</button>
                        <button type="button" class="btn standing-cancel" onclick={cancel.clone()}>{ t.cancel }</button>
                    </form>
                }
            }
            Acting::End(id) if *id == s.id => {
                let onclick = {
                    let (end_it, id) = (end_it.clone(), id.clone());
                    Callback::from(move |_: MouseEvent| end_it.emit(id.clone()))
                };
                html! {
                    <div class="standing-end-confirm standing-panel" role="alertdialog">
                        <span>{ t.end_question }</span>
                        <button type="button" class="btn btn-danger standing-end-yes" {onclick} disabled={*busy}>{ t.end_yes }</button>
                        <button type="button" class="btn standing-end-no" onclick={cancel.clone()}>{ t.end_no }</button>
                    </div>
                }
            }
            _ => html! {},
        };
        html! {
            <li class="standing-item" data-id={s.id.clone()} data-version={s.version.to_string()}>
                <div class="standing-head">
                    <b class="standing-described">{ described }</b>
                    <span class="standing-term muted">{ format!(" · {term}") }</span>
                </div>
                <div class="standing-lines">{ lines }</div>
                <div class="standing-where muted">
                    <span class="standing-address">{ address_text(&s.address_id) }</span>
                    { " · " }<span class="standing-window">{ window }</span>
                    { " · " }<span class="standing-courier">{ courier_text(&s.courier_id) }</span>
                    if let Some(n) = &s.note {
                        { " · " }<span class="standing-note">{ n.clone() }</span>
                    }
                </div>
                <div class="standing-next">
                    <span class="muted">{ format!("{}: ", t.next) }</span>
                    if s.upcoming.is_empty() {
                        <span class="muted">{ t.no_dates }</span>
                    } else {
                        <ul class="standing-dates">
                            { for s.upcoming.iter().map(|d| {
                                let made = d.order_id.is_some();
                                html! {
                                    <li class={classes!("standing-date", made.then_some("generated"))}
                                        data-date={d.date.clone()} data-order-id={d.order_id.clone()}
                                        title={if made { t.generated } else { t.not_generated }}>
                                        { day_text(lang, &d.date) }
                                        if made { <span class="made" aria-label={t.generated}>{ " ✓" }</span> }
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                </div>
                if !skips.is_empty() || !pauses.is_empty() {
                    <div class="standing-off muted">
                        { for skips.iter().map(|d| html! {
                            <span class="standing-skipped" data-date={d.clone()}>{ format!("{} {} ", t.skipped, short_date(d)) }</span>
                        }) }
                        { for pauses.iter().map(|p| html! {
                            <span class="standing-paused" data-from={p.from.to_string()} data-to={p.to.to_string()}>
                                { format!("{} {}–{}{} ", t.paused, short_date(&p.from.to_string()), short_date(&p.to.to_string()),
                                    p.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()) }
                            </span>
                        }) }
                    </div>
                }
                if let Some(e) = &s.last_error {
                    <p class="standing-warning" role="alert" data-code={e.code.clone()} data-date={e.date.clone()}>
                        { format!("⚠ {} {}: {}", t.failed_for, short_date(&e.date), e.message) }
                    </p>
                }
                if !mine {
                    <div class="standing-actions">
                        if !s.upcoming.is_empty() {
                            <button type="button" class="btn btn-link standing-skip" data-id={s.id.clone()}
                                onclick={open(Acting::Skip { id: s.id.clone(), date: first_date.clone() })}>{ t.skip }</button>
                        }
                        <button type="button" class="btn btn-link standing-pause" data-id={s.id.clone()}
                            onclick={open(Acting::Pause { id: s.id.clone(), from: first_date.clone(),
                                to: first_date.clone(), reason: String::new() })}>{ t.pause }</button>
                        <button type="button" class="btn btn-link standing-end" data-id={s.id.clone()}
                            onclick={open(Acting::End(s.id.clone()))}>{ t.end }</button>
                    </div>
                }
                { panel }
                { error }
            </li>
        }
    };

    // The form.
    let d = (*draft).clone();
    let field_error = |key: &str| match &*form_error {
        Some((field, m)) if field_matches(key, field) => html! {
            <span class="field-error" data-field={field.clone()} role="alert">{ m.clone() }</span>
        },
        _ => html! {},
    };
    let placed = [
        "address_id",
        "lines",
        "window",
        "courier_id",
        "note",
        "schedule",
        "starts_on",
        "ends_on",
    ];
    let other_error = match &*form_error {
        Some((field, m)) if !placed.iter().any(|k| field_matches(k, field)) => html! {
            <p class="form-error field-error" data-field={field.clone()} role="alert">{ m.clone() }</p>
        },
        _ => html! {},
    };
    let mut windows: Vec<String> = TimeWindow::standard()
        .into_iter()
        .map(window_value)
        .collect();
    if !d.window.is_empty() && !windows.contains(&d.window) {
        windows.push(d.window.clone());
    }
    let line_row = |i: usize, (product_id, qty): &(String, String)| {
        let on_product = {
            let draft = draft.clone();
            Callback::from(move |e: Event| {
                let mut d = (*draft).clone();
                if let Some(l) = d.lines.get_mut(i) {
                    l.0 = e.target_unchecked_into::<HtmlSelectElement>().value();
                }
                draft.set(d);
            })
        };
        let on_qty = {
            let draft = draft.clone();
            Callback::from(move |e: InputEvent| {
                let mut d = (*draft).clone();
                if let Some(l) = d.lines.get_mut(i) {
                    l.1 = value(e);
                }
                draft.set(d);
            })
        };
        let remove = {
            let draft = draft.clone();
            Callback::from(move |_: MouseEvent| {
                let mut d = (*draft).clone();
                if i < d.lines.len() {
                    d.lines.remove(i);
                }
                draft.set(d);
            })
        };
        let listed = products.iter().any(|p| &p.id == product_id);
        html! {
            <div class="standing-line" data-index={i.to_string()}>
                <select class="standing-product" aria-label={t.product} onchange={on_product}>
                    if !listed {
                        <option value={product_id.clone()} selected=true>{ product_name(product_id) }</option>
                    }
                    { for products.iter().map(|p| html! {
                        <option value={p.id.clone()} selected={&p.id == product_id}>{ p.name.clone() }</option>
                    }) }
                </select>
                <input class="standing-qty" type="number" min="1" inputmode="numeric" aria-label={t.qty}
                    value={qty.clone()} oninput={on_qty} />
                <button type="button" class="btn btn-link standing-remove-line" title={t.remove_line}
                    onclick={remove}>{ "×" }</button>
                { field_error(&format!("lines[{i}]")) }
            </div>
        }
    };
    let add_line = {
        let (draft, products) = (draft.clone(), products.clone());
        Callback::from(move |_: MouseEvent| {
            let mut d = (*draft).clone();
            if let Some(p) = products.first() {
                d.lines.push((p.id.clone(), "1".into()));
            }
            draft.set(d);
        })
    };
    let preview = d
        .schedule(lang)
        .ok()
        .filter(|s| match s {
            Schedule::Weekly { weekdays, .. } => !weekdays.is_empty(),
            Schedule::Monthly { day } => (1..=31).contains(day),
        })
        .map(|s| describe(&s, lang == Lang::Ru))
        .unwrap_or_default();
    let form = html! {
        <form id="standing-form" class="standing-form" onsubmit={onsubmit}>
            <h4>{ t.form_title }
                if let Some(n) = d.from_order {
                    <span class="muted standing-from-order">{ format!(" · {}{n}", t.from_order) }</span>
                }
            </h4>
            <label class="wide">{ t.address }
                <select id="standing-address" onchange={pick(|d, v| d.address_id = v)}>
                    { for client.active_addresses().map(|a| html! {
                        <option value={a.id.clone()} selected={d.address_id == a.id}>{ a.text.clone() }</option>
                    }) }
                </select>
                { field_error("address_id") }
            </label>
            <div class="wide standing-lines-edit">
                <span class="label">{ t.products }</span>
                { for d.lines.iter().enumerate().map(|(i, l)| line_row(i, l)) }
                <button type="button" id="standing-add-line" class="btn btn-link" onclick={add_line}
                    disabled={products.is_empty()}>{ t.add_line }</button>
                { field_error("lines") }
            </div>
            <label>{ t.window }
                <select id="standing-window" onchange={pick(|d, v| d.window = v)}>
                    <option value="" selected={d.window.is_empty()}>{ t.any_time }</option>
                    { for windows.iter().map(|w| html! {
                        <option value={w.clone()} selected={d.window == *w}>{ w.replace('-', "–") }</option>
                    }) }
                </select>
                { field_error("window") }
            </label>
            <label>{ t.courier }
                <select id="standing-courier" onchange={pick(|d, v| d.courier_id = v)}>
                    <option value="" selected={d.courier_id.is_empty()}>{ t.board }</option>
                    { for couriers.iter().filter(|u| u.active || u.id == d.courier_id).map(|u| html! {
                        <option value={u.id.clone()} selected={d.courier_id == u.id}>{ u.name.clone() }</option>
                    }) }
                </select>
                { field_error("courier_id") }
            </label>
            <fieldset class="wide standing-schedule">
                <legend>{ t.schedule }</legend>
                <select id="standing-kind" aria-label={t.schedule}
                    onchange={pick(|d, v| d.monthly = v == "monthly")}>
                    <option value="weekly" selected={!d.monthly}>{ t.weekly }</option>
                    <option value="monthly" selected={d.monthly}>{ t.monthly }</option>
                </select>
                if d.monthly {
                    <label class="inline">{ t.month_day }
                        <input id="standing-month-day" type="number" min="1" max="31" inputmode="numeric"
                            value={d.day.clone()} oninput={edit(|d, v| d.day = v)} />
                    </label>
                } else {
                    <span class="standing-days" role="group" aria-label={t.weekdays}>
                        { for (1..=7usize).map(|n| {
                            let onchange = {
                                let draft = draft.clone();
                                Callback::from(move |e: Event| {
                                    let mut d = (*draft).clone();
                                    d.weekdays[n - 1] = e.target_unchecked_into::<HtmlInputElement>().checked();
                                    draft.set(d);
                                })
                            };
                            html! {
                                <label class="standing-day">
                                    <input type="checkbox" id={format!("standing-day-{n}")} value={n.to_string()}
                                        checked={d.weekdays[n - 1]} {onchange} />
                                    { t.days[n - 1] }
                                </label>
                            }
                        }) }
                    </span>
                    <label class="inline">{ t.every_weeks }
                        <input id="standing-every" type="number" min="1" max="8" inputmode="numeric"
                            value={d.every_weeks.clone()} oninput={edit(|d, v| d.every_weeks = v)} />
                    </label>
                }
                { field_error("schedule") }
                if !preview.is_empty() {
                    <div id="standing-preview" class="muted">{ preview }</div>
                }
            </fieldset>
            <label>{ t.starts_on }
                <input id="standing-start" type="date" value={d.starts_on.clone()}
                    oninput={edit(|d, v| d.starts_on = v)} />
                { field_error("starts_on") }
            </label>
            <label>{ t.ends_on }
                <input id="standing-end" type="date" value={d.ends_on.clone()}
                    oninput={edit(|d, v| d.ends_on = v)} />
                { field_error("ends_on") }
            </label>
            <label class="wide">{ t.note }
                <input id="standing-note" type="text" value={d.note.clone()} oninput={edit(|d, v| d.note = v)} />
                { field_error("note") }
            </label>
            { other_error }
            <div class="form-actions">
                <button type="submit" id="standing-submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.saving } else { t.submit } }
                </button>
                <button type="button" id="standing-cancel" class="btn" onclick={close_form}>{ t.cancel }</button>
            </div>
        </form>
    };

    html! {
        <section id="standing-orders" class="client-standing">
            <h3>{ t.title }</h3>
            { match &*list {
                None => html! { <p class="muted">{ "…" }</p> },
                Some(Err(e)) => html! { <p class="form-error">{ e.clone() }</p> },
                Some(Ok(items)) if items.is_empty() => html! { <p class="muted standing-none">{ t.none }</p> },
                Some(Ok(items)) => html! {
                    <ul class="standing-list">{ for items.iter().map(row) }</ul>
                },
            } }
            if let Some(m) = &*done {
                <p id="standing-done" class="notice" role="status">{ m.clone() }</p>
            }
            if *form_open {
                { form }
            } else {
                <button type="button" id="standing-new" class="btn btn-link" onclick={open_form}>{ t.make }</button>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            address_id: "a1".into(),
            lines: vec![("w19".into(), "6".into())],
            window: "10:00-14:00".into(),
            courier_id: "kolya".into(),
            weekdays: [false, true, false, true, false, false, false],
            every_weeks: "2".into(),
            day: "5".into(),
            starts_on: "2026-12-08".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_weekly_draft_sends_the_ticked_days_monday_first() {
        let r = draft().request("c1", Lang::Ru).expect("request");
        assert_eq!(
            r.schedule,
            Schedule::Weekly {
                weekdays: vec![2, 4],
                every_weeks: 2
            }
        );
        assert_eq!(r.lines[0].qty, 6);
        assert_eq!(
            r.window.map(|w| (w.from, w.to)),
            Some(("10:00".into(), "14:00".into()))
        );
        assert_eq!(r.courier_id.as_deref(), Some("kolya"));
        assert_eq!((r.note, r.ends_on), (None, None));
    }

    #[test]
    fn a_monthly_draft_sends_its_day_and_a_bad_quantity_names_its_line() {
        let mut d = draft();
        d.monthly = true;
        assert_eq!(
            d.request("c1", Lang::En).expect("request").schedule,
            Schedule::Monthly { day: 5 }
        );
        d.lines.push(("cups".into(), "два".into()));
        let e = d.request("c1", Lang::Ru).expect_err("refused");
        assert_eq!(e.0, "lines[1].qty");
        d.lines.clear();
        assert_eq!(d.request("c1", Lang::Ru).expect_err("no lines").0, "lines");
    }
}
