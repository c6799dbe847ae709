//! The client's account on the card (issue 20): the line that says what is
//! owed, overdue or paid ahead, the contract and a hold; the panel with the
//! moves newest first ("Ещё" pages on), and for managers a payment received
//! or a correction (`POST /api/clients/{id}/account`).

use std::cell::RefCell;
use std::rc::Rc;

use rodnik_shared::api::{
    AccountMove, AccountMoveKind, AccountSummary, ClientAccount, NewAccountMove, PaymentMethod,
};
use rodnik_shared::Money;
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::client_card::short_date;
use super::new_client_form::value;
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::account::{self as text, texts};
use crate::i18n::Lang;
use crate::state::account::{allowance, CorrectionDraft, FieldError, PaymentDraft};

/// The card's account line: the balance (a button that opens the panel),
/// what is overdue, the hold, a manager's allowance and the contract.
pub fn account_line(
    lang: Lang,
    s: &AccountSummary,
    open: bool,
    on_toggle: Callback<MouseEvent>,
    contract_button: Html,
) -> Html {
    let t = texts(lang);
    let today = crate::clock::today_date();
    let state = match s.balance.0 {
        b if b > 0 => "owes",
        b if b < 0 => "advance",
        _ => "settled",
    };
    html! {
        <div id="client-account" class={classes!("client-account", s.hold.is_some().then_some("held"))}
            data-balance={s.balance.0.to_string()}>
            <button type="button" class={classes!("account-balance", "btn", "btn-link", state)}
                data-value={s.balance.0.to_string()} data-days={s.debt_days.to_string()}
                title={t.open_panel} aria-expanded={open.to_string()} onclick={on_toggle}>
                { text::balance_text(lang, s) }
            </button>
            if let Some(o) = text::overdue_text(lang, s) {
                <span class="account-overdue" data-value={s.overdue.0.to_string()}
                    data-days={s.overdue_days.to_string()}>{ o }</span>
            }
            if let Some(h) = s.hold {
                <span class="account-hold badge" data-hold={hold_code(h)} title={text::hold_reason(lang, h)}>
                    { t.hold }
                </span>
            }
            if let Some((until, by)) = s.contract.as_ref().and_then(|c| allowance(c, today)) {
                <span class="account-allowed muted" data-until={until.to_string()}>
                    { format!("{} {}{}", t.allowed_until, text::dotted(until),
                        by.map(|b| format!(" ({b})")).unwrap_or_default()) }
                </span>
            }
            if let Some(c) = &s.contract {
                <span class="account-contract muted">{ text::contract_text(lang, c) }</span>
            }
            { contract_button }
        </div>
    }
}

pub fn hold_code(h: rodnik_shared::api::CreditHold) -> &'static str {
    match h {
        rodnik_shared::api::CreditHold::Overdue => "overdue",
        rodnik_shared::api::CreditHold::OverLimit => "over_limit",
    }
}

/// A screen pop's line for a known client who owes; nothing otherwise.
pub fn debt_badge(lang: Lang, s: &AccountSummary) -> Html {
    match text::debt_short(lang, s) {
        Some(line) => html! {
            <span class={classes!("account-debt", (s.overdue.0 > 0).then_some("overdue"))}
                data-value={s.balance.0.to_string()}>{ line }</span>
        },
        None => html! {},
    }
}

/// `+1 250,00 ₽` / `−12 400,00 ₽` (a real minus).
fn signed_money(lang: Lang, m: Money) -> String {
    let abs = crate::money::text(lang, Money(m.0.abs()));
    match m.0 {
        n if n > 0 => format!("+{abs}"),
        n if n < 0 => format!("−{abs}"),
        _ => abs,
    }
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub client_id: AttrValue,
    /// The card's balance: a change (a payment, a delivery) reloads the moves.
    pub balance: i64,
    pub token: AttrValue,
    pub lang: Lang,
    /// Managers take payments and correct the account.
    pub manager: bool,
    /// A move was recorded: the card reloads.
    pub on_moved: Callback<()>,
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Closed,
    Pay,
    Correct,
}

