//! Documents as printable A4 PDF: a small layout (wrapped text, bordered
//! tables that break across pages with their header repeated) drawn with
//! `krilla` in DejaVu Sans Condensed (embedded, subset), so Cyrillic prints
//! and copies out as text (`pdftotext` reads it back in the tests).

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use krilla::Document as PdfDocument;
use rodnik_shared::api::{DocLine, Document, DocumentKind, Party};
use rodnik_shared::words::{amount, roubles_in_words};
use rodnik_shared::Money;

use super::{date_long, date_short};
use crate::error::{Error, Result};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed-Bold.ttf");

struct Fonts {
    regular: Option<Font>,
    bold: Option<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Font::new(Arc::new(REGULAR.to_vec()).into(), 0),
    bold: Font::new(Arc::new(BOLD.to_vec()).into(), 0),
});

/// The width of `s` at `size` points, as the font shapes it.
fn width(s: &str, size: f32, bold: bool) -> f32 {
    let data = if bold { BOLD } else { REGULAR };
    let Some(face) = rustybuzz::Face::from_slice(data, 0) else {
        return s.chars().count() as f32 * size * 0.5;
    };
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(s);
    let shaped = rustybuzz::shape(&face, &[], buffer);
    let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    units as f32 / f32::from(face.units_per_em().max(1) as u16) * size
}

/// `s` broken into lines no wider than `w` (words kept whole where they fit).
fn wrap(s: &str, w: f32, size: f32, bold: bool) -> Vec<String> {
    let mut out = vec![];
    for para in s.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, bold) <= w || line.is_empty() && width(word, size, bold) <= w
            {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A word longer than the line is cut where it must.
            let mut piece = String::new();
            for ch in word.chars() {
                piece.push(ch);
                if width(&piece, size, bold) > w && piece.chars().count() > 1 {
                    piece.pop();
                    out.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
            line = piece;
        }
        out.push(line);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        s: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        w: f32,
    },
}

/// A table column: its width and how its cells align.
#[derive(Debug, Clone, Copy)]
pub struct Col(pub f32, pub Align);

/// Pages of drawing operations, filled top to bottom.
pub struct Layout {
    w: f32,
    h: f32,
    margin: f32,
    pages: Vec<Vec<Op>>,
    y: f32,
}

const PAD: f32 = 2.5;

impl Layout {
    pub fn new(landscape: bool) -> Layout {
        let (w, h) = if landscape {
            (841.89, 595.28)
        } else {
            (595.28, 841.89)
        };
        Layout {
            w,
            h,
            margin: 36.0,
            pages: vec![vec![]],
            y: 36.0,
        }
    }

    pub fn left(&self) -> f32 {
        self.margin
    }

    /// The width between the margins.
    pub fn inner(&self) -> f32 {
        self.w - 2.0 * self.margin
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(vec![]);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page when less than `h` is left on this one.
    pub fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.h - self.margin {
            self.pages.push(vec![]);
            self.y = self.margin;
            return true;
        }
        false
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn text_at(&mut self, x: f32, baseline: f32, size: f32, bold: bool, s: &str) {
        if !s.is_empty() {
            self.ops().push(Op::Text {
                x,
                y: baseline,
                size,
                bold,
                s: s.to_string(),
            });
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, w: f32) {
        self.ops().push(Op::Line { x1, y1, x2, y2, w });
    }

    /// A full-width rule.
    pub fn rule(&mut self, w: f32) {
        let (l, r, y) = (self.margin, self.w - self.margin, self.y);
        self.line(l, y, r, y, w);
        self.gap(4.0);
    }

    /// Wrapped text from `x` over `w`, aligned; the cursor moves below it.
    pub fn para_in(&mut self, x: f32, w: f32, size: f32, bold: bool, align: Align, s: &str) {
        let lh = size * 1.25;
        for line in wrap(s, w, size, bold) {
            self.ensure(lh);
            let lw = width(&line, size, bold);
            let lx = match align {
                Align::Left => x,
                Align::Right => x + w - lw,
                Align::Center => x + (w - lw) / 2.0,
            };
            let baseline = self.y + size;
            self.text_at(lx, baseline, size, bold, &line);
            self.y += lh;
        }
    }

    /// Wrapped text over the full width.
    pub fn para(&mut self, size: f32, bold: bool, s: &str) {
        let (x, w) = (self.margin, self.inner());
        self.para_in(x, w, size, bold, Align::Left, s);
    }

    /// "Label: value", the label in bold, wrapped over the full width.
    pub fn field(&mut self, size: f32, label: &str, value: &str) {
        let x = self.margin;
        let lw = width(&format!("{label} "), size, true);
        let lh = size * 1.25;
        self.ensure(lh);
        let baseline = self.y + size;
        self.text_at(x, baseline, size, true, label);
        let inner = self.inner();
        let lines = wrap(value, inner - lw, size, false);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.ensure(lh);
            }
            let baseline = self.y + size;
            self.text_at(x + lw, baseline, size, false, line);
            self.y += lh;
        }
    }

