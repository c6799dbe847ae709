//! Text of the courier app, English and Russian (a typed table like the main one).

use super::{ru_plural, Lang};
use crate::state::courier::{ConflictKind, NoteKind};

pub struct CourierTexts {
    pub nav: &'static str,
    pub title: &'static str,
    pub tab_route: &'static str,
    pub tab_summary: &'static str,
    pub as_of: &'static str,
    pub never_loaded: &'static str,
    pub offline_hint: &'static str,
    pub load_failed: &'static str,
    pub empty: &'static str,
    pub any_time: &'static str,
    pub next: &'static str,
    pub call: &'static str,
    pub map: &'static str,
    pub deliver: &'static str,
    pub cash_due: &'static str,
    pub invoiced: &'static str,
    pub empties_expected: &'static str,
    /// "the client holds N bottles"
    pub client_holds: &'static str,
    pub deposit_take: &'static str,
    pub deposit_back: &'static str,
    /// The cash field when the stop pays a deposit back.
    pub pay_back: &'static str,
    /// Fewer empties than expected: why.
    pub empties_short: &'static str,
    pub short_next_time: &'static str,
    pub short_none: &'static str,
    pub short_placeholder: &'static str,
    pub need_short_reason: &'static str,
    pub delivered_btn: &'static str,
    pub failed_btn: &'static str,
    pub cash_collected: &'static str,
    pub empties_returned: &'static str,
    pub confirm_delivered: &'static str,
    pub confirm_failed: &'static str,
    pub back: &'static str,
    pub fail_title: &'static str,
    /// A reason not on the list (typed text).
    pub other: &'static str,
    pub other_placeholder: &'static str,
    pub bad_cash: &'static str,
    pub need_reason: &'static str,
    pub undo: &'static str,
    pub sending: &'static str,
    pub waiting_connection: &'static str,
    pub delivered_at: &'static str,
    pub failed_title: &'static str,
    pub conflict_title: &'static str,
    pub refused: &'static str,
    pub dismiss: &'static str,
    pub summary_title: &'static str,
    pub sum_delivered: &'static str,
    pub sum_failed: &'static str,
    pub sum_left: &'static str,
    pub sum_cash: &'static str,
    pub sum_empties: &'static str,
    pub sum_cash_left: &'static str,
    pub sum_unsent: &'static str,
    pub less: &'static str,
    pub more: &'static str,
    pub move_btn: &'static str,
    pub move_title: &'static str,
    pub later_today: &'static str,
    pub tomorrow: &'static str,
    pub other_day: &'static str,
    pub window: &'static str,
    pub confirm_move: &'static str,
    pub need_move: &'static str,
    pub moved_to: &'static str,
    pub change_lines: &'static str,
    pub add_product: &'static str,
    pub total: &'static str,
    pub ordered: &'static str,
    pub tab_tomorrow: &'static str,
    pub tomorrow_title: &'static str,
    pub tomorrow_empty: &'static str,
    pub tomorrow_never: &'static str,
    pub loaded: &'static str,
    pub load_stops: &'static str,
    pub load_water: &'static str,
    pub load_goods: &'static str,
    pub sum_moved: &'static str,
    pub nothing_delivered: &'static str,
    pub cash_title: &'static str,
    pub cash_client: &'static str,
    pub cash_due_col: &'static str,
    pub cash_got_col: &'static str,
    pub cash_amount: &'static str,
    pub cash_submit: &'static str,
    pub cash_unsent: &'static str,
    pub cash_handed: &'static str,
    pub cash_waiting: &'static str,
    pub cash_received: &'static str,
    /// The close form's payment: how the client paid.
    pub pay_how: &'static str,
    pub pay_cash: &'static str,
    pub pay_card: &'static str,
    pub pay_sbp: &'static str,
    pub pay_split: &'static str,
    pub paid_card: &'static str,
    pub paid_sbp: &'static str,
    /// "Останется долг 120,00 ₽": less than due was paid.
    pub debt_left: &'static str,
    /// A delivered stop's rest on the client's account: "в долг 120,00 ₽".
    pub owes: &'static str,
    pub cash_other_col: &'static str,
    pub cash_total: &'static str,
}

impl CourierTexts {
    pub fn pay_way(&self, w: crate::state::courier::PayWay) -> &'static str {
        use crate::state::courier::PayWay;
        match w {
            PayWay::Cash => self.pay_cash,
            PayWay::Card => self.pay_card,
            PayWay::Sbp => self.pay_sbp,
            PayWay::Split => self.pay_split,
        }
    }
}

