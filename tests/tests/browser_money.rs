//! Money (issue 20, items 4 and 6) in real headless Chromium at 1366x768 in
//! Russian: last month is closed (invoice С-1 of 2 125,00 for Ромашка), a
//! manager uploads the bank's statement file through the file input and
//! sees one payment matched by INN (the invoice then reads "Оплачено 500,00
//! из 2 125,00") and one not recognised; assigns that one to Ромашка with
//! the small client search, and the invoice reads paid; then the reports'
//! Money tab shows what Ромашка still owes for this month's delivery.
//! Skips without `frontend/dist` and Chromium, unless RODNIK_FULL_SUITE is
//! set.

use std::io::Write;
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use fantoccini::Locator;
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

const COMPANY_ACCOUNT: &str = "40702810900000000001";

fn company() -> Value {
    json!({
        "name": "ООО «Родник»", "inn": "7701234567", "kpp": "770101001",
        "ogrn": "1027700132195", "address": "г. Москва, ул. Родниковая, д. 1",
        "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "account": COMPANY_ACCOUNT, "corr_account": "30101810400000000225",
        "director": "Иванов И. И.", "accountant": "Петрова А. А.",
        "transfer_doc": "upd", "invoice_prefix": "С-", "transfer_prefix": "",
        "yearly_numbers": true
    })
}

/// A 1CClientBankExchange file of incoming payments `(number, payer INN,
/// payer account, amount, purpose)` on `day` (DD.MM.YYYY), as
/// `api_documents.rs` builds it.
fn statement(docs: &[(&str, &str, &str, &str, &str)], day: &str) -> String {
    let mut s = format!(
        "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\nОтправитель=Банк\r\n\
         ДатаНачала={day}\r\nДатаКонца={day}\r\nРасчСчет={COMPANY_ACCOUNT}\r\n\
         СекцияРасчСчет\r\nДатаНачала={day}\r\nРасчСчет={COMPANY_ACCOUNT}\r\nКонецРасчСчет\r\n"
    );
    for (number, inn, from, sum, purpose) in docs {
        s.push_str(&format!(
            "СекцияДокумент=Платежное поручение\r\nНомер={number}\r\nДата={day}\r\nСумма={sum}\r\n\
             ПлательщикСчет={from}\r\nПлательщик=ИНН {inn} ООО \"Плательщик {number}\"\r\n\
             ПлательщикИНН={inn}\r\nПолучательСчет={COMPANY_ACCOUNT}\r\nПолучательИНН=7701234567\r\n\
             ДатаПоступило={day}\r\nНазначениеПлатежа={purpose}\r\nКонецДокумента\r\n"
        ));
    }
    s.push_str("КонецФайла\r\n");
    s
}

