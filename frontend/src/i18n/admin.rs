//! Text of the admin screen, English and Russian (a typed table like the main one).

use super::Lang;

pub struct AdminTexts {
    pub nav: &'static str,
    pub title: &'static str,
}

pub fn texts(lang: Lang) -> &'static AdminTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

static EN: AdminTexts = AdminTexts {
    nav: "Admin",
    title: "Administration",
};

static RU: AdminTexts = AdminTexts {
    nav: "Настройки",
    title: "Администрирование",
};
