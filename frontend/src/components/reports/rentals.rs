//! The rentals report (issue 19): each agreement in force in the month, its
//! days, the bottles its address took, waived or charged, and the total to
//! bill.

use rodnik_shared::api::{CreateCallList, RentalCharges, SanitationReport};
use rodnik_shared::{ClientKind, Money};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::client_card::short_date;
use crate::i18n::reports::make_call_list;
use crate::i18n::Lang;
use crate::state::use_app;

struct Texts {
    agreements: &'static str,
    waived: &'static str,
    total: &'static str,
    cols: [&'static str; 9],
    nothing: &'static str,
    individual: &'static str,
    legal: &'static str,
    free_yes: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            agreements: "Agreements in force",
            waived: "Free by bottles",
            total: "Rent due",
            cols: [
                "№",
                "Client",
                "Type",
                "Equipment",
                "Since",
                "Fee",
                "Days",
                "Bottles",
                "Due",
            ],
            nothing: "No agreement was in force that month.",
            individual: "individual",
            legal: "legal",
            free_yes: "free",
        },
        Lang::Ru => Texts {
            agreements: "Договоров в силе",
            waived: "Бесплатно по бутылям",
            total: "К оплате за аренду",
            cols: [
                "№",
                "Клиент",
                "Тип",
                "Оборудование",
                "С",
                "Плата",
                "Дней",
                "Бутылей",
                "К оплате",
            ],
            nothing: "В этом месяце договоров аренды не было.",
            individual: "физлицо",
            legal: "юрлицо",
            free_yes: "бесплатно",
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct RentalsProps {
    pub lang: Lang,
    pub report: RentalCharges,
}

#[function_component]
pub fn RentalsView(p: &RentalsProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let r = &p.report;
    let money = |m: Money| crate::money::text(lang, m);
    html! {
        <div class="rentals-report" data-month={r.month.clone()}>
            <div class="figures" id="rental-figures" data-total={r.total.0.to_string()}
                data-agreements={r.agreements.to_string()} data-waived={r.waived.to_string()}>
                <div class="figure"><span class="label">{ t.agreements }</span><b>{ r.agreements }</b></div>
                <div class="figure"><span class="label">{ t.waived }</span><b>{ r.waived }</b></div>
                <div class="figure"><span class="label">{ t.total }</span><b>{ money(r.total) }</b></div>
            </div>
            if r.rows.is_empty() {
                <p class="muted">{ t.nothing }</p>
            } else {
                <table id="rentals-table" class="report-table">
                    <thead><tr>{ for t.cols.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                    <tbody>
                        { for r.rows.iter().map(|c| html! {
                            <tr class={classes!("rental-row", c.waived.then_some("waived"))}
                                data-id={c.rental_id.clone()} data-amount={c.amount.0.to_string()}>
                                <td class="num">{ c.number }</td>
                                <td>{ c.client_name.clone() }<div class="muted">{ c.address_text.clone() }</div></td>
                                <td>{ match c.client_kind { ClientKind::Legal => t.legal, ClientKind::Individual => t.individual } }</td>
                                <td>{ format!("{} №{}", c.model, c.serial) }</td>
                                <td>{ short_date(&c.start) }</td>
                                <td class="num">{ money(c.monthly_fee) }
                                    if let Some(n) = c.free_from_bottles {
                                        <div class="muted">{ format!("≥ {n}: {}", t.free_yes) }</div>
                                    }
                                </td>
                                <td class="num">{ format!("{}/{}", c.days, c.days_in_month) }</td>
                                <td class="num">{ c.bottles }</td>
                                <td class="num">{ if c.waived { t.free_yes.to_string() } else { money(c.amount) } }</td>
                            </tr>
                        }) }
                        <tr class="report-totals">
                            <td></td><td>{ t.total }</td><td></td><td></td><td></td><td></td><td></td><td></td>
                            <td class="num">{ money(r.total) }</td>
                        </tr>
                    </tbody>
                </table>
            }
        </div>
    }
}

struct SanitationTexts {
    due: &'static str,
    overdue: &'static str,
    ordered: &'static str,
    cols: [&'static str; 6],
    nothing: &'static str,
    days_left: &'static str,
    days_over: &'static str,
    list_name: &'static str,
    made: &'static str,
    open: &'static str,
}

fn sanitation_texts(lang: Lang) -> SanitationTexts {
    match lang {
        Lang::En => SanitationTexts {
            due: "Due within 30 days",
            overdue: "Overdue",
            ordered: "Ordered",
            cols: ["Client", "Equipment", "Last sanitised", "Due", "", "Order"],
            nothing: "No cooler is due.",
            days_left: "days left",
            days_over: "days overdue",
            list_name: "Sanitation due",
            made: "Call list made:",
            open: "Open it",
        },
        Lang::Ru => SanitationTexts {
            due: "Срок в ближайшие 30 дней",
            overdue: "Просрочено",
            ordered: "Заказано",
            cols: [
                "Клиент",
                "Оборудование",
                "Последняя обработка",
                "Срок",
                "",
                "Заказ",
            ],
            nothing: "Санобработка никому не нужна.",
            days_left: "дн. осталось",
            days_over: "дн. просрочено",
            list_name: "Санобработка",
            made: "Список обзвона создан:",
            open: "Открыть",
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct SanitationProps {
    pub lang: Lang,
    pub report: SanitationReport,
}

/// Coolers due for sanitation, and the call list of their clients in one click.
#[function_component]
pub fn SanitationView(p: &SanitationProps) -> Html {
    let lang = p.lang;
    let t = sanitation_texts(lang);
    let r = &p.report;
    let app = use_app();
    let made = use_state(|| None::<Result<(String, String), String>>);
    let busy = use_state(|| false);
    // Those not ordered yet, each client once, in the list's order.
    let mut ids: Vec<String> = vec![];
    for row in r.rows.iter().filter(|x| x.order_id.is_none()) {
        if !ids.contains(&row.client_id) {
            ids.push(row.client_id.clone());
        }
    }
    let make = {
        let (made, busy) = (made.clone(), busy.clone());
        let token = app.token().unwrap_or_default().to_string();
        let req = CreateCallList {
            name: format!("{} {}", t.list_name, r.as_of),
            client_ids: ids.clone(),
            note: None,
        };
        super::call_list::make_on_click(req, token, busy, made)
    };
    html! {
        <div class="sanitation-report" data-as-of={r.as_of.clone()}>
            <div class="figures" id="sanitation-figures" data-due={r.rows.len().to_string()}
                data-overdue={r.overdue.to_string()} data-ordered={r.ordered.to_string()}>
                <div class="figure"><span class="label">{ t.due }</span><b>{ r.rows.len() }</b></div>
                <div class="figure"><span class="label">{ t.overdue }</span><b>{ r.overdue }</b></div>
                <div class="figure"><span class="label">{ t.ordered }</span><b>{ r.ordered }</b></div>
            </div>
            <div class="table-tools">
                <button id="make-call-list" type="button" class="btn btn-primary"
                    disabled={ids.is_empty() || *busy} onclick={make}>{ make_call_list(lang, ids.len()) }</button>
                { match &*made {
                    Some(Ok((id, name))) => html! {
                        <span id="call-list-made" class="banner ok" data-id={id.clone()}>
                            { t.made }{ " " }{ name.clone() }{ " · " }
                            <Link<Route> to={Route::Calls}>{ t.open }</Link<Route>>
                        </span>
                    },
                    Some(Err(e)) => html! { <span id="call-list-error" class="form-error">{ e.clone() }</span> },
                    None => html! { <span hidden=true></span> },
                } }
            </div>
            if r.rows.is_empty() {
                <p class="muted">{ t.nothing }</p>
            } else {
                <table id="sanitation-table" class="report-table">
                    <thead><tr>{ for t.cols.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                    <tbody>
                        { for r.rows.iter().map(|d| html! {
                            <tr class={classes!("sanitation-row", (d.overdue_days > 0).then_some("overdue"))}
                                data-id={d.equipment_id.clone()} data-serial={d.serial.clone()}
                                data-overdue={d.overdue_days.to_string()}>
                                <td>{ d.client_name.clone() }<div class="muted">{ d.address_text.clone() }</div></td>
                                <td>{ format!("{} №{}", d.model, d.serial) }</td>
                                <td>{ short_date(&d.sanitized_on) }</td>
                                <td>{ short_date(&d.due) }</td>
                                <td class="num">{ if d.overdue_days > 0 {
                                    format!("{} {}", d.overdue_days, t.days_over)
                                } else {
                                    format!("{} {}", -d.overdue_days, t.days_left)
                                } }</td>
                                <td>{ d.order_number.map(|n| format!("№{n}")).unwrap_or_default() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
