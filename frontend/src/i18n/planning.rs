//! Text of route planning (issue 21), English and Russian: the planning
//! settings, "Оптимизировать день" on the board with its progress and
//! preview, pinned stops, expected arrivals (board, courier, wallboard) and
//! the order form's delivery windows. Russian in the companies' words:
//! окно доставки, курьер, маршрут, пробег, опоздание.

use rodnik_shared::api::SlotReason;

use super::{ru_plural, Lang};

pub struct PlanningTexts {
    // Administration → Маршруты
    pub tab: &'static str,
    pub s_hint: &'static str,
    pub depots: &'static str,
    pub depot_name: &'static str,
    pub depot_default_name: &'static str,
    pub add_depot: &'static str,
    pub remove: &'static str,
    pub on_map: &'static str,
    pub hide_map: &'static str,
    pub no_depots: &'static str,
    pub shift: &'static str,
    pub shift_start: &'static str,
    pub shift_end: &'static str,
    pub break_from: &'static str,
    pub break_to: &'static str,
    pub break_minutes: &'static str,
    pub break_hint: &'static str,
    pub load: &'static str,
    pub capacity: &'static str,
    pub reload_minutes: &'static str,
    pub service: &'static str,
    pub stop_seconds: &'static str,
    pub per_bottle_seconds: &'static str,
    pub per_floor_seconds: &'static str,
    pub couriers: &'static str,
    pub couriers_hint: &'static str,
    pub c_courier: &'static str,
    pub c_depot: &'static str,
    pub c_start: &'static str,
    pub c_end: &'static str,
    pub c_capacity: &'static str,
    pub c_off: &'static str,
    pub company_default: &'static str,
    pub travel: &'static str,
    pub model: &'static str,
    pub model_straight: &'static str,
    pub model_osrm: &'static str,
    pub road_factor: &'static str,
    pub parking_seconds: &'static str,
    pub speeds: &'static str,
    pub from_hour: &'static str,
    pub kmh: &'static str,
    pub add_speed: &'static str,
    pub osrm_url: &'static str,
    pub calibrate: &'static str,
    pub calibrating: &'static str,
    pub calibrate_apply: &'static str,
    pub calibrate_few: &'static str,
    pub risk_minutes: &'static str,
    pub risk_hint: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub not_int: &'static str,
    pub not_number: &'static str,
    pub not_time: &'static str,
    // The board: optimising a day
    pub optimise: &'static str,
    pub optimise_title: &'static str,
    pub o_couriers: &'static str,
    pub o_no_stops: &'static str,
    pub o_off: &'static str,
    pub o_none_chosen: &'static str,
    pub o_time_limit: &'static str,
    pub o_reassign: &'static str,
    pub o_reassign_off: &'static str,
    pub o_start: &'static str,
    pub o_starting: &'static str,
    pub o_running: &'static str,
    pub o_cancel: &'static str,
    pub o_close: &'static str,
    pub o_failed: &'static str,
    pub o_cancelled: &'static str,
    pub o_already_running: &'static str,
    pub o_now: &'static str,
    pub o_after: &'static str,
    pub o_change: &'static str,
    pub o_km: &'static str,
    pub o_hours: &'static str,
    pub o_late: &'static str,
    pub o_couriers_row: &'static str,
    pub o_moved_from: &'static str,
    pub o_was_pos: &'static str,
    pub o_reload: &'static str,
    pub o_break: &'static str,
    pub o_depot: &'static str,
    pub o_unplaced: &'static str,
    pub o_unassigned: &'static str,
    pub o_map: &'static str,
    pub o_accept: &'static str,
    pub o_accepting: &'static str,
    pub o_accepted: &'static str,
    pub o_skipped: &'static str,
    pub o_skip_changed: &'static str,
    pub o_skip_not_on_route: &'static str,
    // Pinned stops
    pub pin: &'static str,
    pub unpin: &'static str,
    pub pinned: &'static str,
    // Expected arrivals
    pub eta: &'static str,
    pub at_risk: &'static str,
    pub risk_title: &'static str,
    pub risk_none: &'static str,
    // The order form's windows
    pub slots_title: &'static str,
    pub slots_loading: &'static str,
    pub slots_none: &'static str,
    pub slots_error: &'static str,
    pub slot_best: &'static str,
    pub slot_chosen: &'static str,
    pub slot_hint: &'static str,
    pub slot_taken: &'static str,
}

