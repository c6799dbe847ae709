//! Tomorrow's route, read-only, for planning the load: the stops in order
//! with what each takes, and what to load in total. Kept on the phone, so it
//! reads with no connection once fetched.

use std::collections::BTreeMap;

use rodnik_shared::api::Route;
use rodnik_shared::ProductKind;
use yew::prelude::*;

use super::rub;
use crate::components::board::{goods_of, window_text};
use crate::i18n::courier::{ago, texts};
use crate::i18n::{long_date, Lang};
use crate::state::courier::cash_due;

#[derive(Properties, PartialEq)]
pub struct TomorrowProps {
    pub lang: Lang,
    pub route: Option<Route>,
    pub fetched_at: Option<f64>,
    pub now: f64,
}

/// What to load for a day: every product's quantity, water first.
pub fn load_of(route: &Route) -> Vec<(String, ProductKind, u32)> {
    let mut by: BTreeMap<(u8, String), u32> = BTreeMap::new();
    for o in route
        .stops
        .iter()
        .filter(|o| o.state == rodnik_shared::OrderState::Delivery)
    {
        for l in &o.lines {
            let rank = match l.kind {
                ProductKind::Water => 0,
                ProductKind::Goods => 1,
                ProductKind::Service => 2,
            };
            *by.entry((rank, l.name.clone())).or_default() += l.qty;
        }
    }
    by.into_iter()
        .map(|((rank, name), qty)| {
            let kind = match rank {
                0 => ProductKind::Water,
                1 => ProductKind::Goods,
                _ => ProductKind::Service,
            };
            (name, kind, qty)
        })
        .collect()
}

#[function_component]
pub fn TomorrowRoute(p: &TomorrowProps) -> Html {
    let lang = p.lang;
    let ct = texts(lang);
    let Some(route) = &p.route else {
        return html! { <section id="tomorrow" class="tomorrow"><p class="muted">{ ct.tomorrow_never }</p></section> };
    };
    let stops: Vec<_> = route
        .stops
        .iter()
        .filter(|o| o.state == rodnik_shared::OrderState::Delivery)
        .collect();
    let load = load_of(route);
    let water: u32 = load
        .iter()
        .filter(|(_, k, _)| *k == ProductKind::Water)
        .map(|(_, _, q)| q)
        .sum();
    let goods: u32 = load
        .iter()
        .filter(|(_, k, _)| *k == ProductKind::Goods)
        .map(|(_, _, q)| q)
        .sum();
    html! {
        <section id="tomorrow" class="tomorrow" data-date={route.date.clone()}>
            <h2>
                { ct.tomorrow_title }
                <span class="date">{ long_date(lang, &route.date) }</span>
            </h2>
            if let Some(at) = p.fetched_at {
                <p class="muted as-of">{ format!("{} {}", ct.loaded, ago(lang, (p.now - at) / 1000.0)) }</p>
            }
            <dl class="sum-counts tomorrow-load">
                <div class="sum-row"><dt>{ ct.load_stops }</dt><dd id="tomorrow-stops" data-value={stops.len().to_string()}>{ stops.len() }</dd></div>
                <div class="sum-row"><dt>{ ct.load_water }</dt><dd id="tomorrow-water" data-value={water.to_string()}>{ water }</dd></div>
                <div class="sum-row"><dt>{ ct.load_goods }</dt><dd id="tomorrow-goods" data-value={goods.to_string()}>{ goods }</dd></div>
            </dl>
            if !load.is_empty() {
                <ul class="tomorrow-products">
                    { for load.iter().map(|(name, _, q)| html! {
                        <li class="good"><span class="good-name">{ name.clone() }</span><b class="good-qty">{ format!("× {q}") }</b></li>
                    }) }
                </ul>
            }
            if stops.is_empty() {
                <p id="tomorrow-empty" class="route-empty">{ ct.tomorrow_empty }</p>
            } else {
                <ol id="tomorrow-route" class="route-list read-only">
                    { for stops.iter().enumerate().map(|(i, o)| {
                        let due = cash_due(o);
                        let window = match o.window {
                            Some(_) => window_text(o.window),
                            None => ct.any_time.to_string(),
                        };
                        html! {
                            <li class="route-stop read-only" data-id={o.id.clone()} data-number={o.number.to_string()}>
                                <div class="stop-head">
                                    <span class="pos">{ i + 1 }</span>
                                    <span class="num">{ format!("№{}", o.number) }</span>
                                    <span class="window">{ window }</span>
                                </div>
                                <div class="stop-client">{ o.client_name.clone() }</div>
                                <div class="stop-address">{ o.address.text.clone() }</div>
                                <div class="stop-goods">{ goods_of(&o.lines) }</div>
                                if due.0 > 0 {
                                    <div class="cash-due">{ format!("{}: {}", ct.cash_due, rub(lang, due)) }</div>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
