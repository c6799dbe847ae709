//! Closing a month for legal clients: the month's rent goes onto their
//! accounts, then each client gets an invoice and a transfer document (УПД,
//! or an act with a счёт-фактура for a VAT payer) of the month's deliveries
//! at the prices they were delivered at; a client whose documents were
//! issued gets a correcting document when the month changed since, and
//! nothing when it did not. The job's progress is stored as it goes.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use rodnik_shared::api::{
    AccountMoveKind, ClientSummary, CompanySettings, DocJob, Document, DocumentKind, JobState,
    RentalCharge, TransferDoc,
};
use rodnik_shared::{ClientKind, Money};

use super::{basis, buyer, correction, month_lines, month_name, seller};
use crate::error::{Error, Result};
use crate::figures::account::AccountRow;
use crate::store::documents::ToIssue;
use crate::store::{new_key, Store};

/// What closing one client's month did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub issued: Vec<Document>,
    pub corrected: bool,
    pub unchanged: bool,
}

/// A month (YYYY-MM) as its year, month, first and last day.
pub fn month_of(s: &str) -> Result<(i32, u32, NaiveDate, NaiveDate)> {
    let bad = || Error::invalid("month", "must be YYYY-MM");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let (y, m) = (
        y.parse::<i32>().map_err(|_| bad())?,
        m.parse::<u32>().map_err(|_| bad())?,
    );
    if s.len() != 7 || !(2000..=2200).contains(&y) {
        return Err(bad());
    }
    let (first, last) = rodnik_shared::equipment::month_bounds(y, m).ok_or_else(bad)?;
    Ok((y, m, first, last))
}

fn counter(c: &CompanySettings, group: &str, year: i32) -> String {
    if c.yearly_numbers {
        format!("doc_{group}_{year}")
    } else {
        format!("doc_{group}")
    }
}

