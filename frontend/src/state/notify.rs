//! Client notifications' forms (issue 23, part 3): the managers' settings
//! as typed (`SettingsDraft`: the SMS key write-only, times checked before
//! sending) and a client's consent as the card's controls change it.

use rodnik_shared::api::{
    ClientNotify, Consent, NotifySettings, SetClientNotify, SmsProvider, SmsSettings,
};

use crate::i18n::notify::texts;
use crate::i18n::Lang;

/// A field the error is about (`evening_at`, `sms.key`) and what to say there.
pub type FieldError = (String, String);

/// The settings form as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsDraft {
    pub enabled: bool,
    /// `None`: no SMS.
    pub provider: Option<SmsProvider>,
    pub url: String,
    pub login: String,
    /// A new key as typed; empty keeps the stored one.
    pub key: String,
    /// The server holds a key.
    pub key_set: bool,
    pub sender: String,
    pub email: bool,
    pub evening: bool,
    pub evening_at: String,
    pub on_the_way: bool,
    pub quiet_from: String,
    pub quiet_to: String,
    pub default_on: bool,
    pub link_base: String,
    pub signature: String,
}

/// The gateway's own address, shown where the URL is left empty.
pub fn default_url(p: SmsProvider) -> &'static str {
    match p {
        SmsProvider::SmsRu => "https://sms.ru",
        SmsProvider::Smsc => "https://smsc.ru",
    }
}

pub fn provider_code(p: Option<SmsProvider>) -> &'static str {
    match p {
        None => "",
        Some(SmsProvider::SmsRu) => "sms_ru",
        Some(SmsProvider::Smsc) => "smsc",
    }
}

pub fn provider_of(code: &str) -> Option<SmsProvider> {
    match code {
        "sms_ru" => Some(SmsProvider::SmsRu),
        "smsc" => Some(SmsProvider::Smsc),
        _ => None,
    }
}

/// `HH:MM` with an hour 00-23 and minutes 00-59 (`9:30` is taken too).
pub fn valid_hhmm(s: &str) -> bool {
    let Some((h, m)) = s.trim().split_once(':') else {
        return false;
    };
    let digits =
        |p: &str, n: usize| (1..=n).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    digits(h, 2)
        && m.len() == 2
        && digits(m, 2)
        && h.parse::<u32>().is_ok_and(|h| h < 24)
        && m.parse::<u32>().is_ok_and(|m| m < 60)
}

/// `9:30` as `09:30`; anything else as typed (the check says what is wrong).
fn hhmm(s: &str) -> String {
    let s = s.trim();
    match s.split_once(':') {
        Some((h, m)) if valid_hhmm(s) && h.len() == 1 => format!("0{h}:{m}"),
        _ => s.to_string(),
    }
}

impl SettingsDraft {
    pub fn of(s: &NotifySettings) -> SettingsDraft {
        let sms = s.sms.clone().unwrap_or_default();
        SettingsDraft {
            enabled: s.enabled,
            provider: s.sms.as_ref().map(|x| x.provider),
            url: sms.url,
            login: sms.login,
            key: String::new(),
            key_set: sms.key_set,
            sender: sms.sender,
            email: s.email,
            evening: s.evening,
            evening_at: s.evening_at.clone(),
            on_the_way: s.on_the_way,
            quiet_from: s.quiet_from.clone(),
            quiet_to: s.quiet_to.clone(),
            default_on: s.default_on,
            link_base: s.link_base.clone(),
            signature: s.signature.clone(),
        }
    }

    /// What `PUT /api/settings/notifications` gets, or the first field
    /// that cannot be sent as typed.
    pub fn to_settings(&self, lang: Lang) -> Result<NotifySettings, FieldError> {
        for (field, value) in [
            ("evening_at", &self.evening_at),
            ("quiet_from", &self.quiet_from),
            ("quiet_to", &self.quiet_to),
        ] {
            if !valid_hhmm(value) {
                return Err((field.to_string(), texts(lang).bad_time.to_string()));
            }
        }
        let key = self.key.trim();
        let sms = self.provider.map(|provider| SmsSettings {
            provider,
            url: self.url.trim().to_string(),
            // SMS.ru has no login: none is kept for it.
            login: match provider {
                SmsProvider::Smsc => self.login.trim().to_string(),
                SmsProvider::SmsRu => String::new(),
            },
            key: (!key.is_empty()).then(|| key.to_string()),
            key_set: self.key_set,
            sender: self.sender.trim().to_string(),
        });
        Ok(NotifySettings {
            enabled: self.enabled,
            sms,
            email: self.email,
            evening: self.evening,
            evening_at: hhmm(&self.evening_at),
            on_the_way: self.on_the_way,
            quiet_from: hhmm(&self.quiet_from),
            quiet_to: hhmm(&self.quiet_to),
            default_on: self.default_on,
            link_base: self.link_base.trim().to_string(),
            signature: self.signature.trim().to_string(),
        })
    }
}

