//! Money on the manager's screens (issue 20, items 4 and 6): an invoice's
//! paid state, what a statement import says, why an upload or a decision on
//! a payment was refused (in the UI's language), and which of the money
//! reports is shown.

use rodnik_shared::api::{Document, DocumentKind, StatementImport};
use rodnik_shared::Money;

use crate::api::ApiError;
use crate::i18n::money::texts;
use crate::i18n::Lang;

/// What bank payments made of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// Paid in full; when (RFC 3339 or a day).
    Full {
        at: String,
    },
    /// Part of it.
    Part {
        paid: Money,
        total: Money,
    },
    None,
}

impl Paid {
    /// An invoice's state; `None` for other documents.
    pub fn of(d: &Document) -> Option<Paid> {
        if d.kind != DocumentKind::Invoice {
            return None;
        }
        let paid = d.paid_amount.unwrap_or(Money::ZERO);
        Some(match &d.paid_at {
            Some(at) => Paid::Full { at: at.clone() },
            None if paid.0 >= d.total.0 && paid.0 > 0 => Paid::Full { at: String::new() },
            None if paid.0 > 0 => Paid::Part {
                paid,
                total: d.total,
            },
            None => Paid::None,
        })
    }

    /// `data-state`: `paid`, `part`, `unpaid`.
    pub fn code(&self) -> &'static str {
        match self {
            Paid::Full { .. } => "paid",
            Paid::Part { .. } => "part",
            Paid::None => "unpaid",
        }
    }

    /// "Оплачен 03.12.2026", "Оплачено 500,00 из 850,00", "Не оплачен";
    /// `day` is the paid day as the reader writes it.
    pub fn text(&self, lang: Lang, day: &str) -> String {
        let t = texts(lang);
        match self {
            Paid::Full { .. } => t.paid_on.replace("{date}", day).trim().to_string(),
            Paid::Part { paid, total } => t
                .paid_part
                .replace("{paid}", &crate::money::number(lang, *paid))
                .replace("{total}", &crate::money::number(lang, *total)),
            Paid::None => t.not_paid.to_string(),
        }
    }
}

/// `DD.MM.YYYY` of a `YYYY-MM-DD` day (another text as it is).
pub fn day(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if [4, 2, 2] == [y.len(), m.len(), d.len()] => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

/// The statement's period: "01.12.2026 – 03.12.2026", one day once.
pub fn period(s: &StatementImport) -> String {
    match (s.from.as_deref(), s.to.as_deref()) {
        (Some(f), Some(t)) if f == t => day(f),
        (Some(f), Some(t)) => format!("{} – {}", day(f), day(t)),
        (Some(d), None) | (None, Some(d)) => day(d),
        (None, None) => String::new(),
    }
}

/// Why an upload was refused, in words: the server's `file` messages in the
/// UI's language where they are the usual ones.
pub fn upload_error(lang: Lang, e: &ApiError) -> String {
    let message = match e {
        ApiError::Network(_) => return lang.t().network_error.to_string(),
        ApiError::Api { status: 413, .. } => {
            return match lang {
                Lang::Ru => "Файл больше 20 МБ.".to_string(),
                Lang::En => "The file is over 20 MB.".to_string(),
            }
        }
        _ => e.message(),
    };
    let bare = message.strip_prefix("file: ").unwrap_or(&message);
    if lang == Lang::En {
        return bare.to_string();
    }
    if bare == "the file is empty" {
        return "Файл пустой.".to_string();
    }
    if bare.starts_with("not a 1CClientBankExchange") {
        return "Это не выписка в формате 1С (первая строка должна быть 1CClientBankExchange)."
            .to_string();
    }
    if bare.starts_with("the file ends without") {
        return "Файл обрывается без КонецФайла: он загружен целиком?".to_string();
    }
    if let Some((theirs, ours)) = bare
        .strip_prefix("the statement is of account ")
        .and_then(|r| r.split_once(", the company's is "))
    {
        return format!("Выписка по счёту {theirs}, а счёт компании — {ours}.");
    }
    if let Some(rest) = bare.strip_prefix("line ") {
        return format!("Строка {rest}");
    }
    bare.to_string()
}

/// A refused assign or ignore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 409 `payment_changed` (or 404): someone else decided; reload.
    Changed,
    /// What to say next to the form.
    Said(String),
}

