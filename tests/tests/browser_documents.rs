//! Month-end documents (issue 20, item 2) in real headless Chromium at
//! 1366x768 in Russian: a manager opens Документы, is told which company
//! requisites are missing, closes the previous month once they are set,
//! follows the job to its end and sees the invoice and the УПД of the
//! month's two deliveries at the contract price, with PDF links to the
//! documents' files; sending without a mail server says so in the row. An
//! admin saves the company's requisites (a bad БИК shown at its field first,
//! the SMTP password then "сохранён"), and a legal client's requisites are
//! edited on the console's card. Skips without `frontend/dist` and
//! Chromium, unless RODNIK_FULL_SUITE is set.

use chrono::{Datelike, NaiveDate};
use fantoccini::Locator;
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

fn company() -> Value {
    json!({
        "name": "ООО «Родник»", "inn": "7701234567", "kpp": "770101001",
        "ogrn": "1027700132195", "address": "г. Москва, ул. Родниковая, д. 1",
        "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "account": "40702810900000000001", "corr_account": "30101810400000000225",
        "director": "Иванов И. И.", "accountant": "Петрова А. А.",
        "vat_rate": 20, "transfer_doc": "upd",
        "invoice_prefix": "С-", "transfer_prefix": "", "yearly_numbers": true
    })
}

/// The first day of the month before the server's today.
fn last_month(app: &App) -> NaiveDate {
    let today = app.state.cfg.today();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first");
    (first - chrono::Duration::days(1))
        .with_day(1)
        .expect("first of last month")
}

/// A legal client with requisites and a contract price of 212,50 for the
/// water; returns its id and address id.
async fn romashka(app: &App, water: &str) -> (String, String) {
    let c = app
        .post(
            "/api/clients",
            &app.admin,
            json!({ "kind": "legal", "name": "Ромашка", "phones": ["4951234567"], "inn": "7712345678",
                    "addresses": [{ "text": "Москва, Тверская 1, офис 5" }],
                    "requisites": { "full_name": "ООО «Ромашка»", "kpp": "771201001",
                                    "address": "г. Москва, ул. Тверская, д. 1",
                                    "email": "buh@romashka.ru" } }),
        )
        .await
        .expect(201);
    let client = id_of(&c);
    let addr = id_of(&c["addresses"][0]);
    app.put(
        &format!("/api/clients/{client}/prices"),
        &app.admin,
        json!({ "prices": [{ "product_id": water, "price": 21250 }] }),
    )
    .await
    .expect(200);
    (client, addr)
}

