//! The latest month closings (`GET /api/documents/jobs`): the month, how it
//! ended, what it issued, who started it and when.

use rodnik_shared::api::{DocJob, JobState};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::components::reports::format;
use crate::i18n::documents::{job_state_label, texts};
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct JobsProps {
    /// Grows when a job started or ended: load again.
    pub reload: u32,
}

#[function_component]
pub fn JobsList(p: &JobsProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let jobs = use_state(|| None::<Result<Vec<DocJob>, String>>);
    {
        let (jobs, token) = (jobs.clone(), app.token().unwrap_or_default().to_string());
        use_effect_with(p.reload, move |_| {
            spawn_local(async move {
                let r = Api::with_token(&token).doc_jobs().await;
                jobs.set(Some(r.map_err(|e| e.message())));
            });
        });
    }
    let body = match &*jobs {
        None => html! { <p class="muted">{ lang.t().loading }</p> },
        Some(Err(m)) => html! { <p class="form-error">{ m.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => {
            html! { <p class="muted" id="doc-jobs-empty">{ t.jobs_empty }</p> }
        }
        Some(Ok(list)) => html! {
            <ul id="doc-jobs" class="doc-jobs">
                { for list.iter().take(8).map(|j| {
                    let state = match j.state {
                        JobState::Running => "running",
                        JobState::Done => "done",
                        JobState::Failed => "failed",
                    };
                    html! {
                        <li class={classes!("doc-job", state)} data-id={j.id.clone()} data-state={state}
                            data-month={j.month.clone()}>
                            <span class="doc-job-month">{ format::month_label(lang, &j.month) }</span>
                            <span class={classes!("doc-job-state", state)}>{ job_state_label(lang, j.state) }</span>
                            <span class="doc-job-figures">
                                { format!("{} {} · {} {} · {} {}", t.issued, j.issued, t.corrected, j.corrected, t.sent, j.sent) }
                            </span>
                            <span class="muted doc-job-who">
                                { format!("{} · {}", j.started_by, crate::clock::date_time_of(&j.started_at)) }
                            </span>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <section class="doc-panel doc-jobs-panel">
            <h2>{ t.jobs_title }</h2>
            { body }
        </section>
    }
}
