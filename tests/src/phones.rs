//! Phone numbers as offices and callers really have them, for the
//! table-driven tests of registration, lookup, the webhook and the PBX adapters.

/// Every Russian geographic area code (ABC) in use: 3xx, 4xx and 8xx, from
/// Kaliningrad (401) to Chukotka (427), St Petersburg (812), Kazan (843),
/// Krasnodar (861), Rostov (863), Crimea (365) and Sevastopol (869).
pub const RU_AREA_CODES: &[&str] = &[
    "301", "302", "336", "341", "342", "343", "345", "346", "347", "349", "351", "352", "353",
    "365", "381", "382", "383", "384", "385", "388", "390", "391", "394", "395", //
    "401", "411", "413", "415", "416", "421", "423", "424", "426", "427", "471", "472", "473",
    "474", "475", "481", "482", "483", "484", "485", "486", "487", "491", "492", "493", "494",
    "495", "496", "498", "499", //
    "811", "812", "813", "814", "815", "816", "817", "818", "820", "821", "831", "833", "834",
    "835", "836", "840", "841", "842", "843", "844", "845", "846", "847", "848", "851", "855",
    "856", "857", "860", "861", "862", "863", "865", "866", "867", "869", "871", "872", "873",
    "877", "878", "879",
];

/// `+7 ABC 123-45-67` the ways people write it: with `+7`, `7`, `8`, spaces,
/// brackets, dashes, or as the 10-digit national number.
pub fn spellings(abc: &str) -> Vec<String> {
    vec![
        format!("+7 {abc} 123-45-67"),
        format!("+7 ({abc}) 123 45 67"),
        format!("+7{abc}1234567"),
        format!("7 {abc} 1234567"),
        format!("7{abc}1234567"),
        format!("8 ({abc}) 123-45-67"),
        format!("8-{abc}-123-45-67"),
        format!("8{abc}1234567"),
        format!("({abc}) 123-45-67"),
        format!("{abc} 123 45 67"),
        format!("{abc}1234567"),
    ]
}

/// The E.164 form of every spelling of `abc`.
pub fn e164(abc: &str) -> String {
    format!("+7{abc}1234567")
}

/// Numbers beyond the plain geographic ones: (as written, E.164).
pub const OTHER_NUMBERS: &[(&str, &str)] = &[
    // Mobile 9xx.
    ("8 (912) 345-67-89", "+79123456789"),
    ("+7 999 123 45 67", "+79991234567"),
    ("9581234567", "+79581234567"),
    // Toll-free 8-800 (and 8-804).
    ("8 800 555 35 35", "+78005553535"),
    ("+7 (800) 100-00-00", "+78001000000"),
    ("8 804 333 11 22", "+78043331122"),
    // Four- and five-digit area codes: Volgograd, Ulan-Ude, Kingisepp.
    ("8 (8442) 12-34-56", "+78442123456"),
    ("+7 (3012) 12-34-56", "+73012123456"),
    ("8 (81378) 2-12-34", "+78137821234"),
    // Kazakhstan: Almaty, Astana, mobiles (the same +7).
    ("+7 727 258-40-00", "+77272584000"),
    ("+7 (7172) 55-12-34", "+77172551234"),
    ("+7 701 123 45 67", "+77011234567"),
    ("+7 777 123 45 67", "+77771234567"),
    // Belarus, Ukraine, Uzbekistan.
    ("+375 29 123-45-67", "+375291234567"),
    ("+375 17 123-45-67", "+375171234567"),
    ("+380 44 123 45 67", "+380441234567"),
    ("+380 50 123 45 67", "+380501234567"),
    ("+998 90 123 45 67", "+998901234567"),
    ("+998 71 123 45 67", "+998711234567"),
];

/// Not phone numbers: (as written, a word the 422's message must contain).
pub const NONSENSE: &[(&str, &str)] = &[
    ("123", "short"),
    ("8 812 123", "short"),
    ("+7 812 123 45", "short"),
    // One digit too many: libphonenumber reads the 8 as a trunk prefix then.
    ("+7 812 123 45 67 89", "not a valid phone number"),
    ("8 800 555 35 35 35", "not a valid phone number"),
    ("123456789012345678", "long"),
    ("hello", "not a phone number"),
    ("+7 812 12a 45 67", "letters"),
    ("+7 912 ABC DE FG", "letters"),
    ("+999 123 45 67", "country code"),
    // Almaty's seven-digit numbers start with 2 or 3.
    ("+7 727 123 45 67", "not a valid phone number"),
];
