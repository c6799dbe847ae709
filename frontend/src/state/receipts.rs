//! The SBP QR and the fiscal receipts (issue 20, item 5) on the web app's
//! side: which text the courier's QR carries (the company's SBP link, else
//! a payment by requisites, else none), the QR as an SVG, an order's
//! receipt as one line ("Чек: пробит: ФД 12, ФП 345…, ФН …"), and which
//! receipts a manager may send again. Pure, so the host runs the tests.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rodnik_shared::api::{PaymentQrSettings, Receipt, ReceiptKind, ReceiptStatus};
use rodnik_shared::Money;

use crate::i18n::receipts::{status_label, texts};
use crate::i18n::Lang;

/// The purpose a QR by requisites names; the payee's bank reads it, so it
/// is Russian whatever the courier's language.
const PURPOSE: &str = "Оплата заказа №{n}";

/// What the client scans to pay by SBP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayQr {
    /// The company's SBP link (with the amount when the link takes one).
    Sbp(String),
    /// A payment by requisites (ГОСТ Р 56042-2014), amount and purpose filled in.
    Requisites(String),
    /// No link and the bank details are incomplete (or never loaded).
    Missing,
}

impl PayQr {
    /// The QR for `amount` of order `number`: the SBP link first, as the
    /// shared crate builds it for the server too.
    pub fn of(settings: Option<&PaymentQrSettings>, amount: Money, number: i64) -> PayQr {
        let Some(s) = settings else {
            return PayQr::Missing;
        };
        if let Some(link) = s.sbp_link(amount) {
            return PayQr::Sbp(link);
        }
        let purpose = PURPOSE.replace("{n}", &number.to_string());
        match s.requisites_qr(amount, &purpose) {
            Some(text) => PayQr::Requisites(text),
            None => PayQr::Missing,
        }
    }

    /// `data-kind`: `sbp`, `requisites`, `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            PayQr::Sbp(_) => "sbp",
            PayQr::Requisites(_) => "requisites",
            PayQr::Missing => "none",
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            PayQr::Sbp(t) | PayQr::Requisites(t) => Some(t),
            PayQr::Missing => None,
        }
    }
}

/// `text` as a QR code in SVG (a white square with one black path), sized
/// for a phone held out to the client; `None` when it does not fit a QR.
/// Without the XML prolog, so it goes straight into the page.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].to_string())
}

/// An order's receipt in one line: "Чек: ожидает отправки", "Чек: отправлен,
/// ждём кассу", "Чек: пробит: ФД 12, ФП 3456, ФН 9999…", "Чек: ошибка:
/// …". A pending receipt with an error (no answer from the service) says
/// the error and `next`, the time of the next try (as the page writes it).
pub fn receipt_line(lang: Lang, r: &Receipt, next: Option<&str>) -> String {
    let t = texts(lang);
    let head = match r.kind {
        ReceiptKind::Sell => t.receipt,
        ReceiptKind::SellRefund => t.refund,
    };
    let error = r.error.as_ref().map(|e| {
        let code = e
            .code
            .map(|c| format!(" ({} {c})", t.code))
            .unwrap_or_default();
        format!("{}: {}{code}", t.error, e.text.trim())
    });
    let body = match r.status {
        ReceiptStatus::Done => {
            let f = r.fiscal.clone().unwrap_or_default();
            format!(
                "{}: ФД {}, ФП {}, ФН {}",
                status_label(lang, r.status),
                f.fiscal_document_number,
                f.fiscal_document_attribute,
                f.fn_number
            )
        }
        ReceiptStatus::Failed => {
            error.unwrap_or_else(|| status_label(lang, ReceiptStatus::Failed).to_string())
        }
        ReceiptStatus::Pending => {
            let mut s = status_label(lang, r.status).to_string();
            if let Some(e) = error {
                s.push_str(&format!(" · {e}"));
            }
            if let Some(time) = next.filter(|n| !n.is_empty()) {
                s.push_str(&format!(" · {}", t.next_try.replace("{time}", time)));
            }
            s
        }
        ReceiptStatus::Wait => status_label(lang, r.status).to_string(),
    };
    format!("{head}: {body}")
}

/// A manager may send a failed receipt again, or a pending one now.
pub fn can_retry(r: &Receipt) -> bool {
    matches!(r.status, ReceiptStatus::Failed | ReceiptStatus::Pending)
}