pub fn texts(lang: Lang) -> &'static PlanningTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// Why a window cannot be promised.
pub fn slot_reason(lang: Lang, r: SlotReason) -> &'static str {
    match (lang, r) {
        (Lang::Ru, SlotReason::Past) => "уже прошло",
        (Lang::Ru, SlotReason::Full) => "курьеры не успевают",
        (Lang::Ru, SlotReason::NoCourier) => "нет курьеров",
        (Lang::Ru, SlotReason::NoPoint) => "адрес без точки на карте",
        (Lang::En, SlotReason::Past) => "already over",
        (Lang::En, SlotReason::Full) => "no courier can fit it in",
        (Lang::En, SlotReason::NoCourier) => "no courier works",
        (Lang::En, SlotReason::NoPoint) => "the address has no point on the map",
    }
}

pub fn slot_reason_code(r: SlotReason) -> &'static str {
    match r {
        SlotReason::Past => "past",
        SlotReason::Full => "full",
        SlotReason::NoCourier => "no_courier",
        SlotReason::NoPoint => "no_point",
    }
}

/// A day of the windows list: "пн 07.12" / "Mon 07.12"; "сегодня" and
/// "завтра" for those.
pub fn day_label(lang: Lang, iso: &str, today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let Some(d) = crate::clock::parse_date(iso) else {
        return iso.to_string();
    };
    let n = d.weekday().num_days_from_monday() as usize;
    let wd = match lang {
        Lang::Ru => ["пн", "вт", "ср", "чт", "пт", "сб", "вс"][n],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][n],
    };
    let rel = match ((d - today).num_days(), lang) {
        (0, Lang::Ru) => Some("сегодня"),
        (1, Lang::Ru) => Some("завтра"),
        (0, Lang::En) => Some("today"),
        (1, Lang::En) => Some("tomorrow"),
        _ => None,
    };
    let date = format!("{wd} {:02}.{:02}", d.day(), d.month());
    match rel {
        Some(r) => format!("{r}, {date}"),
        None => date,
    }
}

/// "была 3-й" / "was #3": a stop's place on a route before the plan.
pub fn was_pos(lang: Lang, pos: u32) -> String {
    match lang {
        Lang::Ru => format!("была {pos}-й"),
        Lang::En => format!("was #{pos}"),
    }
}

/// What a fit found: "412 поездок (330 для подбора, 82 для проверки):
/// ошибка 31% → 14%".
pub fn calibration(lang: Lang, r: &rodnik_shared::api::CalibrationReport) -> String {
    let after = r.held_out_error_pct.unwrap_or(r.fit_error_pct);
    match lang {
        Lang::Ru => format!(
            "{} {} ({} для подбора, {} для проверки, {} выбросов): ошибка {:.0}% → {:.0}%; коэффициент дороги {}, парковка {} с",
            r.samples,
            ru_plural(r.samples as usize, ["поездка", "поездки", "поездок"]),
            r.fitted, r.held_out, r.outliers, r.before_error_pct, after,
            decimal(lang, r.road_factor), r.parking_seconds
        ),
        Lang::En => format!(
            "{} trips ({} fitted, {} held out, {} outliers): error {:.0}% → {:.0}%; road factor {}, parking {} s",
            r.samples, r.fitted, r.held_out, r.outliers, r.before_error_pct, after,
            decimal(lang, r.road_factor), r.parking_seconds
        ),
    }
}

/// "3 stops" / "3 точки".
pub fn stops(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{n} {}", if n == 1 { "stop" } else { "stops" }),
        Lang::Ru => format!("{n} {}", ru_plural(n, ["точка", "точки", "точек"])),
    }
}

/// A decimal with one digit, in the language's way: 12,5 / 12.5.
pub fn decimal(lang: Lang, v: f64) -> String {
    let s = format!("{v:.1}");
    match lang {
        Lang::Ru => s.replace('.', ","),
        Lang::En => s,
    }
}

/// "12,5 км" / "12.5 km".
pub fn km(lang: Lang, v: f64) -> String {
    match lang {
        Lang::Ru => format!("{} км", decimal(lang, v)),
        Lang::En => format!("{} km", decimal(lang, v)),
    }
}