    /// A bordered table: `header` (bold, repeated on every page) and
    /// `rows`; a row whose first cell starts with "\u{1}" is bold (totals).
    pub fn table(
        &mut self,
        cols: &[Col],
        header: Option<&[&str]>,
        rows: &[Vec<String>],
        size: f32,
    ) {
        let header: Option<Vec<String>> = header.map(|h| h.iter().map(|s| s.to_string()).collect());
        if let Some(h) = &header {
            let height = self.row_height(cols, h, true, size);
            self.ensure(height);
            self.row(cols, h, true, size, height);
        }
        for row in rows {
            let (bold, cells): (bool, Vec<String>) = match row.first() {
                Some(first) if first.starts_with('\u{1}') => (
                    true,
                    std::iter::once(first.trim_start_matches('\u{1}').to_string())
                        .chain(row.iter().skip(1).cloned())
                        .collect(),
                ),
                _ => (false, row.clone()),
            };
            let height = self.row_height(cols, &cells, bold, size);
            if self.ensure(height) {
                if let Some(h) = &header {
                    let hh = self.row_height(cols, h, true, size);
                    self.row(cols, h, true, size, hh);
                }
            }
            self.row(cols, &cells, bold, size, height);
        }
    }

    fn row_height(&self, cols: &[Col], cells: &[String], bold: bool, size: f32) -> f32 {
        let lines = cols
            .iter()
            .zip(cells)
            .map(|(c, s)| wrap(s, c.0 - 2.0 * PAD, size, bold).len())
            .max()
            .unwrap_or(1)
            .max(1);
        lines as f32 * size * 1.2 + 2.0 * PAD
    }

    fn row(&mut self, cols: &[Col], cells: &[String], bold: bool, size: f32, h: f32) {
        let (x0, top) = (self.margin, self.y);
        let mut x = x0;
        for (c, s) in cols.iter().zip(cells) {
            for (i, line) in wrap(s, c.0 - 2.0 * PAD, size, bold).iter().enumerate() {
                let lw = width(line, size, bold);
                let lx = match c.1 {
                    Align::Left => x + PAD,
                    Align::Right => x + c.0 - PAD - lw,
                    Align::Center => x + (c.0 - lw) / 2.0,
                };
                let baseline = top + PAD + i as f32 * size * 1.2 + size * 0.95;
                self.text_at(lx, baseline, size, bold, line);
            }
            self.line(x, top, x, top + h, 0.5);
            x += c.0;
        }
        self.line(x, top, x, top + h, 0.5);
        self.line(x0, top, x, top, 0.5);
        self.line(x0, top + h, x, top + h, 0.5);
        self.y = top + h;
    }

    /// Signature lines: "Who ________ Name" pairs side by side.
    pub fn signatures(&mut self, pairs: &[(&str, &str)], size: f32) {
        let lh = size * 1.25;
        self.ensure(lh * 3.0);
        self.gap(lh);
        let col = self.inner() / pairs.len().max(1) as f32;
        let baseline = self.y + size;
        for (i, (who, name)) in pairs.iter().enumerate() {
            let x = self.margin + i as f32 * col;
            let ww = width(who, size, false);
            self.text_at(x, baseline, size, false, who);
            let line_from = x + ww + 4.0;
            let line_to = (line_from + 70.0).min(x + col - 10.0);
            self.line(line_from, baseline + 1.0, line_to, baseline + 1.0, 0.5);
            self.text_at(line_to + 4.0, baseline, size, false, name);
        }
        self.y += lh * 2.0;
    }

