//! The orders of a day as a table: number, client, address, window, state,
//! courier, total; rows changed live flash once.

use rodnik_shared::api::Order;
use yew::prelude::*;

use crate::i18n::{state_label, Lang};
use crate::state::OrdersState;

#[derive(Properties, PartialEq)]
pub struct OrdersTableProps {
    pub state: OrdersState,
    pub lang: Lang,
}

#[function_component]
pub fn OrdersTable(p: &OrdersTableProps) -> Html {
    let t = p.lang.t();
    let rows = p.state.orders.iter().map(|o| {
        let touched = p.state.touched.contains(&o.id);
        row(o, p.lang, touched)
    });
    let body = if p.state.orders.is_empty() && !p.state.loading && p.state.error.is_none() {
        html! { <tr class="empty"><td colspan="7">{ t.no_orders }</td></tr> }
    } else {
        rows.collect::<Html>()
    };
    html! {
        <div class="table-wrap">
            <table id="orders-table" class="orders" aria-busy={p.state.loading.to_string()}>
                <colgroup>
                    <col class="c-num" /><col class="c-client" /><col class="c-address" />
                    <col class="c-window" /><col class="c-state" /><col class="c-courier" />
                    <col class="c-total" />
                </colgroup>
                <thead>
                    <tr>
                        <th class="num">{ t.col_number }</th>
                        <th>{ t.col_client }</th>
                        <th>{ t.col_address }</th>
                        <th>{ t.col_window }</th>
                        <th>{ t.col_state }</th>
                        <th>{ t.col_courier }</th>
                        <th class="money">{ t.col_total }</th>
                    </tr>
                </thead>
                <tbody>{ body }</tbody>
                <tfoot>
                    <tr>
                        <td colspan="6">{ t.sum_label }</td>
                        <td id="orders-sum" class="money">{ crate::money::text(p.lang, p.state.total()) }</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

fn row(o: &Order, lang: Lang, touched: bool) -> Html {
    let state = o.state.as_str();
    let window = super::board::window_text(o.window);
    let courier = o
        .courier_name
        .clone()
        .unwrap_or_else(|| lang.t().unassigned.to_string());
    html! {
        // The version in the key remounts a changed row, which replays its flash.
        <tr key={format!("{}@{}", o.id, o.version)}
            class={classes!("order-row", touched.then_some("touched"))}
            data-id={o.id.clone()} data-number={o.number.to_string()} data-state={state}>
            <td class="num">{ o.number }</td>
            <td class="client" title={o.client_name.clone()}>{ o.client_name.clone() }</td>
            <td class="address" title={o.address.text.clone()}>{ o.address.text.clone() }</td>
            <td class="window">{ window }</td>
            <td class="state"><span class={classes!("badge", state)}>{ state_label(lang, o.state) }</span></td>
            <td class={classes!("courier", o.courier_name.is_none().then_some("none"))}>{ courier }</td>
            <td class="money">{ crate::money::text(lang, o.total) }</td>
        </tr>
    }
}
