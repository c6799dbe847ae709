//! Turns raw request bodies into values that are known to be valid, each
//! failure naming its field. The browser runs the same checks before sending.

use chrono::NaiveDate;

use crate::api::{AddressInput, CreateClient, LineInput, Requisites};
use crate::values::{ClientKind, FieldError, Phone, Qty};

pub const MAX_TEXT: usize = 500;
/// Phones one client may have.
pub const MAX_PHONES: usize = 10;
/// Addresses one client may have (a chain of offices).
pub const MAX_ADDRESSES: usize = 50;
/// Lines of one order.
pub const MAX_LINES: usize = 50;

/// Passwords: at least this many characters...
pub const MIN_PASSWORD: usize = 8;
/// ...and at most this many (argon2 hashes whatever it is given).
pub const MAX_PASSWORD: usize = 256;
/// Telephone extensions: at most this many characters.
pub const MAX_EXTENSION: usize = 16;

/// The password rule, for every user including the first admin; the web
/// app's forms check the same before sending.
pub fn password(value: &str, field: &str) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n < MIN_PASSWORD {
        return Err(FieldError::new(
            field,
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// A telephone extension (`101`, `ivanova`, `sip-7`): up to 16 letters,
/// digits, `-` or `_`, as a PBX names a phone; `None` for empty. The same
/// rule wherever an extension is set (a user's card, the operator's own).
pub fn extension(value: Option<&str>, field: &str) -> Result<Option<String>, FieldError> {
    let ext = optional_text(value, field)?;
    if let Some(x) = &ext {
        let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if x.chars().count() > MAX_EXTENSION || !x.chars().all(ok) {
            return Err(FieldError::new(
                field,
                format!("must be at most {MAX_EXTENSION} letters, digits, '-' or '_'"),
            ));
        }
    }
    Ok(ext)
}

/// A list of at most `max` entries, checked before any entry is read.
pub fn at_most<T>(list: &[T], max: usize, field: &str) -> Result<(), FieldError> {
    if list.len() > max {
        return Err(FieldError::new(field, format!("at most {max} entries")));
    }
    Ok(())
}

/// A non-empty trimmed string of bounded length.
pub fn required_text(value: &str, field: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    bounded(v, field).map(str::to_string)
}

/// `None` for empty or whitespace, else the trimmed bounded text.
pub fn optional_text(value: Option<&str>, field: &str) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(v, field).map(|v| Some(v.to_string())),
    }
}

fn bounded<'a>(v: &'a str, field: &str) -> Result<&'a str, FieldError> {
    if v.chars().count() > MAX_TEXT {
        Err(FieldError::new(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ))
    } else {
        Ok(v)
    }
}

pub fn phone(value: &str, region: &str, field: &str) -> Result<Phone, FieldError> {
    Phone::parse(value, region).map_err(|e| FieldError::new(field, e.to_string()))
}

/// A calendar date `YYYY-MM-DD` with a four-digit year (1000 to 9999):
/// chrono alone also takes `+12345-01-01` and `-0001-01-01`.
pub fn date(value: &str, field: &str) -> Result<NaiveDate, FieldError> {
    let v = value.trim();
    let shaped = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
        && !v.starts_with('0');
    shaped
        .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| FieldError::new(field, "must be a date YYYY-MM-DD"))
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidAddress {
    pub text: String,
    pub label: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<Phone>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub entrance: Option<String>,
    pub floor: Option<String>,
    pub access_note: Option<String>,
    pub delivery_note: Option<String>,
    pub no_lift: bool,
}

pub fn address(a: &AddressInput, region: &str, field: &str) -> Result<ValidAddress, FieldError> {
    let lat = coordinate(a.lat, -90.0, 90.0, &format!("{field}.lat"))?;
    let lon = coordinate(a.lon, -180.0, 180.0, &format!("{field}.lon"))?;
    Ok(ValidAddress {
        text: required_text(&a.text, &format!("{field}.text"))?,
        label: optional_text(a.label.as_deref(), &format!("{field}.label"))?,
        contact_name: optional_text(a.contact_name.as_deref(), &format!("{field}.contact_name"))?,
        contact_phone: match a.contact_phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => Some(phone(p, region, &format!("{field}.contact_phone"))?),
        },
        lat,
        lon,
        entrance: optional_text(a.entrance.as_deref(), &format!("{field}.entrance"))?,
        floor: optional_text(a.floor.as_deref(), &format!("{field}.floor"))?,
        access_note: optional_text(a.access_note.as_deref(), &format!("{field}.access_note"))?,
        delivery_note: optional_text(
            a.delivery_note.as_deref(),
            &format!("{field}.delivery_note"),
        )?,
        no_lift: a.no_lift,
    })
}

