//! Sample data for `rodnik demo` and `rodnik generate`: one price list, one
//! set of Russian names and company names, one address maker (real Moscow
//! buildings: `assets/addresses`), the reasons couriers and dispatchers give.
//! Seeded: the same seed, the same data.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::LazyLock;

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
    mobile(rng, 0..100)
}

/// A Russian mobile number `+79XX…` with `XX` drawn from `codes`, valid in
/// the numbering plan the server checks against (a few blocks, such as
/// +7 930 00x, are not allocated and are refused): drawn again until it is.
pub(crate) fn mobile(rng: &mut StdRng, codes: std::ops::Range<u32>) -> String {
    for _ in 0..100 {
        let n = format!(
            "+79{:02}{:07}",
            rng.gen_range(codes.clone()),
            rng.gen_range(0..10_000_000)
        );
        if rodnik_shared::Phone::parse(&n, "RU").is_ok() {
            return n;
        }
    }
    "+79161234567".to_string()
}

/// A real building of Moscow: its street as people write it ("ул.
/// Профсоюзная", "Ленинградский пр-т"), its house ("12", "12к2", "7с1") and
/// its point (WGS 84).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Building {
    pub street: String,
    pub house: String,
    pub lat: f64,
    pub lon: f64,
}

/// The buildings sample addresses are in: 4,000 across the districts of
/// Moscow, from the city's open data with OpenStreetMap's street names
/// (ODbL 1.0; `assets/addresses/README.md` says how they were picked).
const MOSCOW_CSV: &str = include_str!("../assets/addresses/moscow.csv");

/// Moscow without Zelenograd and New Moscow: every building is in it.
pub const MOSCOW_LAT: RangeInclusive<f64> = 55.49..=55.96;
pub const MOSCOW_LON: RangeInclusive<f64> = 37.31..=37.96;

/// The rows of `moscow.csv`, read once.
pub fn buildings() -> &'static [Building] {
    static BUILDINGS: LazyLock<Vec<Building>> = LazyLock::new(|| {
        // The file is part of the binary and checked by the tests below.
        parse_buildings(MOSCOW_CSV).unwrap_or_default()
    });
    &BUILDINGS
}

fn parse_buildings(csv_text: &str) -> std::result::Result<Vec<Building>, csv::Error> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize()
        .collect()
}

/// A building drawn from `buildings()` (never empty: the tests read it; the
/// fallback is one of its rows).
fn building(rng: &mut StdRng) -> Building {
    buildings()
        .choose(rng)
        .cloned()
        .unwrap_or_else(fallback_building)
}

fn fallback_building() -> Building {
    Building {
        street: "ул. Профсоюзная".into(),
        house: "104".into(),
        lat: 55.641_898,
        lon: 37.523_488,
    }
}