pub fn texts(lang: Lang) -> &'static CourierTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
pub fn ago(lang: Lang, seconds: f64) -> String {
    let min = (seconds / 60.0).floor().max(0.0) as usize;
    let (h, d) = (min / 60, min / 1440);
    match lang {
        Lang::En if min < 1 => "just now".into(),
        Lang::En if h < 1 => format!("{min} min ago"),
        Lang::En if d < 1 => format!("{h} h ago"),
        Lang::En => format!("{d} {} ago", if d == 1 { "day" } else { "days" }),
        Lang::Ru if min < 1 => "только что".into(),
        Lang::Ru if h < 1 => format!("{min} мин назад"),
        Lang::Ru if d < 1 => format!("{h} ч назад"),
        Lang::Ru => format!("{d} {} назад", ru_plural(d, ["день", "дня", "дней"])),
    }
}

/// "sending in 7 s" / "отправка через 7 с".
pub fn sends_in(lang: Lang, s: u32) -> String {
    match lang {
        Lang::En => format!("sending in {s} s"),
        Lang::Ru => format!("отправка через {s} с"),
    }
}

/// "2 closes waiting to be sent".
pub fn unsent(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En if n == 1 => "1 close waiting to be sent".into(),
        Lang::En => format!("{n} closes waiting to be sent"),
        Lang::Ru => format!(
            "{n} {} отправки",
            ru_plural(n, ["отметка ждёт", "отметки ждут", "отметок ждут"])
        ),
    }
}

pub fn note_text(lang: Lang, kind: NoteKind, number: i64, client: &str, address: &str) -> String {
    match (lang, kind) {
        (Lang::En, NoteKind::Added) => format!("New stop №{number}: {client}, {address}"),
        (Lang::En, NoteKind::Removed) => {
            format!("Stop №{number} ({client}) was taken off your route")
        }
        (Lang::En, NoteKind::Changed) => {
            format!("The dispatcher changed stop №{number} ({client})")
        }
        (Lang::Ru, NoteKind::Added) => format!("Новая точка №{number}: {client}, {address}"),
        (Lang::Ru, NoteKind::Removed) => {
            format!("Точка №{number} ({client}) снята с вашего маршрута")
        }
        (Lang::Ru, NoteKind::Changed) => format!("Диспетчер изменил точку №{number} ({client})"),
    }
}

pub fn conflict_text(lang: Lang, kind: ConflictKind) -> &'static str {
    match (lang, kind) {
        (Lang::En, ConflictKind::NotYours) => {
            "This stop is no longer on your route: it was given to another courier or taken back. \
             Your close was not saved. Call the dispatcher."
        }
        (Lang::En, ConflictKind::Changed) => {
            "The dispatcher changed this stop meanwhile. Your close was not saved: \
             check the stop and close it again."
        }
        (Lang::En, ConflictKind::AlreadyClosed) => {
            "This stop was already closed, recalled or cancelled. Your close was not saved. \
             Call the dispatcher."
        }
        (Lang::En, ConflictKind::Refused) => "The server did not accept this close.",
        (Lang::Ru, ConflictKind::NotYours) => {
            "Этой точки больше нет в вашем маршруте: её передали другому курьеру или отозвали. \
             Ваша отметка не сохранена. Позвоните диспетчеру."
        }
        (Lang::Ru, ConflictKind::Changed) => {
            "Диспетчер изменил эту точку. Ваша отметка не сохранена: \
             проверьте точку и закройте её снова."
        }
        (Lang::Ru, ConflictKind::AlreadyClosed) => {
            "Эта точка уже закрыта, отозвана или отменена. Ваша отметка не сохранена. \
             Позвоните диспетчеру."
        }
        (Lang::Ru, ConflictKind::Refused) => "Сервер не принял отметку.",
    }
}

