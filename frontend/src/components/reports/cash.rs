//! The cash report with the cashier's work: every courier's day with cash
//! due, collected, handed over, received and the difference; a day handed
//! over waits for "Принять": the amount received (what was collected filled
//! in) and, when it differs, a comment.

use rodnik_shared::api::{CashReport, CashRow, ConfirmHandover, HandoverState};
use rodnik_shared::Money;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::Lang;
use crate::state::use_app;

struct Texts {
    cols: [&'static str; 9],
    none: &'static str,
    submitted: &'static str,
    confirmed: &'static str,
    confirm: &'static str,
    received: &'static str,
    comment: &'static str,
    save: &'static str,
    total: &'static str,
    empty: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            cols: [
                "Date",
                "Courier",
                "Stops",
                "Due",
                "Collected",
                "Handed over",
                "Received",
                "Difference",
                "State",
            ],
            none: "not handed over",
            submitted: "handed over",
            confirmed: "confirmed",
            confirm: "Confirm",
            received: "Received, ₽",
            comment: "Why it differs",
            save: "Confirm receipt",
            total: "Total",
            empty: "No cash in this period.",
        },
        Lang::Ru => Texts {
            cols: [
                "Дата",
                "Курьер",
                "Точек",
                "К получению",
                "Получено",
                "Сдано",
                "Принято",
                "Разница",
                "Состояние",
            ],
            none: "не сдано",
            submitted: "сдано",
            confirmed: "принято",
            confirm: "Принять",
            received: "Принято, ₽",
            comment: "Почему расходится",
            save: "Подтвердить приём",
            total: "Итого",
            empty: "За этот период наличных нет.",
        },
    }
}

#[derive(Properties, PartialEq)]
struct ConfirmProps {
    row: CashRow,
    lang: Lang,
    on_done: Callback<()>,
}

#[function_component]
fn ConfirmForm(p: &ConfirmProps) -> Html {
    let t = texts(p.lang);
    let app = use_app();
    let received = use_state(|| crate::money::input(p.lang, Money(p.row.collected)));
    let comment = use_state(String::new);
    let error = use_state(|| None::<String>);
    let input = |h: &UseStateHandle<String>| {
        let (h, error) = (h.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            h.set(i.value());
            error.set(None);
        })
    };
    let onsubmit = {
        let (received, comment, error, on_done) = (
            received.clone(),
            comment.clone(),
            error.clone(),
            p.on_done.clone(),
        );
        let (id, token) = (
            p.row.handover_id.clone().unwrap_or_default(),
            app.token().unwrap_or_default().to_string(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(m) = Money::parse_roubles(&received) else {
                error.set(Some("received".into()));
                return;
            };
            let req = ConfirmHandover {
                received: m.0,
                comment: Some((*comment).clone()).filter(|c| !c.trim().is_empty()),
                expected_version: None,
            };
            let (error, on_done, id, token) =
                (error.clone(), on_done.clone(), id.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).confirm_handover(&id, &req).await {
                    Ok(_) => on_done.emit(()),
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    html! {
        <form class="confirm-cash" {onsubmit}>
            <label>{ t.received }
                <input class="cash-received" type="text" inputmode="decimal" value={(*received).clone()}
                    oninput={input(&received)} />
            </label>
            <label>{ t.comment }
                <input class="cash-comment" type="text" value={(*comment).clone()} oninput={input(&comment)} />
            </label>
            <button type="submit" class="btn btn-primary cash-confirm-save">{ t.save }</button>
            if let Some(e) = &*error {
                <span class="field-error" role="alert">{ e.clone() }</span>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct CashViewProps {
    pub lang: Lang,
    pub report: CashReport,
    /// A day was confirmed: load the report again.
    pub on_changed: Callback<()>,
}

#[function_component]
pub fn CashView(p: &CashViewProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let open = use_state(|| None::<String>);
    let money = |m: i64| crate::money::text(lang, Money(m));
    let opt = |m: Option<i64>| m.map(money).unwrap_or_default();
    let on_done = {
        let (open, on_changed) = (open.clone(), p.on_changed.clone());
        Callback::from(move |_: ()| {
            open.set(None);
            on_changed.emit(());
        })
    };
    html! {
        <div class="cash-report">
            if p.report.rows.is_empty() {
                <p class="muted">{ t.empty }</p>
            } else {
                <table id="cash-table" class="report-table">
                    <thead><tr>{ for t.cols.iter().map(|c| html! { <th>{ *c }</th> }) }<th></th></tr></thead>
                    <tbody>
                        { for p.report.rows.iter().map(|r| {
                            let key = r.handover_id.clone().unwrap_or_default();
                            let state = match r.state {
                                None => ("none", t.none),
                                Some(HandoverState::Submitted) => ("submitted", t.submitted),
                                Some(HandoverState::Confirmed) => ("confirmed", t.confirmed),
                            };
                            let toggle = {
                                let (open, key) = (open.clone(), key.clone());
                                Callback::from(move |_: MouseEvent| {
                                    open.set(if open.as_deref() == Some(key.as_str()) { None } else { Some(key.clone()) })
                                })
                            };
                            let short = r.difference.is_some_and(|d| d != 0);
                            // One row per day, never a fragment (Yew 0.23 misplaces
                            // fragments that grow among siblings): the confirm form
                            // opens in the row's last cell.
                            html! {
                                <tr class={classes!("cash-row", short.then_some("short"))} data-id={key.clone()}
                                    data-courier-id={r.courier_id.clone()} data-date={r.date.clone()}
                                    data-state={state.0} data-collected={r.collected.to_string()}
                                    data-difference={r.difference.map(|d| d.to_string()).unwrap_or_default()}>
                                    <td>{ crate::components::client_card::short_date(&r.date) }</td>
                                    <td>{ r.courier_name.clone() }</td>
                                    <td class="num">{ r.stops }</td>
                                    <td class="num">{ money(r.due) }</td>
                                    <td class="num">{ money(r.collected) }</td>
                                    <td class="num">{ opt(r.handed_over) }</td>
                                    <td class="num">{ opt(r.received) }</td>
                                    <td class="num diff">{ opt(r.difference) }</td>
                                    <td>
                                        { state.1 }
                                        if let Some(c) = &r.comment {
                                            <div class="muted">{ c.clone() }</div>
                                        }
                                    </td>
                                    <td class="cash-actions">
                                        if r.state == Some(HandoverState::Submitted) {
                                            <button type="button" class="btn cash-confirm" onclick={toggle}>{ t.confirm }</button>
                                            if open.as_deref() == Some(key.as_str()) {
                                                <ConfirmForm row={r.clone()} {lang} on_done={on_done.clone()} />
                                            }
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                    <tfoot>
                        <tr class="report-totals">
                            <td>{ t.total }</td><td></td><td></td>
                            <td class="num">{ money(p.report.totals.due) }</td>
                            <td class="num">{ money(p.report.totals.collected) }</td>
                            <td class="num">{ money(p.report.totals.handed_over) }</td>
                            <td class="num">{ money(p.report.totals.received) }</td>
                            <td class="num">{ money(p.report.totals.difference) }</td>
                            <td></td><td></td>
                        </tr>
                    </tfoot>
                </table>
            }
        </div>
    }
}
