//! Text of the client's account (лицевой счёт, issue 20) on the console:
//! the card's debt line, the account panel and its forms, the contract form
//! and the order form's credit warning; English and Russian.

use rodnik_shared::api::{AccountMoveKind, AccountSummary, Contract, CreditHold, PaymentMethod};
use rodnik_shared::Money;

use super::Lang;
use crate::money;

pub struct AccountTexts {
    // the card's line
    pub owes: &'static str,
    pub advance: &'static str,
    pub settled: &'static str,
    pub overdue: &'static str,
    pub days: &'static str,
    pub hold: &'static str,
    pub hold_overdue: &'static str,
    pub hold_over_limit: &'static str,
    pub allowed_until: &'static str,
    pub contract: &'static str,
    pub contract_from: &'static str,
    pub deferment: &'static str,
    pub limit: &'static str,
    pub no_limit: &'static str,
    pub open_panel: &'static str,
    // the panel
    pub title: &'static str,
    pub open_orders: &'static str,
    pub empty: &'static str,
    pub failed: &'static str,
    pub more: &'static str,
    pub take_payment: &'static str,
    pub correct: &'static str,
    pub amount: &'static str,
    pub signed_amount: &'static str,
    pub method: &'static str,
    pub day: &'static str,
    pub reference: &'static str,
    pub reference_hint: &'static str,
    pub reason: &'static str,
    pub kind: &'static str,
    pub save_payment: &'static str,
    pub save_correction: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub paid: &'static str,
    pub corrected: &'static str,
    pub required: &'static str,
    pub money_format: &'static str,
    pub money_too_large: &'static str,
    pub not_zero: &'static str,
    // the contract form
    pub add_contract: &'static str,
    pub edit_contract: &'static str,
    pub contract_title: &'static str,
    pub number: &'static str,
    pub date: &'static str,
    pub payment_days: &'static str,
    pub credit_limit: &'static str,
    pub credit_limit_hint: &'static str,
    pub allow_until: &'static str,
    pub save_contract: &'static str,
    pub days_format: &'static str,
    pub stale: &'static str,
    // the order form
    pub need_manager: &'static str,
    pub allow_credit: &'static str,
    pub refused: &'static str,
}

pub fn texts(lang: Lang) -> &'static AccountTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// An amount as the account line says it: whole roubles without ",00".
pub fn amount(lang: Lang, m: Money) -> String {
    let full = money::text(lang, m);
    if m.0 % 100 == 0 {
        let mark = if lang == Lang::Ru { ",00" } else { ".00" };
        full.replacen(mark, "", 1)
    } else {
        full
    }
}

