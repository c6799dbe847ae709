//! UI text in English and Russian.
//!
//! A typed message table rather than Fluent: `fluent-bundle` 0.16 does build for
//! wasm32 (checked), but it adds about 200 KB raw / 77 KB gzip to the wasm and
//! finds a missing or misspelt message only at run time. Here every message is a
//! field, so a translation that is missing is a compile error; the one grammar
//! rule the console needs (Russian plurals) is `ru_plural`.

use rodnik_shared::{ClientKind, OrderState, Role};

pub mod account;
pub mod admin;
pub mod board;
pub mod client;
pub mod courier;
pub mod documents;
pub mod equipment;
pub mod geo;
pub mod money;
pub mod notify;
pub mod planning;
pub mod receipts;
pub mod rental;
pub mod reports;
pub mod standing;
pub mod wallboard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// `navigator.language` such as `ru-RU` or `en-GB`.
    pub fn from_browser(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ru,
            Lang::Ru => Lang::En,
        }
    }

    pub fn t(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Ru => &RU,
        }
    }
}

pub struct Texts {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    /// The language switch shows the language it switches to.
    pub switch_label: &'static str,
    pub switch_title: &'static str,
    pub login_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub wrong_credentials: &'static str,
    pub network_error: &'static str,
    pub logout: &'static str,
    pub today: &'static str,
    pub loading: &'static str,
    pub reload: &'static str,
    pub load_failed: &'static str,
    pub no_orders: &'static str,
    pub col_number: &'static str,
    pub col_client: &'static str,
    pub col_address: &'static str,
    pub col_window: &'static str,
    pub col_state: &'static str,
    pub col_courier: &'static str,
    pub col_total: &'static str,
    pub unassigned: &'static str,
    pub sum_label: &'static str,
    pub live_online: &'static str,
    pub live_connecting: &'static str,
    pub live_offline: &'static str,
    pub live_title: &'static str,
    pub not_found: &'static str,
    pub console: &'static str,
    pub console_hint: &'static str,
    pub shortcuts: &'static str,
    pub search_placeholder: &'static str,
    pub search_none: &'static str,
    pub search_failed: &'static str,
    pub new_client: &'static str,
    pub incoming_call: &'static str,
    pub call_ringing: &'static str,
    pub call_answered: &'static str,
    pub call_ended: &'static str,
    pub choose_client: &'static str,
    pub unknown_number: &'static str,
    pub call_waiting: &'static str,
    pub take_call: &'static str,
    pub close: &'static str,
    pub kind_individual: &'static str,
    pub kind_legal: &'static str,
    pub client_kind: &'static str,
    pub phones: &'static str,
    pub phones_hint: &'static str,
    pub bottles_held: &'static str,
    /// "deposit for N": bottles a deposit covers, on the card.
    pub deposit_for: &'static str,
    pub deposit: &'static str,
    pub deposit_refund: &'static str,
    /// "the rule: N"
    pub deposit_by_rule: &'static str,
    pub deposit_to_rule: &'static str,
    pub deposit_reason: &'static str,
    /// The order's total with its deposit.
    pub to_pay: &'static str,
    pub active_orders: &'static str,
    pub recent_orders: &'static str,
    pub no_orders_yet: &'static str,
    pub client_name: &'static str,
    pub address: &'static str,
    pub contact_name: &'static str,
    pub contact_phone: &'static str,
    pub add_address: &'static str,
    pub remove: &'static str,
    pub save_client: &'static str,
    pub saving: &'static str,
    pub order_title: &'static str,
    pub product: &'static str,
    pub price: &'static str,
    pub qty: &'static str,
    pub amount: &'static str,
    pub total: &'static str,
    pub contract_price: &'static str,
    pub delivery_date: &'static str,
    pub time_window: &'static str,
    pub any_time: &'static str,
    pub courier: &'static str,
    pub choose: &'static str,
    pub last_time: &'static str,
    pub note: &'static str,
    pub repeat_last: &'static str,
    pub save_dispatch: &'static str,
    pub missing_address: &'static str,
    pub missing_lines: &'static str,
    pub missing_date: &'static str,
    pub missing_courier: &'static str,
    pub order_word: &'static str,
    pub dispatched_to: &'static str,
    pub catalogue_failed: &'static str,
    pub required: &'static str,
    pub less: &'static str,
    pub more: &'static str,
    pub months: [&'static str; 12],
}

static EN: Texts = Texts {
    app_name: "Rodnik",
    app_tagline: "Water delivery dispatch",
    switch_label: "RU",
    switch_title: "Переключить на русский",
    login_title: "Sign in",
    username: "Username",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    wrong_credentials: "Wrong username or password.",
    network_error: "The server cannot be reached. Check the connection and try again.",
    logout: "Log out",
    today: "Today",
    loading: "Loading…",
    reload: "Reload",
    load_failed: "Could not load the orders",
    no_orders: "No orders for this day yet.",
    col_number: "No.",
    col_client: "Client",
    col_address: "Address",
    col_window: "Window",
    col_state: "State",
    col_courier: "Courier",
    col_total: "Total",
    unassigned: "—",
    sum_label: "Sum",
    live_online: "Live",
    live_connecting: "Connecting…",
    live_offline: "Offline",
    live_title: "Live updates from the server",
    not_found: "No such page.",
    console: "Console",
    console_hint: "Find a client or wait for a call. The caller pops up here.",
    shortcuts: "Alt+F search · Alt+N new client · Alt+R repeat last · Ctrl+Enter save & dispatch · Esc close",
    search_placeholder: "Find a client: phone, name or address",
    search_none: "Nobody found.",
    search_failed: "Search failed",
    new_client: "New client",
    incoming_call: "Incoming call",
    call_ringing: "ringing",
    call_answered: "on the line",
    call_ended: "ended",
    choose_client: "This number belongs to several clients. Choose one:",
    unknown_number: "Unknown number: register the client.",
    call_waiting: "Another call",
    take_call: "Switch to it",
    close: "Close",
    kind_individual: "Individual",
    kind_legal: "Legal entity",
    client_kind: "Client type",
    phones: "Phones",
    phones_hint: "several: separate with commas",
    bottles_held: "Bottles held",
    deposit_for: "deposit for",
    deposit: "Bottle deposit",
    deposit_refund: "Deposit paid back",
    deposit_by_rule: "the rule",
    deposit_to_rule: "As the rule says",
    deposit_reason: "Why not as the rule says",
    to_pay: "With the deposit",
    active_orders: "Open orders",
    recent_orders: "Recent orders",
    no_orders_yet: "No orders yet.",
    client_name: "Name",
    address: "Address",
    contact_name: "Contact person",
    contact_phone: "Contact phone",
    add_address: "+ Address",
    remove: "Remove",
    save_client: "Save client",
    saving: "Saving…",
    order_title: "New order",
    product: "Product",
    price: "Price",
    qty: "Qty",
    amount: "Amount",
    total: "Total",
    contract_price: "contract price",
    delivery_date: "Date",
    time_window: "Time",
    any_time: "Any time",
    courier: "Courier",
    choose: "— choose —",
    last_time: "last time",
    note: "Note",
    repeat_last: "Repeat last order",
    save_dispatch: "Save & dispatch",
    missing_address: "Choose an address.",
    missing_lines: "Add at least one product.",
    missing_date: "Choose a delivery date.",
    missing_courier: "Choose a courier to dispatch to.",
    order_word: "Order No.",
    dispatched_to: "dispatched to",
    catalogue_failed: "Could not load products and couriers",
    required: "Required.",
    less: "Less",
    more: "More",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
};

static RU: Texts = Texts {
    app_name: "Родник",
    app_tagline: "Диспетчерская доставки воды",
    switch_label: "EN",
    switch_title: "Switch to English",
    login_title: "Вход",
    username: "Логин",
    password: "Пароль",
    sign_in: "Войти",
    signing_in: "Вход…",
    wrong_credentials: "Неверный логин или пароль.",
    network_error: "Сервер недоступен. Проверьте связь и попробуйте ещё раз.",
    logout: "Выйти",
    today: "Сегодня",
    loading: "Загрузка…",
    reload: "Обновить",
    load_failed: "Не удалось загрузить заказы",
    no_orders: "На этот день заказов пока нет.",
    col_number: "№",
    col_client: "Клиент",
    col_address: "Адрес",
    col_window: "Время",
    col_state: "Статус",
    col_courier: "Курьер",
    col_total: "Сумма",
    unassigned: "—",
    sum_label: "Итого",
    live_online: "Онлайн",
    live_connecting: "Подключение…",
    live_offline: "Нет связи",
    live_title: "Обновления с сервера в реальном времени",
    not_found: "Такой страницы нет.",
    console: "Консоль",
    console_hint: "Найдите клиента или дождитесь звонка: звонящий появится здесь.",
    shortcuts: "Alt+F поиск · Alt+N новый клиент · Alt+R повторить · Ctrl+Enter сохранить и отправить · Esc закрыть",
    search_placeholder: "Поиск клиента: телефон, имя или адрес",
    search_none: "Никого не нашли.",
    search_failed: "Поиск не удался",
    new_client: "Новый клиент",
    incoming_call: "Входящий звонок",
    call_ringing: "звонит",
    call_answered: "на линии",
    call_ended: "завершён",
    choose_client: "Этот номер есть у нескольких клиентов. Выберите:",
    unknown_number: "Неизвестный номер: зарегистрируйте клиента.",
    call_waiting: "Ещё звонок",
    take_call: "Перейти",
    close: "Закрыть",
    kind_individual: "Физлицо",
    kind_legal: "Юрлицо",
    client_kind: "Тип клиента",
    phones: "Телефоны",
    phones_hint: "несколько — через запятую",
    bottles_held: "Бутылей у клиента",
    deposit_for: "залог за",
    deposit: "Залог за тару",
    deposit_refund: "Возврат залога",
    deposit_by_rule: "по правилу",
    deposit_to_rule: "По правилу",
    deposit_reason: "Почему не по правилу",
    to_pay: "С залогом",
    active_orders: "Открытые заказы",
    recent_orders: "Последние заказы",
    no_orders_yet: "Заказов ещё не было.",
    client_name: "Имя или название",
    address: "Адрес",
    contact_name: "Контактное лицо",
    contact_phone: "Телефон контакта",
    add_address: "+ Адрес",
    remove: "Удалить",
    save_client: "Сохранить клиента",
    saving: "Сохранение…",
    order_title: "Новый заказ",
    product: "Товар",
    price: "Цена",
    qty: "Кол-во",
    amount: "Сумма",
    total: "Итого",
    contract_price: "договорная цена",
    delivery_date: "Дата",
    time_window: "Время",
    any_time: "В любое время",
    courier: "Курьер",
    choose: "— выберите —",
    last_time: "в прошлый раз",
    note: "Комментарий",
    repeat_last: "Повторить последний заказ",
    save_dispatch: "Сохранить и отправить",
    missing_address: "Выберите адрес.",
    missing_lines: "Добавьте хотя бы один товар.",
    missing_date: "Укажите дату доставки.",
    missing_courier: "Выберите курьера.",
    order_word: "Заказ №",
    dispatched_to: "передан курьеру",
    catalogue_failed: "Не удалось загрузить товары и курьеров",
    required: "Обязательное поле.",
    less: "Меньше",
    more: "Больше",
    // Genitive: "27 ноября 2025".
    months: [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
};

pub fn state_label(lang: Lang, state: OrderState) -> &'static str {
    match (lang, state) {
        (Lang::En, OrderState::New) => "New",
        (Lang::En, OrderState::Delivery) => "Out for delivery",
        (Lang::En, OrderState::Delivered) => "Delivered",
        (Lang::En, OrderState::Cancelled) => "Cancelled",
        (Lang::Ru, OrderState::New) => "Новый",
        (Lang::Ru, OrderState::Delivery) => "В доставке",
        (Lang::Ru, OrderState::Delivered) => "Доставлен",
        (Lang::Ru, OrderState::Cancelled) => "Отменён",
    }
}

pub fn kind_label(lang: Lang, kind: ClientKind) -> &'static str {
    match kind {
        ClientKind::Individual => lang.t().kind_individual,
        ClientKind::Legal => lang.t().kind_legal,
    }
}

pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::En, Role::Admin) => "administrator",
        (Lang::En, Role::Manager) => "manager",
        (Lang::En, Role::Operator) => "operator",
        (Lang::En, Role::Courier) => "courier",
        (Lang::Ru, Role::Admin) => "администратор",
        (Lang::Ru, Role::Manager) => "менеджер",
        (Lang::Ru, Role::Operator) => "оператор",
        (Lang::Ru, Role::Courier) => "курьер",
    }
}

/// "12 orders" / "12 заказов".
pub fn orders_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En if n == 1 => "1 order".to_string(),
        Lang::En => format!("{n} orders"),
        Lang::Ru => format!("{n} {}", ru_plural(n, ["заказ", "заказа", "заказов"])),
    }
}

/// Russian plural forms: [one, few, many] as in 1 заказ, 2 заказа, 5 заказов.
pub fn ru_plural(n: usize, forms: [&'static str; 3]) -> &'static str {
    let (n10, n100) = (n % 10, n % 100);
    if n10 == 1 && n100 != 11 {
        forms[0]
    } else if (2..=4).contains(&n10) && !(12..=14).contains(&n100) {
        forms[1]
    } else {
        forms[2]
    }
}

/// `2025-11-27` as "27 November 2025" / "27 ноября 2025"; anything else as is.
pub fn long_date(lang: Lang, iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(str::parse::<usize>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) if (1..=12).contains(&m) => {
            format!("{d} {} {y}", lang.t().months[m - 1])
        }
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plurals_follow_the_last_digits() {
        let f = |n| orders_count(Lang::Ru, n);
        assert_eq!(f(1), "1 заказ");
        assert_eq!(f(3), "3 заказа");
        assert_eq!(f(5), "5 заказов");
        assert_eq!(f(11), "11 заказов");
        assert_eq!(f(12), "12 заказов");
        assert_eq!(f(21), "21 заказ");
        assert_eq!(f(104), "104 заказа");
        assert_eq!(f(0), "0 заказов");
        assert_eq!(orders_count(Lang::En, 1), "1 order");
        assert_eq!(orders_count(Lang::En, 2), "2 orders");
    }

    #[test]
    fn browser_language_picks_russian_only_for_ru() {
        assert_eq!(Lang::from_browser("ru-RU"), Lang::Ru);
        assert_eq!(Lang::from_browser("RU"), Lang::Ru);
        assert_eq!(Lang::from_browser("en-US"), Lang::En);
        assert_eq!(Lang::from_browser("uk-UA"), Lang::En);
        assert_eq!(Lang::from_browser(""), Lang::En);
    }

    #[test]
    fn long_dates_use_month_names() {
        assert_eq!(long_date(Lang::En, "2025-11-27"), "27 November 2025");
        assert_eq!(long_date(Lang::Ru, "2025-03-01"), "1 марта 2025");
        assert_eq!(long_date(Lang::Ru, "garbage"), "garbage");
    }
}