    /// The pages drawn, with "стр. N из M" at each foot.
    pub fn finish(mut self, title: &str) -> Result<Vec<u8>> {
        let (Some(regular), Some(bold)) = (FONTS.regular.clone(), FONTS.bold.clone()) else {
            return Err(Error::Internal("the document font did not load".into()));
        };
        let pages = std::mem::take(&mut self.pages);
        let n = pages.len();
        let mut doc = PdfDocument::new();
        doc.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_string())
                .creator("Rodnik".to_string()),
        );
        let settings = PageSettings::from_wh(self.w, self.h)
            .ok_or_else(|| Error::Internal("page size".into()))?;
        for (i, ops) in pages.into_iter().enumerate() {
            let mut page = doc.start_page_with(settings.clone());
            let mut surface = page.surface();
            for op in ops.iter().chain(std::iter::once(&Op::Text {
                x: self.w - self.margin - 60.0,
                y: self.h - self.margin / 2.0,
                size: 7.0,
                bold: false,
                s: format!("стр. {} из {n}", i + 1),
            })) {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        bold: b,
                        s,
                    } => {
                        let font = if *b { bold.clone() } else { regular.clone() };
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            font,
                            *size,
                            s,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Op::Line { x1, y1, x2, y2, w } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y1);
                        pb.line_to(*x2, *y2);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                width: *w,
                                ..Default::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        doc.finish()
            .map_err(|e| Error::Internal(format!("the PDF did not build: {e:?}")))
    }
}

fn party_line(p: &Party) -> String {
    let mut parts = vec![p.name.clone()];
    if !p.inn.is_empty() {
        parts.push(format!("ИНН {}", p.inn));
    }
    if !p.kpp.is_empty() {
        parts.push(format!("КПП {}", p.kpp));
    }
    if !p.address.is_empty() {
        parts.push(p.address.clone());
    }
    parts.join(", ")
}

fn day(d: &str) -> String {
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map(date_long)
        .unwrap_or_else(|_| d.to_string())
}

fn vat_label(rate: Option<u32>) -> String {
    match rate {
        Some(r) if r > 0 => format!("{r}%"),
        _ => "без НДС".into(),
    }
}

fn qty(n: i64) -> String {
    n.to_string()
}

/// The price without VAT of a line (its amount less VAT, per unit).
fn net_price(l: &DocLine) -> Money {
    if l.qty == 0 {
        return Money::ZERO;
    }
    Money((l.amount.0 - l.vat.0) / l.qty)
}

/// Any issued document as a PDF.
pub fn render(d: &Document) -> Result<Vec<u8>> {
    match d.kind {
        DocumentKind::Invoice => invoice(d),
        DocumentKind::Act => act(d),
        DocumentKind::Upd | DocumentKind::Factura => upd(d),
        DocumentKind::Correction => correction(d),
        DocumentKind::Reconciliation => reconciliation(d),
    }
}

fn title(d: &Document) -> String {
    format!("{} № {} от {}", d.kind.title_ru(), d.number, day(&d.date))
}

fn totals(l: &mut Layout, d: &Document) {
    let x = l.left();
    let w = l.inner();
    l.gap(2.0);
    l.para_in(
        x,
        w,
        9.0,
        true,
        Align::Right,
        &format!("Итого: {}", amount(d.total)),
    );
    let vat = match d.vat_rate {
        Some(r) if r > 0 => format!("В том числе НДС ({r}%): {}", amount(d.vat_total)),
        _ => "Без налога (НДС)".to_string(),
    };
    l.para_in(x, w, 9.0, true, Align::Right, &vat);
}

