//! Text of the equipment register (Administration → Equipment), English and
//! Russian: the list, the form that registers a piece, its card with the
//! office's moves and the history.

use rodnik_shared::api::EquipmentAction;
use rodnik_shared::{EquipmentKind, EquipmentState};

use super::Lang;

pub struct EquipmentTexts {
    pub tab: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    pub new_equipment: &'static str,
    pub serial_search: &'static str,
    pub all_kinds: &'static str,
    pub all_states: &'static str,
    pub cut: &'static str,
    pub empty: &'static str,
    // columns and fields
    pub serial: &'static str,
    pub kind: &'static str,
    pub model: &'static str,
    pub state: &'static str,
    pub client: &'static str,
    pub note: &'static str,
    pub model_placeholder: &'static str,
    pub serial_placeholder: &'static str,
    pub register: &'static str,
    pub registering: &'static str,
    pub serial_taken: &'static str,
    pub serial_format: &'static str,
    // the card
    pub close: &'static str,
    pub registered_on: &'static str,
    pub changed_on: &'static str,
    pub edit_title: &'static str,
    pub moves_title: &'static str,
    pub no_moves: &'static str,
    pub reason: &'static str,
    pub reason_required: &'static str,
    pub write_off_warning: &'static str,
    pub history: &'static str,
    pub history_empty: &'static str,
    pub registered: &'static str,
    pub saved: &'static str,
    pub moved: &'static str,
    pub stale: &'static str,
    pub refused: &'static str,
    pub loading: &'static str,
}

pub fn texts(lang: Lang) -> &'static EquipmentTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

pub fn kind_label(lang: Lang, kind: EquipmentKind) -> &'static str {
    match (lang, kind) {
        (Lang::En, EquipmentKind::Cooler) => "Cooler",
        (Lang::En, EquipmentKind::Pump) => "Pump",
        (Lang::En, EquipmentKind::Dispenser) => "Dispenser",
        (Lang::En, EquipmentKind::Other) => "Other",
        (Lang::Ru, EquipmentKind::Cooler) => "Кулер",
        (Lang::Ru, EquipmentKind::Pump) => "Помпа",
        (Lang::Ru, EquipmentKind::Dispenser) => "Диспенсер",
        (Lang::Ru, EquipmentKind::Other) => "Другое",
    }
}

pub fn state_label(lang: Lang, state: EquipmentState) -> &'static str {
    match (lang, state) {
        (Lang::En, EquipmentState::InStock) => "In stock",
        (Lang::En, EquipmentState::AtClient) => "At a client",
        (Lang::En, EquipmentState::InRepair) => "In repair",
        (Lang::En, EquipmentState::WrittenOff) => "Written off",
        (Lang::Ru, EquipmentState::InStock) => "На складе",
        (Lang::Ru, EquipmentState::AtClient) => "У клиента",
        (Lang::Ru, EquipmentState::InRepair) => "В ремонте",
        (Lang::Ru, EquipmentState::WrittenOff) => "Списано",
    }
}

/// The button that opens a move's reason box.
pub fn action_label(lang: Lang, action: EquipmentAction) -> &'static str {
    match (lang, action) {
        (Lang::En, EquipmentAction::Repair) => "To repair",
        (Lang::En, EquipmentAction::Repaired) => "Back from repair",
        (Lang::En, EquipmentAction::WriteOff) => "Write off",
        (Lang::Ru, EquipmentAction::Repair) => "В ремонт",
        (Lang::Ru, EquipmentAction::Repaired) => "Из ремонта",
        (Lang::Ru, EquipmentAction::WriteOff) => "Списать",
    }
}

/// The button that sends the move, once the reason is typed.
pub fn action_confirm(lang: Lang, action: EquipmentAction) -> &'static str {
    match (lang, action) {
        (Lang::En, EquipmentAction::Repair) => "Send to repair",
        (Lang::En, EquipmentAction::Repaired) => "Return to stock",
        (Lang::En, EquipmentAction::WriteOff) => "Write off for good",
        (Lang::Ru, EquipmentAction::Repair) => "Отправить в ремонт",
        (Lang::Ru, EquipmentAction::Repaired) => "Вернуть на склад",
        (Lang::Ru, EquipmentAction::WriteOff) => "Списать окончательно",
    }
}

/// What the reason box asks.
pub fn reason_placeholder(lang: Lang, action: EquipmentAction) -> &'static str {
    match (lang, action) {
        (Lang::En, EquipmentAction::Repair) => "What is wrong with it",
        (Lang::En, EquipmentAction::Repaired) => "What was done",
        (Lang::En, EquipmentAction::WriteOff) => "Why it is written off",
        (Lang::Ru, EquipmentAction::Repair) => "Что с ним не так",
        (Lang::Ru, EquipmentAction::Repaired) => "Что сделано",
        (Lang::Ru, EquipmentAction::WriteOff) => "Почему списывается",
    }
}