#[function_component]
pub fn AccountPanel(p: &PanelProps) -> Html {
    let t = texts(p.lang);
    let account = use_state(|| None::<Result<ClientAccount, String>>);
    let form = use_state(|| Form::Closed);
    let done = use_state(|| None::<String>);
    let load = {
        let (account, token, id) = (account.clone(), p.token.clone(), p.client_id.clone());
        move |before: Option<String>| {
            let (account, token, id) = (account.clone(), token.clone(), id.clone());
            spawn_local(async move {
                let page = Api::with_token(&token)
                    .client_account(&id, before.as_deref())
                    .await;
                let next = match (page, before, &*account) {
                    (Ok(mut page), Some(_), Some(Ok(had))) => {
                        let mut moves = had.moves.clone();
                        moves.append(&mut page.moves);
                        Ok(ClientAccount { moves, ..page })
                    }
                    (Ok(page), _, _) => Ok(page),
                    (Err(e), _, _) => Err(e.message()),
                };
                account.set(Some(next));
            });
        }
    };
    {
        let load = load.clone();
        use_effect_with((p.client_id.clone(), p.balance), move |_| load(None));
    }
    let more = {
        let (load, account) = (load.clone(), account.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(a)) = &*account {
                load(a.next_before.clone());
            }
        })
    };
    let open = |f: Form| {
        let (form, done) = (form.clone(), done.clone());
        Callback::from(move |_: MouseEvent| {
            done.set(None);
            form.set(f)
        })
    };
    let close = {
        let form = form.clone();
        Callback::from(move |_: ()| form.set(Form::Closed))
    };
    let on_done = {
        let (form, done, on_moved) = (form.clone(), done.clone(), p.on_moved.clone());
        Callback::from(move |notice: String| {
            form.set(Form::Closed);
            done.set(Some(notice));
            on_moved.emit(());
        })
    };
    let row = |m: &AccountMove| {
        let class = if m.amount.0 >= 0 { "plus" } else { "minus" };
        let mut what = vec![];
        if let Some(n) = m.order_number {
            what.push(format!("№{n}"));
        }
        what.extend(m.reference.clone());
        what.extend(m.reason.clone());
        what.extend(m.by_name.clone());
        let what = what.join(" · ");
        html! {
            <li class={classes!("account-move", m.kind.as_str())} data-kind={m.kind.as_str()}
                data-id={m.id.clone()} data-amount={m.amount.0.to_string()}
                data-method={m.method.map(|m| m.as_str())}>
                <span class="when">{ short_date(&m.day) }</span>
                <span class="kind">{ text::move_label(p.lang, m.kind, m.method) }</span>
                <b class={classes!("amount", class)}>{ signed_money(p.lang, m.amount) }</b>
                <span class="what muted" title={what.clone()}>{ what }</span>
            </li>
        }
    };
    html! {
        <section id="account-panel" class="account-panel">
            <h3>{ t.title }</h3>
            { match &*account {
                None => html! { <p class="muted">{ "…" }</p> },
                Some(Err(e)) => html! { <p class="form-error">{ format!("{}: {e}", t.failed) }</p> },
                Some(Ok(a)) => html! {
                    <div>
                        if a.summary.open_orders.0 > 0 {
                            <p id="account-open-orders" class="muted" data-value={a.summary.open_orders.0.to_string()}>
                                { format!("{}: {}", t.open_orders, text::amount(p.lang, a.summary.open_orders)) }
                            </p>
                        }
                        if a.moves.is_empty() {
                            <p class="muted">{ t.empty }</p>
                        } else {
                            <ul class="account-moves">{ for a.moves.iter().map(row) }</ul>
                        }
                        if a.next_before.is_some() {
                            <button type="button" id="account-more" class="btn btn-link" onclick={more}>{ t.more }</button>
                        }
                    </div>
                },
            } }
            if let Some(n) = &*done {
                <p id="account-done" class="banner ok" role="status">{ n.clone() }</p>
            }
            if p.manager {
                <div class="account-actions">
                    <button type="button" id="account-pay-open" class="btn" aria-pressed={(*form == Form::Pay).to_string()}
                        onclick={open(Form::Pay)}>{ t.take_payment }</button>
                    <button type="button" id="account-correct-open" class="btn btn-ghost"
                        aria-pressed={(*form == Form::Correct).to_string()}
                        onclick={open(Form::Correct)}>{ t.correct }</button>
                </div>
                { match *form {
                    Form::Pay => html! {
                        <PaymentForm client_id={p.client_id.clone()} token={p.token.clone()} lang={p.lang}
                            on_done={on_done.clone()} on_cancel={close.clone()} />
                    },
                    Form::Correct => html! {
                        <CorrectionForm client_id={p.client_id.clone()} token={p.token.clone()} lang={p.lang}
                            on_done={on_done.clone()} on_cancel={close.clone()} />
                    },
                    Form::Closed => html! {},
                } }
            }
        </section>
    }
}

