//! The statement text banks export for 1C (`1CClientBankExchange`, format
//! 1.02/1.03): `Key=Value` lines in Windows-1251 (or DOS 866, or UTF-8),
//! a header, an account section (`СекцияРасчСчет` .. `КонецРасчСчет`) and
//! one section per payment document (`СекцияДокумент=..` .. `КонецДокумента`),
//! ended by `КонецФайла`.

use std::collections::HashMap;

use chrono::NaiveDate;
use rodnik_shared::Money;

use crate::error::{Error, Result};

/// One payment document of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankDoc {
    /// "Платежное поручение", "Банковский ордер", ...
    pub kind: String,
    pub number: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub payer_account: String,
    pub payer_inn: String,
    pub payer_kpp: String,
    pub payer_name: String,
    pub payee_account: String,
    pub payee_inn: String,
    /// When the money came in (incoming documents) or left.
    pub received_on: Option<NaiveDate>,
    pub written_off_on: Option<NaiveDate>,
    pub purpose: String,
}

/// A parsed statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    pub version: String,
    /// The account (or accounts) the statement is of.
    pub accounts: Vec<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub docs: Vec<BankDoc>,
}

/// The file's text: UTF-8 when it is valid UTF-8 (with or without a BOM),
/// else as its `Кодировка` line says (Windows-1251 by default; DOS is 866).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    // The `Кодировка=DOS` line, as written in DOS 866 itself.
    let (marker, _, _) = encoding_rs::IBM866.encode("Кодировка=DOS");
    if bytes.windows(marker.len()).any(|w| w == marker.as_ref()) {
        let (dos, _, _) = encoding_rs::IBM866.decode(bytes);
        return dos.into_owned();
    }
    let (win, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
    win.into_owned()
}

fn day(v: &str, field: &str, line: usize) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%d.%m.%Y").map_err(|_| {
        Error::invalid(
            "file",
            format!("line {line}: {field}={v} is not a date DD.MM.YYYY"),
        )
    })
}

/// "2625.00", "2625", "2625,5" in roubles into kopecks.
fn money(v: &str, line: usize) -> Result<Money> {
    let bad = || Error::invalid("file", format!("line {line}: Сумма={v} is not an amount"));
    let v = v.trim().replace(',', ".");
    let (r, k) = v.split_once('.').unwrap_or((&v, ""));
    if r.is_empty()
        || !r.chars().all(|c| c.is_ascii_digit())
        || k.len() > 2
        || !k.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let roubles: i64 = r.parse().map_err(|_| bad())?;
    let kopecks: i64 = match k.len() {
        0 => 0,
        1 => k.parse::<i64>().map_err(|_| bad())? * 10,
        _ => k.parse().map_err(|_| bad())?,
    };
    let m = roubles
        .checked_mul(100)
        .and_then(|x| x.checked_add(kopecks))
        .filter(|m| *m <= Money::MAX_PRICE.0)
        .ok_or_else(bad)?;
    Ok(Money(m))
}

