//! Month-end documents (issue 20, item 2) on the manager's screen and in the
//! administration: which month to close by default, how far a closing has
//! gone, what a refusal to close means, the company's requisites as typed
//! (read into `CompanySettings`, the SMTP and cash register passwords sent
//! only when typed; the SBP link and the cash register of issue 20, item 5),
//! and the server's field messages in the UI's language.

use chrono::{Datelike, Months, NaiveDate};
use rodnik_shared::api::{
    CompanySettings, DocJob, FiscalSettings, GeocoderProvider, GeocoderSettings, JobState,
    SbpSettings, SmtpSettings, Sno, TransferDoc,
};

use crate::api::ApiError;
use crate::i18n::documents::{company_field, texts};
use crate::i18n::Lang;

/// `(field, message)`, the field named as the API names it (`smtp.port`).
pub type FieldError = (String, String);

/// The month before `today`'s, `YYYY-MM`: the one to close at the start of a month.
pub fn previous_month(today: NaiveDate) -> String {
    let first = today.with_day(1).unwrap_or(today);
    let prev = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    format!("{:04}-{:02}", prev.year(), prev.month())
}

/// An act of reconciliation's default period: from the first of January of
/// the year the last month belongs to, to today (a January act covers the
/// whole last year too).
pub fn reconciliation_period(today: NaiveDate) -> (String, String) {
    let first = today.with_day(1).unwrap_or(today);
    let prev = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    let from = NaiveDate::from_ymd_opt(prev.year(), 1, 1).unwrap_or(prev);
    (from.to_string(), today.to_string())
}

/// How much of a closing is done, 0 to 100 (a finished one is 100).
pub fn percent(job: &DocJob) -> u32 {
    if job.state != JobState::Running {
        return 100;
    }
    if job.clients <= 0 {
        return 0;
    }
    ((job.done.clamp(0, job.clients) * 100) / job.clients) as u32
}

/// "Клиенты: 12 из 40".
pub fn clients_line(lang: Lang, job: &DocJob) -> String {
    texts(lang)
        .clients_of
        .replace("{done}", &job.done.to_string())
        .replace("{all}", &job.clients.to_string())
}

/// Why a month could not be closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseRefusal {
    /// The company's requisites are missing: their labels.
    Company(Vec<String>),
    MonthNotEnded,
    AlreadyRunning,
    NoMailServer,
    Other(String),
}

impl CloseRefusal {
    pub fn of(e: &ApiError, lang: Lang) -> CloseRefusal {
        match (e.code(), e.field()) {
            (_, Some("company")) => CloseRefusal::Company(missing_requisites(lang, &e.message())),
            (_, Some("month")) => CloseRefusal::MonthNotEnded,
            (Some("job_running"), _) => CloseRefusal::AlreadyRunning,
            (_, Some("send" | "smtp.host" | "smtp.from" | "smtp.security")) => {
                CloseRefusal::NoMailServer
            }
            _ => CloseRefusal::Other(match e {
                ApiError::Network(_) => lang.t().network_error.to_string(),
                _ => e.message(),
            }),
        }
    }

    /// A short code for the page (`data-code`).
    pub fn code(&self) -> &'static str {
        match self {
            CloseRefusal::Company(_) => "company",
            CloseRefusal::MonthNotEnded => "month",
            CloseRefusal::AlreadyRunning => "job_running",
            CloseRefusal::NoMailServer => "send",
            CloseRefusal::Other(_) => "other",
        }
    }
}

/// The labels of the requisites "fill in the company's requisites first:
/// name, inn, bik" names (the server's field names, unknown ones as they are).
pub fn missing_requisites(lang: Lang, message: &str) -> Vec<String> {
    let list = message.rsplit_once(':').map(|(_, l)| l).unwrap_or_default();
    list.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| company_field(lang, f).map_or_else(|| f.to_string(), str::to_string))
        .collect()
}

