//! "Нераспознанные платежи" (`GET /api/bank/payments?state=unmatched`):
//! bank payments no client was found for, with date, payer, INN, amount and
//! purpose. Per row a manager assigns it to a client found by the small
//! search (`POST /api/bank/payments/{id}/assign`) or sets it aside as not a
//! client's payment, saying why (`POST …/ignore`). The list loads again
//! after each decision; a payment someone else decided first (409
//! `payment_changed`) says so and the list loads again.

use rodnik_shared::api::{BankPayment, ClientSummary};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::client_pick::ClientPick;
use crate::api::Api;
use crate::i18n::money::texts;
use crate::i18n::Lang;
use crate::state::money::{assigned_line, day, ignore_note, Refusal};
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct PaymentsProps {
    /// Grows when a statement was loaded: load again.
    pub reload: u32,
    /// A payment went onto an account (invoices may be paid now).
    pub on_changed: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Loaded {
    Loading,
    List(Vec<BankPayment>),
    Failed(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Assign,
    Ignore,
}

/// The row being decided and how.
#[derive(Clone, PartialEq)]
struct Open {
    id: String,
    mode: Mode,
    client: Option<ClientSummary>,
    note: String,
    error: Option<String>,
    busy: bool,
}

/// What the last decision came to: `(kind, text)`.
type Notice = Option<(&'static str, String)>;

#[function_component]
pub fn UnmatchedPayments(p: &PaymentsProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let loaded = use_state(|| Loaded::Loading);
    let open = use_state(|| None::<Open>);
    let notice = use_state(|| None::<(&'static str, String)>);
    let refresh = use_state(|| 0u32);
    let seq = use_mut_ref(|| 0u32);

    {
        let (loaded, token, seq) = (loaded.clone(), token.clone(), seq.clone());
        use_effect_with((p.reload, *refresh), move |_| {
            let mine = {
                let mut s = seq.borrow_mut();
                *s += 1;
                *s
            };
            spawn_local(async move {
                let r = Api::with_token(&token).bank_payments("unmatched").await;
                if *seq.borrow() != mine {
                    return;
                }
                loaded.set(match r {
                    Ok(list) => Loaded::List(list),
                    Err(e) => Loaded::Failed(e.message()),
                });
            });
        });
    }

    let start = |id: String, mode: Mode| {
        let (open, notice) = (open.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(None);
            open.set(Some(Open {
                id: id.clone(),
                mode,
                client: None,
                note: String::new(),
                error: None,
                busy: false,
            }));
        })
    };
    let cancel = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(None))
    };
    let on_pick = {
        let open = open.clone();
        Callback::from(move |c: Option<ClientSummary>| {
            if let Some(o) = (*open).clone() {
                open.set(Some(Open {
                    client: c,
                    error: None,
                    ..o
                }));
            }
        })
    };
    let on_note = {
        let open = open.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Some(o) = (*open).clone() {
                open.set(Some(Open { note: v, ..o }));
            }
        })
    };
    let save = {
        let (open, notice, refresh, token, on_changed) = (
            open.clone(),
            notice.clone(),
            refresh.clone(),
            token.clone(),
            p.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(o) = (*open).clone() else { return };
            if o.busy {
                return;
            }
            let checked = match o.mode {
                Mode::Assign => o
                    .client
                    .clone()
                    .map(|c| c.id)
                    .ok_or_else(|| texts(lang).pick_client.to_string()),
                Mode::Ignore => ignore_note(lang, &o.note),
            };
            let value = match checked {
                Ok(v) => v,
                Err(m) => {
                    open.set(Some(Open {
                        error: Some(m),
                        ..o
                    }));
                    return;
                }
            };
            open.set(Some(Open {
                busy: true,
                error: None,
                ..o.clone()
            }));
            let (open, notice, refresh, token, on_changed) = (
                open.clone(),
                notice.clone(),
                refresh.clone(),
                token.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                let r = match o.mode {
                    Mode::Assign => api.assign_payment(&o.id, &value).await,
                    Mode::Ignore => api.ignore_payment(&o.id, &value).await,
                };
                match r {
                    Ok(b) => {
                        let said = match o.mode {
                            Mode::Assign => (
                                "assigned",
                                assigned_line(
                                    lang,
                                    &b.number,
                                    &b.client_name.clone().unwrap_or_default(),
                                ),
                            ),
                            Mode::Ignore => {
                                ("ignored", texts(lang).ignored.replace("{n}", &b.number))
                            }
                        };
                        notice.set(Some(said));
                        open.set(None);
                        refresh.set(*refresh + 1);
                        if o.mode == Mode::Assign {
                            on_changed.emit(());
                        }
                    }
                    Err(e) => match Refusal::of(lang, &e) {
                        Refusal::Changed => {
                            notice.set(Some(("changed", texts(lang).payment_changed.to_string())));
                            open.set(None);
                            refresh.set(*refresh + 1);
                            on_changed.emit(());
                        }
                        Refusal::Said(m) => open.set(Some(Open {
                            error: Some(m),
                            busy: false,
                            ..o
                        })),
                    },
                }
            });
        })
    };

    let count = match &*loaded {
        Loaded::List(l) => l.len().to_string(),
        _ => String::new(),
    };
    let body = match &*loaded {
        Loaded::Loading => html! { <p class="muted">{ lang.t().loading }</p> },
        Loaded::Failed(m) => html! {
            <p id="unmatched-error" class="form-error">{ format!("{}: {m}", t.load_failed) }</p>
        },
        Loaded::List(l) if l.is_empty() => html! {
            <p id="unmatched-empty" class="muted">{ t.unmatched_empty }</p>
        },
        Loaded::List(l) => html! {
            <div class="doc-table-wrap unmatched-wrap">
                <table id="unmatched-table" class="doc-table unmatched-table">
                    <thead>
                        <tr>
                            <th>{ t.col_date }</th>
                            <th>{ t.col_payer }</th>
                            <th>{ t.col_inn }</th>
                            <th class="num">{ t.col_amount }</th>
                            <th>{ t.col_purpose }</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for l.iter().map(|b| {
                            let here = open.as_ref().filter(|o| o.id == b.id);
                            html! {
                                <>
                                    { row(lang, b, here.is_some(), start(b.id.clone(), Mode::Assign),
                                        start(b.id.clone(), Mode::Ignore)) }
                                    if let Some(o) = here {
                                        { decide(lang, o, on_pick.clone(), on_note.clone(), save.clone(), cancel.clone()) }
                                    }
                                </>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };
    html! {
        <section id="unmatched-payments" class="unmatched-payments" data-count={count}
            aria-busy={(*loaded == Loaded::Loading).to_string()}>
            <div class="doc-list-head">
                <h2>{ t.unmatched_title }</h2>
                { notice_view(&notice) }
            </div>
            { body }
        </section>
    }
}

fn notice_view(notice: &Notice) -> Html {
    match notice {
        Some((kind, text)) => html! {
            <span id="unmatched-notice" class={classes!("unmatched-notice", *kind)} data-kind={*kind}
                role="status">{ text.clone() }</span>
        },
        None => html! {},
    }
}

fn row(
    lang: Lang,
    b: &BankPayment,
    opened: bool,
    on_assign: Callback<MouseEvent>,
    on_ignore: Callback<MouseEvent>,
) -> Html {
    let t = texts(lang);
    html! {
        <tr key={b.id.clone()} class={classes!("unmatched-row", opened.then_some("open"))}
            data-id={b.id.clone()} data-number={b.number.clone()} data-amount={b.amount.0.to_string()}>
            <td class="pay-date">{ day(&b.date) }</td>
            <td class="pay-payer">{ b.payer_name.clone() }</td>
            <td class="pay-inn">{ b.payer_inn.clone() }</td>
            <td class="pay-amount num">{ crate::money::number(lang, b.amount) }</td>
            <td class="pay-purpose">{ b.purpose.clone() }</td>
            <td class="doc-actions">
                <button type="button" class="btn btn-ghost pay-assign" data-id={b.id.clone()}
                    disabled={opened} onclick={on_assign}>{ t.assign }</button>
                <button type="button" class="btn btn-ghost pay-ignore" data-id={b.id.clone()}
                    disabled={opened} onclick={on_ignore}>{ t.ignore }</button>
            </td>
        </tr>
    }
}

fn decide(
    lang: Lang,
    o: &Open,
    on_pick: Callback<Option<ClientSummary>>,
    on_note: Callback<InputEvent>,
    on_save: Callback<SubmitEvent>,
    on_cancel: Callback<MouseEvent>,
) -> Html {
    let t = texts(lang);
    let (form_id, save_id, label) = match o.mode {
        Mode::Assign => ("assign-form", "assign-save", t.assign),
        Mode::Ignore => ("ignore-form", "ignore-save", t.ignore_save),
    };
    html! {
        <tr key={format!("{}-decide", o.id)} class="pay-decide" data-id={o.id.clone()}>
            <td colspan="6">
                <form id={form_id} class="pay-decide-form" onsubmit={on_save} novalidate=true>
                    if o.mode == Mode::Assign {
                        <label for="assign-search">{ t.assign_to }</label>
                        <ClientPick prefix="assign" picked={o.client.clone()} {on_pick} />
                    } else {
                        <label for="ignore-note">{ t.ignore }</label>
                        <input id="ignore-note" type="text" placeholder={t.ignore_note}
                            value={o.note.clone()} oninput={on_note} />
                    }
                    <button id={save_id} type="submit" class="btn btn-primary" disabled={o.busy}>
                        { if o.busy { t.saving } else { label } }
                    </button>
                    <button id="decide-cancel" type="button" class="btn btn-ghost" onclick={on_cancel}>{ t.cancel }</button>
                    if let Some(m) = &o.error {
                        <p class="form-error pay-decide-error" role="alert">{ m.clone() }</p>
                    }
                </form>
            </td>
        </tr>
    }
}
