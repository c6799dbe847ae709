//! Month-end documents (issue 20, item 2): what a legal client's month
//! puts on its documents (the delivered goods and services at the prices
//! they were delivered at, deposits, the month's rent), VAT as the company
//! says, the sides' requisites, and the rendering as A4 PDF (`pdf`) and
//! XLSX (`xlsx`). Issued documents are stored whole and never change; a
//! later change of the month is a correcting document.

pub mod close;
pub mod exchange;
pub mod mail;
pub mod pdf;
pub mod recon;
pub mod xlsx;

use chrono::{Datelike, NaiveDate};
use rodnik_shared::api::{ClientSummary, CompanySettings, DocLine, Order, Party, RentalCharge};
use rodnik_shared::{EquipmentKind, Money, ProductKind};

/// Month names in the genitive ("за ноябрь" is nominative; dates say "30 ноября").
const MONTHS_GEN: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_NOM: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

/// "30 ноября 2026 г."
pub fn date_long(day: NaiveDate) -> String {
    format!(
        "{} {} {} г.",
        day.day(),
        MONTHS_GEN[day.month0() as usize],
        day.year()
    )
}

/// "30.11.2026"
pub fn date_short(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_else(|_| day.to_string())
}

/// "ноябрь 2026"
pub fn month_name(year: i32, month: u32) -> String {
    format!("{} {year}", MONTHS_NOM[(month.clamp(1, 12) - 1) as usize])
}

/// The VAT in an amount that includes it at `rate` percent, rounded to
/// the kopeck (half away from zero); 0 without VAT.
pub fn vat_in(amount: Money, rate: Option<u32>) -> Money {
    let Some(rate) = rate.filter(|r| *r > 0) else {
        return Money::ZERO;
    };
    let (num, den) = (
        i128::from(amount.0) * i128::from(rate),
        i128::from(100 + rate),
    );
    let half = den / 2;
    let v = if num >= 0 {
        (num + half) / den
    } else {
        (num - half) / den
    };
    Money(i64::try_from(v).unwrap_or(0))
}

/// Lines summed by (name, unit, price), in the order they first appear.
#[derive(Debug, Default)]
pub struct Lines {
    lines: Vec<DocLine>,
    vat_rate: Option<u32>,
}

impl Lines {
    pub fn new(vat_rate: Option<u32>) -> Lines {
        Lines {
            lines: vec![],
            vat_rate,
        }
    }

    pub fn add(&mut self, name: &str, unit: &str, price: Money, qty: i64, amount: Money) {
        match self
            .lines
            .iter_mut()
            .find(|l| l.name == name && l.unit == unit && l.price == price)
        {
            Some(l) => {
                l.qty += qty;
                l.amount = l.amount + amount;
            }
            None => self.lines.push(DocLine {
                name: name.to_string(),
                unit: unit.to_string(),
                qty,
                price,
                amount,
                vat: Money::ZERO,
                qty_before: None,
                amount_before: None,
            }),
        }
    }

    /// The lines with their VAT, those that add up to nothing left out.
    pub fn finish(self) -> Vec<DocLine> {
        let rate = self.vat_rate;
        self.lines
            .into_iter()
            .filter(|l| l.qty != 0 || l.amount != Money::ZERO)
            .map(|mut l| {
                l.vat = vat_in(l.amount, rate);
                l
            })
            .collect()
    }
}

/// What a legal client's month puts on its documents: every delivered
/// order's lines (at the prices they were delivered at), its deposits, and
/// the month's rent.
pub fn month_lines(
    orders: &[Order],
    rent: &[RentalCharge],
    vat_rate: Option<u32>,
    year: i32,
    month: u32,
) -> Vec<DocLine> {
    let mut lines = Lines::new(vat_rate);
    for o in orders {
        for l in &o.lines {
            let unit = if l.kind == ProductKind::Service {
                "усл"
            } else {
                "шт"
            };
            lines.add(&l.name, unit, l.price, i64::from(l.qty), l.amount);
        }
        if let Some(d) = &o.deposit {
            lines.add(
                "Залог за возвратную тару (бутыль 19 л)",
                "шт",
                d.price,
                d.bottles,
                d.amount,
            );
        }
        for t in o.equipment.iter().filter(|t| t.deposit != Money::ZERO) {
            let qty = if t.deposit.0 < 0 { -1 } else { 1 };
            lines.add(
                &format!("Залог за оборудование № {}", t.serial),
                "шт",
                Money(t.deposit.0.abs()),
                qty,
                t.deposit,
            );
        }
    }
    for r in rent.iter().filter(|r| r.amount.0 > 0) {
        let what = match r.kind {
            EquipmentKind::Cooler => "кулера",
            EquipmentKind::Pump => "помпы",
            EquipmentKind::Dispenser => "диспенсера",
            EquipmentKind::Other => "оборудования",
        };
        lines.add(
            &format!(
                "Аренда {what} {} № {} за {}",
                r.model,
                r.serial,
                month_name(year, month)
            ),
            "усл",
            r.amount,
            1,
            r.amount,
        );
    }
    lines.finish()
}

/// The company as a document's seller.
pub fn seller(c: &CompanySettings) -> Party {
    Party {
        name: c.name.clone(),
        inn: c.inn.clone(),
        kpp: c.kpp.clone(),
        address: c.address.clone(),
        bank_name: c.bank_name.clone(),
        bik: c.bik.clone(),
        account: c.account.clone(),
        corr_account: c.corr_account.clone(),
    }
}

