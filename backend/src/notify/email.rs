//! The e-mail channel: a plain letter through the company's SMTP settings
//! (`documents::mail::Mailer`, the one documents go through).

use async_trait::async_trait;
use lettre::message::Mailbox;
use rodnik_shared::api::SmtpSettings;

use super::{Channel, Outgoing, SendError, Sent};
use crate::documents::mail::{Mailer, SendTextError};
use crate::error::Result;

pub struct Email {
    mailer: Mailer,
}

impl Email {
    /// The company's SMTP settings as a channel (checked, not yet connected).
    pub fn new(s: &SmtpSettings) -> Result<Email> {
        Ok(Email {
            mailer: Mailer::new(s)?,
        })
    }
}

#[async_trait]
impl Channel for Email {
    async fn send(&self, m: &Outgoing) -> std::result::Result<Sent, SendError> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|_| SendError::Refused(format!("'{}' is not an e-mail address", m.to)))?;
        match self.mailer.send_text(to, &m.subject, &m.text).await {
            Ok(()) => Ok(Sent::default()),
            Err(SendTextError::Build(e)) => Err(SendError::Refused(format!(
                "the letter could not be made: {e}"
            ))),
            // A 5xx answer refuses this letter for good (no such mailbox);
            // anything else (no connection, 4xx, a timeout) may pass.
            Err(SendTextError::Smtp(e)) if e.is_permanent() => Err(SendError::Refused(format!(
                "the mail server refused the letter: {e}"
            ))),
            Err(SendTextError::Smtp(e)) => Err(SendError::Retry(format!(
                "the mail server did not take the letter: {e}"
            ))),
        }
    }
}