/// `2026-01-10` as `10.01.2026`.
pub fn dotted(iso: &str) -> String {
    let mut p = iso.splitn(3, '-');
    match (p.next(), p.next(), p.next()) {
        (Some(y), Some(m), Some(d)) if y.len() == 4 => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

/// "45 дн." / "45 days".
pub fn days(lang: Lang, n: i64) -> String {
    format!("{n} {}", texts(lang).days)
}

/// "Долг 12 400 ₽, 45 дн.", "Аванс 500 ₽" or "Долга нет".
pub fn balance_text(lang: Lang, s: &AccountSummary) -> String {
    let t = texts(lang);
    match s.balance.0 {
        b if b > 0 && s.debt_days > 0 => format!(
            "{} {}, {}",
            t.owes,
            amount(lang, s.balance),
            days(lang, s.debt_days)
        ),
        b if b > 0 => format!("{} {}", t.owes, amount(lang, s.balance)),
        b if b < 0 => format!("{} {}", t.advance, amount(lang, Money(-b))),
        _ => t.settled.to_string(),
    }
}

/// "Просрочено 2 000 ₽ (24 дн.)", when anything is overdue.
pub fn overdue_text(lang: Lang, s: &AccountSummary) -> Option<String> {
    (s.overdue.0 > 0).then(|| {
        format!(
            "{} {} ({})",
            texts(lang).overdue,
            amount(lang, s.overdue),
            days(lang, s.overdue_days)
        )
    })
}

/// The short line of a screen pop: what a known client owes, if anything.
pub fn debt_short(lang: Lang, s: &AccountSummary) -> Option<String> {
    (s.balance.0 > 0).then(|| {
        let mut line = balance_text(lang, s);
        if let Some(o) = overdue_text(lang, s) {
            line.push_str(" · ");
            line.push_str(&o);
        }
        line
    })
}

/// "Договор № 17/2026 от 10.01.2026, отсрочка 10 дн., лимит 20 000 ₽".
pub fn contract_text(lang: Lang, c: &Contract) -> String {
    let t = texts(lang);
    let limit = match c.credit_limit {
        Some(l) => format!("{} {}", t.limit, amount(lang, l)),
        None => t.no_limit.to_string(),
    };
    format!(
        "{} № {} {} {}, {} {}, {limit}",
        t.contract,
        c.number,
        t.contract_from,
        dotted(&c.date),
        t.deferment,
        days(lang, i64::from(c.payment_days))
    )
}

/// Why the card's client is held, for the badge's title.
pub fn hold_reason(lang: Lang, h: CreditHold) -> &'static str {
    let t = texts(lang);
    match h {
        CreditHold::Overdue => t.hold_overdue,
        CreditHold::OverLimit => t.hold_over_limit,
    }
}

/// The order form's warning: "Клиент просрочил оплату на 24 дн.: 2 000 ₽"
/// or "Заказ превысит кредитный лимит 20 000 ₽: долг …, открытые заказы …,
/// этот заказ …".
pub fn order_hold_text(lang: Lang, h: CreditHold, s: &AccountSummary, extra: Money) -> String {
    let a = |m| amount(lang, m);
    let limit = s
        .contract
        .as_ref()
        .and_then(|c| c.credit_limit)
        .unwrap_or_default();
    match (lang, h) {
        (Lang::Ru, CreditHold::Overdue) => format!(
            "Клиент просрочил оплату на {}: {}",
            days(lang, s.overdue_days),
            a(s.overdue)
        ),
        (Lang::En, CreditHold::Overdue) => format!(
            "The client is {} late paying: {}",
            days(lang, s.overdue_days),
            a(s.overdue)
        ),
        (Lang::Ru, CreditHold::OverLimit) => format!(
            "Заказ превысит кредитный лимит {}: долг {}, открытые заказы {}, этот заказ {}",
            a(limit),
            a(s.balance),
            a(s.open_orders),
            a(extra)
        ),
        (Lang::En, CreditHold::OverLimit) => format!(
            "The order would pass the credit limit of {}: owed {}, open orders {}, this order {}",
            a(limit),
            a(s.balance),
            a(s.open_orders),
            a(extra)
        ),
    }
}

/// "Оплата (безнал)", "Доставка", "Начальный остаток".
pub fn move_label(lang: Lang, kind: AccountMoveKind, method: Option<PaymentMethod>) -> String {
    let base = match (lang, kind) {
        (Lang::En, AccountMoveKind::Opening) => "Opening balance",
        (Lang::En, AccountMoveKind::Delivery) => "Delivery",
        (Lang::En, AccountMoveKind::Deposit) => "Deposit",
        (Lang::En, AccountMoveKind::Rent) => "Rent",
        (Lang::En, AccountMoveKind::Payment) => "Payment",
        (Lang::En, AccountMoveKind::Adjustment) => "Correction",
        (Lang::Ru, AccountMoveKind::Opening) => "Начальный остаток",
        (Lang::Ru, AccountMoveKind::Delivery) => "Доставка",
        (Lang::Ru, AccountMoveKind::Deposit) => "Залог",
        (Lang::Ru, AccountMoveKind::Rent) => "Аренда",
        (Lang::Ru, AccountMoveKind::Payment) => "Оплата",
        (Lang::Ru, AccountMoveKind::Adjustment) => "Корректировка",
    };
    match method {
        Some(m) => format!("{base} ({})", method_short(lang, m)),
        None => base.to_string(),
    }
}

/// "нал.", "карта", "СБП", "безнал".
pub fn method_short(lang: Lang, m: PaymentMethod) -> &'static str {
    match (lang, m) {
        (Lang::En, PaymentMethod::Cash) => "cash",
        (Lang::En, PaymentMethod::Card) => "card",
        (Lang::En, PaymentMethod::Sbp) => "SBP",
        (Lang::En, PaymentMethod::Bank) => "bank transfer",
        (Lang::Ru, PaymentMethod::Cash) => "нал.",
        (Lang::Ru, PaymentMethod::Card) => "карта",
        (Lang::Ru, PaymentMethod::Sbp) => "СБП",
        (Lang::Ru, PaymentMethod::Bank) => "безнал",
    }
}