fn goods_rows(d: &Document) -> Vec<Vec<String>> {
    d.lines
        .iter()
        .enumerate()
        .map(|(i, ln)| {
            vec![
                (i + 1).to_string(),
                ln.name.clone(),
                qty(ln.qty),
                ln.unit.clone(),
                amount(ln.price),
                amount(ln.amount),
            ]
        })
        .collect()
}

fn invoice(d: &Document) -> Result<Vec<u8>> {
    let mut l = Layout::new(false);
    let s = &d.seller;
    let bank = [
        vec![
            format!("{}\nБанк получателя", s.bank_name),
            "БИК".into(),
            s.bik.clone(),
        ],
        vec![String::new(), "Сч. №".into(), s.corr_account.clone()],
        vec![
            format!("ИНН {}    КПП {}", s.inn, s.kpp),
            "Сч. №".into(),
            s.account.clone(),
        ],
        vec![
            format!("{}\nПолучатель", s.name),
            String::new(),
            String::new(),
        ],
    ];
    let w = l.inner();
    l.table(
        &[
            Col(w * 0.58, Align::Left),
            Col(w * 0.1, Align::Left),
            Col(w * 0.32, Align::Left),
        ],
        None,
        &bank,
        8.5,
    );
    l.gap(10.0);
    l.para(14.0, true, &title(d));
    l.rule(1.5);
    goods_body(
        &mut l,
        d,
        ("Поставщик (Исполнитель):", "Покупатель (Заказчик):"),
        true,
    );
    l.gap(4.0);
    l.rule(1.5);
    l.signatures(
        &[
            ("Руководитель", d.director.as_str()),
            ("Бухгалтер", d.accountant.as_str()),
        ],
        9.0,
    );
    l.finish(&title(d))
}

/// The sides, the basis and period, the goods table, the totals and the
/// amount in words: what an invoice and an act share (`to_pay` adds
/// "Всего к оплате").
fn goods_body(l: &mut Layout, d: &Document, (seller, buyer): (&str, &str), to_pay: bool) {
    let w = l.inner();
    l.field(9.0, seller, &party_line(&d.seller));
    l.gap(3.0);
    l.field(9.0, buyer, &party_line(&d.buyer));
    if let Some(b) = &d.basis {
        l.gap(3.0);
        l.field(9.0, "Основание:", b);
    }
    if let Some(m) = &d.month {
        l.gap(3.0);
        l.field(9.0, "Период:", &month_title(m));
    }
    l.gap(6.0);
    l.table(
        &[
            Col(w * 0.05, Align::Center),
            Col(w * 0.5, Align::Left),
            Col(w * 0.08, Align::Right),
            Col(w * 0.07, Align::Center),
            Col(w * 0.14, Align::Right),
            Col(w * 0.16, Align::Right),
        ],
        Some(&[
            "№",
            "Товары (работы, услуги)",
            "Кол-во",
            "Ед.",
            "Цена",
            "Сумма",
        ]),
        &goods_rows(d),
        8.5,
    );
    totals(l, d);
    if to_pay {
        let x = l.left();
        l.para_in(
            x,
            w,
            9.0,
            true,
            Align::Right,
            &format!("Всего к оплате: {}", amount(d.total)),
        );
    }
    l.gap(6.0);
    l.para(
        9.0,
        false,
        &format!(
            "Всего наименований {}, на сумму {} руб.",
            d.lines.len(),
            amount(d.total)
        ),
    );
    l.para(9.0, true, &roubles_in_words(d.total));
}

fn month_title(m: &str) -> String {
    let (y, mo) = m.split_once('-').unwrap_or((m, "1"));
    super::month_name(y.parse().unwrap_or(2000), mo.parse().unwrap_or(1))
}

fn act(d: &Document) -> Result<Vec<u8>> {
    let mut l = Layout::new(false);
    l.para(14.0, true, &title(d));
    l.rule(1.5);
    goods_body(
        &mut l,
        d,
        ("Исполнитель (Поставщик):", "Заказчик (Покупатель):"),
        false,
    );
    l.gap(4.0);
    l.para(
        9.0,
        false,
        "Вышеперечисленные товары и услуги переданы полностью и в срок. Заказчик претензий по объёму, качеству и срокам не имеет.",
    );
    l.rule(1.5);
    l.signatures(
        &[("Исполнитель", d.director.as_str()), ("Заказчик", "")],
        9.0,
    );
    l.finish(&title(d))
}

