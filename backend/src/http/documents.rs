//! Month-end documents (issue 20, item 2): the company's requisites and
//! document rules, closing a month for every legal client (a job with its
//! progress), the issued documents as JSON, PDF and XLSX, reconciliation
//! acts for any period, and sending documents by e-mail.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike, Utc};
use rodnik_shared::api::{
    CloseMonth, CompanySettings, DocJob, Document, DocumentKind, JobState, NewReconciliation,
};
use rodnik_shared::validate::{self, optional_text};
use rodnik_shared::ClientKind;
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use super::reports::{attachment, XLSX};
use crate::app::AppState;
use crate::documents::close::{month_of, rent_by_client};
use crate::documents::mail::Mailer;
use crate::documents::{self, recon};
use crate::error::{Error, Result};
use crate::store::documents::ToIssue;
use crate::store::new_key;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/company", get(get_company).put(put_company))
        .route("/documents", get(list_documents))
        .route("/documents/close", post(close_month))
        .route("/documents/jobs", get(list_jobs))
        .route("/documents/jobs/{id}", get(get_job))
        .route("/documents/reconciliation", post(reconciliation))
        .route("/documents/{id}", get(get_document))
        .route("/documents/{id}/pdf", get(document_pdf))
        .route("/documents/{id}/xlsx", get(document_xlsx))
        .route("/documents/{id}/send", post(send_document))
        .route("/accounting/export", get(accounting_export))
}

/// The settings as answered: the SMTP password never leaves the server.
fn without_secret(mut c: CompanySettings) -> CompanySettings {
    if let Some(s) = c.smtp.as_mut() {
        s.password_set = s.password.is_some();
        s.password = None;
    }
    if let Some(f) = c.fiscal.as_mut() {
        f.password_set = f.password.is_some();
        f.password = None;
    }
    if let Some(g) = c.geocoder.as_mut() {
        g.key_set = g.key.is_some();
        g.secret_set = g.secret.is_some();
        g.key = None;
        g.secret = None;
    }
    c
}

/// The geocoder's settings, checked.
fn checked_geocoder(
    g: &rodnik_shared::api::GeocoderSettings,
) -> Result<rodnik_shared::api::GeocoderSettings> {
    let secret = |v: &Option<String>, field: &str| -> Result<Option<String>> {
        match v.as_deref().map(str::trim) {
            Some(k) if k.chars().count() > 200 => {
                Err(Error::invalid(field, "must be at most 200 characters"))
            }
            Some(k) if k.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                Err(Error::invalid(field, "must not contain spaces"))
            }
            Some(k) if !k.is_empty() => Ok(Some(k.to_string())),
            _ => Ok(None),
        }
    };
    Ok(rodnik_shared::api::GeocoderSettings {
        enabled: g.enabled,
        provider: g.provider,
        url: url(&g.url, "geocoder.url", 300, &["https://", "http://"])?,
        key: secret(&g.key, "geocoder.key")?,
        key_set: false,
        secret: secret(&g.secret, "geocoder.secret")?,
        secret_set: false,
        city: short(&g.city, "geocoder.city", 100)?,
    })
}

/// A URL of the scheme's kind without spaces, at most `max` characters.
fn url(v: &str, field: &str, max: usize, schemes: &[&str]) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    let ok_scheme = schemes
        .iter()
        .any(|s| v.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)) && v.len() > s.len());
    if !ok_scheme || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("must be a link starting with {}", schemes.join(" or ")),
        ));
    }
    Ok(v.to_string())
}

fn short(v: &str, field: &str, max: usize) -> Result<String> {
    let v = text(v, field)?;
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(v)
}

