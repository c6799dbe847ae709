//! The client's rented equipment on the card (issue 19): each agreement
//! ("кулер №ECO-1 с 05.12.26, 500 ₽/мес, бесплатно от 4 бут."), renting a
//! piece in stock out (the agreement and its delivery order in one step)
//! and ordering a collection. What was typed stays on a refusal.

use rodnik_shared::api::{
    ClientSummary, EndRental, Equipment, NewRental, Rental, RentalStop, User,
};
use rodnik_shared::{EquipmentState, Money, RentalState};
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::client_card::short_date;
use super::new_client_form::value;
use crate::api::equipment::EquipmentQuery;
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::rental::{kind_word, state_label, texts};
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct RentalsProps {
    pub client: ClientSummary,
    pub token: AttrValue,
    pub lang: Lang,
    /// An order was created (a delivery or a collection): the card reloads.
    pub on_changed: Callback<()>,
}

/// The form's fields as typed.
#[derive(Clone, PartialEq, Default)]
struct Draft {
    equipment_id: String,
    address_id: String,
    fee: String,
    free_from: String,
    deposit: String,
    months: String,
    date: String,
    courier_id: String,
    note: String,
}

#[derive(Clone, PartialEq)]
enum Form {
    Closed,
    Rent,
    /// Ordering the collection of this agreement.
    End(String),
    /// Ordering a sanitation of this equipment.
    Sanitize(String),
}

/// "Кулер №ECO-1 · Ecotronic H1 · с 05.12.26 · 500 ₽/мес · бесплатно от 4 бут. в месяц · залог 1 000 ₽".
fn terms_line(lang: Lang, r: &Rental) -> String {
    let t = texts(lang);
    let mut parts = vec![
        format!("{} №{}", kind_word(lang, r.kind), r.serial),
        r.model.clone(),
    ];
    parts.push(match r.state {
        RentalState::Pending => format!("{} {}", t.planned, short_date(&r.start)),
        RentalState::Ended => format!(
            "{} {} — {} {}",
            t.since,
            short_date(&r.start),
            t.ended,
            r.ended_on.as_deref().map(short_date).unwrap_or_default()
        ),
        _ => format!("{} {}", t.since, short_date(&r.start)),
    });
    parts.push(format!(
        "{}{}",
        crate::money::text(lang, r.monthly_fee),
        t.per_month
    ));
    if let Some(n) = r.free_from_bottles {
        parts.push(format!("{} {n} {}", t.free_from, t.bottles_month));
    }
    if r.deposit.0 > 0 {
        parts.push(format!(
            "{} {}",
            t.deposit,
            crate::money::text(lang, r.deposit)
        ));
    }
    parts.push(match r.months {
        Some(m) => format!("{} {m} {}", t.term, t.months),
        None => t.open_ended.to_string(),
    });
    parts.join(" · ")
}

/// Kopecks from what was typed in roubles ("" is zero).
fn roubles(s: &str, field: &str, lang: Lang) -> Result<i64, (String, String)> {
    if s.trim().is_empty() {
        return Ok(0);
    }
    Money::parse_roubles(s)
        .map(|m| m.0)
        .map_err(|_| (field.to_string(), texts(lang).bad_number.to_string()))
}

fn count(s: &str, field: &str, lang: Lang) -> Result<Option<u32>, (String, String)> {
    match s.trim() {
        "" => Ok(None),
        v => v
            .parse::<u32>()
            .map(Some)
            .map_err(|_| (field.to_string(), texts(lang).bad_number.to_string())),
    }
}