static EN: EquipmentTexts = EquipmentTexts {
    tab: "Equipment",
    title: "Equipment",
    hint: "Coolers, pumps and dispensers by serial number. Click a row to edit it, send it to repair, back, or write it off; every move asks for a reason and stays in its history.",
    new_equipment: "+ Register equipment",
    serial_search: "Search by serial number",
    all_kinds: "All kinds",
    all_states: "All",
    cut: "Only the first 500 are listed: narrow the search.",
    empty: "No equipment registered yet.",
    serial: "Serial No.",
    kind: "Kind",
    model: "Model",
    state: "State",
    client: "Client",
    note: "Note",
    model_placeholder: "e.g. Ecotronic H1-LN",
    serial_placeholder: "as on its label",
    register: "Register",
    registering: "Registering…",
    serial_taken: "Equipment with this serial number is already registered.",
    serial_format: "1 to 64 letters, digits and - / . _",
    close: "Close",
    registered_on: "Registered",
    changed_on: "changed",
    edit_title: "Model and note",
    moves_title: "Move",
    no_moves: "Written off: it cannot be moved any more.",
    reason: "Reason",
    reason_required: "Say why: the reason goes into its history.",
    write_off_warning: "Written-off equipment cannot be moved again.",
    history: "History",
    history_empty: "No moves yet.",
    registered: "Registered",
    saved: "Saved.",
    moved: "Done: the move is in the history.",
    stale: "Someone changed this equipment meanwhile: it has been reloaded. Check it and try again; what you typed is kept.",
    refused: "Not possible from its current state: it has been reloaded.",
    loading: "Loading…",
};

static RU: EquipmentTexts = EquipmentTexts {
    tab: "Оборудование",
    title: "Оборудование",
    hint: "Кулеры, помпы и диспенсеры по серийным номерам. Щёлкните строку, чтобы изменить запись, отправить в ремонт, вернуть из ремонта или списать; каждое движение требует причины и остаётся в истории.",
    new_equipment: "+ Новое оборудование",
    serial_search: "Поиск по серийному номеру",
    all_kinds: "Все виды",
    all_states: "Все",
    cut: "Показаны только первые 500: уточните поиск.",
    empty: "Оборудование ещё не зарегистрировано.",
    serial: "Серийный №",
    kind: "Вид",
    model: "Модель",
    state: "Состояние",
    client: "Клиент",
    note: "Примечание",
    model_placeholder: "например, Ecotronic H1-LN",
    serial_placeholder: "как на шильдике",
    register: "Зарегистрировать",
    registering: "Регистрация…",
    serial_taken: "Оборудование с таким серийным номером уже зарегистрировано.",
    serial_format: "От 1 до 64 символов: буквы, цифры и - / . _",
    close: "Закрыть",
    registered_on: "Зарегистрировано",
    changed_on: "изменено",
    edit_title: "Модель и примечание",
    moves_title: "Движение",
    no_moves: "Списано: перемещать больше нельзя.",
    reason: "Причина",
    reason_required: "Укажите причину: она попадёт в историю.",
    write_off_warning: "Списанное оборудование больше нельзя никуда переместить.",
    history: "История",
    history_empty: "Движений ещё не было.",
    registered: "Зарегистрировано",
    saved: "Сохранено.",
    moved: "Готово: движение записано в историю.",
    stale: "Пока вы смотрели, оборудование изменили: данные обновлены. Проверьте и повторите; введённое сохранено.",
    refused: "Из текущего состояния это невозможно: данные обновлены.",
    loading: "Загрузка…",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_kind_and_move_has_a_russian_label() {
        for s in [
            EquipmentState::InStock,
            EquipmentState::AtClient,
            EquipmentState::InRepair,
            EquipmentState::WrittenOff,
        ] {
            assert_ne!(state_label(Lang::Ru, s), state_label(Lang::En, s));
        }
        assert_eq!(kind_label(Lang::Ru, EquipmentKind::Cooler), "Кулер");
        assert_eq!(action_label(Lang::Ru, EquipmentAction::Repair), "В ремонт");
        assert_eq!(
            action_label(Lang::Ru, EquipmentAction::Repaired),
            "Из ремонта"
        );
        assert_eq!(action_label(Lang::Ru, EquipmentAction::WriteOff), "Списать");
    }
}
