//! Text of address points (issue 21, item 1), English and Russian: the
//! card's "no point on the map" flag, the map picker, the geocoder's
//! answers, and the company form's geocoder block.

use rodnik_shared::api::{GeoQuality, GeocoderProvider};

use super::Lang;

pub struct GeoTexts {
    // the card
    pub no_point: &'static str,
    pub no_point_title: &'static str,
    pub on_map: &'static str,
    pub manual: &'static str,
    // the picker
    pub map_title: &'static str,
    pub lat: &'static str,
    pub lon: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub north: &'static str,
    pub south: &'static str,
    pub west: &'static str,
    pub east: &'static str,
    pub click_hint: &'static str,
    pub no_point_yet: &'static str,
    pub find: &'static str,
    pub finding: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub close: &'static str,
    pub bad_lat: &'static str,
    pub bad_lon: &'static str,
    pub found: &'static str,
    pub found_saved: &'static str,
    pub rough: &'static str,
    pub geocoder_off: &'static str,
    pub not_found: &'static str,
    pub upstream: &'static str,
    pub stale: &'static str,
    pub attribution: &'static str,
    // the company form
    pub g_title: &'static str,
    pub g_hint: &'static str,
    pub g_enabled: &'static str,
    pub g_provider: &'static str,
    pub g_url: &'static str,
    pub g_url_hint: &'static str,
    pub g_key: &'static str,
    pub g_key_set: &'static str,
    pub g_secret: &'static str,
    pub g_secret_set: &'static str,
    pub g_city: &'static str,
    pub g_city_hint: &'static str,
    pub no_spaces: &'static str,
}

pub fn texts(lang: Lang) -> &'static GeoTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// How precisely the geocoder placed an address.
pub fn quality_label(lang: Lang, q: GeoQuality) -> &'static str {
    match (lang, q) {
        (Lang::Ru, GeoQuality::House) => "дом",
        (Lang::Ru, GeoQuality::Near) => "ближайший дом",
        (Lang::Ru, GeoQuality::Street) => "только улица",
        (Lang::Ru, GeoQuality::Locality) => "только город",
        (Lang::En, GeoQuality::House) => "house",
        (Lang::En, GeoQuality::Near) => "nearest house",
        (Lang::En, GeoQuality::Street) => "street only",
        (Lang::En, GeoQuality::Locality) => "city only",
    }
}

pub fn quality_code(q: GeoQuality) -> &'static str {
    match q {
        GeoQuality::House => "house",
        GeoQuality::Near => "near",
        GeoQuality::Street => "street",
        GeoQuality::Locality => "locality",
    }
}

pub fn provider_code(p: GeocoderProvider) -> &'static str {
    match p {
        GeocoderProvider::Dadata => "dadata",
        GeocoderProvider::Yandex => "yandex",
    }
}

pub fn provider_label(lang: Lang, p: GeocoderProvider) -> &'static str {
    match (lang, p) {
        (_, GeocoderProvider::Dadata) => "DaData",
        (Lang::Ru, GeocoderProvider::Yandex) => "Яндекс",
        (Lang::En, GeocoderProvider::Yandex) => "Yandex",
    }
}

static RU: GeoTexts = GeoTexts {
    no_point: "нет точки на карте",
    no_point_title:
        "Маршрут не знает, где этот адрес: его поставят в конец. Поставьте точку на карте.",
    on_map: "На карте",
    manual: "точка поставлена вручную",
    map_title: "Точка адреса",
    lat: "Широта",
    lon: "Долгота",
    zoom_in: "Крупнее",
    zoom_out: "Мельче",
    north: "Север",
    south: "Юг",
    west: "Запад",
    east: "Восток",
    click_hint: "Щёлкните по карте, чтобы поставить точку, или введите координаты.",
    no_point_yet: "Точка не задана",
    find: "Найти",
    finding: "Ищем…",
    save: "Сохранить точку",
    saving: "Сохраняем…",
    close: "Закрыть",
    bad_lat: "Широта: число от -90 до 90.",
    bad_lon: "Долгота: число от -180 до 180.",
    found: "Найдено",
    found_saved: "точка сохранена",
    rough: "точка неточная: уточните на карте",
    geocoder_off: "Геокодер не настроен (Администрирование → Реквизиты компании).",
    not_found: "Геокодер не нашёл этот адрес.",
    upstream: "Геокодер не ответил",
    stale: "Клиента только что изменили: карточка обновлена, сохраните точку ещё раз.",
    attribution: "© участники OpenStreetMap",
    g_title: "Геокодер (DaData / Яндекс)",
    g_hint: "Ставит адреса на карту по тексту, чтобы маршрут знал, куда ехать.",
    g_enabled: "Искать точки новых и изменённых адресов",
    g_provider: "Сервис",
    g_url: "Адрес API",
    g_url_hint: "пусто: адрес сервиса по умолчанию",
    g_key: "API-ключ",
    g_key_set: "ключ задан",
    g_secret: "Секретный ключ (DaData)",
    g_secret_set: "секретный ключ задан",
    g_city: "Город",
    g_city_hint: "для адресов без города: Москва",
    no_spaces: "Без пробелов.",
};

static EN: GeoTexts = GeoTexts {
    no_point: "no point on the map",
    no_point_title:
        "The route does not know where this address is: it goes last. Put a point on the map.",
    on_map: "On the map",
    manual: "point set by hand",
    map_title: "The address's point",
    lat: "Latitude",
    lon: "Longitude",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    north: "North",
    south: "South",
    west: "West",
    east: "East",
    click_hint: "Click the map to put the point, or type the coordinates.",
    no_point_yet: "No point yet",
    find: "Find",
    finding: "Finding…",
    save: "Save the point",
    saving: "Saving…",
    close: "Close",
    bad_lat: "Latitude: a number from -90 to 90.",
    bad_lon: "Longitude: a number from -180 to 180.",
    found: "Found",
    found_saved: "point saved",
    rough: "a rough point: put it exactly on the map",
    geocoder_off: "No geocoder is set up (Administration → Company).",
    not_found: "The geocoder did not find this address.",
    upstream: "The geocoder failed",
    stale: "The client was just changed: the card is reloaded, save the point again.",
    attribution: "© OpenStreetMap contributors",
    g_title: "Geocoder (DaData / Yandex)",
    g_hint: "Puts addresses on the map from their text, so routes know where to go.",
    g_enabled: "Place new and changed addresses",
    g_provider: "Service",
    g_url: "API address",
    g_url_hint: "empty: the service's own",
    g_key: "API key",
    g_key_set: "key set",
    g_secret: "Secret key (DaData)",
    g_secret_set: "secret key set",
    g_city: "City",
    g_city_hint: "for addresses without a city: Moscow",
    no_spaces: "No spaces.",
};