/// Parses a statement; a file that is not one, or a document without its
/// number, date or amount, is refused with the line.
pub fn parse(text: &str) -> Result<Statement> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').trim()));
    match lines.find(|(_, l)| !l.is_empty()) {
        Some((_, "1CClientBankExchange")) => {}
        _ => {
            return Err(Error::invalid(
                "file",
                "not a 1CClientBankExchange statement (the first line must say so)",
            ))
        }
    }
    let mut st = Statement::default();
    let mut doc: Option<(usize, String, HashMap<String, String>)> = None;
    let mut in_account = false;
    let mut ended = false;
    for (n, line) in lines {
        if line.is_empty() {
            continue;
        }
        if line == "КонецФайла" {
            ended = true;
            break;
        }
        if line == "СекцияРасчСчет" {
            in_account = true;
            continue;
        }
        if line == "КонецРасчСчет" {
            in_account = false;
            continue;
        }
        if let Some(kind) = line.strip_prefix("СекцияДокумент=") {
            if doc.is_some() {
                return Err(Error::invalid(
                    "file",
                    format!("line {n}: a document starts inside another"),
                ));
            }
            doc = Some((n, kind.trim().to_string(), HashMap::new()));
            continue;
        }
        if line == "КонецДокумента" {
            let Some((start, kind, f)) = doc.take() else {
                return Err(Error::invalid(
                    "file",
                    format!("line {n}: КонецДокумента without a document"),
                ));
            };
            let get = |k: &str| f.get(k).cloned().unwrap_or_default();
            let need = |k: &str| -> Result<String> {
                f.get(k)
                    .filter(|v| !v.trim().is_empty())
                    .cloned()
                    .ok_or_else(|| {
                        Error::invalid("file", format!("line {start}: the document has no {k}"))
                    })
            };
            let opt_day = |k: &str| -> Result<Option<NaiveDate>> {
                match f.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                    Some(v) => day(v, k, start).map(Some),
                    None => Ok(None),
                }
            };
            // The payer's name: `Плательщик1`, else `Плательщик` without its "ИНН ..." prefix.
            let payer_name = match f.get("Плательщик1").filter(|v| !v.trim().is_empty()) {
                Some(v) => v.trim().to_string(),
                None => {
                    let p = get("Плательщик");
                    let p = p.trim();
                    match p.strip_prefix("ИНН ") {
                        Some(rest) => rest
                            .split_once(' ')
                            .map(|(_, name)| name.trim().to_string())
                            .unwrap_or_default(),
                        None => p.to_string(),
                    }
                }
            };
            st.docs.push(BankDoc {
                kind,
                number: need("Номер")?.trim().to_string(),
                date: day(&need("Дата")?, "Дата", start)?,
                amount: money(&need("Сумма")?, start)?,
                payer_account: get("ПлательщикСчет").trim().to_string(),
                payer_inn: get("ПлательщикИНН").trim().to_string(),
                payer_kpp: get("ПлательщикКПП").trim().to_string(),
                payer_name,
                payee_account: get("ПолучательСчет").trim().to_string(),
                payee_inn: get("ПолучательИНН").trim().to_string(),
                received_on: opt_day("ДатаПоступило")?,
                written_off_on: opt_day("ДатаСписано")?,
                purpose: get("НазначениеПлатежа").trim().to_string(),
            });
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(Error::invalid(
                "file",
                format!("line {n}: expected Key=Value, got {line}"),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        match &mut doc {
            Some((_, _, f)) => {
                // Multi-line purposes come as НазначениеПлатежа1.. in old files.
                if let Some(rest) = key
                    .strip_prefix("НазначениеПлатежа")
                    .filter(|r| !r.is_empty())
                {
                    if rest.chars().all(|c| c.is_ascii_digit()) {
                        let e = f.entry("НазначениеПлатежа".into()).or_default();
                        if !e.is_empty() {
                            e.push(' ');
                        }
                        e.push_str(value);
                        continue;
                    }
                }
                f.insert(key.to_string(), value.to_string());
            }
            None => match key {
                "ВерсияФормата" => st.version = value.to_string(),
                "РасчСчет" if !value.is_empty() && !st.accounts.iter().any(|a| a == value) => {
                    st.accounts.push(value.to_string())
                }
                "ДатаНачала" if !in_account && !value.is_empty() => {
                    st.from = Some(day(value, key, n)?)
                }
                "ДатаКонца" if !in_account && !value.is_empty() => {
                    st.to = Some(day(value, key, n)?)
                }
                _ => {}
            },
        }
    }
    if doc.is_some() {
        return Err(Error::invalid(
            "file",
            "a document is not closed by КонецДокумента",
        ));
    }
    if !ended {
        return Err(Error::invalid(
            "file",
            "the file ends without КонецФайла: is it whole?",
        ));
    }
    Ok(st)
}

/// The invoice numbers a payment's purpose names ("по счету № С-17 от
/// 30.11.2026", "сч. 17", "счёт на оплату №17").
pub fn invoice_numbers(purpose: &str) -> Vec<String> {
    let lower = purpose.to_lowercase();
    let mut out = vec![];
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("сч") {
        let after = &rest[i + "сч".len()..];
        // The word: сч., счет, счёт, счета, счету, счетам...
        let word_end = after
            .char_indices()
            .find(|(_, c)| !c.is_alphabetic() && *c != '.')
            .map(|(j, _)| j)
            .unwrap_or(after.len());
        let word = &after[..word_end];
        let mut tail = &after[word_end..];
        let is_invoice = word.is_empty()
            || word.starts_with('.')
            || ["ет", "ёт", "ета", "ёта", "ету", "ёту", "етам", "етом"]
                .iter()
                .any(|w| word == *w);
        // Skip "-фактура" (not an invoice for payment) and "на оплату".
        if is_invoice && !tail.starts_with("-фактур") {
            tail = tail.trim_start();
            if let Some(t) = tail.strip_prefix("на оплату") {
                tail = t.trim_start();
            }
            tail = tail.trim_start_matches(['№', 'n', '#']).trim_start();
            let number: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '/')
                .collect();
            let number = number.trim_end_matches(['-', '/']).to_string();
            if number.chars().any(|c| c.is_ascii_digit()) && !out.contains(&number) {
                out.push(number);
            }
        }
        rest = &after[word_end.min(after.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const SAMPLE: &str = "1CClientBankExchange\r
ВерсияФормата=1.03\r
Кодировка=Windows\r
Отправитель=Сбербанк Бизнес Онлайн\r
ДатаСоздания=06.12.2026\r
ДатаНачала=01.12.2026\r
ДатаКонца=05.12.2026\r
РасчСчет=40702810900000000001\r
СекцияРасчСчет\r
ДатаНачала=01.12.2026\r
ДатаКонца=05.12.2026\r
РасчСчет=40702810900000000001\r
НачальныйОстаток=1000.00\r
КонецРасчСчет\r
СекцияДокумент=Платежное поручение\r
Номер=17\r
Дата=03.12.2026\r
Сумма=2625.50\r
ПлательщикСчет=40702810000000000002\r
Плательщик=ИНН 7712345678 ООО \"Ромашка\"\r
ПлательщикИНН=7712345678\r
ПлательщикКПП=771201001\r
ПолучательСчет=40702810900000000001\r
ПолучательИНН=7701234567\r
ДатаПоступило=03.12.2026\r
НазначениеПлатежа=Оплата по счету № С-1 от 30.11.2026 за воду. Без НДС\r
КонецДокумента\r
КонецФайла\r
";

    #[test]
    fn a_statement_reads_into_its_documents() {
        let st = parse(SAMPLE).expect("a statement");
        assert_eq!(st.version, "1.03");
        assert_eq!(st.accounts, ["40702810900000000001"]);
        assert_eq!(st.docs.len(), 1);
        let d = &st.docs[0];
        assert_eq!(d.amount, Money(262_550));
        assert_eq!(d.payer_name, "ООО \"Ромашка\"");
        assert_eq!(d.received_on, NaiveDate::from_ymd_opt(2026, 12, 3));
        assert_eq!(invoice_numbers(&d.purpose), ["с-1"]);
    }

    #[test]
    fn windows_1251_and_dos_files_decode() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(parse(&decode(&bytes)).expect("cp1251").docs.len(), 1);
        let dos = SAMPLE.replace("Кодировка=Windows", "Кодировка=DOS");
        let (bytes, _, _) = encoding_rs::IBM866.encode(&dos);
        assert_eq!(
            parse(&decode(&bytes)).expect("cp866").docs[0].payer_inn,
            "7712345678"
        );
    }

    #[test]
    fn broken_files_say_where() {
        assert!(parse("hello").is_err());
        let cut = SAMPLE.replace("КонецФайла\r\n", "");
        assert!(parse(&cut).is_err());
        let bad = SAMPLE.replace("Сумма=2625.50", "Сумма=две тысячи");
        let e = parse(&bad).expect_err("a bad amount");
        assert!(e.to_string().contains("line 15"), "{e}");
    }

    #[test]
    fn invoice_numbers_are_found_in_purposes() {
        assert_eq!(invoice_numbers("Оплата по сч. 17 от 01.12"), ["17"]);
        assert_eq!(
            invoice_numbers("оплата счёта на оплату №С-17/2026"),
            ["с-17/2026"]
        );
        assert_eq!(invoice_numbers("по счетам № 5, № 6"), ["5"]);
        assert!(invoice_numbers("Счет-фактура 9 от ...").is_empty());
        assert!(invoice_numbers("оплата за воду").is_empty());
    }
}