/// The cloud cash register's settings, checked (ATOL's field limits).
fn checked_fiscal(
    f: &rodnik_shared::api::FiscalSettings,
) -> Result<rodnik_shared::api::FiscalSettings> {
    let out = rodnik_shared::api::FiscalSettings {
        enabled: f.enabled,
        url: url(&f.url, "fiscal.url", 300, &["https://", "http://"])?,
        login: short(&f.login, "fiscal.login", 100)?,
        password: match &f.password {
            Some(p) if p.chars().count() > 200 => {
                return Err(Error::invalid(
                    "fiscal.password",
                    "must be at most 200 characters",
                ))
            }
            Some(p) if !p.is_empty() => Some(p.clone()),
            _ => None,
        },
        password_set: false,
        group_code: short(&f.group_code, "fiscal.group_code", 100)?,
        sno: f.sno,
        payment_address: short(&f.payment_address, "fiscal.payment_address", 256)?,
        email: short(&f.email, "fiscal.email", 64)?,
    };
    if out.group_code.contains('/') || out.group_code.contains('?') {
        return Err(Error::invalid(
            "fiscal.group_code",
            "must not contain / or ?",
        ));
    }
    if out.enabled {
        for (v, field) in [
            (&out.url, "fiscal.url"),
            (&out.login, "fiscal.login"),
            (&out.group_code, "fiscal.group_code"),
            (&out.payment_address, "fiscal.payment_address"),
            (&out.email, "fiscal.email"),
        ] {
            if v.is_empty() {
                return Err(Error::invalid(field, "is required for receipts"));
            }
        }
        if !out.email.contains('@') {
            return Err(Error::invalid("fiscal.email", "must be an e-mail address"));
        }
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/settings/company",
    responses((status = 200, body = CompanySettings),
              (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins only")))]
pub async fn get_company(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<CompanySettings>> {
    user.require_manager()?;
    Ok(Json(without_secret(state.store.company_settings().await?)))
}

fn digits(v: &str, lens: &[usize], field: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || (lens.contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit())) {
        return Ok(v.to_string());
    }
    let lens: Vec<String> = lens.iter().map(usize::to_string).collect();
    Err(Error::invalid(
        field,
        format!("must be {} digits", lens.join(" or ")),
    ))
}

fn text(v: &str, field: &str) -> Result<String> {
    Ok(optional_text(Some(v), field)?.unwrap_or_default())
}

/// The company's settings, checked.
fn checked(c: &CompanySettings) -> Result<CompanySettings> {
    let mut out = CompanySettings {
        name: text(&c.name, "name")?,
        inn: digits(&c.inn, &[10, 12], "inn")?,
        kpp: digits(&c.kpp, &[9], "kpp")?,
        ogrn: digits(&c.ogrn, &[13, 15], "ogrn")?,
        address: text(&c.address, "address")?,
        phone: text(&c.phone, "phone")?,
        email: text(&c.email, "email")?,
        bank_name: text(&c.bank_name, "bank_name")?,
        bik: digits(&c.bik, &[9], "bik")?,
        account: digits(&c.account, &[20], "account")?,
        corr_account: digits(&c.corr_account, &[20], "corr_account")?,
        director: text(&c.director, "director")?,
        accountant: text(&c.accountant, "accountant")?,
        vat_rate: c.vat_rate,
        transfer_doc: c.transfer_doc,
        invoice_prefix: text(&c.invoice_prefix, "invoice_prefix")?,
        transfer_prefix: text(&c.transfer_prefix, "transfer_prefix")?,
        yearly_numbers: c.yearly_numbers,
        smtp: None,
        sbp: rodnik_shared::api::SbpSettings {
            link: url(&c.sbp.link, "sbp.link", 500, &["https://"])?,
            link_takes_sum: c.sbp.link_takes_sum,
        },
        fiscal: c.fiscal.as_ref().map(checked_fiscal).transpose()?,
        geocoder: c.geocoder.as_ref().map(checked_geocoder).transpose()?,
    };
    if out.fiscal.as_ref().is_some_and(|f| f.enabled) && out.inn.is_empty() {
        return Err(Error::invalid("inn", "is required for receipts"));
    }
    if let Some(r) = c.vat_rate {
        if ![0, 5, 7, 10, 18, 20, 22].contains(&r) {
            return Err(Error::invalid(
                "vat_rate",
                "must be one of 0, 5, 7, 10, 18, 20, 22, or null (без НДС)",
            ));
        }
    }
    for (p, field) in [
        (&out.invoice_prefix, "invoice_prefix"),
        (&out.transfer_prefix, "transfer_prefix"),
    ] {
        if p.chars().count() > 10 {
            return Err(Error::invalid(field, "must be at most 10 characters"));
        }
    }
    if let Some(s) = &c.smtp {
        let mut smtp = s.clone();
        smtp.host = text(&s.host, "smtp.host")?;
        smtp.username = text(&s.username, "smtp.username")?;
        smtp.from = text(&s.from, "smtp.from")?;
        if let Some(p) = &s.password {
            if p.chars().count() > 200 {
                return Err(Error::invalid(
                    "smtp.password",
                    "must be at most 200 characters",
                ));
            }
        }
        // Checks the host, the security and the sender by building a transport.
        Mailer::new(&smtp)?;
        out.smtp = Some(smtp);
    }
    if out.email.len() > 254 {
        return Err(Error::invalid("email", "is too long"));
    }
    Ok(out)
}

#[utoipa::path(put, path = "/api/settings/company", request_body = CompanySettings,
    responses((status = 200, body = CompanySettings),
              (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins only"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn put_company(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CompanySettings>,
) -> Result<Json<CompanySettings>> {
    user.require_admin()?;
    let new = checked(&req)?;
    let saved = state.store.set_company_settings(&new).await?;
    let on = saved.fiscal.as_ref().is_some_and(|f| f.enabled);
    state.store.set_fiscal_on(on).await?;
    if on {
        // The settings may be what the queued receipts waited for.
        let now = crate::store::receipts::stamp(Utc::now());
        state.store.wake_pending_receipts(&now).await?;
        state.store.receipts_wake.notify_one();
    }
    Ok(Json(without_secret(saved)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentsQuery {
    pub client_id: Option<String>,
    /// YYYY-MM.
    pub month: Option<String>,
    pub kind: Option<DocumentKind>,
    /// 1 to 500 (default 200).
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/documents", params(DocumentsQuery),
    responses((status = 200, body = Vec<Document>),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_documents(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<DocumentsQuery>,
) -> Result<Json<Vec<Document>>> {
    user.require_manager()?;
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 500"));
    }
    if let Some(m) = &q.month {
        month_of(m)?;
    }
    Ok(Json(
        state
            .store
            .list_documents(q.client_id.as_deref(), q.month.as_deref(), q.kind, limit)
            .await?,
    ))
}

async fn document(state: &AppState, id: &str) -> Result<Document> {
    state
        .store
        .get_document(id)
        .await?
        .ok_or_else(|| Error::not_found("document"))
}

#[utoipa::path(get, path = "/api/documents/{id}",
    responses((status = 200, body = Document), (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Document>> {
    user.require_manager()?;
    Ok(Json(document(&state, &id).await?))
}

fn file_name(d: &Document, ext: &str) -> String {
    let number: String = d
        .number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}_{number}_{}.{ext}", d.kind.as_str(), d.date)
}

#[utoipa::path(get, path = "/api/documents/{id}/pdf",
    responses((status = 200, content_type = "application/pdf", description = "the document, A4"),
              (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn document_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    user.require_manager()?;
    let d = document(&state, &id).await?;
    let pdf = tokio::task::spawn_blocking(move || documents::pdf::render(&d).map(|b| (b, d)))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(attachment(
        "application/pdf",
        &file_name(&pdf.1, "pdf"),
        pdf.0,
    ))
}

#[utoipa::path(get, path = "/api/documents/{id}/xlsx",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the document as a workbook"),
              (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn document_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    user.require_manager()?;
    let d = document(&state, &id).await?;
    let bytes = documents::xlsx::render(&d)?;
    Ok(attachment(XLSX, &file_name(&d, "xlsx"), bytes))
}

/// The mailer from the company's settings, or why there is none.
async fn mailer(state: &AppState) -> Result<Mailer> {
    let company = state.store.company_settings().await?;
    let smtp = company.smtp.ok_or_else(|| {
        Error::invalid(
            "send",
            "set the mail server (SMTP) in the company settings first",
        )
    })?;
    Mailer::new(&smtp)
}

#[utoipa::path(post, path = "/api/documents/close", request_body = CloseMonth,
    responses((status = 202, body = DocJob, description = "the job, started; poll GET /api/documents/jobs/{id}"),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`job_running`: the month is being closed"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn close_month(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CloseMonth>,
) -> Result<(StatusCode, Json<DocJob>)> {
    user.require_manager()?;
    let (year, month, first, last) = month_of(&req.month)?;
    let today = state.cfg.today();
    if today < last {
        return Err(Error::invalid(
            "month",
            "the month has not ended: close it on its last day or later",
        ));
    }
    let company = state.store.company_settings().await?;
    let missing = documents::missing_requisites(&company);
    if !missing.is_empty() {
        return Err(Error::invalid(
            "company",
            format!(
                "fill in the company's requisites first: {}",
                missing.join(", ")
            ),
        ));
    }
    let send = if req.send {
        Some(mailer(&state).await?)
    } else {
        None
    };
    if state.store.job_running(&req.month).await? {
        return Err(Error::conflict(
            "job_running",
            "this month is being closed now",
        ));
    }
    let rent = rent_by_client(&state.store, year, month, first, last).await?;
    let clients = match req
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(id) => {
            let c = state
                .store
                .get_client(id)
                .await?
                .ok_or_else(|| Error::invalid("client_id", "no such client"))?;
            if c.kind != ClientKind::Legal {
                return Err(Error::invalid(
                    "client_id",
                    "documents are for legal clients",
                ));
            }
            vec![c.id]
        }
        None => {
            let mut ids = state
                .store
                .legal_clients_delivered(&first.to_string(), &last.to_string())
                .await?;
            ids.extend(rent.keys().cloned());
            ids.sort();
            ids.dedup();
            ids
        }
    };
    let job = DocJob {
        id: new_key(),
        month: req.month.clone(),
        state: JobState::Running,
        clients: clients.len() as i64,
        done: 0,
        issued: 0,
        corrected: 0,
        unchanged: 0,
        sent: 0,
        errors: vec![],
        started_by: user.name().to_string(),
        started_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        finished_at: None,
    };
    state.store.save_job(&job).await?;
    let store = state.store.clone();
    let by = (user.id().to_string(), user.name().to_string());
    let started = job.clone();
    tokio::spawn(async move {
        documents::close::run(store, started, clients, rent, today, by, send).await;
    });
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[utoipa::path(get, path = "/api/documents/jobs",
    responses((status = 200, body = Vec<DocJob>), (status = 403, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_jobs(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<DocJob>>> {
    user.require_manager()?;
    Ok(Json(state.store.list_jobs(20).await?))
}

#[utoipa::path(get, path = "/api/documents/jobs/{id}",
    responses((status = 200, body = DocJob), (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_job(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<DocJob>> {
    user.require_manager()?;
    state
        .store
        .get_job(&id)
        .await?
        .map(Json)
        .ok_or_else(|| Error::not_found("job"))
}

#[utoipa::path(post, path = "/api/documents/reconciliation", request_body = NewReconciliation,
    responses((status = 201, body = Document),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn reconciliation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewReconciliation>,
) -> Result<(StatusCode, Json<Document>)> {
    user.require_manager()?;
    let from = validate::date(&req.from, "from")?;
    let to = validate::date(&req.to, "to")?;
    if to < from {
        return Err(Error::invalid("to", "must not be before from"));
    }
    if (to - from).num_days() > 3 * 366 {
        return Err(Error::invalid("to", "a period is at most three years"));
    }
    let today = state.cfg.today();
    if to > today {
        return Err(Error::invalid("to", "must not be in the future"));
    }
    let client = state
        .store
        .get_client(req.client_id.trim())
        .await?
        .ok_or_else(|| Error::invalid("client_id", "no such client"))?;
    let company = state.store.company_settings().await?;
    let rows: Vec<recon::Row> = state
        .store
        .account_rows_until(&client.id, &to.to_string())
        .await?
        .iter()
        .filter_map(recon::Row::from_value)
        .collect();
    let issued = state
        .store
        .list_documents(Some(&client.id), None, None, 500)
        .await?;
    let mut transfers: BTreeMap<String, &Document> = BTreeMap::new();
    for d in issued
        .iter()
        .filter(|d| matches!(d.kind, DocumentKind::Upd | DocumentKind::Act))
    {
        if let Some(m) = &d.month {
            transfers.entry(m.clone()).or_insert(d);
        }
    }
    let (opening, rows, closing) =
        recon::build(&rows, &from.to_string(), &to.to_string(), &transfers);
    let doc = Document {
        id: new_key(),
        kind: DocumentKind::Reconciliation,
        number: String::new(),
        date: today.to_string(),
        month: None,
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        client_id: client.id.clone(),
        seller: documents::seller(&company),
        buyer: documents::buyer(&client),
        basis: documents::basis(&client),
        lines: vec![],
        total: closing,
        vat_total: rodnik_shared::Money::ZERO,
        vat_rate: None,
        corrects: None,
        corrects_number: None,
        opening: Some(opening),
        closing: Some(closing),
        rows,
        director: company.director.clone(),
        accountant: company.accountant.clone(),
        created_by: user.name().to_string(),
        created_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        sent_at: None,
        sent_to: None,
        send_error: None,
        paid_amount: None,
        paid_at: None,
    };
    let slot = format!("{}:recon:{}", client.id, doc.id);
    let counter = if company.yearly_numbers {
        format!("doc_recon_{}", today.year())
    } else {
        "doc_recon".to_string()
    };
    let mut issued = state
        .store
        .issue_documents(&[ToIssue {
            doc,
            counter,
            prefix: String::new(),
            slot,
        }])
        .await?;
    let doc = issued
        .pop()
        .ok_or_else(|| Error::Internal("the act was not stored".into()))?;
    Ok((StatusCode::CREATED, Json(doc)))
}

#[utoipa::path(post, path = "/api/documents/{id}/send",
    responses((status = 200, body = Document, description = "sent: `sent_at`, `sent_to` set"),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody, description = "no mail server, or the client has no e-mail"),
              (status = 502, body = rodnik_shared::api::ErrorBody, description = "the mail server refused")))]
pub async fn send_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Document>> {
    user.require_manager()?;
    let d = document(&state, &id).await?;
    let m = mailer(&state).await?;
    if !documents::mail::send_documents(&state.store, &m, std::slice::from_ref(&d)).await? {
        return Err(Error::invalid(
            "requisites.email",
            "the client has no e-mail in their requisites",
        ));
    }
    Ok(Json(document(&state, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// YYYY-MM: the month whose transfer documents go to 1C.
    pub month: String,
}

/// The month's sales for 1C:Бухгалтерия (EnterpriseData XML; docs/accounting.md).
#[utoipa::path(get, path = "/api/accounting/export", params(ExportQuery),
    responses((status = 200, content_type = "application/xml", description = "the exchange file"),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn accounting_export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response> {
    user.require_manager()?;
    month_of(&q.month)?;
    let company = state.store.company_settings().await?;
    let docs = state
        .store
        .list_documents(None, Some(&q.month), None, 100_000)
        .await?;
    let created = Utc::now()
        .with_timezone(&state.cfg.tz)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let xml = documents::exchange::message(&company, &docs, &created);
    Ok(attachment(
        "application/xml; charset=utf-8",
        &format!("enterprisedata_{}.xml", q.month),
        xml,
    ))
}
