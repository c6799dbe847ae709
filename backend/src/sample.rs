//! Sample data for `rodnik demo` and `rodnik generate`: one price list, one
//! set of Russian names, streets and company names, one address maker, the
//! reasons couriers and dispatchers give. Seeded: the same seed, the same data.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use rodnik_shared::api::{AddressInput, OrderLine, Product};
use rodnik_shared::{Money, ProductKind, Qty};

use crate::error::Result;
use crate::store::catalogue::NewProduct;

pub const PRODUCTS: &[(&str, &str, ProductKind, &str, i64, bool)] = &[
    (
        "W19",
        "Вода питьевая 19 л",
        ProductKind::Water,
        "бут.",
        35000,
        true,
    ),
    (
        "W5",
        "Вода питьевая 5 л",
        ProductKind::Water,
        "бут.",
        15000,
        false,
    ),
    (
        "W15",
        "Вода питьевая 1,5 л (6 шт.)",
        ProductKind::Water,
        "уп.",
        24000,
        false,
    ),
    (
        "CUP",
        "Стаканчики одноразовые (100 шт.)",
        ProductKind::Goods,
        "уп.",
        18000,
        false,
    ),
    (
        "PUMP",
        "Помпа механическая",
        ProductKind::Goods,
        "шт.",
        45000,
        false,
    ),
    (
        "PUMPE",
        "Помпа электрическая",
        ProductKind::Goods,
        "шт.",
        120000,
        false,
    ),
    (
        "COOL",
        "Кулер напольный",
        ProductKind::Goods,
        "шт.",
        990000,
        false,
    ),
    (
        "RACK",
        "Стойка для бутылей",
        ProductKind::Goods,
        "шт.",
        250000,
        false,
    ),
    (
        "SAN",
        "Санобработка кулера",
        ProductKind::Service,
        "усл.",
        150000,
        false,
    ),
    (
        "INST",
        "Установка кулера",
        ProductKind::Service,
        "усл.",
        50000,
        false,
    ),
];

pub const FIRST_M: &[&str] = &[
    "Иван",
    "Сергей",
    "Алексей",
    "Дмитрий",
    "Андрей",
    "Михаил",
    "Николай",
    "Павел",
    "Владимир",
    "Олег",
    "Артём",
    "Максим",
];
pub const FIRST_F: &[&str] = &[
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Мария",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Екатерина",
    "Юлия",
    "Дарья",
    "Алина",
];
pub const LAST: &[&str] = &[
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
];
pub const COMPANY: &[&str] = &[
    "Ромашка",
    "Вектор",
    "Альфа-Строй",
    "Северный ветер",
    "ТехноПарк",
    "Гранит",
    "Меридиан",
    "Солнечный берег",
    "Горизонт",
    "Инфотех",
    "Стройресурс",
    "Медикал",
    "Логистик Плюс",
    "Бизнес-Центр Орион",
    "Авангард",
];
pub const FORMS: &[&str] = &["ООО", "АО", "ИП"];
pub const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Гагарина",
    "пр-т Мира",
    "ул. Садовая",
    "ул. Советская",
    "Ленинградский пр-т",
    "ул. Профсоюзная",
    "ул. Тверская",
    "ул. Новослободская",
    "Кутузовский пр-т",
    "ул. Строителей",
    "ул. Лесная",
    "Варшавское ш.",
    "ул. Академика Королёва",
];
/// The company's default reasons of a kind, as given (id and Russian label).
pub fn sample_reasons(kind: rodnik_shared::api::ReasonKind) -> Vec<rodnik_shared::Cause> {
    rodnik_shared::api::DEFAULT_REASONS
        .iter()
        .filter(|(_, k, _, _)| *k == kind)
        .map(|(id, _, ru, _)| rodnik_shared::Cause {
            id: Some(id.to_string()),
            text: ru.to_string(),
        })
        .collect()
}

/// A line of `qty` of `p` at the client's contract price or the list price.
pub(crate) fn priced_line(
    p: &Product,
    qty: u32,
    contract: &HashMap<String, Money>,
) -> Option<OrderLine> {
    let q = Qty::parse(i64::from(qty), "qty").ok()?;
    Some(rodnik_shared::pricing::order_line(p, q, contract))
}

pub(crate) fn individual_name(rng: &mut StdRng) -> String {
    let last = *LAST.choose(rng).unwrap_or(&"Иванов");
    if rng.gen_bool(0.5) {
        format!("{last} {}", FIRST_M.choose(rng).unwrap_or(&"Иван"))
    } else {
        format!("{last}а {}", FIRST_F.choose(rng).unwrap_or(&"Анна"))
    }
}

pub(crate) fn phone(rng: &mut StdRng) -> String {
    format!(
        "+79{:02}{:07}",
        rng.gen_range(0..100),
        rng.gen_range(0..10_000_000)
    )
}

pub(crate) fn address(rng: &mut StdRng, office: bool) -> AddressInput {
    let street = STREETS.choose(rng).unwrap_or(&"ул. Ленина");
    let text = if office {
        format!(
            "Москва, {street}, д. {}, офис {}",
            rng.gen_range(1..150),
            rng.gen_range(1..500)
        )
    } else {
        format!(
            "Москва, {street}, д. {}, кв. {}",
            rng.gen_range(1..150),
            rng.gen_range(1..300)
        )
    };
    AddressInput {
        text,
        label: office.then(|| {
            ["Офис", "Склад", "Приёмная", "Цех"]
                .choose(rng)
                .unwrap_or(&"Офис")
                .to_string()
        }),
        contact_name: Some(individual_name(rng)),
        contact_phone: Some(phone(rng)),
        lat: Some(55.60 + rng.gen_range(0.0..0.3)),
        lon: Some(37.40 + rng.gen_range(0.0..0.4)),
        entrance: (!office).then(|| rng.gen_range(1..7).to_string()),
        floor: Some(rng.gen_range(1..17).to_string()),
        access_note: rng.gen_bool(0.2).then(|| {
            [
                "лифт не работает",
                "домофон не работает: звонить",
                "пропуск на проходной",
            ]
            .choose(rng)
            .unwrap_or(&"лифт не работает")
            .to_string()
        }),
        delivery_note: rng.gen_bool(0.1).then(|| "звонить за 30 минут".to_string()),
        no_lift: false,
    }
}

/// The demo price list (water, goods, services), created in the store.
pub(crate) async fn create_price_list(store: &crate::store::Store) -> Result<Vec<Product>> {
    let mut products: Vec<Product> = Vec::new();
    for (sku, name, kind, unit, price, returnable) in PRODUCTS {
        products.push(
            store
                .create_product(NewProduct {
                    sku: sku.to_string(),
                    name: name.to_string(),
                    kind: *kind,
                    unit: unit.to_string(),
                    price: Money(*price),
                    returnable: *returnable,
                })
                .await?,
        );
    }
    Ok(products)
}
