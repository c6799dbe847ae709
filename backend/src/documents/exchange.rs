//! The month's sales for 1C:Бухгалтерия in EnterpriseData, the XML format
//! 1C configurations exchange data in (`docs/accounting.md`): a `Message`
//! with the exchange header and, in its `Body`, the counterparties
//! (`Справочник.Контрагенты`), their contracts (`Справочник.Договоры`), the
//! goods and services (`Справочник.Номенклатура`) and one sales document
//! (`Документ.РеализацияТоваровУслуг`) per transfer document issued for
//! the month (a correction is exported as the sales it corrects to). Every
//! object's `Ссылка` is a UUID made from Rodnik's own key, so a file loaded
//! again updates the same objects in 1C instead of doubling them.

use rodnik_shared::api::{CompanySettings, DocLine, Document, DocumentKind, Party};
use rodnik_shared::Money;
use sha2::{Digest, Sha256};

/// The EnterpriseData version written (1C:Бухгалтерия 3.0 reads 1.6 and later).
pub const FORMAT_VERSION: &str = "1.8";

fn ns() -> String {
    format!("http://v8.1c.ru/edi/edi_stnd/EnterpriseData/{FORMAT_VERSION}")
}

/// A stable UUID (version 5 layout) for one of Rodnik's objects.
pub fn uuid_of(kind: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"rodnik:");
    h.update(kind.as_bytes());
    h.update(b":");
    h.update(key.as_bytes());
    let mut b: [u8; 16] = [0; 16];
    b.copy_from_slice(&h.finalize()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// Kopecks as xs:decimal ("2125.00").
fn dec(m: Money) -> String {
    let sign = if m.0 < 0 { "-" } else { "" };
    let a = m.0.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn open(&mut self, tag: &str) {
        self.out.push_str(&"  ".repeat(self.depth));
        self.out.push_str(&format!("<{tag}>\n"));
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.out.push_str(&"  ".repeat(self.depth));
        self.out.push_str(&format!("</{tag}>\n"));
    }

    fn leaf(&mut self, tag: &str, value: &str) {
        self.out.push_str(&"  ".repeat(self.depth));
        self.out
            .push_str(&format!("<{tag}>{}</{tag}>\n", esc(value)));
    }

    fn opt(&mut self, tag: &str, value: &str) {
        if !value.is_empty() {
            self.leaf(tag, value);
        }
    }
}

/// A legal entity's key properties (the company, or a counterparty).
fn entity(x: &mut Xml, kind: &str, key: &str, p: &Party, short: &str) {
    x.leaf("Ссылка", &uuid_of(kind, key));
    x.leaf("Наименование", short);
    x.leaf("НаименованиеПолное", &p.name);
    x.opt("ИНН", &p.inn);
    x.opt("КПП", &p.kpp);
    x.leaf("ЮридическоеФизическоеЛицо", "ЮридическоеЛицо");
}

fn organization(x: &mut Xml, c: &CompanySettings) {
    x.open("Организация");
    let p = super::seller(c);
    entity(x, "company", &c.inn, &p, &c.name);
    x.close("Организация");
}

fn counterparty(x: &mut Xml, d: &Document) {
    entity(x, "client", &d.client_id, &d.buyer, &d.buyer.name);
}

fn currency(x: &mut Xml, tag: &str) {
    x.open(tag);
    x.leaf("Код", "643");
    x.leaf("Наименование", "руб.");
    x.close(tag);
}

fn contract_key(d: &Document) -> String {
    format!(
        "{}:{}",
        d.client_id,
        d.basis.as_deref().unwrap_or("основной")
    )
}

fn contract(x: &mut Xml, c: &CompanySettings, d: &Document) {
    x.leaf("Ссылка", &uuid_of("contract", &contract_key(d)));
    x.leaf("ВидДоговора", "СПокупателем");
    organization(x, c);
    x.open("Контрагент");
    counterparty(x, d);
    x.close("Контрагент");
    currency(x, "ВалютаВзаиморасчетов");
    x.leaf("РасчетыВУсловныхЕдиницах", "false");
    x.leaf(
        "Наименование",
        d.basis.as_deref().unwrap_or("Основной договор"),
    );
}

fn is_service(l: &DocLine) -> bool {
    l.unit == "усл"
}

fn item(x: &mut Xml, l: &DocLine) {
    x.leaf("Ссылка", &uuid_of("item", &l.name));
    x.leaf("НаименованиеПолное", &l.name);
    x.leaf("Наименование", &l.name);
    x.leaf("КодВПрограмме", &uuid_of("item", &l.name)[..8]);
}

fn vat_rate(rate: Option<u32>) -> String {
    match rate {
        Some(r) if r > 0 => format!("НДС{r}"),
        _ => "БезНДС".into(),
    }
}

/// The lines a document stands for now (a correction: what it corrects to).
fn lines_now(d: &Document) -> Vec<&DocLine> {
    d.lines
        .iter()
        .filter(|l| l.qty != 0 || l.amount != Money::ZERO)
        .collect()
}

/// The exchange file of a period's transfer documents (and corrections).
/// `created` is the message's time (xs:dateTime).
pub fn message(c: &CompanySettings, docs: &[Document], created: &str) -> String {
    let mut x = Xml {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    x.out.push_str(
        "<Message xmlns:msg=\"http://www.1c.ru/SSL/Exchange/Message\" \
         xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n",
    );
    x.depth = 1;
    x.open("msg:Header");
    x.leaf("msg:Format", &ns());
    x.leaf("msg:CreationDate", created);
    x.leaf("msg:AvailableVersion", FORMAT_VERSION);
    x.close("msg:Header");
    x.out.push_str(&format!("  <Body xmlns=\"{}\">\n", ns()));
    x.depth = 2;
    // The latest document of each client and month stands: a correction
    // replaces what its original says.
    let mut standing: Vec<&Document> = vec![];
    for d in docs.iter().filter(|d| {
        matches!(
            d.kind,
            DocumentKind::Upd | DocumentKind::Act | DocumentKind::Correction
        )
    }) {
        match standing
            .iter_mut()
            .find(|s| s.client_id == d.client_id && s.month == d.month)
        {
            Some(s) if d.created_at > s.created_at => *s = d,
            Some(_) => {}
            None => standing.push(d),
        }
    }
    let mut seen_clients: Vec<&str> = vec![];
    for d in &standing {
        if seen_clients.contains(&d.client_id.as_str()) {
            continue;
        }
        seen_clients.push(&d.client_id);
        x.open("Справочник.Контрагенты");
        x.open("КлючевыеСвойства");
        counterparty(&mut x, d);
        x.close("КлючевыеСвойства");
        x.opt("ЮридическийАдрес", &d.buyer.address);
        x.close("Справочник.Контрагенты");
        x.open("Справочник.Договоры");
        x.open("КлючевыеСвойства");
        contract(&mut x, c, d);
        x.close("КлючевыеСвойства");
        x.close("Справочник.Договоры");
    }
    let mut seen_items: Vec<&str> = vec![];
    for l in standing.iter().flat_map(|d| lines_now(d)) {
        if seen_items.contains(&l.name.as_str()) {
            continue;
        }
        seen_items.push(&l.name);
        x.open("Справочник.Номенклатура");
        x.open("КлючевыеСвойства");
        item(&mut x, l);
        x.close("КлючевыеСвойства");
        x.leaf(
            "ВидНоменклатуры",
            if is_service(l) {
                "Услуга"
            } else {
                "Товар"
            },
        );
        x.close("Справочник.Номенклатура");
    }
    for d in &standing {
        let (number, date) = match d.kind {
            // A correction goes in under the original's number and date,
            // with the corrected lines.
            DocumentKind::Correction => {
                let original = docs.iter().find(|o| Some(&o.id) == d.corrects.as_ref());
                (
                    original.map_or(d.number.clone(), |o| o.number.clone()),
                    original.map_or(d.date.clone(), |o| o.date.clone()),
                )
            }
            _ => (d.number.clone(), d.date.clone()),
        };
        let key = d.corrects.clone().unwrap_or_else(|| d.id.clone());
        x.open("Документ.РеализацияТоваровУслуг");
        x.open("КлючевыеСвойства");
        x.leaf("Ссылка", &uuid_of("sale", &key));
        x.leaf("Дата", &format!("{date}T23:59:59"));
        x.leaf("Номер", &number);
        organization(&mut x, c);
        x.close("КлючевыеСвойства");
        currency(&mut x, "Валюта");
        x.leaf("Сумма", &dec(lines_now(d).iter().map(|l| l.amount).sum()));
        x.open("Контрагент");
        counterparty(&mut x, d);
        x.close("Контрагент");
        x.open("ДанныеВзаиморасчетов");
        x.open("Договор");
        contract(&mut x, c, d);
        x.close("Договор");
        currency(&mut x, "ВалютаВзаиморасчетов");
        x.leaf("КурсВзаиморасчетов", "1");
        x.leaf("КратностьВзаиморасчетов", "1");
        x.leaf("РасчетыВУсловныхЕдиницах", "false");
        x.close("ДанныеВзаиморасчетов");
        x.leaf("ЦенаВключаетНДС", "true");
        x.leaf(
            "Налогообложение",
            if d.vat_rate.is_some() {
                "ОблагаетсяНДС"
            } else {
                "НеОблагаетсяНДС"
            },
        );
        let (goods, services): (Vec<&DocLine>, Vec<&DocLine>) =
            lines_now(d).into_iter().partition(|l| !is_service(l));
        for (tag, rows) in [("Товары", goods), ("Услуги", services)] {
            if rows.is_empty() {
                continue;
            }
            x.open(tag);
            for l in rows {
                x.open("Строка");
                if tag == "Товары" {
                    x.open("ДанныеНоменклатуры");
                    x.open("Номенклатура");
                    item(&mut x, l);
                    x.close("Номенклатура");
                    x.close("ДанныеНоменклатуры");
                    x.open("ЕдиницаИзмерения");
                    x.leaf("Код", "796");
                    x.leaf("Наименование", "шт");
                    x.close("ЕдиницаИзмерения");
                } else {
                    x.open("Номенклатура");
                    item(&mut x, l);
                    x.close("Номенклатура");
                    x.leaf("Содержание", &l.name);
                }
                x.leaf("Количество", &l.qty.to_string());
                x.leaf("Цена", &dec(l.price));
                x.leaf("Сумма", &dec(l.amount));
                x.leaf("СтавкаНДС", &vat_rate(d.vat_rate));
                x.leaf("СуммаНДС", &dec(l.vat));
                x.close("Строка");
            }
            x.close(tag);
        }
        x.close("Документ.РеализацияТоваровУслуг");
    }
    x.out.push_str("  </Body>\n</Message>\n");
    x.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_stable_uuids() {
        let a = uuid_of("client", "c1");
        assert_eq!(a, uuid_of("client", "c1"));
        assert_ne!(a, uuid_of("client", "c2"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(dec(Money(212_500)), "2125.00");
        assert_eq!(dec(Money(-5)), "-0.05");
        assert_eq!(
            esc("ООО «Ромашка» & Ко <1>"),
            "ООО «Ромашка» &amp; Ко &lt;1&gt;"
        );
    }
}