/// The method select's options: "Безналичный перевод", "Наличные"...
pub fn method_label(lang: Lang, m: PaymentMethod) -> &'static str {
    match (lang, m) {
        (Lang::En, PaymentMethod::Cash) => "Cash",
        (Lang::En, PaymentMethod::Card) => "Card",
        (Lang::En, PaymentMethod::Sbp) => "SBP (fast payments)",
        (Lang::En, PaymentMethod::Bank) => "Bank transfer",
        (Lang::Ru, PaymentMethod::Cash) => "Наличные",
        (Lang::Ru, PaymentMethod::Card) => "Карта",
        (Lang::Ru, PaymentMethod::Sbp) => "СБП",
        (Lang::Ru, PaymentMethod::Bank) => "Безналичный перевод",
    }
}

static EN: AccountTexts = AccountTexts {
    owes: "Owes",
    advance: "Paid ahead",
    settled: "Nothing owed",
    overdue: "Overdue",
    days: "days",
    hold: "Delivery only with a manager's permission",
    hold_overdue: "Payments are overdue under the contract",
    hold_over_limit: "The credit limit is reached",
    allowed_until: "A manager allowed orders until",
    contract: "Contract",
    contract_from: "of",
    deferment: "deferment",
    limit: "limit",
    no_limit: "no limit",
    open_panel: "The client's account",
    title: "Account",
    open_orders: "Open orders",
    empty: "No entries yet.",
    failed: "The account could not be loaded",
    more: "More",
    take_payment: "Take a payment",
    correct: "Correction",
    amount: "Amount, ₽",
    signed_amount: "Amount, ₽ (+ owes more, − less)",
    method: "Method",
    day: "Day",
    reference: "Document",
    reference_hint: "payment order 17 of 01.12.2026",
    reason: "Reason",
    kind: "Kind",
    save_payment: "Take the payment",
    save_correction: "Record",
    saving: "Saving…",
    cancel: "Cancel",
    paid: "Payment taken",
    corrected: "Recorded",
    required: "Required",
    money_format: "Type roubles: 12 400 or 12 400,50",
    money_too_large: "Too large",
    not_zero: "More than 0",
    add_contract: "+ Contract",
    edit_contract: "Change the contract",
    contract_title: "Contract",
    number: "Number",
    date: "Date",
    payment_days: "Deferment, days",
    credit_limit: "Credit limit, ₽",
    credit_limit_hint: "empty: no limit",
    allow_until: "Allow deliveries until",
    save_contract: "Save the contract",
    days_format: "Type a number of days, 0 to 365",
    stale: "Someone changed the client meanwhile: the card is reloaded, your typing kept. Check and save again.",
    need_manager: "Needs a manager's permission",
    allow_credit: "Allow the delivery",
    refused: "Refused: needs a manager's permission",
};

