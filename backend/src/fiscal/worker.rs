//! The receipts worker: one per serving process. It wakes when a delivery
//! queued a receipt, and every `tick`; takes the due rows one by one (a
//! compare-and-set lease, so two processes never send the same row at
//! once, and the service's `external_id` makes a resend harmless anyway),
//! sends the pending ones, asks about the accepted ones, and writes what
//! the service said. Errors that may pass (no answer, a server error, the
//! login or the settings) keep the receipt queued with a growing delay;
//! a refusal of the receipt itself marks it failed for a manager.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rodnik_shared::api::{CompanySettings, FiscalSettings, ReceiptError, ReceiptStatus};

use super::atol::{self, Answer, Atol, Contact};
use crate::error::Result;
use crate::store::receipts::{stamp, Outcome, QueuedReceipt};
use crate::store::Store;

/// Rows taken per pass.
const BATCH: usize = 16;
/// The longest delay between tries of one receipt.
const MAX_DELAY: Duration = Duration::from_secs(600);
/// How long a taken row is this worker's.
const LEASE: Duration = Duration::from_secs(120);

/// Starts the worker of `store`'s receipts.
pub fn start(store: Store, tick: Duration) {
    let atol = Arc::new(Atol::new());
    tokio::spawn(async move {
        loop {
            match run_once(&store, &atol, tick).await {
                // A full batch: more may be due at once.
                Ok(n) if n >= BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the receipts worker's pass failed"),
            }
            tokio::select! {
                _ = store.receipts_wake.notified() => {}
                _ = tokio::time::sleep(tick) => {}
            }
        }
    });
}

/// The delay before the next try after `attempts` requests (the
/// notifications' sender uses it too).
pub fn delay(tick: Duration, attempts: i64) -> Duration {
    let factor = 1u32 << attempts.clamp(0, 10);
    tick.saturating_mul(factor).min(MAX_DELAY).max(tick)
}

/// `d` from now, as the queues store times.
pub fn later(d: Duration) -> String {
    stamp(Utc::now() + chrono::Duration::from_std(d).unwrap_or_default())
}

/// One pass: the due receipts, each sent or asked about. Returns how many
/// were due.
pub async fn run_once(store: &Store, atol: &Atol, tick: Duration) -> Result<usize> {
    let company = store.company_settings().await?;
    let Some(fiscal) = company.fiscal.clone().filter(|f| f.enabled) else {
        return Ok(0);
    };
    let now = stamp(Utc::now());
    let due = store.due_receipts(&now, BATCH).await?;
    let n = due.len();
    for r in due {
        let Some(r) = store.claim_receipt(&r, &now, &later(LEASE)).await? else {
            continue;
        };
        let outcome = match r.receipt.status {
            ReceiptStatus::Pending => send(store, atol, &fiscal, &company, &r, tick).await,
            _ => ask(atol, &fiscal, &r, tick).await,
        };
        let saved = store
            .save_receipt_outcome(&r, &outcome, &stamp(Utc::now()))
            .await?;
        if !saved {
            tracing::info!(receipt = %r.receipt.id, "a receipt changed while it was sent: left as it is");
        }
    }
    Ok(n)
}

/// A try that failed for now: queued again later, the error kept.
fn again(r: &QueuedReceipt, tick: Duration, e: ReceiptError) -> Outcome {
    tracing::warn!(receipt = %r.receipt.id, code = ?e.code, kind = %e.kind, text = %e.text,
        "a receipt waits for another try");
    Outcome {
        next_at: Some(later(delay(tick, r.receipt.attempts + 1))),
        error: Some(Some(e)),
        attempted: true,
        ..Outcome::default()
    }
}

async fn contact(store: &Store, client_id: &str) -> Result<Contact> {
    let (phone, email) = store.client_contact(client_id).await?;
    Ok(Contact { phone, email })
}

/// The receipt's time as ATOL wants it (the delivery's, the company's zone).
fn timestamp(store: &Store, r: &QueuedReceipt) -> String {
    let at = r
        .delivered_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now);
    at.with_timezone(&store.time_zone())
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