/// Hours as "7 ч 05 мин" / "7 h 05 min".
pub fn hours(lang: Lang, h: f64) -> String {
    let total = (h * 60.0).round().max(0.0) as i64;
    let (hh, mm) = (total / 60, total % 60);
    match lang {
        Lang::Ru => format!("{hh} ч {mm:02} мин"),
        Lang::En => format!("{hh} h {mm:02} min"),
    }
}

/// "−3,2 км" with the sign always shown (a minus sign, not a hyphen).
pub fn signed(lang: Lang, v: f64, unit: &str) -> String {
    let sign = if v < -0.05 {
        "−"
    } else if v > 0.05 {
        "+"
    } else {
        ""
    };
    format!("{sign}{} {unit}", decimal(lang, v.abs()))
        .trim_end()
        .to_string()
}

/// "5 s" / "5 с" for the time limit's options.
pub fn seconds(lang: Lang, s: u64) -> String {
    match lang {
        Lang::Ru => format!("{s} с"),
        Lang::En => format!("{s} s"),
    }
}

/// The progress line: "43% · 4,2 с".
pub fn progress(lang: Lang, percent: u32, elapsed_ms: u64) -> String {
    let s = elapsed_ms as f64 / 1000.0;
    match lang {
        Lang::Ru => format!("{percent}% · {} с", decimal(lang, s)),
        Lang::En => format!("{percent}% · {} s", decimal(lang, s)),
    }
}

/// "опоздание 25 мин" / "25 min late".
pub fn late_by(lang: Lang, minutes: u32) -> String {
    match lang {
        Lang::Ru => format!("опоздание {minutes} мин"),
        Lang::En => format!("{minutes} min late"),
    }
}

/// "+12 мин к маршруту" / "+12 min to the route".
pub fn added_minutes(lang: Lang, minutes: u32) -> String {
    match lang {
        Lang::Ru => format!("+{minutes} мин к маршруту"),
        Lang::En => format!("+{minutes} min to the route"),
    }
}

/// "Маршруты обновлены: 7 точек" / "Routes updated: 7 stops".
pub fn applied(lang: Lang, n: u32) -> String {
    format!("{}: {}", texts(lang).o_accepted, stops(lang, n as usize))
}