fn upd(d: &Document) -> Result<Vec<u8>> {
    let mut l = Layout::new(true);
    let w = l.inner();
    let vat_payer = d.vat_rate.is_some_and(|r| r > 0);
    if d.kind == DocumentKind::Upd {
        l.para(10.0, true, "Универсальный передаточный документ");
        l.para(
            8.0,
            false,
            if vat_payer {
                "Статус: 1 — счёт-фактура и передаточный документ (акт)"
            } else {
                "Статус: 2 — передаточный документ (акт)"
            },
        );
    }
    l.para(
        12.0,
        true,
        &format!("Счёт-фактура № {} от {}", d.number, day(&d.date)),
    );
    l.para(8.0, false, "Исправление № — от —");
    l.gap(3.0);
    let s = &d.seller;
    let b = &d.buyer;
    l.field(8.0, "Продавец:", &s.name);
    l.field(8.0, "Адрес:", &s.address);
    l.field(8.0, "ИНН/КПП продавца:", &format!("{}/{}", s.inn, s.kpp));
    l.field(8.0, "Грузоотправитель и его адрес:", "он же");
    l.field(
        8.0,
        "Грузополучатель и его адрес:",
        &format!("{}, {}", b.name, b.address),
    );
    l.field(8.0, "К платёжно-расчётному документу №:", "—");
    l.field(
        8.0,
        "Документ об отгрузке:",
        &format!(
            "№ п/п 1-{} № {} от {}",
            d.lines.len(),
            d.number,
            date_short(&d.date)
        ),
    );
    l.field(8.0, "Покупатель:", &b.name);
    l.field(8.0, "Адрес:", &b.address);
    l.field(8.0, "ИНН/КПП покупателя:", &format!("{}/{}", b.inn, b.kpp));
    l.field(8.0, "Валюта: наименование, код:", "Российский рубль, 643");
    l.gap(5.0);
    let mut rows: Vec<Vec<String>> = d
        .lines
        .iter()
        .enumerate()
        .map(|(i, ln)| {
            vec![
                (i + 1).to_string(),
                ln.name.clone(),
                if ln.unit == "шт" {
                    "796".into()
                } else {
                    "—".into()
                },
                ln.unit.clone(),
                qty(ln.qty),
                amount(net_price(ln)),
                amount(Money(ln.amount.0 - ln.vat.0)),
                "без акциза".into(),
                vat_label(d.vat_rate),
                if vat_payer {
                    amount(ln.vat)
                } else {
                    "без НДС".into()
                },
                amount(ln.amount),
            ]
        })
        .collect();
    rows.push(vec![
        "\u{1}".into(),
        "Всего к оплате".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        amount(Money(d.total.0 - d.vat_total.0)),
        String::new(),
        "×".into(),
        if vat_payer {
            amount(d.vat_total)
        } else {
            "без НДС".into()
        },
        amount(d.total),
    ]);
    l.table(
        &[
            Col(w * 0.03, Align::Center),
            Col(w * 0.27, Align::Left),
            Col(w * 0.05, Align::Center),
            Col(w * 0.05, Align::Center),
            Col(w * 0.06, Align::Right),
            Col(w * 0.09, Align::Right),
            Col(w * 0.1, Align::Right),
            Col(w * 0.07, Align::Center),
            Col(w * 0.07, Align::Center),
            Col(w * 0.1, Align::Right),
            Col(w * 0.11, Align::Right),
        ],
        Some(&[
            "№",
            "Наименование товара (описание работ, услуг)",
            "Код ед.",
            "Ед. изм.",
            "Кол-во",
            "Цена за единицу",
            "Стоимость без налога",
            "Акциз",
            "Налоговая ставка",
            "Сумма налога",
            "Стоимость с налогом — всего",
        ]),
        &rows,
        7.5,
    );
    l.signatures(
        &[
            ("Руководитель организации", d.director.as_str()),
            ("Главный бухгалтер", d.accountant.as_str()),
        ],
        8.0,
    );
    if d.kind == DocumentKind::Upd {
        if let Some(basis) = &d.basis {
            l.field(
                8.0,
                "Основание передачи (сдачи) / получения (приёмки):",
                basis,
            );
        }
        l.field(8.0, "Дата отгрузки, передачи (сдачи):", &day(&d.date));
        l.signatures(
            &[
                ("Товар (груз) передал / услуги сдал", d.director.as_str()),
                ("Товар (груз) получил / услуги принял", ""),
            ],
            8.0,
        );
    }
    l.finish(&title(d))
}