/// The server's message about a field, without the field's name, in the
/// UI's language where it is one of the documents' checks.
pub fn localize(lang: Lang, field: &str, message: &str) -> String {
    let t = texts(lang);
    let bare = message
        .strip_prefix(field)
        .and_then(|m| m.strip_prefix(": "))
        .filter(|_| !field.is_empty())
        .unwrap_or(message);
    // "is required for receipts" (the cash register's fields) too.
    if bare == "is required" || bare.starts_with("is required ") {
        return lang.t().required.to_string();
    }
    let ru = lang == Lang::Ru;
    if let Some(schemes) = bare.strip_prefix("must be a link starting with ") {
        return if ru {
            format!("Ссылка, начинается с {}.", schemes.replace(" or ", " или "))
        } else {
            format!("A link starting with {schemes}.")
        };
    }
    if bare.starts_with("must be at most ") && bare.ends_with(" characters") {
        return t.too_long.to_string();
    }
    if bare == "must not contain / or ?" && ru {
        return "Без знаков / и ?.".to_string();
    }
    if let Some(n) = bare
        .strip_prefix("must be ")
        .and_then(|r| r.strip_suffix(" digits"))
        .filter(|n| {
            n.chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c.is_alphabetic())
        })
    {
        let n = n.replace(" or ", &format!(" {} ", t.or));
        let s = t.digits.replace("{n}", &n);
        let mut chars = s.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        return format!("{}{}.", first.unwrap_or_default(), chars.as_str());
    }
    if bare.contains("e-mail") || bare.starts_with("must be an address") {
        return match lang {
            Lang::Ru if field == "smtp.from" => {
                "Адрес вида: Родник <billing@rodnik.ru>.".to_string()
            }
            _ if field == "smtp.from" => bare.to_string(),
            _ => t.not_email.to_string(),
        };
    }
    if bare == "must not contain spaces" {
        return crate::i18n::geo::texts(lang).no_spaces.to_string();
    }
    if bare == "is too long" {
        return t.too_long.to_string();
    }
    bare.to_string()
}

/// A failed request as the message at its field ("" for the form).
pub fn field_error(lang: Lang, e: &ApiError) -> FieldError {
    let field = e.field().unwrap_or_default().to_string();
    let message = match e {
        ApiError::Network(_) => lang.t().network_error.to_string(),
        _ => localize(lang, &field, &e.message()),
    };
    (field, message)
}

/// A text input of the company's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyField {
    Name,
    Inn,
    Kpp,
    Ogrn,
    Address,
    Phone,
    Email,
    BankName,
    Bik,
    Account,
    CorrAccount,
    Director,
    Accountant,
    InvoicePrefix,
    TransferPrefix,
    SmtpHost,
    SmtpPort,
    SmtpUsername,
    SmtpPassword,
    SmtpFrom,
    SbpLink,
    FiscalUrl,
    FiscalLogin,
    FiscalPassword,
    FiscalGroupCode,
    FiscalPaymentAddress,
    FiscalEmail,
    GeoUrl,
    GeoKey,
    GeoSecret,
    GeoCity,
}

/// The cash register's API address offered when none is stored.
pub const ATOL_URL: &str = "https://online.atol.ru/possystem/v5";

impl CompanyField {
    /// The API's name for it (errors name it so).
    pub fn key(self) -> &'static str {
        match self {
            CompanyField::Name => "name",
            CompanyField::Inn => "inn",
            CompanyField::Kpp => "kpp",
            CompanyField::Ogrn => "ogrn",
            CompanyField::Address => "address",
            CompanyField::Phone => "phone",
            CompanyField::Email => "email",
            CompanyField::BankName => "bank_name",
            CompanyField::Bik => "bik",
            CompanyField::Account => "account",
            CompanyField::CorrAccount => "corr_account",
            CompanyField::Director => "director",
            CompanyField::Accountant => "accountant",
            CompanyField::InvoicePrefix => "invoice_prefix",
            CompanyField::TransferPrefix => "transfer_prefix",
            CompanyField::SmtpHost => "smtp.host",
            CompanyField::SmtpPort => "smtp.port",
            CompanyField::SmtpUsername => "smtp.username",
            CompanyField::SmtpPassword => "smtp.password",
            CompanyField::SmtpFrom => "smtp.from",
            CompanyField::SbpLink => "sbp.link",
            CompanyField::FiscalUrl => "fiscal.url",
            CompanyField::FiscalLogin => "fiscal.login",
            CompanyField::FiscalPassword => "fiscal.password",
            CompanyField::FiscalGroupCode => "fiscal.group_code",
            CompanyField::FiscalPaymentAddress => "fiscal.payment_address",
            CompanyField::FiscalEmail => "fiscal.email",
            CompanyField::GeoUrl => "geocoder.url",
            CompanyField::GeoKey => "geocoder.key",
            CompanyField::GeoSecret => "geocoder.secret",
            CompanyField::GeoCity => "geocoder.city",
        }
    }

    /// The input's id: `company-bank-name`, `company-smtp-host`.
    pub fn dom_id(self) -> String {
        format!("company-{}", self.key().replace(['_', '.'], "-"))
    }
}

