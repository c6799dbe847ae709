//! The company's requisites and document rules (Administration → Реквизиты
//! компании, admins; issue 20): what every invoice and transfer document
//! prints as the seller, the VAT, which transfer document goes with the
//! goods, the numbering, and the mail server documents are sent through.
//! The SMTP password is write-only: the form says "пароль сохранён" and
//! sends a password only when one is typed. Issue 20, item 5 adds the SBP
//! link couriers show as a QR code ("Оплата по СБП") and the cloud cash
//! register ("Онлайн-касса (АТОЛ Онлайн)", its password write-only too).
//! Issue 21 adds the geocoder ("Геокодер (DaData / Яндекс)", its keys
//! write-only: "ключ задан").
//! Drafts and checks are `state::documents::CompanyDraft`; a 422 lands at
//! its field.

use rodnik_shared::api::{CompanySettings, GeocoderProvider, Sno, TransferDoc};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::use_loader;
use super::{checked, field_error, input_value, other_errors, select_value, Errors};
use crate::api::Api;
use crate::i18n::documents::{texts, DocumentsTexts};
use crate::i18n::geo::{self as gt, provider_code, provider_label, GeoTexts};
use crate::i18n::receipts::{self as rt, sno_code, sno_label, ReceiptTexts, SNO_ALL};
use crate::state::documents::{
    field_error as api_field_error, CompanyDraft, CompanyField, VAT_RATES,
};
use crate::state::use_app;

#[derive(Clone, PartialEq)]
enum Note {
    None,
    Saved,
    Failed(Errors),
}

fn label(t: &DocumentsTexts, r: &ReceiptTexts, g: &GeoTexts, f: CompanyField) -> &'static str {
    match f {
        CompanyField::Name => t.c_name,
        CompanyField::Inn => t.c_inn,
        CompanyField::Kpp => t.c_kpp,
        CompanyField::Ogrn => t.c_ogrn,
        CompanyField::Address => t.c_address,
        CompanyField::Phone => t.c_phone,
        CompanyField::Email => t.c_email,
        CompanyField::BankName => t.c_bank_name,
        CompanyField::Bik => t.c_bik,
        CompanyField::Account => t.c_account,
        CompanyField::CorrAccount => t.c_corr_account,
        CompanyField::Director => t.c_director,
        CompanyField::Accountant => t.c_accountant,
        CompanyField::InvoicePrefix => t.c_invoice_prefix,
        CompanyField::TransferPrefix => t.c_transfer_prefix,
        CompanyField::SmtpHost => t.c_host,
        CompanyField::SmtpPort => t.c_port,
        CompanyField::SmtpUsername => t.c_username,
        CompanyField::SmtpPassword => t.c_password,
        CompanyField::SmtpFrom => t.c_from,
        CompanyField::SbpLink => r.sbp_link,
        CompanyField::FiscalUrl => r.f_url,
        CompanyField::FiscalLogin => r.f_login,
        CompanyField::FiscalPassword => r.f_password,
        CompanyField::FiscalGroupCode => r.f_group_code,
        CompanyField::FiscalPaymentAddress => r.f_payment_address,
        CompanyField::FiscalEmail => r.f_email,
        CompanyField::GeoUrl => g.g_url,
        CompanyField::GeoKey => g.g_key,
        CompanyField::GeoSecret => g.g_secret,
        CompanyField::GeoCity => g.g_city,
    }
}

/// Every field an error may name that has a place on the form.
const PLACED: [&str; 39] = [
    "name",
    "inn",
    "kpp",
    "ogrn",
    "address",
    "phone",
    "email",
    "bank_name",
    "bik",
    "account",
    "corr_account",
    "director",
    "accountant",
    "vat_rate",
    "transfer_doc",
    "invoice_prefix",
    "transfer_prefix",
    "smtp.host",
    "smtp.port",
    "smtp.security",
    "smtp.username",
    "smtp.password",
    "smtp.from",
    "sbp.link",
    "sbp.link_takes_sum",
    "fiscal.enabled",
    "fiscal.url",
    "fiscal.login",
    "fiscal.password",
    "fiscal.group_code",
    "fiscal.sno",
    "fiscal.payment_address",
    "fiscal.email",
    "geocoder.enabled",
    "geocoder.provider",
    "geocoder.url",
    "geocoder.key",
    "geocoder.secret",
    "geocoder.city",
];