#[derive(Properties, PartialEq, Clone)]
struct MoveFormProps {
    client_id: AttrValue,
    token: AttrValue,
    lang: Lang,
    /// Recorded: what to say.
    on_done: Callback<String>,
    on_cancel: Callback<()>,
}

/// The problem at `field`, or (`field` = "") one that names no field of the form.
fn error_at(error: &Option<FieldError>, field: &str, fields: &[&str]) -> Html {
    match error {
        Some((f, m)) if f == field || (field.is_empty() && !fields.contains(&f.as_str())) => {
            html! { <span class="field-error" data-field={f.clone()} role="alert">{ m.clone() }</span> }
        }
        _ => html! {},
    }
}

/// Sends `req` with the form's key: a retry after a lost answer records it
/// once; once the server has answered, the next try is another request.
fn send(
    p: &MoveFormProps,
    req: NewAccountMove,
    key: Rc<RefCell<String>>,
    busy: UseStateHandle<bool>,
    error: UseStateHandle<Option<FieldError>>,
) {
    let (token, id, lang, on_done) = (
        p.token.clone(),
        p.client_id.clone(),
        p.lang,
        p.on_done.clone(),
    );
    busy.set(true);
    spawn_local(async move {
        let k = key.borrow().clone();
        match Api::with_token(&token)
            .add_account_move(&id, &req, &k)
            .await
        {
            Ok(m) => {
                *key.borrow_mut() = new_idempotency_key();
                error.set(None);
                let t = texts(lang);
                on_done.emit(match m.kind {
                    AccountMoveKind::Payment => {
                        format!(
                            "{}: {}",
                            t.paid,
                            crate::money::text(lang, Money(m.amount.0.abs()))
                        )
                    }
                    _ => format!("{}: {}", t.corrected, signed_money(lang, m.amount)),
                });
            }
            Err(e) => {
                if !matches!(e, ApiError::Network(_)) {
                    *key.borrow_mut() = new_idempotency_key();
                }
                error.set(Some(e.field_error(lang)));
            }
        }
        busy.set(false);
    });
}

const PAY_FIELDS: [&str; 4] = ["amount", "method", "day", "reference"];

#[function_component]
fn PaymentForm(p: &MoveFormProps) -> Html {
    let t = texts(p.lang);
    let draft = use_state(|| PaymentDraft::new(crate::clock::today_date()));
    let busy = use_state(|| false);
    let error = use_state(|| None::<FieldError>);
    let key = use_mut_ref(new_idempotency_key);
    let onsubmit = {
        let (draft, busy, error, key) = (draft.clone(), busy.clone(), error.clone(), key.clone());
        let props = p.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            match draft.to_request(texts(props.lang)) {
                Ok(req) => send(&props, req, key.clone(), busy.clone(), error.clone()),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let edit = |f: fn(&mut PaymentDraft, String)| {
        let (draft, error) = (draft.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(&mut d, value(e));
            draft.set(d);
            error.set(None);
        })
    };
    let on_method = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut d = (*draft).clone();
            d.method = METHODS
                .into_iter()
                .find(|m| m.as_str() == v)
                .unwrap_or(d.method);
            draft.set(d);
        })
    };
    let cancel = p.on_cancel.reform(|_: MouseEvent| ());
    let today = crate::clock::today();
    html! {
        <form id="account-pay" class="account-form" {onsubmit} novalidate=true>
            <h4>{ t.take_payment }</h4>
            <label>{ t.amount }
                <input id="pay-amount" type="text" inputmode="decimal" value={draft.amount.clone()}
                    oninput={edit(|d, v| d.amount = v)} disabled={*busy} />
                { error_at(&error, "amount", &PAY_FIELDS) }
            </label>
            <label>{ t.method }
                <select id="pay-method" onchange={on_method} disabled={*busy}>
                    { for METHODS.into_iter().map(|m| html! {
                        <option value={m.as_str()} selected={draft.method == m}>{ text::method_label(p.lang, m) }</option>
                    }) }
                </select>
                { error_at(&error, "method", &PAY_FIELDS) }
            </label>
            <label>{ t.day }
                <input id="pay-day" type="date" max={today} value={draft.day.clone()}
                    oninput={edit(|d, v| d.day = v)} disabled={*busy} />
                { error_at(&error, "day", &PAY_FIELDS) }
            </label>
            <label>{ t.reference }
                <input id="pay-reference" type="text" placeholder={t.reference_hint} value={draft.reference.clone()}
                    oninput={edit(|d, v| d.reference = v)} disabled={*busy} />
                { error_at(&error, "reference", &PAY_FIELDS) }
            </label>
            { error_at(&error, "", &PAY_FIELDS) }
            <div class="form-actions">
                <button id="pay-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.saving } else { t.save_payment } }
                </button>
                <button id="pay-cancel" type="button" class="btn btn-ghost" onclick={cancel}>{ t.cancel }</button>
            </div>
        </form>
    }
}

