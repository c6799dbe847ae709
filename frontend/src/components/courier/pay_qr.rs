//! The QR code a client scans to pay by SBP at the door: the company's SBP
//! link (with the amount when the bank's link takes one), else a payment
//! by requisites naming the order, the amount in roubles under it and the
//! link as text. Made on the phone from settings kept offline
//! (`state::receipts::PayQr`); without either, the form says what to fill in.

use rodnik_shared::api::PaymentQrSettings;
use rodnik_shared::Money;
use yew::prelude::*;

use super::rub;
use crate::i18n::receipts::texts;
use crate::i18n::Lang;
use crate::state::receipts::{qr_svg, PayQr};

#[derive(Properties, PartialEq)]
pub struct PayQrProps {
    pub lang: Lang,
    pub settings: Option<PaymentQrSettings>,
    /// The SBP amount.
    pub amount: Money,
    /// The order's number, named in a payment by requisites.
    pub number: i64,
}

#[function_component]
pub fn PayQrView(p: &PayQrProps) -> Html {
    let t = texts(p.lang);
    let qr = PayQr::of(p.settings.as_ref(), p.amount, p.number);
    let svg = use_memo(qr.text().map(str::to_string), |text| {
        text.as_deref().and_then(qr_svg)
    });
    let (title, link) = match &qr {
        PayQr::Sbp(link) => (t.qr_sbp, Some(link.clone())),
        PayQr::Requisites(_) => (t.qr_requisites, None),
        PayQr::Missing => {
            return html! {
                <p id="pay-qr-none" class="pay-qr none field-error" role="status">{ t.qr_none }</p>
            };
        }
    };
    html! {
        <figure id="pay-qr" class="pay-qr" data-kind={qr.kind()} data-amount={p.amount.0.to_string()}>
            <figcaption>{ title }</figcaption>
            if let Some(svg) = &*svg {
                <div class="qr-image">{ Html::from_html_unchecked(AttrValue::from(svg.clone())) }</div>
            }
            <p id="pay-qr-amount" class="qr-amount">
                { format!("{} ", t.qr_amount) }<b>{ rub(p.lang, p.amount) }</b>
            </p>
            if let Some(link) = link {
                <p class="qr-link">
                    { format!("{}: ", t.qr_link) }
                    <a id="pay-qr-link" href={link.clone()} target="_blank" rel="noopener noreferrer">{ link }</a>
                </p>
            }
        </figure>
    }
}