/// A delivered order of `day` (YYYY-MM-DD) with `qty` bottles.
async fn delivered(
    app: &App,
    client: (&str, &str),
    water: &str,
    courier: (&str, &str),
    day: &str,
    qty: u32,
) {
    let o = app
        .order(
            &app.admin,
            json!({ "client_id": client.0, "address_id": client.1,
                    "lines": [{ "product_id": water, "qty": qty }],
                    "delivery_date": day, "courier_id": courier.0 }),
        )
        .await;
    let id = id_of(&o);
    app.post(&format!("/api/orders/{id}/dispatch"), &app.admin, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("/api/orders/{id}/deliver"),
        courier.1,
        json!({ "empties_returned": qty }),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_manager_loads_a_statement_assigns_the_unknown_payment_and_reads_the_receivables() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    app.put("/api/settings/company", &app.admin, company())
        .await
        .expect(200);
    let c = app
        .post(
            "/api/clients",
            &app.admin,
            json!({ "kind": "legal", "name": "Ромашка", "phones": ["4951234567"], "inn": "7712345678",
                    "addresses": [{ "text": "Москва, Тверская 1, офис 5" }],
                    "requisites": { "full_name": "ООО «Ромашка»", "kpp": "771201001" } }),
        )
        .await
        .expect(201);
    let (client, addr) = (id_of(&c), id_of(&c["addresses"][0]));
    app.put(
        &format!("/api/clients/{client}/prices"),
        &app.admin,
        json!({ "prices": [{ "product_id": water, "price": 21250 }] }),
    )
    .await
    .expect(200);
    let today = app.state.cfg.today();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first");
    let last_month = (first - chrono::Duration::days(1))
        .with_day(1)
        .expect("first of last month");
    let month = last_month.format("%Y-%m").to_string();
    // Last month: 10 bottles at 212,50 = 2 125,00; this month: 2 more (425,00).
    for (day, qty) in [
        (last_month.with_day(3), 4),
        (last_month.with_day(17), 6),
        (Some(today), 2),
    ] {
        let day = day.expect("day").to_string();
        delivered(
            &app,
            (&client, &addr),
            &water,
            (&kolya_id, &kolya),
            &day,
            qty,
        )
        .await;
    }
    let job = app
        .post("/api/documents/close", &manager, json!({ "month": month }))
        .await
        .expect(202);
    let job = id_of(&job);
    for i in 0.. {
        let j = app
            .get(&format!("/api/documents/jobs/{job}"), &manager)
            .await
            .expect(200);
        if j["state"] != "running" {
            assert_eq!(j["state"], "done", "{j}");
            break;
        }
        assert!(i < 200, "the closing did not end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The bank's file, in Windows-1251 as banks send it: 500,00 from
    // Ромашка's INN naming the invoice, 1 625,00 from an INN nobody has.
    let day = today.format("%d.%m.%Y").to_string();
    let text = statement(
        &[
            (
                "201",
                "7712345678",
                "40702810000000000002",
                "500.00",
                "Оплата по счету № С-1 за воду",
            ),
            (
                "202",
                "5009998887",
                "40702810000000000003",
                "1625.00",
                "Оплата за воду по договору",
            ),
        ],
        &day,
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let mut file = tempfile::Builder::new()
        .prefix("kl_to_1c")
        .suffix(".txt")
        .tempfile()
        .expect("temp file");
    file.write_all(&bytes).expect("write the statement");
    file.flush().expect("flush");
    let path = file.path().to_str().expect("a path").to_string();

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "masha").await;
    click(&c, "#nav-documents").await;
    wait_for(&c, "#documents").await;
    let invoice = "#doc-table tr.doc-row[data-kind='invoice']";
    wait_until(
        &c,
        &format!("{invoice} .doc-paid"),
        Some("data-state"),
        |s| s == "unpaid",
    )
    .await;
    assert_eq!(
        text_of(&c, &format!("{invoice} .doc-paid")).await,
        "Не оплачен"
    );
    wait_for(&c, "#unmatched-empty").await;
    let export = wait_for(&c, "#doc-export-1c").await;
    assert_eq!(
        export.attr("href").await.expect("href").as_deref(),
        Some(format!("/api/accounting/export?month={month}").as_str())
    );
    assert_eq!(export.text().await.expect("text"), "Выгрузка в 1С");

    // Upload: one matched by INN, one not recognised.
    wait_for(&c, "#bank-file")
        .await
        .send_keys(&path)
        .await
        .expect("pick the file");
    click(&c, "#bank-upload").await;
    wait_until(&c, "#bank-result", Some("data-matched"), |v| v == "1").await;
    let result = wait_for(&c, "#bank-result").await;
    for (attr, value) in [
        ("data-incoming", "2"),
        ("data-unmatched", "1"),
        ("data-duplicates", "0"),
        ("data-matched-amount", "50000"),
    ] {
        assert_eq!(
            result.attr(attr).await.expect(attr).as_deref(),
            Some(value),
            "{attr}"
        );
    }
    assert!(text_of(&c, "#bank-matched").await.contains("500,00"));
    let new = c
        .find_all(Locator::Css("#bank-new li.bank-payment"))
        .await
        .expect("payments");
    assert_eq!(new.len(), 2);
    assert!(text_of(&c, "#bank-new li.bank-payment[data-number='201']")
        .await
        .contains("Ромашка"));
    wait_until(
        &c,
        &format!("{invoice} .doc-paid"),
        Some("data-state"),
        |s| s == "part",
    )
    .await;
    assert_eq!(
        text_of(&c, &format!("{invoice} .doc-paid")).await,
        "Оплачено 500,00 из 2 125,00"
    );
    let row = "#unmatched-table tr.unmatched-row[data-number='202']";
    wait_for(&c, row).await;
    assert_eq!(text_of(&c, &format!("{row} .pay-inn")).await, "5009998887");
    assert_eq!(text_of(&c, &format!("{row} .pay-amount")).await, "1 625,00");
    assert_eq!(
        text_of(&c, &format!("{row} .pay-purpose")).await,
        "Оплата за воду по договору"
    );
    screenshot(&c, "bank.png").await;

    // The same file again adds nothing.
    click(&c, "#bank-upload").await;
    wait_until(&c, "#bank-result", Some("data-duplicates"), |v| v == "2").await;
    wait_for(&c, "#bank-new-none").await;

    // Assign the unknown payment to Ромашка: the invoice is paid.
    click(&c, &format!("{row} button.pay-assign")).await;
    click(&c, "#assign-save").await;
    wait_until(&c, ".pay-decide-error", None, |t| t == "Выберите клиента.").await;
    retype(&c, "#assign-search", "Ромаш").await;
    click(
        &c,
        &format!("#assign-results button.assign-pick[data-id='{client}']"),
    )
    .await;
    wait_until(&c, "#assign-client", Some("data-id"), |v| v == client).await;
    click(&c, "#assign-save").await;
    wait_until(&c, "#unmatched-notice", Some("data-kind"), |k| {
        k == "assigned"
    })
    .await;
    assert_eq!(
        text_of(&c, "#unmatched-notice").await,
        "Платёж № 202 отнесён на счёт клиента Ромашка."
    );
    wait_for(&c, "#unmatched-empty").await;
    wait_until(
        &c,
        &format!("{invoice} .doc-paid"),
        Some("data-state"),
        |s| s == "paid",
    )
    .await;
    let paid = text_of(&c, &format!("{invoice} .doc-paid")).await;
    assert!(paid.starts_with("Оплачен "), "{paid}");
    let stored = app
        .get("/api/documents?kind=invoice", &manager)
        .await
        .expect(200);
    assert_eq!(stored[0]["paid_amount"], 212500, "{stored}");
    let payments = app
        .get("/api/bank/payments?state=matched", &manager)
        .await
        .expect(200);
    let p202 = payments
        .as_array()
        .expect("payments")
        .iter()
        .find(|p| p["number"] == "202")
        .cloned()
        .expect("202 matched");
    assert_eq!(
        (p202["client_id"].as_str(), p202["matched_by"].as_str()),
        (Some(client.as_str()), Some("manager"))
    );

    // The receivables: Ромашка owes this month's 425,00, all of it 0-30 days.
    click(&c, "#nav-reports").await;
    click(&c, "#tab-money").await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.starts_with("money-receivables|")
    })
    .await;
    let cell = |col: &str| {
        format!("#receivables-table tr.report-row[data-key='{client}'] td[data-col='{col}']")
    };
    for (col, value) in [("balance", "42500"), ("age_30", "42500"), ("age_over", "0")] {
        let v = wait_for(&c, &cell(col))
            .await
            .attr("data-value")
            .await
            .expect("value");
        assert_eq!(v.as_deref(), Some(value), "{col}");
    }
    assert_eq!(text_of(&c, &cell("client")).await, "Ромашка");
    assert_eq!(text_of(&c, &cell("balance")).await, "425,00");
    let r = app
        .get("/api/reports/receivables", &manager)
        .await
        .expect(200);
    let shown = wait_for(&c, "#receivables-figures")
        .await
        .attr("data-balance")
        .await
        .expect("balance");
    assert_eq!(shown, r["balance"].as_i64().map(|b| b.to_string()));
    screenshot(&c, "receivables.png").await;

    // Unpaid invoices: none left.
    click(&c, "#money-section-unpaid").await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.starts_with("money-unpaid|")
    })
    .await;
    wait_until(&c, "#money-unpaid", Some("data-left"), |v| v == "0").await;
    c.close().await.expect("close browser");
}
