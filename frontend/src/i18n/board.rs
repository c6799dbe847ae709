//! Text of the board screen, English and Russian (a typed table like the main one).

use super::Lang;

pub struct BoardTexts {
    pub nav: &'static str,
    pub title: &'static str,
}

pub fn texts(lang: Lang) -> &'static BoardTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

static EN: BoardTexts = BoardTexts {
    nav: "Board",
    title: "Dispatch board",
};

static RU: BoardTexts = BoardTexts {
    nav: "Доска",
    title: "Диспетчерская",
};
