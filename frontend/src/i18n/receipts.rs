//! Text of the SBP QR and the fiscal receipts (issue 20, item 5), English
//! and Russian: the company form's "Оплата по СБП" and "Онлайн-касса"
//! blocks, the courier's payment QR, an order's receipt line, and the
//! Money tab's receipts not yet registered.

use rodnik_shared::api::{ReceiptStatus, Sno};

use super::Lang;

pub struct ReceiptTexts {
    // the company form
    pub sbp_title: &'static str,
    pub sbp_hint: &'static str,
    pub sbp_link: &'static str,
    pub sbp_takes_sum: &'static str,
    pub fiscal_title: &'static str,
    pub fiscal_hint: &'static str,
    pub fiscal_enabled: &'static str,
    pub f_url: &'static str,
    pub f_login: &'static str,
    pub f_password: &'static str,
    pub f_password_set: &'static str,
    pub f_group_code: &'static str,
    pub f_sno: &'static str,
    pub f_payment_address: &'static str,
    pub f_payment_address_hint: &'static str,
    pub f_email: &'static str,
    // the courier's QR
    pub qr_sbp: &'static str,
    pub qr_requisites: &'static str,
    pub qr_amount: &'static str,
    pub qr_link: &'static str,
    pub qr_none: &'static str,
    // a receipt
    pub receipt: &'static str,
    pub refund: &'static str,
    pub error: &'static str,
    pub code: &'static str,
    pub next_try: &'static str,
    pub retry: &'static str,
    pub retrying: &'static str,
    pub load_failed: &'static str,
    pub retry_failed: &'static str,
    /// 409 `receipt_not_retryable`, and `retry` (changed meanwhile).
    pub not_retryable: &'static str,
    pub changed: &'static str,
    // the report
    pub section: &'static str,
    pub status_filter: &'static str,
    pub not_done: &'static str,
    pub c_day: &'static str,
    pub c_order: &'static str,
    pub c_client: &'static str,
    pub c_total: &'static str,
    pub c_cash: &'static str,
    pub c_electronic: &'static str,
    pub c_credit: &'static str,
    pub c_status: &'static str,
    pub c_attempts: &'static str,
    pub none_left: &'static str,
    pub count: &'static str,
}

pub fn texts(lang: Lang) -> &'static ReceiptTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// The taxation systems in the order the select offers them.
pub const SNO_ALL: [Sno; 5] = [
    Sno::Osn,
    Sno::UsnIncome,
    Sno::UsnIncomeOutcome,
    Sno::Esn,
    Sno::Patent,
];

/// The API's name of a taxation system (`usn_income`).
pub fn sno_code(s: Sno) -> &'static str {
    match s {
        Sno::Osn => "osn",
        Sno::UsnIncome => "usn_income",
        Sno::UsnIncomeOutcome => "usn_income_outcome",
        Sno::Esn => "esn",
        Sno::Patent => "patent",
    }
}

pub fn sno_label(lang: Lang, s: Sno) -> &'static str {
    match (lang, s) {
        (Lang::Ru, Sno::Osn) => "ОСН",
        (Lang::Ru, Sno::UsnIncome) => "УСН доходы",
        (Lang::Ru, Sno::UsnIncomeOutcome) => "УСН доходы минус расходы",
        (Lang::Ru, Sno::Esn) => "ЕСХН",
        (Lang::Ru, Sno::Patent) => "Патент",
        (Lang::En, Sno::Osn) => "General (ОСН)",
        (Lang::En, Sno::UsnIncome) => "Simplified, income (УСН доходы)",
        (Lang::En, Sno::UsnIncomeOutcome) => "Simplified, income less costs (УСН д-р)",
        (Lang::En, Sno::Esn) => "Agricultural (ЕСХН)",
        (Lang::En, Sno::Patent) => "Patent",
    }
}

/// What a receipt's state reads as after "Чек: ".
pub fn status_label(lang: Lang, s: ReceiptStatus) -> &'static str {
    match (lang, s) {
        (Lang::Ru, ReceiptStatus::Pending) => "ожидает отправки",
        (Lang::Ru, ReceiptStatus::Wait) => "отправлен, ждём кассу",
        (Lang::Ru, ReceiptStatus::Done) => "пробит",
        (Lang::Ru, ReceiptStatus::Failed) => "ошибка",
        (Lang::En, ReceiptStatus::Pending) => "waiting to be sent",
        (Lang::En, ReceiptStatus::Wait) => "sent, waiting for the cash register",
        (Lang::En, ReceiptStatus::Done) => "registered",
        (Lang::En, ReceiptStatus::Failed) => "error",
    }
}

