//! Text of equipment rentals (issue 19) where people work: the courier's
//! rental stops, the client card's agreements and the form that rents a
//! piece of equipment or orders its collection; English and Russian.

use rodnik_shared::{EquipmentKind, EquipmentTaskAction, RentalState};

use super::Lang;

pub struct RentalTexts {
    pub deliver: &'static str,
    pub collect: &'static str,
    pub deposit_take: &'static str,
    pub deposit_back: &'static str,
    // the card
    pub title: &'static str,
    pub rent: &'static str,
    pub since: &'static str,
    pub planned: &'static str,
    pub per_month: &'static str,
    pub free_from: &'static str,
    pub bottles_month: &'static str,
    pub deposit: &'static str,
    pub term: &'static str,
    pub months: &'static str,
    pub open_ended: &'static str,
    pub collection_ordered: &'static str,
    pub end: &'static str,
    pub ended: &'static str,
    pub none: &'static str,
    // the form
    pub form_title: &'static str,
    pub end_title: &'static str,
    pub equipment: &'static str,
    pub pick_equipment: &'static str,
    pub no_stock: &'static str,
    pub address: &'static str,
    pub monthly_fee: &'static str,
    pub free_from_label: &'static str,
    pub deposit_label: &'static str,
    pub months_label: &'static str,
    pub date: &'static str,
    pub courier: &'static str,
    pub no_courier: &'static str,
    pub note: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub created: &'static str,
    pub collection_created: &'static str,
    pub taken: &'static str,
    pub stale: &'static str,
    pub bad_number: &'static str,
    pub sanitize: &'static str,
    pub sanitation_by: &'static str,
    pub order_sanitation: &'static str,
    pub sanitation_title: &'static str,
    pub sanitation_created: &'static str,
}

pub fn texts(lang: Lang) -> &'static RentalTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// "cooler", "помпа": the kind in a sentence.
pub fn kind_word(lang: Lang, kind: EquipmentKind) -> &'static str {
    match (lang, kind) {
        (Lang::En, EquipmentKind::Cooler) => "cooler",
        (Lang::En, EquipmentKind::Pump) => "pump",
        (Lang::En, EquipmentKind::Dispenser) => "dispenser",
        (Lang::En, EquipmentKind::Other) => "equipment",
        (Lang::Ru, EquipmentKind::Cooler) => "кулер",
        (Lang::Ru, EquipmentKind::Pump) => "помпу",
        (Lang::Ru, EquipmentKind::Dispenser) => "диспенсер",
        (Lang::Ru, EquipmentKind::Other) => "оборудование",
    }
}

/// "Deliver cooler №ECO-1" / "Забрать кулер №ECO-1".
pub fn task_line(
    lang: Lang,
    action: EquipmentTaskAction,
    kind: EquipmentKind,
    serial: &str,
) -> String {
    let t = texts(lang);
    let verb = match action {
        EquipmentTaskAction::Deliver => t.deliver,
        EquipmentTaskAction::Collect => t.collect,
        EquipmentTaskAction::Sanitize => t.sanitize,
    };
    let kind = match (action, lang, kind) {
        // "Санобработка: кулер №…", not the accusative of the verbs.
        (EquipmentTaskAction::Sanitize, Lang::Ru, EquipmentKind::Pump) => "помпа",
        _ => kind_word(lang, kind),
    };
    format!("{verb} {kind} №{serial}")
}

pub fn state_label(lang: Lang, s: RentalState) -> &'static str {
    match (lang, s) {
        (Lang::En, RentalState::Pending) => "awaiting delivery",
        (Lang::En, RentalState::Active) => "in force",
        (Lang::En, RentalState::Ended) => "ended",
        (Lang::En, RentalState::Cancelled) => "cancelled",
        (Lang::Ru, RentalState::Pending) => "ждёт доставки",
        (Lang::Ru, RentalState::Active) => "действует",
        (Lang::Ru, RentalState::Ended) => "завершена",
        (Lang::Ru, RentalState::Cancelled) => "отменена",
    }
}

static EN: RentalTexts = RentalTexts {
    deliver: "Deliver",
    collect: "Collect",
    deposit_take: "Equipment deposit",
    deposit_back: "Equipment deposit back",
    title: "Rented equipment",
    rent: "Rent out equipment",
    since: "since",
    planned: "delivery planned",
    per_month: "/month",
    free_from: "free from",
    bottles_month: "bottles a month",
    deposit: "deposit",
    term: "term",
    months: "mo.",
    open_ended: "open-ended",
    collection_ordered: "collection ordered",
    end: "Collect",
    ended: "returned",
    none: "No rented equipment.",
    form_title: "Rent out equipment",
    end_title: "Collect the equipment",
    equipment: "Equipment in stock",
    pick_equipment: "— pick —",
    no_stock: "Nothing in stock to rent out.",
    address: "Address",
    monthly_fee: "Monthly fee, ₽",
    free_from_label: "Free from, bottles a month",
    deposit_label: "Deposit, ₽",
    months_label: "Term, months",
    date: "Delivery date",
    courier: "Courier",
    no_courier: "— later —",
    note: "Note",
    save: "Rent out",
    saving: "Saving…",
    cancel: "Cancel",
    created: "Rental agreement created: delivery order",
    collection_created: "Collection ordered: order",
    taken: "That equipment was just rented out or reserved: pick another.",
    stale: "The agreement changed meanwhile: reloaded.",
    bad_number: "Type a number",
    sanitize: "Sanitise",
    sanitation_by: "sanitation due",
    order_sanitation: "Sanitation",
    sanitation_title: "Order a sanitation",
    sanitation_created: "Sanitation ordered: order",
};

static RU: RentalTexts = RentalTexts {
    deliver: "Доставить",
    collect: "Забрать",
    deposit_take: "Залог за оборудование",
    deposit_back: "Вернуть залог за оборудование",
    title: "Оборудование в аренде",
    rent: "Сдать в аренду",
    since: "с",
    planned: "доставка",
    per_month: "/мес",
    free_from: "бесплатно от",
    bottles_month: "бут. в месяц",
    deposit: "залог",
    term: "срок",
    months: "мес.",
    open_ended: "бессрочно",
    collection_ordered: "заказан вывоз",
    end: "Забрать",
    ended: "возвращён",
    none: "Оборудования в аренде нет.",
    form_title: "Аренда оборудования",
    end_title: "Вывоз оборудования",
    equipment: "Оборудование на складе",
    pick_equipment: "— выберите —",
    no_stock: "На складе нет оборудования для аренды.",
    address: "Адрес",
    monthly_fee: "Плата в месяц, ₽",
    free_from_label: "Бесплатно от, бут. в месяц",
    deposit_label: "Залог, ₽",
    months_label: "Срок, мес.",
    date: "Дата доставки",
    courier: "Курьер",
    no_courier: "— позже —",
    note: "Комментарий",
    save: "Оформить аренду",
    saving: "Сохраняем…",
    cancel: "Отмена",
    created: "Аренда оформлена: заказ на доставку",
    collection_created: "Вывоз заказан: заказ",
    taken: "Это оборудование только что сдали или зарезервировали: выберите другое.",
    stale: "Договор изменился: обновили.",
    bad_number: "Введите число",
    sanitize: "Санобработка:",
    sanitation_by: "санобработка до",
    order_sanitation: "Санобработка",
    sanitation_title: "Заказать санобработку",
    sanitation_created: "Санобработка заказана: заказ",
};
