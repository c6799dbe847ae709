//! Closing a month: the month (the previous one by default), "e-mail them to
//! the clients", the button that starts the job (`POST /api/documents/close`)
//! and the job followed every 700 ms until it ends: clients done of all, a
//! progress bar, documents issued, corrected, unchanged and sent, and each
//! client's problem. A refusal says why; missing company requisites are
//! named, with the way to the settings. A job already running when the
//! screen opens is followed too.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use rodnik_shared::api::{CloseMonth, DocJob, JobState};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::documents::{job_state_label, texts};
use crate::i18n::Lang;
use crate::state::documents::{clients_line, percent, CloseRefusal};
use crate::state::use_app;

/// How often a running job is asked about.
const POLL_MS: u32 = 700;

#[derive(Properties, PartialEq)]
pub struct CloseProps {
    /// `YYYY-MM`.
    pub month: AttrValue,
    /// The latest month that may be closed (`YYYY-MM`, this month).
    pub max_month: AttrValue,
    pub on_month: Callback<String>,
    /// A job moved (started, or ended): the documents and jobs may have changed.
    pub on_changed: Callback<()>,
}

/// Follows job `id` until it ends, while `gen` still holds `mine`.
#[allow(clippy::too_many_arguments)]
fn follow(
    id: String,
    token: String,
    job: UseStateHandle<Option<DocJob>>,
    poll_failed: UseStateHandle<bool>,
    gen: Rc<RefCell<u32>>,
    mine: u32,
    on_changed: Callback<()>,
) {
    spawn_local(async move {
        let api = Api::with_token(&token);
        loop {
            TimeoutFuture::new(POLL_MS).await;
            if *gen.borrow() != mine {
                return;
            }
            match api.doc_job(&id).await {
                Ok(j) => {
                    if *gen.borrow() != mine {
                        return;
                    }
                    let running = j.state == JobState::Running;
                    job.set(Some(j));
                    poll_failed.set(false);
                    if !running {
                        on_changed.emit(());
                        return;
                    }
                }
                Err(ApiError::Unauthorized) => return,
                Err(_) => poll_failed.set(true),
            }
        }
    });
}

#[function_component]
pub fn CloseMonthPanel(p: &CloseProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let admin = app.session.as_ref().is_some_and(|s| s.user.role.is_admin());
    let token = app.token().unwrap_or_default().to_string();
    let send = use_state(|| false);
    let job = use_state(|| None::<DocJob>);
    let refusal = use_state(|| None::<CloseRefusal>);
    let busy = use_state(|| false);
    let poll_failed = use_state(|| false);
    // Bumped to stop following (another job, or the screen closed).
    let gen = use_mut_ref(|| 0u32);

    // A closing started elsewhere (or before a reload) is followed too.
    {
        let (job, poll_failed, gen, token, on_changed) = (
            job.clone(),
            poll_failed.clone(),
            gen.clone(),
            token.clone(),
            p.on_changed.clone(),
        );
        use_effect_with((), move |_| {
            let stop = gen.clone();
            let start = *gen.borrow();
            spawn_local(async move {
                let Ok(jobs) = Api::with_token(&token).doc_jobs().await else {
                    return;
                };
                if let Some(j) = jobs.into_iter().find(|j| j.state == JobState::Running) {
                    // A job started here meanwhile, or the screen closed.
                    if *gen.borrow() != start {
                        return;
                    }
                    let mine = {
                        let mut g = gen.borrow_mut();
                        *g += 1;
                        *g
                    };
                    let id = j.id.clone();
                    job.set(Some(j));
                    follow(id, token, job, poll_failed, gen, mine, on_changed);
                }
            });
            move || *stop.borrow_mut() += 1
        });
    }

    let on_month = {
        let on_month = p.on_month.clone();
        let refusal = refusal.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if !v.is_empty() {
                refusal.set(None);
                on_month.emit(v);
            }
        })
    };
    let on_send = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            send.set(e.target_unchecked_into::<HtmlInputElement>().checked());
        })
    };
    let running = job.as_ref().is_some_and(|j| j.state == JobState::Running);
    let onsubmit = {
        let (send, job, refusal, busy, poll_failed, gen, token, on_changed, month) = (
            send.clone(),
            job.clone(),
            refusal.clone(),
            busy.clone(),
            poll_failed.clone(),
            gen.clone(),
            token.clone(),
            p.on_changed.clone(),
            p.month.to_string(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || running {
                return;
            }
            busy.set(true);
            refusal.set(None);
            let req = CloseMonth {
                month: month.clone(),
                client_id: None,
                send: *send,
            };
            let (job, refusal, busy, poll_failed, gen, token, on_changed) = (
                job.clone(),
                refusal.clone(),
                busy.clone(),
                poll_failed.clone(),
                gen.clone(),
                token.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                let key = new_idempotency_key();
                match Api::with_token(&token).close_month(&req, &key).await {
                    Ok(j) => {
                        let mine = {
                            let mut g = gen.borrow_mut();
                            *g += 1;
                            *g
                        };
                        let (id, running) = (j.id.clone(), j.state == JobState::Running);
                        job.set(Some(j));
                        on_changed.emit(());
                        if running {
                            follow(id, token, job, poll_failed, gen, mine, on_changed);
                        }
                    }
                    Err(e) => refusal.set(Some(CloseRefusal::of(&e, lang))),
                }
                busy.set(false);
            });
        })
    };

    html! {
        <form id="doc-close" class="doc-panel doc-close" {onsubmit}>
            <h2>{ t.close_title }</h2>
            <div class="doc-close-row">
                <label for="doc-month">{ t.month }</label>
                <input id="doc-month" type="month" value={p.month.clone()} max={p.max_month.clone()}
                    onchange={on_month} />
            </div>
            <label class="doc-check">
                <input id="doc-send-email" type="checkbox" checked={*send} onchange={on_send} />
                { t.send_email }
            </label>
            <button id="doc-close-submit" type="submit" class="btn btn-primary"
                disabled={*busy || running}>
                { if *busy || running { t.closing } else { t.close_button } }
            </button>
            { for refusal.as_ref().map(|r| refusal_view(lang, r, admin)) }
            { for job.as_ref().map(|j| job_view(lang, j)) }
            if *poll_failed {
                <p class="muted" id="doc-poll-failed">{ t.poll_failed }</p>
            }
        </form>
    }
}

