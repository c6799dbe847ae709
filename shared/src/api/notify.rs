//! Client notifications (issue 23, part 3): the delivery window the
//! evening before and "on the way, ETA hh:mm" when the courier heads to the
//! client, by SMS (SMS.ru or SMSC) or e-mail (the company's SMTP), each
//! with a short link to a small page where the client confirms, moves or
//! cancels the delivery. Per-client consent, quiet hours, and a log of what
//! was sent and what clients answered.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The SMS gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmsProvider {
    /// SMS.ru: `{url}/sms/send?api_id=..&json=1`.
    #[default]
    SmsRu,
    /// SMSC.ru: `{url}/sys/send.php?login=..&psw=..&fmt=3`.
    Smsc,
}

/// How to send SMS. The key is write-only: answers carry `key_set`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct SmsSettings {
    pub provider: SmsProvider,
    /// The gateway's address: `https://sms.ru` or `https://smsc.ru` ("" =
    /// the provider's own).
    pub url: String,
    /// SMSC's login; unused by SMS.ru (its key is the `api_id`).
    pub login: String,
    /// SMS.ru's `api_id`, or SMSC's password or API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub key_set: bool,
    /// The sender's name as the gateway approved it ("" = the gateway's default).
    pub sender: String,
}

/// The company's notification rules (`GET/PUT /api/settings/notifications`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct NotifySettings {
    /// Messages are sent at all.
    pub enabled: bool,
    /// The SMS gateway; none: no SMS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsSettings>,
    /// E-mail through the company's SMTP settings (`/api/settings/company`).
    pub email: bool,
    /// The evening-before message with the delivery window.
    pub evening: bool,
    /// "HH:MM": when the evening-before messages go out.
    pub evening_at: String,
    /// The "on the way, ETA hh:mm" message when the courier's previous stop closes.
    pub on_the_way: bool,
    /// "HH:MM": no message is sent from `quiet_from` to `quiet_to` (over
    /// midnight when `quiet_from` is later); equal: no quiet hours.
    pub quiet_from: String,
    pub quiet_to: String,
    /// Clients who never said yes or no get messages (`true`), or only
    /// those who said yes (`false`).
    pub default_on: bool,
    /// The address clients open short links at (`https://rodnik.example.ru`).
    pub link_base: String,
    /// How messages are signed ("" = the company's name).
    pub signature: String,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            enabled: false,
            sms: None,
            email: false,
            evening: true,
            evening_at: "18:00".into(),
            on_the_way: true,
            quiet_from: "21:00".into(),
            quiet_to: "09:00".into(),
            default_on: false,
            link_base: String::new(),
            signature: String::new(),
        }
    }
}

/// A client's yes or no to one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Never asked: the company's `default_on` decides.
    #[default]
    Default,
    Yes,
    No,
}

/// A client's notification choices (`PUT /api/clients/{id}/notify`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct SetClientNotify {
    pub sms: Consent,
    pub email: Consent,
    /// The phone SMS go to, one of the client's (none: the first mobile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The e-mail messages go to (none: the e-mail in the requisites).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

/// A client's notification choices and where messages would go now
/// (`GET /api/clients/{id}/notify`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct ClientNotify {
    pub client_id: String,
    pub sms: Consent,
    pub email: Consent,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// Where an SMS would go now (a mobile number, E.164), when it would be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_to: Option<String>,
    /// Where an e-mail would go now, when it would be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_to: Option<String>,
    /// RFC 3339: when the choice was last changed, and by whom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotifyKind {
    /// The delivery window, the evening before.
    Evening,
    /// "On the way, ETA hh:mm".
    OnTheWay,
    /// A manager's test of the settings.
    Test,
    /// The client's answer through the short link (confirm, move, cancel).
    Reply,
}

impl NotifyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyKind::Evening => "evening",
            NotifyKind::OnTheWay => "on_the_way",
            NotifyKind::Test => "test",
            NotifyKind::Reply => "reply",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotifyChannel {
    Sms,
    Email,
    /// The client's page of the short link (replies).
    Link,
}

impl NotifyChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyChannel::Sms => "sms",
            NotifyChannel::Email => "email",
            NotifyChannel::Link => "link",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotifyStatus {
    /// Waiting to be sent (quiet hours, or a try that failed for now).
    Pending,
    /// The gateway took it.
    Sent,
    /// The gateway refused it for good (a wrong number, no money, ...).
    Failed,
    /// Not sent: too late to matter (the window passed, the order changed).
    Skipped,
    /// A client's answer, recorded.
    Received,
}

impl NotifyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyStatus::Pending => "pending",
            NotifyStatus::Sent => "sent",
            NotifyStatus::Failed => "failed",
            NotifyStatus::Skipped => "skipped",
            NotifyStatus::Received => "received",
        }
    }
}

/// One message of the send log (`GET /api/notifications`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notification {
    pub id: String,
    pub kind: NotifyKind,
    pub channel: NotifyChannel,
    pub status: NotifyStatus,
    pub client_id: String,
    pub client_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<i64>,
    /// YYYY-MM-DD: the delivery's day (a test's: the day it was sent).
    pub date: String,
    /// The phone or e-mail it went to ("" for a reply).
    pub to: String,
    /// The text as sent, the link's secret part hidden once it is sent.
    pub text: String,
    pub attempts: i64,
    /// RFC 3339.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// RFC 3339: the next try of a pending one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<String>,
    /// Why it failed, waits or was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The gateway's id of the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
}

/// `POST /api/notifications/test`: a test message to a phone or an e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TestNotification {
    pub channel: NotifyChannel,
    /// A phone (SMS) or an e-mail address.
    pub to: String,
}

/// `POST /api/notifications/run`: what one pass of the evening scan queued.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotifyRun {
    /// Messages queued now.
    pub queued: usize,
    /// Orders whose clients get no message (no consent, no contact).
    pub without: usize,
}

/// The client's answer on the short link's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkAction {
    Confirm,
    Move,
    Cancel,
}
