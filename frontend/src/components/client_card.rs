//! The client card of the screen pop: who they are, where they get water,
//! how many bottles they hold, what is open and what they ordered lately.

use rodnik_shared::api::{ClientCard, Order};
use yew::prelude::*;

use crate::i18n::{kind_label, state_label, Lang};

#[derive(Properties, PartialEq)]
pub struct ClientCardProps {
    pub card: ClientCard,
    pub lang: Lang,
}

#[function_component]
pub fn ClientCardView(p: &ClientCardProps) -> Html {
    let t = p.lang.t();
    let c = &p.card.client;
    let kind = c.kind.as_str();
    html! {
        <section id="client-card" class="client-card" data-id={c.id.clone()} data-kind={kind}>
            <div class="client-head">
                <span class={classes!("kind", kind)}>{ kind_label(p.lang, c.kind) }</span>
                <h2 id="client-name">{ c.name.clone() }</h2>
            </div>
            <div class="client-facts">
                <span class="phones">
                    { for c.phones.iter().map(|ph| html! {
                        <span class="phone">
                            <super::dial::Dial phone={ph.as_str().to_string()} client_id={Some(c.id.clone())}
                                lang={p.lang} show_number=true />
                        </span>
                    }) }
                </span>
                <span id="bottles-held" class="bottles" title={t.bottles_held}>
                    { t.bottles_held }{ ": " }<b>{ c.bottles_held }</b>
                </span>
            </div>
            <ul class="addresses">
                { for c.addresses.iter().map(|a| html! {
                    <li class="address" data-id={a.id.clone()}>
                        <span class="text">{ a.text.clone() }</span>
                        if let Some(name) = &a.contact_name {
                            <span class="contact">{ name.clone() }</span>
                        }
                        if let Some(ph) = &a.contact_phone {
                            <span class="contact phone">{ ph.as_str() }</span>
                        }
                    </li>
                }) }
            </ul>
            if !p.card.active_orders.is_empty() {
                <h3>{ t.active_orders }</h3>
                <ul id="active-orders" class="mini-orders">
                    { for p.card.active_orders.iter().map(|o| mini_order(o, p.lang)) }
                </ul>
            }
            <h3>{ t.recent_orders }</h3>
            if p.card.recent_orders.is_empty() {
                <p class="muted">{ t.no_orders_yet }</p>
            } else {
                <ul id="recent-orders" class="mini-orders">
                    { for p.card.recent_orders.iter().take(5).map(|o| mini_order(o, p.lang)) }
                </ul>
            }
        </section>
    }
}

fn mini_order(o: &Order, lang: Lang) -> Html {
    let lines = o
        .lines
        .iter()
        .map(|l| format!("{} × {}", l.name, l.qty))
        .collect::<Vec<_>>()
        .join(", ");
    let state = o.state.as_str();
    html! {
        <li class="mini-order" data-id={o.id.clone()} data-state={state}>
            <span class="date">{ short_date(&o.delivery_date) }</span>
            <span class={classes!("badge", state)}>{ state_label(lang, o.state) }</span>
            <span class="lines" title={lines.clone()}>{ lines }</span>
            <span class="courier">{ o.courier_name.clone().unwrap_or_default() }</span>
            <span class="money">{ crate::money::text(lang, o.total) }</span>
        </li>
    }
}

/// `2025-11-27` as `27.11.25`: both languages read it.
pub fn short_date(iso: &str) -> String {
    let mut p = iso.splitn(3, '-');
    match (p.next(), p.next(), p.next()) {
        (Some(y), Some(m), Some(d)) if y.len() == 4 => format!("{d}.{m}.{}", &y[2..]),
        _ => iso.to_string(),
    }
}