#[function_component]
pub fn ClientRentals(p: &RentalsProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let rentals = use_state(|| None::<Result<Vec<Rental>, String>>);
    let form = use_state(|| Form::Closed);
    let draft = use_state(Draft::default);
    let stock = use_state(Vec::<Equipment>::new);
    let couriers = use_state(Vec::<User>::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<(String, String)>);
    let done = use_state(|| None::<String>);
    let key = use_mut_ref(new_idempotency_key);
    let load = {
        let (rentals, token, id) = (rentals.clone(), p.token.clone(), p.client.id.clone());
        Callback::from(move |_: ()| {
            let (rentals, token, id) = (rentals.clone(), token.clone(), id.clone());
            spawn_local(async move {
                let r = Api::with_token(&token).client_rentals(&id).await;
                rentals.set(Some(r.map_err(|e| e.message())));
            });
        })
    };
    {
        let (load, form, done) = (load.clone(), form.clone(), done.clone());
        use_effect_with(p.client.id.clone(), move |_| {
            form.set(Form::Closed);
            done.set(None);
            load.emit(());
        });
    }
    let open = |f: Form| {
        let (form, draft, stock, couriers, error, done, token, client, key) = (
            form.clone(),
            draft.clone(),
            stock.clone(),
            couriers.clone(),
            error.clone(),
            done.clone(),
            p.token.clone(),
            p.client.clone(),
            key.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            *key.borrow_mut() = new_idempotency_key();
            error.set(None);
            done.set(None);
            draft.set(Draft {
                address_id: client
                    .active_addresses()
                    .next()
                    .map(|a| a.id.clone())
                    .unwrap_or_default(),
                date: crate::clock::today(),
                ..Draft::default()
            });
            form.set(f.clone());
            let (stock, couriers, token, rent) = (
                stock.clone(),
                couriers.clone(),
                token.clone(),
                f == Form::Rent,
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                if rent {
                    let q = EquipmentQuery {
                        state: Some(EquipmentState::InStock),
                        kind: None,
                        serial: "",
                        limit: 500,
                    };
                    if let Ok(list) = api.equipment_list(&q).await {
                        stock.set(list.into_iter().filter(|e| e.rental_id.is_none()).collect());
                    }
                }
                if let Ok(list) = api.couriers().await {
                    couriers.set(list.into_iter().filter(|u| u.active).collect());
                }
            });
        })
    };
    let set = |f: fn(&mut Draft, String)| {
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
        let (form, draft, busy, error, done, key, load, on_changed) = (
            form.clone(),
            draft.clone(),
            busy.clone(),
            error.clone(),
            done.clone(),
            key.clone(),
            load.clone(),
            p.on_changed.clone(),
        );
        let (token, client_id) = (p.token.clone(), p.client.id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let d = (*draft).clone();
            let stop = RentalStop {
                delivery_date: d.date.clone(),
                window: None,
                courier_id: Some(d.courier_id.clone()).filter(|c| !c.is_empty()),
                lines: vec![],
                note: Some(d.note.clone()).filter(|n| !n.trim().is_empty()),
            };
            let f = (*form).clone();
            let rent = match &f {
                Form::Rent => {
                    let parsed = (|| {
                        Ok::<_, (String, String)>(NewRental {
                            client_id: client_id.to_string(),
                            address_id: d.address_id.clone(),
                            equipment_id: d.equipment_id.clone(),
                            months: count(&d.months, "months", lang)?,
                            monthly_fee: roubles(&d.fee, "monthly_fee", lang)?,
                            free_from_bottles: count(&d.free_from, "free_from_bottles", lang)?,
                            deposit: roubles(&d.deposit, "deposit", lang)?,
                            note: None,
                            delivery: stop.clone(),
                        })
                    })();
                    match parsed {
                        Ok(r) => Some(r),
                        Err(fe) => {
                            error.set(Some(fe));
                            return;
                        }
                    }
                }
                _ => None,
            };
            busy.set(true);
            let (form, busy, error, done, key, load, on_changed, token) = (
                form.clone(),
                busy.clone(),
                error.clone(),
                done.clone(),
                key.clone(),
                load.clone(),
                on_changed.clone(),
                token.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                let k = key.borrow().clone();
                let t = texts(lang);
                let answer = match (&f, rent) {
                    (Form::Rent, Some(req)) => api
                        .create_rental(&req, &k)
                        .await
                        .map(|r| format!("{} №{}", t.created, r.order.number)),
                    (Form::End(id), _) => api
                        .end_rental(
                            id,
                            &EndRental {
                                collection: stop,
                                expected_version: None,
                            },
                            &k,
                        )
                        .await
                        .map(|r| format!("{} №{}", t.collection_created, r.order.number)),
                    (Form::Sanitize(equipment), _) => api
                        .order_sanitation(equipment, &stop, &k)
                        .await
                        .map(|o| format!("{} №{}", t.sanitation_created, o.number)),
                    _ => Ok(String::new()),
                };
                match answer {
                    Ok(message) => {
                        *key.borrow_mut() = new_idempotency_key();
                        error.set(None);
                        done.set(Some(message));
                        form.set(Form::Closed);
                        load.emit(());
                        on_changed.emit(());
                    }
                    Err(e) => {
                        if !matches!(e, ApiError::Network(_)) {
                            *key.borrow_mut() = new_idempotency_key();
                        }
                        let fe = match e.code() {
                            Some("equipment_taken") => ("equipment_id".into(), t.taken.into()),
                            Some("rental_changed" | "stale_version" | "invalid_transition") => {
                                load.emit(());
                                (String::new(), t.stale.into())
                            }
                            _ => e.field_error(lang),
                        };
                        error.set(Some(fe));
                    }
                }
                busy.set(false);
            });
        })
    };
    let field_error = |f: &str| match &*error {
        Some((field, m)) if field == f || field.ends_with(&format!(".{f}")) => {
            html! { <span class="field-error" data-field={field.clone()} role="alert">{ m.clone() }</span> }
        }
        _ => html! {},
    };
    let placed = [
        "equipment_id",
        "address_id",
        "monthly_fee",
        "free_from_bottles",
        "deposit",
        "months",
        "delivery_date",
        "courier_id",
    ];
    let other_error = match &*error {
        Some((field, m))
            if !placed
                .iter()
                .any(|f| field == f || field.ends_with(&format!(".{f}"))) =>
        {
            html! { <p class="form-error field-error" data-field={field.clone()} role="alert">{ m.clone() }</p> }
        }
        _ => html! {},
    };
    let today = crate::clock::today();
    let row = |r: &Rental| {
        let state = r.state.as_str();
        let can_end = r.state == RentalState::Active && r.collect_order_id.is_none();
        html! {
            <li class={classes!("rental", state)} data-id={r.id.clone()} data-state={state}
                data-serial={r.serial.clone()}>
                <span class={classes!("badge", state)}>{ state_label(lang, r.state) }</span>
                <span class="terms">{ terms_line(lang, r) }</span>
                if let Some(n) = r.collect_order_number {
                    if r.state == RentalState::Active {
                        <span class="collect-ordered muted">{ format!(" · {} №{n}", t.collection_ordered) }</span>
                    }
                }
                if let Some(due) = &r.sanitation_due {
                    <span class={classes!("sanitation-due", (due.as_str() <= today.as_str()).then_some("overdue"))}
                        data-due={due.clone()}>
                        { format!(" · {} {}", t.sanitation_by, short_date(due)) }
                    </span>
                }
                if r.state == RentalState::Active {
                    <button type="button" class="btn btn-link order-sanitation" data-id={r.equipment_id.clone()}
                        onclick={open(Form::Sanitize(r.equipment_id.clone()))}>{ t.order_sanitation }</button>
                }
                if can_end {
                    <button type="button" class="btn btn-link end-rental" data-id={r.id.clone()}
                        onclick={open(Form::End(r.id.clone()))}>{ t.end }</button>
                }
            </li>
        }
    };
    let d = (*draft).clone();
    let courier_select = html! {
        <label>{ t.courier }
            <select id="rental-courier" onchange={pick(|d, v| d.courier_id = v)}>
                <option value="" selected={d.courier_id.is_empty()}>{ t.no_courier }</option>
                { for couriers.iter().map(|u| html! {
                    <option value={u.id.clone()} selected={d.courier_id == u.id}>{ u.name.clone() }</option>
                }) }
            </select>
            { field_error("courier_id") }
        </label>
    };
    let date_input = html! {
        <label>{ t.date }
            <input id="rental-date" type="date" value={d.date.clone()} oninput={set(|d, v| d.date = v)} />
            { field_error("delivery_date") }
        </label>
    };
    // Send (saving while busy) and cancel, under each form.
    let actions = |id: &'static str, label: &'static str| {
        let form = form.clone();
        html! {
            <div class="form-actions">
                <button type="submit" {id} class="btn primary" disabled={*busy}>
                    { if *busy { t.saving } else { label } }
                </button>
                <button type="button" class="btn"
                    onclick={Callback::from(move |_: MouseEvent| form.set(Form::Closed))}>{ t.cancel }</button>
            </div>
        }
    };
    let shown: Vec<&Rental> = match &*rentals {
        Some(Ok(list)) => list
            .iter()
            .filter(|r| matches!(r.state, RentalState::Pending | RentalState::Active))
            .collect(),
        _ => vec![],
    };
    html! {
        <section id="client-rentals" class="client-rentals">
            <h3>{ t.title }</h3>
            { match &*rentals {
                None => html! { <p class="muted">{ "…" }</p> },
                Some(Err(e)) => html! { <p class="form-error">{ e.clone() }</p> },
                Some(Ok(_)) if shown.is_empty() => html! { <p class="muted">{ t.none }</p> },
                Some(Ok(_)) => html! { <ul class="rentals">{ for shown.iter().map(|r| row(r)) }</ul> },
            } }
            if let Some(m) = &*done {
                <p id="rental-done" class="notice" role="status">{ m.clone() }</p>
            }
            { match &*form {
                Form::Closed => html! {
                    <button type="button" id="rent-equipment" class="btn btn-link" onclick={open(Form::Rent)}>
                        { t.rent }
                    </button>
                },
                Form::Rent => html! {
                    <form id="rental-form" class="rental-form" onsubmit={onsubmit.clone()}>
                        <h4>{ t.form_title }</h4>
                        <label>{ t.equipment }
                            <select id="rental-equipment" onchange={pick(|d, v| d.equipment_id = v)}>
                                <option value="" selected={d.equipment_id.is_empty()}>{ t.pick_equipment }</option>
                                { for stock.iter().map(|e| html! {
                                    <option value={e.id.clone()} selected={d.equipment_id == e.id}>
                                        { format!("{} №{} · {}", kind_word(lang, e.kind), e.serial, e.model) }
                                    </option>
                                }) }
                            </select>
                            { field_error("equipment_id") }
                        </label>
                        if stock.is_empty() {
                            <p class="muted">{ t.no_stock }</p>
                        }
                        <label>{ t.address }
                            <select id="rental-address" onchange={pick(|d, v| d.address_id = v)}>
                                { for p.client.active_addresses().map(|a| html! {
                                    <option value={a.id.clone()} selected={d.address_id == a.id}>{ a.text.clone() }</option>
                                }) }
                            </select>
                            { field_error("address_id") }
                        </label>
                        <label>{ t.monthly_fee }
                            <input id="rental-fee" type="text" inputmode="decimal" value={d.fee.clone()}
                                oninput={set(|d, v| d.fee = v)} />
                            { field_error("monthly_fee") }
                        </label>
                        <label>{ t.free_from_label }
                            <input id="rental-free-from" type="text" inputmode="numeric" value={d.free_from.clone()}
                                oninput={set(|d, v| d.free_from = v)} />
                            { field_error("free_from_bottles") }
                        </label>
                        <label>{ t.deposit_label }
                            <input id="rental-deposit" type="text" inputmode="decimal" value={d.deposit.clone()}
                                oninput={set(|d, v| d.deposit = v)} />
                            { field_error("deposit") }
                        </label>
                        <label>{ t.months_label }
                            <input id="rental-months" type="text" inputmode="numeric" value={d.months.clone()}
                                placeholder={t.open_ended} oninput={set(|d, v| d.months = v)} />
                            { field_error("months") }
                        </label>
                        { date_input.clone() }
                        { courier_select.clone() }
                        <label>{ t.note }
                            <input id="rental-note" type="text" value={d.note.clone()} oninput={set(|d, v| d.note = v)} />
                        </label>
                        { other_error.clone() }
                        { actions("rental-save", t.save) }
                    </form>
                },
                Form::End(_) | Form::Sanitize(_) => html! {
                    <form id="rental-end-form" class="rental-form" onsubmit={onsubmit.clone()}>
                        <h4>{ if matches!(&*form, Form::End(_)) { t.end_title } else { t.sanitation_title } }</h4>
                        { date_input.clone() }
                        { courier_select.clone() }
                        <label>{ t.note }
                            <input id="rental-note" type="text" value={d.note.clone()} oninput={set(|d, v| d.note = v)} />
                        </label>
                        { other_error.clone() }
                        { actions("rental-end-save", if matches!(&*form, Form::End(_)) { t.end } else { t.order_sanitation }) }
                    </form>
                },
            } }
        </section>
    }
}