/// The company's settings as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompanyDraft {
    pub name: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub corr_account: String,
    pub director: String,
    pub accountant: String,
    /// "" for без НДС, else the percent.
    pub vat: String,
    pub transfer_doc: TransferDoc,
    pub invoice_prefix: String,
    pub transfer_prefix: String,
    pub yearly_numbers: bool,
    pub smtp_host: String,
    /// "" for the default port.
    pub smtp_port: String,
    /// `none`, `starttls` or `tls`.
    pub smtp_security: String,
    pub smtp_username: String,
    /// Typed only to change it; the stored one is never shown.
    pub smtp_password: String,
    pub smtp_from: String,
    /// The server holds a password.
    pub password_set: bool,
    /// The company's SBP link ("" for none) and whether it takes the amount.
    pub sbp_link: String,
    pub sbp_takes_sum: bool,
    /// The cloud cash register (ATOL Online).
    pub fiscal_enabled: bool,
    pub fiscal_url: String,
    pub fiscal_login: String,
    /// Typed only to change it, as the SMTP password.
    pub fiscal_password: String,
    pub fiscal_password_set: bool,
    pub fiscal_group_code: String,
    pub fiscal_sno: Sno,
    pub fiscal_payment_address: String,
    pub fiscal_email: String,
    /// The geocoder (issue 21); its keys typed only to change them.
    pub geo_enabled: bool,
    pub geo_provider: GeocoderProvider,
    pub geo_url: String,
    pub geo_key: String,
    pub geo_key_set: bool,
    pub geo_secret: String,
    pub geo_secret_set: bool,
    pub geo_city: String,
}

/// The VAT rates offered (`None`: без НДС).
pub const VAT_RATES: [u32; 6] = [0, 5, 7, 10, 20, 22];

impl CompanyDraft {
    pub fn of(c: &CompanySettings) -> CompanyDraft {
        let smtp = c.smtp.clone().unwrap_or_default();
        let fiscal = c.fiscal.clone().unwrap_or_default();
        let geo = c.geocoder.clone().unwrap_or_default();
        CompanyDraft {
            name: c.name.clone(),
            inn: c.inn.clone(),
            kpp: c.kpp.clone(),
            ogrn: c.ogrn.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            bank_name: c.bank_name.clone(),
            bik: c.bik.clone(),
            account: c.account.clone(),
            corr_account: c.corr_account.clone(),
            director: c.director.clone(),
            accountant: c.accountant.clone(),
            vat: c.vat_rate.map(|r| r.to_string()).unwrap_or_default(),
            transfer_doc: c.transfer_doc,
            invoice_prefix: c.invoice_prefix.clone(),
            transfer_prefix: c.transfer_prefix.clone(),
            yearly_numbers: c.yearly_numbers,
            smtp_host: smtp.host,
            smtp_port: match smtp.port {
                0 => String::new(),
                p => p.to_string(),
            },
            smtp_security: if smtp.security.is_empty() {
                "starttls".to_string()
            } else {
                smtp.security
            },
            smtp_username: smtp.username,
            smtp_password: String::new(),
            smtp_from: smtp.from,
            password_set: smtp.password_set,
            sbp_link: c.sbp.link.clone(),
            sbp_takes_sum: c.sbp.link_takes_sum,
            fiscal_enabled: fiscal.enabled,
            fiscal_url: if fiscal.url.is_empty() {
                ATOL_URL.to_string()
            } else {
                fiscal.url
            },
            fiscal_login: fiscal.login,
            fiscal_password: String::new(),
            fiscal_password_set: fiscal.password_set,
            fiscal_group_code: fiscal.group_code,
            fiscal_sno: fiscal.sno,
            fiscal_payment_address: fiscal.payment_address,
            fiscal_email: fiscal.email,
            geo_enabled: geo.enabled,
            geo_provider: geo.provider,
            geo_url: geo.url,
            geo_key: String::new(),
            geo_key_set: geo.key_set,
            geo_secret: String::new(),
            geo_secret_set: geo.secret_set,
            geo_city: geo.city,
        }
    }