static EN: CourierTexts = CourierTexts {
    nav: "Route",
    title: "Today's route",
    tab_route: "Route",
    tab_summary: "Day summary",
    as_of: "Route as of",
    never_loaded: "The route has not been loaded yet",
    offline_hint: "No connection: this is the saved route. Your closes are kept on the phone and sent when the connection returns.",
    load_failed: "Could not update the route",
    empty: "No stops on your route today.",
    any_time: "any time",
    next: "Next",
    call: "Call",
    map: "Map",
    deliver: "Deliver",
    cash_due: "Cash to collect",
    invoiced: "No cash: invoiced (legal entity)",
    empties_expected: "Empties to collect",
    client_holds: "client holds",
    deposit_take: "Bottle deposit",
    deposit_back: "Deposit paid back",
    pay_back: "Cash paid back to the client",
    empties_short: "Fewer empties than expected: why?",
    short_next_time: "Will return next time",
    short_none: "Has no empties",
    short_placeholder: "Or type the reason",
    need_short_reason: "Say why fewer empties came back.",
    delivered_btn: "Delivered",
    failed_btn: "Not delivered",
    cash_collected: "Cash collected, ₽",
    empties_returned: "Empties returned",
    confirm_delivered: "Confirm delivery",
    confirm_failed: "Confirm: not delivered",
    back: "Back",
    fail_title: "Why was it not delivered?",
    other: "Other",
    other_placeholder: "What happened?",
    bad_cash: "Enter the amount in roubles, e.g. 250 or 250.50.",
    need_reason: "Choose a reason (for Other, say what happened).",
    undo: "Undo",
    sending: "Sending…",
    waiting_connection: "Saved on the phone: will be sent when the connection returns",
    delivered_at: "Delivered at",
    failed_title: "Not delivered",
    conflict_title: "Not saved",
    refused: "Server says",
    dismiss: "OK",
    summary_title: "Day summary",
    sum_delivered: "Delivered",
    sum_failed: "Not delivered",
    sum_left: "Left",
    sum_cash: "Cash collected",
    sum_empties: "Empties collected",
    sum_cash_left: "Cash still to collect",
    sum_unsent: "Not sent yet",
    less: "Less",
    more: "More",
    move_btn: "Move",
    move_title: "Move the delivery",
    later_today: "Later today",
    tomorrow: "Tomorrow",
    other_day: "Another day",
    window: "Window",
    confirm_move: "Confirm the move",
    need_move: "Choose a day, a window and a reason (for Other, say what happened).",
    moved_to: "Moved to",
    change_lines: "Change what is delivered",
    add_product: "Add from the price list",
    total: "Total",
    ordered: "Ordered",
    tab_tomorrow: "Tomorrow",
    tomorrow_title: "Tomorrow's route (read-only)",
    tomorrow_empty: "Nothing on tomorrow's route yet.",
    tomorrow_never: "Tomorrow's route has not been loaded yet: it needs a connection once.",
    loaded: "Loaded",
    load_stops: "Stops",
    load_water: "Water to load",
    load_goods: "Goods to load",
    sum_moved: "Moved to another day",
    nothing_delivered: "Nothing is left to deliver: use \"Not delivered\" or \"Move\" instead.",
    cash_title: "Cash to hand in",
    cash_client: "Client",
    cash_due_col: "Due",
    cash_got_col: "Collected",
    cash_amount: "Cash handed in, ₽",
    cash_submit: "Hand in the cash",
    cash_unsent: "Some closes have not reached the server yet: hand in the cash once they are sent.",
    cash_handed: "Handed in",
    cash_waiting: "waiting for the cashier",
    cash_received: "The cashier received",
    pay_how: "How the client paid",
    pay_cash: "Cash",
    pay_card: "Card",
    pay_sbp: "SBP",
    pay_split: "Split",
    paid_card: "Paid by card, ₽",
    paid_sbp: "Paid by SBP, ₽",
    debt_left: "Left owing:",
    owes: "owing",
    cash_other_col: "Card / SBP",
    cash_total: "Total",
};

