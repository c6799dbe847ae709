//! Month-end documents (`/documents`, managers and admins; issue 20, item 2):
//! on the left, closing a month with its progress, an act of reconciliation
//! and the recent closings; on the right, the chosen month's documents with
//! their downloads and e-mail. The month picked for closing is the month
//! listed. A bank statement is loaded on the left; the payments it could
//! not match wait above the month's documents (issue 20, item 4).

use chrono::Datelike;
use yew::prelude::*;

use crate::components::documents::{
    CloseMonthPanel, DocumentsList, JobsList, ReconciliationPanel, StatementPanel,
    UnmatchedPayments,
};
use crate::i18n::documents::texts;
use crate::state::documents::previous_month;
use crate::state::use_app;

#[function_component]
pub fn Documents() -> Html {
    let app = use_app();
    let t = texts(app.lang);
    let today = crate::clock::today_date();
    let month = use_state(|| previous_month(today));
    // Grows when a closing starts or ends: the list and the jobs load again.
    let changed = use_state(|| 0u32);
    let on_month = {
        let month = month.clone();
        Callback::from(move |m: String| month.set(m))
    };
    let on_changed = {
        let changed = changed.clone();
        Callback::from(move |_: ()| changed.set(*changed + 1))
    };
    let max_month = format!("{:04}-{:02}", today.year(), today.month());
    html! {
        <section id="documents" class="documents">
            <div class="documents-head">
                <h1>{ t.title }</h1>
                <span class="muted subtitle">{ t.subtitle }</span>
            </div>
            <div class="documents-body">
                <div class="documents-side">
                    <CloseMonthPanel month={(*month).clone()} max_month={max_month}
                        on_month={on_month} on_changed={on_changed.clone()} />
                    <StatementPanel on_imported={on_changed.clone()} />
                    <ReconciliationPanel on_made={on_changed.clone()} />
                    <JobsList reload={*changed} />
                </div>
                <div class="documents-main">
                    <UnmatchedPayments reload={*changed} on_changed={on_changed} />
                    <DocumentsList month={(*month).clone()} reload={*changed} />
                </div>
            </div>
        </section>
    }
}