/// The month's rent charges of every rental in force, by client.
pub async fn rent_by_client(
    store: &Store,
    year: i32,
    month: u32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<HashMap<String, Vec<RentalCharge>>> {
    let (f, l) = (first.to_string(), last.to_string());
    let in_force = store.rentals_in_force(&f, &l).await?;
    let mut clients: Vec<String> = in_force.iter().map(|r| r.client_id.clone()).collect();
    clients.sort();
    clients.dedup();
    let bottles = store.bottles_by_address(&clients, &f, &l).await?;
    let charges = crate::reports::rentals::charges(year, month, &in_force, &bottles);
    let mut out: HashMap<String, Vec<RentalCharge>> = HashMap::new();
    for r in charges.rows {
        if r.client_kind == ClientKind::Legal && r.amount.0 > 0 {
            out.entry(r.client_id.clone()).or_default().push(r);
        }
    }
    Ok(out)
}

/// A new document of `kind` for `client` (numbered when issued).
fn document(
    kind: DocumentKind,
    company: &CompanySettings,
    client: &ClientSummary,
    date: NaiveDate,
    month: &str,
    lines: Vec<rodnik_shared::api::DocLine>,
    by: &str,
) -> Document {
    let total: Money = lines.iter().map(|l| l.amount).sum();
    let vat_total: Money = lines.iter().map(|l| l.vat).sum();
    Document {
        id: new_key(),
        kind,
        number: String::new(),
        date: date.to_string(),
        month: Some(month.to_string()),
        from: None,
        to: None,
        client_id: client.id.clone(),
        seller: seller(company),
        buyer: buyer(client),
        basis: basis(client),
        lines,
        total,
        vat_total,
        vat_rate: company.vat_rate.filter(|r| *r > 0),
        corrects: None,
        corrects_number: None,
        opening: None,
        closing: None,
        rows: vec![],
        director: company.director.clone(),
        accountant: company.accountant.clone(),
        created_by: by.to_string(),
        created_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        sent_at: None,
        sent_to: None,
        send_error: None,
        paid_amount: None,
        paid_at: None,
    }
}

/// Closes `month` for one legal client: its rent onto the account, then
/// its documents issued, corrected or kept.
#[allow(clippy::too_many_arguments)]
pub async fn close_client(
    store: &Store,
    company: &CompanySettings,
    client_id: &str,
    month: &str,
    rent: &[RentalCharge],
    today: NaiveDate,
    by: (&str, &str),
) -> Result<Outcome> {
    let (year, m, first, last) = month_of(month)?;
    let client = store.require_client(client_id).await?;
    if client.kind != ClientKind::Legal {
        return Err(Error::invalid(
            "client_id",
            "documents are for legal clients",
        ));
    }
    // The month's rent, once per agreement and month.
    let posted = store.rent_keys(client_id).await?;
    let rows: Vec<(String, AccountRow)> = rent
        .iter()
        .filter(|r| r.amount.0 > 0)
        .map(|r| {
            let key = format!("rent{}{year:04}{m:02}", r.rental_id);
            let row = AccountRow {
                client_id: client_id.to_string(),
                kind: AccountMoveKind::Rent,
                amount: r.amount,
                method: None,
                order_id: None,
                order_number: None,
                day: last.to_string(),
                reference: Some(format!(
                    "Аренда № {} ({} № {}) за {}",
                    r.number,
                    r.model,
                    r.serial,
                    month_name(year, m)
                )),
                reason: None,
                by: Some(by.0.to_string()),
                by_name: Some(by.1.to_string()),
                at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            };
            (key, row)
        })
        .filter(|(key, _)| !posted.contains(key))
        .collect();
    if !rows.is_empty() {
        store.add_account_moves(client_id, &rows).await?;
    }
    let orders = store
        .delivered_orders_of(client_id, &first.to_string(), &last.to_string())
        .await?;
    let lines = month_lines(&orders, rent, company.vat_rate.filter(|r| *r > 0), year, m);
    let issued = store
        .list_documents(Some(client_id), Some(month), None, 100)
        .await?;
    let transfer_kinds = [DocumentKind::Upd, DocumentKind::Act];
    let original = issued
        .iter()
        .filter(|d| transfer_kinds.contains(&d.kind))
        .min_by(|a, b| a.created_at.cmp(&b.created_at));
    let by_name = by.1;
    let Some(original) = original else {
        if lines.is_empty() {
            return Ok(Outcome {
                unchanged: true,
                ..Default::default()
            });
        }
        // The month's documents are dated its last day (today when closed early).
        let date = last.min(today.max(first));
        let mut docs = vec![ToIssue {
            doc: document(
                DocumentKind::Invoice,
                company,
                &client,
                date,
                month,
                lines.clone(),
                by_name,
            ),
            counter: counter(company, "invoice", year),
            prefix: company.invoice_prefix.clone(),
            slot: format!("{client_id}:{month}:invoice:0"),
        }];
        let transfer = match company.transfer_doc {
            TransferDoc::Upd => DocumentKind::Upd,
            TransferDoc::ActInvoice => DocumentKind::Act,
        };
        docs.push(ToIssue {
            doc: document(
                transfer,
                company,
                &client,
                date,
                month,
                lines.clone(),
                by_name,
            ),
            counter: counter(company, "transfer", year),
            prefix: company.transfer_prefix.clone(),
            slot: format!("{client_id}:{month}:transfer:0"),
        });
        if transfer == DocumentKind::Act && company.vat_rate.is_some_and(|r| r > 0) {
            docs.push(ToIssue {
                doc: document(
                    DocumentKind::Factura,
                    company,
                    &client,
                    date,
                    month,
                    lines,
                    by_name,
                ),
                counter: counter(company, "factura", year),
                prefix: company.transfer_prefix.clone(),
                slot: format!("{client_id}:{month}:factura:0"),
            });
        }
        return Ok(Outcome {
            issued: store.issue_documents(&docs).await?,
            ..Default::default()
        });
    };
    // What stands issued: the latest correction's lines, else the original's.
    let corrections: Vec<&Document> = issued
        .iter()
        .filter(|d| d.kind == DocumentKind::Correction)
        .collect();
    let standing: Vec<rodnik_shared::api::DocLine> = match corrections
        .iter()
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
    {
        Some(c) => c
            .lines
            .iter()
            .filter(|l| l.qty != 0 || l.amount != Money::ZERO)
            .map(|l| rodnik_shared::api::DocLine {
                qty_before: None,
                amount_before: None,
                ..l.clone()
            })
            .collect(),
        None => original.lines.clone(),
    };
    let Some(changed) = correction(&standing, &lines) else {
        return Ok(Outcome {
            unchanged: true,
            ..Default::default()
        });
    };
    let mut doc = document(
        DocumentKind::Correction,
        company,
        &client,
        today,
        month,
        changed,
        by_name,
    );
    doc.total = lines.iter().map(|l| l.amount).sum();
    doc.vat_total = lines.iter().map(|l| l.vat).sum();
    doc.corrects = Some(original.id.clone());
    doc.corrects_number = Some(format!(
        "{} от {}",
        original.number,
        super::date_short(&original.date)
    ));
    let issued = store
        .issue_documents(&[ToIssue {
            doc,
            counter: counter(company, "transfer", today.year()),
            prefix: company.transfer_prefix.clone(),
            slot: format!("{client_id}:{month}:correction:{}", corrections.len() + 1),
        }])
        .await?;
    Ok(Outcome {
        issued,
        corrected: true,
        unchanged: false,
    })
}

/// Runs a closing job to its end, saving its progress as it goes; each
/// client's documents go to `send` when given (the mailer).
pub async fn run(
    store: Store,
    mut job: DocJob,
    clients: Vec<String>,
    rent: HashMap<String, Vec<RentalCharge>>,
    today: NaiveDate,
    by: (String, String),
    send: Option<super::mail::Mailer>,
) -> DocJob {
    let company = match store.company_settings().await {
        Ok(c) => c,
        Err(e) => {
            job.state = JobState::Failed;
            job.errors.push(format!("settings: {e}"));
            let _ = store.save_job(&job).await;
            return job;
        }
    };
    for (i, client) in clients.iter().enumerate() {
        let empty = vec![];
        let result = close_client(
            &store,
            &company,
            client,
            &job.month,
            rent.get(client).unwrap_or(&empty),
            today,
            (&by.0, &by.1),
        )
        .await;
        match result {
            Ok(o) => {
                job.issued += o.issued.len() as i64;
                job.corrected += i64::from(o.corrected);
                job.unchanged += i64::from(o.unchanged);
                if let (Some(mailer), false) = (&send, o.issued.is_empty()) {
                    match super::mail::send_documents(&store, mailer, &o.issued).await {
                        Ok(true) => job.sent += 1,
                        Ok(false) => job.errors.push(format!("{client}: no e-mail address")),
                        Err(e) => job.errors.push(format!("{client}: sending failed: {e}")),
                    }
                }
            }
            Err(e) => job.errors.push(format!("{client}: {e}")),
        }
        job.done = i as i64 + 1;
        // Progress every few clients, and at the end.
        if job.done % 5 == 0 || job.done == job.clients {
            let _ = store.save_job(&job).await;
        }
    }
    job.state = JobState::Done;
    job.finished_at = Some(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    if let Err(e) = store.save_job(&job).await {
        tracing::error!(error = %e, "saving a finished document job");
    }
    job
}