pub fn consent_code(c: Consent) -> &'static str {
    match c {
        Consent::Default => "default",
        Consent::Yes => "yes",
        Consent::No => "no",
    }
}

pub fn consent_of(code: &str) -> Consent {
    match code {
        "yes" => Consent::Yes,
        "no" => Consent::No,
        _ => Consent::Default,
    }
}

/// One of the card's controls changed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientChange {
    Sms(Consent),
    Email(Consent),
    /// `""`: the first mobile.
    Phone(String),
    /// `""`: the e-mail in the requisites.
    EmailAddress(String),
}

/// The client's choices with one change, as `PUT /api/clients/{id}/notify`
/// takes them.
pub fn with_change(now: &ClientNotify, change: ClientChange) -> SetClientNotify {
    let mut s = SetClientNotify {
        sms: now.sms,
        email: now.email,
        phone: now.phone.clone(),
        email_address: now.email_address.clone(),
    };
    let text = |v: String| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    match change {
        ClientChange::Sms(c) => s.sms = c,
        ClientChange::Email(c) => s.email = c,
        ClientChange::Phone(p) => s.phone = text(p),
        ClientChange::EmailAddress(e) => s.email_address = text(e),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_hours_and_minutes() {
        for ok in ["18:00", "00:00", "23:59", "9:30"] {
            assert!(valid_hhmm(ok), "{ok}");
        }
        for bad in [
            "24:00", "18:60", "18", "18:0", "", "aa:bb", "18:00:00", "123:00",
        ] {
            assert!(!valid_hhmm(bad), "{bad}");
        }
        assert_eq!(hhmm(" 9:30 "), "09:30");
    }

    #[test]
    fn the_key_is_sent_only_when_typed_and_the_login_only_for_smsc() {
        let mut s = NotifySettings {
            enabled: true,
            sms: Some(SmsSettings {
                provider: SmsProvider::SmsRu,
                url: String::new(),
                login: "old".into(),
                key: None,
                key_set: true,
                sender: "Rodnik".into(),
            }),
            ..NotifySettings::default()
        };
        let d = SettingsDraft::of(&s);
        assert!(d.key_set && d.key.is_empty());
        let put = d.to_settings(Lang::Ru).expect("valid");
        let sms = put.sms.expect("sms");
        assert_eq!((sms.key, sms.login.as_str()), (None, ""));
        assert_eq!(put.evening_at, "18:00");

        let mut d = SettingsDraft::of(&s);
        d.provider = Some(SmsProvider::Smsc);
        d.login = " shop ".into();
        d.key = " secret ".into();
        let sms = d.to_settings(Lang::En).expect("valid").sms.expect("sms");
        assert_eq!(sms.key.as_deref(), Some("secret"));
        assert_eq!(sms.login, "shop");

        s.sms = None;
        let mut d = SettingsDraft::of(&s);
        assert_eq!(d.provider, None);
        assert_eq!(d.to_settings(Lang::En).expect("valid").sms, None);
        d.quiet_to = "25:00".into();
        let e = d.to_settings(Lang::Ru).expect_err("bad time");
        assert_eq!(
            e,
            ("quiet_to".to_string(), "Время в виде ЧЧ:ММ".to_string())
        );
    }

    #[test]
    fn a_card_change_keeps_the_other_choices() {
        let now = ClientNotify {
            client_id: "c1".into(),
            sms: Consent::Yes,
            email: Consent::Default,
            phone: Some("+79161234567".into()),
            email_address: None,
            ..ClientNotify::default()
        };
        let s = with_change(&now, ClientChange::Email(Consent::No));
        assert_eq!((s.sms, s.email), (Consent::Yes, Consent::No));
        assert_eq!(s.phone.as_deref(), Some("+79161234567"));
        let s = with_change(&now, ClientChange::Phone(String::new()));
        assert_eq!(s.phone, None);
        let s = with_change(&now, ClientChange::EmailAddress(" a@b.ru ".into()));
        assert_eq!(s.email_address.as_deref(), Some("a@b.ru"));
        assert_eq!(consent_of(consent_code(Consent::No)), Consent::No);
        assert_eq!(
            provider_of(provider_code(Some(SmsProvider::Smsc))),
            Some(SmsProvider::Smsc)
        );
        assert_eq!(provider_of(""), None);
    }
}