fn coordinate(v: Option<f64>, min: f64, max: f64, field: &str) -> Result<Option<f64>, FieldError> {
    match v {
        Some(x) if !(min..=max).contains(&x) || !x.is_finite() => Err(FieldError::new(
            field,
            format!("must be between {min} and {max}"),
        )),
        other => Ok(other),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidClient {
    pub kind: ClientKind,
    pub name: String,
    pub phones: Vec<Phone>,
    pub addresses: Vec<ValidAddress>,
    pub inn: Option<String>,
    pub note: Option<String>,
    pub requisites: Option<Requisites>,
}

/// A legal client's requisites, trimmed and checked (`None` when all are
/// empty): КПП and БИК 9 digits, accounts 20, an e-mail address.
pub fn requisites(r: Option<&Requisites>) -> Result<Option<Requisites>, FieldError> {
    let Some(r) = r else {
        return Ok(None);
    };
    let text = |v: &str, field: &str| -> Result<String, FieldError> {
        Ok(optional_text(Some(v), &format!("requisites.{field}"))?.unwrap_or_default())
    };
    let digits = |v: &str, n: usize, field: &str| -> Result<String, FieldError> {
        let v = v.trim();
        if v.is_empty() || (v.len() == n && v.chars().all(|c| c.is_ascii_digit())) {
            Ok(v.to_string())
        } else {
            Err(FieldError::new(
                format!("requisites.{field}"),
                format!("must be {n} digits"),
            ))
        }
    };
    let email = r.email.trim();
    let valid_email = email.is_empty()
        || (email.len() <= 254
            && email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
            })
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>'));
    if !valid_email {
        return Err(FieldError::new(
            "requisites.email",
            "must be one e-mail address",
        ));
    }
    let out = Requisites {
        full_name: text(&r.full_name, "full_name")?,
        kpp: digits(&r.kpp, 9, "kpp")?,
        address: text(&r.address, "address")?,
        bank_name: text(&r.bank_name, "bank_name")?,
        bik: digits(&r.bik, 9, "bik")?,
        account: digits(&r.account, 20, "account")?,
        corr_account: digits(&r.corr_account, 20, "corr_account")?,
        email: email.to_string(),
    };
    Ok((out != Requisites::default()).then_some(out))
}

pub fn phones(list: &[String], region: &str) -> Result<Vec<Phone>, FieldError> {
    if list.is_empty() {
        return Err(FieldError::new("phones", "at least one phone is required"));
    }
    at_most(list, MAX_PHONES, "phones")?;
    let mut out: Vec<Phone> = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let parsed = phone(p, region, &format!("phones[{i}]"))?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

/// An INN is 10 digits (organisations) or 12 (sole traders, individuals).
pub fn inn(value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().all(|c| c.is_ascii_digit()) && (v.len() == 10 || v.len() == 12) => {
            Ok(Some(v.to_string()))
        }
        Some(_) => Err(FieldError::new("inn", "must be 10 or 12 digits")),
    }
}

pub fn client(c: &CreateClient, region: &str) -> Result<ValidClient, FieldError> {
    let name = required_text(&c.name, "name")?;
    let phones = phones(&c.phones, region)?;
    if c.addresses.is_empty() {
        return Err(FieldError::new(
            "addresses",
            "at least one address is required",
        ));
    }
    at_most(&c.addresses, MAX_ADDRESSES, "addresses")?;
    let addresses = c
        .addresses
        .iter()
        .enumerate()
        .map(|(i, a)| address(a, region, &format!("addresses[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ValidClient {
        kind: c.kind,
        name,
        phones,
        addresses,
        inn: inn(c.inn.as_deref())?,
        note: optional_text(c.note.as_deref(), "note")?,
        requisites: requisites(c.requisites.as_ref())?,
    })
}

/// Order lines: at least one, positive quantities, each product once.
pub fn lines(lines: &[LineInput]) -> Result<Vec<(String, Qty)>, FieldError> {
    if lines.is_empty() {
        return Err(FieldError::new("lines", "at least one line is required"));
    }
    at_most(lines, MAX_LINES, "lines")?;
    let mut out: Vec<(String, Qty)> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let id = required_text(&l.product_id, &format!("lines[{i}].product_id"))?;
        let qty = Qty::parse(l.qty, &format!("lines[{i}].qty"))?;
        if out.iter().any(|(p, _)| *p == id) {
            return Err(FieldError::new(
                format!("lines[{i}].product_id"),
                "the product is already on another line",
            ));
        }
        out.push((id, qty));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_and_extensions() {
        assert!(super::password("1234567", "password").is_err());
        assert!(super::password("12345678", "password").is_ok());
        assert!(super::password(&"x".repeat(257), "password").is_err());
        let ext = |v| super::extension(Some(v), "extension");
        assert_eq!(ext(" 101 ").unwrap().as_deref(), Some("101"));
        assert_eq!(ext("sip-7_b").unwrap().as_deref(), Some("sip-7_b"));
        assert_eq!(ext("").unwrap(), None);
        for bad in ["1 01", "*7", "12345678901234567", "доб"] {
            assert_eq!(ext(bad).unwrap_err().field, "extension", "{bad}");
        }
    }

    use super::*;

    #[test]
    fn dates_have_four_digit_years() {
        assert!(date("2026-12-04", "d").is_ok());
        assert!(date(" 2026-12-04 ", "d").is_ok());
        for bad in [
            "+12345-01-01",
            "12345-01-01",
            "-0001-01-01",
            "0999-01-01",
            "2026-1-04",
            "2026-02-30",
            "2026/12/04",
            "２０２６-12-04",
            "",
            "2026-12-04T00:00",
        ] {
            assert!(date(bad, "d").is_err(), "{bad}");
        }
    }

    fn input() -> CreateClient {
        CreateClient {
            kind: ClientKind::Individual,
            name: " Иван Петров ".into(),
            phones: vec!["8 (912) 345-67-89".into(), "+79123456789".into()],
            addresses: vec![AddressInput {
                text: "ул. Ленина, 1, кв. 5".into(),
                ..Default::default()
            }],
            inn: None,
            note: Some("  ".into()),
            requisites: None,
        }
    }

    #[test]
    fn valid_client_is_normalized() {
        let c = client(&input(), "RU").unwrap();
        assert_eq!(c.name, "Иван Петров");
        assert_eq!(c.phones.len(), 1, "duplicate spellings collapse");
        assert_eq!(c.note, None);
    }

    #[test]
    fn each_missing_part_names_its_field() {
        let mut c = input();
        c.phones.clear();
        assert_eq!(client(&c, "RU").unwrap_err().field, "phones");
        let mut c = input();
        c.addresses.clear();
        assert_eq!(client(&c, "RU").unwrap_err().field, "addresses");
        let mut c = input();
        c.name = "   ".into();
        assert_eq!(client(&c, "RU").unwrap_err().field, "name");
        let mut c = input();
        c.phones.push("abc".into());
        assert_eq!(client(&c, "RU").unwrap_err().field, "phones[2]");
        let mut c = input();
        c.addresses[0].lat = Some(91.0);
        assert_eq!(client(&c, "RU").unwrap_err().field, "addresses[0].lat");
        let mut c = input();
        c.inn = Some("12345".into());
        assert_eq!(client(&c, "RU").unwrap_err().field, "inn");
    }

    #[test]
    fn lines_must_be_positive_and_distinct() {
        let l = |p: &str, q: i64| LineInput {
            product_id: p.into(),
            qty: q,
        };
        assert!(lines(&[]).is_err());
        assert_eq!(lines(&[l("a", 0)]).unwrap_err().field, "lines[0].qty");
        assert_eq!(
            lines(&[l("a", 1), l("a", 2)]).unwrap_err().field,
            "lines[1].product_id"
        );
        assert_eq!(lines(&[l("a", 1), l("b", 2)]).unwrap().len(), 2);
    }

    #[test]
    fn dates_are_iso() {
        assert!(date("2026-11-27", "d").is_ok());
        assert!(date("27.11.2026", "d").is_err());
        assert!(date("2026-02-30", "d").is_err());
    }
}