static RU: PlanningTexts = PlanningTexts {
    tab: "Маршруты",
    s_hint: "Откуда выезжают курьеры, когда работают, сколько везут и как быстро едут: по этим данным строятся маршруты, окна доставки и время прибытия.",
    depots: "Склады",
    depot_name: "Название",
    depot_default_name: "Склад",
    add_depot: "+ Склад",
    remove: "Убрать",
    on_map: "На карте",
    hide_map: "Скрыть карту",
    no_depots: "Склада нет: день курьера начинается с первой точки.",
    shift: "Смена",
    shift_start: "Начало",
    shift_end: "Конец",
    break_from: "Перерыв с",
    break_to: "начать до",
    break_minutes: "Перерыв, мин",
    break_hint: "Перерыв начинается в этом промежутке; 0 — без перерыва.",
    load: "Машина",
    capacity: "Вместимость, бутылей 19 л",
    reload_minutes: "Загрузка на складе, мин",
    service: "Время на точке",
    stop_seconds: "На точке, с",
    per_bottle_seconds: "На бутыль, с",
    per_floor_seconds: "На этаж без лифта, с",
    couriers: "Курьеры",
    couriers_hint: "Пусто — как у компании. «Не работает»: курьер не попадает в маршруты и окна доставки.",
    c_courier: "Курьер",
    c_depot: "Склад",
    c_start: "Начало",
    c_end: "Конец",
    c_capacity: "Вместимость",
    c_off: "Не работает",
    company_default: "как у компании",
    travel: "Дорога",
    model: "Расчёт времени в пути",
    model_straight: "По прямой × коэффициент дороги",
    model_osrm: "OSRM (по дорогам)",
    road_factor: "Коэффициент дороги",
    parking_seconds: "Парковка, с",
    speeds: "Скорость по часам",
    from_hour: "С часа",
    kmh: "км/ч",
    add_speed: "+ Час",
    osrm_url: "Адрес сервера OSRM",
    calibrate: "Подобрать по поездкам курьеров (90 дней)",
    calibrating: "Считаем…",
    calibrate_apply: "Взять эти скорости",
    calibrate_few: "Мало поездок для подбора: нужно хотя бы 30 в одном часовом промежутке.",
    risk_minutes: "Предупреждать об опоздании за, мин",
    risk_hint: "Точка «под угрозой», если курьер приедет позже конца окна минус это время.",
    save: "Сохранить",
    saving: "Сохраняем…",
    saved: "Сохранено",
    not_int: "Целое число.",
    not_number: "Число.",
    not_time: "Время ЧЧ:ММ.",
    optimise: "Оптимизировать день",
    optimise_title: "Оптимизация маршрутов",
    o_couriers: "Курьеры",
    o_no_stops: "нет точек",
    o_off: "не работает",
    o_none_chosen: "Выберите хотя бы одного курьера.",
    o_time_limit: "Время на поиск",
    o_reassign: "Можно передавать точки между курьерами",
    o_reassign_off: "только порядок точек каждого курьера",
    o_start: "Оптимизировать",
    o_starting: "Запускаем…",
    o_running: "Ищем лучшие маршруты…",
    o_cancel: "Отмена",
    o_close: "Закрыть",
    o_failed: "Не удалось построить маршруты",
    o_cancelled: "Оптимизация отменена.",
    o_already_running: "Для этого дня оптимизация уже идёт: показываем её.",
    o_now: "Сейчас",
    o_after: "После",
    o_change: "Разница",
    o_km: "Пробег",
    o_hours: "Рабочее время",
    o_late: "Опоздания",
    o_couriers_row: "Курьеров",
    o_moved_from: "от",
    o_was_pos: "было",
    o_reload: "загрузка на складе",
    o_break: "перерыв",
    o_depot: "склад",
    o_unplaced: "Без точки на карте (останутся в конце маршрута)",
    o_unassigned: "Никто не успевает (останутся как есть)",
    o_map: "Маршруты на карте",
    o_accept: "Принять",
    o_accepting: "Применяем…",
    o_accepted: "Маршруты обновлены",
    o_skipped: "Не изменены (их успели поменять)",
    o_skip_changed: "заказ изменили",
    o_skip_not_on_route: "уже не в маршруте",
    pin: "Закрепить за курьером",
    unpin: "Открепить",
    pinned: "закреплён за курьером: оптимизация его не переносит",
    eta: "Прибытие",
    at_risk: "под угрозой опоздания",
    risk_title: "Под угрозой опоздания",
    risk_none: "Все успевают",
    slots_title: "Окна доставки",
    slots_loading: "Подбираем окна…",
    slots_none: "Свободных окон нет",
    slots_error: "Окна не подобрать",
    slot_best: "лучшее",
    slot_chosen: "выбрано",
    slot_hint: "Выберите окно: дата, окно и курьер заполнятся сами.",
    slot_taken: "Окно уже занято",
};