/// The receipts report's status filter: `""` (not registered: pending,
/// wait and failed) or one status.
pub const STATUS_FILTER: [&str; 5] = ["", "pending", "wait", "failed", "done"];

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{FiscalData, ReceiptError, SbpSettings};

    fn settings(link: &str, takes_sum: bool) -> PaymentQrSettings {
        PaymentQrSettings {
            sbp: SbpSettings {
                link: link.into(),
                link_takes_sum: takes_sum,
            },
            name: "ООО «Родник»".into(),
            inn: "7701234567".into(),
            kpp: "770101001".into(),
            bank_name: "ПАО Сбербанк".into(),
            bik: "044525225".into(),
            account: "40702810900000000001".into(),
            corr_account: "30101810400000000225".into(),
        }
    }

    fn receipt(status: ReceiptStatus) -> Receipt {
        Receipt {
            id: "r1".into(),
            order_id: "o1".into(),
            order_number: 17,
            client_id: "c1".into(),
            client_name: "Иванов".into(),
            kind: ReceiptKind::Sell,
            status,
            day: "2026-12-06".into(),
            total: Money(50_000),
            cash: Money::ZERO,
            electronic: Money(50_000),
            credit: Money::ZERO,
            external_id: "o1-1".into(),
            uuid: None,
            attempts: 1,
            next_at: None,
            error: None,
            fiscal: None,
            created_at: "2026-12-06T10:00:00Z".into(),
            updated_at: "2026-12-06T10:00:00Z".into(),
        }
    }

    #[test]
    fn the_sbp_link_comes_first_with_the_amount_in_kopecks_when_it_takes_one() {
        let s = settings("https://qr.nspk.ru/AS1000ABC", true);
        let qr = PayQr::of(Some(&s), Money(45_050), 17);
        assert_eq!(
            qr,
            PayQr::Sbp("https://qr.nspk.ru/AS1000ABC?sum=45050&cur=RUB".into())
        );
        assert_eq!(qr.kind(), "sbp");
        let fixed = settings("https://qr.nspk.ru/AS1000ABC", false);
        assert_eq!(
            PayQr::of(Some(&fixed), Money(45_050), 17).text(),
            Some("https://qr.nspk.ru/AS1000ABC")
        );
    }

    #[test]
    fn without_a_link_the_qr_pays_by_requisites_naming_the_order() {
        let qr = PayQr::of(Some(&settings("", false)), Money(45_050), 17);
        assert_eq!(qr.kind(), "requisites");
        let text = qr.text().expect("a text");
        assert!(text.starts_with("ST00012|Name=ООО «Родник»|PersonalAcc=40702810900000000001"));
        assert!(text.contains("|Sum=45050"), "{text}");
        assert!(text.ends_with("|Purpose=Оплата заказа №17"), "{text}");
    }

    #[test]
    fn no_link_and_incomplete_bank_details_or_no_settings_make_no_qr() {
        let mut s = settings("", false);
        s.account = "4070".into();
        assert_eq!(PayQr::of(Some(&s), Money(100), 1), PayQr::Missing);
        assert_eq!(PayQr::of(None, Money(100), 1), PayQr::Missing);
        assert_eq!(PayQr::Missing.kind(), "none");
        assert_eq!(PayQr::Missing.text(), None);
    }

    #[test]
    fn the_qr_is_an_svg_with_one_dark_path_and_differs_by_text() {
        let a = qr_svg("https://qr.nspk.ru/AS1000ABC?sum=45050&cur=RUB").expect("an svg");
        assert!(a.starts_with("<svg"), "{}", &a[..40]);
        assert!(a.ends_with("</svg>"));
        assert!(!a.contains("<?xml"));
        assert_eq!(a.matches("<path").count(), 1);
        // Modules drawn: a real code, not an empty square.
        assert!(a.matches('M').count() > 100, "too few modules");
        let b = qr_svg("https://qr.nspk.ru/AS1000ABC?sum=45051&cur=RUB").expect("an svg");
        assert_ne!(a, b);
        // Cyrillic requisites fit too (byte mode).
        let req = PayQr::of(Some(&settings("", false)), Money(45_050), 17);
        assert!(qr_svg(req.text().unwrap_or_default()).is_some());
        // Far more than a QR code holds.
        assert_eq!(qr_svg(&"x".repeat(5_000)), None);
    }

    #[test]
    fn a_receipt_reads_as_one_line_per_state() {
        let ru = Lang::Ru;
        assert_eq!(
            receipt_line(ru, &receipt(ReceiptStatus::Pending), None),
            "Чек: ожидает отправки"
        );
        assert_eq!(
            receipt_line(ru, &receipt(ReceiptStatus::Wait), None),
            "Чек: отправлен, ждём кассу"
        );
        let mut done = receipt(ReceiptStatus::Done);
        done.fiscal = Some(FiscalData {
            fn_number: "9999078900004312".into(),
            fiscal_document_number: 1234,
            fiscal_document_attribute: 2_863_453_108,
            ..Default::default()
        });
        assert_eq!(
            receipt_line(ru, &done, None),
            "Чек: пробит: ФД 1234, ФП 2863453108, ФН 9999078900004312"
        );
        let mut failed = receipt(ReceiptStatus::Failed);
        failed.error = Some(ReceiptError {
            code: Some(32),
            text: "Ошибка валидации".into(),
            kind: "system".into(),
        });
        assert_eq!(
            receipt_line(ru, &failed, None),
            "Чек: ошибка: Ошибка валидации (код 32)"
        );
        failed.kind = ReceiptKind::SellRefund;
        assert!(receipt_line(ru, &failed, None).starts_with("Чек возврата: ошибка:"));
        assert_eq!(
            receipt_line(Lang::En, &receipt(ReceiptStatus::Wait), None),
            "Receipt: sent, waiting for the cash register"
        );
    }

    #[test]
    fn a_pending_receipt_with_an_error_says_it_and_when_it_is_tried_again() {
        let mut r = receipt(ReceiptStatus::Pending);
        r.error = Some(ReceiptError {
            code: None,
            text: "connection refused".into(),
            kind: "network".into(),
        });
        assert_eq!(
            receipt_line(Lang::Ru, &r, Some("12:05")),
            "Чек: ожидает отправки · ошибка: connection refused · следующая попытка в 12:05"
        );
        assert_eq!(
            receipt_line(Lang::Ru, &r, Some("")),
            "Чек: ожидает отправки · ошибка: connection refused"
        );
    }

    #[test]
    fn managers_retry_failed_and_pending_receipts_only() {
        assert!(can_retry(&receipt(ReceiptStatus::Failed)));
        assert!(can_retry(&receipt(ReceiptStatus::Pending)));
        assert!(!can_retry(&receipt(ReceiptStatus::Wait)));
        assert!(!can_retry(&receipt(ReceiptStatus::Done)));
    }
}