/// A delivered order of `day` (YYYY-MM-DD) with `qty` bottles.
async fn delivered(
    app: &App,
    client: &str,
    addr: &str,
    water: &str,
    courier: (&str, &str),
    day: &str,
    qty: u32,
) {
    let o = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": addr,
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
async fn a_manager_closes_last_month_and_gets_the_invoice_and_upd() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = romashka(&app, &water).await;
    let first = last_month(&app);
    let month = first.format("%Y-%m").to_string();
    for (day, qty) in [(3, 4), (17, 6)] {
        let date = first.with_day(day).expect("day").to_string();
        delivered(
            &app,
            &client,
            &addr,
            &water,
            (&kolya_id, &kolya),
            &date,
            qty,
        )
        .await;
    }

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "masha").await;
    wait_until(&c, "#nav-documents", None, |t| t == "Документы").await;
    click(&c, "#nav-documents").await;
    wait_for(&c, "#documents").await;
    let shown = wait_for(&c, "#doc-month")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        shown.as_deref(),
        Some(month.as_str()),
        "the previous month by default"
    );
    wait_for(&c, "#doc-list-empty").await;

    // Without the company's requisites the close is refused, naming them.
    click(&c, "#doc-close-submit").await;
    wait_until(&c, "#doc-close-error", Some("data-code"), |v| {
        v == "company"
    })
    .await;
    let said = text_of(&c, "#doc-close-error").await;
    for word in ["реквизиты компании", "ИНН", "БИК", "Расчётный счёт"]
    {
        assert!(said.contains(word), "{word} in {said:?}");
    }
    assert!(
        said.contains("администратор"),
        "a manager is sent to the admin: {said:?}"
    );

    app.put("/api/settings/company", &app.admin, company())
        .await
        .expect(200);
    click(&c, "#doc-close-submit").await;
    wait_for(&c, "#doc-job").await;
    wait_until(&c, "#doc-job", Some("data-state"), |s| s == "done").await;
    assert!(
        c.find(Locator::Css("#doc-close-error")).await.is_err(),
        "the refusal is gone"
    );
    assert_eq!(text_of(&c, "#doc-job-clients").await, "Клиенты: 1 из 1");
    wait_until(&c, "#doc-job-issued", Some("data-value"), |v| v == "2").await;
    let bar = wait_for(&c, "#doc-job-bar")
        .await
        .attr("value")
        .await
        .expect("bar");
    assert_eq!(bar.as_deref(), Some("100"));

    // The month's documents: the invoice and the УПД, 10 x 212,50.
    let invoice = "#doc-table tr.doc-row[data-kind='invoice']";
    let upd = "#doc-table tr.doc-row[data-kind='upd']";
    wait_for(&c, invoice).await;
    wait_for(&c, upd).await;
    let docs = app
        .get(&format!("/api/documents?month={month}"), &manager)
        .await
        .expect(200);
    let docs = docs.as_array().expect("documents");
    assert_eq!(docs.len(), 2, "{docs:?}");
    for (css, kind, number, label) in [
        (invoice, "invoice", "С-1", "Счёт на оплату"),
        (upd, "upd", "1", "УПД"),
    ] {
        let doc = docs
            .iter()
            .find(|d| d["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} in {docs:?}"));
        let id = id_of(doc);
        let row = wait_for(&c, css).await;
        assert_eq!(
            row.attr("data-id").await.expect("id").as_deref(),
            Some(id.as_str())
        );
        assert_eq!(
            row.attr("data-total").await.expect("total").as_deref(),
            Some("212500")
        );
        assert_eq!(text_of(&c, &format!("{css} .doc-number")).await, number);
        assert_eq!(text_of(&c, &format!("{css} .doc-kind")).await, label);
        assert_eq!(text_of(&c, &format!("{css} .doc-total")).await, "2 125,00");
        assert_eq!(
            text_of(&c, &format!("{css} .doc-client")).await,
            "ООО «Ромашка»"
        );
        let href = wait_for(&c, &format!("{css} a.doc-pdf"))
            .await
            .attr("href")
            .await
            .expect("href");
        assert_eq!(
            href.as_deref(),
            Some(format!("/api/documents/{id}/pdf").as_str())
        );
        let xlsx = wait_for(&c, &format!("{css} a.doc-xlsx"))
            .await
            .attr("href")
            .await
            .expect("href");
        assert_eq!(
            xlsx.as_deref(),
            Some(format!("/api/documents/{id}/xlsx").as_str())
        );
    }
    let dated = (first + chrono::Months::new(1)) - chrono::Duration::days(1);
    assert_eq!(
        text_of(&c, &format!("{upd} .doc-date")).await,
        dated.format("%d.%m.%Y").to_string(),
        "dated the month's last day"
    );
    wait_for(&c, "#doc-jobs li.doc-job[data-state='done']").await;
    screenshot(&c, "documents.png").await;

    // No mail server: the row says so, nothing is sent.
    click(&c, &format!("{invoice} button.doc-send")).await;
    wait_until(&c, &format!("{invoice} .doc-send-error"), None, |t| {
        t.contains("Почтовый сервер не настроен")
    })
    .await;
    let sent = wait_for(&c, &format!("{invoice} .doc-sent"))
        .await
        .attr("data-state")
        .await
        .expect("state");
    assert_eq!(sent.as_deref(), Some("none"));

    // An act of reconciliation for the year: the client owes the month's 2 125,00.
    retype(&c, "#recon-search", "Ромаш").await;
    click(
        &c,
        &format!("#recon-results button.recon-pick[data-id='{client}']"),
    )
    .await;
    wait_until(&c, "#recon-client", Some("data-id"), |v| v == client).await;
    click(&c, "#recon-make").await;
    wait_until(&c, "#recon-result", Some("data-closing"), |v| v == "212500").await;
    let act = wait_for(&c, "#recon-result")
        .await
        .attr("data-id")
        .await
        .expect("id")
        .expect("an act");
    let href = wait_for(&c, "#recon-result a.doc-pdf")
        .await
        .attr("href")
        .await
        .expect("href");
    assert_eq!(
        href.as_deref(),
        Some(format!("/api/documents/{act}/pdf").as_str())
    );
    let stored = app
        .get(&format!("/api/documents/{act}"), &manager)
        .await
        .ok();
    assert_eq!(stored["kind"], "reconciliation");
    assert_eq!(stored["client_id"], client.as_str());
    screenshot(&c, "documents-reconciliation.png").await;
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn an_admin_saves_the_company_requisites_after_a_bad_bik_and_a_clients_requisites() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, _) = romashka(&app, &water).await;
    let (_driver, c) = browser("ru-RU").await;
    admin_log_in(&c, &app).await;
    click(&c, "#nav-admin").await;
    wait_until(&c, "#tab-company", None, |t| t == "Реквизиты компании").await;
    click(&c, "#tab-company").await;
    wait_for(&c, "#admin[data-tab='company']").await;
    wait_for(&c, "#company-settings[data-loaded='true']").await;

    for (id, value) in [
        ("#company-name", "ООО «Родник»"),
        ("#company-inn", "7701234567"),
        ("#company-kpp", "770101001"),
        ("#company-address", "г. Москва, ул. Родниковая, д. 1"),
        ("#company-bank-name", "ПАО Сбербанк"),
        ("#company-bik", "04452522"),
        ("#company-account", "40702810900000000001"),
        ("#company-corr-account", "30101810400000000225"),
        ("#company-director", "Иванов И. И."),
        ("#company-smtp-host", "smtp.rodnik.test"),
        ("#company-smtp-username", "billing"),
        ("#company-smtp-password", "секрет-1"),
        ("#company-smtp-from", "Родник <billing@rodnik.test>"),
    ] {
        retype(&c, id, value).await;
    }
    wait_for(&c, "#company-vat")
        .await
        .select_by_value("20")
        .await
        .expect("vat");
    click(&c, "#company-save").await;
    wait_until(&c, ".field-error[data-field='bik']", None, |t| {
        t == "Должно быть 9 цифр."
    })
    .await;
    let stored = app.get("/api/settings/company", &app.admin).await.ok();
    assert_eq!(stored["bik"], "", "nothing was saved: {stored}");
    screenshot(&c, "company-bad-bik.png").await;

    retype(&c, "#company-bik", "044525225").await;
    click(&c, "#company-save").await;
    wait_for(&c, "#company-saved").await;
    wait_for(&c, "#company-smtp-password-set").await;
    let stored = app.get("/api/settings/company", &app.admin).await.ok();
    assert_eq!(stored["bik"], "044525225");
    assert_eq!(stored["vat_rate"], 20);
    assert_eq!(stored["smtp"]["host"], "smtp.rodnik.test");
    assert_eq!(stored["smtp"]["password_set"], true);
    assert!(stored["smtp"].get("password").is_none(), "write-only");
    let typed = wait_for(&c, "#company-smtp-password")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(typed.as_deref(), Some(""), "the password is never shown");
    screenshot(&c, "company.png").await;

    // Saving again without typing a password keeps it.
    retype(&c, "#company-phone", "+7 495 000-00-00").await;
    click(&c, "#company-save").await;
    wait_for(&c, "#company-saved").await;
    let stored = app.get("/api/settings/company", &app.admin).await.ok();
    assert_eq!(stored["phone"], "+7 495 000-00-00");
    assert_eq!(stored["smtp"]["password_set"], true, "{stored}");

    // A legal client's requisites on the card: a bad БИК at its field, then saved.
    click(&c, "#nav-console").await;
    retype(&c, "#client-search", "Ромашка").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{client}']"),
    )
    .await;
    wait_until(&c, "#client-name", None, |t| t == "Ромашка").await;
    click(&c, "#edit-client").await;
    wait_for(&c, "#edit-requisites").await;
    let kpp = wait_for(&c, "#edit-req-kpp")
        .await
        .prop("value")
        .await
        .expect("kpp");
    assert_eq!(kpp.as_deref(), Some("771201001"));
    retype(&c, "#edit-req-bank-name", "АО Банк").await;
    retype(&c, "#edit-req-bik", "12345").await;
    click(&c, "#client-edit-form .save").await;
    wait_until(&c, ".field-error[data-field='requisites.bik']", None, |t| {
        t == "Должно быть 9 цифр."
    })
    .await;
    retype(&c, "#edit-req-bik", "044525225").await;
    retype(&c, "#edit-req-email", "docs@romashka.ru").await;
    click(&c, "#client-edit-form .save").await;
    wait_js(
        &c,
        "return !document.querySelector('#client-edit-form')",
        "the form closes",
    )
    .await;
    let card = app
        .get(&format!("/api/clients/{client}"), &app.admin)
        .await
        .ok();
    let r = &card["requisites"];
    assert_eq!(
        (
            r["bik"].as_str(),
            r["bank_name"].as_str(),
            r["email"].as_str()
        ),
        (Some("044525225"), Some("АО Банк"), Some("docs@romashka.ru")),
        "{card}"
    );
    assert_eq!(r["kpp"], "771201001", "untouched fields stay");
    c.close().await.expect("close browser");
}