static EN: PlanningTexts = PlanningTexts {
    tab: "Routes",
    s_hint: "Where couriers start, when they work, what a van carries and how fast it goes: routes, delivery windows and arrival times are built on these.",
    depots: "Depots",
    depot_name: "Name",
    depot_default_name: "Depot",
    add_depot: "+ Depot",
    remove: "Remove",
    on_map: "On the map",
    hide_map: "Hide the map",
    no_depots: "No depot: a courier's day starts at their first stop.",
    shift: "Shift",
    shift_start: "Start",
    shift_end: "End",
    break_from: "Break from",
    break_to: "starting by",
    break_minutes: "Break, min",
    break_hint: "The break starts within this span; 0 for none.",
    load: "The van",
    capacity: "Capacity, 19 L bottles",
    reload_minutes: "Loading at the depot, min",
    service: "Time at a stop",
    stop_seconds: "Per stop, s",
    per_bottle_seconds: "Per bottle, s",
    per_floor_seconds: "Per floor without a lift, s",
    couriers: "Couriers",
    couriers_hint: "Empty: as the company's. \"Off\": left out of routes and delivery windows.",
    c_courier: "Courier",
    c_depot: "Depot",
    c_start: "Start",
    c_end: "End",
    c_capacity: "Capacity",
    c_off: "Off",
    company_default: "company's",
    travel: "Travel",
    model: "Travel times",
    model_straight: "Straight line × road factor",
    model_osrm: "OSRM (road network)",
    road_factor: "Road factor",
    parking_seconds: "Parking, s",
    speeds: "Speed by hour",
    from_hour: "From hour",
    kmh: "km/h",
    add_speed: "+ Hour",
    osrm_url: "OSRM server address",
    calibrate: "Fit to the couriers' trips (90 days)",
    calibrating: "Fitting…",
    calibrate_apply: "Take these speeds",
    calibrate_few: "Not enough trips to fit: at least 30 in one band of hours are needed.",
    risk_minutes: "Warn of lateness, min ahead",
    risk_hint: "A stop is at risk when the courier is expected later than its window's end minus this.",
    save: "Save",
    saving: "Saving…",
    saved: "Saved",
    not_int: "A whole number.",
    not_number: "A number.",
    not_time: "A time HH:MM.",
    optimise: "Optimise the day",
    optimise_title: "Optimising the routes",
    o_couriers: "Couriers",
    o_no_stops: "no stops",
    o_off: "off",
    o_none_chosen: "Choose at least one courier.",
    o_time_limit: "Search time",
    o_reassign: "Stops may move between couriers",
    o_reassign_off: "only each courier's order",
    o_start: "Optimise",
    o_starting: "Starting…",
    o_running: "Looking for better routes…",
    o_cancel: "Cancel",
    o_close: "Close",
    o_failed: "The routes could not be planned",
    o_cancelled: "Optimisation cancelled.",
    o_already_running: "This day is being optimised already: showing that.",
    o_now: "Now",
    o_after: "After",
    o_change: "Change",
    o_km: "Distance",
    o_hours: "Working time",
    o_late: "Late stops",
    o_couriers_row: "Couriers",
    o_moved_from: "from",
    o_was_pos: "was",
    o_reload: "loading at the depot",
    o_break: "break",
    o_depot: "depot",
    o_unplaced: "No point on the map (stay at the end of the route)",
    o_unassigned: "Nobody can make it (stay as they are)",
    o_map: "The routes on the map",
    o_accept: "Accept",
    o_accepting: "Applying…",
    o_accepted: "Routes updated",
    o_skipped: "Not changed (changed meanwhile)",
    o_skip_changed: "the order changed",
    o_skip_not_on_route: "no longer on a route",
    pin: "Pin to the courier",
    unpin: "Unpin",
    pinned: "pinned to the courier: optimising does not move it",
    eta: "Arrival",
    at_risk: "at risk of being late",
    risk_title: "At risk of being late",
    risk_none: "Everyone is on time",
    slots_title: "Delivery windows",
    slots_loading: "Finding windows…",
    slots_none: "No free windows",
    slots_error: "Windows could not be found",
    slot_best: "best",
    slot_chosen: "chosen",
    slot_hint: "Choose a window: the date, window and courier fill in.",
    slot_taken: "The window was taken",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(km(Lang::Ru, 12.34), "12,3 км");
        assert_eq!(km(Lang::En, 12.36), "12.4 km");
        assert_eq!(hours(Lang::Ru, 7.5), "7 ч 30 мин");
        assert_eq!(hours(Lang::En, 0.08), "0 h 05 min");
        assert_eq!(signed(Lang::Ru, -3.21, "км"), "−3,2 км");
        assert_eq!(signed(Lang::En, 1.0, "km"), "+1.0 km");
        assert_eq!(signed(Lang::En, 0.0, "km"), "0.0 km");
        assert_eq!(progress(Lang::Ru, 43, 4_210), "43% · 4,2 с");
        assert_eq!(stops(Lang::Ru, 5), "5 точек");
        assert_eq!(stops(Lang::Ru, 2), "2 точки");
        assert_eq!(applied(Lang::Ru, 1), "Маршруты обновлены: 1 точка");
        assert_eq!(late_by(Lang::Ru, 25), "опоздание 25 мин");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        assert_eq!(day_label(Lang::Ru, "2026-12-07", today), "завтра, пн 07.12");
        assert_eq!(day_label(Lang::Ru, "2026-12-09", today), "ср 09.12");
        assert_eq!(day_label(Lang::En, "2026-12-06", today), "today, Sun 06.12");
        assert_eq!(was_pos(Lang::Ru, 3), "была 3-й");
    }
}