fn correction(d: &Document) -> Result<Vec<u8>> {
    let mut l = Layout::new(true);
    let w = l.inner();
    l.para(
        12.0,
        true,
        &format!(
            "Корректировочный счёт-фактура (УКД) № {} от {} к документу № {}",
            d.number,
            day(&d.date),
            d.corrects_number.as_deref().unwrap_or("—")
        ),
    );
    l.gap(3.0);
    l.field(8.0, "Продавец:", &party_line(&d.seller));
    l.field(8.0, "Покупатель:", &party_line(&d.buyer));
    if let Some(m) = &d.month {
        l.field(8.0, "Период:", &month_title(m));
    }
    l.field(8.0, "Валюта: наименование, код:", "Российский рубль, 643");
    l.gap(5.0);
    let mut up = 0i64;
    let mut down = 0i64;
    let mut rows: Vec<Vec<String>> = vec![];
    for (i, ln) in d.lines.iter().enumerate() {
        let before = ln.amount_before.unwrap_or(Money::ZERO);
        let diff = ln.amount.0 - before.0;
        if diff > 0 {
            up += diff;
        } else {
            down -= diff;
        }
        rows.push(vec![
            (i + 1).to_string(),
            ln.name.clone(),
            ln.unit.clone(),
            qty(ln.qty_before.unwrap_or(0)),
            qty(ln.qty),
            amount(ln.price),
            amount(before),
            amount(ln.amount),
            if diff > 0 {
                amount(Money(diff))
            } else {
                String::new()
            },
            if diff < 0 {
                amount(Money(-diff))
            } else {
                String::new()
            },
        ]);
    }
    rows.push(vec![
        "\u{1}".into(),
        "Всего".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        amount(Money(up)),
        amount(Money(down)),
    ]);
    l.table(
        &[
            Col(w * 0.03, Align::Center),
            Col(w * 0.29, Align::Left),
            Col(w * 0.05, Align::Center),
            Col(w * 0.07, Align::Right),
            Col(w * 0.07, Align::Right),
            Col(w * 0.09, Align::Right),
            Col(w * 0.1, Align::Right),
            Col(w * 0.1, Align::Right),
            Col(w * 0.1, Align::Right),
            Col(w * 0.1, Align::Right),
        ],
        Some(&[
            "№",
            "Наименование товара (услуги)",
            "Ед.",
            "Кол-во до",
            "Кол-во после",
            "Цена",
            "Стоимость до изменения",
            "Стоимость после изменения",
            "Увеличение",
            "Уменьшение",
        ]),
        &rows,
        7.5,
    );
    l.gap(4.0);
    l.para(
        9.0,
        false,
        &format!(
            "Итого по документу после изменения: {} ({}), {}",
            amount(d.total),
            roubles_in_words(d.total),
            match d.vat_rate {
                Some(r) if r > 0 => format!("в том числе НДС {r}%: {}", amount(d.vat_total)),
                _ => "без НДС".into(),
            }
        ),
    );
    l.signatures(
        &[
            ("Руководитель организации", d.director.as_str()),
            ("Главный бухгалтер", d.accountant.as_str()),
        ],
        8.0,
    );
    l.finish(&title(d))
}