async fn send(
    store: &Store,
    atol: &Atol,
    s: &FiscalSettings,
    company: &CompanySettings,
    r: &QueuedReceipt,
    tick: Duration,
) -> Outcome {
    let contact = match contact(store, &r.receipt.client_id).await {
        Ok(c) => c,
        Err(e) => {
            return again(
                r,
                tick,
                ReceiptError {
                    code: None,
                    text: format!("reading the client: {e}"),
                    kind: "config".into(),
                },
            )
        }
    };
    let body = match atol::body(r, s, company, &contact, &timestamp(store, r)) {
        Ok(b) => b,
        Err(e) => return again(r, tick, e),
    };
    let mut answer = Answer::TokenExpired;
    for _ in 0..2 {
        let token = match atol.token(s).await {
            Ok(t) => t,
            Err(e) => return again(r, tick, e),
        };
        answer = atol.register(s, r.receipt.kind, &token, &body).await;
        if answer != Answer::TokenExpired {
            break;
        }
        atol.forget_token().await;
    }
    outcome(r, tick, answer)
}

async fn ask(atol: &Atol, s: &FiscalSettings, r: &QueuedReceipt, tick: Duration) -> Outcome {
    let Some(uuid) = r.receipt.uuid.clone() else {
        // Accepted without an id cannot be asked about: send it again (the
        // same external_id: the service answers with the id it gave).
        return Outcome {
            status: Some(ReceiptStatus::Pending),
            next_at: Some(stamp(Utc::now())),
            ..Outcome::default()
        };
    };
    let mut answer = Answer::TokenExpired;
    for _ in 0..2 {
        let token = match atol.token(s).await {
            Ok(t) => t,
            Err(e) => return again(r, tick, e),
        };
        answer = atol.report(s, &token, &uuid).await;
        if answer != Answer::TokenExpired {
            break;
        }
        atol.forget_token().await;
    }
    outcome(r, tick, answer)
}

fn outcome(r: &QueuedReceipt, tick: Duration, answer: Answer) -> Outcome {
    match answer {
        Answer::Accepted { uuid } => Outcome {
            status: Some(ReceiptStatus::Wait),
            uuid: Some(uuid),
            next_at: Some(later(tick)),
            error: Some(None),
            attempted: true,
            ..Outcome::default()
        },
        Answer::Waiting => Outcome {
            status: Some(ReceiptStatus::Wait),
            next_at: Some(later(delay(tick, r.receipt.attempts))),
            attempted: true,
            ..Outcome::default()
        },
        Answer::Done(f) => {
            tracing::info!(receipt = %r.receipt.id, fd = f.fiscal_document_number, "a receipt is registered");
            Outcome {
                status: Some(ReceiptStatus::Done),
                fiscal: Some(f),
                error: Some(None),
                next_at: None,
                attempted: true,
                ..Outcome::default()
            }
        }
        Answer::Failed(e) => {
            tracing::warn!(receipt = %r.receipt.id, code = ?e.code, text = %e.text, "the fiscal service refused a receipt");
            Outcome {
                status: Some(ReceiptStatus::Failed),
                error: Some(Some(e)),
                next_at: None,
                attempted: true,
                ..Outcome::default()
            }
        }
        Answer::Resend(e) => Outcome {
            status: Some(ReceiptStatus::Pending),
            new_gen: true,
            error: Some(Some(e)),
            next_at: Some(later(tick)),
            attempted: true,
            ..Outcome::default()
        },
        Answer::Retry(e) => again(r, tick, e),
        Answer::TokenExpired => again(
            r,
            tick,
            ReceiptError {
                code: Some(11),
                text: "the service refused two new tokens in a row".into(),
                kind: "system".into(),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_to_ten_minutes() {
        let t = Duration::from_secs(5);
        assert_eq!(delay(t, 0), t);
        assert_eq!(delay(t, 1), Duration::from_secs(10));
        assert_eq!(delay(t, 3), Duration::from_secs(40));
        assert_eq!(delay(t, 50), MAX_DELAY);
    }
}