    pub fn get(&self, f: CompanyField) -> &str {
        match f {
            CompanyField::Name => &self.name,
            CompanyField::Inn => &self.inn,
            CompanyField::Kpp => &self.kpp,
            CompanyField::Ogrn => &self.ogrn,
            CompanyField::Address => &self.address,
            CompanyField::Phone => &self.phone,
            CompanyField::Email => &self.email,
            CompanyField::BankName => &self.bank_name,
            CompanyField::Bik => &self.bik,
            CompanyField::Account => &self.account,
            CompanyField::CorrAccount => &self.corr_account,
            CompanyField::Director => &self.director,
            CompanyField::Accountant => &self.accountant,
            CompanyField::InvoicePrefix => &self.invoice_prefix,
            CompanyField::TransferPrefix => &self.transfer_prefix,
            CompanyField::SmtpHost => &self.smtp_host,
            CompanyField::SmtpPort => &self.smtp_port,
            CompanyField::SmtpUsername => &self.smtp_username,
            CompanyField::SmtpPassword => &self.smtp_password,
            CompanyField::SmtpFrom => &self.smtp_from,
            CompanyField::SbpLink => &self.sbp_link,
            CompanyField::FiscalUrl => &self.fiscal_url,
            CompanyField::FiscalLogin => &self.fiscal_login,
            CompanyField::FiscalPassword => &self.fiscal_password,
            CompanyField::FiscalGroupCode => &self.fiscal_group_code,
            CompanyField::FiscalPaymentAddress => &self.fiscal_payment_address,
            CompanyField::FiscalEmail => &self.fiscal_email,
            CompanyField::GeoUrl => &self.geo_url,
            CompanyField::GeoKey => &self.geo_key,
            CompanyField::GeoSecret => &self.geo_secret,
            CompanyField::GeoCity => &self.geo_city,
        }
    }

    pub fn set(&mut self, f: CompanyField, v: String) {
        let slot = match f {
            CompanyField::Name => &mut self.name,
            CompanyField::Inn => &mut self.inn,
            CompanyField::Kpp => &mut self.kpp,
            CompanyField::Ogrn => &mut self.ogrn,
            CompanyField::Address => &mut self.address,
            CompanyField::Phone => &mut self.phone,
            CompanyField::Email => &mut self.email,
            CompanyField::BankName => &mut self.bank_name,
            CompanyField::Bik => &mut self.bik,
            CompanyField::Account => &mut self.account,
            CompanyField::CorrAccount => &mut self.corr_account,
            CompanyField::Director => &mut self.director,
            CompanyField::Accountant => &mut self.accountant,
            CompanyField::InvoicePrefix => &mut self.invoice_prefix,
            CompanyField::TransferPrefix => &mut self.transfer_prefix,
            CompanyField::SmtpHost => &mut self.smtp_host,
            CompanyField::SmtpPort => &mut self.smtp_port,
            CompanyField::SmtpUsername => &mut self.smtp_username,
            CompanyField::SmtpPassword => &mut self.smtp_password,
            CompanyField::SmtpFrom => &mut self.smtp_from,
            CompanyField::SbpLink => &mut self.sbp_link,
            CompanyField::FiscalUrl => &mut self.fiscal_url,
            CompanyField::FiscalLogin => &mut self.fiscal_login,
            CompanyField::FiscalPassword => &mut self.fiscal_password,
            CompanyField::FiscalGroupCode => &mut self.fiscal_group_code,
            CompanyField::FiscalPaymentAddress => &mut self.fiscal_payment_address,
            CompanyField::FiscalEmail => &mut self.fiscal_email,
            CompanyField::GeoUrl => &mut self.geo_url,
            CompanyField::GeoKey => &mut self.geo_key,
            CompanyField::GeoSecret => &mut self.geo_secret,
            CompanyField::GeoCity => &mut self.geo_city,
        };
        *slot = v;
    }

