//! Newtypes that can only hold valid values.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A validation failure that names the offending field (`lines[2].qty`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A phone number in E.164 (`+79123456789`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("'{0}' is not a phone number")]
    Unparsable(String),
    #[error("'{0}' is not a phone number: it has letters")]
    Letters(String),
    #[error("'{0}' is too short for a phone number")]
    TooShort(String),
    #[error("'{0}' is too long for a phone number")]
    TooLong(String),
    #[error("'{0}' has no valid country code")]
    CountryCode(String),
    #[error("'{0}' is not a valid phone number")]
    Invalid(String),
    #[error("unknown phone region '{0}'")]
    UnknownRegion(String),
}

impl Phone {
    /// Parses any common spelling (`8 (812) 123-45-67`, `+7 912 3456789`,
    /// `9123456789`, `+375 29 123-45-67`) with `region` (ISO 3166 alpha-2) as
    /// the default country, as Google's libphonenumber does (its Rust port
    /// `rlibphonenumber`, with the same metadata). An extension (`доб. 12`,
    /// `ext 5`) is accepted and dropped: the E.164 form has none.
    pub fn parse(input: &str, region: &str) -> Result<Phone, PhoneError> {
        let id = rlibphonenumber::Region::from_str(&region.to_ascii_uppercase())
            .ok()
            .filter(|id| {
                rlibphonenumber::PHONE_NUMBER_UTIL
                    .get_country_code_for_region(*id)
                    .is_some()
            })
            .ok_or_else(|| PhoneError::UnknownRegion(region.to_string()))?;
        Self::parse_in(input, Some(id))
    }

    /// Re-reads a number in international form (`+...`, as stored) with the
    /// current numbering plan: the same E.164 string, a corrected one, or an
    /// error when the plan has no such number.
    pub fn parse_international(input: &str) -> Result<Phone, PhoneError> {
        Self::parse_in(input, None)
    }

    /// The country calling code of a number in international form, valid or
    /// not (`+35395669463` -> 353).
    pub fn country_code_of(input: &str) -> Option<u32> {
        rlibphonenumber::PHONE_NUMBER_UTIL
            .parse(input.trim(), None)
            .ok()
            .and_then(|n| u32::try_from(n.country_code).ok())
    }

    fn parse_in(input: &str, region: Option<rlibphonenumber::Region>) -> Result<Phone, PhoneError> {
        use rlibphonenumber::{
            NumberLengthType, ParseError, PhoneNumberFormat, ValidationError, PHONE_NUMBER_UTIL,
        };

        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let text = || trimmed.to_string();
        let number = PHONE_NUMBER_UTIL
            .parse(trimmed, region)
            .map_err(|e| match e {
                ParseError::TooShortNsn | ParseError::TooShortAfterIdd => {
                    PhoneError::TooShort(text())
                }
                ParseError::TooLongNsn => PhoneError::TooLong(text()),
                ParseError::InvalidCountryCode => PhoneError::CountryCode(text()),
                ParseError::NotANumber(_) => PhoneError::Unparsable(text()),
            })?;
        // libphonenumber reads letters as a keypad's (`8 800 FLOWERS`) and
        // skips text before the number; here letters may only mark an extension.
        let has_extension = number.extension.as_deref().is_some_and(|e| !e.is_empty());
        if !has_extension && trimmed.chars().any(char::is_alphabetic) {
            return Err(PhoneError::Letters(text()));
        }
        if !number.is_valid() {
            return Err(match number.is_possible_with_reason() {
                // A local number without its area code is too short too.
                Err(ValidationError::TooShort) | Ok(NumberLengthType::IsPossibleLocalOnly) => {
                    PhoneError::TooShort(text())
                }
                Err(ValidationError::TooLong) => PhoneError::TooLong(text()),
                Err(ValidationError::InvalidCountryCode) => PhoneError::CountryCode(text()),
                _ => PhoneError::Invalid(text()),
            });
        }
        Ok(Phone(
            number.format_as(PhoneNumberFormat::E164).into_owned(),
        ))
    }