static RU: CourierTexts = CourierTexts {
    nav: "Маршрут",
    title: "Маршрут на сегодня",
    tab_route: "Маршрут",
    tab_summary: "Итоги дня",
    as_of: "Маршрут на",
    never_loaded: "Маршрут ещё не загружен",
    offline_hint: "Нет связи: показан сохранённый маршрут. Ваши отметки хранятся в телефоне и уйдут, когда появится связь.",
    load_failed: "Не удалось обновить маршрут",
    empty: "На сегодня точек в маршруте нет.",
    any_time: "в любое время",
    next: "Следующая",
    call: "Позвонить",
    map: "Карта",
    deliver: "Привезти",
    cash_due: "Получить наличными",
    invoiced: "Без наличных: по счёту (юрлицо)",
    empties_expected: "Забрать пустых бутылей",
    client_holds: "у клиента",
    deposit_take: "Залог за тару",
    deposit_back: "Возврат залога",
    pay_back: "Выдать клиенту",
    empties_short: "Пустых меньше, чем ожидалось: почему?",
    short_next_time: "Вернёт в следующий раз",
    short_none: "Пустых бутылей нет",
    short_placeholder: "Или напишите причину",
    need_short_reason: "Укажите, почему пустых меньше.",
    delivered_btn: "Доставлено",
    failed_btn: "Не доставлено",
    cash_collected: "Получено наличными, ₽",
    empties_returned: "Вернули пустых бутылей",
    confirm_delivered: "Подтвердить доставку",
    confirm_failed: "Подтвердить: не доставлено",
    back: "Назад",
    fail_title: "Почему не доставлено?",
    other: "Другое",
    other_placeholder: "Что случилось?",
    bad_cash: "Введите сумму в рублях, например 250 или 250,50.",
    need_reason: "Выберите причину (для «Другое» напишите, что случилось).",
    undo: "Отменить",
    sending: "Отправка…",
    waiting_connection: "Сохранено в телефоне: уйдёт, когда появится связь",
    delivered_at: "Доставлено в",
    failed_title: "Не доставлены",
    conflict_title: "Не сохранено",
    refused: "Ответ сервера",
    dismiss: "Понятно",
    summary_title: "Итоги дня",
    sum_delivered: "Доставлено",
    sum_failed: "Не доставлено",
    sum_left: "Осталось",
    sum_cash: "Получено наличными",
    sum_empties: "Собрано пустых бутылей",
    sum_cash_left: "Ещё получить наличными",
    sum_unsent: "Ещё не отправлено",
    less: "Меньше",
    more: "Больше",
    move_btn: "Перенести",
    move_title: "Перенос доставки",
    later_today: "Сегодня позже",
    tomorrow: "Завтра",
    other_day: "Другой день",
    window: "Интервал",
    confirm_move: "Подтвердить перенос",
    need_move: "Выберите день, интервал и причину (для «Другое» напишите, что случилось).",
    moved_to: "Перенесено на",
    change_lines: "Изменить состав",
    add_product: "Добавить из прайса",
    total: "Итого",
    ordered: "Заказано",
    tab_tomorrow: "Завтра",
    tomorrow_title: "Маршрут на завтра (только просмотр)",
    tomorrow_empty: "На завтра точек пока нет.",
    tomorrow_never: "Маршрут на завтра ещё не загружен: нужна связь хотя бы раз.",
    loaded: "Загружен",
    load_stops: "Точек",
    load_water: "Воды загрузить",
    load_goods: "Товаров загрузить",
    sum_moved: "Перенесено на другой день",
    nothing_delivered: "Доставлять нечего: отметьте «Не доставлено» или «Перенести».",
    cash_title: "Сдача кассы",
    cash_client: "Клиент",
    cash_due_col: "К получению",
    cash_got_col: "Получено",
    cash_amount: "Сдаю наличными, ₽",
    cash_submit: "Сдать кассу",
    cash_unsent: "Не все отметки дошли до сервера: сдайте кассу, когда они уйдут.",
    cash_handed: "Сдано",
    cash_waiting: "ждёт кассира",
    cash_received: "Кассир принял",
    pay_how: "Как оплатил клиент",
    pay_cash: "Наличные",
    pay_card: "Карта",
    pay_sbp: "СБП",
    pay_split: "Частями",
    paid_card: "Оплачено картой, ₽",
    paid_sbp: "Оплачено по СБП, ₽",
    debt_left: "Останется долг",
    owes: "в долг",
    cash_other_col: "Карта / СБП",
    cash_total: "Итого",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(Lang::En, 20.0), "just now");
        assert_eq!(ago(Lang::En, 300.0), "5 min ago");
        assert_eq!(ago(Lang::Ru, 7_300.0), "2 ч назад");
        assert_eq!(ago(Lang::Ru, 2.0 * 86_400.0), "2 дня назад");
        assert_eq!(unsent(Lang::Ru, 2), "2 отметки ждут отправки");
        assert_eq!(unsent(Lang::Ru, 5), "5 отметок ждут отправки");
        assert_eq!(unsent(Lang::En, 1), "1 close waiting to be sent");
    }
}