/// The client as a document's buyer.
pub fn buyer(c: &ClientSummary) -> Party {
    let r = c.requisites.clone().unwrap_or_default();
    let address = if r.address.is_empty() {
        c.active_addresses()
            .next()
            .map(|a| a.text.clone())
            .unwrap_or_default()
    } else {
        r.address
    };
    Party {
        name: if r.full_name.is_empty() {
            c.name.clone()
        } else {
            r.full_name
        },
        inn: c.inn.clone().unwrap_or_default(),
        kpp: r.kpp,
        address,
        bank_name: r.bank_name,
        bik: r.bik,
        account: r.account,
        corr_account: r.corr_account,
    }
}

/// "Договор № 17/2026 от 10.01.2026", from the client's contract.
pub fn basis(c: &ClientSummary) -> Option<String> {
    c.contract
        .as_ref()
        .map(|k| format!("Договор № {} от {}", k.number, date_short(&k.date)))
}

/// What the company's settings still lack to issue documents.
pub fn missing_requisites(c: &CompanySettings) -> Vec<&'static str> {
    let mut out = vec![];
    for (value, name) in [
        (&c.name, "name"),
        (&c.inn, "inn"),
        (&c.address, "address"),
        (&c.bank_name, "bank_name"),
        (&c.bik, "bik"),
        (&c.account, "account"),
    ] {
        if value.trim().is_empty() {
            out.push(name);
        }
    }
    out
}

/// The correction of `issued` lines to `now`: every (name, unit, price)
/// of either, with what was issued and what is now; `None` when nothing
/// changed.
pub fn correction(issued: &[DocLine], now: &[DocLine]) -> Option<Vec<DocLine>> {
    let same = issued.len() == now.len()
        && issued.iter().zip(now).all(|(a, b)| {
            (&a.name, &a.unit, a.price, a.qty, a.amount)
                == (&b.name, &b.unit, b.price, b.qty, b.amount)
        });
    if same {
        return None;
    }
    let key = |l: &DocLine| (l.name.clone(), l.unit.clone(), l.price);
    let mut out: Vec<DocLine> = vec![];
    for l in now {
        let before = issued.iter().find(|b| key(b) == key(l));
        out.push(DocLine {
            qty_before: Some(before.map_or(0, |b| b.qty)),
            amount_before: Some(before.map_or(Money::ZERO, |b| b.amount)),
            ..l.clone()
        });
    }
    for b in issued {
        if !now.iter().any(|l| key(l) == key(b)) {
            out.push(DocLine {
                qty: 0,
                amount: Money::ZERO,
                vat: Money::ZERO,
                qty_before: Some(b.qty),
                amount_before: Some(b.amount),
                ..b.clone()
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_is_taken_out_of_amounts_that_include_it() {
        // 1 200,00 with VAT 20%: 200,00. 1 000,00 at 22%: 180,33 (180,327...).
        assert_eq!(vat_in(Money(120_000), Some(20)), Money(20_000));
        assert_eq!(vat_in(Money(100_000), Some(22)), Money(18_033));
        assert_eq!(vat_in(Money(-100_000), Some(22)), Money(-18_033));
        assert_eq!(vat_in(Money(100_000), None), Money::ZERO);
        assert_eq!(vat_in(Money(100_000), Some(0)), Money::ZERO);
    }

    #[test]
    fn lines_add_up_by_name_and_price_in_first_seen_order() {
        let mut l = Lines::new(Some(20));
        l.add("Вода 19 л", "шт", Money(21_250), 4, Money(85_000));
        l.add("Стаканы", "шт", Money(500), 100, Money(50_000));
        l.add("Вода 19 л", "шт", Money(21_250), 2, Money(42_500));
        l.add("Вода 19 л", "шт", Money(25_000), 1, Money(25_000));
        l.add("Залог", "шт", Money(30_000), 1, Money(30_000));
        l.add("Залог", "шт", Money(30_000), -1, Money(-30_000));
        let lines = l.finish();
        let got: Vec<(&str, i64, i64, i64)> = lines
            .iter()
            .map(|l| (l.name.as_str(), l.qty, l.amount.0, l.vat.0))
            .collect();
        assert_eq!(
            got,
            [
                ("Вода 19 л", 6, 127_500, 21_250),
                ("Стаканы", 100, 50_000, 8_333),
                ("Вода 19 л", 1, 25_000, 4_167),
            ]
        );
    }

    #[test]
    fn a_correction_says_what_was_issued_and_what_is_now() {
        let line = |name: &str, qty: i64, amount: i64| DocLine {
            name: name.into(),
            unit: "шт".into(),
            qty,
            price: Money(25_000),
            amount: Money(amount),
            vat: Money::ZERO,
            qty_before: None,
            amount_before: None,
        };
        let issued = vec![line("Вода", 10, 250_000), line("Помпа", 1, 25_000)];
        assert_eq!(correction(&issued, &issued), None);
        let now = vec![line("Вода", 12, 300_000)];
        let c = correction(&issued, &now).expect("a correction");
        let got: Vec<(&str, Option<i64>, i64)> = c
            .iter()
            .map(|l| (l.name.as_str(), l.qty_before, l.qty))
            .collect();
        assert_eq!(got, [("Вода", Some(10), 12), ("Помпа", Some(1), 0)]);
        assert_eq!(
            date_long(NaiveDate::from_ymd_opt(2026, 11, 30).expect("day")),
            "30 ноября 2026 г."
        );
        assert_eq!(month_name(2026, 11), "ноябрь 2026");
    }
}