/// A flat (or an office) in a real Moscow building, its point the building's.
/// Clients drawn into one building are neighbours in different flats: the
/// duplicate check (`store::clients::similar`) tells them apart by the flat.
pub(crate) fn address(rng: &mut StdRng, office: bool) -> AddressInput {
    let b = building(rng);
    let text = if office {
        format!(
            "Москва, {}, д. {}, офис {}",
            b.street,
            b.house,
            rng.gen_range(1..500)
        )
    } else {
        format!(
            "Москва, {}, д. {}, кв. {}",
            b.street,
            b.house,
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
        lat: Some(b.lat),
        lon: Some(b.lon),
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;

    use super::*;
    use crate::store::clients::similar::address_key;

    /// `rodnik generate` stopped at an address's contact phone +7 930 006…,
    /// a block the numbering plan does not allocate.
    #[test]
    fn drawn_phones_are_valid_numbers_including_the_unallocated_blocks() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..20_000 {
            let p = phone(&mut rng);
            assert!(rodnik_shared::Phone::parse(&p, "RU").is_ok(), "{p}");
        }
        // Only +7 930 00x… would be drawn from this code: all valid.
        for _ in 0..200 {
            let p = mobile(&mut rng, 30..31);
            assert!(rodnik_shared::Phone::parse(&p, "RU").is_ok(), "{p}");
            assert!(p.starts_with("+7930"), "{p}");
        }
    }

    fn is_street(s: &str) -> bool {
        s.chars().any(|c| matches!(c, 'а'..='я' | 'ё'))
            && s.chars().all(
                |c| matches!(c, 'А'..='Я' | 'а'..='я' | 'Ё' | 'ё' | '0'..='9' | ' ' | '.' | '-'),
            )
    }

    /// "12", "12А", "12к2", "7с1", "8/10с1", "165Ек13".
    fn is_house(s: &str) -> bool {
        let mut parts = s.splitn(2, |c: char| !c.is_ascii_digit());
        let number: u32 = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (1..10_000).contains(&number)
            && s.chars().count() <= 12
            && s.chars().all(|c| {
                c.is_ascii_digit() || c == '/' || ('А'..='Я').contains(&c) || c == 'к' || c == 'с'
            })
    }

    #[test]
    fn every_row_of_the_dataset_parses_and_lies_in_moscow() {
        let mut lines = MOSCOW_CSV.lines();
        assert_eq!(lines.next(), Some("street,house,lat,lon"));
        let rows = parse_buildings(MOSCOW_CSV).expect("moscow.csv parses");
        assert_eq!(rows.len(), lines.count(), "one building a line");
        assert!((2_000..=5_000).contains(&rows.len()), "{} rows", rows.len());
        assert_eq!(buildings(), rows.as_slice());
        let mut seen = HashSet::new();
        for b in &rows {
            assert!(is_street(&b.street), "street {:?}", b.street);
            assert!(is_house(&b.house), "house {:?} on {}", b.house, b.street);
            assert!(MOSCOW_LAT.contains(&b.lat), "{b:?}");
            assert!(MOSCOW_LON.contains(&b.lon), "{b:?}");
            assert!(
                seen.insert((b.street.clone(), b.house.clone())),
                "twice: {b:?}"
            );
        }
        // Six decimals, as written.
        for line in MOSCOW_CSV.lines().skip(1) {
            for coord in line.rsplitn(3, ',').take(2) {
                assert_eq!(coord.split('.').nth(1).map(str::len), Some(6), "{line}");
            }
        }
        // Spread over the city, not one neighbourhood: rows in each quarter
        // around the centre and many streets.
        let (lat0, lon0) = (55.7539, 37.6208);
        for (north, east) in [(true, true), (true, false), (false, true), (false, false)] {
            let n = rows
                .iter()
                .filter(|b| (b.lat > lat0) == north && (b.lon > lon0) == east)
                .count();
            assert!(
                n > rows.len() / 8,
                "{n} rows in quarter north={north} east={east}"
            );
        }
        let streets: HashSet<&str> = rows.iter().map(|b| b.street.as_str()).collect();
        assert!(streets.len() > 500, "{} streets", streets.len());
        assert!(rows.contains(&fallback_building()));
    }

    /// The building an address text names, and its flat or office.
    fn named<'a>(text: &str) -> (&'a Building, String) {
        let rest = text.strip_prefix("Москва, ").expect("city first");
        let (street, rest) = rest.split_once(", д. ").expect("house");
        let (house, unit) = rest
            .split_once(", кв. ")
            .or_else(|| rest.split_once(", офис "))
            .expect("flat or office");
        let b = buildings()
            .iter()
            .find(|b| b.street == street && b.house == house)
            .unwrap_or_else(|| panic!("{text}: not a row of moscow.csv"));
        (b, unit.to_string())
    }

    #[test]
    fn an_address_is_a_flat_or_an_office_in_a_real_building_at_its_point() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut buildings_seen = HashSet::new();
        for i in 0..2_000 {
            let office = i % 3 == 0;
            let a = address(&mut rng, office);
            let (b, unit) = named(&a.text);
            assert_eq!((a.lat, a.lon), (Some(b.lat), Some(b.lon)), "{}", a.text);
            assert!(unit.parse::<u32>().is_ok_and(|n| n >= 1), "{}", a.text);
            assert_eq!(a.text.contains(", офис "), office, "{}", a.text);
            assert_eq!(a.label.is_some(), office);
            assert_eq!(a.entrance.is_some(), !office);
            buildings_seen.insert((b.street.clone(), b.house.clone()));
        }
        assert!(
            buildings_seen.len() > 1_000,
            "{} buildings",
            buildings_seen.len()
        );
        // The same seed, the same addresses.
        let (mut a, mut b) = (StdRng::seed_from_u64(42), StdRng::seed_from_u64(42));
        for _ in 0..50 {
            assert_eq!(address(&mut a, false), address(&mut b, false));
        }
    }

    #[test]
    fn neighbours_in_one_building_are_told_apart_by_the_flat() {
        for b in buildings() {
            let flat = |n: u32| format!("Москва, {}, д. {}, кв. {n}", b.street, b.house);
            let office = format!("Москва, {}, д. {}, офис 7", b.street, b.house);
            let (k1, k2) = (address_key(&flat(12)), address_key(&flat(40)));
            let (Some(k1), Some(k2)) = (k1, k2) else {
                panic!("{}: no street and house for the duplicate check", flat(12));
            };
            assert_eq!(k1.house, b.house.to_lowercase(), "{}", flat(12));
            assert_eq!(k1.flat.as_deref(), Some("12"));
            assert!(!k1.alike(&k2), "two flats are two clients: {}", flat(12));
            assert!(k1.alike(&address_key(&flat(12)).expect("parses")));
            let k3 = address_key(&office).expect("office parses");
            assert_eq!(k3.flat.as_deref(), Some("7"));
        }
    }
}