    /// Trusts a string already stored in E.164 form (read back from storage).
    pub fn from_e164_unchecked(s: impl Into<String>) -> Phone {
        Phone(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits only, for substring search.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

/// Reading a phone back (from the API or storage) accepts only E.164, by form:
/// the number was validated when it was written, and re-parsing here would pull
/// the whole numbering-plan database into the browser's wasm.
impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let digits = s.strip_prefix('+').unwrap_or("");
        if (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Phone(s))
        } else {
            Err(serde::de::Error::custom("phone must be in E.164 form"))
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount of money in minor units (kopecks). Never a float.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Why typed roubles were refused (`Money::parse_roubles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    /// Not a number of roubles with at most two decimals.
    Malformed,
    Negative,
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn parse_price(value: i64, field: &str) -> Result<Money, FieldError> {
        if value < 0 {
            return Err(FieldError::new(field, "must not be negative"));
        }
        if value > Money::MAX_PRICE.0 {
            return Err(FieldError::new(field, "is unreasonably large"));
        }
        Ok(Money(value))
    }

    /// The largest price anyone may enter: 1 000 000 000.00 roubles.
    pub const MAX_PRICE: Money = Money(100_000_000_000);

    /// A non-negative amount of roubles as people type it ("250", "250,50",
    /// "1 250.5", "250 ₽") into kopecks: spaces (also no-break and thin ones)
    /// group thousands, `,` or `.` starts at most two decimals. The web app's
    /// price inputs and anything else that reads typed roubles use this.
    pub fn parse_roubles(input: &str) -> Result<Money, MoneyError> {
        let mut s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        for suffix in ["₽", "руб.", "руб", "р.", "р"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest.to_string();
                break;
            }
        }
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (whole, frac) = match s.find([',', '.']) {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s.as_str(), ""),
        };
        let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if !digits(whole)
            || !digits(frac)
            || frac.len() > 2
            || (whole.is_empty() && frac.is_empty())
        {
            return Err(MoneyError::Malformed);
        }
        if whole.len() > 12 {
            return Err(MoneyError::TooLarge);
        }
        let roubles: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Malformed)?
        };
        let kopecks: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError::Malformed)? * 10,
            _ => frac.parse().map_err(|_| MoneyError::Malformed)?,
        };
        let total = roubles
            .checked_mul(100)
            .and_then(|r| r.checked_add(kopecks))
            .ok_or(MoneyError::TooLarge)?;
        if total > Money::MAX_PRICE.0 {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money(total))
    }

    /// The amount as an input's value: "250" for whole roubles, else
    /// "250,50" (or "250.50" with a point), ungrouped so that it parses back.
    pub fn roubles_input(self, comma: bool) -> String {
        let (r, k) = (self.0 / 100, (self.0 % 100).abs());
        if k == 0 {
            r.to_string()
        } else {
            format!("{r}{}{k:02}", if comma { ',' } else { '.' })
        }
    }

    pub fn times(self, qty: Qty) -> Money {
        Money(self.0.saturating_mul(i64::from(qty.get())))
    }

    /// `1234.50` style, for humans and CSV.
    pub fn display(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// A positive quantity of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Qty(u32);

impl Qty {
    pub const MAX: u32 = 10_000;

    pub fn parse(value: i64, field: &str) -> Result<Qty, FieldError> {
        if value <= 0 {
            return Err(FieldError::new(field, "must be a positive integer"));
        }
        if value > i64::from(Self::MAX) {
            return Err(FieldError::new(
                field,
                format!("must be at most {}", Self::MAX),
            ));
        }
        Ok(Qty(value as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Qty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        Qty::parse(v, "qty").map_err(serde::de::Error::custom)
    }
}

/// A delivery time window, `{"from": "09:00", "to": "13:00"}`, `from < to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

/// The wire form of a window, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowInput {
    /// "HH:MM"
    pub from: String,
    /// "HH:MM"
    pub to: String,
}

impl TimeWindow {
    pub fn parse(input: &WindowInput, field: &str) -> Result<TimeWindow, FieldError> {
        let parse = |s: &str, part: &str| {
            NaiveTime::parse_from_str(s.trim(), "%H:%M")
                .map_err(|_| FieldError::new(format!("{field}.{part}"), "must be a time HH:MM"))
        };
        let from = parse(&input.from, "from")?;
        let to = parse(&input.to, "to")?;
        if from >= to {
            return Err(FieldError::new(
                format!("{field}.to"),
                "must be later than the window's start",
            ));
        }
        Ok(TimeWindow { from, to })
    }

    pub fn to_input(self) -> WindowInput {
        WindowInput {
            from: self.from.format("%H:%M").to_string(),
            to: self.to.format("%H:%M").to_string(),
        }
    }

    /// The usual delivery schedules of these companies.
    pub fn standard() -> Vec<TimeWindow> {
        [(9, 13), (13, 18), (18, 21)]
            .into_iter()
            .filter_map(|(a, b)| {
                Some(TimeWindow {
                    from: NaiveTime::from_hms_opt(a, 0, 0)?,
                    to: NaiveTime::from_hms_opt(b, 0, 0)?,
                })
            })
            .collect()
    }
}

impl Serialize for TimeWindow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_input().serialize(s)
    }
}

impl<'de> Deserialize<'de> for TimeWindow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let input = WindowInput::deserialize(d)?;
        TimeWindow::parse(&input, "window").map_err(serde::de::Error::custom)
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, FieldError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(FieldError::new(
                        stringify!($name).to_ascii_lowercase(),
                        format!("must be one of: {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// Who a user is, which decides what they may do.
    Role { Admin => "admin", Manager => "manager", Operator => "operator", Courier => "courier" }
);

string_enum!(
    /// Individuals pay cash at list prices; legal entities have contracts.
    ClientKind { Individual => "individual", Legal => "legal" }
);

string_enum!(
    ProductKind { Water => "water", Goods => "goods", Service => "service" }
);

string_enum!(
    /// Serialised equipment the company owns (issue 19).
    EquipmentKind { Cooler => "cooler", Pump => "pump", Dispenser => "dispenser", Other => "other" }
);

string_enum!(
    /// Where a piece of equipment is.
    EquipmentState {
        InStock => "in_stock",
        AtClient => "at_client",
        InRepair => "in_repair",
        WrittenOff => "written_off",
    }
);

string_enum!(
    /// Where a rental agreement is: waiting for its delivery, in force,
    /// ended (the equipment came back), or cancelled before delivery.
    RentalState {
        Pending => "pending",
        Active => "active",
        Ended => "ended",
        Cancelled => "cancelled",
    }
);

string_enum!(
    /// What a stop does with a rented piece of equipment.
    EquipmentTaskAction { Deliver => "deliver", Collect => "collect", Sanitize => "sanitize" }
);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Courier => 0,
            Role::Operator => 1,
            Role::Manager => 2,
            Role::Admin => 3,
        }
    }

