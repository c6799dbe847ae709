//! Documents as XLSX: a sheet of the document's particulars (title,
//! number, the sides' requisites) and a sheet of its lines with the totals
//! (a reconciliation act: its rows and balances), money as numbers.

use rodnik_shared::api::{Document, DocumentKind, Party};
use rodnik_shared::Money;

use super::date_short;
use crate::error::{Error, Result};
use crate::reports::xlsx::{workbook, Cell, Sheet};

fn kv(k: &str, v: impl Into<String>) -> Vec<Cell> {
    vec![Cell::text(k), Cell::text(v)]
}

fn party(rows: &mut Vec<Vec<Cell>>, side: &str, p: &Party) {
    rows.push(kv(side, p.name.clone()));
    rows.push(kv(&format!("{side}: ИНН"), p.inn.clone()));
    rows.push(kv(&format!("{side}: КПП"), p.kpp.clone()));
    rows.push(kv(&format!("{side}: адрес"), p.address.clone()));
    if !p.account.is_empty() {
        rows.push(kv(&format!("{side}: банк"), p.bank_name.clone()));
        rows.push(kv(&format!("{side}: БИК"), p.bik.clone()));
        rows.push(kv(&format!("{side}: р/с"), p.account.clone()));
        rows.push(kv(&format!("{side}: к/с"), p.corr_account.clone()));
    }
}

/// The document's workbook.
pub fn render(d: &Document) -> Result<Vec<u8>> {
    let mut about = vec![
        kv("Документ", d.kind.title_ru()),
        kv("Номер", d.number.clone()),
        vec![Cell::text("Дата"), Cell::Date(d.date.clone())],
    ];
    if let Some(m) = &d.month {
        about.push(vec![Cell::text("Период"), Cell::Month(m.clone())]);
    }
    if let (Some(f), Some(t)) = (&d.from, &d.to) {
        about.push(kv(
            "Период",
            format!("{} — {}", date_short(f), date_short(t)),
        ));
    }
    if let Some(b) = &d.basis {
        about.push(kv("Основание", b.clone()));
    }
    if let Some(n) = &d.corrects_number {
        about.push(kv("Корректирует документ", n.clone()));
    }
    about.push(kv(
        "НДС",
        match d.vat_rate {
            Some(r) if r > 0 => format!("{r}%"),
            _ => "без НДС".into(),
        },
    ));
    party(&mut about, "Продавец", &d.seller);
    party(&mut about, "Покупатель", &d.buyer);
    let particulars = Sheet {
        name: "Документ",
        headers: vec!["Реквизит", "Значение"],
        rows: about,
        totals: None,
        after: vec![],
    };
    let lines = if d.kind == DocumentKind::Reconciliation {
        let opening = d.opening.unwrap_or(Money::ZERO);
        let closing = d.closing.unwrap_or(Money::ZERO);
        let mut rows = vec![vec![
            Cell::Empty,
            Cell::text("Сальдо начальное"),
            Cell::Money(opening.0.max(0)),
            Cell::Money((-opening.0).max(0)),
        ]];
        for r in &d.rows {
            rows.push(vec![
                Cell::Date(r.day.clone()),
                Cell::text(r.text.clone()),
                Cell::Money(r.debit.0),
                Cell::Money(r.credit.0),
            ]);
        }
        Sheet {
            name: "Сверка",
            headers: vec!["Дата", "Документ", "Дебет", "Кредит"],
            rows,
            totals: Some(vec![
                Cell::Empty,
                Cell::text("Обороты за период"),
                Cell::Money(d.rows.iter().map(|r| r.debit.0).sum()),
                Cell::Money(d.rows.iter().map(|r| r.credit.0).sum()),
            ]),
            after: vec![vec![
                Cell::Empty,
                Cell::text("Сальдо конечное"),
                Cell::Money(closing.0.max(0)),
                Cell::Money((-closing.0).max(0)),
            ]],
        }
    } else {
        let corr = d.kind == DocumentKind::Correction;
        Sheet {
            name: "Строки",
            headers: if corr {
                vec![
                    "№",
                    "Наименование",
                    "Ед.",
                    "Кол-во до",
                    "Кол-во",
                    "Цена",
                    "Сумма до",
                    "Сумма",
                    "НДС",
                ]
            } else {
                vec!["№", "Наименование", "Ед.", "Кол-во", "Цена", "Сумма", "НДС"]
            },
            rows: d
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut row = vec![
                        Cell::Int(i as i64 + 1),
                        Cell::text(l.name.clone()),
                        Cell::text(l.unit.clone()),
                    ];
                    if corr {
                        row.push(Cell::Int(l.qty_before.unwrap_or(0)));
                    }
                    row.push(Cell::Int(l.qty));
                    row.push(Cell::Money(l.price.0));
                    if corr {
                        row.push(Cell::Money(l.amount_before.map_or(0, |m| m.0)));
                    }
                    row.push(Cell::Money(l.amount.0));
                    row.push(Cell::Money(l.vat.0));
                    row
                })
                .collect(),
            totals: Some({
                let mut t = vec![Cell::Empty, Cell::text("Итого"), Cell::Empty];
                if corr {
                    t.push(Cell::Empty);
                }
                t.extend([Cell::Empty, Cell::Empty]);
                if corr {
                    t.push(Cell::Money(
                        d.lines
                            .iter()
                            .map(|l| l.amount_before.map_or(0, |m| m.0))
                            .sum(),
                    ));
                }
                t.push(Cell::Money(d.total.0));
                t.push(Cell::Money(d.vat_total.0));
                t
            }),
            after: vec![],
        }
    };
    workbook(
        &format!("{} № {}", d.kind.title_ru(), d.number),
        &[particulars, lines],
    )
    .map_err(|e| Error::Internal(format!("the workbook did not build: {e}")))
}