    /// The `PUT` body. The mail server is left out when none is typed (the
    /// company sends no e-mail), and so is the cash register (off, nothing
    /// typed but the default address, no password stored); a password only
    /// when typed (an absent one keeps the stored password).
    pub fn to_settings(&self, lang: Lang) -> Result<CompanySettings, FieldError> {
        let t = texts(lang);
        let port = match self.smtp_port.trim() {
            "" => 0,
            p => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| ("smtp.port".to_string(), t.c_bad_port.to_string()))?,
        };
        let vat_rate = match self.vat.trim() {
            "" => None,
            v => Some(
                v.parse::<u32>()
                    .map_err(|_| ("vat_rate".to_string(), lang.t().required.to_string()))?,
            ),
        };
        let typed = |s: &str| s.trim().to_string();
        let smtp_typed = [
            &self.smtp_host,
            &self.smtp_port,
            &self.smtp_username,
            &self.smtp_password,
            &self.smtp_from,
        ]
        .iter()
        .any(|s| !s.trim().is_empty());
        let smtp = smtp_typed.then(|| SmtpSettings {
            host: typed(&self.smtp_host),
            port,
            security: self.smtp_security.clone(),
            username: typed(&self.smtp_username),
            password: Some(self.smtp_password.clone()).filter(|p| !p.is_empty()),
            password_set: false,
            from: typed(&self.smtp_from),
        });
        let fiscal_typed = self.fiscal_enabled
            || self.fiscal_password_set
            || !matches!(self.fiscal_url.trim(), "" | ATOL_URL)
            || [
                &self.fiscal_login,
                &self.fiscal_password,
                &self.fiscal_group_code,
                &self.fiscal_payment_address,
                &self.fiscal_email,
            ]
            .iter()
            .any(|s| !s.trim().is_empty())
            || self.fiscal_sno != Sno::default();
        let fiscal = fiscal_typed.then(|| FiscalSettings {
            enabled: self.fiscal_enabled,
            url: typed(&self.fiscal_url),
            login: typed(&self.fiscal_login),
            password: Some(self.fiscal_password.clone()).filter(|p| !p.is_empty()),
            password_set: false,
            group_code: typed(&self.fiscal_group_code),
            sno: self.fiscal_sno,
            payment_address: typed(&self.fiscal_payment_address),
            email: typed(&self.fiscal_email),
        });
        // Left as it came (off, DaData, nothing typed, no key stored): no geocoder.
        let geo_typed = self.geo_enabled
            || self.geo_key_set
            || self.geo_secret_set
            || self.geo_provider != GeocoderProvider::default()
            || [
                &self.geo_url,
                &self.geo_key,
                &self.geo_secret,
                &self.geo_city,
            ]
            .iter()
            .any(|s| !s.trim().is_empty());
        let geocoder = geo_typed.then(|| GeocoderSettings {
            enabled: self.geo_enabled,
            provider: self.geo_provider,
            url: typed(&self.geo_url),
            key: Some(self.geo_key.trim().to_string()).filter(|k| !k.is_empty()),
            key_set: false,
            secret: Some(self.geo_secret.trim().to_string()).filter(|k| !k.is_empty()),
            secret_set: false,
            city: typed(&self.geo_city),
        });
        Ok(CompanySettings {
            name: typed(&self.name),
            inn: typed(&self.inn),
            kpp: typed(&self.kpp),
            ogrn: typed(&self.ogrn),
            address: typed(&self.address),
            phone: typed(&self.phone),
            email: typed(&self.email),
            bank_name: typed(&self.bank_name),
            bik: typed(&self.bik),
            account: typed(&self.account),
            corr_account: typed(&self.corr_account),
            director: typed(&self.director),
            accountant: typed(&self.accountant),
            vat_rate,
            transfer_doc: self.transfer_doc,
            invoice_prefix: typed(&self.invoice_prefix),
            transfer_prefix: typed(&self.transfer_prefix),
            yearly_numbers: self.yearly_numbers,
            smtp,
            sbp: SbpSettings {
                link: typed(&self.sbp_link),
                link_takes_sum: self.sbp_takes_sum,
            },
            fiscal,
            geocoder,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    fn job(state: JobState, clients: i64, done: i64) -> DocJob {
        DocJob {
            id: "j1".into(),
            month: "2026-11".into(),
            state,
            clients,
            done,
            issued: 0,
            corrected: 0,
            unchanged: 0,
            sent: 0,
            errors: vec![],
            started_by: "Маша".into(),
            started_at: "2026-12-01T09:00:00Z".into(),
            finished_at: None,
        }
    }

    #[test]
    fn the_month_to_close_is_the_one_before() {
        assert_eq!(previous_month(day("2026-12-05")), "2026-11");
        assert_eq!(previous_month(day("2026-01-31")), "2025-12");
        assert_eq!(previous_month(day("2026-03-31")), "2026-02");
    }

    #[test]
    fn a_reconciliation_covers_the_year_to_today() {
        assert_eq!(
            reconciliation_period(day("2026-12-05")),
            ("2026-01-01".to_string(), "2026-12-05".to_string())
        );
        assert_eq!(
            reconciliation_period(day("2027-01-10")),
            ("2026-01-01".to_string(), "2027-01-10".to_string())
        );
    }

    #[test]
    fn progress_counts_clients_and_ends_at_full() {
        assert_eq!(percent(&job(JobState::Running, 40, 12)), 30);
        assert_eq!(percent(&job(JobState::Running, 0, 0)), 0);
        assert_eq!(percent(&job(JobState::Running, 3, 5)), 100);
        assert_eq!(percent(&job(JobState::Done, 0, 0)), 100);
        assert_eq!(percent(&job(JobState::Failed, 4, 1)), 100);
        assert_eq!(
            clients_line(Lang::Ru, &job(JobState::Running, 40, 12)),
            "Клиенты: 12 из 40"
        );
        assert_eq!(
            clients_line(Lang::En, &job(JobState::Running, 40, 12)),
            "Clients: 12 of 40"
        );
    }

    fn api(status: u16, code: &str, field: Option<&str>, message: &str) -> ApiError {
        ApiError::Api {
            status,
            code: code.into(),
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    #[test]
    fn a_refused_close_says_why_and_names_the_missing_requisites() {
        let e = api(
            422,
            "validation_failed",
            Some("company"),
            "company: fill in the company's requisites first: name, inn, bik, account",
        );
        assert_eq!(
            CloseRefusal::of(&e, Lang::Ru),
            CloseRefusal::Company(vec![
                "Полное наименование".into(),
                "ИНН".into(),
                "БИК".into(),
                "Расчётный счёт".into()
            ])
        );
        let e = api(422, "validation_failed", Some("month"), "month: not ended");
        assert_eq!(CloseRefusal::of(&e, Lang::Ru), CloseRefusal::MonthNotEnded);
        let e = api(409, "job_running", None, "this month is being closed now");
        assert_eq!(CloseRefusal::of(&e, Lang::En), CloseRefusal::AlreadyRunning);
        let e = api(422, "validation_failed", Some("send"), "send: set the mail");
        assert_eq!(CloseRefusal::of(&e, Lang::En), CloseRefusal::NoMailServer);
        let e = ApiError::Network("down".into());
        assert_eq!(
            CloseRefusal::of(&e, Lang::Ru),
            CloseRefusal::Other(Lang::Ru.t().network_error.into())
        );
        assert_eq!(missing_requisites(Lang::En, "first: weird"), vec!["weird"]);
    }

    #[test]
    fn server_messages_read_in_the_uis_language() {
        assert_eq!(
            localize(Lang::Ru, "bik", "bik: must be 9 digits"),
            "Должно быть 9 цифр."
        );
        assert_eq!(
            localize(Lang::Ru, "inn", "must be 10 or 12 digits"),
            "Должно быть 10 или 12 цифр."
        );
        assert_eq!(
            localize(
                Lang::En,
                "requisites.kpp",
                "requisites.kpp: must be 9 digits"
            ),
            "Must be 9 digits."
        );
        assert_eq!(
            localize(Lang::Ru, "requisites.email", "must be one e-mail address"),
            "Это не адрес e-mail."
        );
        assert_eq!(
            localize(Lang::Ru, "name", "name: is required"),
            Lang::Ru.t().required
        );
        assert_eq!(localize(Lang::Ru, "x", "x: odd"), "odd");
        assert_eq!(
            localize(
                Lang::Ru,
                "fiscal.login",
                "fiscal.login: is required for receipts"
            ),
            Lang::Ru.t().required
        );
        assert_eq!(
            localize(
                Lang::Ru,
                "fiscal.url",
                "fiscal.url: must be a link starting with https:// or http://"
            ),
            "Ссылка, начинается с https:// или http://."
        );
        assert_eq!(
            localize(Lang::Ru, "sbp.link", "must be at most 500 characters"),
            texts(Lang::Ru).too_long
        );
        assert_eq!(
            localize(Lang::Ru, "fiscal.group_code", "must not contain / or ?"),
            "Без знаков / и ?."
        );
        assert_eq!(
            localize(Lang::Ru, "fiscal.email", "must be an e-mail address"),
            texts(Lang::Ru).not_email
        );
    }

    fn settings() -> CompanySettings {
        CompanySettings {
            name: "ООО «Родник»".into(),
            inn: "7701234567".into(),
            bik: "044525225".into(),
            vat_rate: Some(20),
            transfer_doc: TransferDoc::ActInvoice,
            invoice_prefix: "С-".into(),
            yearly_numbers: true,
            smtp: Some(SmtpSettings {
                host: "smtp.rodnik.ru".into(),
                port: 587,
                security: "starttls".into(),
                username: "billing".into(),
                password: None,
                password_set: true,
                from: "Родник <billing@rodnik.ru>".into(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn company_settings_round_trip_and_the_password_goes_only_when_typed() {
        let s = settings();
        let d = CompanyDraft::of(&s);
        assert!(d.password_set);
        assert_eq!((d.vat.as_str(), d.smtp_port.as_str()), ("20", "587"));
        let back = d.to_settings(Lang::Ru).expect("valid");
        assert_eq!(back, s.clone().tap_smtp(|m| m.password_set = false));
        assert_eq!(back.smtp.as_ref().and_then(|m| m.password.clone()), None);
        let mut typed = d.clone();
        typed.set(CompanyField::SmtpPassword, "секрет 1".into());
        typed.set(CompanyField::Bik, " 044525225 ".into());
        let put = typed.to_settings(Lang::Ru).expect("valid");
        assert_eq!(
            put.smtp.as_ref().and_then(|m| m.password.as_deref()),
            Some("секрет 1"),
            "the password as typed, spaces and all"
        );
        assert_eq!(put.bik, "044525225");
    }

    #[test]
    fn no_mail_server_typed_sends_none_and_a_bad_port_stays_here() {
        let mut d = CompanyDraft::of(&CompanySettings::default());
        assert_eq!(d.smtp_security, "starttls");
        assert_eq!(d.vat, "", "без НДС");
        let put = d.to_settings(Lang::En).expect("valid");
        assert_eq!((put.smtp, put.vat_rate), (None, None));
        d.set(CompanyField::SmtpPort, "70000".into());
        let (field, _) = d.to_settings(Lang::Ru).expect_err("a bad port");
        assert_eq!(field, "smtp.port");
        d.set(CompanyField::SmtpPort, String::new());
        d.set(CompanyField::SmtpHost, "mail.local".into());
        d.smtp_security = "none".into();
        let put = d.to_settings(Lang::Ru).expect("valid");
        let smtp = put.smtp.expect("a mail server");
        assert_eq!((smtp.host.as_str(), smtp.port), ("mail.local", 0));
        assert_eq!(smtp.security, "none");
        assert_eq!(CompanyField::SmtpFrom.dom_id(), "company-smtp-from");
        assert_eq!(CompanyField::CorrAccount.dom_id(), "company-corr-account");
    }

    #[test]
    fn the_sbp_link_and_the_cash_register_round_trip_with_a_write_only_password() {
        let mut s = settings();
        s.sbp = SbpSettings {
            link: "https://qr.nspk.ru/AS1000ABC".into(),
            link_takes_sum: true,
        };
        s.fiscal = Some(FiscalSettings {
            enabled: true,
            url: "https://testonline.atol.ru/possystem/v5".into(),
            login: "v5-online-atol-ru".into(),
            password: None,
            password_set: true,
            group_code: "v5-online-atol-ru_5179".into(),
            sno: Sno::UsnIncome,
            payment_address: "rodnik.ru".into(),
            email: "kassa@rodnik.ru".into(),
        });
        let d = CompanyDraft::of(&s);
        assert!(d.fiscal_password_set && d.fiscal_password.is_empty());
        assert_eq!(d.get(CompanyField::SbpLink), "https://qr.nspk.ru/AS1000ABC");
        let back = d.to_settings(Lang::Ru).expect("valid");
        assert_eq!(back.sbp, s.sbp);
        let fiscal = back.fiscal.expect("the cash register");
        assert_eq!(
            fiscal.password, None,
            "an empty field keeps the stored password"
        );
        assert!(!fiscal.password_set);
        assert_eq!(
            (fiscal.group_code.as_str(), fiscal.sno),
            ("v5-online-atol-ru_5179", Sno::UsnIncome)
        );
        let mut typed = d.clone();
        typed.set(CompanyField::FiscalPassword, "i1 pass".into());
        let put = typed.to_settings(Lang::Ru).expect("valid");
        assert_eq!(
            put.fiscal.and_then(|f| f.password).as_deref(),
            Some("i1 pass")
        );
        assert_eq!(
            CompanyField::FiscalGroupCode.dom_id(),
            "company-fiscal-group-code"
        );
        assert_eq!(CompanyField::SbpLink.key(), "sbp.link");
    }

    #[test]
    fn an_untouched_cash_register_is_sent_as_none_with_the_default_address_offered() {
        let d = CompanyDraft::of(&CompanySettings::default());
        assert_eq!(d.fiscal_url, ATOL_URL);
        assert!(!d.fiscal_enabled);
        let put = d.to_settings(Lang::Ru).expect("valid");
        assert_eq!(put.fiscal, None);
        assert_eq!(put.sbp, SbpSettings::default());
        let mut on = d.clone();
        on.fiscal_enabled = true;
        let fiscal = on.to_settings(Lang::Ru).expect("valid").fiscal;
        assert_eq!(
            fiscal.map(|f| (f.enabled, f.url)),
            Some((true, ATOL_URL.to_string()))
        );
        let mut login = d.clone();
        login.set(CompanyField::FiscalLogin, "atol".into());
        assert!(login.to_settings(Lang::Ru).expect("valid").fiscal.is_some());
    }

    #[test]
    fn the_geocoders_keys_are_sent_only_when_typed() {
        let d = CompanyDraft::of(&CompanySettings::default());
        assert_eq!(d.to_settings(Lang::Ru).expect("valid").geocoder, None);
        let s = CompanySettings {
            geocoder: Some(GeocoderSettings {
                enabled: true,
                provider: GeocoderProvider::Dadata,
                key_set: true,
                secret_set: true,
                city: "Москва".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut d = CompanyDraft::of(&s);
        assert!(d.geo_key_set && d.geo_secret_set && d.geo_key.is_empty());
        let g = d
            .to_settings(Lang::Ru)
            .expect("valid")
            .geocoder
            .expect("kept");
        assert_eq!((g.key, g.secret, g.enabled), (None, None, true));
        assert_eq!(g.city, "Москва");
        d.set(CompanyField::GeoKey, " k1 ".into());
        d.geo_provider = GeocoderProvider::Yandex;
        let g = d
            .to_settings(Lang::Ru)
            .expect("valid")
            .geocoder
            .expect("kept");
        assert_eq!(
            (g.key.as_deref(), g.provider),
            (Some("k1"), GeocoderProvider::Yandex)
        );
        assert_eq!(CompanyField::GeoSecret.dom_id(), "company-geocoder-secret");
        assert_eq!(
            localize(
                Lang::Ru,
                "geocoder.key",
                "geocoder.key: must not contain spaces"
            ),
            "Без пробелов."
        );
    }

    trait Tap {
        fn tap_smtp(self, f: impl FnOnce(&mut SmtpSettings)) -> Self;
    }

    impl Tap for CompanySettings {
        fn tap_smtp(mut self, f: impl FnOnce(&mut SmtpSettings)) -> Self {
            if let Some(s) = self.smtp.as_mut() {
                f(s);
            }
            self
        }
    }
}