impl Refusal {
    pub fn of(lang: Lang, e: &ApiError) -> Refusal {
        match e {
            ApiError::Api { code, .. } if code == "payment_changed" || code == "not_found" => {
                Refusal::Changed
            }
            ApiError::Network(_) => Refusal::Said(lang.t().network_error.to_string()),
            ApiError::Api {
                field: Some(f),
                message,
                ..
            } if f == "note" => Refusal::Said(
                if message.contains("required") || message.contains("empty") {
                    texts(lang).note_required.to_string()
                } else {
                    message.clone()
                },
            ),
            other => Refusal::Said(other.message()),
        }
    }
}

/// The note of "not a client's payment", or why it cannot be sent.
pub fn ignore_note(lang: Lang, typed: &str) -> Result<String, String> {
    let note = typed.trim();
    if note.is_empty() {
        Err(texts(lang).note_required.to_string())
    } else {
        Ok(note.to_string())
    }
}

/// "Платёж № 103 отнесён на счёт клиента Ромашка."
pub fn assigned_line(lang: Lang, number: &str, client: &str) -> String {
    texts(lang)
        .assigned
        .replace("{n}", number)
        .replace("{client}", client)
}

/// The money reports, one at a time on the reports' Money tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Receivables,
    Payments,
    Documents,
    Unpaid,
    /// Fiscal receipts not registered (issue 20, item 5).
    Receipts,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Receivables,
        Section::Payments,
        Section::Documents,
        Section::Unpaid,
        Section::Receipts,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Section::Receivables => "receivables",
            Section::Payments => "payments",
            Section::Documents => "documents",
            Section::Unpaid => "unpaid",
            Section::Receipts => "receipts",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let t = texts(lang);
        match self {
            Section::Receivables => t.receivables,
            Section::Payments => t.payments,
            Section::Documents => t.doc_report,
            Section::Unpaid => t.unpaid,
            Section::Receipts => crate::i18n::receipts::texts(lang).section,
        }
    }

    /// Its endpoint (JSON, and CSV/XLSX with `format`).
    pub fn path(self) -> &'static str {
        match self {
            Section::Receivables => "/api/reports/receivables",
            Section::Payments => "/api/reports/payments",
            Section::Documents => "/api/reports/documents",
            Section::Unpaid => "/api/reports/unpaid-invoices",
            Section::Receipts => crate::api::receipts::RECEIPTS_REPORT,
        }
    }

    /// Payments and documents are for a period; the others are of now (the
    /// receipts not registered are all of them, whatever their day; a
    /// status picked is for a period: `pages::reports::Params`).
    pub fn ranged(self) -> bool {
        matches!(self, Section::Payments | Section::Documents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::Party;

    fn invoice(total: i64, paid: Option<i64>, at: Option<&str>) -> Document {
        Document {
            id: "d1".into(),
            kind: DocumentKind::Invoice,
            number: "С-1".into(),
            date: "2026-11-30".into(),
            month: Some("2026-11".into()),
            from: None,
            to: None,
            client_id: "c1".into(),
            seller: Party::default(),
            buyer: Party::default(),
            basis: None,
            lines: vec![],
            total: Money(total),
            vat_total: Money::ZERO,
            vat_rate: None,
            corrects: None,
            corrects_number: None,
            opening: None,
            closing: None,
            rows: vec![],
            director: String::new(),
            accountant: String::new(),
            created_by: "u1".into(),
            created_at: "2026-12-01T09:00:00Z".into(),
            sent_at: None,
            sent_to: None,
            send_error: None,
            paid_amount: paid.map(Money),
            paid_at: at.map(str::to_string),
        }
    }

    #[test]
    fn an_invoice_reads_paid_in_part_or_not_at_all() {
        let full = Paid::of(&invoice(85000, Some(85000), Some("2026-12-03T10:00:00Z")));
        let full = full.expect("an invoice");
        assert_eq!(full.code(), "paid");
        assert_eq!(full.text(Lang::Ru, "03.12.2026"), "Оплачен 03.12.2026");
        let part = Paid::of(&invoice(85000, Some(50000), None)).expect("an invoice");
        assert_eq!(part.code(), "part");
        assert_eq!(
            part.text(Lang::Ru, "").replace('\u{a0}', " "),
            "Оплачено 500,00 из 850,00"
        );
        assert_eq!(part.text(Lang::En, ""), "Paid 500.00 of 850.00");
        let none = Paid::of(&invoice(85000, None, None)).expect("an invoice");
        assert_eq!(
            (none.code(), none.text(Lang::Ru, "").as_str()),
            ("unpaid", "Не оплачен")
        );
        let mut upd = invoice(85000, None, None);
        upd.kind = DocumentKind::Upd;
        assert_eq!(Paid::of(&upd), None, "only invoices are paid");
        // Paid in full without a day (an older record): no dangling space.
        let whole = Paid::of(&invoice(100, Some(100), None)).expect("an invoice");
        assert_eq!(whole.text(Lang::Ru, ""), "Оплачен");
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
    fn a_refused_upload_says_why_in_russian() {
        let e = api(
            422,
            "validation_failed",
            Some("file"),
            "file: the file is empty",
        );
        assert_eq!(upload_error(Lang::Ru, &e), "Файл пустой.");
        let e = api(
            422,
            "validation_failed",
            Some("file"),
            "file: line 12: Сумма=12,x is not an amount",
        );
        assert_eq!(
            upload_error(Lang::Ru, &e),
            "Строка 12: Сумма=12,x is not an amount"
        );
        assert_eq!(
            upload_error(Lang::En, &e),
            "line 12: Сумма=12,x is not an amount"
        );
        let e = api(
            422,
            "validation_failed",
            Some("file"),
            "file: the statement is of account 1, the company's is 2",
        );
        assert_eq!(
            upload_error(Lang::Ru, &e),
            "Выписка по счёту 1, а счёт компании — 2."
        );
        let e = api(
            422,
            "validation_failed",
            Some("file"),
            "not a 1CClientBankExchange statement (the first line must say so)",
        );
        assert!(upload_error(Lang::Ru, &e).starts_with("Это не выписка"));
        assert_eq!(
            upload_error(Lang::Ru, &ApiError::Network("x".into())),
            Lang::Ru.t().network_error
        );
    }

    #[test]
    fn a_payment_someone_else_decided_reloads_the_list() {
        let e = api(409, "payment_changed", None, "the payment is matched");
        assert_eq!(Refusal::of(Lang::Ru, &e), Refusal::Changed);
        let e = api(404, "not_found", None, "no such payment");
        assert_eq!(Refusal::of(Lang::Ru, &e), Refusal::Changed);
        let e = api(422, "validation_failed", Some("note"), "note: is required");
        assert_eq!(
            Refusal::of(Lang::Ru, &e),
            Refusal::Said("Напишите, почему.".into())
        );
        assert_eq!(ignore_note(Lang::Ru, "  "), Err("Напишите, почему.".into()));
        assert_eq!(
            ignore_note(Lang::Ru, " возврат "),
            Ok("возврат".to_string())
        );
        assert_eq!(
            assigned_line(Lang::Ru, "103", "Ромашка"),
            "Платёж № 103 отнесён на счёт клиента Ромашка."
        );
    }

    #[test]
    fn a_statements_period_and_the_money_sections() {
        let mut s = StatementImport {
            account: "40702810900000000001".into(),
            from: Some("2026-12-01".into()),
            to: Some("2026-12-03".into()),
            documents: 5,
            incoming: 4,
            matched: 2,
            unmatched: 2,
            duplicates: 0,
            outgoing: 1,
            matched_amount: Money(135000),
            payments: vec![],
        };
        assert_eq!(period(&s), "01.12.2026 – 03.12.2026");
        s.to = s.from.clone();
        assert_eq!(period(&s), "01.12.2026");
        s.from = None;
        s.to = None;
        assert_eq!(period(&s), "");
        assert!(Section::Payments.ranged() && Section::Documents.ranged());
        assert!(!Section::Receivables.ranged() && !Section::Unpaid.ranged());
        assert_eq!(Section::Unpaid.path(), "/api/reports/unpaid-invoices");
        assert_eq!(
            Section::Receivables.label(Lang::Ru),
            "Дебиторская задолженность"
        );
        assert!(!Section::Receipts.ranged());
        assert_eq!(Section::Receipts.path(), "/api/reports/receipts");
        assert_eq!(Section::Receipts.label(Lang::Ru), "Чеки: не пробиты");
        assert_eq!(Section::Receipts.code(), "receipts");
    }
}