    /// Operators, managers and admins: clients, orders, dispatch, calls.
    pub fn is_operator_or_up(self) -> bool {
        self.rank() >= Role::Operator.rank()
    }

    /// Managers and admins: catalogue, prices, reports.
    pub fn is_manager_or_up(self) -> bool {
        self.rank() >= Role::Manager.rank()
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Admin and manager may enter orders dated in the past (back office).
    pub fn may_backdate(self) -> bool {
        self.is_manager_or_up()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_common_russian_spellings() {
        for s in [
            "8 (912) 345-67-89",
            "+7 912 3456789",
            "9123456789",
            "+7(912)345-67-89",
            "89123456789",
        ] {
            assert_eq!(
                Phone::parse(s, "RU").unwrap().as_str(),
                "+79123456789",
                "{s}"
            );
        }
    }

    /// `phonenumber` 0.3.10 cut the leading 8 of these national numbers
    /// (`+7 812 ...` became the impossible `+7 12 ...`) and refused them.
    #[test]
    fn phone_keeps_area_codes_that_begin_with_8() {
        for (input, e164) in [
            ("+7 812 123-45-67", "+78121234567"),
            ("8 (812) 123-45-67", "+78121234567"),
            ("812 123 45 67", "+78121234567"),
            ("7 812 1234567", "+78121234567"),
            ("+7 861 259-00-00", "+78612590000"),
            ("8 843 123 45 67", "+78431234567"),
            ("8 (8442) 12-34-56", "+78442123456"),
            ("8 800 555 35 35", "+78005553535"),
            ("+375 29 123-45-67", "+375291234567"),
            ("+7 727 258 40 00", "+77272584000"),
        ] {
            assert_eq!(
                Phone::parse(input, "RU").map(|p| p.0),
                Ok(e164.into()),
                "{input}"
            );
        }
    }

    #[test]
    fn phone_errors_say_what_is_wrong() {
        assert!(matches!(
            Phone::parse("8 912 345", "RU"),
            Err(PhoneError::TooShort(_))
        ));
        assert!(matches!(
            Phone::parse("123456789012345678", "RU"),
            Err(PhoneError::TooLong(_))
        ));
        assert!(matches!(
            Phone::parse("+7 912 ABC DE FG", "RU"),
            Err(PhoneError::Letters(_))
        ));
        assert!(matches!(
            Phone::parse("+999 912 345 67 89", "RU"),
            Err(PhoneError::CountryCode(_))
        ));
        // The 7-digit local part of Almaty starts with 2 or 3.
        assert!(matches!(
            Phone::parse("+7 727 123 45 67", "RU"),
            Err(PhoneError::Invalid(_))
        ));
        // An extension marker is the one place for letters; the number keeps no extension.
        assert_eq!(
            Phone::parse("+7 812 123-45-67 доб. 12", "RU").map(|p| p.0),
            Ok("+78121234567".into())
        );
    }

    #[test]
    fn stored_numbers_read_back_as_themselves() {
        for s in [
            "+78121234567",
            "+79123456789",
            "+77011234567",
            "+998901234567",
        ] {
            assert_eq!(
                Phone::parse_international(s).map(|p| p.0),
                Ok(s.to_string())
            );
        }
        assert!(Phone::parse_international("+7121234567").is_err());
    }

    #[test]
    fn phone_rejects_garbage_and_empty() {
        assert_eq!(Phone::parse("  ", "RU"), Err(PhoneError::Empty));
        assert!(Phone::parse("hello", "RU").is_err());
        assert!(Phone::parse("123", "RU").is_err());
        assert!(matches!(
            Phone::parse("9123456789", "XX"),
            Err(PhoneError::UnknownRegion(_))
        ));
    }

    #[test]
    fn phone_respects_region() {
        assert_eq!(
            Phone::parse("+44 20 7946 0958", "RU").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            Phone::parse("020 7946 0958", "GB").unwrap().as_str(),
            "+442079460958"
        );
    }

    #[test]
    fn stored_phones_deserialize_only_in_e164_form() {
        let p: Phone = serde_json::from_str("\"+79123456789\"").unwrap();
        assert_eq!(p.as_str(), "+79123456789");
        for bad in [
            "\"89123456789\"",
            "\"+7912abc\"",
            "\"+\"",
            "\"+1234567890123456\"",
        ] {
            assert!(serde_json::from_str::<Phone>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn qty_must_be_positive_and_bounded() {
        assert!(Qty::parse(0, "qty").is_err());
        assert!(Qty::parse(-3, "qty").is_err());
        assert!(Qty::parse(10_001, "qty").is_err());
        assert_eq!(Qty::parse(2, "qty").unwrap().get(), 2);
        let e = Qty::parse(0, "lines[1].qty").unwrap_err();
        assert_eq!(e.field, "lines[1].qty");
    }

    #[test]
    fn qty_deserialization_rejects_zero_and_fractions() {
        assert!(serde_json::from_str::<Qty>("0").is_err());
        assert!(serde_json::from_str::<Qty>("1.5").is_err());
        assert_eq!(serde_json::from_str::<Qty>("3").unwrap().get(), 3);
    }

    #[test]
    fn money_multiplies_and_displays() {
        let m = Money(25000).times(Qty::parse(3, "q").unwrap());
        assert_eq!(m, Money(75000));
        assert_eq!(m.display(), "750.00");
        assert_eq!(Money(-5).display(), "-0.05");
        assert!(Money::parse_price(-1, "price").is_err());
        assert_eq!(serde_json::to_string(&Money(25000)).unwrap(), "25000");
    }

    #[test]
    fn typed_roubles() {
        let p = Money::parse_roubles;
        assert_eq!(p("250"), Ok(Money(25000)));
        assert_eq!(p("250,50"), Ok(Money(25050)));
        assert_eq!(p("250.5"), Ok(Money(25050)));
        assert_eq!(p(" 1 250,05 "), Ok(Money(125005)));
        assert_eq!(p("1\u{a0}250"), Ok(Money(125000)));
        assert_eq!(p("1\u{202f}250 ₽"), Ok(Money(125000)));
        assert_eq!(p("250руб."), Ok(Money(25000)));
        assert_eq!(p(",5"), Ok(Money(50)));
        assert_eq!(p("250,"), Ok(Money(25000)));
        assert_eq!(p("1000000000"), Ok(Money::MAX_PRICE));
        assert_eq!(p(""), Err(MoneyError::Empty));
        assert_eq!(p("-5"), Err(MoneyError::Negative));
        for bad in ["250,505", "1,250.50", "abc", "12e3", ","] {
            assert_eq!(p(bad), Err(MoneyError::Malformed), "{bad}");
        }
        assert_eq!(p("1000000001"), Err(MoneyError::TooLarge));
        assert_eq!(p("99999999999999999999"), Err(MoneyError::TooLarge));
        for k in [0, 5, 50, 25000, 25050, 125005, Money::MAX_PRICE.0] {
            for comma in [true, false] {
                assert_eq!(p(&Money(k).roubles_input(comma)), Ok(Money(k)));
            }
        }
        assert_eq!(Money(25050).roubles_input(true), "250,50");
        assert_eq!(Money(25005).roubles_input(false), "250.05");
    }

    #[test]
    fn window_must_be_ordered_times() {
        let w = |a: &str, b: &str| WindowInput {
            from: a.into(),
            to: b.into(),
        };
        assert!(TimeWindow::parse(&w("09:00", "13:00"), "window").is_ok());
        assert_eq!(
            TimeWindow::parse(&w("13:00", "09:00"), "window")
                .unwrap_err()
                .field,
            "window.to"
        );
        assert_eq!(
            TimeWindow::parse(&w("25:00", "26:00"), "window")
                .unwrap_err()
                .field,
            "window.from"
        );
        assert!(TimeWindow::parse(&w("9", "10"), "window").is_err());
        let parsed: TimeWindow = serde_json::from_str(r#"{"from":"09:00","to":"13:00"}"#).unwrap();
        assert_eq!(
            serde_json::to_value(parsed).unwrap(),
            serde_json::json!({"from":"09:00","to":"13:00"})
        );
    }

    #[test]
    fn roles_are_ranked() {
        assert!(Role::Admin.is_manager_or_up());
        assert!(Role::Manager.is_operator_or_up());
        assert!(!Role::Operator.is_manager_or_up());
        assert!(!Role::Courier.is_operator_or_up());
        assert!(Role::Manager.may_backdate());
        assert!(!Role::Operator.may_backdate());
        assert_eq!("courier".parse::<Role>().unwrap(), Role::Courier);
        assert!("boss".parse::<Role>().is_err());
    }
}
