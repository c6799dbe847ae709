//! Text of standing orders on the client card (issue 23): the list, the
//! form that makes an order standing, skipping a date, pausing and ending;
//! English and Russian. The schedule's own words come from the server
//! (`described`) or from `rodnik_shared::standing::describe`.

use super::Lang;

pub struct StandingTexts {
    // the list
    pub title: &'static str,
    pub none: &'static str,
    pub any_time: &'static str,
    pub no_courier: &'static str,
    pub courier_inactive: &'static str,
    pub next: &'static str,
    pub no_dates: &'static str,
    pub generated: &'static str,
    pub not_generated: &'static str,
    pub skipped: &'static str,
    pub paused: &'static str,
    pub since: &'static str,
    pub until: &'static str,
    pub open_ended: &'static str,
    pub failed_for: &'static str,
    // the per-item actions
    pub skip: &'static str,
    pub skip_which: &'static str,
    pub skip_save: &'static str,
    pub pause: &'static str,
    pub pause_from: &'static str,
    pub pause_to: &'static str,
    pub reason: &'static str,
    pub pause_save: &'static str,
    pub end: &'static str,
    pub end_question: &'static str,
    pub end_yes: &'static str,
    pub end_no: &'static str,
    pub stale: &'static str,
    pub skipped_done: &'static str,
    pub paused_done: &'static str,
    pub ended_done: &'static str,
    // the form
    pub make: &'static str,
    pub form_title: &'static str,
    pub from_order: &'static str,
    pub address: &'static str,
    pub products: &'static str,
    pub product: &'static str,
    pub qty: &'static str,
    pub add_line: &'static str,
    pub remove_line: &'static str,
    pub window: &'static str,
    pub courier: &'static str,
    pub board: &'static str,
    pub note: &'static str,
    pub schedule: &'static str,
    pub weekly: &'static str,
    pub monthly: &'static str,
    pub weekdays: &'static str,
    pub every_weeks: &'static str,
    pub month_day: &'static str,
    pub starts_on: &'static str,
    pub ends_on: &'static str,
    pub submit: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub created: &'static str,
    pub bad_number: &'static str,
    pub no_lines: &'static str,
    /// Monday first.
    pub days: [&'static str; 7],
}

pub fn texts(lang: Lang) -> &'static StandingTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// The server's words for a refused schedule or date, in Russian when the
/// UI is (the server speaks English; the field is shown beside them).
pub fn server_message(lang: Lang, message: &str) -> String {
    let ru = match message {
        "at least one weekday is required" => "отметьте хотя бы один день недели",
        "must be from 1 to 8" => "от 1 до 8",
        "must be a day of the month from 1 to 31" => "число месяца от 1 до 31",
        "must not be before today" => "не раньше сегодняшнего дня",
        "must not be before the start date" => "не раньше даты начала",
        "must be a date YYYY-MM-DD" => "укажите дату",
        "never falls due between the start and the end date" => {
            "между датами начала и окончания нет ни одного дня по расписанию"
        }
        "must not be before the pause's first day" => "не раньше начала паузы",
        "must not be before today (end the standing order instead)" => {
            "не раньше сегодняшнего дня (или завершите постоянный заказ)"
        }
        _ => return message.to_string(),
    };
    match lang {
        Lang::Ru => ru.to_string(),
        Lang::En => message.to_string(),
    }
}

static EN: StandingTexts = StandingTexts {
    title: "Standing orders",
    none: "No standing orders.",
    any_time: "any time",
    no_courier: "no courier: dispatch from the board",
    courier_inactive: "(inactive)",
    next: "Next",
    no_dates: "no dates ahead",
    generated: "order made",
    not_generated: "not made yet",
    skipped: "skipped",
    paused: "paused",
    since: "from",
    until: "until",
    open_ended: "until ended",
    failed_for: "Could not make the order for",
    skip: "Skip date",
    skip_which: "Date to skip",
    skip_save: "Skip",
    pause: "Pause",
    pause_from: "From",
    pause_to: "To",
    reason: "Reason",
    pause_save: "Pause deliveries",
    end: "End",
    end_question: "End this standing order? Its orders not dispatched yet are cancelled.",
    end_yes: "Yes, end it",
    end_no: "No, keep it",
    stale: "The standing order changed meanwhile: here it is as it is now. Try again.",
    skipped_done: "Date skipped",
    paused_done: "Paused",
    ended_done: "Standing order ended.",
    make: "Make a standing order",
    form_title: "New standing order",
    from_order: "Filled in from order No.",
    address: "Address",
    products: "Products",
    product: "Product",
    qty: "Qty",
    add_line: "+ Product",
    remove_line: "Remove",
    window: "Time",
    courier: "Courier",
    board: "— none: from the board —",
    note: "Note",
    schedule: "Schedule",
    weekly: "Weekly",
    monthly: "Monthly",
    weekdays: "Days",
    every_weeks: "Every N weeks",
    month_day: "Day of the month",
    starts_on: "Starts",
    ends_on: "Ends (optional)",
    submit: "Make standing",
    saving: "Saving…",
    cancel: "Cancel",
    created: "Standing order set up",
    bad_number: "Type a number",
    no_lines: "Add at least one product.",
    days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
};

static RU: StandingTexts = StandingTexts {
    title: "Постоянные заказы",
    none: "Постоянных заказов нет.",
    any_time: "в любое время",
    no_courier: "без курьера: распределит диспетчер",
    courier_inactive: "(не работает)",
    next: "Ближайшие",
    no_dates: "ближайших дат нет",
    generated: "заказ создан",
    not_generated: "заказ ещё не создан",
    skipped: "пропуск",
    paused: "пауза",
    since: "с",
    until: "по",
    open_ended: "бессрочно",
    failed_for: "Не удалось создать заказ на",
    skip: "Пропустить",
    skip_which: "Какую дату пропустить",
    skip_save: "Пропустить",
    pause: "Пауза",
    pause_from: "С",
    pause_to: "По",
    reason: "Причина",
    pause_save: "Поставить на паузу",
    end: "Завершить",
    end_question:
        "Завершить постоянный заказ? Его заказы, ещё не переданные курьеру, будут отменены.",
    end_yes: "Да, завершить",
    end_no: "Нет, оставить",
    stale: "Постоянный заказ успели изменить: показан текущий. Повторите.",
    skipped_done: "Дата пропущена",
    paused_done: "Пауза установлена",
    ended_done: "Постоянный заказ завершён.",
    make: "Сделать постоянным",
    form_title: "Новый постоянный заказ",
    from_order: "Заполнено по заказу №",
    address: "Адрес",
    products: "Товары",
    product: "Товар",
    qty: "Кол-во",
    add_line: "+ Товар",
    remove_line: "Убрать",
    window: "Время",
    courier: "Курьер",
    board: "— без курьера —",
    note: "Комментарий",
    schedule: "Расписание",
    weekly: "По дням недели",
    monthly: "Раз в месяц",
    weekdays: "Дни",
    every_weeks: "Раз в N недель",
    month_day: "Число месяца",
    starts_on: "Начало",
    ends_on: "Окончание (необязательно)",
    submit: "Сделать постоянным",
    saving: "Сохраняем…",
    cancel: "Отмена",
    created: "Постоянный заказ создан",
    bad_number: "Введите число",
    no_lines: "Добавьте хотя бы один товар.",
    days: ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_schedule_errors_read_in_russian_and_others_pass_through() {
        assert_eq!(
            server_message(Lang::Ru, "at least one weekday is required"),
            "отметьте хотя бы один день недели"
        );
        assert_eq!(
            server_message(Lang::En, "at least one weekday is required"),
            "at least one weekday is required"
        );
        assert_eq!(server_message(Lang::Ru, "no such client"), "no such client");
    }
}