static EN: ReceiptTexts = ReceiptTexts {
    sbp_title: "SBP payments",
    sbp_hint: "The SBP link from the company's bank: couriers show it to clients as a QR code. Without one the QR carries the bank details above.",
    sbp_link: "SBP link",
    sbp_takes_sum: "the link takes the amount",
    fiscal_title: "Online cash register (ATOL Online)",
    fiscal_hint: "Receipts (54-FZ) for deliveries to individuals.",
    fiscal_enabled: "Make receipts",
    f_url: "API address",
    f_login: "Login",
    f_password: "Password",
    f_password_set: "password set",
    f_group_code: "Group code",
    f_sno: "Taxation system",
    f_payment_address: "Place of settlement",
    f_payment_address_hint: "as in ATOL's account",
    f_email: "Company e-mail on receipts",
    qr_sbp: "Show the client this QR code (SBP)",
    qr_requisites: "Show the client this QR code (payment by bank details)",
    qr_amount: "To pay:",
    qr_link: "Payment link",
    qr_none: "No details for a QR: fill them in under Administration",
    receipt: "Receipt",
    refund: "Refund receipt",
    error: "error",
    code: "code",
    next_try: "next try at {time}",
    retry: "Retry",
    retrying: "Sending…",
    load_failed: "Could not load the receipts",
    retry_failed: "Could not retry",
    not_retryable: "the receipt is at the cash register or registered already",
    changed: "the receipt changed meanwhile; load the list again",
    section: "Receipts: not registered",
    status_filter: "Status",
    not_done: "Not registered",
    c_day: "Day",
    c_order: "Order",
    c_client: "Client",
    c_total: "Total",
    c_cash: "Cash",
    c_electronic: "Card / SBP",
    c_credit: "Owing",
    c_status: "Status",
    c_attempts: "Attempts",
    none_left: "Every receipt is registered.",
    count: "Receipts: {n}, total {sum}",
};

static RU: ReceiptTexts = ReceiptTexts {
    sbp_title: "Оплата по СБП",
    sbp_hint: "Ссылка СБП из банка компании: курьер показывает её клиенту QR-кодом. Без ссылки QR строится по банковским реквизитам выше.",
    sbp_link: "Ссылка СБП",
    sbp_takes_sum: "ссылка принимает сумму",
    fiscal_title: "Онлайн-касса (АТОЛ Онлайн)",
    fiscal_hint: "Чеки (54-ФЗ) по доставкам физическим лицам.",
    fiscal_enabled: "Пробивать чеки",
    f_url: "Адрес API",
    f_login: "Логин",
    f_password: "Пароль",
    f_password_set: "пароль задан",
    f_group_code: "Код группы ККТ",
    f_sno: "Система налогообложения",
    f_payment_address: "Место расчётов",
    f_payment_address_hint: "как в личном кабинете АТОЛ",
    f_email: "E-mail компании в чеке",
    qr_sbp: "Покажите клиенту QR-код (СБП)",
    qr_requisites: "Покажите клиенту QR-код (оплата по реквизитам)",
    qr_amount: "К оплате:",
    qr_link: "Ссылка для оплаты",
    qr_none: "Нет реквизитов для QR: заполните в администрировании",
    receipt: "Чек",
    refund: "Чек возврата",
    error: "ошибка",
    code: "код",
    next_try: "следующая попытка в {time}",
    retry: "Повторить",
    retrying: "Отправляем…",
    load_failed: "Не удалось загрузить чеки",
    retry_failed: "Не удалось повторить",
    not_retryable: "чек уже у кассы или пробит",
    changed: "чек изменился, обновите список",
    section: "Чеки: не пробиты",
    status_filter: "Статус",
    not_done: "Не пробиты",
    c_day: "День",
    c_order: "Заказ",
    c_client: "Клиент",
    c_total: "Сумма",
    c_cash: "Наличные",
    c_electronic: "Карта / СБП",
    c_credit: "В долг",
    c_status: "Статус",
    c_attempts: "Попыток",
    none_left: "Все чеки пробиты.",
    count: "Чеков: {n} на сумму {sum}",
};
