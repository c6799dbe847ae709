//! Clients measured against their own rhythm (issue 23): the operators'
//! reorder list (expected today or before: call them before they buy
//! elsewhere; on the call lists page) and the managers' at-risk list (silent
//! past their own rhythm; in the lost-clients tab), each with `tel:` links
//! and, for managers, a call list made in one click.

use rodnik_shared::api::{CreateCallList, RhythmItem};
use rodnik_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::{Cell, Column, ReportTable, Row};
use crate::api::Api;
use crate::i18n::reports::make_call_list;
use crate::i18n::{kind_label, Lang};
use crate::state::use_app;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RhythmKind {
    /// `GET /api/reorder`.
    Due,
    /// `GET /api/reports/at-risk`.
    AtRisk,
}

struct Texts {
    title: &'static str,
    hint: &'static str,
    empty: &'static str,
    client: &'static str,
    kind: &'static str,
    phones: &'static str,
    expected: &'static str,
    overdue: &'static str,
    every: &'static str,
    qty: &'static str,
    last: &'static str,
    list_name: &'static str,
    made: &'static str,
}

fn texts(lang: Lang, kind: RhythmKind) -> Texts {
    // The list's own words, then the columns' (the same in both lists).
    let (title, hint, empty, list_name) = match (lang, kind) {
        (Lang::En, RhythmKind::Due) => (
            "Due to reorder",
            "Their usual day has come and there is no order: call them before they buy elsewhere.",
            "Nobody is due today.",
            "Due to reorder",
        ),
        (Lang::Ru, RhythmKind::Due) => (
            "Пора заказать",
            "Обычный день заказа настал, а заказа нет: позвоните, пока клиент не купил у других.",
            "Сегодня звонить некому.",
            "Пора заказать",
        ),
        (Lang::En, RhythmKind::AtRisk) => (
            "At risk by their own rhythm",
            "Silent well past their usual interval (a weekly client after about two weeks), not yet lost.",
            "Nobody is at risk.",
            "At risk",
        ),
        (Lang::Ru, RhythmKind::AtRisk) => (
            "Под угрозой ухода (по своему ритму)",
            "Молчат намного дольше обычного (еженедельный клиент — около двух недель), но ещё не ушли.",
            "Под угрозой никого.",
            "Под угрозой",
        ),
    };
    match lang {
        Lang::En => Texts {
            title,
            hint,
            empty,
            client: "Client",
            kind: "Kind",
            phones: "Phones",
            expected: "Expected",
            overdue: "Days past",
            every: "Usually every, days",
            qty: "Usually, bottles",
            last: "Last delivery",
            list_name,
            made: "Call list made:",
        },
        Lang::Ru => Texts {
            title,
            hint,
            empty,
            client: "Клиент",
            kind: "Тип",
            phones: "Телефоны",
            expected: "Ожидали",
            overdue: "Дней после",
            every: "Обычно раз в, дней",
            qty: "Обычно, бутылей",
            last: "Последняя доставка",
            list_name,
            made: "Список обзвона создан:",
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct RhythmListProps {
    pub kind: RhythmKind,
}

#[function_component]
pub fn RhythmList(p: &RhythmListProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang, p.kind);
    let token = app.token().unwrap_or_default().to_string();
    let manager = app
        .session
        .as_ref()
        .is_some_and(|s| matches!(s.user.role, Role::Admin | Role::Manager));
    let items = use_state(|| None::<Result<Vec<RhythmItem>, String>>);
    let made = use_state(super::call_list::Made::default);
    let busy = use_state(|| false);
    {
        let (items, token, kind) = (items.clone(), token.clone(), p.kind);
        use_effect_with(kind, move |_| {
            spawn_local(async move {
                let api = Api::with_token(&token);
                let got = match kind {
                    RhythmKind::Due => api.reorder().await,
                    RhythmKind::AtRisk => api.at_risk().await,
                };
                items.set(Some(got.map_err(|e| e.message())));
            });
        });
    }
    let list = match &*items {
        None => return html! { <p class="loading">{ lang.t().loading }</p> },
        Some(Err(e)) => return html! { <p class="form-error">{ e.clone() }</p> },
        Some(Ok(list)) => list.clone(),
    };
    let ids: Vec<String> = list.iter().map(|i| i.client_id.clone()).collect();
    let make = {
        let (made, busy, token) = (made.clone(), busy.clone(), token.clone());
        let today = app
            .calendar
            .as_ref()
            .map(|c| c.today.clone())
            .unwrap_or_default();
        let req = CreateCallList {
            name: format!("{} {today}", t.list_name),
            client_ids: ids.clone(),
            note: None,
        };
        super::call_list::make_on_click(req, token, busy, made)
    };
    let columns = vec![
        Column::text("client", t.client),
        Column::text("kind", t.kind),
        Column::text("phones", t.phones),
        Column::text("expected_on", t.expected),
        Column::num("days_overdue", t.overdue),
        Column::num("interval", t.every),
        Column::num("expected_qty", t.qty),
        Column::text("last_on", t.last),
    ];
    let rows: Vec<Row> = list
        .iter()
        .map(|i| Row {
            key: i.client_id.clone(),
            cells: vec![
                Cell::Text(i.name.clone()),
                Cell::Text(kind_label(lang, i.kind).into()),
                Cell::Phones(i.phones.clone()),
                Cell::Date(i.rhythm.expected_on.clone()),
                Cell::Int(i.days_overdue),
                Cell::Int(i.rhythm.typical_interval_days.round() as i64),
                Cell::Int(i64::from(i.rhythm.expected_qty)),
                Cell::Date(i.rhythm.last_on.clone()),
            ],
        })
        .collect();
    let id = match p.kind {
        RhythmKind::Due => "reorder",
        RhythmKind::AtRisk => "at-risk",
    };
    html! {
        <section class="rhythm-list" id={format!("{id}-section")}>
            <h3>{ t.title }</h3>
            <p class="muted">{ t.hint }</p>
            if manager {
                <div class="range">
                    <button id={format!("{id}-call-list")} type="button" class="btn btn-primary"
                        disabled={ids.is_empty() || *busy} onclick={make}>{ make_call_list(lang, ids.len()) }</button>
                    { match &*made {
                        Some(Ok((_, name))) => html! {
                            <span class="banner ok" id={format!("{id}-call-list-made")}>{ t.made }{ " " }{ name.clone() }</span>
                        },
                        Some(Err(e)) => html! { <span class="form-error">{ e.clone() }</span> },
                        None => html! {},
                    } }
                </div>
            }
            <ReportTable id={format!("{id}-table")} {lang} {columns} {rows} empty={t.empty} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RhythmBadgeProps {
    pub rhythm: Option<rodnik_shared::api::ClientRhythm>,
    pub lang: Lang,
}

/// On the client's card: when the next order is expected and how much, or
/// that the client is at risk by its own rhythm.
#[function_component]
pub fn RhythmBadge(p: &RhythmBadgeProps) -> Html {
    let Some(r) = &p.rhythm else {
        return html! {};
    };
    let day = super::format::date(p.lang, &r.expected_on);
    let every = r.typical_interval_days.round() as i64;
    let (class, text) = match (p.lang, r.at_risk, r.due) {
        (Lang::Ru, true, _) => (
            "at-risk",
            format!("Под угрозой: ждали заказ {day} (обычно раз в {every} дн.)"),
        ),
        (Lang::En, true, _) => (
            "at-risk",
            format!("At risk: an order was expected on {day} (usually every {every} days)"),
        ),
        (Lang::Ru, false, true) => (
            "due",
            format!("Пора заказать: ждали {day}, обычно {} бут.", r.expected_qty),
        ),
        (Lang::En, false, true) => (
            "due",
            format!("Due: expected on {day}, usually {} bottles", r.expected_qty),
        ),
        (Lang::Ru, false, false) => (
            "expected",
            format!(
                "Следующий заказ около {day}, обычно {} бут.",
                r.expected_qty
            ),
        ),
        (Lang::En, false, false) => (
            "expected",
            format!(
                "Next order expected about {day}, usually {} bottles",
                r.expected_qty
            ),
        ),
    };
    html! {
        <p id="client-rhythm" class={classes!("client-rhythm", class)} data-state={class}
            data-expected-on={r.expected_on.clone()}>{ text }</p>
    }
}