fn company_link(lang: Lang, admin: bool) -> Html {
    let t = texts(lang);
    if admin {
        html! { <a id="doc-company-link" href="/admin#company">{ t.open_company }</a> }
    } else {
        html! { <span class="muted">{ t.ask_admin }</span> }
    }
}

fn refusal_view(lang: Lang, r: &CloseRefusal, admin: bool) -> Html {
    let t = texts(lang);
    let body = match r {
        CloseRefusal::Company(missing) => html! {
            <>
                { format!("{} {}. ", t.fill_company, missing.join(", ")) }
                { company_link(lang, admin) }
            </>
        },
        CloseRefusal::MonthNotEnded => html! { { t.month_not_ended } },
        CloseRefusal::AlreadyRunning => html! { { t.already_closing } },
        CloseRefusal::NoMailServer if admin => html! {
            <>{ format!("{} ", t.no_mail_server) }{ company_link(lang, admin) }</>
        },
        CloseRefusal::NoMailServer => html! { { t.no_mail_server } },
        CloseRefusal::Other(m) => html! { { m.clone() } },
    };
    html! {
        <p id="doc-close-error" class="banner error" role="alert" data-code={r.code()}>{ body }</p>
    }
}

fn job_view(lang: Lang, j: &DocJob) -> Html {
    let t = texts(lang);
    let state = match j.state {
        JobState::Running => "running",
        JobState::Done => "done",
        JobState::Failed => "failed",
    };
    let count = |id: &'static str, label: &'static str, n: i64| {
        html! {
            <li {id} data-value={n.to_string()}><b>{ n }</b>{ " " }{ label }</li>
        }
    };
    html! {
        <div id="doc-job" class={classes!("doc-job-progress", state)} data-id={j.id.clone()}
            data-state={state} data-month={j.month.clone()} aria-live="polite">
            <div class="doc-job-head">
                <span id="doc-job-clients" data-done={j.done.to_string()} data-clients={j.clients.to_string()}>
                    { clients_line(lang, j) }
                </span>
                <span class={classes!("doc-job-state", state)}>{ job_state_label(lang, j.state) }</span>
            </div>
            <progress id="doc-job-bar" max="100" value={percent(j).to_string()}></progress>
            <ul class="doc-job-counts">
                { count("doc-job-issued", t.issued, j.issued) }
                { count("doc-job-corrected", t.corrected, j.corrected) }
                { count("doc-job-unchanged", t.unchanged, j.unchanged) }
                { count("doc-job-sent", t.sent, j.sent) }
            </ul>
            if !j.errors.is_empty() {
                <h4>{ t.errors }</h4>
                <ul id="doc-job-errors">
                    { for j.errors.iter().map(|e| html! { <li class="doc-job-error">{ e.clone() }</li> }) }
                </ul>
            }
        </div>
    }
}
