//! The bottle report (issue 19): bottles at clients, under deposit and held
//! beyond the rule now; the period's movements by kind (written off: lost);
//! empties collected against expected per courier; the bottle debtors,
//! longest without a delivery first, with their own downloads.

use rodnik_shared::api::{BottleDebtors, BottleMoveKind, BottleReport};
use rodnik_shared::{ClientKind, Money};
use yew::prelude::*;

use super::ExportButtons;
use crate::i18n::Lang;

struct Texts {
    at_clients: &'static str,
    clients_holding: &'static str,
    under_deposit: &'static str,
    deposits_held: &'static str,
    uncovered: &'static str,
    in_stock: &'static str,
    empties: &'static str,
    courier_cols: [&'static str; 7],
    moves: &'static str,
    move_cols: [&'static str; 5],
    debtors: &'static str,
    debtor_cols: [&'static str; 7],
    never: &'static str,
    total: &'static str,
    nothing: &'static str,
    individual: &'static str,
    legal: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            at_clients: "Bottles at clients",
            clients_holding: "clients",
            under_deposit: "Under deposit",
            deposits_held: "Deposits held",
            uncovered: "Held beyond the rule",
            in_stock: "In stock (count less lost, sold, at clients)",
            empties: "Empties per courier",
            courier_cols: [
                "Courier",
                "Stops",
                "Full delivered",
                "Expected back",
                "Returned",
                "Short",
                "Stops short",
            ],
            moves: "Movements in the period",
            move_cols: ["Kind", "Records", "Bottles", "Under deposit", "Deposit"],
            debtors: "Bottle debtors (now)",
            debtor_cols: [
                "Client",
                "Type",
                "Holds",
                "Free",
                "Under deposit",
                "Beyond",
                "Last delivery",
            ],
            never: "never",
            total: "Total",
            nothing: "Nothing in this period.",
            individual: "individual",
            legal: "legal",
        },
        Lang::Ru => Texts {
            at_clients: "Бутылей у клиентов",
            clients_holding: "клиентов",
            under_deposit: "Под залогом",
            deposits_held: "Залогов на руках",
            uncovered: "Сверх правила",
            in_stock: "На складе (инвентаризация − потеряно, продано, у клиентов)",
            empties: "Пустые по курьерам",
            courier_cols: [
                "Курьер",
                "Точек",
                "Привезли полных",
                "Ожидалось пустых",
                "Забрали",
                "Недобор",
                "Точек с недобором",
            ],
            moves: "Движение за период",
            move_cols: ["Вид", "Записей", "Бутылей", "Под залог", "Залог"],
            debtors: "Должники по таре (сейчас)",
            debtor_cols: [
                "Клиент",
                "Тип",
                "Бутылей",
                "Без залога",
                "Под залогом",
                "Сверх",
                "Последняя доставка",
            ],
            never: "не было",
            total: "Итого",
            nothing: "За этот период ничего.",
            individual: "физлицо",
            legal: "юрлицо",
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct BottlesProps {
    pub lang: Lang,
    pub report: BottleReport,
    pub debtors: BottleDebtors,
}

#[function_component]
pub fn BottlesView(p: &BottlesProps) -> Html {
    let lang = p.lang;
    let t = texts(lang);
    let r = &p.report;
    let money = |k: i64| crate::money::text(lang, Money(k));
    let figure = |id: &'static str, label: &'static str, value: String| {
        html! {
            <div class="figure" id={id}>
                <span class="label">{ label }</span>
                <b>{ value }</b>
            </div>
        }
    };
    let sum = |f: fn(&rodnik_shared::api::CourierEmpties) -> i64| -> i64 {
        r.couriers.iter().map(f).sum()
    };
    let kind = |k: BottleMoveKind| crate::components::bottles::kind_label(lang, k);
    html! {
        <div class="bottle-report">
            <div class="figures" id="bottle-figures" data-at-clients={r.at_clients.to_string()}
                data-uncovered={r.uncovered.to_string()} data-deposit-held={r.deposit_held.to_string()}>
                { figure("bottles-at-clients", t.at_clients,
                    format!("{} ({} {})", r.at_clients, r.clients_holding, t.clients_holding)) }
                { figure("bottles-under-deposit", t.under_deposit, r.deposit_bottles.to_string()) }
                { figure("bottles-deposits-held", t.deposits_held, money(r.deposit_held)) }
                { figure("bottles-uncovered", t.uncovered, r.uncovered.to_string()) }
                if let Some(n) = r.in_stock {
                    { figure("bottles-in-stock", t.in_stock, n.to_string()) }
                }
            </div>
            <h2>{ t.empties }</h2>
            if r.couriers.is_empty() {
                <p class="muted">{ t.nothing }</p>
            } else {
                <table id="empties-table" class="report-table">
                    <thead><tr>{ for t.courier_cols.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                    <tbody>
                        { for r.couriers.iter().map(|c| html! {
                            <tr class={classes!("empties-row", (c.short > 0).then_some("short"))}
                                data-id={c.courier_id.clone()} data-short={c.short.to_string()}>
                                <td>{ c.courier_name.clone() }</td>
                                <td class="num">{ c.stops }</td>
                                <td class="num">{ c.full }</td>
                                <td class="num">{ c.expected }</td>
                                <td class="num">{ c.returned }</td>
                                <td class="num diff">{ c.short }</td>
                                <td class="num">{ c.short_stops }</td>
                            </tr>
                        }) }
                        <tr class="report-totals">
                            <td>{ t.total }</td>
                            <td class="num">{ sum(|c| c.stops) }</td>
                            <td class="num">{ sum(|c| c.full) }</td>
                            <td class="num">{ sum(|c| c.expected) }</td>
                            <td class="num">{ sum(|c| c.returned) }</td>
                            <td class="num diff">{ sum(|c| c.short) }</td>
                            <td class="num">{ sum(|c| c.short_stops) }</td>
                        </tr>
                    </tbody>
                </table>
            }
            <h2>{ t.moves }</h2>
            if r.moves.is_empty() {
                <p class="muted">{ t.nothing }</p>
            } else {
                <table id="bottle-moves-table" class="report-table">
                    <thead><tr>{ for t.move_cols.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                    <tbody>
                        { for r.moves.iter().map(|m| html! {
                            <tr data-kind={m.kind.as_str()}>
                                <td>{ kind(m.kind) }</td>
                                <td class="num">{ m.moves }</td>
                                <td class="num">{ m.qty }</td>
                                <td class="num">{ m.deposit_bottles }</td>
                                <td class="num">{ money(m.amount) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <div class="report-subhead">
                <h2>{ t.debtors }</h2>
                <ExportButtons {lang} path="/api/reports/bottle-debtors" query={vec![]} />
            </div>
            if p.debtors.debtors.is_empty() {
                <p class="muted">{ t.nothing }</p>
            } else {
                <table id="debtors-table" class="report-table">
                    <thead><tr>{ for t.debtor_cols.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                    <tbody>
                        { for p.debtors.debtors.iter().map(|d| html! {
                            <tr class="debtor-row" data-id={d.client_id.clone()} data-owed={d.owed.to_string()}>
                                <td>{ d.name.clone() }</td>
                                <td>{ match d.kind { ClientKind::Legal => t.legal, ClientKind::Individual => t.individual } }</td>
                                <td class="num">{ d.held }</td>
                                <td class="num">{ d.free }</td>
                                <td class="num">{ d.deposit_bottles }</td>
                                <td class="num diff">{ d.owed }</td>
                                <td>{ d.last_delivery.as_deref().map(crate::clock::date_time_of)
                                    .unwrap_or_else(|| t.never.to_string()) }</td>
                            </tr>
                        }) }
                        <tr class="report-totals">
                            <td>{ t.total }</td><td></td><td></td><td></td><td></td>
                            <td class="num diff">{ p.debtors.owed }</td>
                            <td>{ money(p.debtors.owed_amount) }</td>
                        </tr>
                    </tbody>
                </table>
            }
        </div>
    }
}