fn reconciliation(d: &Document) -> Result<Vec<u8>> {
    let mut l = Layout::new(false);
    let w = l.inner();
    let (from, to) = (
        d.from.as_deref().unwrap_or_default(),
        d.to.as_deref().unwrap_or_default(),
    );
    l.para_in(
        l.left(),
        w,
        13.0,
        true,
        Align::Center,
        "Акт сверки взаимных расчётов",
    );
    l.para_in(
        l.left(),
        w,
        9.0,
        false,
        Align::Center,
        &format!(
            "№ {} за период: с {} по {}",
            d.number,
            date_short(from),
            date_short(to)
        ),
    );
    l.para_in(
        l.left(),
        w,
        9.0,
        false,
        Align::Center,
        &format!("между {} и {}", d.seller.name, d.buyer.name),
    );
    if let Some(b) = &d.basis {
        l.para_in(
            l.left(),
            w,
            9.0,
            false,
            Align::Center,
            &format!("по {}", b.to_lowercase()),
        );
    }
    l.gap(6.0);
    let opening = d.opening.unwrap_or(Money::ZERO);
    let closing = d.closing.unwrap_or(Money::ZERO);
    let side = |m: Money| -> (String, String) {
        if m.0 > 0 {
            (amount(m), String::new())
        } else if m.0 < 0 {
            (String::new(), amount(Money(-m.0)))
        } else {
            (String::new(), String::new())
        }
    };
    let mut rows: Vec<Vec<String>> = vec![];
    let (od, oc) = side(opening);
    rows.push(vec!["\u{1}".into(), "Сальдо начальное".into(), od, oc]);
    let (mut debit, mut credit) = (0i64, 0i64);
    for r in &d.rows {
        debit += r.debit.0;
        credit += r.credit.0;
        rows.push(vec![
            date_short(&r.day),
            r.text.clone(),
            if r.debit.0 != 0 {
                amount(r.debit)
            } else {
                String::new()
            },
            if r.credit.0 != 0 {
                amount(r.credit)
            } else {
                String::new()
            },
        ]);
    }
    rows.push(vec![
        "\u{1}".into(),
        "Обороты за период".into(),
        amount(Money(debit)),
        amount(Money(credit)),
    ]);
    let (cd, cc) = side(closing);
    rows.push(vec!["\u{1}".into(), "Сальдо конечное".into(), cd, cc]);
    l.para(9.0, true, &format!("По данным {}, руб.", d.seller.name));
    l.table(
        &[
            Col(w * 0.14, Align::Center),
            Col(w * 0.5, Align::Left),
            Col(w * 0.18, Align::Right),
            Col(w * 0.18, Align::Right),
        ],
        Some(&["Дата", "Документ", "Дебет", "Кредит"]),
        &rows,
        8.5,
    );
    l.gap(6.0);
    let verdict = if closing.0 > 0 {
        format!(
            "На {} задолженность в пользу {} составляет {} руб. ({})",
            date_short(to),
            d.seller.name,
            amount(closing),
            roubles_in_words(closing)
        )
    } else if closing.0 < 0 {
        format!(
            "На {} задолженность в пользу {} составляет {} руб. ({})",
            date_short(to),
            d.buyer.name,
            amount(Money(-closing.0)),
            roubles_in_words(Money(-closing.0))
        )
    } else {
        format!("На {} задолженность отсутствует.", date_short(to))
    };
    l.para(9.0, true, &verdict);
    l.signatures(
        &[
            (d.seller.name.as_str(), d.director.as_str()),
            (d.buyer.name.as_str(), ""),
        ],
        8.5,
    );
    l.finish(&title(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_within_its_width_and_long_words_are_cut() {
        let lines = wrap(
            "Вода питьевая «Родник» 19 литров в возвратной таре",
            80.0,
            9.0,
            false,
        );
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(width(l, 9.0, false) <= 80.0 + 0.01, "{l}");
        }
        let cut = wrap("ООООООООООООООООООООООООООООООООО", 50.0, 9.0, true);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), "ООООООООООООООООООООООООООООООООО");
        assert!(width("Счёт", 10.0, true) > width("Счёт", 10.0, false));
    }
}