static RU: AccountTexts = AccountTexts {
    owes: "Долг",
    advance: "Аванс",
    settled: "Долга нет",
    overdue: "Просрочено",
    days: "дн.",
    hold: "Отгрузка только с разрешения менеджера",
    hold_overdue: "Оплата по договору просрочена",
    hold_over_limit: "Кредитный лимит исчерпан",
    allowed_until: "Менеджер разрешил отгрузку до",
    contract: "Договор",
    contract_from: "от",
    deferment: "отсрочка",
    limit: "лимит",
    no_limit: "без лимита",
    open_panel: "Лицевой счёт клиента",
    title: "Лицевой счёт",
    open_orders: "Открытые заказы",
    empty: "Движений пока нет.",
    failed: "Не удалось загрузить счёт",
    more: "Ещё",
    take_payment: "Принять оплату",
    correct: "Корректировка",
    amount: "Сумма, ₽",
    signed_amount: "Сумма, ₽ (+ долг больше, − меньше)",
    method: "Способ",
    day: "Дата",
    reference: "Документ",
    reference_hint: "п/п 17 от 01.12.2026",
    reason: "Причина",
    kind: "Вид",
    save_payment: "Принять оплату",
    save_correction: "Записать",
    saving: "Сохраняем…",
    cancel: "Отмена",
    paid: "Оплата принята",
    corrected: "Записано",
    required: "Обязательное поле",
    money_format: "Введите сумму в рублях: 12 400 или 12 400,50",
    money_too_large: "Слишком большая сумма",
    not_zero: "Больше нуля",
    add_contract: "+ Договор",
    edit_contract: "Изменить договор",
    contract_title: "Договор",
    number: "Номер",
    date: "Дата",
    payment_days: "Отсрочка, дн.",
    credit_limit: "Кредитный лимит, ₽",
    credit_limit_hint: "пусто: без лимита",
    allow_until: "Разрешить отгрузку до",
    save_contract: "Сохранить договор",
    days_format: "Введите число дней от 0 до 365",
    stale: "Клиента изменили, пока вы писали: карточка обновлена, введённое сохранено. Проверьте и сохраните ещё раз.",
    need_manager: "Нужно разрешение менеджера",
    allow_credit: "Разрешить отгрузку",
    refused: "Отказано: нужно разрешение менеджера",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(balance: i64, debt_days: i64, overdue: i64, overdue_days: i64) -> AccountSummary {
        AccountSummary {
            balance: Money(balance),
            debt_since: None,
            debt_days,
            overdue: Money(overdue),
            overdue_days,
            ..Default::default()
        }
    }

    fn plain(s: String) -> String {
        s.replace('\u{a0}', " ")
    }

    #[test]
    fn the_card_says_what_is_owed_overdue_or_paid_ahead() {
        let s = summary(1_240_000, 45, 200_000, 24);
        assert_eq!(plain(balance_text(Lang::Ru, &s)), "Долг 12 400 ₽, 45 дн.");
        assert_eq!(
            plain(overdue_text(Lang::Ru, &s).expect("overdue")),
            "Просрочено 2 000 ₽ (24 дн.)"
        );
        assert_eq!(
            plain(debt_short(Lang::En, &s).expect("owes")),
            "Owes 12,400 ₽, 45 days · Overdue 2,000 ₽ (24 days)"
        );
        assert_eq!(
            plain(balance_text(Lang::Ru, &summary(-50_050, 0, 0, 0))),
            "Аванс 500,50 ₽"
        );
        assert_eq!(balance_text(Lang::Ru, &summary(0, 0, 0, 0)), "Долга нет");
        assert_eq!(debt_short(Lang::Ru, &summary(-100, 0, 0, 0)), None);
        assert_eq!(overdue_text(Lang::Ru, &summary(100, 0, 0, 0)), None);
        // Charged today: no "0 дн.".
        assert_eq!(
            plain(balance_text(Lang::Ru, &summary(25_000, 0, 0, 0))),
            "Долг 250 ₽"
        );
    }

    #[test]
    fn the_contract_reads_as_one_line() {
        let mut c = Contract {
            number: "17/2026".into(),
            date: "2026-01-10".into(),
            payment_days: 10,
            credit_limit: Some(Money(2_000_000)),
            allowed_until: None,
            allowed_by: None,
        };
        assert_eq!(
            plain(contract_text(Lang::Ru, &c)),
            "Договор № 17/2026 от 10.01.2026, отсрочка 10 дн., лимит 20 000 ₽"
        );
        c.credit_limit = None;
        assert_eq!(
            contract_text(Lang::En, &c),
            "Contract № 17/2026 of 10.01.2026, deferment 10 days, no limit"
        );
    }

    #[test]
    fn the_order_warning_names_the_figures() {
        let mut s = summary(1_500_000, 20, 200_000, 24);
        assert_eq!(
            plain(order_hold_text(Lang::Ru, CreditHold::Overdue, &s, Money(0))),
            "Клиент просрочил оплату на 24 дн.: 2 000 ₽"
        );
        s.open_orders = Money(400_000);
        s.contract = Some(Contract {
            credit_limit: Some(Money(2_000_000)),
            ..Default::default()
        });
        assert_eq!(
            plain(order_hold_text(Lang::Ru, CreditHold::OverLimit, &s, Money(250_000))),
            "Заказ превысит кредитный лимит 20 000 ₽: долг 15 000 ₽, открытые заказы 4 000 ₽, этот заказ 2 500 ₽"
        );
    }

    #[test]
    fn moves_are_labelled_with_the_payment_method() {
        assert_eq!(
            move_label(
                Lang::Ru,
                AccountMoveKind::Payment,
                Some(PaymentMethod::Bank)
            ),
            "Оплата (безнал)"
        );
        assert_eq!(
            move_label(Lang::Ru, AccountMoveKind::Opening, None),
            "Начальный остаток"
        );
        assert_eq!(dotted("2026-12-01"), "01.12.2026");
    }
}