#[function_component]
pub fn CompanySettingsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let r = rt::texts(lang);
    let g = gt::texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let draft = use_state(|| None::<CompanyDraft>);
    let note = use_state(|| Note::None);
    let busy = use_state(|| false);
    {
        let (draft, note, token) = (draft.setter(), note.setter(), token.clone());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).company_settings().await }
            },
            Callback::noop(),
            Callback::from(
                move |r: Result<CompanySettings, crate::api::ApiError>| match r {
                    Ok(s) => draft.set(Some(CompanyDraft::of(&s))),
                    Err(e) => note.set(Note::Failed(vec![api_field_error(lang, &e)])),
                },
            ),
        );
    }
    let current = (*draft).clone().unwrap_or_default();
    let errors = match &*note {
        Note::Failed(e) => e.clone(),
        _ => vec![],
    };
    let change = {
        let (draft, note, current) = (draft.clone(), note.clone(), current.clone());
        move |f: Box<dyn Fn(&mut CompanyDraft)>| {
            let mut next = current.clone();
            f(&mut next);
            draft.set(Some(next));
            if *note == Note::Saved {
                note.set(Note::None);
            }
        }
    };
    let input = |f: CompanyField, kind: &'static str, placeholder: &'static str| {
        let change = change.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            change(Box::new(move |d| d.set(f, v.clone())));
        });
        let id = f.dom_id();
        html! {
            <div class={classes!("company-field", f.key().replace('.', "-"))}>
                <label for={id.clone()}>{ label(t, r, g, f) }</label>
                <input id={id} type={kind} value={current.get(f).to_string()} {placeholder} {oninput}
                    autocomplete={if matches!(f, CompanyField::SmtpPassword | CompanyField::FiscalPassword | CompanyField::GeoKey | CompanyField::GeoSecret) { "new-password" } else { "off" }}
                    disabled={*busy} />
                { field_error(&errors, f.key()) }
            </div>
        }
    };
    let text = |f: CompanyField| input(f, "text", "");
    let on_vat = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            change(Box::new(move |d| d.vat = v.clone()));
        })
    };
    let on_transfer = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            change(Box::new(move |d| {
                d.transfer_doc = if v == "act_invoice" {
                    TransferDoc::ActInvoice
                } else {
                    TransferDoc::Upd
                }
            }));
        })
    };
    let on_yearly = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = checked(&e);
            change(Box::new(move |d| d.yearly_numbers = v));
        })
    };
    let on_security = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            change(Box::new(move |d| d.smtp_security = v.clone()));
        })
    };
    let on_check = |set: fn(&mut CompanyDraft, bool)| {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = checked(&e);
            change(Box::new(move |d| set(d, v)));
        })
    };
    let on_sno = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            change(Box::new(move |d| {
                d.fiscal_sno = SNO_ALL
                    .into_iter()
                    .find(|s| sno_code(*s) == v)
                    .unwrap_or(Sno::Osn)
            }));
        })
    };
    let on_provider = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            change(Box::new(move |d| {
                d.geo_provider = if v == "yandex" {
                    GeocoderProvider::Yandex
                } else {
                    GeocoderProvider::Dadata
                }
            }));
        })
    };
    let onsubmit = {
        let (draft, note, busy, token, current) = (
            draft.clone(),
            note.clone(),
            busy.clone(),
            token.clone(),
            current.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || draft.is_none() {
                return;
            }
            let put = match current.to_settings(lang) {
                Ok(p) => p,
                Err(e) => {
                    note.set(Note::Failed(vec![e]));
                    return;
                }
            };
            busy.set(true);
            note.set(Note::None);
            let (draft, note, busy, token) =
                (draft.clone(), note.clone(), busy.clone(), token.clone());
            spawn_local(async move {
                match Api::with_token(&token).put_company_settings(&put).await {
                    Ok(s) => {
                        draft.set(Some(CompanyDraft::of(&s)));
                        note.set(Note::Saved);
                    }
                    Err(e) => note.set(Note::Failed(vec![api_field_error(lang, &e)])),
                }
                busy.set(false);
            });
        })
    };
    let mut vats: Vec<u32> = VAT_RATES.to_vec();
    if let Ok(r) = current.vat.parse::<u32>() {
        if !vats.contains(&r) {
            vats.push(r);
        }
    }
    let status = match &*note {
        Note::Saved => {
            html! { <span id="company-saved" class="ok" role="status">{ t.c_saved }</span> }
        }
        _ => html! {},
    };
    html! {
        <form id="company-settings" class="company-settings" data-loaded={draft.is_some().to_string()}
            {onsubmit} novalidate=true>
            <p class="muted company-hint">{ t.company_hint }</p>
            <div class="company-grid">
                <fieldset class="company-block">
                    <legend>{ t.company_title }</legend>
                    { text(CompanyField::Name) }
                    <div class="company-row3">
                        { text(CompanyField::Inn) }
                        { text(CompanyField::Kpp) }
                        { text(CompanyField::Ogrn) }
                    </div>
                    { text(CompanyField::Address) }
                    <div class="company-row2">
                        { input(CompanyField::Phone, "tel", "") }
                        { input(CompanyField::Email, "email", "") }
                    </div>
                </fieldset>
                <fieldset class="company-block">
                    <legend>{ t.c_bank }</legend>
                    { text(CompanyField::BankName) }
                    <div class="company-row2">
                        { text(CompanyField::Bik) }
                        { text(CompanyField::Account) }
                    </div>
                    { text(CompanyField::CorrAccount) }
                    <h4>{ t.c_signers }</h4>
                    <div class="company-row2">
                        { text(CompanyField::Director) }
                        { text(CompanyField::Accountant) }
                    </div>
                </fieldset>
                <fieldset class="company-block">
                    <legend>{ t.c_rules }</legend>
                    <div class="company-row2">
                        <div class="company-field vat_rate">
                            <label for="company-vat">{ t.c_vat }</label>
                            <select id="company-vat" onchange={on_vat} disabled={*busy}>
                                <option value="" selected={current.vat.is_empty()}>{ t.c_no_vat }</option>
                                { for vats.iter().map(|r| html! {
                                    <option value={r.to_string()} selected={current.vat == r.to_string()}>{ format!("{r} %") }</option>
                                }) }
                            </select>
                            { field_error(&errors, "vat_rate") }
                        </div>
                        <div class="company-field transfer_doc">
                            <label for="company-transfer">{ t.c_transfer }</label>
                            <select id="company-transfer" onchange={on_transfer} disabled={*busy}>
                                <option value="upd" selected={current.transfer_doc == TransferDoc::Upd}>{ t.c_upd }</option>
                                <option value="act_invoice" selected={current.transfer_doc == TransferDoc::ActInvoice}>{ t.c_act_invoice }</option>
                            </select>
                        </div>
                    </div>
                    <div class="company-row2">
                        { input(CompanyField::InvoicePrefix, "text", "С-") }
                        { input(CompanyField::TransferPrefix, "text", "") }
                    </div>
                    <label class="company-check">
                        <input id="company-yearly" type="checkbox" checked={current.yearly_numbers}
                            onchange={on_yearly} disabled={*busy} />
                        { t.c_yearly }
                    </label>
                </fieldset>
                <fieldset class="company-block">
                    <legend>{ t.c_smtp }</legend>
                    <p class="muted">{ t.c_smtp_hint }</p>
                    <div class="company-row2">
                        { text(CompanyField::SmtpHost) }
                        { input(CompanyField::SmtpPort, "text", t.c_port_hint) }
                    </div>
                    <div class="company-row2">
                        <div class="company-field smtp-security">
                            <label for="company-smtp-security">{ t.c_security }</label>
                            <select id="company-smtp-security" onchange={on_security} disabled={*busy}>
                                { for [("none", t.c_security_none), ("starttls", "STARTTLS"), ("tls", "TLS")].map(|(v, l)| html! {
                                    <option value={v} selected={current.smtp_security == v}>{ l }</option>
                                }) }
                            </select>
                            { field_error(&errors, "smtp.security") }
                        </div>
                        { text(CompanyField::SmtpUsername) }
                    </div>
                    <div class="company-row2">
                        { input(CompanyField::SmtpPassword, "password",
                            if current.password_set { t.c_password_keep } else { "" }) }
                        { input(CompanyField::SmtpFrom, "text", t.c_from_hint) }
                    </div>
                    if current.password_set {
                        <span id="company-smtp-password-set" class="ok password-set">{ t.c_password_set }</span>
                    }
                </fieldset>
                <fieldset class="company-block" id="company-sbp">
                    <legend>{ r.sbp_title }</legend>
                    <p class="muted">{ r.sbp_hint }</p>
                    { input(CompanyField::SbpLink, "url", "https://qr.nspk.ru/…") }
                    <label class="company-check">
                        <input id="company-sbp-takes-sum" type="checkbox" checked={current.sbp_takes_sum}
                            onchange={on_check(|d, v| d.sbp_takes_sum = v)} disabled={*busy} />
                        { r.sbp_takes_sum }
                    </label>
                    { field_error(&errors, "sbp.link_takes_sum") }
                </fieldset>
                <fieldset class="company-block" id="company-fiscal">
                    <legend>{ r.fiscal_title }</legend>
                    <p class="muted">{ r.fiscal_hint }</p>
                    <label class="company-check">
                        <input id="company-fiscal-enabled" type="checkbox" checked={current.fiscal_enabled}
                            onchange={on_check(|d, v| d.fiscal_enabled = v)} disabled={*busy} />
                        { r.fiscal_enabled }
                    </label>
                    { field_error(&errors, "fiscal.enabled") }
                    { input(CompanyField::FiscalUrl, "url", crate::state::documents::ATOL_URL) }
                    <div class="company-row2">
                        { text(CompanyField::FiscalLogin) }
                        { input(CompanyField::FiscalPassword, "password",
                            if current.fiscal_password_set { t.c_password_keep } else { "" }) }
                    </div>
                    if current.fiscal_password_set {
                        <span id="company-fiscal-password-set" class="ok password-set">{ r.f_password_set }</span>
                    }
                    <div class="company-row2">
                        { text(CompanyField::FiscalGroupCode) }
                        <div class="company-field fiscal-sno">
                            <label for="company-fiscal-sno">{ r.f_sno }</label>
                            <select id="company-fiscal-sno" onchange={on_sno} disabled={*busy}>
                                { for SNO_ALL.into_iter().map(|s| html! {
                                    <option value={sno_code(s)} selected={current.fiscal_sno == s}>{ sno_label(lang, s) }</option>
                                }) }
                            </select>
                            { field_error(&errors, "fiscal.sno") }
                        </div>
                    </div>
                    <div class="company-row2">
                        { input(CompanyField::FiscalPaymentAddress, "text", r.f_payment_address_hint) }
                        { input(CompanyField::FiscalEmail, "email", "") }
                    </div>
                </fieldset>
                <fieldset class="company-block" id="company-geocoder">
                    <legend>{ g.g_title }</legend>
                    <p class="muted">{ g.g_hint }</p>
                    <label class="company-check">
                        <input id="company-geocoder-enabled" type="checkbox" checked={current.geo_enabled}
                            onchange={on_check(|d, v| d.geo_enabled = v)} disabled={*busy} />
                        { g.g_enabled }
                    </label>
                    { field_error(&errors, "geocoder.enabled") }
                    <div class="company-row2">
                        <div class="company-field geocoder-provider">
                            <label for="company-geocoder-provider">{ g.g_provider }</label>
                            <select id="company-geocoder-provider" onchange={on_provider} disabled={*busy}>
                                { for [GeocoderProvider::Dadata, GeocoderProvider::Yandex].map(|p| html! {
                                    <option value={provider_code(p)} selected={current.geo_provider == p}>{ provider_label(lang, p) }</option>
                                }) }
                            </select>
                            { field_error(&errors, "geocoder.provider") }
                        </div>
                        { input(CompanyField::GeoCity, "text", g.g_city_hint) }
                    </div>
                    { input(CompanyField::GeoUrl, "url", g.g_url_hint) }
                    <div class="company-row2">
                        <div>
                            { input(CompanyField::GeoKey, "password",
                                if current.geo_key_set { t.c_password_keep } else { "" }) }
                            if current.geo_key_set {
                                <span id="company-geocoder-key-set" class="ok password-set">{ g.g_key_set }</span>
                            }
                        </div>
                        if current.geo_provider == GeocoderProvider::Dadata {
                            <div>
                                { input(CompanyField::GeoSecret, "password",
                                    if current.geo_secret_set { t.c_password_keep } else { "" }) }
                                if current.geo_secret_set {
                                    <span id="company-geocoder-secret-set" class="ok password-set">{ g.g_secret_set }</span>
                                }
                            </div>
                        }
                    </div>
                </fieldset>
            </div>
            { other_errors(&errors, &PLACED) }
            <div class="form-actions">
                <button id="company-save" type="submit" class="btn btn-primary"
                    disabled={draft.is_none() || *busy}>{ if *busy { t.c_saving } else { t.c_save } }</button>
                { status }
            </div>
        </form>
    }
}
