//! UI text in English and Russian.
//!
//! A typed message table rather than Fluent: `fluent-bundle` 0.16 does build for
//! wasm32 (checked), but it adds about 200 KB raw / 77 KB gzip to the wasm and
//! finds a missing or misspelt message only at run time. Here every message is a
//! field, so a translation that is missing is a compile error; the one grammar
//! rule the console needs (Russian plurals) is `ru_plural`.

use rodnik_shared::{OrderState, Role};

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
