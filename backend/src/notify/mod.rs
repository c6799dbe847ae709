//! Client notifications (issue 23, part 3): the evening-before window and
//! "on the way, ETA" messages, sent through one `Channel` trait by SMS
//! (`sms`: SMS.ru or SMSC) or e-mail (`email`: the company's SMTP), from an
//! outbox the worker drains (`worker`); the short link's page where the
//! client confirms, moves or cancels is `http::notify`. docs/notifications.md
//! describes the whole.

pub mod email;
pub mod sms;
pub mod worker;

use async_trait::async_trait;

/// What a gateway said when it took a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sent {
    /// The gateway's id of the message, when it gave one.
    pub provider_id: Option<String>,
}

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// May pass: no answer, a server error, the gateway busy, our settings
    /// (a wrong key, no money on the account). The message is tried again later.
    Retry(String),
    /// This message will never go: a wrong or landline number, a number in
    /// the gateway's stop list, a text the gateway refuses.
    Refused(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Retry(s) | SendError::Refused(s) => f.write_str(s),
        }
    }
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// A mobile number in E.164 (`+79161234567`) or an e-mail address.
    pub to: String,
    /// The e-mail's subject (SMS have none).
    pub subject: String,
    pub text: String,
    /// Our id of the message (a gateway that takes one keeps resends apart).
    pub id: String,
}

/// A way of reaching a client.
#[async_trait]
pub trait Channel: Send + Sync {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError>;
}
