//! E-mailing documents: each client's issued documents as PDF attachments
//! to the e-mail in their requisites, through the company's SMTP server
//! (plain for a local relay, STARTTLS or TLS, with a login when set). The
//! password is never logged or answered.

use std::time::Duration;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rodnik_shared::api::{Document, SmtpSettings};

use crate::error::{Error, Result};
use crate::store::Store;

/// Why a plain letter did not go.
#[derive(Debug)]
pub enum SendTextError {
    /// The letter could not be made (an address or header lettre refuses).
    Build(String),
    /// The mail server refused it or did not answer.
    Smtp(lettre::transport::smtp::Error),
}

/// A configured mail transport and its sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The company's SMTP settings as a transport (checked, not yet connected).
    pub fn new(s: &SmtpSettings) -> Result<Mailer> {
        if s.host.trim().is_empty() {
            return Err(Error::invalid(
                "smtp.host",
                "set the mail server in the company settings",
            ));
        }
        let from: Mailbox = s.from.parse().map_err(|_| {
            Error::invalid(
                "smtp.from",
                "must be an address like Родник <billing@rodnik.ru>",
            )
        })?;
        let builder = match s.security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
            "none" | "" => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                s.host.clone(),
            )),
            _ => {
                return Err(Error::invalid(
                    "smtp.security",
                    "must be none, starttls or tls",
                ))
            }
        }
        .map_err(|e| Error::invalid("smtp.host", format!("{e}")))?;
        let mut builder = builder.timeout(Some(Duration::from_secs(20)));
        if s.port != 0 {
            builder = builder.port(s.port);
        }
        if !s.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                s.username.clone(),
                s.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends a plain letter (a client notification, `notify::email`).
    pub async fn send_text(
        &self,
        to: Mailbox,
        subject: &str,
        text: &str,
    ) -> std::result::Result<(), SendTextError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .singlepart(SinglePart::plain(text.to_string()))
            .map_err(|e| SendTextError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(SendTextError::Smtp)
    }

    /// Sends `docs` (one client's) as PDFs to `to`, with a short letter.
    pub async fn send(&self, to: &str, company: &str, docs: &[Document]) -> Result<()> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| Error::invalid("requisites.email", "is not an e-mail address"))?;
        let list: Vec<String> = docs
            .iter()
            .map(|d| {
                format!(
                    "{} № {} от {}",
                    d.kind.title_ru(),
                    d.number,
                    super::date_short(&d.date)
                )
            })
            .collect();
        let subject = match docs.first().and_then(|d| d.month.as_deref()) {
            Some(m) => {
                let (y, mo) = m.split_once('-').unwrap_or((m, "1"));
                format!(
                    "Документы за {} — {company}",
                    super::month_name(y.parse().unwrap_or(2000), mo.parse().unwrap_or(1))
                )
            }
            None => format!("Документы — {company}"),
        };
        let text = format!(
            "Здравствуйте!\n\nНаправляем документы:\n{}\n\nС уважением,\n{company}\n",
            list.iter()
                .map(|l| format!("— {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let mut body = MultiPart::mixed().singlepart(SinglePart::plain(text));
        for d in docs {
            let pdf = super::pdf::render(d)?;
            let name = format!(
                "{}_{}.pdf",
                d.kind.as_str(),
                d.number.replace(['/', '\\', ' '], "-")
            );
            let kind = ContentType::parse("application/pdf")
                .map_err(|e| Error::Internal(e.to_string()))?;
            body = body.singlepart(Attachment::new(name).body(pdf, kind));
        }
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(body)
            .map_err(|e| Error::Internal(format!("the letter did not build: {e}")))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| Error::Upstream(format!("the mail server refused: {e}")))?;
        Ok(())
    }
}

/// Sends one client's `docs` to the e-mail in their requisites and marks
/// them sent (or why not). `Ok(false)`: the client has no e-mail.
pub async fn send_documents(store: &Store, mailer: &Mailer, docs: &[Document]) -> Result<bool> {
    let Some(first) = docs.first() else {
        return Ok(true);
    };
    let client = store.require_client(&first.client_id).await?;
    let Some(to) = client
        .requisites
        .as_ref()
        .map(|r| r.email.clone())
        .filter(|e| !e.is_empty())
    else {
        return Ok(false);
    };
    let company = store.company_settings().await?;
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    match mailer.send(&to, &company.name, docs).await {
        Ok(()) => {
            for d in docs {
                store.mark_sent(&d.id, &to, &at, None).await?;
            }
            Ok(true)
        }
        Err(e) => {
            let why = e.to_string();
            for d in docs {
                store.mark_sent(&d.id, &to, &at, Some(&why)).await?;
            }
            Err(e)
        }
    }
}