const METHODS: [PaymentMethod; 4] = [
    PaymentMethod::Bank,
    PaymentMethod::Cash,
    PaymentMethod::Card,
    PaymentMethod::Sbp,
];

const CORRECT_FIELDS: [&str; 4] = ["kind", "amount", "day", "reason"];

#[function_component]
fn CorrectionForm(p: &MoveFormProps) -> Html {
    let t = texts(p.lang);
    let draft = use_state(|| CorrectionDraft::new(crate::clock::today_date()));
    let busy = use_state(|| false);
    let error = use_state(|| None::<FieldError>);
    let key = use_mut_ref(new_idempotency_key);
    let onsubmit = {
        let (draft, busy, error, key) = (draft.clone(), busy.clone(), error.clone(), key.clone());
        let props = p.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            match draft.to_request(texts(props.lang)) {
                Ok(req) => send(&props, req, key.clone(), busy.clone(), error.clone()),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let edit = |f: fn(&mut CorrectionDraft, String)| {
        let (draft, error) = (draft.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(&mut d, value(e));
            draft.set(d);
            error.set(None);
        })
    };
    let on_kind = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut d = (*draft).clone();
            d.kind = if v == "opening" {
                AccountMoveKind::Opening
            } else {
                AccountMoveKind::Adjustment
            };
            draft.set(d);
        })
    };
    let cancel = p.on_cancel.reform(|_: MouseEvent| ());
    let today = crate::clock::today();
    let kinds = [AccountMoveKind::Adjustment, AccountMoveKind::Opening];
    html! {
        <form id="account-correct" class="account-form" {onsubmit} novalidate=true>
            <h4>{ t.correct }</h4>
            <label>{ t.kind }
                <select id="correct-kind" onchange={on_kind} disabled={*busy}>
                    { for kinds.into_iter().map(|k| html! {
                        <option value={k.as_str()} selected={draft.kind == k}>{ text::move_label(p.lang, k, None) }</option>
                    }) }
                </select>
                { error_at(&error, "kind", &CORRECT_FIELDS) }
            </label>
            <label>{ t.signed_amount }
                <input id="correct-amount" type="text" inputmode="decimal" placeholder="−500" value={draft.amount.clone()}
                    oninput={edit(|d, v| d.amount = v)} disabled={*busy} />
                { error_at(&error, "amount", &CORRECT_FIELDS) }
            </label>
            <label>{ t.day }
                <input id="correct-day" type="date" max={today} value={draft.day.clone()}
                    oninput={edit(|d, v| d.day = v)} disabled={*busy} />
                { error_at(&error, "day", &CORRECT_FIELDS) }
            </label>
            <label>{ t.reason }
                <input id="correct-reason" type="text" value={draft.reason.clone()}
                    oninput={edit(|d, v| d.reason = v)} disabled={*busy} />
                { error_at(&error, "reason", &CORRECT_FIELDS) }
            </label>
            { error_at(&error, "", &CORRECT_FIELDS) }
            <div class="form-actions">
                <button id="correct-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.saving } else { t.save_correction } }
                </button>
                <button id="correct-cancel" type="button" class="btn btn-ghost" onclick={cancel}>{ t.cancel }</button>
            </div>
        </form>
    }
}
